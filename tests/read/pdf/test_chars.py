# SPDX-License-Identifier: MIT
"""The PDF reader's characters, read through PDFium's functions directly, are those that
pypdfium2's ``get_charbox`` gives: the plain reading is written out here as the definition,
turned upright as the reader turns it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest

from gkbg.read.pdf.geometry import Box, Char
from gkbg.read.pdf.reader import _char_box, _chars, _Frame, _quarter, _unrotated_size
from tests.helpers import CORPUS, FIXTURES


def _plain_chars(textpage: Any, width: float, height: float) -> tuple[list[Char], _Frame] | None:
    raw = pdfium.raw
    found: list[tuple[str, Box]] = []
    quarters: set[int] = set()
    for index in range(textpage.count_chars()):
        if raw.FPDFText_IsGenerated(textpage.raw, index):
            continue
        code = raw.FPDFText_GetUnicode(textpage.raw, index)
        if code in {0, 0xFFFE, 0xFFFF} or 0xD800 <= code <= 0xDFFF:
            continue
        text = chr(code)
        if text in {"\r", "\n"}:
            continue
        try:
            box = _char_box(textpage.get_charbox(index), textpage.get_charbox(index, loose=True))
        except pdfium.PdfiumError:
            box = None
        if text.strip():
            quarter = _quarter(raw.FPDFText_GetCharAngle(textpage.raw, index))
            if box is None or quarter is None:
                return None
            quarters.add(quarter)
            if len(quarters) > 1:
                return None
        if box is not None:
            found.append((text, box))
    frame = _Frame(quarters.pop() if quarters else 0, width, height)
    return [Char(text, *frame.box(box)) for text, box in found], frame


# Every PDF of the fixtures that opens without a password.
_PDFS = sorted({*CORPUS, *FIXTURES.rglob("*.pdf")} - {FIXTURES / "hostile" / "encrypted.pdf"})


@pytest.mark.parametrize("path", _PDFS, ids=lambda path: Path(path).name)
def test_the_characters_are_those_of_get_charbox(path: Path) -> None:
    pdf = pdfium.PdfDocument(str(path))
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            width, height = _unrotated_size(page)
            assert _chars(textpage, width, height) == _plain_chars(textpage, width, height)
            textpage.close()
            page.close()
    finally:
        pdf.close()
