# SPDX-License-Identifier: MIT
"""OpenDocument text (``.odt``): a report saved by LibreOffice or WPS in its own format.

Only ``content.xml`` is read, with lxml straight from the zip archive, within the limits every
package shares (``gkbg.read.package``). What is read from the document's text body, in document
order:

* **Table cells.** Every ``table:table`` becomes one cell token per cell that is not covered
  by a merge, row by row: a cell merged across columns or rows
  (``table:number-columns-spanned``, ``table:number-rows-spanned``) is one token, and the
  ``table:covered-table-cell`` elements it covers give none (OpenDocument writes them out, so
  they keep the column count). Each token's `Location` gives the table's index in document
  order, the row's index and the cell's column in the table's grid. Rows and cells repeated
  (``number-rows-repeated``, ``number-columns-repeated``) count as that many; a repeated cell or
  row with text is read as many times, up to 1,000. A table nested in a cell is read as a
  table of its own, right after the cell that holds it.
* **Narrative.** Every paragraph and heading outside tables is one narrative token; lists and
  sections are read in place.
* **Text.** Spans, links and fields are read; ``text:s`` gives its spaces, ``text:tab`` and
  ``text:line-break`` a space. Notes (footnotes), annotations, tracked deletions and hidden
  text are not read. `Layout.text` is one line per paragraph and one line per table row, its
  cells separated by `` | ``, as for ``.docx``.

A package over a limit is refused with a `LimitExceededError`, a DTD with an
`UnsafeDocumentError`, a damaged archive or malformed XML with a `CorruptDocumentError`; each
names the file. OpenDocument spreadsheets (``.ods``) are converted by the ``legacy`` parser.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, cast

from gkbg.core.compat import ZIP_SIGNATURE
from gkbg.core.errors import CorruptDocumentError, LimitExceededError, UnknownFormatError
from gkbg.core.limits import NESTING, check_time, check_tokens
from gkbg.read.layout import BodyWriter, Layout
from gkbg.read.package import Package, holds_member, parse_xml

if TYPE_CHECKING:
    from collections.abc import Iterator

    from gkbg.core.limits import Limits
    from gkbg.read.base import Input

__all__ = ["ODF_TEXT", "OdtParser", "odf_mimetype"]

CONTENT_PART = "content.xml"
ODF_TEXT = "application/vnd.oasis.opendocument.text"
"""The mimetype of an OpenDocument text document (``.odt``)."""

_MAX_REPEAT = 1000
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
# The zip's first member, stored uncompressed, is ``mimetype`` (ODF 1.2 §3.3): its local header
# is 30 bytes, then the 8-byte name, then the mimetype itself.
_MIMETYPE_NAME = b"mimetype"
_MIMETYPE_AT = 30 + len(_MIMETYPE_NAME)

# Paragraph-level containers read in place.
_TEXT_CONTAINERS = frozenset(
    {"list", "list-item", "list-header", "section", "numbered-paragraph", "index-body"}
)
# Inline elements read in place: spans, links, fields and the like. Anything not listed and not
# one of the white-space elements is read for its text too, except what `_SKIPPED` names.
_SKIPPED = frozenset(
    {
        (_TEXT, "note"),
        (_TEXT, "tracked-changes"),
        (_TEXT, "deletion"),
        (_TEXT, "hidden-text"),
        (_TEXT, "hidden-paragraph"),
        (_TEXT, "sequence-decls"),
        (_TEXT, "variable-decls"),
        (_TEXT, "user-field-decls"),
        (_OFFICE, "annotation"),
        (_OFFICE, "annotation-end"),
    }
)
_LINE_BREAKS = str.maketrans(dict.fromkeys("\t\n\v\f\r\x1c\x1d\x1e\x85\u2028\u2029", " "))


class _Node(Protocol):
    """The part of an lxml element this module uses (lxml ships no type information)."""

    tag: object
    text: str | None
    tail: str | None

    def get(self, key: str, default: str | None = None) -> str | None: ...

    def __iter__(self) -> Iterator[_Node]: ...


def _name(node: _Node) -> tuple[str, str] | None:
    tag = node.tag
    if not isinstance(tag, str) or not tag.startswith("{"):
        return None
    namespace, _, local = tag[1:].partition("}")
    return namespace, local


def _count(node: _Node, attribute: str) -> int:
    try:
        value = int(node.get(f"{{{_TABLE}}}{attribute}") or 1)
    except ValueError:
        return 1
    return max(value, 1)


def odf_mimetype(data: bytes) -> str | None:
    """The mimetype an OpenDocument package declares in its first member, if it does."""
    if not data.startswith(ZIP_SIGNATURE) or data[_MIMETYPE_AT - 8 : _MIMETYPE_AT] != b"mimetype":
        return None
    head = data[_MIMETYPE_AT : _MIMETYPE_AT + 80]
    return head.split(b"PK", 1)[0].decode("ascii", "replace").strip() or None


class _Reader(BodyWriter):
    """Walks the text body, writing `Layout.text` and one token span per paragraph or cell."""

    def __init__(self, source: str, limits: Limits) -> None:
        super().__init__(source, limits)

    # ---- text

    def _inline(self, node: _Node, pieces: list[str]) -> None:
        if node.text:
            pieces.append(node.text)
        for child in node:
            name = _name(child)
            if name is not None and name not in _SKIPPED:
                if name == (_TEXT, "s"):
                    spaces = child.get(f"{{{_TEXT}}}c") or "1"
                    pieces.append(" " * min(int(spaces) if spaces.isdigit() else 1, 100))
                elif name in {(_TEXT, "tab"), (_TEXT, "line-break")}:
                    pieces.append(" ")
                else:
                    self._inline(child, pieces)
            if child.tail:
                pieces.append(child.tail)

    def _paragraph_text(self, paragraph: _Node) -> str:
        pieces: list[str] = []
        self._inline(paragraph, pieces)
        return "".join(pieces).translate(_LINE_BREAKS)

    # ---- structure

    def body(self, node: _Node) -> None:
        """Read the paragraphs, headings and tables under ``node`` in document order."""
        for child in node:
            name = _name(child)
            if name is None or name in _SKIPPED:
                continue
            namespace, local = name
            if namespace == _TEXT and local in {"p", "h"}:
                self._paragraph(self._paragraph_text(child))
            elif namespace == _TABLE and local == "table":
                self._table(child)
            elif namespace == _TEXT and local in _TEXT_CONTAINERS:
                self.body(child)

    def _rows(self, node: _Node) -> Iterator[_Node]:
        """The rows of a table, through header rows, row groups and the like."""
        for child in node:
            name = _name(child)
            if name is None or name[0] != _TABLE:
                continue
            if name[1] == "table-row":
                yield child
            elif name[1] in {"table-header-rows", "table-rows", "table-row-group"}:
                yield from self._rows(child)

    def _table(self, table: _Node) -> None:
        index = self._tables
        self._tables += 1
        row_index = 0
        for row in self._rows(table):
            check_time()
            cells = [
                child
                for child in row
                if _name(child) in {(_TABLE, "table-cell"), (_TABLE, "covered-table-cell")}
            ]
            written = any(self._has_text(cell) for cell in cells)
            repeat = min(_count(row, "number-rows-repeated"), _MAX_REPEAT) if written else 1
            for _ in range(repeat):
                self._row(cells, index, row_index)
                row_index += 1

    @staticmethod
    def _has_text(cell: _Node) -> bool:
        return any(_name(child) is not None for child in cell)

    def _row(self, cells: list[_Node], table: int, row: int) -> None:
        self._end_line()
        column = 0
        for cell in cells:
            repeat = _count(cell, "number-columns-repeated")
            if _name(cell) == (_TABLE, "covered-table-cell"):
                column += repeat  # covered by a merge: no token, but the grid goes on
                continue
            for _ in range(min(repeat, _MAX_REPEAT)):
                self._cell_content(cell, table, row, column)
                column += 1
            column += max(repeat - _MAX_REPEAT, 0)
        self._end_line()

    def _cell_content(self, cell: _Node, table: int, row: int, column: int) -> None:
        texts: list[str] = []
        nested: list[_Node] = []
        self._cell_parts(cell, texts, nested)
        self._cell(" ".join(texts), table, row, column)
        for inner in nested:
            self._end_line()
            self._table(inner)

    def _cell_parts(self, node: _Node, texts: list[str], nested: list[_Node]) -> None:
        for child in node:
            name = _name(child)
            if name is None or name in _SKIPPED:
                continue
            namespace, local = name
            if namespace == _TABLE and local == "table":
                nested.append(child)
            elif namespace == _TEXT and local in {"p", "h"}:
                text = self._paragraph_text(child).strip()
                if text:
                    texts.append(text)
            elif namespace == _TEXT and local in _TEXT_CONTAINERS:
                self._cell_parts(child, texts, nested)


class OdtParser:
    """Reads OpenDocument text files (``.odt``): their tables cell by cell, and paragraphs."""

    name = "odt"
    description = "OpenDocument text .odt (LibreOffice, WPS): tables read cell by cell"

    def sniff(self, document: Input) -> float:
        """Sure when the package declares the OpenDocument text mimetype."""
        data = document.data
        mimetype = odf_mimetype(data)
        if mimetype is not None:
            return 0.95 if mimetype == ODF_TEXT else 0.0
        if data.startswith(ZIP_SIGNATURE) and holds_member(data, CONTENT_PART, document.limits):
            # A package that does not put its mimetype first: read it if nothing else claims it.
            return 0.3 if not holds_member(data, "word/document.xml", document.limits) else 0.0
        return 0.0

    def read(self, document: Input) -> Layout:
        """Tokens for the text body's paragraphs and table cells, in document order.

        Raises:
            DocumentError: The file is no OpenDocument text, is damaged, or exceeds the limits.
        """
        data = document.data
        if not data.startswith(ZIP_SIGNATURE):
            raise UnknownFormatError(
                document.name, "not an OpenDocument .odt file (no zip archive)"
            )
        mimetype = odf_mimetype(data)
        if mimetype is not None and mimetype != ODF_TEXT:
            raise UnknownFormatError(
                document.name, f"an OpenDocument file of type {mimetype}, not a text document"
            )
        package = Package(data, document.name, kind=".odt", limits=document.limits)
        try:
            content = package.read(CONTENT_PART)
        except KeyError:
            raise UnknownFormatError(
                document.name, f"a zip archive without {CONTENT_PART}: not an OpenDocument file"
            ) from None
        finally:
            package.close()
        root = cast("_Node", parse_xml(content, document.name, CONTENT_PART))
        if _name(root) != (_OFFICE, "document-content"):
            raise CorruptDocumentError(
                document.name, f"{CONTENT_PART} is not an OpenDocument document"
            )
        body = next((child for child in root if _name(child) == (_OFFICE, "body")), None)
        text = (
            None
            if body is None
            else next((child for child in body if _name(child) == (_OFFICE, "text")), None)
        )
        if text is None:
            raise UnknownFormatError(
                document.name, "an OpenDocument file without a text body: not a text document"
            )
        reader = _Reader(document.name, document.limits)
        try:
            reader.body(text)
        except RecursionError:
            raise LimitExceededError(
                document.name, f"{CONTENT_PART} nests tables or lists too deeply", NESTING
            ) from None
        check_tokens(len(reader.spans), document.name, document.limits)
        return reader.layout(source=document.name, format=self.name)
