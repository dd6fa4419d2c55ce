# SPDX-License-Identifier: MIT
"""HTML: a saved web page, or an HTML export of a Word or WPS document.

What is read:

* **Table cells.** Every ``<td>``/``<th>`` of every ``<table>`` becomes one cell token, in
  document order (row by row), whatever the table is: the statutory tables, in one ``<table>``
  or split over several, and any other table on the page (the schema alignment in
  ``gkbg.align.report`` decides which cells are which). A cell's text is all the text inside it,
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
import functools
import re
from typing import TYPE_CHECKING, Protocol, cast

import lxml.etree  # type: ignore[import-untyped,unused-ignore]
import regex

from gkbg.core.errors import (
    CorruptDocumentError,
    EmptyDocumentError,
    LimitExceededError,
    UnknownFormatError,
)
from gkbg.core.limits import MARKUP, NESTING, check_text, check_time, check_tokens
from gkbg.core.model import Location
from gkbg.read.base import BOMS, decode
from gkbg.read.layout import Layout, Token, TokenKind, token_kind

if TYPE_CHECKING:
    from collections.abc import Iterator

    from gkbg.core.limits import Limits
    from gkbg.read.base import Input

__all__ = ["HtmlParser", "read_markup"]

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

# The control characters no text holds, as UTF-8 bytes: ASCII, so a byte of them is a character.
_CONTROL = bytes([*range(0x09), 0x0B, *range(0x0E, 0x20), 0x7F])
_SPACE = regex.compile(r"[\s\u00a0\u3000\u200b\u200c\u200d\u2060\ufeff]+")
# The characters where `_SPACE` and `str.isspace` differ: in a text without them, `_collapse`
# is what `str.split` and a join do.
_ODD_SPACES = ("\x1c", "\x1d", "\x1e", "\x1f", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")
_HIDDEN_STYLE = regex.compile(
    r"display\s{0,5}:\s{0,5}none|visibility\s{0,5}:\s{0,5}hidden", regex.IGNORECASE
)
_DOCUMENT_END = regex.compile(r"</\s{0,5}(?:html|body)\s{0,5}>", regex.IGNORECASE)
_SPAN = regex.compile(r"\s{0,20}(\d{1,9})")
# A start tag long enough to hold many attributes; `_MAX_ATTRIBUTES` white-space runs in one.
_LONG_TAG = regex.compile(r"<[A-Za-z][^<>]{4000,}")
# The same in UTF-8 bytes: a character is one byte or more, none of them ``<`` or ``>``, so a
# page without a match of it holds no match of `_LONG_TAG`.
_LONG_TAG_BYTES = re.compile(rb"<[A-Za-z][^<>]{4000,}")
_GAP = regex.compile(r"\s+")
_MAX_ATTRIBUTES = 1000
_MAX_COLSPAN = 1000
_MAX_ROWSPAN = 65534
_GRID_WORK_PER_TOKEN = 10
_CELLS = frozenset({"td", "th"})
# Characters that mark, in the text of the tree, where a block element or a ``<br>`` begins and
# ends (see `_Tree`); the first the page's text does not hold is used.
_MARKS = tuple(chr(code) for code in range(0xE000, 0xE010))

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

    def getprevious(self) -> _Node | None: ...

    def getnext(self) -> _Node | None: ...

    def iter(self, *tags: str) -> Iterator[_Node]: ...

    def iterancestors(self, *tags: str) -> Iterator[_Node]: ...

    def __iter__(self) -> Iterator[_Node]: ...

    def __len__(self) -> int: ...


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
    text = decode(data, name, what="an HTML page", declares=_declared_encoding)
    sample = text[:_SNIFF_BYTES]
    encoded = sample.encode("utf-8", "surrogatepass")
    if len(encoded) - len(encoded.translate(None, _CONTROL)) > len(sample) // 100:
        raise UnknownFormatError(name, "binary data, not an HTML page")
    return text


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
    return _markup(text, name)[0]


def _markup(text: str, name: str) -> tuple[_Node, str]:
    """The page's tree, and the text it was parsed from."""
    # lxml.etree's HTML parser, not lxml.html's: the same tree, without the Python-level lookup
    # of an element class that lxml.html runs for every element it hands out.
    parser = lxml.etree.HTMLParser(
        encoding="utf-8", no_network=True, remove_comments=True, remove_pis=True, recover=True
    )
    # libxml2 stops at the end tag that closes the root; browsers read on, so must we.
    text = _DOCUMENT_END.sub("", text)
    markup = text.encode("utf-8")
    if _LONG_TAG_BYTES.search(markup) is not None:
        _check_attributes(text, name)
    try:
        root = lxml.etree.fromstring(markup, parser)
    except (lxml.etree.LxmlError, ValueError) as exc:
        raise CorruptDocumentError(name, f"malformed HTML that cannot be parsed ({exc})") from None
    # libxml2 drops what lies deeper than 256 elements, and says so only in its log: a page
    # read without it would lose text silently.
    for entry in parser.error_log:
        if entry.type_name != "ERR_RESOURCE_LIMIT":
            continue
        if "depth" in entry.message:
            raise LimitExceededError(
                name, "HTML nested more than 256 elements deep: refused", NESTING
            )
        # libxml2's other limit: a text, name or attribute value longer than it buffers
        # (10,000,000 bytes), which it would cut short.
        raise LimitExceededError(
            name,
            "HTML with a text, name or attribute value longer than libxml2 reads "
            f"(10 MB): refused ({entry.message.strip()})",
            MARKUP,
        )
    if root is None:
        raise EmptyDocumentError(name, "the HTML page has no elements")
    return cast("_Node", root), text


