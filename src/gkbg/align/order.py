# SPDX-License-Identifier: MIT
"""Placement by reading order: the cells of one table in one form, from its tokens in order.

The grid (`gkbg.align.grid`) places the values whose row and column the source states; this
module reads every table of the text formats, and the cells a grid leaves. The steps:

a. *Row labels.* A row label followed directly by its row's values fixes that row.
b. *Reading order.* When the whole table's values number exactly its cells (after reading glued
   zeros such as ``00`` as two cells, if and only if that makes the count fit), the values are
   read in the form's order. Text laid out differently (a column printed after its own header,
   as PDF copy-paste does) yields other candidate readings; the one the text's labels support
   best wins, and every cell whose placement depends on that choice is marked uncertain. A
   reading that contradicts a row fixed in (a) is rejected.
c. *Trailing cells.* In cell-delimited text, a table whose values all follow its headers is read
   from its last cells, so blank cells keep their places.
d. *Segments.* Otherwise the values between two fixed rows fill the rows in between when their
   number fits; where it does not, those cells are left unread, with the reason.
e. *Runs.* In text that runs a value into a label (no space between), when (a) to (c) cannot read
   the table, it is read again with steps (a) and (d) taking a run of digits after a row's label
   (or between two fixed rows) for all the cells it may stand for; `gkbg.align.runs` reads such
   runs every way the form allows and lets the statute's relations choose, flagging what they
   leave undecided.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import operator
from typing import TYPE_CHECKING, Literal, NamedTuple

import attrs

from gkbg.align.grid import role_matcher, several_numbers
from gkbg.align.runs import Run, can_split, run_together, solve
from gkbg.align.stacks import stacked, stacks_order
from gkbg.core.reasons import Doubt
from gkbg.core.relations import relations_within
from gkbg.core.schema import forms
from gkbg.core.text import label_key, read_value
from gkbg.read.layout import Token, TokenKind

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Sequence
    from decimal import Decimal

    from gkbg.core.schema import TableForm
    from gkbg.core.statements import Stated

__all__ = ["Item", "ItemKind", "Placed", "Reading", "new_item", "read_by_order"]


ItemKind = Literal["label", "value", "empty", "text"]


class Item(NamedTuple):
    """A token as one form's alignment sees it (a tuple: one is made per token and form)."""

    kind: ItemKind
    token: Token
    target: str | None = None
    part: int = 0
    parts: int = 1


new_item: Callable[[tuple[str, Token, str | None, int, int]], Item] = functools.partial(
    tuple.__new__, Item
)


class Placed(NamedTuple):
    """A cell's item, and why its placement may be wrong (empty when it is sure)."""

    item: Item
    uncertain: tuple[Doubt, ...] = ()


@attrs.define
class Reading:
    """One table read in one form: its placed and unread cells, by index in the form.

    ``evidence`` counts the rows the source's own labels fixed. ``runs`` holds the value tokens
    that stand for several cells in run-together text (`gkbg.align.runs`), each with the index of
    its last item, until they are solved.
    """

    form: TableForm
    placed: dict[int, Placed] = attrs.field(factory=dict)
    unread: dict[int, Doubt] = attrs.field(factory=dict)
    evidence: int = 0
    runs: list[tuple[Run, int]] = attrs.field(factory=list)

    @property
    def complete(self) -> bool:
        """Whether every cell of the form is placed."""
        return len(self.placed) == len(self.form.cells)

    @property
    def decided(self) -> int:
        """The cells placed, less those the fewest broken relations chose between readings.

        Printed numbers that fit a form only by breaking its relations (`run.chosen_fewest`) are
        no evidence for the form: another form may read the same characters with none broken.
        """
        return sum(
            not any(doubt.code == "run.chosen_fewest" for doubt in placed.uncertain)
            for placed in self.placed.values()
        )


