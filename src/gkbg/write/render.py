# SPDX-License-Identifier: MIT
"""Write a report in the official layout: HTML, pipe or flat text, Word .docx, PDF; markdown.

Agencies can produce their report tables from data, and tests can feed what gkbg writes back
to `gkbg.parse`. Every renderer writes a whole report: the title with the year and the agency,
the six part headings, a sentence of narrative, and the three tables in the layout the form
prints them, with its merged cells.

The layout is derived from the form (`gkbg.forms`), never written out by hand:

- a block's caption spans the table; a block's header is the corner above the row labels, or,
  when the table has a note, the note is the corner and the header spans the columns;
- columns sharing a ``group`` sit under one spanning header cell;
- rows sharing a ``group`` sit beside one label spanning them; a group whose rows all lie
  between the first and the last row of another group is nested inside it, and sits inside
  the smallest such group (table 三: ``（三）不予公开`` … ``（六）其他处理`` lie between
  ``（一）予以公开`` and ``（七）总计`` of ``三、本年度办理结果``);
- a table printed ``across`` (table 四) puts its rows side by side: the row groups and labels
  become header rows above the columns, and the values are one physical row.

A cell prints its text as the report has it (`gkbg.Cell.raw`), or its number when it has no text;
a cell with neither prints empty.
"""

from __future__ import annotations

import io
import zipfile
from html import escape
from typing import TYPE_CHECKING, Literal

import attrs
import lxml.etree  # type: ignore[import-untyped,unused-ignore]
import regex

from gkbg.core.errors import GkbgError
from gkbg.core.limits import Limits
from gkbg.core.office import convert, find_soffice
from gkbg.core.schema import TABLES, form, forms

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from gkbg.core.model import Cell, Report
    from gkbg.core.schema import Block, Column, Row, TableForm

__all__ = [
    "Placed",
    "RenderError",
    "by_row",
    "docx",
    "grid",
    "html",
    "markdown",
    "pdf",
    "text",
]


Spare = Literal["span", "before", "after"]
"""Where the width a block's columns leave unused goes (`grid`)."""


class RenderError(GkbgError, RuntimeError):
    """A report could not be rendered (no form known for it, or no converter for PDF)."""


@attrs.frozen
class Placed:
    """One cell of a rendered table's grid, at its top-left position.

    Attributes:
        row: 0-based row of the grid.
        col: 0-based column of the grid.
        text: What the cell prints; a label may hold line breaks (a line feed).
        rowspan: Rows the cell covers.
        colspan: Columns the cell covers.
        key: The cell key when this is a value cell, None for labels.
        row_label: Whether this is a label beside the rows it names (a row's label, or its
            group's) in a table printed down the page; the other labels head columns or
            blocks.
    """

    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1
    key: str | None = None
    row_label: bool = False


def _same(text: str) -> str:
    return text


def _printed(cell: Cell | None) -> str:
    if cell is None:
        return ""
    if cell.raw is not None:
        return cell.raw
    return "" if cell.value is None else str(cell.value)


def _group_parents(rows: Sequence[Row]) -> dict[str, str | None]:
    """Each row group's enclosing group, or None: the smallest group it is printed within.

    A group is printed within another when its rows lie between the other's first and last
    row. A row is of one group only, so two groups never share a first or a last row: the
    enclosing group's rows are before and after the group's. The smallest enclosing group is
    the one the group's label sits beside, however deep groups nest; the statutory forms nest
    them two deep (``（三）不予公开`` within ``三、本年度办理结果``).
    """
    spans: dict[str, tuple[int, int]] = {}
    for index, row in enumerate(rows):
        if row.group is not None:
            first, _ = spans.get(row.group, (index, index))
            spans[row.group] = (first, index)
    parents: dict[str, str | None] = {}
    for group, (first, last) in spans.items():
        enclosing = [
            (other_last - other_first, other)
            for other, (other_first, other_last) in spans.items()
            if other_first < first and last < other_last
        ]
        parents[group] = min(enclosing)[1] if enclosing else None
    return parents


def _path(row: Row, parents: dict[str, str | None]) -> list[str]:
    """The labels beside a row, outermost first: its groups, then its own label."""
    path = [row.label]
    group = row.group
    while group is not None:
        if group != path[0]:
            path.insert(0, group)
        group = parents.get(group)
    return path


def _rows_under(rows: Sequence[Row], parents: dict[str, str | None], label: str) -> int:
    return sum(1 for row in rows if label in _path(row, parents)[:-1])