# --------------------------------------------------------------------------------------------
# Elements.


def _tag(node: _Node) -> str | None:
    """The element's lower-case tag, or None for comments, entities and the like."""
    tag = node.tag
    return tag.lower() if isinstance(tag, str) else None


def _skipped(node: _Node) -> bool:
    tag = node.tag
    if not isinstance(tag, str) or tag.lower() in _DROP:
        return True
    if node.get("hidden") is not None:
        return True
    style = node.get("style")
    return style is not None and _hiding(style)


@functools.lru_cache(maxsize=4096)
def _hiding(style: str) -> bool:
    """Whether a ``style`` attribute hides its element (pages repeat a few styles)."""
    return _HIDDEN_STYLE.search(style) is not None


def _collapse(text: str) -> str:
    return str(_SPACE.sub(" ", text)).strip()


def _collapse_split(text: str) -> str:
    """`_collapse` of a text that holds none of `_ODD_SPACES`."""
    return " ".join(text.split())


def _span(node: _Node, attribute: str, limit: int) -> int:
    """A ``rowspan``/``colspan`` as browsers read it: leading digits, else 1; 0 kept."""
    value = node.get(attribute)
    match = None if value is None else _SPAN.match(value)
    return min(int(match.group(1)), limit) if match else 1


def _rows(table: _Node) -> list[list[_Node]]:
    """The table's own rows (not those of tables nested in it), each its own cells.

    A row is a ``<tr>`` whose nearest enclosing table is this one; its cells are the ``<td>``
    and ``<th>`` whose nearest enclosing ``<tr>`` or table is that row, in document order.
    Cells standing in the table with no ``<tr>`` around them (the parser does not add the row
    a browser would) form a row of their own, as in a browser. One walk of the table's tree,
    not entering nested tables, finds them all.
    """
    rows: list[list[_Node]] = []
    loose: list[_Node] | None = None

    def walk(node: _Node, row: list[_Node] | None) -> None:
        nonlocal loose
        for child in node:
            tag = child.tag
            if not isinstance(tag, str):
                continue
            tag = tag.lower()
            if tag == "table":
                continue
            if tag == "tr":
                loose = None
                cells: list[_Node] = []
                rows.append(cells)
                walk(child, cells)
                continue
            if tag in _CELLS:
                if row is not None:
                    row.append(child)
                else:
                    if loose is None:
                        loose = []
                        rows.append(loose)
                    loose.append(child)
            walk(child, row)

    walk(table, None)
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
            # Most cells span nothing: no attribute, one column and one row.
            width = (
                1 if cell.get("colspan") is None else max(_span(cell, "colspan", _MAX_COLSPAN), 1)
            )
            height = 1
            if cell.get("rowspan") is not None:
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
# One pass over the tree, so that the reader need not visit every element.

# The nodes `_skipped` is true of whatever their attributes: dropped elements and non-elements.
_DROPPED = (
    *sorted(_DROP),
    lxml.etree.Comment,
    lxml.etree.ProcessingInstruction,
    lxml.etree.Entity,
)
_STYLES = lxml.etree.XPath("//@style", smart_strings=False)
_STYLED = lxml.etree.XPath("//@style[. = $style]/..")
_HIDDEN = lxml.etree.XPath("//@hidden/..")
_STRUCTURE = ("table", "tr", "td", "th")
_SECTIONS = frozenset({"tbody", "thead", "tfoot"})
# The elements whose boundaries are marked; a table's own elements are not (see `_Tree`).
_MARKED = (*sorted(_BLOCK - set(_STRUCTURE)), "br")


