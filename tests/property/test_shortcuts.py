# SPDX-License-Identifier: MIT
"""The shortcuts taken for speed give what the plain computation gives.

NFKC skips the full normalisation of text whose only compatibility characters are the common
full-width ones; the HTML parser finds a table's rows in one walk of its tree; the pipe-text sniffer
counts lines ending in ``|`` with one search. These properties compare each shortcut with the
plain computation it stands for, written out here as the definition.
"""

from __future__ import annotations

import unicodedata
from typing import Any

import lxml.etree  # type: ignore[import-untyped,unused-ignore]
from hypothesis import given, settings
from hypothesis import strategies as st

import gkbg
from gkbg import Rule, Value
from gkbg.checks import evaluators as _evaluators
from gkbg.core.text import normalize_nfkc
from gkbg.read.html import _parse, _rows
from gkbg.read.plaintext import _CELL_LINE, _MIN_CELL_LINES, _cell_lines
from gkbg.testing import Invalid, invalid_reports

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


def _unprogrammed(rule: Rule, variant: str, table: str) -> _evaluators._Program:
    def unreadable(_: object) -> tuple[Value | None, ...]:
        raise KeyError(rule.id)

    del variant, table
    return _evaluators._Program(unreadable, lambda _: [])


@settings(max_examples=30, deadline=None)
@given(invalid_reports())
def test_the_compiled_relations_find_what_each_instance_finds(invalid: Invalid) -> None:
    report = invalid.report
    compiled = gkbg.check(report)
    original = _evaluators._program
    _evaluators._program = _unprogrammed  # type: ignore[assignment]
    try:
        plain = gkbg.check(report)
    finally:
        _evaluators._program = original
    assert compiled == plain
    assert compiled.errors
