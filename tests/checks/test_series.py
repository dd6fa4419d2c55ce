# SPDX-License-Identifier: MIT
"""Checks across years: `gkbg.check_series`, on the real pair and on generated series."""

from __future__ import annotations

import pickle
from typing import TYPE_CHECKING

import attrs
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import gkbg
from gkbg import Cell, CellState, Report, Rule
from gkbg.checks.series import text_reuse
from gkbg.core.relations import bindings, expand
from gkbg.core.statements import sentences
from gkbg.testing import reports, with_cell
from tests.helpers import FIXTURES, pipe_text

if TYPE_CHECKING:
    from collections.abc import Iterator

HONGZE = [FIXTURES / "corpus" / f"hongze-district-{year}.pdf" for year in (2023, 2024)]
SERIES_RELATIONS = [
    rule
    for rule in gkbg.RuleSet.builtin()
    if isinstance(rule, Rule) and rule.scope == "series" and rule.kind == "equation"
]


@pytest.fixture(scope="module")
def hongze() -> list[Report]:
    pytest.importorskip("pypdfium2")
    return [gkbg.parse(path) for path in HONGZE]


def test_the_real_pair_agrees_across_the_years(hongze: list[Report]) -> None:
    result = gkbg.check_series(reversed(hongze))
    assert result.years == (2023, 2024)
    assert result.gaps == ()
    assert result.reports == tuple(str(path) for path in HONGZE)
    # 0 carried forward in 2023, 0 carried over in 2024; 5 normative documents in force in
    # 2023, 3 issued and 0 repealed in 2024, 8 in force.
    assert result.findings == ()
    assert result.not_checkable == ()


def test_the_real_pair_repeats_some_text_but_not_half(hongze: list[Report]) -> None:
    share, example = text_reuse(hongze[0].text, hongze[1].text)
    assert 0.2 < share < 0.4
    assert example is not None
    assert example in sentences(hongze[1].text)


def test_a_text_copied_from_last_year_is_flagged(hongze: list[Report]) -> None:
    copied = attrs.evolve(
        hongze[1], text=hongze[0].text.replace("2023", "2024").replace("21 件", "17 件")
    )
    result = gkbg.check_series([hongze[0], copied])
    (finding,) = result.by_rule("series.text_reuse")
    assert finding.severity is gkbg.Severity.WARNING
    assert finding.actual is not None
    assert finding.actual > finding.expected  # type: ignore[operator]
    assert finding.reports == tuple(str(path) for path in HONGZE)
    assert finding.quote is not None
    assert finding.quote in sentences(copied.text)
    assert "2023" in finding.message.zh
    assert "2024" in finding.message.en


def _link(previous: Report, current: Report) -> Report:
    """``current`` changed so that every series relation with ``previous`` holds."""
    values = {
        **{f"prev.{key}": value for key, value in previous.cells().items()},
        **{f"this.{key}": value for key, value in current.cells().items()},
    }
    for rule in SERIES_RELATIONS:
        assert rule.table is not None
        table = current.table(rule.table)
        if table.variant is None or (rule.variants and table.variant not in rule.variants):
            continue
        form = gkbg.form(table.variant).table(rule.table)
        for fixed in bindings(rule.foreach, form):
            left = expand(rule.lhs, fixed, rule.over, form)
            right = expand(rule.rhs, fixed, rule.over, form)
            if not all(key in values for key in (*left, *right)):
                continue
            solved, *others = right
            assert solved.startswith("this.")
            value = sum(values[k] or 0 for k in left) - sum(values[k] or 0 for k in others)
            assume(value >= 0)
            values[solved] = value
            key = solved.removeprefix("this.")
            current = with_cell(current, Cell(key, CellState.VALUE, value, raw=str(value)))
    return current


def _series_keys(report: Report) -> Iterator[str]:
    """The keys of ``report`` that a series relation reads as this year's."""
    for rule in SERIES_RELATIONS:
        assert rule.table is not None
        table = report.table(rule.table)
        if table.variant is None or (rule.variants and table.variant not in rule.variants):
            continue
        form = gkbg.form(table.variant).table(rule.table)
        for fixed in bindings(rule.foreach, form):
            for key in expand((*rule.lhs, *rule.rhs), fixed, rule.over, form):
                if key.startswith("this."):
                    yield key.removeprefix("this.")


@st.composite
def series(draw: st.DrawFn, variant: str) -> tuple[Report, Report]:
    previous = draw(reports(variant))
    current = draw(reports(variant))
    year = previous.year
    assert year is not None
    previous = attrs.evolve(previous, agency="某县人民政府", source="a.txt")
    current = attrs.evolve(current, year=year + 1, agency="某县人民政府", source="b.txt")
    return previous, _link(previous, current)


