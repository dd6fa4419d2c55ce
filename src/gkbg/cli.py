# SPDX-License-Identifier: MIT
"""The ``gkbg`` command: ``check``, ``check-series``, ``check-rollup``, ``batch``, ``parse``.

Every command that reads reports takes files, folders (every file below them, hidden ones
excepted), glob patterns (``reports/**/*.pdf``) and ``-`` for a document on standard input,
as ``gkbg batch`` does.

Exit status of ``gkbg check``, ``check-series``, ``check-rollup`` and ``batch``: 0 when there
is no error (warnings allowed), 1 when there are errors, 2 when a file cannot be read or the
reports cannot be compared (this wins over 1).
"""

from __future__ import annotations

import argparse
import functools
import html
import json
import os
import sys
import unicodedata
import warnings
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import attrs

import gkbg
from gkbg._batch import batch, batch_files
from gkbg.core.errors import GkbgError, PluginWarning, RuleError
from gkbg.core.lang import Lang, Text, count, default_lang
from gkbg.core.limits import ISOLATED_LIMITS, Limits
from gkbg.core.version import __version__

if TYPE_CHECKING:
    from collections.abc import Sequence

    from gkbg._batch import BatchSummary
    from gkbg.checks.findings import CheckResult, Finding
    from gkbg.checks.rules import RuleSet
    from gkbg.core.model import Report
    from gkbg.read.base import Parser, Source
    from gkbg.write.page import PageItem

__all__ = ["main"]

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_UNREADABLE = 2
EXIT_BROKEN_PIPE = 141

_WORDS = {
    "zh": {
        "error": "错误",
        "warning": "警告",
        "none": "未注明",
        "expected": "应为",
        "found": "实为",
        "every_reading": "（各种读法均不成立）",
        "cannot": "无法读取",
        "series": "系列",
        "gap": "缺少{year}年度报告，其前后年度未比较",
        "rollup": "汇总",
        "written": "已写出",
        "colon": "：",
        "advice": "建议",
        "group": "{count} 个单元格：{cells} 等（--verbose 列出全部）",
        "example": "例如：",
    },
    "en": {
        "error": "error",
        "warning": "warning",
        "none": "not named",
        "expected": "expected",
        "found": "found",
        "every_reading": "(fails in every reading)",
        "cannot": "cannot read",
        "series": "series",
        "gap": "no report for {year}: the years around it are not compared",
        "rollup": "summary",
        "written": "written",
        "colon": ": ",
        "advice": "advice",
        "group": "{count} cells: {cells} and {more} more (--verbose lists them all)",
        "example": "for one: ",
    },
}


DOCS_URL = "https://gkbg.readthedocs.io/"
"""Where the documentation site is when gkbg's metadata does not say (a source tree)."""

STDIN = "-"
"""The argument that stands for a document on standard input."""

_GLOB = frozenset("*?[")

_FILES_HELP = (
    "files, folders (every file below them), glob patterns (in quotes, for gkbg to expand), "
    "or - for a document on standard input"
)


# The command imports what a subcommand needs when it runs it: the stages through the package
# (``gkbg.parse``, ``gkbg._api.page``; see `gkbg.__getattr__` and docs/architecture.md,
# "Imports"), so that ``gkbg batch``, whose workers read the files, starts without them.


def parse(source: Source, *, format: str | None, limits: Limits) -> Report:  # noqa: A002
    """`gkbg.parse` (the name a test replaces to make reading fail)."""
    return gkbg.parse(source, format=format, limits=limits)


def check(report: Report, rules: RuleSet | None = None) -> CheckResult:
    """`gkbg.check` of a report (the name a test replaces to make checking fail)."""
    return gkbg.check(report, rules)


def pad(text: str, width: int) -> str:
    """`text` padded to `width` columns (`gkbg.write.summary.pad`)."""
    return gkbg._api.summary.pad(text, width)  # noqa: SLF001 - see above


def report_line(report: Report, lang: Lang) -> str:
    """What a report is, in one line (`gkbg.write.summary.report_line`)."""
    return gkbg._api.summary.report_line(report, lang)  # noqa: SLF001 - see above


def summary_line(result: CheckResult, lang: Lang, *, report: Report | None = None) -> str:
    """What a check found, in one line (`gkbg.write.summary.summary_line`)."""
    return gkbg._api.summary.summary_line(result, lang, report=report)  # noqa: SLF001 - see above


