"""The markdown reader: detection, pipe and HTML tables as grids, and converter shapes read back."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gkbg
from gkbg import render
from gkbg.align.report import build_report
from gkbg.core.model import Location
from gkbg.core.text import looks_like_value
from gkbg.read import markdown
from gkbg.read.layout import Token, TokenKind, token_grid
from gkbg.read.markdown import MarkdownParser
from gkbg.read.registry import default_registry, parse_layout
from gkbg.testing import LabelStyle, invalid_reports, label_styles, report_of, reports
from tests.helpers import FIXTURES, SEEDS, assert_read_back_or_flagged

if TYPE_CHECKING:
    from pathlib import Path

    import regex

SHUYANG = FIXTURES / "corpus" / "shuyang-county-2025.md"

TABLE = """# 某县人民政府2021年政府信息公开工作年度报告

## 四、政府信息公开行政复议、行政诉讼情况

| 项目 | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |
|---|---|---|---|---|---|
| 行政复议 | 1 | 2 | 3 | 4 | 10 |
"""


def _detect(data: bytes) -> str:
    return default_registry().detect(gkbg.Input(data, "x")).name


def test_detects_pipe_tables_and_headings() -> None:
    assert _detect(TABLE.encode()) == "markdown"
    assert _detect(SHUYANG.read_bytes()) == "markdown"
    assert gkbg.parse(SHUYANG).format == "markdown"


def test_html_tables_under_markdown_headings_are_markdown() -> None:
    data = "## 四、政府信息公开行政复议、行政诉讼情况\n\n<table><tr><td>1</td></tr></table>\n"
    assert _detect(data.encode()) == "markdown"


def test_does_not_steal_pipe_text_html_or_flat_text() -> None:
    for seed in SEEDS:
        assert MarkdownParser().sniff(gkbg.Input(seed.read_bytes(), seed.name)) == 0.0
    page = b"<!DOCTYPE html><html><body><h1>x</h1><table><tr><td>1</td></tr></table></body></html>"
    assert _detect(page) == "html"
    assert MarkdownParser().sniff(gkbg.Input("一、总体情况\n正文 | 不是表格".encode(), "x")) == 0.0
    assert MarkdownParser().sniff(gkbg.Input(b"\x00\x01\x02binary", "x")) == 0.0


def test_pipe_cells_carry_their_grid_and_line() -> None:
    layout = parse_layout(TABLE, format="markdown")
    cells = [token for token in layout.tokens if token.cell]
    assert [token.text for token in cells[:2]] == ["项目", "结果维持"]
    value = next(token for token in cells if token.text == "10")
    where = value.location
    assert (where.table_index, where.row_index, where.col_index) == (0, 1, 5)
    assert where.line == 7
    assert where.start is not None
    assert where.end is not None
    assert layout.text[where.start : where.end] == "10"
    heading = next(token for token in layout.tokens if not token.cell)
    assert heading.text == "某县人民政府2021年政府信息公开工作年度报告"
    assert heading.location.line == 1


def test_a_turned_table_is_read_by_its_labels() -> None:
    report = gkbg.parse(TABLE, format="markdown")
    assert report.cell("appeals.reconsideration.upheld").value == 1
    assert report.cell("appeals.reconsideration.total").value == 10
    assert not report.cell("appeals.reconsideration.total").uncertain


def test_html_table_inside_markdown_is_read_by_the_html_reader() -> None:
    rows = "".join(
        f"<tr><td>{label}</td><td>{a}</td><td>{b}</td><td>{c}</td><td>{d}</td><td>{t}</td></tr>"
        for label, a, b, c, d, t in [("行政复议", 1, 2, 3, 4, 10)]
    )
    text = (
        "## 四、政府信息公开行政复议、行政诉讼情况\n\n<table>\n"
        "<tr><td>项目</td><td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td>"
        f"<td>总计</td></tr>\n{rows}\n</table>\n"
    )
    layout = parse_layout(text)
    assert layout.format == "markdown"
    cell = next(token for token in layout.tokens if token.text == "10")
    assert cell.location.line == 3
    assert cell.location.col_index == 5
    assert gkbg.parse(text).cell("appeals.reconsideration.total").value == 10


def test_shuyang_generic_headers_are_read_in_the_forms_order_and_say_so() -> None:
    report = gkbg.parse(SHUYANG)
    cell = report.cell("applications.received.natural_person")
    assert cell.value == 705
    assert [doubt.code for doubt in cell.uncertain] == ["grid.unnamed_column"]
    assert str(cell.uncertain[0]) == (
        "placed by order: the column is headed 数据1, which names no column of the form; "
        "read as 自然人, its place in the form's order"
    )
    # 总计 names its own column, in the place the order gives it: read by its labels.
    total = report.cell("applications.received.total")
    assert total.value == 713
    assert not total.uncertain
    # The rows under the bogus header (本年新收件数 … 予以公开 …) keep the positional order.
    assert report.cell("applications.total.legal_service").value == 5
    assert report.cell("applications.carried_forward.natural_person").value == 31
    # Table 四 from three small tables, each named by the heading over it.
    assert report.cell("appeals.litigation_after_reconsideration.other").value == 1
    assert report.cell("active.fees.amount").value == Decimal("4068.208")
    assert not any(cell.state is gkbg.CellState.INVALID for cell in report.iter_cells())


def _same_or_flagged(original: gkbg.Report, parsed: gkbg.Report) -> list[str]:
    """The keys of cells read silently wrong: another value, and no doubt said."""
    wrong = []
    for cell in original.iter_cells():
        got = parsed.cell(cell.key)
        if got.uncertain:
            continue
        if got.value != cell.value or got.state is not cell.state:
            wrong.append(f"{cell.key}: {cell.value} read as {got.value} ({got.state})")
    return wrong


_OPTIONS = st.fixed_dictionaries(
    {
        "generic_headers": st.sampled_from([False, True, "all"]),
        "split": st.booleans(),
        "repeat_header": st.booleans(),
        "footer": st.sampled_from([None, "— 5 —", "- 12 -"]),
        "broken_labels": st.booleans(),
    }
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reports(), _OPTIONS)
def test_converter_markdown_reads_back_or_flags(
    report: gkbg.Report, options: dict[str, Any]
) -> None:
    text = render.markdown(report, **options)
    parsed = gkbg.parse(text)
    assert parsed.format == "markdown"
    assert _same_or_flagged(report, parsed) == []
    if not options["generic_headers"] and not options["broken_labels"]:
        # Labels alone place every cell: nothing needs a doubt.
        assert [c.key for c in parsed.iter_cells() if c.uncertain] == []


def test_rows_after_a_page_footer_are_read_under_the_header_in_force() -> None:
    text = SHUYANG.read_text(encoding="utf-8").replace(
        "| 4. 保护第三方合法权益 | 2 | 0 | 0 | 0 | 0 | 0 | 2 |\n",
        "| 4. 保护第三方合法权益 | 2 | 0 | 0 | 0 | 0 | 0 | 2 |\n— 5 —\n",
    )
    layout = parse_layout(text)
    row = next(token for token in layout.tokens if token.text == "5. 属于三类内部事务信息")
    assert row.cell
    assert row.location.row_index == 0
    report = gkbg.parse(text)
    assert report.cell("applications.denied.internal_affairs.natural_person").value == 13
    assert report.cell("applications.denied.query_matters.total").value == 9
    assert gkbg.parse(SHUYANG).cells() == report.cells()


def test_a_first_row_of_words_that_are_no_labels_is_a_header() -> None:
    """Headers 数据1…数据7 with no 总计: the values are placed in the form's order, with doubt."""
    text = SHUYANG.read_text(encoding="utf-8").replace("| 数据6 | 总计 |", "| 数据6 | 数据7 |")
    report = gkbg.parse(text)
    assert report.cells() == gkbg.parse(SHUYANG).cells()
    cell = report.cell("applications.received.total")
    assert cell.value == 713
    assert [doubt.code for doubt in cell.uncertain] == ["grid.unnamed_column"]
    assert not any(cell.state is gkbg.CellState.INVALID for cell in report.iter_cells())


