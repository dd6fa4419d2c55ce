# SPDX-License-Identifier: MIT
"""HTML: a saved web page, or an HTML export of a Word or WPS document.

What is read:

* **Table cells.** Every ``<td>``/``<th>`` of every ``<table>`` becomes one cell token, in
  document order (row by row), whatever the table is: the statutory tables, in one ``<table>``
  or split over several, and any other table on the page (the schema alignment in
  ``gkbg._align`` decides which cells are which). A cell's text is all the text inside it,
  ``<span>``, ``<font>`` and the like included; ``<br>``, ``<p>`` and other block elements inside
  a cell become a space. Positions covered by a ``rowspan``/``colspan`` produce no token. Each
  cell token's `Location` gives the table's index in document order (``table_index``) and the
  cell's row and column in the table's grid with every span expanded (``row_index``,
  ``col_index``), as well as its offsets in `Layout.text`.
* **Nested tables.** A cell that holds a table (a layout table wrapping the page's content) is
  not a cell of its own: its content is read in place, as narrative and tables, so no text is
  read twice.
* **Narrative.** Text outside tables is one narrative token per block (paragraph, heading,
  ``<div>``, list item, the page's ``<title>``, a table's ``<caption>``; ``<br>`` ends a block),
  its white space collapsed.
* **Text.** `Layout.text` is the visible text: one line per narrative block and one line per
  table row, its cells separated by `` | `` (as the pipe-cell format flattens a table).

What is dropped: ``<script>``, ``<style>``, ``<noscript>``, ``<template>``, form controls
(``<select>``, ``<textarea>``, ``<button>``), embedded objects (``<iframe>``, ``<object>``,
``<svg>``, …), comments and processing instructions, elements marked ``hidden`` or styled
``display: none`` / ``visibility: hidden``, and text standing in a table outside its cells.
``&nbsp;``, U+00A0, U+3000 and zero-width spaces count as white space.

Decoding: a byte-order mark decides first. Otherwise bytes that are valid UTF-8 with non-ASCII
text in them are UTF-8 whatever the page declares (saved pages are often re-encoded without
their ``<meta>`` being updated). Then the ``<meta charset>``, ``<meta http-equiv>`` or XML
declaration is followed (GBK and GB2312 are read as their superset GB18030; a declared
single-byte Western code page is ignored, since it cannot be right for a Chinese report), then
UTF-8, then GB18030. Markup is parsed by lxml's HTML parser with the network off; nothing is
fetched and no DTD is loaded. As in a browser, content after ``</body>`` or ``</html>`` (a page
closed too early, two pages saved into one file) is still read.
"""

from __future__ import annotations

import codecs
from typing import TYPE_CHECKING, Protocol, cast

import lxml.etree  # type: ignore[import-untyped,unused-ignore]
import lxml.html  # type: ignore[import-untyped,unused-ignore]
import regex

from gkbg._errors import (
    CorruptDocumentError,
    EmptyDocumentError,
    EncodingError,
    LimitExceededError,
    UnknownFormatError,
)
from gkbg._layout import Layout, Token, TokenKind, token_kind
from gkbg._limits import MARKUP, NESTING, check_tokens
from gkbg._model import Location
from gkbg._text import BOMS, decode_bom

if TYPE_CHECKING:
    from collections.abc import Iterator

    from gkbg._limits import Limits
    from gkbg._parsers import Input

__all__ = ["HtmlParser"]

_SNIFF_BYTES = 65536
_MARKERS = (b"<table", b"<body")
_OPENINGS = (b"<!doctype html", b"<html")

_DECLARED = (
    regex.compile(
        rb"<meta\b[^>]{0,500}?charset\s{0,10}=\s{0,10}[\"']?\s{0,10}([A-Za-z0-9_.:\-]{1,40})",
        regex.IGNORECASE,
    ),
    regex.compile(
        rb"<\?xml\b[^>]{0,200}?encoding\s{0,10}=\s{0,10}[\"']([A-Za-z0-9_.:\-]{1,40})",
        regex.IGNORECASE,
    ),
)
_GB = frozenset(
    {
        "gbk",
        "gb2312",
        "gb_2312",
        "gb_2312-80",
        "gb-2312",
        "x-gbk",
        "cp936",
        "ms936",
        "windows-936",
        "euc-cn",
        "x-euc-cn",
        "csgb2312",
        "chinese",
        "iso-ir-58",
        "gb18030",
    }
)
# Code pages a Chinese report cannot be in; a page that declares one was mislabelled.
_SINGLE_BYTE = frozenset({"ascii", "latin-1", "iso8859-1", "cp1252"})

