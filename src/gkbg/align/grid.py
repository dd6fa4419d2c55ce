# SPDX-License-Identifier: MIT
"""Grid placement: the cells of a table whose parser gives every cell its row and column.

HTML, DOCX and XLSX (and any parser that fills `Location.table_index`, ``row_index`` and
``col_index``) hand the alignment a true grid: one token per cell, none for the positions a
merged cell covers. Here each value is placed at its (row, column) of the form, both found by
their labels as the form declares them, never by counting:

* **Columns.** Rows holding column labels and no number are a *header*. A grid column belongs
  to the form column whose label stands lowest above it (法人或其他组织 over 商业企业 is
  商业企业); a grid column with no header of its own lies under the merged header to its left
  (本年处理决定数量 spanning three grid columns). A column headed by anything else (序号,
  备注, 单位) is ignored. A header stays in force until the next one (table 二 repeats one per
  block; a header repeated after a page break replaces the same), also into the next
  ``<table>`` when the table is split over several.
* **Rows.** In a table printed down (二, 三), a row's label is its rightmost text cell left of the
  first value column that names a row (a 单位 column may follow it), read with the merged
  labels to its left (三、本年度办理结果 /
  （三）不予公开 / 1.属于国家秘密): the label alone decides when it names one row, the label
  with its group when it does not. In a table printed across (四), the row is the row label
  over the value's column (行政复议 over 结果维持), or left of it when the table is turned.
* **Cells.** The token at (row, column) is the cell, whatever it holds: a text where a number
  belongs is that one cell's raw text. Positions the form declares as one cell (a merged
  header over several grid columns, or the same row printed twice) are read once when they
  print the same, or one value and blanks; when they print different values the first is read
  and the cell flagged uncertain. A row whose cells do not line up with the header is read in
  the header's column order when their number fits (flagged uncertain), else left alone.

What the grid cannot decide is left to the order-based reading in ``gkbg.align.report``.
"""

from __future__ import annotations

import bisect
import functools
from typing import TYPE_CHECKING, NamedTuple

import attrs
import regex

from gkbg.core.model import Location
from gkbg.core.reasons import Doubt
from gkbg.core.schema import TableForm, forms
from gkbg.core.text import LabelMatcher, label_key, looks_like_value, nfkc
from gkbg.read.layout import Token, TokenKind, token_grid, token_kind, token_line

if TYPE_CHECKING:
    from collections.abc import Sequence

    from gkbg.core.text import LabelMatch

__all__ = ["GridPlacement", "GridReading", "packed", "read_grid", "role_matcher", "several_numbers"]

_GROUP = "group:"
_SPANNED_ACROSS = Doubt.of("grid.spanned_across")
_ACROSS_ORDER = Doubt.of("grid.across_order")
_OTHER = "<no form column>"  # a grid column headed by a label that is no column of the form


# --------------------------------------------------------------------------------------------
# Vocabularies, built once per form from its declaration.


@functools.cache
def role_matcher(variant: str, table_key: str) -> LabelMatcher:
    """Labels of one table of one form, matched to ``row:<key>``, ``col:<key>`` or ``label``."""
    table = forms()[variant].table(table_key)
    primary: list[tuple[str, str]] = []
    for block in table.blocks:
        for row in block.rows:
            primary.extend((label, f"row:{row.key}") for label in (row.label, *row.aliases))
        for column in block.columns:
            primary.extend(
                (label, f"col:{column.key}") for label in (column.label, *column.aliases)
            )
    taken = {label for label, _ in primary}
    others = {table.heading, table.note}
    for block in table.blocks:
        others.update((block.caption, block.header))
        others.update(row.group for row in block.rows)
        others.update(column.group for column in block.columns)
    secondary = [(label, "label") for label in others if label and label not in taken]
    return LabelMatcher([*primary, *secondary])


@functools.cache
def _block_headers(variant: str, table_key: str) -> frozenset[str]:
    """The headers of the label column of one table's blocks (信息内容), as label keys."""
    table = forms()[variant].table(table_key)
    return frozenset(label_key(block.header) for block in table.blocks if block.header)


@functools.cache
def _row_matcher(variant: str, table_key: str) -> LabelMatcher:
    """Row labels, alone and after their group, matched to the row key; groups to themselves."""
    table = forms()[variant].table(table_key)
    entries: list[tuple[str, str]] = []
    groups: set[str] = set()
    for row in table.rows:
        for label in (row.label, *row.aliases):
            entries.append((label, row.key))
            if row.group:
                entries.append((row.group + label, row.key))
        if row.group:
            groups.add(row.group)
    taken = {label_key(label) for label, _ in entries}
    entries.extend((group, _GROUP + group) for group in groups if label_key(group) not in taken)
    return LabelMatcher(entries)


# --------------------------------------------------------------------------------------------
# Results.


class GridPlacement(NamedTuple):
    """The token the grid places in a cell, and why the placement may be wrong.

    (A tuple: one is made for every cell a grid places.)
    """

    token: Token
    reasons: tuple[Doubt, ...] = ()


@attrs.frozen
class GridReading:
    """What the grid says about a table's cells, by index into `TableForm.cells`.

    Attributes:
        placed: The cells the grid places.
        unread: The cells the grid shows cannot be read (covered by a merge), with the reason;
            the order-based reading must not fill them.
        unplaced: The cells the grid could not place (no column of theirs in the header above
            them, a row that does not line up), with the reason; the order-based reading may.
        rows: How many of the form's rows were found by their labels.
    """

    placed: dict[int, GridPlacement]
    unread: dict[int, Doubt]
    unplaced: dict[int, Doubt]
    rows: int


# --------------------------------------------------------------------------------------------
# The header in force.

_Row = dict[int, Token]