def _items(tokens: Sequence[Token], form: TableForm) -> list[Item]:
    match = role_matcher(form.variant, form.key).match
    value, empty = TokenKind.VALUE, TokenKind.EMPTY
    items: list[Item] = []
    append = items.append
    new = new_item  # one C call per item: Item(kind, token, target), defaults written out
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


def _split_glued(items: list[Item], cell_count: int) -> list[Item]:
    """Read each ``00`` as two cells when, and only when, that makes the values fit the cells."""
    values = [item.token for item in items if item.kind == "value"]
    extra = sum(_glued(token) - 1 for token in values if len(token.text) > 1)
    if extra == 0 or len(values) + extra != cell_count:
        return items
    split: list[Item] = []
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


def _read_rows_by_label(
    items: list[Item], reading: Reading, *, cells: bool, split: bool = False
) -> set[str]:
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
                items, index, width, cells=cells, blank_rows=not reading.form.across, split=split
            )
            if (
                slots is not None
                and all(slot.kind == "empty" for slot in slots)
                and _cut_short(items[index], reading.form)
            ):
                # A label cut short over empty cells: the label broken over two rows, its rest
                # and the row's values on the next. Not a row of blanks.
                continue
            if slots is not None and len(slots) < width:
                cells_of_row = tuple(range(start, stop))
                run = Run(cells_of_row, tuple(slot.token for slot in slots))
                reading.runs.append((run, index + len(slots)))
                fixed.add(row.key)
                position = index + 1
            elif slots is not None:
                for offset, slot in enumerate(slots):
                    reading.placed[start + offset] = Placed(slot)
                fixed.add(row.key)
                position = index + 1
    return fixed


def _packed_cell(items: Sequence[Item]) -> Item | None:
    """The first cell of ``items`` printing several numbers (``0 937``), if any."""
    return next(
        (item for item in items if item.kind == "text" and several_numbers(item.token)), None
    )


def _value_outside_grid(values: Iterable[Item]) -> bool:
    """Whether some of the value items are cells of a grid and others are not.

    A number printed outside the table whose other numbers are its cells (a note's number,
    ``7（含自然失效3件）`` above the table) is no cell of it, and may stand for none.
    """
    inside = {item.token.cell for item in values}
    return len(inside) == 2


def _blank_among_values(items: Sequence[Item]) -> bool:
    """Whether a grid row of ``items`` prints an empty cell between two numbers.

    Such a row prints fewer numbers than cells: counting the numbers alone then tells nothing
    of which rows they fill (the count may fit by chance, as a row that prints more makes up).
    """
    last: dict[tuple[int | None, int | None], str] = {}
    gap: set[tuple[int | None, int | None]] = set()
    for item in items:
        if not item.token.cell or item.kind not in {"value", "empty"}:
            continue
        where = item.token.location
        row = (where.table_index, where.row_index)
        if item.kind == "empty":
            if last.get(row) == "value":
                gap.add(row)
        elif row in gap:
            return True
        last[row] = item.kind
    return False


def _cut_short(item: Item, form: TableForm) -> bool:
    """Whether a label item is only the beginning of its label."""
    found = role_matcher(form.variant, form.key).match(item.token.text)
    return found is not None and found.partial


def _row_label_cell(item: Item) -> bool:
    """Whether an item is text in the first cell of a row of the source's grid."""
    return item.kind == "text" and item.token.cell and item.token.location.col_index == 0


