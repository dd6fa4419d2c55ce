# SPDX-License-Identifier: MIT
"""The PDF reader's shortcuts give what the plain computations they replace give.

Each plain computation is written out here as the definition: the ruling lines read through
pypdfium2's declared functions (the reader calls them without ctypes' argument checks), the
grouping of characters into lines and words, and which ruling lines run between two grid
positions. Each page is loaded once, its characters counted against the limit before any of
them is read.
"""

from __future__ import annotations

import ctypes
import functools
import unicodedata
from typing import TYPE_CHECKING, Any

import attrs
import pypdfium2 as pdfium
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gkbg
from gkbg.core.model import Location
from gkbg.read.pdf import reader as _pdf
from gkbg.read.pdf.geometry import (
    _NARROW_GAP,
    _SNAP,
    _WORD_GAP,
    Char,
    Line,
    Rule,
    _near,
    group_lines,
)
from tests.helpers import CORPUS, pdf_chars, pdf_documents, pdf_pages
from tests.hostile import hostile

if TYPE_CHECKING:
    from collections.abc import Iterable

    from gkbg.read.pdf.geometry import Box

_TEXT_CALLS = ("IsGenerated", "GetUnicode", "GetCharAngle", "GetCharBox", "GetLooseCharBox")
DOCUMENTS = pdf_documents()


# --------------------------------------------------------------------------------------------
# Ruling lines: the plain reading, through pypdfium2's declared functions.


def _plain_rules(page: Any, frame: _pdf._Frame) -> list[Rule]:
    raw = pdfium.raw
    rules: list[Rule] = []
    objects = [
        raw.FPDFPage_GetObject(page.raw, i) for i in range(raw.FPDFPage_CountObjects(page.raw))
    ]
    _plain_walk(objects, (1.0, 0.0, 0.0, 1.0, 0.0, 0.0), frame, rules, 0)
    return rules


