"""The drawings of a PDF's pages, counted from its bytes before PDFium loads a page (issue 18).

The count is PDFium's own on every real PDF (the corpus, the fixtures, PDFs LibreOffice makes),
so no real report is refused; forms that fan out, nest deep or draw each other in a cycle are
refused in a fraction of a second; what the scan cannot read is left to PDFium.
"""

from __future__ import annotations

import time
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
import pytest

import gkbg
from gkbg.core.office import find_soffice
from gkbg.read.base import Input
from gkbg.read.pdf import prescan
from gkbg.read.pdf import reader as pdf_reader
from tests.helpers import CORPUS, FIXTURES
from tests.hostile import hostile

REAL = [
    *CORPUS,
    FIXTURES / "hostile" / "not-a-report.pdf",
]


def _pdfium_counts(data: bytes, *, segments: bool = False) -> list[int]:
    """Each page's objects and those of every form it draws, as PDFium loads them (or the
    segments of their paths)."""
    pdf = pdfium.PdfDocument(data)

    def walk(get: Any, parent: Any, count: int) -> int:
        total = 0 if segments else count
        for index in range(count):
            child = get(parent, index)
            kind = pdfium_raw.FPDFPageObj_GetType(child)
            if kind == pdfium_raw.FPDF_PAGEOBJ_FORM:
                inner = pdfium_raw.FPDFFormObj_CountObjects(child)
                total += walk(pdfium_raw.FPDFFormObj_GetObject, child, inner)
            elif segments and kind == pdfium_raw.FPDF_PAGEOBJ_PATH:
                total += pdfium_raw.FPDFPath_CountSegments(child)
        return total

    counts = []
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            handle = page.raw
            counts.append(
                walk(
                    pdfium_raw.FPDFPage_GetObject, handle, pdfium_raw.FPDFPage_CountObjects(handle)
                )
            )
            page.close()
    finally:
        pdf.close()
    return counts


def _bounds(data: bytes, *, exact: bool, segments: int = 0) -> list[int]:
    """Each page's objects (or, ``segments`` 1, path segments; 2, fewest characters)."""
    objects = prescan._Objects(data, 50 << 20)
    scan = prescan._Scan(objects, 10**9, exact=exact)
    pages = len(_pdfium_counts(data))
    return [scan.page(page, resources)[segments] for page, resources in scan.pages(pages)]


def _real_pdfs() -> list[bytes]:
    found = [path.read_bytes() for path in REAL]
    if find_soffice() is not None:  # the PDFs LibreOffice writes, as the tests render them
        found.append(gkbg.render.pdf(gkbg.parse(FIXTURES / "docx" / "form-2021-template.docx")))
    return found


REAL_PDFS = _real_pdfs()


@pytest.mark.parametrize("index", range(len(REAL_PDFS)))
def test_the_count_is_pdfiums_own_on_every_real_pdf(index: int) -> None:
    data = REAL_PDFS[index]
    counts = _pdfium_counts(data)
    assert _bounds(data, exact=True) == counts
    # The quick bound (a stream that draws no form counted by its length) is never below.
    assert all(q >= c for q, c in zip(_bounds(data, exact=False), counts, strict=True))
    # Segments: those of the paths PDFium keeps (a clipping path it does not).
    assert _bounds(data, exact=True, segments=True) == _pdfium_counts(data, segments=True)
    # Characters: never more than PDFium's text page holds (the scan refuses only what it
    # would refuse).
    pdf = pdfium.PdfDocument(data)
    printed = [pdf[index].get_textpage().count_chars() for index in range(len(pdf))]
    shown = _bounds(data, exact=True, segments=2)
    assert all(s <= p for s, p in zip(shown, printed, strict=True)), (shown, printed)
    # At the page's own count the scan lets it through; one below, it refuses it.
    document = Input(data, "<bytes>", gkbg.Limits(max_page_draws=max(counts)))
    prescan.check_pages(document, len(counts))
    with pytest.raises(gkbg.LimitExceededError, match=r"draws more than"):
        prescan.check_pages(
            Input(data, "<bytes>", gkbg.Limits(max_page_draws=max(counts) - 1)), len(counts)
        )


