"""Grid placement: HTML, Word and Excel tables read cell by cell at their row and column.

The fixtures in ``tests/fixtures/grid`` are documents as offices publish them (a CMS page with
nested layout tables and Word's HTML markup, a filled Word template, a workbook unmerged by
hand); next to each, a JSON file holds every cell's expected state, value and whether it must
be flagged uncertain, written from the values the document was made with.

The last sections check that the grid's shortcuts give what the plain work gives: the grid
reader's early exit with the full reader, its judgement of a cell's positions with the plain
definition; each row's cells as one range, with the cells' rows one by one; a cell's lone
position, never shifted.
"""

from __future__ import annotations

import json
from decimal import Decimal
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gkbg
from gkbg.align.grid import (
    GridPlacement,
    _Candidate,
    _differ,
    _form_maps,
    _grid_rows,
    _GridReader,
    _resolve,
    _same,
    _shifted,
    read_grid,
)
from gkbg.align.report import _distinct_forms
from gkbg.core.reasons import Doubt
from gkbg.core.schema import TABLES, TableForm
from gkbg.read.layout import Token, TokenKind
from gkbg.testing import report_of
from tests.helpers import FIXTURES, TABLE_WRITERS, render, workbook

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence


GRID = FIXTURES / "grid"
DOCUMENTS = sorted(path for path in GRID.iterdir() if path.suffix != ".json")
HTML = gkbg.ParserRegistry(entry_points=False)


def expected(document: Path) -> dict[str, tuple[str, gkbg.Value | None, bool]]:
    data = json.loads(document.with_suffix(".json").read_text(encoding="utf-8"))
    cells: dict[str, tuple[str, gkbg.Value | None, bool]] = {}
    for key, (state, text, uncertain) in data["cells"].items():
        value = None if text is None else Decimal(text) if "." in text else int(text)
        cells[key] = (state, value, uncertain)
    return cells


def read(report: gkbg.Report) -> dict[str, tuple[str, gkbg.Value | None, bool]]:
    return {c.key: (c.state.value, c.value, bool(c.uncertain)) for c in report.iter_cells()}


# --------------------------------------------------------------------------------------------
# 1. Documents as published.


@pytest.mark.parametrize("document", DOCUMENTS, ids=[d.name for d in DOCUMENTS])
def test_every_cell_of_the_published_documents(document: Path) -> None:
    pytest.importorskip("openpyxl")
    report = gkbg.parse(document)
    assert read(report) == expected(document)


def test_words_where_numbers_belong_are_invalid_cells_with_their_text() -> None:
    report = gkbg.parse(GRID / "cms-2021-copies.html")
    cell = report.cell("applications.received.research")
    assert (cell.state, cell.raw, cell.uncertain) == (gkbg.CellState.INVALID, "暂无", ())
    assert report.cell("appeals.reconsideration.other").raw == "另有说明"
    # Its neighbours are read, not the whole group left unread.
    assert report.cell("applications.received.commercial").value == 12
    assert report.cell("applications.received.social_org").value == 14


def test_merged_cell_copies_are_read_once() -> None:
    report = gkbg.parse(GRID / "cms-2021-copies.html")
    licensing = report.cell("active.licensing.decisions")
    assert (licensing.value, licensing.uncertain) == (7, ())
    assert licensing.location is not None
    assert licensing.location.col_index == 2  # the first of the three copies, after 序号
    assert report.cell("active.penalty.decisions").uncertain == ()


def test_different_numbers_in_one_declared_cell_are_flagged() -> None:
    pytest.importorskip("openpyxl")
    report = gkbg.parse(GRID / "unmerged-2021.xlsx")
    cell = report.cell("active.coercion.decisions")
    assert cell.value == 9
    assert tuple(map(str, cell.uncertain)) == (
        (
            "the source prints '9', '10', '9' in positions the form declares as this one cell; "
            "read '9', the first"
        ),
    )


