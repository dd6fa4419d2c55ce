# SPDX-License-Identifier: MIT
"""Scanned reports read by OCR (the ``ocr`` extra): every cell right or flagged, never wrong.

The scans are made here from the project's own PDFs: pages rendered to images, then degraded
as a scanner and an upload degrade them (greyscale, 150 dpi, noise, a slight skew, JPEG
artefacts, a red seal over the table), wrapped into an image-only PDF or saved as PNG, and read
back. The original's text layer gives the cells to expect. A small fixed set runs everywhere;
generated reports rendered by LibreOffice run under the ``thorough`` hypothesis profile.
"""

from __future__ import annotations

import ctypes
import io
import os
import random
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import gkbg
from gkbg import render
from gkbg.core.compat import extra_installed
from gkbg.core.model import Location
from gkbg.core.office import find_soffice
from gkbg.read.layout import Token, TokenKind
from gkbg.read.pdf.geometry import Char
from gkbg.read.scan import image as scan_image
from gkbg.read.scan import ocr as scan_ocr
from gkbg.testing import reports
from tests.helpers import FIXTURES

if TYPE_CHECKING:
    from collections.abc import Sequence

np = pytest.importorskip("numpy")
Image = pytest.importorskip("PIL.Image")
ImageDraw = pytest.importorskip("PIL.ImageDraw")
pdfium = pytest.importorskip("pypdfium2")

OCR = pytest.mark.skipif(not extra_installed("ocr"), reason="the ocr extra is not installed")
THOROUGH = os.environ.get("GKBG_HYPOTHESIS") == "thorough"
CORPUS = FIXTURES / "corpus"


# --------------------------------------------------------------------------------------------
# Making scans.


def pages_of(data: bytes, dpi: float, numbers: Sequence[int] | None = None) -> list[Any]:
    """The pages of a PDF rendered at ``dpi`` as RGB images (only ``numbers``, from 1)."""
    pdf = pdfium.PdfDocument(data)
    try:
        chosen = numbers or range(1, len(pdf) + 1)
        return [pdf[n - 1].render(scale=dpi / 72).to_pil().convert("RGB") for n in chosen]
    finally:
        pdf.close()


def seal(page: Any, seed: int) -> Any:
    """The page with a red seal (a ring, a star, text strokes) printed over its middle.

    Printed ink: multiplied into the page, so black stays black and white turns red.
    """
    rng = random.Random(seed)  # noqa: S311 - a drawing, not a secret
    stamp = Image.new("RGB", page.size, (255, 255, 255))
    draw = ImageDraw.Draw(stamp)
    width, height = page.size
    radius = int(min(width, height) * 0.12)
    x = int(width * rng.uniform(0.45, 0.7))
    y = int(height * rng.uniform(0.3, 0.6))
    red = (rng.randint(200, 235), rng.randint(20, 60), rng.randint(20, 60))
    draw.ellipse((x - radius, y - radius, x + radius, y + radius), outline=red, width=radius // 12)
    star = [(x + radius * 0.3 * dx, y + radius * 0.3 * dy) for dx, dy in _STAR]
    draw.polygon(star, fill=red)
    for step in range(6):
        top = y + radius * 0.4 + step * 3
        draw.line((x - radius * 0.5, top, x + radius * 0.5, top), fill=red, width=2)
    return Image.fromarray(
        (np.asarray(page, dtype=np.uint16) * np.asarray(stamp, dtype=np.uint16) // 255).astype(
            np.uint8
        )
    )


_STAR = [(0, -1), (0.22, -0.3), (0.95, -0.3), (0.36, 0.12), (0.59, 0.81), (0, 0.38)]
_STAR += [(-0.59, 0.81), (-0.36, 0.12), (-0.95, -0.3), (-0.22, -0.3)]


def degrade(
    page: Any,
    *,
    grey: bool = False,
    noise: float = 0.0,
    angle: float = 0.0,
    jpeg: int | None = None,
    stamped: bool = False,
    seed: int = 0,
) -> Any:
    """The page as a scanner and an upload leave it."""
    if stamped:
        page = seal(page, seed)
    if angle:
        page = page.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=(255, 255, 255))
    if noise:
        rng = np.random.default_rng(seed)
        pixels = np.asarray(page, dtype=np.float64)
        pixels = pixels + rng.normal(0.0, noise, pixels.shape[:2])[:, :, None]
        page = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    if grey:
        page = page.convert("L")
    if jpeg is not None:
        buffer = io.BytesIO()
        page.save(buffer, "JPEG", quality=jpeg)
        page = Image.open(io.BytesIO(buffer.getvalue()))
        page.load()
    return page


