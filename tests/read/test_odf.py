"""OpenDocument text (`gkbg.read.odf`): tables cell by cell, merges, repeats, what is not read.

The documents here are written by hand, element by element, so that each test shows the
OpenDocument feature it is about; ``tests/read/test_legacy.py`` reads real LibreOffice output.
"""

from __future__ import annotations

import io
import zipfile

import pytest

import gkbg
from gkbg.read.odf import ODF_TEXT, odf_mimetype
from tests.helpers import FIXTURES, golden, number

CORPUS_DIR = FIXTURES / "corpus"

_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
)


def _odt(body: str, *, mimetype: str = ODF_TEXT, first: bool = True) -> bytes:
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_NAMESPACES}>'
        f"<office:body><office:text>{body}</office:text></office:body>"
        "</office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if first:
            archive.writestr(zipfile.ZipInfo("mimetype"), mimetype)
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        if not first:
            archive.writestr(zipfile.ZipInfo("mimetype"), mimetype)
    return buffer.getvalue()


def _cell(text: str, **attributes: str) -> str:
    extra = "".join(
        f' table:{name.replace("_", "-")}="{value}"' for name, value in attributes.items()
    )
    return f"<table:table-cell{extra}><text:p>{text}</text:p></table:table-cell>"


def _cells(layout: gkbg.Layout) -> list[tuple[str, int | None, int | None, int | None]]:
    return [
        (t.text, t.location.table_index, t.location.row_index, t.location.col_index)
        for t in layout.tokens
        if t.cell
    ]


def test_the_mimetype_decides_the_format() -> None:
    data = _odt("<text:p>报告</text:p>")
    assert odf_mimetype(data) == ODF_TEXT
    assert gkbg.parse_layout(data).format == "odt"
    sheet = _odt("", mimetype="application/vnd.oasis.opendocument.spreadsheet")
    assert odf_mimetype(sheet) == "application/vnd.oasis.opendocument.spreadsheet"
    with pytest.raises(gkbg.UnknownFormatError, match="not a text document"):
        gkbg.parse_layout(sheet, format="odt")


def test_a_package_with_its_mimetype_last_is_still_read() -> None:
    data = _odt("<text:p>报告</text:p>", first=False)
    assert odf_mimetype(data) is None
    assert gkbg.parse_layout(data).format == "odt"


def test_merged_and_covered_cells_keep_the_grid() -> None:
    body = (
        "<table:table>"
        "<table:table-row>"
        + _cell("信息内容", number_rows_spanned="2")
        + _cell("本年", number_columns_spanned="2")
        + "<table:covered-table-cell/>"
        + "</table:table-row><table:table-row>"
        "<table:covered-table-cell/>" + _cell("新制作") + _cell("废止") + "</table:table-row>"
        "<table:table-row>" + _cell("规章") + _cell("3") + _cell("") + "</table:table-row>"
        "</table:table>"
    )
    layout = gkbg.parse_layout(_odt(body))
    assert _cells(layout) == [
        ("信息内容", 0, 0, 0),
        ("本年", 0, 0, 1),
        ("新制作", 0, 1, 1),
        ("废止", 0, 1, 2),
        ("规章", 0, 2, 0),
        ("3", 0, 2, 1),
        ("", 0, 2, 2),
    ]
    assert "规章 | 3 | " in layout.text


def test_repeated_cells_and_rows_count_as_that_many() -> None:
    body = (
        "<table:table><table:table-header-rows><table:table-row>"
        + _cell("甲")
        + _cell("0", number_columns_repeated="3")
        + "</table:table-row></table:table-header-rows>"
        '<table:table-row table:number-rows-repeated="2">' + _cell("乙") + "</table:table-row>"
        '<table:table-row table:number-rows-repeated="1000000">'
        '<table:table-cell table:number-columns-repeated="1000000"/></table:table-row>'
        "</table:table>"
    )
    cells = _cells(gkbg.parse_layout(_odt(body)))
    assert cells[:6] == [
        ("甲", 0, 0, 0),
        ("0", 0, 0, 1),
        ("0", 0, 0, 2),
        ("0", 0, 0, 3),
        ("乙", 0, 1, 0),
        ("乙", 0, 2, 0),
    ]
    # An empty row repeated a million times is one row; its empty cells at most 1,000.
    assert len(cells) == 6 + 1000


def test_notes_annotations_and_deletions_are_not_read_and_spaces_are() -> None:
    body = (
        "<text:tracked-changes><text:changed-region><text:deletion><text:p>删去的</text:p>"
        "</text:deletion></text:changed-region></text:tracked-changes>"
        "<text:h>一、总体情况</text:h>"
        "<text:p>共收到<text:span>12</text:span>件<text:note><text:note-body><text:p>注释</text:p>"
        "</text:note-body></text:note><office:annotation><text:p>批注</text:p></office:annotation>"
        'a<text:s text:c="2"/>b<text:tab/>c<text:line-break/>d</text:p>'
        "<text:list><text:list-item><text:p>列表项</text:p></text:list-item></text:list>"
    )
    layout = gkbg.parse_layout(_odt(body))
    assert [t.text for t in layout.tokens] == ["一、总体情况", "共收到12件a  b c d", "列表项"]


def test_a_nested_table_is_read_after_its_cell() -> None:
    body = (
        "<table:table><table:table-row><table:table-cell><text:p>外</text:p>"
        "<table:table><table:table-row>" + _cell("内") + "</table:table-row></table:table>"
        "</table:table-cell>" + _cell("后") + "</table:table-row></table:table>"
    )
    assert _cells(gkbg.parse_layout(_odt(body))) == [
        ("外", 0, 0, 0),
        ("内", 1, 0, 0),
        ("后", 0, 0, 1),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK\x03\x04" + b"\x00" * 40, "damaged or truncated"),
        (_odt("").replace(b"content.xml", b"content.xmm"), "without content.xml"),
    ],
)
def test_broken_packages_are_refused_with_the_cause(data: bytes, message: str) -> None:
    with pytest.raises(gkbg.DocumentError, match=message):
        gkbg.parse_layout(data, format="odt")


def test_a_real_report_saved_by_libreoffice_as_odt_reads_every_golden_cell() -> None:
    """淮安 2024 (a corpus PDF) written to .docx by gkbg, saved as .odt by LibreOffice 7."""
    expected = golden(CORPUS_DIR / "huaian-city-2024.pdf")
    report = gkbg.parse(FIXTURES / "odt" / "huaian-city-2024.odt")
    assert report.format == "odt"
    assert (report.variant, report.year, report.agency) == (
        expected["variant"],
        expected["year"],
        expected["agency"],
    )
    cells = expected["cells"]
    assert isinstance(cells, dict)
    assert report.cells() == {
        key: number(value) for key, value in cells.items() if value is not None
    }
    assert report.uncertain_cells() == ()
