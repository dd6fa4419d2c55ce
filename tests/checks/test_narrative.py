# SPDX-License-Identifier: MIT
"""The checks of the text against the tables: only clear statements are read.

The sentences are from real reports (the seeds, the corpus PDFs, the research notes) or built
the way real reports word them; the tricky ones must not be read.

The narrative checks' shortcuts give what the plain computation gives, each compared with the
plain computation it stands for, written out here as the definition: the sentences are
normalised all at once, joined by ``。``; a statement's patterns are tried only on the
sentences holding every character they require (`required_chars`); a sentence's clause ends
and named years are found once for all its matches. The candidates are looked up on the raw
text (`RawSentences`, issue 8): the pieces around a form of a character every match requires
are cut and normalised, the rest of the text is not; the pieces are cut around the forms of
the required character the text holds fewest of, and whichever character is chosen, the
candidates are the pieces of the whole text holding a form of each clause.
"""

from __future__ import annotations

import sys
import unicodedata
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import attrs
import pytest
import regex
from hypothesis import given
from hypothesis import strategies as st

import gkbg
from gkbg import Rule, RuleSet
from gkbg.checks.narrative import narrative
from gkbg.core.statements import (
    _CLAUSE_END,
    _ENDS,
    _JOIN,
    _MAKES_JOIN,
    _SENTENCE_END,
    _SPACE,
    _SPECIAL,
    RawSentences,
    Sentences,
    _decompositions,
    _forms,
    _keyable,
    _other_year,
    _prefilter,
    _Sentence,
    chinese_number,
    required_chars,
    required_clauses,
    sentences,
    statements,
)
from gkbg.core.text import nfkc
from tests.helpers import CORPUS, FIXTURES, SEEDS, pipe_text

if TYPE_CHECKING:
    from collections.abc import Iterable

RULES = gkbg.RuleSet.builtin()
_RECEIVED = RULES.get("narrative.received")
_APPEALS = RULES.get("narrative.appeals")
assert isinstance(_RECEIVED, gkbg.Rule)
assert isinstance(_APPEALS, gkbg.Rule)
RECEIVED = _RECEIVED.statements[0]
RECONSIDERATION, LITIGATION = _APPEALS.statements

# (sentence, report year, received, reconsideration, litigation): the counts each statement
# reads, None when it must read nothing.
CASES: list[tuple[str, int, int | None, int | None, int | None]] = [
    # Real sentences.
    ("2019年,全区共收到政府信息公开申请124件,其中区本级受理并办结41件", 2019, 124, None, None),
    ("本年度收到依申请公开2个,已全部办结", 2021, 2, None, None),
    ("我局依申请公开工作,申请总数为0件,答复数为0件", 2022, 0, None, None),
    ("全年无因政府信息公开产生行政复议及行政诉讼件", 2020, None, 0, 0),
    ("政府信息公开行政复议351件,其中结果维持72件,结果纠正64件", 2024, None, 351, None),
    ("政府信息公开行政诉讼46件,其中结果维持25件,结果纠正5件", 2024, None, None, 46),
    # research/formats.md: the text counts 7 reconsiderations; 诉讼 alone is not read.
    ("信息公开类行政复议7件,诉讼9件,均获维持", 2022, None, 7, None),
    # research/peers.md: 宿迁 2024 counts cases filed for the record, not table 四's.
    ("全市办理政府信息公开行政复议备案案件134件,行政诉讼案件57件", 2024, None, None, None),
    # 受理 and 答复 are other measures (洪泽区 2023, 淮安市 2024).
    ("2023年全区受理政府信息公开申请21件,均在法定期限答复", 2023, None, None, None),
    (
        "2024年,全市共受理政府信息公开申请3119件,答复3050件(含上年度结转申请34件)",
        2024,
        None,
        None,
        None,
    ),
    # Ambiguous: information disclosed on application, not applications.
    ("2020年全年无依申请公开类信息", 2020, None, None, None),
    ("有效降低行政复议、行政诉讼发生率和纠错率", 2024, None, None, None),
    # Chinese numerals and full-width digits.
    ("全年共收到政府信息公开申请二十一件", 2023, 21, None, None),
    ("全年共收到政府信息公开申请一百零五件", 2023, 105, None, None),
    ("全年共收到政府信息公开申请１２４件", 2023, 124, None, None),
    ("本年度新收政府信息公开申请两件", 2023, 2, None, None),
    ("全年发生政府信息公开行政复议案件两件,行政诉讼案件1件", 2023, None, 2, None),
    # Zero statements.
    ("本年度未收到政府信息公开申请", 2023, 0, None, None),
    ("未发生因政府信息公开引起的行政复议、行政诉讼案件", 2023, None, 0, 0),
    ("本年度无行政复议", 2023, None, 0, None),
    # Not zero statements: another measure follows.
    ("本年度未收到政府信息公开申请的投诉举报", 2023, None, None, None),
    ("无行政复议纠错案件", 2023, None, None, None),
    # 有无: whether there were any, not that there were none.
    ("检查有无行政复议案件", 2023, None, None, None),
    ("核查是否存在未收到政府信息公开申请的情况", 2023, None, None, None),
    # Other years.
    ("上年收到政府信息公开申请50件", 2023, None, None, None),
    ("2022年共收到政府信息公开申请50件", 2023, None, None, None),
    ("与2022年相比,2023年共收到政府信息公开申请60件", 2023, 60, None, None),
    ("全年共收到政府信息公开申请60件,去年收到政府信息公开申请50件", 2023, 60, None, None),
    # Other measures: 备案 (the peer's false accusation), 咨询, a part (其中, 本级).
    ("备案政府信息公开行政复议案件134件", 2024, None, None, None),
    ("收到政府信息公开申请咨询40件", 2023, None, None, None),
    ("其中区本级收到政府信息公开申请41件", 2019, None, None, None),
    ("接受群众咨询120人次,收到政府信息公开申请3件", 2023, 3, None, None),
]


