"""HTML pages: the official merged-cell layout, a saved government page, encodings, errors.

The reader's shortcuts give what its plain walk gives (issue 8). Given a `_Tree`, the reader finds
what is skipped and each table's rows in one pass over the tree, and takes the text of whole
subtrees with one lxml call, block boundaries marked in the text; without one, it visits every
element (the plain walk, the definition). The last section reads generated markup soups (libxml2
recovers them into odd trees: cells outside rows, rows in cells, hidden rows, tables in
captions), the bundled pages and rendered reports both ways and compares every token, location
and the text; a table's rows found in one walk of its tree are those of the definition (every
tr, td and th in document order, by nearest owner).
"""

from __future__ import annotations

import codecs
import random
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import lxml.etree  # type: ignore[import-untyped,unused-ignore]
import pytest
import regex
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import gkbg
from gkbg.core.limits import DEFAULT_LIMITS
from gkbg.read import html as html_reader
from gkbg.read.base import Input
from gkbg.read.html import (
    _CONTROL,
    _LONG_TAG,
    _LONG_TAG_BYTES,
    _MARKS,
    _ODD_SPACES,
    _SPACE,
    HtmlParser,
    _collapse,
    _collapse_split,
    _decode,
    _markup,
    _parse,
    _prepare,
    _Reader,
    _rows,
    _UnmarkableError,
)
from tests.helpers import FIXTURES, SEEDS, golden, html_report, number

if TYPE_CHECKING:
    from pathlib import Path

    from gkbg.read.layout import Token

REGISTRY = gkbg.ParserRegistry([HtmlParser()], entry_points=False)
PAGE = FIXTURES / "html" / "county_2020_gbk.html"
COLUMNS = tuple(column.key for column in gkbg.form("2021").table("applications").columns)
JUNK = random.Random(7)  # noqa: S311 - reproducible junk bytes, not secrets


def parse(source: bytes | str | Path) -> gkbg.Report:
    return gkbg.parse(source, format="html", registry=REGISTRY)


# --------------------------------------------------------------------------------------------
# 1. The official layout, for both forms, with the values of every seed report.


@pytest.mark.parametrize("seed", SEEDS, ids=[seed.stem[:3] for seed in SEEDS])
@pytest.mark.parametrize("headings", [True, False], ids=["headings", "no-headings"])
def test_official_layout_reads_the_golden_cells(seed: Path, headings: bool) -> None:
    expected = golden(seed)
    variant = expected["variant"]
    wanted = expected["cells"]
    assert isinstance(variant, str)
    assert isinstance(wanted, dict)
    page = html_report(variant, wanted, headings=headings)
    report = parse(page.encode("utf-8"))
    assert report.variants == dict.fromkeys(gkbg.TABLES, variant)
    assert report.cells() == {key: number(value) for key, value in wanted.items()}
    assert report.uncertain_cells() == ()
    assert report.format == "html"


@pytest.mark.parametrize("variant", ["2019", "2021"])
@pytest.mark.parametrize("merged", [True, False], ids=["merged", "unmerged"])
def test_official_layout_with_distinct_values(variant: str, merged: bool) -> None:
    """Every cell a different number, so a cell read from its neighbour would show.

    Unmerged: the merged cells written out as a label and empty cells, as some editors save.
    """
    form = gkbg.form(variant)
    cells = {spec.key: str(index + 1) for index, spec in enumerate(form.cells())}
    report = parse(html_report(variant, cells, merged=merged).encode("utf-8"))
    assert {key: str(value) for key, value in report.cells().items()} == cells
    assert report.uncertain_cells() == ()


def test_one_table_for_all_three_with_heading_rows() -> None:
    """Some pages print the three tables as one ``<table>``, the part headings as rows."""
    form = gkbg.form("2021")
    cells = {cell.key: str(index + 1) for index, cell in enumerate(form.cells())}
    page = html_report("2021", cells)
    for key in ("applications", "appeals"):
        heading = form.table(key).heading
        page = page.replace(
            f'</table>\n<p>{heading}</p>\n<table border="1">',
            f'<tr><td colspan="15">{heading}</td></tr>',
        )
    assert page.count("<table") == 1
    report = parse(page.encode("utf-8"))
    assert {key: str(value) for key, value in report.cells().items()} == cells
    assert report.uncertain_cells() == ()


# --------------------------------------------------------------------------------------------
# 2. A saved government page: GBK, navigation, a layout table, scripts, three tables.


