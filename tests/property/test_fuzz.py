"""Fuzzing every parser: random bytes, and real documents of each format damaged at random.

Whatever the bytes, a parser's `sniff` returns a number from 0 to 1, and its `read` (like
`gkbg.parse`) returns a result or raises a `GkbgError`: never anything else. The legacy
parser is fuzzed without LibreOffice (conversion is exercised in ``tests/read/test_legacy.py``).
"""

from __future__ import annotations

import contextlib
import io
import zipfile
from typing import TYPE_CHECKING
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gkbg
from tests.helpers import CORPUS, FIXTURES, MARKDOWN, SEEDS
from tests.hostile import hostile

if TYPE_CHECKING:
    from collections.abc import Callable

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _small_png() -> bytes:
    """A small page image with a ruled box (kept small: each example runs the OCR engine)."""
    image = pytest.importorskip("PIL.Image")
    draw = pytest.importorskip("PIL.ImageDraw")
    picture = image.new("L", (96, 48), 255)
    draw.Draw(picture).rectangle((8, 8, 88, 40), outline=0, width=2)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return buffer.getvalue()


# A real document of each format, as the parsers' starting points.
ORIGINALS: dict[str, Callable[[], bytes]] = {
    "pdf": CORPUS[0].read_bytes,
    "docx": hostile.TEMPLATE.read_bytes,
    "odt": (FIXTURES / "odt" / "huaian-city-2024.odt").read_bytes,
    "xlsx": lambda: hostile.xlsx(
        hostile.sheet(
            '<row r="1"><c r="A1" t="inlineStr"><is><t>二、主动公开政府信息情况</t></is></c>'
            '<c r="B1"><v>3</v></c></row>',
            '<mergeCell ref="A2:C3"/>',
        )
    ),
    "html": (FIXTURES / "html" / "county_2020_gbk.html").read_bytes,
    "markdown": MARKDOWN[0].read_bytes,
    "pipe": SEEDS[0].read_bytes,
    "text": SEEDS[2].read_bytes,
    "legacy": lambda: hostile.ole("WordDocument"),
    "image": _small_png,
}


@st.composite
def damaged(draw: st.DrawFn, original: bytes) -> bytes:
    """``original`` with a few random edits: bytes changed, cut off, inserted, repeated."""
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 4))):
        position = draw(st.integers(0, len(data)))
        edit = draw(st.sampled_from(["change", "truncate", "insert", "repeat", "delete"]))
        if edit == "change" and position < len(data):
            data[position] = draw(st.integers(0, 255))
        elif edit == "truncate":
            del data[position:]
        elif edit == "insert":
            data[position:position] = draw(st.binary(min_size=1, max_size=64))
        elif edit == "repeat":
            length = draw(st.integers(1, 4096))
            data[position:position] = data[position : position + length] * draw(st.integers(2, 50))
        else:
            del data[position : position + draw(st.integers(1, 4096))]
    return bytes(data)


def _read(parser_name: str, data: bytes) -> None:
    parser = gkbg.default_registry().get(parser_name)
    document = gkbg.Input(data, f"fuzz.{parser_name}")
    with mock.patch("gkbg.read.legacy.find_soffice", return_value=None):
        confidence = parser.sniff(document)
        assert 0.0 <= confidence <= 1.0
        try:
            layout = parser.read(document)
        except gkbg.GkbgError:
            pass
        else:
            assert isinstance(layout, gkbg.Layout)
        try:
            report = gkbg.parse(data)
        except gkbg.GkbgError:
            pass
        else:
            assert isinstance(report, gkbg.Report)
            gkbg.check(report)


@pytest.mark.parametrize("parser_name", list(ORIGINALS))
def test_every_parser_survives_its_own_format_damaged(parser_name: str) -> None:
    original = ORIGINALS[parser_name]()

    @FUZZ
    @given(damaged(original))
    def fuzz(data: bytes) -> None:
        _read(parser_name, data)

    fuzz()


@pytest.mark.parametrize("parser_name", list(ORIGINALS))
def test_every_parser_survives_random_bytes(parser_name: str) -> None:
    prefixes = st.sampled_from(
        [b"", b"%PDF-1.7\n", b"PK\x03\x04", b"<html><table>", b"\xef\xbb\xbf", hostile.ole()[:8]]
    )

    @FUZZ
    @given(prefixes, st.binary(max_size=4096))
    def fuzz(prefix: bytes, data: bytes) -> None:
        _read(parser_name, prefix + data)

    fuzz()


def _rezipped(package: bytes, member: str, content: bytes) -> bytes:
    """``package`` with one member's content replaced, the archive itself intact."""
    with zipfile.ZipFile(io.BytesIO(package)) as source:
        members = {info.filename: source.read(info) for info in source.infolist()}
    members[member] = content
    return hostile.zip_bytes(members)


@pytest.mark.parametrize(
    ("parser_name", "member"),
    [
        ("docx", "word/document.xml"),
        ("odt", "content.xml"),
        ("xlsx", "xl/worksheets/sheet1.xml"),
    ],
)
def test_packages_survive_their_xml_damaged(parser_name: str, member: str) -> None:
    """Damage inside a sound archive reaches the XML parser and the reader behind it."""
    package = ORIGINALS[parser_name]()
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        xml = archive.read(member)

    @FUZZ
    @given(damaged(xml))
    def fuzz(content: bytes) -> None:
        data = _rezipped(package, member, content)
        layout: gkbg.Layout | None = None
        with contextlib.suppress(gkbg.GkbgError):
            layout = gkbg.default_registry().get(parser_name).read(gkbg.Input(data, "fuzz"))
        assert layout is None or isinstance(layout, gkbg.Layout)

    fuzz()


def test_every_registered_parser_is_fuzzed() -> None:
    assert set(gkbg.default_registry().names()) <= set(ORIGINALS)
