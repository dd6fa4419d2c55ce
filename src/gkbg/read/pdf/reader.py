# SPDX-License-Identifier: MIT
"""PDF files with a text layer, through pypdfium2 (a dependency of gkbg, imported when needed).

The page is rebuilt from its geometry, not from the order in which the producer wrote it:

* every printed character with its box (PDFium's text page; characters PDFium made up, such as
  the spaces and line breaks it guesses, are left out), and every straight horizontal or
  vertical stroke and thin filled bar of the page's drawings as a ruling line;
* ruling lines that touch make a table, rebuilt as a grid by `gkbg.read.pdf.geometry`: each cell,
  merged cells once, becomes one cell token with its page, its box and its table, row and
  column in the grid, in row-major order, as the HTML and DOCX parsers emit theirs. A table
  that ends a page and goes on at the top of the next with the same columns is one table (its
  repeated heading rows read once, a row the break cut in two joined);
* the other characters are lines of narrative, read top to bottom and left to right, one text
  token per word (characters stacked one per line make one word); lines that are only a page
  number (``- 3 -``, ``第 3 页``) and running headers and footers are dropped;
* a table drawn without lines has its columns rebuilt from where its values stand
  (`gkbg.read.pdf.geometry.loose_rows`, when they are self-consistent): each row is its label
  words, then one cell token per column, empty where the row prints nothing.

A page whose text is all turned by the same quarter turn (a landscape page drawn on its side)
is turned back first. When a page has text turned otherwise (by different angles, or not by a
quarter turn) or a character without a usable box, its geometry cannot be trusted, and the
whole document is read instead as the words of PDFium's text order.

`Layout.text` is the narrative's lines and, for each table row, its cells joined by `` | ``.
A PDF without any text (a scan) is read by OCR (the ``ocr`` extra, `gkbg.read.scan`): its
pages rendered to images, whose characters and ruling lines go through the same geometry;
without the extra it is refused with an error that names it.
"""

from __future__ import annotations

import ctypes
import functools
import math
from typing import TYPE_CHECKING, Any

import attrs
import regex

from gkbg.core.compat import import_dependency, import_extra, install_hint
from gkbg.core.errors import (
    CorruptDocumentError,
    EncryptedDocumentError,
    MissingExtraError,
    NoTablesError,
    ScannedDocumentError,
)
from gkbg.core.limits import check_text, check_time, check_tokens, exceeded
from gkbg.core.model import Location
from gkbg.core.text import looks_like_value
from gkbg.read.layout import Layout, Token, TokenKind, TokenWriter, token_kind
from gkbg.read.pdf.geometry import (
    Char,
    Grid,
    Line,
    LooseRow,
    Rule,
    continued_columns,
    drop_repeated_header,
    find_grids,
    group_lines,
    join_split_row,
    loose_rows,
    regrid,
    stack_columns,
)
from gkbg.read.pdf.prescan import check_pages
from gkbg.read.scan.ocr import PURPOSE, ScanPage, doubts, engine, read_image

if TYPE_CHECKING:
    from collections.abc import Sequence

    from gkbg.core.reasons import Doubt
    from gkbg.read.base import Input

__all__ = ["DPI", "PdfParser", "scanned_layout"]

_PAGE_NUMBER = regex.compile(
    r"[-—–－]\s{0,3}\d{1,4}\s{0,3}[-—–－]"
    r"|第\s{0,3}\d{1,4}\s{0,3}页(?:\s{0,3}[,，]?\s{0,3}共\s{0,3}\d{1,4}\s{0,3}页)?"
    r"|\d{1,4}\s{0,3}/\s{0,3}\d{1,4}"
)
# A filled shape thinner than this is drawn as a ruling line (Word exports borders so).
_BAR = 2.5
# Columns of a table's two parts on consecutive pages line up within this many points.
_ALIGNED = 3.0
_MAX_DEPTH = 8
# The clock is looked at once every so many characters or path segments (`check_time`).
_CLOCK_EVERY = 1024
# Quarter turns of a page's text.
_HALF = 2
_THREE_QUARTERS = 3
# A character turned by more than this (radians) from a quarter turn is turned at random.
_UPRIGHT = 0.02
# No character of a report is set larger than this (in points): a bigger font box is wrong.
_MAX_LINE = 36.0


# PDFium's FPDF_ERR_PASSWORD and FPDF_ERR_SECURITY.
_PASSWORD_ERRORS = frozenset({4, 6})


def _pdfium() -> Any:  # noqa: ANN401 - pypdfium2 is imported when needed, untyped here
    return import_dependency("pypdfium2", purpose="reading PDF files")


@functools.cache
def _unchecked(name: str) -> Any:  # noqa: ANN401 - a ctypes function
    """PDFium's function ``name``, called without ctypes' conversion of each argument.

    pypdfium2 declares every argument's type, and ctypes then checks and converts each one on
    every call: that doubles the cost of the calls made for every character and every path
    segment. When the function takes only pointers, ``int`` and ``unsigned long`` values, its
    undeclared twin is as safe, given what it is called with: a Python ``int`` for each
    ``int``, a `ctypes.c_ulong` for each ``unsigned long``, and for each pointer a
    `ctypes.c_void_p` (`_handle`) or a `ctypes.byref` of a buffer of the declared type. A
    pointer it returns comes back as an `_Address`, which is passed on as it is. A function
    that takes anything else is returned as declared.
    """
    declared = getattr(_pdfium().raw, name)
    if not all(
        argument in {ctypes.c_int, ctypes.c_ulong} or issubclass(argument, ctypes._Pointer)  # noqa: SLF001
        for argument in declared.argtypes
    ):
        return declared
    unchecked = type(declared)(ctypes.cast(declared, ctypes.c_void_p).value)
    result = declared.restype
    is_pointer = result is not None and issubclass(result, ctypes._Pointer)  # noqa: SLF001
    unchecked.restype = _Address if is_pointer else result
    return unchecked


