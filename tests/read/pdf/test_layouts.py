"""PDF tables in the layouts real reports use, made by LibreOffice from HTML we wrote.

Each report has a different number in every cell, so a value read from a neighbouring cell
shows. Layouts: labels wrapped over two or three lines in narrow columns, header cells printed
one character per line, tables running over page breaks with page numbers in the footer,
borderless tables; each through LibreOffice's Writer/Web and Writer HTML import (which lay
pages out differently). A copy with the text of every page rewritten column by column shows
that the reading does not depend on the order of the producer's content stream.

These tests need LibreOffice (``soffice``) and a CJK font (CI installs both).
"""

from __future__ import annotations

import io
import re
import zipfile
from html import escape
from typing import TYPE_CHECKING

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gkbg
from gkbg import testing
from gkbg.core.limits import Limits
from gkbg.core.office import convert, find_soffice
from tests.helpers import TABLE_WRITERS, assert_read_back, needs_soffice, soffice

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

pytestmark = needs_soffice
VARIANTS = ("2019", "2021")
LAYOUTS = (
    "narrow",
    "vertical",
    "pagebreak",
    "borderless",
    "pagebreak_repeated",
    "pagebreak_header",
)
# Borderless tables with headers one character per line even for row labels, which gkbg reads
# as lines of words: some cells can only be flagged uncertain, but none may be read wrong.
HARD = ("borderless_vertical", "borderless_narrow")
# Tables without lines in three widths, every ninth cell left blank: only where the columns
# stand tells a blank cell from none.
BLANKS = ("borderless", "borderless_narrow", "borderless_compact")
# With labels one character per line too (their digits stand apart, like values): flagged,
# never wrong.
HARD_BLANKS = ("borderless_vertical",)
IMPORTS = {"web": (), "writer": ("--infilter=HTML (StarWriter)",)}
FILLER = "本年度工作稳步推进，政务公开水平持续提升。"
HEADER = '<div title="header"><p>某某区政务公开工作年度报告（第一稿）</p></div>'
FOOTER = (
    '<div title="footer"><p align="center">- '
    "<sdfield type=PAGE subtype=RANDOM format=PAGE>1</sdfield> -</p></div>"
)


def distinct_cells(variant: str) -> dict[str, int]:
    return {spec.key: index + 1 for index, spec in enumerate(gkbg.form(variant).cells())}


def with_blanks(variant: str) -> dict[str, int | str]:
    """Every ninth cell of `distinct_cells` printed blank."""
    return {
        key: "" if index % 9 == 4 else value
        for index, (key, value) in enumerate(distinct_cells(variant).items())
    }


def report_page(variant: str, cells: Mapping[str, int | str], layout: str) -> str:
    """A report as HTML in one of the layouts (or several, joined by ``_``)."""
    features = set(layout.split("_"))
    printed = {key: str(value) for key, value in cells.items()}
    values = set(printed.values())
    form = gkbg.form(variant)
    body = [
        "<p>某某区人民政府2022年政府信息公开工作年度报告</p>",
        "<p>一、总体情况</p>",
        "<p>本报告中所列数据的统计期限自2022年1月1日起至2022年12月31日止。</p>",
    ]
    if "pagebreak" in features:
        body += [f"<p>{FILLER}</p>"] * 38  # pushes table 三 over a page break
    for key in gkbg.TABLES:
        table = form.table(key)
        body.append(f"<p>{escape(table.heading)}</p>")
        rows = []
        for row in TABLE_WRITERS[key](table, printed):
            cells_html = []
            for text, rowspan, colspan in row:
                spans = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (
                    f' colspan="{colspan}"' if colspan > 1 else ""
                )
                label = text not in values
                if "narrow" in features and label and len(text) > 6:
                    spans += ' width="60"'
                content = escape(text)
                if "vertical" in features and label and key != "active" and 2 <= len(text) <= 8:
                    content = "<br>".join(escape(ch) for ch in text)
                cells_html.append(f"<td{spans}>{content}</td>")
            rows.append("<tr>" + "".join(cells_html) + "</tr>")
        border = "0" if "borderless" in features else "1"
        width = ' width="420"' if "narrow" in features else ""
        if "compact" in features:
            width = ' width="360"'
        body.append(f'<table border="{border}" cellspacing="0"{width}>')
        if "repeated" in features and key == "applications":
            # Heading rows LibreOffice repeats at the top of every page the table runs over.
            body += ["<thead>", *rows[:3], "</thead><tbody>", *rows[3:], "</tbody>"]
        else:
            body += rows
        body.append("</table>")
    body += ["<p>五、存在的主要问题及改进情况</p><p>无。</p>"]
    body += ["<p>六、其他需要报告的事项</p><p>无。</p>"]
    if "header" in features:
        body.append(HEADER)
    if "pagebreak" in features:
        body.append(FOOTER)
    return '<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head>\n<body>\n' + (
        "\n".join(body) + "\n</body></html>\n"
    )


