"""Properties of the exports and views over generated reports of both forms."""

from __future__ import annotations

import csv
import json
import tempfile
from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings

import gkbg
from gkbg import _batch
from gkbg.testing import Invalid, invalid_reports
from tests.helpers import tables


def _one_change(invalid: Invalid) -> tuple[gkbg.Report, str, gkbg.Value]:
    ((key, delta),) = invalid.changes
    return invalid.report, key, delta


FEW = settings(max_examples=max(settings().max_examples // 4, 10), deadline=None)


@FEW
@given(invalid_reports(max_changes=1).map(_one_change))
def test_the_html_tables_are_rectangles_marking_every_finding(
    case: tuple[gkbg.Report, str, gkbg.Value],
) -> None:
    report, _key, _delta = case
    result = gkbg.check(report)
    assert result.errors
    data: dict[str, str] = {}
    for grid in tables(gkbg.to_html(report, result, lang="en")).grids:
        assert len(set(grid.widths())) == 1
        for text, attributes in grid.data():
            key = attributes["title"].split("\n")[0]
            assert key not in data
            data[key] = attributes["class"]
            assert text == str(report.cell(key).value)
    assert list(data) == [cell.key for cell in report.iter_cells()]
    for finding in result.findings:
        assert f"gkbg-{finding.severity.value}" in data[finding.cells[0]].split()


@FEW
@given(invalid_reports(max_changes=1).map(_one_change))
def test_the_manifest_keeps_every_cell_and_finding(
    case: tuple[gkbg.Report, str, gkbg.Value],
) -> None:
    report, _key, _delta = case
    result = gkbg.check(report)
    original = gkbg.FileResult(
        "report.txt",
        1,
        2,
        "ok",
        variant=report.variant,
        year=report.year,
        tables=report.tables,
        findings=result.findings,
        not_checkable=len(result.not_checkable),
    )
    line = json.loads(json.dumps(_batch._compact(original), ensure_ascii=False))
    back = _batch._expand(line)
    assert back == original
    for cell, kept in zip(original.cells(), back.cells(), strict=True):
        assert type(cell.value) is type(kept.value)


@FEW
@given(invalid_reports(max_changes=1).map(_one_change))
def test_csv_values_read_back_exactly(case: tuple[gkbg.Report, str, gkbg.Value]) -> None:
    report, _key, _delta = case
    with tempfile.TemporaryDirectory() as folder:
        path = gkbg.cells_to_csv(report, Path(folder) / "cells.csv")
        with path.open(encoding="utf-8-sig", newline="") as stream:
            rows = list(csv.DictReader(stream))
    for row, cell in zip(rows, report.iter_cells(), strict=True):
        assert cell.value is not None
        assert Decimal(row["value"]) == cell.value
        assert row["value"] == str(cell.value)
