# SPDX-License-Identifier: MIT
"""The one schema alignment: from a `Layout`'s tokens to the cells of the statutory tables.

Every parser ends here, so no format re-implements the statute. The steps:

1. **Sections.** The three tables are found in the token stream by their part headings,
   block captions, the corner note and first row labels; part 五/六 closes the last one.
2. **Form.** Each table is read in each form; the labels that only one form prints decide which
   form the table is in, and how well each form fits the values decides when no label does.
3. **Cells.** Values are placed by the form's structure, never by counting blindly. In a table
   whose tokens carry their grid position (HTML, DOCX, XLSX), ``gkbg.align.grid`` places each value
   at the row and column its labels name; the steps below read the cells it cannot place (each
   flagged uncertain), and every table of the text formats:

   a. *Row labels.* A row label followed directly by its row's values fixes that row.
   b. *Reading order.* When the whole table's values number exactly its cells (after reading
      glued zeros such as ``00`` as two cells, if and only if that makes the count fit), the
      values are read in the form's order. Text laid out differently (a column printed after its
      own header, as PDF copy-paste does) yields other candidate readings; the one the text's
      labels support best wins, and every cell whose placement depends on that choice is marked
      uncertain. A reading that contradicts a row fixed in (a) is rejected.
   c. *Trailing cells.* In cell-delimited text, a table whose values all follow its headers is
      read from its last cells, so blank cells keep their places.
   d. *Segments.* Otherwise the values between two fixed rows fill the rows in between when
      their number fits; where it does not, those cells are left unread, with the reason.

A printed number is never changed to make totals agree, and a blank is never read as 0.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import operator
from typing import TYPE_CHECKING, Literal, NamedTuple

import attrs

from gkbg.align.grid import GridReading, read_grid, role_matcher
from gkbg.align.metadata import extract_metadata
from gkbg.core.errors import NoTablesError
from gkbg.core.limits import DEFAULT_LIMITS
from gkbg.core.model import Cell, CellState, Report, Table
from gkbg.core.schema import TABLES, TableForm, forms
from gkbg.core.text import LabelMatcher, read_value
from gkbg.read.layout import Layout, Token, TokenKind, token_span
from gkbg.read.registry import parse_layout

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from gkbg.core.limits import Limits
    from gkbg.core.schema import ValueKind
    from gkbg.read.registry import ParserRegistry, Source

__all__ = ["build_report", "parse"]

_SECTION_END = "end"
_WEAK = "weak:"


# --------------------------------------------------------------------------------------------
# Vocabularies, built once from the forms.


@functools.cache
def _section_matcher() -> LabelMatcher:
    entries: list[tuple[str, str]] = []
    for form in forms().values():
        entries.extend((heading, _SECTION_END) for heading in form.parts[4:])
        for table in form.tables:
            entries.append((table.heading, table.key))
            first_block = table.blocks[0]
            if table.key == "active":
                entries.extend((b.caption, "active") for b in table.blocks if b.caption)
            elif table.key == "applications":
                entries.append((first_block.rows[0].label, table.key))
                if table.note:
                    entries.append((table.note, table.key))
                if first_block.header:
                    entries.append((first_block.header, table.key))
            else:
                # A bare 行政复议 also occurs in the text: it opens table 四 only after a table.
                entries.append((first_block.rows[0].label, _WEAK + table.key))
    return LabelMatcher(entries)


@functools.cache
def _evidence_matcher(table_key: str) -> LabelMatcher:
    """Every label of one table across the forms, matched to the forms that print it."""
    printed_by: dict[str, set[str]] = {}
    for variant, form in forms().items():
        table = form.table(table_key)
        labels = {table.heading, table.note}
        for block in table.blocks:
            labels.update((block.caption, block.header))
            for row in block.rows:
                labels.update((row.label, row.group, *row.aliases))
            for column in block.columns:
                labels.update((column.label, column.group, *column.aliases))
        for label in labels:
            if label:
                printed_by.setdefault(label, set()).add(variant)
    return LabelMatcher((label, " ".join(sorted(vs))) for label, vs in printed_by.items())


@functools.cache
def _distinct_forms(table_key: str) -> list[TableForm]:
    """One form's version of the table per distinct layout (table 四 is the same in all)."""
    seen: dict[tuple[object, ...], TableForm] = {}
    for form in forms().values():
        table = form.table(table_key)
        shape = tuple(
            (cell.key, cell.row.label, cell.column.label, cell.kind) for cell in table.cells
        )
        seen.setdefault(shape, table)
    return list(seen.values())


