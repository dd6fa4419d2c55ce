"""Excel .xlsx workbooks: the official merged layout, formulas, locations and errors."""

from __future__ import annotations

import importlib
import io
import zipfile
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest

import gkbg
from gkbg.read.xlsx import XlsxParser
from tests.helpers import SEEDS, golden, number, workbook

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

openpyxl: Any = pytest.importorskip("openpyxl")

REGISTRY = gkbg.ParserRegistry([XlsxParser()], entry_points=False)


def parse(source: bytes | Path) -> gkbg.Report:
    return gkbg.parse(source, format="xlsx", registry=REGISTRY)


def layout(source: bytes | Path) -> gkbg.Layout:
    return gkbg.parse_layout(source, format="xlsx", registry=REGISTRY)


def golden_cells(seed: Path) -> tuple[str, dict[str, object]]:
    expected = golden(seed)
    variant, wanted = expected["variant"], expected["cells"]
    assert isinstance(variant, str)
    assert isinstance(wanted, dict)
    return variant, wanted


def counted(variant: str) -> dict[str, object]:
    """Every cell a different number, so a cell read from its neighbour would show."""
    return {spec.key: index + 1 for index, spec in enumerate(gkbg.form(variant).cells())}


# --------------------------------------------------------------------------------------------
# 1. The official layout, for both forms, with the values of every seed report.


@pytest.mark.parametrize("seed", SEEDS, ids=[seed.stem[:3] for seed in SEEDS])
@pytest.mark.parametrize("one_sheet", [False, True], ids=["sheets", "one-sheet"])
def test_official_layout_reads_the_golden_cells(seed: Path, one_sheet: bool) -> None:
    variant, wanted = golden_cells(seed)
    report = parse(workbook(variant, wanted, one_sheet=one_sheet))
    assert report.variants == dict.fromkeys(gkbg.TABLES, variant)
    assert report.cells() == {key: number(value) for key, value in wanted.items()}
    assert report.uncertain_cells() == ()
    assert report.format == "xlsx"


@pytest.mark.parametrize("variant", ["2019", "2021"])
def test_official_layout_with_distinct_values(variant: str) -> None:
    cells = counted(variant)
    report = parse(workbook(variant, cells))
    assert report.cells() == cells
    assert report.uncertain_cells() == ()


def test_numbers_are_printed_as_stored() -> None:
    book = openpyxl.Workbook()
    book.active.append(["a", 3, 3.0, 0.1, 1.5e-7, 251000.25, -2, "0012", "1,234"])
    out = io.BytesIO()
    book.save(out)
    texts = [token.text for token in layout(out.getvalue()).tokens]
    assert texts == ["a", "3", "3", "0.1", "0.00000015", "251000.25", "-2", "0012", "1,234"]


# --------------------------------------------------------------------------------------------
# 2. Formulas without a cached value, blanks and placeholders.


def edited(variant: str, cells: Mapping[str, object], edit: Mapping[str, object]) -> bytes:
    """The workbook with the cells holding the marker values in ``cells`` set to ``edit``."""
    book = openpyxl.load_workbook(io.BytesIO(workbook(variant, cells)))
    markers = {cells[key]: value for key, value in edit.items()}
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value in markers and not isinstance(cell.value, str):
                    cell.value = markers[cell.value]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_formula_without_cached_value_is_never_a_number() -> None:
    cells = counted("2021")
    total = "applications.received.total"
    data = edited("2021", cells, {total: "=SUM(B1:B2)"})
    formula = [t for t in layout(data).tokens if t.text == "=SUM(B1:B2)"]
    assert [t.kind for t in formula] == [gkbg.TokenKind.TEXT]
    report = parse(data)
    cell = report.cell(total)
    assert cell.value is None
    assert cell.state in {gkbg.CellState.INVALID, gkbg.CellState.UNREAD}
    assert cell.uncertain or cell.state is gkbg.CellState.INVALID
    # The alignment may leave the neighbouring cells unread too, but never reads a wrong number.
    for other in report.iter_cells():
        assert other.value in {None, cells[other.key]}, other.key
        assert other.value is not None or other.state is not gkbg.CellState.BLANK, other.key


def test_a_formula_with_a_cached_value_reads_the_value(tmp_path: Path) -> None:
    """A file Excel saved: the formula's cached value is read (the cache is written by hand)."""
    book = openpyxl.Workbook()
    book.active.append([1, 2, "=A1+B1"])
    path = tmp_path / "saved.xlsx"
    book.save(path)
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = parts[sheet].replace(b"<f>A1+B1</f><v></v>", b"<f>A1+B1</f><v>3</v>")
    assert b"<v>3</v>" in parts[sheet]
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    assert [t.text for t in layout(path).tokens] == ["1", "2", "3"]


def test_blank_and_placeholder_cells_stay_blank() -> None:
    cells = counted("2021")
    empty, slash = "applications.received.natural_person", "applications.received.commercial"
    report = parse(edited("2021", cells, {empty: None, slash: "/"}))
    for key in (empty, slash):
        cell = report.cell(key)
        assert cell.state is gkbg.CellState.BLANK, key
        assert cell.value is None
    assert report.cell(slash).raw == "/"


