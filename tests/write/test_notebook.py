"""HTML views for notebooks: the tables in their form's layout, findings marked, text escaped."""

from __future__ import annotations

from decimal import Decimal

import attrs
import pytest

import gkbg
import gkbg.testing
from gkbg import render
from tests.helpers import tables, with_cell


@pytest.fixture(scope="module", params=["examples/yaohai-2019.txt", "examples/xingan-2024.txt"])
def report(request: pytest.FixtureRequest) -> gkbg.Report:
    return gkbg.parse(request.param)


def test_every_table_in_its_forms_layout(report: gkbg.Report) -> None:
    parsed = tables(report._repr_html_())
    assert [grid.key for grid in parsed.grids] == list(gkbg.TABLES)
    for grid in parsed.grids:
        spec = gkbg.form(grid.form).table(grid.key)
        # Rowspans and colspans make a rectangle: the merged headers are consistent.
        assert len(set(grid.widths())) == 1, grid.key
        # One data cell per cell of the form, in reading order (table 四: all in one row).
        titles = [attributes["title"].split("\n")[0] for _, attributes in grid.data()]
        assert titles == list(spec.cell_keys())
        headers = {text for row in grid.rows for tag, text, _ in row if tag == "th"}
        for block in spec.blocks:
            assert {row.label for row in block.rows} <= headers
            assert {column.label for column in block.columns} <= headers
            assert {c.group for c in block.columns if c.group} <= headers
            assert {r.group for r in block.rows if r.group} <= headers
            if block.caption:
                assert block.caption in headers
        if spec.note:
            assert spec.note in headers


def test_the_values_shown_are_the_cells(report: gkbg.Report) -> None:
    for grid in tables(gkbg.to_html(report, lang="en")).grids:
        for text, attributes in grid.data():
            cell = report.cell(attributes["title"].split("\n")[0])
            if cell.state is gkbg.CellState.VALUE:
                assert text == str(cell.value)
            elif cell.state is gkbg.CellState.UNREAD:
                assert text == "?"
            else:
                assert text == (cell.raw or "")
            assert f"gkbg-{cell.state.value}" in attributes["class"].split()


def test_failing_cells_are_marked_with_the_message() -> None:
    report = gkbg.parse("examples/yaohai-2019.txt")
    result = gkbg.check(report)
    data = {
        attributes["title"].split("\n")[0]: attributes
        for grid in tables(gkbg.to_html(report, result, lang="en")).grids
        for _, attributes in grid.data()
    }
    for finding in result.findings:
        about = data[finding.cells[0]]
        assert "gkbg-error" in about["class"].split()
        assert finding.message.en in about["title"]
        for part in finding.cells[1:]:
            assert "gkbg-involved" in data[part]["class"].split()
            assert finding.message.en in data[part]["title"]
    marked = {key for f in result.findings for key in f.cells}
    for key, attributes in data.items():
        if key not in marked:
            assert not {"gkbg-error", "gkbg-involved"} & set(attributes["class"].split())
    for cell in report.uncertain_cells():
        assert "gkbg-uncertain" in data[cell.key]["class"].split()
        assert all(reason.en in data[cell.key]["title"] for reason in cell.uncertain)
    zh = gkbg.to_html(report, result, lang="zh")
    assert result.findings[0].message.zh in zh


def test_report_text_is_escaped() -> None:
    report = gkbg.parse("examples/xingan-2024.txt")
    evil = '<script>alert("x")</script>'
    key = "applications.received.research"
    hostile = with_cell(
        attrs.evolve(report, agency=evil, title=evil, source=evil),
        key,
        state=gkbg.CellState.INVALID,
        value=None,
        raw=f'"><img src=x onerror=alert(1)>{evil}',
        uncertain=(evil,),
    )
    for markup in (hostile._repr_html_(), gkbg.check(hostile)._repr_html_()):
        assert "<script" not in markup
        assert "<img" not in markup
    parsed = tables(hostile._repr_html_())
    cell = next(
        (text, a) for g in parsed.grids for text, a in g.data() if a["title"].startswith(key)
    )
    assert cell[0] == f'"><img src=x onerror=alert(1)>{evil}'
    assert evil in cell[1]["title"]
    assert evil in "".join(parsed.texts)


