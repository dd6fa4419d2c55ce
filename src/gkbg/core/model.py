# SPDX-License-Identifier: MIT
"""The report model: what a parser read, cell by cell, with where and how surely it read it.

Every class here is a frozen attrs class holding plain data (numbers, strings, tuples), so a
`Report` pickles, crosses process boundaries and round-trips through `gkbg.to_json`.
"""

from __future__ import annotations

import enum
from decimal import Decimal
from typing import TYPE_CHECKING, Any, overload

import attrs

from gkbg.core.lang import default_lang
from gkbg.core.reasons import Doubt, doubts
from gkbg.core.schema import TABLES
from gkbg.core.views import VIEWS

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping

    from gkbg.checks.findings import CheckResult
    from gkbg.core.lang import Lang

__all__ = ["Cell", "CellState", "Columns", "Location", "Report", "Table", "Value"]

Value = int | Decimal
"""A cell's number: `int` for counts (and signed changes), `Decimal` for amounts."""


class CellState(str, enum.Enum):
    """What a cell holds.

    ``VALUE``: a number was printed. ``BLANK``: the cell is empty or holds a placeholder
    (``/``, ``-``, ``—``, ``无``). ``INVALID``: it holds text that is not a number.
    ``UNREAD``: the table was found but the parser could not tell which printed value belongs in
    this cell; the reason is in `Cell.uncertain`.
    """

    VALUE = "value"
    BLANK = "blank"
    INVALID = "invalid"
    UNREAD = "unread"


@attrs.frozen
class Location:
    """Where a cell's text was found. Which fields are set depends on the source format.

    Attributes:
        start: Offset of the first character in the decoded text (text formats).
        end: Offset just past the last character (text formats).
        line: 1-based line number (text formats).
        column: 1-based character position within the line (text formats).
        page: 1-based page number (PDF).
        bbox: ``(x0, top, x1, bottom)`` in points from the page's top-left corner (PDF).
        table_index: 0-based index of the source table (HTML, DOCX, XLSX).
        row_index: 0-based row index in the source table's grid.
        col_index: 0-based column index in the source table's grid.
    """

    start: int | None = None
    end: int | None = None
    line: int | None = None
    column: int | None = None
    page: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    table_index: int | None = None
    row_index: int | None = None
    col_index: int | None = None


@attrs.frozen
class Cell:
    """One cell of a statutory table as the report printed it.

    Attributes:
        key: The canonical key (``applications.received.total``).
        state: What the cell holds.
        value: The number, or None when the cell is blank, invalid or unread. Never a 0 that
            was not printed.
        raw: The text as printed (``"251000元"``, ``"/"``, ``""``), or None when unread.
        uncertain: Why the reading may be wrong, one `Doubt` per reason (``str(doubt)`` is its
            English sentence, ``doubt.zh`` its Chinese); empty when the parser is sure. An
            English sentence given here (as gkbg 0.1 wrote them) is read as its `Doubt`.
        location: Where the text was found, when known.
    """

    key: str
    state: CellState
    value: Value | None = None
    raw: str | None = None
    uncertain: tuple[Doubt, ...] = attrs.field(default=(), converter=doubts)
    location: Location | None = None

    @property
    def missing(self) -> bool:
        """True when the cell has no number (blank, placeholder, invalid or unread)."""
        return self.value is None

    @property
    def table(self) -> str:
        """The table part of the key."""
        return self.key.split(".", 1)[0]


def _counts(columns: Columns) -> str:
    """``200 cells, 0 unread`` and, when there are any, the cells read with doubt."""
    count = len(columns.keys)
    unread = columns.states.count(CellState.UNREAD)
    doubtful = len(columns.doubts) - columns.doubts.count(())
    counted = f"{count} cell{'' if count == 1 else 's'}, {unread} unread"
    return counted + (f", {doubtful} with doubt" if doubtful else "")


