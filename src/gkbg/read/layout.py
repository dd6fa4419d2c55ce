# SPDX-License-Identifier: MIT
"""The intermediate form every parser produces: a stream of tokens plus the document's text.

A parser's only job is to turn its format into a `Layout`. Which token is which cell is decided
once, for every format, by the schema alignment in ``gkbg.align.report``.
"""

from __future__ import annotations

import bisect
import enum
import itertools
from typing import TYPE_CHECKING

import attrs

from gkbg.core.limits import check_text, check_tokens
from gkbg.core.model import Location
from gkbg.core.text import looks_like_value

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from gkbg.core.limits import Limits
    from gkbg.core.reasons import Doubt

__all__ = ["BodyWriter", "Layout", "Token", "TokenKind", "TokenWriter", "token_kind"]


class TokenKind(str, enum.Enum):
    """What a token looks like: a value (number or placeholder), other text, or an empty cell."""

    TEXT = "text"
    VALUE = "value"
    EMPTY = "empty"


def token_kind(text: str, *, cell: bool) -> TokenKind:
    """What a piece of text looks like: a value, other text, or (for a cell) empty."""
    if not text.strip():
        return TokenKind.EMPTY if cell else TokenKind.TEXT
    return TokenKind.VALUE if looks_like_value(text) else TokenKind.TEXT


@attrs.frozen
class Token:
    """A piece of the document in reading order.

    Attributes:
        text: The text as printed.
        kind: What it looks like.
        cell: True when the source marks the token as one whole table cell (HTML, Word and
            pipe text do; flattened text does not). Only cell tokens can be empty.
        location: Where the token is in the source.
        uncertain: Why the parser doubts its reading of the token (a PDF cell whose text runs
            over its ruling lines, say), as `Doubt` values; carried over to the cell it is
            placed in (where an English sentence, as parsers written for gkbg 0.1 give, is
            read as its `Doubt`).
        readings: Other readings of its characters that the source itself proposes, likelier
            first: an OCR engine's candidates for the digits of a scanned cell
            (``gkbg.read.scan``). The alignment may choose one when the statute's arithmetic
            holds with it and not with ``text`` (``gkbg.align.candidates``); none is invented.
    """

    text: str
    kind: TokenKind
    cell: bool = False
    location: Location = attrs.field(factory=Location)
    uncertain: tuple[Doubt, ...] = ()
    readings: tuple[str, ...] = ()


# Where a lazy token is: start, end, line, column, table_index, row_index, col_index.
_At = tuple[int, int, int, int, int | None, int | None, int | None]


