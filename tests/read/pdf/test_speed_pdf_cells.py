# SPDX-License-Identifier: MIT
"""The PDF reader's placing of characters in cells and lines gives what the plain code gives.

The plain placement of a table's characters in its cells is written out here as the
definition (each position's cell looked up with the union-find, the column and row clamped
into the grid, a cell's text from its `group_lines`), and compared with the reader's on
generated tables and on every page of every PDF of the fixtures. The ruling lines the reader
reads without the kinds of a filled path's segments are compared with the plain reading in
tests/test_speed_pdf.py.
"""

from __future__ import annotations

import bisect
import itertools
from typing import TYPE_CHECKING

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gkbg import Doubt
from gkbg.read.pdf import geometry as _pdf_geometry
from gkbg.read.pdf import reader as _pdf
from gkbg.read.pdf.geometry import (
    _BY_LEFT,
    _NARROW_GAP,
    Char,
    Grid,
    GridCell,
    Rule,
    _bands,
    _dedupe,
    _is_space,
    _line_texts,
    find_grids,
    group_lines,
    join_texts,
)
from tests.helpers import pdf_chars, pdf_documents, pdf_pages

if TYPE_CHECKING:
    from collections.abc import Sequence


# --------------------------------------------------------------------------------------------
# The plain placement of a table's characters.


DOCUMENTS = pdf_documents()