class Columns:
    """A table's cells held compactly: one tuple per field of `Cell`, in the cells' order.

    What a `gkbg.Table` stores. ``Table.cells`` makes the `gkbg.Cell` objects from it when first
    asked (and keeps them); the checks and `gkbg.Report.cells` read the tuples without making
    any. Equal to
    another when every field of every cell is, as the tuples of `Cell` are; a pickle holds the
    tuples only (no `Cell` made, no index).

    Attributes:
        keys: Each cell's key.
        states: Each cell's `CellState`.
        values: Each cell's number, or None.
        raws: Each cell's text as printed, or None.
        doubts: Each cell's doubts (a tuple of `gkbg.Doubt`, empty when sure).
        locations: Each cell's `Location`, or None.
    """

    __slots__ = ("_cells", "_positions", "doubts", "keys", "locations", "raws", "states", "values")

    keys: tuple[str, ...]
    states: tuple[CellState, ...]
    values: tuple[Value | None, ...]
    raws: tuple[str | None, ...]
    doubts: tuple[tuple[Doubt, ...], ...]
    locations: tuple[Location | None, ...]

    def __init__(  # noqa: PLR0917 - one argument per field of a cell
        self,
        keys: tuple[str, ...],
        states: tuple[CellState, ...],
        values: tuple[Value | None, ...],
        raws: tuple[str | None, ...],
        doubts: tuple[tuple[Doubt, ...], ...],
        locations: tuple[Location | None, ...],
        *,
        positions: Mapping[str, int] | None = None,
    ) -> None:
        """The columns of one table, each a tuple as long as ``keys``.

        Args:
            keys: Each cell's key.
            states: Each cell's state.
            values: Each cell's number.
            raws: Each cell's text.
            doubts: Each cell's doubts, already `Doubt` objects.
            locations: Each cell's location.
            positions: The position of each key, when known (a form's `TableForm.positions`,
                for cells in the form's order); otherwise made when first needed.
        """
        count = len(keys)
        if not (len(states) == len(values) == len(raws) == len(doubts) == len(locations) == count):
            raise ValueError("the columns of a table must be as long as each other")
        self.keys = keys
        self.states = states
        self.values = values
        self.raws = raws
        self.doubts = doubts
        self.locations = locations
        self._positions = positions
        self._cells: tuple[Cell, ...] | None = None

    @classmethod
    def of(cls, cells: Iterable[Cell]) -> Columns:
        """The columns of ``cells`` (which are kept, to be given back by `Columns.cells`)."""
        made = tuple(cells)
        for cell in made:
            if not isinstance(cell, Cell):
                raise TypeError(f"a table holds Cell objects, not {type(cell).__name__}")
        if not made:
            return _NO_COLUMNS
        keys, states, values, raws, uncertain, locations = zip(
            *[
                (cell.key, cell.state, cell.value, cell.raw, cell.uncertain, cell.location)
                for cell in made
            ],
            strict=True,
        )
        columns = cls(keys, states, values, raws, uncertain, locations)
        columns._cells = made
        return columns

    def __len__(self) -> int:
        return len(self.keys)

    def cells(self) -> tuple[Cell, ...]:
        """The cells as `Cell` objects, made on the first call and kept."""
        made = self._cells
        if made is None:
            made = tuple(
                [
                    Cell(*fields)
                    for fields in zip(
                        self.keys,
                        self.states,
                        self.values,
                        self.raws,
                        self.doubts,
                        self.locations,
                        strict=True,
                    )
                ]
            )
            self._cells = made
        return made

    def cell(self, index: int) -> Cell:
        """The cell at ``index`` (the one `cells` holds, when they were made)."""
        made = self._cells
        if made is not None:
            return made[index]
        return Cell(
            self.keys[index],
            self.states[index],
            self.values[index],
            self.raws[index],
            self.doubts[index],
            self.locations[index],
        )

    def index(self, key: str) -> int | None:
        """The position of the first cell of key ``key``; None when there is none."""
        positions = self._positions
        if positions is None:
            first: dict[str, int] = {}
            for position, name in enumerate(self.keys):
                first.setdefault(name, position)
            positions = self._positions = first
        return positions.get(key)

    def _fields(self) -> tuple[tuple[object, ...], ...]:
        return (self.keys, self.states, self.values, self.raws, self.doubts, self.locations)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not Columns:
            return NotImplemented
        return self is other or self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __reduce__(self) -> tuple[object, ...]:
        """The tuples alone: neither the cells made nor the index travel in a pickle."""
        return (Columns, self._fields())

    def __repr__(self) -> str:
        return f"<Columns: {_counts(self)}>"


