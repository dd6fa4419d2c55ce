"""Build realistic report text from the form data, for tests.

`pipe_text` writes the tables the way the seed reports flatten an HTML table: one cell per line,
`` |`` after each cell, runs of ``|`` where merged cells were. `html_report` writes a whole report
as an HTML page, each table in the official layout with its merged cells (`TABLE_WRITERS` gives
a table's rows of spanned cells, `render` writes them as ``<tr>`` rows), for the HTML, spreadsheet,
grid and PDF tests; `workbook` writes the same tables as an ``.xlsx``. `with_cell` changes one
cell of a report; `tables` reads back the tables of a notebook view. Test modules share their
builders through this module, never by importing one another.
"""

from __future__ import annotations

import ctypes
import functools
import html.parser
import io
import itertools
import json
import os
import subprocess
import sys
from decimal import Decimal
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import pytest
from hypothesis import strategies as st

import gkbg
from gkbg.core import office as _office
from gkbg.read.pdf.geometry import Char, Rule
from gkbg.testing import blanked_reports, invalid_reports, mixed_reports, reports

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = sorted((FIXTURES / "seeds").glob("*.txt"))
CORPUS = sorted((FIXTURES / "corpus").glob("*.pdf"))
# Converters' markdown (OCR or a language model's reading of a PDF).
MARKDOWN = sorted((FIXTURES / "corpus").glob("*.md"))
# Crawled page text (cells run together, no separators), each with a golden file.
CRAWLED = sorted((FIXTURES / "corpus").glob("*.txt"))
# Every real document with a hand-read golden file.
DOCUMENTS = [
    *SEEDS,
    *(
        doc
        for doc in [*CORPUS, *MARKDOWN, *CRAWLED]
        if (FIXTURES / "golden" / f"{doc.stem}.json").exists()
    ),
]


SOFFICE = _office.find_soffice()
needs_soffice = pytest.mark.skipif(
    SOFFICE is None and not os.environ.get("CI"),
    reason="LibreOffice (soffice) is not installed; CI installs it",
)
"""Skip a test module without LibreOffice, except under CI, which must run it."""


def soffice(
    folder: Path, target: str, sources: Iterable[Path], options: Iterable[str] = ()
) -> None:
    """Convert ``sources`` with LibreOffice to ``target`` in ``folder``, with its own profile."""
    assert SOFFICE is not None, "LibreOffice is needed for these tests"
    command, environment = _office.conversion(
        SOFFICE, folder, target, sources, out=folder, options=list(options)
    )
    subprocess.run(
        command,
        check=True,
        capture_output=True,
        timeout=300,
        env=environment,
    )


def every_kind_of_report() -> st.SearchStrategy[gkbg.Report]:
    """Reports of every kind `gkbg.testing` draws: valid, failing, invalid, with blank cells,
    and with the forms mixed."""
    return st.one_of(
        reports(),
        reports(valid=False),
        invalid_reports().map(lambda invalid: invalid.report),
        blanked_reports().map(lambda blanked: blanked.report),
        mixed_reports(),
    )


def golden(seed: Path) -> dict[str, object]:
    """The hand-read expectations of a seed report.

    Its ``ambiguous`` lists the cells the printed characters alone cannot decide (cells run
    together in flattened text): read right or flagged (unread or uncertain), both pass.
    """
    data: dict[str, object] = json.loads(
        (FIXTURES / "golden" / f"{seed.stem}.json").read_text(encoding="utf-8")
    )
    return data


def _table_lines(table: gkbg.TableForm, cells: Mapping[str, str]) -> list[str]:
    lines: list[str] = []
    if table.key == "active":
        for index, block in enumerate(table.blocks):
            lines += [f"{block.caption} |", "|||", f"{block.header} |"]
            lines += [f"{column.label} |" for column in block.columns]
            for row in block.rows:
                lines.append(f"{row.label} |")
                lines += [
                    f"{cells.get(f'active.{row.key}.{column.key}', '0')} |"
                    for column in block.columns
                ]
            del index
        return lines
    if table.key == "applications":
        lines += [
            f"{table.note} |",
            "申请人情况 |",
            "||||||||",
            "自然人 |",
            "法人或其他组织 |",
            "总计 |",
            "|||||||",
        ]
        lines += [f"{column.label} |" for column in table.columns if column.group]
        last_group: str | None = None
        for row in table.rows:
            if row.group and row.group != last_group:
                lines.append(f"{row.group} |")
            last_group = row.group
            lines.append(f"{row.label} |")
            lines += [
                f"{cells.get(f'applications.{row.key}.{column.key}', '0')} |"
                for column in table.columns
            ]
            lines.append("||")
        return lines
    lines += ["行政复议 |", "行政诉讼 |", "|||||||||||||"]
    first = table.blocks[0]
    lines += [f"{column.label} |" for column in first.columns]
    lines += ["未经复议直接起诉 |", "复议后起诉 |", "||||||||"]
    lines += [f"{column.label} |" for _ in range(2) for column in first.columns]
    lines.append("|||||")
    lines += [f"{cells.get(cell.key, '0')} |" for cell in table.cells]
    return lines


