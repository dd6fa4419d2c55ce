# SPDX-License-Identifier: MIT
"""The checks of the text against the tables: only clear statements are read.

The sentences are from real reports (the seeds, the corpus PDFs, the research notes) or built
the way real reports word them; the tricky ones must not be read.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import gkbg
from gkbg.checks.narrative import chinese_number, sentences, statements
from tests.helpers import FIXTURES, pipe_text

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
