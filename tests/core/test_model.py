# SPDX-License-Identifier: MIT
"""The report model: tables held compactly (`gkbg.core.model.Columns`), cells made on access.

A table stores its cells as one tuple per field; `Table.cells`, `Report.cell`,
`Report.cells` and the checks read it without the `Cell` objects a table of hand-made cells
holds. The last section compares the two, field by field and finding by finding, on every
real document and on generated reports of every kind.
"""

from __future__ import annotations

import pickle
from decimal import Decimal
from typing import TYPE_CHECKING

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gkbg
import gkbg.testing
from gkbg.core.model import Columns
from tests.helpers import DOCUMENTS, FIXTURES, RENDERERS

if TYPE_CHECKING:
    from pathlib import Path

_CELL = gkbg.Cell(
    "applications.received.total",
    gkbg.CellState.VALUE,
    Decimal("12.5"),
    "12.5",
    ("an English sentence of gkbg 0.1",),
    gkbg.Location(page=1, bbox=(1.0, 2.0, 3.0, 4.0)),
)


def test_a_table_built_by_hand_keeps_its_cells() -> None:
    cells = (_CELL, gkbg.Cell("applications.x", gkbg.CellState.BLANK, raw="/"))
    table = gkbg.Table("applications", "2021", cells=cells)
    assert table.cells is cells  # the very tuple given, not a copy
    assert table.columns.keys == ("applications.received.total", "applications.x")
    assert table.columns.values == (Decimal("12.5"), None)
    assert table == gkbg.Table("applications", "2021", list(cells))  # type: ignore[arg-type]
    assert gkbg.Table("applications", "2021").cells == ()
    assert [field.name for field in attrs.fields(gkbg.Table)] == ["key", "variant", "cells"]
    with pytest.raises(TypeError, match="Cell objects"):
        gkbg.Table("applications", "2021", ("not a cell",))  # type: ignore[arg-type]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        table.cells = ()  # type: ignore[misc]


def test_a_table_of_columns_makes_its_cells_once() -> None:
    columns = Columns(
        ("active.a", "active.b"),
        (gkbg.CellState.VALUE, gkbg.CellState.UNREAD),
        (3, None),
        ("3", None),
        ((), (gkbg.Doubt.of("align.no_value"),)),
        (gkbg.Location(line=2), None),
    )
    table = gkbg.Table.from_columns("active", "2021", columns)
    first = table.cells
    assert first is table.cells
    assert first[1] == gkbg.Cell(
        "active.b", gkbg.CellState.UNREAD, uncertain=(gkbg.Doubt.of("align.no_value"),)
    )
    assert table == gkbg.Table("active", "2021", first)
    assert hash(table) == hash(gkbg.Table("active", "2021", first))
    assert table != gkbg.Table("active", "2019", first)
    assert table != gkbg.Table("active", "2021", first[:1])
    with pytest.raises(ValueError, match="as long as each other"):
        Columns(("a",), (), (), (), (), ())


def test_a_pickle_carries_no_cells_made_and_no_index() -> None:
    report = gkbg.parse(DOCUMENTS[0])
    plain = pickle.dumps(report)
    report.cell("applications.received.total")
    tuple(report.iter_cells())  # every table's cells made and kept
    assert pickle.dumps(report) == plain
    again = pickle.loads(plain)
    assert again == report
    assert again.tables[1].columns._cells is None


# ----------------------------------------------------------------------------------------------
# The compact table against a table of hand-made cells.


def _plain(report: gkbg.Report) -> gkbg.Report:
    """``report`` with each table rebuilt from `Cell` objects made by hand, field by field."""
    tables = tuple(
        gkbg.Table(
            table.key,
            table.variant,
            tuple(
                gkbg.Cell(
                    key,
                    state,
                    value,
                    raw,
                    uncertain,
                    attrs.evolve(location) if location is not None else None,
                )
                for key, state, value, raw, uncertain, location in zip(
                    table.columns.keys,
                    table.columns.states,
                    table.columns.values,
                    table.columns.raws,
                    table.columns.doubts,
                    table.columns.locations,
                    strict=True,
                )
            ),
        )
        for table in report.tables
    )
    return attrs.evolve(report, tables=tables)