class _Header:
    """The header rows in force, and what they say about each grid column."""

    def __init__(self, rows: Sequence[_Row], roles: LabelMatcher) -> None:
        self.rows = [
            {c: t for c, t in row.items() if t.kind is not TokenKind.EMPTY and t.text}
            for row in rows
        ]
        self._sorted = [sorted(row) for row in self.rows]
        self._roles = roles
        self._columns: dict[int, tuple[str, bool] | None] = {}
        self._row_keys: dict[int, str | None] = {}
        # Every grid column a header cell stands at, and the first column after each: a column
        # of the form starts at one of these.
        self.cols = sorted({c for row in self.rows for c in row})
        self._starts = sorted({*self.cols, *(c + 1 for c in self.cols)})
        self.width = self.cols[-1] + 1 if self.cols else 0
        exact = [c for c in self.cols if self._exact(c) not in {None, _OTHER}]
        self.first = min(exact, default=self.width)
        self.last = max(exact, default=-1)

    def role(self, token: Token) -> str | None:
        if token.kind is not TokenKind.TEXT:
            return None
        found = self._roles.match(token.text)
        return None if found is None else found.target

    def _exact(self, c: int) -> str | None:
        stack = [row[c] for row in self.rows if c in row]
        if not stack:
            return None
        role = self.role(stack[-1]) or ""
        return role.removeprefix("col:") if role.startswith("col:") else _OTHER

    def text(self, c: int) -> str | None:
        """The text of the lowest header cell standing at grid column ``c``, if any."""
        stack = [row[c] for row in self.rows if c in row]
        return stack[-1].text if stack else None

    def column(self, c: int) -> tuple[str, bool] | None:
        """The form column over grid column ``c`` and whether its own header names it.

        ``(_OTHER, True)`` for a column headed by something that is no form column.
        """
        if c not in self._columns:
            self._columns[c] = self._column(c)
        return self._columns[c]

    def _left(self, row: int, c: int) -> int | None:
        """The last column at or before ``c`` where header row ``row`` has a cell."""
        columns = self._sorted[row]
        position = bisect.bisect_right(columns, c)
        return columns[position - 1] if position else None

    def _column(self, c: int) -> tuple[str, bool] | None:
        exact = self._exact(c)
        if exact is not None:
            return exact, True
        for row in reversed(range(len(self.rows))):
            a = self._left(row, c)
            if a is None:
                continue
            # A header spans to the right only over positions no other header stands at.
            if bisect.bisect_right(self.cols, c) != bisect.bisect_right(self.cols, a):
                return None
            role = self.role(self.rows[row][a]) or ""
            return (role.removeprefix("col:"), False) if role.startswith("col:") else None
        return None

    def row_key(self, c: int) -> str | None:
        """In a table printed across: the form row whose label stands over grid column ``c``."""
        if c not in self._row_keys:
            self._row_keys[c] = self._row_key(c)
        return self._row_keys[c]

    def _row_key(self, c: int) -> str | None:
        for row in reversed(range(len(self.rows))):
            a = self._left(row, c)
            if a is None:
                continue
            role = self.role(self.rows[row][a]) or ""
            if role.startswith("row:"):
                between = (
                    (self.role(other[b]) or "").startswith("row:")
                    for other in self.rows
                    for b in other
                    if a < b <= c
                )
                return None if any(between) else role.removeprefix("row:")
        return None

    def first_position(self, key: str) -> int | None:
        """The first grid column under the form column ``key``, or None when none is."""
        for c in self._starts:
            column = self.column(c)
            if column is not None and column[0] == key:
                return c
        return None

    def starts(self, cells: _Row) -> list[int]:
        """The grid columns where a form column may start, given a row's cells."""
        return sorted({*self._starts, *cells})


# --------------------------------------------------------------------------------------------
# Reading the grid.


class _Candidate(NamedTuple):
    """A token at one position of the source that the form declares as (part of) a cell.

    (A tuple: one is made for every cell of every grid row.)
    """

    token: Token
    exact: bool
    row: tuple[int, int]
    reasons: tuple[Doubt, ...] = ()


def _grid_rows(tokens: Sequence[Token]) -> list[tuple[tuple[int, int], _Row]]:
    rows: dict[tuple[int, int], dict[int, list[Token]]] = {}
    for token in tokens:
        if not token.cell:
            continue
        table, at_row, column = token_grid(token)
        if column is None or table is None or at_row is None:
            continue
        row = rows.setdefault((table, at_row), {})
        row.setdefault(column, []).append(token)
    return [(where, _unpacked(row)) for where, row in rows.items()]


_PART = regex.compile(r"\S+")


def _parts(tokens: list[Token]) -> list[Token] | None:
    """The numbers of a cell that prints several, each a token of its own, or None.

    A conversion that lost a column boundary (a PDF-to-markdown converter joining two cells of
    a row) prints two cells' numbers in one (``95 0``): a reader gives them as several values
    at one position of its grid, or as one text whose words are each a value (a number with
    its unit, ``56 件``, is one value).
    """
    if len(tokens) > 1:
        return tokens if all(token.kind is TokenKind.VALUE for token in tokens) else None
    (token,) = tokens
    if token.kind is not TokenKind.TEXT:
        return None
    parts = list(_PART.finditer(token.text))
    if len(parts) < 2 or not all(looks_like_value(part.group()) for part in parts):
        return None
    where = token.location
    exact = where.start is not None and where.end == where.start + len(token.text)
    split: list[Token] = []
    for part in parts:
        location = where
        if exact and where.start is not None:
            start = where.start + part.start()
            location = attrs.evolve(where, start=start, end=where.start + part.end())
            if where.column is not None:
                location = attrs.evolve(location, column=where.column + part.start())
        text = part.group()
        split.append(
            attrs.evolve(token, text=text, kind=token_kind(text, cell=True), location=location)
        )
    return split


def several_numbers(token: Token) -> bool:
    """Whether a cell's text is several numbers apart (``0 937``), as `_parts` cuts them."""
    return token.cell and token.kind is TokenKind.TEXT and _parts([token]) is not None


def packed(token: Token) -> bool:
    """Whether the grid cut ``token`` out of a cell printing several numbers (``grid.packed``)."""
    return any(doubt.code == "grid.packed" for doubt in token.uncertain)


def _unpacked(row: dict[int, list[Token]]) -> _Row:
    """The row with each cell printing several numbers read as that many cells, in order.

    The cells after such a cell move right by the numbers it adds, and every value of the row
    is doubted (``grid.packed``): which column each number is under is then known by order
    only, whatever the header says. A row with none is as the reader gave it (the first token
    at each position).
    """
    packed = {c: parts for c, tokens in row.items() if (parts := _parts(tokens)) is not None}
    if not packed:
        return {c: tokens[0] for c, tokens in row.items()}
    first = min(packed)
    text = " ".join(token.text for token in row[first])
    reason = Doubt.of("grid.packed", text=text)
    unpacked: _Row = {}
    shift = 0
    for c in sorted(row):
        for token in packed.get(c, row[c][:1]):
            doubted = token
            if token.kind is TokenKind.VALUE:
                doubted = attrs.evolve(token, uncertain=(*token.uncertain, reason))
            unpacked[c + shift] = doubted
            shift += 1
        shift -= 1
    return unpacked


_CAPTION_LINES = 4  # the most lines a caption is read from (a heading broken over lines)


def _captions(tokens: Sequence[Token]) -> dict[int, tuple[Token, ...]]:
    """The text just before each table: the narrative tokens that end where it begins.

    A converter that cuts a statutory table into small tables prints the row each one holds as
    a heading over it (### 行政复议, ### （一）予以公开), sometimes broken over two lines or more
    (### 行政复 / 议). Each table's caption is the last narrative token before it, with the text
    tokens before that one on the same or the previous line (at most `_CAPTION_LINES` lines, no
    value or blank line between): which of them make the caption is decided by the labels.
    """
    captions: dict[int, tuple[Token, ...]] = {}
    last: list[Token] = []
    apart = False
    seen: set[int] = set()
    for token in tokens:
        table = token_grid(token)[0]
        if token.cell and table is not None:
            if table not in seen:
                seen.add(table)
                if last:
                    captions[table] = tuple(last)
            last = []
        elif token.cell:
            continue
        elif token.kind is not TokenKind.TEXT:
            # (A number between two lines of text: no heading is broken across it.)
            apart = True
        else:
            line = token_line(token)
            previous = token_line(last[-1]) if last else None
            joined = (
                not apart
                and line is not None
                and previous is not None
                and 0 <= line - previous <= 1
            )
            last = [*last[-(_CAPTION_LINES - 1) :], token] if joined else [token]
            apart = False
    return captions


