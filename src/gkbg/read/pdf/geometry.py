# SPDX-License-Identifier: MIT
"""Page geometry for the PDF parser: characters and ruling lines to lines, words and grids.

Pure geometry, with no PDF library in it, so that it can be tested on its own. Coordinates are
points from the page's top-left corner (``y`` grows downwards).

* **Lines.** Characters are grouped into lines by their vertical centres, and each line is read
  left to right, so the order in which the producer wrote the characters does not matter. A
  gap wider than a third of the line's height between CJK characters, or an eighth next to any
  other character, or a space character, separates two words.
* **Tables.** Horizontal and vertical ruling lines that touch form one table. The positions of
  its lines give the table's grid; two neighbouring grid positions belong to one (merged) cell
  when no ruling line separates them. Every character inside the table goes to the cell that
  holds its centre; a cell's lines of text are joined, so a label wrapped over several lines,
  or a header printed one character per line, is one cell.
* **Tables without lines.** The x-extents of the values that end a run of lines, merged
  across its rows, are its columns; taken only when self-consistent (`loose_rows`).
* **Page breaks.** The two parts of a table on two pages are put on one grid, the heading rows
  the second part repeats are dropped, and a row the break cut in two is joined.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import math
import operator
import unicodedata
from typing import TYPE_CHECKING

import attrs
import regex

from gkbg.core.limits import check_time
from gkbg.core.reasons import Doubt

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

__all__ = [
    "Char",
    "Grid",
    "GridCell",
    "Line",
    "LooseRow",
    "Rule",
    "continued_columns",
    "drop_repeated_header",
    "find_grids",
    "group_lines",
    "join_split_row",
    "join_texts",
    "loose_rows",
    "regrid",
    "stack_columns",
]

Box = tuple[float, float, float, float]

# Two ruling lines closer than this are one line (a double border, a line drawn twice).
_SNAP = 3.0
# A ruling line reaches another when it ends at most this far from it.
_REACH = 3.0
# Shorter strokes are not ruling lines (tick marks, bits of underlining).
_MIN_RULE = 4.0
# More lines than this on a page, or more grid positions than this in a table, are a drawing
# (a chart, a map, a hostile file), not tables: the page is read as lines of words.
_MAX_RULES = 4000
_MAX_SLOTS = 40_000
# A word ends at a gap between two CJK characters wider than this fraction of the line's height
# (justified text spreads CJK characters apart), or at a gap next to any other character (the
# digits of two numbers in neighbouring columns of a borderless table) wider than the second.
_WORD_GAP = 0.35
_NARROW_GAP = 0.12


@attrs.frozen
class Char:
    """One printed character and its box.

    Attributes:
        text: The character.
        x0: Left edge.
        top: Top edge (of the font's line box, so that a line's characters line up).
        x1: Right edge.
        bottom: Bottom edge.
        cx: Horizontal centre.
        cy: Vertical centre.
    """

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    cx: float = attrs.field(init=False, eq=False, repr=False)
    cy: float = attrs.field(init=False, eq=False, repr=False)

    @cx.default
    def _centre_x(self) -> float:
        return (self.x0 + self.x1) / 2

    @cy.default
    def _centre_y(self) -> float:
        return (self.top + self.bottom) / 2


@attrs.frozen
class Rule:
    """A horizontal or vertical ruling line.

    Attributes:
        horizontal: True for a horizontal line.
        at: Its ``y`` (horizontal) or ``x`` (vertical).
        start: Where it starts along its direction (the smaller coordinate).
        end: Where it ends.
    """

    horizontal: bool
    at: float
    start: float
    end: float

    @classmethod
    def across(cls, at: float, start: float, end: float) -> Rule:
        """A horizontal line at ``y = at`` from ``x = start`` to ``end``."""
        return cls(horizontal=True, at=at, start=start, end=end)

    @classmethod
    def down(cls, at: float, start: float, end: float) -> Rule:
        """A vertical line at ``x = at`` from ``y = start`` to ``end``."""
        return cls(horizontal=False, at=at, start=start, end=end)


@attrs.frozen
class Line:
    """Characters on one line, left to right.

    Attributes:
        chars: The characters (spaces the producer printed included); none for a line read in
            the producer's text order.
        words: The line's words, each as ``(text, box)`` (the box None when unknown).
    """

    chars: tuple[Char, ...]
    words: tuple[tuple[str, Box | None], ...]

    @property
    def text(self) -> str:
        """The words separated by single spaces."""
        return " ".join(word for word, _ in self.words)

    @property
    def top(self) -> float:
        """The line's top edge (0 when unknown)."""
        return min((c.top for c in self.chars), default=0.0)

    @property
    def bottom(self) -> float:
        """The line's bottom edge (0 when unknown)."""
        return max((c.bottom for c in self.chars), default=0.0)


@attrs.frozen
class GridCell:
    """One cell of a reconstructed table (merged cells once, at their top-left position).

    Attributes:
        row: The first grid row it covers.
        col: The first grid column it covers.
        rows: How many grid rows it covers.
        cols: How many grid columns it covers.
        text: Its text, lines joined.
        bbox: Its box, from the ruling lines around it.
        lines: How many lines of text it holds.
        uncertain: Why its reading is doubtful (empty when it is not), as declared in
            `gkbg.core.reasons`.
    """

    row: int
    col: int
    rows: int
    cols: int
    text: str
    bbox: Box
    lines: int = 0
    uncertain: tuple[Doubt, ...] = ()


