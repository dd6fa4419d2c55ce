# SPDX-License-Identifier: MIT
"""The statute's arithmetic choosing among an OCR engine's own candidates for a cell's digits."""

from __future__ import annotations

from unittest import mock

import attrs
from hypothesis import given
from hypothesis import strategies as st

import gkbg
from gkbg.align import candidates
from gkbg.align.candidates import choose_candidates
from gkbg.core.model import Location
from gkbg.core.relations import Relation, statute_relations
from gkbg.core.schema import forms
from gkbg.testing import reports, with_cell


def _located(report: gkbg.Report) -> gkbg.Report:
    """Every cell at its own place on page 1, as a scanned cell is."""
    tables = tuple(
        attrs.evolve(
            table,
            cells=tuple(
                attrs.evolve(cell, location=Location(page=1, table_index=t, row_index=i))
                for i, cell in enumerate(table.cells)
            ),
        )
        for t, table in enumerate(report.tables)
    )
    return attrs.evolve(report, tables=tables)


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


def _cell(report: gkbg.Report, key: str) -> gkbg.Cell:
    return next(cell for cell in report.iter_cells() if cell.key == key)


def _breaks(report: gkbg.Report, key: str) -> bool:
    """Whether a relation of the statute over ``key`` fails in ``report``."""
    table = next(t for t in report.tables if any(c.key == key for c in t.cells))
    assert table.variant is not None
    values = {c.key: c.value for c in table.cells}
    return any(
        sum(values[k] or 0 for k in r.left) != sum(values[k] or 0 for k in r.right)
        for r in statute_relations(forms()[table.variant].table(table.key))
        if key in (*r.left, *r.right)
    )


def _misread(data: st.DataObject, report: gkbg.Report) -> tuple[gkbg.Cell, str] | None:
    numbers = [cell for cell in report.iter_cells() if cell.raw and cell.raw.isdigit()]
    cell = data.draw(st.sampled_from(numbers))
    assert cell.raw is not None
    index = data.draw(st.integers(min_value=0, max_value=len(cell.raw) - 1))
    other = data.draw(st.sampled_from([d for d in "0123456789" if d != cell.raw[index]]))
    misread = cell.raw[:index] + other + cell.raw[index + 1 :]
    if len(misread) > 1 and misread.startswith("0"):
        return None
    return cell, misread


@given(report=reports(), data=st.data())
def test_the_printed_digit_among_the_candidates_is_chosen_when_only_it_makes_the_statute_hold(
    report: gkbg.Report, data: st.DataObject
) -> None:
    report = _located(report)
    drawn = _misread(data, report)
    if drawn is None:
        return
    cell, misread = drawn
    scanned = _with(report, cell.key, misread)
    if not _breaks(scanned, cell.key):
        return  # no relation covers the cell: the arithmetic cannot tell
    assert cell.location is not None
    assert cell.raw is not None
    # the engine's candidates: the printed digit, and a digit it did not print
    decoy = str((int(cell.raw[-1]) + 5) % 10)
    others = [cell.raw, misread[:-1] + decoy] if misread[-1] != decoy else [cell.raw]
    chosen = choose_candidates(scanned, {cell.location: tuple(others)})
    read = _cell(chosen, cell.key)
    assert read.value == cell.value, (cell.key, cell.raw, misread)
    assert [d.code for d in read.uncertain] == ["ocr.chosen"]
    assert dict(read.uncertain[0].fields)["reading"] == cell.raw
    # nothing else changed, and every relation holds again
    for original, after in zip(report.iter_cells(), chosen.iter_cells(), strict=True):
        if original.key != cell.key:
            assert after == original
    assert gkbg.check(chosen).findings == gkbg.check(report).findings


@given(report=reports(), data=st.data())
def test_no_candidate_is_chosen_that_the_engine_did_not_give(
    report: gkbg.Report, data: st.DataObject
) -> None:
    # the engine's candidates are all wrong: the cell stays as read, the relation broken
    report = _located(report)
    drawn = _misread(data, report)
    if drawn is None:
        return
    cell, misread = drawn
    scanned = _with(report, cell.key, misread)
    assert cell.location is not None
    assert cell.raw is not None
    wrong = [
        text
        for text in (str(int(misread) + 10), str(int(misread) + 100))
        if text != cell.raw and int(text) != cell.value
    ]
    chosen = choose_candidates(scanned, {cell.location: tuple(wrong)})
    read = _cell(chosen, cell.key)
    if _breaks(scanned, cell.key):
        assert read.value == int(misread)
        assert not [d for d in read.uncertain if d.code == "ocr.chosen"] or read.value in {
            int(text) for text in wrong
        }
    assert {c.value for c in chosen.iter_cells()} <= {c.value for c in scanned.iter_cells()} | {
        int(text) for text in wrong
    }


