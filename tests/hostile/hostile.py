"""A hostile-input corpus, generated here (nothing is downloaded), and the runner that reads it.

Each case is a file as an attacker, a broken tool or an unlucky upload would produce it, with
the outcome gkbg must reach: the name of the `GkbgError` subclass it must raise, or
``"Report"`` when the file is readable. `run` reads every case in this process, each under a
SIGALRM timer, and prints one JSON line per case; ``tests/hostile/test_hostile.py`` runs it in a
subprocess whose address space is capped with ``resource.setrlimit(RLIMIT_AS)``, so that the
memory bound is enforced by the kernel, not by a measurement.

    python -m tests.hostile.hostile [MEBIBYTES] [SECONDS_PER_CASE]
"""

from __future__ import annotations

import importlib
import io
import json
import pkgutil
import random
import resource
import signal
import struct
import sys
import tempfile
import time
import zipfile
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

import regex

import gkbg
from gkbg.align import grid as _grid
from gkbg.align import report as _align
from gkbg.core.office import find_soffice
from tests.helpers import CORPUS, FIXTURES, SEEDS

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from types import FrameType

ENCRYPTED_PDF = FIXTURES / "hostile" / "encrypted.pdf"
OWNER_ONLY_PDF = FIXTURES / "hostile" / "owner-password-only.pdf"
TEMPLATE = FIXTURES / "docx" / "form-2021-template.docx"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
S_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
MIB = 1024 * 1024


# --------------------------------------------------------------------------------------------
# Builders.


def utf8(build: Callable[[], str]) -> Callable[[], bytes]:
    """A builder of the UTF-8 bytes of the text ``build`` makes (built when the case runs)."""
    return lambda: build().encode()


def rng(seed: int) -> random.Random:
    """A seeded generator: the corpus is the same on every run."""
    return random.Random(seed)  # noqa: S311 - test data, not cryptography


