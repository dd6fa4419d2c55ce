# SPDX-License-Identifier: MIT
"""The shortcuts taken for speed give what the plain computation gives.

NFKC skips the full normalisation of text whose only compatibility characters are the common
full-width ones; the narrative checks cut the report's text into sentences once, normalising
the whole text rather than each piece, and skip a pattern that matches nowhere in the joined
sentences; the HTML parser finds a table's rows in one walk of its tree; the pipe-text sniffer
counts lines ending in ``|`` with one search. These properties compare each shortcut with the
plain computation it stands for, written out here as the definition.
"""

from __future__ import annotations

import unicodedata
from typing import Any

import lxml.etree  # type: ignore[import-untyped,unused-ignore]
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

import gkbg
from gkbg import Report, Rule, RuleSet, Value, _engine
from gkbg._engine import _SENTENCE_END, _SPACE, _SPACE_IN_LINE, _candidates, _Context
from gkbg._html import _parse, _rows
from gkbg._model import Table
from gkbg._text import nfkc, normalize_nfkc
from gkbg._text_formats import _CELL_LINE, _MIN_CELL_LINES, _cell_lines
from tests.strategies import perturbed_reports

# Pieces of report text: the words the built-in patterns look for, numbers in both scripts,
# sentence ends, white space of every kind, and characters NFKC turns into a sentence end.
_PIECES = [
    "本年",
    "收到",
    "新收",
    "政府信息公开",
    "信息公开",
    "申请",
    "共",
    "共计",
    "行政复议",
    "行政诉讼",
    "案件",
    "12",
    "３４",
    "二十一",
    "件",
    "起",
    "。",
    "；",
    ";",
    "！",
    "?",
    "\n",
    "\r\n",
    " ",
    "\u3000",
    "\u00a0",
    "\t",
    "｡",
    "﹖",
    "﹗",
    "‼",
    "−",
    "e\u0301",
    "ﬁ",
]

texts = st.lists(st.sampled_from(_PIECES), max_size=40).map("".join)


def _plain_sentences(text: str) -> list[str]:
    return [_SPACE.sub("", nfkc(piece)) for piece in _SENTENCE_END.split(text)]


def _report(text: str) -> Report:
    return Report(tuple(Table(key, None) for key in gkbg.TABLES), None, text=text)


def _patterns() -> list[str]:
    return [
        pattern
        for rule in RuleSet.builtin()
        if isinstance(rule, Rule)
        for statement in rule.statements
        for pattern in statement.patterns
    ]


@given(texts)
def test_sentences_are_those_of_cutting_first(text: str) -> None:
    context = _Context(_report(text))
    assert context.sentences == _plain_sentences(text)
    assert context.joined == "\n".join(_plain_sentences(text))


@given(texts)
def test_every_sentence_a_pattern_matches_is_a_candidate(text: str) -> None:
    context = _Context(_report(text))
    sentences = _plain_sentences(text)
    patterns = [*_patterns(), r"(?P<n>\d+)件", r"件(?P<n>\d*)", r"(?P<n>\d+)\n?共"]
    for pattern in patterns:
        compiled = regex.compile(pattern)
        matched = [i for i, sentence in enumerate(sentences) if compiled.search(sentence)]
        assert set(matched) <= set(_candidates([pattern], context))


def test_white_space_in_a_line_is_regex_white_space_but_the_line_break() -> None:
    spaces = regex.compile(r"[^\S\n]")
    for code in range(0x110000):
        char = chr(code)
        assert (spaces.match(char) is None) == (_SPACE_IN_LINE.match(char) is None), hex(code)


def test_a_pattern_needing_context_makes_every_sentence_a_candidate() -> None:
    context = _Context(_report("共12件。收到3件。无"))
    assert list(_candidates([r"^(?P<n>\d+)"], context)) == [0, 1, 2]
    assert list(_candidates([r"(?r)(?P<n>\d+)件"], context)) == [0, 1, 2]
    assert list(_candidates([r"收到(?P<n>\d+)件"], context)) == [1]
    assert list(_candidates([r"没有(?P<n>\d+)"], context)) == []