def test_the_scan_costs_a_small_fraction_of_a_reading() -> None:
    for path in CORPUS:
        document = Input(path.read_bytes(), path.name)
        started = time.perf_counter()
        prescan.check_pages(document, 100)
        scanned = time.perf_counter() - started
        started = time.perf_counter()
        gkbg.parse(path)
        assert scanned < (time.perf_counter() - started) / 3


@pytest.mark.parametrize("packed", [False, True])
def test_forms_that_fan_out_are_counted_before_a_page_is_loaded(packed: bool) -> None:
    """30 forms of 30 forms of a line: 30 + 900 + 900 (also with the page tree packed in an
    object stream); a million drawings are refused in a fraction of a second."""
    data = hostile.fanout_pdf(30, packed=packed)
    assert _bounds(data, exact=True) == _pdfium_counts(data) == [1830]
    with pytest.raises(gkbg.LimitExceededError, match=r"^<bytes>: page 1 .* more than 1,829 "):
        prescan.check_pages(Input(data, "<bytes>", gkbg.Limits(max_page_draws=1829)), 1)
    prescan.check_pages(Input(data, "<bytes>", gkbg.Limits(max_page_draws=1830)), 1)
    started = time.process_time()
    with pytest.raises(gkbg.LimitExceededError) as refused:
        gkbg.parse(hostile.fanout_pdf(2000, packed=packed))
    assert refused.value.limit == "max_page_draws"
    assert time.process_time() - started < 1


def test_forms_are_expanded_to_pdfiums_depth_and_a_cycle_ends_there() -> None:
    """PDFium reads forms 40 deep: a chain 60 deep makes 41 objects, a cycle of one form drawn
    once 41; drawn twice at each level they are over any limit."""
    for data in (hostile.nested_forms_pdf(60, 1), hostile.nested_forms_pdf(3, 1, cycle=True)):
        assert _bounds(data, exact=True) == _pdfium_counts(data) == [prescan.FORM_DEPTH + 1]
        with pytest.raises(gkbg.ScannedDocumentError):
            gkbg.parse(data)  # read, not refused: it prints nothing
    for data in (hostile.nested_forms_pdf(30), hostile.nested_forms_pdf(4, 50, cycle=True)):
        with pytest.raises(gkbg.LimitExceededError, match="draws more than 200,000 times"):
            gkbg.parse(data)


def test_operators_in_strings_comments_and_inline_images_are_not_counted() -> None:
    content = (
        b"BT (S f \\) (Tj) B) Tj [(b) 3 <53>] TJ ET % S S S (\n"
        b"BI /W 1 /H 1 /BPC 8 /CS /G ID S f\n EI /X#30 Do /Im Do 0 0 m 1 1 l S"
    )
    objects, segments, chars, names = prescan.count_content(content, 1000)
    assert (objects, names) == (4, {b"X0": 1, b"Im": 1})  # Tj, TJ, BI, S and two names
    assert segments == 2  # 0 0 m 1 1 l
    assert chars == 11 // 4 + 2 // 4  # 11 bytes shown by Tj (one escape), 2 by TJ: no font
    clipped = b"0 0 595 842 re W n 1 1 m 2 2 l 3 3 l S 0 0 9 9 re f"
    assert prescan.count_content(clipped, 1000) == (2, 8, 0, {})


def test_a_page_whose_content_inflates_past_the_stream_limit_is_refused() -> None:
    data = hostile.inflating_pdf(64 << 20)
    with pytest.raises(gkbg.LimitExceededError, match=r"inflates to more than 50 MB") as refused:
        gkbg.parse(data)
    assert refused.value.limit == "max_member_bytes"
    with pytest.raises(gkbg.ScannedDocumentError):  # spaces only: within a higher limit, read
        gkbg.parse(data, limits=gkbg.Limits(max_member_bytes=65 << 20))