# --------------------------------------------------------------------------------------------
# Step 1: sections.


def _find_sections(tokens: Sequence[Token]) -> dict[str, tuple[int, int]]:
    matcher = _section_matcher()
    starts: dict[str, int] = {}
    end = len(tokens)
    for index, token in enumerate(tokens):
        if token.kind is not TokenKind.TEXT:
            continue
        found = matcher.match(token.text)
        if found is None:
            continue
        target = found.target.removeprefix(_WEAK)
        weak = found.target.startswith(_WEAK)
        if target == _SECTION_END:
            if "applications" in starts or "appeals" in starts:
                end = index
                break
            continue
        later = TABLES[TABLES.index(target) :]
        if any(t in starts for t in later):
            continue
        earlier = TABLES[: TABLES.index(target)]
        if weak and not any(t in starts for t in earlier):
            continue
        starts[target] = index
    if "appeals" in starts and end == len(tokens):
        end = _cell_run_end(tokens, starts["appeals"])
    sections: dict[str, tuple[int, int]] = {}
    ordered = sorted(starts.items(), key=lambda item: item[1])
    for position, (key, start) in enumerate(ordered):
        stop = ordered[position + 1][1] if position + 1 < len(ordered) else end
        sections[key] = (start, stop)
    return sections


def _cell_run_end(tokens: Sequence[Token], start: int) -> int:
    """In cell-delimited text, the last table ends at the first narrative token after a cell."""
    seen_cell = False
    for index in range(start, len(tokens)):
        if tokens[index].cell:
            seen_cell = True
        elif seen_cell:
            return index
    return len(tokens)


# --------------------------------------------------------------------------------------------
# Step 3: cells.

_ItemKind = Literal["label", "value", "empty", "text"]


class _Item(NamedTuple):
    """A token as one form's alignment sees it (a tuple: one is made per token and form)."""

    kind: _ItemKind
    token: Token
    target: str | None = None
    part: int = 0
    parts: int = 1


_new_item: Callable[[tuple[str, Token, str | None, int, int]], _Item] = functools.partial(
    tuple.__new__, _Item
)


class _Placed(NamedTuple):
    item: _Item
    uncertain: tuple[str, ...] = ()


@attrs.define
class _Reading:
    form: TableForm
    placed: dict[int, _Placed] = attrs.field(factory=dict)
    unread: dict[int, str] = attrs.field(factory=dict)
    evidence: int = 0

    @property
    def complete(self) -> bool:
        return len(self.placed) == len(self.form.cells)


def _items(tokens: Sequence[Token], form: TableForm) -> list[_Item]:
    match = role_matcher(form.variant, form.key).match
    value, empty = TokenKind.VALUE, TokenKind.EMPTY
    items: list[_Item] = []
    append = items.append
    new = _new_item  # one C call per item: _Item(kind, token, target), defaults written out
    for token in tokens:
        kind = token.kind
        if kind is value:
            append(new(("value", token, None, 0, 1)))
        elif kind is empty:
            append(new(("empty", token, None, 0, 1)))
        else:
            found = match(token.text)
            if found is None:
                append(new(("text", token, None, 0, 1)))
            else:
                append(new(("label", token, found.target, 0, 1)))
    return items


def _glued(token: Token) -> int:
    """How many cells a glued run of zeros (``00``) may stand for; 1 for anything else."""
    text = token.text
    # All zeros: nothing is left when the zeros are stripped from both ends.
    return len(text) if len(text) > 1 and not text.strip("0") else 1


def _split_glued(items: list[_Item], cell_count: int) -> list[_Item]:
    """Read each ``00`` as two cells when, and only when, that makes the values fit the cells."""
    values = [item.token for item in items if item.kind == "value"]
    extra = sum(_glued(token) - 1 for token in values if len(token.text) > 1)
    if extra == 0 or len(values) + extra != cell_count:
        return items
    split: list[_Item] = []
    for item in items:
        parts = _glued(item.token) if item.kind == "value" else 1
        if parts == 1:
            split.append(item)
        else:
            split.extend(item._replace(part=p, parts=parts) for p in range(parts))
    return split