@attrs.frozen
class Grid:
    """A table rebuilt from its ruling lines.

    Attributes:
        xs: The column boundaries, left to right.
        ys: The row boundaries, top to bottom.
        cells: The cells in row-major order of their top-left positions.
    """

    xs: tuple[float, ...]
    ys: tuple[float, ...]
    cells: tuple[GridCell, ...]

    @property
    def bbox(self) -> Box:
        """The table's outer box."""
        return (self.xs[0], self.ys[0], self.xs[-1], self.ys[-1])

    def holds(self, char: Char) -> bool:
        """Whether the character's centre is inside the table."""
        return self.xs[0] <= char.cx <= self.xs[-1] and self.ys[0] <= char.cy <= self.ys[-1]


# --------------------------------------------------------------------------------------------
# Lines and words.


@functools.lru_cache(maxsize=4096)
def _is_space(text: str) -> bool:
    return not text.strip() or text in {"\u00a0", "\u3000", "\u200b"}


_BY_CENTRE = operator.attrgetter("cy", "x0")
_BY_LEFT = operator.attrgetter("x0", "x1")


def group_lines(chars: Iterable[Char]) -> list[Line]:
    """The characters as lines, top to bottom, each read left to right.

    A character joins the line when its centre is within half a character's height (its own or
    the line's) of the line's centre; lines are then read left to right. Duplicate characters
    drawn over each other (fake bold) are kept once.
    """
    lines = [_line(band) for band in _bands(chars)]
    return [line for line in lines if line.words]


def _bands(chars: Iterable[Char]) -> list[list[Char]]:
    """The characters of each line (see `group_lines`), top to bottom, in no set order."""
    bands: list[list[Char]] = []
    band: list[Char] = []
    centre = height = 0.0  # of the last band: the mean centre and height of its characters
    for char in sorted(chars, key=_BY_CENTRE):
        tall = char.bottom - char.top
        if bands and abs(char.cy - centre) <= max(tall, height) / 2:
            band.append(char)
            centre += (char.cy - centre) / len(band)
            height += (tall - height) / len(band)
            continue
        band = [char]
        bands.append(band)
        centre, height = char.cy, tall
    return bands


def _line(band: list[Char]) -> Line:
    """One band's characters left to right, and its words (see the module's docstring)."""
    ordered = _dedupe(sorted(band, key=_BY_LEFT))
    return Line(tuple(ordered), tuple([_word(chars) for chars in _split(ordered)]))


def _split(ordered: list[Char]) -> list[list[Char]]:
    """The characters of each word of a line's characters, left to right (spaces left out)."""
    words: list[list[Char]] = []
    current: list[Char] = []
    last: Char | None = None  # the last character of ``current``
    for char in ordered:
        if _is_space(char.text):
            if current:
                words.append(current)
                current = []
                last = None
            continue
        if last is not None:
            # Whether the gap between the two characters separates two words.
            gap = char.x0 - last.x1
            height = min(last.bottom - last.top, char.bottom - char.top)
            both_wide = _wide(last.text) and _wide(char.text)
            if gap > (_WORD_GAP if both_wide else _NARROW_GAP) * height:
                words.append(current)
                current = []
        current.append(char)
        last = char
    if current:
        words.append(current)
    return words


def _line_texts(chars: Iterable[Char]) -> list[str]:
    """`Line.text` of each of `group_lines`, without the lines' characters and boxes."""
    texts = []
    for band in _bands(chars):
        words = _split(_dedupe(sorted(band, key=_BY_LEFT)))
        if words:
            texts.append(" ".join(["".join([c.text for c in word]) for word in words]))
    return texts


def _word(chars: list[Char]) -> tuple[str, Box]:
    """The text of a word's characters, and the box around them."""
    if len(chars) == 1:
        char = chars[0]
        return char.text, (char.x0, char.top, char.x1, char.bottom)
    return (
        "".join([c.text for c in chars]),
        (
            min([c.x0 for c in chars]),
            min([c.top for c in chars]),
            max([c.x1 for c in chars]),
            max([c.bottom for c in chars]),
        ),
    )


def _dedupe(chars: list[Char]) -> list[Char]:
    """Drop a character printed again over itself (how some producers fake bold type)."""
    kept: list[Char] = []
    for char in chars:
        text = char.text
        # Only a character of the same text can be its double: the others are not looked at.
        count = len(kept)
        if not (
            (count and kept[-1].text == text)
            or (count > 1 and kept[-2].text == text)
            or (count > 2 and kept[-3].text == text)
        ):
            kept.append(char)
            continue
        x0, top, x1 = char.x0, char.top, char.x1
        for k in kept[-3:]:
            if (
                k.text == text
                and abs(k.x0 - x0) < 1.0
                and abs(k.top - top) < 1.0
                and abs(k.x1 - x1) < 1.0
            ):
                break
        else:
            kept.append(char)
    return kept


