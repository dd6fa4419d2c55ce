# SPDX-License-Identifier: MIT
"""The engine's shortcuts give what the plain evaluation gives.

The narrative checks cut the report's text into sentences once, normalising the whole text
rather than each piece, and skip a pattern that matches nowhere in the joined sentences; the
relations are compiled into key tuples. These properties compare each shortcut with the plain
computation it stands for.
"""

from __future__ import annotations

import regex
from hypothesis import given
from hypothesis import strategies as st

import gkbg
from gkbg import Rule, RuleSet
from gkbg._engine import _SENTENCE_END, _SPACE, _Context, _may_occur, _sentences
from gkbg._model import Report, Table
from gkbg._text import nfkc

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
    assert _sentences(text, context.normalised) == _plain_sentences(text)
    assert context.joined == "\n".join(_plain_sentences(text))


@given(texts)
def test_a_pattern_is_skipped_only_when_it_matches_no_sentence(text: str) -> None:
    context = _Context(_report(text))
    for pattern in [*_patterns(), r"(?P<n>\d+)件", r"^(?P<n>\d+)", r"(?<!共)(?P<n>\d+)"]:
        compiled = regex.compile(pattern)
        matches = any(compiled.search(sentence) for sentence in _plain_sentences(text))
        if matches:
            assert _may_occur(pattern, context)


def test_a_pattern_with_an_anchor_is_never_skipped() -> None:
    context = _Context(_report("共12件。"))
    assert _may_occur(r"^(?P<n>\d+)", context)
    assert not _may_occur(r"收到(?P<n>\d+)件", context)