@attrs.frozen
class _Frame:
    """What every block of a table printed down the page shares."""

    table: TableForm
    cells: dict[str, Cell]
    labels: Callable[[str], str]
    depth: int
    width: int
    placed: list[Placed]
    order: Sequence[str] = ()
    spare: Spare = "span"

    def span(self, index: int, columns: Sequence[Column]) -> int:
        """How many grid columns the block's column at ``index`` covers."""
        pad = self.width - len(columns)
        return 1 + (pad if index == len(columns) - 1 and self.spare == "span" else 0)

    def columns(self, block: Block) -> tuple[Column, ...]:
        """The block's columns in print order: ``order``'s, when it names every one of them.

        When it names some of them and no other column, those only (a page lacking a column).
        """
        keys = {column.key for column in block.columns}
        named = set(self.order)
        if not self.order or not (keys <= named or named < keys):
            return block.columns
        order = list(self.order)
        printed = [column for column in block.columns if column.key in named]
        return tuple(sorted(printed, key=lambda column: order.index(column.key)))


def _down_table(
    table: TableForm,
    cells: dict[str, Cell],
    labels: Callable[[str], str],
    order: Sequence[str] = (),
    spare: Spare = "span",
) -> list[Placed]:
    depth = max(
        len(_path(row, _group_parents(block.rows))) for block in table.blocks for row in block.rows
    )
    width = max(len(block.columns) for block in table.blocks)
    frame = _Frame(table, cells, labels, depth, width, [], order, spare)
    top = 0
    for block in table.blocks:
        if block.caption:
            frame.placed.append(Placed(top, 0, labels(block.caption), colspan=depth + width))
            top += 1
        top = _header(frame, block, top)
        top = _body(frame, block, top)
    return frame.placed


def _header(frame: _Frame, block: Block, top: int) -> int:
    labels, placed, depth, width = frame.labels, frame.placed, frame.depth, frame.width
    columns = frame.columns(block)
    grouped = any(column.group for column in columns)
    column_rows = 2 if grouped else 1
    pad = width - len(columns)
    if frame.table.note is not None:
        spanning = 1 if block.header else 0
        placed.append(Placed(top, 0, labels(frame.table.note), spanning + column_rows, depth))
        if block.header:
            placed.append(Placed(top, depth, labels(block.header), colspan=width))
        start = top + spanning
    else:
        placed.append(Placed(top, 0, labels(block.header or ""), column_rows, depth))
        start = top
    col = depth
    if pad and frame.spare == "before":
        placed.append(Placed(start, col, "", column_rows, pad))
        col += pad
    seen: set[str] = set()
    for index, column in enumerate(columns):
        span = frame.span(index, columns)
        if column.group is None:
            placed.append(Placed(start, col, labels(column.label), column_rows, span))
        else:
            if column.group not in seen:
                seen.add(column.group)
                size = sum(1 for other in columns if other.group == column.group)
                placed.append(Placed(start, col, labels(column.group), colspan=size))
            placed.append(Placed(start + 1, col, labels(column.label), colspan=span))
        col += span
    if pad and frame.spare == "after":
        placed.append(Placed(start, col, "", column_rows, pad))
    return start + column_rows


def _body(frame: _Frame, block: Block, top: int) -> int:
    labels, placed, depth = frame.labels, frame.placed, frame.depth
    parents = _group_parents(block.rows)
    started: set[str] = set()
    columns = frame.columns(block)
    pad = frame.width - len(columns)
    for offset, row in enumerate(block.rows):
        path = _path(row, parents)
        for level, label in enumerate(path[:-1]):
            if label not in started:
                started.add(label)
                size = _rows_under(block.rows, parents, label)
                placed.append(
                    Placed(top + offset, level, labels(label), rowspan=size, row_label=True)
                )
        level = len(path) - 1
        placed.append(
            Placed(top + offset, level, labels(row.label), colspan=depth - level, row_label=True)
        )
        col = depth
        if pad and frame.spare == "before":
            placed.append(Placed(top + offset, col, "", colspan=pad))
            col += pad
        for index, column in enumerate(columns):
            span = frame.span(index, columns)
            key = f"{frame.table.key}.{row.key}.{column.key}"
            printed = _printed(frame.cells.get(key))
            placed.append(Placed(top + offset, col, printed, colspan=span, key=key))
            col += span
        if pad and frame.spare == "after":
            placed.append(Placed(top + offset, col, "", colspan=pad))
    return top + len(block.rows)


