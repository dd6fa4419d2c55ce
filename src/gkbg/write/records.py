# SPDX-License-Identifier: MIT
"""Exports of reports and findings: flat records, CSV, XLSX, pandas, and a JSON Schema.

A *cell record* is one cell of one report as a flat dict (`CELL_FIELDS`), with the official
labels of its row and column taken from the form it was printed in (`gkbg.forms`); a *finding
record* is one finding (`FINDING_FIELDS`) with its message in both languages. The CSV, XLSX and
pandas exports are tables of those records, so every export has the same columns.

A number is never rounded or invented: a count is an `int`, an amount a `Decimal` written as
the text of that decimal (``"7730.28"``), and a cell with no number has an empty value.
"""

from __future__ import annotations

import csv
import functools
import io
import typing
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from gkbg.checks.findings import CheckResult, Finding
from gkbg.core.compat import import_extra
from gkbg.core.model import Cell, Report
from gkbg.core.reasons import REASONS, Doubt
from gkbg.core.schema import forms
from gkbg.core.views import VIEWS

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from gkbg.core.schema import CellSpec

__all__ = [
    "CELL_FIELDS",
    "FINDING_FIELDS",
    "NUMBER_FIELDS",
    "cell_records",
    "cell_records_frame",
    "cells_frame",
    "cells_to_csv",
    "finding_records",
    "finding_records_frame",
    "findings_frame",
    "findings_to_csv",
    "json_schema",
    "to_xlsx",
]

CELL_FIELDS: tuple[str, ...] = (
    "source",
    "variant",
    "table",
    "key",
    "row",
    "column",
    "row_group",
    "row_label",
    "column_group",
    "column_label",
    "row_en",
    "column_en",
    "state",
    "value",
    "raw",
    "uncertain",
    "year",
    "agency",
)
"""The fields of a cell record, in column order (``year`` and ``agency``, its report's, last:
they came after the others)."""

FINDING_FIELDS: tuple[str, ...] = (
    "source",
    "rule",
    "severity",
    "cells",
    "expected",
    "actual",
    "difference",
    "message_zh",
    "message_en",
    "quote",
    "every_reading",
)
"""The fields of a finding record, in column order (``every_reading``: `Finding.every_reading`,
True or False; it came after the others)."""

_BOM = "\ufeff".encode()

UNCERTAIN_SEPARATOR = "；"
"""Joins the reasons a cell is uncertain into one text field."""


@functools.cache
def _specs(variant: str) -> Mapping[str, CellSpec]:
    known = forms().get(variant)
    if known is None:
        return {}
    return {spec.key: spec for spec in known.cells()}


def cell_record(
    cell: Cell,
    *,
    source: str | None,
    variant: str | None,
    year: int | None = None,
    agency: str | None = None,
) -> dict[str, Any]:
    """One cell as a flat record, with its report's year and agency and its official labels."""
    spec = _specs(variant).get(cell.key) if variant else None
    _, _, rest = cell.key.partition(".")
    row_key, _, column_key = rest.rpartition(".")
    return {
        "source": source,
        "variant": variant,
        "table": cell.table,
        "key": cell.key,
        "row": spec.row.key if spec else row_key,
        "column": spec.column.key if spec else column_key,
        "row_group": spec.row.group if spec else None,
        "row_label": spec.row.label if spec else None,
        "column_group": spec.column.group if spec else None,
        "column_label": spec.column.label if spec else None,
        "row_en": spec.row.en if spec else None,
        "column_en": spec.column.en if spec else None,
        "state": cell.state.value,
        "value": cell.value,
        "raw": cell.raw,
        "uncertain": UNCERTAIN_SEPARATOR.join(reason.en for reason in cell.uncertain),
        "year": year,
        "agency": agency,
    }


def _reports(reports: Report | Iterable[Report]) -> Iterable[Report]:
    return (reports,) if isinstance(reports, Report) else reports


def _results(results: CheckResult | Iterable[CheckResult]) -> Iterable[CheckResult]:
    return (results,) if isinstance(results, CheckResult) else results


def cell_records(reports: Report | Iterable[Report]) -> list[dict[str, Any]]:
    """Every cell of one or more reports as flat records (the fields of `CELL_FIELDS`).

    Args:
        reports: A report, or any number of them.

    Returns:
        One record per cell read, report by report, in reading order. ``value`` is an `int`, a
        `Decimal`, or None when the cell has no number; ``uncertain`` joins the reasons the
        cell may be misread (empty when the parser is sure).
    """
    return [
        cell_record(
            cell,
            source=report.source,
            variant=table.variant,
            year=report.year,
            agency=report.agency,
        )
        for report in _reports(reports)
        for table in report.tables
        for cell in table.cells
    ]


