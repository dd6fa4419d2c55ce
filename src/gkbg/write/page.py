# SPDX-License-Identifier: MIT
"""A shareable HTML report: one self-contained page for the reports of a ``gkbg check`` run.

The page needs nothing but itself: the style is inline, there is no script, no font, no image
to fetch, and a ``Content-Security-Policy`` forbids loading anything (the page works offline
and sends nothing anywhere when opened). For each report it shows the three tables in the
layout of their form (drawn as the notebook view draws them, `gkbg.write.notebook`): the cell
a failing relation is about coloured by its severity, the other cells it involves outlined,
the cells read with doubt or not read shaded; then every finding in Chinese and in English,
its cells linked to the table (each cell has an id: `cell_id`), and for a PDF a picture of the
page around the finding's first cell (`thumbnails`, inside the page as ``data:`` PNG images,
the only images the policy allows). Files that could not be read
are listed with the reason. Everything taken from a report is escaped: report text is
untrusted.
"""

from __future__ import annotations

import base64
import html
import re
from typing import TYPE_CHECKING

import attrs

from gkbg.checks.findings import Severity
from gkbg.core.errors import GkbgError
from gkbg.core.version import __version__
from gkbg.write.cellview import cell_png
from gkbg.write.notebook import STYLE, cell_id, tables_html
from gkbg.write.summary import report_line, summary_line

if TYPE_CHECKING:
    from collections.abc import Sequence

    from gkbg.checks.findings import CheckResult, Finding
    from gkbg.core.lang import Lang
    from gkbg.core.model import Report

__all__ = ["PageItem", "html_page", "thumbnails"]

LINKED_CELLS = 12
"""How many of a finding's cells are linked one by one; the rest are counted (the table shows
them all, coloured)."""

_PAGE_STYLE = """<style>
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC",
  sans-serif; margin: 1.5em auto; max-width: 80em; padding: 0 1em; color: #222; }
h1 { font-size: 1.4em; } h2 { font-size: 1.2em; border-top: 2px solid #ccc; padding-top: 0.6em; }
.gkbg-legend span { display: inline-block; padding: 0 0.5em; margin-right: 0.5em;
  border: 1px solid #999; }
.gkbg td.gkbg-uncertain:not(.gkbg-error):not(.gkbg-warning) { background: #dcecfb; }
.gkbg td:target, .gkbg-finding:target { outline: 3px solid #1565c0; outline-offset: -1px; }
.gkbg-finding { margin: 0.4em 0 0.8em 0; padding: 0.3em 0.6em; border-left: 6px solid #999; }
.gkbg-finding.gkbg-error { border-color: #d32f2f; background: #fdecec; }
.gkbg-finding.gkbg-warning { border-color: #c9a400; background: #fffbe0; }
.gkbg-finding p { margin: 0.15em 0; }
.gkbg-finding a { font-family: monospace; }
.gkbg-unreadable { color: #a00; }
.gkbg-thumb { display: block; max-width: 100%; margin: 0.3em 0; border: 1px solid #bbb; }
nav li { margin: 0.1em 0; }
</style>"""

THUMBNAILS = 20
"""How many findings of a PDF report get a picture of the page around their first cell (the
page stays small: each is a band of the page at 72 dpi, a few tens of kilobytes)."""

_AROUND = 60.0
"""Points of the page shown above and below the cell in a thumbnail."""

_THUMB_SCALE = 1.0
"""Pixels per point of a thumbnail (72 dpi)."""

_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


@attrs.frozen
class PageItem:
    """One file of the page: its report and check result, or why it could not be read.

    Attributes:
        source: How the file is named on the page.
        report: The report read from it (None when it could not be read).
        result: Its check result (None likewise).
        error: Why it could not be read, in one line (None when it was).
        thumbnails: For a PDF, pictures of the page around cells of findings: pairs of a
            cell's key and a PNG image (`thumbnails` makes them).
    """

    source: str
    report: Report | None = None
    result: CheckResult | None = None
    error: str | None = None
    thumbnails: tuple[tuple[str, bytes], ...] = ()