def pipe_text(
    variants: str | Mapping[str, str],
    cells: Mapping[str, object] | None = None,
    *,
    title: str = "某某区人民政府2022年政府信息公开工作年度报告",
    narrative: str = "",
    omit: tuple[str, ...] = (),
) -> str:
    """A whole report in pipe-cell text; each table in its own form; unlisted cells print 0."""
    chosen = dict.fromkeys(gkbg.TABLES, variants) if isinstance(variants, str) else variants
    printed = {key: str(value) for key, value in (cells or {}).items()}
    lines = [title, "一、总体情况", narrative or "本年度工作稳步推进。"]
    for key in gkbg.TABLES:
        table = gkbg.form(chosen[key]).table(key)
        if key in omit:
            continue
        lines.append(table.heading)
        lines += _table_lines(table, printed)
    lines += ["五、存在的主要问题及改进情况", "无。", "六、其他需要报告的事项", "无。"]
    return "\n".join(lines) + "\n"


def number(value: object) -> int | Decimal:
    """A golden value as gkbg represents it."""
    if isinstance(value, float):
        return Decimal(str(value))
    assert isinstance(value, (int, Decimal))
    return value


# A report rendered by `gkbg.render` in each text-like layout, with a label style (or None),
# for the properties that compare a shortcut with the plain reading of the rendered page.
RENDERERS: dict[str, Callable[[gkbg.Report, Any], str]] = {
    "pipe": lambda report, style: gkbg.render.text(report, "pipe", labels=style),
    "flat": lambda report, style: gkbg.render.text(report, "flat", labels=style),
    "html": lambda report, style: gkbg.render.html(report, labels=style),
}


# ----------------------------------------------------------------------------------------------
# Writing a report as HTML, in the official layout with its merged cells.


Spanned = tuple[str, int, int]  # a cell's text, rowspan and colspan


def spanned(text: str, *, rowspan: int = 1, colspan: int = 1) -> Spanned:
    return (text, rowspan, colspan)


def td(text: str, *, rowspan: int = 1, colspan: int = 1) -> str:
    spans = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (
        f' colspan="{colspan}"' if colspan > 1 else ""
    )
    return f"<td{spans}>{escape(text)}</td>"


def render(rows: list[list[Spanned]], *, merged: bool) -> str:
    """Table rows as HTML: with their spans, or with every covered position an empty cell."""
    if merged:
        lines = [
            "<tr>" + "".join(td(t, rowspan=r, colspan=c) for t, r, c in row) + "</tr>"
            for row in rows
        ]
        return "\n".join(lines)
    grid: dict[tuple[int, int], str] = {}
    for row_index, row in enumerate(rows):
        column = 0
        for text, rowspan, colspan in row:
            while (row_index, column) in grid:
                column += 1
            for down in range(rowspan):
                for across in range(colspan):
                    grid[row_index + down, column + across] = "" if down or across else text
            column += colspan
    width = max(column for _, column in grid) + 1
    return "\n".join(
        "<tr>" + "".join(td(grid.get((r, c), "")) for c in range(width)) + "</tr>"
        for r in range(len(rows))
    )


def active_table(table: gkbg.TableForm, cells: Mapping[str, str]) -> list[list[Spanned]]:
    width = max(len(block.columns) for block in table.blocks)
    rows: list[list[Spanned]] = []
    for block in table.blocks:
        rows.append([spanned(block.caption or "", colspan=width + 1)])
        last = len(block.columns) - 1
        pad = width - len(block.columns) + 1
        rows.append(
            [
                spanned(block.header or ""),
                *(
                    spanned(column.label, colspan=pad if i == last else 1)
                    for i, column in enumerate(block.columns)
                ),
            ]
        )
        rows.extend(
            [
                spanned(row.label),
                *(
                    spanned(
                        cells.get(f"active.{row.key}.{column.key}", "0"),
                        colspan=pad if i == last else 1,
                    )
                    for i, column in enumerate(block.columns)
                ),
            ]
            for row in block.rows
        )
    return rows