def image_pdf(pages: Sequence[Any], dpi: float) -> bytes:
    """An image-only PDF of the pages (Pillow writes it: one image a page, no text)."""
    buffer = io.BytesIO()
    pages[0].save(buffer, "PDF", save_all=True, append_images=list(pages[1:]), resolution=dpi)
    return buffer.getvalue()


def png(page: Any, dpi: float) -> bytes:
    buffer = io.BytesIO()
    page.save(buffer, "PNG", dpi=(dpi, dpi))
    return buffer.getvalue()


def compare(expected: gkbg.Report, got: gkbg.Report) -> tuple[int, int]:
    """Every cell of ``expected`` read the same in ``got``, or flagged there: (cells, flagged).

    A flagged cell is unread or carries a doubt. A cell read differently and not flagged
    fails the test (silently wrong), as does a table or a cell that is not found.
    """
    cells = {cell.key: cell for cell in got.iter_cells()}
    flagged = 0
    for original in expected.iter_cells():
        cell = cells.get(original.key)
        assert cell is not None, f"{original.key} not found"
        same = (cell.state, cell.value) == (original.state, original.value)
        if cell.uncertain or cell.state is gkbg.CellState.UNREAD:
            flagged += 1
        else:
            assert same, f"silently wrong: {original.key} {original.raw!r} read as {cell.raw!r}"
        if cell.state is not gkbg.CellState.UNREAD:
            assert cell.location is not None
            assert cell.location.page is not None
            assert cell.location.bbox is not None
    return sum(1 for _ in expected.iter_cells()), flagged


# --------------------------------------------------------------------------------------------
# The page image before OCR (numpy only, no engine).


def test_grey_keeps_white_white_and_black_black() -> None:
    # regression: the weighted sum overflowed 16 bits, turning white paper into noise
    rgb = np.array([[[255, 255, 255], [0, 0, 0], [128, 128, 128]]], dtype=np.uint8)
    assert scan_image.without_seal(rgb).tolist() == [[255, 0, 128]]


def test_red_seal_pixels_are_dropped_and_black_under_them_kept() -> None:
    rgb = np.array([[[220, 40, 40], [30, 5, 5], [200, 170, 170]]], dtype=np.uint8)
    grey = scan_image.without_seal(rgb).tolist()[0]
    assert grey[0] == 255  # the seal's red is paper
    assert grey[1] < 40  # black text printed under the seal stays black
    assert grey[2] > 150  # a pale pink is light anyway


def _grid_image(angle: float = 0.0) -> Any:
    page = Image.new("L", (800, 600), 255)
    draw = ImageDraw.Draw(page)
    for y in range(100, 501, 50):
        draw.line((100, y, 700, y), fill=0, width=2)
    for x in (100, 300, 500, 700):
        draw.line((x, 100, x, 500), fill=0, width=2)
    # a large heading: its strokes are long and upright, but they are no ruling line
    for x in range(120, 300, 20):
        draw.line((x, 30, x, 80), fill=0, width=3)
    return page.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)


def test_ruling_lines_of_a_grid_are_found_and_a_heading_strokes_are_not() -> None:
    dark = scan_image.dark_pixels(np.asarray(_grid_image()))
    rules = scan_image.ruling_lines(dark, 0.5)
    across = sorted(round(rule.at) for rule in rules if rule.horizontal)
    down = sorted(round(rule.at) for rule in rules if not rule.horizontal)
    assert across == [50, 75, 100, 125, 150, 175, 200, 225, 250]
    assert down == [50, 150, 250, 350]