_CONTROL = regex.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_SPACE = regex.compile(r"[\s\u00a0\u3000\u200b\u200c\u200d\u2060\ufeff]+")
_HIDDEN_STYLE = regex.compile(
    r"display\s{0,5}:\s{0,5}none|visibility\s{0,5}:\s{0,5}hidden", regex.IGNORECASE
)
_DOCUMENT_END = regex.compile(r"</\s{0,5}(?:html|body)\s{0,5}>", regex.IGNORECASE)
_SPAN = regex.compile(r"\s{0,20}(\d{1,9})")
# A start tag long enough to hold many attributes; `_MAX_ATTRIBUTES` white-space runs in one.
_LONG_TAG = regex.compile(r"<[A-Za-z][^<>]{4000,}")
_GAP = regex.compile(r"\s+")
_MAX_ATTRIBUTES = 1000
_MAX_COLSPAN = 1000
_MAX_ROWSPAN = 65534
_GRID_WORK_PER_TOKEN = 10

_DROP = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "select",
        "datalist",
        "textarea",
        "button",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "svg",
        "math",
        "canvas",
        "audio",
        "video",
    }
)
_BLOCK = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "caption",
        "center",
        "dd",
        "details",
        "dialog",
        "dir",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "head",
        "header",
        "hgroup",
        "hr",
        "html",
        "legend",
        "li",
        "main",
        "menu",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "title",
        "tr",
        "ul",
    }
)


class _Node(Protocol):
    """The part of an lxml element this module uses (lxml ships no type information)."""

    tag: object
    text: str | None
    tail: str | None

    def get(self, key: str, default: str | None = None) -> str | None: ...

    def getparent(self) -> _Node | None: ...

    def iter(self, *tags: str) -> Iterator[_Node]: ...

    def __iter__(self) -> Iterator[_Node]: ...


# --------------------------------------------------------------------------------------------
# Bytes to text.


def _declared_encoding(data: bytes) -> str | None:
    """The Python codec for the encoding the page declares, or None."""
    head = data[:_SNIFF_BYTES]
    for pattern in _DECLARED:
        match = pattern.search(head)
        if match is None:
            continue
        label = bytes(match.group(1)).decode("ascii", "replace").strip().lower()
        if label in _GB:
            return "gb18030"
        if label.startswith(("utf-16", "utf-32", "unicode")):
            return "utf-8"  # a byte stream without a BOM is never UTF-16 (HTML's own rule)
        try:
            codec = codecs.lookup(label).name
        except LookupError:
            return None
        if codec in _SINGLE_BYTE or codec.startswith(("iso8859-", "cp125")):
            return None
        return codec
    return None


def _decode(data: bytes, name: str) -> str:
    text = _decode_text(data, name)
    sample = text[:_SNIFF_BYTES]
    if len(_CONTROL.findall(sample)) > len(sample) // 100:
        raise UnknownFormatError(name, "binary data, not an HTML page")
    return text


def _decode_text(data: bytes, name: str) -> str:
    text = decode_bom(data, name)
    if text is not None:
        return text
    if b"\x00" in data[:4096]:
        raise UnknownFormatError(name, "binary data, not an HTML page")
    if not data.isascii():
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    declared = _declared_encoding(data)
    candidates = [declared] if declared else []
    for encoding in dict.fromkeys([*candidates, "utf-8", "gb18030"]):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:  # noqa: PERF203 - three attempts at most
            continue
    said = f"it declares {declared}, but " if declared not in {None, "utf-8", "gb18030"} else ""
    raise EncodingError(
        name, f"HTML in an unknown encoding ({said}it is neither UTF-8 nor GB18030)"
    )


def _check_attributes(text: str, name: str) -> None:
    """Refuse a tag with more attributes than any page has: libxml2 reads them in square time."""
    for tag in _LONG_TAG.finditer(text):
        for gaps, _ in enumerate(_GAP.finditer(tag[0]), start=1):
            if gaps > _MAX_ATTRIBUTES:
                raise LimitExceededError(
                    name,
                    f"an HTML tag with more than {_MAX_ATTRIBUTES:,} attributes: refused",
                    MARKUP,
                )


def _parse(text: str, name: str) -> _Node:
    parser = lxml.html.HTMLParser(
        encoding="utf-8", no_network=True, remove_comments=True, remove_pis=True, recover=True
    )
    # libxml2 stops at the end tag that closes the root; browsers read on, so must we.
    text = _DOCUMENT_END.sub("", text)
    _check_attributes(text, name)
    try:
        root = lxml.etree.fromstring(text.encode("utf-8"), parser)
    except (lxml.etree.LxmlError, ValueError) as exc:
        raise CorruptDocumentError(name, f"malformed HTML that cannot be parsed ({exc})") from None
    # libxml2 drops what lies deeper than 256 elements, and says so only in its log: a page
    # read without it would lose text silently.
    if any(entry.type_name == "ERR_RESOURCE_LIMIT" for entry in parser.error_log):
        raise LimitExceededError(name, "HTML nested more than 256 elements deep: refused", NESTING)
    if root is None:
        raise EmptyDocumentError(name, "the HTML page has no elements")
    return cast("_Node", root)


