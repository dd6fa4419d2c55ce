# SPDX-License-Identifier: MIT
"""Values stacked in text: a PDF's text that lists several rows' values column by column.

``pdftotext`` (poppler's default, not ``-layout``) writes a PDF's text block by block: a cell
of one row is a block of its own, but the cells of one column over several rows, when nothing
separates them on the page, are one block, a number a line. A table's values then come in
*stacks*: numbers alone on consecutive lines, each stack a column of as many rows as it is
high, the stacks of those rows one after the other, apart by a blank line::

    1        (the first column of ten rows)
    0
    …
    3

    0        (the second column of the same ten rows)
    0
    …

Read in the form's order, row after row, such values are silently wrong. This module gives the
reading the stacks say: each run of as many stacks of one height as the rows' cells is those
rows, column by column. It is one more candidate layout for the reading by order
(`gkbg.align.order`), which the labels and the statute's relations choose between; text whose
values are not stacked gives none.

Only text tokens' line numbers are used (`gkbg.core.model.Location.line`): the reader knows
nothing of the form, and no row or column of a form is named here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from gkbg.core.schema import TableForm
    from gkbg.read.layout import Token

__all__ = ["stacked", "stacks", "stacks_order"]


def _alone(tokens: Sequence[Token], index: int) -> bool:
    """Whether token ``index`` is alone on its line among ``tokens`` (its neighbours in order)."""
    line = tokens[index].location.line
    if line is None:
        return False
    before = tokens[index - 1].location.line if index > 0 else None
    after = tokens[index + 1].location.line if index + 1 < len(tokens) else None
    return line not in {before, after}


def _on_next_line(tokens: Sequence[Token], first: int, second: int) -> bool:
    """Whether token ``second`` is on the line after ``first``'s, both alone on their lines."""
    line, next_line = tokens[first].location.line, tokens[second].location.line
    return (
        second == first + 1
        and line is not None
        and next_line == line + 1
        and _alone(tokens, first)
        and _alone(tokens, second)
    )


def stacks(tokens: Sequence[Token], values: Sequence[int]) -> list[int]:
    """The heights of the stacks the values at ``values`` (indices into ``tokens``) make.

    Two values are in one stack when they are adjacent tokens, each alone on its line, the
    second on the line right after the first.
    """
    heights: list[int] = []
    previous: int | None = None
    for index in values:
        if previous is not None and heights and _on_next_line(tokens, previous, index):
            heights[-1] += 1
        else:
            heights.append(1)
        previous = index
    return heights


def stacked(tokens: Sequence[Token], values: Sequence[int]) -> bool:
    """Whether any of the values stands in a stack of two or more."""
    return any(height > 1 for height in stacks(tokens, values))


def stacks_order(
    form: TableForm, tokens: Sequence[Token], values: Sequence[int], rows: Sequence[int] = ()
) -> list[int] | None:
    """The cell index of each value read by its stacks, or None when they do not tile the rows.

    ``values`` are the indices (into ``tokens``) of as many values as the cells of ``rows``
    (indices of the form's rows, in the form's order; by default every row). Each run of as
    many stacks of one height ``h`` as the next row has cells is the next ``h`` rows (all as
    wide), column by column. None when the stacks do not tile the rows so, or when no stack is
    higher than one (the form's order, which the reading by order has already).
    """
    heights = stacks(tokens, values)
    if all(height == 1 for height in heights):
        return None
    chosen = rows or range(len(form.rows))
    return _tile(heights, [_row_cells(form, row) for row in chosen])


def _row_cells(form: TableForm, row: int) -> list[int]:
    """The indices of the cells of the form's row ``row``, in the form's order."""
    key = form.rows[row].key
    return [index for index, cell in enumerate(form.cells) if cell.row.key == key]


def _tile(heights: list[int], rows: list[list[int]]) -> list[int] | None:
    """The cell of each value when the stacks of ``heights`` tile ``rows`` (their cells)."""
    order: list[int] = []
    stack = 0
    row = 0
    while row < len(rows):
        width = len(rows[row])
        group = heights[stack : stack + width]
        if len(group) < width or len(set(group)) != 1:
            return None
        height = group[0]
        block = rows[row : row + height]
        if len(block) < height or any(len(cells) != width for cells in block):
            return None
        for column in range(width):
            order.extend(block[line][column] for line in range(height))
        stack += width
        row += height
    if stack != len(heights):
        return None
    return order