def _slots_after(
    items: list[Item], index: int, width: int, *, cells: bool, blank_rows: bool, split: bool
) -> list[Item] | None:
    slots: list[Item] = []
    for position, item in enumerate(itertools.islice(items, index + 1, None), index + 1):
        if len(slots) == width:
            if not cells and not split and item.kind == "value":
                # More values than the row has after its label, in text: a PDF's text that
                # lists the labels of a block and then its values column by column, or two
                # rows' values column by column after one label (``（七）总计 0 21 0 0 …``).
                # Whose they are is known by order only (`_read_segments`).
                return None
            # In cell-delimited text, a value right after a full row, or further on in the
            # same row of the source's grid (after empty cells), means the row holds more cells
            # than the form (a merged label written out as separate cells, a conversion's stray
            # empty cells): ambiguous.
            if cells and (item.kind == "value" or _value_later_in_row(items, position, slots)):
                return None
            break
        if _row_label_cell(item):
            break  # the first cell of the next row of a grid: that row's label, not a value
        if (
            item.kind == "value"
            or (cells and item.kind == "empty")
            or (cells and item.kind == "text" and item.token.cell)
        ):
            if item.kind == "text" and several_numbers(item.token):
                # A cell printing several numbers (``0 937``): the row holds more numbers than
                # its cells, and which cell each is, is not known from the order.
                return None
            slots.append(item)
        else:
            break
    # In run-together text, fewer values than cells may stand for them all (`gkbg.align.runs`).
    if (
        split
        and len(slots) < width
        and all(slot.kind == "value" and not slot.part for slot in slots)
        and can_split([slot.token for slot in slots], width)
    ):
        return slots
    # Padding after a merged header cell looks like a row of blank cells, and the rest of a
    # header broken over lines (pandoc's ``结果`` / ``纠正``) like a row of words: where row
    # labels are headers, a row is fixed by its label only when one of its cells is a value.
    if len(slots) != width or (not blank_rows and all(slot.kind != "value" for slot in slots)):
        return None
    if (
        cells
        and all(slot.kind == "empty" for slot in slots)
        and _unlabelled_values_next(items, index)
    ):
        # A row of empty cells right before a row of the grid that prints numbers and no label:
        # the label may stand apart from its numbers (a conversion that put them on a row of
        # their own); whose numbers they are is then known by order only (`_read_segments`).
        return None
    return slots


def _unlabelled_values_next(items: list[Item], index: int) -> bool:
    """Whether the grid row after that of the label at ``index`` prints numbers and no label.

    The label's own row must print nothing after it (empty cells, however many).
    """
    label_row = _grid_row(items[index])
    if None in label_row:
        return False
    position = index + 1
    for item in _in_row(items, position, label_row):
        if item.kind != "empty":
            return False
        position += 1
    if position == len(items):
        return False
    first = items[position]
    if not first.token.cell or first.kind != "empty" or first.token.location.col_index != 0:
        return False  # the next row begins with a label (or is no grid row)
    for item in _in_row(items, position, _grid_row(first)):
        if item.kind == "value":
            return True
        if item.kind in {"label", "text"}:
            return False
    return False


def _labels_trail(items: list[Item], form: TableForm) -> bool:
    """Whether the text may print rows' labels after their values, and no row's before them.

    ``pdftotext`` writes a row whose label is lower on the page than its numbers (a label cell
    centred over two lines) numbers first: ``427 18 84 规章 0 821 821 规范性文件``. Each label
    is then followed by the next row's values, so a label followed by a row's worth of values
    fixes nothing. The text says so when a row label is preceded by values that no row label
    comes before (the first row's values, after the header; fewer than its cells when one
    prints nothing), and no row label is followed by exactly a row's worth of values that no
    row label comes after (the last row's values, before what follows the table).
    """
    offsets = _row_offsets(form)
    match = role_matcher(form.variant, form.key).match

    def row_label(at: int) -> bool:
        # A row's label, or the first piece of one broken over two words (规范 / 性文件).
        if at < 0 or at >= len(items):
            return False
        if _row_label(items[at]):
            return True
        if items[at].kind != "text" or at + 1 >= len(items):
            return False
        found = match(items[at].token.text + items[at + 1].token.text)
        return found is not None and found.target.startswith("row:")

    trailing = leading = False
    for index, item in enumerate(items):
        if item.kind != "label" or not (item.target or "").startswith("row:"):
            continue
        start, stop = offsets[(item.target or "").removeprefix("row:")]
        width = stop - start
        before = index
        while before > 0 and items[before - 1].kind == "value":
            before -= 1
        if index > before and not row_label(before - 1) and not row_label(before - 2):
            trailing = True
        after = index + 1
        while after < len(items) and items[after].kind == "value":
            after += 1
        if after - index - 1 == width and not row_label(after):
            leading = True
    return trailing and not leading