def _same(a: Token, b: Token) -> bool:
    # The same text reads the same; only different texts need normalising to compare.
    return a.text == b.text or nfkc(a.text).strip() == nfkc(b.text).strip()


_FormMaps = tuple[
    dict[tuple[str, str], int],
    dict[str, tuple[str, ...]],
    dict[str, str],
    dict[str, str],
    tuple[tuple[str, range], ...],
]


@functools.cache
def _form_maps(form: TableForm) -> _FormMaps:
    """A form's cell index by row and column, each row's columns and cells, and the labels.

    The cells of each row are given as the row's key with their indices, in the form's order
    (all read only).
    """
    index = {(spec.row.key, spec.column.key): i for i, spec in enumerate(form.cells)}
    # A row's cells are consecutive in `TableForm.cells` (row by row, column by column).
    spans: dict[str, range] = {}
    for i, spec in enumerate(form.cells):
        start = spans[spec.row.key].start if spec.row.key in spans else i
        spans[spec.row.key] = range(start, i + 1)
    columns_of = {
        row.key: tuple(column.key for column in block.columns)
        for block in form.blocks
        for row in block.rows
    }
    label_of = {column.key: column.label for column in form.columns}
    row_label_of = {row.key: row.label for row in form.rows}
    return index, columns_of, label_of, row_label_of, tuple(spans.items())


class _Held(NamedTuple):
    """A row whose label is cut short and which prints nothing, held for the next row."""

    col: int
    leaf: Token
    key: str
    cells: _Row
    header: _Header
    where: tuple[int, int]


class _Unlabelled(NamedTuple):
    """A row that prints no label: its cells, the header over it, where it is in the source."""

    cells: _Row
    header: _Header
    where: tuple[int, int]
    own: bool  # whether the header over it was read in its own table part
    printed: bool = True  # False: a row of empty cells only


