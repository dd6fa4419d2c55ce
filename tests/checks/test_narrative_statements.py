# SPDX-License-Identifier: MIT
"""The statements the narrative rules read beyond ``共收到政府信息公开申请70件``.

Received applications stated number first (``本年度全区共收到70件申请``, the real crawl of 平潭
2021), applications carried over from the previous year and carried forward to the next, and
more phrasings of the appeals. Each is read where it is clear and nowhere else: a sentence that
looks alike but counts another measure (咨询, 来信, a part, another year, another kind of
application, a time limit) reads nothing, so that it accuses no one.
"""

from __future__ import annotations

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gkbg
from gkbg.core.statements import sentences, stated_values, statements
from gkbg.testing import reports
from tests.helpers import FIXTURES, pipe_text

RULES = gkbg.RuleSet.builtin()
_RECEIVED = RULES.get("narrative.received")
_APPEALS = RULES.get("narrative.appeals")
assert isinstance(_RECEIVED, gkbg.Rule)
assert isinstance(_APPEALS, gkbg.Rule)
RECEIVED, CARRIED_OVER, CARRIED_FORWARD = _RECEIVED.statements
RECONSIDERATION, LITIGATION = _APPEALS.statements
STATEMENTS = {
    "received": RECEIVED,
    "over": CARRIED_OVER,
    "forward": CARRIED_FORWARD,
    "reconsideration": RECONSIDERATION,
    "litigation": LITIGATION,
}
PINGTAN_2021 = FIXTURES / "corpus" / "pingtan-2021-flat.txt"

# (sentence, report year, what each statement reads): a statement not named reads nothing.
CASES: list[tuple[str, int, dict[str, int]]] = [
    # Real sentences: 平潭 2021, 沭阳 2025, 淮安 2024, a county's 2020 page.
    (
        "本年度全区共收到70件申请，及时依法依规办结69件，1件结转下年度继续办理",
        2021,
        {"received": 70, "forward": 1},
    ),
    ("共办理718件，结转下一年31件", 2025, {"forward": 31}),
    ("答复3050件（含上年度结转申请34件）", 2024, {"over": 34}),
    (
        "本年度共收到政府信息公开申请51件，上年结转2件，均已依法按时答复",
        2020,
        {"received": 51, "over": 2},
    ),
    # Received, number first or with 申请 alone.
    ("全年共收到12件政府信息公开申请，均已按时答复", 2021, {"received": 12}),
    ("收到政府信息公开申请共计12件", 2021, {"received": 12}),
    ("本年度共收到申请12件", 2021, {"received": 12}),
    ("本年度新收十二件依申请公开申请", 2021, {"received": 12}),
    # Carried over and carried forward.
    ("共办理72件，其中2件为上年结转", 2021, {"over": 2}),
    ("共办理72件，其中上年结转2件", 2021, {"over": 2}),
    ("上一年度结转的政府信息公开申请3件", 2021, {"over": 3}),
    ("另有103件顺延到下年度答复", 2024, {"forward": 103}),
    ("其中1件结转下年度继续办理", 2021, {"forward": 1}),
    ("结转至下一年度继续办理的申请共计两件", 2021, {"forward": 2}),
    ("11件结转下年度", 2021, {"forward": 11}),
    # Appeals.
    ("发生2起政府信息公开行政复议案件，均维持原行政行为", 2021, {"reconsideration": 2}),
    ("因政府信息公开引起的行政复议案件2件，行政诉讼1件", 2021, {"reconsideration": 2}),
    ("因政府信息公开申请行政复议2件", 2021, {"reconsideration": 2}),
    ("因政府信息公开申请被提起行政诉讼3件", 2021, {"litigation": 3}),
    ("发生1起因政府信息公开引发的行政诉讼案件", 2021, {"litigation": 1}),
    ("共12起政府信息公开行政诉讼案件", 2021, {"litigation": 12}),
    # Not read: 受理 is another measure (沭阳 counts received and carried over in it).
    ("全县全年共受理政府信息公开申请749件", 2025, {}),
    ("全区共受理70件申请", 2021, {}),
    # Not read: another measure, an application of another kind, or no count at all.
    ("共收到70件咨询", 2021, {}),
    ("收到来信70件", 2021, {}),
    ("收到3件申请人来信", 2021, {}),
    ("共收到2件行政复议申请", 2021, {}),
    ("行政许可方面，共收到申请70件", 2021, {}),
    ("行政许可方面，共收到70件申请", 2021, {}),
    ("收到申请15个工作日内予以答复", 2021, {}),
    ("收到政府信息公开申请20个工作日内予以答复", 2021, {}),
    ("收到申请后15个工作日内答复", 2021, {}),
    ("收到的70件申请中，予以公开50件", 2021, {}),
    ("共收到70件申请中", 2021, {}),
    ("共收到70件申请书材料", 2021, {}),
    ("结转下年度继续办理的申请均已办结", 2021, {}),
    ("上年结转下年度的申请3件已全部办结", 2021, {}),
    ("较上年结转申请多2件", 2021, {}),
    # Not read: a difference, not a count.
    ("比上年多收到5件申请", 2021, {}),
    ("同比增加，多收到5件申请", 2021, {}),
    # Not read: a part (其中, 本级, a column, an office).
    ("其中区本级收到30件申请", 2021, {}),
    ("其中自然人申请上年结转2件", 2021, {}),
    ("其中区公安局1件结转下年度继续办理", 2021, {}),
    ("区公安局1件结转下年度继续办理", 2021, {}),
    ("自然人申请中有1件结转下年度", 2021, {}),
    ("其中2起政府信息公开行政复议案件维持", 2021, {}),
    ("2件政府信息公开行政复议案件被维持", 2021, {}),
    ("政府信息公开行政复议纠错2件", 2021, {}),
    # Not read: another year.
    ("2020年共收到70件申请", 2021, {}),
    ("2020年1件结转下年度继续办理", 2021, {}),
    ("上年度1件结转下年度", 2021, {}),
    ("去年共收到12件政府信息公开申请", 2021, {}),
]