def expected_page_cells() -> dict[str, gkbg.Value]:
    rows = {
        "active": {
            "rules": "0 0 0",
            "normative_docs": "5 5 37",
            "licensing": "120 +3 1568",
            "other_services": "12 -2 46",
            "penalty": "35 0 412",
            "coercion": "8 1 23",
            "fees": "6 -1",
            "procurement": "14 356.8",
        },
        "applications": {
            "received": "45 3 0 1 2 0 51",
            "carried_over": "2 0 0 0 0 0 2",
            "granted": "20 1 0 0 1 0 22",
            "partially_granted": "5 0 0 0 0 0 5",
            "denied.state_secret": "0 0 0 0 0 0 0",
            "denied.prohibited_by_law": "1 0 0 0 0 0 1",
            "denied.three_safeties": "0 0 0 0 0 0 0",
            "denied.third_party": "1 0 0 0 0 0 1",
            "denied.internal_affairs": "0 0 0 0 0 0 0",
            "denied.process_info": "2 0 0 0 0 0 2",
            "denied.enforcement_files": "0 0 0 0 0 0 0",
            "denied.query_matters": "0 0 0 0 0 0 0",
            "unavailable.not_held": "8 1 0 0 0 0 9",
            "unavailable.needs_creation": "1 0 0 0 0 0 1",
            "unavailable.unclear": "2 0 0 0 0 0 2",
            "not_processed.complaint": "3 0 0 0 0 0 3",
            "not_processed.duplicate": "1 0 0 0 0 0 1",
            "not_processed.publication": "0 0 0 0 0 0 0",
            "not_processed.excessive": "0 0 0 0 0 0 0",
            "not_processed.confirmation": "0 0 0 0 0 0 0",
            "other": "1 0 0 0 1 0 2",
            "total": "45 2 0 0 2 0 49",
            "carried_forward": "2 1 0 1 0 0 4",
        },
        "appeals": {
            "reconsideration": "1 0 0 0 1",
            "litigation_direct": "1 1 0 0 3",  # 1 + 1 is 2: the page prints 3
            "litigation_after_reconsideration": "0 0 0 0 0",
        },
    }
    expected: dict[str, gkbg.Value] = {}
    for table in gkbg.form("2019").tables:
        for block in table.blocks:
            for row in block.rows:
                printed = rows[table.key][row.key].split()
                assert len(printed) == len(block.columns)
                for column, text in zip(block.columns, printed, strict=True):
                    value = Decimal(text) if "." in text else int(text)
                    expected[f"{table.key}.{row.key}.{column.key}"] = value
    return expected


def test_saved_government_page() -> None:
    data = PAGE.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert REGISTRY.detect(gkbg.Input(data, PAGE.name)).name == "html"
    report = parse(PAGE)
    assert report.format == "html"
    assert report.source == str(PAGE)
    assert report.variants == dict.fromkeys(gkbg.TABLES, "2019")
    assert report.cells() == expected_page_cells()
    assert report.uncertain_cells() == ()
    assert report.cell("active.procurement.amount").raw == "356.8万元"
    assert report.cell("applications.received.total").raw == "51"
    assert report.year == 2020
    assert report.agency == "某某县人民政府"
    assert report.title == "某某县人民政府2020年政府信息公开工作年度报告"


def test_saved_government_page_findings() -> None:
    result = gkbg.check(parse(PAGE))
    assert [(f.rule, f.severity, f.cells[0], f.expected, f.actual) for f in result] == [
        ("appeals.group_total", gkbg.Severity.ERROR, "appeals.litigation_direct.total", 2, 3)
    ]
    assert result.not_checkable == ()