class _Address(ctypes.c_void_p):
    """A pointer PDFium returned, as an argument of the next call without a conversion.

    ctypes gives the result of a function declared to return `ctypes.c_void_p` as a Python
    ``int``, which has to be wrapped again to be passed on (a bare ``int`` is passed as a C
    ``int``, cut to 32 bits); a subclass's result is given as the object itself.
    """


def _handle(pointer: Any) -> ctypes.c_void_p:  # noqa: ANN401 - a ctypes pointer or address
    """A PDFium handle (a ctypes pointer, an address, or an `_Address`) to pass on."""
    if isinstance(pointer, ctypes.c_void_p):
        return pointer
    if isinstance(pointer, int):
        return ctypes.c_void_p(pointer)
    return ctypes.cast(pointer, ctypes.c_void_p)


@attrs.frozen
class _Page:
    """What one page holds, in reading order: narrative lines and tables."""

    number: int
    items: tuple[Line | LooseRow | Grid, ...]


class PdfParser:
    """Reads the text layer of PDF files (pypdfium2, installed with gkbg)."""

    name = "pdf"
    description = "PDF: its text layer, or its page images by OCR (gkbg[ocr])"
    isolated = True  # PDFium is native code: with Limits.isolate it reads in a worker

    def sniff(self, document: Input) -> float:
        """Sure when the file starts with the PDF signature."""
        return 0.95 if b"%PDF-" in document.data[:1024] else 0.0

    def read(self, document: Input) -> Layout:
        """Narrative words and table cells of every page, with page numbers and boxes.

        Raises:
            MissingExtraError: pypdfium2 is not installed.
            EncryptedDocumentError: The PDF needs a password.
            CorruptDocumentError: It is damaged or truncated.
            ScannedDocumentError: It has no text layer, and the ``ocr`` extra is not installed
                (or OCR read nothing on its pages).
            NoTablesError: Every page prints only the same lines (read as running headers).
            LimitExceededError: It has too many pages, characters or words, a page draws too
                many times (counted before PDFium loads it, `gkbg.read.pdf.prescan`), or a
                page's content inflates to more than ``max_member_bytes``.
        """
        pdfium = _pdfium()
        pdf = _open(pdfium, document)
        try:
            check_pages(document, len(pdf))  # before PDFium loads a page
            pages = _read_pages(pdf, document)
        except pdfium.PdfiumError as exc:
            raise CorruptDocumentError(document.name, f"damaged PDF ({exc})") from None
        finally:
            pdf.close()
        if any(_has_text(item) for page in pages for item in page.items):
            layout = _write(pages, document.name, self.name)
        else:
            layout = _scanned(pdfium, document, self.name)
        check_tokens(len(layout.tokens), document.name, document.limits)
        return layout


def _open(pdfium: Any, document: Input) -> Any:  # noqa: ANN401 - pypdfium2 objects
    """The PDF opened by PDFium, its page count within the limits.

    Raises:
        EncryptedDocumentError: It needs a password (or uses a security handler PDFium lacks).
        CorruptDocumentError: It is damaged, truncated, or no PDF.
        LimitExceededError: It has more pages than ``max_pages``.
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
    pages = len(pdf)
    if pages > document.limits.max_pages:
        pdf.close()
        raise exceeded(
            name,
            "max_pages",
            f"the PDF has {pages:,} pages (more than {document.limits.max_pages:,}): refused",
        )
    return pdf


@attrs.define
class _Counter:
    """The characters of each page, and of the pages so far, against the limits.

    The pages together may hold ``max_text_chars`` characters (the limit named when both
    are passed), a page ``max_page_chars``.

    Each page is counted when PDFium has made its text page, before any of its characters is
    read, so that a small file whose compressed pages hold millions of characters costs no
    more than counting them.
    """

    document: Input
    characters: int = 0

    def load(self, pdf: Any, index: int) -> tuple[Any, Any]:  # noqa: ANN401 - pypdfium2
        """Page ``index`` and its text page, once the characters so far are within the limit.

        Raises:
            LimitExceededError: The pages so far hold more than ``max_text_chars`` characters,
                or this page more than ``max_page_chars``.
        """
        page = pdf[index]
        try:
            textpage = page.get_textpage()
        except BaseException:
            page.close()
            raise
        try:
            characters = int(textpage.count_chars())
            self.characters += characters
            check_text(self.characters, self.document.name, self.document.limits)
            _check_page_chars(characters, index + 1, self.document)
        except BaseException:
            textpage.close()
            page.close()
            raise
        return page, textpage


def _check_page_chars(characters: int, number: int, document: Input) -> None:
    """Refuse page ``number`` when it holds more than ``max_page_chars`` characters.

    Raises:
        LimitExceededError: It does.
    """
    limit = document.limits.max_page_chars
    if characters > limit:
        raise exceeded(
            document.name,
            "max_page_chars",
            f"page {number} of the PDF has {characters:,} characters, more than {limit:,}: refused",
        )


def _has_text(item: Line | LooseRow | Grid) -> bool:
    return not isinstance(item, Grid) or any(cell.text for cell in item.cells)


# --------------------------------------------------------------------------------------------
# One page: characters and ruling lines out of PDFium.


def _read_page(
    loaded: tuple[Any, Any],
    number: int,
    *,
    geometry: bool,
    document: Input,
) -> _Page | None:
    """One page's lines and tables; None when its geometry cannot be trusted (see `_chars`).

    ``loaded`` is the page and its text page (`_Counter.load`), both closed here. Without
    ``geometry`` the page is read in PDFium's text order, as lines of words.

    Raises:
        LimitExceededError: Read by its geometry, the page draws more than ``max_page_draws``
            times (`_count_draws`).
    """
    page, textpage = loaded
    try:
        try:
            width, height = _unrotated_size(page)
            if not geometry:
                return _Page(number, tuple(_text_order_lines(textpage, height)))
            found = _chars(textpage, width, height)
            if found is None:
                return None
            chars, frame = found
        finally:
            textpage.close()
        _count_draws(page, number, document)
        check_time()
        rules = _rules(page, frame)
    finally:
        page.close()
    return _geometry_page(chars, rules, number)


def _geometry_page(chars: list[Char], rules: list[Rule], number: int) -> _Page:
    """One page's lines and tables, from its upright characters and ruling lines."""
    grids = [grid for grid in find_grids(rules, chars) if not _under_ruled(grid)]
    loose = _outside(chars, grids)
    lines = [line for line in group_lines(loose) if not _PAGE_NUMBER.fullmatch(line.text.strip())]
    items: list[Line | LooseRow | Grid] = [*loose_rows(stack_columns(lines), looks_like_value)]
    items.extend(grids)
    items.sort(key=lambda item: item.ys[0] if isinstance(item, Grid) else item.top)
    return _Page(number, tuple(items))