def finding_record(finding: Finding, *, source: str | None) -> dict[str, Any]:
    """One finding as a flat record, with its message in Chinese and English."""
    return {
        "source": source,
        "rule": finding.rule,
        "severity": finding.severity.value,
        "cells": " ".join(finding.cells),
        "expected": finding.expected,
        "actual": finding.actual,
        "difference": finding.difference,
        "message_zh": finding.message.zh,
        "message_en": finding.message.en,
        "quote": finding.quote,
        "every_reading": finding.every_reading,
    }


def finding_records(results: CheckResult | Iterable[CheckResult]) -> list[dict[str, Any]]:
    """Every finding of one or more check results as flat records (`FINDING_FIELDS`)."""
    return [
        finding_record(finding, source=result.source)
        for result in _results(results)
        for finding in result.findings
    ]


def csv_bytes(rows: Iterable[Iterable[Any]], *, bom: bool = False) -> bytes:
    """Rows as gkbg writes CSV: UTF-8 (a byte-order mark first when ``bom``), lines ended by CRLF.

    The one CSV writer, for `cells_to_csv`, `findings_to_csv` and the outputs of `gkbg.batch`.
    A field of a record is a `str`, an `int`, a `Decimal` or None: a number is written exactly
    as held (its `str`), None as the empty string.

    Args:
        rows: The rows, each its fields in column order.
        bom: Whether to start with a byte-order mark (the header of a file: Excel needs it to
            read Chinese).
    """
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(rows)
    return (_BOM if bom else b"") + buffer.getvalue().encode("utf-8")


def write_csv(records: Iterable[Mapping[str, Any]], fields: Sequence[str], path: Path) -> int:
    """Write records as a CSV file (`csv_bytes`): a header of ``fields``, then one row each.

    Returns:
        The number of records written.
    """
    rows = [[record.get(field) for field in fields] for record in records]
    path.write_bytes(csv_bytes([fields], bom=True) + csv_bytes(rows))
    return len(rows)


def cells_to_csv(reports: Report | Iterable[Report], path: str | Path) -> Path:
    """Write the cells of one or more reports to a CSV file, one row per cell.

    The columns are `CELL_FIELDS`. The file is UTF-8 with a byte-order mark (Excel needs it to
    read Chinese); numbers are written exactly as held; a cell with no number has an empty
    ``value`` (never 0).

    Returns:
        The path written.
    """
    target = Path(path)
    write_csv(cell_records(reports), CELL_FIELDS, target)
    return target


def findings_to_csv(results: CheckResult | Iterable[CheckResult], path: str | Path) -> Path:
    """Write the findings of one or more check results to a CSV file, one row per finding.

    Returns:
        The path written.
    """
    target = Path(path)
    write_csv(finding_records(results), FINDING_FIELDS, target)
    return target


def _xlsx_value(value: object) -> object:
    if isinstance(value, Decimal):
        # openpyxl writes a Decimal as a binary float; the exact text is the lossless choice.
        return str(value)
    return value


def _write_sheet(sheet: Any, fields: Sequence[str], records: Iterable[Mapping[str, Any]]) -> None:  # noqa: ANN401 - openpyxl is untyped
    sheet.append(list(fields))
    for record in records:
        sheet.append([_xlsx_value(record.get(field)) for field in fields])
    for row in sheet.iter_rows(min_row=1):
        for cell in row:
            if cell.data_type == "f":
                # Report text is untrusted: a cell printed as "=..." stays text, never a formula.
                cell.data_type = "s"
    sheet.freeze_panes = "A2"


def to_xlsx(
    path: str | Path,
    *,
    reports: Report | Iterable[Report] = (),
    results: CheckResult | Iterable[CheckResult] = (),
) -> Path:
    """Write cells and findings to an Excel workbook with the sheets ``cells`` and ``findings``.

    Needs the extra ``gkbg[xlsx]`` (openpyxl). Counts are numbers; amounts are written as the
    text of their decimal, so that no amount becomes a binary float; text that looks like a
    formula stays text.

    Returns:
        The path written.

    Raises:
        MissingExtraError: openpyxl is not installed.
    """
    openpyxl = import_extra("openpyxl", extra="xlsx", purpose="gkbg.to_xlsx")
    book = openpyxl.Workbook()
    cells_sheet = book.active
    cells_sheet.title = "cells"
    _write_sheet(cells_sheet, CELL_FIELDS, cell_records(reports))
    _write_sheet(book.create_sheet("findings"), FINDING_FIELDS, finding_records(results))
    target = Path(path)
    book.save(target)
    return target