def test_saved_government_page_text() -> None:
    layout = gkbg.parse_layout(PAGE, format="html", registry=REGISTRY)
    lines = layout.text.splitlines()
    # Labels broken by <br> read as one label; &nbsp; is white space.
    assert "信息内容 | 本年新 制作数量 | 本年新 公开数量 | 对外公开 总数量" in lines
    assert "一、本年新收政府信息公开申请数量 | 45 | 3 | 0 | 1 | 2 | 0 | 51" in lines
    assert "某某县人民政府2020年政府信息公开工作年度报告" in lines
    # Scripts, styles, <noscript>, hidden elements, form controls and comments are dropped.
    dropped_text = ("999", "document.write", "float", "不支持JavaScript", "分享到", "搜索")
    for dropped in (*dropped_text, "saved from"):
        assert dropped not in layout.text
    # The layout table's content cell is read in place, not once more as one cell.
    assert layout.text.count("本年度共收到政府信息公开申请51件") == 1
    assert not any(token.cell and "本报告由" in token.text for token in layout.tokens)
    # Every cell token points at its text.
    for token in layout.tokens:
        start, end = token.location.start, token.location.end
        assert start is not None
        assert end is not None
        assert layout.text[start:end] == token.text
        line = lines[(token.location.line or 0) - 1]
        column = (token.location.column or 0) - 1
        assert line[column : column + len(token.text)] == token.text
    report = gkbg.parse(PAGE, format="html", registry=REGISTRY)
    assert "本年度共收到政府信息公开申请51件" in report.text
    assert "一、本年新收政府信息公开申请数量" not in report.text


# --------------------------------------------------------------------------------------------
# 3. Locations in the expanded grid.


def test_cell_locations_in_the_expanded_grid() -> None:
    report = parse(PAGE)
    # Tables: 0 the page layout, 1 二, 2 三, 3 四, 4 the links.
    cases = {
        "active.procurement.amount": (1, 17, 2),
        "applications.received.natural_person": (2, 3, 3),
        "applications.denied.third_party.commercial": (2, 10, 4),
        "applications.other.total": (2, 23, 9),
        "applications.carried_forward.total": (2, 25, 9),
        "appeals.reconsideration.upheld": (3, 3, 0),
        "appeals.litigation_direct.total": (3, 3, 9),
    }
    for key, (table, row, column) in cases.items():
        location = report.cell(key).location
        assert location is not None
        assert (location.table_index, location.row_index, location.col_index) == (
            table,
            row,
            column,
        ), key


def test_grid_accounts_for_cells_spanning_down() -> None:
    page = """<table>
      <tr><td rowspan="2">A</td><td>B</td><td rowspan="3">C</td><td>D</td></tr>
      <tr><td colspan="1;">E</td><td>F</td></tr>
      <tr><td>G</td><td colspan="x">H</td><td>I</td></tr>
      <tr><td rowspan="0">J</td><td colspan="2">K</td><td>L</td></tr>
      <tr><td>M</td></tr>
    </table>"""
    layout = gkbg.parse_layout(page.encode(), format="html", registry=REGISTRY)
    grid = {t.text: (t.location.row_index, t.location.col_index) for t in layout.tokens}
    assert grid == {
        "A": (0, 0),
        "B": (0, 1),
        "C": (0, 2),
        "D": (0, 3),
        "E": (1, 1),
        "F": (1, 3),
        "G": (2, 0),
        "H": (2, 1),
        "I": (2, 3),
        "J": (3, 0),
        "K": (3, 1),
        "L": (3, 3),
        "M": (4, 1),
    }
    assert all(t.cell and t.location.table_index == 0 for t in layout.tokens)
    assert layout.text.splitlines()[:2] == ["A | B | C | D", "E | F"]


def test_cells_without_a_row_and_text_outside_cells() -> None:
    page = """<table><caption>表一</caption>stray<th>a</th><td>b</td>
      <tr><td>c</td>tail</tr><thead><th>d</th></thead></table>"""
    layout = gkbg.parse_layout(page.encode(), format="html", registry=REGISTRY)
    assert [
        (t.text, t.cell, t.location.row_index, t.location.col_index) for t in layout.tokens
    ] == [
        ("表一", False, None, None),
        ("a", True, 0, 0),
        ("b", True, 0, 1),
        ("c", True, 1, 0),
        ("d", True, 2, 0),
    ]


def test_nested_table_cells_are_read_once() -> None:
    page = """<html><body><table><tr><td>左栏</td><td><p>正文开头</p>
      <table><tr><td>x</td><td>1</td></tr></table><p>正文结尾</p>
      <table><td>y</td></table></td></tr></table>
      </body></html>"""
    layout = gkbg.parse_layout(page.encode(), format="html", registry=REGISTRY)
    assert [(t.text, t.cell, t.location.table_index) for t in layout.tokens] == [
        ("左栏", True, 0),
        ("正文开头", False, None),
        ("x", True, 1),
        ("1", True, 1),
        ("正文结尾", False, None),
        ("y", True, 2),
    ]


# --------------------------------------------------------------------------------------------
# 4. Encodings and errors.