def _row_label(item: Item) -> bool:
    return item.kind == "label" and (item.target or "").startswith("row:")


def _value_later_in_row(items: list[Item], position: int, slots: list[Item]) -> bool:
    """Whether the source's grid row of the last slot holds a value from ``position`` on."""
    row = _grid_row(slots[-1])
    return None not in row and any(item.kind == "value" for item in _in_row(items, position, row))


def _grid_row(item: Item) -> tuple[int | None, int | None]:
    """The table and row of the source's grid an item stands in (None where it is in none)."""
    where = item.token.location
    return where.table_index, where.row_index


def _in_row(items: list[Item], position: int, row: tuple[int | None, int | None]) -> Iterator[Item]:
    """The items from ``position`` on that stand in the source's grid row ``row``."""
    for item in itertools.islice(items, position, None):
        if _grid_row(item) != row:
            return
        yield item


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
    form: TableForm, items: list[Item], values: list[int]
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


def _columns_order(form: TableForm, items: list[Item], values: list[int]) -> list[int] | None:
    """The reading of a table whose text lists row labels, then their values column by column.

    A PDF's text extracted by columns gives a table so; None when the text is not so.

    Each part is the row labels not yet given values and the run of values after them: as many
    as the cells of the first of those rows that have one width (a block's columns). Each
    value's cell is then its column's (the ``n``-th stretch of as many values as rows) and its
    row's (its place in that stretch).
    """
    offsets = _row_offsets(form)
    value_at = {index: p for p, index in enumerate(values)}
    order: list[int | None] = [None] * len(values)
    rows: list[str] = []
    columnwise = False
    position = 0
    while position < len(items):
        item = items[position]
        if item.kind == "label" and (item.target or "").startswith("row:"):
            key = item.target.removeprefix("row:") if item.target else ""
            if key not in rows:
                rows.append(key)
            position += 1
            continue
        if item.kind != "value":
            position += 1
            continue
        run = []
        while position < len(items) and items[position].kind == "value":
            run.append(position)
            position += 1
        # The run is the values of the first rows of one width (the rows after them, of
        # another width, wait for the next run: a block of other columns).
        if not rows:
            return None
        width = offsets[rows[0]][1] - offsets[rows[0]][0]
        count = next(
            (n for n, key in enumerate(rows) if offsets[key][1] - offsets[key][0] != width),
            len(rows),
        )
        if len(run) != count * width:
            return None
        for n, index in enumerate(run):
            column, row = divmod(n, count)
            order[value_at[index]] = offsets[rows[row]][0] + column
        columnwise = columnwise or count > 1
        rows = rows[count:]
    placed = [cell for cell in order if cell is not None]
    if rows or not columnwise or sorted(placed) != list(range(len(values))):
        return None
    return placed


def _broken(form: TableForm, items: list[Item], values: list[int], order: list[int]) -> int:
    """How many of the statute's relations on the form a reading breaks."""
    read: dict[str, int | Decimal] = {}
    for p, cell_index in enumerate(order):
        cell = form.cells[cell_index]
        number = read_value(items[values[p]].token.text, cell.kind).value
        if number is not None:
            read[cell.key] = number
    return sum(not relation.holds(read) for relation in relations_within(form, read.keys()))


def _score(form: TableForm, items: list[Item], values: list[int], order: list[int]) -> int:
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


