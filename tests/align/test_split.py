"""Tables split over pages or ``<table>`` elements, the second part without its label column.

`gkbg.render.docx` (``split=``) cuts a table between two rows and prints the second part on a
grid of its own; where the first column holds each row's own label (table 二: 行政许可,
行政处罚, …), the second part leaves that column out, so its rows print values and no label.
Those rows are placed by their order when their count fits the form's rows after the last
labelled one, with a doubt; a blank among them is a row of blanks, not a reason to lose the
part. When the count does not fit, the part is still found: its cells are unread, saying so,
and never ``table.missing``.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

import pytest

import gkbg
from gkbg.testing import blank_cell, report_of
from gkbg.write.render import _split, by_row, grid
from tests.helpers import assert_read_back_or_flagged

if TYPE_CHECKING:
    from collections.abc import Sequence

    from gkbg.write.render import Placed


def _report(variant: str) -> gkbg.Report:
    """A report of ``variant`` whose cells are all different (a misplaced one shows)."""
    cells: dict[str, gkbg.Value] = {}
    for number, spec in enumerate(gkbg.form(variant).cells(), start=1):
        cells[spec.key] = number
    # The statute's relations hold on none of these: only the cells are compared.
    return report_of(variant, cells, 2022, "某某区人民政府")


def _html_table(placed: Sequence[Placed]) -> str:
    rows = []
    for row in by_row(placed):
        tds = "".join(
            f'<td rowspan="{cell.rowspan}" colspan="{cell.colspan}">{escape(cell.text)}</td>'
            for cell in row
        )
        rows.append(f"<tr>{tds}</tr>")
    return '<table border="1">' + "".join(rows) + "</table>"


def _split_page(report: gkbg.Report, table: str, *, drop_last: bool = False) -> bytes:
    """``render.html`` with ``table`` as two ``<table>`` elements, cut as ``render.docx`` cuts
    it, a page footer between them; ``drop_last``: the second part loses its last row."""
    first, second = _split(grid(report, table))
    if drop_last:
        last = max(cell.row for cell in second)
        second = [cell for cell in second if cell.row != last]
    parts = _html_table(first) + "<p>— 5 —</p>" + _html_table(second)
    body = "".join(
        f"<p>{escape(form_table.heading)}</p>"
        + (parts if form_table.key == table else _html_table(grid(report, form_table.key)))
        for form_table in gkbg.form(report.variant or "2021").tables
    )
    title = "<p>某某区人民政府2022年政府信息公开工作年度报告</p>"
    return f"<html><body>{title}{body}</body></html>".encode()


def _second_part_keys(report: gkbg.Report, table: str) -> list[str]:
    _, second = _split(grid(report, table))
    return [cell.key for cell in second if cell.key is not None]


@pytest.mark.parametrize("variant", ["2019", "2021"])
@pytest.mark.parametrize("shape", ["docx", "html"])
def test_a_blank_in_the_unlabelled_part_keeps_every_row(variant: str, shape: str) -> None:
    report = _report(variant)
    keys = _second_part_keys(report, "active")
    assert keys
    for key in keys:
        blanked = blank_cell(report, key, raw="")
        data = (
            gkbg.render.docx(blanked, split="active")
            if shape == "docx"
            else _split_page(blanked, "active")
        )
        read_back = gkbg.parse(data)
        assert_read_back_or_flagged(blanked, read_back)
        findings = gkbg.check(read_back).findings
        assert [f for f in findings if f.rule == "table.missing"] == [], key
        cell = read_back.cell(key)
        assert cell.state is gkbg.CellState.BLANK, key
        # Placed by order, and saying so.
        assert "grid.unlabelled_row" in [d.code for d in cell.uncertain], key
        # The other cells of the part are read with their values.
        for other in keys:
            if other != key:
                assert read_back.cell(other).value == report.cell(other).value, other


@pytest.mark.parametrize("variant", ["2019", "2021"])
def test_an_unlabelled_part_that_does_not_fit_is_found_with_its_cells_unread(variant: str) -> None:
    report = _report(variant)
    read_back = gkbg.parse(_split_page(report, "active", drop_last=True), format="html")
    assert_read_back_or_flagged(report, read_back)
    findings = gkbg.check(read_back).findings
    assert [f for f in findings if f.rule == "table.missing"] == []
    unread = [
        cell
        for cell in read_back.table("active").cells
        if cell.state is gkbg.CellState.UNREAD
        and "grid.unlabelled_rows" in {d.code for d in cell.uncertain}
    ]
    assert unread