def _across_table(
    table: TableForm, cells: dict[str, Cell], labels: Callable[[str], str]
) -> list[Placed]:
    placed: list[Placed] = []
    col = 0
    values: list[Placed] = []
    for block in table.blocks:
        parents = _group_parents(block.rows)
        paths = [_path(row, parents) for row in block.rows]
        depth = max(len(path) for path in paths)
        width = len(block.columns)
        started: set[str] = set()
        for row, path in zip(block.rows, paths, strict=True):
            for level, label in enumerate(path[:-1]):
                if label not in started:
                    started.add(label)
                    size = _rows_under(block.rows, parents, label)
                    placed.append(Placed(level, col, labels(label), colspan=size * width))
            level = len(path) - 1
            placed.append(Placed(level, col, labels(row.label), colspan=width))
            for index, column in enumerate(block.columns):
                placed.append(
                    Placed(level + 1, col + index, labels(column.label), rowspan=depth - level)
                )
                key = f"{table.key}.{row.key}.{column.key}"
                values.append(Placed(depth + 1, col + index, _printed(cells.get(key)), key=key))
            col += width
    return placed + values


def grid(
    report: Report,
    table: str,
    *,
    labels: Callable[[str], str] | None = None,
    columns: Mapping[str, Sequence[str]] | None = None,
    spare: Spare = "span",
) -> list[Placed]:
    """The cells of one table of ``report`` in its form's layout, by row and column.

    Args:
        report: The report.
        table: ``active``, ``applications`` or ``appeals``.
        labels: Applied to every label the form gives (headings, captions, row and column
            labels), to print them differently; by default they print as the form has them.
        columns: For a table printed down the page, its column keys in the order a page
            prints them (``{"applications": ["total", "natural_person", …]}``), applied to
            each block whose columns it names all; the columns under one spanning label must
            stay together. A block of which it names some columns and no other prints those
            only (a page lacking a column). By default the form's order.
        spare: Where the width a block's columns leave unused goes (a block printing fewer
            columns than the table's widest): ``span``, covered by its last column;
            ``before`` or ``after``, an empty cell before its first column or after its last
            (the padding cell a converter's text then prints among a row's numbers).

    Raises:
        RenderError: The table was not found in the report, or its form is unknown.
    """
    found = report.table(table)
    if found.variant is None or found.variant not in forms():
        raise RenderError(f"table {table!r} has no known form ({found.variant!r}): not rendered")
    declared = form(found.variant).table(table)
    cells = {cell.key: cell for cell in found.cells}
    if declared.across:
        placed = _across_table(declared, cells, labels or _same)
    else:
        placed = _down_table(
            declared, cells, labels or _same, (columns or {}).get(table, ()), spare
        )
    return sorted(placed, key=lambda cell: (cell.row, cell.col))


def by_row(placed: Sequence[Placed]) -> list[list[Placed]]:
    """The cells of a grid (as `grid` gives them) by the row they start in, left to right."""
    count = max(cell.row + cell.rowspan for cell in placed)
    rows: list[list[Placed]] = [[] for _ in range(count)]
    for cell in placed:
        rows[cell.row].append(cell)
    return rows


def _width(placed: Sequence[Placed]) -> int:
    return max(cell.col + cell.colspan for cell in placed)


# --- the report around the tables -------------------------------------------------------


def _title(report: Report) -> str:
    year = f"{report.year}年" if report.year is not None else ""
    return f"{report.agency or ''}{year}政府信息公开工作年度报告"


def _narrative(report: Report) -> str:
    if report.year is None:
        return "本报告根据《中华人民共和国政府信息公开条例》编制。"
    return (
        "本报告根据《中华人民共和国政府信息公开条例》编制，所列数据的统计期限自"
        f"{report.year}年1月1日起至{report.year}年12月31日止。"
    )


Piece = tuple[Literal["title", "heading", "paragraph", "table"], str]


def _pieces(report: Report, labels: Callable[[str], str]) -> list[Piece]:
    """The report's parts in order: title, headings, paragraphs and tables (by key)."""
    known = [
        variant
        for variant in (report.variant, *(table.variant for table in report.tables))
        if variant is not None and variant in forms()
    ]
    if not known:
        raise RenderError("the report has no table of a known form: nothing to render")
    parts = form(known[0]).parts
    pieces: list[Piece] = [("title", _title(report)), ("heading", labels(parts[0]))]
    pieces.append(("paragraph", _narrative(report)))
    for key in TABLES:
        found = report.table(key)
        if found.variant is None or found.variant not in forms():
            continue
        pieces.append(("heading", labels(form(found.variant).table(key).heading)))
        pieces.append(("table", key))
    for heading in parts[len(TABLES) + 1 :]:
        pieces += [("heading", labels(heading)), ("paragraph", "无。")]
    return pieces


# --- HTML -----------------------------------------------------------------------------------


def _html_text(text: str) -> str:
    return "<br>".join(escape(line) for line in text.split("\n"))