def _pandas(purpose: str) -> Any:  # noqa: ANN401 - pandas is optional
    return import_extra("pandas", extra="pandas", purpose=purpose)


def cells_frame(reports: Report | Iterable[Report], *, wide: bool = False) -> Any:  # noqa: ANN401 - a pandas.DataFrame
    """The cells of one or more reports as a pandas DataFrame. Needs ``gkbg[pandas]``.

    Args:
        reports: A report, or any number of them.
        wide: False (the default) for the long form: one row per cell, the columns of
            `CELL_FIELDS`. True for the wide form: one row per report (``source``,
            ``variant``, ``year``, ``agency``), one column per cell key in reading order; the
            columns of counts have the nullable ``Int64`` dtype (a cell with no number is
            ``<NA>``, never 0), amounts stay `Decimal`.

    Raises:
        MissingExtraError: pandas is not installed.
    """
    pd = _pandas("cells as a DataFrame")
    chosen = tuple(_reports(reports))
    if not wide:
        return cell_records_frame(cell_records(chosen))
    keys: dict[str, str] = {}
    for report in chosen:
        for table in report.tables:
            specs = _specs(table.variant) if table.variant else {}
            for cell in table.cells:
                spec = specs.get(cell.key)
                kind = spec.kind if spec else "amount"
                keys[cell.key] = "amount" if keys.get(cell.key) == "amount" else kind
    meta = ("source", "variant", "year", "agency")
    data: dict[str, Any] = {
        "source": [r.source for r in chosen],
        "variant": [r.variant for r in chosen],
        "year": pd.array([r.year for r in chosen], dtype="Int64"),
        "agency": [r.agency for r in chosen],
    }
    values = [report.cells() for report in chosen]
    for key, column_kind in keys.items():
        column = [found.get(key) for found in values]
        data[key] = (
            pd.array(column, dtype="object")
            if column_kind == "amount"
            else pd.array(column, "Int64")
        )
    return pd.DataFrame(data, columns=[*meta, *keys])


def findings_frame(results: CheckResult | Iterable[CheckResult]) -> Any:  # noqa: ANN401 - a pandas.DataFrame
    """The findings of one or more check results as a pandas DataFrame (`FINDING_FIELDS`).

    ``expected``, ``actual`` and ``difference`` keep their numbers exact (see
    `finding_records_frame`): never ``11.0`` or ``NaN``.

    Raises:
        MissingExtraError: pandas is not installed.
    """
    return finding_records_frame(finding_records(results))


def cell_records_frame(records: Iterable[Mapping[str, Any]]) -> Any:  # noqa: ANN401 - a pandas.DataFrame
    """Cell records (`CELL_FIELDS`) as the long frame of `cells_frame`. Needs pandas.

    ``year`` has the nullable ``Int64`` dtype; ``value`` holds each cell's number as it is, an
    `int` for a count and a `Decimal` for an amount, and None for a cell with no number (an
    ``object`` column: one column holds both kinds).
    """
    pd = _pandas("cells as a DataFrame")
    rows = list(records)
    frame = pd.DataFrame(rows, columns=list(CELL_FIELDS))
    frame["year"] = pd.array([row.get("year") for row in rows], dtype="Int64")
    frame["value"] = pd.array([row.get("value") for row in rows], dtype="object")
    return frame


NUMBER_FIELDS: tuple[str, ...] = ("expected", "actual", "difference")
"""The fields of a finding record that hold numbers."""


def finding_records_frame(records: Iterable[Mapping[str, Any]]) -> Any:  # noqa: ANN401 - a pandas.DataFrame
    """Finding records (`FINDING_FIELDS`) as the frame of `findings_frame`. Needs pandas.

    ``expected``, ``actual`` and ``difference`` are nullable columns that keep the numbers
    exact: pandas' ``Int64`` when every number in the three is whole (counts; a finding with no
    number is ``<NA>``), else ``object`` columns of `Decimal` (amounts such as ``7730.28``, which
    a binary float, ``float64`` or ``Float64``, cannot hold exactly; a finding with no number is
    None). A whole number is one written without a decimal point: ``11``, never ``11.0``, so the
    columns are the same read back from a CSV file.
    """
    pd = _pandas("findings as a DataFrame")
    rows = list(records)
    frame = pd.DataFrame(rows, columns=list(FINDING_FIELDS))
    # from the records: the frame may already hold floats
    numbers = {field: [_whole(row.get(field)) for row in rows] for field in NUMBER_FIELDS}
    whole = all(isinstance(v, int) for values in numbers.values() for v in values if v is not None)
    for field, values in numbers.items():
        frame[field] = (
            pd.array(values, dtype="Int64")
            if whole
            else pd.array([None if v is None else Decimal(v) for v in values], dtype="object")
        )
    # (True, or "True" read back from a CSV file; absent from files written before it: False)
    flags = [row.get("every_reading") in (True, "True") for row in rows]
    frame["every_reading"] = pd.array(flags, dtype="bool")
    return frame


