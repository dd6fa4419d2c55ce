# SPDX-License-Identifier: MIT
"""The advice: the fewest cells whose other numbers would make every relation hold."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given, settings

import gkbg
from gkbg.checks.advice import LIMIT, advise, constraints
from gkbg.checks.findings import Advice, CheckResult
from gkbg.core.model import Cell, CellState
from gkbg.core.schema import forms
from gkbg.testing import (
    invalid_reports,
    relations,
    reports,
    values_of,
    with_cell,
)
from gkbg.write.json import converter, from_json, to_json
from gkbg.write.records import json_schema
from tests.helpers import FIXTURES, SEEDS

if TYPE_CHECKING:
    from gkbg.checks.findings import Fix
    from gkbg.core.model import Report

YAOHAI = SEEDS[2]
HONGZE = FIXTURES / "corpus" / "hongze-district-2023.pdf"
FEW = settings(max_examples=max(settings().max_examples // 2, 10), deadline=None)


def _applied(report: Report, fix: Fix) -> Report:
    for change in fix.changes:
        cell = Cell(change.cell, CellState.VALUE, change.value, raw=str(change.value))
        report = with_cell(report, cell)
    return report


def _all_hold(report: Report) -> bool:
    """Every relation of the report's form holds: the generators' relations, not the engine's."""
    values = values_of(report)
    variant = report.variant
    assert variant is not None
    return all(
        relation.holds(values)
        for relation in relations(variant)
        if all(values.get(key) is not None for key in relation.keys)
    )


def _label(key: str, variant: str) -> str:
    table = forms()[variant].table(key.partition(".")[0])
    spec = next(cell for cell in table.cells if cell.key == key)
    return f"{spec.row.label}/{spec.column.label}"


def test_yaohai_a_result_row_printed_three_too_many() -> None:
    """Results add up to 127, the total is 124 and so is 一: a result row is 3 too many."""
    report = gkbg.parse(YAOHAI)
    advice = gkbg.check(report).advice
    assert advice is not None
    assert advice.size == 2
    cells = report.cells()
    result_rows = {
        row.key for row in forms()["2019"].table("applications").rows if "result" in row.tags
    }
    assert len(advice.fixes) >= 2
    for fix in advice.fixes:
        rows = {".".join(change.cell.split(".")[1:-1]) for change in fix.changes}
        columns = {change.cell.split(".")[-1] for change in fix.changes}
        assert len(rows) == 1
        assert rows <= result_rows
        assert columns == {"natural_person", "total"}
        for change in fix.changes:
            assert change.printed == cells[change.cell]
            assert change.value == change.printed - 3
            assert change.label == _label(change.cell, "2019")
        assert _all_hold(_applied(report, fix))
        assert gkbg.check(_applied(report, fix)).advice is None
    assert advice.message.en.startswith(f"any of {len(advice.fixes)} fixes of 2 cells would make")
    assert advice.message.zh.startswith(f"有 {len(advice.fixes)} 种改动 2 个单元格的方案")
    # No value of the report changed.
    assert report.cells() == gkbg.parse(YAOHAI).cells()


def test_hongze_the_two_totals_printed_zero() -> None:
    """Table 四 prints 0 for two totals whose parts make 11 and 5: those two cells first."""
    report = gkbg.parse(HONGZE)
    advice = gkbg.check(report).advice
    assert advice is not None
    first = advice.fixes[0]
    assert [(c.cell, c.printed, c.value) for c in first.changes] == [
        ("appeals.reconsideration.total", 0, 11),
        ("appeals.litigation_after_reconsideration.total", 0, 5),
    ]
    assert first.message.en == (
        "if 行政复议/总计 were 11 and 复议后起诉/总计 were 5, every relation would hold"
    )
    assert first.message.zh == "若 行政复议/总计 为 11、复议后起诉/总计 为 5，各项关系即全部成立"
    assert "any of 2 fixes of 2 cells" in advice.message.en
    for fix in advice.fixes:
        assert gkbg.check(_applied(report, fix)).advice is None


def test_one_wrong_total_names_it_first() -> None:
    """One total printed 0 for parts making 5: that total first, then the one part of 5."""
    report = gkbg.parse(HONGZE)
    fixed = Cell("appeals.reconsideration.total", CellState.VALUE, 11, raw="11")
    advice = gkbg.check(with_cell(report, fixed)).advice
    assert advice is not None
    assert [(fix.cells, fix.changes[0].value) for fix in advice.fixes] == [
        (("appeals.litigation_after_reconsideration.total",), 5),
        (("appeals.litigation_after_reconsideration.upheld",), 0),
    ]
    assert advice.fixes[0].message.en == "if 复议后起诉/总计 were 5, every relation would hold"
    assert advice.message.en == (
        "any of 2 fixes of 1 cell would make every relation hold: if 复议后起诉/总计 were 5; "
        "or if 复议后起诉/结果维持 were 0"
    )
    one = advise(with_cell(report, fixed), limit=1)
    assert one is not None
    assert advise(with_cell(with_cell(report, fixed), _cell("upheld", 0)), limit=1) is None


def _cell(column: str, value: int) -> Cell:
    key = f"appeals.litigation_after_reconsideration.{column}"
    return Cell(key, CellState.VALUE, value, raw=str(value))