def html(
    report: Report,
    *,
    labels: Callable[[str], str] | None = None,
    columns: Mapping[str, Sequence[str]] | None = None,
    spare: Spare = "span",
) -> str:
    """The report as an HTML page, each table a ``<table>`` with ``rowspan`` and ``colspan``.

    ``columns`` prints a table's columns in another order, ``spare`` places the width a
    block's columns leave unused (`grid`).

    Raises:
        RenderError: No table of the report has a known form.
    """
    chosen = labels or _same
    body: list[str] = []
    for kind, content in _pieces(report, chosen):
        if kind == "title":
            body.append(f"<h1>{escape(content)}</h1>")
        elif kind in {"heading", "paragraph"}:
            body.append(f"<p>{_html_text(content)}</p>")
        else:
            lines = ['<table border="1">']
            for row in by_row(grid(report, content, labels=chosen, columns=columns, spare=spare)):
                tds = "".join(
                    "<td"
                    + (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "")
                    + (f' colspan="{cell.colspan}"' if cell.colspan > 1 else "")
                    + f">{_html_text(cell.text)}</td>"
                    for cell in row
                )
                lines.append(f"<tr>{tds}</tr>")
            lines.append("</table>")
            body.append("\n".join(lines))
    title = escape(_title(report))
    return (
        f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{title}</title></head>\n'
        "<body>\n" + "\n".join(body) + "\n</body></html>\n"
    )


# --- text -----------------------------------------------------------------------------------


def text(
    report: Report,
    style: Literal["pipe", "flat", "run"] = "pipe",
    *,
    labels: Callable[[str], str] | None = None,
    columns: Mapping[str, Sequence[str]] | None = None,
    spare: Spare = "span",
) -> str:
    """The report as text.

    ``pipe``: the tables as a web page's table flattened to text, one cell per line with ``|``
    after it (a line break inside a label prints as ``<br>``, as flattened pages keep it).
    ``flat``: as copying out of a PDF gives it, one table row per line, cells separated by a
    space. Flat text has no cell boundaries, so an empty cell prints nothing at all.
    ``run``: as a crawler saves a web page's text, each table on one line, its labels and cells
    run together with no separator at all (``规章000规范性文件898989``).
    ``columns`` prints a table's columns in the order a page prints them (or some of them),
    ``spare`` places the width a block's columns leave unused (`grid`).

    Raises:
        RenderError: No table of the report has a known form.
        ValueError: ``style`` is not ``pipe``, ``flat`` or ``run``.
    """
    if style not in {"pipe", "flat", "run"}:
        raise ValueError(f"style must be 'pipe', 'flat' or 'run', not {style!r}")
    chosen = labels or _same
    lines: list[str] = []
    for kind, content in _pieces(report, chosen):
        if kind != "table":
            lines.append(content)
            continue
        rows = by_row(grid(report, content, labels=chosen, columns=columns, spare=spare))
        if style == "run":
            lines.append("".join(cell.text.replace("\n", "") for row in rows for cell in row))
            continue
        for row in rows:
            if style == "pipe":
                lines.extend(f"{cell.text.replace(chr(10), '<br>')} |" for cell in row)
            else:
                printed = " ".join(cell.text for cell in row if cell.text)
                if printed:
                    lines.append(printed)
    return "\n".join(lines) + "\n"


# --- markdown -------------------------------------------------------------------------------


_BROKEN = 12  # the longest row label printed on one row when labels are broken
_ORDINAL = regex.compile(
    r"^(?:[（(][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+、|\d+[.．、])"
)


def _md_row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cell.replace("|", "\\|").replace("\n", "") for cell in cells) + " |"


def _md_table(headers: Sequence[Sequence[str]], rows: Sequence[Sequence[str]]) -> list[str]:
    """A pipe table: its first header row, the separator, the other header rows, the rows."""
    first, *more = headers
    return [_md_row(first), "|" + "---|" * len(first), *map(_md_row, [*more, *rows])]


@attrs.frozen
class _Garbling:
    """The garbled shapes of a markdown conversion, as `markdown` takes them."""

    generic: bool | Literal["all"] = False
    split: bool = False
    repeat: bool = False
    footer: str | None = None
    footer_row: bool = False
    broken: bool = False
    scattered: Literal["spans", "packed"] | None = None
    unlabelled: bool = False
    notes: bool = False
    floating: bool | Literal["above"] = False
    uneven: bool = False
    loose: bool = False
    merged: bool = False
    apart: bool = False


# The notes converters keep beside a number (a cell's second line run into the first).
_NOTES = ("（含自然失效{}件）", "（其中{}件）", "(含{}件)")


