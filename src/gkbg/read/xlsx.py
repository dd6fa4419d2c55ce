# SPDX-License-Identifier: MIT
"""Excel ``.xlsx`` workbooks, through openpyxl (the ``xlsx`` extra).

What is read:

* **Tables.** Every worksheet, in workbook order, is one table: its ``table_index`` is the
  sheet's index among the worksheets (chart sheets are not counted), whatever the sheet holds.
  The statutory tables may be on one sheet each or all on one sheet; the schema alignment in
  ``gkbg.align.report`` decides which cells are which.
* **Cells.** Rows are read top to bottom, cells left to right, one cell token per cell. A
  merged range is one token, at its top-left cell; the positions it covers produce none. Each
  token's `Location` gives the sheet (``table_index``) and the cell's row and column counted
  from zero (``A1`` is row 0, column 0), as well as its offsets in `Layout.text`.
* **Values.** Numbers are printed as stored, without inventing digits: an integer as its
  digits, a float that is integral as its integer (``3.0`` is ``3``), any other float in plain
  decimal notation (``0.5``, never ``5E-1``). Text is kept as typed (``"1,234"`` and ``"/"``
  stay text for the value reader), its line breaks turned into spaces. Booleans print as
  ``TRUE``/``FALSE``, dates in ISO form. The number format (a percentage, a currency) is not
  applied: the value is what is read.
* **Empty cells.** An empty cell is an empty token only inside the used area of its row: from
  the sheet's leftmost column with content to the row's last cell with content. Empty cells
  after a row's last value, and rows with nothing in them, produce no token.
* **Formulas.** A formula is read through the value Excel cached when it last saved the file.
  A formula with **no cached value** (a workbook written by a program and never recalculated
  by Excel or WPS) is never taken for blank or for 0: its formula text (``=SUM(B2:B4)``) is the
  cell's token, so the cell is reported as unreadable rather than silently wrong. Open and
  save such a file in Excel or WPS to have its values read.
* **Text.** `Layout.text` has one line per row with content, its cells separated by `` | ``
  (as the pipe-cell format flattens a table). There is no narrative in a workbook.

Not read: legacy ``.xls`` and WPS ``.et`` files (save them as ``.xlsx``), encrypted
workbooks, charts, images, comments and text boxes. A damaged, encrypted or non-Excel file is
refused with a `DocumentError` naming it.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs
import lxml.etree  # type: ignore[import-untyped,unused-ignore]
import regex

from gkbg.core.compat import OLE_SIGNATURE, ZIP_SIGNATURE, import_extra
from gkbg.core.errors import (
    CorruptDocumentError,
    DocumentError,
    EncryptedDocumentError,
    UnknownFormatError,
)
from gkbg.core.limits import check_time, check_tokens
from gkbg.read.layout import Layout, Token, TokenKind, TokenWriter, token_kind
from gkbg.read.package import Package, reject_dtd, sniff_package, xml_failure

if TYPE_CHECKING:
    from gkbg.core.limits import Limits
    from gkbg.read.base import Input

__all__ = ["XlsxParser"]

WORKBOOK_PART = "xl/workbook.xml"
_SHEET_NAMESPACES = frozenset(
    {
        "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
        "http://purl.oclc.org/ooxml/spreadsheetml/main",  # ISO 29500 Strict
    }
)

# What openpyxl builds one object for: cells, rows and shared strings.
_COUNTED = frozenset({"c", "row", "si"})
_MAX_GAP = 64
"""Empty columns between two stored cells of a row that are still filled in as blank cells."""
_XML_ERRORS: tuple[type[Exception], ...] = (lxml.etree.LxmlError, ValueError, RecursionError)
_LINE_BREAKS = str.maketrans({"\r": " ", "\n": " ", "\t": " ", "\v": " ", "\f": " "})

# (start, end, sheet, row, column, formula without a cached value) of each cell token.
_Span = tuple[int, int, int, int, int, bool]


@attrs.frozen
class _Sheet:
    """A worksheet as read.

    Attributes:
        rows: The cells with content, row then column (1-based) to (text, unread formula).
        covered: The positions merged ranges cover, their top-left cells left out.
    """

    rows: dict[int, dict[int, tuple[str, bool]]]
    covered: set[tuple[int, int]]


def _openpyxl() -> Any:  # noqa: ANN401 - openpyxl is an optional, untyped-here dependency
    return import_extra("openpyxl", extra="xlsx", purpose="reading Excel files")


# --------------------------------------------------------------------------------------------
# The archive.


def _check_archive(data: bytes, name: str, limits: Limits) -> None:
    """Refuse what is no ``.xlsx``, or is hostile, before openpyxl sees it, with the reason.

    Every XML part is read within the limits and refused if it declares a DTD; the cells, rows,
    shared strings and positions merged ranges cover are counted, so that openpyxl never
    builds more than ``max_tokens`` of them.
    """
    if data.startswith(OLE_SIGNATURE):
        raise EncryptedDocumentError(
            name,
            "an encrypted workbook or a legacy .xls/.et file, not an .xlsx: "
            "remove the password or save it as .xlsx",
        )
    if not data.startswith(ZIP_SIGNATURE):
        raise UnknownFormatError(name, "not an .xlsx workbook (it is not a zip archive)")
    package = Package(data, name, kind=".xlsx", limits=limits)
    try:
        if WORKBOOK_PART not in package.names:
            if "word/document.xml" in package.names:
                raise UnknownFormatError(name, "a Word document, not an Excel workbook")
            raise UnknownFormatError(name, f"a zip archive without {WORKBOOK_PART}: not an .xlsx")
        cells = 0
        for member in sorted(package.names):
            if member.endswith((".xml", ".rels", ".vml")):
                cells += _count_cells(package.read(member), name, member)
                check_tokens(cells, name, limits)
    finally:
        package.close()


def _count_cells(content: bytes, name: str, part: str) -> int:
    """The cells, rows, shared strings and merged positions a part holds, its XML checked."""
    reject_dtd(content, name, part)
    count = 0
    try:
        for _, element in lxml.etree.iterparse(
            io.BytesIO(content),
            events=("end",),
            resolve_entities=False,
            no_network=True,
            huge_tree=False,
            load_dtd=False,
        ):
            tag = element.tag
            if isinstance(tag, str) and tag.startswith("{"):
                namespace, _, local = tag[1:].partition("}")
                if namespace in _SHEET_NAMESPACES:
                    if local in _COUNTED:
                        count += 1
                    elif local == "mergeCell":
                        count += _merged_area(element.get("ref") or "", name, part)
            element.clear()
    except DocumentError:
        raise
    except _XML_ERRORS as exc:
        raise xml_failure(exc, name, part, damaged="a damaged .xlsx: ") from None
    return count


_CORNER = regex.compile(r"\$?([A-Za-z]{1,3})\$?(\d{1,7})")


def _corner(ref: str) -> tuple[int, int] | None:
    """The column and row of an ``A1`` reference, or None."""
    match = _CORNER.fullmatch(ref.strip())
    if match is None:
        return None
    column = 0
    for letter in match[1].upper():
        column = column * 26 + ord(letter) - ord("A") + 1
    return column, int(match[2])


def _merged_area(ref: str, name: str, part: str) -> int:
    """How many positions a merged range (``A1:C3``) covers."""
    first, _, last = ref.partition(":")
    start, end = _corner(first), _corner(last or first)
    if start is None or end is None:
        raise CorruptDocumentError(name, f"{part} merges cells {ref[:40]!r}, not a cell range")
    return (abs(end[0] - start[0]) + 1) * (abs(end[1] - start[1]) + 1)


def _load(openpyxl: Any, data: bytes, name: str, *, data_only: bool) -> Any:  # noqa: ANN401 - an openpyxl workbook
    try:
        return openpyxl.load_workbook(io.BytesIO(data), data_only=data_only)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises anything on a damaged file
        cause = str(exc) or type(exc).__name__
        raise CorruptDocumentError(
            name, f"a damaged .xlsx: the workbook cannot be read ({cause})"
        ) from None


# --------------------------------------------------------------------------------------------
# Values.


def _number(value: float) -> str:
    """A float as plain decimal text, with no digit the stored value does not have."""
    if not math.isfinite(value):
        return str(value)
    if value.is_integer():
        return str(int(value))
    text = format(Decimal(repr(value)), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _printed(value: object) -> str:
    """A cell's value as text."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    return str(value).translate(_LINE_BREAKS)