def test_a_column_the_table_does_not_print_is_unread_not_blank() -> None:
    report = gkbg.parse(GRID / "cms-2019-split-bare.html")
    for row in gkbg.form("2019").table("applications").rows:
        cell = report.cell(f"applications.{row.key}.legal_service")
        assert cell.state is gkbg.CellState.UNREAD
        assert tuple(map(str, cell.uncertain)) == (
            "unread: the table prints no column 法律服务机构",
        )


def test_a_table_split_in_two_reads_the_second_under_the_first_header() -> None:
    report = gkbg.parse(GRID / "cms-2019-split-bare.html")
    first = report.cell("applications.received.total").location
    second = report.cell("applications.carried_forward.total").location
    assert first is not None
    assert second is not None
    assert first.table_index is not None
    assert second.table_index == first.table_index + 1
    assert second.col_index == first.col_index


def test_a_row_that_does_not_line_up_is_read_in_order_with_doubt() -> None:
    report = gkbg.parse(GRID / "filled-2021.docx")
    cell = report.cell("applications.carried_over.natural_person")
    assert cell.value == 18
    assert tuple(map(str, cell.uncertain)) == (
        (
            "placed by order: the cells of the row 二、上年结转政府信息公开申请数量 do not line up "
            "with the columns of the header above them"
        ),
    )


# --------------------------------------------------------------------------------------------
# 2. Table 三 laid out in any column order, with extra columns, split anywhere.

Cells = dict[str, str]


def td(text: str, rowspan: int = 1, colspan: int = 1) -> str:
    spans = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (
        f' colspan="{colspan}"' if colspan > 1 else ""
    )
    return f"<td{spans}><p><span>{escape(text) or '&nbsp;'}</span></p></td>"


def applications_html(
    variant: str,
    cells: Mapping[str, str],
    order: Sequence[int],
    *,
    serial: bool,
    remarks: bool,
    split: int | None,
) -> list[str]:
    """Table 三 as ``<table>``s: its columns in ``order``, a 序号 or 备注 column, split at a row."""
    table = gkbg.form(variant).table("applications")
    columns = [table.columns[i] for i in order]
    head: list[list[str]] = [[], [], []]
    if serial:
        head[0].append(td("序号", 3))
    head[0] += [td(table.note or "", 3, 2), td("申请人情况", 1, len(columns))]
    if remarks:
        head[0].append(td("备注", 3))
    index = 0
    while index < len(columns):
        column = columns[index]
        if column.group is None:
            head[1].append(td(column.label, 2))
            index += 1
            continue
        run = 0
        while index + run < len(columns) and columns[index + run].group == column.group:
            run += 1
        head[1].append(td(column.group, 1, run))
        head[2] += [td(c.label) for c in columns[index : index + run]]
        index += run
    header = ["<tr>" + "".join(row) + "</tr>" for row in head]
    body: list[str] = []
    for number, row in enumerate(table.rows, start=1):
        cells_html = [td(str(number))] if serial else []
        if row.group and not row.group.startswith("三"):
            cells_html += [td(row.group), td(row.label)]
        else:
            cells_html.append(td(row.label, 1, 2))
        cells_html += [td(cells[f"applications.{row.key}.{c.key}"]) for c in columns]
        if remarks:
            cells_html.append(td("含转办" if number == 1 else ""))
        body.append("<tr>" + "".join(cells_html) + "</tr>")
    cut = len(body) if split is None else split
    tables = [header + body[:cut]]
    if cut < len(body):
        tables.append(body[cut:])
    return ['<table border="1">\n' + "\n".join(rows) + "\n</table>" for rows in tables]


def page(variant: str, cells: Mapping[str, str], applications: list[str]) -> bytes:
    form = gkbg.form(variant)
    body = ["<p>某某区人民政府2022年政府信息公开工作年度报告</p>", "<p>一、总体情况</p>"]
    for key in gkbg.TABLES:
        table = form.table(key)
        body.append(f"<p>{table.heading}</p>")
        if key == "applications":
            body += applications
        else:
            rows = render(TABLE_WRITERS[key](table, cells), merged=True)
            body.append(f'<table border="1">\n{rows}\n</table>')
    body.append("<p>五、存在的主要问题及改进情况</p><p>无。</p>")
    return ("<html><body>" + "\n".join(body) + "</body></html>").encode()