def _noted(printed: str, count: int) -> str:
    """A count with a note after it whose own number is smaller (``55（含自然失效29件）``)."""
    return printed + _NOTES[count % len(_NOTES)].format(int(printed) // 2)


def _md_header(
    block: Block, names: list[str], labels: Callable[[str], str], scattered: str | None
) -> list[list[str]]:
    """The header rows of a block: one, or two with the spanning headers over their columns.

    ``spans``: the merged header's other positions are empty cells; ``packed``: they are left
    out, so the top row is shorter than the rows under it, and the lower row holds only the
    grouped columns' labels, from the left.
    """
    first = labels(block.header or "项目")
    grouped = [column.group for column in block.columns]
    if scattered is None or not any(grouped):
        return [[first, *names]]
    top: list[str] = [first]
    lower: list[str] = [""]
    seen: set[str] = set()
    for name, group in zip(names, grouped, strict=True):
        if group is None:
            top.append(name)
            lower.append("")
        elif group not in seen:
            seen.add(group)
            top.append(labels(group))
            lower.append(name)
        else:
            if scattered == "spans":
                top.append("")
            lower.append(name)
    if scattered == "packed":
        lower = [name for name, group in zip(names, grouped, strict=True) if group is not None]
    return [top, lower]


def _md_down(
    report: Report, table: TableForm, labels: Callable[[str], str], how: _Garbling
) -> list[str]:
    lines: list[str] = []
    count = 0  # the values printed so far, to vary the garbling from one cell to the next
    for block in table.blocks:
        if block.caption:
            lines += [f"### {labels(block.caption)}", ""]
        names = [labels(column.label) for column in block.columns]
        if how.generic == "all" and len(names) > 1:
            names = [f"数据{n}" for n in range(1, len(names) + 1)]
        elif how.generic and len(names) > 2:
            # A converter's own names for the columns; the last (总计) keeps its label.
            names = [*(f"数据{n}" for n in range(1, len(names))), names[-1]]
        headers = _md_header(block, names, labels, how.scattered)
        rows: list[list[str]] = []
        floated: list[str] = []
        for position, row in enumerate(block.rows):
            label = labels(row.label)
            if row.group:
                label = labels(row.group) + label
            cells = [_printed(report.cell(f"{table.key}.{row.key}.{c.key}")) for c in block.columns]
            if how.notes or how.floating:
                for index, printed in enumerate(cells):
                    if not printed.isdigit() or int(printed) < 2:
                        continue
                    count += 1
                    if how.floating and count % 7 == 3:
                        # The number (and its note) printed outside the table, its cell empty.
                        floated.append(_noted(printed, count) if how.notes else printed)
                        cells[index] = ""
                    elif how.notes and count % 5 == 1:
                        cells[index] = _noted(printed, count)
            if how.uneven:
                # Trailing empty cells left out; every other row gets a stray empty cell.
                while cells and not cells[-1]:
                    cells.pop()
                if position % 2:
                    cells.append("")
            if how.merged and position % 2 == 0:
                cells = _merged(cells)
            if how.unlabelled and position % 3 == 1 and position + 1 < len(block.rows):
                # A row whose label the converter lost: its neighbours keep theirs.
                label = ""
            if how.apart and label and position % 4 in (1, 3):
                # The label on a row of empty cells, the values on a row of no label: under
                # it (1), or over it (3).
                parted = [[label, *([""] * len(cells))], ["", *cells]]
                rows += parted if position % 4 == 1 else parted[::-1]
                continue
            if how.broken and len(label) > _BROKEN:
                # The label wraps: its first half on a row of its own, with empty cells.
                half = len(label) // 2
                rows.append([label[:half], *([""] * len(cells))])
                label = label[half:]
            rows.append([label, *cells])
        lines += _md_block(block, headers, rows, floated, labels=labels, how=how)
    return lines


def _merged(cells: list[str]) -> list[str]:
    """A row's cells with each pair of printed neighbours in one cell, a space between.

    ``95 0``, as a converter that missed a column boundary prints them.
    """
    joined: list[str] = []
    index = 0
    while index < len(cells):
        if index + 1 < len(cells) and cells[index] and cells[index + 1]:
            joined.append(f"{cells[index]} {cells[index + 1]}")
            index += 2
        else:
            joined.append(cells[index])
            index += 1
    return joined


def _md_block(
    block: Block,
    headers: list[list[str]],
    rows: list[list[str]],
    floated: list[str],
    *,
    labels: Callable[[str], str],
    how: _Garbling,
) -> list[str]:
    """A block's lines, its floated numbers under them (or over them, ``floating="above"``)."""
    lines: list[str] = []
    if how.loose and len(block.rows) == 1:
        # A one-row table the converter did not see as a table: its lines as plain text.
        lines += [" ".join(headers[0]), *(" ".join(c for c in row if c) for row in rows), ""]
    elif how.split:
        for row, row_cells in zip(block.rows, rows[-len(block.rows) :], strict=True):
            # The heading names the row; the row itself often loses its number.
            short = _ORDINAL.sub("", labels(row.label))
            named = [short if row_cells[0] else "", *row_cells[1:]]
            heading = row_cells[0] or short
            lines += [f"### {heading}", *_md_table(headers, [named]), ""]
    else:
        middle = len(rows) // 2 if len(rows) > 1 else len(rows)
        body = rows[:middle]
        rest = rows[middle:]
        if how.repeat and rest:
            rest = [*headers, *rest]
        table_lines = _md_table(headers, body)
        if how.footer is not None and rest:
            # A page footer the converter left between two rows: on a line of its own, or
            # as a row of the table.
            table_lines.append(_md_row([how.footer]) if how.footer_row else how.footer)
        lines += [*table_lines, *map(_md_row, rest), ""]
    if not floated:
        return lines
    if how.floating == "above":
        return [*floated, "", *lines]
    return [*lines, *floated, ""]


def _md_across(
    report: Report, table: TableForm, labels: Callable[[str], str], how: _Garbling
) -> list[str]:
    """A table printed across as converters give it: a heading and a small table per row.

    With ``how.merged``, as a converter that missed its column boundaries gives it: one table,
    the columns' labels over a row of every value of the table, two to a cell.
    """
    lines: list[str] = []
    if how.merged:
        header = [
            labels(c.label) for block in table.blocks for _ in block.rows for c in block.columns
        ]
        values = [
            _printed(report.cell(f"{table.key}.{row.key}.{c.key}"))
            for block in table.blocks
            for row in block.rows
            for c in block.columns
        ]
        return [*_md_table([header], [_merged(values)]), ""]
    for block in table.blocks:
        header = [labels(column.label) for column in block.columns]
        for row in block.rows:
            name = labels(row.label)
            if row.group and row.group != row.label:
                name = f"{labels(row.group)}（{name}）"
            values = [
                _printed(report.cell(f"{table.key}.{row.key}.{c.key}")) for c in block.columns
            ]
            lines += [f"### {name}", *_md_table([header], [values]), ""]
    return lines


def markdown(
    report: Report,
    *,
    generic_headers: bool | Literal["all"] = False,
    split: bool = False,
    repeat_header: bool = False,
    footer: str | None = None,
    footer_row: bool = False,
    broken_labels: bool = False,
    scattered_headers: Literal["spans", "packed"] | None = None,
    unlabelled: bool = False,
    notes: bool = False,
    floating: bool | Literal["above"] = False,
    uneven: bool = False,
    loose: bool = False,
    merged_values: bool = False,
    labels_apart: bool = False,
    plain: Sequence[str] = (),
    labels: Callable[[str], str] | None = None,
) -> str:
    """The report as a PDF-to-markdown converter writes it: headings and GFM pipe tables.

    Pipe tables merge no cells: each block of a table printed down is one table, a header row
    and a row per form row (its label after its group's); a table printed across (四) is a
    heading and a one-row table per form row. The options give the shapes converters make,
    the garbled ones (OCR, a language model asked for markdown) included:

    Args:
        report: The report.
        generic_headers: Name the value columns 数据1, 数据2, … (the last keeps its label;
            ``"all"``: the last too).
        split: Print each row of a table printed down as its own table under a heading that
            names it; the row's own label loses its group and its number (（一）予以公开 over
            予以公开).
        repeat_header: Repeat a block's header row halfway down its table.
        footer: A page footer (``— 5 —``) printed on a line of its own halfway down each
            block's table, which goes on after it without a header.
        footer_row: Print the footer as a row of the table (``| — 5 — |``), one cell wide.
        broken_labels: Print a long row label over two rows, its first half on a row of its
            own with empty cells (not with ``split``).
        scattered_headers: Print a header with spanning labels (法人或其他组织) over two rows:
            ``"spans"`` with empty cells where the span was, ``"packed"`` with none, so the
            header rows are shorter than the rows under them and shifted to the left.
        unlabelled: Leave out the label of every third row of a table printed down (its
            neighbours keep theirs), as converters lose a label they cannot read.
        notes: Print some numbers with a note after them (``55（含自然失效29件）``).
        floating: Print some numbers under their table instead of in it (their cells empty),
            with their note when ``notes`` is set; ``"above"``: over the table.
        uneven: Leave out each row's trailing empty cells and add a stray empty cell to
            every other row, so rows differ in width.
        loose: Print each block of one row (行政许可) as plain lines, its header's words on
            one and its row on the next (``行政许可 0``), as converters miss a small table.
        merged_values: Print pairs of neighbouring values in one cell, a space between
            (``95 0``), in every other row, as converters that miss a column boundary do; a
            table printed across (四) becomes one table, every value in one row, two to a cell.
        labels_apart: Print some rows' labels on a row of empty cells and their values on a
            row with no label, under it or over it (not with ``split``).
        plain: The keys of the tables to print as plain lines (``行政许可 0``), a line per row,
            no pipe at all; empty cells print nothing.
        labels: Rewrites each label (as for the other renderers).

    Raises:
        RenderError: No table of the report has a known form.
    """
    chosen = labels or _same
    how = _Garbling(
        generic=generic_headers,
        split=split,
        repeat=repeat_header,
        footer=footer,
        footer_row=footer_row,
        broken=broken_labels and not split,
        scattered=scattered_headers,
        unlabelled=unlabelled,
        notes=notes,
        floating=floating,
        uneven=uneven,
        loose=loose,
        merged=merged_values,
        apart=labels_apart and not split,
    )
    lines: list[str] = []
    for kind, content in _pieces(report, chosen):
        if kind == "title":
            lines += [f"# {content}", ""]
        elif kind == "heading":
            lines += [f"## {content}", ""]
        elif kind == "paragraph":
            lines += [content, ""]
        else:
            variant = report.table(content).variant
            if variant is None:  # (`_pieces` gives only tables of a known form)
                continue
            table = form(variant).table(content)
            if content in plain:
                for row in by_row(grid(report, content, labels=chosen)):
                    printed = " ".join(cell.text.replace("\n", "") for cell in row if cell.text)
                    if printed:
                        lines.append(printed)
                lines.append("")
            elif table.across:
                lines += _md_across(report, table, chosen, how)
            else:
                lines += _md_down(report, table, chosen, how)
    return "\n".join(lines) + "\n"


# --- DOCX -----------------------------------------------------------------------------------

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/>'
    "</Relationships>"
)


