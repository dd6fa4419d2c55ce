# SPDX-License-Identifier: MIT
"""Text and markdown made from the real documents by the converters people use (issue 14).

Each file under ``tests/fixtures/converters`` is the output of a PDF/Word/HTML to markdown or
text converter, run on a real report of the project's fixtures, unedited:

* ``*.markitdown.md``: Microsoft's markitdown 0.1.9 (``markitdown FILE``), which turns a PDF's
  tables into pipe tables whose cells often print two numbers (``95 0``), whose row labels
  stand on rows of their own, and whose headers are broken into words;
* ``*.pymupdf4llm.md``: pymupdf4llm 0.2.9 on PyMuPDF 1.28 (``pymupdf4llm.to_markdown(FILE)``),
  which repeats merged cells' text in every position they cover and names header-less
  columns ``Col2``, ``Col3``;
* ``*.pdfminer.txt``: pdfminer.six 20260107's text (``pdf2txt.py FILE``, what many PDF loaders
  use), which lists a block's row labels and then its values column by column, with the page
  footers (``- 3 -``) between;
* ``*.pymupdf.txt``: PyMuPDF 1.28's text (``page.get_text()`` of every page), a cell a line.

And the text crawlers, browsers and converters save of the project's web pages, Word files,
spreadsheet and PDFs (each tool run in a virtual environment of its own, never a dependency):

* web pages (``county_2020_gbk.html`` decoded from its meta charset, ``cms-*.html``):
  ``*.trafilatura[-tables][-md].txt|md``: trafilatura 2.3.1 ``extract(page,
  include_tables=..., output_format="txt"|"markdown")`` (without tables it keeps the page's
  prose: the tables are missing, their headings kept); ``*.html2text.md``: html2text
  2025.4.15 ``html2text(page)``; ``*.inscriptis.txt``: inscriptis 2.7.6 ``get_text(page)``;
  ``*.bs4[-newline|-space].txt``: BeautifulSoup 4.15 (lxml 6.1) ``get_text()`` with no
  separator (cells run together), ``"\n"`` and ``" "``; ``*.lxml.txt``: ``lxml.html``
  ``text_content()`` (scripts' and styles' text kept); ``*.lynx.txt``: Lynx 2.9.0dev.12
  ``lynx -dump -nolist -display_charset=utf-8 -width=200``; ``*.w3m.txt``: w3m 0.5.3+git20230121
  ``w3m -dump -O UTF-8 -cols 200`` (tables drawn with box characters); ``*.pandoc-gfm.md`` and
  ``*.pandoc-plain.txt``: pandoc 3.9 (pypandoc_binary 1.17) ``-f html -t gfm|plain
  --wrap=none`` (gfm keeps complex tables as HTML; plain draws grid tables ``+---+``);
  ``*.markitdown.md``: markitdown 0.1.9 on the page;
* Word files (``form-2021-template.docx``, ``filled-2021.docx``): pandoc 3.9 to gfm and plain;
  ``*.mammoth.md`` and ``*.mammoth.html``: mammoth 1.13 ``convert_to_markdown`` (tables as
  paragraphs) and ``convert_to_html`` (read as HTML); ``*.docx2txt.txt``: docx2txt 0.9
  ``process(FILE)``, a cell a paragraph; ``*.markitdown.md``: markitdown 0.1.9;
* the spreadsheet (``unmerged-2021.xlsx``): markitdown 0.1.9 (pandoc reads no xlsx);
* PDFs: ``*.pdftotext[-layout].txt``: poppler 22.12 ``pdftotext -enc UTF-8 [-layout] FILE -``;
  ``*.pdfplumber[-layout].txt``: pdfplumber 0.11.11 ``page.extract_text([layout=True])`` of
  every page, joined by line breaks; ``*.pypdf.txt``: pypdf 7.1.1 ``page.extract_text()``.

Outputs holding no table text (trafilatura without tables on the county page, Lynx decoding
that GBK page as Latin-1; docx2txt and mammoth's markdown of the blank template, which print
its labels and no cell at all) and outputs identical to a fixture already kept are not kept.

Each must read as its original does: every cell right or flagged, the same form, year and
agency, no error the original does not have, and each of its errors found or flagged.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import gkbg
from tests.helpers import assert_read_back_or_flagged

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CONVERTED = FIXTURES / "converters"
ORIGINALS = {
    "hongze-district-2023": FIXTURES / "corpus" / "hongze-district-2023.pdf",
    "hongze-district-2024": FIXTURES / "corpus" / "hongze-district-2024.pdf",
    "huaian-city-2024": FIXTURES / "corpus" / "huaian-city-2024.pdf",
    "form-2021-template": FIXTURES / "docx" / "form-2021-template.docx",
    "county_2020_gbk": FIXTURES / "html" / "county_2020_gbk.html",
    "filled-2021": FIXTURES / "grid" / "filled-2021.docx",
    "unmerged-2021": FIXTURES / "grid" / "unmerged-2021.xlsx",
    "cms-2019-split-bare": FIXTURES / "grid" / "cms-2019-split-bare.html",
    "cms-2021-copies": FIXTURES / "grid" / "cms-2021-copies.html",
    "cms-2021-split-repeated": FIXTURES / "grid" / "cms-2021-split-repeated.html",
}
CASES = sorted(path for path in CONVERTED.iterdir() if path.suffix in {".md", ".txt", ".html"})
KNOWN: set[str] = {
    "form-2021-template.pandoc-plain.txt",
}
"""Converted files that still read a cell wrong or give a false error (see docs/degraded.md)."""


def _original(path: Path) -> gkbg.Report:
    pytest.importorskip("pypdfium2")
    return gkbg.parse(ORIGINALS[path.name.split(".", 1)[0]])


def test_every_converted_file_has_its_original() -> None:
    assert len(CASES) == 95
    assert {path.name.split(".", 1)[0] for path in CASES} == set(ORIGINALS)


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(path, marks=pytest.mark.xfail(strict=True)) if path.name in KNOWN else path
        for path in CASES
    ],
    ids=lambda path: path.name,
)
def test_a_converted_report_reads_as_its_original_or_flags(path: Path) -> None:
    original = _original(path)
    converted = gkbg.parse(path)
    assert_read_back_or_flagged(original, converted)
    assert converted.format in {"markdown", "text", "pipe", "html"}
    assert (converted.variants, converted.year) == (original.variants, original.year)
    if converted.agency is None and (original.title or "") not in path.read_text(encoding="utf-8"):
        return  # the title is not in the text (trafilatura drops it): no agency, none guessed
    assert converted.agency == original.agency


def test_two_numbers_in_one_cell_are_read_in_order_and_flagged() -> None:
    """markitdown prints 淮安's table 四 as one row of fifteen numbers two to a cell under a
    header broken into words (``| 72 64 | 178 37 | 351 13 | …``): each number is read in the
    form's order and flagged, the header's words are no values."""
    converted = gkbg.parse(CONVERTED / "huaian-city-2024.markitdown.md")
    appeals = converted.table("appeals")
    assert [cell.value for cell in appeals.cells] == [
        72, 64, 178, 37, 351, 13, 4, 8, 1, 26, 12, 1, 1, 6, 20
    ]  # fmt: skip
    assert all("grid.packed" in {d.code for d in cell.uncertain} for cell in appeals.cells)
    assert not [f for f in gkbg.check(converted).findings if f.severity is gkbg.Severity.ERROR]


def test_a_label_on_a_row_of_its_own_takes_the_values_beside_it() -> None:
    """markitdown prints 洪泽 2024's （二）部分公开 on a row of empty cells and its numbers on
    the next row, with no label; and 3.危及“三安全一稳定” under its numbers. Each row reads its
    numbers (flagged), not blanks."""
    converted = gkbg.parse(CONVERTED / "hongze-district-2024.markitdown.md")
    for key, value in [
        ("applications.partially_granted.natural_person", 9),
        ("applications.partially_granted.total", 9),
        ("applications.denied.three_safeties.natural_person", 1),
        ("applications.denied.three_safeties.total", 1),
    ]:
        cell = converted.cell(key)
        assert cell.value == value
        assert "grid.unlabelled_row" in {doubt.code for doubt in cell.uncertain}
    # The fee's number stands two empty cells after its label: read, not the blank beside it.
    fee = converted.cell("active.fees.amount")
    assert (fee.raw, [doubt.code for doubt in fee.uncertain]) == ("7545", ["order.label_apart"])


def test_values_listed_column_by_column_are_read_in_the_one_order_the_relations_allow() -> None:
    """pdfminer gives 淮安's table 三 as its row labels, then each column's values down the
    rows, part by part: row by row and column by column both fit the labels; only column by
    column makes every relation hold, so it is chosen, and says so."""
    converted = gkbg.parse(CONVERTED / "huaian-city-2024.pdfminer.txt")
    original = _original(CONVERTED / "huaian-city-2024.pdfminer.txt")
    for key in ("applications.received.commercial", "applications.granted.total"):
        cell = converted.cell(key)
        assert cell.value == original.cell(key).value
        assert "order.chosen_layout" in {doubt.code for doubt in cell.uncertain}


def test_values_no_order_reads_with_every_relation_holding_are_unread_where_orders_differ() -> None:
    """pdfminer gives 洪泽 2024's table 三 column by column, but with 总计 before 其他: neither
    order makes the relations hold, so the cells the orders disagree on are unread (no value
    guessed, no false error) and the others flagged."""
    converted = gkbg.parse(CONVERTED / "hongze-district-2024.pdfminer.txt")
    cell = converted.cell("applications.received.commercial")
    assert cell.state is gkbg.CellState.UNREAD
    assert [doubt.code for doubt in cell.uncertain] == ["order.rival_layouts"]
    assert not [f for f in gkbg.check(converted).findings if f.severity is gkbg.Severity.ERROR]


@pytest.mark.parametrize(
    "tool",
    ["lynx.txt", "bs4-newline.txt", "trafilatura-tables.txt", "trafilatura.txt", "markitdown.md"],
)
def test_columns_in_the_pages_order_are_read_by_its_header(tool: str) -> None:
    """A page printing table 三's columns in its own order (总计 first, the organisations
    reordered), as text: each row's values follow the header's order, not the form's, and
    each says so; a label broken over two lines (``商业`` / ``企业``) still names its column."""
    converted = gkbg.parse(CONVERTED / f"cms-2021-split-repeated.{tool}")
    original = gkbg.parse(FIXTURES / "grid" / "cms-2021-split-repeated.html")
    for key in ("applications.received.total", "applications.received.commercial"):
        cell = converted.cell(key)
        assert cell.value == original.cell(key).value
        assert "order.header_columns" in {doubt.code for doubt in cell.uncertain}


def test_columns_in_another_order_not_all_named_are_unread() -> None:
    """When the header names only some of the columns, in an order the form's contradicts,
    no row is read in the form's order: its cells are unread, and the table is found."""
    text = (CONVERTED / "cms-2021-split-repeated.lynx.txt").read_text(encoding="utf-8")
    converted = gkbg.parse(text.replace("科研\n", "Research\n"), format="text")
    cell = converted.cell("applications.received.total")
    assert cell.state is gkbg.CellState.UNREAD
    assert [doubt.code for doubt in cell.uncertain] == ["order.header_unknown"]
    assert converted.table("applications").found