def column_by_column(source: Path, target: Path) -> None:
    """Rewrite every page's content stream with its text in columns, left to right."""
    pdf = pdfium.PdfDocument(source)
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            texts = [
                obj
                for obj in page.get_objects(max_depth=0)
                if obj.type == pdfium_raw.FPDF_PAGEOBJ_TEXT
            ]
            boxes = {id(obj): obj.get_bounds() for obj in texts}
            for obj in texts:
                page.remove_obj(obj)
            # Left to right, each column from the top down (PDF's y grows upwards).
            for obj in sorted(texts, key=lambda o: (round(boxes[id(o)][0] / 4), -boxes[id(o)][3])):
                page.insert_obj(obj)
            page.gen_content()
        pdf.save(target)
    finally:
        pdf.close()


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every report as a PDF, named ``<import>-<variant>-<layout>``."""
    made: dict[str, Path] = {}
    for name, options in IMPORTS.items():
        folder = tmp_path_factory.mktemp(name)
        pages = []
        for variant in VARIANTS:
            for layout in (*LAYOUTS, *HARD):
                page = folder / f"{name}-{variant}-{layout}.html"
                page.write_text(
                    report_page(variant, distinct_cells(variant), layout), encoding="utf-8"
                )
                pages.append(page)
            for layout in (*BLANKS, *HARD_BLANKS):
                page = folder / f"{name}-{variant}-{layout}-blanks.html"
                page.write_text(
                    report_page(variant, with_blanks(variant), layout), encoding="utf-8"
                )
                pages.append(page)
        soffice(folder, "pdf", pages, options)
        for page in pages:
            made[page.stem] = page.with_suffix(".pdf")
        for variant in VARIANTS:
            for layout in ("narrow", "pagebreak"):
                source = made[f"{name}-{variant}-{layout}"]
                target = folder / f"{name}-{variant}-{layout}-columns.pdf"
                column_by_column(source, target)
                made[target.stem] = target
    return made


CASES = [
    f"{name}-{variant}-{layout}"
    for name in IMPORTS
    for variant in VARIANTS
    for layout in (*LAYOUTS, "narrow-columns", "pagebreak-columns")
]


@pytest.mark.parametrize("case", CASES)
def test_every_cell_is_read_exactly(made: dict[str, Path], case: str) -> None:
    variant = case.split("-")[1]
    report = gkbg.parse(made[case])
    assert report.format == "pdf"
    assert report.variants == dict.fromkeys(gkbg.TABLES, variant)
    assert report.year == 2022
    assert report.cells() == distinct_cells(variant)
    assert report.uncertain_cells() == ()


@pytest.mark.parametrize(
    "case",
    [f"{name}-{variant}-{layout}" for name in IMPORTS for variant in VARIANTS for layout in HARD],
)
def test_cells_that_cannot_be_placed_are_flagged_never_wrong(
    made: dict[str, Path], case: str
) -> None:
    variant = case.split("-")[1]
    report = gkbg.parse(made[case])
    assert report.variants == dict.fromkeys(gkbg.TABLES, variant)
    uncertain = {cell.key for cell in report.uncertain_cells()}
    got = report.cells()
    wrong = {
        key: (got.get(key), value)
        for key, value in distinct_cells(variant).items()
        if key not in uncertain and got.get(key) != value
    }
    assert wrong == {}
    assert len(uncertain) < len(got) / 3  # most cells are still read


@pytest.mark.parametrize(
    "case",
    [f"{name}-{variant}-{layout}" for name in IMPORTS for variant in VARIANTS for layout in BLANKS],
)
def test_blank_cells_of_tables_without_lines_keep_their_places(
    made: dict[str, Path], case: str
) -> None:
    variant = case.split("-")[1]
    report = gkbg.parse(made[f"{case}-blanks"])
    assert report.variants == dict.fromkeys(gkbg.TABLES, variant)
    uncertain = {cell.key for cell in report.uncertain_cells()}
    expected = with_blanks(variant)
    got = report.cells()
    wrong = {
        key: (got.get(key), value)
        for key, value in expected.items()
        if key not in uncertain and got.get(key) != (value if value != "" else None)
    }
    assert wrong == {}
    blank = [key for key, value in expected.items() if value == "" and key not in uncertain]
    assert blank
    assert all(report.cell(key).state is gkbg.CellState.BLANK for key in blank)
    # Tables 二 and 三 are read but for a few rows whose labels wrap round their values.
    # (Table 四's one row of values, with a blank, needs its columns from the header.)
    rows = {key.rsplit(".", 1)[0] for key in uncertain if not key.startswith("appeals.")}
    assert not any(key.startswith("active.") for key in uncertain)
    assert len(rows) <= 3


@pytest.mark.parametrize(
    "case",
    [
        f"{name}-{variant}-{layout}"
        for name in IMPORTS
        for variant in VARIANTS
        for layout in HARD_BLANKS
    ],
)
def test_blank_cells_beside_labels_one_character_per_line_are_never_wrong(
    made: dict[str, Path], case: str
) -> None:
    variant = case.split("-")[1]
    report = gkbg.parse(made[f"{case}-blanks"])
    uncertain = {cell.key for cell in report.uncertain_cells()}
    got = report.cells()
    wrong = {
        key: (got.get(key), value)
        for key, value in with_blanks(variant).items()
        if key not in uncertain and got.get(key) != (value if value != "" else None)
    }
    assert wrong == {}
    assert len(uncertain) < len(got) / 4


def turned(source: Path, target: Path, *, rotate: int, content: bool) -> None:
    """Set every page's /Rotate; with ``content``, draw the page turned the other way first.

    With ``content`` the page is a landscape page drawn turned: its text stands on its side in
    the page's own coordinates, and /Rotate turns it upright on screen, as some producers
    write landscape pages.
    """
    pdf = pdfium.PdfDocument(source)
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            width, height = page.get_width(), page.get_height()
            if content:
                if rotate == 90:  # drawn a quarter turn anticlockwise onto a landscape page
                    turn = pdfium.PdfMatrix(0, 1, -1, 0, height, 0)
                else:  # a quarter turn clockwise
                    turn = pdfium.PdfMatrix(0, -1, 1, 0, 0, width)
                for obj in list(page.get_objects(max_depth=0)):
                    obj.transform(turn)
                page.gen_content()
                page.set_mediabox(0, 0, height, width)
            page.set_rotation(rotate)
        pdf.save(target)
    finally:
        pdf.close()


@pytest.mark.parametrize(
    ("rotate", "content"), [(90, False), (180, False), (270, False), (90, True), (270, True)]
)
@pytest.mark.parametrize("case", ["web-2021-pagebreak", "writer-2019-borderless"])
def test_pages_turned_by_rotate_are_read_in_place(
    made: dict[str, Path], tmp_path: Path, case: str, rotate: int, *, content: bool
) -> None:
    target = tmp_path / f"{case}-{rotate}-{content}.pdf"
    turned(made[case], target, rotate=rotate, content=content)
    report = gkbg.parse(target)
    assert report.cells() == distinct_cells(case.split("-")[1])
    assert report.uncertain_cells() == ()
    tokens = gkbg.parse_layout(target).tokens
    assert any(token.cell for token in tokens)  # read from the geometry, not in text order
    # Boxes in the upright page, as before it was turned.
    before = {t.text: t.location.bbox for t in gkbg.parse_layout(made[case]).tokens}
    after = {t.text: t.location.bbox for t in tokens}
    label = "二、上年结转政府信息公开申请数量"
    assert before[label] is not None
    assert after[label] is not None
    assert after[label] == pytest.approx(before[label], abs=0.05)


def _text_layer(path: Path) -> str:
    """The text of every page in PDFium's own order, as the previous parser read it."""
    pdf = pdfium.PdfDocument(path)
    try:
        return "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()