# --------------------------------------------------------------------------------------------
# Elements.


def _tag(node: _Node) -> str | None:
    """The element's lower-case tag, or None for comments, entities and the like."""
    tag = node.tag
    return tag.lower() if isinstance(tag, str) else None


def _skipped(node: _Node) -> bool:
    tag = _tag(node)
    if tag is None or tag in _DROP:
        return True
    if node.get("hidden") is not None:
        return True
    style = node.get("style")
    return style is not None and _HIDDEN_STYLE.search(style) is not None


def _collapse(text: str) -> str:
    return str(_SPACE.sub(" ", text)).strip()


def _nearest(node: _Node, *tags: str) -> _Node | None:
    """The closest ancestor with one of ``tags``."""
    parent = node.getparent()
    while parent is not None and _tag(parent) not in tags:
        parent = parent.getparent()
    return parent


def _span(node: _Node, attribute: str, limit: int) -> int:
    """A ``rowspan``/``colspan`` as browsers read it: leading digits, else 1; 0 kept."""
    match = _SPAN.match(node.get(attribute) or "")
    return min(int(match.group(1)), limit) if match else 1


def _rows(table: _Node) -> list[list[_Node]]:
    """The table's own rows (not those of tables nested in it), each its own cells.

    Cells standing in the table with no ``<tr>`` around them (the parser does not add the row
    a browser would) form a row of their own, as in a browser.
    """
    rows: list[list[_Node]] = []
    loose: list[_Node] | None = None
    for node in table.iter("tr", "td", "th"):
        if _tag(node) == "tr":
            if _nearest(node, "table") is table:
                loose = None
                rows.append(
                    [c for c in node.iter("td", "th") if _nearest(c, "tr", "table") is node]
                )
        elif _nearest(node, "tr", "table") is table:
            if loose is None:
                loose = []
                rows.append(loose)
            loose.append(node)
    return rows


class _TableTooLargeError(Exception):
    """A table whose merged cells cover more grid positions than any report table could."""


def _grid(rows: list[list[_Node]], budget: int) -> Iterator[tuple[int, int, _Node]]:
    """Each cell with its row and column in the grid, spans from earlier rows accounted for.

    Raises:
        _TableTooLargeError: Placing the cells takes more than ``budget`` steps (only a
            hostile page has such spans).
    """
    # For each column spanned down into later rows: the last row spanned, and the column just
    # past the span, so a search for a free column skips a whole span at once.
    covered: dict[int, tuple[int, int]] = {}
    work = 0
    for row_index, cells in enumerate(rows):
        column = 0
        for cell in cells:
            while (span := covered.get(column)) is not None and span[0] >= row_index:
                column = span[1]
                work += 1
            width = max(_span(cell, "colspan", _MAX_COLSPAN), 1)
            height = _span(cell, "rowspan", _MAX_ROWSPAN)
            remaining = len(rows) - row_index
            height = remaining if height == 0 else min(max(height, 1), remaining)
            if height > 1:
                work += width
                last, past = row_index + height - 1, column + width
                for spanned in range(column, past):
                    if covered.get(spanned, (-1, 0))[0] < last:
                        covered[spanned] = (last, past)
            if work > budget:
                raise _TableTooLargeError
            yield row_index, column, cell
            column += width


# --------------------------------------------------------------------------------------------
# Tokens and text.