def counted(variant: str) -> Cells:
    return {spec.key: str(index + 1) for index, spec in enumerate(gkbg.form(variant).cells())}


@settings(max_examples=25, deadline=None)
@given(
    variant=st.sampled_from(["2019", "2021"]),
    order=st.permutations(range(7)),
    serial=st.booleans(),
    remarks=st.booleans(),
    split=st.none() | st.integers(min_value=1, max_value=22),
)
def test_any_column_order_extra_columns_and_split(
    variant: str, order: list[int], serial: bool, remarks: bool, split: int | None
) -> None:
    cells = counted(variant)
    html = applications_html(variant, cells, order, serial=serial, remarks=remarks, split=split)
    report = gkbg.parse(page(variant, cells, html), format="html")
    assert {key: str(value) for key, value in report.cells().items()} == cells
    assert report.uncertain_cells() == ()


def appeals_rows(cells: Mapping[str, str], groups: Sequence[str], order: Sequence[int]) -> str:
    """Table 四 with its two litigation groups and the columns in another order."""
    table = gkbg.form("2021").table("appeals")
    columns = [table.blocks[0].columns[i] for i in order]
    rows = {row.label: row for row in table.rows}
    first = rows["行政复议"]
    n = len(columns)
    lines = [
        td("行政复议", 1, n) + td("行政诉讼", 1, 2 * n),
        "".join(td(c.label, 2) for c in columns) + "".join(td(g, 1, n) for g in groups),
        "".join(td(c.label) for _ in groups for c in columns),
        "".join(
            td(cells[f"appeals.{row.key}.{c.key}"])
            for row in [first, *(rows[g] for g in groups)]
            for c in columns
        ),
    ]
    return '<table border="1">' + "".join(f"<tr>{line}</tr>" for line in lines) + "</table>"


def test_table_four_with_its_groups_and_columns_reordered() -> None:
    cells = counted("2021")
    html = page(
        "2021",
        cells,
        applications_html("2021", cells, range(7), serial=False, remarks=False, split=None),
    )
    text = html.decode()
    start = text.index("<table", text.index("四、政府信息公开行政复议"))
    end = text.index("</table>", start) + len("</table>")
    reordered = appeals_rows(cells, ["复议后起诉", "未经复议直接起诉"], [4, 0, 2, 1, 3])
    report = gkbg.parse((text[:start] + reordered + text[end:]).encode(), format="html")
    assert {k: str(v) for k, v in report.cells().items() if k.startswith("appeals.")} == {
        k: v for k, v in cells.items() if k.startswith("appeals.")
    }
    assert report.uncertain_cells() == ()


# --------------------------------------------------------------------------------------------
# 3. What the grid cannot decide.


def test_a_value_merged_over_two_columns_is_doubted_and_its_neighbour_unread() -> None:
    cells = counted("2021")
    html = applications_html("2021", cells, range(7), serial=False, remarks=False, split=None)
    received = cells["applications.received.natural_person"]
    commercial = cells["applications.received.commercial"]
    merged = html[0].replace(
        f"<td><p><span>{received}</span></p></td><td><p><span>{commercial}</span></p></td>",
        f'<td colspan="2"><p><span>{received}</span></p></td>',
    )
    assert merged != html[0]
    report = gkbg.parse(page("2021", cells, [merged]), format="html")
    natural = report.cell("applications.received.natural_person")
    assert natural.value == int(received)
    assert tuple(map(str, natural.uncertain)) == (
        "the source merges this cell with the one under the column 商业企业",
    )
    neighbour = report.cell("applications.received.commercial")
    assert neighbour.state is gkbg.CellState.UNREAD
    assert tuple(map(str, neighbour.uncertain)) == (
        (
            "unread: this row of the source has no cell of its own under the column 商业企业 "
            "(it is merged with a neighbour)"
        ),
    )
    others = [c for c in report.iter_cells() if c.key not in {natural.key, neighbour.key}]
    assert [c.key for c in others if c.uncertain] == []