class _UnmarkableError(Exception):
    """A text to be marked holds a character lxml refuses to write (a control character)."""


class _Tree:
    """What the reader needs to know of the parsed page before reading it.

    The page's text, as lxml gives it for a whole subtree in one call, holds a `mark` where
    each block element and each ``<br>`` begins and ends (the reader ends a narrative block,
    or puts a space in a cell's text, at exactly those places), so the text of a subtree
    holding no table and nothing skipped is read in one call, not element by element.

    Attributes:
        mark: The character marking block boundaries; the page's own text does not hold it.
        skipped: The nodes `_skipped` is true of, found by tag and by two XPaths.
        holds_table: The elements with a table inside them.
        slow: The elements whose text cannot be taken in one call: those with a table, a
            skipped node, a ``<br>`` with content, a row or a cell inside them (the elements
            of tables are not marked: they are read one by one).
        rows: Each table's rows, as `_rows` finds them, found for every table in one walk.
        collapse: `_collapse`, or a faster equivalent of it for this tree's text.
    """

    __slots__ = ("collapse", "holds_table", "mark", "rows", "skipped", "slow")

    def __init__(self, root: _Node, mark: str, *, odd_spaces: bool = True) -> None:
        self.mark = mark
        self.collapse = _collapse if odd_spaces else _collapse_split
        self.skipped: set[_Node] = {node for node in root.iter(*_DROPPED) if _skipped(node)}
        self.skipped.update(_HIDDEN(root))
        # Pages repeat a few styles: each is looked at once.
        for style in set(_STYLES(root)):
            if _hiding(style):
                self.skipped.update(_STYLED(root, style=style))
        self.holds_table: set[_Node] = set()
        self.slow: set[_Node] = set()
        self.rows: dict[_Node, list[list[_Node]]] = {}
        for node in self.skipped:
            _mark_ancestors(node, self.slow)
        check_time()
        self._walk_tables(root)
        check_time()
        for node in root.iter("br"):
            if node not in self.skipped and (node.text is not None or len(node)):
                _mark_ancestors(node, self.slow)
        # A mark is read only in the text of an element read in one call, which is not slow,
        # nor is anything inside it (so nothing inside it is skipped): the elements of a slow
        # one are read one by one, their boundaries found as the plain walk finds them.
        slow = self.slow
        try:
            for node in root.iter(*_MARKED):
                parent = node.getparent()
                if parent is None or parent in slow:
                    continue
                tail = node.tail
                if (
                    node.getprevious() is None  # the parent's only child, found in O(1)
                    and node.getnext() is None
                    and (tail is None or tail.isspace())
                    and parent.tag in _BLOCK
                    and (parent.text is None or parent.text.isspace())
                ):
                    # The only element in a block, white space apart (a cell's paragraph):
                    # it begins and ends where the block does, so its marks change nothing.
                    continue
                if node.tag != "br":
                    node.text = mark + (node.text or "")
                node.tail = mark + (tail or "")
        except ValueError:  # lxml writes no control character into a text
            raise _UnmarkableError from None

    def _walk_tables(self, root: _Node) -> None:
        """Find every table's rows, as `_rows` does, from the table elements alone.

        A row belongs to its nearest enclosing table, a cell to its nearest enclosing row or
        table (a cell with no row around it forms a row of its own, until the table's next
        row); the nearest is most often the parent (or the grandparent past a ``<tbody>``).
        """
        slow = self.slow
        tables: dict[_Node, tuple[list[list[_Node]], list[list[_Node] | None]]] = {}
        rows_of: dict[_Node, list[_Node]] = {}  # each row's cells
        for node in root.iter(*_STRUCTURE):
            check_time()  # a row or a cell: each takes far longer than a look at the clock
            tag = node.tag
            if tag == "table":
                _mark_ancestors(node, self.holds_table)
                _mark_ancestors(node, slow)
                rows: list[list[_Node]] = []
                self.rows[node] = rows
                tables[node] = (rows, [None])  # the rows, and the row of its loose cells
                continue
            parent = node.getparent()
            if parent is None:
                continue
            if parent not in slow:
                _mark_ancestors(node, slow)
            if tag == "tr":
                cells: list[_Node] = []
                rows_of[node] = cells
                grandparent = parent.getparent() if parent.tag in _SECTIONS else None
                if parent.tag == "table":
                    table: _Node | None = parent
                elif grandparent is not None and grandparent.tag == "table":
                    table = grandparent
                else:
                    table = next(node.iterancestors("table"), None)
                if table is not None:
                    rows, loose = tables[table]
                    loose[0] = None
                    rows.append(cells)
                continue
            owner = parent if parent.tag == "tr" else next(node.iterancestors("tr", "table"), None)
            if owner is None:
                continue
            if owner.tag == "tr":
                rows_of[owner].append(node)
                continue
            rows, loose = tables[owner]
            row = loose[0]
            if row is None:
                row = loose[0] = []
                rows.append(row)
            row.append(node)


