# SPDX-License-Identifier: MIT
"""A scanned cell read as the engine's next candidate when only that makes the statute hold.

The OCR engine reads each character as the likeliest of its character set, and rates the
others too: where it read a 9, it may have given a 6 some chance. The scan reader keeps those
candidates (`Token.readings`, from ``gkbg.read.scan.ocr``). When a relation of the statute
(`statute_relations`) fails on a scanned table, the candidates are tried, and the statute's
arithmetic may choose among them, exactly as it chooses between the readings of digits run
together (``gkbg.align.runs``):

- the combinations of the cells' readings (each cell as read, or one of its candidates) under
  which every relation of the table holds are searched for;
- none: the cells stay as read, and the checks report the relation as printed (a real error
  of the report is never explained away; ``gkbg.align.misreads`` then points at the cells one
  confused digit would put right);
- one, or several that agree on a cell: that cell is read as the candidate they give, and
  says so (``ocr.chosen``, naming the relations that decided);
- several that differ on a cell: that cell stays as read and is flagged
  (``ocr.candidates_open``): none is guessed.

A digit the engine did not propose is never chosen; a cell whose every relation holds as read
is never changed. Only reports read by OCR go through this (`Layout.ocr`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from gkbg.core.model import CellState
from gkbg.core.reasons import Doubt
from gkbg.core.relations import read_values, statute_relations
from gkbg.core.schema import forms

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from decimal import Decimal

    from gkbg.core.model import Location, Report, Table
    from gkbg.core.relations import Relation

__all__ = ["MAX_COMBINATIONS", "choose_candidates"]

MAX_COMBINATIONS = 100_000
"""The search for combinations of candidates stops after this many steps: the cells then stay
as read (and ``gkbg.align.misreads`` flags what it can)."""

# At most this many combinations are kept (enough to see which cells they differ on).
_MAX_SOLUTIONS = 64


class _TooManyError(Exception):
    """The search went past `MAX_COMBINATIONS`."""


def choose_candidates(report: Report, readings: Mapping[Location, Sequence[str]]) -> Report:
    """The report with the engine's candidates chosen where only they make the statute hold.

    ``readings`` gives, for the location of each scanned cell whose digits the engine had
    other candidates for, those other readings (`Token.readings`).
    """
    if not readings:
        return report
    tables = tuple(_table(table, readings) for table in report.tables)
    return attrs.evolve(report, tables=tables)


def _table(table: Table, readings: Mapping[Location, Sequence[str]]) -> Table:
    if table.variant is None or not table.cells:
        return table
    form = forms()[table.variant].table(table.key)
    values = read_values(table)
    options: dict[str, list[int]] = {}
    unread: set[str] = set()  # read as no number, with candidates that are numbers
    for cell in table.cells:
        others = readings.get(cell.location) if cell.location is not None else None
        if not others or cell.raw is None:
            continue
        found = [int(text) for text in others if text.isascii() and text.isdigit()]
        if not found:
            continue
        if cell.state is CellState.INVALID:
            options[cell.key] = list(dict.fromkeys(found))
            unread.add(cell.key)
        elif isinstance(cell.value, int) and cell.raw.strip() == str(cell.value):
            options[cell.key] = [cell.value, *dict.fromkeys(found)]
    known = set(values) | unread
    relations = [r for r in statute_relations(form) if r.keys <= known]
    broken = [r for r in relations if r.keys <= values.keys() and not r.holds(values)]
    # a cell read as no number counts only where a relation can tell its reading
    unread = {key for key in unread if any(key in (*r.left, *r.right) for r in relations)}
    for key in set(options) - set(values) - unread:
        del options[key]
    if not broken and not unread:
        return table
    base = {**values, **{key: options[key][0] for key in unread}}
    try:
        solutions = _solutions(relations, base, options)
    except _TooManyError:
        return table
    if not solutions:
        return table
    raws = {cell.key: (cell.raw or "").strip() for cell in table.cells}
    doubts: dict[str, tuple[int | None, Doubt]] = {}
    for key, choices in options.items():
        seen = {solution[key] for solution in solutions}
        printed = values.get(key)
        if seen == {printed}:
            continue
        if len(seen) == 1:
            (chosen,) = seen
            decided = [r for r in broken if key in (*r.left, *r.right)] or [
                r for r in relations if key in (*r.left, *r.right)
            ]
            doubt = Doubt.of(
                "ocr.chosen", text=raws[key], reading=str(chosen), relations=_names(decided)
            )
            doubts[key] = (chosen, doubt)
        else:
            candidates = choices if key in unread else choices[1:]
            doubt = Doubt.of(
                "ocr.candidates_open",
                text=raws[key],
                relations=_names(broken or relations),
                readings=", ".join(repr(str(value)) for value in candidates),
            )
            doubts[key] = (None, doubt)
    if not doubts:
        return table
    cells = []
    for cell in table.cells:
        if cell.key not in doubts:
            cells.append(cell)
            continue
        value, doubt = doubts[cell.key]
        uncertain = (*cell.uncertain, doubt)
        if value is None or value == cell.value:  # kept as read
            cells.append(attrs.evolve(cell, uncertain=uncertain))
            continue
        chosen_cell = attrs.evolve(
            cell, state=CellState.VALUE, value=value, raw=str(value), uncertain=uncertain
        )
        cells.append(chosen_cell)
    return attrs.evolve(table, cells=tuple(cells))


def _solutions(
    relations: Sequence[Relation],
    values: dict[str, int | Decimal],
    options: dict[str, list[int]],
) -> list[dict[str, int]]:
    """The choices of ``options`` (a value for each cell) under which every relation holds.

    The other cells are at ``values``; at most `_MAX_SOLUTIONS` are found.

    Raises:
        _TooManyError: The search took more than `MAX_COMBINATIONS` steps.
    """
    order = [key for key in options if any(key in (*r.left, *r.right) for r in relations)]
    position = {key: index for index, key in enumerate(order)}
    # each relation is tested once the last of its cells with candidates is chosen
    due: dict[int, list[Relation]] = {}
    for relation in relations:
        last = max((position.get(key, -1) for key in (*relation.left, *relation.right)), default=-1)
        if last < 0:
            if not relation.holds(values):
                return []  # broken, and no candidate of any of its cells: nothing can help
            continue
        due.setdefault(last, []).append(relation)
    trial = dict(values)
    found: list[dict[str, int]] = []
    steps = 0

    def search(depth: int) -> None:
        nonlocal steps
        if len(found) >= _MAX_SOLUTIONS:
            return
        if depth == len(order):
            found.append({key: int(trial[key]) for key in order})
            return
        key = order[depth]
        for value in options[key]:
            steps += 1
            if steps > MAX_COMBINATIONS:
                raise _TooManyError
            trial[key] = value
            if all(relation.holds(trial) for relation in due.get(depth, ())):
                search(depth + 1)
        trial[key] = values[key]

    search(0)
    for key in options.keys() - set(order):
        for solution in found:
            solution[key] = int(values[key])
    return found


def _names(relations: Sequence[Relation]) -> str:
    return ", ".join(dict.fromkeys(relation.rule for relation in relations))