def _read_in_order(items: list[Item], reading: Reading, fixed: set[str]) -> bool:
    """Step (b): every value in reading order, choosing among layouts. False if it cannot."""
    form = reading.form
    values = [index for index, item in enumerate(items) if item.kind == "value"]
    if (
        len(values) != len(form.cells)
        or _packed_cell(items) is not None
        or _value_outside_grid(items[index] for index in values)
    ):
        # (A cell printing several numbers, or a number printed outside the grid that holds
        # the others, makes the count fit by chance only.)
        return False
    scored = []
    for order, late_label in _candidate_orders(form, items, values):
        bonus = 1 if late_label else 0
        scored.append((_score(form, items, values, order) + bonus, order, late_label))
    # (A table printed across is one row of the page: its text is in the form's order.)
    columns = None if form.across else _columns_order(form, items, values)
    if columns is not None:
        scored.append((_score(form, items, values, columns), columns, None))
    # Values stacked column by column over several rows (`gkbg.align.stacks`).
    tokens = [item.token for item in items]
    by_order_only = False
    by_stacks = None if form.across else stacks_order(form, tokens, values)
    if by_stacks is not None and all(by_stacks != order for _, order, _ in scored):
        scored.append((_score(form, items, values, by_stacks), by_stacks, None))
    evidence = max(score for score, _, _ in scored)
    if not form.across and stacked(tokens, values):
        # Values stacked a number a line: a stack may be a row's numbers or a column's over
        # several rows, and the labels beside them tell neither (a label may follow its
        # numbers, a placeholder its row's label): no layout wins by its labels; only the
        # relations may choose one. One layout alone is read by order only (flagged), and
        # only when it breaks none of the relations.
        if len({tuple(order) for _, order, _ in scored}) == 1:
            if _broken(form, items, values, scored[0][1]):
                return False
            by_order_only = True
        scored = [(0, order, late_label) for _, order, late_label in scored]
    best_score = max(score for score, _, _ in scored)
    best = next(entry for entry in scored if entry[0] == best_score)
    _, order, late_label = best
    rivals = [o for s, o, _ in scored if s == best_score and o != order]
    chosen: Doubt | None = None
    if rivals:
        # Orders the labels cannot tell apart: the one order in which the fewest of the
        # statute's relations break, if there is one, is chosen (and says so).
        tied = [order, *rivals]
        broken = [_broken(form, items, values, candidate) for candidate in tied]
        fewest = min(broken)
        if fewest == 0 and broken.count(fewest) == 1:
            order = tied[broken.index(fewest)]
            rivals = []
            chosen = Doubt.of("order.chosen_layout", broken=fewest)
    placement = {order[p]: items[values[p]] for p in range(len(order))}
    for cell_index, item in placement.items():
        row = form.cells[cell_index].row.key
        if row in fixed and reading.placed[cell_index].item != item:
            return False
    identity_item = {p: items[values[p]] for p in range(len(order))}
    for cell_index, item in placement.items():
        reasons: list[Doubt] = []
        if late_label and identity_item[cell_index] != item:
            reasons.append(Doubt.of("order.late_column", label=late_label))
        if chosen is not None and identity_item.get(cell_index) != item:
            reasons.append(chosen)
        if any(rival.index(cell_index) != order.index(cell_index) for rival in rivals):
            # Its value differs between orders nothing tells apart: none is guessed.
            reading.unread[cell_index] = _RIVAL_LAYOUTS
            continue
        if (rivals or by_order_only) and form.cells[cell_index].row.key not in fixed:
            # The same in every such order, none of which the relations confirm: by order only.
            reasons.append(_LABEL_APART)
        reading.placed[cell_index] = Placed(item, tuple(reasons))
    reading.evidence += evidence
    return True


def _read_trailing(items: list[Item], reading: Reading) -> bool:
    """Step (c): cell-delimited tables whose values all follow the last label."""
    last_label = max((i for i, item in enumerate(items) if item.kind == "label"), default=-1)
    tail = [item for item in items[last_label + 1 :] if item.token.cell]
    count = len(reading.form.cells)
    if (
        len(tail) < count
        or any(item.kind != "empty" for item in tail[:-count])
        or _packed_cell(tail) is not None
    ):
        return False
    for index, item in enumerate(tail[-count:]):
        reading.placed[index] = Placed(item)
    return True