@functools.cache
def docs_url() -> str:
    """The documentation site: the ``Documentation`` URL of gkbg's metadata, else `DOCS_URL`."""
    try:
        urls = metadata.metadata("gkbg").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        return DOCS_URL
    for entry in urls:
        label, _, url = str(entry).partition(",")
        if label.strip().lower() == "documentation" and url.strip():
            return url.strip()
    return DOCS_URL


_EXIT_STATUS = (
    "Exit status: 0 when no report has an error (warnings are allowed, unless --strict), 1 when "
    "one has, 2 when a file cannot be read or a --rules file is not valid (2 wins over 1)."
)


def _add_max_seconds(command: argparse.ArgumentParser) -> None:
    """``--max-seconds``, for every command that reads files."""
    command.add_argument(
        "--max-seconds",
        type=float,
        default=None,
        metavar="S",
        help="stop reading a file after S seconds and report it as unreadable (default: "
        f"{ISOLATED_LIMITS.max_seconds:g}, and {ISOLATED_LIMITS.scan_page_seconds:g} more "
        "for each page of a scan read by OCR; in batch, not with --jobs 1, a file has S "
        "seconds whatever its pages, so a long scanned report may need more)",
    )


def _add_common(command: argparse.ArgumentParser, *, json_help: str | None) -> None:
    """The options ``check``, ``check-series``, ``check-rollup`` and ``batch`` share."""
    _add_max_seconds(command)
    if json_help is not None:
        command.add_argument("--json", action="store_true", help=json_help)
    command.add_argument(
        "--lang",
        choices=("zh", "en"),
        default=None,
        help="language of the messages: zh (Chinese) or en (English); default: from the "
        "locale (LC_ALL, LC_MESSAGES, LANG)",
    )
    command.add_argument(
        "--rules",
        action="append",
        default=[],
        type=Path,
        metavar="TOML",
        help="add the checks of a TOML rule file to the built-in ones (may be repeated)",
    )
    command.add_argument(
        "--format",
        default=None,
        metavar="NAME",
        help="read every file in this format instead of detecting it (see: gkbg formats)",
    )
    command.add_argument(
        "--select",
        action="append",
        default=[],
        metavar="ID",
        help="run only the checks with this id or id prefix (cell, cell.missing); may be "
        "repeated or comma-separated (see: gkbg rules)",
    )
    command.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="ID",
        help="leave out the checks with this id or id prefix; may be repeated or comma-separated",
    )
    command.add_argument(
        "--strict",
        action="store_true",
        help="exit with status 1 on warnings too, not only on errors",
    )
    command.add_argument(
        "--verbose",
        action="store_true",
        help=f"print every finding; by default a check with more than {GROUP_AFTER} findings in "
        "a report is printed as one line with their count and its first cells",
    )