def thumbnails(
    document: bytes | None, report: Report, result: CheckResult
) -> tuple[tuple[str, bytes], ...]:
    """Pictures of the PDF page around the first placed cell of each finding.

    At most `THUMBNAILS`, one per cell, each the band of the page around the cell with the
    cell framed (`gkbg.write.cellview.cell_png`), for a person to confirm the finding against
    the printed page.

    Args:
        document: The bytes of the file the report was read from (None: no pictures).
        report: The report; only a PDF's cells have a place on a page.
        result: Its check result.

    Returns:
        Pairs of a cell's key and its PNG image; none when the report is not a PDF.
    """
    if document is None or report.format != "pdf":
        return ()
    pictures: dict[str, bytes] = {}
    for finding in result.findings:
        if len(pictures) >= THUMBNAILS:
            break
        for key in finding.cells:
            try:
                cell = report.cell(key)
            except KeyError:
                continue
            place = cell.location
            if place is None or place.page is None or place.bbox is None:
                continue
            if key not in pictures:
                try:
                    pictures[key] = cell_png(document, cell, scale=_THUMB_SCALE, around=_AROUND)
                except (GkbgError, RuntimeError):  # a page PDFium cannot draw: no picture
                    break
            break
    return tuple(pictures.items())


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _legend() -> str:
    swatches = (
        ("#f8b4b4", "错误所在单元格 · cell of an error"),
        ("#fff2a8", "警告所在单元格 · cell of a warning"),
        ("#ffffff; box-shadow: inset 0 0 0 2px #e57373", "相关单元格 · other cells involved"),
        ("#dcecfb", "读取存疑 · read with doubt"),
        ("#fde2c4", "无效或未能读取 · invalid or not read"),
    )
    spans = "".join(
        f'<span style="background: {colour}">{_e(text)}</span>' for colour, text in swatches
    )
    return f'<p class="gkbg-legend">{spans}</p>'


def _cells(finding: Finding, anchor: str, ids: set[str]) -> str:
    """The cells of a finding, the first `LINKED_CELLS` linked to the table, the rest counted."""
    shown = []
    for key in finding.cells[:LINKED_CELLS]:
        target = cell_id(anchor, key)
        shown.append(f'<a href="#{_e(target)}">{_e(key)}</a>' if target in ids else _e(key))
    more = len(finding.cells) - LINKED_CELLS
    if more > 0:
        shown.append(_e(f"… 另 {more} 个 · and {more} more"))
    return ", ".join(shown)


def _thumbnail(finding: Finding, pictures: dict[str, bytes], report: Report) -> str:
    """The picture of the page around the finding's first cell that has one, or nothing."""
    for key in finding.cells:
        if key in pictures:
            place = report.cell(key).location
            page = place.page if place is not None else None
            data = base64.b64encode(pictures[key]).decode("ascii")
            alt = f"第 {page} 页 · page {page}: {key}"
            return f'<img class="gkbg-thumb" alt="{_e(alt)}" src="data:image/png;base64,{data}">'
    return ""


def _finding(finding: Finding, number: int, anchor: str, ids: set[str], picture: str = "") -> str:
    severity = "错误 error" if finding.severity is Severity.ERROR else "警告 warning"
    numbers = ""
    if finding.expected is not None or finding.actual is not None:
        numbers = f" · 应为 expected {_e(finding.expected)} · 实为 found {_e(finding.actual)}"
    cells = _cells(finding, anchor, ids) if finding.cells else ""
    return (
        f'<div class="gkbg-finding gkbg-{finding.severity.value}" id="{_e(anchor)}-f{number}">'
        f"<p><b>{_e(severity)}</b> <code>{_e(finding.rule)}</code>{numbers}</p>"
        f'<p lang="zh">{_e(finding.message.zh)}</p>'
        f'<p lang="en">{_e(finding.message.en)}</p>'
        + (f"<p>单元格 cells: {cells}</p>" if cells else "")
        + picture
        + "</div>"
    )


