# SPDX-License-Identifier: MIT
"""Digits an OCR engine may have misread, pointed at by the statute's arithmetic."""

from __future__ import annotations

import attrs
from hypothesis import given
from hypothesis import strategies as st

import gkbg
from gkbg.align.misreads import CONFUSED, flag_misreads
from gkbg.core.relations import statute_relations
from gkbg.core.schema import forms
from gkbg.testing import reports


def _with(report: gkbg.Report, key: str, raw: str) -> gkbg.Report:
    tables = tuple(
        attrs.evolve(
            table,
            cells=tuple(
                attrs.evolve(cell, value=int(raw), raw=raw) if cell.key == key else cell
                for cell in table.cells
            ),
        )
        for table in report.tables
    )
    return attrs.evolve(report, tables=tables)


@given(report=reports(), data=st.data())
def test_a_confused_digit_that_breaks_a_relation_is_flagged_and_kept(
    report: gkbg.Report, data: st.DataObject
) -> None:
    assert flag_misreads(report) == report  # every relation holds: nothing to flag
    numbers = [
        cell
        for cell in report.iter_cells()
        if cell.raw and cell.raw.isdigit() and any(CONFUSED.get(d) for d in cell.raw)
    ]
    cell = data.draw(st.sampled_from(numbers))
    assert cell.raw is not None
    index = data.draw(st.sampled_from([i for i, d in enumerate(cell.raw) if CONFUSED.get(d)]))
    other = data.draw(st.sampled_from(CONFUSED[cell.raw[index]]))
    misread = cell.raw[:index] + other + cell.raw[index + 1 :]
    if len(misread) > 1 and misread.startswith("0"):
        return
    scanned = _with(report, cell.key, misread)
    table = next(t for t in scanned.tables if any(c.key == cell.key for c in t.cells))
    assert table.variant is not None
    values = {c.key: c.value for c in table.cells}
    if all(
        sum(values[k] or 0 for k in r.left) == sum(values[k] or 0 for k in r.right)
        for r in statute_relations(forms()[table.variant].table(table.key))
        if cell.key in (*r.left, *r.right)
    ):
        return  # no relation of the statute breaks (none covers the cell): nothing can tell
    flagged = {c.key: c for c in flag_misreads(scanned).iter_cells()}
    read = flagged[cell.key]
    assert read.value == int(misread)  # kept as read, never repaired
    doubts = [d for d in read.uncertain if d.code == "ocr.arithmetic"]
    assert doubts, (cell.key, cell.raw, misread)
    assert str(cell.value) in {dict(d.fields)["reading"] for d in doubts}


def test_a_report_that_really_disagrees_is_not_flagged_where_no_digit_explains_it() -> None:
    report = gkbg.parse("examples/yaohai-2019.txt")
    assert gkbg.check(report).findings
    flagged = flag_misreads(report)
    # the doubts say "a digit may be misread" only where one confused digit explains it
    for cell in flagged.iter_cells():
        for doubt in cell.uncertain:
            if doubt.code == "ocr.arithmetic":
                assert cell.raw is not None
                assert len(dict(doubt.fields)["reading"]) == len(cell.raw)
