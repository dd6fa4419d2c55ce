# SPDX-License-Identifier: MIT
"""The statutory forms, loaded from the data files in ``gkbg/forms/``.

Every form (``2019``, ``2021``, and any later one) is one TOML file. Nothing in the library
names a row or a column of a particular form in code: parsers, checks, renderers and test
generators all read the objects built here.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping  # noqa: TC003 - resolved at run time by cattrs
from importlib import resources
from typing import TYPE_CHECKING, Literal

import attrs
import cattrs
from cattrs.errors import ClassValidationError

from gkbg.core.compat import tomllib
from gkbg.core.errors import FormError

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = [
    "TABLES",
    "Block",
    "CellSpec",
    "Column",
    "Form",
    "Row",
    "TableForm",
    "ValueKind",
    "form",
    "forms",
]

ValueKind = Literal["count", "signed", "amount"]
"""How a cell's text is read: a whole number >= 0, a signed whole number, or a decimal >= 0."""

TABLES: tuple[str, ...] = ("active", "applications", "appeals")
"""The three statutory tables, in the order a report prints them (parts 二, 三 and 四)."""


@attrs.frozen
class Column:
    """A column of a block, with its official label.

    Attributes:
        key: The column part of the cell key (``natural_person``).
        label: The official label, with full-width punctuation as the form prints it.
        en: A short English name.
        kind: How the cells of this column are read.
        aliases: Other labels seen in the wild.
        tags: Names of the column sets the rules refer to (``applicant``).
        group: The spanning header above this column, if any (``法人或其他组织``).
    """

    key: str
    label: str
    en: str
    kind: ValueKind = "count"
    aliases: tuple[str, ...] = ()
    tags: frozenset[str] = frozenset()
    group: str | None = None


@attrs.frozen
class Row:
    """A row of a block, with its official label.

    Attributes:
        key: The row part of the cell key; may have two parts (``denied.state_secret``).
        label: The official label.
        en: A short English name.
        aliases: Other labels seen in the wild.
        tags: Names of the row sets the rules refer to (``result``).
        group: The merged label the row sits under, if any (``（三）不予公开``).
    """

    key: str
    label: str
    en: str
    aliases: tuple[str, ...] = ()
    tags: frozenset[str] = frozenset()
    group: str | None = None


@attrs.frozen
class Block:
    """A rectangular part of a table: rows times columns, under one caption and header.

    Attributes:
        columns: The columns, in printing order.
        rows: The rows, in printing order.
        caption: The label printed beside the block (``第二十条第（一）项``), if any.
        header: The header over the block's row labels (``信息内容``), if any.
    """

    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    caption: str | None = None
    header: str | None = None


@attrs.frozen
class CellSpec:
    """One cell of a form: where it sits and how its text is read.

    Attributes:
        key: The canonical cell key (``applications.received.total``).
        table: The table's key (``applications``).
        block: The 0-based index of the cell's block in the table.
        row: The cell's row.
        column: The cell's column.
        kind: How the cell's text is read (the column's kind).
    """

    key: str
    table: str
    block: int
    row: Row
    column: Column
    # Read for every cell of every report: taken from the column once, when the form is built.
    kind: ValueKind = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "kind", self.column.kind)