def _outside(chars: list[Char], grids: list[Grid]) -> list[Char]:
    """The characters no table holds (`Grid.holds`), in their order.

    Those outside the first table, of them those outside the second, and so on: one test of
    each character against each table, without a loop over the tables for each character.
    """
    loose = chars
    for grid in grids:
        x0, x1, top, bottom = grid.xs[0], grid.xs[-1], grid.ys[0], grid.ys[-1]
        loose = [c for c in loose if not (x0 <= c.cx <= x1 and top <= c.cy <= bottom)]
    return loose


def _unrotated_size(page: Any) -> tuple[float, float]:  # noqa: ANN401 - a pypdfium2 page
    """The page's width and height as its content is drawn, before its /Rotate turns it.

    PDFium gives characters and drawings in the page's own coordinates; a page turned by
    /Rotate (a landscape page) only displays them turned.
    """
    width, height = float(page.get_width()), float(page.get_height())
    return (height, width) if page.get_rotation() % 180 else (width, height)


@attrs.frozen
class _Frame:
    """The page turned so that its text stands upright, coordinates from its top-left corner.

    Attributes:
        quarter: How many quarter turns clockwise the page's text is turned by (PDFium's
            character angle).
        width: The page's width in its own coordinates.
        height: Its height.
    """

    quarter: int
    width: float
    height: float

    def point(self, x: float, y: float) -> tuple[float, float]:
        """A point of the page (``y`` up) in the upright frame (``y`` down)."""
        if self.quarter == 1:
            return self.height - y, self.width - x
        if self.quarter == _HALF:
            return self.width - x, y
        if self.quarter == _THREE_QUARTERS:
            return y, x
        return x, self.height - y

    def box(self, box: Box) -> Box:
        """A box of the page (left, bottom, right, top) as (x0, top, x1, bottom) upright."""
        (ax, ay), (bx, by) = self.point(box[0], box[1]), self.point(box[2], box[3])
        return min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)


def _under_ruled(grid: Grid) -> bool:
    """Whether a table's lines miss some of its columns: a cell holds two numbers or more.

    Such a table (rows ruled, columns not) is read as lines of words instead, as a table drawn
    without lines is, rather than as cells that each hold a whole row.
    """
    return any(
        len(words := cell.text.split()) >= 2 and sum(map(looks_like_value, words)) >= 2
        for cell in grid.cells
    )


def _read_pages(pdf: Any, document: Input) -> list[_Page]:  # noqa: ANN401 - pypdfium2
    """Every page, rebuilt from its geometry or, failing that, in PDFium's text order.

    When the geometry of one page cannot be trusted, every page is read in text order: one
    reading for the whole document, so that a table is never read half as cells, half as words.

    Raises:
        LimitExceededError: The pages hold more than ``max_text_chars`` characters.
    """
    pages: list[_Page] = []
    counter = _Counter(document)
    for index in range(len(pdf)):
        check_time()
        page = _read_page(counter.load(pdf, index), index + 1, geometry=True, document=document)
        if page is None:
            break
        pages.append(page)
    else:
        return _without_running_lines(pages)
    pages = []
    counter = _Counter(document)
    for index in range(len(pdf)):
        check_time()
        page = _read_page(counter.load(pdf, index), index + 1, geometry=False, document=document)
        assert page is not None  # noqa: S101 - a text-order reading always gives a page
        pages.append(page)
    return pages


def _without_running_lines(pages: list[_Page]) -> list[_Page]:
    """The pages without their running headers and footers.

    A running line is the first or last thing on at least two pages, with the same text at
    the same height; dropped, it no longer stands between the two parts of a table that runs
    over a page break.
    """
    seen: dict[str, list[float]] = {}
    for page in pages:
        for line in {id(i): i for i in (page.items[:1] + page.items[-1:])}.values():
            if isinstance(line, Line):
                seen.setdefault(line.text.replace(" ", ""), []).append(line.top)
    running = {
        text for text, tops in seen.items() if len(tops) >= 2 and max(tops) - min(tops) <= _ALIGNED
    }
    if not running:
        return pages
    trimmed = []
    for page in pages:
        items = list(page.items)
        for end in (0, -1):
            edge = items[end] if items else None
            if isinstance(edge, Line) and edge.text.replace(" ", "") in running:
                del items[end]
        trimmed.append(_Page(page.number, tuple(items)))
    return trimmed


