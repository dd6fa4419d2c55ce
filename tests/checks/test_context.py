# SPDX-License-Identifier: MIT
"""What the evaluators read (`gkbg.checks.context`): reading by position is looking up.

The shortcut of `gkbg.check` (issue 8): a report whose tables hold their forms' cells in order
is read by position (`Context.canonical`); the same report with a cell no form has makes the
engine look every key up (the plain computation), and the checks are the same.
"""

from __future__ import annotations

from pathlib import Path

import attrs
from hypothesis import given
from hypothesis import strategies as st

import gkbg
from gkbg.checks.context import Context
from gkbg.testing import blanked_reports, mixed_reports, reports, with_cell
from tests.helpers import CORPUS, FIXTURES, SEEDS

# --------------------------------------------------------------------------------------------
# The shortcuts of `gkbg.check` give what the plain computation gives (issue 8).


EXAMPLES = sorted((Path(__file__).parent.parent.parent / "examples").glob("*.txt"))


def _reports() -> list[gkbg.Report]:
    paths = [*SEEDS, *EXAMPLES, *sorted((FIXTURES / "html").glob("*.html")), *CORPUS]
    return [gkbg.parse(path) for path in paths]


# --------------------------------------------------------------------------------------------
# The tables: a report whose tables hold their forms' cells in order is read by position.


def _looked_up(report: gkbg.Report) -> gkbg.Report:
    """The same report with a cell no form has added: the engine then looks every key up."""
    extra = gkbg.Cell("appeals.not_a_row.not_a_column", gkbg.CellState.INVALID, None, "x")
    tables = tuple(
        attrs.evolve(table, cells=(*table.cells, extra)) if table.key == "appeals" else table
        for table in report.tables
    )
    return attrs.evolve(report, tables=tables)


def _same_checks(report: gkbg.Report) -> None:
    assert not Context(_looked_up(report)).canonical
    assert gkbg.check(report) == gkbg.check(_looked_up(report))


_ODD_CELLS = st.builds(
    lambda state, value, raw: (state, value, raw),
    st.sampled_from(list(gkbg.CellState)),
    st.one_of(
        st.none(),
        st.integers(-3, 3),
        st.decimals(-5, 5, places=2, allow_nan=False),
        st.booleans(),
    ),
    st.sampled_from([None, "", "/", "x", "{raw}"]),
)


@given(
    st.one_of(
        reports(),
        reports(valid=False),
        blanked_reports().map(lambda blanked: blanked.report),
        mixed_reports(),
    ),
    st.lists(st.tuples(st.integers(0, 10**6), _ODD_CELLS), max_size=4),
    st.sampled_from([None, 2018, 2020, 2023]),
    st.none() | st.integers(0, 10**6),
)
def test_reading_by_position_finds_what_looking_up_finds(
    report: gkbg.Report,
    odd: list[tuple[int, tuple[object, object, object]]],
    year: int | None,
    unread: int | None,
) -> None:
    keys = [cell.key for cell in report.iter_cells()]
    for index, (state, value, raw) in odd:
        key = keys[index % len(keys)]
        report = with_cell(report, gkbg.Cell(key, state, value, raw))  # type: ignore[arg-type]
    if unread is not None:  # every cell of one block unread
        blocks = [
            [cell.key for cell in form.cells if cell.block == index]
            for table in report.tables
            if table.variant is not None
            for form in [gkbg.forms()[table.variant].table(table.key)]
            for index in range(len(form.blocks))
        ]
        for key in blocks[unread % len(blocks)]:
            report = with_cell(report, gkbg.Cell(key, gkbg.CellState.UNREAD, uncertain=("?",)))
    _same_checks(attrs.evolve(report, year=year))


def test_the_real_reports_are_read_by_position_as_looked_up() -> None:
    template = sorted((FIXTURES / "docx").glob("*.docx"))
    for report in [*_reports(), *(gkbg.parse(path) for path in template)]:
        assert Context(report).canonical
        _same_checks(report)