def test_unread_cells_are_no_candidates_and_their_relations_constrain_nothing() -> None:
    report = gkbg.parse(HONGZE)
    blank = Cell("appeals.reconsideration.total", CellState.BLANK, None, raw="")
    report = with_cell(report, blank)
    assert not any(
        "appeals.reconsideration.total" in dict(c.coefficients) for c in constraints(report)
    )
    advice = gkbg.check(report).advice
    assert advice is not None
    for fix in advice.fixes:
        assert "appeals.reconsideration.total" not in fix.cells


def test_no_fix_within_the_limit_says_so() -> None:
    report = gkbg.parse(HONGZE)
    advice = advise(report, limit=1)
    assert advice is not None
    assert advice.fixes == ()
    assert advice.size is None
    assert advice.message.en == "no fix of up to 1 cells would make every relation hold"
    assert advice.message.zh == "改动不超过 1 个单元格无法使各项关系全部成立"


def test_numbers_are_of_the_cells_kinds() -> None:
    """An amount may be a decimal; a count is a whole number (a rule file's comparison)."""
    rules = gkbg.RuleSet.default().with_rules(
        gkbg.Rule(
            id="test.fees",
            kind="compare",
            severity="warning",
            title=gkbg.Text("收费金额不超过许可数", "fees at most the licences"),
            message=gkbg.Text("收费金额 {actual}", "fees {actual}"),
            table="active",
            variants=("2021",),
            foreach={},
            lhs=("active.fees.amount",),
            op="<=",
            rhs=("active.licensing.decisions",),
        )
    )
    report = gkbg.parse(FIXTURES / "corpus" / "hongze-district-2024.pdf")
    assert report.variant == "2021"
    assert advise(report, rules) is None
    fees = Cell("active.fees.amount", CellState.VALUE, Decimal("9487.75"), raw="9487.75")
    advice = advise(with_cell(report, fees), rules)
    assert advice is not None
    values = {fix.cells: fix.changes[0].value for fix in advice.fixes}
    assert values == {("active.fees.amount",): 9487, ("active.licensing.decisions",): 9488}
    assert isinstance(values["active.fees.amount",], Decimal)
    assert isinstance(values["active.licensing.decisions",], int)


@FEW
@given(reports())
def test_a_valid_report_has_no_advice(report: Report) -> None:
    assert gkbg.check(report).advice is None


@FEW
@given(invalid_reports(max_changes=1))
def test_one_changed_cell_is_restored(invalid: gkbg.testing.Invalid) -> None:
    """One cell moved: a fix of one cell, and restoring it is among the fixes."""
    advice = gkbg.check(invalid.report).advice
    assert advice is not None
    assert advice.size == 1
    ((key, delta),) = invalid.changes
    printed = invalid.report.cells()[key]
    assert printed is not None
    restoring = [fix for fix in advice.fixes if fix.cells == (key,)]
    assert [fix.changes[0].value for fix in restoring] == [printed - delta]
    for fix in advice.fixes:
        assert _all_hold(_applied(invalid.report, fix))


@FEW
@given(invalid_reports(max_changes=3))
def test_every_fix_makes_every_relation_hold(invalid: gkbg.testing.Invalid) -> None:
    advice = gkbg.check(invalid.report).advice
    assert advice is not None
    assert advice.limit == LIMIT
    cells = invalid.report.cells()
    for fix in advice.fixes:
        assert len(fix.changes) == advice.size
        assert advice.size is not None
        assert advice.size <= len(invalid.changes)
        for change in fix.changes:
            assert change.printed == cells[change.cell]
            assert change.value != change.printed
            assert change.value >= 0
        assert _all_hold(_applied(invalid.report, fix))
    if len(advice.fixes) == 1:
        assert advice.message == advice.fixes[0].message


def test_json_round_trip_and_schema() -> None:
    result = gkbg.check(gkbg.parse(HONGZE))
    data = converter.unstructure(result)
    jsonschema: Any = pytest.importorskip("jsonschema")
    jsonschema.Draft202012Validator(json_schema(CheckResult)).validate(data)
    assert from_json(to_json(result), CheckResult) == result
    assert isinstance(result.advice, Advice)
    assert data["advice"]["fixes"][0]["changes"][0] == {
        "cell": "appeals.reconsideration.total",
        "label": "行政复议/总计",
        "printed": 0,
        "value": 11,
    }


def test_json_without_advice() -> None:
    """A clean result writes no advice; JSON without it (gkbg 0.1) reads as None."""
    clean = gkbg.check(gkbg.parse(SEEDS[3]))
    assert clean.advice is None
    assert "advice" not in converter.unstructure(clean)
    data = converter.unstructure(gkbg.check(gkbg.parse(HONGZE)))
    del data["advice"]
    assert from_json(json.dumps(data), CheckResult).advice is None


def test_series_and_rollup_results_carry_none() -> None:
    report = gkbg.parse(HONGZE)
    assert gkbg.check_rollup(report, [report]).advice is None


def test_the_notebook_view_shows_the_advice() -> None:
    result = gkbg.check(gkbg.parse(HONGZE))
    assert result.advice is not None
    english = gkbg.result_html(result, lang="en")
    assert '<p class="gkbg-advice">advice: any of 2 fixes' in english
    assert "建议：有 2 种" in gkbg.result_html(result, lang="zh")
    assert "gkbg-advice" not in gkbg.result_html(gkbg.check(gkbg.parse(SEEDS[3])), lang="en")