@functools.cache
def _row_offsets(form: TableForm) -> dict[str, tuple[int, int]]:
    offsets: dict[str, tuple[int, int]] = {}
    for index, cell in enumerate(form.cells):
        start, _ = offsets.get(cell.row.key, (index, index))
        offsets[cell.row.key] = (start, index + 1)
    return offsets


def _read_rows_by_label(items: list[_Item], reading: _Reading, *, cells: bool) -> set[str]:
    """Step (a): rows whose label is followed directly by their values. Returns their keys."""
    fixed: set[str] = set()
    offsets = _row_offsets(reading.form)
    # Where each label stands, so that finding a row's first label after a position is a
    # binary search rather than a scan of every item for every row.
    labelled: dict[str | None, list[int]] = {}
    for index, item in enumerate(items):
        if item.kind == "label":
            labelled.setdefault(item.target, []).append(index)
    position = 0
    for row in reading.form.rows:
        start, stop = offsets[row.key]
        width = stop - start
        at = labelled.get(f"row:{row.key}", [])
        first = bisect.bisect_left(at, position)
        if first < len(at):
            index = at[first]
            # In a table printed across (table 四) the row labels are headers, and the cells
            # after the last of them are padding, not a row of blanks.
            slots = _slots_after(
                items, index, width, cells=cells, blank_rows=not reading.form.across
            )
            if slots is not None:
                for offset, slot in enumerate(slots):
                    reading.placed[start + offset] = _Placed(slot)
                fixed.add(row.key)
                position = index + 1
    return fixed


def _slots_after(
    items: list[_Item], index: int, width: int, *, cells: bool, blank_rows: bool
) -> list[_Item] | None:
    slots: list[_Item] = []
    for item in itertools.islice(items, index + 1, None):
        if len(slots) == width:
            # In cell-delimited text, a value right after a full row means the row holds more
            # cells than the form (a merged label written out as separate cells): ambiguous.
            if cells and item.kind == "value":
                return None
            break
        if (
            item.kind == "value"
            or (cells and item.kind == "empty")
            or (cells and item.kind == "text" and item.token.cell)
        ):
            slots.append(item)
        else:
            break
    # Padding after a merged header cell looks like a row of blank cells: where row labels are
    # headers, a row is fixed by its label only when at least one of its cells holds something.
    if len(slots) != width or (not blank_rows and all(slot.kind == "empty" for slot in slots)):
        return None
    return slots


@functools.cache
def _block_ranges(form: TableForm) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    for index, cell in enumerate(form.cells):
        if cell.block == len(ranges):
            ranges.append((index, index + 1))
        else:
            ranges[cell.block] = (ranges[cell.block][0], index + 1)
    return ranges


def _deferred_order(
    form: TableForm, block: int, column: str, scope: Literal["block", "group"]
) -> list[int]:
    """Reading order with one column of one block printed after the rest of its scope."""
    order: list[int] = []
    for index, (start, stop) in enumerate(_block_ranges(form)):
        if index != block:
            order.extend(range(start, stop))
            continue
        scopes: list[list[int]] = []
        last_group: object = object()
        for cell_index in range(start, stop):
            cell = form.cells[cell_index]
            group = cell.row.group if scope == "group" else None
            if not scopes or group != last_group:
                scopes.append([])
                last_group = group
            scopes[-1].append(cell_index)
        for members in scopes:
            order.extend(i for i in members if form.cells[i].column.key != column)
            order.extend(i for i in members if form.cells[i].column.key == column)
    return order


def _candidate_orders(
    form: TableForm, items: list[_Item], values: list[int]
) -> list[tuple[list[int], str | None]]:
    """The readings worth considering: the form's order, and columns printed late."""
    candidates: list[tuple[list[int], str | None]] = [(list(range(len(form.cells))), None)]
    for block, (start, stop) in enumerate(_block_ranges(form)):
        first_item, last_item = values[start], values[stop - 1]
        late = {
            item.target.removeprefix("col:")
            for item in items[first_item + 1 : last_item]
            if item.kind == "label" and item.target and item.target.startswith("col:")
        }
        columns = {column.key: column for column in form.blocks[block].columns}
        for key in sorted(late & set(columns)):
            label = columns[key].label
            groups = {row.group for row in form.blocks[block].rows}
            scopes: list[Literal["block", "group"]] = ["block"]
            if len(groups) > 1:
                scopes.append("group")
            candidates.extend((_deferred_order(form, block, key, scope), label) for scope in scopes)
    return candidates


