# SPDX-License-Identifier: MIT
"""The intermediate form every parser produces: a stream of tokens plus the document's text.

A parser's only job is to turn its format into a `Layout`. Which token is which cell is decided
once, for every format, by the schema alignment in ``gkbg._align``.
"""

from __future__ import annotations

import bisect
import enum
from typing import TYPE_CHECKING

import attrs

from gkbg._limits import check_tokens
from gkbg._model import Location
from gkbg._text import looks_like_value

if TYPE_CHECKING:
    from collections.abc import Sequence

    from gkbg._limits import Limits

__all__ = ["Layout", "Token", "TokenKind", "TokenWriter", "token_kind"]


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
    """

    text: str
    kind: TokenKind
    cell: bool = False
    location: Location = attrs.field(factory=Location)


@attrs.frozen
class Layout:
    """A document as a parser hands it to the alignment.

    Attributes:
        tokens: The document's tokens in reading order, narrative and tables alike.
        text: The document's whole text, for metadata (title, agency, year).
        source: The file name, or None.
        format: The parser's name.
    """

    tokens: tuple[Token, ...]
    text: str
    source: str | None = None
    format: str | None = None


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
        self._line_starts = [0]
        self._line_starts.extend(i + 1 for i, ch in enumerate(text) if ch == "\n")
        self.tokens: list[Token] = []

    def location(self, start: int, end: int) -> Location:
        """The location of ``text[start:end]``."""
        line = bisect.bisect_right(self._line_starts, start)
        return Location(
            start=start, end=end, line=line, column=start - self._line_starts[line - 1] + 1
        )

    def add(self, start: int, end: int, *, cell: bool, kind: TokenKind | None = None) -> None:
        """Add ``text[start:end]`` as a token; its kind is guessed from its text unless given."""
        if self._limits is not None:
            check_tokens(len(self.tokens) + 1, self._source, self._limits)
        piece = self.text[start:end]
        if kind is None:
            kind = token_kind(piece, cell=cell)
        self.tokens.append(Token(piece.strip(), kind, cell, self.location(start, end)))

    def layout(self, *, source: str | None, format: str) -> Layout:  # noqa: A002
        """The finished layout."""
        return Layout(tuple(self.tokens), self.text, source, format)


def token_span(tokens: Sequence[Token]) -> tuple[int, int] | None:
    """The character span covered by ``tokens`` in the decoded text, when they have offsets."""
    starts = [t.location.start for t in tokens if t.location.start is not None]
    ends = [t.location.end for t in tokens if t.location.end is not None]
    if not starts or not ends:
        return None
    return min(starts), max(ends)
