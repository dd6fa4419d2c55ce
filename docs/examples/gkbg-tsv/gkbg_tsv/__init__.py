# docs/examples/gkbg-tsv/gkbg_tsv/__init__.py
"""A gkbg parser for tab-separated text, one table row per line, as spreadsheets save it."""

from __future__ import annotations

import re

import gkbg

# A value is a number as fillers type it (sign, thousands separators, unit) or a placeholder.
_VALUE = re.compile(r"[+-]?\d[\d,]*(?:\.\d+)?\s*(?:万元|元|件|个|项|条)?|[/／\\\-—－–无]+")
_MIN_ROWS = 10


class TsvParser:
    """Reads tab-separated text: each field of a line with a tab is one table cell."""

    name = "tsv"
    description = "tab-separated text, one table row per line"

    def sniff(self, document: gkbg.Input) -> float:
        """Fairly sure when ten lines or more hold a tab."""
        if not document.is_text():
            return 0.0
        rows = sum("\t" in line for line in document.text().splitlines())
        return 0.8 if rows >= _MIN_ROWS else 0.0

    def read(self, document: gkbg.Input) -> gkbg.Layout:
        """A cell token per field of a tabbed line, a text token per other line."""
        text = document.text()
        tokens: list[gkbg.Token] = []
        offset = 0
        for number, line in enumerate(text.splitlines(keepends=True), start=1):
            body = line.rstrip("\r\n")
            if "\t" in body:
                start = offset
                for field in body.split("\t"):
                    tokens.append(_cell(field, start, number, start - offset + 1))
                    start += len(field) + 1
            elif body.strip():
                where = gkbg.Location(start=offset, end=offset + len(body), line=number, column=1)
                tokens.append(gkbg.Token(body.strip(), gkbg.TokenKind.TEXT, location=where))
            offset += len(line)
        if not any(token.cell for token in tokens):
            raise gkbg.DocumentError(document.name, "no line holds a tab: not tab-separated text")
        return gkbg.Layout(tuple(tokens), text, source=document.name, format=self.name)


def _cell(field: str, start: int, line: int, column: int) -> gkbg.Token:
    """One table cell: empty, a value, or text (a label)."""
    value = field.strip()
    if not value:
        kind = gkbg.TokenKind.EMPTY
    elif _VALUE.fullmatch(value):
        kind = gkbg.TokenKind.VALUE
    else:
        kind = gkbg.TokenKind.TEXT
    where = gkbg.Location(start=start, end=start + len(field), line=line, column=column)
    return gkbg.Token(value, kind, cell=True, location=where)