def _cell_texts(path: Path) -> set[str]:
    return {token.text for token in gkbg.parse_layout(path).tokens if token.cell}


def test_wrapped_labels_are_one_cell(made: dict[str, Path]) -> None:
    path = made["writer-2021-narrow"]
    note = gkbg.form("2021").table("applications").note
    label = "5.属于三类内部事务信息"
    assert note is not None
    assert note.replace(" ", "") in {text.replace(" ", "") for text in _cell_texts(path)}
    assert label in _cell_texts(path)
    layer = _text_layer(path)
    assert "5.属于三类\r\n内部事务信\r\n" in layer  # over three lines, values in between


def test_header_cells_one_character_per_line_are_one_cell(made: dict[str, Path]) -> None:
    path = made["web-2021-vertical"]
    assert {"自然人", "行政复议", "结果维持"} <= _cell_texts(path)
    assert "自\r\n然\r\n人" in _text_layer(path)


@pytest.mark.parametrize("layout", ["pagebreak", "pagebreak_header"])
@pytest.mark.parametrize("name", list(IMPORTS))
def test_a_table_over_a_page_break_is_one_table(
    made: dict[str, Path], name: str, layout: str
) -> None:
    path = made[f"{name}-2021-{layout}"]
    report = gkbg.parse(path)
    first = report.cell("applications.received.natural_person").location
    last = report.cell("applications.carried_forward.total").location
    assert first is not None
    assert last is not None
    assert first.page is not None
    assert last.page is not None
    assert last.page > first.page
    assert first.table_index == last.table_index
    assert first.row_index is not None
    assert last.row_index is not None
    assert last.row_index > first.row_index
    page_number = re.compile(r"- \d -")
    assert page_number.search(_text_layer(path))
    text = gkbg.parse_layout(path).text
    assert not page_number.search(text)
    if layout == "pagebreak_header":  # on every page, so dropped from the text
        assert _text_layer(path).count("第一稿") > 1
        assert "第一稿" not in text