def _score(form: TableForm, items: list[_Item], values: list[int], order: list[int]) -> int:
    """How well the labels next to values agree with a reading."""
    cell_at = {values[p]: form.cells[order[p]] for p in range(len(order))}
    first_of_row: dict[str, int] = {}
    for p in range(len(order)):
        first_of_row.setdefault(form.cells[order[p]].row.key, values[p])
    score = 0
    for index, item in enumerate(items[:-1]):
        following = items[index + 1]
        if item.kind != "label" or following.kind != "value" or following.part:
            continue
        cell = cell_at.get(index + 1)
        target = item.target or ""
        if cell is None:
            continue
        if target.startswith("row:"):
            row = target.removeprefix("row:")
            score += 1 if cell.row.key == row and first_of_row.get(row) == index + 1 else -1
        elif target == f"col:{cell.column.key}":
            score += 1
    return score


def _read_in_order(items: list[_Item], reading: _Reading, fixed: set[str]) -> bool:
    """Step (b): every value in reading order, choosing among layouts. False if it cannot."""
    form = reading.form
    values = [index for index, item in enumerate(items) if item.kind == "value"]
    if len(values) != len(form.cells):
        return False
    scored = []
    for order, late_label in _candidate_orders(form, items, values):
        bonus = 1 if late_label else 0
        scored.append((_score(form, items, values, order) + bonus, order, late_label))
    best_score = max(score for score, _, _ in scored)
    best = next(entry for entry in scored if entry[0] == best_score)
    _, order, late_label = best
    rivals = [o for s, o, _ in scored if s == best_score and o != order]
    placement = {order[p]: items[values[p]] for p in range(len(order))}
    for cell_index, item in placement.items():
        row = form.cells[cell_index].row.key
        if row in fixed and reading.placed[cell_index].item != item:
            return False
    identity_item = {p: items[values[p]] for p in range(len(order))}
    for cell_index, item in placement.items():
        reasons: list[str] = []
        if late_label and identity_item[cell_index] != item:
            reasons.append(
                f"placed by layout: the column {late_label} is printed after its header, "
                "after the other columns, in the source text"
            )
        if any(rival.index(cell_index) != order.index(cell_index) for rival in rivals):
            reasons.append("two layouts of the source text fit its labels equally well")
        reading.placed[cell_index] = _Placed(item, tuple(reasons))
    reading.evidence += best_score
    return True


def _read_trailing(items: list[_Item], reading: _Reading) -> bool:
    """Step (c): cell-delimited tables whose values all follow the last label."""
    last_label = max((i for i, item in enumerate(items) if item.kind == "label"), default=-1)
    tail = [item for item in items[last_label + 1 :] if item.token.cell]
    count = len(reading.form.cells)
    if len(tail) < count or any(item.kind != "empty" for item in tail[:-count]):
        return False
    for index, item in enumerate(tail[-count:]):
        reading.placed[index] = _Placed(item)
    return True


def _read_segments(items: list[_Item], reading: _Reading, fixed: set[str]) -> None:
    """Step (d): fill the rows between fixed rows when the values between them fit."""
    form = reading.form
    offsets = _row_offsets(form)
    rows = [row.key for row in form.rows]
    label_at = {
        item.target.removeprefix("row:"): index
        for index, item in reversed(list(enumerate(items)))
        if item.kind == "label" and item.target and item.target.startswith("row:")
    }
    position = {id(item): index for index, item in enumerate(items)}
    last_used = {
        key: max(
            position[id(reading.placed[i].item)]
            for i in range(*offsets[key])
            if i in reading.placed
        )
        for key in fixed
    }
    run: list[str] = []
    after = -1
    for key in [*rows, None]:
        if key is not None and key not in fixed:
            run.append(key)
            continue
        if run:
            before = label_at.get(key, len(items)) if key is not None else len(items)
            _fill_run(items, reading, run, after, before)
            run = []
        if key is not None:
            after = last_used[key]