@pytest.mark.parametrize(("sentence", "year", "expected"), CASES)
def test_each_statement_reads_its_own_measure_only(
    sentence: str, year: int, expected: dict[str, int]
) -> None:
    (read,) = sentences(sentence)
    for name, statement in STATEMENTS.items():
        counts = [count for count, _ in statements(statement, read, year)]
        assert counts == ([expected[name]] if name in expected else []), name


def test_the_unread_sentences_raise_nothing_against_any_table() -> None:
    unread = [sentence for sentence, _, expected in CASES if not expected]
    report = gkbg.parse(
        pipe_text(
            "2021",
            {
                "applications.received.total": 7,
                "applications.carried_over.total": 4,
                "applications.carried_forward.total": 9,
                "appeals.reconsideration.total": 5,
                "appeals.reconsideration.upheld": 5,
                "appeals.litigation_direct.total": 6,
                "appeals.litigation_direct.upheld": 6,
            },
            title="某某区人民政府2021年政府信息公开工作年度报告",
            narrative="。".join(unread) + "。",
        )
    )
    result = gkbg.check(report)
    assert result.by_rule("narrative.received") == ()
    assert result.by_rule("narrative.appeals") == ()


# --------------------------------------------------------------------------------------------
# The real crawl of 平潭 2021: its text agrees with its table; change one number and it does not.


def _pingtan(old: str, new: str) -> gkbg.Report:
    text = PINGTAN_2021.read_text(encoding="utf-8")
    assert text.count(old) == 1
    return gkbg.parse(text.replace(old, new), format="text")


def test_the_real_text_agrees_with_its_table() -> None:
    report = gkbg.parse(PINGTAN_2021)
    assert gkbg.check(report).by_rule("narrative.received") == ()
    assert stated_values(report.text, "2021", 2021) == {
        ("applications.received.total",): (70,),
        ("applications.carried_forward.total",): (1,),
    }


def test_a_changed_count_of_received_applications_is_found() -> None:
    report = _pingtan("共收到70件申请", "共收到71件申请")
    (finding,) = gkbg.check(report).by_rule("narrative.received")
    assert finding.cells == ("applications.received.total",)
    assert (finding.expected, finding.actual) == (70, 71)
    assert finding.quote is not None
    assert "共收到71件申请" in finding.quote
    assert "71" in finding.message.zh
    assert "71" in finding.message.en


def test_a_changed_count_carried_forward_is_found() -> None:
    report = _pingtan("1件结转下年度", "2件结转下年度")
    (finding,) = gkbg.check(report).by_rule("narrative.received")
    assert finding.cells == ("applications.carried_forward.total",)
    assert (finding.expected, finding.actual) == (1, 2)
    assert "结转下年度继续办理的政府信息公开申请" in finding.message.zh
    assert "carried forward" in finding.message.en


