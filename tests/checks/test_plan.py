# SPDX-License-Identifier: MIT
"""The planned test of the table checks (`gkbg.checks.plan`) changes nothing (issue 16).

`gkbg.check` skips the rules of the plan on a report on which the plan is quiet; everything
here compares it with the engine asking each rule in turn, field by field and as JSON, on
generated reports of every kind and on every real one.
"""

from __future__ import annotations

import functools
import importlib.util
import pickle
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

import gkbg
from gkbg.checks.advice import advise, constraints
from gkbg.checks.context import Context
from gkbg.checks.engine import _plan, _run
from gkbg.core.reasons import PLACEMENT, REASONS
from gkbg.testing import (
    invalid_reports,
    mixed_reports,
    report_of,
    reports,
    with_cell,
)
from tests.checks import _advice_reference as reference
from tests.helpers import FIXTURES, every_kind_of_report

if TYPE_CHECKING:
    from gkbg.checks.plan import TablePlan

ROOT = Path(__file__).parents[2]
_SKIPPED = {"golden", "json", "hostile"}  # expected outputs, old JSON, documents refused


def _per_rule(report: gkbg.Report, rules: gkbg.RuleSet) -> gkbg.CheckResult:
    """`gkbg.check` without the plan: every rule asked in turn (its quiet test, then itself)."""
    plan = _plan(rules)
    return _run(report, rules, plan, plan.steps)


def _tables(rules: gkbg.RuleSet) -> TablePlan:
    tables = _plan(rules).tables
    assert tables is not None
    return tables


def _same(report: gkbg.Report, rules: gkbg.RuleSet | None = None) -> bool:
    """Assert the planned check is the per-rule one, every field; whether the plan was quiet."""
    rules = gkbg.RuleSet.default() if rules is None else rules
    plain = _per_rule(report, rules)
    planned = gkbg.check(report, rules)
    assert pickle.dumps(planned) == pickle.dumps(plain)  # (before any message is read)
    assert gkbg.to_json(planned) == gkbg.to_json(plain)
    assert planned == plain
    assert planned.advice == plain.advice
    assert len(planned.findings) == len(plain.findings)
    for ours, theirs in zip(planned.findings, plain.findings, strict=True):
        assert attrs.astuple(ours, recurse=False) == attrs.astuple(theirs, recurse=False)
        assert (ours.message.zh, ours.message.en) == (theirs.message.zh, theirs.message.en)
        assert ours.every_reading is theirs.every_reading
    tables = _tables(rules)
    loud = tables.quiet(report)
    if loud is not None:  # then each rule of the plan gives what it says, asked alone
        given = dict(loud)
        for rule, evaluate in tables.rules:
            outcomes = tuple(evaluate(rule, Context(report)))
            assert outcomes == given.get(rule, ()), rule.id
            assert gkbg.to_json(list(outcomes)) == gkbg.to_json(list(given.get(rule, ())))
    return loud is not None


def _doubts(codes: frozenset[str]) -> list[gkbg.Doubt]:
    return [gkbg.Doubt(code) for code in sorted(codes) if not REASONS[code].fields][:3]


_ODD_VALUES = st.one_of(
    st.none(),
    st.integers(-3, 3),
    st.integers(2**64 - 2, 2**64 + 2),
    st.decimals(-5, 5, places=2),
    st.decimals(0, 10**30, places=3, allow_nan=False, allow_infinity=False),
    st.sampled_from([Decimal("3.0"), Decimal("-0"), Decimal("1" * 40 + ".5")]),
)


@st.composite
def _odd_reports(draw: st.DrawFn) -> gkbg.Report:
    """Reports of every kind: valid, failing, with blanks, unread, doubtful or odd cells, in
    either form or mixed, of any year."""
    report = draw(every_kind_of_report())
    keys = [cell.key for cell in report.iter_cells()]
    doubts = _doubts(PLACEMENT) + _doubts(frozenset(REASONS))
    for _ in range(draw(st.integers(0, 3))):
        key = keys[draw(st.integers(0, len(keys) - 1))]
        state = draw(st.sampled_from(list(gkbg.CellState)))
        value = draw(_ODD_VALUES)
        uncertain = tuple(draw(st.lists(st.sampled_from(doubts), max_size=2)))
        cell = gkbg.Cell(key, state, value, "x", uncertain)
        report = with_cell(report, cell)
    if draw(st.booleans()):
        report = attrs.evolve(report, year=draw(st.sampled_from([None, 2008, 2019, 2020, 2024])))
    return report


