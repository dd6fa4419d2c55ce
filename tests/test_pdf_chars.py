# SPDX-License-Identifier: MIT
"""The PDF reader's characters, read through PDFium's functions directly, are those that
pypdfium2's ``get_charbox`` gives: the plain reading is written out here as the definition."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest

from gkbg._pdf import _char_box, _chars, _turned
from gkbg._pdf_geometry import Char
from tests.helpers import CORPUS, FIXTURES


def _plain_chars(textpage: Any, height: float) -> list[Char] | None:
    raw = pdfium.raw
    chars: list[Char] = []
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
        if text.strip() and (
            box is None or _turned(raw.FPDFText_GetCharAngle(textpage.raw, index))
        ):
            return None
        if box is not None:
            left, bottom, right, top = box
            chars.append(Char(text, left, height - top, right, height - bottom))
    return chars


# Every PDF of the fixtures that opens without a password.
_PDFS = sorted({*CORPUS, *FIXTURES.rglob("*.pdf")} - {FIXTURES / "hostile" / "encrypted.pdf"})


@pytest.mark.parametrize("path", _PDFS, ids=lambda path: Path(path).name)
def test_the_characters_are_those_of_get_charbox(path: Path) -> None:
    pdf = pdfium.PdfDocument(str(path))
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            height = float(page.get_height())
            assert _chars(textpage, height) == _plain_chars(textpage, height)
            textpage.close()
            page.close()
    finally:
        pdf.close()