def _chars(
    textpage: Any,  # noqa: ANN401 - a pypdfium2 text page
    width: float,
    height: float,
    *,
    bulk: bool = True,
) -> tuple[list[Char], _Frame] | None:
    """The page's printed characters, each with its box (see `_char_box`), upright.

    With ``bulk``, the characters' codes are read with the page's text in one call
    (`_page_codes`) rather than one call per character; the result is the same.

    A page whose text is all turned by the same quarter turn (a landscape page drawn turned)
    is read turned back. None when some printed character has no usable box, or the text is
    turned by different angles or by no quarter turn: then the page's geometry cannot be
    trusted, and the page is read in PDFium's text order instead.
    """
    handle = _handle(textpage.raw)
    generated, unicode, angle = (
        _unchecked("FPDFText_IsGenerated"),
        _unchecked("FPDFText_GetUnicode"),
        _unchecked("FPDFText_GetCharAngle"),
    )
    count = textpage.count_chars()
    codes = _page_codes(handle, count) if bulk else None
    char_box, loose_box = _unchecked("FPDFText_GetCharBox"), _unchecked("FPDFText_GetLooseCharBox")
    # The boxes are read into buffers made once.
    left, right, bottom, top = (
        ctypes.c_double(),
        ctypes.c_double(),
        ctypes.c_double(),
        ctypes.c_double(),
    )
    rect = _pdfium().raw.FS_RECTF()
    refs = ctypes.byref(left), ctypes.byref(right), ctypes.byref(bottom), ctypes.byref(top)
    rect_ref = ctypes.byref(rect)
    found: list[tuple[str, Box]] = []
    quarters: dict[float, int | None] = {}  # each angle's quarter turns (`_quarter`)
    turned: int | None = None  # the quarter turns of the page's printed characters
    for index in range(count):
        if not index % _CLOCK_EVERY:
            check_time()
        if codes is None:
            if generated(handle, index):
                continue
            code = unicode(handle, index)
        else:
            code = codes[index]
            if code == _NOT_IN_TEXT:
                code = unicode(handle, index)
        if code in _UNPRINTED or 0xD800 <= code <= 0xDFFF:
            continue
        text = chr(code)
        # PDFium generates only spaces and line breaks (`_page_codes`).
        if codes is not None and text.isspace() and generated(handle, index):
            continue
        box: Box | None = None
        if char_box(handle, index, *refs) and loose_box(handle, index, rect_ref):
            # `_char_box`, written out.
            x0, y0, x1, y1 = left.value, bottom.value, right.value, top.value
            if not (x1 < x0 or y1 < y0):
                limit = max(3 * max(x1 - x0, y1 - y0) + 4, _MAX_LINE)
                lx0, ly0, lx1, ly1 = rect.left, rect.bottom, rect.right, rect.top
                sane = (
                    lx0 <= x0 + 0.5
                    and lx1 >= x1 - 0.5
                    and ly0 <= y0 + 0.5
                    and ly1 >= y1 - 0.5
                    and lx1 - lx0 <= limit
                    and ly1 - ly0 <= limit
                )
                box = (lx0, ly0, lx1, ly1) if sane else (x0, y0, x1, y1)
        if not text.isspace():
            turn = angle(handle, index)
            if turn not in quarters:
                quarters[turn] = _quarter(turn)
            quarter = quarters[turn]
            if box is None or quarter is None or (turned is not None and quarter != turned):
                return None
            turned = quarter
        if box is not None:
            found.append((text, box))
    frame = _Frame(turned or 0, width, height)
    if frame.quarter:
        upright = frame.box
        return [Char(text, *upright(box)) for text, box in found], frame
    # `_Frame.box` of an upright page, written out.
    return [
        Char(
            text,
            min(x0, x1),
            min(height - y0, height - y1),
            max(x0, x1),
            max(height - y0, height - y1),
        )
        for text, (x0, y0, x1, y1) in found
    ], frame


# Character codes that are no printed character, and the line breaks PDFium reports.
_UNPRINTED = frozenset({0, 0xFFFE, 0xFFFF, ord("\r"), ord("\n")})
# What PDFium's text of a page holds for a character whose code it does not give there.
_NOT_IN_TEXT = 0xFFFE


def _page_codes(handle: ctypes.c_void_p, count: int) -> list[int] | None:
    """Each character's code, from the page's text read in one call; None when it cannot be.

    PDFium keeps a page's text beside its list of characters: one entry for each character in
    order, but none for a control character (its text then has fewer entries than there are
    characters, and None is returned: the codes are read one by one), and U+FFFE for a
    character whose code is 0 or a hyphen that ends a line, whose code `_chars` reads on its
    own (`_NOT_IN_TEXT`). A character beyond the Basic Multilingual Plane takes two UTF-16
    units in the text and is one character again once decoded; a text that does not decode to
    one code per character is not used. The characters PDFium generates (`IsGenerated`) are
    spaces and line breaks; `_chars` asks whether a white-space character is one.
    """
    if count <= 0:
        return None
    # Two UTF-16 units per character at most, and the terminating NUL.
    buffer = (ctypes.c_ushort * (2 * count + 1))()
    written = int(_unchecked("FPDFText_GetText")(handle, 0, count, ctypes.byref(buffer)))
    if written <= 1 or written > len(buffer):
        return None
    text = ctypes.string_at(buffer, 2 * (written - 1)).decode("utf-16-le", "surrogatepass")
    if len(text) != count:
        return None
    return list(map(ord, text))