def _mark_ancestors(node: _Node, marked: set[_Node]) -> None:
    """Add the node's ancestors to ``marked``, which holds the ancestors of all it holds."""
    for parent in node.iterancestors():
        if parent in marked:
            return
        marked.add(parent)


def _prepare(root: _Node, source: str) -> _Tree | None:
    """The `_Tree` of the tree parsed from ``source``, or None to visit every element.

    None is returned when the tree's text holds every candidate mark, or when the page may hold
    a tag that only Python's `str.lower` makes a known one (``K``, the Kelvin sign, lowers to
    ``k``; libxml2 lowers ASCII letters only), which lxml's search by tag would miss.

    Raises:
        _UnmarkableError: A text to mark holds a control character; the tree is then left
            marked in part, and must be parsed again to be read.
    """
    if "\u212a" in source:
        return None
    # Only a character reference puts in the tree's text a character the page does not hold.
    # (Searched for in the text, not in bytes: a search for a character of three UTF-8 bytes
    # is slow in Chinese, whose characters are three bytes too.)
    text = lxml.etree.tostring(root, method="text", encoding=str) if "&#" in source else ""
    odd_spaces = any(space in source or space in text for space in _ODD_SPACES)
    for mark in _MARKS:
        if mark not in source and mark not in text:
            return _Tree(root, mark, odd_spaces=odd_spaces)
    return None


_TOSTRING_TEXT = functools.partial(
    lxml.etree.tostring, method="text", encoding=str, with_tail=False
)


def _text_of(node: _Node) -> str:
    """All the text inside the element, in document order."""
    if not len(node):
        return node.text or ""
    return cast("str", _TOSTRING_TEXT(node))


# --------------------------------------------------------------------------------------------
# Tokens and text.