def zip_bytes(members: Mapping[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def deflated_member(name: str, chunk: bytes, repeat: int) -> bytes:
    """A one-member zip of ``chunk`` repeated, without compressing (or holding) all of it."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    stream = block * repeat + compressor.flush()
    crc = 0
    for _ in range(repeat):
        crc = zlib.crc32(chunk, crc)
    encoded = name.encode()
    sizes = (crc, len(stream), len(chunk) * repeat, len(encoded))
    local = struct.pack("<4s5H3I2H", b"PK\x03\x04", 20, 0, 8, 0, 0, *sizes, 0) + encoded
    central = struct.pack(
        "<4s6H3I5H2I", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, *sizes, 0, 0, 0, 0, 0, 0
    )
    end = struct.pack(
        "<4s4H2IH",
        b"PK\x05\x06",
        0,
        0,
        1,
        1,
        len(central) + len(encoded),
        len(local) + len(stream),
        0,
    )
    return local + stream + central + encoded + end


def docx(body: str, *, prolog: str = "") -> bytes:
    xml = f'<?xml version="1.0"?>{prolog}<w:document xmlns:w="{W_NS}"><w:body>{body}'
    return zip_bytes({"word/document.xml": (xml + "</w:body></w:document>").encode()})


def para(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


LAUGHS_DTD = (
    '<!DOCTYPE w:document [<!ENTITY lol0 "lol">'
    + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    + "]>"
)
XXE_DTD = '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
QUADRATIC_DTD = f'<!DOCTYPE w:document [<!ENTITY big "{"x" * 50_000}">]>'


def xlsx(sheet_xml: str, *, styles: bytes | None = None) -> bytes:
    """A minimal workbook of one sheet, its sheet XML given."""
    members = {
        "[Content_Types].xml": (
            b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            b'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats'
            b'-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            b'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
            b'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml'
            b'.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package'
            b'/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org'
            b'/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            b"</Relationships>"
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0"?><workbook xmlns="{S_NS}" xmlns:r="http://schemas.openxmlformats'
            '.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" '
            'r:id="rId1"/></sheets></workbook>'
        ).encode(),
        "xl/_rels/workbook.xml.rels": (
            b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package'
            b'/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org'
            b'/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            b"</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": sheet_xml.encode(),
    }
    if styles is not None:
        members["xl/styles.xml"] = styles
    return zip_bytes(members)


def sheet(rows: str, merges: str = "", *, prolog: str = "") -> str:
    merged = f"<mergeCells>{merges}</mergeCells>" if merges else ""
    return (
        f'<?xml version="1.0"?>{prolog}<worksheet xmlns="{S_NS}"><sheetData>{rows}</sheetData>'
        f"{merged}</worksheet>"
    )


def pdf(pages: list[str | None], *, page_count: int | None = None) -> bytes:
    """A valid PDF: one page per entry, its text (ASCII) drawn in Helvetica, None for no text.

    ``page_count`` repeats one blank page object that many times instead (a huge page tree).
    """
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    kids: list[int] = []
    font = len(objects) + 1
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for text in pages:
        stream = b"" if text is None else f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        content = len(objects)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
            b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (content, font)
        )
        kids.append(len(objects))
    if page_count is not None:
        kids = [kids[0]] * page_count
    references = b" ".join(b"%d 0 R" % kid for kid in kids)
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (references, len(kids))
    return pdf_file(objects)


def pdf_file(objects: list[bytes]) -> bytes:
    """A PDF file of ``objects`` (numbered from 1, the first the catalogue), with its xref."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def packed_pdf_file(objects: list[bytes]) -> bytes:
    """A PDF 1.5 file of ``objects`` (numbered from 1, the first the catalogue) whose objects
    other than streams are packed in an object stream, found through a cross-reference stream,
    as Word and LibreOffice write them."""
    packed = [n for n, body in enumerate(objects, start=1) if b"stream" not in body]
    head = b" ".join(b"%d %d" % (n, 0) for n in packed)  # offsets filled below
    offsets, bodies, position = [], [], 0
    for number in packed:
        offsets.append(position)
        bodies.append(objects[number - 1] + b"\n")
        position += len(bodies[-1])
    head = b" ".join(b"%d %d" % (n, o) for n, o in zip(packed, offsets, strict=True)) + b"\n"
    content = zlib.compress(head + b"".join(bodies))
    holder = len(objects) + 1
    out = bytearray(b"%PDF-1.7\n")
    where: dict[int, int] = {}
    for number, body in enumerate(objects, start=1):
        if number not in packed:
            where[number] = len(out)
            out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    where[holder] = len(out)
    out += b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\n" % (
        holder,
        len(packed),
        len(head),
        len(content),
    )
    out += b"stream\n" + content + b"\nendstream\nendobj\n"
    xref = holder + 1
    where[xref] = len(out)
    rows = [b"\x00\x00\x00\x00\x00\xff\xff"]
    for number in range(1, xref + 1):
        if number in packed:
            rows.append(
                b"\x02" + holder.to_bytes(4, "big") + packed.index(number).to_bytes(2, "big")
            )
        else:
            rows.append(b"\x01" + where[number].to_bytes(4, "big") + b"\x00\x00")
    table = b"".join(rows)
    out += b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Length %d >>\n" % (
        xref,
        xref + 1,
        len(table),
    )
    out += b"stream\n" + table + b"\nendstream\nendobj\n"
    out += b"startxref\n%d\n%%%%EOF\n" % where[xref]
    return bytes(out)


def inflating_pdf(size: int) -> bytes:
    """A one-page PDF whose content stream inflates to ``size`` bytes of spaces.

    Each mebibyte is one deflate block after a full flush, so every block after the first is
    the same bytes: the stream is built by repeating it (1 KB per MiB), then the end block and
    the checksum of the whole.
    """
    chunk = b" " * (1 << 20)
    compressor = zlib.compressobj(9)
    first = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    checksum = 1
    for _ in range(size >> 20):
        checksum = zlib.adler32(chunk, checksum)
    stream = first + block * ((size >> 20) - 1) + b"\x03\x00" + checksum.to_bytes(4, "big")
    return pdf_file(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream)
            + stream
            + b"\nendstream",
        ]
    )