_NO_COLUMNS = Columns((), (), (), (), (), ())


class _CellsField:
    """`Table.cells`: stored as `Columns`, read as a tuple of `Cell` made on first access.

    It stands in for the slot attrs makes for the field, so that the field is still declared
    (``attrs.fields(Table)``, cattrs, `attrs.evolve`, the JSON schema) while the table holds
    its cells compactly. Given a `Columns`, it stores it; given cells, their `Columns`.
    """

    def __init__(self, slot: Any) -> None:  # noqa: ANN401 - the slot's member descriptor
        self.slot = slot

    def __set__(self, table: Table, cells: Iterable[Cell] | Columns) -> None:
        columns = cells if isinstance(cells, Columns) else Columns.of(cells)
        self.slot.__set__(table, columns)

    @overload
    def __get__(self, table: None, owner: type[Table]) -> _CellsField: ...
    @overload
    def __get__(self, table: Table, owner: type[Table]) -> tuple[Cell, ...]: ...
    def __get__(self, table: Table | None, owner: type[Table]) -> _CellsField | tuple[Cell, ...]:
        if table is None:
            return self
        columns: Columns = self.slot.__get__(table, owner)
        return columns.cells()


@attrs.frozen(repr=False, eq=False)
class Table:
    """One of the three statutory tables as read from a report.

    The cells are held compactly (`gkbg.Columns`, one tuple per field); ``cells``
    makes the `Cell` objects when first read. Two tables are equal when their keys, forms and
    cells are.

    Attributes:
        key: ``active``, ``applications`` or ``appeals``.
        variant: The form this table was printed in, or None when the table was not found.
        cells: Every cell of that form's table, in reading order; empty when not found.
    """

    key: str
    variant: str | None
    cells: tuple[Cell, ...] = ()

    @classmethod
    def from_columns(cls, key: str, variant: str | None, columns: Columns) -> Table:
        """A table holding ``columns``, without making a `Cell` (what the alignment builds)."""
        return cls(key, variant, columns)  # type: ignore[arg-type]  # (stored as it is)

    @property
    def columns(self) -> Columns:
        """The cells as one tuple per field: read without making `Cell` objects."""
        columns: Columns = _CELLS_SLOT.__get__(self, Table)
        return columns

    @property
    def found(self) -> bool:
        """Whether the report printed this table at all."""
        return self.variant is not None

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Table)  # noqa: S101 - for the type checker
        return (
            self.key == other.key
            and self.variant == other.variant
            and self.columns == other.columns
        )

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self) -> int:
        return hash((Table, self.key, self.variant, self.columns))

    def __getstate__(self) -> dict[str, object]:
        """The key, the form and the `Columns` (which pickle without what was made from them)."""
        return {"key": self.key, "variant": self.variant, "cells": self.columns}

    def __setstate__(self, state: Mapping[str, Any]) -> None:
        for name in ("key", "variant", "cells"):
            object.__setattr__(self, name, state[name])

    def __repr__(self) -> str:
        """``<Table applications 2021: 100 cells, 0 unread>``: short (the cells are many)."""
        if not self.found:
            return f"<Table {self.key}: not found>"
        return f"<Table {self.key} {self.variant}: {_counts(self.columns)}>"


_CELLS_SLOT: Any = Table.__dict__["cells"]
setattr(Table, "cells", _CellsField(_CELLS_SLOT))  # noqa: B010 - replacing attrs' slot