def test_text_quoting_markup_is_read_as_text() -> None:
    """``lxml``'s text_content of the county page keeps a script's ``<table>`` string: the
    sniffer takes it for HTML, which holds no table; read as the text it is, all is there."""
    path = CONVERTED / "county_2020_gbk.lxml.txt"
    converted = gkbg.parse(path)
    assert converted.format == "text"
    assert_read_back_or_flagged(gkbg.parse(ORIGINALS["county_2020_gbk"]), converted)


def test_a_row_past_its_broken_header_is_read_in_the_forms_order() -> None:
    """html2text breaks table 四's header cells at their line breaks (``尚未`` / ``审结``) into
    rows narrower than the row of fifteen numbers under them: the header's columns say nothing
    of the row's, which is read in the form's order, each cell flagged."""
    for name in ("county_2020_gbk", "cms-2021-copies"):
        converted = gkbg.parse(CONVERTED / f"{name}.html2text.md")
        original = gkbg.parse(ORIGINALS[name])
        for cell in converted.table("appeals").cells:
            assert (cell.raw, cell.state) == (
                original.cell(cell.key).raw,
                original.cell(cell.key).state,
            )
            assert [doubt.code for doubt in cell.uncertain] == ["grid.across_order"]


def test_rows_a_markdown_table_lost_are_read_by_their_cells() -> None:
    """A header cell broken over lines (``社会公益`` / ``组织| 商业``) ends html2text's table:
    the rows after it are paragraphs whose cells stand between pipes. A pipe is no part of a
    word: the numbers are read, in the order the header gives."""
    converted = gkbg.parse(CONVERTED / "cms-2021-split-repeated.html2text.md")
    original = gkbg.parse(ORIGINALS["cms-2021-split-repeated"])
    for key in ("applications.received.total", "applications.unavailable.not_held.commercial"):
        cell = converted.cell(key)
        assert cell.value == original.cell(key).value
        assert "order.header_columns" in {doubt.code for doubt in cell.uncertain}