@attrs.frozen(cache_hash=True)
class TableForm:
    """One statutory table as one form prints it.

    Attributes:
        key: ``active``, ``applications`` or ``appeals``.
        variant: The form this table belongs to (``2021``).
        heading: The part heading printed above the table.
        title_en: An English title.
        blocks: The blocks in printing order.
        note: A note printed in the table (the corner note of table 三).
        across: True when the rows are printed side by side in one physical row (table 四).
        cells: Every cell in reading order (block by block, row by row, column by column).
        rows: Every row of the table, in printing order.
        columns: Every distinct column of the table (the first of each key), in printing order.
        keys: Every cell's key, in reading order (`cell_keys`, made once).
        positions: The position of each cell key in reading order: the index by which a
            report's cell is found by its key.
    """

    key: str
    variant: str
    heading: str
    title_en: str
    blocks: tuple[Block, ...]
    note: str | None = None
    across: bool = False
    # Derived from the blocks once, when the form is built (the form is frozen), not on each use.
    cells: tuple[CellSpec, ...] = attrs.field(init=False, eq=False, repr=False)
    rows: tuple[Row, ...] = attrs.field(init=False, eq=False, repr=False)
    columns: tuple[Column, ...] = attrs.field(init=False, eq=False, repr=False)
    keys: tuple[str, ...] = attrs.field(init=False, eq=False, repr=False)
    positions: Mapping[str, int] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        cells = tuple(
            CellSpec(f"{self.key}.{row.key}.{column.key}", self.key, index, row, column)
            for index, block in enumerate(self.blocks)
            for row in block.rows
            for column in block.columns
        )
        object.__setattr__(self, "cells", cells)
        object.__setattr__(self, "rows", tuple(row for block in self.blocks for row in block.rows))
        seen: dict[str, Column] = {}
        for block in self.blocks:
            for column in block.columns:
                seen.setdefault(column.key, column)
        object.__setattr__(self, "columns", tuple(seen.values()))
        keys = tuple(cell.key for cell in cells)
        object.__setattr__(self, "keys", keys)
        positions = {key: index for index, key in enumerate(keys)}  # (read only)
        object.__setattr__(self, "positions", positions)

    def block_of(self, row_key: str) -> Block:
        """The block that holds a row."""
        for block in self.blocks:
            if any(row.key == row_key for row in block.rows):
                return block
        raise KeyError(row_key)

    def cell_keys(self) -> tuple[str, ...]:
        """The canonical key of every cell, in reading order."""
        return self.keys

    def printed_labels(self) -> frozenset[str]:
        """Every label the table prints, its rows' and columns' groups and aliases included."""
        labels: set[str | None] = {self.heading, self.note}
        for block in self.blocks:
            labels.update((block.caption, block.header))
            for row in block.rows:
                labels.update((row.label, row.group, *row.aliases))
            for column in block.columns:
                labels.update((column.label, column.group, *column.aliases))
        return frozenset(label for label in labels if label)


@attrs.frozen
class Form:
    """A version of the statutory report format (``2019`` or ``2021``).

    Attributes:
        variant: The form's name, used as ``Report.variant``.
        title: The official title of the format.
        document: The circular that issued it.
        first_year: The first report year the form applies to.
        last_year: The last report year it applies to, or None while it is in force.
        parts: The six part headings (一、总体情况 … 六、其他需要报告的事项).
        tables: The three tables, in printing order.
    """

    variant: str
    title: str
    document: str
    first_year: int
    parts: tuple[str, ...]
    tables: tuple[TableForm, ...]
    last_year: int | None = None

    def table(self, key: str) -> TableForm:
        """The form's version of one table."""
        for table in self.tables:
            if table.key == key:
                return table
        raise KeyError(key)

    def cells(self) -> Iterator[CellSpec]:
        """Every cell of the form, table by table, in reading order."""
        for table in self.tables:
            yield from table.cells

    def applies_to(self, year: int) -> bool:
        """Whether this form was the one in force for reports of ``year``."""
        return self.first_year <= year and (self.last_year is None or year <= self.last_year)


def _data_converter() -> cattrs.Converter:
    return cattrs.Converter(forbid_extra_keys=True)


def _with_table_variant(raw: dict[str, object]) -> dict[str, object]:
    tables = raw.get("tables")
    if isinstance(tables, list):
        for table in tables:
            if isinstance(table, dict):
                table.setdefault("variant", raw.get("variant"))
    return raw


def load_form(text: str, *, source: str = "<form>") -> Form:
    """Build a `Form` from the text of a form file.

    Raises:
        FormError: The text is not valid TOML or does not describe a form; the message names
            the file and the key at fault.
    """
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FormError(f"{source}: not valid TOML: {exc}") from exc
    try:
        built = _data_converter().structure(_with_table_variant(raw), Form)
    except ClassValidationError as exc:
        where = "; ".join(cattrs.transform_error(exc))
        raise FormError(f"{source}: not a valid form: {where}") from exc
    keys = [table.key for table in built.tables]
    if tuple(keys) != TABLES:
        raise FormError(f"{source}: tables must be {', '.join(TABLES)} in that order, not {keys}")
    return built


@functools.cache
def forms() -> Mapping[str, Form]:
    """Every form shipped with gkbg, by variant name, oldest first."""
    folder = resources.files("gkbg") / "forms"
    found = [
        load_form(entry.read_text(encoding="utf-8"), source=f"gkbg/forms/{entry.name}")
        for entry in folder.iterdir()
        if entry.name.endswith(".toml")
    ]
    found.sort(key=lambda f: f.first_year)
    return {f.variant: f for f in found}


def form(variant: str) -> Form:
    """The form called ``variant`` (``"2019"`` or ``"2021"``).

    Raises:
        KeyError: No such form; the message lists the known ones.
    """
    known = forms()
    try:
        return known[variant]
    except KeyError:
        raise KeyError(f"no form {variant!r}; known forms: {', '.join(known)}") from None
