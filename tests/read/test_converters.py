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
}
CASES = sorted(path for path in CONVERTED.iterdir() if path.suffix in {".md", ".txt"})


def _original(path: Path) -> gkbg.Report:
    pytest.importorskip("pypdfium2")
    return gkbg.parse(ORIGINALS[path.name.split(".", 1)[0]])


def test_every_converted_file_has_its_original() -> None:
    assert len(CASES) == 14
    assert {path.name.split(".", 1)[0] for path in CASES} == set(ORIGINALS)


@pytest.mark.parametrize("path", CASES, ids=lambda path: path.name)
def test_a_converted_report_reads_as_its_original_or_flags(path: Path) -> None:
    original = _original(path)
    converted = gkbg.parse(path)
    assert converted.format == ("markdown" if path.suffix == ".md" else "text")
    assert_read_back_or_flagged(original, converted)
    assert (converted.variants, converted.year, converted.agency) == (
        original.variants,
        original.year,
        original.agency,
    )


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