def text_bomb_pdf(lines: int) -> bytes:
    """A PDF of a few kilobytes whose one compressed page holds ``lines`` x 32,000 characters."""
    body = "".join(f"BT /F1 1 Tf 72 {700 - i} Td ({'0 ' * 16000}) Tj ET\n" for i in range(lines))
    stream = zlib.compress(body.encode(), 9)
    plain = b"BT /F1 12 Tf 72 720 Td (x) Tj ET"
    page = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(plain), plain)
    bomb = b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(stream), stream)
    # The cross-reference offsets no longer fit; PDFium rebuilds them, as readers do.
    return pdf(["x"]).replace(page, bomb)


def tiny_chars_pdf(characters: int) -> bytes:
    """A PDF of a few kilobytes whose one page prints ``characters`` digits at a fifth of a point.

    Rows of 2,000 digits with no space between them: a few words, so the token limit does not
    refuse it; only counting the page's characters does.
    """
    per_row = 2000
    body = "".join(
        f"BT /F1 0.2 Tf 10 {800 - row * 0.3:.2f} Td ({'0' * per_row}) Tj ET\n"
        for row in range(-(-characters // per_row))
    )
    stream = zlib.compress(body.encode(), 9)
    plain = b"BT /F1 12 Tf 72 720 Td (x) Tj ET"
    page = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(plain), plain)
    bomb = b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(stream), stream)
    return pdf(["x"]).replace(page, bomb)


def fanout_pdf(fan: int, *, packed: bool = False) -> bytes:
    """A PDF of about a kilobyte whose page draws a form ``fan`` times, which draws a second form
    ``fan`` times, which strokes one line: ``fan`` squared drawings on one page (``packed``: its
    page tree in an object stream, `packed_pdf_file`)."""

    def stream(content: bytes, extra: bytes = b"") -> bytes:
        packed = zlib.compress(content, 9)
        head = b"<< /Length %d /Filter /FlateDecode %s >>" % (len(packed), extra)
        return head + b"\nstream\n" + packed + b"\nendstream"

    form = b"/Type /XObject /Subtype /Form /BBox [0 0 595 842]"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /XObject << /X0 5 0 R >> >> >>"
        ),
        stream(b"\n".join([b"q 1 0 0 1 0 0 cm /X0 Do Q"] * fan)),
        stream(
            b"\n".join([b"q 1 0 0 1 0 0 cm /X1 Do Q"] * fan),
            form + b" /Resources << /XObject << /X1 6 0 R >> >>",
        ),
        stream(b"0 0 m 1 1 l S", form),
    ]
    return packed_pdf_file(objects) if packed else pdf_file(objects)


def _form_stream(content: bytes, extra: bytes = b"") -> bytes:
    packed = zlib.compress(content, 9)
    head = b"<< /Length %d /Filter /FlateDecode %s >>" % (len(packed), extra)
    return head + b"\nstream\n" + packed + b"\nendstream"


_FORM = b"/Type /XObject /Subtype /Form /BBox [0 0 595 842]"