def _quarter(angle: float) -> int | None:
    """How many quarter turns a character's angle (radians, -1 when unknown) is; None if odd."""
    if angle < 0:
        return 0
    turns = angle / (math.pi / 2)
    nearest = round(turns)
    if abs(turns - nearest) * math.pi / 2 > _UPRIGHT:
        return None
    return nearest % 4


_LINE = regex.compile(r"[^\r\n]+")
_WORD = regex.compile(r"\S+")


def _text_order_lines(textpage: Any, height: float) -> list[Line]:  # noqa: ANN401
    """The page's lines and words in PDFium's order, page numbers left out (no tables)."""
    text: str = textpage.get_text_range()
    boxes = len(text) == textpage.count_chars()
    lines: list[Line] = []
    for line in _LINE.finditer(text):
        if _PAGE_NUMBER.fullmatch(line[0].strip()):
            continue
        words = []
        for word in _WORD.finditer(line[0]):
            start, end = line.start() + word.start(), line.start() + word.end()
            box = _span_box(textpage, start, end, height) if boxes else None
            words.append((word[0], box))
        if words:
            lines.append(Line((), tuple(words)))
    return lines


def _span_box(textpage: Any, start: int, end: int, height: float) -> Box | None:  # noqa: ANN401
    """The box around characters ``start:end``, from the page's top-left corner."""
    found = []
    for index in range(start, end):
        try:
            found.append(textpage.get_charbox(index))
        except _pdfium().PdfiumError:  # noqa: PERF203 - a rare, damaged character
            return None
    return (
        min(b[0] for b in found),
        height - max(b[3] for b in found),
        max(b[2] for b in found),
        height - min(b[1] for b in found),
    )


Box = tuple[float, float, float, float]


def _char_box(tight: Box, loose: Box) -> Box | None:
    """A character's box: the font's box, else the glyph's own.

    The font's box (the character's advance and the line's height) lines a line's characters
    up and does not cut words at narrow punctuation; but PDFium gives some rotated or scaled
    glyphs an implausibly large one, and then the glyph's own box is taken.
    """
    left, bottom, right, top = tight
    if right < left or top < bottom:
        return None
    limit = max(3 * max(right - left, top - bottom) + 4, _MAX_LINE)
    l_left, l_bottom, l_right, l_top = loose
    sane = (
        l_left <= left + 0.5
        and l_right >= right - 0.5
        and l_bottom <= bottom + 0.5
        and l_top >= top - 0.5
        and l_right - l_left <= limit
        and l_top - l_bottom <= limit
    )
    return loose if sane else tight


def _rules(page: Any, frame: _Frame) -> list[Rule]:  # noqa: ANN401 - a pypdfium2 page
    """Straight horizontal and vertical lines of the page's drawings, forms included."""
    calls = _path_calls()
    rules: list[Rule] = []
    identity = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    handle = _handle(page.raw)
    count = calls.count_objects(handle)
    objects = [calls.get_object(handle, i) for i in range(count)]
    _walk(calls, objects, identity, frame, rules, 0)
    return rules


def _count_draws(page: Any, number: int, document: Input) -> None:  # noqa: ANN401 - pypdfium2
    """Refuse a page that draws too much (``max_page_draws``, ``max_page_segments``), unread.

    The page's objects and those of every form it draws (as `_walk` reaches them: a form
    drawn a thousand times counts its objects a thousand times) are counted, form by form,
    until the count passes the limit; nothing but the forms' handles is kept.

    Raises:
        LimitExceededError: The page draws more than ``max_page_draws`` times, or paths of
            more than ``max_page_segments`` segments (counted up to ``_MAX_DEPTH`` forms
            deep, as `_walk` reads them).
    """
    calls = _path_calls()
    limit = document.limits.max_page_draws
    most_segments = document.limits.max_page_segments
    handle = _handle(page.raw)
    count = calls.count_objects(handle)
    total = count
    segments = 0
    object_type, form, path = calls.object_type, calls.form, calls.path
    # Each entry: a page or form handle, how to read its objects, their count, and its depth.
    pending = [(handle, calls.get_object, count, 0)]
    while pending and total <= limit and segments <= most_segments:
        parent, get, count, depth = pending.pop()
        if depth >= _MAX_DEPTH:
            continue
        for index in range(count):
            child = get(parent, ctypes.c_ulong(index) if depth else index)
            kind = object_type(child)
            if kind == path:
                segments += calls.count_segments(child)
                if segments > most_segments:
                    break
            elif kind == form:
                inner = calls.count_form_objects(child)
                total += inner
                if total > limit:
                    break
                pending.append((child, calls.get_form_object, inner, depth + 1))
    if segments > most_segments:
        raise exceeded(
            document.name,
            "max_page_segments",
            f"page {number} of the PDF draws paths of more than {most_segments:,} segments: "
            "refused",
        )
    if total > limit:
        raise exceeded(
            document.name,
            "max_page_draws",
            f"page {number} of the PDF draws more than {limit:,} times (its paths, text and "
            "images, and those of the forms it draws): refused",
        )


