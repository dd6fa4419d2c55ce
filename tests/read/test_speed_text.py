# SPDX-License-Identifier: MIT
"""The shortcuts the text formats and the alignment take for speed give what the plain work gives.

Each property compares a shortcut with the plain computation it replaces, written out here as the
definition: the line starts of `TokenWriter`; the pipe and flat tokenisers with the per-character
and per-word loops around `TokenWriter.add` (token limit included); the alignment that reads only
the forms the labels leave in the running with the one that reads every candidate form; the
alignment's items with items built one by one; glued zeros, and the grid's judgement of a cell's
positions, with their plain definitions; the grid reader's early exit with the full reader; the
metadata's one substitution over all lines, its search for split titles and its skipping of lines
without 年 and 报 with the line-by-line work.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gkbg
from gkbg.align.grid import (
    GridPlacement,
    _Candidate,
    _differ,
    _grid_rows,
    _GridReader,
    _resolve,
    _same,
    _shifted,
    read_grid,
    role_matcher,
)
from gkbg.align.metadata import (
    _BLANK,
    _MAX_AGENCY,
    _TITLE_RE,
    _TITLE_YEAR_FIRST_RE,
    _compact,
    _compact_lines,
    _is_agency,
    _join_split_titles,
)
from gkbg.align.order import Item, _glued, _items
from gkbg.align.report import _best_reading, _distinct_forms, _find_sections
from gkbg.core.errors import LimitExceededError
from gkbg.core.limits import Limits
from gkbg.core.reasons import Doubt
from gkbg.core.schema import TABLES
from gkbg.read.layout import Token, TokenKind, TokenWriter
from gkbg.read.plaintext import _CELL_LINE, _WORD, FlatTextParser, PipeTextParser
from gkbg.testing import label_styles, mixed_reports, reports
from tests.helpers import RENDERERS

if TYPE_CHECKING:
    from collections.abc import Sequence

    from gkbg.core.schema import TableForm
    from gkbg.read.layout import Layout

ROOT = Path(__file__).resolve().parent.parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
REAL = sorted(
    [
        *(FIXTURES / "seeds").glob("*.txt"),
        *(ROOT / "examples").glob("*.txt"),
        *(FIXTURES / "html").glob("*.html"),
        *(FIXTURES / "docx").glob("*.docx"),
        *(FIXTURES / "xlsx").glob("*.xlsx"),
    ]
)

_BUDGET = settings().max_examples
SOME = settings(
    max_examples=max(_BUDGET // 2, 10),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

# --------------------------------------------------------------------------------------------
# Tokenising: the plain loops around TokenWriter.add.


def _plain_pipe(text: str, limits: Limits | None = None) -> list[Token]:
    writer = TokenWriter(text, limits=limits)
    offset = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        if _CELL_LINE.search(body):
            start = offset
            for index, char in enumerate(body):
                if char == "|":
                    writer.add(start, offset + index, cell=True)
                    start = offset + index + 1
        elif body.strip():
            lead = len(body) - len(body.lstrip())
            writer.add(offset + lead, offset + len(body.rstrip()), cell=False, kind=TokenKind.TEXT)
        offset += len(line)
    return writer.tokens


def _plain_flat(text: str, limits: Limits | None = None) -> list[Token]:
    writer = TokenWriter(text, limits=limits)
    for match in _WORD.finditer(text):
        writer.add(match.start(), match.end(), cell=False)
    return writer.tokens


def _read(parser: PipeTextParser | FlatTextParser, text: str, limits: Limits) -> list[Token]:
    document = gkbg.Input(text.encode(), "<test>", limits)
    return list(parser.read(document).tokens)


_PIECES = [
    "a",
    "本年",
    "0",
    "12",
    "1,234",
    "/",
    "—",
    "|",
    "|",
    " |",
    " ",
    "\u3000",
    "\t",
    "\n",
    "\r",
    "\r\n",
    "\x0b",
    "\x0c",
    "\x1c",
    "\x85",
    "\u2028",
    "\xa0",
]
texts = st.lists(st.sampled_from(_PIECES), max_size=80).map("".join)
LIMITS = Limits()


@given(texts)
def test_line_starts_are_those_found_one_by_one(text: str) -> None:
    starts = [0]
    end = text.find("\n")
    while end >= 0:
        starts.append(end + 1)
        end = text.find("\n", end + 1)
    assert TokenWriter(text)._line_starts == starts


@given(texts)
def test_pipe_tokens_are_those_of_the_character_loop(text: str) -> None:
    plain = _plain_pipe(text)
    if not any(token.cell for token in plain):
        return  # the parser refuses such text: no cell
    assert _read(PipeTextParser(), text, LIMITS) == plain


@given(texts)
def test_flat_tokens_are_those_of_the_word_loop(text: str) -> None:
    assert _read(FlatTextParser(), text, LIMITS) == _plain_flat(text)


@given(texts, st.integers(min_value=1, max_value=12))
def test_token_limit_is_kept_as_by_the_plain_loops(text: str, most: int) -> None:
    limits = Limits(max_tokens=most)
    for parser, plain in ((PipeTextParser(), _plain_pipe), (FlatTextParser(), _plain_flat)):
        try:
            expected = plain(text, limits)
        except LimitExceededError:
            with pytest.raises(LimitExceededError, match="tokens"):
                _read(parser, text, limits)
            continue
        if parser.name == "pipe" and not any(token.cell for token in expected):
            continue
        assert _read(parser, text, limits) == expected


@pytest.mark.parametrize("path", [p for p in REAL if p.suffix == ".txt"], ids=lambda p: p.name)
def test_real_text_tokens_are_those_of_the_plain_loops(path: Path) -> None:
    text = path.read_text("utf-8")
    layout = gkbg.parse_layout(path)
    plain = _plain_pipe(text) if layout.format == "pipe" else _plain_flat(text)
    assert list(layout.tokens) == plain


# --------------------------------------------------------------------------------------------
# Alignment: the forms the labels rule out are not read.


def _tables(layout: Layout, *, every_form: bool) -> list[object]:
    """Every table's reading, as `build_report` chains them, with or without the shortcut."""
    sections = _find_sections(layout.tokens)
    found: list[object] = []
    prefer: str | None = None
    for key in TABLES:
        if key not in sections:
            continue
        start, stop = sections[key]
        tokens = layout.tokens[start:stop]
        reading = _best_reading(tokens, _distinct_forms(key), prefer, every_form=every_form)
        found.append((reading.form.variant, reading.placed, reading.unread, reading.evidence))
        prefer = prefer or reading.form.variant
    return found