def _subcommand(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    summary: str,
    epilog: str | None = None,
) -> argparse.ArgumentParser:
    footer = f"Documentation: {docs_url()}"
    return commands.add_parser(
        name,
        help=summary,
        description=summary[0].upper() + summary[1:] + ".",
        epilog=f"{epilog} {footer}" if epilog else footer,
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gkbg",
        description="Read and check the statistical tables of government information-disclosure "
        "annual reports (政府信息公开工作年度报告).",
        epilog="Run 'gkbg COMMAND --help' for the options of a command. "
        f"Documentation: {docs_url()}",
    )
    parser.add_argument("--version", action="version", version=f"gkbg {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check_cmd = _subcommand(
        commands, "check", "check one or more reports and print the findings", _EXIT_STATUS
    )
    check_cmd.add_argument(
        "files", nargs="+", metavar="PATH",
        help="reports (PDF, HTML, DOCX, XLSX, text; legacy DOC, WPS, ET with LibreOffice): "
        + _FILES_HELP,
    )  # fmt: skip
    _add_common(check_cmd, json_help="print one JSON record per file instead of text")
    check_cmd.add_argument(
        "--html",
        type=Path,
        default=None,
        metavar="FILE",
        help="also write one self-contained HTML page (no network) of every report: its tables "
        "in the official layout, the cells of findings coloured, every finding in Chinese and "
        "English linked to its cells",
    )
    check_cmd.add_argument(
        "--jsonl",
        action="store_true",
        help="print one JSON object per file on one line (JSON Lines), each as soon as the "
        "file is done, instead of text",
    )

    series_cmd = _subcommand(
        commands,
        "check-series",
        "check one agency's reports of several years against each other",
        _EXIT_STATUS,
    )
    series_cmd.add_argument(
        "files",
        nargs="+",
        metavar="PATH",
        help="the agency's reports, in any order: " + _FILES_HELP,
    )
    _add_common(series_cmd, json_help="print the result as JSON instead of text")
    rollup_cmd = _subcommand(
        commands,
        "check-rollup",
        "check a region's summary report against its units' reports",
        _EXIT_STATUS,
    )
    rollup_cmd.add_argument(
        "summary", metavar="SUMMARY", help="the summary report: a file, or - for standard input"
    )
    rollup_cmd.add_argument(
        "files", nargs="+", metavar="UNIT", help="the reports of its units: " + _FILES_HELP
    )
    _add_common(rollup_cmd, json_help="print the result as JSON instead of text")

    batch_cmd = _subcommand(
        commands,
        "batch",
        "read and check many files into CSV (and Parquet) files, resumably",
        "Run it again with the same --out to read only the files not done yet; with other "
        "--rules or --format, or another gkbg, it refuses unless given --fresh. " + _EXIT_STATUS,
    )
    batch_cmd.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="files, folders (read recursively) or globs; - reads more of them from standard "
        "input, one per line or NUL-separated (find ... -print0 | gkbg batch - --out DIR)",
    )
    batch_cmd.add_argument(
        "--out", required=True, type=Path, metavar="DIR",
        help="output folder for summary.csv, cells.csv and findings.csv (and .parquet files "
        "when pyarrow is installed); created if needed",
    )  # fmt: skip
    batch_cmd.add_argument(
        "--jobs", type=int, default=None, metavar="N", help="worker processes (default: all cores)"
    )
    batch_cmd.add_argument(
        "--fresh",
        action="store_true",
        help="forget the results already in --out and read every file again (needed when the "
        "rules, the --format or gkbg itself changed since they were made)",
    )
    batch_cmd.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show a progress bar on stderr (default: when stderr is a terminal)",
    )
    _add_common(batch_cmd, json_help=None)

    parse_cmd = _subcommand(
        commands,
        "parse",
        "print every cell of a report, and its form, year and agency, as JSON",
        "One file gives one JSON object; several (or a folder, or a glob) a JSON array of them. "
        "Exit status: 0, or 2 when a file cannot be read.",
    )
    parse_cmd.add_argument("files", nargs="+", metavar="PATH", help="reports: " + _FILES_HELP)
    parse_cmd.add_argument(
        "--format",
        default=None,
        metavar="NAME",
        help="read the file in this format instead of detecting it (see: gkbg formats)",
    )
    _add_max_seconds(parse_cmd)

    show_cmd = _subcommand(
        commands,
        "show",
        "draw one cell where it was printed, to look at it",
        "For a PDF, the cell's page as a PNG image, the cell framed in red and the bands of its "
        "row and column (where their labels are) in blue; for any format (or with -o "
        "FILE.html), the report's tables in the official layout with the cell framed. "
        "Exit status: 0, or 2 when the file cannot be read or has no such cell.",
    )
    show_cmd.add_argument("file", metavar="PATH", help="a report: a file, or - for standard input")
    _add_max_seconds(show_cmd)
    show_cmd.add_argument(
        "--cell", required=True, metavar="KEY", help="the cell's key (see: gkbg parse)"
    )
    show_cmd.add_argument(
        "-o", "--output", type=Path, default=None, metavar="FILE",
        help="where to write it: a .png (a PDF's page) or a .html file (the tables); default "
        "cell.png for a cell read from a PDF page, else cell.html",
    )  # fmt: skip
    show_cmd.add_argument(
        "--format",
        default=None,
        metavar="NAME",
        help="read the file in this format instead of detecting it (see: gkbg formats)",
    )
    show_cmd.add_argument(
        "--lang", choices=("zh", "en"), default=None,
        help="language of the tables' captions (default: from the locale)",
    )  # fmt: skip

    rules_cmd = _subcommand(commands, "rules", "list the checks: id, severity and title")
    rules_cmd.add_argument(
        "--lang", choices=("zh", "en"), default=None,
        help="language of the titles (default: from the locale)",
    )  # fmt: skip

    _subcommand(commands, "formats", "list the formats gkbg can read, by name")
    return parser