def _formula(value: object) -> str:
    """The text of a formula as openpyxl gives it (a string, or an array formula)."""
    if isinstance(value, str):
        return value
    text = getattr(value, "text", None)
    return text if isinstance(text, str) and text else "=?"


def _covered(sheet: Any) -> set[tuple[int, int]]:  # noqa: ANN401 - an openpyxl worksheet
    """The positions merged ranges cover, their top-left cells left out."""
    covered: set[tuple[int, int]] = set()
    for merged in sheet.merged_cells.ranges:
        for row in range(merged.min_row, merged.max_row + 1):
            for column in range(merged.min_col, merged.max_col + 1):
                covered.add((row, column))
        covered.discard((merged.min_row, merged.min_col))
    return covered


def _sheet_cells(
    sheet: Any,  # noqa: ANN401 - an openpyxl worksheet
    cached: Any,  # noqa: ANN401 - the same worksheet loaded with cached values, or None
) -> _Sheet:
    """The sheet's cells with content (row, then column, to text and unread formula).

    With them, the positions merged ranges cover.
    """
    covered = _covered(sheet)
    rows: dict[int, dict[int, tuple[str, bool]]] = {}
    # Only the cells the file stores (iter_rows would create every position of the range).
    for (row, column), cell in sheet._cells.items():  # noqa: SLF001 - openpyxl's cell store
        if (row, column) in covered:
            continue
        value = cell.value
        unread = False
        if cell.data_type == "f":
            value = None if cached is None else cached.cell(row=row, column=column).value
            if value is None:
                value, unread = _formula(cell.value), True
        if value is None:
            continue
        rows.setdefault(row, {})[column] = (_printed(value), unread)
    return _Sheet(rows, covered)


