# SPDX-License-Identifier: MIT
"""The narrative checks' shortcuts give what the plain computation gives.

The sentences are normalised all at once, joined by ``。``; a statement's patterns are tried
only on the sentences holding every character they require (`required_chars`); a sentence's
clause ends and named years are found once for all its matches. Each property compares a
shortcut with the plain computation it stands for, written out here as the definition.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import attrs
import regex
from hypothesis import given
from hypothesis import strategies as st

import gkbg
from gkbg import Rule, RuleSet
from gkbg.checks.narrative import (
    _CLAUSE_END,
    _JOIN,
    _MAKES_JOIN,
    _SENTENCE_END,
    _SPACE,
    _SPECIAL,
    Sentences,
    _other_year,
    _Sentence,
    narrative,
    required_chars,
    sentences,
)
from gkbg.core.text import nfkc
from tests.helpers import SEEDS

if TYPE_CHECKING:
    from collections.abc import Iterable

# Pieces of report text: the words the built-in patterns look for, numbers in both scripts,
# years, clause and sentence ends, white space of every kind, headings, and characters NFKC
# turns into a sentence end or composes.
_PIECES = [
    "全年共收到政府信息公开申请",
    "未收到政府信息公开申请",
    "申请总数为",
    "信息公开类行政复议",
    "无行政复议、行政诉讼",
    "政府信息公开行政诉讼案件",
    "本年",
    "上年度",
    "2023年",
    "2022年",
    "收到",
    "新收",
    "未",
    "无",
    "政府信息公开",
    "依申请公开",
    "申请",
    "共",
    "行政复议",
    "行政诉讼",
    "案件",
    "备案",
    "其中",
    "12",
    "３４",
    "二十一",
    "件",
    "起",
    "，",
    ",",
    "、",
    "（",
    "。",
    "；",
    "！",
    "?",
    "\n",
    "\n一、",
    "情况\n",
    " ",
    "\u3000",
    "\u00a0",
    "｡",
    "︒",
    "e\u0301",
    "\u0301",
    "\u00a8",
    "ﬁ",
    "−",
]

texts = st.lists(st.sampled_from(_PIECES), max_size=30).map("".join)


def _plain_sentences(text: str) -> list[str]:
    pieces = (_SPACE.sub("", nfkc(piece)) for piece in _SENTENCE_END.split(text))
    return [piece for piece in pieces if piece]


@given(texts)
def test_sentences_are_those_of_normalising_each_piece(text: str) -> None:
    assert sentences(text) == _plain_sentences(text)


def test_every_character_nfkc_turns_into_the_join_is_known() -> None:
    makes = {
        chr(code)
        for code in range(sys.maxunicode + 1)
        if not 0xD800 <= code <= 0xDFFF and _JOIN in nfkc(chr(code)) and chr(code) != _JOIN
    }
    assert makes == set(_MAKES_JOIN)
    assert _SENTENCE_END.fullmatch(_JOIN)


# --------------------------------------------------------------------------------------------
# Required characters: random patterns of the subset read, random texts.

_ALPHABET = "收到申请件起公开a,。"


def _atom(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        children.map(lambda inner: f"(?:{inner})"),
        children.map(lambda inner: f"(?P<g>{inner})"),
        children.map(lambda inner: f"({inner})"),
        st.tuples(st.sampled_from(["(?=", "(?!", "(?<=", "(?<!"]), children)
        .map("".join)
        .map(lambda inner: f"{inner})"),
        st.tuples(children, children).map(lambda pair: f"{pair[0]}|{pair[1]}"),
        st.tuples(children, children).map("".join),
        st.tuples(
            children,
            st.sampled_from(["?", "*", "+", "??", "*?", "+?", "{0,2}", "{1,2}", "{2}", "{,2}"]),
        ).map(lambda pair: f"(?:{pair[0]}){pair[1]}"),
    )


patterns = st.recursive(
    st.one_of(
        st.sampled_from(_ALPHABET),
        st.sampled_from(["[收到]", "[件]", "[^件]", r"\d", r"\D", ".", "^", "$", r"\,", r"\b"]),
    ),
    _atom,
    max_leaves=12,
)


@given(patterns, st.lists(st.sampled_from([*_ALPHABET, "1", "2"]), max_size=12).map("".join))
def test_a_match_holds_every_required_character(pattern: str, text: str) -> None:
    required = required_chars(pattern)
    if regex.search(pattern, text) is not None:
        assert required <= set(text)


def test_the_builtin_patterns_are_read_and_the_rest_require_nothing() -> None:
    for rule in RuleSet.builtin():
        if isinstance(rule, Rule):
            for statement in rule.statements:
                for pattern in (*statement.patterns, *statement.zero):
                    assert required_chars(pattern), pattern
    assert required_chars("收到(?P<n>\\d+)件") == frozenset("收到件")
    assert required_chars("(?:收到|接收)申请") == frozenset("收申请")
    for unread in ["(?i)ab", "a{e<=1}", "[[:digit:]]件", r"(?P=n)件", r"\p{Han}件", "a)b", "(a"]:
        assert required_chars(unread) == frozenset(), unread


@given(texts)
def test_every_sentence_a_pattern_matches_is_a_candidate(text: str) -> None:
    prepared = Sentences(text)
    for rule in RuleSet.builtin():
        if isinstance(rule, Rule):
            for statement in rule.statements:
                for pattern in (*statement.patterns, *statement.zero):
                    compiled = regex.compile(pattern)
                    matched = {
                        i
                        for i, sentence in enumerate(prepared.sentences)
                        if compiled.search(sentence)
                    }
                    assert matched <= set(prepared.candidates([pattern]))


# --------------------------------------------------------------------------------------------
# A sentence's clause ends and years.

_SENTENCE_PIECES = [
    "全年共收到政府信息公开申请",
    "未收到政府信息公开申请",
    "申请总数为",
    "信息公开类行政复议",
    "无行政复议、行政诉讼",
    "政府信息公开行政诉讼案件",
    "本年",
    "上年",
    "上一年度",
    "去年",
    "2023年",
    "2022",
    "年",
    "度",
    "，",
    "、",
    "（",
    "收到",
    "3件",
]


@given(st.lists(st.sampled_from(_SENTENCE_PIECES), max_size=20).map("".join), st.data())
def test_clause_start_and_other_year_are_the_plain_ones(sentence: str, data: st.DataObject) -> None:
    read = _Sentence(sentence)
    position = data.draw(st.integers(0, len(sentence)))
    year = data.draw(st.sampled_from([None, 2022, 2023]))
    starts = [match.end() for match in _CLAUSE_END.finditer(sentence, 0, position)]
    assert read.clause_start(position) == (starts[-1] if starts else 0)
    assert read.other_year(position, year) == _other_year(sentence[:position], year)


class _Every(Sentences):
    """The plain computation: every sentence is a candidate."""

    def candidates(self, patterns: Iterable[str]) -> Iterable[int]:
        del patterns
        return range(len(self.sentences))


_SEED = gkbg.parse(SEEDS[0])


@given(texts, st.sampled_from([None, 2019, 2023]))
def test_narrative_finds_what_reading_every_sentence_finds(text: str, year: int | None) -> None:
    report = attrs.evolve(_SEED, text=text, year=year)
    for rule in RuleSet.builtin():
        if isinstance(rule, Rule) and rule.kind == "narrative":
            assert list(narrative(rule, report)) == list(narrative(rule, report, text=_Every(text)))


@given(
    st.lists(st.sampled_from(_SENTENCE_PIECES), max_size=20).map("".join),
    st.sampled_from(["年", "上年", "年年", "，", "收到3", "", "备案", "(件"]),
    st.data(),
)
def test_a_literal_is_in_a_clause_as_its_pattern_is(
    sentence: str, literal: str, data: st.DataObject
) -> None:
    read = _Sentence(sentence)
    start = data.draw(st.integers(0, len(sentence)))
    end = data.draw(st.integers(start, len(sentence)))
    clause = sentence[start:end]
    assert read.holds(literal, start, end) == (literal in clause)
    if _SPECIAL.isdisjoint(literal):
        assert (regex.search(literal, clause) is not None) == (literal in clause)