@pytest.mark.parametrize("variant", gkbg.forms())
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(data=st.data())
def test_a_linked_series_has_no_finding_until_a_link_breaks(
    variant: str, data: st.DataObject
) -> None:
    previous, current = data.draw(series(variant))
    assert gkbg.check_series([current, previous]).findings == ()
    key = data.draw(st.sampled_from(sorted(set(_series_keys(current)))))
    value = current.cell(key).value
    assert value is not None
    broken = with_cell(current, Cell(key, CellState.VALUE, value + 1, raw=str(value + 1)))
    result = gkbg.check_series([previous, broken])
    assert result.findings
    for finding in result.findings:
        assert finding.rule.startswith("series.")
        assert f"this.{key}" in finding.cells
        assert any(cell.startswith("prev.") for cell in finding.cells)
        assert finding.reports == ("a.txt", "b.txt")
        assert finding.difference in {1, -1}
        assert str(previous.year) in finding.message.en
    # A blank cell makes the link not checkable; it is never read as 0.
    blank = with_cell(current, Cell(key, CellState.BLANK, None, raw="/"))
    result = gkbg.check_series([previous, blank])
    assert result.findings == ()
    assert any(f"this.{key}" in skipped.missing for skipped in result.not_checkable)


def _report(year: int, agency: str | None = "某县人民政府", **cells: int) -> Report:
    values = {key.replace("__", "."): value for key, value in cells.items()}
    report = gkbg.parse(pipe_text("2021", values))
    return attrs.evolve(report, year=year, agency=agency, source=f"{year}.txt")


def test_nothing_is_compared_across_a_missing_year() -> None:
    first = _report(2021, applications__carried_forward__total=5)
    third = _report(2023, applications__carried_over__total=0)
    result = gkbg.check_series([third, first])
    assert result.years == (2021, 2023)
    assert result.gaps == (2022,)
    assert result.findings == ()
    second = _report(2022, applications__carried_over__total=0)
    (finding,) = gkbg.check_series([third, first, second]).by_rule("series.carry_over")
    assert finding.cells == (
        "prev.applications.carried_forward.total",
        "this.applications.carried_over.total",
    )
    assert (finding.expected, finding.actual) == (5, 0)
    assert finding.reports == ("2021.txt", "2022.txt")


def test_reports_that_make_no_series_are_refused() -> None:
    with pytest.raises(gkbg.SeriesError, match=r"2022\.txt and 2022\.txt are both reports"):
        gkbg.check_series([_report(2022), _report(2022)])
    with pytest.raises(gkbg.SeriesError, match="a series is one agency's reports"):
        gkbg.check_series([_report(2022), _report(2023, agency="某市人民政府")])
    with pytest.raises(gkbg.SeriesError, match="names no year"):
        gkbg.check_series([_report(2022), attrs.evolve(_report(2023), year=None)])


def test_an_agency_named_with_or_without_its_city_is_one_agency() -> None:
    result = gkbg.check_series(
        [_report(2022, agency="洪泽区人民政府"), _report(2023, agency="淮安市洪泽区人民政府")]
    )
    assert result.years == (2022, 2023)
    assert gkbg.check_series([_report(2022, agency=None), _report(2023)]).years == (2022, 2023)
    assert gkbg.check_series([_report(2022)]).findings == ()


def test_series_rules_do_not_run_on_one_report() -> None:
    report = _report(2023, applications__carried_over__total=3)
    assert not any(f.rule.startswith("series.") for f in gkbg.check(report))


def test_a_province_adds_a_series_rule_in_toml() -> None:
    rules = gkbg.RuleSet.from_toml(
        """
[[rules]]
id = "province.received_within_reach"
kind = "compare"
scope = "series"
severity = "warning"
table = "applications"
lhs = ["this.applications.received.total"]
op = "<="
rhs = ["prev.applications.received.total", "prev.applications.carried_forward.total"]
title = { zh = "新收不超过上年新收与结转", en = "new at most last year's new and carried" }
message.zh = "{this_year}年新收 {actual} 件，超过{prev_year}年新收与结转之和 {expected}。"
message.en = "{actual} new in {this_year}, more than in {prev_year} ({expected})."
"""
    )
    first = _report(2022, applications__received__total=10, applications__carried_forward__total=2)
    second = _report(2023, applications__received__total=21)
    (finding,) = gkbg.check_series([first, second], rules)
    assert finding.message.en == "21 new in 2023, more than in 2022 (12)."
    assert gkbg.check(second, rules).findings == ()  # a series rule needs two reports


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            'lhs = ["applications.received.total"]',
            "'applications.received.total': a series relation names the report of each key",
        ),
        (
            'lhs = ["this.applications.received.total"]\nrhs = ["this.applications.total.total"]',
            "a series relation needs a key of the previous year",
        ),
        ('lhs = ["prev.applications.nothing.total"]', "the 2019 form has no cell"),
    ],
)
def test_a_series_rule_at_fault_is_named_with_its_line(change: str, message: str) -> None:
    text = (
        '[[rules]]\nid = "province.x"\nkind = "equation"\nscope = "series"\n'
        'severity = "warning"\ntable = "applications"\n'
        f"{change}\n"
        'title = { zh = "x", en = "x" }\nmessage = { zh = "x", en = "x" }\n'
    )
    if "rhs" not in change:
        text = text.replace("title =", 'rhs = ["this.applications.carried_over.total"]\ntitle =')
    with pytest.raises(gkbg.RuleError) as raised:
        gkbg.RuleSet.from_toml(text)
    assert message in str(raised.value)
    assert str(raised.value).startswith("<rules>:7: rule 'province.x': templates:")


