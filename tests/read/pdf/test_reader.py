"""PDF files: the real corpus, and files gkbg must refuse clearly.

The reader's shortcuts give what the plain computations they replace give, each written out
here as the definition: its characters, read through PDFium's functions directly, are those
that pypdfium2's ``get_charbox`` gives, turned upright as the reader turns it; the ruling lines
it reads calling PDFium without ctypes' argument checks are those read through pypdfium2's
declared functions; the codes read with a page's text in one call are those read character
by character (on every fixture and on pages written with what PDFium's text leaves out or
writes differently). A token's location is built from every field of `Location`; each page is
loaded once, its characters counted against the limit before any of them is read; the
characters outside a page's tables are those no table holds.
"""

from __future__ import annotations

import ctypes
import importlib
import io
from pathlib import Path
from typing import Any

import attrs
import pypdfium2 as pdfium
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gkbg
from gkbg.core.model import Location
from gkbg.read.pdf import reader as pdf_reader
from gkbg.read.pdf.geometry import (
    Box,
    Char,
    Grid,
    Rule,
)
from gkbg.read.pdf.reader import _char_box, _chars, _Frame, _quarter, _unrotated_size
from tests.helpers import (
    CORPUS,
    FIXTURES,
    drawn_table,
    pdf_chars,
    pdf_documents,
    pdf_pages,
    pdf_tables,
)
from tests.hostile import hostile

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


def test_without_pypdfium2_the_error_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.import_module

    def without_pdfium(name: str, package: str | None = None) -> object:
        if name == "pypdfium2":
            raise ImportError(name)
        return real(name, package)

    monkeypatch.setattr(importlib, "import_module", without_pdfium)
    with pytest.raises(gkbg.MissingExtraError, match=r"needs pypdfium2, .*: pip install") as info:
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


# The codes read with the page's text in one call (`_page_codes`) against one call per
# character: on every fixture, and on pages written with what PDFium leaves out of its text or
# writes there differently (control characters, ligatures, characters beyond the Basic
# Multilingual Plane, a hyphen that ends a line, spaces and line breaks it generates).


@pytest.mark.parametrize("path", _PDFS, ids=lambda path: Path(path).name)
def test_the_characters_read_in_bulk_are_those_read_one_by_one(path: Path) -> None:
    for page, textpage in pdf_pages(path.read_bytes()):
        width, height = _unrotated_size(page)
        bulk = _chars(textpage, width, height)
        assert bulk == _chars(textpage, width, height, bulk=False)
        assert bulk == _plain_chars(textpage, width, height)


def test_the_corpus_is_read_in_bulk() -> None:
    """The shortcut is taken on real reports, not only checked."""
    for path in CORPUS:
        if path.suffix != ".pdf":
            continue
        for _, textpage in pdf_pages(path.read_bytes()):
            count = textpage.count_chars()
            codes = pdf_reader._page_codes(pdf_reader._handle(textpage.raw), count)
            assert codes is not None
            assert len(codes) == count


_TRICKY = st.sampled_from(
    [
        "a",
        "1",
        "-",
        " ",
        "  ",
        "\u00ad",
        "\ufb01",
        "\ufb03",
        "\x02",
        "\x93",
        "\x97",
        "\ufffe",
        "\U00020000",
        "\U0001f600",
        "\u0000",
        "\u200b",
        "\u00e9",
        "x",
    ]
)


def _written(lines: list[tuple[str, float, float]]) -> bytes:
    """A page whose text objects hold ``lines`` (text, x, y) in Helvetica."""
    document = pdfium.PdfDocument.new()
    page = document.new_page(400, 400)
    buffers = []
    for text, x, y in lines:
        item = pdfium.raw.FPDFPageObj_NewTextObj(document.raw, b"Helvetica", 10.0)
        encoded = ctypes.create_string_buffer((text + "\0").encode("utf-16-le", "surrogatepass"))
        buffers.append(encoded)
        pdfium.raw.FPDFText_SetText(item, ctypes.cast(encoded, ctypes.POINTER(ctypes.c_ushort)))
        pdfium.raw.FPDFPageObj_Transform(item, 1, 0, 0, 1, x, y)
        pdfium.raw.FPDFPage_InsertObject(page.raw, item)
    pdfium.raw.FPDFPage_GenerateContent(page.raw)
    buffer = io.BytesIO()
    document.save(buffer)
    document.close()
    return buffer.getvalue()


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.lists(_TRICKY, min_size=1, max_size=8).map("".join),
            st.sampled_from([20.0, 40.0, 47.5, 90.0]),
            st.sampled_from([300.0, 300.5, 288.0, 200.0]),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_the_characters_read_in_bulk_are_those_read_one_by_one_on_written_pages(
    lines: list[tuple[str, float, float]],
) -> None:
    for page, textpage in pdf_pages(_written(lines)):
        width, height = _unrotated_size(page)
        assert _chars(textpage, width, height) == _chars(textpage, width, height, bulk=False)