def _fields(cell: gkbg.Cell) -> tuple[object, ...]:
    values = attrs.astuple(cell, recurse=False)
    return (*values, type(cell.value))


def _same(compact: gkbg.Report, plain: gkbg.Report, *, by_key: bool = True) -> None:
    """Every cell of ``compact``, by every way of reading it, is that of ``plain``.

    And so is every finding of `gkbg.check`; with ``by_key``, also those of ``plain`` with
    its cells reversed (read by key, not by position).
    """
    cells = [cell for table in plain.tables for cell in table.cells]
    assert [_fields(cell) for cell in compact.iter_cells()] == [_fields(cell) for cell in cells]
    assert compact == plain
    assert hash(compact) == hash(plain)
    assert compact.cells() == {cell.key: cell.value for cell in cells}
    first: dict[str, gkbg.Cell] = {}
    for cell in cells:
        first.setdefault(cell.key, cell)
    for key, cell in first.items():
        assert _fields(compact.cell(key)) == _fields(cell)
    with pytest.raises(KeyError):
        compact.cell("applications.no_such_cell")
    assert compact.uncertain_cells() == tuple(cell for cell in cells if cell.uncertain)
    assert repr(compact) == repr(plain)
    assert [repr(table) for table in compact.tables] == [repr(table) for table in plain.tables]
    assert gkbg.to_json(compact) == gkbg.to_json(plain)
    assert gkbg.from_json(gkbg.to_json(compact)) == plain
    assert pickle.loads(pickle.dumps(compact)) == plain
    result = gkbg.check(compact)
    assert result == gkbg.check(plain)
    if not by_key:
        return
    # And read with the checks' other path (by key, the cells not in the form's order).
    shuffled = attrs.evolve(
        plain,
        tables=tuple(
            attrs.evolve(table, cells=tuple(reversed(table.cells))) for table in plain.tables
        ),
    )
    other = gkbg.check(shuffled)
    assert sorted(map(_unordered, result.findings)) == sorted(map(_unordered, other.findings))
    assert sorted(map(repr, result.not_checkable)) == sorted(map(repr, other.not_checkable))


def _unordered(finding: gkbg.Finding) -> str:
    """A finding with its cells sorted (an unfilled table's are in the table's order)."""
    return repr(attrs.evolve(finding, cells=tuple(sorted(finding.cells))))


_REAL = [
    *DOCUMENTS,
    *sorted((FIXTURES / "html").glob("*.html")),
    *sorted((FIXTURES / "docx").glob("*.docx")),
    *sorted((FIXTURES / "xlsx").glob("*.xlsx")),
]


@pytest.mark.parametrize("path", _REAL, ids=lambda path: path.name)
def test_the_compact_tables_of_a_real_document_are_its_cells(path: Path) -> None:
    try:
        report = gkbg.parse(path)
    except gkbg.DocumentError:
        pytest.skip("not a report gkbg reads")
    _same(report, _plain(report))


def _kinds() -> st.SearchStrategy[gkbg.Report]:
    """A generated report of any kind: valid, broken, blanked or of mixed forms."""
    return st.one_of(
        gkbg.testing.reports(),
        gkbg.testing.invalid_reports().map(lambda invalid: invalid.report),
        gkbg.testing.blanked_reports().map(lambda blanked: blanked.report),
        gkbg.testing.mixed_reports(),
    )


_MANY = settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))


@_MANY
@given(_kinds(), st.sampled_from(sorted(RENDERERS)))
def test_the_compact_tables_of_generated_reports_are_their_cells(
    report: gkbg.Report, renderer: str
) -> None:
    # As printed and read back (the alignment's tables) ...
    parsed = gkbg.parse(RENDERERS[renderer](report, None))
    _same(parsed, _plain(parsed))
    # ... and as generated (tables of hand-made cells) against their columns.
    compact = attrs.evolve(
        report,
        tables=tuple(
            gkbg.Table.from_columns(
                table.key,
                table.variant,
                Columns(
                    table.columns.keys,
                    table.columns.states,
                    table.columns.values,
                    table.columns.raws,
                    table.columns.doubts,
                    table.columns.locations,
                ),
            )
            for table in report.tables
        ),
    )
    _same(compact, report, by_key=False)