def test_a_series_result_round_trips_through_json() -> None:
    first = _report(2022, applications__carried_forward__total=1)
    second = _report(2023)
    result = gkbg.check_series([first, second])
    assert result.findings
    text = gkbg.to_json(result)
    assert gkbg.from_json(text, gkbg.SeriesResult) == result
    # A finding about one report has no "reports" in its JSON.
    single = gkbg.check(first)
    assert single.findings
    assert '"reports"' not in gkbg.to_json(single)
    assert gkbg.from_json(gkbg.to_json(single), gkbg.CheckResult) == single


def test_a_series_rule_written_in_python() -> None:
    rule = gkbg.Rule(
        id="province.no_new_pending_appeals",
        kind="compare",
        scope="series",
        severity=gkbg.Severity.WARNING,
        table="appeals",
        foreach={"row": "rows"},
        lhs=("this.appeals.{row}.pending",),
        op="<=",
        rhs=("prev.appeals.{row}.pending",),
        title=gkbg.Text("尚未审结案件不增加", "pending cases do not grow"),
        message=gkbg.Text(
            "{row_label}：{this_year}年尚未审结 {actual} 件，{prev_year}年 {expected} 件。",
            "{row_en}: {actual} pending in {this_year}, {expected} in {prev_year}.",
        ),
    )
    rules = gkbg.RuleSet.default().with_rules(rule)
    first = _report(2022)
    second = _report(
        2023, appeals__litigation_direct__pending=2, appeals__litigation_direct__total=2
    )
    (finding,) = gkbg.check_series([first, second], rules).by_rule(rule.id)
    assert finding.message.en == "litigation without reconsideration: 2 pending in 2023, 0 in 2022."
    assert finding.cells == (
        "this.appeals.litigation_direct.pending",
        "prev.appeals.litigation_direct.pending",
    )
    with pytest.raises(gkbg.RuleError, match="a series relation names the report of each key"):
        attrs.evolve(rule, lhs=("appeals.{row}.pending",))


def test_at_the_change_of_form_only_the_carry_over_is_compared() -> None:
    """A 2020 report in the 2019 form, a 2021 report in the 2021 form."""
    old = gkbg.parse(
        pipe_text(
            "2019",
            {"applications.carried_forward.total": 4},
            title="某某区人民政府2020年政府信息公开工作年度报告",
        )
    )
    new = gkbg.parse(pipe_text("2021", title="某某区人民政府2021年政府信息公开工作年度报告"))
    result = gkbg.check_series([old, new])
    assert [finding.rule for finding in result] == ["series.carry_over"]
    assert result.not_checkable == ()


def _grew_fivefold(previous: Report, current: Report) -> Iterator[gkbg.Finding]:
    """A function check across years: applications received more than five times last year's."""
    key = "applications.received.total"
    before, now = previous.cell(key).value, current.cell(key).value
    if isinstance(before, int) and isinstance(now, int) and now > 5 * before:
        text = gkbg.Text(zh=f"申请数 {now} 超过上年 {before} 的五倍", en=f"{now} > 5 × {before}")
        yield gkbg.Finding("province.fivefold", gkbg.Severity.WARNING, text, (key,), before, now)


FIVEFOLD = gkbg.SeriesFunctionRule(
    "province.fivefold",
    gkbg.Severity.WARNING,
    gkbg.Text(zh="申请数激增", en="applications surge"),
    _grew_fivefold,
)


def test_a_series_check_written_as_a_function_runs_in_check_series() -> None:
    first = _report(2022, applications__received__total=2)
    second = _report(2023, applications__received__total=11)
    rules = gkbg.RuleSet.default().with_rules(FIVEFOLD)
    (finding,) = gkbg.check_series([second, first], rules).by_rule("province.fivefold")
    assert (finding.expected, finding.actual) == (2, 11)
    assert finding.reports == ("2022.txt", "2023.txt"), "the pair is named"
    assert finding.message.en == "11 > 5 × 2"
    # not about one report alone, and not when the growth is within bounds
    assert not gkbg.check(second, rules).by_rule("province.fivefold")
    third = _report(2024, applications__received__total=12)
    assert not gkbg.check_series([second, third], rules).by_rule("province.fivefold")
    assert gkbg.check_series([first, second], rules) == gkbg.check_series(
        [first, second], pickle.loads(pickle.dumps(rules))
    )