# --------------------------------------------------------------------------------------------
# Pipe text: lines ending in ``|``.

_LINE_PIECES = ["a", "|", " ", "\t", "\n", "\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x85", "\u2028"]


@given(st.lists(st.sampled_from(_LINE_PIECES), max_size=60).map("".join))
def test_cell_lines_are_counted_as_splitlines_cuts_them(text: str) -> None:
    plain = sum(1 for line in text.splitlines() if _CELL_LINE.search(line))
    assert _cell_lines(text) == min(plain, _MIN_CELL_LINES)


# --------------------------------------------------------------------------------------------
# HTML: a table's rows.

_TAGS = ["table", "tbody", "tr", "td", "th", "div", "span", "p"]

trees = st.recursive(
    st.just("x"),
    lambda inner: st.tuples(st.sampled_from(_TAGS), st.lists(inner, max_size=4)).map(
        lambda node: f"<{node[0]}>{''.join(node[1])}</{node[0]}>"
    ),
    max_leaves=30,
)


def _nearest(node: Any, *tags: str) -> Any:
    parent = node.getparent()
    while parent is not None and parent.tag not in tags:
        parent = parent.getparent()
    return parent


def _reference_rows(table: Any) -> list[list[Any]]:
    """The definition: every tr, td and th of the table in document order, by nearest owner."""
    rows: list[list[Any]] = []
    loose: list[Any] | None = None
    for node in table.iter("tr", "td", "th"):
        if node.tag == "tr":
            if _nearest(node, "table") is table:
                loose = None
                rows.append(
                    [c for c in node.iter("td", "th") if _nearest(c, "tr", "table") is node]
                )
        elif _nearest(node, "tr", "table") is table:
            if loose is None:
                loose = []
                rows.append(loose)
            loose.append(node)
    return rows


@given(st.lists(trees, min_size=1, max_size=3))
def test_rows_are_those_of_the_definition(pieces: list[str]) -> None:
    root = _parse(f"<html><body><table>{''.join(pieces)}</table></body></html>", "<test>")
    for table in root.iter("table"):
        assert _rows(table) == _reference_rows(table)


def test_a_cell_outside_rows_and_a_nested_table() -> None:
    page = "<table><td>a</td><tr><td>b<table><tr><td>c</td></tr></table></td></tr></table>"
    table = next(_parse(page, "<test>").iter("table"))
    assert [[cell.text for cell in row] for row in _rows(table)] == [["a"], ["b"]]
    assert isinstance(table, lxml.etree._Element)


# --------------------------------------------------------------------------------------------
# NFKC.

_NFKC_PIECES = [
    "中文",
    "a",
    "e",
    "，",
    "（",
    "Ａ",
    "ａ",
    "１",
    "\u3000",
    "…",
    "\u0301",
    "\u0323",
    "\u3099",
    "か",
    "ｶ",
    "ﾞ",
    "①",
    "ﬁ",
    "Å",
    "\u1100",
    "\u1161",
    "\uff5f",
    "～",
    "－",
    "−",
]


@given(st.lists(st.sampled_from(_NFKC_PIECES) | st.characters(), max_size=30).map("".join))
def test_fast_nfkc_is_nfkc(text: str) -> None:
    assert normalize_nfkc(text) == unicodedata.normalize("NFKC", text)


# --------------------------------------------------------------------------------------------
# Relations: the compiled program against the evaluation instance by instance.


def _unprogrammed(rule: Rule, variant: str, table: str) -> _engine._Program:
    def unreadable(_: object) -> tuple[Value | None, ...]:
        raise KeyError(rule.id)

    del variant, table
    return _engine._Program(unreadable, lambda _: [])


@settings(max_examples=30, deadline=None)
@given(perturbed_reports())
def test_the_compiled_relations_find_what_each_instance_finds(
    perturbed: tuple[Report, str, Value],
) -> None:
    report, _, _ = perturbed
    compiled = gkbg.check(report)
    original = _engine._program
    _engine._program = _unprogrammed  # type: ignore[assignment]
    try:
        plain = gkbg.check(report)
    finally:
        _engine._program = original
    assert compiled == plain
    assert compiled.errors