def test_a_table_not_found_is_said() -> None:
    report = gkbg.parse("examples/xingan-2024.txt")
    tables_ = tuple(gkbg.Table(t.key, None) if t.key == "appeals" else t for t in report.tables)
    partial = attrs.evolve(report, tables=tables_)
    markup = gkbg.to_html(partial, lang="en")
    assert [g.key for g in tables(markup).grids] == ["active", "applications"]
    assert "四、政府信息公开行政复议、行政诉讼情况: table not found" in markup


def test_findings_as_html() -> None:
    result = gkbg.check(gkbg.parse("examples/yaohai-2019.txt"))
    markup = gkbg.result_html(result, lang="en")
    assert markup == gkbg.result_html(result, lang="en")
    assert markup.count('<tr class="gkbg-error">') == len(result.errors) == 2
    for finding in result.findings:
        assert finding.message.en in markup
    assert "2 errors, 0 warnings" in markup
    assert result.findings[0].message.zh in gkbg.result_html(result, lang="zh")


def test_a_finding_shows_its_first_cell_and_all_on_hover() -> None:
    result = gkbg.check(gkbg.parse("examples/yaohai-2019.txt"))
    finding = result.findings[0]
    assert len(finding.cells) > 1
    english = gkbg.result_html(result, lang="en")
    every = " ".join(finding.cells)
    shown = f"{finding.cells[0]} and {len(finding.cells) - 1} more"
    assert f'<td title="{every}">{shown}</td>' in english
    chinese = gkbg.result_html(result, lang="zh")
    assert (
        f'<td title="{every}">{finding.cells[0]} 等 {len(finding.cells)} 个单元格</td>' in chinese
    )
    assert f'<td class="gkbg-number">{finding.expected}</td>' in english


def _covered(rows: list[list[tuple[str, str, dict[str, str]]]]) -> dict[tuple[int, int], str]:
    """What each position of an HTML table's grid shows: a label's text, a data cell's key."""
    covered: dict[tuple[int, int], str] = {}
    for r, row in enumerate(rows):
        c = 0
        for tag, text, attributes in row:
            while (r, c) in covered:
                c += 1
            shown = attributes["title"].split("\n")[0] if tag == "td" else text
            for dr in range(int(attributes.get("rowspan", "1"))):
                for dc in range(int(attributes.get("colspan", "1"))):
                    covered[r + dr, c + dc] = f"{r},{c}:{shown}"
            c += int(attributes.get("colspan", "1"))
    return covered


def _placed(placed: list[render.Placed]) -> dict[tuple[int, int], str]:
    return {
        (cell.row + dr, cell.col + dc): f"{cell.row},{cell.col}:{cell.key or cell.text}"
        for cell in placed
        for dr in range(cell.rowspan)
        for dc in range(cell.colspan)
    }


@pytest.mark.parametrize("variant", ["2019", "2021"])
def test_the_tables_are_drawn_as_the_renderers_print_them(variant: str) -> None:
    """One layout: the notebook's merged cells are those of `gkbg.render.grid`, the form's."""
    values: dict[str, gkbg.Value] = {
        spec.key: Decimal(0) if spec.kind == "amount" else 0 for spec in gkbg.form(variant).cells()
    }
    report = gkbg.testing.report_of(variant, values, gkbg.form(variant).first_year, "某某局")
    for grid in tables(gkbg.to_html(report, lang="zh")).grids:
        placed = render.grid(report, grid.key)
        assert _covered(grid.rows) == _placed(placed), grid.key
        beside = {cell.text for cell in placed if cell.row_label}
        row_labels = {
            text for row in grid.rows for tag, text, a in row if a.get("class") == "gkbg-row"
        }
        assert row_labels == beside
        spec = gkbg.form(variant).table(grid.key)
        if spec.across:
            assert not beside
        else:
            names = {row.label for row in spec.rows} | {row.group for row in spec.rows}
            assert beside == names - {None}


def test_table_four_merges_its_headers_as_the_official_form() -> None:
    """行政复议 heads five columns whose labels reach down past 行政诉讼's two kinds of suit."""
    report = gkbg.parse("examples/xingan-2024.txt")
    markup = gkbg.to_html(report, lang="zh")
    assert '<tr><th colspan="5">行政复议</th><th colspan="10">行政诉讼</th></tr>' in markup
    assert '<th rowspan="2">结果维持</th>' in markup
    assert '<th colspan="5">未经复议直接起诉</th><th colspan="5">复议后起诉</th></tr>' in markup