def test_a_label_broken_over_two_rows_is_read_as_one() -> None:
    """A cut label over empty cells is held for the next row, whose label completes it."""
    text = SHUYANG.read_text(encoding="utf-8").replace(
        "| 2. 申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请 | 7 |",
        "| 2. 申请人逾期未按收费通知要求缴纳 |  |  |  |  |  |  |  |\n"
        "| 费用、行政机关不再处理其政府信息公开申请 | 7 |",
    )
    report = gkbg.parse(text)
    assert report.cells() == gkbg.parse(SHUYANG).cells()
    cell = report.cell("applications.other.no_fee.total")
    assert cell.value == 7
    assert cell.location is not None
    assert cell.location.row_index == 2


# ----------------------------------------------------------------------------------------------
# Garbled conversions (OCR, a language model asked for markdown): every cell right or flagged.

_GARBLED = st.fixed_dictionaries(
    {
        "generic_headers": st.sampled_from([False, True, "all"]),
        "split": st.booleans(),
        "repeat_header": st.booleans(),
        "footer": st.sampled_from([None, "— 5 —", "- 12 -"]),
        "footer_row": st.booleans(),
        "broken_labels": st.booleans(),
        "scattered_headers": st.sampled_from([None, "spans", "packed"]),
        "unlabelled": st.booleans(),
        "notes": st.booleans(),
        "floating": st.sampled_from([False, True, "above"]),
        "uneven": st.booleans(),
        "loose": st.booleans(),
        "plain": st.sampled_from([(), ("active",), ("appeals",), ("applications",)]),
        "merged_values": st.booleans(),
        "labels_apart": st.booleans(),
        # Labels as the form prints them, or another way (line breaks, punctuation, shortened).
        "labels": st.one_of(st.none(), label_styles()),
    }
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reports(), _GARBLED)
def test_garbled_markdown_reads_back_or_flags(report: gkbg.Report, options: dict[str, Any]) -> None:
    parsed = gkbg.parse(render.markdown(report, **options))
    assert_read_back_or_flagged(report, parsed)
    assert not [f for f in gkbg.check(parsed).findings if f.severity is gkbg.Severity.ERROR]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(invalid_reports(), _GARBLED)