def _whole(value: object) -> int | Decimal | None:
    """A number of a finding as `int` when written without a decimal point, else `Decimal`."""
    if value is None or (isinstance(value, float) and value != value):  # noqa: PLR0124 - NaN
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    exponent = number.as_tuple().exponent
    return int(number) if isinstance(exponent, int) and exponent >= 0 else number


# --- JSON Schema ----------------------------------------------------------------------------

_DECIMAL_PATTERN = r"^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$"
_NONE = type(None)


def _type_schema(tp: Any, defs: dict[str, Any]) -> dict[str, Any]:  # noqa: ANN401 - any annotation
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if tp is _NONE:
        return {"type": "null"}
    if tp is str:
        return {"type": "string"}
    if tp is bool:
        return {"type": "boolean"}
    if tp is int:
        return {"type": "integer"}
    if tp is float:
        return {"type": "number"}
    if tp is Decimal:
        return {"type": "string", "pattern": _DECIMAL_PATTERN}
    if isinstance(tp, type) and issubclass(tp, str) and hasattr(tp, "__members__"):
        return {"type": "string", "enum": [member.value for member in tp]}  # type: ignore[attr-defined]
    if tp is Doubt:
        _doubt_schema(defs)
        return {"$ref": "#/$defs/Doubt"}
    if attrs.has(tp):
        _class_schema(tp, defs)
        return {"$ref": f"#/$defs/{tp.__name__}"}
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return {"type": "array", "items": _type_schema(args[0], defs)}
    if origin is tuple:
        return {
            "type": "array",
            "prefixItems": [_type_schema(arg, defs) for arg in args],
            "minItems": len(args),
            "maxItems": len(args),
        }
    if args and (origin is typing.Union or type(tp).__name__ == "UnionType"):
        return {"anyOf": [_type_schema(arg, defs) for arg in args]}
    raise TypeError(f"no JSON Schema for the annotation {tp!r}")


def _doubt_schema(defs: dict[str, Any]) -> None:
    """A reason for doubt: its code and fields, and its sentences (gkbg.write.json)."""
    text = {"type": "string"}
    defs["Doubt"] = {
        "type": "object",
        "description": (Doubt.__doc__ or "").strip().splitlines()[0],
        "properties": {
            "code": {"type": "string", "enum": list(REASONS)},
            "fields": {"type": "object", "additionalProperties": text},
            "en": text,
            "zh": text,
        },
        "required": ["code", "fields", "en", "zh"],
        "additionalProperties": False,
    }


def _class_schema(cls: type, defs: dict[str, Any]) -> None:
    name = cls.__name__
    if name in defs:
        return
    defs[name] = {}  # a placeholder against recursion
    hints = typing.get_type_hints(cls)
    fields = attrs.fields(cls)
    properties = {
        field.name: _type_schema(hints[field.name], defs) for field in fields if field.init
    }
    doc = (cls.__doc__ or "").strip().splitlines()
    defs[name] = {
        "type": "object",
        "description": doc[0] if doc else name,
        "properties": properties,
        "required": [f.name for f in fields if f.init and f.default is attrs.NOTHING],
        "additionalProperties": False,
    }


def json_schema(cls: type = Report) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of what `gkbg.to_json` writes for ``cls``.

    Generated from the attrs classes of the model, so it cannot drift from them.

    Args:
        cls: The class whose JSON to describe: `Report` (the default), `CheckResult`,
            `Finding`, or any other attrs class of gkbg.

    Raises:
        TypeError: ``cls`` is not an attrs class, or has a field of a type JSON cannot hold.
    """
    if not attrs.has(cls):
        raise TypeError(f"{cls!r} is not a gkbg model class")
    defs: dict[str, Any] = {}
    _class_schema(cls, defs)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"gkbg {cls.__name__}",
        "$ref": f"#/$defs/{cls.__name__}",
        "$defs": defs,
    }


VIEWS.cells_frame = cells_frame
VIEWS.findings_frame = findings_frame
