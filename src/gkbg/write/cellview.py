# SPDX-License-Identifier: MIT
"""Look at one cell where it was printed, to confirm (or not) what gkbg read there.

For a PDF, `cell_png` renders the cell's page (pypdfium2) with the cell's box framed in red,
and the band of its row (across the page, where its row label is) and the band of its column
(from the top of the page down to it, where its column's headings are) framed in blue: the
labels to read the number against lie in those bands. For any format, `cell_html` draws the
report's tables in the official layout with the cell framed, as the HTML report does. A
`CellView` holds both, and shows itself in Jupyter (``_repr_png_``, ``_repr_html_``).

The page is drawn as PDFium draws it; nothing of it is changed but the frames added on top.
"""

from __future__ import annotations

import html
import struct
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from gkbg.checks.findings import CheckResult
from gkbg.core.compat import import_dependency
from gkbg.core.errors import GkbgError
from gkbg.core.views import VIEWS
from gkbg.write.notebook import STYLE, cell_id, tables_html

if TYPE_CHECKING:
    from gkbg.core.lang import Lang
    from gkbg.core.model import Cell, Report

__all__ = ["CellView", "cell_html", "cell_png", "png", "show"]

SCALE = 2.0
"""Pixels per PDF point of the rendered page (144 dpi)."""

_RED = (211, 47, 47, 255)
_BLUE = (21, 101, 192, 255)


def png(width: int, height: int, rows: bytes, stride: int) -> bytes:
    """An RGB image as PNG bytes (no compression library beyond `zlib`).

    Args:
        width: Pixels across.
        height: Pixels down.
        rows: The pixels, three bytes (red, green, blue) each, row after row.
        stride: Bytes from the start of one row to the next (at least ``3 * width``).
    """
    raw = b"".join(b"\x00" + rows[top * stride : top * stride + 3 * width] for top in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 6))
        + chunk(b"IEND", b"")
    )


def _frame(
    bitmap: Any,  # noqa: ANN401 - a PdfBitmap
    box: tuple[float, float, float, float],
    colour: tuple[int, ...],
    width: int,
) -> None:
    """Draw the outline of ``box`` (in pixels) on ``bitmap``, ``width`` pixels thick."""
    left, top, right, bottom = (round(v) for v in box)
    left, top = max(left, 0), max(top, 0)
    right, bottom = min(right, bitmap.width - 1), min(bottom, bitmap.height - 1)
    if right <= left or bottom <= top:
        return
    across, down = right - left, bottom - top
    bitmap.fill_rect(colour, left, top, across, width)
    bitmap.fill_rect(colour, left, max(bottom - width, top), across, width)
    bitmap.fill_rect(colour, left, top, width, down)
    bitmap.fill_rect(colour, max(right - width, left), top, width, down)


def cell_png(
    document: bytes, cell: Cell, *, scale: float = SCALE, around: float | None = None
) -> bytes:
    """The PDF page a cell was read on, with the cell, its row and its column framed.

    Args:
        document: The PDF file's bytes (the one the cell was read from).
        cell: The cell; it needs its ``location`` with ``page`` and ``bbox`` (a PDF's cells
            have them).
        scale: Pixels per point.
        around: When given, only the band of the page from this many points above the cell
            to as many below it, the page's whole width (its row label is at the left): a
            thumbnail of the page around the cell.

    Returns:
        The page, or its band around the cell, as a PNG image.

    Raises:
        GkbgError: The cell has no place on a page (it was not found, or not read from a
            PDF), or the page is not in the document.
    """
    place = cell.location
    if place is None or place.page is None or place.bbox is None:
        raise GkbgError(
            f"{cell.key}: the cell has no place on a PDF page (it was not found, or the "
            "document is not a PDF); look at it in the table instead"
        )
    pdfium = import_dependency("pypdfium2", purpose="drawing a PDF page")
    pdf = pdfium.PdfDocument(document)
    try:
        if not 1 <= place.page <= len(pdf):
            raise GkbgError(f"{cell.key}: page {place.page} is not in the document")
        page = pdf[place.page - 1]
        bitmap = page.render(scale=scale, rev_byteorder=True)
        x0, top, x1, bottom = (value * scale for value in place.bbox)
        pad = 3 * scale
        # the row across the page (its label at the left), the column up to the page's top
        _frame(bitmap, (pad, top - pad, bitmap.width - pad, bottom + pad), _BLUE, 2)
        _frame(bitmap, (x0 - pad, pad, x1 + pad, bottom + pad), _BLUE, 2)
        _frame(bitmap, (x0 - 2 * pad, top - 2 * pad, x1 + 2 * pad, bottom + 2 * pad), _RED, 5)
        if bitmap.n_channels != 3:  # RGB
            raise GkbgError(f"{cell.key}: the page was drawn in an unexpected pixel format")
        pixels, stride = bytes(bitmap.buffer), bitmap.stride
        if around is None:
            return png(bitmap.width, bitmap.height, pixels, stride)
        first = max(0, int(top - around * scale - 2 * pad))
        last = min(bitmap.height, int(bottom + around * scale + 2 * pad) + 1)
        return png(bitmap.width, last - first, pixels[first * stride : last * stride], stride)
    finally:
        pdf.close()


