# SPDX-License-Identifier: MIT
"""The order in which a table's text prints its column header, for the reading by order.

The reading by order (`gkbg.align.order`) reads a row's values in the form's column order. A
web page's table may print its columns in another order (总计 first, the organisations
reordered), and text made of the page (a crawler's, a browser's dump, a converter's) keeps the
header's words before the values, in the page's order. When the words of a block's column
labels, as printed before the table's first value, name its columns in another order than the
form's, the values of the block's rows are in the header's order, not the form's:

- when the header names every column of the block once, each row's values are moved to the
  columns the header gives them, and each moved cell says so (`order.header_columns`);
- when it names only some, in an order the form's contradicts, where each value belongs is not
  known: the block's cells placed by order are unread (`order.header_unknown`).

A header with two levels (``自然人 | 法人或其他组织 | 总计`` over ``商业企业 | 科研机构 | …``)
flattens to its first level and then its second. Where the spanning label stands among the
columns outside it, and the order of the columns under it, count only when the text names
them by whole labels, all cells or all words of one line: text taken from a PDF places a label
spanning two header rows, or one wrapped over two lines, above or below its neighbours. The
columns under a spanning label whose order the text does not tell are read in the form's
order where the two orders disagree, flagged (`order.header_members`). A label broken over two
lines (``商业`` / ``企业``, or a cell's lines in a table drawn over lines) is matched as one.

A header naming some of a block's columns and no other (a page lacking a column) reads each row
by the header when the row prints as many numbers as it names columns
(`order.header_subset`, the columns it lacks `order.header_no_column`); a padding cell among
the row's cells is then no cell. Other rows are unread (`order.header_count`), but for a row
printing every column of the form in a header whose named columns agree with the form's order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from gkbg.align.grid import role_matcher
from gkbg.align.order import Placed, Reading
from gkbg.core.reasons import Doubt
from gkbg.core.text import label_key
from gkbg.read.layout import TokenKind, token_line

if TYPE_CHECKING:
    from collections.abc import Sequence

    from gkbg.core.schema import Block, TableForm
    from gkbg.read.layout import Token

__all__ = ["follow_header"]

# Doubts of a placement that does not read a row's values in their printed order: such a
# reading cannot be moved column by column.
_NOT_ROW_ORDER = frozenset(
    {"order.late_column", "order.chosen_layout", "order.rival_layouts", "grid.packed"}
)


_CELL = -1  # the "line" of a column named by a cell of cell-delimited text (`_Header`)
_WRAP_LINES = 3  # the most lines a header cell's label is looked for below its first line


class _Header(NamedTuple):
    """The words of a table's header.

    ``words``: column keys and spanning labels (``group:`` + label) in printed order.
    ``lines``: for each column named by a whole label (one word, or one cell's lines), the line
    it stands on; `_CELL` for a cell of cell-delimited text, whose cells are in printed order
    whatever their lines. ``laid_out``: the words have places on a page (a PDF).
    """

    words: list[str]
    lines: dict[str, int]
    laid_out: bool = False


def _header_words(tokens: Sequence[Token], form: TableForm) -> _Header:
    """The column keys and spanning labels printed before the first value."""
    match = role_matcher(form.variant, form.key).match
    groups = {
        label_key(column.group): column.group
        for block in form.blocks
        for column in block.columns
        if column.group
    }
    header = _Header([], {}, laid_out=False)
    texts: list[str] = []
    lines: list[int | None] = []
    # Where each text stands in cell-delimited text: its line and its cell's place in the line.
    places: list[tuple[int, int] | None] = []
    line_cells: dict[int, int] = {}
    laid_out = False
    for token in tokens:
        if token.kind is TokenKind.VALUE:
            break
        line = token_line(token)
        place = None
        if line is not None and token.cell:
            place = (line, line_cells.get(line, 0))
            line_cells[line] = place[1] + 1
        if token.kind is TokenKind.EMPTY:
            continue
        texts.append(token.text)
        lines.append(line)
        places.append(place)
        laid_out = laid_out or token.location.page is not None
    below = {place: index for index, place in enumerate(places) if place is not None}
    skip: set[int] = set()
    for index, text in enumerate(texts):
        if index in skip:
            continue
        found = match(text)
        target = found.target if found is not None else None
        whole = True
        if target is None:
            for rest in _rest_of_label(index, places, below, skip):
                # A label broken over two lines (商业 / 企业): the next text, or in a table
                # drawn over lines (pandoc's grid tables), the text in the same cell below.
                joined = match(text + texts[rest])
                if joined is not None and joined.target.startswith("col:"):
                    target = joined.target
                    skip.add(rest)
                    here, there = places[index], places[rest]
                    whole = here is not None and there is not None and here[1] == there[1]
                    break
        if target is not None and target.startswith("col:"):
            header.words.append(target)
            line = _CELL if places[index] is not None else lines[index]
            if whole and line is not None:
                header.lines[target.removeprefix("col:")] = line
        elif label_key(text) in groups:
            word = f"group:{groups[label_key(text)]}"
            header.words.append(word)
            line = _CELL if places[index] is not None else lines[index]
            if line is not None:
                header.lines[word] = line
    return header._replace(laid_out=laid_out)


def _rest_of_label(
    index: int,
    places: list[tuple[int, int] | None],
    below: dict[tuple[int, int], int],
    skip: set[int],
) -> list[int]:
    """Where the rest of the text at ``index`` may stand, if it is a label broken over lines."""
    found: list[int] = []
    place = places[index]
    if place is not None:
        line, cell = place
        for next_line in range(line + 1, line + 1 + _WRAP_LINES):
            rest = below.get((next_line, cell))
            if rest is not None and rest not in skip:
                found.append(rest)
                break
    if index + 1 < len(places) and index + 1 not in skip and index + 1 not in found:
        found.append(index + 1)
    return found


def _printed_order(words: list[str], block: Block) -> list[str] | None:
    """The block's column keys in the header's order, expanded from its two levels.

    None when the header's words are not the block's, or name a column twice.
    """
    columns = {column.key: column for column in block.columns}
    keys = [word.removeprefix("col:") for word in words if word.startswith("col:")]
    if not keys or not set(keys) <= set(columns) or len(set(keys)) != len(keys):
        return None
    top: list[str] = []
    members: dict[str, list[str]] = {}
    for word in words:
        if word.startswith("group:"):
            group = word.removeprefix("group:")
            if group in members:
                return None
            members[group] = []
            top.append(word)
            continue
        key = word.removeprefix("col:")
        group_of = columns[key].group
        if group_of is None:
            top.append(key)
            continue
        if group_of not in members:
            members[group_of] = []
            top.append(f"group:{group_of}")
        members[group_of].append(key)
    order: list[str] = []
    for entry in top:
        order.extend(
            members[entry.removeprefix("group:")] if entry.startswith("group:") else [entry]
        )
    return order


def _in_form_order(order: list[str], block: Block) -> bool:
    """Whether the header names the columns outside any spanning label in the form's order.

    Those columns (自然人, 总计) span every row of the header and stand on one line of text.
    Neither where a spanning label stands among them nor the order of the columns under it is
    compared: text taken from a PDF puts a label spanning two header rows above or below its
    neighbours, and a label wrapped over two lines (``社会公`` / ``益组织``) before or after one
    that is not.
    """
    group_of = {column.key: column.group for column in block.columns}
    printed = [key for key in order if group_of[key] is None]
    return printed == [column.key for column in block.columns if column.key in printed]


def follow_header(tokens: Sequence[Token], reading: Reading) -> Reading:
    """The reading with each row of a block moved to the order its printed header gives.

    ``reading`` is the reading by order of ``tokens``; it is changed in place and returned.
    """
    form = reading.form
    if form.across:
        # Printed across (四): its labels repeat in every group; its text is in the form's order.
        return reading
    header = _header_words(tokens, form)
    if not header.words:
        return reading
    for block_index, block in enumerate(form.blocks):
        if len(block.columns) < 2:
            continue
        order = _printed_order(header.words, block)
        if order is None:
            continue
        if header.laid_out:
            # A page laid out (a PDF): its words' reading order follows where each stands, and
            # a header's labels spanning or wrapped over rows stand above or below the others.
            if not _in_form_order(order, block):
                full = len(order) == len(block.columns)
                _move(reading, block_index, block, order if full else None)
            continue
        if len(order) < len(block.columns):
            _follow_short_header(reading, block_index, block, order)
            continue
        if not _in_form_order(order, block):
            _move(reading, block_index, block, order)
            continue
        form_order = [column.key for column in block.columns]
        members = _members_in_printed_order(order, block)
        told = _members_told_apart(header, block, members)
        target = order if _group_told_apart(header, block) else members
        if not told:
            target = _members_in_form_order(target, block)
        if target != form_order:
            _move(reading, block_index, block, target)
        if not told:
            _doubt_members(reading, block_index, block, members)
    return reading


def _group_told_apart(header: _Header, block: Block) -> bool:
    """Whether the text tells where a spanning label stands among the columns outside it.

    So when the label and those columns are named by whole labels, all cells of
    cell-delimited text or all words of one line: a PDF's text puts a label spanning two
    header rows on a line of its own, above or below them.
    """
    words = [f"group:{group}" for group in {column.group for column in block.columns} if group]
    words += [column.key for column in block.columns if column.group is None]
    return all(word in header.lines for word in words) and (
        len({header.lines[word] for word in words}) == 1
    )


def _members_in_form_order(order: list[str], block: Block) -> list[str]:
    """``order`` with the columns under each spanning label in the form's order."""
    group_of = {column.key: column.group or "" for column in block.columns}
    taken = {
        group: iter([column.key for column in block.columns if column.group == group])
        for group in set(group_of.values())
        if group
    }
    return [next(taken[group_of[key]]) if group_of[key] else key for key in order]


def _members_in_printed_order(order: list[str], block: Block) -> list[str]:
    """The form's columns, those under each spanning label in the order the header prints."""
    printed: dict[str | None, list[str]] = {}
    for column in sorted(block.columns, key=lambda column: order.index(column.key)):
        printed.setdefault(column.group, []).append(column.key)
    taken = {group: iter(keys) for group, keys in printed.items()}
    return [
        column.key if column.group is None else next(taken[column.group])
        for column in block.columns
    ]


def _members_told_apart(header: _Header, block: Block, members: list[str]) -> bool:
    """Whether a spanning label's members printed out of order are told apart by the text.

    So when each is named by a whole label, all cells of cell-delimited text or all words of
    one line (a web page's header as text), not pieced together from words a PDF's text wraps
    over lines and sets above or below their neighbours.
    """
    moved = [
        key
        for key, column in zip(members, block.columns, strict=True)
        if column.group is not None and key != column.key
    ]
    group_of = {column.key: column.group for column in block.columns}
    for group in {group_of[key] for key in moved}:
        keys = [column.key for column in block.columns if column.group == group]
        if not all(key in header.lines for key in keys):
            return False
        if len({header.lines[key] for key in keys}) != 1:
            return False
    return True


def _doubt_members(reading: Reading, block_index: int, block: Block, members: list[str]) -> None:
    """Flag each cell read by order in a column whose member the header prints elsewhere.

    The header's order of a spanning label's members is no evidence there, nor is the form's
    (`order.header_members`).
    """
    form = reading.form
    first = next(i for i, cell in enumerate(form.cells) if cell.block == block_index)
    width = len(block.columns)
    for position, (key, column) in enumerate(zip(members, block.columns, strict=True)):
        if key == column.key or column.group is None:
            continue
        doubt = Doubt.of("order.header_members", group=column.group, label=column.label)
        for row in range(len(block.rows)):
            index = first + row * width + position
            placed = reading.placed.get(index)
            if placed is not None:
                reading.placed[index] = Placed(placed.item, (*placed.uncertain, doubt))


def _follow_short_header(
    reading: Reading, block_index: int, block: Block, order: list[str]
) -> None:
    """Each row of a block whose printed header names fewer columns than the form's.

    The page may lack a column (its table 三 without 法律服务机构), and a row's padding cell
    (an empty cell beside its label, or the next line's) then lines up with its numbers as if
    the row were complete. A row printing every column of the form keeps its reading when the
    columns the header names outside a spanning label stand in the form's order (a label the
    header wraps over lines may go unmatched) and its numbers are printed apart, not digits
    run together that the form's columns split. Any other row placed by order is read by the
    header when it prints as many numbers as the header names columns (or none: a row of empty
    cells), the columns the header does not name unread (`order.header_no_column`); otherwise
    its cells are unread (`order.header_count`; `order.header_unknown` when the header's
    columns contradict the form's order).
    """
    form = reading.form
    first = next(i for i, cell in enumerate(form.cells) if cell.block == block_index)
    width = len(block.columns)
    position = {column.key: p for p, column in enumerate(block.columns)}
    in_form_order = _in_form_order(order, block)
    for row in range(len(block.rows)):
        cells = range(first + row * width, first + (row + 1) * width)
        placed = [reading.placed.get(index) for index in cells]
        if all(p is None for p in placed):
            continue
        values = [p for p in placed if p is not None and p.item.kind == "value"]
        if in_form_order and len(values) == width and not any(map(_split_run, values)):
            continue
        plain = all(
            p is not None and p.item.kind in {"value", "empty"} and _in_row_order(p) for p in placed
        )
        if plain and not values:  # a row of empty cells: the header's columns are blank
            values = [p for p in placed if p is not None][: len(order)]
        for index in cells:
            reading.placed.pop(index, None)
        if not plain or len(values) != len(order):
            doubt = (
                Doubt.of("order.header_count", numbers=len(values), count=len(order))
                if in_form_order
                else Doubt.of("order.header_unknown")
            )
            for index, p in zip(cells, placed, strict=True):
                if p is not None:
                    reading.unread[index] = doubt
            continue
        for key, moved in zip(order, values, strict=True):
            doubt = Doubt.of(
                "order.header_subset",
                count=len(order),
                width=width,
                label=block.columns[position[key]].label,
            )
            reading.placed[first + row * width + position[key]] = Placed(
                moved.item, (*moved.uncertain, doubt)
            )
        for column in block.columns:
            if column.key not in order:
                reading.unread[first + row * width + position[column.key]] = Doubt.of(
                    "order.header_no_column", label=column.label
                )


def _split_run(placed: Placed) -> bool:
    """Whether a placement is a part of digits run together, split for the form's columns."""
    return any(doubt.code.startswith("run.") for doubt in placed.uncertain)


def _in_row_order(placed: Placed) -> bool:
    """Whether a placement read its row's values in their printed order, as they stand.

    Not so for a layout's guess, nor for digits run together, whose split the relations chose
    for the form's columns (``run.*``): moved to other columns, the choice would not hold.
    """
    return not any(
        doubt.code in _NOT_ROW_ORDER or doubt.code.startswith("run.") for doubt in placed.uncertain
    )


def _move(reading: Reading, block_index: int, block: Block, order: list[str] | None) -> None:
    """Each row of the block read in the printed ``order`` (None: unknown, left unread)."""
    form = reading.form
    first = next(i for i, cell in enumerate(form.cells) if cell.block == block_index)
    width = len(block.columns)
    position = {column.key: p for p, column in enumerate(block.columns)}
    for row in range(len(block.rows)):
        cells = range(first + row * width, first + (row + 1) * width)
        placed = [reading.placed.get(index) for index in cells]
        movable = order is not None and all(p is not None and _in_row_order(p) for p in placed)
        for index, p in zip(cells, placed, strict=True):
            reading.placed.pop(index, None)
            if not movable and p is not None:
                reading.unread[index] = Doubt.of("order.header_unknown")
        if not movable or order is None:
            continue
        for key, moved in zip(order, placed, strict=True):
            if moved is None:  # (a movable row has every cell placed)
                continue
            doubt = Doubt.of("order.header_columns", label=block.columns[position[key]].label)
            reading.placed[first + row * width + position[key]] = Placed(
                moved.item, (*moved.uncertain, doubt)
            )
