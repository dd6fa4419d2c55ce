# SPDX-License-Identifier: MIT
"""Markdown as PDF-to-markdown converters, OCR pipelines and language models write it.

Tables come as GFM pipe tables (a header line, a separator line ``|---|---|``, a line per row)
or as HTML ``<table>`` blocks; the rest is headings and paragraphs. Each table's cells become
cell tokens with their table, row and column, as the HTML reader gives them, so the grid
alignment places them by their labels; an HTML table is read by the HTML reader's own code.
A heading is one narrative token (without its ``#`` marks); a paragraph's words are tokens as
the flat-text reader makes them. The reader knows no form: which cell is which is decided by
``gkbg.align``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs
import regex

from gkbg.core.errors import EmptyDocumentError
from gkbg.core.limits import check_time, check_tokens
from gkbg.core.model import Location
from gkbg.core.reasons import Doubt
from gkbg.core.text import PAGE_FOOTER, looks_like_value
from gkbg.read.html import read_markup
from gkbg.read.layout import Layout, Token, TokenKind, span_token, token_grid, token_kind

if TYPE_CHECKING:
    from gkbg.read.base import Input

__all__ = ["MarkdownParser"]

_SNIFF_CHARS = 65536
# The clock is looked at once every so many lines (`gkbg.core.limits.check_time`).
_CLOCK_EVERY = 256
# A pipe table's separator line: cells of dashes (with optional alignment colons), at least
# one ``|`` between or around them.
_SEPARATOR = regex.compile(r"^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)*\|?[ \t]*$")
_SEPARATOR_ANY = regex.compile(
    r"^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)*\|?[ \t]*$", regex.MULTILINE
)
_HEADING = regex.compile(r"[ \t]{0,3}#{1,6}[ \t]+")
# A heading's closing ``#``s, after a space.
_CLOSING = regex.compile(r"[ \t]+#+$")
_HEADING_ANY = regex.compile(r"^[ \t]{0,3}#{1,6}[ \t]+\S", regex.MULTILINE)
_TABLE_OPEN = regex.compile(r"<table\b", regex.IGNORECASE)
_TABLE_CLOSE = regex.compile(r"</table\s*>", regex.IGNORECASE)
_HTML_PAGE = regex.compile(r"^\s*<(?:!doctype\s+html|html)\b", regex.IGNORECASE)
_WORD = regex.compile(r"[^\s|]+")  # (a pipe in prose: a row the table lost, no word)
# Emphasis marks around a word (``**总计**``) are markup, not text.
_EMPHASIS = regex.compile(r"^[*_]{1,3}|[*_]{1,3}$")
# A cell boundary: a ``|`` not escaped with a backslash.
_PIPE = regex.compile(r"(?<!\\)\|")
# A number with a note after it in brackets (``55（含自然失效29件）``, ``3(其中2件)``): the note
# is a cell's second line run into its first, or a remark; the number is the cell's value. In a
# line of text, the same after a space or at the line's start.
# (Every repeat is bounded, so that no text makes a pattern backtrack beyond a constant.)
_NOTED = regex.compile(
    r"(?P<number>[^\s（(]{1,24}?)[ \t]{0,3}[（(](?P<note>[^（）()]{0,120})[）)][ \t]{0,3}"
)
_NOTED_ANY = regex.compile(
    r"(?<!\S)(?P<number>[+-]?\d[\d,.]{0,24}(?:万元|亿元|元|件|个|项|条|次)?)[ \t]{0,3}"
    r"[（(](?P<note>[^（）()]{0,120})[）)]"
)
_DIGIT = regex.compile(r"\d")


def _is_row(line: str) -> bool:
    """Whether a line is a table row: it opens and closes with ``|``, a boundary between."""
    body = line.strip(" \t")
    return len(body) > 2 and body[0] == "|" and body[-1] == "|" and "|" in body[1:-1]


def _is_footer_row(line: str) -> bool:
    """Whether a table row holds nothing but a page footer (``| — 5 — |``, ``| — 5 — | | |``).

    The footer may be cut over two cells (``| - | 3 - |``), but not into cells that are each a
    value (``| - | 3 | - |`` is a row of a placeholder, a number and a placeholder).
    """
    printed = [cell.strip() for cell in _PIPE.split(line.strip(" \t").strip("|")) if cell.strip()]
    if not printed or len(printed) > 2 or PAGE_FOOTER.fullmatch(" ".join(printed)) is None:
        return False
    return len(printed) == 1 or not all(looks_like_value(cell) for cell in printed)


_CONTINUATION_CHARS = 60  # the longest line read as the rest of the heading above it


def _is_continuation(stripped: str) -> bool:
    """Whether a line right under a heading may be the rest of it (broken over lines).

    Short text: no number of its own, no page footer, no end of a sentence.
    """
    return (
        0 < len(stripped) <= _CONTINUATION_CHARS
        and not _is_row(stripped)
        and PAGE_FOOTER.fullmatch(stripped) is None
        and not looks_like_value(stripped)
        and _noted(stripped) is None
        and "。" not in stripped
    )


def _noted(text: str) -> regex.Match[str] | None:
    """The match of a number printed with a note after it, when ``text`` is one."""
    if "（" not in text and "(" not in text:
        return None  # no note without its bracket (what `_NOTED` requires)
    match = _NOTED.fullmatch(text)
    if match is None or not looks_like_value(match["number"]):
        return None
    return match


# A cell's words, a number with its note in brackets counted as one word.
_NOTED_PART = regex.compile(
    r"(?P<number>[^\s（）()]{1,24}?)(?:[ \t]{0,3}[（(](?P<note>[^（）()]{0,120})[）)])?(?=\s|$)"
)


def _noted_parts(cell: str) -> list[regex.Match[str]] | None:
    """The numbers of a cell printing several, one with a note after it (``0 20（其中10件）``).

    None unless the cell is two or more numbers apart, at least one with a note (a cell of
    plain numbers is split by the grid alignment).
    """
    if "（" not in cell and "(" not in cell:
        return None  # no note without its bracket (what `_NOTED_PART`'s note requires)
    parts = list(_NOTED_PART.finditer(cell))
    if (
        len(parts) < 2
        or not any(part["note"] is not None for part in parts)
        or not all(looks_like_value(part["number"]) for part in parts)
        or "".join(part.group() for part in parts) != "".join(cell.split())
    ):
        return None
    return parts


def _doubted(token: Token, reason: Doubt) -> Token:
    return attrs.evolve(token, uncertain=(*token.uncertain, reason))


class MarkdownParser:
    """Reads markdown: pipe tables and HTML tables as grids, headings and paragraphs as text."""

    name = "markdown"
    description = "markdown with pipe or HTML tables (a PDF-to-markdown or OCR conversion)"

    def sniff(self, document: Input) -> float:
        """Sure when the text holds a pipe table's separator line, or headings and a table.

        An HTML page (opening with ``<html>`` or a doctype) is left to the HTML reader, and
        text with no separator line and no markdown heading to the plain-text readers.
        """
        if not document.is_text():
            return 0.0
        head = document.text()[:_SNIFF_CHARS]
        if _HTML_PAGE.match(head):
            return 0.0
        if _SEPARATOR_ANY.search(head) is not None and "|" in head:
            return 0.96
        if _HEADING_ANY.search(head) is not None and _TABLE_OPEN.search(head) is not None:
            return 0.96
        return 0.0

    def read(self, document: Input) -> Layout:
        """Tokens for the tables' cells, the headings and the paragraphs' words, in order.

        Raises:
            EmptyDocumentError: The document has no visible text.
        """
        text = document.text()
        reader = _Reader(text, document)
        reader.run()
        if not reader.tokens:
            raise EmptyDocumentError(document.name, "the markdown document has no visible text")
        return Layout(tuple(reader.tokens), text, document.name, self.name)


class _Reader:
    def __init__(self, text: str, document: Input) -> None:
        self.text = text
        self.document = document
        self.tokens: list[Token] = []
        self.tables = 0
        # The token ranges of the tables since the last line of prose, and those a number
        # printed under them has flagged.
        self.recent: list[tuple[int, int]] = []
        self.flagged: set[tuple[int, int]] = set()
        # A number on a line of its own since the last line of prose: the tables after it, up
        # to the next line of prose, are flagged as those before it (it may be above its table).
        self.floating: str | None = None
        # Whether the last line read was a heading or a line continuing one: a short line of
        # text right under a heading is the heading broken over two lines (### 行政复 / 议).
        self.in_heading = False
        # Each line with its offset in the text; lines are cut at "\n" only (the offsets must
        # be those of `TokenWriter` and `Location.line`).
        self.lines: list[tuple[int, str]] = []
        offset = 0
        for line in text.split("\n"):
            self.lines.append((offset, line))
            offset += len(line) + 1

    def _add(self, token: Token) -> None:
        limits = self.document.limits
        if len(self.tokens) >= limits.max_tokens:
            check_tokens(len(self.tokens) + 1, self.document.name, limits)
        self.tokens.append(token)

    def _location(
        self, number: int, start: int, end: int, grid: tuple[int, int, int] | None = None
    ) -> Location:
        offset = self.lines[number][0]
        table, row, column = grid if grid is not None else (None, None, None)
        return Location(
            start,
            end,
            number + 1,
            start - offset + 1,
            table_index=table,
            row_index=row,
            col_index=column,
        )

    def run(self) -> None:
        lines = self.lines
        number = 0
        while number < len(lines):
            if not number % _CLOCK_EVERY:
                check_time()
            line = lines[number][1]
            first = len(self.tokens)
            if (
                "|" in line
                and number + 1 < len(lines)
                and _SEPARATOR.match(lines[number + 1][1])
                and "|" in lines[number + 1][1]
            ):
                number = self._pipe_table(number)
            elif _is_row(line):
                # Rows with no header line: a table cut by a page footer or a page break
                # (``— 5 —`` between two rows), read as a table of its own.
                number = self._pipe_table(number, header=False)
            elif _TABLE_OPEN.search(line):
                number = self._html_table(number)
            else:
                self._narrative(number)
                number += 1
                continue
            self.in_heading = False
            self.recent.append((first, len(self.tokens)))
            if self.floating is not None:
                self._floating(self.floating)

    def _narrative(self, number: int) -> None:
        offset, line = self.lines[number]
        heading = _HEADING.match(line)
        if heading is not None:
            body = line.rstrip(" \t")
            closing = _CLOSING.search(body, heading.end())
            if closing is not None:
                body = body[: closing.start()]
            start, end = heading.end(), len(body)
            if start < end:
                self._add(
                    Token(
                        body[start:end],
                        TokenKind.TEXT,
                        location=self._location(number, offset + start, offset + end),
                    )
                )
            self.in_heading = True
            return
        stripped = line.strip()
        # The rest of the heading above (### 行政复 / 议) is neither prose, which would part
        # the tables around it, nor a number printed outside a table.
        self.in_heading = self.in_heading and _is_continuation(stripped)
        if not self.in_heading:
            self._line(stripped)
        position = 0
        for noted in _NOTED_ANY.finditer(line):
            # A number with its note (``97（其中48件）``): the number, doubted; the note's own
            # number is no value.
            self._words(number, line[position : noted.start()], position)
            start, end = offset + noted.start("number"), offset + noted.end("number")
            doubt = Doubt.of("value.noted", text=noted.group(), number=noted["number"])
            location = self._location(number, start, end)
            self._add(
                Token(noted["number"], TokenKind.VALUE, location=location, uncertain=(doubt,))
            )
            position = noted.end()
        self._words(number, line[position:], position)

    def _line(self, stripped: str) -> None:
        """Note what a line of text says about the tables around it (``stripped``: the line)."""
        if (
            stripped
            and PAGE_FOOTER.fullmatch(stripped) is None
            and _DIGIT.search(stripped) is not None
            and (looks_like_value(stripped) or _noted(stripped) is not None)
        ):
            # A number on a line of its own under a table: a cell's number the converter
            # printed outside the table.
            self.floating = stripped
            self._floating(stripped)
        elif stripped and PAGE_FOOTER.fullmatch(stripped) is None:
            # Prose: a number after it is not under the tables before it, nor one before it
            # above the tables after it.
            self.recent = []
            self.floating = None

    def _words(self, number: int, piece: str, position: int) -> None:
        """The words of a piece of line ``number`` that starts at ``position`` in the line."""
        line_offset = self.lines[number][0]
        offset = line_offset + position
        for match in _WORD.finditer(piece):
            word = _EMPHASIS.sub("", match.group())
            if not word:
                continue
            start, end = offset + match.start(), offset + match.end()
            kind = token_kind(word, cell=False)
            at = (start, end, number + 1, start - line_offset + 1, None, None, None)
            self._add(span_token(word, kind, at))

    def _floating(self, text: str) -> None:
        """Doubt the cells a number printed outside the tables around it may have left.

        In each table since the last line of prose (and, as they come, up to the next), every
        row with an empty cell or fewer cells than the table's widest row: its empty cells may
        be the number's, and its other cells may have moved to fill the gap.
        """
        for part in self.recent:
            if part in self.flagged:
                continue
            self.flagged.add(part)
            rows: dict[tuple[int | None, int | None], list[int]] = {}
            for index in range(*part):
                table, row, _ = token_grid(self.tokens[index])
                rows.setdefault((table, row), []).append(index)
            widest = max((len(indices) for indices in rows.values()), default=0)
            empty = Doubt.of("markdown.floating_number", text=text)
            moved = Doubt.of("markdown.row_with_gap", text=text)
            for indices in rows.values():
                kinds = [self.tokens[index].kind for index in indices]
                if TokenKind.EMPTY not in kinds and (
                    TokenKind.VALUE not in kinds or len(indices) == widest
                ):
                    continue
                for index in indices:
                    token = self.tokens[index]
                    if token.kind is TokenKind.EMPTY:
                        self.tokens[index] = _doubted(token, empty)
                    elif token.kind is TokenKind.VALUE:
                        self.tokens[index] = _doubted(token, moved)

    def _pipe_table(self, number: int, *, header: bool = True) -> int:
        """Read the pipe table that opens on line ``number``; the line after it.

        With a header, line ``number`` is the header and the next the separator; without, the
        table is its rows from line ``number`` on.
        """
        table = self.tables
        self.tables += 1
        row = 0
        if header:
            self._pipe_row(number, table, 0)
            row = 1
            number += 2
        while number < len(self.lines):
            line = self.lines[number][1]
            if not line.strip() or "|" not in line:
                break
            check_time()  # a row: far more work than a look at the clock
            if not _SEPARATOR.match(line) and not _is_footer_row(line):
                # (A separator repeated inside the table, or a page footer the converter put
                # in a row of its own, is no row.)
                self._pipe_row(number, table, row)
                row += 1
            number += 1
        return number

    def _pipe_row(self, number: int, table: int, row: int) -> None:
        offset, line = self.lines[number]
        body_start = len(line) - len(line.lstrip())
        body_end = len(line.rstrip())
        if line[body_start : body_start + 1] == "|":
            body_start += 1
        if (
            body_end > body_start
            and line[body_end - 1] == "|"
            and line[body_end - 2 : body_end - 1] != "\\"
        ):
            body_end -= 1
        start = body_start
        bounds = [match.start() for match in _PIPE.finditer(line, body_start, body_end)]
        for column, end in enumerate([*bounds, body_end]):
            piece = line[start:end]
            lead = len(piece) - len(piece.lstrip())
            cell_start = offset + start + lead
            cell_end = max(cell_start, offset + start + len(piece.rstrip()))
            cell = piece.strip().replace("\\|", "|")
            grid = (table, row, column)
            noted = _noted(cell)
            if noted is not None:
                # ``55（含自然失效29件）``: the leading number, with a doubt; never the note's.
                doubt = Doubt.of("value.noted", text=cell, number=noted["number"])
                where = self._location(number, cell_start, cell_start + noted.end("number"), grid)
                token = Token(
                    noted["number"], TokenKind.VALUE, cell=True, location=where, uncertain=(doubt,)
                )
            elif (parts := _noted_parts(cell)) is not None:
                # ``0 20（其中10件）``: two cells' numbers in one (a lost column boundary), one
                # with its note; each number a token at the cell's position.
                lead_start = offset + start + lead
                for part in parts:
                    where = self._location(
                        number, lead_start + part.start(), lead_start + part.end("number"), grid
                    )
                    doubts: tuple[Doubt, ...] = ()
                    if part["note"] is not None:
                        doubts = (
                            Doubt.of("value.noted", text=part.group(), number=part["number"]),
                        )
                    self._add(
                        Token(
                            part["number"],
                            TokenKind.VALUE,
                            cell=True,
                            location=where,
                            uncertain=doubts,
                        )
                    )
                start = end + 1
                continue
            else:
                at = (cell_start, cell_end, number + 1, cell_start - offset + 1, *grid)
                token = span_token(cell, token_kind(cell, cell=True), at, cell=True)
            self._add(token)
            start = end + 1

    def _html_table(self, number: int) -> int:
        """Read the HTML block that opens on line ``number`` up to its last ``</table>``."""
        depth = 0
        last = number
        for index in range(number, len(self.lines)):
            if not index % _CLOCK_EVERY:
                check_time()
            line = self.lines[index][1]
            depth += len(_TABLE_OPEN.findall(line)) - len(_TABLE_CLOSE.findall(line))
            last = index
            if depth <= 0:
                break
        start = self.lines[number][0]
        end = self.lines[last][0] + len(self.lines[last][1])
        tokens, _ = read_markup(self.text[start:end], self.document.name, self.document.limits)
        first_table = self.tables
        tables = 0
        for token in tokens:
            where = token.location
            if token.cell and where.table_index is not None:
                tables = max(tables, where.table_index + 1)
                location = Location(
                    start,
                    end,
                    number + 1,
                    1,
                    table_index=first_table + where.table_index,
                    row_index=where.row_index,
                    col_index=where.col_index,
                )
            else:
                location = Location(start, end, number + 1, 1)
            noted = _noted(token.text.strip()) if token.cell else None
            if noted is not None:
                doubt = Doubt.of("value.noted", text=token.text.strip(), number=noted["number"])
                uncertain = (*token.uncertain, doubt)
                self._add(Token(noted["number"], TokenKind.VALUE, token.cell, location, uncertain))
                continue
            self._add(Token(token.text, token.kind, token.cell, location, token.uncertain))
        self.tables += tables
        return last + 1
