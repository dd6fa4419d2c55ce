# SPDX-License-Identifier: MIT
"""The two plain-text formats.

``pipe``: an HTML table flattened to text one cell per line, each cell followed by `` |``, with
runs of ``|`` where merged cells were (the form the seed reports 000, 001, 003 and 004 take).

``text``: text as copy-paste from a PDF or Word file produces it: words separated by spaces and
line breaks, labels and numbers in whatever order the layout engine emitted them. Text a crawler
saved from a web page runs a table's cells together (``规章000规范性文件898989``): a word that
mixes numbers with other text is cut where a number begins and ends, so that labels and runs of
digits are tokens of their own. A run of digits may stand for several cells; which, is for
`gkbg.align.runs` to read from the form. The number of a list item (``2.其他``) stays with its
label, and a number that begins a line glued to the text after it (``2行政规范性文件``: the
序号 column a page's table prints before its labels) is that row's number, a word, not a value.
A number cut out of a word that prints one number several times over (``行政许可777``) may be a
merged cell's number printed in each column it covers (a page writing merged cells out as
copies): it is kept as printed, and says so (``text.repeated_digits``).
"""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING

import attrs
import regex

from gkbg.core.errors import UnknownFormatError
from gkbg.core.limits import check_time
from gkbg.core.reasons import Doubt
from gkbg.core.text import PAGE_FOOTER, looks_like_value
from gkbg.read.layout import TokenKind, TokenWriter, token_offsets

if TYPE_CHECKING:
    from collections.abc import Iterator

    from gkbg.read.base import Input
    from gkbg.read.layout import Layout

__all__ = ["FlatTextParser", "PipeTextParser"]

_CELL_LINE = regex.compile(r"\|[ \t]*$")
_WORD = regex.compile(r"\S+")
_CJK = regex.compile(r"\p{Han}")
_MIN_CELL_LINES = 10
# The clock is looked at once every so many lines or words (`gkbg.core.limits.check_time`).
_CLOCK_EVERY = 256
# A number inside a word: an optional sign (a ``-`` after digits may be the sign of the next
# cell's number, or a placeholder: `gkbg.align.runs` reads it both ways), digits (each not the
# number of a list item such as ``2.``, ``2．`` or ``2、`` before text), an optional fraction,
# a unit after it.
_NUMBER_IN_WORD = regex.compile(
    r"(?P<item>\d(?=[.．、](?!\d)))|[+\-−]?(?:\d(?![.．、](?!\d)))+(?:\.\d+)?(?:万元|亿元|元)?"
)
_DIGIT = regex.compile(r"\d")


# A line (as `str.splitlines` cuts lines) ending in ``|``: the ``|`` and the break after it.
_CELL_LINE_END = regex.compile(r"\|[ \t]*(?=\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]|\Z)")


def _cell_lines(text: str) -> int:
    """How many lines end in ``|``, counted up to `_MIN_CELL_LINES`."""
    count = 0
    for _ in _CELL_LINE_END.finditer(text):
        count += 1
        if count >= _MIN_CELL_LINES:
            break
    return count


class PipeTextParser:
    """Reads pipe-cell text: one table cell per line, ``|`` after each cell."""

    name = "pipe"
    description = "text with one table cell per line, each followed by ' |'"

    def sniff(self, document: Input) -> float:
        """Sure when many lines end in ``|``."""
        if not document.is_text():
            return 0.0
        return 0.9 if _cell_lines(document.text()) >= _MIN_CELL_LINES else 0.0

    def read(self, document: Input) -> Layout:
        """Cells from the lines that end in ``|``; every other line is one narrative token."""
        text = document.text()
        writer = TokenWriter(text, source=document.name, limits=document.limits)
        writer.add_spans(_pipe_spans(text))
        if not any(token.cell for token in writer.tokens):
            raise UnknownFormatError(document.name, "no line ends in '|': not pipe-cell text")
        return writer.layout(source=document.name, format=self.name)


def _pipe_spans(text: str) -> Iterator[tuple[int, int, bool, TokenKind | None]]:
    """The tokens of pipe-cell text in order, as ``(start, end, cell, kind)``.

    A line ending in ``|`` holds a cell before each ``|``; any other line that is not blank is
    one narrative token, without the white space around it.
    """
    offset = 0
    for number, line in enumerate(text.splitlines(keepends=True)):
        if not number % _CLOCK_EVERY:
            check_time()
        body = line.rstrip("\r\n")
        # What `_CELL_LINE` finds (``$`` is the end: no line break is left in ``body``).
        if body.rstrip(" \t").endswith("|"):
            start = offset
            for piece in body.split("|")[:-1]:
                end = start + len(piece)
                yield start, end, True, None
                start = end + 1
        elif body.strip():
            lead = len(body) - len(body.lstrip())
            yield offset + lead, offset + len(body.rstrip()), False, TokenKind.TEXT
        offset += len(line)