def test_a_line_a_grey_seal_touches_is_still_a_line_and_a_filled_area_is_not() -> None:
    page = _grid_image()
    draw = ImageDraw.Draw(page)
    # a seal's ring scanned in grey, its lowest stroke lying along the line at y=300, and its
    # highest stroke along the line at y=150
    draw.ellipse((380, 148, 560, 302), outline=60, width=10)
    # a filled header band (a grey cell): no line, however long
    draw.rectangle((100, 520, 700, 560), fill=15)
    dark = scan_image.dark_pixels(np.asarray(page))
    rules = scan_image.ruling_lines(dark, 0.5)
    across = sorted(rule.at for rule in rules if rule.horizontal)
    # each line where it is drawn (a ring's stroke may pull one by a few pixels)
    assert across == pytest.approx([50, 75, 100, 125, 150, 175, 200, 225, 250], abs=2.5)


def test_a_grey_seals_star_is_no_row_line_and_its_ring_past_a_lines_end_keeps_the_line() -> None:
    # issue 15, a seal scanned in grey over a table (huaian-city-2024): a short stroke of it
    # (there the edge of its star's arms, here its ring's arc), a dark run crossing a vertical
    # line and ending at none, cut a row into two; its ring, touching the vertical line at
    # x=500 past the grid's last line (y=500), carried that line too far to meet the last
    # one, and the line was lost (two columns made one)
    page = _grid_image()
    draw = ImageDraw.Draw(page)
    star = [(300 + 45 * dx, 232 + 45 * dy) for dx, dy in _STAR]
    draw.polygon(star, fill=90)
    draw.ellipse((470, 430, 560, 515), outline=90, width=12)
    dark = scan_image.dark_pixels(np.asarray(page))
    rules = scan_image.ruling_lines(dark, 0.5)
    across = sorted(rule.at for rule in rules if rule.horizontal)
    assert across == pytest.approx([50, 75, 100, 125, 150, 175, 200, 225, 250], abs=2.5)
    down = sorted(rules_down := [rule for rule in rules if not rule.horizontal], key=lambda r: r.at)
    assert [rule.at for rule in down] == pytest.approx([50, 150, 250, 350], abs=2.5)
    for rule in rules_down:  # each from the first line to the last
        assert (rule.start, rule.end) == pytest.approx((50, 250), abs=3)


@pytest.mark.parametrize("angle", [-2.0, -0.7, 0.5, 1.5])
def test_the_skew_of_a_page_is_measured(angle: float) -> None:
    dark = scan_image.dark_pixels(np.asarray(_grid_image(angle)))
    assert scan_image.skew(dark) == pytest.approx(angle, abs=0.1)


def test_a_mark_is_ink_and_specks_are_not() -> None:
    dark = np.zeros((100, 100), dtype=bool)
    dark[10, 10] = dark[30, 50] = dark[70, 20] = True  # specks of noise
    assert not scan_image.has_ink(dark, (0, 0, 100, 100), 0.5)
    dark[40:50, 40:43] = True  # a stroke
    assert scan_image.has_ink(dark, (0, 0, 100, 100), 0.5)


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("1O", True),
        ("O", True),
        ("3l5", True),
        ("a", True),
        ("120", False),
        ("无", False),
        ("/", False),
        ("ABC", False),
        ("12万元", False),
    ],
)
def test_a_letter_read_among_digits_is_flagged(text: str, flagged: bool) -> None:
    token = Token(text, TokenKind.VALUE, cell=True, location=Location())
    doubt = scan_ocr._confusable(token)
    assert (doubt is not None) == flagged
    if doubt is not None:
        assert doubt.code == "ocr.confusable"
        assert doubt.zh


def _steps(*rows: dict[int, float], size: int = 12) -> Any:
    """A CTC output: one row a step, each a probability over ``size`` characters."""
    matrix = np.zeros((len(rows), size))
    for step, row in enumerate(rows):
        for index, probability in row.items():
            matrix[step, index] = probability
    return matrix