def test_what_the_scan_cannot_read_is_left_to_pdfium() -> None:
    """An encrypted PDF's streams, an unknown filter, a missing form: never refused for it."""
    owner_only = (FIXTURES / "hostile" / "owner-password-only.pdf").read_bytes()
    prescan.check_pages(Input(owner_only, "<bytes>", gkbg.Limits(max_page_draws=1)), 1)
    unknown = hostile.fanout_pdf(30).replace(b"/FlateDecode", b"/LZWDecode")
    prescan.check_pages(Input(unknown, "<bytes>", gkbg.Limits(max_page_draws=1)), 1)
    missing = hostile.fanout_pdf(30).replace(b"/X0 5 0 R", b"/X0 99 0 R")
    prescan.check_pages(Input(missing, "<bytes>", gkbg.Limits(max_page_draws=30)), 1)
    prescan.check_pages(Input(b"%PDF-1.7\n" + bytes(100), "<bytes>"), 1)


def test_a_path_of_too_many_segments_is_refused_before_the_page_is_loaded() -> None:
    """A path of 300,000 segments (PDFium takes a second and 300 MB to load two million) is
    refused by the scan; within a higher limit it is read."""
    data = hostile.long_path_pdf(300_000)
    assert _bounds(data, exact=True, segments=True) == [300_001]
    started = time.process_time()
    with pytest.raises(gkbg.LimitExceededError, match=r"paths of more than 200,000 segments"):
        prescan.check_pages(Input(data, "<bytes>"), 1)
    assert time.process_time() - started < 2
    with pytest.raises(gkbg.LimitExceededError) as refused:
        gkbg.parse(data)
    assert refused.value.limit == "max_page_segments"
    higher = gkbg.Limits(max_page_segments=300_001)
    prescan.check_pages(Input(data, "<bytes>", higher), 1)
    # PDFium's count after loading, as the reader makes it, agrees.
    with pytest.raises(gkbg.LimitExceededError, match="segments"):
        pdf_reader._count_draws(
            pdfium.PdfDocument(data)[0],
            1,
            Input(data, "<bytes>", gkbg.Limits(max_page_segments=300_000)),
        )


def test_a_page_showing_too_many_characters_is_refused_before_its_text_is_loaded() -> None:
    """3.2 million characters on a page (PDFium's text page of them took half a gigabyte and
    aborted a process capped at 1.5 GiB): refused by the bytes its strings show."""
    started = time.process_time()
    with pytest.raises(gkbg.LimitExceededError, match=r"more than 1,000,000: refused as too"):
        prescan.check_pages(Input(hostile.text_bomb_pdf(100), "<bytes>"), 1)
    assert time.process_time() - started < 2
    # Two thousand digits in Helvetica (a code a byte): 2,000 characters.
    data = hostile.tiny_chars_pdf(2000)
    prescan.check_pages(Input(data, "<bytes>", gkbg.Limits(max_page_chars=2000)), 1)
    with pytest.raises(gkbg.LimitExceededError, match="at least 2,000 characters, more than"):
        prescan.check_pages(Input(data, "<bytes>", gkbg.Limits(max_page_chars=1999)), 1)
    # In a font of codes of up to four bytes (Type0), at least a quarter of that.
    wide = data.replace(b"/Subtype /Type1", b"/Subtype /Type0")
    prescan.check_pages(Input(wide, "<bytes>", gkbg.Limits(max_page_chars=500)), 1)
    with pytest.raises(gkbg.LimitExceededError, match="at least 500 characters"):
        prescan.check_pages(Input(wide, "<bytes>", gkbg.Limits(max_page_chars=499)), 1)