def _same_readings(layout: Layout) -> None:
    assert _tables(layout, every_form=False) == _tables(layout, every_form=True)


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.name)
def test_real_documents_read_as_with_every_form(path: Path) -> None:
    _same_readings(gkbg.parse_layout(path))


@SOME
@given(
    st.one_of(reports(), mixed_reports()),
    st.one_of(st.none(), label_styles()),
    st.sampled_from(sorted(RENDERERS)),
    st.data(),
)
def test_rendered_reports_read_as_with_every_form(
    report: gkbg.Report, style: object, renderer: str, data: st.DataObject
) -> None:
    layout = gkbg.parse_layout(RENDERERS[renderer](report, style))
    _same_readings(layout)
    # Tokens lost or repeated: labels missing, values out of place, ties between the forms.
    tokens = layout.tokens
    kept = data.draw(st.lists(st.integers(0, max(len(tokens) - 1, 0)), max_size=len(tokens)))
    dropped = data.draw(st.sets(st.integers(0, max(len(tokens) - 1, 0)), max_size=40))
    mangled = tuple(t for i, t in enumerate(tokens) if i not in dropped)
    _same_readings(gkbg.Layout(mangled, layout.text))
    if tokens:
        _same_readings(gkbg.Layout(tuple(tokens[i] for i in kept), layout.text))


@given(st.text(alphabet="00001 a", max_size=6))
def test_glued_zeros_are_those_of_the_definition(text: str) -> None:
    plain = len(text) if len(text) > 1 and set(text) == {"0"} else 1
    assert _glued(Token(text, TokenKind.VALUE)) == plain


# --------------------------------------------------------------------------------------------
# Grid: a layout without grid positions reads as the full reader reads it.


def _plain_grid_rows(tokens: Sequence[Token], key: str) -> set[str]:
    rows: set[str] = set()
    for form in _distinct_forms(key):
        reader = _GridReader(form)
        reader.read(_grid_rows(tokens))
        rows |= reader.rows
    return rows


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.name)
def test_grid_says_nothing_exactly_when_the_full_reader_finds_no_row(path: Path) -> None:
    layout = gkbg.parse_layout(path)
    for key in TABLES:
        for form in _distinct_forms(key):
            found = read_grid(layout.tokens, form)
            reader = _GridReader(form)
            reader.read(_grid_rows(layout.tokens))
            assert (found is None) == (not reader.rows)
    if layout.format in {"pipe", "text"}:
        assert not _plain_grid_rows(layout.tokens, "active")


def _plain_differ(candidates: list[_Candidate]) -> bool:
    printed = [c for c in candidates if c.token.text.strip()]
    return any(not _same(c.token, printed[0].token) for c in printed)


def _plain_shifted(candidates: list[_Candidate]) -> bool:
    if _plain_differ(candidates):
        return True
    printed = [c for c in candidates if c.token.text.strip()]
    exact = [c for c in candidates if c.exact]
    return bool(printed) and bool(exact) and not any(c.exact for c in printed)