def cell_html(
    report: Report, key: str, result: CheckResult | None = None, *, lang: Lang = "en"
) -> str:
    """The report's tables in the official layout with the cell ``key`` framed.

    Args:
        report: The report.
        key: The cell's key.
        result: A check result whose findings to mark as well; by default none are.
        lang: The language of the captions and of the notes on hover.

    Raises:
        KeyError: The report has no cell ``key`` (as `Report.cell`).
    """
    report.cell(key)  # a key the report does not have is refused here, by name
    target = cell_id("cell", key)
    tables = "\n".join(tables_html(report, result or CheckResult(), lang, anchor="cell"))
    frame = (
        f'<style>.gkbg td[id="{html.escape(target, quote=True)}"] '
        "{ outline: 4px solid #d32f2f; outline-offset: -2px; background: #ffe0e0; }</style>"
    )
    heading = html.escape(f"{report.source or ''} · {key}")
    return f'{STYLE}{frame}<div class="gkbg"><p><b>{heading}</b></p>{tables}</div>'


@attrs.frozen(repr=False)
class CellView:
    """One cell to look at: the PDF page it was read on (PNG), and the tables (HTML).

    Attributes:
        key: The cell's key.
        html: The report's tables with the cell framed.
        image: The page with the cell, its row and its column framed (PNG), for a cell read
            from a PDF page.
    """

    key: str
    html: str
    image: bytes | None = None

    def __repr__(self) -> str:
        """``<CellView applications.received.total: page image 1190×1684>``."""
        if self.image is None:
            return f"<CellView {self.key}: table>"
        width, height = struct.unpack(">II", self.image[16:24])
        return f"<CellView {self.key}: page image {width}×{height}>"

    def _repr_png_(self) -> bytes | None:
        return self.image

    def _repr_html_(self) -> str | None:
        return None if self.image is not None else self.html


def _report_bytes(report: Report) -> bytes | None:
    """The bytes of the file the report was read from, when it is still there to be read."""
    named = report.source
    if not named:
        return None
    try:
        path = Path(named)
        return path.read_bytes() if path.is_file() else None
    except (OSError, ValueError):  # a name such as <bytes>, or a file gone unreadable
        return None


def show(
    report: Report,
    key: str,
    result: CheckResult | None = None,
    *,
    lang: Lang = "en",
    document: bytes | None = None,
) -> CellView:
    """The cell ``key`` framed in the report's tables and, when read from a PDF, on its page.

    Args:
        report: The report.
        key: The cell's key.
        result: A check result whose findings to mark in the tables as well.
        lang: The language of the tables' captions and notes.
        document: The document's bytes, for the page; by default the report's ``source``
            file is read again, when there is one.

    Raises:
        KeyError: The report has no cell ``key``.
    """
    cell = report.cell(key)
    drawn = cell_html(report, key, result, lang=lang)
    location = cell.location
    if report.format != "pdf" or location is None or location.bbox is None:
        return CellView(key, drawn)
    page = document if document is not None else _report_bytes(report)
    return CellView(key, drawn, None if page is None else cell_png(page, cell))


VIEWS.show_cell = show
