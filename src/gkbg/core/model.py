# SPDX-License-Identifier: MIT
"""The report model: what a parser read, cell by cell, with where and how surely it read it.

Every class here is a frozen attrs class holding plain data (numbers, strings, tuples), so a
`Report` pickles, crosses process boundaries and round-trips through `gkbg.to_json`.
"""

from __future__ import annotations

import enum
from decimal import Decimal
from typing import TYPE_CHECKING

import attrs

from gkbg.core.lang import default_lang
from gkbg.core.reasons import Doubt, doubts
from gkbg.core.schema import TABLES
from gkbg.core.views import VIEWS

if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

    from gkbg.checks.findings import CheckResult
    from gkbg.core.lang import Lang

__all__ = ["Cell", "CellState", "Location", "Report", "Table", "Value"]

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


def _counts(cells: tuple[Cell, ...]) -> str:
    """``200 cells, 0 unread`` and, when there are any, the cells read with doubt."""
    unread = sum(cell.state is CellState.UNREAD for cell in cells)
    doubtful = sum(bool(cell.uncertain) for cell in cells)
    counted = f"{len(cells)} cell{'' if len(cells) == 1 else 's'}, {unread} unread"
    return counted + (f", {doubtful} with doubt" if doubtful else "")


@attrs.frozen(repr=False)
class Table:
    """One of the three statutory tables as read from a report.

    Attributes:
        key: ``active``, ``applications`` or ``appeals``.
        variant: The form this table was printed in, or None when the table was not found.
        cells: Every cell of that form's table, in reading order; empty when not found.
    """

    key: str
    variant: str | None
    cells: tuple[Cell, ...] = ()

    @property
    def found(self) -> bool:
        """Whether the report printed this table at all."""
        return self.variant is not None

    def __repr__(self) -> str:
        """``<Table applications 2021: 100 cells, 0 unread>``: short (the cells are many)."""
        if not self.found:
            return f"<Table {self.key}: not found>"
        return f"<Table {self.key} {self.variant}: {_counts(self.cells)}>"


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
        return f"<Report {about}: {tables}, {_counts(tuple(self.iter_cells()))}{source}>"

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
        return {cell.key: cell.value for cell in self.iter_cells()}

    def cell(self, key: str) -> Cell:
        """One cell by its canonical key.

        Raises:
            KeyError: The key is not a cell of this report's tables (wrong form, table absent).
        """
        for cell in self.iter_cells():
            if cell.key == key:
                return cell
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
        return tuple(cell for cell in self.iter_cells() if cell.uncertain)

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