def plain_page(charset: str | None) -> str:
    cells = {cell.key: str(index % 5) for index, cell in enumerate(gkbg.form("2021").cells())}
    page = html_report("2021", cells, narrative="本年度工作稳步推进，䶮字在 GBK 之外。")
    meta = '<meta charset="utf-8">'
    return page.replace(meta, f'<meta charset="{charset}">' if charset else "")


def assert_reads(data: bytes) -> None:
    report = parse(data)
    assert report.variants == dict.fromkeys(gkbg.TABLES, "2021")
    assert report.uncertain_cells() == ()
    assert report.cell("appeals.litigation_direct.total").value == 199 % 5
    assert report.agency == "某某区人民政府"


def test_utf8_with_bom_wins_over_the_meta() -> None:
    data = codecs.BOM_UTF8 + plain_page("gbk").encode("utf-8")
    assert REGISTRY.detect(gkbg.Input(data, "page.html")).name == "html"
    assert_reads(data)


def test_utf16_with_bom() -> None:
    assert_reads(codecs.BOM_UTF16_LE + plain_page(None).encode("utf-16-le"))


def test_gb18030_without_meta() -> None:
    data = plain_page(None).encode("gb18030")
    assert_reads(data)
    assert "䶮字在 GBK 之外" in parse(data).text


@pytest.mark.parametrize(
    "meta",
    [
        '<meta charset="gbk">',
        '<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />',
        "<META HTTP-EQUIV='content-type' CONTENT='text/html;charset=GBK'>",
    ],
)
def test_gbk_declared_in_a_meta(meta: str) -> None:
    page = plain_page(None).replace("䶮", "")
    assert_reads(page.replace("<head>", f"<head>{meta}").encode("gbk"))


