# SPDX-License-Identifier: MIT
"""``report.variant_year`` and ``report.variant_mixed``, alone and together; the engine's plan and
shortcuts against the plain loop over the rules."""

from __future__ import annotations

import importlib.util
import pickle
from typing import TYPE_CHECKING

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gkbg
from gkbg.checks.advice import advise
from gkbg.checks.context import Context
from gkbg.checks.engine import _plan, _Step
from gkbg.checks.findings import deferred
from gkbg.checks.kinds import KIND_TABLE
from gkbg.checks.rules import Rule
from gkbg.checks.unfilled import covered
from gkbg.testing import with_cell
from tests.helpers import CORPUS, FIXTURES, SEEDS, every_kind_of_report, pipe_text

if TYPE_CHECKING:
    from pathlib import Path


def _check(variants: str | dict[str, str], year: int) -> gkbg.CheckResult:
    title = f"某某区人民政府{year}年政府信息公开工作年度报告"
    return gkbg.check(gkbg.parse(pipe_text(variants, title=title)))


def test_a_hybrid_report_is_both_mixed_and_partly_outdated() -> None:
    """Both fire: one says the tables disagree, the other which of them is outdated."""
    result = _check({"active": "2021", "applications": "2019", "appeals": "2021"}, 2023)
    (mixed,) = result.by_rule("report.variant_mixed")
    (outdated,) = result.by_rule("report.variant_year")
    assert "表三为2019年版" in mixed.message.zh
    assert "表三使用了2019年版格式" in outdated.message.zh
    assert "表二" not in outdated.message.zh


def test_table_four_is_never_outdated_nor_mixing() -> None:
    """The forms print table 四 alike: whichever form it is read as, it is not outdated."""
    (outdated,) = _check("2019", 2022).by_rule("report.variant_year")
    assert "表二、表三使用了2019年版格式" in outdated.message.zh
    assert "表四" not in outdated.message.zh
    assert _check("2021", 2022).findings == ()


@pytest.mark.parametrize(("variant", "year"), [("2021", 2020), ("2019", 2021)])
def test_a_form_outside_its_years_is_reported(variant: str, year: int) -> None:
    result = _check(variant, year)
    (finding,) = result.by_rule("report.variant_year")
    assert str(year) in finding.message.en
    assert result.by_rule("report.variant_mixed") == ()


def test_the_real_hybrid() -> None:
    pytest.importorskip("pypdfium2")
    for year in (2023, 2024):
        report = gkbg.parse(FIXTURES / "corpus" / f"hongze-district-{year}.pdf")
        result = gkbg.check(report)
        assert len(result.by_rule("report.variant_mixed")) == 1
        (outdated,) = result.by_rule("report.variant_year")
        assert "table 三" in outdated.message.en


# --------------------------------------------------------------------------------------------
# The shortcuts of `gkbg.check` (issue 16): a kind's quiet test is True only where its
# evaluator gives nothing, and the engine's plan runs what a plain loop over the rules runs.


def _plain_check(report: gkbg.Report, rules: gkbg.RuleSet) -> gkbg.CheckResult:
    """`gkbg.check` as a plain loop: every evaluator run, no plan, no quiet test (a table
    reported unfilled stands for its blank cells, as in `gkbg.check`)."""
    context = Context(report)
    findings: list[gkbg.Finding] = []
    skipped: list[gkbg.NotCheckable] = []
    for rule in rules:
        if isinstance(rule, Rule):
            evaluate = KIND_TABLE[rule.kind].report
            if rule.scope != "report" or evaluate is None:
                continue
            outcomes = list(evaluate(rule, context))
        else:
            outcomes = list(rule.evaluate(report))
        findings += [outcome for outcome in outcomes if isinstance(outcome, gkbg.Finding)]
        skipped += [outcome for outcome in outcomes if isinstance(outcome, gkbg.NotCheckable)]
    unfilled = covered(findings, rules)
    blank = {r.id for r in rules if isinstance(r, Rule) and r.kind == "cell" and r.check == "blank"}
    findings = [f for f in findings if not (f.rule in blank and set(f.cells) <= unfilled)]
    findings.sort(key=lambda finding: finding.severity is not gkbg.Severity.ERROR)
    relations = {
        rule.id for rule in rules if isinstance(rule, Rule) and KIND_TABLE[rule.kind].relation
    }
    failed = any(finding.rule in relations for finding in findings)
    advice = advise(report, rules) if failed else None
    return gkbg.CheckResult(tuple(findings), tuple(skipped), report.source, advice)


