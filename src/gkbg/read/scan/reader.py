# SPDX-License-Identifier: MIT
"""Page images (PNG, JPEG, TIFF) read by OCR, through the PDF reader's geometry.

A scanned report is sometimes published as the images of its pages rather than as a PDF. The
format is recognised by the file's first bytes (its signature), never by its name; a TIFF may
hold several pages. Each page goes through `gkbg.read.scan.ocr.read_image` at the resolution
the file states (``DEFAULT_DPI`` when it states none, or an implausible one), and the pages
together through `gkbg.read.pdf.reader.scanned_layout`, as the pages of a scanned PDF do.
"""

from __future__ import annotations

import functools
import io
from typing import TYPE_CHECKING, Any

from gkbg.core.compat import import_extra
from gkbg.core.errors import CorruptDocumentError, ScannedDocumentError
from gkbg.core.limits import check_tokens, exceeded
from gkbg.read.pdf.reader import scanned_layout
from gkbg.read.scan.ocr import PURPOSE, ScanPage, engine, read_image

if TYPE_CHECKING:
    from gkbg.read.base import Input
    from gkbg.read.layout import Layout

__all__ = ["DEFAULT_DPI", "ImageParser"]

DEFAULT_DPI = 200.0
"""The resolution an image that states none (or an implausible one) is read at."""

_SIGNATURES = (
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",  # JPEG
    b"II*\x00",  # TIFF, little-endian
    b"MM\x00*",  # TIFF, big-endian
)
# A stated resolution outside this range (dots per inch) is a placeholder, not a scan's.
_PLAUSIBLE_DPI = (50.0, 1200.0)
# An image is read at most this many pixels (width × height) a page; a bigger one is shrunk.
_MAX_PIXELS = 4000 * 4000


@functools.cache
def _image() -> Any:  # noqa: ANN401 - PIL.Image, installed with the ocr extra
    return import_extra("PIL.Image", extra="ocr", purpose=PURPOSE)


class ImageParser:
    """Reads page images (PNG, JPEG, TIFF) by OCR (the ``ocr`` extra)."""

    name = "image"
    description = "page images (PNG, JPEG, TIFF) read by OCR"
    extra = "ocr"
    isolated = True  # the image decoder and the OCR engine are native code

    def sniff(self, document: Input) -> float:
        """Sure when the file starts with the PNG, JPEG or TIFF signature."""
        return 0.95 if document.data.startswith(_SIGNATURES) else 0.0

    def read(self, document: Input) -> Layout:
        """The characters and tables of every page image, with page numbers and boxes.

        Raises:
            MissingExtraError: The ``ocr`` extra is not installed.
            CorruptDocumentError: The image is damaged or truncated.
            ScannedDocumentError: OCR read no text on it.
            LimitExceededError: It has too many pages, or too many words.
        """
        engine()  # first: without the extra, the error names it (and rapidocr, not Pillow)
        image = _image()
        name = document.name
        pages: list[ScanPage] = []
        stream = io.BytesIO(document.data)
        try:
            with image.open(stream) as picture:
                count = int(getattr(picture, "n_frames", 1))
                if count > document.limits.max_pages:
                    raise exceeded(
                        name,
                        "max_pages",
                        f"the image has {count:,} pages, more than "
                        f"{document.limits.max_pages:,}: refused as too large",
                    )
                for index in range(count):
                    picture.seek(index)
                    rgb, dpi = _page(picture)
                    pages.append(read_image(rgb, index + 1, dpi))
        except image.DecompressionBombError:
            raise CorruptDocumentError(
                name, "image too large to decode (a decompression bomb?)"
            ) from None
        except (OSError, SyntaxError, ValueError) as exc:
            cause = str(exc).replace(f" {stream!r}", "") or type(exc).__name__
            raise CorruptDocumentError(name, f"damaged image ({cause})") from None
        if not any(page.chars for page in pages):
            raise ScannedDocumentError(
                name, "page image: OCR read no text on it (check that it is not blank)"
            )
        layout = scanned_layout(pages, name, self.name)
        check_tokens(len(layout.tokens), name, document.limits)
        return layout


def _page(picture: Any) -> tuple[Any, float]:  # noqa: ANN401 - PIL image, numpy array
    """The current frame as a height × width × 3 array, and its resolution in dpi."""
    np = import_extra("numpy", extra="ocr", purpose=PURPOSE)
    stated = picture.info.get("dpi")
    dpi = DEFAULT_DPI
    if isinstance(stated, tuple) and stated:
        value = float(stated[0])
        if _PLAUSIBLE_DPI[0] <= value <= _PLAUSIBLE_DPI[1]:
            dpi = value
    width, height = picture.size
    frame = picture.convert("RGB")
    if width * height > _MAX_PIXELS:
        shrink = (_MAX_PIXELS / (width * height)) ** 0.5
        size = (max(1, int(width * shrink)), max(1, int(height * shrink)))
        frame = frame.resize(size, _image().Resampling.LANCZOS)
        dpi *= shrink
    return np.asarray(frame), dpi