def _fill_run(
    items: list[_Item], reading: _Reading, run: list[str], after: int, before: int
) -> None:
    form = reading.form
    offsets = _row_offsets(form)
    cell_indices = [i for key in run for i in range(*offsets[key])]
    values = [item for item in items[after + 1 : before] if item.kind == "value"]
    if len(values) == len(cell_indices):
        reason = "placed by order: its row label is not next to its values"
        for cell_index, item in zip(cell_indices, values, strict=True):
            reading.placed[cell_index] = _Placed(item, (reason,))
        return
    labels = ", ".join(form.cells[offsets[key][0]].row.label for key in run)
    reason = (
        f"unread: {len(values)} values were found for the {len(cell_indices)} cells "
        f"of the rows {labels}, so none of them can be placed with certainty"
    )
    for cell_index in cell_indices:
        reading.unread[cell_index] = reason


_GRID_FALLBACK = (
    "placed by the reading order: the table's grid does not say which row and column this "
    "value is in"
)
_GRID_CONTRADICTED = (
    "unread: the table's grid does not place this cell, and reading the table in order "
    "contradicts the cells the grid places"
)


def _align(tokens: Sequence[Token], form: TableForm) -> _Reading:
    grid = read_grid(tokens, form)
    if grid is None:
        return _align_in_order(tokens, form)
    # The order-based reading only fills the cells the grid neither places nor shows unread:
    # when there are none (the common case for a grid), it is not needed.
    if all(index in grid.placed or index in grid.unread for index in range(len(form.cells))):
        return _with_grid(form, grid, _Reading(form))
    return _with_grid(form, grid, _align_in_order(tokens, form))


def _item(token: Token) -> _Item:
    kind = token.kind
    if kind is TokenKind.VALUE:
        return _new_item(("value", token, None, 0, 1))
    return _new_item(("empty" if kind is TokenKind.EMPTY else "text", token, None, 0, 1))


def _with_grid(form: TableForm, grid: GridReading, order: _Reading) -> _Reading:
    """The grid's placements; the order-based reading only where the grid says nothing."""
    reading = _Reading(form, evidence=grid.rows)
    for index, placement in grid.placed.items():
        reading.placed[index] = _Placed(_item(placement.token), placement.reasons)
    # Whether the two readings agree where both place a cell, and the tokens the grid places:
    # both needed only for a cell the order-based reading fills, so found when first needed.
    agrees: bool | None = None
    used: set[Token] | None = None
    for index in range(len(form.cells)):
        if index in reading.placed:
            continue
        if index in grid.unread:
            reading.unread[index] = grid.unread[index]
            continue
        fallback = order.placed.get(index)
        fits = False
        if fallback is not None and agrees is None:
            agrees = _agree(grid, order)
        if fallback is not None and agrees:
            if used is None:
                used = {placement.token for placement in grid.placed.values()}
            fits = fallback.item.token not in used
        if fits and fallback is not None:
            reasons = (*fallback.uncertain, _GRID_FALLBACK)
            reading.placed[index] = _Placed(fallback.item, reasons)
        elif index in grid.unplaced:
            reading.unread[index] = grid.unplaced[index]
        elif fallback is not None:
            reading.unread[index] = _GRID_CONTRADICTED
        elif index in order.unread:
            reading.unread[index] = order.unread[index]
    return reading


def _agree(grid: GridReading, order: _Reading) -> bool:
    """Whether the order-based reading places the grid's token wherever it places a cell."""
    # (A token is equal to itself: comparing the fields is needed only for two tokens.)
    return all(
        (token := order.placed[index].item.token) is placement.token or token == placement.token
        for index, placement in grid.placed.items()
        if index in order.placed
    )


_IS_CELL = operator.attrgetter("cell")


def _align_in_order(tokens: Sequence[Token], form: TableForm) -> _Reading:
    reading = _Reading(form)
    items = _split_glued(_items(tokens, form), len(form.cells))
    cells = any(map(_IS_CELL, tokens))
    fixed = _read_rows_by_label(items, reading, cells=cells)
    reading.evidence = len(fixed)
    if len(fixed) == len(form.rows):
        return reading
    if _read_in_order(items, reading, fixed):
        return reading
    if cells and not fixed and _read_trailing(items, reading):
        return reading
    _read_segments(items, reading, fixed)
    return reading