@attrs.frozen
class _PathCalls:
    """PDFium's functions that read a page's drawings (`_unchecked`), and its constants."""

    count_objects: Any
    get_object: Any
    object_type: Any
    count_form_objects: Any
    get_form_object: Any
    get_matrix: Any
    draw_mode: Any
    count_segments: Any
    get_segment: Any
    segment_point: Any
    segment_type: Any
    segment_close: Any
    matrix_type: Any
    form: int
    path: int
    move_to: int
    line_to: int


@functools.cache
def _path_calls() -> _PathCalls:
    raw = _pdfium().raw
    return _PathCalls(
        count_objects=_unchecked("FPDFPage_CountObjects"),
        get_object=_unchecked("FPDFPage_GetObject"),
        object_type=_unchecked("FPDFPageObj_GetType"),
        count_form_objects=_unchecked("FPDFFormObj_CountObjects"),
        get_form_object=_unchecked("FPDFFormObj_GetObject"),
        get_matrix=_unchecked("FPDFPageObj_GetMatrix"),
        draw_mode=_unchecked("FPDFPath_GetDrawMode"),
        count_segments=_unchecked("FPDFPath_CountSegments"),
        get_segment=_unchecked("FPDFPath_GetPathSegment"),
        segment_point=_unchecked("FPDFPathSegment_GetPoint"),
        segment_type=_unchecked("FPDFPathSegment_GetType"),
        segment_close=_unchecked("FPDFPathSegment_GetClose"),
        matrix_type=raw.FS_MATRIX,
        form=raw.FPDF_PAGEOBJ_FORM,
        path=raw.FPDF_PAGEOBJ_PATH,
        move_to=raw.FPDF_SEGMENT_MOVETO,
        line_to=raw.FPDF_SEGMENT_LINETO,
    )


Matrix = tuple[float, float, float, float, float, float]


def _multiply(inner: Matrix, outer: Matrix) -> Matrix:
    a, b, c, d, e, f = inner
    p, q, r, s, t, u = outer
    return (
        a * p + b * r,
        a * q + b * s,
        c * p + d * r,
        c * q + d * s,
        e * p + f * r + t,
        e * q + f * s + u,
    )