# --------------------------------------------------------------------------------------------
# Tokens and text.


class _Writer:
    def __init__(self, source: str, limits: Limits) -> None:
        self._source = source
        self._limits = limits
        self._pieces: list[str] = []
        self._length = 0
        self.spans: list[_Span] = []

    @property
    def text(self) -> str:
        return "".join(self._pieces)

    def _write(self, piece: str) -> int:
        start = self._length
        self._pieces.append(piece)
        self._length += len(piece)
        return start

    def sheet(self, index: int, sheet: _Sheet) -> None:
        """Write a sheet's rows: its stored cells, and the empty cells between them.

        The empty cells between two stored ones are the table's blank cells, except across a
        gap wider than `_MAX_GAP` columns, which no table spans: there nothing is filled in (a
        row with a cell in column A and one in XFD is two cells, not 16,384).
        """
        rows = sheet.rows
        if not rows:
            return
        left = min(min(cells) for cells in rows.values())
        for row in sorted(rows):
            check_time()
            cells = rows[row]
            first = True
            columns = sorted(cells)
            previous = left - 1
            for stored in columns:
                start_column = stored if stored - previous > _MAX_GAP else previous + 1
                for column in range(start_column, stored + 1):
                    if (row, column) in sheet.covered:
                        continue
                    if not first:
                        self._write(" | ")
                    first = False
                    text, unread = cells.get(column, ("", False))
                    stripped = text.strip()
                    lead = len(text) - len(text.lstrip())
                    start = self._write(text) + lead
                    self.spans.append(
                        (start, start + len(stripped), index, row - 1, column - 1, unread)
                    )
                previous = stored
            self._write("\n")
            check_tokens(len(self.spans), self._source, self._limits)


def _layout(writer: _Writer, *, source: str, format: str) -> Layout:  # noqa: A002
    text = writer.text
    locator = TokenWriter(text)
    tokens: list[Token] = []
    for start, end, table, row, column, unread in writer.spans:
        piece = text[start:end]
        # A formula Excel never calculated is text, never a value or a blank.
        kind = TokenKind.TEXT if unread else token_kind(piece, cell=True)
        location = attrs.evolve(
            locator.location(start, end), table_index=table, row_index=row, col_index=column
        )
        tokens.append(Token(piece, kind, cell=True, location=location))
    return Layout(tuple(tokens), text, source, format)


# --------------------------------------------------------------------------------------------
# The parser.


class XlsxParser:
    """Reads Excel ``.xlsx`` workbooks cell by cell (needs ``pip install 'gkbg[xlsx]'``)."""

    name = "xlsx"
    description = "Excel .xlsx workbook, every sheet a table, merged cells as one"
    extra = "xlsx"

    def sniff(self, document: Input) -> float:
        """Sure when the bytes are a zip archive holding ``xl/workbook.xml``."""
        return sniff_package(document, WORKBOOK_PART)

    def read(self, document: Input) -> Layout:
        """One cell token per cell of every worksheet, merged ranges as one.

        Raises:
            MissingExtraError: openpyxl is not installed.
            DocumentError: The file is no .xlsx (`UnknownFormatError`), is encrypted
                (`EncryptedDocumentError`), damaged (`CorruptDocumentError`), hostile
                (`UnsafeDocumentError`) or too large (`LimitExceededError`).
        """
        openpyxl = _openpyxl()
        _check_archive(document.data, document.name, document.limits)
        # Formulas first: a formula whose cached value is missing must not read as empty.
        workbook = _load(openpyxl, document.data, document.name, data_only=False)
        values: Any = None
        try:
            sheets = list(workbook.worksheets)
            if any(
                cell.data_type == "f"
                for sheet in sheets
                for cell in sheet._cells.values()  # noqa: SLF001 - openpyxl's cell store
            ):
                values = _load(openpyxl, document.data, document.name, data_only=True)
            writer = _Writer(document.name, document.limits)
            for index, sheet in enumerate(sheets):
                cached = None if values is None else values.worksheets[index]
                writer.sheet(index, _sheet_cells(sheet, cached))
        finally:
            workbook.close()
            if values is not None:
                values.close()
        return _layout(writer, source=document.name, format=self.name)