_TABLE_WIDTH = 9000  # twentieths of a point: the width of the page between its margins


def _w(name: str) -> str:
    return f"{{{_W}}}{name}"


def _sub(parent: object, name: str, **attributes: str) -> object:
    element = lxml.etree.SubElement(parent, _w(name))
    for attribute, value in attributes.items():
        element.set(_w(attribute), value)
    return element


def _paragraph(parent: object, content: str, *, bold: bool = False, small: bool = False) -> None:
    paragraph = _sub(parent, "p")
    run = _sub(paragraph, "r")
    if bold or small:
        run_properties = _sub(run, "rPr")
        if bold:
            _sub(run_properties, "b")
        if small:  # 8 points: fifteen columns of four-digit numbers fit on the page
            _sub(run_properties, "sz", val="16")
    for index, line in enumerate(content.split("\n")):
        if index:
            _sub(run, "br")
        node = _sub(run, "t")
        node.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")  # type: ignore[attr-defined]
        node.text = line  # type: ignore[attr-defined]


def _split(placed: Sequence[Placed]) -> tuple[list[Placed], list[Placed]]:
    """A table's cells in two parts, cut between two rows in the middle of its values.

    A cell the cut runs through is printed in both parts, its rows on each side of the cut, as
    someone who splits a table by hand types a group's label again; except a label in the
    first column spanning a single column, which the second part leaves out with its column,
    so that every column after it stands one place further left.
    """
    top = min(cell.row for cell in placed if cell.key is not None)
    end = max(cell.row + cell.rowspan for cell in placed)
    at = (top + end + 1) // 2
    if at >= end:
        # (Table 四 prints its values across one row: no two rows of values to cut between.)
        raise RenderError("the table prints its values on one row: it cannot be cut in two")
    first: list[Placed] = []
    second: list[Placed] = []
    for cell in placed:
        if cell.row < at:
            first.append(attrs.evolve(cell, rowspan=min(cell.rowspan, at - cell.row)))
        if cell.row + cell.rowspan > at:
            row = max(cell.row, at)
            rowspan = cell.row + cell.rowspan - row
            second.append(attrs.evolve(cell, row=row - at, rowspan=rowspan))
    if all(cell.colspan > 1 for cell in second if cell.col == 0 and cell.row == 0):
        return first, second  # no label of its own in the first column: nothing to leave out
    shifted = [
        attrs.evolve(cell, col=max(cell.col - 1, 0), colspan=cell.colspan - (cell.col == 0))
        for cell in second
        if cell.col > 0 or cell.colspan > 1
    ]
    return first, shifted