@given(report=reports())
def test_a_report_whose_relations_hold_is_never_changed(report: gkbg.Report) -> None:
    report = _located(report)
    readings = {
        cell.location: (str((cell.value + 1) % 10),)
        for cell in report.iter_cells()
        if cell.location is not None and isinstance(cell.value, int) and cell.value < 10
    }
    assert choose_candidates(report, readings) == report


@given(report=reports())
def test_two_combinations_that_both_make_it_hold_leave_the_cells_flagged_and_as_read(
    report: gkbg.Report,
) -> None:
    report = _located(report)
    table = next(t for t in report.tables if len(t.cells) >= 3)
    total, first, second = (cell for cell in table.cells[:3])
    assert isinstance(total.value, int)
    assert isinstance(first.value, int)
    assert isinstance(second.value, int)
    assert total.location is not None
    assert first.location is not None
    assert second.location is not None
    # one relation, total = first + second, read with the total one more than the parts
    relation = Relation("test.sum", (total.key,), (first.key, second.key))
    scanned = _with(report, total.key, str(first.value + second.value + 1))
    readings = {
        first.location: (str(first.value + 1),),
        second.location: (str(second.value + 1),),
    }
    with mock.patch.object(candidates, "statute_relations", return_value=[relation]):
        chosen = choose_candidates(scanned, readings)
    for cell in (first, second):
        read = _cell(chosen, cell.key)
        assert read.value == cell.value  # kept as read: either would do, none is guessed
        assert [d.code for d in read.uncertain] == ["ocr.candidates_open"]
    # with the total's own candidate too, and no other: still two, so nothing chosen
    readings[total.location] = (str(first.value + second.value),)
    with mock.patch.object(candidates, "statute_relations", return_value=[relation]):
        chosen = choose_candidates(scanned, readings)
    assert _cell(chosen, total.key).value == first.value + second.value + 1
    # only the total has a candidate: it is chosen
    del readings[first.location], readings[second.location]
    with mock.patch.object(candidates, "statute_relations", return_value=[relation]):
        chosen = choose_candidates(scanned, readings)
    read = _cell(chosen, total.key)
    assert read.value == first.value + second.value
    assert read.raw == str(first.value + second.value)
    assert [d.code for d in read.uncertain] == ["ocr.chosen"]
    assert dict(read.uncertain[0].fields)["relations"] == "test.sum"


@given(report=reports(), data=st.data())
def test_a_cell_read_as_no_number_takes_the_engines_digit_when_only_it_makes_the_statute_hold(
    report: gkbg.Report, data: st.DataObject
) -> None:
    # a 1 read as 一 (a stroke): the engine's next candidate, 1, is taken where the relations
    # over the cell hold with it; a cell no relation covers stays as read
    report = _located(report)
    ones = [cell for cell in report.iter_cells() if cell.raw == "1"]
    if not ones:
        return
    cell = data.draw(st.sampled_from(ones))
    assert cell.location is not None
    scanned = with_cell(
        report, attrs.evolve(cell, state=gkbg.CellState.INVALID, value=None, raw="一")
    )
    chosen = _cell(choose_candidates(scanned, {cell.location: ("1", "7")}), cell.key)
    table = next(t for t in report.tables if any(c.key == cell.key for c in t.cells))
    assert table.variant is not None
    covered = any(
        cell.key in (*r.left, *r.right)
        for r in statute_relations(forms()[table.variant].table(table.key))
        if all(c.value is not None for c in table.cells if c.key in (*r.left, *r.right))
    )
    if not covered:
        assert chosen.state is gkbg.CellState.INVALID
        return
    assert chosen.value == 1
    assert chosen.raw == "1"
    assert [d.code for d in chosen.uncertain] == ["ocr.chosen"]
    assert dict(chosen.uncertain[0].fields)["text"] == "一"