def test_a_block_without_its_header_falls_back_to_the_reading_order() -> None:
    cells = counted("2021")
    html = page(
        "2021",
        cells,
        applications_html("2021", cells, range(7), serial=False, remarks=False, split=None),
    ).decode()
    fees = gkbg.form("2021").table("active").blocks[-1]
    # Drop the header row of the last block of table 二 (信息内容 | 本年收费金额).
    start = html.index(f"<td>{fees.header}</td>", html.index(fees.caption or ""))
    start = html.rindex("<tr>", 0, start)
    end = html.index("</tr>", start) + len("</tr>")
    assert fees.columns[0].label in html[start:end]
    report = gkbg.parse((html[:start] + html[end:]).encode(), format="html")
    cell = report.cell("active.fees.amount")
    assert str(cell.value) == cells["active.fees.amount"]
    assert tuple(map(str, cell.uncertain)) == (
        (
            "placed by the reading order: the table's grid does not say which row and column this "
            "value is in"
        ),
    )
    assert [c.key for c in report.uncertain_cells()] == ["active.fees.amount"]


def test_a_row_that_ends_early_reads_its_last_cells_blank_with_doubt() -> None:
    pytest.importorskip("openpyxl")

    cells = counted("2021")
    last = gkbg.form("2021").table("appeals").cells[-1].key
    cells[last] = ""  # Excel stores no cell, so the sheet's row ends one column early
    report = gkbg.parse(workbook("2021", cells), format="xlsx")
    cell = report.cell(last)
    assert (cell.state, cell.value, cell.raw) == (gkbg.CellState.BLANK, None, "")
    assert tuple(map(str, cell.uncertain)) == (
        "read as blank: the row ends before the column 总计, with no cell printed there",
    )
    assert [c.key for c in report.uncertain_cells()] == [last]
    assert {k: str(v) for k, v in report.cells().items() if k != last} == {
        k: v for k, v in cells.items() if k != last
    }


def test_a_unit_column_between_the_labels_and_the_values() -> None:
    form = gkbg.form("2021")
    cells = counted("2021")
    rows: list[str] = []
    for block in form.table("active").blocks:
        rows.append(f'<tr><td colspan="5">{block.caption}</td></tr>')
        labels = "".join(f"<td>{c.label}</td>" for c in block.columns)
        rows.append(f"<tr><td>{block.header}</td><td>单位</td>{labels}</tr>")
        for row in block.rows:
            unit = "万元" if block.columns[0].kind == "amount" else "件"
            values = "".join(
                f"<td><span>{cells[f'active.{row.key}.{c.key}']}</span></td>" for c in block.columns
            )
            rows.append(f"<tr><td>{row.label}</td><td>{unit}</td>{values}</tr>")
    html = page("2021", cells, [])
    heading = form.table("active").heading
    text = html.decode()
    start = text.index("<table", text.index(heading))
    end = text.index("</table>", start) + len("</table>")
    active = "<table>" + "".join(rows) + "</table>"
    report = gkbg.parse((text[:start] + active + text[end:]).encode(), format="html")
    assert {k: str(v) for k, v in report.cells().items() if k.startswith("active.")} == {
        k: v for k, v in cells.items() if k.startswith("active.")
    }
    assert [c.key for c in report.uncertain_cells() if c.key.startswith("active.")] == []


def test_table_four_printed_down() -> None:
    """Some reports turn table 四: its groups as rows, the outcomes as columns."""
    form = gkbg.form("2021")
    table = form.table("appeals")
    cells = counted("2021")
    columns = table.blocks[0].columns
    head = "".join(f"<td>{c.label}</td>" for c in columns)
    rows = [f'<tr><td colspan="2">类别</td>{head}</tr>']
    for row in table.rows:
        labels = (
            f'<td colspan="2">{row.label}</td>'
            if row.group == row.label
            else (f'<td rowspan="2">{row.group}</td>' if row.key.endswith("direct") else "")
            + f"<td>{row.label}</td>"
        )
        values = "".join(f"<td>{cells[f'appeals.{row.key}.{c.key}']}</td>" for c in columns)
        rows.append(f"<tr>{labels}{values}</tr>")
    text = page("2021", cells, []).decode()
    start = text.index("<table", text.index(table.heading))
    end = text.index("</table>", start) + len("</table>")
    turned = "<table>" + "".join(rows) + "</table>"
    report = gkbg.parse((text[:start] + turned + text[end:]).encode(), format="html")
    assert [c.value for c in report.table("appeals").cells] == [
        int(cells[spec.key]) for spec in table.cells
    ]
    assert [c.key for c in report.uncertain_cells() if c.key.startswith("appeals.")] == []