# the character set as the engine's decoder has it: the blank first
_CHARACTERS = ["blank", *"0123456789", " "]


def test_each_character_read_carries_the_characters_the_engine_rated_next() -> None:
    # "9" over two steps (a 6 rated 0.3 in the second), a blank, a space, then "1" (a 7 rated
    # below the threshold)
    probabilities = _steps(
        {10: 0.9, 7: 0.1},
        {10: 0.7, 7: 0.3},
        {0: 1.0},
        {11: 1.0},
        {2: 0.9995, 8: scan_ocr.MIN_CANDIDATE / 2},
    )
    scores = scan_ocr.candidate_scores(probabilities, _CHARACTERS)
    assert [float(score) for score in scores] == [0.9, 0.9995]  # the space has no score
    assert scores[0].alternatives == (("6", 0.3),)
    assert scores[1].alternatives == ()


def _char(text: str, x: float, alternatives: tuple[tuple[str, float], ...] = ()) -> Any:
    return scan_ocr.OcrChar(Char(text, x, 0.0, x + 5, 10.0), 0.99, alternatives)


def test_a_cells_readings_are_the_engines_candidates_for_its_digits() -> None:
    chars = [_char("1", 0, (("7", 0.2),)), _char("9", 6, (("6", 0.1), ("a", 0.05)))]
    assert scan_ocr.candidate_readings("19", chars) == ("79", "16", "76")
    # never a leading zero, never a letter, nothing when the text is not the characters read
    assert scan_ocr.candidate_readings("9", [_char("9", 0, (("0", 0.3),))]) == ("0",)
    assert scan_ocr.candidate_readings("19", [_char("1", 0, (("0", 0.3),)), _char("9", 6)]) == ()
    assert scan_ocr.candidate_readings("1", [_char("1", 0, (("0", 0.3),)), chars[1]]) == ()
    assert scan_ocr.candidate_readings("无", [_char("无", 0, (("元", 0.3),))]) == ()
    # a character that is no digit must take a digit candidate for the reading to be a number
    assert scan_ocr.candidate_readings("一", [_char("一", 0, (("1", 0.4), ("-", 0.1)))]) == ("1",)


@OCR
def test_the_engine_gives_its_candidates() -> None:
    # the engine's decoder is wrapped: a character read unsure carries what came next
    page = Image.new("RGB", (400, 80), (255, 255, 255))
    ImageDraw.Draw(page).text((20, 20), "1234567890", fill=(0, 0, 0), font_size=32)
    result = scan_ocr.engine()(np.asarray(page), return_word_box=True, return_single_char_box=True)
    scores = [score for words in result.word_results for _, score, _ in words]
    assert scores
    assert all(isinstance(score, scan_ocr.Score) for score in scores)


def _lines_page() -> Any:
    """A small page of six lines of digits, upright."""
    page = Image.new("RGB", (640, 420), (255, 255, 255))
    draw = ImageDraw.Draw(page)
    for line in range(6):
        text = " ".join(str(line * 7 + n) for n in range(100, 106))
        draw.text((30, 30 + line * 60), text, fill=(0, 0, 0), font_size=30)
    return page


@OCR
@pytest.mark.parametrize("angle", [0, 90, 180, 270])
def test_a_page_scanned_a_quarter_or_half_turn_off_is_read_upright(angle: int) -> None:
    upright = scan_ocr.read_image(np.asarray(_lines_page()), 1, 150)
    expected = "".join(found.char.text for found in upright.chars)
    assert "100" in expected
    turned = _lines_page().rotate(angle, expand=True)
    page = scan_ocr.read_image(np.asarray(turned), 1, 150)
    assert "".join(found.char.text for found in page.chars) == expected
    # the characters are placed on the upright page: the first line at the top
    assert page.chars[0].char.top < page.chars[-1].char.top


# --------------------------------------------------------------------------------------------
# The right cause.


