# SPDX-License-Identifier: MIT
"""The lines that sum up a report and its check: what was read, and what was found.

``gkbg check`` prints it under each report, ``gkbg check-series`` and ``check-rollup`` under
their findings, and the HTML views (`gkbg.to_html`, `gkbg.result_html`) show it above theirs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gkbg.core.lang import count, join

if TYPE_CHECKING:
    from gkbg.checks.findings import CheckResult
    from gkbg.core.lang import Lang
    from gkbg.core.model import Report

__all__ = ["report_line", "summary_line"]

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