@pytest.mark.parametrize(("sentence", "year", "received", "reconsideration", "litigation"), CASES)
def test_only_clear_statements_are_read(
    sentence: str,
    year: int,
    received: int | None,
    reconsideration: int | None,
    litigation: int | None,
) -> None:
    (read,) = sentences(sentence)
    for statement, expected in (
        (RECEIVED, received),
        (RECONSIDERATION, reconsideration),
        (LITIGATION, litigation),
    ):
        counts = [count for count, _ in statements(statement, read, year)]
        assert counts == ([] if expected is None else [expected]), statement.subject.en


def _report(narrative: str, **cells: int) -> gkbg.Report:
    values = {key.replace("__", "."): value for key, value in cells.items()}
    return gkbg.parse(
        pipe_text(
            "2021",
            values,
            title="某某区人民政府2023年政府信息公开工作年度报告",
            narrative=narrative,
        )
    )


def test_a_contradiction_quotes_the_sentence_it_read() -> None:
    report = _report("本年度未收到政府信息公开申请。", applications__received__total=3)
    (finding,) = gkbg.check(report).by_rule("narrative.received")
    assert (finding.expected, finding.actual) == (3, 0)
    assert finding.quote == "本年度未收到政府信息公开申请"
    assert "本年度未收到政府信息公开申请" in finding.message.zh
    assert finding.cells == ("applications.received.total",)


def test_a_zero_statement_about_both_appeals_is_read_for_each() -> None:
    report = _report(
        "未发生因政府信息公开引起的行政复议、行政诉讼案件。",
        appeals__reconsideration__total=1,
        appeals__reconsideration__upheld=1,
        appeals__litigation_direct__total=2,
        appeals__litigation_direct__pending=2,
    )
    findings = gkbg.check(report).by_rule("narrative.appeals")
    assert [(f.cells, f.expected, f.actual) for f in findings] == [
        (("appeals.reconsideration.total",), 1, 0),
        (
            ("appeals.litigation_direct.total", "appeals.litigation_after_reconsideration.total"),
            2,
            0,
        ),
    ]


def test_the_tricky_sentences_raise_nothing_against_any_table() -> None:
    tricky = [case[0] for case in CASES if case[2:] == (None, None, None)]
    report = _report(
        "。".join(tricky) + "。",
        applications__received__total=7,
        appeals__reconsideration__total=5,
        appeals__reconsideration__upheld=5,
    )
    result = gkbg.check(report)
    assert result.by_rule("narrative.received") == ()
    assert result.by_rule("narrative.appeals") == ()


def test_a_statement_against_a_blank_cell_is_not_checkable() -> None:
    report = gkbg.parse(
        pipe_text(
            "2021",
            {"applications.received.total": "/"},
            title="某某区人民政府2023年政府信息公开工作年度报告",
            narrative="全年共收到政府信息公开申请5件。",
        )
    )
    result = gkbg.check(report)
    assert result.by_rule("narrative.received") == ()
    assert any(
        skipped.rule == "narrative.received" and skipped.missing == ("applications.received.total",)
        for skipped in result.not_checkable
    )


def test_the_real_reports_agree_with_their_text() -> None:
    pytest.importorskip("pypdfium2")
    for path in sorted((FIXTURES / "corpus").glob("*.pdf")):
        result = gkbg.check(gkbg.parse(path))
        assert result.by_rule("narrative.received") == (), path
        assert result.by_rule("narrative.appeals") == (), path


_DIGIT_NAMES = "零一二三四五六七八九"