def _shifted_widths(placed: Sequence[Placed], total: int) -> list[int]:
    """Column widths on another grid: the label columns narrower, the value columns wider."""
    width = _width(placed)
    labels = min(cell.col for cell in placed if cell.key is not None)
    label_width = total // (2 * width)
    value_width = (total - labels * label_width) // max(width - labels, 1)
    return [label_width] * labels + [value_width] * (width - labels)


def _docx_table(
    parent: object, placed: Sequence[Placed], widths: Sequence[int] | None = None
) -> None:
    width = _width(placed)
    table = _sub(parent, "tbl")
    properties = _sub(table, "tblPr")
    _sub(properties, "tblW", w="5000", type="pct")
    borders = _sub(properties, "tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        _sub(borders, side, val="single", sz="4", space="0", color="000000")
    columns = _sub(table, "tblGrid")
    for column in range(width):
        _sub(columns, "gridCol", w=str(widths[column] if widths else _TABLE_WIDTH // width))
    if widths:  # fixed widths, as given, not fitted to the contents
        _sub(properties, "tblLayout", type="fixed")
    origin = {(cell.row, cell.col): cell for cell in placed}
    covering: dict[tuple[int, int], Placed] = {}
    for cell in placed:
        for down in range(1, cell.rowspan):
            covering[cell.row + down, cell.col] = cell
    for row in range(max(cell.row + cell.rowspan for cell in placed)):
        tr = _sub(table, "tr")
        col = 0
        while col < width:
            here = origin.get((row, col))
            above = covering.get((row, col))
            found = here or above
            if found is None:
                col += 1  # a position spanned from the left
                continue
            cell = found
            tc = _sub(tr, "tc")
            tc_properties = _sub(tc, "tcPr")
            if cell.colspan > 1:
                _sub(tc_properties, "gridSpan", val=str(cell.colspan))
            if here is not None and cell.rowspan > 1:
                _sub(tc_properties, "vMerge", val="restart")
            elif above is not None:
                _sub(tc_properties, "vMerge")
            _paragraph(tc, cell.text if here is not None else "", small=True)
            col += cell.colspan


def _page_break(parent: object) -> None:
    run = _sub(_sub(parent, "p"), "r")
    _sub(run, "br", type="page")


def docx(
    report: Report,
    *,
    labels: Callable[[str], str] | None = None,
    split: str | None = None,
    page_break: bool = True,
) -> bytes:
    """The report as a Word ``.docx`` file: merged cells with ``gridSpan`` and ``vMerge``.

    Args:
        report: The report.
        labels: Applied to every label the form gives, as in `grid`.
        split: The key of a table to print in two parts, as long tables are in the wild:
            its rows are cut in the middle of its values, and the second part is a table of its
            own on another column grid (narrower label columns, wider value columns), with
            the labels the cut runs through printed again.
        page_break: Whether a page break separates the two parts of the ``split`` table;
            without one the parts are adjacent tables (which Word and LibreOffice join into
            one table when they save a ``.doc``).

    Raises:
        RenderError: No table of the report has a known form, or the ``split`` table prints
            its values on one row (table 四), with no two rows to cut between.
    """
    chosen = labels or _same
    document = lxml.etree.Element(_w("document"), nsmap={"w": _W})
    body = _sub(document, "body")
    for kind, content in _pieces(report, chosen):
        if kind == "table" and content == split:
            first, second = _split(grid(report, content, labels=chosen))
            _docx_table(body, first)
            if page_break:
                _page_break(body)
            _docx_table(body, second, _shifted_widths(second, _TABLE_WIDTH))
        elif kind == "table":
            _docx_table(body, grid(report, content, labels=chosen))
        else:
            _paragraph(body, content, bold=kind != "paragraph")
    # A landscape A4 page with narrow margins, as agencies print the wide table 四.
    section = _sub(body, "sectPr")
    _sub(section, "pgSz", w="16838", h="11906", orient="landscape")
    _sub(section, "pgMar", top="720", right="720", bottom="720", left="720")
    xml = lxml.etree.tostring(document, xml_declaration=True, encoding="UTF-8", standalone=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("word/document.xml", xml)
    return buffer.getvalue()


# --- PDF ------------------------------------------------------------------------------------


def pdf(
    report: Report, *, labels: Callable[[str], str] | None = None, split: str | None = None
) -> bytes:
    """The report as PDF: the `docx` rendering converted by LibreOffice (``soffice``).

    Args:
        report: The report.
        labels: Applied to every label the form gives, as in `grid`.
        split: The key of a table printed in two parts on two pages, each part on its own
            column grid (see `docx`).

    Raises:
        RenderError: LibreOffice is not installed, or the conversion failed.
    """
    soffice = find_soffice()
    if soffice is None:
        raise RenderError("rendering PDF needs LibreOffice ('soffice' on the PATH)")
    word = docx(report, labels=labels, split=split)
    try:
        return convert(soffice, word, "docx", "pdf", "<rendered report>", Limits())
    except GkbgError as exc:
        raise RenderError(str(exc)) from exc