class _Reader:
    """Walks the tree once, writing tokens and the text they point into."""

    def __init__(self, name: str, limits: Limits) -> None:
        self._name = name
        self._limits = limits
        self.tokens: list[Token] = []
        self._parts: list[str] = []
        self._offset = 0
        self._line = 1
        self._line_start = 0
        self._row_open = False
        self._inline: list[str] = []
        self._tables = 0

    @property
    def text(self) -> str:
        return "".join(self._parts)

    # Writing.

    def _write(self, piece: str) -> tuple[int, int]:
        start = self._offset
        self._parts.append(piece)
        self._offset += len(piece)
        return start, self._offset

    def _newline(self) -> None:
        self._parts.append("\n")
        self._offset += 1
        self._line += 1
        self._line_start = self._offset

    def _end_row(self) -> None:
        if self._row_open:
            self._newline()
            self._row_open = False

    def _location(self, start: int, end: int, grid: tuple[int, int, int] | None = None) -> Location:
        column = start - self._line_start + 1
        table, row, col = grid if grid is not None else (None, None, None)
        return Location(
            start=start,
            end=end,
            line=self._line,
            column=column,
            table_index=table,
            row_index=row,
            col_index=col,
        )

    def _flush(self) -> None:
        """Write the narrative text gathered so far as one block."""
        text = _collapse("".join(self._inline))
        self._inline.clear()
        if not text:
            return
        self._end_row()
        check_tokens(len(self.tokens) + 1, self._name, self._limits)
        start, end = self._write(text)
        self.tokens.append(
            Token(text, TokenKind.TEXT, cell=False, location=self._location(start, end))
        )
        self._newline()

    def _cell(self, text: str, table: int, row: int, column: int) -> None:
        check_tokens(len(self.tokens) + 1, self._name, self._limits)
        if self._row_open:
            self._write(" | ")
        self._row_open = True
        start, end = self._write(text)
        kind = token_kind(text, cell=True)
        location = self._location(start, end, (table, row, column))
        self.tokens.append(Token(text, kind, cell=True, location=location))

    # Walking.

    def flow(self, node: _Node) -> None:
        """Read an element outside any table cell (or inside a cell that holds a table)."""
        if _skipped(node):
            return
        tag = _tag(node)
        if tag == "table":
            self._flush()
            self._table(node)
            return
        if tag == "br":
            self._flush()
            return
        block = tag in _BLOCK
        if block:
            self._flush()
        if node.text:
            self._inline.append(node.text)
        for child in node:
            self.flow(child)
            if child.tail:
                self._inline.append(child.tail)
        if block:
            self._flush()

    def finish(self) -> None:
        self._flush()
        self._end_row()

    def _table(self, table: _Node) -> None:
        index = self._tables
        self._tables += 1
        for child in table:
            if _tag(child) == "caption":
                self.flow(child)
        rows = _rows(table)
        last_row = -1
        budget = _GRID_WORK_PER_TOKEN * self._limits.max_tokens
        for row, column, cell in _grid(rows, budget):
            if row != last_row:
                self._end_row()
                last_row = row
            if _skipped(cell):
                continue
            if next(cell.iter("table"), None) is not None:
                self._end_row()
                self.flow(cell)
                continue
            pieces: list[str] = []
            _cell_text(cell, pieces)
            self._cell(_collapse("".join(pieces)), index, row, column)
        self._end_row()


def _cell_text(node: _Node, pieces: list[str]) -> None:
    """Gather the visible text of a cell; block elements and ``<br>`` inside it are a space."""
    if node.text:
        pieces.append(node.text)
    for child in node:
        if not _skipped(child):
            tag = _tag(child)
            spaced = tag == "br" or tag in _BLOCK
            if spaced:
                pieces.append(" ")
            _cell_text(child, pieces)
            if spaced:
                pieces.append(" ")
        if child.tail:
            pieces.append(child.tail)


# --------------------------------------------------------------------------------------------
# The parser.


class HtmlParser:
    """Reads HTML pages: table cells as cell tokens, the rest as narrative blocks."""

    name = "html"
    description = "an HTML page (a saved web page or an HTML export of a document)"

    def sniff(self, document: Input) -> float:
        """Sure when the bytes open an HTML document or hold a ``<table>`` or ``<body>``."""
        head = document.data[:_SNIFF_BYTES]
        for bom, encoding in BOMS:
            if head.startswith(bom):
                head = head[len(bom) :].decode(encoding, "ignore").encode("utf-8")
                break
        head = head.lower()
        if head.lstrip().startswith(_OPENINGS) or any(marker in head for marker in _MARKERS):
            return 0.95
        return 0.0

    def read(self, document: Input) -> Layout:
        """Decode the page, parse it and turn it into tokens.

        Raises:
            UnknownFormatError: The bytes are binary.
            EncodingError: They are in no known encoding.
            CorruptDocumentError: They hold no markup lxml can parse.
            LimitExceededError: The page nests elements more than 256 deep, or is too large.
            EmptyDocumentError: The page has no visible text.
        """
        text = _decode(document.data, document.name)
        if not text.strip():
            raise EmptyDocumentError(document.name, "the HTML page is empty")
        root = _parse(text, document.name)
        reader = _Reader(document.name, document.limits)
        try:
            reader.flow(root)
        except RecursionError:
            raise LimitExceededError(
                document.name, "HTML nested too deeply to be read", NESTING
            ) from None
        except _TableTooLargeError:
            raise LimitExceededError(
                document.name,
                "a table's merged cells span too many positions to be read",
                "max_tokens",
            ) from None
        reader.finish()
        if not reader.tokens:
            raise EmptyDocumentError(document.name, "the HTML page has no visible text")
        return Layout(tuple(reader.tokens), reader.text, document.name, self.name)