def test_the_rest_of_a_broken_header_is_no_row_of_a_table_printed_across() -> None:
    """pandoc's plain text draws table 四's header cells over two lines (``结果`` / ``纠正``):
    after the label 复议后起诉, that line's words are the rest of the header, not the row's
    values (read as invalid cells, they gave false errors)."""
    converted = gkbg.parse(CONVERTED / "filled-2021.pandoc-plain.txt")
    cell = converted.cell("appeals.litigation_after_reconsideration.other")
    assert cell.state is not gkbg.CellState.INVALID
    invalid = [f for f in gkbg.check(converted).findings if f.rule == "cell.invalid"]
    assert not [f for f in invalid if f.cells[0].startswith("appeals.")]


@pytest.mark.parametrize("tool", ["bs4.txt", "lxml.txt"])
def test_row_numbers_and_merged_copies_run_together(tool: str) -> None:
    """BeautifulSoup's and lxml's text of a page that prints a 序号 column and writes a merged
    cell out as copies: ``1规章123`` / ``2行政规范性文件456`` / ``3行政许可777``. A number that
    begins a line glued to a label is that row's number, not the row before's last cell; and
    ``777``, one number printed three times over, is kept as printed but says it may be a
    merged 7 printed in each column it covers."""
    converted = gkbg.parse(CONVERTED / f"cms-2021-copies.{tool}")
    assert [converted.cell(f"active.rules.{key}").value for key in ("issued", "repealed")] == [1, 2]
    assert converted.cell("active.rules.in_force").value == 3
    licensing = converted.cell("active.licensing.decisions")
    assert licensing.raw == "777"
    assert [doubt.code for doubt in licensing.uncertain] == ["text.repeated_digits"]