def nested_forms_pdf(depth: int, fan: int = 2, *, cycle: bool = False) -> bytes:
    """A PDF whose page draws form 1 ``fan`` times, which draws form 2 ``fan`` times, and so
    on ``depth`` forms deep (``fan`` to the power ``depth`` drawings); with ``cycle`` the last
    form draws the first again instead of a line."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /XObject << /X 5 0 R >> >> >>"
        ),
        _form_stream(b"\n".join([b"q /X Do Q"] * fan)),
    ]
    for level in range(depth):
        inner = 5 if cycle and level == depth - 1 else len(objects) + 2
        if level == depth - 1 and not cycle:
            objects.append(_form_stream(b"0 0 m 1 1 l S", _FORM))
        else:
            objects.append(
                _form_stream(
                    b"\n".join([b"q /X Do Q"] * fan),
                    _FORM + b" /Resources << /XObject << /X %d 0 R >> >>" % inner,
                )
            )
    return pdf_file(objects)


def inline_image_pdf(width: int, height: int, data: int) -> bytes:
    """A PDF whose page draws one inline image declared ``width`` x ``height`` pixels of 8-bit
    RGB, with ``data`` bytes of pixels given (compressed, the page is a few kilobytes)."""
    pixels = bytes(data)
    content = (
        b"q 100 0 0 100 0 0 cm BI /W %d /H %d /BPC 8 /CS /RGB ID " % (width, height)
        + pixels
        + b" EI Q BT /F1 12 Tf 72 720 Td (x) Tj ET"
    )
    stream = zlib.compress(content, 9)
    plain = b"BT /F1 12 Tf 72 720 Td (x) Tj ET"
    page = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(plain), plain)
    bomb = b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(stream), stream)
    return pdf(["x"]).replace(page, bomb)


def long_path_pdf(segments: int) -> bytes:
    """A PDF whose page strokes one path of ``segments`` short straight segments (one drawing,
    a compressed page of a few hundred kilobytes)."""
    body = b"0 0 m\n" + b"".join(b"%d %d l\n" % (n % 500, n % 7) for n in range(segments)) + b"S"
    stream = zlib.compress(body, 9)
    plain = b"BT /F1 12 Tf 72 720 Td (x) Tj ET"
    page = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(plain), plain)
    bomb = b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(stream), stream)
    return pdf(["x"]).replace(page, bomb)


def seed_text(index: int = 0) -> str:
    return SEEDS[index].read_text(encoding="utf-8")


def flipped(data: bytes, *, every: int, seed: int = 7) -> bytes:
    """``data`` with one random byte changed in every ``every`` bytes."""
    generator = rng(seed)
    out = bytearray(data)
    for position in range(generator.randrange(every), len(out), every):
        out[position] = generator.randrange(256)
    return bytes(out)


def numbers(count: int) -> list[int]:
    """Random numbers, so that what holds them does not compress past the ratio limit."""
    generator = rng(count)
    return [generator.randrange(10**9) for _ in range(count)]


def encrypted_flag(package: bytes) -> bytes:
    """``package`` with every member marked encrypted (general purpose flag bit 0)."""
    out = bytearray(package)
    for signature, flags in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        position = out.find(signature)
        while position >= 0:
            out[position + flags] |= 1
            position = out.find(signature, position + 4)
    return bytes(out)


def ole(*streams: str) -> bytes:
    """An OLE compound file header followed by junk and the names of the given streams."""
    names = b"".join(name.encode("utf-16-le") for name in streams)
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + names + bytes(2048)


# --------------------------------------------------------------------------------------------
# The corpus: name -> (builder, the outcome it must reach).

Case = tuple["Callable[[], bytes]", str]

CASES: dict[str, Case] = {
    # Nothing, or nothing readable.
    "empty": (lambda: b"", "EmptyDocumentError"),
    "white-space": (lambda: b" \r\n\t\x0c" * 1000, "EmptyDocumentError"),
    "nul-bytes": (lambda: bytes(100_000), "UnknownFormatError"),
    "random-bytes": (lambda: rng(1).randbytes(1 << 20), "UnknownFormatError"),
    # A page image (read by OCR) that is damaged; without the ocr extra, the error names it.
    "png": (
        lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(4096),
        "CorruptDocumentError|MissingExtraError",
    ),
    "gzip": (lambda: zlib.compress(b"0 " * 100_000)[2:], "UnknownFormatError"),
    # Encodings.
    "utf16-bom-broken": (
        lambda: b"\xff\xfe" + "二、主动公开".encode("utf-16-le") + b"\x00\xd8",
        "EncodingError",
    ),
    "utf8-bom-broken": (
        lambda: b"\xef\xbb\xbf" + "主动公开".encode() + b"\xff\xfe\xfd",
        "EncodingError",
    ),
    "invalid-in-both": (lambda: "主动公开 |\n".encode() * 20 + b"\xff\x80\xff\n", "EncodingError"),
    "mixed-utf8-gbk": (
        lambda: seed_text(0).encode()[:6000] + "收到和处理政府信息公开申请情况".encode("gbk"),
        "EncodingError",
    ),
    "utf16-without-bom": (lambda: seed_text(2).encode("utf-16-le"), "UnknownFormatError"),
    # Text that is large, or built to make patterns backtrack (just under max_text_chars).
    "many-words": (lambda: b"0 " * 300_000, "LimitExceededError"),
    "many-pipe-cells": (lambda: b"0 |\n" * 250_000, "LimitExceededError"),
    "one-long-word": (utf8(lambda: "政府信息公开工作年度报告" * 75_000), "NoTablesError"),
    "long-line-of-spaces": (lambda: b"x" + b" " * 900_000 + b"|x", "NoTablesError"),
    "over-the-text-limit": (utf8(lambda: "政" * 1_100_000), "LimitExceededError"),
    "years": (utf8(lambda: "2019年度" * 150_000), "NoTablesError"),
    "page-numbers": (utf8(lambda: "第 1 页 共 9 页 - 3 - 1/2 " * 20_000), "NoTablesError"),
    "markup-in-labels": (
        utf8(lambda: "<br <p <span " * 69_000 + " |\n" * 20),
        "NoTablesError",
    ),
    "digit-groups": (utf8(lambda: "1,234,567,8" * 80_000 + " |\n" * 20), "NoTablesError"),
    "headings-repeated": (
        utf8(lambda: "二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况\n" * 20_000),
        "Report",  # the tables' headings, every cell missing
    ),
    "labels-repeated": (
        utf8(lambda: "行政复议 行政诉讼 本年新制作数量 " * 20_000),
        "NoTablesError",
    ),
    "narrative-numbers": (
        utf8(lambda: seed_text(2) + "本年度共收到政府信息公开申请" * 30_000 + "12件。"),
        "Report",
    ),
    "seed-repeated": (utf8(lambda: seed_text(0) * 40), "Report"),
    "seed-cut-in-half": (utf8(lambda: seed_text(0)[: len(seed_text(0)) // 2]), "Report"),
    # HTML.
    "html-deep-divs": (lambda: b"<html><body>" + b"<div>" * 100_000 + b"x", "LimitExceededError"),
    "html-deep-tables": (lambda: b"<table><tr><td>" * 300 + b"1", "LimitExceededError"),
    "html-unclosed-fonts": (lambda: b"<html><body>" + b"<font>x" * 50_000, "LimitExceededError"),
    "html-many-cells": (lambda: b"<table><tr>" + b"<td>0</td>" * 250_000, "LimitExceededError"),
    # Shapes that were super-linear: each now reads in linear time.
    "html-breaks-in-a-cell": (
        lambda: b"<html><body><table><tr><td>" + b"<br>" * 100_000 + b"</td></tr></table>",
        "NoTablesError",
    ),
    "html-sibling-paragraphs": (lambda: b"<html><body>" + b"<p>x</p>" * 40_000, "NoTablesError"),
    "html-60mb-of-paragraphs": (
        utf8(lambda: "<html><body>" + ("<p>" + "政府信息公开" * 20 + "</p>\n") * 160_000),
        "LimitExceededError",  # refused when its text passes max_text_chars, not at the end
    ),
    "html-huge-spans": (
        lambda: b"<table>" + b'<tr><td rowspan="0" colspan="1000">1</td></tr>' * 3000,
        "LimitExceededError",
    ),
    "html-many-attributes": (
        lambda: b"<html><body><p " + b" ".join(b"a%d=1" % i for i in range(200_000)) + b">x",
        "LimitExceededError",
    ),
    "html-huge-comment": (lambda: b"<html><body><!--" + b"-" * 5_000_000, "EmptyDocumentError"),
    "html-entity-bomb": (
        utf8(
            lambda: "<!DOCTYPE html [" + LAUGHS_DTD[20:-2] + "]><html><body><table><tr><td>&lol9;"
        ),
        "NoTablesError",
    ),
    "html-external-entity": (
        utf8(
            lambda: XXE_DTD.replace("w:document", "html") + "<html><body><p>&xxe;</p></body></html>"
        ),
        "NoTablesError",
    ),
    "html-binary-after-tag": (
        lambda: b"<table>" + rng(2).randbytes(100_000),
        "UnknownFormatError",
    ),
    # Word.
    "docx-billion-laughs": (lambda: docx(para("&lol9;"), prolog=LAUGHS_DTD), "UnsafeDocumentError"),
    "docx-external-entity": (lambda: docx(para("&xxe;"), prolog=XXE_DTD), "UnsafeDocumentError"),
    "docx-quadratic-blowup": (
        lambda: docx(para("&big;" * 100_000), prolog=QUADRATIC_DTD),
        "UnsafeDocumentError",
    ),
    "docx-deep-nesting": (
        lambda: docx("<w:sdt><w:sdtContent>" * 300 + para("x")),
        "LimitExceededError",
    ),
    "docx-zip-bomb": (
        lambda: deflated_member("word/document.xml", b" " * MIB, 40),
        "LimitExceededError",
    ),
    "docx-too-large": (
        lambda: deflated_member("word/document.xml", b" " * MIB, 60),
        "LimitExceededError",
    ),
    "docx-many-members": (
        lambda: zip_bytes({f"m/{i}": b"" for i in range(2500)} | {"word/document.xml": b"<a/>"}),
        "LimitExceededError",
    ),
    "docx-many-paragraphs": (
        lambda: docx("".join(para(str(n)) for n in numbers(250_000))),
        "LimitExceededError",
    ),
    "docx-truncated": (lambda: TEMPLATE.read_bytes()[:-100], "CorruptDocumentError"),
    "docx-flipped-bytes": (
        lambda: flipped(TEMPLATE.read_bytes(), every=500),
        "CorruptDocumentError",
    ),
    "docx-encrypted-member": (lambda: encrypted_flag(docx(para("x"))), "EncryptedDocumentError"),
    # Excel.
    "xlsx-whole-sheet-merged": (
        lambda: xlsx(
            sheet('<row r="1"><c r="A1"><v>1</v></c></row>', '<mergeCell ref="A1:XFD1048576"/>')
        ),
        "LimitExceededError",
    ),
    "xlsx-cells-far-apart": (  # 1,000 rows of a cell in A and one in XFD: no 16M blanks
        lambda: xlsx(
            sheet(
                "".join(
                    f'<row r="{i}"><c r="A{i}"><v>1</v></c><c r="XFD{i}"><v>2</v></c></row>'
                    for i in range(1, 1001)
                )
            )
        ),
        "NoTablesError",
    ),
    "xlsx-many-cells": (
        lambda: xlsx(
            sheet(
                '<row r="1">' + "".join(f"<c><v>{n}</v></c>" for n in numbers(250_000)) + "</row>"
            )
        ),
        "LimitExceededError",
    ),
    "xlsx-billion-laughs": (
        lambda: xlsx(
            sheet(
                '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>',
                prolog=LAUGHS_DTD.replace("w:document", "worksheet"),
            )
        ),
        "UnsafeDocumentError",
    ),
    "xlsx-external-entity-in-styles": (
        lambda: xlsx(
            sheet(""),
            styles=(
                XXE_DTD.replace("w:document", "styleSheet") + "<styleSheet>&xxe;</styleSheet>"
            ).encode(),
        ),
        "UnsafeDocumentError",
    ),
    "xlsx-bad-merge": (
        lambda: xlsx(sheet("", '<mergeCell ref="A1:ZZZZ9"/>')),
        "CorruptDocumentError",
    ),
    "xlsx-malformed": (lambda: xlsx('<worksheet xmlns="x"><sheetData>'), "CorruptDocumentError"),
    # PDF.
    "pdf-encrypted": (ENCRYPTED_PDF.read_bytes, "EncryptedDocumentError"),
    "pdf-truncated": (
        lambda: CORPUS[0].read_bytes()[: CORPUS[0].stat().st_size // 2],
        "CorruptDocumentError",
    ),
    "pdf-header-only": (
        lambda: b"%PDF-1.7\n" + rng(3).randbytes(50_000),
        "CorruptDocumentError",
    ),
    "pdf-scanned": (lambda: pdf([None, None]), "ScannedDocumentError"),
    "pdf-too-many-pages": (lambda: pdf([None], page_count=5000), "LimitExceededError"),
    "pdf-no-tables": (lambda: pdf(["Annual report", "nothing else"]), "NoTablesError"),
    "pdf-text-bomb": (lambda: text_bomb_pdf(100), "LimitExceededError"),
    "pdf-text-just-under-the-limit": (lambda: text_bomb_pdf(31), "LimitExceededError"),
    # Refused by a page's count, before its characters or drawings are read (issue 18).
    "pdf-500k-tiny-characters": (lambda: tiny_chars_pdf(500_000), "LimitExceededError"),
    "pdf-forms-fanning-out": (lambda: fanout_pdf(500), "LimitExceededError"),
    # Counted before PDFium loads the page (`gkbg.read.pdf.prescan`), which once cost it 6 s and
    # 1.8 GB for a million drawings, and does not end for a thousand million.
    "pdf-forms-fanning-out-to-a-million": (lambda: fanout_pdf(1000), "LimitExceededError"),
    "pdf-forms-fanning-out-to-four-million": (lambda: fanout_pdf(2000), "LimitExceededError"),
    "pdf-forms-nested-30-deep": (lambda: nested_forms_pdf(30), "LimitExceededError"),
    "pdf-forms-in-a-cycle": (
        lambda: nested_forms_pdf(4, 50, cycle=True),
        "LimitExceededError|ScannedDocumentError",
    ),
    "pdf-stream-inflating-to-a-gibibyte": (lambda: inflating_pdf(1 << 30), "LimitExceededError"),
    "pdf-path-of-2m-segments": (lambda: long_path_pdf(2_000_000), "LimitExceededError"),
    "pdf-huge-inline-image": (
        lambda: inline_image_pdf(100_000, 100_000, 1 << 20),
        "NoTablesError|LimitExceededError|CorruptDocumentError",
    ),
    "pdf-flipped-bytes": (lambda: flipped(CORPUS[0].read_bytes(), every=2000), "*"),
    # Legacy.
    "ole-encrypted": (lambda: ole("EncryptedPackage", "EncryptionInfo"), "EncryptedDocumentError"),
    "ole-junk": (
        lambda: ole("WordDocument"),
        "CorruptDocumentError" if find_soffice() else "DocumentError",
    ),
    # Random bytes behind the OLE signature: refused before LibreOffice spends seconds on it.
    "ole-random-bytes": (lambda: ole()[:512] + rng(3).randbytes(1 << 20), "CorruptDocumentError"),
    # Over the input limit: refused before it is read.
    "over-input-limit": (lambda: b"0" * (gkbg.Limits().max_input_bytes + 1), "LimitExceededError"),
}
"""Every hostile case and its outcome; ``"*"`` means any `GkbgError` or a report will do (the
damage is random, so whether the file is still readable is not known in advance)."""


# --------------------------------------------------------------------------------------------
# Every regular expression gkbg uses, on text built from its own characters.

REGEX_MODULES = tuple(
    module.name
    for module in pkgutil.walk_packages(gkbg.__path__, prefix="gkbg.")
    if not module.ispkg
    and module.name != "gkbg.__main__"
    and ("." in module.name.removeprefix("gkbg.") or module.name.startswith("gkbg._"))
)
"""Every internal module of gkbg (those of the stage folders, and ``gkbg._batch``): a module
added later is audited without an edit here."""
REGEX_TEXT_LENGTH = 50_000


def patterns() -> dict[str, tuple[regex.Pattern[Any], bool]]:
    """Every pattern gkbg compiles, by where it is, and whether it is only ever fullmatched.

    The module-level patterns, the label matchers' fuzzy patterns (which are only ever
    fullmatched against one label-sized key) and the default rules' narrative patterns.
    """
    found: dict[str, tuple[regex.Pattern[Any], bool]] = {}
    for module_name in REGEX_MODULES:
        module = importlib.import_module(module_name)
        for name, value in vars(module).items():
            values = value if isinstance(value, tuple) else (value,)
            for index, item in enumerate(values):
                if isinstance(item, regex.Pattern):
                    found[f"{module_name}.{name}[{index}]"] = (item, False)
    matchers = [_align._section_matcher()]
    for variant, form in gkbg.forms().items():
        for table in form.tables:
            matchers += [
                _grid.role_matcher(variant, table.key),
                _align._evidence_matcher(table.key),
            ]
    for matcher in matchers:
        for label, _, pattern in matcher._fuzzy:
            found[f"label:{label}"] = (pattern, True)
    for rule in gkbg.RuleSet.default():
        for number, statement in enumerate(getattr(rule, "statements", ())):
            for index, source in enumerate(statement.patterns):
                found[f"rule:{rule.id}[{number}.{index}]"] = (regex.compile(source), False)
    return found


def adversarial(pattern: regex.Pattern[Any]) -> list[Any]:
    """Texts built to make ``pattern`` backtrack: its own characters, repeated, then a misfit."""
    source = pattern.pattern
    text = source if isinstance(source, str) else source.decode("latin-1")
    characters = "".join(dict.fromkeys(char for char in text if char not in "\\()[]{}?*+|^$"))
    # All of them in turn, each of the first twenty alone, and what gkbg's patterns look for.
    pieces = [characters or "x", *characters[:20], "0", " ", "年", "0,", "<br ", "\u3000"]
    texts = [
        (piece * (REGEX_TEXT_LENGTH // len(piece) + 1))[:REGEX_TEXT_LENGTH] + "\x00"
        for piece in pieces
    ]
    if isinstance(source, bytes):
        return [t.encode("utf-8", "replace") for t in texts]
    return texts


def regex_outcome(pattern: regex.Pattern[Any], *, fullmatch_only: bool, seconds: float) -> str:
    """Run ``pattern`` over its adversarial texts as gkbg does: "ok", or "Timeout".

    The ``regex`` module's own timeout stops a pattern that backtracks catastrophically.
    """
    try:
        for text in adversarial(pattern):
            pattern.fullmatch(text[:200] if fullmatch_only else text, timeout=seconds)
            if not fullmatch_only:
                for _ in pattern.finditer(text, timeout=seconds):
                    pass
    except TimeoutError:
        return "Timeout"
    return "ok"


# --------------------------------------------------------------------------------------------
# The runner.


class _CaseTimeoutError(BaseException):
    """Raised by the timer; a BaseException, so that no ``except Exception`` swallows it."""


def _alarm(signum: int, frame: FrameType | None) -> None:
    del signum, frame
    raise _CaseTimeoutError


def outcome(data: bytes, folder: Path, name: str) -> tuple[str, str]:
    """What reading ``data`` (as a file) ends in: a class name and a message."""
    path = folder / f"{name}.bin"
    path.write_bytes(data)
    try:
        report = gkbg.parse(path)
        gkbg.check(report)
    except gkbg.GkbgError as exc:
        return type(exc).__name__, str(exc)
    except _CaseTimeoutError:
        return "Timeout", ""
    except BaseException as exc:  # noqa: BLE001 - reported, and the test fails on it
        return f"ESCAPED {type(exc).__name__}", str(exc)[:300]
    finally:
        path.unlink()
    return "Report", report.agency or ""


def run(names: list[str], seconds: int) -> None:
    """Read each case, one JSON line per case on stdout."""
    signal.signal(signal.SIGALRM, _alarm)
    with tempfile.TemporaryDirectory(prefix="gkbg-hostile-") as folder:
        for name in names:
            data = CASES[name][0]()
            started = time.perf_counter()
            cpu = time.process_time()
            signal.alarm(seconds)
            try:
                kind, message = outcome(data, Path(folder), name)
            except _CaseTimeoutError:
                kind, message = "Timeout", ""
            finally:
                signal.alarm(0)
            record = {
                "case": name,
                "outcome": kind,
                "message": message[:300],
                "seconds": round(time.perf_counter() - started, 2),
                "cpu_seconds": round(time.process_time() - cpu, 2),
                "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
                "address_space_mib": resource.getrlimit(resource.RLIMIT_AS)[0] // MIB,
            }
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
            sys.stdout.flush()


def main(argv: list[str]) -> None:
    mebibytes = int(argv[0]) if argv else 0
    seconds = int(argv[1]) if len(argv) > 1 else 60
    names = argv[2:] or list(CASES)
    if mebibytes:
        limit = mebibytes * MIB
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    run(names, seconds)


if __name__ == "__main__":
    main(sys.argv[1:])