def test_utf8_page_that_still_declares_gbk() -> None:
    assert_reads(plain_page("gb2312").encode("utf-8"))


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"  \n\t ",
        codecs.BOM_UTF8,
        codecs.BOM_UTF8 + b"  \r\n",
        b"<html><head><title></title></head><body>  </body></html>",
        b"<!-- nothing but a comment -->",
        b"<html><body><script>var x = '<table><tr><td>1</td></tr></table>';</script></body></html>",
        b"<html><body>\x80\x80\xff\xfe</body></html>",  # neither UTF-8 nor GB18030
        bytes(range(256)) * 4,
        b"\x89PNG\r\n\x1a\n" + JUNK.randbytes(4096),
        JUNK.randbytes(2048).replace(b"\x00", b"\x01"),
    ],
    ids=[
        "empty",
        "white-space",
        "bom",
        "bom-and-space",
        "no-text",
        "comment",
        "script",
        "bad-encoding",
        "byte-table",
        "png",
        "junk",
    ],
)
def test_unreadable_pages_name_the_file(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "年报.html"
    path.write_bytes(data)
    with pytest.raises(gkbg.DocumentError) as caught:
        parse(path)
    assert str(path) in str(caught.value)
    assert caught.value.source == str(path)
    with pytest.raises(gkbg.DocumentError) as direct:
        HtmlParser().read(gkbg.Input(data, "年报.html"))
    assert str(direct.value).startswith("年报.html: ")


def test_malformed_markup_is_read_as_far_as_it_goes() -> None:
    cells = {cell.key: "1" for cell in gkbg.form("2021").cells()}
    page = html_report("2021", cells).replace("</td>", "").replace("</tr>", "")
    page = page.replace("<body>", "<body><div><span><b>").replace("</html>", "<table><tr")
    report = parse(page.encode("utf-8"))
    assert report.cells() == dict.fromkeys(cells, 1)


def test_hostile_spans_end_in_a_document_error() -> None:
    """Every row spanning down to the end: quadratic work for a grid, refused, not hung on."""
    page = b"<table>" + b'<tr><td rowspan="0">a</td><td>b</td></tr>' * 3000 + b"</table>"
    with pytest.raises(gkbg.DocumentError, match="span too many positions"):
        HtmlParser().read(gkbg.Input(page, "hostile.html"))


def test_content_after_the_end_of_the_page_is_read() -> None:
    cells = {cell.key: "2" for cell in gkbg.form("2019").cells()}
    page = html_report("2019", cells).replace("<p>二、", "</body></html>\n<html><body><p>二、", 1)
    assert parse(page.encode("utf-8")).cells() == dict.fromkeys(cells, 2)


def test_page_without_statutory_tables(tmp_path: Path) -> None:
    path = tmp_path / "news.html"
    page = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>新闻</title></head>
      <body><div class="nav"><a href="/">首页</a></div><p>某某县召开政务公开工作会议。</p>
      <table><tr><td>中国政府网</td><td>省政府</td></tr><tr><td>1</td><td>2</td></tr></table>
      </body></html>"""
    path.write_text(page, encoding="utf-8")
    with pytest.raises(gkbg.NoTablesError) as caught:
        parse(path)
    assert str(path) in str(caught.value)


def test_sniff() -> None:
    sniff = HtmlParser().sniff
    for data in (
        b"<!DOCTYPE html><html><body></body></html>",
        codecs.BOM_UTF8 + b"\r\n  <!doctype HTML>",
        b"  <HTML><p>x</p>",
        b"<p>text</p><TABLE><tr><td>1</td></tr></TABLE>",
        b"<!-- saved from url=(0022)http://example.com/ -->\n<body>",
        codecs.BOM_UTF16_LE + "<!DOCTYPE html>".encode("utf-16-le"),
        PAGE.read_bytes(),
    ):
        assert sniff(gkbg.Input(data, "x")) == 0.95
    for data in (
        b"",
        b"plain text with no markup",
        b"<p>" + b"x" * 70000 + b"<table>",
        b"\x89PNG\r\n\x1a\n",
        *(seed.read_bytes() for seed in SEEDS),
    ):
        assert sniff(gkbg.Input(data, "x")) == 0.0


# --------------------------------------------------------------------------------------------
# 5. Blank cells stay blank.


BLANKS = {
    "applications.received.commercial": ("<td></td>", ""),
    "applications.granted.research": ("<td>/</td>", "/"),
    "applications.denied.third_party.total": ("<td>&nbsp;</td>", ""),
    "applications.unavailable.unclear.social_org": ("<td><span>&nbsp;</span></td>", ""),
    "applications.other.no_fee.other_org": ("<td>\u3000</td>", ""),
    "applications.carried_forward.legal_service": ('<td><p class="MsoNormal">&nbsp;</p></td>', ""),
    "active.licensing.decisions": ('<td colspan="3">—</td>', "—"),
    "appeals.litigation_direct.pending": ("<td> &#160; </td>", ""),
}


def test_blank_cells_stay_blank_not_zero() -> None:
    marks = {key: f"MARK{index}" for index, key in enumerate(BLANKS)}
    cells = {cell.key: "1" for cell in gkbg.form("2021").cells()}
    cells.update(marks)
    page = html_report("2021", cells)
    for key, mark in marks.items():
        colspan = ' colspan="3"' if key.startswith("active.") else ""
        assert page.count(f"<td{colspan}>{mark}</td>") == 1
        page = page.replace(f"<td{colspan}>{mark}</td>", BLANKS[key][0])
    report = parse(page.encode("utf-8"))
    for key, (_, raw) in BLANKS.items():
        cell = report.cell(key)
        assert cell.state is gkbg.CellState.BLANK, key
        assert cell.value is None
        assert cell.raw == raw
    assert report.uncertain_cells() == ()
    others = {key: value for key, value in report.cells().items() if key not in BLANKS}
    assert others == dict.fromkeys(others, 1)
    result = gkbg.check(report)
    assert {f.cells[0] for f in result.by_rule("cell.missing")} == set(BLANKS)


@pytest.mark.parametrize("row_index", [0, 4, 23])
def test_a_row_of_empty_cells_reads_as_blank(row_index: int) -> None:
    row = gkbg.form("2021").table("applications").rows[row_index]
    cells = {spec.key: "1" for spec in gkbg.form("2021").cells()}
    cells.update({f"applications.{row.key}.{column}": "" for column in COLUMNS})
    report = parse(html_report("2021", cells).encode("utf-8"))
    for column in COLUMNS:
        read = report.cell(f"applications.{row.key}.{column}")
        assert read.state is gkbg.CellState.BLANK
        assert read.value is None
    others = {
        k: v for k, v in report.cells().items() if not k.startswith(f"applications.{row.key}.")
    }
    assert others == dict.fromkeys(others, 1)
    assert report.uncertain_cells() == ()


# --------------------------------------------------------------------------------------------
# One decoding for every reader of text.


@pytest.mark.parametrize(
    "data",
    [
        codecs.BOM_UTF8 + plain_page(None).encode("utf-8"),
        codecs.BOM_UTF16_LE + plain_page(None).encode("utf-16-le"),
        plain_page(None).encode("utf-8"),
        plain_page(None).encode("gb18030"),
        plain_page("gbk").encode("utf-8"),
        plain_page("gbk").encode("gb18030"),
    ],
    ids=["utf8-bom", "utf16-bom", "utf8", "gb18030", "utf8-declaring-gbk", "gbk-declared"],
)
def test_a_page_decodes_as_any_text_does(data: bytes) -> None:
    """What a page declares only decides between encodings the bytes are valid in."""
    page = gkbg.Input(data, "page.html").text()
    assert html_reader._decode(data, "page.html") == page
    assert "䶮字在 GBK 之外" in page


def test_a_declared_codec_of_no_text_is_passed_over() -> None:
    assert_reads(plain_page("base64").encode("gb18030"))
    assert_reads(plain_page("rot13").encode("utf-8"))


def test_an_undecodable_page_says_what_was_tried() -> None:
    data = plain_page("shift_jis").encode("utf-8") + b"\x80\x80\xff\xfe"
    with pytest.raises(gkbg.EncodingError) as caught:
        parse(data)
    reason = caught.value.reason
    assert reason.startswith("an HTML page in an unknown encoding (it declares shift_jis, but ")
    assert "is not UTF-8" in reason
    assert "is not GB18030" in reason
    with pytest.raises(gkbg.EncodingError, match=r"^.*text in an unknown encoding \(neither"):
        gkbg.Input(data, "page.txt").text()


# --------------------------------------------------------------------------------------------
# The shortcuts give what the plain walk gives (issue 8).


_NAME = "<test>"

_TAGS = [
    "table",
    "tbody",
    "thead",
    "tr",
    "td",
    "th",
    "caption",
    "div",
    "p",
    "span",
    "b",
    "li",
    "ul",
    "h1",
    "blockquote",
    "pre",
    "script",
    "style",
    "noscript",
    "select",
    "template",
    "svg",
    "title",
    "font",
]

_ATTRIBUTES = [
    "",
    "",
    "",
    " hidden",
    ' style="display: none"',
    ' STYLE="Visibility :  Hidden"',
    ' style="color: red"',
    ' rowspan="2"',
    ' colspan="3"',
    ' rowspan="0"',
]

_TEXTS = [
    "a",
    "1",
    "23",
    " ",
    "\n",
    "\u3000",
    "&nbsp;",
    "&#160;",
    "&#xE000;",
    "\ue001",
    "x&amp;y",
    "<!-- c -->",
    "<?pi x?>",
    "<br>",
    "<br/>",
    "</br>",
    "<br hidden>",
    '<br style="display:none">',
    "\x01",
    "&#1;",
    "&#xFFFF;",
]


def _tag(draw: Any) -> str:
    tag = draw(st.sampled_from(_TAGS))
    if draw(st.booleans()):
        return f"<{tag}{draw(st.sampled_from(_ATTRIBUTES))}>"
    return f"</{tag}>"


soups = st.lists(st.one_of(st.sampled_from(_TEXTS), st.composite(_tag)()), max_size=40).map("".join)


def _tokens(page: str, *, fast: bool) -> tuple[list[Token], str]:
    root, source = _markup(page, _NAME)
    tree = None
    if fast:
        try:
            tree = _prepare(root, source)
        except _UnmarkableError:
            root, _ = _markup(page, _NAME)
    reader = _Reader(_NAME, DEFAULT_LIMITS, tree)
    reader.flow(root)
    reader.finish()
    return reader.tokens, reader.text


def assert_same_reading(page: str) -> None:
    assert _tokens(page, fast=True) == _tokens(page, fast=False)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(soups)
def test_soups_read_as_the_plain_walk_reads_them(soup: str) -> None:
    assert_same_reading(f"<html><head><title>t</title></head><body>{soup}</body></html>")


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(soups)
def test_soups_in_a_table_read_as_the_plain_walk_reads_them(soup: str) -> None:
    assert_same_reading(f"<table><caption>c{soup}</caption><tr><td>{soup}</td></tr>{soup}</table>")


@settings(max_examples=200)
@given(soups)
def test_rows_of_every_table_are_those_of_the_plain_walk(soup: str) -> None:
    root, source = _markup(f"<html><body><table>{soup}</table>{soup}</body></html>", _NAME)
    plain = {table: _rows(table) for table in root.iter("table")}
    try:
        tree = _prepare(root, source)
    except _UnmarkableError:
        tree = None
    assume(tree is not None)
    assert tree is not None
    assert tree.rows == plain


def _pages() -> list[tuple[str, bytes]]:
    pages = [(path.name, path.read_bytes()) for path in sorted((FIXTURES / "html").glob("*.html"))]
    pages += [(path.name, path.read_bytes()) for path in sorted((FIXTURES / "grid").glob("*.html"))]
    pages += [(path.name, gkbg.render.html(gkbg.parse(path)).encode()) for path in SEEDS[:3]]
    return pages


@pytest.mark.parametrize(("name", "data"), _pages(), ids=lambda value: str(value)[:40])
def test_pages_read_as_the_plain_walk_reads_them(name: str, data: bytes) -> None:
    page = _decode(data, name)
    assert _prepare(*_markup(page, name)) is not None
    assert_same_reading(page)


def test_a_page_holding_the_mark_is_read_with_another() -> None:
    page = "<p>a\ue000b</p><table><tr><td>1<p>2</p>\ue000</td></tr></table>"
    tree = _prepare(*_markup(page, _NAME))
    assert tree is not None
    assert tree.mark == _MARKS[1]
    assert_same_reading(page)


def test_a_character_reference_to_the_mark_is_seen() -> None:
    page = "<p>a&#xE000;b</p><table><tr><td>1<p>2</p></td></tr></table>"
    tree = _prepare(*_markup(page, _NAME))
    assert tree is not None
    assert tree.mark == _MARKS[1]


def test_a_page_holding_every_mark_is_read_element_by_element() -> None:
    page = f"<p>{''.join(_MARKS)}</p><table><tr><td>1</td><td>x<p>2</p></td></tr></table>"
    assert _prepare(*_markup(page, _NAME)) is None
    layout = HtmlParser().read(Input(page.encode(), _NAME))
    assert [token.text for token in layout.tokens] == [
        "".join(_MARKS),
        "1",
        "x 2",
    ]


def test_a_kelvin_sign_in_a_tag_is_read_element_by_element() -> None:
    # "blocKquote" with U+212A lowers to "blockquote" in Python: a block, which lxml's search
    # by tag name would not find.
    page = "<div>a<bloc\u212aquote>b</bloc\u212aquote>c</div>"
    root, source = _markup(page, _NAME)
    assert [node.tag for node in root.iter()][-1] == "bloc\u212aquote"
    assert _prepare(root, source) is None
    layout = HtmlParser().read(Input(page.encode(), _NAME))
    assert [token.text for token in layout.tokens] == ["a", "b", "c"]


def test_hidden_cells_keep_their_grid_position() -> None:
    page = (
        '<table><tr style="display:none"><td>1</td><td hidden>2</td><td>3</td></tr>'
        '<tr><td>a<span style="visibility:hidden">b</span>c</td><td>d<div>e</div></td></tr>'
        "</table>"
    )
    tokens, _ = _tokens(page, fast=True)
    assert [(t.text, t.location.row_index, t.location.col_index) for t in tokens] == [
        ("1", 0, 0),
        ("3", 0, 2),
        ("ac", 1, 0),
        ("d e", 1, 1),
    ]
    assert_same_reading(page)


@pytest.mark.parametrize("control", ["\x01", "&#1;"])
def test_a_page_with_control_characters_is_read_as_the_plain_walk_reads_it(control: str) -> None:
    padding = "<p>" + "x" * 200 + "</p>"  # one control character in 200 is not binary data
    marked = f"<div>{padding}<p>a{control}b</p></div>"  # its paragraphs are marked
    with pytest.raises(_UnmarkableError):
        _prepare(*_markup(marked, _NAME))
    read = f"<div>{padding}<p>a{control}b</p><table><tr><td>1<p>2</p></td></tr></table></div>"
    assert _prepare(*_markup(read, _NAME)) is not None
    for page in (marked, read):
        tokens, _ = _tokens(page, fast=False)
        assert [token.text for token in tokens][1] == "a\x01b"
        assert HtmlParser().read(Input(page.encode(), _NAME)).tokens == tuple(tokens)


# --------------------------------------------------------------------------------------------
# Decoding: the searches done on bytes find what the plain searches on the text find.

_CONTROLS = regex.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")

_PIECES = ["a", "<", ">", "<p ", "中", "\x00", "\x01", "\t", "\x0b", "\x0c", "\x1f", "\x7f", "\x85"]


@given(st.lists(st.sampled_from(_PIECES) | st.characters(), max_size=60).map("".join))
def test_control_characters_are_counted_on_bytes_as_the_text_search_counts_them(
    text: str,
) -> None:
    encoded = text.encode("utf-8", "surrogatepass")
    assert len(encoded) - len(encoded.translate(None, _CONTROL)) == len(_CONTROLS.findall(text))


@given(
    st.lists(st.sampled_from(["<p", "<a b", " ", "x", "中", "\U0001f600", ">", "<"]), max_size=60),
    st.integers(min_value=1, max_value=2000),
)
def test_a_long_tag_is_never_missed_by_the_search_on_bytes(pieces: list[str], repeat: int) -> None:
    text = "".join(piece * (repeat if len(piece) == 1 else 1) for piece in pieces)
    if _LONG_TAG.search(text) is not None:
        assert _LONG_TAG_BYTES.search(text.encode("utf-8", "surrogatepass")) is not None


# --------------------------------------------------------------------------------------------
# White space.


def test_the_odd_spaces_are_where_the_space_pattern_and_isspace_differ() -> None:
    differ = {
        chr(code)
        for code in range(0x110000)
        if (_SPACE.fullmatch(chr(code)) is not None) != chr(code).isspace()
    }
    assert differ == set(_ODD_SPACES)


_SPACES = [" ", "\t", "\n", "\r", "\x0b", "\x0c", "\x85", "\xa0", "\u3000", "\u2028", "\u205f"]


@given(
    st.lists(st.sampled_from([*_SPACES, *_ODD_SPACES, "a", "中"]) | st.characters()).map("".join)
)
def test_collapse_by_split_is_collapse_without_odd_spaces(text: str) -> None:
    if not any(space in text for space in _ODD_SPACES):
        assert _collapse_split(text) == _collapse(text)
    if text.isspace():
        assert not _collapse(text)


def test_a_page_with_odd_spaces_collapses_them_as_the_plain_walk() -> None:
    for space in _ODD_SPACES:
        page = f"<div><p>a{space}b </p></div><table><tr><td>1{space}2</td></tr></table>"
        assert_same_reading(page)
    page = "<div><p>a&#x200b;b </p></div><table><tr><td>1&#8203;</td></tr></table>"
    tree = _prepare(*_markup(page, _NAME))
    assert tree is not None
    assert tree.collapse is _collapse
    assert_same_reading(page)


# --------------------------------------------------------------------------------------------
# HTML: a table's rows.

_ROW_TAGS = ["table", "tbody", "tr", "td", "th", "div", "span", "p"]

trees = st.recursive(
    st.just("x"),
    lambda inner: st.tuples(st.sampled_from(_ROW_TAGS), st.lists(inner, max_size=4)).map(
        lambda node: f"<{node[0]}>{''.join(node[1])}</{node[0]}>"
    ),
    max_leaves=30,
)


def _nearest(node: Any, *tags: str) -> Any:
    parent = node.getparent()
    while parent is not None and parent.tag not in tags:
        parent = parent.getparent()
    return parent


def _reference_rows(table: Any) -> list[list[Any]]:
    """The definition: every tr, td and th of the table in document order, by nearest owner."""
    rows: list[list[Any]] = []
    loose: list[Any] | None = None
    for node in table.iter("tr", "td", "th"):
        if node.tag == "tr":
            if _nearest(node, "table") is table:
                loose = None
                rows.append(
                    [c for c in node.iter("td", "th") if _nearest(c, "tr", "table") is node]
                )
        elif _nearest(node, "tr", "table") is table:
            if loose is None:
                loose = []
                rows.append(loose)
            loose.append(node)
    return rows


@given(st.lists(trees, min_size=1, max_size=3))
def test_rows_are_those_of_the_definition(pieces: list[str]) -> None:
    root = _parse(f"<html><body><table>{''.join(pieces)}</table></body></html>", "<test>")
    for table in root.iter("table"):
        assert _rows(table) == _reference_rows(table)


def test_a_cell_outside_rows_and_a_nested_table() -> None:
    page = "<table><td>a</td><tr><td>b<table><tr><td>c</td></tr></table></td></tr></table>"
    table = next(_parse(page, "<test>").iter("table"))
    assert [[cell.text for cell in row] for row in _rows(table)] == [["a"], ["b"]]
    assert isinstance(table, lxml.etree._Element)
