"""Exports: cell and finding records, CSV, XLSX, pandas, and the JSON Schema of the model."""

from __future__ import annotations

import csv
import importlib
import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs
import pytest

import gkbg
from tests.helpers import DOCUMENTS, FIXTURES, with_cell

if TYPE_CHECKING:
    from pathlib import Path

REAL = [
    *DOCUMENTS,
    FIXTURES / "html" / "county_2020_gbk.html",
    FIXTURES / "docx" / "form-2021-template.docx",
]


@pytest.fixture(scope="module")
def yaohai() -> gkbg.Report:
    return gkbg.parse("examples/yaohai-2019.txt")


def test_cell_records_carry_the_official_labels(yaohai: gkbg.Report) -> None:
    records = gkbg.cell_records(yaohai)
    assert [r["key"] for r in records] == [c.key for c in yaohai.iter_cells()]
    specs = {spec.key: spec for spec in gkbg.form("2019").cells()}
    for record in records:
        spec = specs[record["key"]]
        assert record["row_label"] == spec.row.label
        assert record["column_label"] == spec.column.label
        assert record["row_group"] == spec.row.group
        assert record["column_group"] == spec.column.group
        assert (record["table"], record["row"], record["column"]) == (
            spec.table,
            spec.row.key,
            spec.column.key,
        )
        assert list(record) == list(gkbg.CELL_FIELDS)  # the CSV writers rely on the order


def test_uncertain_cells_say_why(yaohai: gkbg.Report) -> None:
    records = {r["key"]: r for r in gkbg.cell_records(yaohai)}
    doubtful = yaohai.uncertain_cells()
    assert doubtful
    for cell in doubtful:
        assert records[cell.key]["uncertain"] == "；".join(map(str, cell.uncertain))
    assert all(records[c.key]["uncertain"] == "" for c in yaohai.iter_cells() if not c.uncertain)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.DictReader(stream))


@pytest.mark.parametrize("document", REAL, ids=lambda p: p.name[:24])
def test_cells_csv_keeps_every_number_and_blank(document: Path, tmp_path: Path) -> None:
    report = gkbg.parse(document)
    rows = read_csv(gkbg.cells_to_csv(report, tmp_path / "cells.csv"))
    cells = list(report.iter_cells())
    assert [row["key"] for row in rows] == [cell.key for cell in cells]
    for row, cell in zip(rows, cells, strict=True):
        assert row["value"] == ("" if cell.value is None else str(cell.value))
        assert row["raw"] == (cell.raw or "")
        assert row["state"] == cell.state.value


def test_a_blank_cell_is_empty_never_zero(yaohai: gkbg.Report, tmp_path: Path) -> None:
    key = "applications.received.commercial"
    blanked = with_cell(yaohai, key, state=gkbg.CellState.BLANK, value=None, raw="/")
    rows = {r["key"]: r for r in read_csv(gkbg.cells_to_csv(blanked, tmp_path / "c.csv"))}
    assert (rows[key]["value"], rows[key]["raw"], rows[key]["state"]) == ("", "/", "blank")


def test_findings_csv_has_both_languages(yaohai: gkbg.Report, tmp_path: Path) -> None:
    result = gkbg.check(yaohai)
    rows = read_csv(gkbg.findings_to_csv(result, tmp_path / "findings.csv"))
    assert len(rows) == len(result.findings) == 2
    for row, finding in zip(rows, result.findings, strict=True):
        assert row["rule"] == finding.rule
        assert row["message_zh"] == finding.message.zh
        assert row["message_en"] == finding.message.en
        assert row["cells"].split() == list(finding.cells)
        assert (row["expected"], row["actual"], row["difference"]) == ("127", "124", "-3")
        assert row["source"] == "examples/yaohai-2019.txt"
    assert all(list(r) == list(gkbg.FINDING_FIELDS) for r in gkbg.finding_records(result))


def test_xlsx_of_cells_and_findings(yaohai: gkbg.Report, tmp_path: Path) -> None:
    openpyxl: Any = pytest.importorskip("openpyxl")
    key = "applications.received.research"
    hostile = with_cell(
        yaohai, key, state=gkbg.CellState.INVALID, value=None, raw='=HYPERLINK("http://x","y")'
    )
    amount_key = next(c.key for c in yaohai.iter_cells() if isinstance(c.value, Decimal))
    path = gkbg.to_xlsx(tmp_path / "out.xlsx", reports=hostile, results=gkbg.check(hostile))
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["cells", "findings"]
    sheet = book["cells"]
    header = [c.value for c in sheet[1]]
    assert header == list(gkbg.CELL_FIELDS)
    rows = {
        row[3]: dict(zip(header, row, strict=True)) for row in sheet.iter_rows(2, values_only=True)
    }
    assert len(rows) == len(list(hostile.iter_cells()))
    assert rows[key]["raw"] == '=HYPERLINK("http://x","y")'
    assert sheet.cell(row=1 + list(rows).index(key) + 1, column=15).data_type == "s"
    assert rows[amount_key]["value"] == str(hostile.cell(amount_key).value)
    assert rows["applications.received.total"]["value"] == 124
    findings = list(book["findings"].iter_rows(2, values_only=True))
    assert len(findings) == len(gkbg.check(hostile).findings)