def test_garbled_markdown_keeps_the_errors_or_flags_their_cells(
    invalid: Any, options: dict[str, Any]
) -> None:
    report = invalid.report
    assert_read_back_or_flagged(report, gkbg.parse(render.markdown(report, **options)))


SMALL = """# 某县人民政府2021年政府信息公开工作年度报告

## 二、主动公开政府信息情况

### 第二十条第（一）项

| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |
|---|---|---|---|
| 规章 | 0 | 0 | 3 |
| 行政规范性文件 | 6 | 1 | {docs} |
{after}
### 第二十条第（五）项

{licensing}

### 第二十条第（六）项

| 信息内容 | 本年处理决定数量 |
|---|---|
| 行政处罚 | 12 |
| 行政强制 | 4 |

### 第二十条第（八）项

| 信息内容 | 本年收费金额（单位：万元） |
|---|---|
| 行政事业性收费 | 0 |
"""
_LICENSING = "| 信息内容 | 本年处理决定数量 |\n|---|---|\n| 行政许可 | 7 |"


def _small(docs: str = "32", after: str = "", licensing: str = _LICENSING) -> gkbg.Report:
    return gkbg.parse(SMALL.format(docs=docs, after=after, licensing=licensing))


def _missing(report: gkbg.Report) -> list[str]:
    """The missing tables and blocks (here 三 and 四 are missing from every report)."""
    return [str(f.message) for f in gkbg.check(report).findings if f.rule == "table.missing"]


