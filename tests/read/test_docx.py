"""The Word .docx parser: the official template filled in, a document built from scratch, and
hostile or broken files.

The reader's shortcut (elements told apart by qualified tag, properties read in one pass over
their children, locations built once) gives what the plain walk it replaced gives, written out
in the last section as the definition: on generated WordprocessingML, the template and rendered
reports.
"""

from __future__ import annotations

import io
import struct
import time
import zipfile
import zlib
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol, cast
from xml.sax.saxutils import escape

import attrs
import lxml.etree  # type: ignore[import-untyped,unused-ignore]
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gkbg
from gkbg.read import docx as docx_module
from gkbg.read.docx import DocxParser
from gkbg.read.layout import BodyWriter, TokenWriter, token_kind
from gkbg.read.package import sniff_package
from gkbg.read.plaintext import FlatTextParser, PipeTextParser
from gkbg.read.xlsx import XlsxParser
from gkbg.testing import relaid_docx
from tests.helpers import FIXTURES, SEEDS, golden, number

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping
    from pathlib import Path

    from gkbg.read.docx import _Node

TEMPLATE = FIXTURES / "docx" / "form-2021-template.docx"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
REGISTRY = gkbg.ParserRegistry([DocxParser()], entry_points=False)
SEEDS_2021 = [seed for seed in SEEDS if golden(seed)["variant"] == "2021"]


def parse(source: bytes | Path) -> gkbg.Report:
    return gkbg.parse(source, format="docx", registry=REGISTRY)


def layout(source: bytes | Path) -> gkbg.Layout:
    return gkbg.parse_layout(source, format="docx", registry=REGISTRY)


# --------------------------------------------------------------------------------------------
# Packages.


class Element(Protocol):
    """The part of an lxml element the tests use."""

    text: str | None

    def get(self, key: str, default: str | None = None) -> str | None: ...

    def find(self, path: str) -> Element | None: ...

    def findall(self, path: str) -> list[Element]: ...

    def iter(self, *tags: str) -> Iterator[Element]: ...

    def set(self, key: str, value: str) -> None: ...

    def addnext(self, element: Element) -> None: ...


