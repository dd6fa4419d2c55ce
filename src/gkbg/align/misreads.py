# SPDX-License-Identifier: MIT
"""Digits an OCR engine may have misread, found by the statute's arithmetic.

An engine reads a printed 9 as a 6, a 1 as a 7, a 0 as an 8 now and then, and is sure of it:
no confidence score gives it away. The statute's relations (`statute_relations`) do: a
relation that fails on a scanned report, and would hold were one digit of one of its cells
read as the digit it is confused with (`CONFUSED`), without breaking a relation that holds,
names that cell as a possible misread. The cell is flagged (``ocr.arithmetic``, naming the
relation and the other reading); its value is not changed. The relation stays broken and the
checks report it as printed: a report whose total really disagrees with its parts is never
repaired, and a reader of the finding sees that the cell may be misread.

Only reports read by OCR go through this (`Layout.ocr`): in a text layer, a digit is what the
producer wrote.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from gkbg.core.reasons import Doubt
from gkbg.core.relations import read_values, relations_within
from gkbg.core.schema import forms

if TYPE_CHECKING:
    from gkbg.core.model import Cell, Report, Table

__all__ = ["CONFUSED", "flag_misreads"]

_PAIRS: tuple[tuple[str, str], ...] = tuple(
    (pair[0], pair[1]) for pair in ("06", "08", "09", "17", "38", "56", "58", "68", "69")
)

CONFUSED: dict[str, str] = {
    digit: "".join(
        sorted({b for a, b in _PAIRS if a == digit} | {a for a, b in _PAIRS if b == digit})
    )
    for digit in "0123456789"
}
"""For each digit, the digits an OCR engine confuses it with (either way): a cell read with
one may have been printed with the other."""


def flag_misreads(report: Report) -> Report:
    """The report with each cell that a broken relation names as a possible misread flagged."""
    tables = tuple(_table(table) for table in report.tables)
    return attrs.evolve(report, tables=tables)


def _table(table: Table) -> Table:
    if table.variant is None or not table.cells:
        return table
    form = forms()[table.variant].table(table.key)
    values = read_values(table)
    relations = relations_within(form, values.keys())
    broken = [relation for relation in relations if not relation.holds(values)]
    if not broken:
        return table
    cells = {cell.key: cell for cell in table.cells}
    # for each cell, each other reading and the broken relations it would make hold
    found: dict[str, dict[int, list[str]]] = {}
    for relation in broken:
        for key in dict.fromkeys((*relation.left, *relation.right)):
            for reading in _readings(cells[key]):
                trial = {**values, key: reading}
                if not relation.holds(trial):
                    continue
                if any(
                    other.holds(values) and not other.holds(trial)
                    for other in relations
                    if key in other.left or key in other.right
                ):
                    continue
                names = found.setdefault(key, {}).setdefault(reading, [])
                if relation.rule not in names:
                    names.append(relation.rule)
    doubts = {
        key: [
            Doubt.of(
                "ocr.arithmetic",
                text=cells[key].raw or "",
                reading=str(reading),
                relation=", ".join(names),
            )
            for reading, names in readings.items()
        ]
        for key, readings in found.items()
    }
    if not doubts:
        return table
    return attrs.evolve(
        table,
        cells=tuple(
            attrs.evolve(cell, uncertain=(*cell.uncertain, *doubts[cell.key]))
            if cell.key in doubts
            else cell
            for cell in table.cells
        ),
    )


def _readings(cell: Cell) -> list[int]:
    """The other numbers the cell's printed digits read as, one digit confused at a time."""
    raw = (cell.raw or "").strip()
    if not raw.isascii() or not raw.isdigit() or str(cell.value) != raw:
        return []
    found: list[int] = []
    for index, digit in enumerate(raw):
        for other in CONFUSED.get(digit, ""):
            text = raw[:index] + other + raw[index + 1 :]
            if len(text) > 1 and text.startswith("0"):
                continue
            found.append(int(text))
    return found