def _plain_resolve(candidates: list[_Candidate]) -> GridPlacement:
    printed = [c for c in candidates if c.token.text.strip()]
    chosen_from = printed or candidates
    exact = [c for c in chosen_from if c.exact]
    chosen = (exact or chosen_from)[0]
    reasons = list(chosen.reasons)
    if any(not _same(c.token, chosen.token) for c in printed):
        texts = ", ".join(repr(c.token.text) for c in printed)
        reasons.append(Doubt.of("grid.conflict", texts=texts, text=chosen.token.text))
    return GridPlacement(chosen.token, tuple(dict.fromkeys(reasons)))


candidates = st.lists(
    st.builds(
        _Candidate,
        st.builds(
            Token, st.sampled_from(["", " ", "0", "\uff10", "1", "x"]), st.just(TokenKind.VALUE)
        ),
        st.booleans(),
        st.just((0, 1)),
        st.lists(st.sampled_from(["a", "b"]), max_size=3).map(tuple),
    ),
    min_size=1,
    max_size=3,
)


@given(candidates)
def test_grid_positions_judged_as_by_the_definition(found: list[_Candidate]) -> None:
    assert _differ(found) == _plain_differ(found)
    assert _shifted(found) == _plain_shifted(found)
    assert _resolve(found) == _plain_resolve(found)


# --------------------------------------------------------------------------------------------
# Metadata: all lines compacted in one substitution.

_LINE_PIECES = ["a", "本局", " ", "\u3000", "\t", "\u200b", "\ufeff", "\x00", "2021年", "|"]
lines_strategy = st.lists(st.lists(st.sampled_from(_LINE_PIECES), max_size=8).map("".join))


@given(lines_strategy)
def test_lines_are_compacted_as_one_by_one(lines: list[str]) -> None:
    assert _compact_lines(lines) == [_compact(line) for line in lines]


def _plain_join(lines: list[str]) -> list[str]:
    """The definition: line by line, an agency alone on its line joined to a title after it."""
    joined: list[str] = []
    skip = False
    for index, line in enumerate(lines):
        if skip:
            skip = False
            continue
        following = lines[index + 1] if index + 1 < len(lines) else ""
        head = _compact(line)
        if (
            head
            and len(head) <= _MAX_AGENCY
            and _is_agency(head)
            and _TITLE_RE.match(_compact(following))
        ):
            joined.append(line.strip(_BLANK) + following.strip(_BLANK))
            skip = True
        else:
            joined.append(line)
    return joined


_TITLE_LINES = [
    "延边州政务服务和数字化建设管理局",
    "2021年度政府信息公开工作年度报告",
    " 2021 年度政府信息公开工作年度报告 |",
    "沛县人民政府",
    "2019年",
    "2021年,我局",
    "正文",
    "",
]


@given(st.lists(st.sampled_from([*_TITLE_LINES, *_LINE_PIECES]), max_size=12))
def test_split_titles_joined_as_line_by_line(lines: list[str]) -> None:
    joined, compacts = _join_split_titles(lines)
    assert joined == _plain_join(lines)
    assert compacts == [_compact(line) for line in joined]


def test_a_split_title_is_joined() -> None:
    joined, _ = _join_split_titles(["正文", *_TITLE_LINES[:2], "正文"])
    assert joined == ["正文", "".join(_TITLE_LINES[:2]), "正文"]


_TITLE_PIECES = [
    "2021",
    "2",
    "0",
    "年",
    "度",
    "报",
    "告",
    "政府信息公开",
    "工作",
    "本局",
    " ",
    "《",
]


@given(st.lists(st.sampled_from(_TITLE_PIECES), max_size=14).map("".join))
def test_a_line_without_nian_or_bao_holds_no_title(line: str) -> None:
    """`_find_title` skips such lines: neither title pattern can match in them."""
    assert _TITLE_RE.search("本局2021年度政府信息公开工作年度报告") is not None
    for missing in ("年", "报"):
        without = line.replace(missing, "")
        assert _TITLE_RE.search(without) is None
        assert _TITLE_YEAR_FIRST_RE.search(without) is None


def _plain_items(tokens: Sequence[Token], form: TableForm) -> list[Item]:
    matcher = role_matcher(form.variant, form.key)
    items: list[Item] = []
    for token in tokens:
        if token.kind is TokenKind.VALUE:
            items.append(Item("value", token))
        elif token.kind is TokenKind.EMPTY:
            items.append(Item("empty", token))
        else:
            found = matcher.match(token.text)
            items.append(
                Item("text", token) if found is None else Item("label", token, found.target)
            )
    return items


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.name)
def test_items_are_those_built_one_by_one(path: Path) -> None:
    tokens = gkbg.parse_layout(path).tokens
    for key in TABLES:
        for form in _distinct_forms(key):
            items = _items(tokens, form)
            assert items == _plain_items(tokens, form)
            assert all(type(item) is Item for item in items)
