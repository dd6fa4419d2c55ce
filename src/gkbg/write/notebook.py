# SPDX-License-Identifier: MIT
"""HTML views of reports and findings, for Jupyter (``_repr_html_``) and for web pages.

The tables are drawn in the layout of the form each was printed in: the captions, the merged
headers of the columns and the merged labels of the rows all come from the form's declaration
(`gkbg.forms`), never from a copy here. A cell a finding involves is highlighted and carries the
finding's message in its ``title`` (shown on hover); a cell read with doubt carries the reasons.
Everything taken from a report is escaped: report text is untrusted.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from gkbg.checks.engine import check
from gkbg.checks.findings import CheckResult, Severity
from gkbg.core.lang import Lang, default_lang
from gkbg.core.model import CellState
from gkbg.core.schema import forms
from gkbg.core.views import VIEWS
from gkbg.write.summary import summary_line

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from gkbg.checks.findings import Finding
    from gkbg.core.model import Cell, Report, Table
    from gkbg.core.schema import Block, Row, TableForm

__all__ = ["result_html", "to_html"]

_STYLE = """<style>
.gkbg table { border-collapse: collapse; margin: 0.3em 0 1em 0; font-size: 0.9em; }
.gkbg th, .gkbg td { border: 1px solid #999; padding: 2px 6px; }
.gkbg th { background: #f3f3f3; font-weight: normal; text-align: center; }
.gkbg th.gkbg-row { text-align: left; }
.gkbg td { text-align: right; min-width: 2.5em; }
.gkbg td.gkbg-blank, .gkbg td.gkbg-absent { color: #888; }
.gkbg td.gkbg-invalid, .gkbg td.gkbg-unread { background: #fde2c4; }
.gkbg td.gkbg-uncertain { outline: 2px dashed #c80; outline-offset: -3px; }
.gkbg td.gkbg-involved { box-shadow: inset 0 0 0 2px #e57373; }
.gkbg td.gkbg-warning { background: #fff2a8; }
.gkbg td.gkbg-error { background: #f8b4b4; font-weight: bold; }
.gkbg caption { text-align: left; font-weight: bold; padding: 0.2em 0; }
.gkbg table.gkbg-findings td { text-align: left; }
.gkbg table.gkbg-findings td.gkbg-number { text-align: right; }
</style>"""

_WORDS = {
    "zh": {
        "form": "格式",
        "year": "年度",
        "agency": "机关",
        "none": "未注明",
        "not_found": "未找到此表",
        "severity": "级别",
        "rule": "检查",
        "cells": "单元格",
        "expected": "应为",
        "actual": "实为",
        "message": "说明",
        "error": "错误",
        "warning": "警告",
        "doubt": "读取存疑",
        "unread": "未能读取",
        "more": "{first} 等 {count} 个单元格",
    },
    "en": {
        "form": "form",
        "year": "year",
        "agency": "agency",
        "none": "not named",
        "not_found": "table not found",
        "severity": "severity",
        "rule": "check",
        "cells": "cells",
        "expected": "expected",
        "actual": "found",
        "message": "message",
        "error": "error",
        "warning": "warning",
        "doubt": "read with doubt",
        "unread": "not read",
        "more": "{first} and {others} more",
    },
}


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _th(text: str, *, rowspan: int = 1, colspan: int = 1, cls: str | None = None) -> str:
    spans = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (
        f' colspan="{colspan}"' if colspan > 1 else ""
    )
    klass = f' class="{cls}"' if cls else ""
    return f"<th{spans}{klass}>{_e(text)}</th>"


def _marks(result: CheckResult) -> dict[str, list[Finding]]:
    """The findings of each cell a finding involves; the cell a finding is about comes first."""
    marks: dict[str, list[Finding]] = {}
    for finding in result.findings:
        for key in finding.cells:
            marks.setdefault(key, []).append(finding)
    return marks


def _td(cell: Cell | None, findings: Sequence[Finding], lang: Lang, *, colspan: int = 1) -> str:
    words = _WORDS[lang]
    span = f' colspan="{colspan}"' if colspan > 1 else ""
    if cell is None:
        return f'<td{span} class="gkbg-absent"></td>'
    classes = [f"gkbg-{cell.state.value}"]
    notes = [cell.key]
    if cell.state is CellState.VALUE:
        shown = str(cell.value)
        if cell.raw is not None and cell.raw != shown:
            notes.append(f"“{cell.raw}”")
    elif cell.state is CellState.UNREAD:
        shown = "?"
        notes.append(words["unread"])
    else:
        shown = cell.raw or ""
    if cell.uncertain:
        classes.append("gkbg-uncertain")
        notes.extend(f"{words['doubt']}: {reason}" for reason in cell.uncertain)
    if findings:
        # The cell a finding is about (a sum's total) takes its severity's colour; the other
        # cells it involves (the parts) are only outlined.
        about = [f for f in findings if f.cells[0] == cell.key]
        if about:
            worst = min(about, key=lambda f: f.severity is not Severity.ERROR)
            classes.append(f"gkbg-{worst.severity.value}")
        else:
            classes.append("gkbg-involved")
        notes.extend(f"{words[f.severity.value]} {f.rule}: {f.message(lang)}" for f in findings)
    title = _e("\n".join(notes))
    return f'<td{span} class="{" ".join(classes)}" title="{title}">{_e(shown)}</td>'


def _parents(rows: Sequence[Row]) -> dict[str, str]:
    """Which row groups sit inside another group: those printed between its first and last row.

    In table 三, ``（三）不予公开`` … ``（六）其他处理`` are printed between ``（一）予以公开`` and
    ``（七）总计``, both of group ``三、本年度办理结果``: they are its subgroups.
    """
    spans: dict[str, tuple[int, int]] = {}
    for index, row in enumerate(rows):
        if row.group is not None:
            first, _ = spans.get(row.group, (index, index))
            spans[row.group] = (first, index)
    parents: dict[str, str] = {}
    for group, (first, last) in spans.items():
        for other, (outer_first, outer_last) in spans.items():
            if other != group and outer_first < first and last < outer_last:
                parents[group] = other
    return parents


def _runs(values: Sequence[str | None], start: int) -> int:
    """How many items from ``start`` on share the value at ``start``."""
    end = start
    while end < len(values) and values[end] == values[start]:
        end += 1
    return end - start


def _label_cells(rows: Sequence[Row], parents: Mapping[str, str], depth: int) -> list[list[str]]:
    """The row-label cells of each row: merged groups, subgroups, then the label."""
    tops = [parents.get(row.group, row.group) if row.group else None for row in rows]
    subs = [row.group if row.group in parents else None for row in rows]
    cells: list[list[str]] = []
    for index, row in enumerate(rows):
        out: list[str] = []
        used = 0
        if tops[index] is not None:
            used = 1
            if index == 0 or tops[index - 1] != tops[index]:
                out.append(_th(tops[index] or "", rowspan=_runs(tops, index), cls="gkbg-row"))
        if subs[index] is not None:
            used = 2
            if index == 0 or subs[index - 1] != subs[index]:
                out.append(_th(subs[index] or "", rowspan=_runs(subs, index), cls="gkbg-row"))
        out.append(_th(row.label, colspan=depth - used, cls="gkbg-row"))
        cells.append(out)
    return cells


def _column_headers(block: Block, width: int) -> list[str]:
    """One or two header rows: spanning column groups over the column labels."""
    columns = block.columns
    extra = width - len(columns)
    grouped = any(column.group for column in columns)
    top: list[str] = []
    bottom: list[str] = []
    index = 0
    while index < len(columns):
        column = columns[index]
        last = index == len(columns) - 1
        span = 1 + (extra if last else 0)
        if column.group is None:
            top.append(_th(column.label, rowspan=2 if grouped else 1, colspan=span))
            index += 1
            continue
        run = _runs([c.group for c in columns], index)
        top.append(_th(column.group, colspan=run + (extra if index + run == len(columns) else 0)))
        bottom.extend(_th(c.label) for c in columns[index : index + run])
        index += run
    return ["".join(top), "".join(bottom)] if grouped else ["".join(top)]


def _down_table(
    table: Table, spec: TableForm, marks: Mapping[str, list[Finding]], lang: Lang
) -> str:
    rows_all = spec.rows
    parents = _parents(rows_all)
    depth = 1 + any(row.group for row in rows_all) + bool(parents)
    width = max(len(block.columns) for block in spec.blocks)
    cells = {cell.key: cell for cell in table.cells}
    lines: list[str] = []
    for number, block in enumerate(spec.blocks):
        if block.caption:
            lines.append(f"<tr>{_th(block.caption, colspan=depth + width)}</tr>")
        headers = _column_headers(block, width)
        corner = spec.note if spec.note and number == 0 else block.header
        if spec.note and block.header and number == 0:
            headers.insert(0, _th(block.header, colspan=width))
        lines.append(
            f"<tr>{_th(corner or '', rowspan=len(headers), colspan=depth)}{headers[0]}</tr>"
        )
        lines.extend(f"<tr>{header}</tr>" for header in headers[1:])
        labels = _label_cells(block.rows, _parents(block.rows) or parents, depth)
        for row, label in zip(block.rows, labels, strict=True):
            values = []
            for index, column in enumerate(block.columns):
                key = f"{spec.key}.{row.key}.{column.key}"
                span = 1 + (width - len(block.columns) if index == len(block.columns) - 1 else 0)
                values.append(_td(cells.get(key), marks.get(key, ()), lang, colspan=span))
            lines.append(f"<tr>{''.join(label)}{''.join(values)}</tr>")
    return "\n".join(lines)


def _across_table(
    table: Table, spec: TableForm, marks: Mapping[str, list[Finding]], lang: Lang
) -> str:
    """A table whose rows are printed side by side (table 四): groups over rows over columns."""
    cells = {cell.key: cell for cell in table.cells}
    lines: list[str] = []
    for block in spec.blocks:
        rows, columns = block.rows, block.columns
        width = len(columns)
        groups = [row.group for row in rows]
        if any(groups):
            top: list[str] = []
            middle: list[str] = []
            index = 0
            while index < len(rows):
                run = _runs(groups, index)
                group = groups[index]
                if group is None or (run == 1 and group == rows[index].label):
                    top.append(_th(rows[index].label, rowspan=2, colspan=width))
                else:
                    top.append(_th(group, colspan=width * run))
                    middle.extend(
                        _th(row.label, colspan=width) for row in rows[index : index + run]
                    )
                index += run
            lines.extend((f"<tr>{''.join(top)}</tr>", f"<tr>{''.join(middle)}</tr>"))
        else:
            lines.append(f"<tr>{''.join(_th(row.label, colspan=width) for row in rows)}</tr>")
        lines.append(f"<tr>{''.join(_th(c.label) for c in columns * len(rows))}</tr>")
        values = [
            _td(cells.get(key), marks.get(key, ()), lang)
            for row in rows
            for key in (f"{spec.key}.{row.key}.{column.key}" for column in columns)
        ]
        lines.append(f"<tr>{''.join(values)}</tr>")
    return "\n".join(lines)


def _summary(report: Report, result: CheckResult, lang: Lang) -> str:
    words = _WORDS[lang]
    variants = sorted({v for v in report.variants.values() if v})
    return (
        f"<p><b>{_e(report.title or report.source or '')}</b><br>"
        f"{_e(words['form'])} {_e('/'.join(variants) or '?')} · "
        f"{_e(words['year'])} {_e(report.year or words['none'])} · "
        f"{_e(words['agency'])} {_e(report.agency or words['none'])}<br>"
        f"{_e(summary_line(result, lang, report=report))}</p>"
    )


def to_html(report: Report, result: CheckResult | None = None, *, lang: Lang | None = None) -> str:
    """A report's three tables as HTML, in the layout of their form, with the findings marked.

    Args:
        report: The report to draw.
        result: Its check result; by default `gkbg.check` with the default rules is run.
        lang: The language of the messages; by default from the locale.

    Returns:
        An HTML fragment (a ``<div class="gkbg">`` with its own style), every text escaped.
    """
    if result is None:
        result = check(report)
    chosen: Lang = lang or default_lang()
    marks = _marks(result)
    known = forms()
    parts = [_STYLE, '<div class="gkbg">', _summary(report, result, chosen)]
    for table in report.tables:
        form = known.get(table.variant) if table.variant else None
        if form is None:
            any_form = next(iter(known.values()))
            heading = any_form.table(table.key).heading
            parts.append(f"<p>{_e(heading)}: {_e(_WORDS[chosen]['not_found'])}</p>")
            continue
        spec = form.table(table.key)
        caption = spec.heading if chosen == "zh" else f"{spec.heading} ({spec.title_en})"
        draw = _across_table if spec.across else _down_table
        parts.append(
            f'<table data-table="{_e(table.key)}" data-form="{_e(form.variant)}">'
            f"<caption>{_e(caption)}</caption>\n{draw(table, spec, marks, chosen)}\n</table>"
        )
    parts.append("</div>")
    return "\n".join(parts)


def _cells_td(cells: Sequence[str], words: Mapping[str, str]) -> str:
    """The cells a finding involves: the first by its key, the others counted, all on hover."""
    if len(cells) <= 1:
        return f"<td>{_e(' '.join(cells))}</td>"
    shown = words["more"].format(first=cells[0], count=len(cells), others=len(cells) - 1)
    return f'<td title="{_e(" ".join(cells))}">{_e(shown)}</td>'


def result_html(result: CheckResult, *, lang: Lang | None = None) -> str:
    """A check result's findings as an HTML table, every text escaped."""
    chosen: Lang = lang or default_lang()
    words = _WORDS[chosen]
    head = "".join(
        _th(words[name]) for name in ("severity", "rule", "cells", "expected", "actual", "message")
    )
    rows = []
    for finding in result.findings:
        expected = "" if finding.expected is None else finding.expected
        actual = "" if finding.actual is None else finding.actual
        tds = (
            f"<td>{_e(words[finding.severity.value])}</td><td>{_e(finding.rule)}</td>"
            f"{_cells_td(finding.cells, words)}"
            f'<td class="gkbg-number">{_e(expected)}</td>'
            f'<td class="gkbg-number">{_e(actual)}</td><td>{_e(finding.message(chosen))}</td>'
        )
        rows.append(f'<tr class="gkbg-{finding.severity.value}">{tds}</tr>')
    summary = summary_line(result, chosen)
    title = f"{_e(result.source)}: " if result.source else ""
    return (
        f'{_STYLE}<div class="gkbg"><p>{title}{_e(summary)}</p>'
        f'<table class="gkbg-findings"><tr>{head}</tr>\n' + "\n".join(rows) + "\n</table></div>"
    )


VIEWS.report_html = to_html
VIEWS.result_html = result_html