@settings(max_examples=300, deadline=None)
@given(_odd_reports())
def test_the_plan_changes_nothing_on_generated_reports(report: gkbg.Report) -> None:
    _same(report)
    _same(report, _without_text())


@settings(max_examples=60, deadline=None)
@given(reports())
def test_the_plan_is_quiet_on_a_report_with_nothing_to_find(report: gkbg.Report) -> None:
    """A valid report of either form: the plan tells, and nothing is asked rule by rule."""
    assert _same(report, _without_text())
    assert gkbg.check(report, _without_text()).findings == ()


@settings(max_examples=40, deadline=None)
@given(mixed_reports())
def test_a_report_of_mixed_forms_is_planned_but_for_the_forms(report: gkbg.Report) -> None:
    """Tables printed in different forms: only the rules reading the forms are asked."""
    assert _same(report, _without_text())
    kinds = {gkbg.RuleSet.default().get(f.rule).kind for f in gkbg.check(report).findings}  # type: ignore[union-attr]
    assert kinds <= {"variant_mixed", "variant_year", "narrative"}


@settings(max_examples=40, deadline=None)
@given(reports(), st.sampled_from(["amount", "count"]), st.data())
def test_decimals_are_summed_as_the_relations_sum_them(
    report: gkbg.Report, kind: str, data: st.DataObject
) -> None:
    """Long decimals, which the decimal context rounds: the plan's sums are the programs'."""
    specs = [
        spec
        for table in report.tables
        for spec in gkbg.form(table.variant or "").table(table.key).cells
        if spec.kind == kind
    ]
    for spec in data.draw(st.lists(st.sampled_from(specs), min_size=1, max_size=4)):
        digits = data.draw(st.integers(1, 35))
        value = Decimal(data.draw(st.integers(0, 10**digits))).scaleb(-data.draw(st.integers(0, 3)))
        report = with_cell(report, gkbg.Cell(spec.key, gkbg.CellState.VALUE, value, str(value)))
    _same(report)


def _real_paths() -> list[Path]:
    paths = [
        path
        for path in sorted(FIXTURES.rglob("*"))
        if path.is_file()
        and not _SKIPPED & set(path.relative_to(FIXTURES).parts)
        and path.suffix != ".json"
    ]
    paths += sorted((ROOT / "examples").glob("*.txt"))
    if importlib.util.find_spec("pypdfium2") is None:
        paths = [path for path in paths if path.suffix != ".pdf"]
    return paths


@functools.cache
def _real_reports() -> tuple[gkbg.Report, ...]:
    """The real reports read once for the tests that compare the plan and the advice on them
    (those needing an extra that is not installed left out)."""
    return tuple(report for path in _real_paths() if (report := _parsed(path)) is not None)


def _parsed(path: Path) -> gkbg.Report | None:
    try:
        return gkbg.parse(path)
    except gkbg.MissingExtraError:
        return None


def test_the_plan_changes_nothing_on_the_real_reports() -> None:
    quiet = 0
    for report in _real_reports():
        quiet += _same(report)
        quiet += _same(report, _without_text())
    assert quiet  # (some real report has nothing to find in its tables)


def _without_text() -> gkbg.RuleSet:
    rules = gkbg.RuleSet.default()
    return rules.without(*(rule.id for rule in rules if getattr(rule, "kind", None) == "narrative"))