def zip_bytes(members: Mapping[str, bytes], *, level: int | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def rezip(original: bytes, replacements: Mapping[str, bytes]) -> bytes:
    """``original`` with some members' contents replaced, every other member kept as it was."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(original)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info, replacements.get(info.filename, source.read(info)))
    return out.getvalue()


CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" '
    b'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)


def document_xml(body: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{W_NS}"><w:body>{body}<w:sectPr/></w:body></w:document>'
    ).encode()


def docx(body: str) -> bytes:
    """A minimal but complete .docx package whose body is ``body`` (WordprocessingML)."""
    return zip_bytes(
        {
            "[Content_Types].xml": CONTENT_TYPES,
            "_rels/.rels": RELS,
            "word/document.xml": document_xml(body),
        }
    )


# --------------------------------------------------------------------------------------------
# WordprocessingML pieces.


def para(text: str = "", *, runs: str | None = None) -> str:
    if runs is None:
        runs = f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>' if text else ""
    return f"<w:p>{runs}</w:p>"


def tc(
    text: str | None = "", *, span: int = 1, vmerge: str | None = None, content: str | None = None
) -> str:
    props = f'<w:tcW w:w="{600 * span}" w:type="dxa"/>'
    if span > 1:
        props += f'<w:gridSpan w:val="{span}"/>'
    if vmerge == "restart":
        props += '<w:vMerge w:val="restart"/>'
    elif vmerge == "continue":
        props += "<w:vMerge/>"
    return (
        f"<w:tc><w:tcPr>{props}</w:tcPr>{para(text or '') if content is None else content}</w:tc>"
    )


def tr(*cells: str, before: int = 0) -> str:
    props = f'<w:trPr><w:gridBefore w:val="{before}"/></w:trPr>' if before else ""
    return f"<w:tr>{props}{''.join(cells)}</w:tr>"


def tbl(columns: int, rows: list[str]) -> str:
    grid = '<w:gridCol w:w="600"/>' * columns
    return f"<w:tbl><w:tblPr/><w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"


def sdt(content: str) -> str:
    return (
        '<w:sdt><w:sdtPr><w:alias w:val="统计表"/><w:id w:val="1"/></w:sdtPr>'
        f"<w:sdtContent>{content}</w:sdtContent></w:sdt>"
    )


# --------------------------------------------------------------------------------------------
# 1. The official 2021 template.


def template_data_cells(root: Element) -> list[Element]:
    """The template's data cells in reading order: its empty origin cells, table by table.

    Walks each table's grid row by row; a cell continuing a vertical merge is no cell of its
    own, and every other cell the template leaves empty is a data cell.
    """
    found: list[Element] = []
    for table in root.iter(f"{W}tbl"):
        for row in table.findall(f"{W}tr"):
            for cell in row.findall(f"{W}tc"):
                vmerge = cell.find(f"{W}tcPr/{W}vMerge")
                if vmerge is not None and vmerge.get(f"{W}val") in {None, "continue"}:
                    continue
                if not "".join(t.text or "" for t in cell.iter(f"{W}t")).strip():
                    found.append(cell)
    return found


def fill_template(
    values: Mapping[str, str], edit: Callable[[Element], None] | None = None
) -> bytes:
    """The template with ``values`` (cell key to printed text) typed into its data cells.

    ``edit`` then changes the document's XML, if given.
    """
    original = TEMPLATE.read_bytes()
    with zipfile.ZipFile(io.BytesIO(original)) as archive:
        xml = archive.read("word/document.xml")
    root = cast("Element", lxml.etree.fromstring(xml))
    slots = template_data_cells(root)
    keys = [cell.key for cell in gkbg.form("2021").cells()]
    assert len(slots) == len(keys) == 200
    for key, slot in zip(keys, slots, strict=True):
        text = values.get(key)
        if text is None:
            continue
        paragraph = slot.find(f"{W}p")
        assert paragraph is not None
        run = lxml.etree.SubElement(paragraph, f"{W}r")
        lxml.etree.SubElement(run, f"{W}t").text = text
    if edit is not None:
        edit(root)
    filled = cast("bytes", lxml.etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    return rezip(original, {"word/document.xml": filled})


@pytest.mark.parametrize("seed", SEEDS_2021, ids=[seed.stem[:3] for seed in SEEDS_2021])
def test_template_filled_with_golden_values(seed: Path) -> None:
    wanted = golden(seed)["cells"]
    assert isinstance(wanted, dict)
    report = parse(fill_template({key: str(value) for key, value in wanted.items()}))
    assert report.cells() == {key: number(value) for key, value in wanted.items()}
    assert report.uncertain_cells() == ()
    assert report.variants == dict.fromkeys(gkbg.TABLES, "2021")
    assert report.format == "docx"


def test_template_filled_with_distinct_values_placeholders_and_blanks() -> None:
    printed: dict[str, str] = {}
    expected: dict[str, gkbg.Value | None] = {}
    for index, cell in enumerate(gkbg.form("2021").cells()):
        if cell.kind == "amount":
            printed[cell.key], expected[cell.key] = "1,234.5", Decimal("1234.5")
        elif index % 11 == 5:
            printed[cell.key], expected[cell.key] = "/", None
        elif index % 13 == 7:
            expected[cell.key] = None  # left empty
        else:
            printed[cell.key], expected[cell.key] = str(index), index
    report = parse(fill_template(printed))
    assert report.cells() == expected
    assert report.uncertain_cells() == ()
    empty = [key for key in expected if key not in printed]
    assert empty
    for key in empty:
        assert report.cell(key).state is gkbg.CellState.BLANK
        assert report.cell(key).raw == ""
    slash = next(key for key, text in printed.items() if text == "/")
    assert report.cell(slash).state is gkbg.CellState.BLANK
    assert report.cell(slash).raw == "/"


def test_blank_template_reads_every_cell_blank_never_zero() -> None:
    report = parse(TEMPLATE)
    assert report.variants == dict.fromkeys(gkbg.TABLES, "2021")
    cells = list(report.iter_cells())
    assert len(cells) == 200
    assert all(cell.value is None for cell in cells)
    assert {cell.state for cell in cells} == {gkbg.CellState.BLANK}
    assert report.uncertain_cells() == ()
    # the form published blank is one error, table.unfilled, naming every cell (issue 17)
    (unfilled,) = gkbg.check(report).findings
    assert unfilled.rule == "table.unfilled"
    assert unfilled.severity is gkbg.Severity.ERROR
    assert set(unfilled.cells) == {cell.key for cell in cells}
    # without it, no other error, and each blank cell its own cell.missing warning, as before
    result = gkbg.check(report, ignore="table.unfilled")
    assert [f for f in result.findings if f.severity is gkbg.Severity.ERROR] == []
    missing = {f.cells[0] for f in result.by_rule("cell.missing")}
    assert missing == {cell.key for cell in cells}


def test_template_rows_left_empty_read_blank() -> None:
    wanted = golden(SEEDS_2021[0])["cells"]
    assert isinstance(wanted, dict)
    printed = {
        key: str(value)
        for key, value in wanted.items()
        if key != "active.penalty.decisions" and not key.startswith("applications.carried_over.")
    }
    report = parse(fill_template(printed))
    for key in wanted:
        cell = report.cell(key)
        if key in printed:
            assert cell.value == number(wanted[key])
        else:
            assert (cell.state, cell.raw, cell.uncertain) == (gkbg.CellState.BLANK, "", ())


def split_received_label(root: Element) -> None:
    """Unmerge the label of row 一 of table 三: the label, then two empty cells of its own."""
    table = list(root.iter(f"{W}tbl"))[1]
    label = table.findall(f"{W}tr")[3].findall(f"{W}tc")[0]
    span = label.find(f"{W}tcPr/{W}gridSpan")
    assert span is not None
    span.set(f"{W}val", "1")
    for _ in range(2):
        empty = cast("Element", lxml.etree.Element(f"{W}tc"))
        lxml.etree.SubElement(empty, f"{W}p")
        label.addnext(empty)


def test_label_cell_split_instead_of_merged_is_read_or_flagged() -> None:
    printed = {cell.key: str(i) for i, cell in enumerate(gkbg.form("2021").cells(), start=1)}
    report = parse(fill_template(printed, split_received_label))
    wrong = [
        cell.key
        for cell in report.iter_cells()
        if cell.value != int(printed[cell.key]) and not cell.uncertain
    ]
    assert wrong == []


# --------------------------------------------------------------------------------------------
# 2. A 2019-form report built from scratch.


def cell_value(index: int, kind: str) -> tuple[str, gkbg.Value]:
    if kind == "amount":
        return f"{index}.25", Decimal(f"{index}.25")
    if kind == "signed" and index % 2:
        return f"-{index}", -index
    return str(index), index


BROKEN_LABEL = "<w:r><w:t>本年新</w:t><w:br/><w:t>制作数量</w:t></w:r>"
TITLE = "某某市人民政府2020年政府信息公开工作年度报告"


def header_cell(label: str, span: int) -> str:
    if label == "本年新制作数量":  # broken over two lines, as the official template prints it
        return tc(span=span, content=para(runs=BROKEN_LABEL))
    return tc(label, span=span)


def active_2019(values: Mapping[str, str]) -> str:
    """Table 二 of the 2019 form on a four-column grid, as the official template lays it out."""
    rows: list[str] = []
    for block in gkbg.form("2019").table("active").blocks:
        spans = [1] * len(block.columns)
        spans[-1] += 3 - len(block.columns)
        rows.append(tr(tc(block.caption, span=4)))
        rows.append(
            tr(
                tc(block.header),
                *(header_cell(c.label, s) for c, s in zip(block.columns, spans, strict=True)),
            )
        )
        for row in block.rows:
            cells = (
                tc(span=span, content=values[f"active.{row.key}.{column.key}"])
                for column, span in zip(block.columns, spans, strict=True)
            )
            rows.append(tr(tc(row.label), *cells))
    return tbl(4, rows)


def applications_2019(values: Mapping[str, str]) -> str:
    """Table 三 on a ten-column grid: three label columns merged down, seven value columns."""
    table = gkbg.form("2019").table("applications")
    columns = table.columns
    applicants = [column for column in columns if column.group]
    top = next(row.group for row in table.rows if row.group)
    assert top is not None
    rows = [
        tr(tc(table.note, span=3, vmerge="restart"), tc(table.blocks[0].header, span=7)),
        tr(
            tc(span=3, vmerge="continue"),
            tc(columns[0].label, vmerge="restart"),
            tc(applicants[0].group, span=5),
            tc(columns[-1].label, vmerge="restart"),
        ),
        tr(
            tc(span=3, vmerge="continue"),
            tc(vmerge="continue"),
            *(tc(column.label) for column in applicants),
            tc(vmerge="continue"),
        ),
    ]
    in_results = False
    group: str | None = None
    for row in table.rows:
        heads: list[str] = []
        if row.group is None:
            heads.append(tc(row.label, span=3))
        else:
            heads.append(tc(vmerge="continue") if in_results else tc(top, vmerge="restart"))
            in_results = True
            if row.group == top:
                heads.append(tc(row.label, span=2))
            else:
                first = row.group != group
                heads.append(tc(row.group, vmerge="restart") if first else tc(vmerge="continue"))
                heads.append(tc(row.label))
        group = row.group
        cells = (tc(content=values[f"applications.{row.key}.{c.key}"]) for c in columns)
        rows.append(tr(*heads, *cells))
    return tbl(10, rows)


def appeals_2019(values: Mapping[str, str]) -> str:
    """Table 四 on a fifteen-column grid, nested in the cell of a one-cell layout table."""
    table = gkbg.form("2019").table("appeals")
    labels = [column.label for column in table.blocks[0].columns]
    reconsideration, direct, after = table.rows
    inner = tbl(
        15,
        [
            tr(tc(reconsideration.group or "", span=5), tc(direct.group or "", span=10)),
            tr(
                *(tc(label, vmerge="restart") for label in labels),
                tc(direct.label, span=5),
                tc(after.label, span=5),
            ),
            tr(
                *(tc(vmerge="continue") for _ in labels),
                *(tc(label) for _ in range(2) for label in labels),
            ),
            tr(*(tc(content=values[cell.key]) for cell in table.cells)),
        ],
    )
    return tbl(1, [tr(tc(content=para("单位：件") + inner + para()))])


def report_2019() -> tuple[bytes, dict[str, gkbg.Value | None]]:
    """A whole 2019-form report, and the values its tables print."""
    values: dict[str, str] = {}
    expected: dict[str, gkbg.Value | None] = {}
    for index, cell in enumerate(gkbg.form("2019").cells(), start=1):
        text, value = cell_value(index, cell.kind)
        values[cell.key], expected[cell.key] = para(text), value
    # Revised with tracked changes: 19 became 12 (the 9 deleted, a 2 inserted).
    values["applications.received.natural_person"] = para(
        runs="<w:r><w:t>1</w:t></w:r>"
        '<w:del w:id="1" w:author="审核"><w:r><w:delText>9</w:delText></w:r></w:del>'
        '<w:ins w:id="2" w:author="审核"><w:r><w:t>2</w:t></w:r></w:ins>'
    )
    expected["applications.received.natural_person"] = 12
    body = "".join(
        [
            para(TITLE),
            para("一、总体情况"),
            para("2020年，某某市人民政府认真贯彻落实《中华人民共和国政府信息公开条例》。"),
            para("二、主动公开政府信息情况"),
            sdt(active_2019(values)),
            para("三、收到和处理政府信息公开申请情况"),
            applications_2019(values),
            para("四、政府信息公开行政复议、行政诉讼情况"),
            appeals_2019(values),
            para("五、存在的主要问题及改进情况"),
            para("一是公开内容不够全面。"),
            para("六、其他需要报告的事项"),
            para("本年度未收取信息处理费。"),
        ]
    )
    return docx(body), expected


def test_report_built_from_scratch() -> None:
    data, expected = report_2019()
    report = parse(data)
    assert report.variants == dict.fromkeys(gkbg.TABLES, "2019")
    assert report.cells() == expected
    assert report.uncertain_cells() == ()
    assert (report.year, report.agency, report.title) == (2020, "某某市人民政府", TITLE)
    assert report.format == "docx"
    assert "本年度未收取信息处理费。" in report.text
    assert "申请人情况" not in report.text


def test_tokens_of_merged_nested_and_revised_cells() -> None:
    data, expected = report_2019()
    result = layout(data)
    tokens = result.tokens

    def row(table: int, row: int) -> list[tuple[str, int | None]]:
        return [
            (t.text, t.location.col_index)
            for t in tokens
            if t.cell and (t.location.table_index, t.location.row_index) == (table, row)
        ]

    # vMerge continuation cells give no token; gridSpan moves the next cell along the grid.
    assert row(1, 1) == [("自然人", 3), ("法人或其他组织", 4), ("总计", 9)]
    assert [col for _, col in row(1, 2)] == [4, 5, 6, 7, 8]
    secret = str(expected["applications.denied.state_secret.natural_person"])
    assert row(1, 7)[:3] == [("（三）不予公开", 1), ("1.属于国家秘密", 2), (secret, 3)]
    assert [col for _, col in row(1, 8)] == [2, 3, 4, 5, 6, 7, 8, 9]
    # Tracked changes: deleted text is gone, inserted text is kept.
    assert row(1, 3)[1] == ("12", 3)
    # A line break inside a label reads as a space.
    assert ("本年新 制作数量", 1) in row(0, 1)
    # The table inside the content control is read; the nested table follows its cell.
    assert row(0, 0) == [("第二十条第（一）项", 0)]
    assert row(2, 0) == [("单位：件", 0)]
    wrapper = next(t for t in tokens if t.text == "单位：件")
    following = tokens[tokens.index(wrapper) + 1]
    assert (following.text, following.location.table_index) == ("行政复议", 3)
    assert len(row(3, 3)) == 15
    # Narrative paragraphs are text tokens; every token's offsets point into the text.
    title = tokens[0]
    assert (title.text, title.kind, title.cell) == (TITLE, gkbg.TokenKind.TEXT, False)
    for token in tokens:
        start, end = token.location.start, token.location.end
        assert start is not None
        assert end is not None
        assert result.text[start:end] == token.text
    lines = result.text.splitlines()
    assert TITLE in lines
    assert "自然人 | 法人或其他组织 | 总计" in lines


# --------------------------------------------------------------------------------------------
# 3. Locations and grid positions.


def test_location_of_known_cells() -> None:
    wanted = golden(SEEDS_2021[0])["cells"]
    assert isinstance(wanted, dict)
    data = fill_template({key: str(value) for key, value in wanted.items()})
    report = parse(data)
    text = layout(data).text
    for key, place in {
        "active.rules.issued": (0, 2, 1),
        "active.fees.amount": (0, 13, 1),
        "applications.received.natural_person": (1, 3, 3),
        "applications.denied.state_secret.total": (1, 7, 9),
        "applications.carried_forward.total": (1, 27, 9),
        "appeals.reconsideration.upheld": (2, 3, 0),
        "appeals.litigation_after_reconsideration.total": (2, 3, 14),
    }.items():
        location = report.cell(key).location
        assert location is not None, key
        assert (location.table_index, location.row_index, location.col_index) == place, key
        assert location.start is not None
        assert location.end is not None
        assert text[location.start : location.end] == report.cell(key).raw


def test_grid_positions_containers_and_invisible_text() -> None:
    placeholder = (
        "<w:sdt><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent>"
        "<w:r><w:t>单击此处输入文字。</w:t></w:r></w:sdtContent></w:sdt>"
    )
    hidden = "<w:r><w:t>5</w:t></w:r><w:r><w:rPr><w:vanish/></w:rPr><w:t>0</w:t></w:r>"
    shown = '<w:r><w:rPr><w:vanish w:val="0"/></w:rPr><w:t>6</w:t></w:r>'
    tabbed = "<w:r><w:t>甲</w:t><w:tab/><w:t>乙</w:t></w:r>"
    alternate = (
        '<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/'
        '2006"><mc:Choice Requires="w14">' + para("7") + "</mc:Choice>"
        "<mc:Fallback>" + para("8") + "</mc:Fallback></mc:AlternateContent>" + para()
    )
    body = para("标题") + tbl(
        4,
        [
            tr(tc("甲", span=2, vmerge="restart"), tc("乙"), tc("丙")),
            tr(tc("ignored", span=2, vmerge="continue"), tc("1"), tc()),
            tr(tc("丁"), sdt(tc(content=para(runs=placeholder), span=2)), before=1),
            tr(tc("4", vmerge="continue"), before=3),
            '<w:tr><w:trPr><w:del w:id="3" w:author="审核"/></w:trPr>'
            + tc(content=para(runs="<w:del><w:r><w:delText>删除的行</w:delText></w:r></w:del>"))
            + "</w:tr>",
            tr(
                tc("戊", span=2),
                '<w:tc><w:tcPr><w:hMerge w:val="restart"/></w:tcPr><w:p/></w:tc>',
                "<w:tc><w:tcPr><w:hMerge/></w:tcPr><w:p/></w:tc>",
            ),
            tr(tc(content=alternate), before=3),
            tr(
                tc(content=para(runs=hidden)),
                tc(content=para(runs=shown)),
                tc(content=para(runs=tabbed)),
            ),
        ],
    )
    tokens = [t for t in layout(docx(body)).tokens if t.cell]
    assert [(t.text, t.kind.value, t.location.row_index, t.location.col_index) for t in tokens] == [
        ("甲", "text", 0, 0),
        ("乙", "text", 0, 2),
        ("丙", "text", 0, 3),
        ("1", "value", 1, 2),
        ("", "empty", 1, 3),
        ("丁", "text", 2, 1),
        ("", "empty", 2, 2),
        ("4", "value", 3, 3),  # continues no merge: a cell of its own
        # the deleted row is not read; a legacy horizontal merge is one cell
        ("戊", "text", 4, 0),
        ("", "empty", 4, 2),
        ("7", "value", 5, 3),  # the first choice of alternate content
        ("5", "value", 6, 0),
        ("6", "value", 6, 1),
        ("甲 乙", "text", 6, 2),
    ]
    assert {t.location.table_index for t in tokens} == {0}


# --------------------------------------------------------------------------------------------
# 4. Detection, and hostile or broken files.


def test_sniff() -> None:
    parser = DocxParser()
    assert parser.sniff(gkbg.Input(TEMPLATE.read_bytes(), "a.docx")) == 0.95
    for data in (b"plain text", OLE, TEMPLATE.read_bytes()[:2000], zip_bytes({"a.xml": b"<a/>"})):
        assert parser.sniff(gkbg.Input(data, "a.docx")) == 0.0
    registry = gkbg.ParserRegistry(
        [DocxParser(), PipeTextParser(), FlatTextParser()], entry_points=False
    )
    assert gkbg.parse(TEMPLATE, registry=registry).format == "docx"
    assert registry.detect(gkbg.Input(too_many_members(), "a.docx")).name == "docx"


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY lol0 "lol">'
    + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    + f']><w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>'
    "</w:body></w:document>"
).encode()


def too_many_members() -> bytes:
    members = {f"word/media/image{i}.png": b"" for i in range(3000)}
    return zip_bytes({**members, "word/document.xml": document_xml(para("标题"))})


def deflated(chunk: bytes, repeat: int, *, declared: int | None = None) -> bytes:
    """A zip whose document.xml is ``chunk`` repeated, built without compressing all of it.

    After a full flush a deflate block stands alone, so one compressed block is repeated.
    ``declared`` is an uncompressed size to claim instead of the true one.
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    stream = block * repeat + compressor.flush()
    crc = 0
    for _ in range(repeat):
        crc = zlib.crc32(chunk, crc)
    size = len(chunk) * repeat if declared is None else declared
    name = b"word/document.xml"
    sizes = (crc, len(stream), size, len(name))
    local = struct.pack("<4s5H3I2H", b"PK\x03\x04", 20, 0, 8, 0, 0, *sizes, 0) + name
    central = struct.pack(
        "<4s6H3I5H2I", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, *sizes, 0, 0, 0, 0, 0, 0
    )
    end = struct.pack(
        "<4s4H2IH", b"PK\x05\x06", 0, 0, 1, 1, len(central) + len(name), len(local) + len(stream), 0
    )
    return local + stream + central + name + end


SPACES = b" " * (1 << 20)


HOSTILE: dict[str, tuple[Callable[[], bytes], str]] = {
    "truncated": (lambda: TEMPLATE.read_bytes()[: TEMPLATE.stat().st_size // 2], "truncated"),
    "corrupt": (
        lambda: TEMPLATE.read_bytes().replace(b"word/document.xml", b"word/document.xmm", 1),
        "damaged",
    ),
    "no-document": (lambda: zip_bytes({"[Content_Types].xml": CONTENT_TYPES}), "word/document"),
    "workbook": (lambda: zip_bytes({"xl/workbook.xml": b"<workbook/>"}), "Excel"),
    "malformed": (
        lambda: zip_bytes({"word/document.xml": document_xml("<w:p>")}),
        "not well-formed",
    ),
    "laughs": (lambda: zip_bytes({"word/document.xml": LAUGHS}), "DTD"),
    "members": (too_many_members, "3001 members"),
    "huge": (lambda: deflated(SPACES, 60), "50 MB"),
    "ratio": (lambda: deflated(SPACES, 4), "times (more than 200)"),
    "lying-size": (lambda: deflated(SPACES, 60, declared=1000), "damaged"),
    "ole": (lambda: OLE, "legacy Word .doc"),
    "not-zip": (lambda: b"{\\rtf1\\ansi hello}", "not a Word .docx"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_and_broken_files(case: str, tmp_path: Path) -> None:
    build, cause = HOSTILE[case]
    path = tmp_path / f"{case}.docx"
    path.write_bytes(build())
    started = time.perf_counter()
    with pytest.raises(gkbg.DocumentError) as caught:
        parse(path)
    assert time.perf_counter() - started < 5
    assert caught.value.source == str(path)
    assert str(path) in str(caught.value)
    assert cause in caught.value.reason


def test_docx_and_xlsx_sniff_as_one_package_sniff() -> None:
    """Both package parsers sniff alike: a zip archive that lists their own member."""
    word = zip_bytes({"word/document.xml": b"<w:document/>"})
    excel = zip_bytes({"xl/workbook.xml": b"<workbook/>"})
    samples = (
        word,
        excel,
        word[:40],
        b"plain text",
        OLE,
        TEMPLATE.read_bytes(),
        TEMPLATE.read_bytes()[:2000],
        too_many_members(),
    )
    for parser, member in ((DocxParser(), "word/document.xml"), (XlsxParser(), "xl/workbook.xml")):
        for data in samples:
            document = gkbg.Input(data, "a.bin")
            assert parser.sniff(document) == sniff_package(document, member)
    assert DocxParser().sniff(gkbg.Input(word, "a")) == XlsxParser().sniff(gkbg.Input(excel, "a"))
    assert DocxParser().sniff(gkbg.Input(excel, "a")) == 0.0
    assert XlsxParser().sniff(gkbg.Input(word, "a")) == 0.0
    assert DocxParser().sniff(gkbg.Input(word, "a")) == 0.95


# --------------------------------------------------------------------------------------------
# 5. The reader against the plain walk.
#
# `DocxParser` tells elements apart by qualified tag and reads a cell's or a run's properties
# in one pass over their children; below, the walk it replaced, element by element by local
# name, and the layout it built, compared with it on generated WordprocessingML (containers,
# content controls, tracked changes, merges, hidden runs, nested tables, properties repeated or
# out of order), on the template and on rendered reports.

_split = docx_module._split
_MC_NAMESPACE = docx_module._MC_NAMESPACE
_FALSE = docx_module._FALSE
_INLINE_CONTAINERS = docx_module._INLINE_CONTAINERS
_BLOCK_CONTAINERS = docx_module._BLOCK_CONTAINERS
_LINE_BREAKS = docx_module._LINE_BREAKS
_MAX_SPAN = docx_module._MAX_SPAN


class _WalkByName(BodyWriter):
    """The reader's walk as first written: each element told by its local name, each property
    looked up by name (the plain computation `DocxParser` must equal)."""

    def __init__(self, namespace: str, source: str, limits: gkbg.Limits) -> None:
        super().__init__(source, limits)
        self._ns = namespace
        self._tags: dict[str, str] = {}  # a name as `_name` gives it -> its qualified tag

    # ---- names and attributes

    def _name(self, node: _Node) -> str | None:
        """The local name of a WordprocessingML element.

        ``mc:<name>`` for markup-compatibility elements, None for anything else.
        """
        namespace, local = _split(node.tag)
        if namespace == self._ns:
            return local
        if namespace == _MC_NAMESPACE:
            return f"mc:{local}"
        return None

    def _child(self, node: _Node, name: str) -> _Node | None:
        """The first child named ``name`` (as `_name` gives it), picked out by lxml itself."""
        tag = self._tags.get(name)
        if tag is None:
            local = name.removeprefix("mc:")
            namespace = _MC_NAMESPACE if local != name else self._ns
            tag = self._tags[name] = f"{{{namespace}}}{local}"
        return next(node.iterchildren(tag), None)

    def _property(self, node: _Node, props: str, name: str) -> _Node | None:
        container = self._child(node, props)
        return None if container is None else self._child(container, name)

    def _val(self, node: _Node) -> str | None:
        return node.get(f"{{{self._ns}}}val")

    def _int(self, node: _Node | None, default: int) -> int:
        if node is None:
            return default
        try:
            value = int(self._val(node) or default)
        except ValueError:
            return default
        return min(max(value, 0), _MAX_SPAN)

    def _on(self, node: _Node | None) -> bool:
        """Whether a toggle property (``<w:vanish/>``) is present and not switched off."""
        return node is not None and (self._val(node) or "true").lower() not in _FALSE

    def _placeholder(self, sdt: _Node) -> bool:
        """Whether a content control shows its placeholder prompt instead of content."""
        return self._on(self._property(sdt, "sdtPr", "showingPlcHdr"))

    def _content(self, node: _Node) -> Iterator[_Node]:
        """The children of a container.

        For ``w:sdt``, those of its ``w:sdtContent``; for ``mc:AlternateContent``, those of its
        first choice.
        """
        name = self._name(node)
        if name == "sdt":
            content = self._child(node, "sdtContent")
            return iter(()) if content is None else iter(content)
        if name == "mc:AlternateContent":
            chosen = self._child(node, "mc:Choice")
            if chosen is None:
                chosen = self._child(node, "mc:Fallback")
            return iter(()) if chosen is None else iter(chosen)
        return iter(node)

    def _flagged(
        self, node: _Node, wanted: frozenset[str], *, blank: bool = False
    ) -> Iterator[tuple[_Node, bool]]:
        """The ``wanted`` children of ``node`` (``p``, ``tbl``, ``tr``, ``tc``), in order.

        Those inside content controls and custom XML are included, each paired with whether it
        only shows a content control's placeholder prompt.
        """
        for child in self._content(node):
            name = self._name(child)
            if name in wanted:
                yield child, blank
            elif name == "sdt":
                yield from self._flagged(child, wanted, blank=blank or self._placeholder(child))
            elif name in _BLOCK_CONTAINERS or name == "mc:AlternateContent":
                yield from self._flagged(child, wanted, blank=blank)

    # ---- text

    def _paragraph_text(self, paragraph: _Node) -> str:
        pieces: list[str] = []
        self._inline(paragraph, pieces)
        return "".join(pieces).translate(_LINE_BREAKS)

    def _inline(self, node: _Node, pieces: list[str]) -> None:
        for child in self._content(node):
            name = self._name(child)
            if name == "r":
                if not self._on(self._property(child, "rPr", "vanish")):
                    self._run(child, pieces)
            elif name == "sdt":
                if not self._placeholder(child):
                    self._inline(child, pieces)
            elif name in _INLINE_CONTAINERS:
                self._inline(child, pieces)

    def _run(self, run: _Node, pieces: list[str]) -> None:
        for child in run:
            name = self._name(child)
            if name == "t":
                pieces.append(child.text or "")
            elif name in {"br", "cr", "tab", "ptab"}:
                pieces.append(" ")
            elif name == "noBreakHyphen":
                pieces.append("-")

    # ---- structure

    def body(self, body: _Node) -> None:
        """Read the paragraphs and tables of the document's body."""
        for child, blank in self._flagged(body, frozenset({"p", "tbl"})):
            if self._name(child) == "p":
                self._paragraph("" if blank else self._paragraph_text(child))
            else:
                self._table(child, blank=blank)

    def _table(self, table: _Node, *, blank: bool) -> None:
        index = self._tables
        self._tables += 1
        merging: set[int] = set()  # grid columns where a vertical merge runs on from above
        rows = (
            (row, row_blank)
            for row, row_blank in self._flagged(table, frozenset({"tr"}), blank=blank)
            if self._property(row, "trPr", "del") is None  # a row deleted as a tracked change
        )
        for row_index, (row, row_blank) in enumerate(rows):
            self._end_line()
            column = self._int(self._property(row, "trPr", "gridBefore"), 0)
            continuing: set[int] = set()
            for cell, cell_blank in self._flagged(row, frozenset({"tc"}), blank=row_blank):
                span = max(1, self._int(self._property(cell, "tcPr", "gridSpan"), 1))
                vmerge = self._property(cell, "tcPr", "vMerge")
                hmerge = self._property(cell, "tcPr", "hMerge")
                continues = vmerge is not None and self._val(vmerge) in {None, "continue"}
                if continues and column in merging:
                    continuing.add(column)
                elif hmerge is None or self._val(hmerge) == "restart":
                    self._cell_content(cell, index, row_index, column, blank=cell_blank)
                    if vmerge is not None:
                        continuing.add(column)
                column += span
            merging = continuing
            self._end_line()

    def _cell_content(self, cell: _Node, table: int, row: int, column: int, *, blank: bool) -> None:
        texts: list[str] = []
        nested: list[tuple[_Node, bool]] = []
        for child, child_blank in self._flagged(cell, frozenset({"p", "tbl"}), blank=blank):
            if self._name(child) == "tbl":
                nested.append((child, child_blank))
            elif not child_blank:
                text = self._paragraph_text(child).strip()
                if text:
                    texts.append(text)
        self._cell(" ".join(texts), table, row, column)
        for inner, inner_blank in nested:
            self._end_line()
            self._table(inner, blank=inner_blank)


def plain_layout(data: bytes) -> gkbg.Layout:
    """The layout of ``data`` as the plain walk and the first `BodyWriter.layout` made it."""
    limits = gkbg.Limits()
    content = docx_module._document_xml(data, "a.docx", limits)
    root, namespace = docx_module._parse_xml(content, "a.docx")
    body = next(child for child in root if _split(child.tag) == (namespace, "body"))
    walk = _WalkByName(namespace, "a.docx", limits)
    walk.body(body)
    text = "".join(walk._pieces)
    locator = TokenWriter(text)
    tokens = []
    for start, end, cell, table, row, column in walk.spans:
        piece = text[start:end]
        kind = token_kind(piece, cell=True) if cell else gkbg.TokenKind.TEXT
        location = locator.location(start, end)
        if cell:
            location = attrs.evolve(location, table_index=table, row_index=row, col_index=column)
        tokens.append(gkbg.Token(piece, kind, cell, location))
    return gkbg.Layout(tuple(tokens), text, "a.docx", "docx")


_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_TEXTS = st.sampled_from(["", " ", "12", "0", "/", "自然人", "3 4", "甲\t乙", "总计", "1,024"])
_FLAGS = st.sampled_from(["", ' w:val="0"', ' w:val="false"', ' w:val="1"', ' w:val="off"'])


@st.composite
def runs(draw: st.DrawFn) -> str:
    """A run: text, breaks and tabs, with properties (hidden or not) before or after them."""
    pieces = draw(
        st.lists(
            st.one_of(
                _TEXTS.map(lambda text: f'<w:t xml:space="preserve">{escape(text)}</w:t>'),
                st.sampled_from(["<w:br/>", "<w:cr/>", "<w:tab/>", "<w:ptab/>"]),
                st.sampled_from(["<w:noBreakHyphen/>", "<w:instrText>PAGE</w:instrText>"]),
                _FLAGS.map(lambda flag: f"<w:rPr><w:b/><w:vanish{flag}/></w:rPr>"),
                st.just('<w:rPr><w:sz w:val="21"/></w:rPr>'),
                st.just("<!-- a comment -->"),
            ),
            max_size=5,
        )
    )
    return "<w:r>" + "".join(pieces) + "</w:r>"


def _sdt(content: str, placeholder: str) -> str:
    props = f"<w:sdtPr><w:showingPlcHdr{placeholder}/></w:sdtPr>" if placeholder != "-" else ""
    return f"<w:sdt>{props}<w:sdtContent>{content}</w:sdtContent></w:sdt>"


def _alternate(choice: str | None, fallback: str | None) -> str:
    inner = "" if choice is None else f'<mc:Choice Requires="w14">{choice}</mc:Choice>'
    inner += "" if fallback is None else f"<mc:Fallback>{fallback}</mc:Fallback>"
    return f'<mc:AlternateContent xmlns:mc="{_MC}">{inner}</mc:AlternateContent>'


def inline(depth: int = 2) -> st.SearchStrategy[str]:
    """What a paragraph holds: runs, in containers read in place or not read at all."""
    if depth == 0:
        return runs()
    inner = st.lists(inline(depth - 1), max_size=2).map("".join)
    return st.one_of(
        runs(),
        inner.map(lambda content: f"<w:hyperlink>{content}</w:hyperlink>"),
        st.tuples(
            st.sampled_from(["ins", "del", "moveTo", "moveFrom", "smartTag", "fldSimple"]), inner
        ).map(lambda pair: f"<w:{pair[0]}>{pair[1]}</w:{pair[0]}>"),
        st.tuples(inner, _FLAGS | st.just("-")).map(lambda pair: _sdt(*pair)),
        st.tuples(st.none() | inner, st.none() | inner).map(lambda pair: _alternate(*pair)),
        inner.map(
            lambda content: f"<w:pict><w:txbxContent><w:p>{content}</w:p></w:txbxContent></w:pict>"
        ),
    )


paragraphs = st.lists(inline(), max_size=3).map(
    lambda content: "<w:p><w:pPr/>" + "".join(content) + "</w:p>"
)


@st.composite
def cells(draw: st.DrawFn, depth: int) -> str:
    props = draw(
        st.lists(
            st.sampled_from(
                [
                    '<w:tcW w:w="600" w:type="dxa"/>',
                    '<w:gridSpan w:val="2"/>',
                    '<w:gridSpan w:val="x"/>',
                    '<w:gridSpan w:val="3"/>',
                    '<w:vMerge w:val="restart"/>',
                    "<w:vMerge/>",
                    '<w:vMerge w:val="continue"/>',
                    '<w:hMerge w:val="restart"/>',
                    "<w:hMerge/>",
                ]
            ),
            max_size=4,
        )
    )
    content = draw(st.lists(paragraphs | _INNER_TABLES if depth else paragraphs, max_size=2))
    head = draw(st.sampled_from(["props first", "props last", "twice", "none"]))
    block = f"<w:tcPr>{''.join(props)}</w:tcPr>"
    if head == "props first":
        inner = block + "".join(content)
    elif head == "props last":
        inner = "".join(content) + block
    elif head == "twice":
        inner = block + '<w:tcPr><w:gridSpan w:val="4"/></w:tcPr>' + "".join(content)
    else:
        inner = "".join(content)
    cell = f"<w:tc>{inner}</w:tc>"
    wrap = draw(st.sampled_from(["", "sdt", "customXml", "alternate"]))
    if wrap == "sdt":
        return _sdt(cell, draw(_FLAGS | st.just("-")))
    if wrap == "customXml":
        return f"<w:customXml>{cell}</w:customXml>"
    if wrap == "alternate":
        return _alternate(cell, None)
    return cell


@st.composite
def rows(draw: st.DrawFn, depth: int) -> str:
    props = draw(
        st.sampled_from(
            [
                "",
                '<w:trPr><w:gridBefore w:val="1"/></w:trPr>',
                '<w:trPr><w:gridBefore w:val="2"/><w:gridBefore w:val="5"/></w:trPr>',
                '<w:trPr><w:del w:id="1" w:author="a"/></w:trPr>',
                '<w:trPr/><w:trPr><w:del w:id="1" w:author="a"/></w:trPr>',
            ]
        )
    )
    row = "<w:tr>" + props + "".join(draw(st.lists(cells(depth), max_size=3))) + "</w:tr>"
    wrap = draw(st.sampled_from(["", "", "sdt", "ins"]))
    if wrap == "sdt":
        return _sdt(row, draw(_FLAGS | st.just("-")))
    return f"<w:ins>{row}</w:ins>" if wrap == "ins" else row


def tables(depth: int = 1) -> st.SearchStrategy[str]:
    return st.lists(rows(depth), max_size=3).map(
        lambda content: "<w:tbl><w:tblPr/>" + "".join(content) + "</w:tbl>"
    )


_INNER_TABLES = tables(0)
_TABLES = tables()
bodies = st.lists(
    st.one_of(
        paragraphs,
        _TABLES,
        st.tuples(
            st.lists(paragraphs | _TABLES, max_size=2).map("".join), _FLAGS | st.just("-")
        ).map(lambda pair: _sdt(*pair)),
        st.lists(paragraphs, max_size=2).map(
            lambda ps: f"<w:customXml>{''.join(ps)}</w:customXml>"
        ),
    ),
    min_size=1,
    max_size=4,
).map("".join)


def _body_xml(body: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{W_NS}" xmlns:mc="{_MC}"><w:body>{body}<w:sectPr/></w:body>'
        "</w:document>"
    ).encode()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bodies)
def test_reader_equals_the_plain_walk_on_generated_markup(body: str) -> None:
    data = zip_bytes(
        {
            "[Content_Types].xml": CONTENT_TYPES,
            "_rels/.rels": RELS,
            "word/document.xml": _body_xml(body),
        }
    )
    try:
        expected = plain_layout(data)
    except gkbg.DocumentError:
        return
    assert DocxParser().read(gkbg.Input(data, "a.docx")) == expected


@pytest.mark.parametrize("seed", SEEDS, ids=lambda seed: seed.stem)
def test_reader_equals_the_plain_walk_on_rendered_reports(seed: Path) -> None:
    report = gkbg.parse(seed)
    for split in (None, "active", "applications"):
        data = gkbg.render.docx(report, split=split)
        assert DocxParser().read(gkbg.Input(data, "a.docx")) == plain_layout(data)


def test_reader_equals_the_plain_walk_on_the_template_and_built_reports() -> None:
    for data in (
        TEMPLATE.read_bytes(),
        report_2019()[0],
        relaid_docx(report_2019()[0], font_size=10.5),
    ):
        assert DocxParser().read(gkbg.Input(data, "a.docx")) == plain_layout(data)