def test_a_pdf_whose_pages_print_only_the_same_lines_is_not_a_scan() -> None:
    # issue 18: the lines repeated on every page are read as running headers, which leaves
    # nothing, but the PDF has a text layer: no tables, not "scanned"
    from tests.hostile.hostile import pdf

    with pytest.raises(gkbg.NoTablesError, match="same lines"):
        gkbg.parse(pdf(["Annual report 2024"] * 3))


def _stamped_on_every_page(data: bytes, text: str) -> bytes:
    """The PDF with the same line of text printed on each page (a watermark on a scan)."""
    pdf = pdfium.PdfDocument(data)
    keep = []
    for index in range(len(pdf)):
        page = pdf[index]
        line = pdfium.raw.FPDFPageObj_NewTextObj(pdf.raw, b"Helvetica", 10.0)
        encoded = ctypes.create_string_buffer((text + "\0").encode("utf-16-le"))
        keep.append(encoded)
        pdfium.raw.FPDFText_SetText(line, ctypes.cast(encoded, ctypes.POINTER(ctypes.c_ushort)))
        pdfium.raw.FPDFPageObj_Transform(line, 1, 0, 0, 1, 20, 20)
        pdfium.raw.FPDFPage_InsertObject(page.raw, line)
        pdfium.raw.FPDFPage_GenerateContent(page.raw)
    buffer = io.BytesIO()
    pdf.save(buffer)
    pdf.close()
    return buffer.getvalue()


