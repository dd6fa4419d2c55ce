# SPDX-License-Identifier: MIT
"""HTML views of reports and findings, for Jupyter (``_repr_html_``) and for web pages.

The tables are drawn in the layout of the form each was printed in, the one the renderers
print (`gkbg.render.grid`): the captions, the merged headers of the columns and the merged
labels of the rows all come from the form's declaration (`gkbg.forms`), never from a copy
here. A cell a finding involves is highlighted and carries the finding's message in its
``title`` (shown on hover); a cell read with doubt carries the reasons. Everything taken from
a report is escaped: report text is untrusted.
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
from gkbg.write.render import by_row, grid
from gkbg.write.summary import report_line, summary_line

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from gkbg.checks.findings import Finding
    from gkbg.core.model import Cell, Report, Table
    from gkbg.write.render import Placed

__all__ = ["STYLE", "cell_id", "result_html", "tables_html", "to_html"]

STYLE = """<style>
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
        "advice": "建议：",
    },
    "en": {
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
        "advice": "advice: ",
    },
}


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _th(text: str, *, rowspan: int = 1, colspan: int = 1, cls: str | None = None) -> str:
    klass = f' class="{cls}"' if cls else ""
    return f"<th{_spans(rowspan, colspan)}{klass}>{_e(text)}</th>"


def _marks(result: CheckResult) -> dict[str, list[Finding]]:
    """The findings of each cell a finding involves; the cell a finding is about comes first."""
    marks: dict[str, list[Finding]] = {}
    for finding in result.findings:
        for key in finding.cells:
            marks.setdefault(key, []).append(finding)
    return marks


def _spans(rowspan: int, colspan: int) -> str:
    return (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (
        f' colspan="{colspan}"' if colspan > 1 else ""
    )


def _td(
    cell: Cell | None,
    findings: Sequence[Finding],
    lang: Lang,
    *,
    rowspan: int = 1,
    colspan: int = 1,
    anchor: str | None = None,
) -> str:
    words = _WORDS[lang]
    span = _spans(rowspan, colspan)
    if cell is None:
        return f'<td{span} class="gkbg-absent"></td>'
    if anchor is not None:  # the cell's id, for links to it from the findings
        span += f' id="{_e(cell_id(anchor, cell.key))}"'
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
        notes.extend(f"{words['doubt']}: {reason.text(lang)}" for reason in cell.uncertain)
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


def cell_id(anchor: str, key: str) -> str:
    """The HTML id of the cell ``key`` of the report whose anchor is ``anchor``."""
    return f"{anchor}-{key}"


def _table(
    placed: Sequence[Placed],
    table: Table,
    marks: Mapping[str, list[Finding]],
    lang: Lang,
    anchor: str | None = None,
) -> str:
    """The rows of a table drawn from its grid in the form's layout (`gkbg.render.grid`)."""
    cells = {cell.key: cell for cell in table.cells}
    lines = []
    for row in by_row(placed):
        drawn = [
            _th(
                spot.text,
                rowspan=spot.rowspan,
                colspan=spot.colspan,
                cls="gkbg-row" if spot.row_label else None,
            )
            if spot.key is None
            else _td(
                cells.get(spot.key),
                marks.get(spot.key, ()),
                lang,
                rowspan=spot.rowspan,
                colspan=spot.colspan,
                anchor=anchor,
            )
            for spot in row
        ]
        lines.append(f"<tr>{''.join(drawn)}</tr>")
    return "\n".join(lines)


def _summary(report: Report, result: CheckResult, lang: Lang) -> str:
    return (
        f"<p><b>{_e(report.title or report.source or '')}</b><br>"
        f"{_e(report_line(report, lang))}<br>"
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
    parts = [STYLE, '<div class="gkbg">', _summary(report, result, chosen)]
    parts.extend(tables_html(report, result, chosen))
    parts.append("</div>")
    return "\n".join(parts)


def tables_html(
    report: Report, result: CheckResult, lang: Lang, *, anchor: str | None = None
) -> list[str]:
    """The three tables of ``report``, each an HTML ``<table>`` in its form's layout.

    Args:
        report: The report to draw.
        result: Its check result: the cells its findings involve are marked.
        lang: The language of the captions and the notes on hover.
        anchor: When given, every cell has the id ``cell_id(anchor, key)``, for links.
    """
    marks = _marks(result)
    known = forms()
    parts = []
    for table in report.tables:
        form = known.get(table.variant) if table.variant else None
        if form is None:
            any_form = next(iter(known.values()))
            heading = any_form.table(table.key).heading
            parts.append(f"<p>{_e(heading)}: {_e(_WORDS[lang]['not_found'])}</p>")
            continue
        spec = form.table(table.key)
        caption = spec.heading if lang == "zh" else f"{spec.heading} ({spec.title_en})"
        drawn = _table(grid(report, table.key), table, marks, lang, anchor)
        parts.append(
            f'<table data-table="{_e(table.key)}" data-form="{_e(form.variant)}">'
            f"<caption>{_e(caption)}</caption>\n{drawn}\n</table>"
        )
    return parts


def _cells_td(cells: Sequence[str], words: Mapping[str, str]) -> str:
    """The cells a finding involves: the first by its key, the others counted, all on hover."""
    if len(cells) <= 1:
        return f"<td>{_e(' '.join(cells))}</td>"
    shown = words["more"].format(first=cells[0], count=len(cells), others=len(cells) - 1)
    return f'<td title="{_e(" ".join(cells))}">{_e(shown)}</td>'


def result_html(result: CheckResult, *, lang: Lang | None = None) -> str:
    """A check result's findings as an HTML table, every text escaped; then its advice."""
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
    advice = (
        f'<p class="gkbg-advice">{_e(words["advice"] + result.advice.message(chosen))}</p>'
        if result.advice is not None
        else ""
    )
    return (
        f'{STYLE}<div class="gkbg"><p>{title}{_e(summary)}</p>'
        f'<table class="gkbg-findings"><tr>{head}</tr>\n'
        + "\n".join(rows)
        + f"\n</table>{advice}</div>"
    )


VIEWS.report_html = to_html
VIEWS.result_html = result_html