# --------------------------------------------------------------------------------------------
# The ruling lines, the tokens' locations and the limit on characters.


_TEXT_CALLS = (
    "IsGenerated",
    "GetUnicode",
    "GetCharAngle",
    "GetCharBox",
    "GetLooseCharBox",
    "GetText",
)

DOCUMENTS = pdf_documents()


# --------------------------------------------------------------------------------------------
# Ruling lines: the plain reading, through pypdfium2's declared functions.


def _plain_rules(page: Any, frame: pdf_reader._Frame) -> list[Rule]:
    raw = pdfium.raw
    rules: list[Rule] = []
    objects = [
        raw.FPDFPage_GetObject(page.raw, i) for i in range(raw.FPDFPage_CountObjects(page.raw))
    ]
    _plain_walk(objects, (1.0, 0.0, 0.0, 1.0, 0.0, 0.0), frame, rules, 0)
    return rules


def _plain_matrix(handle: Any) -> pdf_reader.Matrix:
    matrix = pdfium.raw.FS_MATRIX()
    if not pdfium.raw.FPDFPageObj_GetMatrix(handle, ctypes.byref(matrix)):
        return (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    return (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f)


def _plain_walk(
    objects: list[Any],
    outer: pdf_reader.Matrix,
    frame: pdf_reader._Frame,
    rules: list[Rule],
    depth: int,
) -> None:
    raw = pdfium.raw
    for handle in objects:
        kind = raw.FPDFPageObj_GetType(handle)
        if kind == raw.FPDF_PAGEOBJ_FORM and depth < pdf_reader._MAX_DEPTH:
            matrix = pdf_reader._multiply(_plain_matrix(handle), outer)
            count = raw.FPDFFormObj_CountObjects(handle)
            inner = [raw.FPDFFormObj_GetObject(handle, i) for i in range(count)]
            _plain_walk(inner, matrix, frame, rules, depth + 1)
        elif kind == raw.FPDF_PAGEOBJ_PATH:
            _plain_path(handle, pdf_reader._multiply(_plain_matrix(handle), outer), frame, rules)


def _plain_path(
    handle: Any, matrix: pdf_reader.Matrix, frame: pdf_reader._Frame, rules: list[Rule]
) -> None:
    raw = pdfium.raw
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    if not raw.FPDFPath_GetDrawMode(handle, ctypes.byref(fill), ctypes.byref(stroke)):
        return
    points = []
    x, y = ctypes.c_float(), ctypes.c_float()
    a, b, c, d, e, f = matrix
    for index in range(raw.FPDFPath_CountSegments(handle)):
        segment = raw.FPDFPath_GetPathSegment(handle, index)
        if not raw.FPDFPathSegment_GetPoint(segment, ctypes.byref(x), ctypes.byref(y)):
            return
        px, py = frame.point(a * x.value + c * y.value + e, b * x.value + d * y.value + f)
        kind = raw.FPDFPathSegment_GetType(segment)
        points.append((px, py, kind, bool(raw.FPDFPathSegment_GetClose(segment))))
    if not points:
        return
    if stroke.value:
        start = previous = None
        for px, py, kind, close in points:
            if kind == raw.FPDF_SEGMENT_MOVETO or previous is None:
                start = previous = (px, py)
                continue
            if kind == raw.FPDF_SEGMENT_LINETO:
                pdf_reader._segment_rule(previous, (px, py), rules)
            previous = (px, py)
            if close and start is not None:
                pdf_reader._segment_rule(previous, start, rules)
                previous = start
    elif fill.value:
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        width, tall = max(xs) - min(xs), max(ys) - min(ys)
        if tall <= pdf_reader._BAR < width:
            rules.append(Rule.across((min(ys) + max(ys)) / 2, min(xs), max(xs)))
        elif width <= pdf_reader._BAR < tall:
            rules.append(Rule.down((min(xs) + max(xs)) / 2, min(ys), max(ys)))


@pytest.mark.parametrize(("name", "data"), DOCUMENTS, ids=[name for name, _ in DOCUMENTS])
@pytest.mark.parametrize("quarter", [0, 1, 2, 3])
def test_the_ruling_lines_are_those_of_the_declared_functions(
    name: str, data: bytes, quarter: int
) -> None:
    for page, _ in pdf_pages(data):
        width, height = pdf_reader._unrotated_size(page)
        frame = pdf_reader._Frame(quarter, width, height)
        assert pdf_reader._rules(page, frame) == _plain_rules(page, frame), name


def test_every_function_called_without_checks_is_undeclared() -> None:
    """None fell back to its declared twin (which the reader's arguments do not fit)."""
    values = attrs.asdict(pdf_reader._path_calls(), recurse=False).values()
    functions = [value for value in values if callable(value) and not isinstance(value, type)]
    functions += [pdf_reader._unchecked(f"FPDFText_{name}") for name in _TEXT_CALLS]
    assert len(functions) == 18
    assert all(function.argtypes is None for function in functions)


# --------------------------------------------------------------------------------------------
# Tokens' locations, and the limit on characters counted page by page.


def test_a_token_location_is_built_from_every_field_of_location() -> None:
    """`_Writer.layout` builds each token's Location field by field, in this order."""
    fields = [field.name for field in attrs.fields(Location)]
    assert fields == [
        "start",
        "end",
        "line",
        "column",
        "page",
        "bbox",
        "table_index",
        "row_index",
        "col_index",
    ]
    layout = gkbg.parse_layout(CORPUS[0])
    cells = [token for token in layout.tokens if token.cell]
    assert cells
    for token in layout.tokens[:200]:
        location = token.location
        assert location.start is not None
        assert location.end is not None
        assert layout.text[location.start : location.end] == token.text


def test_a_page_over_the_limit_is_refused_before_its_characters_are_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    read: list[int] = []
    chars = pdf_reader._chars

    def counted(textpage: Any, width: float, height: float) -> Any:
        read.append(textpage.count_chars())
        return chars(textpage, width, height)

    monkeypatch.setattr(pdf_reader, "_chars", counted)
    with pytest.raises(gkbg.LimitExceededError) as caught:
        gkbg.parse(hostile.text_bomb_pdf(100))
    assert caught.value.limit == "max_text_chars"
    assert read == []


@pytest.mark.parametrize("text_order", [False, True], ids=["geometry", "text-order"])
def test_the_characters_are_counted_over_the_pages_read(
    monkeypatch: pytest.MonkeyPatch, text_order: bool
) -> None:
    """A limit under the document's characters stops it at the page that passes it."""
    if text_order:
        monkeypatch.setattr(pdf_reader, "_quarter", lambda _angle: None)
    pdf = pdfium.PdfDocument(CORPUS[0])
    counts = []
    for index in range(len(pdf)):
        textpage = pdf[index].get_textpage()
        counts.append(textpage.count_chars())
        textpage.close()
    pdf.close()
    limit = counts[0] + counts[1] - 1
    with pytest.raises(gkbg.LimitExceededError) as caught:
        gkbg.parse(CORPUS[0], limits=gkbg.Limits(max_text_chars=limit))
    assert caught.value.limit == "max_text_chars"
    assert f"{counts[0] + counts[1]:,} characters" in str(caught.value)


# --------------------------------------------------------------------------------------------
# The characters outside the tables of a page.


@settings(max_examples=300, deadline=None)
@given(pdf_chars(), st.lists(pdf_tables(), max_size=3))
def test_the_characters_outside_the_tables_are_those_no_table_holds(
    chars: list[Char],
    tables: list[tuple[list[float], list[float], list[Rule], list[Rule], list[Char]]],
) -> None:
    grids = [Grid(tuple(xs), tuple(ys), ()) for xs, ys, *_ in tables]
    assert pdf_reader._outside(chars, grids) == [
        char for char in chars if not any(grid.holds(char) for grid in grids)
    ]