GROUP_AFTER = 3
"""A check with more findings than this in one result is printed as one entry (``--verbose``:
every finding), naming this many of its cells."""


def _write_findings(
    findings: Sequence[Finding],
    lang: Lang,
    out: TextIO,
    *,
    verbose: bool,
    cells: int,
) -> None:
    """Each finding on two lines; a check's findings beyond `GROUP_AFTER` as one entry.

    Args:
        findings: The findings, in the order the result holds them.
        lang: The language.
        out: Where to write.
        verbose: Every finding on its own lines, however many a check has.
        cells: How many of a finding's cells to name (the first, the total, first).
    """
    words = _WORDS[lang]
    by_rule: dict[str, list[Finding]] = {}
    for finding in findings:
        by_rule.setdefault(finding.rule, []).append(finding)
    done: set[str] = set()
    for finding in findings:
        label = words[finding.severity.value]
        label = label.upper() if lang == "en" else label
        group = by_rule[finding.rule]
        if not verbose and len(group) > GROUP_AFTER:
            if finding.rule in done:
                continue
            done.add(finding.rule)
            named = [f.cells[0] for f in group if f.cells]
            shown = words["group"].format(
                count=len(group),
                cells=", ".join(named[:GROUP_AFTER]),
                more=len(group) - min(len(named), GROUP_AFTER),
            )
            out.write(f"  {pad(label, 8)} {finding.rule}  {shown}\n")
            out.write(f"           {words['example']}{finding.message(lang)}\n")
            continue
        where = "  ".join(finding.cells[:cells])
        numbers = ""
        if finding.expected is not None or finding.actual is not None:
            numbers = f"  {words['expected']} {finding.expected}  {words['found']} {finding.actual}"
        elif finding.every_reading:
            numbers = f"  {words['every_reading']}"
        out.write(f"  {pad(label, 8)} {finding.rule}  {where}{numbers}\n")
        out.write(f"           {finding.message(lang)}\n")


def _print_result(  # noqa: PLR0917 - one report's lines
    path: str, report: Report, result: CheckResult, lang: Lang, out: TextIO, verbose: bool
) -> None:
    words = _WORDS[lang]
    out.write(f"{path}  ({report_line(report, lang)})\n")
    _write_findings(result.findings, lang, out, verbose=verbose, cells=1)
    if result.advice is not None:
        out.write(f"  {words['advice']}{words['colon']}{result.advice.message(lang)}\n")
    out.write(f"  {summary_line(result, lang, report=report)}\n")


def _one_line(text: str) -> str:
    """``text`` with its line breaks and other control characters turned into spaces."""
    return "".join(" " if unicodedata.category(char)[0] == "C" else char for char in text)


def _files(entries: Sequence[str]) -> list[str]:
    """The files the arguments name, in their order: each folder and glob as `batch` finds them.

    ``-`` stays (standard input); so do a folder with no file in it and a pattern that
    matches nothing, for `_read` to say so. A file named twice is read twice (as before).
    """
    found: list[str] = []
    for entry in entries:
        path = Path(entry)
        many = path.is_dir() or (not path.exists() and bool(_GLOB & set(entry)))
        found.extend((batch_files([entry]) or [entry]) if many else [entry])
    return found


class _StandardInput:
    """Standard input as a file object named ``<stdin>``, read as bytes."""

    name = "<stdin>"

    def read(self, size: int = -1, /) -> bytes | str:
        """What standard input holds, up to ``size`` bytes."""
        data: bytes | str = getattr(sys.stdin, "buffer", sys.stdin).read(size)
        return data


def _shown(path: str) -> str:
    """How the command names a file: ``<stdin>`` for ``-``."""
    return "<stdin>" if path == STDIN else path


def _bytes_of(path: Path) -> bytes | None:
    """The file's bytes again (for pictures of its pages), or None when it cannot be read."""
    try:
        return path.read_bytes()
    except OSError:
        return None