def render_copied(rows: list[list[tuple[str, int, int]]]) -> str:
    """Rows with every merged cell written out, its text copied into each position it covers."""
    grid: dict[tuple[int, int], str] = {}
    for row_index, row in enumerate(rows):
        column = 0
        for text, rowspan, colspan in row:
            while (row_index, column) in grid:
                column += 1
            for down in range(rowspan):
                for across in range(colspan):
                    grid[row_index + down, column + across] = text
            column += colspan
    width = max(column for _, column in grid) + 1
    return "\n".join(
        "<tr>" + "".join(td(grid.get((r, c), "")) for c in range(width)) + "</tr>"
        for r in range(len(rows))
    )


@pytest.mark.parametrize("variant", ["2019", "2021"])
def test_merged_cells_copied_into_every_position_they_cover(variant: str) -> None:
    """Some HTML exports repeat a merged cell's text in every position: labels and values."""
    form = gkbg.form(variant)
    cells = counted(variant)
    body = ["<p>某某区人民政府2022年政府信息公开工作年度报告</p>"]
    for key in gkbg.TABLES:
        table = form.table(key)
        body.append(f"<p>{table.heading}</p>")
        rows = render_copied(TABLE_WRITERS[key](table, cells))
        body.append(f'<table border="1">\n{rows}\n</table>')
    report = gkbg.parse(("<html><body>" + "\n".join(body) + "</body></html>").encode())
    assert {key: str(value) for key, value in report.cells().items()} == cells
    assert report.uncertain_cells() == ()


@pytest.mark.parametrize("variant", ["2019", "2021"])
def test_a_second_part_on_a_grid_of_its_own_is_placed_by_its_own_cells(variant: str) -> None:
    """Table 三 in two Word tables, the second one label column narrower, on other widths."""
    cells = {key: int(text) for key, text in counted(variant).items()}
    report = report_of(variant, cells, 2022, "某某区人民政府")
    read_back = gkbg.parse(gkbg.render.docx(report, split="applications"))
    first = read_back.cell("applications.received.total").location
    last = read_back.cell("applications.carried_forward.total").location
    assert first is not None
    assert last is not None
    assert first.table_index is not None
    assert first.col_index is not None
    assert last.table_index == first.table_index + 1
    assert last.col_index == first.col_index - 1  # the second part's own grid
    assert read_back.cells() == cells
    assert read_back.uncertain_cells() == ()


@pytest.mark.parametrize("variant", ["2019", "2021"])
@pytest.mark.parametrize("lost", range(7))
def test_a_second_part_that_lost_a_column_is_flagged_not_misread(variant: str, lost: int) -> None:
    """The second ``<table>`` of table 三 prints one column fewer: the next is not read for it."""
    cells = counted(variant)
    tables = applications_html(variant, cells, range(7), serial=False, remarks=False, split=12)
    rows = tables[1].split("<tr>")
    for position, markup in enumerate(rows):
        tds = markup.split("<td")
        values = len(tds) - 7  # the cells before the seven values: the label, or two
        if values > 0:
            rows[position] = "<td".join(tds[: values + lost] + tds[values + lost + 1 :])
    tables[1] = "<tr>".join(rows)
    report = gkbg.parse(page(variant, cells, tables), format="html")
    table = gkbg.form(variant).table("applications")
    for row in table.rows[12:]:
        for column in table.columns:
            cell = report.cell(f"applications.{row.key}.{column.key}")
            right = cell.value is not None and str(cell.value) == cells[cell.key]
            assert right or cell.uncertain or cell.state is not gkbg.CellState.VALUE, cell


