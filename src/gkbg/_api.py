# SPDX-License-Identifier: MIT
"""The public functions that take what users hold: a path, bytes, text, a file or a `Report`.

`gkbg.check`, the exports (`gkbg.cells_frame`, `gkbg.findings_frame`, the CSV, Excel and HTML
writers) take a document wherever they take a `Report` (and, for findings, wherever they take
a `CheckResult`): a path, bytes or a bytes-like object, text, or a file object, as
`gkbg.parse` reads them. What a source is is decided in one place, `gkbg.Input.of`; this
module only reads what is not a report yet and hands the report to the stage that does the
work (``checks/`` for `check`, ``write/`` for the exports), which take reports only: they know
nothing of reading.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias, cast

from gkbg.align.report import parse
from gkbg.checks import engine, rollup, series
from gkbg.checks.findings import CheckResult
from gkbg.checks.rules import RuleSet
from gkbg.core import compat as compat  # noqa: PLC0414 - for the front (see gkbg.__getattr__)
from gkbg.core.errors import RuleError
from gkbg.core.lang import default_lang
from gkbg.core.limits import DEFAULT_LIMITS, Limits
from gkbg.core.model import Report
from gkbg.read.base import Source, is_source
from gkbg.write import cellview, notebook
from gkbg.write import page as page  # noqa: PLC0414 - for the front, likewise
from gkbg.write import records as records  # noqa: PLC0414 - for the front, likewise
from gkbg.write import summary as summary  # noqa: PLC0414 - for the front, likewise

if TYPE_CHECKING:
    from gkbg.checks.series import SeriesResult
    from gkbg.core.lang import Lang
    from gkbg.write.cellview import CellView

__all__ = [
    "Reports",
    "Results",
    "cell_records",
    "cells_frame",
    "cells_to_csv",
    "check",
    "check_rollup",
    "check_series",
    "choose",
    "finding_records",
    "findings_frame",
    "findings_to_csv",
    "html_report",
    "show_cell",
    "to_html",
    "to_xlsx",
]

Reports: TypeAlias = Report | Source | Iterable[Report | Source]
"""One report or document, or any number of them: a `Report`, or anything `gkbg.parse` reads."""

Results: TypeAlias = CheckResult | Report | Source | Iterable[CheckResult | Report | Source]
"""One check result, report or document, or any number of them; reports and documents are
checked with the default rules."""


def _report(source: Report | Source) -> Report:
    return source if isinstance(source, Report) else parse(source)


def _reports(reports: Reports) -> list[Report]:
    """The reports ``reports`` holds or names: one, or each of an iterable of them."""
    if isinstance(reports, Report) or is_source(reports):
        return [_report(cast("Report | Source", reports))]
    return [_report(each) for each in cast("Iterable[Report | Source]", reports)]


def _result(source: CheckResult | Report | Source) -> CheckResult:
    return source if isinstance(source, CheckResult) else engine.check(_report(source))


def _results(results: Results) -> list[CheckResult]:
    """The check results ``results`` holds or makes: one, or each of an iterable of them."""
    if isinstance(results, (CheckResult, Report)) or is_source(results):
        return [_result(cast("CheckResult | Report | Source", results))]
    return [_result(each) for each in cast("Iterable[CheckResult | Report | Source]", results)]


def _matches(rule_id: str, pattern: str) -> bool:
    """Whether ``pattern`` names the check ``rule_id``: its id, or a prefix of dotted parts."""
    prefix = pattern.removesuffix("*").removesuffix(".")
    return not prefix or rule_id == prefix or rule_id.startswith(prefix + ".")


def _as_patterns(value: str | Iterable[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def choose(
    rules: RuleSet | None = None,
    *,
    select: str | Iterable[str] | None = None,
    ignore: str | Iterable[str] | None = None,
) -> RuleSet:
    """The checks of ``rules`` that ``select`` names and ``ignore`` does not.

    A pattern is a check's id (``cell.missing``) or a prefix of whole dotted parts of ids
    (``cell``, also written ``cell.`` or ``cell.*``): ``cell`` names ``cell.missing`` and
    ``cell.unread``, not ``cellular.x``.

    Args:
        rules: The checks; by default `RuleSet.default()`.
        select: Keep only the checks these patterns name; by default every check.
        ignore: Leave out the checks these patterns name.

    Raises:
        RuleError: A pattern names no check of ``rules`` (a typo would otherwise silently
            select nothing, or ignore nothing); the message lists the ids.
    """
    rules = RuleSet.default() if rules is None else rules
    selected, ignored = _as_patterns(select), _as_patterns(ignore)
    for pattern in (*selected, *ignored):
        if not any(_matches(rule_id, pattern) for rule_id in rules.ids):
            raise RuleError(
                f"{pattern!r} names no check; the checks are {', '.join(rules.ids)} "
                "(a prefix such as 'cell' names all of its checks)"
            )
    return RuleSet(
        rule
        for rule in rules
        if (not selected or any(_matches(rule.id, p) for p in selected))
        and not any(_matches(rule.id, p) for p in ignored)
    )


def check(
    source: Report | Source,
    rules: RuleSet | None = None,
    *,
    select: str | Iterable[str] | None = None,
    ignore: str | Iterable[str] | None = None,
    format: str | None = None,  # noqa: A002 - the name users expect
    limits: Limits = DEFAULT_LIMITS,
) -> CheckResult:
    """Run the checks on a report, or on a document read first with `gkbg.parse`.

    Args:
        source: What `gkbg.parse` returned (or a report built by hand), or a document as
            `gkbg.parse` takes it: a path (`str` or `os.PathLike`), bytes, a `bytearray` or
            `memoryview`, the text as `str`, or a file object.
        rules: The checks to run; by default `RuleSet.default()`: the built-in checks and
            those installed through the ``gkbg.rules`` entry points.
        select: Run only the checks these ids or id prefixes name (``"cell"``,
            ``["applications", "appeals.total"]``; a prefix is of whole dotted parts).
        ignore: Leave out the checks these ids or id prefixes name (``"cell.missing"``).
        format: The format to read a document in (as `gkbg.parse` takes it); by default it is
            detected. Ignored for a `Report`.
        limits: The limits to read a document within; by default `Limits()`.

    Returns:
        The findings, errors first, the relations that could not be checked, and, when a
        relation fails, the advice: the fewest cells to change (`CheckResult.advice`).

    Raises:
        DocumentError: A document cannot be read (see `gkbg.parse`).
        RuleError: ``select`` or ``ignore`` names no check.
        TypeError: ``source`` is neither a report nor a document.
    """
    if select is not None or ignore is not None:
        rules = choose(rules, select=select, ignore=ignore)
    report = source if isinstance(source, Report) else parse(source, format=format, limits=limits)
    return engine.check(report, rules)


def _many(
    sources: Iterable[Report | Source],
    what: str,
    format: str | None,  # noqa: A002 - the name users expect
    limits: Limits,
) -> list[Report]:
    """Each of ``sources`` as a report, reading the documents; one document alone is refused."""
    if isinstance(sources, Report) or is_source(sources):
        raise TypeError(f"{what} takes several reports or documents (a list of them), not one")
    return [
        each if isinstance(each, Report) else parse(each, format=format, limits=limits)
        for each in sources
    ]


def check_series(
    reports: Iterable[Report | Source],
    rules: RuleSet | None = None,
    *,
    select: str | Iterable[str] | None = None,
    ignore: str | Iterable[str] | None = None,
    format: str | None = None,  # noqa: A002 - the name users expect
    limits: Limits = DEFAULT_LIMITS,
) -> SeriesResult:
    """Check one agency's reports of several years against each other.

    Args:
        reports: The reports, in any order: `Report` objects, or documents as `gkbg.check`
            takes them (paths, bytes, text, file objects), read with `gkbg.parse`.
        rules: The checks; by default `RuleSet.default()`. Only the rules of scope ``series``
            and the `SeriesFunctionRule` checks are run here (`gkbg.check` runs those of scope
            ``report`` and the `FunctionRule` checks).
        select: Run only the checks these ids or id prefixes name (as `gkbg.check`).
        ignore: Leave out the checks these ids or id prefixes name.
        format: The format to read the documents in; by default it is detected.
        limits: The limits to read a document within; by default `Limits()`.

    Returns:
        The findings, errors first, each naming the two reports (`Finding.reports`) and the
        cells (``prev.…`` and ``this.…``); the relations that could not be checked; the years,
        and the years missing between them.

    Raises:
        DocumentError: A document cannot be read.
        SeriesError: A report names no year, two reports are of the same year, or the reports
            are of different agencies.
        RuleError: ``select`` or ``ignore`` names no check.
        TypeError: ``reports`` is one report or document, not several.
    """
    if select is not None or ignore is not None:
        rules = choose(rules, select=select, ignore=ignore)
    return series.check_series(_many(reports, "check_series", format, limits), rules)


def check_rollup(
    parent: Report | Source,
    children: Iterable[Report | Source],
    rules: RuleSet | None = None,
    *,
    select: str | Iterable[str] | None = None,
    ignore: str | Iterable[str] | None = None,
    format: str | None = None,  # noqa: A002 - the name users expect
    limits: Limits = DEFAULT_LIMITS,
) -> CheckResult:
    """Compare a summary report with the sum of its units' reports.

    Args:
        parent: The region's summary report: a `Report`, or a document as `gkbg.check`
            takes it, read with `gkbg.parse`.
        children: The reports of the units it covers, likewise.
        rules: The checks; by default `RuleSet.default()`. Only the rules of scope ``rollup``
            and the `RollupFunctionRule` checks are run here.
        select: Run only the checks these ids or id prefixes name (as `gkbg.check`).
        ignore: Leave out the checks these ids or id prefixes name.
        format: The format to read the documents in; by default it is detected.
        limits: The limits to read a document within; by default `Limits()`.

    Returns:
        A warning for every cell whose summary differs from the units' sum (`Finding.reports`
        names the summary report first, then the units), and every cell not compared because
        the summary or a unit has no number for it.

    Raises:
        DocumentError: A document cannot be read.
        SeriesError: No unit's report was given.
        RuleError: ``select`` or ``ignore`` names no check.
        TypeError: ``children`` is one report or document, not several.
    """
    if select is not None or ignore is not None:
        rules = choose(rules, select=select, ignore=ignore)
    summary = parent if isinstance(parent, Report) else parse(parent, format=format, limits=limits)
    units = _many(children, "check_rollup", format, limits)
    return rollup.check_rollup(summary, units, rules)


def cell_records(reports: Reports) -> list[dict[str, Any]]:
    """Every cell of one or more reports as flat records (the fields of `CELL_FIELDS`).

    Args:
        reports: A report or a document (a path, bytes, text or a file object), or any
            number of them; documents are read with `gkbg.parse`.

    Returns:
        One record per cell, in each report's reading order (see `gkbg.CELL_FIELDS`).
    """
    return records.cell_records(_reports(reports))


def finding_records(results: Results) -> list[dict[str, Any]]:
    """Every finding of one or more check results as flat records (`FINDING_FIELDS`).

    Args:
        results: A check result, a report or a document, or any number of them; reports and
            documents are checked with the default rules (`gkbg.check`).
    """
    return records.finding_records(_results(results))


def cells_to_csv(reports: Reports, path: str | Path) -> Path:
    """Write the cells of one or more reports to a CSV file, one row per cell.

    The columns are `CELL_FIELDS`. The file is UTF-8 with a byte-order mark (Excel needs it to
    read Chinese); numbers are written exactly as held; a cell with no number has an empty
    ``value`` (never 0).

    Args:
        reports: A report or a document, or any number of them (as `cell_records` takes them).
        path: The file to write.

    Returns:
        The path written.
    """
    return records.cells_to_csv(_reports(reports), path)


def findings_to_csv(results: Results, path: str | Path) -> Path:
    """Write the findings of one or more check results to a CSV file, one row per finding.

    Args:
        results: A check result, a report or a document, or any number of them (as
            `finding_records` takes them).
        path: The file to write.

    Returns:
        The path written.
    """
    return records.findings_to_csv(_results(results), path)


def to_xlsx(path: str | Path, *, reports: Reports = (), results: Results = ()) -> Path:
    """Write cells and findings to an Excel workbook with the sheets ``cells`` and ``findings``.

    Needs the extra ``gkbg[xlsx]`` (openpyxl). Counts are numbers; amounts are written as the
    text of their decimal, so that no amount becomes a binary float; text that looks like a
    formula stays text.

    Args:
        path: The workbook to write.
        reports: The reports (or documents) whose cells fill the ``cells`` sheet.
        results: The check results (or reports, or documents, checked with the default
            rules) whose findings fill the ``findings`` sheet.

    Returns:
        The path written.

    Raises:
        MissingExtraError: openpyxl is not installed.
    """
    return records.to_xlsx(path, reports=_reports(reports), results=_results(results))


def cells_frame(reports: Reports, *, wide: bool = False) -> Any:  # noqa: ANN401 - a pandas.DataFrame
    """The cells of one or more reports as a pandas DataFrame. Needs ``gkbg[pandas]``.

    Args:
        reports: A report or a document (a path, bytes, text or a file object), or any
            number of them; documents are read with `gkbg.parse`.
        wide: False (the default) for the long form: one row per cell, the columns of
            `CELL_FIELDS`. True for the wide form: one row per report (``source``,
            ``variant``, ``year``, ``agency``), one column per cell key in reading order; the
            columns of counts have the nullable ``Int64`` dtype (a cell with no number is
            ``<NA>``, never 0), amounts stay `Decimal`.

    Raises:
        MissingExtraError: pandas is not installed.
    """
    return records.cells_frame(_reports(reports), wide=wide)


def findings_frame(results: Results) -> Any:  # noqa: ANN401 - a pandas.DataFrame
    """The findings of one or more check results as a pandas DataFrame (`FINDING_FIELDS`).

    Args:
        results: A check result, a report or a document, or any number of them; reports and
            documents are checked with the default rules (`gkbg.check`).

    Raises:
        MissingExtraError: pandas is not installed.
    """
    return records.findings_frame(_results(results))


def to_html(
    report: Report | Source, result: CheckResult | None = None, *, lang: Lang | None = None
) -> str:
    """A report's three tables as HTML, in the layout of their form, with the findings marked.

    Args:
        report: The report to draw, or a document to read with `gkbg.parse`.
        result: Its check result; by default `gkbg.check` with the default rules is run.
        lang: The language of the messages; by default from the locale.

    Returns:
        An HTML fragment (a ``<div class="gkbg">`` with its own style), every text escaped.
    """
    return notebook.to_html(_report(report), result, lang=lang)


def html_report(
    reports: Reports,
    rules: RuleSet | None = None,
    *,
    lang: Lang | None = None,
    title: str | None = None,
) -> str:
    """One self-contained HTML page of reports and their findings, to share (``--html``).

    For each report, its three tables in the layout of their form with the cells of findings
    coloured and those read with doubt shaded, then every finding in Chinese and English, its
    cells linked to the table; for a PDF read from a file, a picture of the page around the
    first cell of each finding (at most 20). The page fetches nothing (inline style, no
    script, pictures inside the page, a ``Content-Security-Policy`` that forbids loading
    anything).

    Args:
        reports: A report or a document (a path, bytes, text or a file object), or any number
            of them; documents are read with `gkbg.parse`.
        rules: The checks; by default `RuleSet.default()`.
        lang: The language of the tables' captions and of the notes on hover (the findings
            are in both); by default from the locale.
        title: The page's title.

    Returns:
        The page, a complete HTML document; write it with ``encoding="utf-8"``.
    """
    items = []
    for number, report in enumerate(_reports(reports), start=1):
        result = engine.check(report, rules)
        pictures = page.thumbnails(_document_bytes(report), report, result)
        name = report.source or f"report {number}"
        items.append(page.PageItem(name, report, result, thumbnails=pictures))
    return page.html_page(items, lang=lang or default_lang(), title=title)


def _document_bytes(source: Report | Source) -> bytes | None:
    """The bytes of the document ``source`` is or names, when there are any to be had."""
    if isinstance(source, Report):
        named = source.source
        if named and Path(named).is_file():
            return Path(named).read_bytes()
        return None
    if isinstance(source, (str, os.PathLike)):
        candidate = Path(source)
        try:
            return candidate.read_bytes() if candidate.is_file() else None
        except (OSError, ValueError):  # text that is no path
            return None
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source)
    return None


def show_cell(
    source: Report | Source,
    key: str,
    result: CheckResult | None = None,
    *,
    lang: Lang | None = None,
    format: str | None = None,  # noqa: A002 - the name users expect
) -> CellView:
    """One cell to look at, framed on its PDF page and in the report's tables.

    The page is drawn with the cell framed in red and the bands of its row and its column
    (where their labels are) in blue; the tables are drawn in the official layout with the
    cell framed. In Jupyter the view shows itself: the page for a cell read from a PDF, else
    the tables.

    Args:
        source: A report (its ``source`` file is read again for the page), or a document as
            `gkbg.check` takes it (a path, bytes, text, a file object).
        key: The cell's key (``applications.received.total``).
        result: A check result whose findings to mark in the tables as well.
        lang: The language of the tables' captions and notes; by default from the locale.
        format: The format to read a document in; by default it is detected.

    Returns:
        The view: ``.image`` (PNG bytes, or None when the cell was not read from a PDF page)
        and ``.html``.

    Raises:
        KeyError: The report has no cell ``key``.
        DocumentError: A document cannot be read.
    """
    if not isinstance(source, (Report, str, os.PathLike, bytes, bytearray, memoryview)):
        source = source.read()  # a file object: read once, for the report and the page
    document = _document_bytes(source)
    report = source if isinstance(source, Report) else parse(source, format=format)
    return cellview.show(report, key, result, lang=lang or default_lang(), document=document)