def _read(path: str, format: str | None, limits: Limits) -> Report | str:  # noqa: A002
    """The report in ``path`` (``-``: standard input), or why it cannot be read, in one line.

    ``format`` is the ``--format`` option; ``limits`` those of the command (`_limits`).
    """
    if path != STDIN and Path(path).is_dir():
        return f"{path}: a folder with no files in it"
    try:
        if path == STDIN:
            return parse(_StandardInput(), format=format, limits=limits)
        # a Path: never taken for a document's text
        return parse(Path(path), format=format, limits=limits)
    except GkbgError as exc:
        reason, name = str(exc), _shown(path)
        # a missing extra or a bad --format says what is wrong, but not with which file
        return _one_line(reason if reason.startswith(name) else f"{name}: {reason}")
    except Exception as exc:  # noqa: BLE001 - one line per file, never a traceback
        return _one_line(
            f"{_shown(path)}: internal error ({type(exc).__name__}: {exc}); please report it"
        )


def _chosen_rules(args: argparse.Namespace) -> RuleSet:
    """The checks of `_rules`, narrowed by ``--select`` and ``--ignore``.

    Raises:
        GkbgError: As `_rules`; or a ``--select``/``--ignore`` names no check.
    """
    return gkbg._api.choose(  # noqa: SLF001 - see above
        _rules(args.rules),
        select=_patterns(args.select),
        ignore=_patterns(args.ignore),
    )


def _patterns(given: Sequence[str]) -> tuple[str, ...]:
    """``--select a,b --select c`` as ``(a, b, c)``."""
    return tuple(part.strip() for value in given for part in value.split(",") if part.strip())


def _fails(result: CheckResult, args: argparse.Namespace) -> bool:
    """Whether a result makes the command exit with status 1: errors; warnings, with --strict."""
    return bool(result.errors or (args.strict and result.warnings))


def _rules(paths: Sequence[Path]) -> RuleSet:
    """The default checks and those of the ``--rules`` files.

    Raises:
        GkbgError: A rule file cannot be used; any other failure (a bug) is one too, so that
            the command says it in one line and exits with status 2, never with a traceback.
    """
    rules = gkbg.RuleSet.default()
    for path in paths:
        rules = rules.with_rules(*_rule_file(path))
    return rules


def _rule_file(path: Path) -> RuleSet:
    """The checks of one ``--rules`` file; any failure is a `GkbgError` (see `_rules`)."""
    try:
        return gkbg.RuleSet.from_toml(path)
    except GkbgError:
        raise
    except Exception as exc:
        raise RuleError(
            f"{path}: internal error while reading the rules ({type(exc).__name__}: {exc}); "
            "please report it"
        ) from exc


def _check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    lang: Lang = args.lang or default_lang()
    try:
        rules = _chosen_rules(args)
    except GkbgError as exc:
        err.write(f"gkbg: {_one_line(str(exc))}\n")
        return EXIT_UNREADABLE
    if args.json and args.jsonl:
        err.write("gkbg: --json and --jsonl cannot be used together\n")
        return EXIT_UNREADABLE
    status = EXIT_OK
    records = _Records(out, lines=args.jsonl) if args.json or args.jsonl else None
    make_item = gkbg._api.page.PageItem  # noqa: SLF001 - see above
    page: list[PageItem] = []
    for given in _files(args.files):
        path = _shown(given)
        report = _read(given, args.format, args.limits)
        if isinstance(report, str):
            status = EXIT_UNREADABLE
            page.append(make_item(path, error=report))
            if records is not None:
                records.add({"source": path, "error": report})
            else:
                err.write(f"gkbg: {_WORDS[lang]['cannot']}: {report}\n")
            continue
        try:
            result = check(report, rules)
        except Exception as exc:  # noqa: BLE001 - one line per file, never a traceback
            status = EXIT_UNREADABLE
            reason = _one_line(
                f"{path}: internal error while checking ({type(exc).__name__}: {exc}); "
                "please report it"
            )
            page.append(make_item(path, error=reason))
            if records is not None:
                records.add({"source": path, "error": reason})
            else:
                err.write(f"gkbg: {reason}\n")
            continue
        pictures: tuple[tuple[str, bytes], ...] = ()
        if args.html is not None and report.format == "pdf" and given != STDIN:
            pictures = gkbg._api.page.thumbnails(  # noqa: SLF001 - see above
                _bytes_of(Path(given)), report, result
            )
        page.append(make_item(path, report, result, thumbnails=pictures))
        if _fails(result, args) and status == EXIT_OK:
            status = EXIT_FINDINGS
        if records is not None:
            records.add(
                {
                    "source": path,
                    "variant": report.variant,
                    "variants": report.variants,
                    "year": report.year,
                    "agency": report.agency,
                    "uncertain_cells": [cell.key for cell in report.uncertain_cells()],
                    **gkbg.converter.unstructure(result),
                }
            )
        else:
            _print_result(path, report, result, lang, out, args.verbose)
    if records is not None:
        records.close()
    if args.html is not None:
        try:
            written = gkbg._api.page.html_page(page, lang=lang)  # noqa: SLF001 - see above
            args.html.write_text(written, encoding="utf-8")
        except OSError as exc:
            err.write(f"gkbg: {args.html}: cannot write the HTML report ({exc.strerror})\n")
            return EXIT_UNREADABLE
    return status