def _plain_notable(report: gkbg.Report) -> dict[str, list[gkbg.Cell]]:
    value = gkbg.CellState.VALUE
    return {
        table.key: [
            cell
            for cell in table.cells
            if cell.state is not value or type(cell.value) is not int or cell.value < 0
        ]
        for table in report.tables
    }


def _quiet_is_sound(report: gkbg.Report) -> None:
    rules = gkbg.RuleSet.default()
    context = Context(report)
    assert context.notable == _plain_notable(report)
    for rule in rules:
        if not isinstance(rule, Rule) or rule.scope != "report":
            continue
        kind = KIND_TABLE[rule.kind]
        if kind.quiet is None or kind.report is None:
            continue
        if kind.quiet(rule, Context(report)):
            assert list(kind.report(rule, Context(report))) == [], rule.id
    assert gkbg.check(report, rules) == _plain_check(report, rules)


@settings(max_examples=60, deadline=None)
@given(
    every_kind_of_report(),
    st.lists(
        st.tuples(
            st.integers(0, 10**6),
            st.sampled_from(list(gkbg.CellState)),
            st.one_of(st.none(), st.integers(-3, 3), st.decimals(-5, 5, places=2), st.booleans()),
        ),
        max_size=3,
    ),
)
def test_the_quiet_tests_and_the_plan_change_nothing(
    report: gkbg.Report, odd: list[tuple[int, gkbg.CellState, object]]
) -> None:
    keys = [cell.key for cell in report.iter_cells()]
    for index, state, value in odd:
        cell = gkbg.Cell(keys[index % len(keys)], state, value, "x")  # type: ignore[arg-type]
        report = with_cell(report, cell)
    _quiet_is_sound(report)


def test_the_quiet_tests_and_the_plan_change_nothing_on_the_real_reports() -> None:
    paths = [*SEEDS, *sorted((FIXTURES / "html").glob("*.html"))]
    paths += sorted((FIXTURES / "docx").glob("*.docx"))
    if importlib.util.find_spec("pypdfium2") is not None:
        paths += CORPUS
    for path in paths:
        _quiet_is_sound(gkbg.parse(path))


def test_a_rule_set_is_planned_once_and_a_new_one_anew() -> None:
    rules = gkbg.RuleSet.default()
    assert _plan(rules) is _plan(rules)
    fewer = rules.without("cell.missing")
    assert _plan(fewer) is not _plan(rules)
    ids = [step.rule.id if isinstance(step, _Step) else step.id for step in _plan(fewer).steps]
    assert "cell.missing" not in ids
    assert "cell.missing" in [
        step.rule.id for step in _plan(rules).steps if isinstance(step, _Step)
    ]


# --------------------------------------------------------------------------------------------
# Findings whose messages are written when read (`gkbg.checks.findings.deferred`).


def test_a_deferred_message_is_the_filled_one_by_every_reading() -> None:
    template = gkbg.Text("{cell} 应为 {expected}", "{cell} should be {expected}")
    fields = {"cell": "applications.received.total", "expected": 3}

    def made(message: gkbg.Text) -> gkbg.Finding:
        return gkbg.Finding("r", gkbg.Severity.ERROR, message, ("a",), 3, 4)

    filled = made(template.fill(fields))
    fresh = [made(deferred(template, fields)) for _ in range(6)]
    assert pickle.dumps(fresh[0]) == pickle.dumps(filled)  # (pickled before it is read)
    assert gkbg.to_json(fresh[1]) == gkbg.to_json(filled)
    assert fresh[2] == filled
    assert hash(fresh[3]) == hash(filled)
    assert repr(fresh[4]) == repr(filled)
    assert attrs.evolve(fresh[5], rule="s") == attrs.evolve(filled, rule="s")
    assert fresh[5].message is fresh[5].message  # written once, then kept


@pytest.mark.parametrize("path", [*SEEDS, *CORPUS, FIXTURES / "docx" / "form-2021-template.docx"])
def test_the_findings_of_a_real_report_are_written_as_before(path: Path) -> None:
    report = gkbg.parse(path)
    result = gkbg.check(report)
    # The JSON and pickle of a result not yet read are those of one whose messages were read.
    json_text, pickled = gkbg.to_json(result), pickle.dumps(result)
    read = [(finding.message.zh, finding.message.en) for finding in result.findings]
    assert all(zh and en and "{" not in zh + en for zh, en in read)
    assert gkbg.to_json(result) == json_text
    assert pickle.dumps(result) == pickled
    assert gkbg.from_json(json_text, gkbg.CheckResult) == result
