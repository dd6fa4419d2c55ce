# SPDX-License-Identifier: MIT
"""The ``gkbg`` command: ``check``, ``check-series``, ``check-rollup``, ``batch``, ``parse``.

Exit status of ``gkbg check``, ``check-series``, ``check-rollup`` and ``batch``: 0 when there
is no error (warnings allowed), 1 when there are errors, 2 when a file cannot be read or the
reports cannot be compared (this wins over 1).
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from gkbg._batch import batch
from gkbg._engine import check
from gkbg._errors import GkbgError
from gkbg._findings import Text
from gkbg._json import converter, to_json
from gkbg._lang import Lang, default_lang
from gkbg._parsers import default_registry, parse
from gkbg._rollup import check_rollup
from gkbg._rules import RuleSet
from gkbg._series import check_series
from gkbg._version import __version__

if TYPE_CHECKING:
    from collections.abc import Sequence

    from gkbg._findings import CheckResult
    from gkbg._model import Report

__all__ = ["main"]

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_UNREADABLE = 2

_WORDS = {
    "zh": {
        "error": "错误",
        "warning": "警告",
        "errors": "个错误",
        "warnings": "个警告",
        "uncertain": "个单元格读取存疑",
        "unchecked": "项关系因单元格缺失未能检查",
        "form": "格式",
        "year": "年度",
        "agency": "机关",
        "none": "未注明",
        "expected": "应为",
        "found": "实为",
        "clean": "未发现问题",
        "cannot": "无法读取",
        "series": "系列",
        "gap": "缺少{year}年度报告，其前后年度未比较",
        "rollup": "汇总",
        "units": "份所属单位报告",
        "files": "个文件",
        "read_now": "本次读取",
        "done_before": "此前已完成",
        "read": "已读取",
        "unreadable": "无法读取",
        "failed": "意外失败",
        "with_errors": "份报告有错误",
        "written": "已写出",
    },
    "en": {
        "error": "error",
        "warning": "warning",
        "errors": "errors",
        "warnings": "warnings",
        "uncertain": "cells read with doubt",
        "unchecked": "relations not checkable (missing cells)",
        "form": "form",
        "year": "year",
        "agency": "agency",
        "none": "not named",
        "expected": "expected",
        "found": "found",
        "clean": "no findings",
        "cannot": "cannot read",
        "series": "series",
        "gap": "no report for {year}: the years around it are not compared",
        "rollup": "summary",
        "units": "units' reports",
        "files": "files",
        "read_now": "read now",
        "done_before": "done before",
        "read": "read",
        "unreadable": "unreadable",
        "failed": "failed",
        "with_errors": "reports with errors",
        "written": "written",
    },
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gkbg",
        description="Read and check the statistical tables of government information-disclosure "
        "annual reports (政府信息公开工作年度报告).",
    )
    parser.add_argument("--version", action="version", version=f"gkbg {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check_cmd = commands.add_parser("check", help="check one or more reports")
    check_cmd.add_argument("files", nargs="+", metavar="FILE", type=Path)
    check_cmd.add_argument("--json", action="store_true", help="print JSON for machines")
    check_cmd.add_argument(
        "--lang",
        choices=("zh", "en"),
        default=None,
        help="language of the messages (default: from the locale)",
    )
    check_cmd.add_argument(
        "--rules",
        action="append",
        default=[],
        type=Path,
        metavar="TOML",
        help="add the rules of a TOML rule file (may be repeated)",
    )
    check_cmd.add_argument(
        "--format", default=None, help="read every file in this format instead of detecting it"
    )

    series_cmd = commands.add_parser(
        "check-series", help="check one agency's reports of several years against each other"
    )
    rollup_cmd = commands.add_parser(
        "check-rollup", help="check a region's summary report against its units' reports"
    )
    series_cmd.add_argument("files", nargs="+", metavar="FILE", type=Path)
    rollup_cmd.add_argument("summary", metavar="SUMMARY", type=Path)
    rollup_cmd.add_argument("files", nargs="+", metavar="UNIT", type=Path)
    for command in (series_cmd, rollup_cmd):
        command.add_argument("--json", action="store_true", help="print JSON for machines")
        command.add_argument(
            "--lang",
            choices=("zh", "en"),
            default=None,
            help="language of the messages (default: from the locale)",
        )
        command.add_argument(
            "--rules",
            action="append",
            default=[],
            type=Path,
            metavar="TOML",
            help="add the rules of a TOML rule file (may be repeated)",
        )
        command.add_argument(
            "--format", default=None, help="read every file in this format instead of detecting it"
        )

    batch_cmd = commands.add_parser(
        "batch", help="read and check many files into CSV (and Parquet), resumably"
    )
    batch_cmd.add_argument("paths", nargs="+", metavar="PATH", help="files, folders or globs")
    batch_cmd.add_argument("--out", required=True, type=Path, metavar="DIR", help="output folder")
    batch_cmd.add_argument(
        "--jobs", type=int, default=None, metavar="N", help="worker processes (default: all cores)"
    )
    batch_cmd.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show a progress bar on stderr (default: when stderr is a terminal)",
    )
    batch_cmd.add_argument("--lang", choices=("zh", "en"), default=None)
    batch_cmd.add_argument("--rules", action="append", default=[], type=Path, metavar="TOML")
    batch_cmd.add_argument("--format", default=None, help="read every file in this format")

    parse_cmd = commands.add_parser("parse", help="print a report's cells as JSON")
    parse_cmd.add_argument("file", metavar="FILE", type=Path)
    parse_cmd.add_argument("--format", default=None, help="the format instead of detecting it")

    rules_cmd = commands.add_parser("rules", help="list the checks")
    rules_cmd.add_argument("--lang", choices=("zh", "en"), default=None)

    commands.add_parser("formats", help="list the formats gkbg can read")
    return parser


def _describe(report: Report, lang: Lang) -> str:
    words = _WORDS[lang]
    variants = sorted({v for v in report.variants.values() if v})
    return (
        f"{words['form']} {'/'.join(variants) or '?'} · "
        f"{words['year']} {report.year or words['none']} · "
        f"{words['agency']} {report.agency or words['none']}"
    )


def _print_result(path: Path, report: Report, result: CheckResult, lang: Lang, out: TextIO) -> None:
    words = _WORDS[lang]
    out.write(f"{path}  ({_describe(report, lang)})\n")
    for finding in result:
        label = (
            words[finding.severity.value].upper() if lang == "en" else words[finding.severity.value]
        )
        where = finding.cells[0] if finding.cells else ""
        numbers = ""
        if finding.expected is not None or finding.actual is not None:
            numbers = f"  {words['expected']} {finding.expected}  {words['found']} {finding.actual}"
        out.write(f"  {label:<8} {finding.rule}  {where}{numbers}\n")
        out.write(f"           {finding.message(lang)}\n")
    uncertain = len(report.uncertain_cells())
    summary = [
        f"{len(result.errors)} {words['errors']}",
        f"{len(result.warnings)} {words['warnings']}",
    ]
    if uncertain:
        summary.append(f"{uncertain} {words['uncertain']}")
    if result.not_checkable:
        summary.append(f"{len(result.not_checkable)} {words['unchecked']}")
    if not result.findings and not uncertain:
        summary.append(words["clean"])
    out.write(f"  {', '.join(summary)}\n")


def _one_line(text: str) -> str:
    """``text`` with its line breaks and other control characters turned into spaces."""
    return "".join(" " if unicodedata.category(char)[0] == "C" else char for char in text)


def _read(path: Path, format: str | None) -> Report | str:  # noqa: A002 - the option's name
    """The report in ``path``, or why it cannot be read, in one line."""
    try:
        return parse(path, format=format)
    except GkbgError as exc:
        return _one_line(str(exc))
    except Exception as exc:  # noqa: BLE001 - one line per file, never a traceback
        return _one_line(f"{path}: internal error ({type(exc).__name__}: {exc}); please report it")


def _rules(paths: Sequence[Path]) -> RuleSet:
    rules = RuleSet.default()
    for path in paths:
        rules = rules.with_rules(*RuleSet.from_toml(path))
    return rules


def _check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    lang: Lang = args.lang or default_lang()
    try:
        rules = _rules(args.rules)
    except GkbgError as exc:
        err.write(f"gkbg: {_one_line(str(exc))}\n")
        return EXIT_UNREADABLE
    status = EXIT_OK
    records: list[dict[str, object]] = []
    for path in args.files:
        report = _read(path, args.format)
        if isinstance(report, str):
            status = EXIT_UNREADABLE
            if args.json:
                records.append({"source": str(path), "error": report})
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
            if args.json:
                records.append({"source": str(path), "error": reason})
            else:
                err.write(f"gkbg: {reason}\n")
            continue
        if result.errors and status == EXIT_OK:
            status = EXIT_FINDINGS
        if args.json:
            records.append(
                {
                    "source": str(path),
                    "variant": report.variant,
                    "variants": report.variants,
                    "year": report.year,
                    "agency": report.agency,
                    "uncertain_cells": [cell.key for cell in report.uncertain_cells()],
                    **converter.unstructure(result),
                }
            )
        else:
            _print_result(path, report, result, lang, out)
    if args.json:
        out.write(json.dumps(records, ensure_ascii=False, indent=2) + "\n")
    return status


def _print_findings(result: CheckResult, lang: Lang, out: TextIO) -> None:
    words = _WORDS[lang]
    for finding in result:
        severity = words[finding.severity.value]
        label = severity.upper() if lang == "en" else severity
        where = "  ".join(finding.cells[:2])
        numbers = ""
        if finding.expected is not None or finding.actual is not None:
            numbers = f"  {words['expected']} {finding.expected}  {words['found']} {finding.actual}"
        out.write(f"  {label:<8} {finding.rule}  {where}{numbers}\n")
        out.write(f"           {finding.message(lang)}\n")
    summary = [
        f"{len(result.errors)} {words['errors']}",
        f"{len(result.warnings)} {words['warnings']}",
    ]
    if result.not_checkable:
        summary.append(f"{len(result.not_checkable)} {words['unchecked']}")
    if not result.findings:
        summary.append(words["clean"])
    out.write(f"  {', '.join(summary)}\n")


def _read_all(
    args: argparse.Namespace, paths: Sequence[Path], err: TextIO
) -> tuple[RuleSet, list[Report]] | None:
    lang: Lang = args.lang or default_lang()
    try:
        rules = _rules(args.rules)
        reports = [parse(path, format=args.format) for path in paths]
    except GkbgError as exc:
        err.write(f"gkbg: {_WORDS[lang]['cannot']}: {exc}\n")
        return None
    return rules, reports


def _check_series(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    lang: Lang = args.lang or default_lang()
    words = _WORDS[lang]
    read = _read_all(args, args.files, err)
    if read is None:
        return EXIT_UNREADABLE
    rules, reports = read
    try:
        result = check_series(reports, rules)
    except GkbgError as exc:
        err.write(f"gkbg: {exc}\n")
        return EXIT_UNREADABLE
    if args.json:
        out.write(json.dumps(converter.unstructure(result), ensure_ascii=False, indent=2) + "\n")
    else:
        years = ", ".join(str(year) for year in result.years)
        out.write(f"{words['series']} {result.source or words['none']}: {years}\n")
        out.writelines(f"  {words['gap'].format(year=year)}\n" for year in result.gaps)
        _print_findings(result, lang, out)
    return EXIT_FINDINGS if result.errors else EXIT_OK


def _check_rollup(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    lang: Lang = args.lang or default_lang()
    words = _WORDS[lang]
    read = _read_all(args, [args.summary, *args.files], err)
    if read is None:
        return EXIT_UNREADABLE
    rules, (summary, *units) = read
    result = check_rollup(summary, units, rules)
    if args.json:
        out.write(json.dumps(converter.unstructure(result), ensure_ascii=False, indent=2) + "\n")
    else:
        out.write(
            f"{words['rollup']} {args.summary} ({_describe(summary, lang)}), "
            f"{len(units)} {words['units']}\n"
        )
        _print_findings(result, lang, out)
    return EXIT_FINDINGS if result.errors else EXIT_OK


def _batch(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    lang: Lang = args.lang or default_lang()
    words = _WORDS[lang]
    try:
        rules = _rules(args.rules) if args.rules else None
    except GkbgError as exc:
        err.write(f"gkbg: {exc}\n")
        return EXIT_UNREADABLE
    try:
        summary = batch(
            args.paths, args.out, jobs=args.jobs, rules=rules, format=args.format,
            progress=args.progress, stream=err,
        )  # fmt: skip
    except GkbgError as exc:  # an output folder gkbg cannot use
        err.write(f"gkbg: {exc}\n")
        return EXIT_UNREADABLE
    out.write(
        f"{summary.read + summary.skipped} {words['files']}: {summary.read} {words['read_now']}, "
        f"{summary.skipped} {words['done_before']}\n"
        f"{summary.out}: {summary.files} {words['files']}, {summary.ok} {words['read']}, "
        f"{summary.unreadable} {words['unreadable']}, {summary.failed} {words['failed']}\n"
        f"  {summary.with_errors} {words['with_errors']}: {summary.errors} {words['errors']}, "
        f"{summary.warnings} {words['warnings']}\n"
    )
    out.writelines(
        f"  {words['cannot']}: {error_class}: {message}\n"
        for _source, error_class, message in summary.problems
    )
    out.write(f"  {words['written']}: {', '.join(summary.outputs)}\n")
    if summary.unreadable or summary.failed:
        return EXIT_UNREADABLE
    return EXIT_FINDINGS if summary.with_errors else EXIT_OK


def _parse(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    report = _read(args.file, args.format)
    if isinstance(report, str):
        err.write(f"gkbg: {report}\n")
        return EXIT_UNREADABLE
    out.write(to_json(report) + "\n")
    return EXIT_OK


def _list_rules(args: argparse.Namespace, out: TextIO) -> int:
    lang: Lang = args.lang or default_lang()
    for rule in RuleSet.default():
        severity = rule.severity.value
        title = getattr(rule, "title", "")
        if isinstance(title, Text):
            title = title(lang)
        out.write(f"{rule.id:<34} {severity:<8} {title}\n")
    return EXIT_OK


def _list_formats(out: TextIO) -> int:
    registry = default_registry()
    out.writelines(f"{name:<8} {registry.get(name).description}\n" for name in registry.names())
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")
    args = _parser().parse_args(argv)
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
    return _list_formats(sys.stdout)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