def test_a_number_with_a_note_is_its_leading_number_with_a_doubt() -> None:
    for printed in ["55（含自然失效29件）", "55(其中 29 件)", "55 （含29件）"]:
        cell = _small(docs=printed).cell("active.normative_docs.in_force")
        assert cell.value == 55, printed
        assert [doubt.code for doubt in cell.uncertain] == ["value.noted"]
        assert "29" in str(cell.uncertain[0])
    # The note's number is in no cell.
    report = _small(docs="55（含自然失效29件）")
    assert 29 not in [cell.value for cell in report.iter_cells()]
    # The same in an HTML table inside the markdown.
    text = (
        "## 四、政府信息公开行政复议、行政诉讼情况\n\n<table>\n"
        "<tr><td>项目</td><td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td>"
        "<td>总计</td></tr>\n<tr><td>行政复议</td><td>1</td><td>2</td><td>3</td><td>4</td>"
        "<td>10（其中3件）</td></tr>\n</table>\n"
    )
    total = gkbg.parse(text).cell("appeals.reconsideration.total")
    assert total.value == 10
    assert [doubt.code for doubt in total.uncertain] == ["value.noted"]


def test_a_number_floating_under_its_table_leaves_the_empty_cell_unread() -> None:
    report = _small(docs="", after="\n55（含自然失效29件）\n")
    cell = report.cell("active.normative_docs.in_force")
    assert cell.state is gkbg.CellState.UNREAD
    assert [doubt.code for doubt in cell.uncertain] == ["markdown.floating_number"]
    # The row's other cells may have moved into the gap: flagged, read as printed.
    issued = report.cell("active.normative_docs.issued")
    assert issued.value == 6
    assert [doubt.code for doubt in issued.uncertain] == ["markdown.row_with_gap"]
    # A row with every cell printed is not in doubt; the number is placed nowhere.
    assert not report.cell("active.rules.in_force").uncertain
    assert 55 not in [cell.value for cell in report.iter_cells()]
    assert "cell.missing" not in {f.rule for f in gkbg.check(report).findings}
    assert _missing(report) == _missing(_small())
    # The same with the number above the table, between its caption and it.
    above = SMALL.format(docs="", after="", licensing=_LICENSING).replace(
        "### 第二十条第（一）项\n", "### 第二十条第（一）项\n\n55\n"
    )
    cell = gkbg.parse(above).cell("active.normative_docs.in_force")
    assert cell.state is gkbg.CellState.UNREAD
    assert [doubt.code for doubt in cell.uncertain] == ["markdown.floating_number"]
    # Without the floating number, the empty cell is a blank.
    assert _small(docs="").cell("active.normative_docs.in_force").state is gkbg.CellState.BLANK


def test_a_row_on_a_plain_line_is_read_by_its_label_and_order() -> None:
    report = _small(licensing="信息内容 本年处理决定数量\n行政许可 0")
    cell = report.cell("active.licensing.decisions")
    assert cell.value == 0
    assert cell.uncertain
    assert _missing(report) == _missing(_small())


def test_a_plain_line_with_the_wrong_count_is_unread_and_no_missing_table() -> None:
    report = _small(licensing="信息内容 本年处理决定数量\n行政许可 3 4")
    cell = report.cell("active.licensing.decisions")
    assert cell.state is gkbg.CellState.UNREAD
    assert [doubt.code for doubt in cell.uncertain] == ["grid.line_unread"]
    assert _missing(report) == _missing(_small())


_APPLICATIONS = """## 三、收到和处理政府信息公开申请情况

| 申请人情况 | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计 |
|---|---|---|---|---|---|---|---|
| 一、本年新收政府信息公开申请数量 | 10 | 0 | 0 | 0 | 0 | 0 | 10 |
{row}
| 三、本年度办理结果（一）予以公开 | 9 | 0 | 0 | 0 | 0 | 0 | 9 |
"""