def _read_segments(
    items: list[Item], reading: Reading, fixed: set[str], *, split: bool = False
) -> None:
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
        if offsets[key][0] in reading.placed
    }
    for found, last in reading.runs:
        last_used[form.cells[found.cells[0]].row.key] = last
    run: list[str] = []
    after = -1
    for key in [*rows, None]:
        if key is not None and key not in fixed:
            run.append(key)
            continue
        if run:
            before = label_at.get(key, len(items)) if key is not None else len(items)
            _fill_run(items, reading, run, after, before, split=split)
            run = []
        if key is not None:
            after = last_used[key]


def _fill_run(
    items: list[Item], reading: Reading, run: list[str], after: int, before: int, *, split: bool
) -> None:
    form = reading.form
    offsets = _row_offsets(form)
    cell_indices = [i for key in run for i in range(*offsets[key])]
    values = [item for item in items[after + 1 : before] if item.kind == "value"]
    tokens = [item.token for item in values]
    # A run of digits fills only rows whose labels the text prints: a form's rows that are not
    # in the text (another form's table) are not filled from digits that fit them by chance.
    printed = {item.target for item in items if item.kind == "label"}
    if (
        split
        and all(f"row:{key}" in printed for key in run)
        and not any(item.part for item in values)
        and can_split(tokens, len(cell_indices))
    ):
        last = max(i for i in range(after + 1, before) if items[i].kind == "value")
        reading.runs.append((Run(tuple(cell_indices), tuple(tokens)), last))
        return
    labels = ", ".join(form.cells[offsets[key][0]].row.label for key in run)
    several = _packed_cell(items[after + 1 : before])
    outside = _value_outside_grid(values)
    if several is not None:
        # The rows' numbers include a cell printing several: their order does not place them.
        reason = Doubt.of("order.packed_rows", text=several.token.text, labels=labels)
    elif outside and len(values) == len(cell_indices):
        text = next(item.token.text for item in values if not item.token.cell)
        reason = Doubt.of("order.value_outside", text=text, labels=labels)
    elif len(values) == len(cell_indices) and not _blank_among_values(items[after + 1 : before]):
        # The values fill the rows by their order only when the text prints the labels of the
        # rows only this form has (apart from them): rows it does not print may be another
        # form's, filled by numbers that fit them by chance (a number printed outside its
        # table, say), which would make this form fit better than the one printed.
        if not _unprinted(items, form, run, printed):
            rival = _stacked_rows(items, form, run, after, before)
            for cell_index, item in zip(cell_indices, values, strict=True):
                if cell_index in rival:
                    reading.unread[cell_index] = _RIVAL_LAYOUTS
                else:
                    reading.placed[cell_index] = Placed(item, (_LABEL_APART,))
            return
        reason = Doubt.of("order.unprinted_rows", labels=labels)
    else:
        reason = Doubt.of(
            "order.count_mismatch", values=len(values), cells=len(cell_indices), labels=labels
        )
    for cell_index in cell_indices:
        reading.unread[cell_index] = reason


def _stacked_rows(
    items: list[Item], form: TableForm, run: list[str], after: int, before: int
) -> set[int]:
    """The cells of ``run`` whose values its stacked text may put elsewhere (`gkbg.align.stacks`).

    Values of several rows stacked column by column can be read row by row too: the cells that
    differ between the two readings, or every cell when the stacks tile no rows.
    """
    if len(run) < 2 or form.across:
        return set()
    tokens = [item.token for item in items]
    values = [i for i in range(after + 1, before) if items[i].kind == "value"]
    if not stacked(tokens, values):
        return set()
    keys = [row.key for row in form.rows]
    offsets = _row_offsets(form)
    cells = [i for key in run for i in range(*offsets[key])]
    order = stacks_order(form, tokens, values, [keys.index(key) for key in run])
    if order is None:
        return set(cells)
    return {cell for cell, other in zip(cells, order, strict=True) if cell != other}


