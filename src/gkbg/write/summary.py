# SPDX-License-Identifier: MIT
"""The lines that sum up a report and its check: what was read, and what was found.

``gkbg check`` prints it under each report, ``gkbg check-series`` and ``check-rollup`` under
their findings, and the HTML views (`gkbg.to_html`, `gkbg.result_html`) show it above theirs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import wcwidth

from gkbg.core.lang import count, default_lang, join
from gkbg.core.views import VIEWS

if TYPE_CHECKING:
    from gkbg.checks.findings import CheckResult
    from gkbg.core.lang import Lang
    from gkbg.core.model import Report

__all__ = ["columns", "pad", "report_line", "result_text", "summary_line"]

_WORDS: dict[Lang, dict[str, str]] = {
    "zh": {
        "error": "错误",
        "warning": "警告",
        "expected": "应为",
        "found": "实为",
        "every_reading": "（各种读法均不成立）",
        "advice": "建议：",
    },
    "en": {
        "error": "ERROR",
        "warning": "WARNING",
        "expected": "expected",
        "found": "found",
        "every_reading": "(fails in every reading)",
        "advice": "advice: ",
    },
}

_CLEAN: dict[Lang, str] = {"zh": "未发现问题", "en": "no findings"}
_ABOUT: dict[Lang, tuple[str, str, str, str]] = {
    "zh": ("格式", "年度", "机关", "未注明"),
    "en": ("form", "year", "agency", "not named"),
}


def report_line(report: Report, lang: Lang) -> str:
    """What was read of a report's identity, in ``lang``: ``form 2019 · year 2019 · agency …``.

    ``gkbg check`` prints it beside each file's name, and the HTML view under the title.
    """
    form, year, agency, none = _ABOUT[lang]
    variants = "/".join(sorted({v for v in report.variants.values() if v})) or "?"
    return f"{form} {variants} · {year} {report.year or none} · {agency} {report.agency or none}"


def summary_line(result: CheckResult, lang: Lang, *, report: Report | None = None) -> str:
    """The counts of a check result in one line, in ``lang``.

    The errors and the warnings, always; the cells of ``report`` read with doubt and the
    relations not checkable, when there are any; ``no findings`` when there is nothing to say.

    Args:
        result: The check result.
        lang: The language of the line.
        report: The report checked, whose cells read with doubt are counted; without it, none
            are (the result of a series or a roll-up is of several reports).

    Returns:
        The line, without its indentation or a line feed: ``2 errors, 0 warnings, 10 cells
        read with doubt``, ``0 个错误，0 个警告，未发现问题``.
    """
    uncertain = len(report.uncertain_cells()) if report is not None else 0
    parts = [
        count(len(result.errors), "errors", lang),
        count(len(result.warnings), "warnings", lang),
    ]
    if uncertain:
        parts.append(count(uncertain, "uncertain", lang))
    if result.not_checkable:
        parts.append(count(len(result.not_checkable), "unchecked", lang))
    if not result.findings and not uncertain:
        parts.append(_CLEAN[lang])
    return join(parts, lang)


def columns(text: str) -> int:
    """How many terminal columns ``text`` takes, as `wcwidth` measures it.

    A wide (Chinese) character takes two, a combining mark none; a control character, which a
    terminal does not print, none.
    """
    used = wcwidth.wcswidth(text)
    return used if used >= 0 else sum(max(wcwidth.wcwidth(char), 0) for char in text)


def pad(text: str, width: int) -> str:
    """``text`` padded with spaces to ``width`` terminal columns (see `columns`)."""
    return text + " " * max(width - columns(text), 0)


def result_text(result: CheckResult, lang: Lang | None = None) -> str:
    """A check result as text, as ``gkbg check`` prints it: what ``print(result)`` shows.

    Each finding on two lines (severity, check, first cell and numbers; then the message),
    the advice, and the line of counts; the source first when known.

    Args:
        result: The check result.
        lang: The language; by default from the locale.

    Returns:
        The lines, joined by line feeds, without a final one.
    """
    chosen: Lang = lang or default_lang()
    words = _WORDS[chosen]
    lines = [result.source] if result.source else []
    for finding in result.findings:
        where = finding.cells[0] if finding.cells else ""
        numbers = ""
        if finding.expected is not None or finding.actual is not None:
            numbers = f"  {words['expected']} {finding.expected}  {words['found']} {finding.actual}"
        elif finding.every_reading:
            numbers = f"  {words['every_reading']}"
        lines.append(f"  {pad(words[finding.severity.value], 8)} {finding.rule}  {where}{numbers}")
        lines.append(f"           {finding.message(chosen)}")
    if result.advice is not None:
        lines.append(f"  {words['advice']}{result.advice.message(chosen)}")
    lines.append(f"  {summary_line(result, chosen)}")
    return "\n".join(lines)


VIEWS.result_text = result_text