class _Records:
    """The JSON records of ``gkbg check``, as an array or as JSON Lines.

    ``--json`` writes one array at the end; ``--jsonl`` one line per file, written and flushed
    as soon as the file is done.
    """

    def __init__(self, out: TextIO, *, lines: bool) -> None:
        self.out = out
        self.lines = lines
        self.held: list[dict[str, object]] = []

    def add(self, record: dict[str, object]) -> None:
        """One file's record: written at once (JSON Lines), else kept for `close`."""
        if self.lines:
            self.out.write(json.dumps(record, ensure_ascii=False) + "\n")
            self.out.flush()
        else:
            self.held.append(record)

    def close(self) -> None:
        """Write the array of the records kept (``--json``)."""
        if not self.lines:
            self.out.write(json.dumps(self.held, ensure_ascii=False, indent=2) + "\n")


def _print_findings(result: CheckResult, lang: Lang, out: TextIO, verbose: bool) -> None:
    _write_findings(result.findings, lang, out, verbose=verbose, cells=2)
    out.write(f"  {summary_line(result, lang)}\n")


def _read_all(
    args: argparse.Namespace, paths: Sequence[str], err: TextIO
) -> tuple[RuleSet, list[Report]] | None:
    lang: Lang = args.lang or default_lang()
    try:
        rules = _chosen_rules(args)
    except GkbgError as exc:
        err.write(f"gkbg: {_WORDS[lang]['cannot']}: {exc}\n")
        return None
    reports: list[Report] = []
    for path in paths:
        report = _read(path, args.format, args.limits)
        if isinstance(report, str):
            err.write(f"gkbg: {_WORDS[lang]['cannot']}: {report}\n")
            return None
        reports.append(report)
    return rules, reports