def test_a_row_with_no_label_is_placed_by_order_when_the_count_fits() -> None:
    text = _APPLICATIONS.format(row="|  | 2 | 0 | 0 | 0 | 1 | 0 | 3 |")
    report = gkbg.parse(text, format="markdown")
    cell = report.cell("applications.carried_over.total")
    assert cell.value == 3
    assert [doubt.code for doubt in cell.uncertain] == ["grid.unlabelled_row"]
    assert "二、上年结转政府信息公开申请数量" in str(cell.uncertain[0])


def test_rows_with_no_label_that_do_not_fit_are_not_placed() -> None:
    """Two rows with no label where the form has one row between their neighbours."""
    two = "|  | 2 | 0 | 0 | 0 | 1 | 0 | 3 |\n|  | 1 | 0 | 0 | 0 | 0 | 0 | 1 |"
    report = gkbg.parse(_APPLICATIONS.format(row=two), format="markdown")
    cell = report.cell("applications.carried_over.total")
    assert cell.state is gkbg.CellState.UNREAD
    # (Printed, not missing: the rows are there, which is which is unknown.)
    assert [doubt.code for doubt in cell.uncertain] == ["grid.unlabelled_rows"]
    assert report.cell("applications.granted.total").value == 9


def test_a_page_footer_in_a_row_of_its_own_is_no_row() -> None:
    text = _APPLICATIONS.format(
        row="| — 5 — |\n| 二、上年结转政府信息公开申请数量 | 2 | 0 | 0 | 0 | 1 | 0 | 3 |"
    )
    layout = parse_layout(text, format="markdown")
    assert "— 5 —" not in [token.text for token in layout.tokens if token.cell]
    report = gkbg.parse(text, format="markdown")
    assert report.cell("applications.carried_over.total").value == 3
    assert not report.cell("applications.carried_over.total").uncertain


# ----------------------------------------------------------------------------------------------
# Headings and labels broken over lines (labels printed another way than the form's).


def _numbered(variant: str) -> gkbg.Report:
    """A report of ``variant`` whose cells hold small numbers in turn (no relation holds)."""
    cells: dict[str, gkbg.Value] = {
        spec.key: number % 7 for number, spec in enumerate(gkbg.form(variant).cells(), start=1)
    }
    return report_of(variant, cells, 2022, "某某区人民政府")


@pytest.mark.parametrize("variant", ["2019", "2021"])
@pytest.mark.parametrize("width", [1, 2, 3, 4, 6])
def test_small_tables_under_headings_broken_over_lines_are_placed_by_them(
    variant: str, width: int
) -> None:
    """### 行政复 / 议 names the small table under it: table 四 is read by its headings."""
    report = _numbered(variant)
    text = render.markdown(report, labels=LabelStyle(break_after=width))
    assert "### 行政复\n议" in text or width != 3
    read_back = gkbg.parse(text)
    for cell in read_back.table("appeals").cells:
        assert cell.value == report.cell(cell.key).value, cell.key
        assert not cell.uncertain, cell.key
    # The relations fail on the printed numbers, not on a placement.
    assert _errors(read_back) == _errors(report)


def _errors(report: gkbg.Report) -> set[tuple[str, tuple[str, ...]]]:
    return {(f.rule, f.cells) for f in gkbg.check(report).errors}