class FlatTextParser:
    """Reads flattened text: words separated by white space, in any order."""

    name = "text"
    description = "plain text as copied from a PDF or Word file"

    def sniff(self, document: Input) -> float:
        """Fairly sure for any text with Chinese characters in it; it is the fallback."""
        if not document.is_text():
            return 0.0
        return 0.5 if _CJK.search(document.text()) else 0.1

    def read(self, document: Input) -> Layout:
        """Every run of non-space characters is a token."""
        text = document.text()
        writer = TokenWriter(text, source=document.name, limits=document.limits)
        row_numbers: set[int] = set()
        writer.add_words(_word_spans(text, document.limits.max_tokens, row_numbers))
        _mark_pieces(writer, row_numbers)
        return writer.layout(source=document.name, format=self.name)


def _mark_pieces(writer: TokenWriter, row_numbers: set[int]) -> None:
    """Row numbers glued to their label made words; repeated numbers cut from words doubted."""
    tokens = writer.tokens
    text = writer.text
    for index, token in enumerate(tokens):
        if token.kind is not TokenKind.VALUE:
            continue
        start, end = token_offsets(token)
        if start is None or end is None:
            continue
        if start in row_numbers:
            tokens[index] = attrs.evolve(token, kind=TokenKind.TEXT)
            continue
        inside = (start > 0 and not text[start - 1].isspace()) or (
            end < len(text) and not text[end].isspace()
        )
        repeated = _REPEATED.fullmatch(token.text) if inside else None
        if repeated is not None and repeated["unit"].strip("0"):
            doubt = Doubt.of(
                "text.repeated_digits",
                text=token.text,
                times=str(len(token.text) // len(repeated["unit"])),
                number=repeated["unit"],
            )
            tokens[index] = attrs.evolve(token, uncertain=(*token.uncertain, doubt))


# One number printed two times or more over (``777``, ``1212``), with no leading zero.
_REPEATED = regex.compile(r"(?P<unit>[1-9][0-9]*?)(?P=unit)+")


def _word_spans(
    text: str, most: int, row_numbers: set[int] | None = None
) -> Iterator[tuple[int, int]]:
    """The words of flattened text, each word that mixes numbers and text cut into its pieces.

    A word is kept whole when its pieces would make more than ``most`` tokens in all, so that
    cutting never makes a document too large that is not. The start of each number that begins
    a line glued to Chinese text after it (a row's number, ``2行政规范性文件``) is added to
    ``row_numbers``.
    """
    count = 0
    footers = [line.span() for line in _FOOTER_LINE.finditer(text)]
    for index, word in enumerate(_WORD.finditer(text)):
        if not index % _CLOCK_EVERY:
            check_time()
        start, end = word.span()
        if footers and _within(footers, start):
            continue  # a page footer (``- 2 -``) on a line of its own: no word of the report
        pieces = _pieces(word.group())
        if len(pieces) > 1 and count + len(pieces) <= most:
            count += len(pieces)
            if row_numbers is not None and _row_number(text, start, word.group(), pieces):
                row_numbers.add(start)
            yield from ((start + a, start + b) for a, b in pieces)
        else:
            count += 1
            yield start, end


def _row_number(text: str, start: int, word: str, pieces: list[tuple[int, int]]) -> bool:
    """Whether a word's first piece is a row's number (``2行政规范性文件456``).

    That is, one to three digits that begin a line, glued to Chinese text of two characters or
    more, itself followed by a number (the row's values run together with its label).
    """
    if len(pieces) < 3 or not _ROW_NUMBER.fullmatch(word, *pieces[0]):
        return False
    label = word[pieces[1][0] : pieces[1][1]]
    if len(label) < 2 or _CJK.match(label) is None:
        return False
    before = text[:start].rstrip(" \t\u3000")
    return not before or before[-1] in _LINE_BREAKS


_ROW_NUMBER = regex.compile(r"[0-9]{1,3}")
_LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"


# A line holding nothing but a page footer (``- 2 -`` between a table's label and its value).
_FOOTER_LINE = regex.compile(rf"^[ \t]*(?:{PAGE_FOOTER.pattern})[ \t]*$", regex.MULTILINE)


def _within(spans: list[tuple[int, int]], offset: int) -> bool:
    """Whether ``offset`` falls in one of ``spans`` (sorted, apart)."""
    at = bisect.bisect_right(spans, offset, key=lambda span: span[0]) - 1
    return at >= 0 and offset < spans[at][1]


def _pieces(body: str) -> list[tuple[int, int]]:
    """A word cut where each number in it begins and ends (one piece when it mixes nothing)."""
    if not _DIGIT.search(body) or looks_like_value(body) or not _CJK.search(body):
        return [(0, len(body))]
    pieces: list[tuple[int, int]] = []
    position = 0
    for number in _NUMBER_IN_WORD.finditer(body):
        if number.group("item") is not None:
            continue  # the number of a list item (2.其他): part of the label that follows
        if position < number.start():
            pieces.append((position, number.start()))
        pieces.append(number.span())
        position = number.end()
    if position < len(body):
        pieces.append((position, len(body)))
    return pieces