def _check_series(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    lang: Lang = args.lang or default_lang()
    words = _WORDS[lang]
    read = _read_all(args, _files(args.files), err)
    if read is None:
        return EXIT_UNREADABLE
    rules, reports = read
    try:
        result = gkbg.check_series(reports, rules)
    except GkbgError as exc:
        err.write(f"gkbg: {exc}\n")
        return EXIT_UNREADABLE
    if args.json:
        data = gkbg.converter.unstructure(result)
        out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        years = ", ".join(str(year) for year in result.years)
        out.write(f"{words['series']} {result.source or words['none']}: {years}\n")
        out.writelines(f"  {words['gap'].format(year=year)}\n" for year in result.gaps)
        _print_findings(result, lang, out, args.verbose)
    return EXIT_FINDINGS if _fails(result, args) else EXIT_OK


def _check_rollup(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    lang: Lang = args.lang or default_lang()
    words = _WORDS[lang]
    read = _read_all(args, [args.summary, *_files(args.files)], err)
    if read is None:
        return EXIT_UNREADABLE
    rules, (summary, *units) = read
    result = gkbg.check_rollup(summary, units, rules)
    if args.json:
        data = gkbg.converter.unstructure(result)
        out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        out.write(
            f"{words['rollup']} {_shown(args.summary)} ({report_line(summary, lang)}), "
            f"{count(len(units), 'units', lang)}\n"
        )
        _print_findings(result, lang, out, args.verbose)
    return EXIT_FINDINGS if _fails(result, args) else EXIT_OK


def _batch_summary(summary: BatchSummary, lang: Lang) -> str:
    """The three lines ``gkbg batch`` ends with: files seen, files in the output, findings."""
    files = summary.read + summary.skipped
    if lang == "zh":
        return (
            f"{files} 个文件：本次读取 {summary.read} 个，此前已完成 {summary.skipped} 个\n"
            f"{summary.out}：共 {summary.files} 个文件，已读取 {summary.ok} 个，"
            f"无法读取 {summary.unreadable} 个，意外失败 {summary.failed} 个\n"
            f"  {summary.with_errors} 份报告有错误：{count(summary.errors, 'errors', lang)}，"
            f"{count(summary.warnings, 'warnings', lang)}\n"
        )
    return (
        f"{count(files, 'files', lang)}: {summary.read} read now, {summary.skipped} done before\n"
        f"{summary.out}: {count(summary.files, 'files', lang)}, {summary.ok} read, "
        f"{summary.unreadable} unreadable, {summary.failed} failed\n"
        f"  {count(summary.with_errors, 'with_errors', lang)}: "
        f"{count(summary.errors, 'errors', lang)}, {count(summary.warnings, 'warnings', lang)}\n"
    )


def _listed(paths: Sequence[str]) -> list[str]:
    """``paths`` with each ``-`` replaced by the paths standard input lists.

    One per line, or separated by NUL characters (``find -print0``), which a file name never
    holds; empty entries are skipped.
    """
    listed: list[str] = []
    for path in paths:
        if path != STDIN:
            listed.append(path)
            continue
        text = getattr(sys.stdin, "buffer", sys.stdin).read()
        if isinstance(text, bytes):
            text = os.fsdecode(text)
        entries = text.split("\0") if "\0" in text else text.splitlines()
        listed.extend(entry for entry in entries if entry.strip())
    return listed


def _batch(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    lang: Lang = args.lang or default_lang()
    words = _WORDS[lang]
    try:
        rules = _chosen_rules(args) if args.rules or args.select or args.ignore else None
    except GkbgError as exc:
        err.write(f"gkbg: {exc}\n")
        return EXIT_UNREADABLE
    try:
        summary = batch(
            _listed(args.paths), args.out, jobs=args.jobs, rules=rules, format=args.format,
            progress=args.progress, stream=err, fresh=args.fresh, limits=args.limits,
        )  # fmt: skip
    except GkbgError as exc:  # an output folder gkbg cannot use
        err.write(f"gkbg: {_one_line(str(exc))}\n")
        return EXIT_UNREADABLE
    out.write(_batch_summary(summary, lang))
    out.writelines(
        f"  {words['cannot']}{words['colon']}{error_class}: {message}\n"
        for _source, error_class, message in summary.problems
    )
    out.write(f"  {words['written']}{words['colon']}{', '.join(summary.outputs)}\n")
    if summary.unreadable or summary.failed:
        return EXIT_UNREADABLE
    failing = summary.with_errors or (args.strict and summary.warnings)
    return EXIT_FINDINGS if failing else EXIT_OK


def _parse(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    paths = _files(args.files)
    # one file named as such gives an object, as before; anything more an array
    one = len(args.files) == 1 and paths == args.files and not Path(paths[0]).is_dir()
    status = EXIT_OK
    reports: list[Report] = []
    for path in paths:
        report = _read(path, args.format, args.limits)
        if isinstance(report, str):
            err.write(f"gkbg: {_WORDS[default_lang()]['cannot']}: {report}\n")
            status = EXIT_UNREADABLE
        else:
            reports.append(report)
    if reports:  # nothing on standard output when nothing could be read
        out.write(gkbg.to_json(reports[0] if one else reports) + "\n")
    return status


def _escape(text: str) -> str:
    return html.escape(text, quote=True)


def _show(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    lang: Lang = args.lang or default_lang()
    given = args.file
    report = _read(given, args.format, args.limits)
    if isinstance(report, str):
        err.write(f"gkbg: {_WORDS[lang]['cannot']}: {report}\n")
        return EXIT_UNREADABLE
    try:
        view = gkbg.show_cell(report, args.cell, lang=lang)  # the page: from the file named
    except KeyError as exc:
        err.write(f"gkbg: {_shown(given)}: {_one_line(str(exc.args[0] if exc.args else exc))}\n")
        return EXIT_UNREADABLE
    except GkbgError as exc:
        err.write(f"gkbg: {_shown(given)}: {_one_line(str(exc))}\n")
        return EXIT_UNREADABLE
    target: Path = args.output or Path("cell.png" if view.image is not None else "cell.html")
    try:
        if target.suffix.lower() in {".html", ".htm"}:
            target.write_text(
                f'<!DOCTYPE html>\n<html lang="zh"><head><meta charset="utf-8">'
                f"<title>{_escape(args.cell)}</title></head><body>{view.html}</body></html>\n",
                encoding="utf-8",
            )
        elif view.image is None:
            err.write(
                f"gkbg: {_shown(given)}: {args.cell} was not read from a PDF page, so there is "
                "no page to draw; write the tables instead: -o cell.html\n"
            )
            return EXIT_UNREADABLE
        else:
            target.write_bytes(view.image)
    except OSError as exc:
        err.write(f"gkbg: {target}: cannot write it ({exc.strerror})\n")
        return EXIT_UNREADABLE
    out.write(f"{target}\n")
    return EXIT_OK


def _list_rules(args: argparse.Namespace, out: TextIO) -> int:
    lang: Lang = args.lang or default_lang()
    for rule in gkbg.RuleSet.default():
        severity = _WORDS[lang][rule.severity.value] if lang == "zh" else rule.severity.value
        title = getattr(rule, "title", "")
        if isinstance(title, Text):
            title = title(lang)
        out.write(f"{rule.id:<34} {pad(severity, 8)} {title}\n")
    return EXIT_OK


def _needs(parser: Parser) -> str:
    """Whether the extra a parser needs is installed, as the listing of formats says it."""
    extra = getattr(parser, "extra", None)
    compat = gkbg._api.compat  # noqa: SLF001 - see above
    if not isinstance(extra, str) or extra not in compat.EXTRAS:
        return ""
    if compat.extra_installed(extra):
        return f" (the {extra} extra: installed)"
    hint = compat.install_hint(compat.EXTRAS[extra], extra)
    return f" (needs the {extra} extra, not installed: {hint})"


def _list_formats(out: TextIO) -> int:
    registry = gkbg.default_registry()
    for name in registry.names():
        parser = registry.get(name)
        out.write(f"{name:<8} {parser.description}{_needs(parser)}\n")
    return EXIT_OK


def _limits(args: argparse.Namespace) -> Limits:
    """The limits a command reads files under: the isolated ones, with ``--max-seconds``.

    Raises:
        ValueError: ``--max-seconds`` is not a positive number of seconds.
    """
    seconds = getattr(args, "max_seconds", None)
    if seconds is None:
        return ISOLATED_LIMITS
    return attrs.evolve(ISOLATED_LIMITS, max_seconds=seconds)


def _run(args: argparse.Namespace) -> int:
    try:
        args.limits = _limits(args)
    except ValueError as exc:
        sys.stderr.write(f"gkbg: --max-seconds: {_one_line(str(exc))}\n")
        return EXIT_UNREADABLE
    if args.command == "check":
        return _check(args, sys.stdout, sys.stderr)
    if args.command == "check-series":
        return _check_series(args, sys.stdout, sys.stderr)
    if args.command == "check-rollup":
        return _check_rollup(args, sys.stdout, sys.stderr)
    if args.command == "batch":
        return _batch(args, sys.stdout, sys.stderr)
    if args.command == "parse":
        return _parse(args, sys.stdout, sys.stderr)
    if args.command == "rules":
        return _list_rules(args, sys.stdout)
    if args.command == "show":
        return _show(args, sys.stdout, sys.stderr)
    return _list_formats(sys.stdout)


def _show_warning(  # noqa: PLR0917 - the signature of warnings.showwarning
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    """Show a left-out plugin as one ``gkbg: warning:`` line; any other warning as Python does."""
    if isinstance(message, PluginWarning):
        (file or sys.stderr).write(f"gkbg: warning: {_one_line(str(message))}\n")
    else:
        _python_showwarning(message, category, filename, lineno, file, line)


_python_showwarning = warnings.showwarning


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status.

    When the program reading the output stops early (``gkbg check ... | head``), the command
    stops quietly with status 141, as a Unix tool stopped by ``SIGPIPE`` does. A plugin that
    cannot be used is left out with a ``gkbg: warning:`` line on stderr naming it.
    """
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")
    args = _parser().parse_args(argv)
    try:
        with warnings.catch_warnings():
            warnings.showwarning = _show_warning
            status = _run(args)
        sys.stdout.flush()
    except BrokenPipeError:
        # the rest of the output, and Python's flush at exit, go nowhere instead of failing
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