def test_a_number_floating_under_small_tables_under_broken_headings_flags_them_all() -> None:
    """A heading's second line (### 三、本年度办理结 / 果（一）予以公开) is no prose: a number
    printed under the last small table may be the empty cell's of any of them."""
    header = (
        "| 申请人情况 | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 "
        "| 总计 |\n|---|---|---|---|---|---|---|---|\n"
    )
    text = (
        "## 三、收到和处理政府信息公开申请情况\n\n"
        "### 三、本年度办理结\n果（一）予以公开\n"
        f"{header}| 予以公开 | 1 |  | 0 | 0 | 0 | 0 | 6 |\n\n"
        "### 三、本年度办理结\n果（二）部分公开\n"
        f"{header}| 部分公开 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n\n"
        "5\n"
    )
    cell = gkbg.parse(text, format="markdown").cell("applications.granted.commercial")
    assert cell.state is gkbg.CellState.UNREAD
    assert [doubt.code for doubt in cell.uncertain] == ["markdown.floating_number"]
    # Prose between them parts them: the number is under the second table only.
    parted = text.replace(
        "果（二）部分公开\n", "果（二）部分公开\n\n本年度依申请公开情况如下。\n\n"
    )
    parted = parted.replace("### 三、本年度办理结\n果（二）部分公开\n\n", "### 部分公开\n\n")
    cell = gkbg.parse(parted, format="markdown").cell("applications.granted.commercial")
    assert cell.state is gkbg.CellState.BLANK


def test_a_row_label_wrapped_over_two_lines_of_text_is_read() -> None:
    """A small table printed as lines, its label wrapped as in its cell (行政许 / 可 0)."""
    report = _small(licensing="信息内容 本年处理决定数量\n行政许\n可 7")
    cell = report.cell("active.licensing.decisions")
    assert cell.value == 7
    assert [doubt.code for doubt in cell.uncertain] == ["grid.line"]
    assert _missing(report) == _missing(_small())


def test_a_row_label_alone_under_its_header_words_is_found_unread() -> None:
    """The number of 行政许可 printed elsewhere (above its block): the row is there, unread."""
    report = _small(licensing="7\n\n信息内容 本年处理决定数量\n行政许可")
    cell = report.cell("active.licensing.decisions")
    assert cell.state is gkbg.CellState.UNREAD
    assert [doubt.code for doubt in cell.uncertain] == ["grid.line_unread"]
    assert _missing(report) == _missing(_small())
    # The header's words wrapped over two lines (本年处理决 / 定数量): the row is there still.
    report = _small(licensing="7\n\n信息内容 本年处理决\n定数量\n行政许可")
    cell = report.cell("active.licensing.decisions")
    assert [doubt.code for doubt in cell.uncertain] == ["grid.line_unread"]
    assert _missing(report) == _missing(_small())
    # A label in a heading or a sentence is no row.
    report = _small(licensing="行政许可\n\n本年度行政许可事项办理情况良好。")
    assert report.cell("active.licensing.decisions").uncertain[0].code != "grid.line_unread"


def test_rows_a_form_prints_no_label_for_are_not_filled_by_stray_numbers() -> None:
    """A 2019 table 三 cut into small tables, numbers floating under them: the 2021 form's rows
    of （六）其他处理 are printed nowhere, so the floating numbers do not fill them by order and
    make the 2021 form fit better (it was read as 2021, with false errors, before)."""
    path = FIXTURES / "markdown" / "garbled-2019-floating.md"
    report = gkbg.parse(path)
    assert report.table("applications").variant == "2019"
    assert [f.rule for f in gkbg.check(report).errors] == []


# Numbers two to a cell (``merged_values``) and labels apart from their numbers
# (``labels_apart``), as markitdown prints them, with only the options that keep rows whole:
# more draws of the two than `_GARBLED` (which draws them with every other garbling) gives.
_APART = st.fixed_dictionaries(
    {
        "labels_apart": st.booleans(),
        "merged_values": st.booleans(),
        "notes": st.booleans(),
        "generic_headers": st.sampled_from([False, True]),
        "labels": st.one_of(st.none(), label_styles()),
    }
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reports(), _APART)
def test_numbers_two_to_a_cell_and_labels_apart_read_back_or_flag(
    report: gkbg.Report, options: dict[str, Any]
) -> None:
    parsed = gkbg.parse(render.markdown(report, **options))
    assert_read_back_or_flagged(report, parsed)
    assert not [f for f in gkbg.check(parsed).findings if f.severity is gkbg.Severity.ERROR]