def test_a_rule_set_changed_is_planned_anew() -> None:
    """A rule set with a rule more or less (code, entry point or option) has its own plan."""
    rules = _without_text()
    report = gkbg.parse(FIXTURES / "corpus" / "shuyang-county-2025.md")
    assert report.cell("applications.received.total").value
    assert _tables(rules).quiet(report) == ()
    # A user's relation that this report breaks: the plan of the set holding it is not quiet.
    failing = gkbg.RuleSet.from_toml(
        """
        [[rules]]
        id = "user.nothing_received"
        kind = "compare"
        severity = "warning"
        title = { zh = "未收到申请", en = "no application received" }
        message = { zh = "{actual}", en = "{actual}" }
        table = "applications"
        lhs = ["applications.received.total"]
        op = "<="
        """
    )
    more = rules.with_rules(*failing)
    assert _tables(more) is not _tables(rules)
    assert not _same(report, more)
    assert [finding.rule for finding in gkbg.check(report, more).findings] == [
        "user.nothing_received"
    ]
    assert _tables(rules.without("applications.row_total")) is not _tables(rules)


def test_a_function_rule_still_runs_in_its_place() -> None:
    """On a quiet report the plan's rules are skipped, the others run, in the set's order."""
    title = gkbg.Text("例", "example")
    seen: list[str] = []

    def one(_: gkbg.Report) -> list[gkbg.Finding]:
        seen.append("one")
        return [gkbg.Finding("user.one", gkbg.Severity.WARNING, title)]

    def two(_: gkbg.Report) -> list[gkbg.Finding]:
        seen.append("two")
        return [gkbg.Finding("user.two", gkbg.Severity.ERROR, title)]

    rules = gkbg.RuleSet(
        [
            gkbg.FunctionRule("user.one", gkbg.Severity.WARNING, title, one),
            *_without_text(),
            gkbg.FunctionRule("user.two", gkbg.Severity.ERROR, title, two),
        ]
    )
    values = {spec.key: 0 for spec in gkbg.form("2019").cells()}
    report = report_of("2019", values, 2020)
    assert _same(report, rules)
    assert [finding.rule for finding in gkbg.check(report, rules).findings] == [
        "user.two",
        "user.one",
    ]
    assert seen == ["one", "two"] * 3


# --------------------------------------------------------------------------------------------
# The advice computed in integers first (`gkbg.checks.advice`) is the advice computed in
# fractions throughout (`tests/checks/_advice_reference.py`, the module as it was).


def _same_advice(report: gkbg.Report, rules: gkbg.RuleSet | None = None) -> None:
    ours = advise(report, rules)
    theirs = reference.advise(report, rules)
    assert gkbg.to_json(gkbg.CheckResult(advice=ours)) == gkbg.to_json(
        gkbg.CheckResult(advice=theirs)
    )
    assert ours == theirs
    assert pickle.dumps(ours) == pickle.dumps(theirs)
    assert [attrs.astuple(c) for c in reference.constraints(report, rules)] == [
        attrs.astuple(c) for c in constraints(report, rules)
    ]


@st.composite
def _failing_reports(draw: st.DrawFn) -> gkbg.Report:
    """Reports whose relations fail, some with blanks, doubts, decimals and odd cells."""
    report = draw(
        st.one_of(
            invalid_reports(max_changes=3).map(lambda invalid: invalid.report),
            reports(valid=False),
            _odd_reports(),
        )
    )
    if draw(st.booleans()):
        keys = [cell.key for cell in report.iter_cells()]
        key = keys[draw(st.integers(0, len(keys) - 1))]
        value = draw(st.decimals(0, 10**6, places=2, allow_nan=False, allow_infinity=False))
        report = with_cell(report, gkbg.Cell(key, gkbg.CellState.VALUE, value, str(value)))
    return report


@settings(max_examples=200, deadline=None)
@given(_failing_reports())
def test_the_advice_is_the_one_in_fractions(report: gkbg.Report) -> None:
    _same_advice(report)


def test_the_advice_is_the_one_in_fractions_on_the_real_reports() -> None:
    advised = 0
    for report in _real_reports():
        _same_advice(report)
        _same_advice(report, _without_text())
        advised += gkbg.check(report).advice is not None
    assert advised  # (some real report's relations fail)