_STATES = {"value": CellState.VALUE, "blank": CellState.BLANK}


@functools.cache
def _cell_specs(form: TableForm) -> tuple[tuple[str, ValueKind], ...]:
    """Each cell's key and kind, in the form's order."""
    return tuple((spec.key, spec.kind) for spec in form.cells)


def _cells(reading: _Reading) -> tuple[Cell, ...]:
    placed, unread = reading.placed, reading.unread
    return tuple(
        [
            _cell(key, kind, placed.get(index), unread, index)
            for index, (key, kind) in enumerate(_cell_specs(reading.form))
        ]
    )


def _cell(
    key: str, kind: ValueKind, placed: _Placed | None, unread: dict[int, str], index: int
) -> Cell:
    if placed is None:
        reason = unread.get(index, "unread: no value could be placed in this cell")
        return Cell(key, CellState.UNREAD, uncertain=(reason,))
    item = placed.item
    token = item.token
    reasons = (*token.uncertain, *placed.uncertain)
    if item.kind == "empty":
        return Cell(key, CellState.BLANK, None, "", reasons, token.location)
    if item.kind == "text":
        return Cell(key, CellState.INVALID, None, token.text, reasons, token.location)
    text = token.text
    if item.parts > 1:
        text = "0"
        glued = (
            f"printed as {token.text!r}: read as {item.parts} cells of 0 glued together, "
            "because only then do the values fit the table"
        )
        reasons = (*reasons, glued)
    read = read_value(text, kind)
    if read.note and item.parts == 1:
        reasons = (*reasons, read.note)
    state = _STATES.get(read.state, CellState.INVALID)
    return Cell(key, state, read.value, token.text, reasons, token.location)


# --------------------------------------------------------------------------------------------
# Step 2 and the report.


def _evidence(tokens: Sequence[Token], table_key: str) -> dict[str, int]:
    matcher = _evidence_matcher(table_key)
    counts: dict[str, int] = {}
    previous: Token | None = None
    for token in tokens:
        if token.kind is TokenKind.TEXT:
            # A label broken over two tokens (行政 / 规范性文件) is evidence for the label it
            # makes whole, not for the label its second piece happens to be in another form.
            joined = matcher.match(previous.text + token.text) if previous is not None else None
            whole = joined is not None and joined.edits == 0 and not joined.partial
            found = joined if whole else matcher.match(token.text)
            if found is not None and " " not in found.target:
                counts[found.target] = counts.get(found.target, 0) + 1
        previous = token
    return counts


def _best_reading(
    tokens: Sequence[Token],
    candidates: Sequence[TableForm],
    prefer: str | None,
    *,
    every_form: bool = False,
) -> _Reading:
    """The reading of the candidate form that fits the tokens best.

    The forms are ranked by the labels only one form prints, then by how completely and how
    well each form's reading places the values. A form whose labels already rank it below
    another cannot win on its reading, so it is not read, unless ``every_form`` asks for the
    full search (the definition the shortcut is tested against).
    """
    evidence = _evidence(tokens, candidates[0].key)
    margins = []
    for form in candidates:
        others = max((n for v, n in evidence.items() if v != form.variant), default=0)
        margins.append(evidence.get(form.variant, 0) - others)
    best_margin = max(margins)
    ranked = []
    for form, margin in zip(candidates, margins, strict=True):
        if margin < best_margin and not every_form:
            continue
        reading = _align(tokens, form)
        fit = (
            margin,
            reading.complete,
            len(reading.placed),
            reading.evidence,
            form.variant == prefer,
        )
        ranked.append((fit, reading))
    ranked.sort(key=lambda entry: entry[0], reverse=True)
    return ranked[0][1]


def _read_table(tokens: Sequence[Token], table_key: str, prefer: str | None) -> Table:
    candidates = _distinct_forms(table_key)
    reading = _best_reading(tokens, candidates, prefer)
    form = reading.form
    variant = form.variant
    if len(candidates) == 1 and prefer is not None:
        variant = prefer
    return Table(table_key, variant, _cells(reading))