# Garbled conversions drawn by the garbled property or the markdown-garbled bench that read
# cells wrong or gave false errors before: labels apart from their numbers, numbers two to a
# cell, labels broken over two rows, scattered and generic headers, rows of uneven width and
# numbers floating outside the table, all at once. Each generated report is kept beside its
# conversion.
@pytest.mark.parametrize(
    "name",
    [
        # Rows read by their order took ``0 0`` for one cell and the row's next numbers from the
        # row below; and a label on a row of empty cells, its numbers on the row under it, was
        # read as a row of blanks.
        "garbled-2021-packed-apart",
        # Numbers counted for rows filled by order fitted by chance, blank cells among them.
        "garbled-2021-blank-among-values",
        # A label row with one empty cell too many before its numbers' row.
        "garbled-2021-apart-uneven",
        # Block 八's label alone on a line under a header of generic names (信息内容 数据1
        # 数据2), its number floating above: the block was reported missing.
        "garbled-2019-label-under-generic-header",
        # Block 八's label on a grid row with no cells, under generic column names: reported
        # missing although the row is found (its cells `grid.no_column`).
        "garbled-2019-label-row-without-cells",
        # Rows of numbers with no label, all left of the one column the header names (总计):
        # dropped, so that the label below one took the next row's numbers.
        "garbled-2021-values-left-of-header",
        # A note's number above table 三 and a blank cell in it: the numbers fitted the
        # table's cells by their count, all shifted by one.
        "garbled-mixed-number-outside-fits-count",
        # A row of numbers with no label, one short (its total floating above), under a header
        # of generic names: its empty first cell is under the label column's header, not the
        # row's first cell.
        "garbled-2019-unlabelled-row-under-label-header",
        # Table 三 split, generic headers over scattered column names, broken labels and rows
        # with no label: received's numbers read under the wrong rows broke table 三's balance
        # (a draw of the garbled property on 279aa24).
        "garbled-2021-split-packed-unlabelled",
    ],
)
def test_garbled_conversions_once_misread_read_right_or_flagged(name: str) -> None:
    generated = gkbg.from_json((FIXTURES / "markdown" / f"{name}.json").read_text())
    read = gkbg.parse(FIXTURES / "markdown" / f"{name}.md")
    assert_read_back_or_flagged(generated, read)


def test_a_row_of_empty_cells_before_a_row_of_numbers_alone_is_not_read_as_blanks() -> None:
    """The label on a row of empty cells, its numbers on the next row with no label."""
    generated = gkbg.from_json(
        (FIXTURES / "markdown" / "garbled-2021-packed-apart.json").read_text()
    )
    read = gkbg.parse(FIXTURES / "markdown" / "garbled-2021-packed-apart.md")
    for cell in read.table("applications").cells:
        if cell.key.startswith("applications.carried_over."):
            assert generated.cell(cell.key).value == 0
            assert cell.state is gkbg.CellState.UNREAD, cell.key
            assert cell.uncertain, cell.key


def test_numbers_apart_from_their_label_go_to_it_not_to_a_row_of_another_block() -> None:
    """Block 一's 行政规范性文件 prints its numbers on a row of their own; 行政许可 (block 五,
    another column) is printed in a line beside the grid. The numbers are the label's above
    them, and 行政许可's line is read; before, they were taken for 行政许可's row (the one row
    between the labelled rows around them) and block 五 was reported missing."""
    after_rules = "| 行政规范性文件 |  |  |  |\n|  | 6 | 1 | 32 |"
    text = SMALL.format(docs="32", after="", licensing="信息内容 本年处理决定数量\n行政许可 7")
    text = text.replace("| 行政规范性文件 | 6 | 1 | 32 |", after_rules)
    report = gkbg.parse(text)
    docs = [report.cell(f"active.normative_docs.{c}") for c in ("issued", "repealed", "in_force")]
    assert [cell.value for cell in docs] == [6, 1, 32]
    assert all("grid.unlabelled_row" in [d.code for d in cell.uncertain] for cell in docs)
    assert report.cell("active.licensing.decisions").value == 7
    assert _missing(report) == _missing(_small())


