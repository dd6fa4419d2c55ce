"""The markdown reader: detection, pipe and HTML tables as grids, and converter shapes read back."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gkbg
from gkbg import render
from gkbg.read.markdown import MarkdownParser
from gkbg.read.registry import default_registry, parse_layout
from gkbg.testing import reports
from tests.helpers import FIXTURES, SEEDS

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