def _plain_matrix(handle: Any) -> _pdf.Matrix:
    matrix = pdfium.raw.FS_MATRIX()
    if not pdfium.raw.FPDFPageObj_GetMatrix(handle, ctypes.byref(matrix)):
        return (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    return (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f)


def _plain_walk(
    objects: list[Any], outer: _pdf.Matrix, frame: _pdf._Frame, rules: list[Rule], depth: int
) -> None:
    raw = pdfium.raw
    for handle in objects:
        kind = raw.FPDFPageObj_GetType(handle)
        if kind == raw.FPDF_PAGEOBJ_FORM and depth < _pdf._MAX_DEPTH:
            matrix = _pdf._multiply(_plain_matrix(handle), outer)
            count = raw.FPDFFormObj_CountObjects(handle)
            inner = [raw.FPDFFormObj_GetObject(handle, i) for i in range(count)]
            _plain_walk(inner, matrix, frame, rules, depth + 1)
        elif kind == raw.FPDF_PAGEOBJ_PATH:
            _plain_path(handle, _pdf._multiply(_plain_matrix(handle), outer), frame, rules)


def _plain_path(handle: Any, matrix: _pdf.Matrix, frame: _pdf._Frame, rules: list[Rule]) -> None:
    raw = pdfium.raw
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    if not raw.FPDFPath_GetDrawMode(handle, ctypes.byref(fill), ctypes.byref(stroke)):
        return
    points = []
    x, y = ctypes.c_float(), ctypes.c_float()
    a, b, c, d, e, f = matrix
    for index in range(raw.FPDFPath_CountSegments(handle)):
        segment = raw.FPDFPath_GetPathSegment(handle, index)
        if not raw.FPDFPathSegment_GetPoint(segment, ctypes.byref(x), ctypes.byref(y)):
            return
        px, py = frame.point(a * x.value + c * y.value + e, b * x.value + d * y.value + f)
        kind = raw.FPDFPathSegment_GetType(segment)
        points.append((px, py, kind, bool(raw.FPDFPathSegment_GetClose(segment))))
    if not points:
        return
    if stroke.value:
        start = previous = None
        for px, py, kind, close in points:
            if kind == raw.FPDF_SEGMENT_MOVETO or previous is None:
                start = previous = (px, py)
                continue
            if kind == raw.FPDF_SEGMENT_LINETO:
                _pdf._segment_rule(previous, (px, py), rules)
            previous = (px, py)
            if close and start is not None:
                _pdf._segment_rule(previous, start, rules)
                previous = start
    elif fill.value:
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        width, tall = max(xs) - min(xs), max(ys) - min(ys)
        if tall <= _pdf._BAR < width:
            rules.append(Rule.across((min(ys) + max(ys)) / 2, min(xs), max(xs)))
        elif width <= _pdf._BAR < tall:
            rules.append(Rule.down((min(xs) + max(xs)) / 2, min(ys), max(ys)))


@pytest.mark.parametrize(("name", "data"), DOCUMENTS, ids=[name for name, _ in DOCUMENTS])
@pytest.mark.parametrize("quarter", [0, 1, 2, 3])
def test_the_ruling_lines_are_those_of_the_declared_functions(
    name: str, data: bytes, quarter: int
) -> None:
    for page, _ in pdf_pages(data):
        width, height = _pdf._unrotated_size(page)
        frame = _pdf._Frame(quarter, width, height)
        assert _pdf._rules(page, frame) == _plain_rules(page, frame), name


def test_every_function_called_without_checks_is_undeclared() -> None:
    """None fell back to its declared twin (which the reader's arguments do not fit)."""
    values = attrs.asdict(_pdf._path_calls(), recurse=False).values()
    functions = [value for value in values if callable(value) and not isinstance(value, type)]
    functions += [_pdf._unchecked(f"FPDFText_{name}") for name in _TEXT_CALLS]
    assert len(functions) == 17
    assert all(function.argtypes is None for function in functions)


# --------------------------------------------------------------------------------------------
# Lines and words: the plain grouping.


@functools.lru_cache(maxsize=4096)
def _plain_wide(text: str) -> bool:
    return unicodedata.east_asian_width(text) in {"W", "F"}


def _plain_is_space(text: str) -> bool:
    return not text.strip() or text in {"\u00a0", "\u3000", "\u200b"}


def _plain_group_lines(chars: Iterable[Char]) -> list[Line]:
    bands: list[list[Char]] = []
    centres: list[float] = []
    heights: list[float] = []
    for char in sorted(chars, key=lambda c: (c.cy, c.x0)):
        tall = char.bottom - char.top
        if bands and abs(char.cy - centres[-1]) <= max(tall, heights[-1]) / 2:
            band = bands[-1]
            band.append(char)
            centres[-1] += (char.cy - centres[-1]) / len(band)
            heights[-1] += (tall - heights[-1]) / len(band)
            continue
        bands.append([char])
        centres.append(char.cy)
        heights.append(tall)
    lines = [_plain_line(band) for band in bands]
    return [line for line in lines if line.words]


def _plain_line(band: list[Char]) -> Line:
    ordered: list[Char] = []
    for char in sorted(band, key=lambda c: (c.x0, c.x1)):
        if not any(
            k.text == char.text
            and abs(k.x0 - char.x0) < 1.0
            and abs(k.top - char.top) < 1.0
            and abs(k.x1 - char.x1) < 1.0
            for k in ordered[-3:]
        ):
            ordered.append(char)
    words: list[tuple[str, Box | None]] = []
    current: list[Char] = []

    def close() -> None:
        if current:
            box = (
                min(c.x0 for c in current),
                min(c.top for c in current),
                max(c.x1 for c in current),
                max(c.bottom for c in current),
            )
            words.append(("".join(c.text for c in current), box))
            current.clear()

    for char in ordered:
        if _plain_is_space(char.text):
            close()
            continue
        if current:
            left = current[-1]
            gap = char.x0 - left.x1
            height = min(left.bottom - left.top, char.bottom - char.top)
            wide = _plain_wide(left.text) and _plain_wide(char.text)
            if gap > (_WORD_GAP if wide else _NARROW_GAP) * height:
                close()
        current.append(char)
    close()
    return Line(tuple(ordered), tuple(words))


@settings(max_examples=400, deadline=None)
@given(pdf_chars())
def test_the_lines_of_generated_characters_are_the_plain_lines(chars: list[Char]) -> None:
    assert group_lines(chars) == _plain_group_lines(chars)


@pytest.mark.parametrize(("name", "data"), DOCUMENTS, ids=[name for name, _ in DOCUMENTS])
def test_the_lines_of_every_page_are_the_plain_lines(name: str, data: bytes) -> None:
    for page, textpage in pdf_pages(data):
        found = _pdf._chars(textpage, *_pdf._unrotated_size(page))
        if found is not None:
            chars = found[0]
            assert group_lines(chars) == _plain_group_lines(chars), name
            half = [c for c in chars if c.cx < chars[0].cx + 200] if chars else []
            assert group_lines(half) == _plain_group_lines(half), name


# --------------------------------------------------------------------------------------------
# Which ruling lines run between two grid positions.


def _plain_covers(rules: list[Rule], at: float, point: float) -> bool:
    return any(abs(r.at - at) <= _SNAP and r.start <= point <= r.end for r in rules)


_RULE = st.builds(
    Rule.down,
    st.floats(0, 30).map(lambda v: round(v, 1)),
    st.floats(0, 30).map(lambda v: round(v, 1)),
    st.floats(30, 60).map(lambda v: round(v, 1)),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_RULE, max_size=12), st.floats(0, 30), st.floats(-5, 65))