# --------------------------------------------------------------------------------------------
# Shortcuts: tokens whose `Location` is made only when read, and a cell with no bracket known
# to hold no note before any pattern runs, give what the plain reading gives.


def _plain_span_token(
    text: str, kind: TokenKind, at: tuple[Any, ...], *, cell: bool = False
) -> Token:
    start, end, line, column, table, row, col = at
    where = Location(start, end, line, column, table_index=table, row_index=row, col_index=col)
    return Token(text, kind, cell, where)


def _plain_noted(text: str) -> regex.Match[str] | None:
    match = markdown._NOTED.fullmatch(text)
    if match is None or not looks_like_value(match["number"]):
        return None
    return match


def _plain_noted_parts(cell: str) -> list[regex.Match[str]] | None:
    parts = list(markdown._NOTED_PART.finditer(cell))
    if (
        len(parts) < 2
        or not any(part["note"] is not None for part in parts)
        or not all(looks_like_value(part["number"]) for part in parts)
        or "".join(part.group() for part in parts) != "".join(cell.split())
    ):
        return None
    return parts


def _assert_read_as_plainly(data: str | bytes) -> None:
    """The layout and report of ``data`` are those of the plain tokens and note tests."""
    lazy = parse_layout(data, format="markdown")
    with (
        mock.patch.object(markdown, "span_token", _plain_span_token),
        mock.patch.object(markdown, "_noted", _plain_noted),
        mock.patch.object(markdown, "_noted_parts", _plain_noted_parts),
    ):
        plain = parse_layout(data, format="markdown")
    assert all(type(token) is Token for token in plain.tokens)
    assert lazy.tokens == plain.tokens
    assert [repr(token) for token in lazy.tokens] == [repr(token) for token in plain.tokens]
    assert [token.location for token in lazy.tokens] == [token.location for token in plain.tokens]
    assert [token_grid(token) for token in lazy.tokens] == [
        token_grid(token) for token in plain.tokens
    ]
    read, expected = build_report(lazy), build_report(plain)
    assert read == expected
    assert list(read.iter_cells()) == list(expected.iter_cells())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(reports(), invalid_reports().map(lambda invalid: invalid.report)), _GARBLED)
def test_generated_markdown_is_read_as_by_the_plain_tokens(
    report: gkbg.Report, options: dict[str, Any]
) -> None:
    _assert_read_as_plainly(render.markdown(report, **options))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reports(), _APART)
def test_markdown_with_numbers_apart_is_read_as_by_the_plain_tokens(
    report: gkbg.Report, options: dict[str, Any]
) -> None:
    _assert_read_as_plainly(render.markdown(report, **options))


@pytest.mark.parametrize(
    "path",
    sorted(FIXTURES.glob("**/*.md")),
    ids=lambda path: path.name,
)
def test_real_markdown_is_read_as_by_the_plain_tokens(path: Path) -> None:
    _assert_read_as_plainly(path.read_bytes())


_CELL_PIECES = [
    "1",
    "20",
    "0",
    " ",
    "  ",
    "（",
    "）",
    "(",
    ")",
    "其中",
    "件",
    "万元",
    "-",
    "/",
    "a",
]


@given(st.lists(st.sampled_from(_CELL_PIECES), max_size=14).map("".join))
def test_notes_are_found_as_by_the_patterns_alone(cell: str) -> None:
    def spans(found: regex.Match[str] | list[regex.Match[str]] | None) -> object:
        if found is None:
            return None
        return [m.span() for m in found] if isinstance(found, list) else found.span()

    assert spans(markdown._noted(cell)) == spans(_plain_noted(cell))
    assert spans(markdown._noted_parts(cell)) == spans(_plain_noted_parts(cell))
