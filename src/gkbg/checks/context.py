# SPDX-License-Identifier: MIT
"""What the evaluators of the rule kinds read: a report indexed once (`Context`), a pair of years.

Relations are evaluated only on printed numbers; a `Context` gives each cell's number (None for
a cell without one) by key, and, for a report whose tables hold their forms' cells in the
forms' order, each table's numbers as one tuple.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, cast

import attrs

from gkbg.core.model import Cell, CellState, Report, Value
from gkbg.core.schema import TableForm, forms
from gkbg.core.statements import RawSentences

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["Context", "Pair", "form_keys", "positions"]


@functools.cache
def form_keys(variant: str, table: str) -> list[str]:
    """The cell keys of one table of one form, in the form's order."""
    return list(forms()[variant].table(table).cell_keys())


@functools.cache
def positions(variant: str, table: str) -> dict[str, int]:
    """The position of each cell key of one table of one form in the form's order."""
    return {key: index for index, key in enumerate(form_keys(variant, table))}


class Context:
    """One report, indexed for the evaluators (each index built on first use).

    A table whose cells are its form's, in the form's order (as every parser gives them), is
    read once into the tuple of its values (`columns`), which the evaluators index by the
    cells' positions in the form. When every table holding cells is such a table
    (`canonical`), that is what looking the keys up in `values` gives, since the keys of the
    forms' tables differ; otherwise (a report built by hand, a pair of reports of a series)
    the evaluators look the keys up.
    """

    def __init__(self, report: Report) -> None:
        self.report = report
        known = forms()
        self.forms: dict[str, TableForm] = {}
        self.columns: dict[str, tuple[Value | None, ...]] = {}
        self.canonical = True
        for table in report.tables:
            variant = table.variant
            columns = table.columns  # (the table's cells as tuples: no `Cell` is made)
            if variant is not None and variant in known:
                form = known[variant].table(table.key)
                self.forms[table.key] = form
                keys = columns.keys
                if keys is form.keys or keys == form.keys:
                    self.columns[table.key] = columns.values
                    continue
            if columns.keys:
                self.canonical = False

    def column(self, key: str) -> tuple[Value | None, ...] | None:
        """The values of table ``key`` in its form's order, when the report is canonical."""
        return self.columns.get(key) if self.canonical else None

    @functools.cached_property
    def values(self) -> Mapping[str, Value | None]:
        """Every cell's number by key (None for a cell without one)."""
        if self.canonical:
            return _ColumnValues(self)
        return {cell.key: cell.value for table in self.report.tables for cell in table.cells}

    @functools.cached_property
    def cells(self) -> dict[str, Cell]:
        """Every cell by key."""
        return {cell.key: cell for cell in self.report.iter_cells()}

    @functools.cached_property
    def notable(self) -> dict[str, list[Cell]]:
        """By table, the cells a ``cell`` rule may report: all but whole numbers >= 0.

        Found on the table's tuples; only the cells found are made `Cell` objects.
        """
        value = CellState.VALUE
        notable: dict[str, list[Cell]] = {}
        for table in self.report.tables:
            columns = table.columns
            states, values = columns.states, columns.values
            if states.count(value) == len(states) and _whole(values):
                notable[table.key] = []  # (every cell a whole number >= 0, found in C)
                continue
            notable[table.key] = [
                columns.cell(index)
                for index, (state, number) in enumerate(zip(states, values, strict=True))
                if state is not value or type(number) is not int or number < 0
            ]
        return notable

    @functools.cached_property
    def sentences(self) -> RawSentences:
        """The report's text, cut around the candidates once for all the narrative rules."""
        return RawSentences(self.report.text)

    def table_form(self, key: str) -> TableForm | None:
        """The form of table ``key`` as the report prints it; None when it has no known form."""
        return self.forms.get(key)


def _whole(values: tuple[Value | None, ...]) -> bool:
    """Whether every value is an `int` >= 0 (told by C loops: `map`, `set`, `min`)."""
    if not values:
        return True
    if set(map(type, values)) != {int}:
        return False
    return min(cast("tuple[int, ...]", values)) >= 0


class _ColumnValues(Mapping[str, "Value | None"]):
    """`Context.values` of a canonical report: each key's value, read from `columns`."""

    def __init__(self, context: Context) -> None:
        self.tables = {
            key: (positions(context.forms[key].variant, key), column)
            for key, column in context.columns.items()
        }

    def __getitem__(self, key: str) -> Value | None:
        found = self.tables.get(key.partition(".")[0])
        if found is not None:
            position = found[0].get(key)
            if position is not None:
                return found[1][position]
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        for table_positions, _ in self.tables.values():
            yield from table_positions

    def __len__(self) -> int:
        return sum(len(table_positions) for table_positions, _ in self.tables.values())


@attrs.frozen
class Pair:
    """What a rule of scope ``series`` looks at: a report and the report of the year before.

    Attributes:
        previous: The previous year's report.
        current: This year's report.
        context: One report holding both years' cells, keyed ``prev.…`` and ``this.…``
            (`gkbg.checks.series.pair_report`), indexed.
    """

    previous: Report
    current: Report
    context: Context