def test_heading_rows_repeated_on_the_next_page_are_read_once(made: dict[str, Path]) -> None:
    for name in IMPORTS:
        path = made[f"{name}-2021-pagebreak_repeated"]
        assert _text_layer(path).count("申请人情况") == 2
        assert [t.text for t in gkbg.parse_layout(path).tokens].count("申请人情况") == 1


def test_the_rewritten_copy_has_its_text_in_columns(made: dict[str, Path]) -> None:
    original = _text_layer(made["web-2021-pagebreak"]).replace("\r\n", " ")
    rewritten = _text_layer(made["web-2021-pagebreak-columns"]).replace("\r\n", " ")
    row = "一、本年新收政府信息公开申请数量 11 12 13"
    assert row in original
    assert row not in rewritten


# --------------------------------------------------------------------------------------------
# Table 三 in two parts on two pages, each on a column grid of its own (`gkbg.render`'s
# ``split``): the second part one label column narrower, its boundaries elsewhere.


def _read_split(report: gkbg.Report) -> gkbg.Report:
    read_back = gkbg.parse(gkbg.render.pdf(report, split="applications"), format="pdf")
    assert_read_back(report, read_back)
    return read_back


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_table_split_over_two_pages_on_two_grids_reads_exactly(variant: str) -> None:
    report = testing.report_of(variant, distinct_cells(variant), 2022, "某某区人民政府")
    read_back = _read_split(report)
    assert read_back.cells() == report.cells()
    assert read_back.uncertain_cells() == ()
    first = read_back.cell("applications.received.total").location
    last = read_back.cell("applications.carried_forward.total").location
    assert first is not None
    assert last is not None
    assert first.page is not None
    assert last.page is not None
    assert last.page > first.page
    assert first.table_index is not None
    assert last.table_index == first.table_index + 1  # other boundaries: another table
    assert last.col_index != first.col_index


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    report=st.one_of(
        testing.reports(),
        testing.invalid_reports().map(lambda invalid: invalid.report),
    )
)
def test_generated_reports_split_over_two_grids_keep_their_errors_and_no_other(
    report: gkbg.Report,
) -> None:
    _read_split(report)


# --------------------------------------------------------------------------------------------
# A title in a large font, wrapped over two lines by LibreOffice wherever its width falls:
# inside the agency's name, after it, or inside the words after the year.

_LONG = "内蒙古自治区呼和浩特市赛罕区科学技术和工业和信息化局"
_SHORT = "淮安市洪泽区人民政府"


def _large_title(word: bytes, half_points: int) -> bytes:
    """A `gkbg.render.docx` file with its title (its first bold run) in a larger font."""
    source = zipfile.ZipFile(io.BytesIO(word))
    written = io.BytesIO()
    with zipfile.ZipFile(written, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "word/document.xml":
                size = f'<w:b/><w:sz w:val="{half_points}"/></w:rPr>'.encode()
                data = data.replace(b"<w:b/></w:rPr>", size, 1)
            target.writestr(name, data)
    return written.getvalue()


@pytest.mark.parametrize(
    ("agency", "half_points"),
    [
        *((_LONG, size) for size in (40, 48, 56, 64, 72, 80, 96)),
        *((_SHORT, size) for size in (64, 80, 96)),
    ],
)
def test_a_title_wrapped_over_two_or_three_lines_keeps_its_agency(
    agency: str, half_points: int
) -> None:
    report = testing.report_of("2021", distinct_cells("2021"), 2023, agency)
    soffice = find_soffice()
    assert soffice is not None
    word = _large_title(gkbg.render.docx(report), half_points)
    data = convert(soffice, word, "docx", "pdf", "<large title>", Limits())
    title = f"{agency}2023年政府信息公开工作年度报告"
    lines = gkbg.parse_layout(data).text.splitlines()
    wrapped = ["".join(lines[:count]).replace(" ", "") == title and count for count in (2, 3)]
    assert any(wrapped)  # over two lines or three, never one
    read_back = gkbg.parse(data)
    assert read_back.agency == agency
    assert read_back.year == 2023