@functools.lru_cache(maxsize=4096)
def _wide(text: str) -> bool:
    """Whether a character is CJK (wide), so that no space is wanted next to it."""
    return unicodedata.east_asian_width(text) in {"W", "F"}


def join_texts(*pieces: str) -> str:
    """A cell's lines as one text: CJK lines run on, other breaks become a space."""
    text = ""
    for piece in pieces:
        if not piece:
            continue
        if text and not (_wide(text[-1]) or _wide(piece[0])):
            text += " "
        text += piece
    return text


# --------------------------------------------------------------------------------------------
# Ruling lines to tables.


def _merge_rules(rules: Iterable[Rule]) -> list[Rule]:
    """Join collinear pieces of the same line (a border drawn cell by cell) into one."""
    merged: list[Rule] = []
    for horizontal in (True, False):
        clusters: list[list[Rule]] = []
        for rule in sorted((r for r in rules if r.horizontal == horizontal), key=lambda r: r.at):
            if clusters and rule.at - clusters[-1][-1].at <= _SNAP / 2:
                clusters[-1].append(rule)
            else:
                clusters.append([rule])
        for cluster in clusters:
            at = sum(r.at for r in cluster) / len(cluster)
            pieces: list[Rule] = []
            for rule in sorted(cluster, key=lambda r: r.start):
                # (Rules made field by field: attrs.evolve, faster.)
                if pieces and rule.start <= pieces[-1].end + _REACH:
                    last = pieces[-1]
                    pieces[-1] = Rule(last.horizontal, last.at, last.start, max(last.end, rule.end))
                else:
                    pieces.append(Rule(rule.horizontal, at, rule.start, rule.end))
            merged.extend(pieces)
    return [rule for rule in merged if rule.end - rule.start >= _MIN_RULE]


def _touch(h: Rule, v: Rule) -> bool:
    return h.start - _REACH <= v.at <= h.end + _REACH and v.start - _REACH <= h.at <= v.end + _REACH