def applications_table(table: gkbg.TableForm, cells: Mapping[str, str]) -> list[list[Spanned]]:
    results = "三、本年度办理结果"
    columns = table.columns
    organisations = [column for column in columns if column.group]
    rows = [
        [
            spanned(table.note or "", rowspan=3, colspan=3),
            spanned("申请人情况", colspan=len(columns)),
        ],
        [
            spanned(columns[0].label, rowspan=2),
            spanned(organisations[0].group or "", colspan=len(organisations)),
            spanned(columns[-1].label, rowspan=2),
        ],
        [spanned(column.label) for column in organisations],
    ]
    under_results = [
        row for row in table.rows if row.group == results or (row.group or "").startswith("（")
    ]
    group_sizes: dict[str, int] = {}
    for row in under_results:
        if row.group:
            group_sizes[row.group] = group_sizes.get(row.group, 0) + 1
    seen: set[str] = set()
    for row in table.rows:
        labels: list[Spanned] = []
        if row in under_results:
            if row is under_results[0]:
                labels.append(spanned(results, rowspan=len(under_results)))
            if row.group == results:
                labels.append(spanned(row.label, colspan=2))
            else:
                assert row.group is not None
                if row.group not in seen:
                    seen.add(row.group)
                    labels.append(spanned(row.group, rowspan=group_sizes[row.group]))
                labels.append(spanned(row.label))
        else:
            labels.append(spanned(row.label, colspan=3))
        values = [spanned(cells.get(f"applications.{row.key}.{c.key}", "0")) for c in columns]
        rows.append([*labels, *values])
    return rows


def appeals_table(table: gkbg.TableForm, cells: Mapping[str, str]) -> list[list[Spanned]]:
    columns = table.blocks[0].columns
    return [
        [spanned("行政复议", colspan=len(columns)), spanned("行政诉讼", colspan=2 * len(columns))],
        [
            *(spanned(column.label, rowspan=2) for column in columns),
            spanned("未经复议直接起诉", colspan=len(columns)),
            spanned("复议后起诉", colspan=len(columns)),
        ],
        [spanned(column.label) for _ in range(2) for column in columns],
        [spanned(cells.get(spec.key, "0")) for spec in table.cells],
    ]


TABLE_WRITERS = {
    "active": active_table,
    "applications": applications_table,
    "appeals": appeals_table,
}


def html_report(
    variant: str,
    cells: Mapping[str, object] | None = None,
    *,
    title: str = "某某区人民政府2022年政府信息公开工作年度报告",
    narrative: str = "本年度工作稳步推进。",
    headings: bool = True,
    merged: bool = True,
) -> str:
    """A whole report as an HTML page: each table a ``<table>`` in the official layout.

    With ``merged=False`` the merged cells are written out unmerged: the text in the first
    position, an empty ``<td>`` in every position the span covered.
    """
    printed = {key: str(value) for key, value in (cells or {}).items()}
    form = gkbg.form(variant)
    body = [f"<h1>{escape(title)}</h1>", "<p>一、总体情况</p>", f"<p>{escape(narrative)}</p>"]
    for key in gkbg.TABLES:
        table = form.table(key)
        if headings or key == "active":
            body.append(f"<p>{escape(table.heading)}</p>")
        rows = render(TABLE_WRITERS[key](table, printed), merged=merged)
        body.append(f'<table border="1">\n{rows}\n</table>')
    body += [
        "<p>五、存在的主要问题及改进情况</p><p>无。</p>",
        "<p>六、其他需要报告的事项</p><p>无。</p>",
    ]
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>'
        + escape(title)
        + "</title></head>\n<body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )


# ----------------------------------------------------------------------------------------------
# Writing a report as a workbook, in the official layout with its merged cells.


def typed(text: str, values: Mapping[str, object]) -> object:
    """A printed value as Excel stores it: the golden number itself when it is one."""
    return values.get(text, text)


