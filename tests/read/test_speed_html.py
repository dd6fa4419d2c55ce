# SPDX-License-Identifier: MIT
"""The HTML reader's shortcuts give what its plain walk gives (issue 8).

Given a `_Tree`, the reader finds what is skipped and each table's rows in one pass over the
tree, and takes the text of whole subtrees with one lxml call, block boundaries marked in the
text; without one, it visits every element (the plain walk, the definition). These tests read
generated markup soups (libxml2 recovers them into odd trees: cells outside rows, rows in cells,
hidden rows, tables in captions), the bundled pages and rendered reports both ways and compare
every token, location and the text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
import regex
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import gkbg
from gkbg import render
from gkbg.core.limits import DEFAULT_LIMITS
from gkbg.read.base import Input
from gkbg.read.html import (
    _CONTROL,
    _LONG_TAG,
    _LONG_TAG_BYTES,
    _MARKS,
    _ODD_SPACES,
    _SPACE,
    HtmlParser,
    _collapse,
    _collapse_split,
    _decode,
    _markup,
    _prepare,
    _Reader,
    _rows,
    _UnmarkableError,
)
from tests.helpers import FIXTURES, SEEDS

if TYPE_CHECKING:
    from gkbg.read.layout import Token

_NAME = "<test>"

_TAGS = [
    "table",
    "tbody",
    "thead",
    "tr",
    "td",
    "th",
    "caption",
    "div",
    "p",
    "span",
    "b",
    "li",
    "ul",
    "h1",
    "blockquote",
    "pre",
    "script",
    "style",
    "noscript",
    "select",
    "template",
    "svg",
    "title",
    "font",
]
_ATTRIBUTES = [
    "",
    "",
    "",
    " hidden",
    ' style="display: none"',
    ' STYLE="Visibility :  Hidden"',
    ' style="color: red"',
    ' rowspan="2"',
    ' colspan="3"',
    ' rowspan="0"',
]
_TEXTS = [
    "a",
    "1",
    "23",
    " ",
    "\n",
    "\u3000",
    "&nbsp;",
    "&#160;",
    "&#xE000;",
    "\ue001",
    "x&amp;y",
    "<!-- c -->",
    "<?pi x?>",
    "<br>",
    "<br/>",
    "</br>",
    "<br hidden>",
    '<br style="display:none">',
    "\x01",
    "&#1;",
    "&#xFFFF;",
]


def _tag(draw: Any) -> str:
    tag = draw(st.sampled_from(_TAGS))
    if draw(st.booleans()):
        return f"<{tag}{draw(st.sampled_from(_ATTRIBUTES))}>"
    return f"</{tag}>"


soups = st.lists(st.one_of(st.sampled_from(_TEXTS), st.composite(_tag)()), max_size=40).map("".join)


def _tokens(page: str, *, fast: bool) -> tuple[list[Token], str]:
    root, source = _markup(page, _NAME)
    tree = None
    if fast:
        try:
            tree = _prepare(root, source)
        except _UnmarkableError:
            root, _ = _markup(page, _NAME)
    reader = _Reader(_NAME, DEFAULT_LIMITS, tree)
    reader.flow(root)
    reader.finish()
    return reader.tokens, reader.text


def assert_same_reading(page: str) -> None:
    assert _tokens(page, fast=True) == _tokens(page, fast=False)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(soups)
def test_soups_read_as_the_plain_walk_reads_them(soup: str) -> None:
    assert_same_reading(f"<html><head><title>t</title></head><body>{soup}</body></html>")


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(soups)
def test_soups_in_a_table_read_as_the_plain_walk_reads_them(soup: str) -> None:
    assert_same_reading(f"<table><caption>c{soup}</caption><tr><td>{soup}</td></tr>{soup}</table>")


@settings(max_examples=200)
@given(soups)
def test_rows_of_every_table_are_those_of_the_plain_walk(soup: str) -> None:
    root, source = _markup(f"<html><body><table>{soup}</table>{soup}</body></html>", _NAME)
    plain = {table: _rows(table) for table in root.iter("table")}
    try:
        tree = _prepare(root, source)
    except _UnmarkableError:
        tree = None
    assume(tree is not None)
    assert tree is not None
    assert tree.rows == plain


def _pages() -> list[tuple[str, bytes]]:
    pages = [(path.name, path.read_bytes()) for path in sorted((FIXTURES / "html").glob("*.html"))]
    pages += [(path.name, path.read_bytes()) for path in sorted((FIXTURES / "grid").glob("*.html"))]
    pages += [(path.name, render.html(gkbg.parse(path)).encode()) for path in SEEDS[:3]]
    return pages


@pytest.mark.parametrize(("name", "data"), _pages(), ids=lambda value: str(value)[:40])
def test_pages_read_as_the_plain_walk_reads_them(name: str, data: bytes) -> None:
    page = _decode(data, name)
    assert _prepare(*_markup(page, name)) is not None
    assert_same_reading(page)


def test_a_page_holding_the_mark_is_read_with_another() -> None:
    page = "<p>a\ue000b</p><table><tr><td>1<p>2</p>\ue000</td></tr></table>"
    tree = _prepare(*_markup(page, _NAME))
    assert tree is not None
    assert tree.mark == _MARKS[1]
    assert_same_reading(page)


def test_a_character_reference_to_the_mark_is_seen() -> None:
    page = "<p>a&#xE000;b</p><table><tr><td>1<p>2</p></td></tr></table>"
    tree = _prepare(*_markup(page, _NAME))
    assert tree is not None
    assert tree.mark == _MARKS[1]


def test_a_page_holding_every_mark_is_read_element_by_element() -> None:
    page = f"<p>{''.join(_MARKS)}</p><table><tr><td>1</td><td>x<p>2</p></td></tr></table>"
    assert _prepare(*_markup(page, _NAME)) is None
    layout = HtmlParser().read(Input(page.encode(), _NAME))
    assert [token.text for token in layout.tokens] == [
        "".join(_MARKS),
        "1",
        "x 2",
    ]


def test_a_kelvin_sign_in_a_tag_is_read_element_by_element() -> None:
    # "blocKquote" with U+212A lowers to "blockquote" in Python: a block, which lxml's search
    # by tag name would not find.
    page = "<div>a<bloc\u212aquote>b</bloc\u212aquote>c</div>"
    root, source = _markup(page, _NAME)
    assert [node.tag for node in root.iter()][-1] == "bloc\u212aquote"
    assert _prepare(root, source) is None
    layout = HtmlParser().read(Input(page.encode(), _NAME))
    assert [token.text for token in layout.tokens] == ["a", "b", "c"]


def test_hidden_cells_keep_their_grid_position() -> None:
    page = (
        '<table><tr style="display:none"><td>1</td><td hidden>2</td><td>3</td></tr>'
        '<tr><td>a<span style="visibility:hidden">b</span>c</td><td>d<div>e</div></td></tr>'
        "</table>"
    )
    tokens, _ = _tokens(page, fast=True)
    assert [(t.text, t.location.row_index, t.location.col_index) for t in tokens] == [
        ("1", 0, 0),
        ("3", 0, 2),
        ("ac", 1, 0),
        ("d e", 1, 1),
    ]
    assert_same_reading(page)


@pytest.mark.parametrize("control", ["\x01", "&#1;"])
def test_a_page_with_control_characters_is_read_as_the_plain_walk_reads_it(control: str) -> None:
    padding = "<p>" + "x" * 200 + "</p>"  # one control character in 200 is not binary data
    marked = f"<div>{padding}<p>a{control}b</p></div>"  # its paragraphs are marked
    with pytest.raises(_UnmarkableError):
        _prepare(*_markup(marked, _NAME))
    read = f"<div>{padding}<p>a{control}b</p><table><tr><td>1<p>2</p></td></tr></table></div>"
    assert _prepare(*_markup(read, _NAME)) is not None
    for page in (marked, read):
        tokens, _ = _tokens(page, fast=False)
        assert [token.text for token in tokens][1] == "a\x01b"
        assert HtmlParser().read(Input(page.encode(), _NAME)).tokens == tuple(tokens)


# --------------------------------------------------------------------------------------------
# Decoding: the searches done on bytes find what the plain searches on the text find.

_CONTROLS = regex.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_PIECES = ["a", "<", ">", "<p ", "中", "\x00", "\x01", "\t", "\x0b", "\x0c", "\x1f", "\x7f", "\x85"]


@given(st.lists(st.sampled_from(_PIECES) | st.characters(), max_size=60).map("".join))
def test_control_characters_are_counted_on_bytes_as_the_text_search_counts_them(
    text: str,
) -> None:
    encoded = text.encode("utf-8", "surrogatepass")
    assert len(encoded) - len(encoded.translate(None, _CONTROL)) == len(_CONTROLS.findall(text))


@given(
    st.lists(st.sampled_from(["<p", "<a b", " ", "x", "中", "\U0001f600", ">", "<"]), max_size=60),
    st.integers(min_value=1, max_value=2000),
)
def test_a_long_tag_is_never_missed_by_the_search_on_bytes(pieces: list[str], repeat: int) -> None:
    text = "".join(piece * (repeat if len(piece) == 1 else 1) for piece in pieces)
    if _LONG_TAG.search(text) is not None:
        assert _LONG_TAG_BYTES.search(text.encode("utf-8", "surrogatepass")) is not None


# --------------------------------------------------------------------------------------------
# White space.


def test_the_odd_spaces_are_where_the_space_pattern_and_isspace_differ() -> None:
    differ = {
        chr(code)
        for code in range(0x110000)
        if (_SPACE.fullmatch(chr(code)) is not None) != chr(code).isspace()
    }
    assert differ == set(_ODD_SPACES)


_SPACES = [" ", "\t", "\n", "\r", "\x0b", "\x0c", "\x85", "\xa0", "\u3000", "\u2028", "\u205f"]


@given(
    st.lists(st.sampled_from([*_SPACES, *_ODD_SPACES, "a", "中"]) | st.characters()).map("".join)
)
def test_collapse_by_split_is_collapse_without_odd_spaces(text: str) -> None:
    if not any(space in text for space in _ODD_SPACES):
        assert _collapse_split(text) == _collapse(text)
    if text.isspace():
        assert not _collapse(text)


def test_a_page_with_odd_spaces_collapses_them_as_the_plain_walk() -> None:
    for space in _ODD_SPACES:
        page = f"<div><p>a{space}b </p></div><table><tr><td>1{space}2</td></tr></table>"
        assert_same_reading(page)
    page = "<div><p>a&#x200b;b </p></div><table><tr><td>1&#8203;</td></tr></table>"
    tree = _prepare(*_markup(page, _NAME))
    assert tree is not None
    assert tree.collapse is _collapse
    assert_same_reading(page)