def test_trailing_empty_cells_are_not_tokens() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["B1"], sheet["D1"] = "甲", 1
    sheet["B2"], sheet["E2"] = "乙", 2
    sheet.merge_cells("B2:C2")  # C2 is covered: no token
    sheet["B3"] = "丙"
    sheet["F3"].number_format = "0.00"  # a styled, empty cell past the last value
    out = io.BytesIO()
    book.save(out)
    result = layout(out.getvalue())
    assert [
        (t.text, t.kind, t.location.row_index, t.location.col_index) for t in result.tokens
    ] == [
        ("甲", gkbg.TokenKind.TEXT, 0, 1),
        ("", gkbg.TokenKind.EMPTY, 0, 2),
        ("1", gkbg.TokenKind.VALUE, 0, 3),
        ("乙", gkbg.TokenKind.TEXT, 1, 1),
        ("", gkbg.TokenKind.EMPTY, 1, 3),
        ("2", gkbg.TokenKind.VALUE, 1, 4),
        ("丙", gkbg.TokenKind.TEXT, 2, 1),
    ]
    assert result.text == "甲 |  | 1\n乙 |  | 2\n丙\n"
    assert result.tokens[2].location.start == result.text.index("1")


# --------------------------------------------------------------------------------------------
# 3. Locations.


def test_cell_locations() -> None:
    report = parse(workbook("2021", counted("2021")))
    # Sheet 1 (三): heading row 0, three header rows, then 申请人情况 rows; labels fill 3 columns.
    cell = report.cell("applications.received.natural_person")
    assert cell.location is not None
    location = cell.location
    assert (location.table_index, location.row_index, location.col_index) == (1, 4, 3)
    appeals = report.cell("appeals.reconsideration.upheld").location
    assert appeals is not None
    assert (appeals.table_index, appeals.row_index, appeals.col_index) == (2, 4, 0)
    tokens = layout(workbook("2021", counted("2021"))).tokens
    assert all(t.cell for t in tokens)
    merged = [t for t in tokens if t.text == "申请人情况"]
    assert len(merged) == 1  # a merged range is one token, at its top-left cell


# --------------------------------------------------------------------------------------------
# 4. Errors.


def test_without_the_extra_the_error_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.import_module

    def without_openpyxl(name: str, package: str | None = None) -> object:
        if name == "openpyxl":
            raise ImportError(name)
        return real(name, package)

    monkeypatch.setattr(importlib, "import_module", without_openpyxl)
    with pytest.raises(gkbg.MissingExtraError, match=r"pip install 'gkbg\[xlsx\]'") as info:
        parse(workbook("2021", counted("2021")))
    assert isinstance(info.value, ImportError)


def test_a_corrupt_zip_is_refused(tmp_path: Path) -> None:
    data = workbook("2021", counted("2021"))
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(data[: len(data) // 2])
    with pytest.raises(gkbg.DocumentError, match=r"broken\.xlsx: a damaged or truncated"):
        parse(broken)


def test_a_damaged_part_is_refused(tmp_path: Path) -> None:
    with zipfile.ZipFile(io.BytesIO(workbook("2021", counted("2021")))) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["xl/workbook.xml"] = b"<workbook><sheets>"
    damaged = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(damaged, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    with pytest.raises(gkbg.DocumentError, match=r"damaged\.xlsx: a damaged \.xlsx"):
        parse(damaged)


def test_a_docx_is_not_a_workbook(tmp_path: Path) -> None:
    docx = tmp_path / "report.docx"
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    with pytest.raises(gkbg.DocumentError, match=r"report\.docx: a Word document"):
        parse(docx)
    assert XlsxParser().sniff(gkbg.Input(docx.read_bytes(), "report.docx")) == 0.0


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "encrypted workbook or a legacy"),
        (b"plain text, not a workbook", "not a zip archive"),
    ],
)
def test_other_files_are_refused(data: bytes, reason: str) -> None:
    with pytest.raises(gkbg.DocumentError, match=reason):
        parse(data)


def test_sniff() -> None:
    parser = XlsxParser()
    data = workbook("2019", counted("2019"))
    assert parser.sniff(gkbg.Input(data, "a.xlsx")) == 0.95
    assert parser.sniff(gkbg.Input(b"PK\x03\x04garbage", "a.xlsx")) == 0.0
    assert parser.extra == "xlsx"
    found = gkbg.parse(data, registry=REGISTRY)
    assert found.format == "xlsx"
    assert isinstance(next(iter(found.cells().values())), (int, Decimal))


def test_blank_cells_between_stored_ones_are_filled_in_but_not_across_a_far_gap() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"], sheet["D1"] = "行政许可", 3  # B1 and C1 are the table's blank cells
    sheet["A2"], sheet["XFD2"] = "某项", 7  # 16,382 empty columns apart: two cells, no blanks
    buffer = io.BytesIO()
    book.save(buffer)
    cells = [
        (token.text, token.location.row_index, token.location.col_index)
        for token in layout(buffer.getvalue()).tokens
    ]
    assert cells == [
        ("行政许可", 0, 0),
        ("", 0, 1),
        ("", 0, 2),
        ("3", 0, 3),
        ("某项", 1, 0),
        ("7", 1, 16383),
    ]