def place(
    sheet: Any,  # an openpyxl worksheet
    rows: list[list[Spanned]],
    values: Mapping[str, object],
    top: int,
) -> int:
    """Write ``rows`` from sheet row ``top`` (1-based), merging spans; the next free row."""
    taken: set[tuple[int, int]] = set()
    for index, row in enumerate(rows):
        column = 0
        for text, rowspan, colspan in row:
            while (index, column) in taken:
                column += 1
            taken.update(
                (index + down, column + across)
                for down in range(rowspan)
                for across in range(colspan)
            )
            r, c = top + index, column + 1
            sheet.cell(row=r, column=c, value=typed(text, values) if text else None)
            if rowspan > 1 or colspan > 1:
                sheet.merge_cells(
                    start_row=r, start_column=c, end_row=r + rowspan - 1, end_column=c + colspan - 1
                )
            column += colspan
    return top + len(rows)


def workbook(
    variant: str,
    cells: Mapping[str, object],
    *,
    one_sheet: bool = False,
) -> bytes:
    """A report as an .xlsx: a title sheet layout, each table in the official merged layout."""
    try:
        import openpyxl  # a plain import: a test may hide the module from importlib
    except ImportError:
        pytest.skip("openpyxl is not installed")
    form = gkbg.form(variant)
    printed = {key: str(value) for key, value in cells.items()}
    values = {str(value): value for value in cells.values()}
    book = openpyxl.Workbook()
    sheet = book.active
    top = 1
    for index, key in enumerate(gkbg.TABLES):
        if not one_sheet and index:
            sheet = book.create_sheet()
            top = 1
        table = form.table(key)
        sheet.cell(row=top, column=1, value=table.heading)
        top = place(sheet, TABLE_WRITERS[key](table, printed), values, top + 1) + 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ----------------------------------------------------------------------------------------------
# Changing a report.


def assert_read_back(report: gkbg.Report, read_back: gkbg.Report) -> None:
    """Every cell of ``report`` read back right or flagged, and the same findings: no error
    that is not the source's own, none missed."""
    values = read_back.cells()
    wrong = {
        key: (values.get(key), value)
        for key, value in report.cells().items()
        if values.get(key) != value and not read_back.cell(key).uncertain
    }
    assert wrong == {}, "read wrong and not flagged"
    assert _findings(read_back) == _findings(report)


def assert_read_back_or_flagged(report: gkbg.Report, read_back: gkbg.Report) -> None:
    """As `assert_read_back`, for a degraded source whose cells may be flagged: every cell of
    ``report`` read back right or flagged, no error the source does not have, and each of the
    source's errors found again or one of its cells flagged (warnings, such as an unread
    cell's, may differ)."""
    flagged = {cell.key for cell in read_back.iter_cells() if cell.uncertain}
    wrong: dict[str, tuple[object, object]] = {}
    for cell in report.iter_cells():
        try:
            got = read_back.cell(cell.key)
        except KeyError:  # the table read as another form
            wrong[cell.key] = ("no such cell", cell.value)
            continue
        if not got.uncertain and (got.value != cell.value or got.state is not cell.state):
            wrong[cell.key] = (got.value, cell.value)
    assert wrong == {}, "read wrong and not flagged"
    source, found = _errors(report), _errors(read_back)
    assert found - source == set(), "an error the source does not have"
    lost = [error for error in source - found if not set(error[1]) & flagged]
    assert lost == [], "an error of the source lost, and none of its cells flagged"


def _errors(report: gkbg.Report) -> set[tuple[str, tuple[str, ...]]]:
    return {
        (f.rule, f.cells) for f in gkbg.check(report).findings if f.severity is gkbg.Severity.ERROR
    }


def _findings(report: gkbg.Report) -> list[tuple[str, tuple[str, ...]]]:
    return sorted((f.rule, f.cells) for f in gkbg.check(report).findings)


def with_cell(report: gkbg.Report, key: str, **changes: Any) -> gkbg.Report:
    """The report with one cell changed."""
    tables = tuple(
        attrs.evolve(
            table,
            cells=tuple(
                attrs.evolve(cell, **changes) if cell.key == key else cell for cell in table.cells
            ),
        )
        for table in report.tables
    )
    return attrs.evolve(report, tables=tables)


# ----------------------------------------------------------------------------------------------
# Reading back the HTML tables of a notebook view (`gkbg.to_html`, `Report._repr_html_`).