def _components(rules: list[Rule]) -> list[list[Rule]]:
    """Ruling lines grouped by touching (each group one table)."""
    parent = list(range(len(rules)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    horizontal = [i for i, r in enumerate(rules) if r.horizontal]
    vertical = [i for i, r in enumerate(rules) if not r.horizontal]
    for h in horizontal:
        check_time()  # one line against every other: within _MAX_RULES, still worth a look
        for v in vertical:
            if _touch(rules[h], rules[v]):
                parent[find(h)] = find(v)
    groups: dict[int, list[Rule]] = {}
    for index, rule in enumerate(rules):
        groups.setdefault(find(index), []).append(rule)
    return list(groups.values())


def _snap(values: Iterable[float]) -> list[float]:
    """Positions closer than `_SNAP` merged into their mean."""
    clusters: list[list[float]] = []
    for value in sorted(values):
        if clusters and value - clusters[-1][-1] <= _SNAP:
            clusters[-1].append(value)
        else:
            clusters.append([value])
    return [sum(c) / len(c) for c in clusters]


def _near(rules: Sequence[Rule], at: float) -> list[tuple[float, float]]:
    """Where the ruling lines at ``at`` (within `_SNAP`) start and end.

    A ruling line runs through a point at ``at`` when the point is between its ends.
    """
    return [(r.start, r.end) for r in rules if abs(r.at - at) <= _SNAP]


def find_grids(rules: Iterable[Rule], chars: Sequence[Char]) -> list[Grid]:
    """The ruled tables on a page, top to bottom, with the page's characters placed in them.

    Every group of touching ruling lines with at least two horizontal and two vertical lines,
    enclosing at least two cells, is a table, unless it encloses another table (a frame) or is
    too large to be one (`_MAX_RULES`, `_MAX_SLOTS`).
    """
    grids: list[Grid] = []
    merged = _merge_rules(rules)
    if len(merged) > _MAX_RULES:
        return grids  # a drawing, not tables: the page is read as lines
    for component in _components(merged):
        check_time()
        horizontal = [r for r in component if r.horizontal]
        vertical = [r for r in component if not r.horizontal]
        if len(horizontal) < 2 or len(vertical) < 2:
            continue
        xs = _snap(
            [r.at for r in vertical]
            + [min(r.start for r in horizontal), max(r.end for r in horizontal)]
        )
        ys = _snap(
            [r.at for r in horizontal]
            + [min(r.start for r in vertical), max(r.end for r in vertical)]
        )
        if len(xs) < 2 or len(ys) < 2 or (len(xs) - 1) * (len(ys) - 1) > _MAX_SLOTS:
            continue
        grid = _grid(xs, ys, horizontal, vertical, chars)
        if len(grid.cells) >= 2:
            grids.append(grid)
    # Lines around other tables are a frame (a page border), not a table of their own.
    grids = [g for g in grids if not any(o is not g and _inside(o, g) for o in grids)]
    grids.sort(key=lambda g: (g.ys[0], g.xs[0]))
    return grids


def _inside(inner: Grid, outer: Grid) -> bool:
    x0, top, x1, bottom = inner.bbox
    ox0, otop, ox1, obottom = outer.bbox
    return (
        ox0 - _SNAP <= x0
        and x1 <= ox1 + _SNAP
        and otop - _SNAP <= top
        and bottom <= obottom + _SNAP
    )


def _grid(
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
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # Two neighbouring grid positions are one cell unless a ruling line runs between them.
    downs = [_near(vertical, xs[c + 1]) for c in range(cols - 1)]
    for r in range(rows):
        middle = (ys[r] + ys[r + 1]) / 2
        for c in range(cols - 1):
            if not any(start <= middle <= end for start, end in downs[c]):
                parent[find(r * cols + c + 1)] = find(r * cols + c)
    acrosses = [_near(horizontal, ys[r + 1]) for r in range(rows - 1)]
    for c in range(cols):
        middle = (xs[c] + xs[c + 1]) / 2
        for r in range(rows - 1):
            if not any(start <= middle <= end for start, end in acrosses[r]):
                parent[find((r + 1) * cols + c)] = find(r * cols + c)
    roots = [find(slot) for slot in range(rows * cols)]  # each position's cell, found once
    members: dict[int, list[int]] = {}
    for slot, root in enumerate(roots):
        members.setdefault(root, []).append(slot)
    placed: dict[int, list[Char]] = {}
    root_of: dict[int, int] = {}
    crossing: set[int] = set()
    x_first, x_last, y_first, y_last = xs[0], xs[-1], ys[0], ys[-1]
    for char in chars:
        cx, cy = char.cx, char.cy
        if not (x_first <= cx <= x_last and y_first <= cy <= y_last):
            continue
        if _is_space(char.text):
            continue
        # A centre inside the table is at or right of the first boundary, so its column is 0
        # or more; only a centre on the last boundary finds the column past the last.
        c = bisect.bisect_right(xs, cx) - 1
        r = bisect.bisect_right(ys, cy) - 1
        root = roots[(r if r < rows else rows - 1) * cols + (c if c < cols else cols - 1)]
        placed.setdefault(root, []).append(char)
        root_of[id(char)] = root
    for root, chars_of in placed.items():
        columns = [slot % cols for slot in members[root]]
        left, right = xs[min(columns)], xs[max(columns) + 1]
        for char in chars_of:
            # Most of the character sticks out of its column (text running over a border).
            width = char.x1 - char.x0
            if width > 0 and min(char.x1, right) - max(char.x0, left) < width * 0.6:
                crossing.add(root)
                break
    # Characters that touch across the line between two cells are text that ran over it.
    # (No space is placed, so each band is a line with words: its characters are those of
    # `group_lines`, without the words made of them.)
    inside = [char for chars_of in placed.values() for char in chars_of]
    for band in _bands(inside):
        for one, two in itertools.pairwise(_dedupe(sorted(band, key=_BY_LEFT))):
            height = min(one.bottom - one.top, two.bottom - two.top)
            touching = two.x0 - one.x1 <= _NARROW_GAP * height
            pair = root_of.get(id(one)), root_of.get(id(two))
            if touching and None not in pair and pair[0] != pair[1]:
                crossing.update(root for root in pair if root is not None)
    cells: list[GridCell] = []
    for root, slots in members.items():
        cells.append(_cell(slots, cols, xs, ys, placed.get(root, []), crossing=root in crossing))
    cells.sort(key=lambda cell: (cell.row, cell.col))
    return Grid(tuple(xs), tuple(ys), tuple(cells))


def _cell(
    slots: list[int],
    cols: int,
    xs: list[float],
    ys: list[float],
    chars: list[Char],
    *,
    crossing: bool,
) -> GridCell:
    if len(slots) == 1:  # one grid position
        r0, c0 = divmod(slots[0], cols)
        r1, c1 = r0, c0
    else:
        rows_of = [slot // cols for slot in slots]
        cols_of = [slot % cols for slot in slots]
        r0, r1, c0, c1 = min(rows_of), max(rows_of), min(cols_of), max(cols_of)
    reasons: list[Doubt] = []
    if len(slots) != (r1 - r0 + 1) * (c1 - c0 + 1):
        reasons.append(_NOT_RECTANGLE)
    if crossing:
        reasons.append(_CROSSING)
    # The text of `group_lines` (none for an empty cell, one character for a cell of one
    # character: no space character is placed in a cell), without its words' boxes.
    lines = _line_texts(chars) if len(chars) > 1 else [char.text for char in chars]
    bbox = (round(xs[c0], 2), round(ys[r0], 2), round(xs[c1 + 1], 2), round(ys[r1 + 1], 2))
    text = (
        "".join(lines)
        if len(lines) > 1 and _wrapped_number(chars, xs[c0], xs[c1 + 1])
        else join_texts(*lines)
    )
    return GridCell(
        row=r0,
        col=c0,
        rows=r1 - r0 + 1,
        cols=c1 - c0 + 1,
        text=text,
        bbox=bbox,
        lines=len(lines),
        uncertain=tuple(reasons),
    )


_NUMBER_PIECE = regex.compile(r"[\d.,]+")
_SAME_EDGE = 1.0  # points: lines starting (or ending) this close are aligned alike


def _wrapped_number(chars: list[Char], left: float, right: float) -> bool:
    """Whether a cell's lines are one number wrapped by a narrow column (``480`` / ``4``).

    Every line is digits (with ``.`` or ``,``) inside the cell's lines; the lines are aligned
    left (or right) alike, so the cell's padding is where the first line starts (or ends),
    the same on the other side; and every line but the last fills the cell: one more digit
    would not have fitted beside it. Centred lines, or a line with room left beside it, are
    not joined.
    """
    bands = sorted(
        (
            [c for c in _dedupe(sorted(band, key=_BY_LEFT)) if not _is_space(c.text)]
            for band in _bands(chars)
        ),
        key=lambda band: band[0].cy if band else 0.0,
    )
    if len(bands) < 2 or not all(  # one line is no wrap
        band and _NUMBER_PIECE.fullmatch("".join(c.text for c in band)) for band in bands
    ):
        return False
    starts = [band[0].x0 for band in bands]
    ends = [band[-1].x1 for band in bands]
    if min(starts) < left or max(ends) > right:  # text over the cell's line: no wrap of its own
        return False
    if max(starts) - min(starts) <= _SAME_EDGE:
        padding = starts[0] - left
    elif max(ends) - min(ends) <= _SAME_EDGE:
        padding = right - ends[0]
    else:
        return False
    room = right - left - 2 * max(padding, 0.0)
    return all(
        band[-1].x1 - band[0].x0 + max(c.x1 - c.x0 for c in band) > room for band in bands[:-1]
    )


# --------------------------------------------------------------------------------------------
# Tables across page breaks.

_NOT_RECTANGLE = Doubt.of("pdf.not_rectangle")
_CROSSING = Doubt.of("pdf.text_crosses_line")
_SPLIT_ROW = Doubt.of("pdf.split_row")
# The numbering that opens a row label: 一、 （三） 2. 3、
_ITEM = regex.compile(
    r"(?:[（(][一二三四五六七八九十\d]{1,3}[）)]|[一二三四五六七八九十]{1,3}、|\d{1,2}[.、．])"
)


def continued_columns(previous: Grid, grid: Grid, tolerance: float) -> tuple[float, ...] | None:
    """The columns of one table printed in two parts, or None when they are two tables.

    The parts of one table on two pages share their left and right edges, and the column
    boundaries of one part are among those of the other (a part may lack the boundaries only
    its rows divide). The answer is the finer part's boundaries.
    """
    coarse, fine = sorted((previous.xs, grid.xs), key=len)
    if abs(coarse[0] - fine[0]) > tolerance or abs(coarse[-1] - fine[-1]) > tolerance:
        return None
    if all(any(abs(x - y) <= tolerance for y in fine) for x in coarse):
        return fine
    return None


def regrid(grid: Grid, xs: tuple[float, ...]) -> Grid:
    """The same table with its cells' columns counted on the finer boundaries ``xs``."""
    if xs == grid.xs:
        return grid

    def nearest(x: float) -> int:
        return min(range(len(xs)), key=lambda i: abs(xs[i] - x))

    at = [nearest(x) for x in grid.xs]  # each boundary's nearest, found once
    cells = []
    for cell in grid.cells:
        first, past = at[cell.col], at[cell.col + cell.cols]
        # The cell with its columns changed (attrs.evolve, written out: faster).
        cells.append(
            GridCell(
                cell.row,
                first,
                cell.rows,
                max(past - first, 1),
                cell.text,
                cell.bbox,
                cell.lines,
                cell.uncertain,
            )
        )
    return Grid(xs, grid.ys, tuple(cells))


def join_split_row(
    previous: Grid, grid: Grid, looks_like_value: Callable[[str], bool]
) -> tuple[Grid, Grid]:
    """Join the cells a page break cut in two: the bottom of ``previous``, the top of ``grid``.

    A cell at the bottom of the first part and the cell at the top of the second part that
    spans the same columns are one cell cut by the page break when no such pair holds a value
    on both sides, and at least one pair has text on one side only (the rest of a cell the
    break ran through, or a label's last line with the row's values left above it) or the two
    rows are cells of the same widths with no number in them (a heading row cut in two), and no
    cell under the break opens with a label's numbering (一、 （三） 2.), which starts a row of
    its own. Their texts are joined, first part first, into the first part's cell; the second
    part's cell is dropped. When values come from both parts the joined row is flagged
    uncertain.
    """
    last = len(previous.ys) - 1
    bottom = {(c.col, c.cols): c for c in previous.cells if c.row + c.rows == last}
    top = {(c.col, c.cols): c for c in grid.cells if c.row == 0}
    pairs = [(bottom[key], top[key]) for key in bottom.keys() & top.keys()]
    if not pairs:
        return previous, grid
    values_above = values_below = one_sided = False
    for upper, lower in pairs:
        upper_value, lower_value = looks_like_value(upper.text), looks_like_value(lower.text)
        if upper_value and lower_value:
            return previous, grid
        if upper.text and _ITEM.match(lower.text.lstrip()):
            return previous, grid  # a numbered label under the break opens a row of its own
        values_above = values_above or upper_value
        values_below = values_below or lower_value
        one_sided = one_sided or (bool(upper.text) != bool(lower.text))
    # A heading row cut in two has text on both sides of every cell, and no numbers.
    heading = bottom.keys() == top.keys() and not (values_above or values_below)
    if not (one_sided or heading):
        return previous, grid
    reasons = (_SPLIT_ROW,) if values_above and values_below else ()
    joined: dict[tuple[int, int], GridCell] = {}
    for upper, lower in pairs:
        text = join_texts(upper.text, lower.text)
        joined[upper.col, upper.cols] = attrs.evolve(
            upper,
            text=text,
            lines=upper.lines + lower.lines,
            uncertain=(*upper.uncertain, *lower.uncertain, *reasons),
        )
    dropped = {id(lower) for _, lower in pairs}
    first = attrs.evolve(
        previous,
        cells=tuple(
            joined.get((c.col, c.cols), c) if c.row + c.rows == last else c for c in previous.cells
        ),
    )
    second = attrs.evolve(grid, cells=tuple(c for c in grid.cells if id(c) not in dropped))
    return first, second


def drop_repeated_header(
    previous: Grid, grid: Grid, looks_like_value: Callable[[str], bool]
) -> Grid:
    """``grid`` without the heading rows it repeats from the table's first part.

    Word and LibreOffice repeat a table's heading rows at the top of every page it runs over;
    the first rows of the second part that print the same cells, with text that is not a
    number, as the first rows of the first part are dropped (cells that reach below them
    keep them).
    """

    def row(part: Grid, index: int) -> tuple[tuple[int, int, int, str], ...]:
        return tuple((c.col, c.cols, c.rows, c.text) for c in part.cells if c.row == index)

    count = 0
    while count < min(len(previous.ys), len(grid.ys)) - 2:
        signature = row(grid, count)
        if not signature or signature != row(previous, count):
            break
        if not any(text and not looks_like_value(text) for *_, text in signature):
            break
        count += 1
    while count and any(c.row < count < c.row + c.rows for c in grid.cells):
        count -= 1
    if not count:
        return grid
    cells = tuple(
        attrs.evolve(cell, row=cell.row - count) for cell in grid.cells if cell.row >= count
    )
    return Grid(grid.xs, grid.ys[count:], cells)


# --------------------------------------------------------------------------------------------
# Text printed one character per line, outside ruled tables.


def stack_columns(lines: list[Line]) -> list[Line]:
    """Lines with each column of stacked single CJK characters made one word.

    A header or label printed one character per line in a table without lines shows up as
    one-character words at the same place on consecutive lines. Each such stack of two
    characters or more becomes one word, top to bottom, on the line of its first character.
    """
    singles: list[list[int]] = [
        [i for i, (word, _) in enumerate(line.words) if len(word) == 1 and _wide(word)]
        for line in lines
    ]
    taken: set[tuple[int, int]] = set()
    stacked: dict[tuple[int, int], tuple[str, Box]] = {}
    for start, indices in enumerate(singles):
        for index in indices:
            if (start, index) in taken:
                continue
            chain = [(start, index)]
            while (below := _stacked_below(lines, singles, *chain[-1], taken)) is not None:
                chain.append(below)
            if len(chain) < 2:
                continue
            taken.update(chain)
            boxes = [box for r, c in chain if (box := lines[r].words[c][1]) is not None]
            box = (
                min(b[0] for b in boxes),
                min(b[1] for b in boxes),
                max(b[2] for b in boxes),
                max(b[3] for b in boxes),
            )
            stacked[start, index] = ("".join(lines[r].words[c][0] for r, c in chain), box)
    if not stacked:
        return lines
    result: list[Line] = []
    for row, line in enumerate(lines):
        words: list[tuple[str, Box | None]] = []
        for col, word in enumerate(line.words):
            if (row, col) in stacked:
                words.append(stacked[row, col])
            elif (row, col) not in taken:
                words.append(word)
        if words:
            result.append(Line(line.chars, tuple(words)))
    return result


def _stacked_below(
    lines: list[Line], singles: list[list[int]], row: int, col: int, taken: set[tuple[int, int]]
) -> tuple[int, int] | None:
    """The single character right under word ``col`` of line ``row``, if there is one."""
    box = lines[row].words[col][1]
    if box is None or row + 1 >= len(lines):
        return None
    x0, _, x1, bottom = box
    height = box[3] - box[1]
    for index in singles[row + 1]:
        other = lines[row + 1].words[index][1]
        if other is None or (row + 1, index) in taken:
            continue
        centre, other_centre = (x0 + x1) / 2, (other[0] + other[2]) / 2
        if abs(centre - other_centre) <= height / 4 and other[1] - bottom <= height / 2:
            return row + 1, index
    return None


# --------------------------------------------------------------------------------------------
# Tables printed without ruling lines.

# Two columns of a table without lines are told apart by a gap of at least this fraction of
# the line's height; closer, which column a value is in is not clear.
_COLUMN_GAP = 0.25
# A line of a wrapped row label belongs to the row whose values stand within this many line
# heights of it, and to none when two rows are about as near (within the second fraction).
_LABEL_REACH = 1.3
_LABEL_TIE = 0.25
# More value columns than this are no table of a report (a page of numbers, a hostile file).
_MAX_COLUMNS = 60
# Label lines start at the same place when their left edges are this close (in points).
_LABEL_ALIGN = 4.0


@attrs.frozen
class LooseRow:
    """One row of a table printed without ruling lines, rebuilt from where its words stand.

    Attributes:
        labels: The row's label texts, one for each column of labels (left to right), each
            with its box: a label wrapped over several lines is one text.
        cells: One ``(text, box)`` for each value column of the table, the text empty where
            the row prints nothing in that column.
        top: The top edge of the row's values.
    """

    labels: tuple[tuple[str, Box], ...]
    cells: tuple[tuple[str, Box], ...]
    top: float

    @property
    def text(self) -> str:
        """The labels and cells separated by `` | ``."""
        return " | ".join([*(text for text, _ in self.labels), *(text for text, _ in self.cells)])


def loose_rows(lines: list[Line], looks_like_value: Callable[[str], bool]) -> list[Line | LooseRow]:
    """The lines with every table printed without lines rebuilt as rows of cells.

    A table region is a run of *value lines* (lines that end with one or more values) and the
    lines of their wrapped labels between them. Its value columns are the x-extents of the
    values, merged across its rows. The region is rebuilt only when that is self-consistent:
    no two values of a row fall in one column, no label reaches into the columns, the columns
    stand clearly apart, and there are two of them at least; each row then has one cell per
    column, empty where it prints nothing, and its labels (the words left of the columns,
    from its own line and the label lines nearest to it). Otherwise the lines are kept as
    they are.
    """
    result: list[Line | LooseRow] = []
    index = 0
    while index < len(lines):
        if _values_of(lines[index], looks_like_value) is None:
            result.append(lines[index])
            index += 1
            continue
        end = _region_end(lines, index, looks_like_value)
        # The first lines of the first row's label may stand above its values.
        before = 0
        while before < min(len(result), 2) and isinstance(result[-1 - before], Line):
            before += 1
        above = [item for item in result[len(result) - before :] if isinstance(item, Line)]
        rows = _rebuild(above, lines[index:end], looks_like_value)
        if rows is None:  # read as the lines they are
            result.extend(lines[index:end])
            index = end
            continue
        del result[len(result) - before :]
        result.extend(rows)
        index = end
    return result


def _values_of(line: Line, looks_like_value: Callable[[str], bool]) -> int | None:
    """Where the run of values that ends the line starts (None when it ends with text)."""
    start = len(line.words)
    while start and looks_like_value(line.words[start - 1][0]):
        start -= 1
    if start == len(line.words) or any(box is None for _, box in line.words):
        return None
    return start


def _region_end(lines: list[Line], start: int, looks_like_value: Callable[[str], bool]) -> int:
    """The end of the region of value lines and label lines that starts at ``start``."""
    boundary = math.inf
    end = start
    last_value = start
    for index in range(start, len(lines)):
        line = lines[index]
        first = (
            _values_of(line, looks_like_value)
            if index == start
            else _row_values(line, boundary, looks_like_value)
        )
        if first is not None:
            if len(line.words) - first >= 2 or boundary == math.inf:
                boundary = min(boundary, _box(line.words[first])[0])
            end = last_value = index + 1
            continue
        if max(_box(word)[2] for word in line.words) > boundary:
            break
        end = index + 1
    # Label lines after the last row's values belong to it only when close to it.
    height = _line_height(lines[last_value - 1])
    reach = lines[last_value - 1].bottom + _LABEL_REACH * height
    while end > last_value and lines[end - 1].top > reach:
        end -= 1
    return end


def _row_values(line: Line, boundary: float, looks_like_value: Callable[[str], bool]) -> int | None:
    """Where a row's values start, or None when the line holds none right of ``boundary``.

    Numbers left of where a table's columns start are bits of labels (the 1 of a label
    1.属于国家秘密 printed one character per line), not values.
    """
    first = _values_of(line, looks_like_value)
    if first is None or all(_box(w)[2] <= boundary for w in line.words[first:]):
        return None
    return first


def _box(word: tuple[str, Box | None]) -> Box:
    box = word[1]
    assert box is not None  # noqa: S101 - lines of a region all have boxes (`_values_of`)
    return box


def _line_height(line: Line) -> float:
    return max(line.bottom - line.top, 1.0)


def _rebuild(
    above: list[Line], region: list[Line], looks_like_value: Callable[[str], bool]
) -> list[Line | LooseRow] | None:
    """The region as rows, or None when its columns are not self-consistent.

    The lines ``above`` the region join its first row's label when they are near it and
    left of its columns, and are kept as they are otherwise.
    """
    starts_of = [
        _box(line.words[first])[0]
        for line in region
        if (first := _values_of(line, looks_like_value)) is not None
        and len(line.words) - first >= 2
    ]
    if not starts_of:
        return None
    value_lines: list[tuple[Line, int]] = []
    for line in region:
        first = _row_values(line, min(starts_of), looks_like_value)
        if first is not None:
            value_lines.append((line, first))
    columns = _columns([_box(w) for line, first in value_lines for w in line.words[first:]])
    if columns is None or not 2 <= len(columns) <= _MAX_COLUMNS:
        return None
    starts = [x0 for x0, _ in columns]
    boundary = columns[0][0]
    height = min(_line_height(line) for line, _ in value_lines)
    for left, right in itertools.pairwise(columns):
        if right[0] - left[1] < _COLUMN_GAP * height:
            return None
    # Every label left of the columns; every value row with one value at most per column.
    cells_of: list[list[tuple[str, Box] | None]] = []
    for line, first in value_lines:
        if any(_box(w)[2] > boundary for w in line.words[:first]):
            return None
        cells: list[tuple[str, Box] | None] = [None] * len(columns)
        for word in line.words[first:]:
            col = bisect.bisect_right(starts, _box(word)[0]) - 1
            if cells[col] is not None:
                return None
            cells[col] = (word[0], _box(word))
        cells_of.append(cells)
    rows_at = [line for line, _ in value_lines]
    words = [_boxed(w) for line, first in value_lines for w in line.words[:first]]
    kept: list[Line | LooseRow] = []
    reach = value_lines[0][0].top - (_LABEL_REACH + 1) * height
    for line in above:
        if (
            _values_of(line, looks_like_value) is not None
            or any(box is None or box[2] > boundary for _, box in line.words)
            or line.top < reach
        ):
            kept.append(line)
        else:
            words.extend(_boxed(w) for w in line.words)
    rows_by_id = {id(line) for line, _ in value_lines}
    for line in region:
        if id(line) in rows_by_id:
            continue
        if any(_box(w)[2] > boundary for w in line.words):
            return None
        words.extend(_boxed(w) for w in line.words)
    labels: list[list[tuple[str, Box]]] = [[] for _ in value_lines]
    for word in words:
        row = _row_of(word[1], rows_at)
        if row is None:
            kept.append(LooseRow((word,), (), word[1][1]))
        else:
            labels[row].append(word)
    label_starts = _label_starts([box for row in labels for _, box in row])
    rows: list[Line | LooseRow] = kept
    for (line, _), cells, row_labels in zip(value_lines, cells_of, labels, strict=True):
        top, bottom = line.top, line.bottom
        filled = tuple(
            cell if cell is not None else ("", (x0, top, x1, bottom))
            for cell, (x0, x1) in zip(cells, columns, strict=True)
        )
        rows.append(LooseRow(_join_labels(row_labels, label_starts), filled, top))
    rows.sort(key=lambda item: item.top)
    return rows


def _columns(boxes: list[Box]) -> list[tuple[float, float]] | None:
    """The x-extents of the boxes merged where they overlap, left to right."""
    if not boxes:
        return None
    merged: list[list[float]] = []
    for x0, _, x1, _ in sorted(boxes):
        if merged and x0 <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], x1)
        else:
            merged.append([x0, x1])
    return [(x0, x1) for x0, x1 in merged]


def _boxed(word: tuple[str, Box | None]) -> tuple[str, Box]:
    return word[0], _box(word)


def _row_of(box: Box, rows: list[Line]) -> int | None:
    """The value row a label word belongs to, if that is clear.

    A word that stands over the centre of one row or more (a label printed one character per
    line beside several rows) belongs to the first of them; any other to the row whose centre
    is nearest to its own, when no other row is about as near; one above the first row or
    below the last only when it is near it.
    """
    top, bottom = box[1], box[3]
    centres = [(row.top + row.bottom) / 2 for row in rows]
    covered = [index for index, centre in enumerate(centres) if top <= centre <= bottom]
    if covered:
        return covered[0]
    centre = (top + bottom) / 2
    height = min(max(bottom - top, 1.0), _line_height(rows[0]))
    distances = sorted((abs(c - centre), index) for index, c in enumerate(centres))
    nearest, index = distances[0]
    outside = not centres[0] <= centre <= centres[-1]
    if outside and nearest > _LABEL_REACH * height:
        return None
    if len(distances) > 1 and distances[1][0] - nearest < _LABEL_TIE * height:
        return None
    return index


def _label_starts(boxes: list[Box]) -> list[float]:
    """The left edges at which the region's columns of labels start."""
    starts: list[float] = []
    for x0 in sorted(box[0] for box in boxes):
        if not starts or x0 - starts[-1] > _LABEL_ALIGN:
            starts.append(x0)
    return starts


def _join_labels(words: list[tuple[str, Box]], starts: list[float]) -> tuple[tuple[str, Box], ...]:
    """A row's label words as one text for each column of labels, top to bottom."""
    by_column: dict[int, list[tuple[str, Box]]] = {}
    for word in words:
        column = bisect.bisect_right(starts, word[1][0] + _LABEL_ALIGN) - 1
        by_column.setdefault(column, []).append(word)
    joined = []
    for column in sorted(by_column):
        pieces = sorted(by_column[column], key=lambda w: (w[1][1], w[1][0]))
        box = (
            min(b[0] for _, b in pieces),
            min(b[1] for _, b in pieces),
            max(b[2] for _, b in pieces),
            max(b[3] for _, b in pieces),
        )
        joined.append((join_texts(*(text for text, _ in pieces)), box))
    return tuple(joined)