def _matrix(calls: _PathCalls, handle: ctypes.c_void_p) -> Matrix:
    matrix = calls.matrix_type()
    if not calls.get_matrix(handle, ctypes.byref(matrix)):
        return (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    return (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f)


def _walk(  # noqa: PLR0917 - a recursive helper
    calls: _PathCalls,
    objects: list[ctypes.c_void_p],
    outer: Matrix,
    frame: _Frame,
    rules: list[Rule],
    depth: int,
) -> None:
    object_type, form, path = calls.object_type, calls.form, calls.path
    for handle in objects:  # `_Address` values, passed on as they are
        kind = object_type(handle)
        if kind == path:
            _path_rules(calls, handle, _multiply(_matrix(calls, handle), outer), frame, rules)
        elif kind == form and depth < _MAX_DEPTH:
            check_time()
            matrix = _multiply(_matrix(calls, handle), outer)
            count = calls.count_form_objects(handle)
            inner = [calls.get_form_object(handle, ctypes.c_ulong(i)) for i in range(count)]
            _walk(calls, inner, matrix, frame, rules, depth + 1)


def _path_rules(
    calls: _PathCalls,
    handle: ctypes.c_void_p,
    matrix: Matrix,
    frame: _Frame,
    rules: list[Rule],
) -> None:
    """The ruling lines of one path: its straight axis-parallel strokes, or itself as a bar."""
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    if not calls.draw_mode(handle, ctypes.byref(fill), ctypes.byref(stroke)):
        return
    stroked = bool(stroke.value)
    if not (stroked or fill.value):
        return  # neither stroked nor filled: nothing drawn, no line
    points: list[tuple[float, float, int, bool]] = []
    x, y = ctypes.c_float(), ctypes.c_float()
    x_ref, y_ref = ctypes.byref(x), ctypes.byref(y)
    a, b, c, d, e, f = matrix
    point = frame.point
    get_segment, segment_point = calls.get_segment, calls.segment_point
    segment_type, segment_close = calls.segment_type, calls.segment_close
    for index in range(calls.count_segments(handle)):
        if not index % _CLOCK_EVERY:
            check_time()
        segment = get_segment(handle, index)
        if not segment_point(segment, x_ref, y_ref):
            return
        px, py = point(a * x.value + c * y.value + e, b * x.value + d * y.value + f)
        # A filled path's bar is its points' extent: the kinds of its segments are not read.
        if stroked:
            points.append((px, py, segment_type(segment), bool(segment_close(segment))))
        else:
            points.append((px, py, 0, False))
    if not points:
        return
    if stroked:
        _stroke_rules(calls, points, rules)
    else:
        xs = [p[0] for p in points]
        ys = [p[1] for p in points]
        width, tall = max(xs) - min(xs), max(ys) - min(ys)
        if tall <= _BAR < width:
            rules.append(Rule.across((min(ys) + max(ys)) / 2, min(xs), max(xs)))
        elif width <= _BAR < tall:
            rules.append(Rule.down((min(xs) + max(xs)) / 2, min(ys), max(ys)))


def _stroke_rules(
    calls: _PathCalls,
    points: list[tuple[float, float, int, bool]],
    rules: list[Rule],
) -> None:
    start: tuple[float, float] | None = None
    previous: tuple[float, float] | None = None
    for px, py, kind, close in points:
        if kind == calls.move_to or previous is None:
            start = previous = (px, py)
            continue
        if kind == calls.line_to:
            _segment_rule(previous, (px, py), rules)
        previous = (px, py)
        if close and start is not None:
            _segment_rule(previous, start, rules)
            previous = start


def _segment_rule(p: tuple[float, float], q: tuple[float, float], rules: list[Rule]) -> None:
    (x0, y0), (x1, y1) = p, q
    if abs(y1 - y0) <= 0.5 < abs(x1 - x0):
        rules.append(Rule.across((y0 + y1) / 2, min(x0, x1), max(x0, x1)))
    elif abs(x1 - x0) <= 0.5 < abs(y1 - y0):
        rules.append(Rule.down((x0 + x1) / 2, min(y0, y1), max(y0, y1)))


# --------------------------------------------------------------------------------------------
# The pages as tokens.


@attrs.frozen
class _Piece:
    """A token to be: its text, whether it is a cell, where it is, and any doubt about it."""

    text: str
    cell: bool
    location: Location
    uncertain: tuple[Doubt, ...] = ()
    label: bool = False  # a row label: text, even when it looks like a number


@attrs.define
class _Writer:
    """Lays the pieces out as lines of `Layout.text`, remembering where each one went."""

    lines: list[str] = attrs.field(factory=list)
    placed: list[tuple[int, int, _Piece]] = attrs.field(factory=list)  # (line, start, piece)

    def line(self, pieces: list[_Piece], separator: str) -> None:
        text = ""
        for piece in pieces:
            if text:
                text += separator
            self.placed.append((len(self.lines), len(text), piece))
            text += piece.text
        self.lines.append(text)

    def layout(self, source: str, format_name: str) -> Layout:
        text = "\n".join(self.lines)
        writer = TokenWriter(text)
        starts = [0]
        for line in self.lines:
            starts.append(starts[-1] + len(line) + 1)
        for line_index, column, piece in self.placed:
            start = starts[line_index] + column
            where, at = writer.location(start, start + len(piece.text)), piece.location
            location = Location(  # ``at`` with the place in the text set (attrs.evolve, faster)
                where.start,
                where.end,
                where.line,
                where.column,
                at.page,
                at.bbox,
                at.table_index,
                at.row_index,
                at.col_index,
            )
            kind = TokenKind.TEXT if piece.label else token_kind(piece.text, cell=piece.cell)
            token = Token(piece.text, kind, piece.cell, location, piece.uncertain)
            writer.tokens.append(token)
        return writer.layout(source=source, format=format_name)


def _write(pages: list[_Page], source: str, format_name: str) -> Layout:
    writer = _Writer()
    for page, item, table, row_offset in _join_pages(pages):
        if isinstance(item, Line):
            words = [
                _Piece(w, cell=False, location=Location(page=page, bbox=_round(b)))
                for w, b in item.words
            ]
            writer.line(words, " ")
        elif isinstance(item, LooseRow):
            _write_loose_row(writer, item, page)
        else:
            _write_grid(writer, item, page, table, row_offset)
    return writer.layout(source, format_name)


def _write_loose_row(writer: _Writer, row: LooseRow, page: int) -> None:
    """A row of a table without lines: its labels as text, then one cell per column."""
    pieces = [
        _Piece(text, cell=False, location=Location(page=page, bbox=_round(box)), label=True)
        for text, box in row.labels
    ]
    pieces += [
        _Piece(text, cell=True, location=Location(page=page, bbox=_round(box)))
        for text, box in row.cells
    ]
    writer.line(pieces, " | ")


def _join_pages(pages: list[_Page]) -> list[tuple[int, Line | LooseRow | Grid, int, int]]:
    """Every item with its page, and each table with its index and first row in the table.

    A table that ends a page and one that opens the next with the same columns are one table:
    the heading rows the second part repeats are dropped, and a row the page break cut in two
    is joined (`join_split_row`).
    """
    items: list[tuple[int, Line | LooseRow | Grid, int, int]] = []
    table_index = -1
    ends_page: int | None = None  # the index in ``items`` of a table that ended a page
    first_part: dict[int, int] = {}  # the index in ``items`` of each table's first part
    for page in pages:
        for position, item in enumerate(page.items):
            if not isinstance(item, Grid):
                items.append((page.number, item, -1, 0))
                continue
            grid, columns = item, None
            previous = items[ends_page] if ends_page is not None and position == 0 else None
            if previous is not None and isinstance(previous[1], Grid):
                columns = continued_columns(previous[1], grid, _ALIGNED)
            if previous is not None and isinstance(previous[1], Grid) and columns is not None:
                above, grid = regrid(previous[1], columns), regrid(grid, columns)
                grid = _without_repeated_header(items[first_part[previous[2]]][1], grid)
                above, grid = join_split_row(above, grid, looks_like_value)
                items[-1] = (previous[0], above, previous[2], previous[3])
                row_offset = previous[3] + len(above.ys) - 1
            else:
                table_index += 1
                row_offset = 0
                first_part[table_index] = len(items)
            items.append((page.number, grid, table_index, row_offset))
        last = items[-1] if items else None
        ends_page = len(items) - 1 if last is not None and isinstance(last[1], Grid) else None
    return items


def _write_grid(writer: _Writer, grid: Grid, page: int, table: int, row_offset: int) -> None:
    rows: dict[int, list[_Piece]] = {}
    for cell in grid.cells:
        location = Location(
            page=page,
            bbox=cell.bbox,
            table_index=table,
            row_index=row_offset + cell.row,
            col_index=cell.col,
        )
        rows.setdefault(cell.row, []).append(
            _Piece(cell.text, cell=True, location=location, uncertain=cell.uncertain)
        )
    for row in sorted(rows):
        writer.line(rows[row], " | ")


def _without_repeated_header(first: Line | LooseRow | Grid, grid: Grid) -> Grid:
    if not isinstance(first, Grid):
        return grid
    columns = continued_columns(first, grid, _ALIGNED)
    if columns != grid.xs:
        return grid
    return drop_repeated_header(regrid(first, columns), grid, looks_like_value)


def _round(box: Box | None) -> Box | None:
    if box is None:
        return None
    return (round(box[0], 2), round(box[1], 2), round(box[2], 2), round(box[3], 2))


# --------------------------------------------------------------------------------------------
# Scanned PDFs: no text layer, the page images read by OCR (gkbg.read.scan).

DPI = 200
"""The resolution scanned pages are rendered at for OCR (see docs/scans.md for the measure)."""

# A rendered page is at most this many pixels on its longer side (a huge page gets fewer dpi).
_MAX_SIDE = 4000


def _scanned(pdfium: Any, document: Input, format_name: str) -> Layout:  # noqa: ANN401
    """A PDF without text: its pages rendered and read by OCR, through the same geometry.

    Raises:
        NoTablesError: Its pages print text, but only the same lines on every page, and no
            image (a scan whose pages all carry the same printed line, a watermark or a
            stamp, is read by OCR).
        ScannedDocumentError: The ``ocr`` extra is not installed, or OCR read nothing.
    """
    name = document.name
    pdf = _open(pdfium, document)
    try:
        if _printed_chars(pdf) and not _images(pdf):
            raise NoTablesError(
                name,
                "every page prints only the same lines at the same place (read as running "
                "headers and footers): no report text and no table",
            )
        pages = [page for index in range(len(pdf)) if (page := _scan_page(pdf, index, name))]
    except pdfium.PdfiumError as exc:
        raise CorruptDocumentError(name, f"damaged PDF ({exc})") from None
    finally:
        pdf.close()
    if not pages or not any(page.chars for page in pages):
        raise ScannedDocumentError(
            name,
            "scanned PDF, no text layer, and OCR read no text on its pages: run OCR first "
            "with another engine, or check that they are not blank",
        )
    return scanned_layout(pages, name, format_name)


# PDFium's type of an image object (FPDF_PAGEOBJ_IMAGE), and how many of a page's objects are
# looked at for one (a scan's page draws its image among its first few).
_IMAGE_OBJECT = 3
_MAX_LOOKED_AT = 1000


def _images(pdf: Any) -> bool:  # noqa: ANN401 - a pypdfium2 document
    """Whether a page draws an image (at its top level: a scan's pages are images)."""
    count, get, kind = (
        _unchecked("FPDFPage_CountObjects"),
        _unchecked("FPDFPage_GetObject"),
        _unchecked("FPDFPageObj_GetType"),
    )
    for index in range(len(pdf)):
        check_time()
        page = pdf[index]
        try:
            handle = _handle(page.raw)
            objects = min(count(handle), _MAX_LOOKED_AT)
            if any(kind(get(handle, n)) == _IMAGE_OBJECT for n in range(objects)):
                return True
        finally:
            page.close()
    return False


def _printed_chars(pdf: Any) -> int:  # noqa: ANN401 - a pypdfium2 document
    """How many characters the pages' text layers hold (printed or generated)."""
    count = 0
    for index in range(len(pdf)):
        check_time()
        page = pdf[index]
        try:
            textpage = page.get_textpage()
            count += int(textpage.count_chars())
            textpage.close()
        finally:
            page.close()
    return count


def _scan_page(pdf: Any, index: int, name: str) -> ScanPage | None:  # noqa: ANN401
    """Page ``index`` rendered and read by OCR; None when it draws nothing (a blank page).

    Raises:
        ScannedDocumentError: The ``ocr`` extra is not installed.
    """
    page = pdf[index]
    try:
        if not _unchecked("FPDFPage_CountObjects")(_handle(page.raw)):
            return None
        try:
            engine()
        except MissingExtraError:
            hint = install_hint("rapidocr", "ocr")
            raise ScannedDocumentError(
                name,
                f"scanned PDF, no text layer: gkbg reads it by OCR, which needs the ocr extra: "
                f"{hint} (or run OCR first)",
            ) from None
        width, height = float(page.get_width()), float(page.get_height())
        dpi = min(float(DPI), _MAX_SIDE * 72.0 / max(width, height, 1.0))
        bitmap = page.render(scale=dpi / 72.0)
        try:
            rgb = _rgb(bitmap)
        finally:
            bitmap.close()
    finally:
        page.close()
    return read_image(rgb, index + 1, dpi)


def _rgb(bitmap: Any) -> Any:  # noqa: ANN401 - pypdfium2 bitmap to numpy array
    """The rendered page as a height × width × 3 array of red, green and blue."""
    picture = bitmap.to_pil().convert("RGB")
    return import_extra("numpy", extra="ocr", purpose=PURPOSE).asarray(picture)


def scanned_layout(pages: Sequence[ScanPage], source: str, format_name: str) -> Layout:
    """The layout of pages read by OCR: the PDF reader's geometry, then the engine's doubts.

    Each page's characters and ruling lines go through what a PDF page's do (tables, lines,
    tables across pages, running lines dropped); each token then says what the engine was
    unsure of in it (`gkbg.read.scan.ocr.doubts`).
    """
    read = [
        _geometry_page([found.char for found in page.chars], list(page.rules), page.number)
        for page in pages
    ]
    return doubts(_write(_without_running_lines(read), source, format_name), pages)