def build_report(layout: Layout) -> Report:
    """Align a layout to the statutory tables and read the report's metadata."""
    tokens = layout.tokens
    sections = _find_sections(tokens)
    tables: dict[str, Table] = {}
    prefer: str | None = None
    for key in ("active", "applications", "appeals"):
        if key not in sections:
            tables[key] = Table(key, None)
            continue
        start, stop = sections[key]
        table = _read_table(tokens[start:stop], key, prefer)
        tables[key] = table
        prefer = prefer or table.variant
    variant = next((t.variant for t in tables.values() if t.variant), None)
    metadata = extract_metadata(layout.text)
    report = Report(
        tables=tuple(tables[key] for key in TABLES),
        variant=variant,
        year=metadata.year,
        agency=metadata.agency,
        title=metadata.title,
        text=_narrative(layout, sections),
        source=layout.source,
        format=layout.format,
    )
    return _form_of_shared_tables(report)


@functools.cache  # the forms are loaded once (`forms`)
def _printed_alike(table_key: str) -> bool:
    """Whether every form prints the table alike (table 四): same cells, labels and kinds."""
    shapes = {
        tuple(
            (cell.key, cell.row.label, cell.column.label, cell.kind)
            for cell in form.table(table_key).cells
        )
        for form in forms().values()
    }
    return len(shapes) == 1


def _form_in_force(year: int | None) -> str | None:
    """The form for reports of ``year``; for no year, the form in force now."""
    if year is None:
        current = [variant for variant, form in forms().items() if form.last_year is None]
        return current[-1] if current else None
    return next((variant for variant, form in forms().items() if form.applies_to(year)), None)


def _form_of_shared_tables(report: Report) -> Report:
    """A report whose only tables every form prints alike takes the form of its year.

    Nothing printed tells the form of such a report (table 四 alone): rather than the first
    form, it is the form in force for the report year, or, for a report naming no year, the
    form in force now.
    """
    found = [table for table in report.tables if table.found]
    if not found or not all(_printed_alike(table.key) for table in found):
        return report
    variant = _form_in_force(report.year)
    if variant is None:
        return report
    tables = tuple(
        attrs.evolve(table, variant=variant) if table.found else table for table in report.tables
    )
    return attrs.evolve(report, tables=tables, variant=variant)


def _narrative(layout: Layout, sections: dict[str, tuple[int, int]]) -> str:
    """The document's text with the table sections cut out."""
    spans = sorted(
        span
        for start, stop in sections.values()
        if (span := token_span(layout.tokens[start:stop])) is not None
    )
    pieces: list[str] = []
    position = 0
    for start, stop in spans:
        pieces.append(layout.text[position:start])
        position = max(position, stop)
    pieces.append(layout.text[position:])
    return "\n".join(piece.strip() for piece in pieces if piece.strip())


def parse(
    source: Source,
    *,
    format: str | None = None,  # noqa: A002 - the name users expect
    registry: ParserRegistry | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Report:
    """Read a report's statistical tables and metadata.

    Args:
        source: A path (`str` or `os.PathLike`), the document's bytes, or its text as `str`. A
            one-line `str` that names an existing file, or ends in a document suffix such as
            ``.txt`` or ``.pdf``, is a path; any other `str` is the document's text.
        format: A format name (``"pdf"``, ``"html"``, ``"docx"``, ``"xlsx"``, ``"legacy"``,
            ``"pipe"``, ``"text"``, or one a plugin registered); by default the format is
            detected from the content.
        registry: The parsers to choose from; by default the built-in ones and those installed
            through the ``gkbg.parsers`` entry points.
        limits: How large the document may be (`Limits`); by default `Limits()`.

    Returns:
        The report. Cells the parser could not read with certainty say so in `Cell.uncertain`.

    Raises:
        DocumentError: The document cannot be read; the message names it and the cause. Its
            subclasses say more: `EmptyDocumentError`, `UnknownFormatError`, `NoTablesError`,
            `ScannedDocumentError`, `CorruptDocumentError`, `EncryptedDocumentError`,
            `EncodingError`, `UnsafeDocumentError`, `LimitExceededError`.
    """
    layout = parse_layout(source, format=format, registry=registry, limits=limits)
    report = build_report(layout)
    if not any(table.found for table in report.tables):
        raise NoTablesError(
            layout.source or "<document>",
            "none of the three statutory tables (二、主动公开, 三、收到和处理申请, "
            "四、行政复议和行政诉讼) was found in it",
        )
    return report