def test_the_real_documents_get_no_finding_from_their_text() -> None:
    documents = [
        *sorted((FIXTURES / "corpus").iterdir()),
        FIXTURES / "html" / "county_2020_gbk.html",
        *sorted((FIXTURES / "seeds").glob("00[1-4]*.txt")),
    ]
    for path in documents:
        report = gkbg.parse(path)
        found = gkbg.check(report)
        assert found.by_rule("narrative.received") == (), path.name
        assert found.by_rule("narrative.appeals") == (), path.name


# --------------------------------------------------------------------------------------------
# Generated reports: a text stating their own numbers agrees; change one and it is found.

_DIGITS = "零一二三四五六七八九"


def _spoken(number: int) -> str:
    if number < 10:
        return _DIGITS[number]
    if number < 100:
        tens, units = divmod(number, 10)
        return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[units] if units else "")
    return str(number)


# What each template states, as the cells whose sum it is.
_TEMPLATES: list[tuple[str, tuple[str, ...]]] = [
    ("本年度全区共收到{n}件申请", ("applications.received.total",)),
    ("全年共收到{n}件政府信息公开申请", ("applications.received.total",)),
    ("本年度共收到申请{n}件", ("applications.received.total",)),
    ("上年结转{n}件", ("applications.carried_over.total",)),
    ("其中{n}件为上年结转", ("applications.carried_over.total",)),
    ("{n}件结转下年度继续办理", ("applications.carried_forward.total",)),
    ("结转下一年{n}件", ("applications.carried_forward.total",)),
    ("另有{n}件顺延到下年度答复", ("applications.carried_forward.total",)),
    ("发生{n}起政府信息公开行政复议案件", ("appeals.reconsideration.total",)),
    ("因政府信息公开引起的行政复议案件{n}件", ("appeals.reconsideration.total",)),
    (
        "因政府信息公开申请被提起行政诉讼{n}件",
        ("appeals.litigation_direct.total", "appeals.litigation_after_reconsideration.total"),
    ),
]
# Sentences that read nothing, with a number in them.
_DECOYS = [
    "共收到{n}件咨询",
    "收到来信{n}件",
    "其中区本级收到{n}件申请",
    "区公安局{n}件结转下年度继续办理",
    "收到申请{n}个工作日内予以答复",
    "比上年多收到{n}件申请",
    "{n}件政府信息公开行政复议案件被维持",
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    reports(variant="2021"),
    st.lists(st.sampled_from(_TEMPLATES), min_size=1, max_size=4, unique=True),
    st.lists(st.tuples(st.sampled_from(_DECOYS), st.integers(0, 999)), max_size=3),
    st.booleans(),
    st.data(),
)
def test_generated_texts_are_read_right_and_their_changes_found(
    report: gkbg.Report,
    chosen: list[tuple[str, tuple[str, ...]]],
    decoys: list[tuple[str, int]],
    chinese: bool,
    data: st.DataObject,
) -> None:
    values = report.cells()
    truth = {cells: int(sum(values[key] or 0 for key in cells)) for _, cells in chosen}
    changed = data.draw(st.sampled_from([None, *range(len(chosen))]))
    said: list[str] = []
    stated: dict[tuple[str, ...], int] = {}
    for at, (template, cells) in enumerate(chosen):
        number = truth[cells] + (1 if at == changed else 0)
        if cells in stated and stated[cells] != number:
            continue  # one measure, two templates: keep the text consistent with itself
        stated[cells] = number
        said.append(template.format(n=_spoken(number) if chinese else number))
    said += [decoy.format(n=number) for decoy, number in decoys]
    text = "。".join(said) + "。"
    report = attrs.evolve(report, year=2023, text=text)
    assert stated_values(text, "2021", 2023) == {cells: (n,) for cells, n in stated.items()}
    findings = [
        finding
        for rule in ("narrative.received", "narrative.appeals")
        for finding in gkbg.check(report).by_rule(rule)
    ]
    wrong = {cells: n for cells, n in stated.items() if n != truth[cells]}
    assert {finding.cells: finding.actual for finding in findings} == wrong
    assert all(finding.expected == truth[finding.cells] for finding in findings)