def _plain_grid(
    xs: list[float],
    ys: list[float],
    horizontal: list[Rule],
    vertical: list[Rule],
    chars: Sequence[Char],
) -> Grid:
    rows, cols = len(ys) - 1, len(xs) - 1
    parent = list(range(rows * cols))

    def find(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    def covered(rules: list[Rule], at: float, point: float) -> bool:
        return any(
            abs(r.at - at) <= _pdf_geometry._SNAP and r.start <= point <= r.end for r in rules
        )

    for r in range(rows):
        for c in range(cols - 1):
            if not covered(vertical, xs[c + 1], (ys[r] + ys[r + 1]) / 2):
                parent[find(r * cols + c + 1)] = find(r * cols + c)
    for c in range(cols):
        for r in range(rows - 1):
            if not covered(horizontal, ys[r + 1], (xs[c] + xs[c + 1]) / 2):
                parent[find((r + 1) * cols + c)] = find(r * cols + c)
    members: dict[int, list[int]] = {}
    for slot in range(rows * cols):
        members.setdefault(find(slot), []).append(slot)
    placed: dict[int, list[Char]] = {}
    root_of: dict[int, int] = {}
    for char in chars:
        if not (xs[0] <= char.cx <= xs[-1] and ys[0] <= char.cy <= ys[-1]) or _is_space(char.text):
            continue
        c = min(max(bisect.bisect_right(xs, char.cx) - 1, 0), cols - 1)
        r = min(max(bisect.bisect_right(ys, char.cy) - 1, 0), rows - 1)
        placed.setdefault(find(r * cols + c), []).append(char)
        root_of[id(char)] = find(r * cols + c)
    crossing: set[int] = set()
    for root, chars_of in placed.items():
        columns = [slot % cols for slot in members[root]]
        left, right = xs[min(columns)], xs[max(columns) + 1]
        for char in chars_of:
            width = char.x1 - char.x0
            if width > 0 and min(char.x1, right) - max(char.x0, left) < width * 0.6:
                crossing.add(root)
    inside = [char for chars_of in placed.values() for char in chars_of]
    for band in _bands(inside):
        for one, two in itertools.pairwise(_dedupe(sorted(band, key=_BY_LEFT))):
            height = min(one.bottom - one.top, two.bottom - two.top)
            pair = root_of.get(id(one)), root_of.get(id(two))
            if two.x0 - one.x1 <= _NARROW_GAP * height and None not in pair and pair[0] != pair[1]:
                crossing.update(root for root in pair if root is not None)
    cells = []
    for root, slots in members.items():
        r0, r1 = min(s // cols for s in slots), max(s // cols for s in slots)
        c0, c1 = min(s % cols for s in slots), max(s % cols for s in slots)
        reasons = []
        if len(slots) != (r1 - r0 + 1) * (c1 - c0 + 1):
            reasons.append(Doubt.of("pdf.not_rectangle"))
        if root in crossing:
            reasons.append(Doubt.of("pdf.text_crosses_line"))
        lines = group_lines(placed.get(root, []))
        cells.append(
            GridCell(
                row=r0,
                col=c0,
                rows=r1 - r0 + 1,
                cols=c1 - c0 + 1,
                text=join_texts(*(line.text for line in lines)),
                bbox=(
                    round(xs[c0], 2),
                    round(ys[r0], 2),
                    round(xs[c1 + 1], 2),
                    round(ys[r1 + 1], 2),
                ),
                lines=len(lines),
                uncertain=tuple(reasons),
            )
        )
    cells.sort(key=lambda cell: (cell.row, cell.col))
    return Grid(tuple(xs), tuple(ys), tuple(cells))


_GAP = st.sampled_from([4.0, 10.0, 12.5, 25.0])
_TEXTS = st.sampled_from(["收", "到", "1", "2", ".", "a", " ", "\u3000", "（"])


@st.composite
def _tables(draw: st.DrawFn) -> tuple[list[float], list[float], list[Rule], list[Rule], list[Char]]:
    """Boundaries, ruling lines (some pieces missing: merged cells) and characters."""
    xs = list(itertools.accumulate(draw(st.lists(_GAP, min_size=2, max_size=6)), initial=10.0))
    ys = list(itertools.accumulate(draw(st.lists(_GAP, min_size=2, max_size=6)), initial=10.0))
    vertical = [
        Rule.down(x, ys[a], ys[b])
        for x in xs
        for a, b in itertools.pairwise(range(len(ys)))
        if x in {xs[0], xs[-1]} or draw(st.booleans())
    ]
    horizontal = [
        Rule.across(y, xs[a], xs[b])
        for y in ys
        for a, b in itertools.pairwise(range(len(xs)))
        if y in {ys[0], ys[-1]} or draw(st.booleans())
    ]
    chars = []
    for _ in range(draw(st.integers(0, 30))):
        # A centre anywhere, or exactly on a boundary (a character without width or height).
        on_x, on_y = draw(st.booleans()), draw(st.booleans())
        x0 = draw(st.sampled_from(xs)) if on_x else draw(st.floats(0, xs[-1] + 10))
        top = draw(st.sampled_from(ys)) if on_y else draw(st.floats(0, ys[-1] + 10))
        width = 0.0 if on_x else draw(st.sampled_from([0.0, 2.5, 5.0, 12.0]))
        tall = 0.0 if on_y else draw(st.sampled_from([0.0, 5.0, 10.0]))
        chars.append(Char(draw(_TEXTS), x0, top, x0 + width, top + tall))
    return xs, ys, horizontal, vertical, chars


@settings(max_examples=400, deadline=None)
@given(_tables())
def test_the_cells_of_generated_tables_are_the_plain_cells(
    table: tuple[list[float], list[float], list[Rule], list[Rule], list[Char]],
) -> None:
    assert _pdf_geometry._grid(*table) == _plain_grid(*table)


@pytest.mark.parametrize(("name", "data"), DOCUMENTS, ids=[name for name, _ in DOCUMENTS])
def test_the_tables_of_every_page_are_the_plain_tables(
    name: str, data: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    for page, textpage in pdf_pages(data):
        found = _pdf._chars(textpage, *_pdf._unrotated_size(page))
        if found is None:
            continue
        chars, frame = found
        rules = _pdf._rules(page, frame)
        grids = find_grids(rules, chars)
        with monkeypatch.context() as patched:
            patched.setattr(_pdf_geometry, "_grid", _plain_grid)
            assert grids == find_grids(rules, chars), name


# --------------------------------------------------------------------------------------------
# A cell's lines as texts only.


@settings(max_examples=400, deadline=None)
@given(pdf_chars())
def test_the_line_texts_are_those_of_the_lines(chars: list[Char]) -> None:
    assert _line_texts(chars) == [line.text for line in group_lines(chars)]


# --------------------------------------------------------------------------------------------
# The characters outside the tables of a page.


@settings(max_examples=300, deadline=None)
@given(pdf_chars(), st.lists(_tables(), max_size=3))
def test_the_characters_outside_the_tables_are_those_no_table_holds(
    chars: list[Char],
    tables: list[tuple[list[float], list[float], list[Rule], list[Rule], list[Char]]],
) -> None:
    grids = [Grid(tuple(xs), tuple(ys), ()) for xs, ys, *_ in tables]
    assert _pdf._outside(chars, grids) == [
        char for char in chars if not any(grid.holds(char) for grid in grids)
    ]