def test_a_row_one_cell_wider_than_its_header_is_flagged_not_misread() -> None:
    """A cell inserted before the values (规章 | 空 | 1 | 2 | 3) under a three-column header."""
    cells = counted("2021")
    text = page("2021", cells, []).decode()
    written = text.replace("<tr><td>规章</td>", "<tr><td>规章</td><td></td>", 1)
    assert written != text
    report = gkbg.parse(written.encode(), format="html")
    for column in ("issued", "repealed", "in_force"):
        cell = report.cell(f"active.rules.{column}")
        right = cell.value is not None and str(cell.value) == cells[cell.key]
        assert right or cell.uncertain, cell
    assert [c.key for c in report.uncertain_cells() if c.table == "active"] == [
        "active.rules.issued",
        "active.rules.repealed",
        "active.rules.in_force",
    ]


# --------------------------------------------------------------------------------------------
# The shortcuts the grid takes for speed give what the plain work gives.


ROOT = Path(__file__).resolve().parent.parent.parent


REAL = sorted(
    [
        *(FIXTURES / "seeds").glob("*.txt"),
        *(ROOT / "examples").glob("*.txt"),
        *(FIXTURES / "html").glob("*.html"),
        *(FIXTURES / "docx").glob("*.docx"),
        *(FIXTURES / "xlsx").glob("*.xlsx"),
    ]
)


# --------------------------------------------------------------------------------------------
# Grid: a layout without grid positions reads as the full reader reads it.


def _plain_grid_rows(tokens: Sequence[Token], key: str) -> set[str]:
    rows: set[str] = set()
    for form in _distinct_forms(key):
        reader = _GridReader(form)
        reader.read(_grid_rows(tokens))
        rows |= reader.rows
    return rows


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.name)
def test_grid_says_nothing_exactly_when_the_full_reader_finds_no_row(path: Path) -> None:
    layout = gkbg.parse_layout(path)
    for key in TABLES:
        for form in _distinct_forms(key):
            found = read_grid(layout.tokens, form)
            reader = _GridReader(form)
            reader.read(_grid_rows(layout.tokens))
            assert (found is None) == (not reader.rows)
    if layout.format in {"pipe", "text"}:
        assert not _plain_grid_rows(layout.tokens, "active")


def _plain_differ(candidates: list[_Candidate]) -> bool:
    printed = [c for c in candidates if c.token.text.strip()]
    return any(not _same(c.token, printed[0].token) for c in printed)


def _plain_shifted(candidates: list[_Candidate]) -> bool:
    if _plain_differ(candidates):
        return True
    printed = [c for c in candidates if c.token.text.strip()]
    exact = [c for c in candidates if c.exact]
    return bool(printed) and bool(exact) and not any(c.exact for c in printed)


def _plain_resolve(candidates: list[_Candidate]) -> GridPlacement:
    printed = [c for c in candidates if c.token.text.strip()]
    chosen_from = printed or candidates
    exact = [c for c in chosen_from if c.exact]
    chosen = (exact or chosen_from)[0]
    reasons = list(chosen.reasons)
    if any(not _same(c.token, chosen.token) for c in printed):
        texts = ", ".join(repr(c.token.text) for c in printed)
        reasons.append(Doubt.of("grid.conflict", texts=texts, text=chosen.token.text))
    return GridPlacement(chosen.token, tuple(dict.fromkeys(reasons)))


candidates = st.lists(
    st.builds(
        _Candidate,
        st.builds(
            Token, st.sampled_from(["", " ", "0", "\uff10", "1", "x"]), st.just(TokenKind.VALUE)
        ),
        st.booleans(),
        st.just((0, 1)),
        st.lists(st.sampled_from(["a", "b"]), max_size=3).map(tuple),
    ),
    min_size=1,
    max_size=3,
)


@given(candidates)
def test_grid_positions_judged_as_by_the_definition(found: list[_Candidate]) -> None:
    assert _differ(found) == _plain_differ(found)
    assert _shifted(found) == _plain_shifted(found)
    assert _resolve(found) == _plain_resolve(found)


# --------------------------------------------------------------------------------------------
# The grid's shortcuts: each row's cells as one range; a lone position never shifted.


FORMS = [(variant, key) for variant in gkbg.forms() for key in TABLES]


