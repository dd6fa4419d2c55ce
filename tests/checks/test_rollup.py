# SPDX-License-Identifier: MIT
"""A region's summary report against its units': `gkbg.check_rollup`."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gkbg
from gkbg import Cell, CellState, Report
from gkbg.testing import blank_cell, report_of, reports, with_cell
from tests.helpers import FIXTURES


@st.composite
def region(draw: st.DrawFn, variant: str) -> tuple[Report, list[Report]]:
    """Two to four units' reports, and a summary report that is exactly their sum."""
    count = draw(st.integers(2, 4))
    units = [
        attrs.evolve(draw(reports(variant)), source=f"unit{index}.txt") for index in range(count)
    ]
    sums = {
        key: sum((unit.cells()[key] or 0 for unit in units), start=0) for key in units[0].cells()
    }
    year = units[0].year
    assert year is not None
    parent = attrs.evolve(report_of(variant, sums, year), source="region.txt")
    return parent, units


@pytest.mark.parametrize("variant", gkbg.forms())
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_a_summary_that_is_the_sum_of_its_units_has_no_finding(
    variant: str, data: st.DataObject
) -> None:
    parent, units = data.draw(region(variant))
    result = gkbg.check_rollup(parent, units)
    assert result.findings == ()
    assert result.not_checkable == ()
    key = data.draw(st.sampled_from(sorted(parent.cells())))
    value = parent.cell(key).value
    assert value is not None
    changed = with_cell(parent, Cell(key, CellState.VALUE, value + 1, raw=str(value + 1)))
    (finding,) = gkbg.check_rollup(changed, units).findings
    assert finding.rule == "rollup.sum"
    assert finding.severity is gkbg.Severity.WARNING
    assert finding.cells == (key,)
    assert (finding.expected, finding.actual) == (value, value + 1)
    assert finding.reports == ("region.txt", *(unit.source for unit in units))
    assert key in finding.message.en
    # A cell blank in one unit is not summed as 0: it is not compared at all.
    blanked = [blank_cell(units[0], key), *units[1:]]
    result = gkbg.check_rollup(changed, blanked)
    assert result.findings == ()
    assert [skipped.cells for skipped in result.not_checkable] == [(key,)]


def test_a_roll_up_needs_units() -> None:
    report = gkbg.parse(FIXTURES.parent.parent / "examples" / "xingan-2024.txt")
    with pytest.raises(gkbg.SeriesError, match="needs the reports of its units"):
        gkbg.check_rollup(report, [])


def test_a_city_against_one_of_its_districts_only_warns() -> None:
    pytest.importorskip("pypdfium2")
    city = gkbg.parse(FIXTURES / "corpus" / "huaian-city-2024.pdf")
    district = gkbg.parse(FIXTURES / "corpus" / "hongze-district-2024.pdf")
    result = gkbg.check_rollup(city, [district])
    assert result.findings
    assert not result.errors
    # The city received 3119 new applications, the district 95.
    (received,) = (f for f in result.findings if f.cells == ("applications.received.total",))
    assert (received.expected, received.actual) == (95, 3119)
    # The district prints table 三 in the 2019 form: the city's cells it lacks are not summed.
    lacking = set(city.cells()) - set(district.cells())
    assert lacking
    assert lacking <= {key for skipped in result.not_checkable for key in skipped.cells}


def _units_counted(summary: Report, units: tuple[Report, ...]) -> list[gkbg.Finding]:
    """A function check of a roll-up: the summary says how many units it covers."""
    if summary.cell("active.rules.issued").value != len(units):
        text = gkbg.Text(zh="单位数不符", en=f"{len(units)} units")
        return [gkbg.Finding("province.units", gkbg.Severity.WARNING, text, ())]
    return []


UNITS = gkbg.RollupFunctionRule(
    "province.units", gkbg.Severity.WARNING, gkbg.Text(zh="单位数", en="units"), _units_counted
)


def test_a_rollup_check_written_as_a_function_runs_in_check_rollup() -> None:
    report = gkbg.parse(FIXTURES.parent.parent / "examples" / "xingan-2024.txt")
    summary, *units = (attrs.evolve(report, source=name) for name in ("city", "a", "b"))
    rules = gkbg.RuleSet.builtin().with_rules(UNITS)
    summary = with_cell(summary, Cell("active.rules.issued", CellState.VALUE, 3, "3"))
    (finding,) = gkbg.check_rollup(summary, units, rules).by_rule("province.units")
    assert finding.message.en == "2 units"
    assert finding.reports == ("city", "a", "b")
    assert not gkbg.check(summary, rules).by_rule("province.units")
    two = with_cell(summary, Cell("active.rules.issued", CellState.VALUE, 2, "2"))
    assert not gkbg.check_rollup(two, units, rules).by_rule("province.units")