def test_the_lines_near_a_position_cover_what_the_plain_test_covers(
    rules: list[Rule], at: float, point: float
) -> None:
    near = _near(rules, at)
    assert any(start <= point <= end for start, end in near) == _plain_covers(rules, at, point)
    for start, end in near:
        assert _plain_covers(rules, at, (start + end) / 2)


# --------------------------------------------------------------------------------------------
# Tokens' locations, and the limit on characters counted page by page.


def test_a_token_location_is_built_from_every_field_of_location() -> None:
    """`_Writer.layout` builds each token's Location field by field, in this order."""
    fields = [field.name for field in attrs.fields(Location)]
    assert fields == [
        "start",
        "end",
        "line",
        "column",
        "page",
        "bbox",
        "table_index",
        "row_index",
        "col_index",
    ]
    layout = gkbg.parse_layout(CORPUS[0])
    cells = [token for token in layout.tokens if token.cell]
    assert cells
    for token in layout.tokens[:200]:
        location = token.location
        assert location.start is not None
        assert location.end is not None
        assert layout.text[location.start : location.end] == token.text


def test_a_page_over_the_limit_is_refused_before_its_characters_are_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    read: list[int] = []
    chars = _pdf._chars

    def counted(textpage: Any, width: float, height: float) -> Any:
        read.append(textpage.count_chars())
        return chars(textpage, width, height)

    monkeypatch.setattr(_pdf, "_chars", counted)
    with pytest.raises(gkbg.LimitExceededError) as caught:
        gkbg.parse(hostile.text_bomb_pdf(100))
    assert caught.value.limit == "max_text_chars"
    assert read == []


@pytest.mark.parametrize("text_order", [False, True], ids=["geometry", "text-order"])
def test_the_characters_are_counted_over_the_pages_read(
    monkeypatch: pytest.MonkeyPatch, text_order: bool
) -> None:
    """A limit under the document's characters stops it at the page that passes it."""
    if text_order:
        monkeypatch.setattr(_pdf, "_quarter", lambda _angle: None)
    pdf = pdfium.PdfDocument(CORPUS[0])
    counts = []
    for index in range(len(pdf)):
        textpage = pdf[index].get_textpage()
        counts.append(textpage.count_chars())
        textpage.close()
    pdf.close()
    limit = counts[0] + counts[1] - 1
    with pytest.raises(gkbg.LimitExceededError) as caught:
        gkbg.parse(CORPUS[0], limits=gkbg.Limits(max_text_chars=limit))
    assert caught.value.limit == "max_text_chars"
    assert f"{counts[0] + counts[1]:,} characters" in str(caught.value)