class _GridReader:
    def __init__(self, form: TableForm) -> None:
        self.form = form
        self.roles = role_matcher(form.variant, form.key)
        self.row_labels = _row_matcher(form.variant, form.key)
        maps = _form_maps(form)
        self.index, self.columns_of, self.label_of, self.row_label_of, self.spans = maps
        self.candidates: dict[int, list[_Candidate]] = {}
        self.unread: dict[int, Doubt] = {}
        self.unplaced: dict[int, Doubt] = {}
        self.rows: set[str] = set()
        self.captions: dict[int, tuple[Token, ...]] = {}
        self._caption: tuple[str, Token] | None = None
        self._dangling: _Held | None = None
        # Whether the header in force was read in the table part being read.
        self.own_header = False
        # Rows placed by the order of their cells: the positions of their cells by part, and
        # each such row's positions with its placements.
        self.shapes: dict[tuple[int, tuple[int, ...]], int] = {}
        self.in_order: list[tuple[tuple[int, tuple[int, ...]], list[_Candidate]]] = []
        # Rows that print no label, since the last labelled row (`last_row`): placed by order
        # when the next labelled row (or the table's end) leaves exactly as many rows of the
        # form between. Those printing nothing but empty cells are counted only when that
        # makes the count fit (a row of blanks; otherwise a spacer).
        self.last_row: str | None = None
        self.unlabelled: list[_Unlabelled] = []
        # A row of values with no label between two labelled rows that are neighbours in the
        # form (no row of the form between them): it is one of theirs, decided once the second
        # is placed (`_settle_apart`).
        self._apart: tuple[str, list[str], list[_Unlabelled]] | None = None
        # Whether a row of values with no label was left unplaced: then every labelled row
        # that printed nothing may be its (`result` says so on their cells).
        self.values_left = False
        self.column_groups = {label_key(c.group) for c in form.columns if c.group is not None}
        self.row_order = {
            row.key: position
            for position, row in enumerate(row for block in form.blocks for row in block.rows)
        }

    # Rows.

    def _caption_row(self, table: int) -> tuple[str, Token] | None:
        """The form row a table's caption names wholly, with the caption.

        The caption is its last token, or that token with the ones before it on the lines just
        above (a heading broken over lines, 行政复 / 议) when together they name a row more
        closely: the fewest edits, then the fewest tokens.
        """
        caption = self.captions.get(table)
        if not caption:
            return None
        best: tuple[tuple[int, int], str, Token] | None = None
        for count in range(1, len(caption) + 1):
            pieces = caption[-count:]
            text = "".join(piece.text for piece in pieces)
            found = self.row_labels.match(text)
            if found is None or found.partial or found.target.startswith(_GROUP):
                continue
            rank = (found.edits, count)
            if best is None or rank < best[0]:
                token = pieces[0] if count == 1 else attrs.evolve(pieces[0], text=text)
                best = (rank, found.target, token)
        return None if best is None else (best[1], best[2])

    def _is_header(self, cells: _Row, header: _Header | None, *, in_band: bool) -> bool:
        """Column labels and no number; after a data row, column labels over the values."""
        if any(t.kind is TokenKind.VALUE for t in cells.values()):
            return False
        first = header.first if header is not None and not in_band else 0
        for c, token in cells.items():
            role = self.roles.match(token.text) if token.kind is TokenKind.TEXT else None
            if role is not None and role.target.startswith("col:") and c >= first:
                return True
        return False

    def _is_generic_header(self, cells: _Row, *, first: bool) -> bool:
        """A table's first row naming its columns in words that are no labels of the form.

        (类别 | 数据1 | 数据2 | …, as converters name the columns.) Its words are no values;
        the cells under it are placed in the form's order of the columns, with doubt.
        """
        if not first:
            return False
        printed = [(c, t) for c, t in sorted(cells.items()) if t.text]
        if len(printed) < 2 or any(t.kind is not TokenKind.TEXT for _, t in printed):
            return False
        for position, (_, token) in enumerate(printed):
            role = self.roles.match(token.text)
            if role is None or (position and label_key(token.text) in self.column_groups):
                continue  # (a spanning column header, 法人或其他组织, among the converter's names)
            if position or role.target.startswith(("row:", "col:")):
                return False
        return self.row_labels.match(printed[0][1].text) is None

    def _identify(self, leaf: Token, context: list[str]) -> str | None:
        found = self.row_labels.match(leaf.text)
        if found is not None and not found.target.startswith(_GROUP):
            return found.target
        for group in context:
            found = self.row_labels.match(group + leaf.text)
            if found is not None and not found.target.startswith(_GROUP):
                return found.target
        if len(context) > 1:
            found = self.row_labels.match("".join(reversed(context)) + leaf.text)
            if found is not None and not found.target.startswith(_GROUP):
                return found.target
        return None

    def read(self, rows: list[tuple[tuple[int, int], _Row]]) -> None:
        header: _Header | None = None
        pending: list[_Row] = []
        groups: dict[int, str] = {}
        table: int | None = None
        first_row = 0
        # Whether a row of the table part being read has been read as data: before one, a row
        # of column labels is the part's own header wherever it stands (a part printed without
        # the label columns of the part before it).
        data_seen = False
        for (table_index, row_index), cells in rows:
            if table_index != table:
                table, groups, pending = table_index, {}, []
                first_row = row_index
                data_seen = False
                self.own_header = False
                self._caption = self._caption_row(table_index)
                if self._caption is not None and self.form.across:
                    # Over a table printed across, a caption naming a row stands for the row
                    # label over all its columns (the form's label: the caption may word it
                    # differently, 行政诉讼（复议后起诉） for 复议后起诉).
                    key, caption = self._caption
                    label = Token(self.row_label_of[key], TokenKind.TEXT, location=caption.location)
                    pending.append({min(cells, default=0): label})
            if self._is_header(
                cells, header, in_band=header is None or bool(pending) or not data_seen
            ) or self._is_generic_header(cells, first=not pending and row_index == first_row):
                self._flush(self._dangling)
                self._dangling = None
                pending.append(cells)
                header = _Header(pending, self.roles)
                self.own_header = True
                continue
            if header is None:
                pending.append(cells)
                continue
            where = (table_index, row_index)
            held, self._dangling = self._dangling, None
            if self.form.across and not self._labelled(cells, header):
                self._flush(held)
                data = self._read_across(cells, header, where)
            else:
                data = self._read_down(cells, header, groups, where, held)
            if data:
                pending = []
                data_seen = True
            else:
                pending.append(cells)
        self._flush(self._dangling)
        self._dangling = None
        # Rows with no label after the last labelled one: the table's last rows, when they fit
        # (the second part of a table split over pages, printed without its label column).
        self._place_unlabelled(None)
        self._settle_apart(None)

    def _labelled(self, cells: _Row, header: _Header) -> bool:
        """Whether a row has a row label left of the values (a table printed across, turned)."""
        for c, token in cells.items():
            if c < header.first and token.kind is TokenKind.TEXT:
                found = self.row_labels.match(token.text)
                if found is not None and not found.target.startswith(_GROUP):
                    return True
        return False

    def _read_down(
        self,
        cells: _Row,
        header: _Header,
        groups: dict[int, str],
        where: tuple[int, int],
        held: _Held | None = None,
    ) -> bool:
        labels = sorted(
            (c, t) for c, t in cells.items() if c < header.first and t.kind is TokenKind.TEXT
        )
        for c, token in labels:
            groups[c] = token.text
            for deeper in [d for d in groups if d > c]:
                del groups[deeper]
        if not labels:
            if not self._has_value(cells, header):
                if held is None and self._values_before_header(cells, header):
                    # Numbers with no label, all left of the first column the header names
                    # (the others' headers generic, 数据1): a row printed, placed by order.
                    self.unlabelled.append(_Unlabelled(cells, header, where, self.own_header))
                    return True
                self._flush(held)
                if held is None and self._all_empty(cells, header):
                    self.unlabelled.append(
                        _Unlabelled(cells, header, where, self.own_header, printed=False)
                    )
                return False
            if held is not None and not any(row.printed for row in self.unlabelled):
                # Values under a label cut short over a row that printed nothing: the label's
                # rest is lost, and the values are most likely its row's; said so. (Not when
                # values with no label came just before the label too: they may be its row's,
                # the label printed under them, and the rows are then placed by their count.)
                self._place_row(held.key, held.col, cells, header, where)
                reason = Doubt.of("grid.unlabelled_row", label=self.row_label_of[held.key])
                self._doubt_row(where, reason)
                return True
            self.unlabelled.append(_Unlabelled(cells, header, where, self.own_header))
            return True
        # The label is the rightmost text that names a row: a 单位 or 说明 column may stand
        # between it and the values.
        for leaf_col, leaf in reversed(labels):
            context = [groups[c] for c in sorted(groups, reverse=True) if c < leaf_col]
            key = self._identify(leaf, context)
            if key is not None:
                if held is not None and held.key == key:
                    # The rest of a held row's label names the same row by itself: the held
                    # row was only the label's first half, and its empty cells are no cells.
                    held = None
                break
        else:
            leaf_col, leaf = labels[-1]
            key = self._continued(held, leaf_col, leaf)
            if key is not None:
                held = None
            else:
                key = self._captioned(leaf)
            if key is None:
                self._flush(held)
                return self._has_value(cells, header)
        self._flush(held)
        cut = self.row_labels.match(leaf.text)
        if (
            cut is not None
            and cut.partial
            and not any(t.text for c, t in cells.items() if c > leaf_col)
        ):
            # A label cut short over a row that prints nothing: its rest and its values may
            # be on the next row (a label broken over two rows). Held until that row is seen.
            self._dangling = _Held(leaf_col, leaf, key, cells, header, where)
            return False
        self._place_row(key, leaf_col, cells, header, where)
        return True

    def _place_unlabelled(self, key: str | None) -> None:
        """Place the rows with no label before row ``key`` by their order, when they fit.

        They fit when the labelled rows on both sides (for ``key`` None: the last labelled row
        and the table's end) leave exactly as many rows of the form between them, none of them
        read yet; each is then read as that row, with a doubt. Rows of empty cells only count
        when the rows fit with them (a row of blanks), else the rows printing a value alone.
        Rows that do not fit are settled once row ``key`` is read (`_settle_apart`).
        """
        pending, self.unlabelled = self.unlabelled, []
        if not pending or self.last_row is None:
            return
        order = self.row_order
        end = len(order) if key is None else order[key]
        between = [row for row, position in order.items() if order[self.last_row] < position < end]
        if any(row in self.rows for row in between):
            self.values_left = self.values_left or any(row.printed for row in pending)
            return
        between.sort(key=order.__getitem__)
        if not any(self._under_header(row, u.header) for row in between for u in pending):
            # Rows of other blocks only (their columns under none of the headers over the
            # values), printed elsewhere (in lines beside the grid): the values are not theirs,
            # but a labelled neighbour's that printed nothing (`_settle_apart`).
            between = []
        printed = [row for row in pending if row.printed]
        if key is None and len(printed) == 1 and self._prints_nothing(self.last_row):
            # At the table's end, one row of values under a labelled row that printed nothing:
            # its values (the rows after it in the form may be printed elsewhere, in lines).
            self._apart = (self.last_row, [], printed)
            return
        if between and len(pending) == len(between):
            fitting = pending
        elif between and len(printed) == len(between):
            fitting = printed
        else:
            if printed:
                self._apart = (self.last_row, between, printed)
            return
        if printed:
            # (A row of values with no label under a row that printed nothing may be its.)
            self._doubt_apart(self.last_row)
        for row, unlabelled in zip(between, fitting, strict=True):
            self._place_unlabelled_as(row, unlabelled)

    def _under_header(self, row: str, header: _Header) -> bool:
        """Whether ``header`` may stand over row ``row``.

        It may when it names one of the row's columns, or none of the form's (a header of
        generic names, ``Col2``).
        """
        named = {found[0] for c in header.starts({}) if (found := header.column(c)) is not None}
        return not named or any(column in named for column in self.columns_of[row])

    def _place_unlabelled_as(self, row: str, unlabelled: _Unlabelled) -> None:
        """Read a row that prints no label as the form's row ``row``, with a doubt."""
        cells, header, where, own, _ = unlabelled
        own_header = self.own_header
        self.own_header = own  # (as when the row was read)
        # The label's place: the empty cell left of the values, if the row prints one and
        # more cells than the row has columns, or its table's own header names its column the
        # label column (else, with exactly as many, the empty cell is the row's first, blank:
        # a part printed without its label column, on a grid shifted against the header).
        first = min(cells)
        empty = cells[first].kind is TokenKind.EMPTY and first < header.first
        wider = len(cells) > len(self.columns_of[row])
        labelled = own and self._label_column(header, first)
        leaf_col = first if empty and (wider or labelled) else -1
        self._place_row(row, leaf_col, cells, header, where)
        self._doubt_row(where, Doubt.of("grid.unlabelled_row", label=self.row_label_of[row]))
        self.own_header = own_header

    def _label_column(self, header: _Header, c: int) -> bool:
        """Whether the header names grid column ``c`` as the label column (申请人情况)."""
        text = header.text(c)
        headers = _block_headers(self.form.variant, self.form.key)
        return text is not None and label_key(text) in headers

    def _prints_nothing(self, row: str) -> bool:
        """Whether the form's row ``row`` was read with every cell empty."""
        placed = [
            candidate
            for index in dict(self.spans)[row]
            for candidate in self.candidates.get(index, ())
        ]
        return bool(placed) and not any(candidate.token.text.strip() for candidate in placed)

    def _settle_apart(self, key: str | None) -> None:
        """Place the rows of values with no label that do not fit the rows between.

        A conversion that parts a row's label from its values prints the label on a row of
        empty cells and the values on a row of no label, just before or after it. So when the
        rows of values with no label are one more than the form's rows between the labelled
        rows around them, and one of those two printed nothing, the first (or last) is that
        row's; two more, and both printed nothing, the first and the last are theirs. Each is
        read with a doubt. Otherwise the rows between are left unplaced, saying so (they are
        printed, not missing), and a labelled neighbour that printed nothing says the values
        may be its own.
        """
        apart, self._apart = self._apart, None
        if apart is None:
            return
        before, between, printed = apart
        empty_before = self._prints_nothing(before)
        empty_after = (
            key is not None
            and any(self._under_header(key, row.header) for row in printed)
            and self._prints_nothing(key)
        )
        extra = len(printed) - len(between)
        rows: list[str] | None = None
        if extra == 1 and empty_before and not empty_after:
            rows = [before, *between]
        elif extra == 1 and empty_after and not empty_before and key is not None:
            rows = [*between, key]
        elif extra == 2 and empty_before and empty_after and key is not None:
            rows = [before, *between, key]
        if rows is not None:
            last = self.last_row
            for row, unlabelled in zip(rows, printed, strict=True):
                self._place_unlabelled_as(row, unlabelled)
            self.last_row = last  # (the rows placed here are before it)
            return
        self.values_left = True
        if between:
            reason = Doubt.of("grid.unlabelled_rows", rows=len(printed), cells=len(between))
            for row in between:
                for index in dict(self.spans)[row]:
                    self.unplaced.setdefault(index, reason)
        for neighbour in (before, key):
            if neighbour is not None:
                self._doubt_apart(neighbour)

    def _doubt_apart(self, row: str) -> None:
        """When the form's row ``row`` printed nothing, say that values nearby may be its own."""
        if not self._prints_nothing(row):
            return
        reason = Doubt.of("grid.values_apart", label=self.row_label_of[row])
        for index in dict(self.spans)[row]:
            if index in self.candidates:
                self.candidates[index] = [
                    candidate._replace(reasons=(*candidate.reasons, reason))
                    for candidate in self.candidates[index]
                ]

    def _place_row(
        self, key: str, leaf_col: int, cells: _Row, header: _Header, where: tuple[int, int]
    ) -> None:
        first = key not in self.rows
        if first:
            self._place_unlabelled(key)
            self.last_row = key
        self.rows.add(key)
        right = {c: t for c, t in cells.items() if c > leaf_col}
        if any(doubt.code == "grid.packed" for t in right.values() for doubt in t.uncertain):
            self._place_packed(key, right, where)
            if first:
                self._settle_apart(key)
            return
        lines_up = self._lines_up(right, header, leaf_col)
        if (
            len(right) == len(self.columns_of[key])
            and not (lines_up and self.own_header)
            and self._names_every_column(key, header)
        ):
            # As many cells as the row has columns, on a grid of their own (a part of the table
            # on another page, a shift of the grid inside it): placed by their own order.
            self._place_shape(key, right, header, where)
        elif lines_up:
            self._place_down(key, right, header, where)
            if not self.own_header and self._lacks_column(key, right, header):
                # A part with no header of its own whose row has no cell where a column of the
                # header starts: its grid may not be the header's (a column lost, the next one
                # read in its place).
                self._doubt_row(where, Doubt.of("grid.shifted", label=self.row_label_of[key]))
        else:
            self._place_in_order(key, right, header, where)
        if first:
            self._settle_apart(key)

    def _place_packed(self, key: str, right: _Row, where: tuple[int, int]) -> None:
        """Read a row whose cells print several numbers each by the order of its numbers.

        Its grid is the conversion's, not the table's: the header's positions say nothing. The
        numbers are the row's cells in the form's order when they are as many as its columns
        (the empty cells between them counted when that makes them fit: blank cells); else
        the row is left unread, saying so.
        """
        columns = self.columns_of[key]
        ordered = [right[c] for c in sorted(right)]
        printed = [i for i, token in enumerate(ordered) if token.kind is not TokenKind.EMPTY]
        inner = ordered[printed[0] : printed[-1] + 1] if printed else []
        if len(printed) == len(columns):
            fitting = [ordered[i] for i in printed]
        elif len(inner) == len(columns):
            fitting = inner
        else:
            reason = Doubt.of(
                "grid.misaligned_unread",
                label=self.row_label_of[key],
                cells=len(printed),
                columns=len(columns),
            )
            for column_key in columns:
                self.unplaced.setdefault(self.index[key, column_key], reason)
            return
        packed = next(d for t in ordered for d in t.uncertain if d.code == "grid.packed")
        for column_key, token in zip(columns, fitting, strict=True):
            # (Each number carries the doubt already; an empty cell counted among them not.)
            reasons = () if packed in token.uncertain else (packed,)
            self.candidates.setdefault(self.index[key, column_key], []).append(
                _Candidate(token, exact=False, row=where, reasons=reasons)
            )

    def _flush(self, held: _Held | None) -> None:
        """Place a held row whose label the next row did not continue, as it is printed."""
        if held is not None:
            self._place_row(held.key, held.col, held.cells, held.header, held.where)

    def _continued(self, held: _Held | None, leaf_col: int, leaf: Token) -> str | None:
        """The row a held row's label names with this row's label after it, when the same."""
        if held is None or held.col != leaf_col:
            return None
        joined = Token(held.leaf.text + leaf.text, TokenKind.TEXT, location=leaf.location)
        found = self.row_labels.match(joined.text)
        if found is None or found.partial or found.target != held.key:
            return None
        return held.key

    def _captioned(self, leaf: Token) -> str | None:
        """The row the table's caption names, when the row's own label is the caption's end.

        (### （一）予以公开 over a table whose row is labelled 予以公开.)
        """
        if self._caption is None:
            return None
        key, caption = self._caption
        text = label_key(leaf.text)
        if not text or not label_key(caption.text).endswith(text):
            return None
        return key

    def _names_every_column(self, key: str, header: _Header) -> bool:
        """Whether the header names every column of row ``key`` (so it gives their order)."""
        return all(header.first_position(column) is not None for column in self.columns_of[key])

    def _lacks_column(self, key: str, right: _Row, header: _Header) -> bool:
        """Whether the header starts a column of row ``key`` where the row has no cell."""
        starts = (header.first_position(column) for column in self.columns_of[key])
        return any(c is not None and c not in right for c in starts)

    def _ordered_columns(self, key: str, header: _Header) -> list[str]:
        """The columns of row ``key`` in the order the header prints them."""
        columns = self.columns_of[key]
        first_position = {column: header.first_position(column) for column in columns}
        return sorted(
            columns,
            key=lambda column: (first_position[column] is None, first_position[column] or 0),
        )

    def _place_shape(self, key: str, right: _Row, header: _Header, where: tuple[int, int]) -> None:
        """One cell per column of the row, read in the header's order of its columns.

        Exact when the cells stand where the header's columns start, or when another row of
        the same part has its cells at the same positions (the part's own grid); otherwise
        flagged as placed by order (`result` decides, once every row is read).
        """
        ordered = self._ordered_columns(key, header)
        positions = tuple(sorted(right))
        starts = tuple(header.first_position(column) for column in ordered)
        shape = (where[0], positions)
        self.shapes[shape] = self.shapes.get(shape, 0) + 1
        reason = (
            ()
            if positions == starts
            else (Doubt.of("grid.misaligned", label=self.row_label_of[key]),)
        )
        placed: list[_Candidate] = []
        for column_key, c in zip(ordered, positions, strict=True):
            index = self.index[key, column_key]
            candidate = _Candidate(right[c], exact=not reason, row=where, reasons=reason)
            self.candidates.setdefault(index, []).append(candidate)
            placed.append(candidate)
        if reason:
            self.in_order.append((shape, placed))

    def _doubt_row(self, where: tuple[int, int], reason: Doubt) -> None:
        """Add a reason for doubt to every placement from the source row ``where``."""
        for candidates in self.candidates.values():
            for position, candidate in enumerate(candidates):
                if candidate.row == where:
                    candidates[position] = candidate._replace(reasons=(*candidate.reasons, reason))

    @staticmethod
    def _all_empty(cells: _Row, header: _Header) -> bool:
        """Whether a row prints nothing, with at least one empty cell under the header."""
        return all(t.kind is TokenKind.EMPTY for t in cells.values()) and any(
            c >= header.first for c in cells
        )

    @staticmethod
    def _values_before_header(cells: _Row, header: _Header) -> bool:
        """Whether a row prints only numbers (two or more) left of the header's first column.

        Empty cells aside, the row prints nothing else. (The header's other columns are named
        by generic words, 数据1, that name no form column.)
        """
        values = [c for c, t in cells.items() if t.kind is TokenKind.VALUE]
        return (
            len(values) > 1
            and max(values) < header.first
            and all(t.kind in {TokenKind.VALUE, TokenKind.EMPTY} for t in cells.values())
        )

    @staticmethod
    def _has_value(cells: _Row, header: _Header) -> bool:
        """Whether a row has a value under the header's columns."""
        return any(t.kind is TokenKind.VALUE and c >= header.first for c, t in cells.items())

    def _lines_up(self, right: _Row, header: _Header, leaf_col: int) -> bool:
        if leaf_col >= header.first:
            return False
        for c, token in right.items():
            if c < header.first:
                if token.kind is TokenKind.VALUE:
                    return False
            elif header.column(c) is None and (
                token.kind is TokenKind.VALUE
                or (c <= header.last and token.kind is TokenKind.EMPTY)
            ):
                # A cell under no header at all: the row is laid out differently.
                return False
        return True

    def _place_down(self, key: str, right: _Row, header: _Header, where: tuple[int, int]) -> None:
        placed: set[str] = set()
        mine: dict[int, list[_Candidate]] = {}
        shared = False  # whether any cell has more than one position in the row
        index_of = self.index.get
        for c, token in sorted(right.items()):
            column = header.column(c)
            if column is None:
                continue
            column_key, exact = column
            if column_key == _OTHER:
                continue
            index = index_of((key, column_key))
            if index is None:
                continue
            reasons: tuple[Doubt, ...] = ()
            if not exact:
                reasons = (Doubt.of("grid.spanned", label=self.label_of[column_key]),)
            candidate = _Candidate(token, exact, where, reasons)
            if index in mine:
                mine[index].append(candidate)
                shared = True
            else:
                mine[index] = [candidate]
            placed.add(column_key)
        # (One position per cell, the common case, is never shifted.)
        if shared and any(_shifted(candidates) for candidates in mine.values()):
            # A merged header's positions that disagree (the value under the header blank, a
            # number beside it; two numbers) mean the row may not line up at all.
            reason = Doubt.of("grid.shifted", label=self.row_label_of[key])
            # (A cell whose own positions print different numbers says so itself.)
            mine = {
                index: candidates
                if _differ(candidates)
                else [c._replace(reasons=(*c.reasons, reason)) for c in candidates]
                for index, candidates in mine.items()
            }
        for index, candidates in mine.items():
            self.candidates.setdefault(index, []).extend(candidates)
        for column_key in self.columns_of[key]:
            if column_key not in placed:
                self._missing(key, column_key, header, right, where)

    def _missing(
        self,
        key: str,
        column_key: str,
        header: _Header,
        cells: _Row,
        where: tuple[int, int],
        *,
        at: int | None = None,
    ) -> None:
        """A cell of an identified row with no token at its column: why, and what to read.

        ``at`` is the cell's grid column when the header tells it (a table printed across).
        """
        index = self.index[key, column_key]
        width = max(cells, default=-1) + 1
        label = self.label_of[column_key]
        first = header.first_position(column_key) if at is None else at
        if first is None:
            self.unplaced.setdefault(index, Doubt.of("grid.no_column", label=label))
        elif first >= width:
            token = Token(
                "",
                TokenKind.EMPTY,
                cell=True,
                location=Location(table_index=where[0], row_index=where[1], col_index=first),
            )
            reason = Doubt.of("grid.row_ends", label=label)
            self.candidates.setdefault(index, []).append(
                _Candidate(token, exact=False, row=where, reasons=(reason,))
            )
        else:
            self.unread.setdefault(index, Doubt.of("grid.merged_away", label=label))
            left = [c for c in cells if c < first]
            if left:
                self._doubt(cells[max(left)], Doubt.of("grid.merged", label=label))

    def _doubt(self, token: Token, reason: Doubt) -> None:
        """Add a reason for doubt to the placement of ``token``, wherever it was placed."""
        for candidates in self.candidates.values():
            for position, candidate in enumerate(candidates):
                if candidate.token is token:
                    reasons = (*candidate.reasons, reason)
                    candidates[position] = candidate._replace(reasons=reasons)

    def _place_in_order(
        self, key: str, right: _Row, header: _Header, where: tuple[int, int]
    ) -> None:
        columns = self.columns_of[key]
        # (An empty cell counts under the header's columns, under a header cell of its own
        # (数据1 over a blank) or before a printed cell; empty cells after the last printed one
        # and beyond the header are padding.)
        printed = [c for c, t in right.items() if t.kind is not TokenKind.EMPTY]
        end = max([*printed, header.width - 1])
        cells = [
            (c, t)
            for c, t in sorted(right.items())
            if (c >= header.first and c <= end) or t.kind is TokenKind.VALUE or c in header.cols
        ]
        label = self.row_label_of[key]
        ordered = _in_order(columns, cells, header) if len(cells) == len(columns) else None
        if ordered is not None and (
            ordered is columns or all(header.first_position(c) is not None for c in columns)
        ):
            reason = Doubt.of("grid.misaligned", label=label)
            for column_key, (c, token) in zip(ordered, cells, strict=True):
                index = self.index[key, column_key]
                named = header.text(c) if ordered is columns else None
                reasons: tuple[Doubt, ...] = (reason,)
                if named is not None and header.column(c) == (column_key, True):
                    # Its own header names its column, and the order agrees: placed by labels.
                    reasons = ()
                elif named is not None and header.column(c) == (_OTHER, True):
                    # The column's own header says nothing the form knows (数据1).
                    reasons = (
                        Doubt.of(
                            "grid.unnamed_column", header=named, label=self.label_of[column_key]
                        ),
                    )
                self.candidates.setdefault(index, []).append(
                    _Candidate(token, exact=False, row=where, reasons=reasons)
                )
            return
        if ordered is not None:
            # As many cells as columns, but the header names only some of the columns: which
            # cell is which is not known.
            reason = Doubt.of("grid.unordered", label=label)
        else:
            reason = Doubt.of(
                "grid.misaligned_unread", label=label, cells=len(cells), columns=len(columns)
            )
        for column_key in columns:
            self.unplaced.setdefault(self.index[key, column_key], reason)

    def _read_across(self, cells: _Row, header: _Header, where: tuple[int, int]) -> bool:
        for token in cells.values():
            if token.kind is TokenKind.TEXT and self.roles.match(token.text) is not None:
                return False
        printed = [token for _, token in sorted(cells.items()) if token.kind is not TokenKind.EMPTY]
        if not any(token.kind is TokenKind.VALUE for token in printed):
            # Words and no number (结果 / 维持 纠正): a line of a header the conversion broke up.
            return False
        packed = any(doubt.code == "grid.packed" for token in printed for doubt in token.uncertain)
        # A row printing every cell of the table past the header's last column: a header whose
        # cells the conversion broke over lines of their own (html2text's ``尚未`` / ``审结``),
        # each narrower than the row; its columns say nothing of the row's.
        beyond = max(cells) >= header.width
        if len(printed) == len(self.index) and (packed or beyond):
            # A row printing every cell of the table, some several to a cell (the conversion
            # lost column boundaries), or past its header: its order is the form's.
            reasons = () if packed else (_ACROSS_ORDER,)
            for cell, token in zip(sorted(self.index.values()), printed, strict=True):
                self.candidates.setdefault(cell, []).append(
                    _Candidate(token, exact=False, row=where, reasons=reasons)
                )
            self.rows.update(key for key, _ in self.index)
            return True
        placed: set[int] = set()
        for c, token in sorted(cells.items()):
            column, key = header.column(c), header.row_key(c)
            if column is None or key is None:
                continue
            index = self.index.get((key, column[0]))
            if index is None:
                continue
            self.rows.add(key)
            reasons = () if column[1] else (_SPANNED_ACROSS,)
            self.candidates.setdefault(index, []).append(
                _Candidate(token, exact=column[1], row=where, reasons=reasons)
            )
            placed.add(index)
        if not placed:
            return False
        for c in header.starts(cells):
            column, key = header.column(c), header.row_key(c)
            if column is None or key is None:
                continue
            index = self.index.get((key, column[0]))
            if index is None or index in placed:
                continue
            placed.add(index)
            self._missing(key, column[0], header, cells, where, at=c)
        return True

    def read_lines(self, tokens: Sequence[Token]) -> None:
        """Rows no table holds, printed as lines of text (``行政许可 0``) beside the grid.

        A row's label alone on the start of a line, followed on that line by as many numbers as
        the row has columns, gives the row, read in the form's order (with a doubt); any other
        count leaves its cells unread, saying their numbers are printed.
        """
        missing = {key for key, _ in self.spans if key not in self.rows}
        if not missing or self.form.across:
            return
        previous: Token | None = None
        for position, token in enumerate(tokens):
            starts = previous is None or token_line(previous) != token_line(token)
            previous = token
            if token.cell or token.kind is not TokenKind.TEXT or not starts:
                continue
            found, after = self._line_label(tokens, position)
            if found is None or found.partial or found.target not in missing:
                continue
            key = found.target
            line = token_line(tokens[after - 1])
            rest = []
            for other in tokens[after:]:
                if token_line(other) != line or other.cell:
                    break
                rest.append(other)
            if not any(t.kind is TokenKind.VALUE for t in rest) and (
                rest or not self._under_its_header(tokens, position, key)
            ):
                continue  # a label in a sentence, or a heading: no row printed
            missing.discard(key)
            self.rows.add(key)
            label = self.row_label_of[key]
            columns = self.columns_of[key]
            if len(rest) != len(columns) or any(t.kind is not TokenKind.VALUE for t in rest):
                reason = Doubt.of(
                    "grid.line_unread", label=label, cells=len(rest), columns=len(columns)
                )
                # (Unread, not unplaced: the reading order would read the same line's numbers
                # into the first of the row's cells.)
                for column_key in columns:
                    self.unread[self.index[key, column_key]] = reason
                continue
            reason = Doubt.of("grid.line", label=label)
            for column_key, value in zip(columns, rest, strict=True):
                candidate = _Candidate(value, exact=False, row=(-1, -1), reasons=(reason,))
                self.candidates.setdefault(self.index[key, column_key], []).append(candidate)

    def _line_label(self, tokens: Sequence[Token], position: int) -> tuple[LabelMatch | None, int]:
        """The row label that token ``position`` starts, and the position after it.

        The label is the token, or the token with the first of the next line when the token
        alone names no row wholly and the two together do (a label wrapped in its cell, printed
        as it wrapped: 行政许 / 可 0).
        """
        token = tokens[position]
        found = self.row_labels.match(token.text)
        if found is not None and not found.partial:
            return found, position + 1
        following = tokens[position + 1] if position + 1 < len(tokens) else None
        line = token_line(token)
        if (
            following is None
            or following.cell
            or following.kind is not TokenKind.TEXT
            or line is None
            or token_line(following) != line + 1
        ):
            return found, position + 1
        joined = self.row_labels.match(token.text + following.text)
        if joined is None or joined.partial:
            return found, position + 1
        return joined, position + 2

    def _under_its_header(self, tokens: Sequence[Token], position: int, key: str) -> bool:
        """Whether the line above token ``position`` is the header of row ``key``.

        The token is the row's label alone on its line; the line above prints a label of one
        of the row's columns (or its end, wrapped from the line before) and no number: a row
        that prints nothing after its label (its number left out, or printed elsewhere),
        found, not missing.
        """
        line = token_line(tokens[position])
        if line is None:
            return False
        above = [t for t in tokens[:position] if token_line(t) == line - 1]
        if not above or any(t.cell or t.kind is not TokenKind.TEXT for t in above):
            return False
        texts = [t.text for t in above]
        # A column label wrapped at the end of the line before (本年处理决 / 定数量), as
        # `_line_label` joins a wrapped row label.
        before = [t for t in tokens[:position] if token_line(t) == line - 2]
        if before and not any(t.cell or t.kind is not TokenKind.TEXT for t in before):
            texts.append(before[-1].text + above[0].text)
        columns = {f"col:{column}" for column in self.columns_of[key]}
        if any(
            (role := self.roles.match(text)) is not None and role.target in columns
            for text in texts
        ):
            return True
        # A header whose column labels a converter replaced (信息内容 数据1 数据2) still starts
        # with the label column's own header, followed by a word for each column.
        return len(above) > 1 and label_key(above[0].text) in _block_headers(
            self.form.variant, self.form.key
        )

    # Cells.

    def _settle_shapes(self) -> None:
        """Rows placed by order whose cells stand as another row's of their part are exact."""
        settled = {
            id(candidate)
            for shape, candidates in self.in_order
            if self.shapes[shape] > 1
            for candidate in candidates
        }
        if not settled:
            return
        for candidates in self.candidates.values():
            for position, candidate in enumerate(candidates):
                if id(candidate) in settled:
                    reasons = tuple(r for r in candidate.reasons if r.code != "grid.misaligned")
                    candidates[position] = candidate._replace(exact=True, reasons=reasons)

    def result(self) -> GridReading:
        self._settle_shapes()
        if self.values_left:
            for key in sorted(self.rows, key=self.row_order.__getitem__):
                self._doubt_apart(key)
        placed: dict[int, GridPlacement] = {}
        for index, candidates in self.candidates.items():
            placed[index] = _resolve(candidates)
            self.unread.pop(index, None)
            self.unplaced.pop(index, None)
        for key, indices in self.spans:
            if key not in self.rows:
                reason = Doubt.of("grid.no_row", label=self.row_label_of[key])
                for index in indices:
                    self.unplaced.setdefault(index, reason)
        unplaced = {i: r for i, r in self.unplaced.items() if i not in self.unread}
        return GridReading(placed, dict(self.unread), unplaced, len(self.rows))