def test_a_scan_with_the_same_line_printed_on_every_page_is_still_a_scan(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def missing() -> object:
        raise gkbg.MissingExtraError("reading scanned documents (OCR) needs rapidocr: ...")

    monkeypatch.setattr("gkbg.read.pdf.reader.engine", missing)
    pages = [Image.new("RGB", (300, 200), (255, 255, 255)) for _ in range(2)]
    for page in pages:
        ImageDraw.Draw(page).text((20, 80), "12 34", fill=(0, 0, 0))
    data = _stamped_on_every_page(image_pdf(pages, 72), "CONFIDENTIAL")
    # the repeated line is a running line, and the pages are images: OCR, not "no tables"
    with pytest.raises(gkbg.ScannedDocumentError, match=r"ocr extra"):
        gkbg.parse(data)


def test_without_the_extra_a_scan_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(*_: object, **__: object) -> object:
        message = "reading scanned documents (OCR) needs rapidocr: pip install 'gkbg[ocr]'"
        raise gkbg.MissingExtraError(message)

    monkeypatch.setattr(scan_ocr, "engine", missing)
    monkeypatch.setattr("gkbg.read.scan.reader.engine", missing)
    monkeypatch.setattr("gkbg.read.pdf.reader.engine", missing)
    page = Image.new("RGB", (300, 200), (255, 255, 255))
    ImageDraw.Draw(page).text((20, 80), "12 34", fill=(0, 0, 0))
    with pytest.raises(gkbg.ScannedDocumentError, match=r"pip install 'gkbg\[ocr\]'"):
        gkbg.parse(image_pdf([page], 72))
    with pytest.raises(gkbg.MissingExtraError, match=r"gkbg\[ocr\]"):
        gkbg.parse(png(page, 72))


def test_page_images_are_known_by_their_first_bytes() -> None:
    registry = gkbg.default_registry()
    page = Image.new("RGB", (30, 20), (255, 255, 255))
    for kind in ("PNG", "JPEG", "TIFF"):
        buffer = io.BytesIO()
        page.save(buffer, kind)
        document = gkbg.Input.of(buffer.getvalue())
        assert registry.detect(document).name == "image", kind


# --------------------------------------------------------------------------------------------
# Scans of the corpus, read back.

HUAIAN = CORPUS / "huaian-city-2024.pdf"


@OCR
def test_a_greyscale_150_dpi_scan_gives_every_cell_or_flags_it() -> None:
    # the measure of issue 15: greyscale 150 dpi page images in an image-only PDF, here
    # also with noise, a slight skew and JPEG artefacts
    data = HUAIAN.read_bytes()
    pages = [
        degrade(page, grey=True, noise=6.0, angle=angle, jpeg=70, seed=n)
        for n, (page, angle) in enumerate(
            zip(pages_of(data, 150, [3, 4, 5]), [0.8, -1.2, 0.4], strict=True)
        )
    ]
    expected = gkbg.parse(data)
    got = gkbg.parse(image_pdf(pages, 150))
    cells, flagged = compare(expected, got)
    assert cells == 200
    assert flagged <= cells // 10, flagged


@OCR
def test_a_page_image_with_a_red_seal_over_the_table_gives_every_cell_or_flags_it() -> None:
    data = CORPUS.joinpath("hongze-district-2024.pdf").read_bytes()
    pages = [degrade(page, stamped=True, seed=n) for n, page in enumerate(pages_of(data, 200))]
    # one table page as a PNG: read through the image reader
    got = gkbg.parse(png(pages[2], 200))
    assert got.format == "image"
    expected = gkbg.parse(data)
    page_cells = {
        cell.key
        for cell in expected.iter_cells()
        if cell.location is not None and cell.location.page == 3
    }
    read = {cell.key: cell for cell in got.iter_cells()}
    for original in expected.iter_cells():
        if original.key not in page_cells:
            continue
        cell = read[original.key]
        if not (cell.uncertain or cell.state is gkbg.CellState.UNREAD):
            assert (cell.state, cell.value) == (original.state, original.value), original.key


@pytest.mark.skipif(not THOROUGH, reason="GKBG_HYPOTHESIS=thorough only")
@OCR
@pytest.mark.parametrize("angle", [90, 270])
def test_a_real_table_page_scanned_sideways_gives_every_cell_or_flags_it(angle: int) -> None:
    data = CORPUS.joinpath("hongze-district-2024.pdf").read_bytes()
    expected = gkbg.parse(data)
    numbers = sorted(
        {c.location.page for c in expected.iter_cells() if c.location and c.location.page}
    )
    pages = [
        degrade(page, grey=True, seed=n).rotate(angle, expand=True)
        for n, page in enumerate(pages_of(data, 150, numbers))
    ]
    cells, flagged = compare(expected, gkbg.parse(image_pdf(pages, 150)))
    assert cells == 186
    assert flagged <= cells // 10, flagged


# --------------------------------------------------------------------------------------------
# Generated reports, rendered by LibreOffice (thorough profile only: minutes a report).


@pytest.mark.skipif(not THOROUGH, reason="GKBG_HYPOTHESIS=thorough only")
@pytest.mark.skipif(find_soffice() is None, reason="LibreOffice (soffice) is not installed")
@OCR
@given(
    report=reports(),
    dpi=st.sampled_from([150, 200]),
    damage=st.fixed_dictionaries(
        {
            "grey": st.booleans(),
            "noise": st.sampled_from([0.0, 4.0, 8.0]),
            "angle": st.floats(min_value=-2.0, max_value=2.0),
            "jpeg": st.none() | st.integers(min_value=50, max_value=90),
            "stamped": st.booleans(),
        }
    ),
)
def test_a_scan_of_a_generated_report_is_right_or_flagged(
    report: gkbg.Report, dpi: int, damage: dict[str, Any]
) -> None:
    data = render.pdf(report)
    pages = [degrade(page, seed=n, **damage) for n, page in enumerate(pages_of(data, dpi))]
    compare(gkbg.parse(data), gkbg.parse(image_pdf(pages, dpi)))


def _grey_seal_over(
    page: Any, boxes: Sequence[tuple[float, float, float, float]], dpi: float
) -> Any:
    """The greyscale ``page`` with a grey seal's dense ink over the inside of each box (points).

    The ink is dark enough that the engine reads nothing under it, and leaves the ruling lines
    around the boxes as they were: the cells are found, what they hold is lost by the scan.
    """
    stamp = Image.new("L", page.size, 255)
    draw = ImageDraw.Draw(stamp)
    scale = dpi / 72
    for box in boxes:
        left, top, right, bottom = (value * scale for value in box)
        draw.rectangle((left + 6, top + 6, right - 6, bottom - 6), fill=15)
    ink = np.asarray(page, dtype=np.uint16) * np.asarray(stamp, dtype=np.uint16) // 255
    return Image.fromarray(ink.astype(np.uint8))


@OCR
def test_a_table_whose_numbers_a_grey_seal_hides_is_found_with_its_cells_unread() -> None:
    # issue 15: the numbers of a whole table lost under a seal scanned in grey. The table's
    # headings, labels and ruling lines are read: it is found, and its cells are unread
    # (ocr.unread_mark), not missing: no table.missing, which would accuse the report
    data = CORPUS.joinpath("hongze-district-2024.pdf").read_bytes()
    expected = gkbg.parse(data)
    hidden = [cell for cell in expected.iter_cells() if cell.table == "active"]
    numbers = sorted(
        {cell.location.page for cell in hidden if cell.location and cell.location.page}
    )
    assert numbers == [2, 3]  # table 二 runs over two pages: a seal on each
    pages = [
        _grey_seal_over(
            page.convert("L"),
            [
                c.location.bbox
                for c in hidden
                if c.location and c.location.page == number and c.location.bbox
            ],
            150,
        )
        for page, number in zip(pages_of(data, 150, numbers), numbers, strict=True)
    ]
    got = gkbg.parse(image_pdf(pages, 150))
    table = got.table("active")
    assert table.found
    cells = {cell.key: cell for cell in table.cells}
    unread = 0
    for original in hidden:
        cell = cells[original.key]
        if cell.state is gkbg.CellState.UNREAD:
            unread += 1
            assert cell.uncertain, original.key  # each says why
        elif not cell.uncertain:
            assert (cell.state, cell.value) == (original.state, original.value), original.key
    assert unread >= len(hidden) // 2, unread  # the seal did hide the numbers
    missing = [f for f in gkbg.check(got).errors if f.rule == "table.missing"]
    assert not any(key.startswith("active.") for f in missing for key in f.cells), missing


# --------------------------------------------------------------------------------------------
# The engine out of memory.


class _EngineError(RuntimeError):
    """What onnxruntime raises: an exception of its own, the C++ one named in the message."""


@pytest.mark.parametrize(
    ("error", "memory"),
    [
        (_EngineError("[ONNXRuntimeError] : 1 : FAIL : Load model failed:std::bad_alloc"), True),
        (ImportError("libXau.so.6: failed to map segment from shared object"), True),
        (
            ImportError("libXau.so.6: failed to map segment from shared object: not permitted"),
            False,
        ),
        (_EngineError("[ONNXRuntimeError] : 2 : INVALID_ARGUMENT"), False),
    ],
)
def test_the_engine_out_of_memory_is_a_memory_error(error: Exception, memory: bool) -> None:
    with pytest.raises(MemoryError if memory else type(error)), scan_ocr.engine_memory():
        raise error


@OCR
def test_a_scan_read_under_a_memory_limit_too_low_for_the_engine_says_so(tmp_path: Any) -> None:
    # issue 15: the engine's std::bad_alloc under the isolated worker's address-space limit was
    # a CorruptDocumentError whose message held the engine's whole traceback
    path = tmp_path / "page.png"
    path.write_bytes(png(_lines_page(), 150))
    limits = gkbg.Limits(isolate=True, max_memory_bytes=1024 * 1024 * 1024)
    with pytest.raises((gkbg.LimitExceededError, gkbg.NoTablesError)) as caught:
        gkbg.parse(path, limits=limits)
    if not isinstance(caught.value, gkbg.LimitExceededError):
        pytest.skip("1 GiB is enough for the engine on this machine")
    assert caught.value.limit == "max_memory_bytes"
    message = str(caught.value)
    assert "page.png" in message
    assert "Limits.max_memory_bytes" in message
    assert "\n" not in message
    assert "Traceback" not in message
