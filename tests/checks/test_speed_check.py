# SPDX-License-Identifier: MIT
"""The shortcuts of `gkbg.check` give what the plain computation gives (issue 8).

The narrative checks look up the candidates on the raw text (`RawSentences`): the pieces
around a form of a character every match requires are cut and normalised, the rest of the
text is not. Each property compares a shortcut with the plain computation it stands for.
"""

from __future__ import annotations

import sys
import unicodedata
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import attrs
import regex
from hypothesis import given
from hypothesis import strategies as st

import gkbg
from gkbg import Rule, RuleSet
from gkbg.checks.narrative import (
    RawSentences,
    Sentences,
    _decompositions,
    _forms,
    _keyable,
    narrative,
    required_chars,
    required_clauses,
    sentences,
)
from gkbg.core.text import nfkc
from tests.checks.test_narrative_shortcuts import _PIECES, patterns
from tests.helpers import CORPUS, FIXTURES, SEEDS

if TYPE_CHECKING:
    from collections.abc import Iterable

EXAMPLES = sorted((Path(__file__).parent.parent.parent / "examples").glob("*.txt"))

# Besides the pieces of report text: other forms of the characters the patterns require
# (a Kangxi radical, a compatibility ideograph, an enclosed ideograph, full-width digits),
# sentence ends NFKC makes, and line breaks a heading or a title line follows or precedes.
_MORE = [
    "\u2f8f",  # ⾏, NFKC 行
    "\ufa08",  # 行 (compatibility), NFKC 行
    "\U0001f238",  # 🈸, NFKC 申
    "\u2f8f政复议",
    "行政\ufa08",
    "\ufe54",  # ﹔, NFKC ;
    "\uff1b",
    "\uff01",
    "\uff1f",
    "年度报告 \n",
    "情况\t\n",
    "事项\u3000\n",
    "\n（二）",
    "\n3.",
    "\n  一、",
    "\r\n",
    "\u2028",
    "１２",
    "总数为",
    "件数",
]

texts = st.lists(st.sampled_from([*_PIECES, *_MORE]), max_size=40).map("".join)


def _statement_patterns() -> list[tuple[str, ...]]:
    return [
        (*statement.patterns, *statement.zero)
        for rule in RuleSet.builtin()
        if isinstance(rule, Rule)
        for statement in rule.statements
    ]


@given(texts)
def test_the_whole_text_cut_piece_by_piece_gives_the_sentences(text: str) -> None:
    raw = RawSentences(text)
    assert [raw.sentences[key] for key in raw.candidates(["(?i)x"])] == sentences(text)


@given(texts, st.data())
def test_the_candidates_are_sentences_and_hold_every_match(text: str, data: st.DataObject) -> None:
    every = RawSentences(text)
    keys = every.candidates(["(?i)x"])  # a pattern read as requiring nothing: every sentence
    raw = RawSentences(text)
    # Looked up in any order, so that pieces cut for one pattern serve the next.
    for group in data.draw(st.permutations(_statement_patterns())):
        candidates = list(raw.candidates(group))
        assert candidates == sorted(candidates)
        for key in candidates:
            assert raw.sentences[key] == every.sentences[key]
        matched = {
            key
            for key in keys
            if any(regex.search(pattern, every.sentences[key]) for pattern in group)
        }
        assert matched <= set(candidates)


@given(
    patterns,
    st.lists(st.sampled_from([*"收到申请件起公开a,。", "1", "2"]), max_size=12).map("".join),
)
def test_a_match_holds_a_character_of_every_clause(pattern: str, text: str) -> None:
    found = regex.search(pattern, text)
    if found is not None:
        for clause in required_clauses(pattern):
            assert not clause.isdisjoint(found[0]), (pattern, clause)


def test_the_clauses_of_the_builtin_patterns() -> None:
    clauses = required_clauses("(?:收到|接收)申请[件个]")
    assert clauses == {
        frozenset("收"),
        frozenset("到接"),
        frozenset("申"),
        frozenset("请"),
        frozenset("件个"),
    }
    assert required_chars("(?:收到|接收)申请[件个]") == frozenset("收申请")
    assert required_clauses("[^件]") == required_clauses("[0-9]") == frozenset()
    for group in _statement_patterns():
        for pattern in group:
            singles = {
                char for clause in required_clauses(pattern) if len(clause) == 1 for char in clause
            }
            assert singles == required_chars(pattern)
            assert any(map(_keyable, singles)), pattern  # each built-in pattern is looked up


@cache
def _plain_decompositions() -> dict[str, str]:
    changed = {}
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        decomposed = unicodedata.normalize("NFKD", char)
        if decomposed != char:
            changed[char] = decomposed
    return changed


def test_the_decompositions_are_every_character_nfkd_changes() -> None:
    assert dict(_decompositions()) == _plain_decompositions()


def test_a_keyable_character_nfkc_makes_is_in_the_nfkd_of_the_character() -> None:
    decompositions = _plain_decompositions()
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        made = nfkc(char)
        if made != char:
            for piece in made:
                if _keyable(piece):
                    assert piece in decompositions[char], hex(code)


def test_the_forms_of_the_characters_the_builtin_patterns_need() -> None:
    decompositions = _plain_decompositions()
    keys = {
        char
        for group in _statement_patterns()
        for pattern in group
        for clause in required_clauses(pattern)
        for char in clause
        if _keyable(char)
    }
    for char in keys:
        plain = {char} | {other for other, made in decompositions.items() if char in made}
        assert set(_forms(char)) == plain, char
    assert set(_forms("行")) == {"行", "\u2f8f", "\ufa08"}


# Characters NFKC composes, decomposes or reorders, and the forms of some ideographs.
_TRICKY = [
    *"行申请议eEaA\u0301\u0300\u0323\u0315\u00e9\u1100\u1161\u11a8가ﬁ\u2f8f\ufa08\U0001f238ㄱ①"
]


@given(st.lists(st.sampled_from(_TRICKY), max_size=12).map("".join))
def test_a_keyable_character_of_the_nfkc_has_a_form_in_the_text(text: str) -> None:
    for char in set(nfkc(text)):
        if _keyable(char):
            assert any(form in text for form in _forms(char)), (text, char)


class _Every(Sentences):
    """The plain computation: every sentence of the text is a candidate."""

    def candidates(self, patterns: Iterable[str]) -> Iterable[int]:
        del patterns
        return range(len(self.sentences))


def _reports() -> list[gkbg.Report]:
    paths = [*SEEDS, *EXAMPLES, *sorted((FIXTURES / "html").glob("*.html")), *CORPUS]
    return [gkbg.parse(path) for path in paths]


def test_the_real_reports_narrative_is_that_of_every_sentence() -> None:
    for report in _reports():
        grown = attrs.evolve(report, text=report.text + "\n" + report.text.replace("。", "\n"))
        for case in (report, grown):
            for rule in RuleSet.builtin():
                if isinstance(rule, Rule) and rule.kind == "narrative":
                    fast = list(narrative(rule, case))
                    assert fast == list(narrative(rule, case, text=_Every(case.text)))
