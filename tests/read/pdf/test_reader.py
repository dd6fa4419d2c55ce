"""PDF files: the real corpus, and files gkbg must refuse clearly.

The reader's shortcuts give what the plain computations they replace give, each written out
here as the definition: its characters, read through PDFium's functions directly, are those
that pypdfium2's ``get_charbox`` gives, turned upright as the reader turns it.
"""

from __future__ import annotations

import importlib
import io
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest

import gkbg
from gkbg.read.pdf import reader as pdf_reader
from gkbg.read.pdf.geometry import Box, Char
from gkbg.read.pdf.reader import _char_box, _chars, _Frame, _quarter, _unrotated_size
from tests.helpers import CORPUS, FIXTURES, drawn_table

HONGZE_2024 = next(doc for doc in CORPUS if doc.stem == "hongze-district-2024")


def test_the_corpus_is_detected_as_pdf() -> None:
    assert len(CORPUS) == 3
    for document in CORPUS:
        assert gkbg.parse(document).format == "pdf"


def test_a_year_without_golden_file_reads_every_cell() -> None:
    """洪泽区 2024: the same hybrid form as 2023, every cell printed, consistent."""
    report = gkbg.parse(HONGZE_2024)
    assert report.year == 2024
    assert report.agency == "淮安市洪泽区人民政府"
    assert report.variants == {"active": "2021", "applications": "2019", "appeals": "2021"}
    assert all(cell.state is gkbg.CellState.VALUE for cell in report.iter_cells())
    assert report.uncertain_cells() == ()
    assert report.cell("applications.total.total").value == 95
    assert gkbg.check(report).errors == ()


def test_cells_carry_page_and_box() -> None:
    report = gkbg.parse(HONGZE_2024)
    cell = report.cell("applications.total.total")
    assert cell.location is not None
    assert cell.location.page == 4
    assert cell.location.bbox is not None
    x0, top, x1, bottom = cell.location.bbox
    assert 0 < x0 < x1 < 595
    assert 0 < top < bottom < 842
    assert cell.location.start is not None
    assert cell.location.end is not None
    text = gkbg.parse_layout(HONGZE_2024).text
    assert text[cell.location.start : cell.location.end] == "95"


def test_table_cells_are_grid_tokens_in_row_major_order() -> None:
    """Like HTML and DOCX: one cell token per cell, with its table, row and column."""
    layout = gkbg.parse_layout(HONGZE_2024)
    cells = [token for token in layout.tokens if token.cell]
    assert cells
    for token in cells:
        where = token.location
        assert where.page is not None
        assert where.bbox is not None
        assert where.table_index is not None
        assert where.row_index is not None
        assert where.col_index is not None
    order = [(t.location.table_index, t.location.row_index, t.location.col_index) for t in cells]
    assert order == sorted(order)
    assert not any(token.uncertain for token in layout.tokens)


def test_a_vertical_label_over_a_page_break_is_one_cell() -> None:
    """三、本年度办理结果 is printed one character per line beside rows on pages 3 and 4."""
    layout = gkbg.parse_layout(HONGZE_2024)
    (label,) = [t for t in layout.tokens if t.cell and t.text == "三、本年度办理结果"]
    report = gkbg.parse(HONGZE_2024)
    first = report.cell("applications.granted.natural_person").location
    last = report.cell("applications.carried_forward.total").location
    assert first is not None
    assert last is not None
    assert (label.location.page, first.page, last.page) == (3, 3, 4)
    assert label.location.table_index == first.table_index == last.table_index
    assert label.location.row_index == first.row_index


def test_page_numbers_are_not_values() -> None:
    report = gkbg.parse(HONGZE_2024)
    assert "- 4 -" not in {cell.raw for cell in report.iter_cells()}
    assert report.uncertain_cells() == ()


def _with_a_turned_page_number() -> bytes:
    """洪泽区 2024 with the page number of page 4 printed turned by 90 degrees."""
    pdf = pdfium.PdfDocument(HONGZE_2024)
    try:
        page = pdf[3]
        texts = [obj for obj in page.get_objects(max_depth=0) if obj.type == 1]
        number = min(texts, key=lambda obj: obj.get_bounds()[1])  # lowest on the page
        left, bottom, _, _ = number.get_bounds()
        turn = pdfium.PdfMatrix().translate(-left, -bottom).rotate(90).translate(left, bottom)
        number.transform(turn)
        page.gen_content()
        buffer = io.BytesIO()
        pdf.save(buffer)
        return buffer.getvalue()
    finally:
        pdf.close()