@functools.cache
def _own_rows(form: TableForm) -> frozenset[str]:
    """The rows of ``form`` whose labels no other form's table of the same key prints."""
    others = {
        label_key(label)
        for other in forms().values()
        if other.variant != form.variant
        for table in other.tables
        if table.key == form.key
        for row in table.rows
        for label in (row.label, *row.aliases)
    }
    return frozenset(
        row.key
        for row in form.rows
        if not {label_key(label) for label in (row.label, *row.aliases)} & others
    )


def _unprinted(
    items: list[Item], form: TableForm, run: list[str], printed: set[str | None]
) -> bool:
    """Whether a row of ``run`` that only ``form`` has is printed nowhere in the text.

    A row counts as printed when a token is its label or when its label is in the text with the
    tokens joined (a label broken over lines: 行政 / 处罚).
    """
    own = [key for key in run if key in _own_rows(form) and f"row:{key}" not in printed]
    if not own:
        return False
    text = label_key("".join(item.token.text for item in items if item.kind in {"text", "label"}))
    labels = {row.key: row.label for row in form.rows}
    return any(label_key(labels[key]) not in text for key in own)


_IS_CELL = operator.attrgetter("cell")
_RIVAL_LAYOUTS = Doubt.of("order.rival_layouts")
_LABEL_APART = Doubt.of("order.label_apart")


def read_by_order(
    tokens: Sequence[Token],
    form: TableForm,
    said: Callable[[str], Sequence[Stated]] | None = None,
) -> Reading:
    """The cells of ``form`` read from ``tokens`` in order: steps a to e of this module.

    ``said`` gives, for a form, what the report's text states (asked only in step (e), for
    `gkbg.align.runs.solve`).
    """
    reading = Reading(form)
    items = _split_glued(_items(tokens, form), len(form.cells))
    cells = any(map(_IS_CELL, tokens))
    if not cells and _labels_trail(items, form):
        # Text that prints a row's values before its label: no label fixes the values after it.
        fixed: set[str] = set()
    else:
        fixed = _read_rows_by_label(items, reading, cells=cells)
    reading.evidence = len(fixed)
    if len(fixed) == len(form.rows):
        return reading
    if _read_in_order(items, reading, fixed):
        return reading
    if cells and not fixed and _read_trailing(items, reading):
        return reading
    if not cells and run_together(tokens):
        # Step (e): text that runs cells together, read again with runs of digits split.
        split = Reading(form)
        split_fixed = _read_rows_by_label(items, split, cells=cells, split=True)
        split.evidence = len(split_fixed)
        if len(split_fixed) < len(form.rows):
            _read_segments(items, split, split_fixed, split=True)
        if split.runs:
            return _solve_runs(split, said(form.variant) if said is not None else ())
    _read_segments(items, reading, fixed)
    return reading


def _solve_runs(reading: Reading, said: Sequence[Stated] = ()) -> Reading:
    """Step (e): the cells of run-together values, read as `gkbg.align.runs` allows."""
    if not reading.runs:
        return reading
    form = reading.form
    known: dict[int, int | Decimal] = {}
    for index, placed in reading.placed.items():
        item = placed.item
        if item.kind == "value":
            read = read_value("0" if item.parts > 1 else item.token.text, form.cells[index].kind)
            if read.state == "value" and read.value is not None:
                known[index] = read.value
    outcome = solve(form, [run for run, _ in reading.runs], known, said)
    for index, (token, doubts) in outcome.placed.items():
        reading.placed[index] = Placed(new_item(("value", token, None, 0, 1)), doubts)
    reading.unread.update(outcome.unread)
    reading.runs.clear()
    return reading