@attrs.frozen(repr=False)
class Report:
    """A report's statistical tables and what is known about the report.

    Attributes:
        tables: The three tables, in the order `gkbg.TABLES` lists them.
        variant: The form of table 二 (the report's form); when table 二 is absent, the form
            of the first table found; None when no table was found.
        year: The report year, or None when the report does not say.
        agency: The publishing body, or None when the report does not name itself.
        title: The title as printed, or None.
        text: The report's text outside the tables (for the narrative checks).
        source: The file name; ``<bytes>`` or ``<text>`` for a document given as bytes or
            text; None for a report built by hand.
        format: The name of the parser that read it (``pipe``, ``text``).
    """

    tables: tuple[Table, ...]
    variant: str | None
    year: int | None = None
    agency: str | None = None
    title: str | None = None
    text: str = attrs.field(default="", repr=False)
    source: str | None = None
    format: str | None = None

    def __attrs_post_init__(self) -> None:
        keys = tuple(table.key for table in self.tables)
        if keys != TABLES:
            raise ValueError(f"a report has the tables {TABLES}, not {keys}")

    def __repr__(self) -> str:
        """``<Report 2021 淮安市人民政府 2024: 3 tables, 200 cells, 0 unread>``, and the source.

        Short, because a notebook stores it beside the HTML view; the cells are in
        ``report.cells()``, ``report.to_pandas()`` and `gkbg.to_json`.
        """
        variants = "/".join(sorted({v for v in self.variants.values() if v})) or "no form"
        about = " ".join(
            [variants, self.agency or "(agency not named)", str(self.year or "(year unknown)")]
        )
        found = sum(table.found for table in self.tables)
        tables = f"{found} table" if found == 1 else f"{found} tables"
        source = f"; {self.source}" if self.source else ""
        every = _joined([table.columns for table in self.tables])
        return f"<Report {about}: {tables}, {_counts(every)}{source}>"

    def table(self, key: str) -> Table:
        """One of the three tables by key."""
        for table in self.tables:
            if table.key == key:
                return table
        raise KeyError(f"no table {key!r}; the tables are {', '.join(TABLES)}")

    @property
    def variants(self) -> dict[str, str | None]:
        """Each table's own form (None for a table not found)."""
        return {table.key: table.variant for table in self.tables}

    def iter_cells(self) -> Iterator[Cell]:
        """Every cell of every table found, in reading order."""
        for table in self.tables:
            yield from table.cells

    def cells(self) -> dict[str, Value | None]:
        """Canonical key to value (None when blank, invalid or unread), for every cell read."""
        values: dict[str, Value | None] = {}
        for table in self.tables:
            columns = table.columns
            values.update(zip(columns.keys, columns.values, strict=True))
        return values

    def cell(self, key: str) -> Cell:
        """One cell by its canonical key.

        Raises:
            KeyError: The key is not a cell of this report's tables (wrong form, table absent).
        """
        for table in self.tables:
            columns = table.columns
            index = columns.index(key)
            if index is not None:
                return columns.cell(index)
        raise KeyError(f"no cell {key!r} in this report (forms: {self.variants})")

    def show_cell(
        self,
        key: str,
        result: CheckResult | None = None,
        *,
        lang: Lang | None = None,
    ) -> Any:  # noqa: ANN401 - a gkbg.CellView, which the output stage defines
        """The cell ``key`` to look at: framed on its PDF page and in the tables.

        In Jupyter, ``report.show_cell("applications.received.total")`` shows the page the
        cell was read on (for a PDF whose file is still at `source`) with the cell in red and
        its row and column in blue, else the tables with the cell framed; see
        `gkbg.show_cell`.

        Args:
            key: The cell's key.
            result: A check result whose findings to mark in the tables as well.
            lang: The language of the tables' captions and notes; by default from the locale.

        Raises:
            KeyError: The report has no cell ``key``.
        """
        return VIEWS.show_cell(self, key, result, lang=lang or default_lang())

    def uncertain_cells(self) -> tuple[Cell, ...]:
        """The cells the parser is not sure of, with the reasons in `Cell.uncertain`."""
        return tuple(
            table.columns.cell(index)
            for table in self.tables
            for index, uncertain in enumerate(table.columns.doubts)
            if uncertain
        )

    def to_pandas(self, *, wide: bool = False) -> Any:  # noqa: ANN401 - a pandas.DataFrame
        """The cells as a pandas DataFrame (needs ``gkbg[pandas]``); see `gkbg.cells_frame`.

        Args:
            wide: False for the long form (one row per cell, with its official labels, value,
                printed text and doubts); True for one row with a column per cell key.
        """
        return VIEWS.cells_frame(self, wide=wide)

    def _repr_html_(self) -> str:
        """The three tables in their form's layout, failing cells marked (for Jupyter)."""
        return VIEWS.report_html(self)


def _joined(parts: list[Columns]) -> Columns:
    """The columns of several tables as one (for counting)."""
    return Columns(
        *(tuple(item for part in parts for item in getattr(part, name)) for name in _FIELDS)
    )


_FIELDS = ("keys", "states", "values", "raws", "doubts", "locations")