def _in_order(
    columns: tuple[str, ...], cells: list[tuple[int, Token]], header: _Header
) -> tuple[str, ...]:
    """The form columns of a row's cells, one per cell, to read them in order.

    Labels first, then order: the form's order of the columns when every cell under a header
    that names a column of the form falls in that column (总计 among headers 数据1…数据6 that
    name none) or when the row is wider than its header (whose merged cells the converter left
    out), else the order the header prints the columns in (a row shifted against its header).
    """
    printed = [c for c, token in cells if token.kind is not TokenKind.EMPTY]
    if printed and printed[-1] >= header.width:
        # A header narrower than the row's printed cells: the converter dropped the positions
        # its merged cells covered, so they say nothing; the values stand in the form's order.
        return columns
    fits = True
    for column_key, (c, _) in zip(columns, cells, strict=True):
        named = header.column(c)
        # (A position under no form column's header, 数据1 or a spanning 法人或其他组织 that is
        # no column, says nothing against the form's order.)
        if named is not None and named[0] not in {_OTHER, column_key}:
            fits = False
            break
    if fits:
        return columns
    first_position = {column: header.first_position(column) for column in columns}
    return tuple(
        sorted(
            columns,
            key=lambda column: (first_position[column] is None, first_position[column] or 0),
        )
    )