class _SpanToken(Token):
    """A `Token` of a text format whose `Location` is made only when read (`TokenWriter`).

    A seed report's 400 tokens would each need a `Location` of nine fields, which cost more than
    the whole reading of the text; the alignment reads the location of the few tokens it places
    in cells, and otherwise only their offsets and lines (`token_offsets`, `token_line`,
    `token_grid`), which this token keeps as plain integers. In every other way it is the
    `Token` of the same fields: equal to it (both ways) and hashed alike, printed alike, and
    copied, pickled or evolved into a plain `Token`.
    """

    # (start, end, line, column, table_index, row_index, col_index) of the token's text (the
    # last three None but in a table's grid).
    __slots__ = ("_at",)
    _at: _At

    # Never set on a token of a text format (the base class's slots stay empty).
    uncertain: tuple[Doubt, ...] = ()
    readings: tuple[str, ...] = ()

    def __new__(cls, *args: object, **kwargs: object) -> Token:  # type: ignore[misc]
        """A plain `Token`: what ``_SpanToken(...)`` and `attrs.evolve` of one make."""
        return Token(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def location(self) -> Location:
        """The token's `Location`, made when read (the alignment reads it of the cells only)."""
        start, end, line, column, table, row, col = self._at
        return Location(start, end, line, column, None, None, table, row, col)

    def _plain(self) -> Token:
        return Token(self.text, self.kind, self.cell, self.location, self.uncertain, self.readings)

    def __eq__(self, other: object) -> bool:
        """Equal to a `Token` (of either class) of the same fields."""
        if not isinstance(other, Token):
            return NotImplemented
        return (
            self.text == other.text
            and self.kind == other.kind
            and self.cell == other.cell
            and self.location == other.location
            and self.uncertain == other.uncertain
            and self.readings == other.readings
        )

    def __ne__(self, other: object) -> bool:
        """Not `__eq__`."""
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = Token.__hash__

    def __repr__(self) -> str:
        """As the plain `Token` prints."""
        return repr(self._plain())

    def __reduce__(self) -> tuple[type[Token], tuple[object, ...]]:
        """Pickled and copied as the plain `Token`."""
        plain = self._plain()
        return Token, (plain.text, plain.kind, plain.cell, plain.location, (), ())


_NEW = object.__new__
_SET = object.__setattr__


def span_token(
    text: str,
    kind: TokenKind,
    at: _At,
    *,
    cell: bool = False,
) -> Token:
    """``Token(text, kind, cell, Location(start, end, line, column, table_index=…, …))``.

    ``at`` is ``(start, end, line, column, table_index, row_index, col_index)``; the token's
    `Location` is made only when read (`_SpanToken`).
    """
    token = _NEW(_SpanToken)
    _SET(token, "text", text)
    _SET(token, "kind", kind)
    _SET(token, "cell", cell)
    _SET(token, "_at", at)
    return token


def token_offsets(token: Token) -> tuple[int | None, int | None]:
    """``(token.location.start, token.location.end)``, without making a lazy token's location."""
    if type(token) is _SpanToken:
        at = token._at  # noqa: SLF001
        return at[0], at[1]
    location = token.location
    return location.start, location.end


def token_line(token: Token) -> int | None:
    """``token.location.line``, without making a lazy token's location."""
    if type(token) is _SpanToken:
        return token._at[2]  # noqa: SLF001
    return token.location.line


def token_grid(token: Token) -> tuple[int | None, int | None, int | None]:
    """``(table_index, row_index, col_index)`` of the token's location."""
    if type(token) is _SpanToken:
        _, _, _, _, table, row, column = token._at  # noqa: SLF001
        return table, row, column
    location = token.location
    return location.table_index, location.row_index, location.col_index


@attrs.frozen
class Layout:
    """A document as a parser hands it to the alignment.

    Attributes:
        tokens: The document's tokens in reading order, narrative and tables alike.
        text: The document's whole text, for metadata (title, agency, year).
        source: The file name, or None.
        format: The parser's name.
        ocr: True when the text was read from page images by OCR (a scan): the alignment
            then looks for digits the engine may have misread (``gkbg.align.misreads``).
    """

    tokens: tuple[Token, ...]
    text: str
    source: str | None = None
    format: str | None = None
    ocr: bool = False


_ONE = 1


class TokenWriter:
    """Builds tokens from a decoded text, computing line and column from character offsets.

    Given ``limits``, `add` refuses a token beyond ``limits.max_tokens`` with a
    `LimitExceededError` naming ``source``.
    """

    def __init__(
        self, text: str, *, source: str = "<document>", limits: Limits | None = None
    ) -> None:
        """Index the line starts of ``text``."""
        self.text = text
        self._source = source
        self._limits = limits
        # Each line starts one past the end of the one before: the running sum of the lengths
        # of the lines before it, each with its "\n".
        lines = text.split("\n")
        del lines[-1]
        self._line_starts = [0, *itertools.accumulate(map(_ONE.__add__, map(len, lines)))]
        self.tokens: list[Token] = []

    def location(self, start: int, end: int) -> Location:
        """The location of ``text[start:end]``."""
        line = bisect.bisect_right(self._line_starts, start)
        return Location(start, end, line, start - self._line_starts[line - 1] + 1)

    def add(self, start: int, end: int, *, cell: bool, kind: TokenKind | None = None) -> None:
        """Add ``text[start:end]`` as a token; its kind is guessed from its text unless given."""
        if self._limits is not None:
            check_tokens(len(self.tokens) + 1, self._source, self._limits)
        piece = self.text[start:end]
        if kind is None:
            kind = token_kind(piece, cell=cell)
        self.tokens.append(Token(piece.strip(), kind, cell, self.location(start, end)))

    def add_spans(self, spans: Iterable[tuple[int, int, bool, TokenKind | None]]) -> None:
        """Add a token for each ``(start, end, cell, kind)``, in order: what `add` would add.

        One call for a document's tokens rather than one per token; each token is equal to the
        one `add` makes, its `Location` made only when read (`_SpanToken`).
        """
        text = self.text
        line_starts = self._line_starts
        tokens = self.tokens
        append = tokens.append
        limits = self._limits
        value, other, empty = TokenKind.VALUE, TokenKind.TEXT, TokenKind.EMPTY
        new, put, lazy = _NEW, _SET, _SpanToken
        for start, end, cell, given in spans:
            if limits is not None and len(tokens) >= limits.max_tokens:
                check_tokens(len(tokens) + 1, self._source, limits)
            piece = text[start:end]
            stripped = piece.strip()
            kind = given
            if kind is None:
                if stripped:
                    kind = value if looks_like_value(piece) else other
                else:
                    kind = empty if cell else other
            line = bisect.bisect_right(line_starts, start)
            token = new(lazy)
            put(token, "text", stripped)
            put(token, "kind", kind)
            put(token, "cell", cell)
            put(
                token,
                "_at",
                (start, end, line, start - line_starts[line - 1] + 1, None, None, None),
            )
            append(token)

    def add_words(self, spans: Iterable[tuple[int, int]]) -> None:
        """Add the text of each ``(start, end)`` span, in order, as a token that is no cell.

        Each token is equal to the one `add` would add for its span, its `Location` made when
        first read (`_SpanToken`).
        """
        text = self.text
        line_starts = self._line_starts
        tokens = self.tokens
        append = tokens.append
        limits = self._limits
        value, other = TokenKind.VALUE, TokenKind.TEXT
        new, put, lazy = _NEW, _SET, _SpanToken
        for start, end in spans:
            if limits is not None and len(tokens) >= limits.max_tokens:
                check_tokens(len(tokens) + 1, self._source, limits)
            piece = text[start:end]
            stripped = piece.strip()
            kind = value if stripped and looks_like_value(piece) else other
            line = bisect.bisect_right(line_starts, start)
            token = new(lazy)
            put(token, "text", stripped)
            put(token, "kind", kind)
            put(token, "cell", False)  # noqa: FBT003
            put(
                token,
                "_at",
                (start, end, line, start - line_starts[line - 1] + 1, None, None, None),
            )
            append(token)

    def layout(self, *, source: str | None, format: str) -> Layout:  # noqa: A002
        """The finished layout."""
        return Layout(tuple(self.tokens), self.text, source, format)


def token_span(tokens: Sequence[Token]) -> tuple[int, int] | None:
    """The character span covered by ``tokens`` in the decoded text, when they have offsets."""
    lazy = _SpanToken
    found = [t._at[0] if type(t) is lazy else t.location.start for t in tokens]  # noqa: SLF001
    ended = [t._at[1] if type(t) is lazy else t.location.end for t in tokens]  # noqa: SLF001
    starts = [start for start in found if start is not None]
    ends = [end for end in ended if end is not None]
    if not starts or not ends:
        return None
    return min(starts), max(ends)


class BodyWriter:
    """Writes a document read as paragraphs and tables: `Layout.text` and its token spans.

    One line per paragraph, one line per table row with its cells separated by `` | `` (as
    the pipe-cell format flattens a table); one token per non-empty paragraph and per cell.
    The readers of Word and OpenDocument files extend it with the walk of their own XML.
    """

    def __init__(self, source: str = "<document>", limits: Limits | None = None) -> None:
        """Start with no text; ``limits`` (of document ``source``) are checked as it grows.

        More tokens than ``limits.max_tokens`` or more characters than
        ``limits.max_text_chars`` are refused as soon as they are written, before the rest of
        the document is walked.
        """
        self._source = source
        self._limits = limits
        self._pieces: list[str] = []
        self._length = 0
        self._line_open = False
        self._tables = 0
        # (start, end, cell, table, row, column) of each token, offsets into the text.
        self.spans: list[tuple[int, int, bool, int | None, int | None, int | None]] = []

    def _write(self, text: str) -> int:
        start = self._length
        self._pieces.append(text)
        self._length += len(text)
        limits = self._limits
        if limits is not None and self._length > limits.max_text_chars:
            check_text(self._length, self._source, limits)
        return start

    def _token(self, span: tuple[int, int, bool, int | None, int | None, int | None]) -> None:
        limits = self._limits
        if limits is not None and len(self.spans) >= limits.max_tokens:
            check_tokens(len(self.spans) + 1, self._source, limits)
        self.spans.append(span)

    def _end_line(self) -> None:
        if self._line_open:
            self._write("\n")
            self._line_open = False

    def _span(self, text: str, start: int) -> tuple[int, int]:
        """The offsets of ``text`` (written at ``start``) without its surrounding white space."""
        stripped = text.strip()
        if not stripped:
            return start, start
        lead = len(text) - len(text.lstrip())
        return start + lead, start + lead + len(stripped)

    def _paragraph(self, text: str) -> None:
        self._end_line()
        start = self._write(text)
        self._write("\n")
        if text.strip():
            self._token((*self._span(text, start), False, None, None, None))

    def _cell(self, text: str, table: int, row: int, column: int) -> None:
        if self._line_open:
            self._write(" | ")
        start = self._write(text)
        self._line_open = True
        self._token((*self._span(text, start), True, table, row, column))

    def layout(self, *, source: str, format: str) -> Layout:  # noqa: A002
        """The finished layout."""
        text = "".join(self._pieces)
        lines = text.split("\n")
        del lines[-1]
        line_starts = [0, *itertools.accumulate(map(_ONE.__add__, map(len, lines)))]
        find_line = bisect.bisect_right
        plain = TokenKind.TEXT
        tokens: list[Token] = []
        append = tokens.append
        for start, end, cell, table, row, column in self.spans:
            piece = text[start:end]
            line = find_line(line_starts, start)
            place = start - line_starts[line - 1] + 1
            if cell:
                location = Location(
                    start,
                    end,
                    line,
                    place,
                    table_index=table,
                    row_index=row,
                    col_index=column,
                )
                append(Token(piece, token_kind(piece, cell=True), cell, location))
            else:
                # A narrative paragraph is never a value, whatever it holds.
                append(Token(piece, plain, cell, Location(start, end, line, place)))
        return Layout(tuple(tokens), text, source, format)