class _Reader:
    """Walks the tree once, writing tokens and the text they point into.

    Given the tree's `_Tree`, the reader takes the text of whole subtrees at once and finds
    what is skipped and each table's rows there; without one, it visits every element.
    """

    def __init__(self, name: str, limits: Limits, tree: _Tree | None = None) -> None:
        self._name = name
        self._limits = limits
        self._tree = tree
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
        """Write the narrative text gathered so far as one block (a block per mark in it)."""
        check_time()  # once per block, line break and table: the walk ends within the budget
        inline = self._inline
        if not inline:
            return
        gathered = "".join(inline)
        inline.clear()
        tree = self._tree
        if tree is not None and tree.mark in gathered:
            for piece in gathered.split(tree.mark):
                if piece:
                    self._block(piece)
        else:
            self._block(gathered)

    def _block(self, piece: str) -> None:
        if piece.isspace():  # all of it is white space `_collapse` drops
            return
        tree = self._tree
        text = _collapse(piece) if tree is None else tree.collapse(piece)
        if not text:
            return
        self._end_row()
        self._check_tokens()
        start = self._offset
        end = start + len(text)
        location = Location(start, end, self._line, start - self._line_start + 1)
        self.tokens.append(Token(text, TokenKind.TEXT, cell=False, location=location))
        self._parts += (text, "\n")
        self._offset = self._line_start = end + 1
        self._line += 1

    def _check_tokens(self) -> None:
        if len(self.tokens) >= self._limits.max_tokens:
            check_tokens(len(self.tokens) + 1, self._name, self._limits)
        if self._offset > self._limits.max_text_chars:  # refused as soon as it is over
            check_text(self._offset, self._name, self._limits)

    def _cell(self, text: str, table: int, row: int, column: int) -> None:
        self._check_tokens()
        parts = self._parts
        if self._row_open:
            parts.append(" | ")
            self._offset += 3
        self._row_open = True
        start = self._offset
        parts.append(text)
        end = self._offset = start + len(text)
        location = Location(
            start=start,
            end=end,
            line=self._line,
            column=start - self._line_start + 1,
            table_index=table,
            row_index=row,
            col_index=column,
        )
        self.tokens.append(Token(text, token_kind(text, cell=True), cell=True, location=location))

    # Walking.

    def _skips(self, node: _Node) -> bool:
        tree = self._tree
        if tree is None:
            return _skipped(node)
        return node in tree.skipped or not isinstance(node.tag, str)

    def flow(self, node: _Node) -> None:
        """Read an element outside any table cell (or inside a cell that holds a table)."""
        if self._skips(node):
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
        tree = self._tree
        inline = self._inline
        if tree is None:
            if node.text:
                inline.append(node.text)
            for child in node:
                self.flow(child)
                if child.tail:
                    inline.append(child.tail)
        elif node not in tree.slow:
            inline.append(_text_of(node))
        else:
            if node.text:
                inline.append(node.text)
            slow, skipped = tree.slow, tree.skipped
            for child in node:
                child_tag = child.tag
                # What `flow` does with a child read in one call, without the call. (Tags
                # are lower case: libxml2 lowers ASCII letters, and `_prepare` made sure no
                # other letter lowers to one.)
                if (
                    child in slow
                    or child in skipped
                    or not isinstance(child_tag, str)
                    or child_tag in {"table", "br"}
                ):
                    self.flow(child)
                elif child_tag in _BLOCK:
                    self._flush()
                    inline.append(_text_of(child))
                    self._flush()
                else:
                    inline.append(_text_of(child))
                if child.tail:
                    inline.append(child.tail)
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
        tree = self._tree
        rows = _rows(table) if tree is None else tree.rows[table]
        last_row = -1
        budget = _GRID_WORK_PER_TOKEN * self._limits.max_tokens
        for row, column, cell in _grid(rows, budget):
            if row != last_row:
                check_time()
                self._end_row()
                last_row = row
            if self._skips(cell):
                continue
            if (
                next(cell.iter("table"), None) is not None
                if tree is None
                else cell in tree.holds_table
            ):
                self._end_row()
                self.flow(cell)
                continue
            if tree is not None and cell not in tree.slow:
                text = _text_of(cell).replace(tree.mark, " ")
            else:
                pieces: list[str] = []
                _cell_text(cell, pieces)
                text = "".join(pieces)
                if tree is not None:
                    text = text.replace(tree.mark, " ")
            self._cell(_collapse(text) if tree is None else tree.collapse(text), index, row, column)
        self._end_row()


def _cell_text(node: _Node, pieces: list[str]) -> None:
    """Gather the visible text of a cell; block elements and ``<br>`` inside it are a space."""
    if node.text:
        pieces.append(node.text)
    for child in node:
        if not _skipped(child):
            tag = child.tag.lower()  # type: ignore[attr-defined] # a str: not skipped
            spaced = tag == "br" or tag in _BLOCK
            if spaced:
                pieces.append(" ")
            _cell_text(child, pieces)
            if spaced:
                pieces.append(" ")
        if child.tail:
            pieces.append(child.tail)


def read_markup(text: str, name: str, limits: Limits) -> tuple[list[Token], str]:
    """The tokens of decoded HTML, and the text they point into, as `HtmlParser` reads a page.

    Table cells are cell tokens with their table, row and column in the grid; the rest is
    narrative blocks. Other readers whose documents hold HTML (a markdown file's ``<table>``)
    read it here rather than with a copy of this reader.

    Raises:
        CorruptDocumentError: The text holds no markup lxml can parse.
        LimitExceededError: It nests elements more than 256 deep, or is too large.
        EmptyDocumentError: It has no elements.
    """
    root, source = _markup(text, name)
    try:
        tree = _prepare(root, source)
    except _UnmarkableError:
        root, _ = _markup(text, name)
        tree = None
    reader = _Reader(name, limits, tree)
    try:
        reader.flow(root)
    except RecursionError:
        raise LimitExceededError(name, "HTML nested too deeply to be read", NESTING) from None
    except _TableTooLargeError:
        raise LimitExceededError(
            name,
            "a table's merged cells span too many positions to be read",
            "max_tokens",
        ) from None
    reader.finish()
    return reader.tokens, reader.text


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
        tokens, page = read_markup(text, document.name, document.limits)
        if not tokens:
            raise EmptyDocumentError(document.name, "the HTML page has no visible text")
        return Layout(tuple(tokens), page, document.name, self.name)