def test_long_and_wide_frames(yaohai: gkbg.Report) -> None:
    pd: Any = pytest.importorskip("pandas")
    key = "applications.received.commercial"
    blanked = with_cell(yaohai, key, state=gkbg.CellState.BLANK, value=None, raw="")
    long = blanked.to_pandas()
    assert list(long.columns) == list(gkbg.CELL_FIELDS)
    assert len(long) == len(list(blanked.iter_cells()))
    assert long.set_index("key").loc[key, "value"] is None
    wide = blanked.to_pandas(wide=True)
    assert len(wide) == 1
    assert list(wide.columns[4:]) == [c.key for c in blanked.iter_cells()]
    assert wide[key].dtype == "Int64"
    assert wide[key].isna().all()
    assert wide["applications.received.total"][0] == 124
    amount = next(c for c in blanked.iter_cells() if isinstance(c.value, Decimal))
    assert wide[amount.key][0] == amount.value
    both = gkbg.cells_frame([blanked, gkbg.parse("examples/xingan-2024.txt")], wide=True)
    assert list(both["variant"]) == ["2019", "2021"]
    assert pd.isna(both.loc[1, "active.rules.new_made"])  # a 2019 cell, absent in 2021


def test_findings_frame(yaohai: gkbg.Report) -> None:
    pytest.importorskip("pandas")
    result = gkbg.check(yaohai)
    frame = result.to_pandas()
    assert list(frame.columns) == list(gkbg.FINDING_FIELDS)
    assert list(frame["rule"]) == [f.rule for f in result.findings]
    assert list(frame["difference"]) == [-3, -3]


def test_without_pandas_the_error_names_the_extra(
    yaohai: gkbg.Report, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = importlib.import_module

    def without_pandas(name: str, package: str | None = None) -> object:
        if name == "pandas":
            raise ImportError(name)
        return real(name, package)

    monkeypatch.setattr(importlib, "import_module", without_pandas)
    with pytest.raises(gkbg.MissingExtraError, match=r"gkbg\[pandas\]"):
        yaohai.to_pandas()
    with pytest.raises(gkbg.MissingExtraError, match=r"gkbg\[pandas\]"):
        gkbg.check(yaohai).to_pandas()


@pytest.fixture(scope="module")
def validator() -> Any:
    jsonschema: Any = pytest.importorskip("jsonschema")

    def make(cls: type) -> Any:
        schema = gkbg.json_schema(cls)
        jsonschema.Draft202012Validator.check_schema(schema)
        return jsonschema.Draft202012Validator(schema)

    return make


@pytest.mark.parametrize(
    "document",
    [*REAL, *sorted((FIXTURES.parent.parent / "examples").glob("*.txt"))],
    ids=lambda p: p.name[:24],
)
def test_every_real_report_validates_against_the_schema(document: Path, validator: Any) -> None:
    report = gkbg.parse(document)
    errors = list(validator(gkbg.Report).iter_errors(json.loads(gkbg.to_json(report))))
    assert errors == []
    result = gkbg.check(report)
    errors = list(validator(gkbg.CheckResult).iter_errors(json.loads(gkbg.to_json(result))))
    assert errors == []


def test_the_schema_rejects_what_from_json_would_not_read(
    yaohai: gkbg.Report, validator: Any
) -> None:
    good = json.loads(gkbg.to_json(yaohai))
    schema = validator(gkbg.Report)
    assert schema.is_valid(good)
    cell = good["tables"][0]["cells"][0]
    for field, bad in (("value", 1.5), ("state", "zero"), ("uncertain", "text"), ("extra", 1)):
        broken = json.loads(json.dumps(good))
        broken["tables"][0]["cells"][0] = {**cell, field: bad}
        assert not schema.is_valid(broken), field
    del good["tables"]
    assert not schema.is_valid(good)


def test_the_schema_follows_the_model() -> None:
    schema = gkbg.json_schema()
    assert schema["$ref"] == "#/$defs/Report"
    for cls in (gkbg.Report, gkbg.Table, gkbg.Cell, gkbg.Location):
        names = [field.name for field in attrs.fields(cls)]
        assert list(schema["$defs"][cls.__name__]["properties"]) == names
    states = schema["$defs"]["Cell"]["properties"]["state"]["enum"]
    assert states == [state.value for state in gkbg.CellState]
    with pytest.raises(TypeError, match="not a gkbg model class"):
        gkbg.json_schema(dict)
