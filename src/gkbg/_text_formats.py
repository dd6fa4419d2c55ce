# SPDX-License-Identifier: MIT
"""The two plain-text formats.

``pipe``: an HTML table flattened to text one cell per line, each cell followed by `` |``, with
runs of ``|`` where merged cells were (the form the seed reports 000, 001, 003 and 004 take).

``text``: text as copy-paste from a PDF or Word file produces it: words separated by spaces and
line breaks, labels and numbers in whatever order the layout engine emitted them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import regex

from gkbg._errors import UnknownFormatError
from gkbg._layout import TokenKind, TokenWriter

if TYPE_CHECKING:
    from gkbg._layout import Layout
    from gkbg._parsers import Input

__all__ = ["FlatTextParser", "PipeTextParser"]

_CELL_LINE = regex.compile(r"\|[ \t]*$")
_WORD = regex.compile(r"\S+")
_CJK = regex.compile(r"\p{Han}")
_MIN_CELL_LINES = 10


def _cell_lines(text: str) -> int:
    return sum(1 for line in text.splitlines() if _CELL_LINE.search(line))


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
        offset = 0
        for line in text.splitlines(keepends=True):
            body = line.rstrip("\r\n")
            if _CELL_LINE.search(body):
                start = offset
                for index, char in enumerate(body):
                    if char == "|":
                        writer.add(start, offset + index, cell=True)
                        start = offset + index + 1
            elif body.strip():
                lead = len(body) - len(body.lstrip())
                writer.add(
                    offset + lead, offset + len(body.rstrip()), cell=False, kind=TokenKind.TEXT
                )
            offset += len(line)
        if not any(token.cell for token in writer.tokens):
            raise UnknownFormatError(document.name, "no line ends in '|': not pipe-cell text")
        return writer.layout(source=document.name, format=self.name)


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
        for match in _WORD.finditer(text):
            writer.add(match.start(), match.end(), cell=False)
        return writer.layout(source=document.name, format=self.name)