def _table(variant: str, key: str) -> TableForm:
    return gkbg.form(variant).table(key)


# --------------------------------------------------------------------------------------------
# The grid: each row's cells as one range; a lone position never shifted; items by kind.


@pytest.mark.parametrize(("variant", "key"), FORMS)
def test_row_spans_are_the_rows_of_the_cells_one_by_one(variant: str, key: str) -> None:
    table = _table(variant, key)
    *_, spans = _form_maps(table)
    by_span = [(index, row_key) for row_key, indices in spans for index in indices]
    assert by_span == [(index, spec.row.key) for index, spec in enumerate(table.cells)]


lone = st.builds(
    _Candidate,
    st.builds(Token, st.sampled_from(["", " ", "0", "1", "x"]), st.sampled_from(TokenKind)),
    st.booleans(),
    st.just((0, 1)),
    st.lists(st.sampled_from(["a", "b"]), max_size=3).map(tuple),
)


@given(lone)
def test_a_lone_position_is_never_shifted_and_keeps_its_reasons(candidate: _Candidate) -> None:
    # What `_place_down` and `_resolve` take for granted when a cell has one position.
    assert not _shifted([candidate])
    assert _resolve([candidate]).reasons == tuple(dict.fromkeys(candidate.reasons))


# --------------------------------------------------------------------------------------------
# Cells printing two numbers: a conversion that lost a column boundary (issue 14).


def _joined_cells(html: str, label: str) -> str:
    """The HTML with the row ``label``'s first two numbers in one cell (``<td>3001 53</td>``)."""
    start = html.index(label)
    end = html.index("</tr>", start)
    row = html[start:end]
    cells = row.split("<td>")
    joined = [cells[0], f"{cells[1].removesuffix('</td>')} {cells[2]}", *cells[3:]]
    return html[:start] + "<td>".join(joined) + html[end:]


def test_a_cell_printing_two_numbers_is_read_as_two_cells_in_order_with_doubt() -> None:
    pytest.importorskip("pypdfium2")
    original = gkbg.parse(FIXTURES / "corpus" / "huaian-city-2024.pdf")
    html = _joined_cells(gkbg.render.html(original), "一、本年新收政府信息公开申请数量")
    assert "<td>3001 53</td>" in html
    report = gkbg.parse(html, format="html")
    columns = [column.key for column in gkbg.form("2021").table("applications").columns]
    row = [report.cell(f"applications.received.{column}") for column in columns]
    assert [cell.value for cell in row] == [3001, 53, 0, 0, 61, 4, 3119]
    for cell in row:
        assert [doubt.code for doubt in cell.uncertain] == ["grid.packed"]
    # The other rows are read as before, and no error comes of the joined cell.
    assert report.cell("applications.carried_over.total").uncertain == ()
    assert not [f for f in gkbg.check(report).findings if f.severity is gkbg.Severity.ERROR]


def test_a_row_of_words_is_no_row_of_values_in_a_table_printed_across() -> None:
    """A header broken into words by a conversion (``| 结果 | 结果 | 其他 | 尚未 |``) over table
    四: its words are not read as the cells' texts (no `cell.invalid`)."""
    text = (
        "## 四、政府信息公开行政复议、行政诉讼情况\n\n"
        "| 行政复议 | | | | | 行政诉讼 | | | | | | | | | |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"
        "| 结果 | 结果 | 其他 | 尚未 | 总计 | | | | | | | | | | |\n"
        "| 维持 纠正 | 结果 审结 | | | | | | | | | | | | | |\n"
        "| 1 1 | 0 0 | 2 1 | 0 0 | 0 1 | 2 0 | 1 0 | 3 |\n"
    )
    report = gkbg.parse(text, format="markdown")
    appeals = report.table("appeals")
    values = [1, 1, 0, 0, 2, 1, 0, 0, 0, 1, 2, 0, 1, 0, 3]
    assert [cell.value for cell in appeals.cells] == values
    assert all(cell.uncertain for cell in appeals.cells)
    assert not [f for f in gkbg.check(report).findings if f.rule == "cell.invalid"]
