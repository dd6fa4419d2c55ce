# SPDX-License-Identifier: MIT
"""Word ``.docx``: the statistical tables as agencies fill the official Word template.

Only ``word/document.xml`` is read, with lxml straight from the zip archive (no python-docx).
What is read from its body, in document order:

* **Table cells.** Every ``w:tbl`` becomes one cell token per *origin* cell, row by row: a cell
  merged across columns (``w:gridSpan``, or the legacy ``w:hMerge``) is one token, and the cells
  a vertical merge covers below its first cell (``w:vMerge`` continuing one that starts above)
  give no token at all. Each token's `Location` gives the table's index in document order
  (``table_index``), the row's index in the table (``row_index``) and the cell's first column
  in the table's grid (``col_index``, counting ``w:gridBefore`` and the spans before it), as
  well as its offsets in `Layout.text`. A cell's text is the text of its paragraphs joined by
  a space. A table nested in a cell is read as a table of its own, right after the cell that
  holds it; its text is not part of that cell's text.
* **Narrative.** Every paragraph outside tables is one narrative token.
* **Containers.** Paragraphs, tables, rows and cells inside content controls (``w:sdt``) and
  custom XML are read in place; a content control still showing its placeholder prompt reads
  as empty.
* **Text.** ``w:t`` runs, inserted text (``w:ins``) included; ``w:br``, ``w:cr`` and ``w:tab``
  read as a space. Deleted and moved-away text (``w:del``, ``w:moveFrom``), field codes,
  hidden runs (``w:vanish``), drawings and text boxes are not read. `Layout.text` is the
  visible text: one line per paragraph and one line per table row, its cells separated by
  `` | `` (as the pipe-cell format flattens a table).

Headers, footers, footnotes, comments and the other parts of the package are not read.

The archive is opened within the `gkbg.Limits` of the call by the zip guard all packages
share (``gkbg.read.package``: member count, uncompressed size, compression ratio), and the XML is
parsed without DTDs or entities. A package over a limit is refused with a
`LimitExceededError`, a DTD with an `UnsafeDocumentError`, a damaged archive or malformed XML
with a `CorruptDocumentError`, an OLE compound file (a legacy ``.doc``/``.wps``, or a
password-protected Word document, which needs converting to ``.docx`` first) with a
`DocumentError`; each names the file.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Protocol, cast

from gkbg.core.compat import OLE_SIGNATURE, ZIP_SIGNATURE
from gkbg.core.errors import (
    CorruptDocumentError,
    DocumentError,
    LimitExceededError,
    UnknownFormatError,
)
from gkbg.core.limits import NESTING, check_time, check_tokens
from gkbg.read.layout import BodyWriter, Layout
from gkbg.read.package import Package, parse_xml, sniff_package

if TYPE_CHECKING:
    from collections.abc import Iterator

    from gkbg.core.limits import Limits
    from gkbg.read.base import Input

__all__ = ["DocxParser"]

DOCUMENT_PART = "word/document.xml"
_MAX_SPAN = 1000

_W_NAMESPACES = frozenset(
    {
        "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
        "http://purl.oclc.org/ooxml/wordprocessingml/main",  # ISO 29500 Strict
    }
)
_MC_NAMESPACE = "http://schemas.openxmlformats.org/markup-compatibility/2006"

# Containers read in place: inline (in a paragraph) and block-level (around paragraphs, tables,
# rows and cells). Anything else that is no run, paragraph or table is not read.
_INLINE_CONTAINERS = frozenset(
    {"hyperlink", "smartTag", "customXml", "ins", "moveTo", "fldSimple", "dir", "bdo"}
)
_BLOCK_CONTAINERS = frozenset({"customXml", "ins", "moveTo"})
_FALSE = frozenset({"0", "false", "off"})
# Characters that would start a new line in `Layout.text` (str.splitlines splits on all).
_LINE_BREAKS = str.maketrans(dict.fromkeys("\t\n\v\f\r\x1c\x1d\x1e\x85\u2028\u2029", " "))


class _Node(Protocol):
    """The part of an lxml element this module uses (lxml ships no type information)."""

    tag: object
    text: str | None

    def get(self, key: str, default: str | None = None) -> str | None: ...

    def __iter__(self) -> Iterator[_Node]: ...

    def iterchildren(self, tag: str) -> Iterator[_Node]: ...


# --------------------------------------------------------------------------------------------
# The package.


def _not_docx(data: bytes, name: str) -> DocumentError:
    if data.startswith(OLE_SIGNATURE):
        return UnknownFormatError(
            name,
            "an OLE compound file, not a .docx: a legacy Word .doc or WPS .wps document, or an "
            "encrypted (password-protected) Word document; convert it to an unencrypted .docx "
            "first (for example with LibreOffice: soffice --headless --convert-to docx)",
        )
    return UnknownFormatError(name, "not a Word .docx file (a .docx is a zip archive; this is not)")


def _what_instead(names: set[str]) -> str:
    if "xl/workbook.xml" in names:
        return "an Excel workbook, not a Word document"
    if "ppt/presentation.xml" in names:
        return "a PowerPoint presentation, not a Word document"
    if "content.xml" in names and "mimetype" in names:
        return "an OpenDocument file (.odt or similar), not a Word .docx; save it as .docx"
    return f"a zip archive without {DOCUMENT_PART}: not a Word .docx document"


def _document_xml(data: bytes, name: str, limits: Limits) -> bytes:
    """The bytes of ``word/document.xml``, read within the limits."""
    if not data.startswith(ZIP_SIGNATURE):
        raise _not_docx(data, name)
    package = Package(data, name, kind=".docx", limits=limits)
    try:
        return package.read(DOCUMENT_PART)
    except KeyError:
        raise UnknownFormatError(name, _what_instead(set(package.names))) from None
    finally:
        package.close()


def _parse_xml(content: bytes, name: str) -> tuple[_Node, str]:
    """The document element and the WordprocessingML namespace it uses."""
    node = cast("_Node", parse_xml(content, name, DOCUMENT_PART))
    namespace, local = _split(node.tag)
    if local != "document" or namespace not in _W_NAMESPACES:
        raise CorruptDocumentError(name, f"{DOCUMENT_PART} is not a WordprocessingML document")
    return node, namespace


# --------------------------------------------------------------------------------------------
# Elements.


@functools.lru_cache(maxsize=1024)
def _split(tag: object) -> tuple[str | None, str | None]:
    """An element's namespace and local name; (None, None) for comments and the like.

    A document uses a few dozen tags, each many times: each is split once.
    """
    if not isinstance(tag, str):
        return None, None
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        return namespace, local
    return "", tag


def _child(node: _Node, tag: str) -> _Node | None:
    """The first child of ``node`` with ``tag``.

    (A loop over the children: lxml's ``iterchildren(tag)`` costs more to set up, per call,
    than looking at the few children an element of WordprocessingML has.)
    """
    for child in node:
        if child.tag == tag:
            return child
    return None


class _Reader(BodyWriter):
    """Walks the body, writing `Layout.text` and collecting one token per paragraph or cell.

    Elements are told apart by their qualified tags, made once per document from its namespace
    (no element's name is split while walking), and a cell's or a run's properties are read in
    one pass over their children.
    """

    def __init__(self, namespace: str, source: str, limits: Limits) -> None:
        super().__init__(source, limits)
        self._ns = namespace
        w, mc = f"{{{namespace}}}", f"{{{_MC_NAMESPACE}}}"
        self._p, self._tbl, self._tr, self._tc = w + "p", w + "tbl", w + "tr", w + "tc"
        self._r, self._t, self._sdt = w + "r", w + "t", w + "sdt"
        self._alternate, self._choice, self._fallback = (
            mc + "AlternateContent",
            mc + "Choice",
            mc + "Fallback",
        )
        self._sdt_content, self._sdt_props = w + "sdtContent", w + "sdtPr"
        self._placeholder_tag = w + "showingPlcHdr"
        self._run_props, self._vanish = w + "rPr", w + "vanish"
        self._cell_props, self._row_props = w + "tcPr", w + "trPr"
        self._grid_span, self._vmerge, self._hmerge = w + "gridSpan", w + "vMerge", w + "hMerge"
        self._grid_before, self._deleted = w + "gridBefore", w + "del"
        self._value = w + "val"
        self._hyphen = w + "noBreakHyphen"
        self._spaces = frozenset(w + name for name in ("br", "cr", "tab", "ptab"))
        self._inline_containers = frozenset(w + name for name in _INLINE_CONTAINERS)
        # What `_flagged` reads into: the block containers and alternate content.
        self._block_containers = frozenset(
            {*(w + name for name in _BLOCK_CONTAINERS), self._alternate}
        )
        self._blocks = frozenset({self._p, self._tbl})
        self._rows = frozenset({self._tr})
        self._cells = frozenset({self._tc})

    # ---- names and attributes

    def _val(self, node: _Node) -> str | None:
        return node.get(self._value)

    def _int(self, node: _Node | None, default: int) -> int:
        if node is None:
            return default
        try:
            value = int(self._val(node) or default)
        except ValueError:
            return default
        return min(max(value, 0), _MAX_SPAN)

    def _on(self, node: _Node | None) -> bool:
        """Whether a toggle property (``<w:vanish/>``) is present and not switched off."""
        return node is not None and (self._val(node) or "true").lower() not in _FALSE

    def _placeholder(self, sdt: _Node) -> bool:
        """Whether a content control shows its placeholder prompt instead of content."""
        props = _child(sdt, self._sdt_props)
        return props is not None and self._on(_child(props, self._placeholder_tag))

    def _content(self, node: _Node) -> Iterator[_Node]:
        """The children of a container.

        For ``w:sdt``, those of its ``w:sdtContent``; for ``mc:AlternateContent``, those of its
        first choice.
        """
        tag = node.tag
        if tag == self._sdt:
            content = _child(node, self._sdt_content)
            return iter(()) if content is None else iter(content)
        if tag == self._alternate:
            chosen = _child(node, self._choice)
            if chosen is None:
                chosen = _child(node, self._fallback)
            return iter(()) if chosen is None else iter(chosen)
        return iter(node)

    def _flagged(
        self, node: _Node, wanted: frozenset[str], *, blank: bool = False
    ) -> Iterator[tuple[_Node, bool]]:
        """The ``wanted`` children of ``node`` (``p``, ``tbl``, ``tr``, ``tc``), in order.

        Those inside content controls and custom XML are included, each paired with whether it
        only shows a content control's placeholder prompt.
        """
        sdt, containers = self._sdt, self._block_containers
        for child in self._content(node):
            tag = child.tag
            if tag in wanted:
                yield child, blank
            elif tag == sdt:
                yield from self._flagged(child, wanted, blank=blank or self._placeholder(child))
            elif tag in containers:
                yield from self._flagged(child, wanted, blank=blank)

    # ---- text

    def _paragraph_text(self, paragraph: _Node) -> str:
        pieces: list[str] = []
        self._inline(paragraph, pieces)
        return "".join(pieces).translate(_LINE_BREAKS)

    def _inline(self, node: _Node, pieces: list[str]) -> None:
        run, sdt, containers = self._r, self._sdt, self._inline_containers
        for child in self._content(node):
            tag = child.tag
            if tag == run:
                self._run(child, pieces)
            elif tag == sdt:
                if not self._placeholder(child):
                    self._inline(child, pieces)
            elif tag in containers:
                self._inline(child, pieces)

    def _run(self, run: _Node, pieces: list[str]) -> None:
        """Add the run's text to ``pieces``, unless its first ``w:rPr`` hides it."""
        start = len(pieces)
        text, spaces, hyphen, props = self._t, self._spaces, self._hyphen, self._run_props
        seen_props = False
        for child in run:
            tag = child.tag
            if tag == text:
                pieces.append(child.text or "")
            elif tag in spaces:
                pieces.append(" ")
            elif tag == hyphen:
                pieces.append("-")
            elif tag == props and not seen_props:
                seen_props = True  # only the first ``w:rPr`` counts
                if self._on(_child(child, self._vanish)):
                    del pieces[start:]
                    return

    # ---- structure

    def body(self, body: _Node) -> None:
        """Read the paragraphs and tables of the document's body."""
        paragraph = self._p
        for child, blank in self._flagged(body, self._blocks):
            if child.tag == paragraph:
                self._paragraph("" if blank else self._paragraph_text(child))
            else:
                self._table(child, blank=blank)

    def _first(self, node: _Node, tags: tuple[str, ...]) -> list[_Node | None]:
        """The first child of ``node`` with each of ``tags`` (None where there is none)."""
        found: list[_Node | None] = [None] * len(tags)
        for child in node:
            tag = child.tag
            if tag in tags:
                index = tags.index(tag)
                if found[index] is None:
                    found[index] = child
        return found

    def _table(self, table: _Node, *, blank: bool) -> None:
        index = self._tables
        self._tables += 1
        merging: set[int] = set()  # grid columns where a vertical merge runs on from above
        row_tags = (self._grid_before, self._deleted)
        cell_tags = (self._grid_span, self._vmerge, self._hmerge)
        row_props, cell_props = self._row_props, self._cell_props
        row_index = 0
        for row, row_blank in self._flagged(table, self._rows, blank=blank):
            props = _child(row, row_props)
            before, deleted = (None, None) if props is None else self._first(props, row_tags)
            if deleted is not None:  # a row deleted as a tracked change
                continue
            check_time()
            self._end_line()
            column = self._int(before, 0)
            continuing: set[int] = set()
            for cell, cell_blank in self._flagged(row, self._cells, blank=row_blank):
                props = _child(cell, cell_props)
                span_node, vmerge, hmerge = (
                    (None, None, None) if props is None else self._first(props, cell_tags)
                )
                span = max(1, self._int(span_node, 1))
                continues = vmerge is not None and self._val(vmerge) in {None, "continue"}
                if continues and column in merging:
                    continuing.add(column)
                elif hmerge is None or self._val(hmerge) == "restart":
                    self._cell_content(cell, index, row_index, column, blank=cell_blank)
                    if vmerge is not None:
                        continuing.add(column)
                column += span
            merging = continuing
            self._end_line()
            row_index += 1

    def _cell_content(self, cell: _Node, table: int, row: int, column: int, *, blank: bool) -> None:
        texts: list[str] = []
        nested: list[tuple[_Node, bool]] = []
        nested_table = self._tbl
        for child, child_blank in self._flagged(cell, self._blocks, blank=blank):
            if child.tag == nested_table:
                nested.append((child, child_blank))
            elif not child_blank:
                text = self._paragraph_text(child).strip()
                if text:
                    texts.append(text)
        self._cell(" ".join(texts), table, row, column)
        for inner, inner_blank in nested:
            self._end_line()
            self._table(inner, blank=inner_blank)


# --------------------------------------------------------------------------------------------
# The parser.


class DocxParser:
    """Reads Word ``.docx`` files: their tables cell by cell, and their paragraphs."""

    name = "docx"
    description = "Word .docx document (tables read cell by cell, merged cells as one)"

    def sniff(self, document: Input) -> float:
        """Sure when the bytes are a zip archive holding ``word/document.xml``."""
        return sniff_package(document, DOCUMENT_PART)

    def read(self, document: Input) -> Layout:
        """Tokens for the body's paragraphs and table cells, in document order.

        Raises:
            DocumentError: The file is no .docx, is damaged, or exceeds the limits.
        """
        content = _document_xml(document.data, document.name, document.limits)
        root, namespace = _parse_xml(content, document.name)
        reader = _Reader(namespace, document.name, document.limits)
        body = next((child for child in root if _split(child.tag) == (namespace, "body")), None)
        if body is None:
            raise CorruptDocumentError(document.name, f"{DOCUMENT_PART} has no body")
        try:
            reader.body(body)
        except RecursionError:
            raise LimitExceededError(
                document.name, f"{DOCUMENT_PART} nests tables or containers too deeply", NESTING
            ) from None
        check_tokens(len(reader.spans), document.name, document.limits)
        return reader.layout(source=document.name, format=self.name)