@attrs.define
class Grid:
    """A parsed HTML table: its spans laid out on a grid, and its data cells."""

    key: str
    form: str
    rows: list[list[tuple[str, str, dict[str, str]]]] = attrs.field(factory=list)

    def widths(self) -> list[int]:
        """How many grid columns each row covers, rowspans from above included."""
        covered: dict[tuple[int, int], bool] = {}
        widths = []
        for r, row in enumerate(self.rows):
            c = 0
            for _tag, _text, attributes in row:
                while covered.get((r, c)):
                    c += 1
                rowspan = int(attributes.get("rowspan", "1"))
                colspan = int(attributes.get("colspan", "1"))
                for dr in range(rowspan):
                    for dc in range(colspan):
                        covered[(r + dr, c + dc)] = True
                c += colspan
            widths.append(max([c, *(cc + 1 for (rr, cc) in covered if rr == r)]))
        return widths

    def data(self) -> Iterator[tuple[str, dict[str, str]]]:
        for row in self.rows:
            for tag, text, attributes in row:
                if tag == "td":
                    yield text, attributes


class _Tables(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.grids: list[Grid] = []
        self.texts: list[str] = []
        self._cell: tuple[str, dict[str, str]] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "table" and "data-table" in attributes:
            self.grids.append(Grid(attributes["data-table"], attributes["data-form"]))
        elif tag == "tr" and self.grids:
            self.grids[-1].rows.append([])
        elif tag in {"td", "th"} and self.grids:
            self._cell, self._text = (tag, attributes), []

    def handle_endtag(self, tag: str) -> None:
        if tag in {"td", "th"} and self._cell is not None:
            self.grids[-1].rows[-1].append((self._cell[0], "".join(self._text), self._cell[1]))
            self._cell = None

    def handle_data(self, data: str) -> None:
        self.texts.append(data)
        if self._cell is not None:
            self._text.append(data)


def tables(markup: str) -> _Tables:
    parser = _Tables()
    parser.feed(markup)
    parser.close()
    return parser


# ----------------------------------------------------------------------------------------------
# PDFs: every PDF of the fixtures, tables drawn by hand, their pages, generated characters.

PDFS = sorted({*CORPUS, *FIXTURES.rglob("*.pdf")} - {FIXTURES / "hostile" / "encrypted.pdf"})
"""Every PDF of the fixtures that opens without a password."""


def drawn_table(cells: list[list[str]], *, bars: bool) -> bytes:
    """A PDF written by hand: the table's text column by column, its lines drawn as a
    rectangle round every cell (as many producers do) or as thin filled bars (as Word does).
    """
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_raw

    document = pdfium.PdfDocument.new()
    page = document.new_page(595, 842)
    left, top, width, height = 60.0, 100.0, 60.0, 20.0
    rows, cols = len(cells), len(cells[0])
    shapes = []
    if bars:
        bottom = 842 - top - rows * height
        shapes += [
            (left, 842 - top - r * height - 0.25, cols * width, 0.5) for r in range(rows + 1)
        ]
        shapes += [(left + c * width - 0.25, bottom, 0.5, rows * height) for c in range(cols + 1)]
    else:
        shapes += [
            (left + c * width, 842 - top - (r + 1) * height, width, height)
            for r in range(rows)
            for c in range(cols)
        ]
    for x, y, w, h in shapes:
        shape = pdfium_raw.FPDFPageObj_CreateNewRect(x, y, w, h)
        pdfium_raw.FPDFPageObj_SetFillColor(shape, 0, 0, 0, 255)
        pdfium_raw.FPDFPageObj_SetStrokeColor(shape, 0, 0, 0, 255)
        pdfium_raw.FPDFPath_SetDrawMode(shape, int(bars), int(not bars))
        pdfium_raw.FPDFPage_InsertObject(page.raw, shape)
    buffers = []
    for c in range(cols):
        for r in range(rows):
            text = pdfium_raw.FPDFPageObj_NewTextObj(document.raw, b"Helvetica", 10.0)
            encoded = ctypes.create_string_buffer((cells[r][c] + "\0").encode("utf-16-le"))
            buffers.append(encoded)
            pdfium_raw.FPDFText_SetText(text, ctypes.cast(encoded, ctypes.POINTER(ctypes.c_ushort)))
            x, y = left + c * width + 4, 842 - top - (r + 1) * height + 6
            pdfium_raw.FPDFPageObj_Transform(text, 1, 0, 0, 1, x, y)
            pdfium_raw.FPDFPage_InsertObject(page.raw, text)
    pdfium_raw.FPDFPage_GenerateContent(page.raw)
    buffer = io.BytesIO()
    document.save(buffer)
    document.close()
    return buffer.getvalue()


_DRAWN_CELLS = [["项目", "数量"], ["收到申请", "12"], ["办结", "3"]]
_DRAWN = {"cell-rectangles": False, "filled-bars": True}


@functools.cache
def pdf_documents() -> list[tuple[str, bytes]]:
    """Every PDF of the fixtures that opens without a password, and two tables drawn by hand."""
    documents = [(Path(path).name, Path(path).read_bytes()) for path in PDFS]
    documents += [(name, drawn_table(_DRAWN_CELLS, bars=bars)) for name, bars in _DRAWN.items()]
    return documents


def pdf_pages(data: bytes) -> Iterator[tuple[Any, Any]]:
    """Each page of a PDF and its text page, loaded one at a time."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            yield page, textpage
            textpage.close()
            page.close()
    finally:
        pdf.close()


_COORDINATE = st.floats(min_value=0, max_value=60).map(lambda v: round(v * 2) / 4)
_TEXT = st.sampled_from(["收", "到", "1", "2", ".", "a", " ", "\u3000", "\u00a0", "\u200b", "（"])


@st.composite
def pdf_chars(draw: st.DrawFn) -> list[Char]:
    """Characters anywhere on a small page, some printed again over themselves, or nearly."""
    chars = []
    for _ in range(draw(st.integers(0, 40))):
        x0, top = draw(_COORDINATE), draw(_COORDINATE)
        width = draw(st.sampled_from([0.0, 0.5, 2.5, 5.0, 10.0]))
        tall = draw(st.sampled_from([0.0, 5.0, 10.0, 10.5, 12.0]))
        chars.append(Char(draw(_TEXT), x0, top, x0 + width, top + tall))
        if draw(st.booleans()):  # printed again over itself, or nearly
            nudge = draw(st.sampled_from([0.0, 0.5, 0.99, 1.0, 3.0]))
            chars.append(Char(chars[-1].text, x0 + nudge, top, x0 + width + nudge, top + tall))
    return chars


_GRID_GAP = st.sampled_from([4.0, 10.0, 12.5, 25.0])
_GRID_TEXTS = st.sampled_from(["收", "到", "1", "2", ".", "a", " ", "\u3000", "（"])


@st.composite
def pdf_tables(
    draw: st.DrawFn,
) -> tuple[list[float], list[float], list[Rule], list[Rule], list[Char]]:
    """Boundaries, ruling lines (some pieces missing: merged cells) and characters."""
    xs = list(itertools.accumulate(draw(st.lists(_GRID_GAP, min_size=2, max_size=6)), initial=10.0))
    ys = list(itertools.accumulate(draw(st.lists(_GRID_GAP, min_size=2, max_size=6)), initial=10.0))
    vertical = [
        Rule.down(x, ys[a], ys[b])
        for x in xs
        for a, b in itertools.pairwise(range(len(ys)))
        if x in {xs[0], xs[-1]} or draw(st.booleans())
    ]
    horizontal = [
        Rule.across(y, xs[a], xs[b])
        for y in ys
        for a, b in itertools.pairwise(range(len(xs)))
        if y in {ys[0], ys[-1]} or draw(st.booleans())
    ]
    chars = []
    for _ in range(draw(st.integers(0, 30))):
        # A centre anywhere, or exactly on a boundary (a character without width or height).
        on_x, on_y = draw(st.booleans()), draw(st.booleans())
        x0 = draw(st.sampled_from(xs)) if on_x else draw(st.floats(0, xs[-1] + 10))
        top = draw(st.sampled_from(ys)) if on_y else draw(st.floats(0, ys[-1] + 10))
        width = 0.0 if on_x else draw(st.sampled_from([0.0, 2.5, 5.0, 12.0]))
        tall = 0.0 if on_y else draw(st.sampled_from([0.0, 5.0, 10.0]))
        chars.append(Char(draw(_GRID_TEXTS), x0, top, x0 + width, top + tall))
    return xs, ys, horizontal, vertical, chars


def run_fresh(script: str) -> list[str]:
    """The lines ``script`` prints, run by this Python in a fresh process that imports from
    the test session's path (what a program importing gkbg for the first time sees)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, env=env
    )
    return done.stdout.splitlines()
