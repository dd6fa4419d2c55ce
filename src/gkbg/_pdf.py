# SPDX-License-Identifier: MIT
"""PDF files with a text layer, through pypdfium2 (the ``pdf`` extra).

Every page's text layer, as PDFium orders it, becomes the token stream the alignment reads
(words separated by white space, as with copied text); each token carries its page and its
bounding box. Page numbers printed between table rows (``- 3 -``, ``第 3 页``) are dropped so
they are never taken for cell values. A PDF without any text (a scan) is refused with a clear
error rather than read as an empty report.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import regex

from gkbg._compat import import_extra
from gkbg._errors import CorruptDocumentError, EncryptedDocumentError, ScannedDocumentError
from gkbg._layout import Layout, Token, TokenWriter, token_kind
from gkbg._limits import check_text, check_tokens, exceeded
from gkbg._model import Location

if TYPE_CHECKING:
    from gkbg._parsers import Input

__all__ = ["PdfParser"]

_LINE = regex.compile(r"[^\r\n]+")
_WORD = regex.compile(r"\S+")
_PAGE_NUMBER = regex.compile(
    r"[-—–－]\s{0,3}\d{1,4}\s{0,3}[-—–－]"
    r"|第\s{0,3}\d{1,4}\s{0,3}页(?:\s{0,3}[,，]?\s{0,3}共\s{0,3}\d{1,4}\s{0,3}页)?"
    r"|\d{1,4}\s{0,3}/\s{0,3}\d{1,4}"
)


# PDFium's FPDF_ERR_PASSWORD and FPDF_ERR_SECURITY.
_PASSWORD_ERRORS = frozenset({4, 6})


def _pdfium() -> Any:  # noqa: ANN401 - pypdfium2 is an optional, untyped-here dependency
    return import_extra("pypdfium2", extra="pdf", purpose="reading PDF files")


class PdfParser:
    """Reads the text layer of PDF files (needs ``pip install 'gkbg[pdf]'``)."""

    name = "pdf"
    description = "PDF with a text layer (needs the pdf extra: pip install 'gkbg[pdf]')"

    def sniff(self, document: Input) -> float:
        """Sure when the file starts with the PDF signature."""
        return 0.95 if b"%PDF-" in document.data[:1024] else 0.0

    def read(self, document: Input) -> Layout:
        """The words of every page, with page numbers and bounding boxes.

        Raises:
            MissingExtraError: pypdfium2 is not installed.
            EncryptedDocumentError: The PDF needs a password.
            CorruptDocumentError: It is damaged or truncated.
            ScannedDocumentError: It has no text layer.
            LimitExceededError: It has too many pages, characters or words.
        """
        pdfium = _pdfium()
        pdf = _open(pdfium, document)
        try:
            pages = [_page_words(pdf[index]) for index in range(len(pdf))]
        except pdfium.PdfiumError as exc:
            raise CorruptDocumentError(document.name, f"damaged PDF ({exc})") from None
        finally:
            pdf.close()
        check_tokens(sum(len(words) for _, words in pages), document.name, document.limits)
        text = "\n".join(page_text for page_text, _ in pages)
        if not text.strip():
            raise ScannedDocumentError(
                document.name,
                "scanned PDF, no text layer: gkbg reads the text of a PDF, so run OCR first",
            )
        writer = TokenWriter(text)
        offset = 0
        for number, (page_text, words) in enumerate(pages, start=1):
            for start, end, bbox in words:
                piece = page_text[start:end]
                where = writer.location(offset + start, offset + end)
                location = Location(
                    start=where.start,
                    end=where.end,
                    line=where.line,
                    column=where.column,
                    page=number,
                    bbox=bbox,
                )
                kind = token_kind(piece, cell=False)
                writer.tokens.append(Token(piece, kind, cell=False, location=location))
            offset += len(page_text) + 1
        return writer.layout(source=document.name, format=self.name)


def _open(pdfium: Any, document: Input) -> Any:  # noqa: ANN401 - pypdfium2 objects
    """The PDF opened by PDFium, its page count within the limits.

    Raises:
        EncryptedDocumentError: It needs a password (or uses a security handler PDFium lacks).
        CorruptDocumentError: It is damaged, truncated, or no PDF.
        LimitExceededError: It has more pages than ``max_pages``, or more characters of text
            than ``max_text_chars``.
    """
    name = document.name
    try:
        pdf = pdfium.PdfDocument(document.data)
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code in _PASSWORD_ERRORS or "password" in str(exc).lower():
            raise EncryptedDocumentError(
                name, "encrypted PDF: it needs a password; save an unprotected copy"
            ) from None
        raise CorruptDocumentError(name, f"damaged or not a PDF ({exc})") from None
    try:
        _check_size(pdf, document)
    except pdfium.PdfiumError as exc:
        pdf.close()
        raise CorruptDocumentError(name, f"damaged PDF ({exc})") from None
    except BaseException:
        pdf.close()
        raise
    return pdf


def _check_size(pdf: Any, document: Input) -> None:  # noqa: ANN401 - a pypdfium2 document
    """Refuse a PDF with more pages, or more characters of text, than the limits allow.

    The characters are counted by PDFium before any word is read, so that a small file whose
    compressed pages hold millions of characters costs no more than counting them.
    """
    name, limits = document.name, document.limits
    pages = len(pdf)
    if pages > limits.max_pages:
        raise exceeded(
            name,
            "max_pages",
            f"the PDF has {pages:,} pages (more than {limits.max_pages:,}): refused",
        )
    characters = 0
    for index in range(pages):
        page = pdf[index]
        textpage = page.get_textpage()
        try:
            characters += int(textpage.count_chars())
        finally:
            textpage.close()
            page.close()
        check_text(characters, name, limits)


Words = list[tuple[int, int, tuple[float, float, float, float] | None]]


def _page_words(page: Any) -> tuple[str, Words]:  # noqa: ANN401 - a pypdfium2 page
    """A page's text and its words as ``(start, end, bbox)``, page numbers left out."""
    textpage = page.get_textpage()
    try:
        text: str = textpage.get_text_range()
        height = float(page.get_height())
        boxes = len(text) == textpage.count_chars()
        words: Words = []
        for line in _LINE.finditer(text):
            if _PAGE_NUMBER.fullmatch(line[0].strip()):
                continue
            for word in _WORD.finditer(line[0]):
                start, end = line.start() + word.start(), line.start() + word.end()
                words.append((start, end, _bbox(textpage, start, end, height) if boxes else None))
        return text, words
    finally:
        textpage.close()
        page.close()


def _bbox(textpage: Any, start: int, end: int, height: float) -> tuple[float, float, float, float]:  # noqa: ANN401
    """The box around characters ``start:end``, from the page's top-left corner, in points."""
    lefts, tops, rights, bottoms = [], [], [], []
    for index in range(start, end):
        left, bottom, right, top = textpage.get_charbox(index)
        lefts.append(left)
        rights.append(right)
        tops.append(height - top)
        bottoms.append(height - bottom)
    return (
        round(min(lefts), 2),
        round(min(tops), 2),
        round(max(rights), 2),
        round(max(bottoms), 2),
    )