def test_turned_text_makes_the_whole_document_read_in_text_order() -> None:
    """The geometry of a page with turned text is not trusted: every page is read as words."""
    data = _with_a_turned_page_number()
    layout = gkbg.parse_layout(data)
    assert not any(token.cell for token in layout.tokens)
    report = gkbg.parse(data)
    geometric = gkbg.parse(HONGZE_2024).cells()
    uncertain = {cell.key for cell in report.uncertain_cells()}
    assert {k: v for k, v in report.cells().items() if k not in uncertain} == {
        k: v for k, v in geometric.items() if k not in uncertain
    }
    assert len(uncertain) < 40


def test_the_text_order_reading_reads_the_corpus(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_reader, "_quarter", lambda _angle: None)
    report = gkbg.parse(HONGZE_2024)
    assert not any(token.cell for token in gkbg.parse_layout(HONGZE_2024).tokens)
    assert report.uncertain_cells() == ()
    monkeypatch.undo()
    assert report.cells() == gkbg.parse(HONGZE_2024).cells()


@pytest.mark.parametrize("bars", [False, True], ids=["cell-rectangles", "filled-bars"])
def test_a_table_written_column_by_column_is_read_row_by_row(bars: bool) -> None:
    cells = [["Item", "Issued", "Repealed"], ["Rules", "1", "2"], ["Docs", "3", "40"]]
    data = drawn_table(cells, bars=bars)
    pdf = pdfium.PdfDocument(data)
    stream_order = pdf[0].get_textpage().get_text_range().split()
    pdf.close()
    assert stream_order == ["Item", "Rules", "Docs", "Issued", "1", "3", "Repealed", "2", "40"]
    tokens = [t for t in gkbg.parse_layout(data).tokens if t.cell]
    assert [t.text for t in tokens] == [text for row in cells for text in row]
    assert [(t.location.row_index, t.location.col_index) for t in tokens] == [
        (r, c) for r in range(3) for c in range(3)
    ]
    assert tokens[4].location.bbox == (120.0, 120.0, 180.0, 140.0)


def _blank_pdf() -> bytes:
    document = pdfium.PdfDocument.new()
    document.new_page(595, 842)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_a_pdf_without_text_layer_is_refused(tmp_path: Path) -> None:
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(_blank_pdf())
    with pytest.raises(gkbg.DocumentError, match="scanned PDF, no text layer") as info:
        gkbg.parse(scan)
    assert info.value.source == str(scan)


def test_a_damaged_pdf_is_refused(tmp_path: Path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 50)
    with pytest.raises(gkbg.DocumentError, match=r"broken\.pdf: damaged or not a PDF"):
        gkbg.parse(broken)


def test_without_the_extra_the_error_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.import_module

    def without_pdfium(name: str, package: str | None = None) -> object:
        if name == "pypdfium2":
            raise ImportError(name)
        return real(name, package)

    monkeypatch.setattr(importlib, "import_module", without_pdfium)
    with pytest.raises(gkbg.MissingExtraError, match=r"pip install 'gkbg\[pdf\]'") as info:
        gkbg.parse(CORPUS[0])
    assert isinstance(info.value, ImportError)


# --------------------------------------------------------------------------------------------
# The characters, read through PDFium's functions directly, are those of get_charbox.


def _plain_chars(textpage: Any, width: float, height: float) -> tuple[list[Char], _Frame] | None:
    raw = pdfium.raw
    found: list[tuple[str, Box]] = []
    quarters: set[int] = set()
    for index in range(textpage.count_chars()):
        if raw.FPDFText_IsGenerated(textpage.raw, index):
            continue
        code = raw.FPDFText_GetUnicode(textpage.raw, index)
        if code in {0, 0xFFFE, 0xFFFF} or 0xD800 <= code <= 0xDFFF:
            continue
        text = chr(code)
        if text in {"\r", "\n"}:
            continue
        try:
            box = _char_box(textpage.get_charbox(index), textpage.get_charbox(index, loose=True))
        except pdfium.PdfiumError:
            box = None
        if text.strip():
            quarter = _quarter(raw.FPDFText_GetCharAngle(textpage.raw, index))
            if box is None or quarter is None:
                return None
            quarters.add(quarter)
            if len(quarters) > 1:
                return None
        if box is not None:
            found.append((text, box))
    frame = _Frame(quarters.pop() if quarters else 0, width, height)
    return [Char(text, *frame.box(box)) for text, box in found], frame


# Every PDF of the fixtures that opens without a password.
_PDFS = sorted({*CORPUS, *FIXTURES.rglob("*.pdf")} - {FIXTURES / "hostile" / "encrypted.pdf"})


@pytest.mark.parametrize("path", _PDFS, ids=lambda path: Path(path).name)
def test_the_characters_are_those_of_get_charbox(path: Path) -> None:
    pdf = pdfium.PdfDocument(str(path))
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            width, height = _unrotated_size(page)
            assert _chars(textpage, width, height) == _plain_chars(textpage, width, height)
            textpage.close()
            page.close()
    finally:
        pdf.close()