def _differ(candidates: list[_Candidate]) -> bool:
    """Whether positions the form declares as one cell print different things."""
    if len(candidates) == 1:
        return False  # one position prints one thing (the common case: no merged header)
    printed = [c for c in candidates if c.token.text.strip()]
    return any(not _same(c.token, printed[0].token) for c in printed)


def _shifted(candidates: list[_Candidate]) -> bool:
    """Whether one row's positions under one form column disagree."""
    if len(candidates) == 1:
        return False  # one position: printed and exact are the same one candidate
    if _differ(candidates):
        return True
    printed = [c for c in candidates if c.token.text.strip()]
    exact = [c for c in candidates if c.exact]
    return bool(printed) and bool(exact) and not any(c.exact for c in printed)


def _resolve(candidates: list[_Candidate]) -> GridPlacement:
    """One cell from the positions of the source that the form declares as that one cell."""
    if len(candidates) == 1:
        (chosen,) = candidates
        # Fewer than two reasons hold no repeat.
        if len(chosen.reasons) < 2:
            return GridPlacement(chosen.token, chosen.reasons)
        return GridPlacement(chosen.token, tuple(dict.fromkeys(chosen.reasons)))
    printed = [c for c in candidates if c.token.text.strip()]
    chosen_from = printed or candidates
    exact = [c for c in chosen_from if c.exact]
    chosen = (exact or chosen_from)[0]
    reasons: list[Doubt] = list(chosen.reasons)
    if any(not _same(c.token, chosen.token) for c in printed):
        texts = ", ".join(repr(c.token.text) for c in printed)
        reasons.append(Doubt.of("grid.conflict", texts=texts, text=chosen.token.text))
    return GridPlacement(chosen.token, tuple(dict.fromkeys(reasons)))


def read_grid(tokens: Sequence[Token], form: TableForm) -> GridReading | None:
    """Place the cells of ``form`` from the grid tokens among ``tokens``.

    None when there is no grid, or no row of the form is found in it: then the grid says
    nothing about the table.
    """
    rows = _grid_rows(tokens)
    if not rows:  # no token has a grid position (the text formats): no row can be found
        return None
    reader = _GridReader(form)
    reader.captions = _captions(tokens)
    reader.read(rows)
    if not reader.rows:
        return None
    reader.read_lines(tokens)
    return reader.result()