def _section(item: PageItem, anchor: str, lang: Lang) -> str:
    if item.report is None or item.result is None:
        return (
            f'<section id="{_e(anchor)}"><h2>{_e(item.source)}</h2>'
            f'<p class="gkbg-unreadable">无法读取 · cannot read: {_e(item.error or "")}</p>'
            "</section>"
        )
    report, result = item.report, item.result
    tables = "\n".join(tables_html(report, result, lang, anchor=anchor))
    ids = set(re.findall(r' id="([^"]+)"', tables))
    ids = {html.unescape(found) for found in ids}
    pictures = dict(item.thumbnails)
    findings = "\n".join(
        _finding(finding, number, anchor, ids, _thumbnail(finding, pictures, report))
        for number, finding in enumerate(result.findings, start=1)
    )
    advice = ""
    if result.advice is not None:
        advice = (
            f'<p lang="zh">建议：{_e(result.advice.message("zh"))}</p>'
            f'<p lang="en">Advice: {_e(result.advice.message("en"))}</p>'
        )
    title = report.title or ""
    return (
        f'<section id="{_e(anchor)}"><h2>{_e(item.source)}</h2>'
        + (f"<p><b>{_e(title)}</b></p>" if title else "")
        + f'<p lang="zh">{_e(report_line(report, "zh"))} · '
        f"{_e(summary_line(result, 'zh', report=report))}</p>"
        f'<p lang="en">{_e(report_line(report, "en"))} · '
        f"{_e(summary_line(result, 'en', report=report))}</p>"
        f'<div class="gkbg">{tables}</div>'
        f"<h3>发现 · Findings</h3>{findings or '<p>无 · none</p>'}{advice}"
        "</section>"
    )


def _contents(items: Sequence[PageItem]) -> str:
    lines = []
    for number, item in enumerate(items, start=1):
        if item.result is None or item.report is None:
            about = f"无法读取 · cannot read: {item.error or ''}"
        else:
            about = summary_line(item.result, "en", report=item.report)
        lines.append(f'<li><a href="#r{number}">{_e(item.source)}</a> — {_e(about)}</li>')
    return f"<nav><ol>{''.join(lines)}</ol></nav>"


def html_page(items: Sequence[PageItem], *, lang: Lang = "en", title: str | None = None) -> str:
    """One self-contained HTML page of the reports of a check run and their findings.

    Args:
        items: The files, in the order to show them: each its report and check result, or
            the reason it could not be read.
        lang: The language of the notes shown on hover over a cell and of the tables'
            captions (``en`` gives the Chinese heading and the English title); the findings
            are always given in both languages.
        title: The page's title; by default "gkbg 检查报告 · check report".

    Returns:
        The page, a complete HTML document (UTF-8), every text from a report escaped.
    """
    heading = title or "gkbg 检查报告 · check report"
    errors = sum(len(i.result.errors) for i in items if i.result is not None)
    warnings = sum(len(i.result.warnings) for i in items if i.result is not None)
    unread = sum(1 for i in items if i.result is None)
    overview = (
        f"{len(items)} 个文件 files · {errors} 个错误 errors · {warnings} 个警告 warnings"
        + (f" · {unread} 个无法读取 not read" if unread else "")
    )
    sections = "\n".join(
        _section(item, f"r{number}", lang) for number, item in enumerate(items, start=1)
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_POLICY}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="gkbg {_e(__version__)}">\n'
        f"<title>{_e(heading)}</title>\n{STYLE}\n{_PAGE_STYLE}\n</head>\n<body>\n"
        f"<h1>{_e(heading)}</h1>\n<p>{_e(overview)}</p>\n{_legend()}\n{_contents(items)}\n"
        f"{sections}\n"
        f"<p><small>gkbg {_e(__version__)}</small></p>\n</body>\n</html>\n"
    )