def _spoken(number: int) -> str:
    """``number`` (0-9999) the way reports write it: 二十一, 一百零五, 十五."""
    if number == 0:
        return "零"
    out = ""
    pending_zero = False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = number // unit % 10
        if digit == 0:
            pending_zero = bool(out)
            continue
        if pending_zero:
            out += "零"
            pending_zero = False
        out += ("" if (unit == 10 and number < 20) else _DIGIT_NAMES[digit]) + name
    return out


@given(st.integers(0, 9999))
def test_chinese_numerals_read_back(number: int) -> None:
    assert chinese_number(_spoken(number)) == number
    assert chinese_number(str(number)) == number


def test_what_is_no_numeral() -> None:
    assert chinese_number("两") == 2
    assert chinese_number("二三") is None
    assert chinese_number("十百") is None
    assert chinese_number("件") is None
    assert chinese_number("") is None


_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_TEMPLATES = [
    ("全年共收到政府信息公开申请{n}件", RECEIVED),
    ("本年度新收政府信息公开申请{n}件,均已按时答复", RECEIVED),
    ("2023年,我局共收到依申请公开{n}个", RECEIVED),
    ("政府信息公开申请总数为{n}件", RECEIVED),
    ("本年度发生政府信息公开行政复议案件{n}件", RECONSIDERATION),
    ("因政府信息公开被提起行政诉讼{n}起", LITIGATION),
]


@given(
    st.sampled_from(_TEMPLATES),
    st.integers(0, 9999),
    st.sampled_from(["digits", "full-width", "chinese"]),
)
def test_a_clear_statement_is_read_however_the_number_is_written(
    template: tuple[str, gkbg.Statement], number: int, writing: str
) -> None:
    text, statement = template
    written = {
        "digits": str(number),
        "full-width": str(number).translate(_FULL_WIDTH),
        "chinese": _spoken(number),
    }[writing]
    (read,) = sentences(text.format(n=written))
    assert [count for count, _ in statements(statement, read, 2023)] == [number]


# --------------------------------------------------------------------------------------------
# The narrative checks' shortcuts give what the plain computation gives.


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


# --------------------------------------------------------------------------------------------
# The candidates looked up on the raw text (`RawSentences`) (issue 8).


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

more_texts = st.lists(st.sampled_from([*_PIECES, *_MORE]), max_size=40).map("".join)


def _statement_patterns() -> list[tuple[str, ...]]:
    return [
        (*statement.patterns, *statement.zero)
        for rule in RuleSet.builtin()
        if isinstance(rule, Rule)
        for statement in rule.statements
    ]


@given(more_texts)
def test_the_whole_text_cut_piece_by_piece_gives_the_sentences(text: str) -> None:
    raw = RawSentences(text)
    assert [raw.sentences[key] for key in raw.candidates(["(?i)x"])] == sentences(text)


@given(more_texts, st.data())
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


# --------------------------------------------------------------------------------------------
# The choice of search keys (issue 8).


def _plain(text: str, group: tuple[str, ...]) -> list[int]:
    """Every piece of the whole text cut, kept when it holds what one of ``group`` needs."""
    every = RawSentences(text)
    starts = every.candidates(["(?i)x"])  # a pattern read as requiring nothing: every piece
    kept = []
    for start in starts:
        piece = text[start : every._pieces[start]]
        for pattern in group:
            prefilter = _prefilter(pattern)
            assert prefilter is not None
            if prefilter.raw(piece):
                kept.append(start)
                break
    return kept


@given(more_texts, st.data())
def test_the_candidates_are_the_pieces_holding_every_clause(text: str, data: st.DataObject) -> None:
    raw = RawSentences(text)
    for group in data.draw(st.permutations(_statement_patterns())):
        assert list(raw.candidates(group)) == _plain(text, group)


def test_the_real_reports_candidates_are_the_pieces_holding_every_clause() -> None:
    for report in _reports():
        raw = RawSentences(report.text)
        for group in _statement_patterns():
            assert list(raw.candidates(group)) == _plain(report.text, group)


def _plain_forms(char: str) -> tuple[str, ...]:
    """``char`` and every character whose NFKD holds it, found by looking at each."""
    others = (other for other, decomposed in _decompositions() if char in decomposed)
    return tuple(form for form in (char, *others) if form not in _ENDS)


@given(
    st.one_of(
        st.sampled_from(sorted({char for _, made in _decompositions() for char in made})),
        st.characters(),
    )
)
def test_the_forms_of_a_character_are_those_found_by_looking_at_each(char: str) -> None:
    assert _forms(char) == _plain_forms(char)


def test_the_forms_of_the_characters_the_builtin_patterns_need_are_those_found_plainly() -> None:
    for group in _statement_patterns():
        for pattern in group:
            for clause in required_clauses(pattern):
                for char in clause:
                    assert _forms(char) == _plain_forms(char), char
