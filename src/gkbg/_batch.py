# SPDX-License-Identifier: MIT
"""Batch runs: read and check thousands of reports in worker processes, resumably.

`batch_file` reads and checks one file and returns a `FileResult`: plain, picklable data that
holds either the cells and findings or the error that made the file unreadable. It never
raises for a bad file, so the same function runs under `batch` (a process pool), under
``dask.bag`` on a cluster, or in any other executor.

`batch` runs `batch_file` over many files and records each finished file in
``OUT/manifest.jsonl``, one JSON line per file, keyed by the file's absolute path, size and
modification time: a rerun skips every file whose three are unchanged, and reads again a file
that changed, moved or failed with an unexpected error. After every run the outputs are written
afresh from the manifest: ``cells.csv``, ``findings.csv`` and ``summary.csv`` (and the same as
Parquet when pyarrow is installed).

With worker processes, the workers do the recording: each writes its files' rows and manifest
records to a shard of its own (``OUT/.shards``, see `_Shard`) and hands back only their status;
the coordinator merges the shards into the manifest and the outputs at the end (`_merge_shards`,
`_write_outputs`), and first of all the shards a killed run left.
"""

from __future__ import annotations

import collections
import concurrent.futures
import contextlib
import csv
import glob
import hashlib
import importlib
import importlib.util
import json
import multiprocessing
import os
import shutil
import signal
import sys
import threading
import time
import warnings
from decimal import Decimal
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Literal, TextIO

import attrs

import gkbg
from gkbg.core.errors import GkbgError, LimitExceededError, PluginWarning
from gkbg.core.lang import Lang, default_lang
from gkbg.core.limits import ISOLATED_LIMITS, Limits
from gkbg.core.version import __version__

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Sequence

    from gkbg.checks.rules import RuleSet
    from gkbg.core.model import Cell, Report, Table
    from gkbg.core.reasons import Doubt

__all__ = [
    "SUMMARY_FIELDS",
    "BatchFrames",
    "BatchSummary",
    "FileResult",
    "batch",
    "batch_file",
    "batch_files",
    "read_batch",
    "write_batch",
]

Status = Literal["ok", "unreadable", "failed"]

MANIFEST = "manifest.jsonl"
"""The name of the manifest in the output folder."""

SETTINGS = "batch.json"
"""The name of the file, in the output folder, that records what its results were made with."""

SUMMARY_FIELDS: tuple[str, ...] = (
    "source",
    "status",
    "error_class",
    "error",
    "format",
    "variant",
    "year",
    "agency",
    "cells",
    "uncertain",
    "errors",
    "warnings",
    "not_checkable",
    "size",
    "mtime_ns",
)
"""The fields of ``summary.csv``: one row per file."""


@attrs.frozen(repr=False)
class FileResult:
    """What a batch learned from one file: its cells and findings, or why it could not be read.

    Attributes:
        source: The path as given.
        size: The file's size in bytes when it was read (None when it could not be examined).
        mtime_ns: Its modification time in nanoseconds (None likewise).
        status: ``ok``; ``unreadable`` when gkbg refused the file (a `GkbgError`: not a
            report, no tables, damaged, a missing extra); ``failed`` on an unexpected error
            (a bug: please report it), which a rerun tries again.
        error_class: The name of the exception's class, for a file not read.
        error: The exception's message, for a file not read.
        format: The parser that read the file.
        variant: The report's form.
        year: The report year.
        agency: The publishing body.
        tables: The three tables with their cells (without their locations, to keep results
            small).
        findings: What the checks found.
        not_checkable: How many relations could not be checked for a missing cell.
    """

    source: str
    size: int | None
    mtime_ns: int | None
    status: Status
    error_class: str | None = None
    error: str | None = None
    format: str | None = None
    variant: str | None = None
    year: int | None = None
    agency: str | None = None
    # named through the package: cattrs resolves them when first asked, importing them then
    tables: tuple[gkbg.Table, ...] = ()
    findings: tuple[gkbg.Finding, ...] = ()
    not_checkable: int = 0

    def __repr__(self) -> str:
        """``<FileResult a.pdf ok: 2021 淮安市人民政府 2024, 200 cells, 2 errors, 0 warnings>``."""
        if self.status != "ok":
            return f"<FileResult {self.source} {self.status}: {self.error_class}: {self.error}>"
        errors = sum(f.severity is gkbg.Severity.ERROR for f in self.findings)
        warnings = sum(f.severity is gkbg.Severity.WARNING for f in self.findings)
        about = " ".join(str(part) for part in (self.variant, self.agency, self.year) if part)
        return (
            f"<FileResult {self.source} ok: {about}, {sum(1 for _ in self.cells())} cells, "
            f"{errors} errors, {warnings} warnings>"
        )

    @property
    def key(self) -> str:
        """The absolute path that identifies the file in the manifest."""
        return os.path.abspath(self.source)  # noqa: PTH100 - keeps a relative path's meaning

    def cells(self) -> Iterator[Cell]:
        """Every cell read, in reading order."""
        for table in self.tables:
            yield from table.cells

    def summary_record(self) -> dict[str, Any]:
        """The file's row of ``summary.csv`` (`SUMMARY_FIELDS`)."""
        cells = list(self.cells())
        return {
            "source": self.source,
            "status": self.status,
            "error_class": self.error_class,
            "error": self.error,
            "format": self.format,
            "variant": self.variant,
            "year": self.year,
            "agency": self.agency,
            "cells": len(cells) if self.status == "ok" else None,
            "uncertain": sum(1 for c in cells if c.uncertain) if self.status == "ok" else None,
            "errors": sum(1 for f in self.findings if f.severity is gkbg.Severity.ERROR),
            "warnings": sum(1 for f in self.findings if f.severity is gkbg.Severity.WARNING),
            "not_checkable": self.not_checkable,
            "size": self.size,
            "mtime_ns": self.mtime_ns,
        }

    def cell_records(self) -> Iterator[dict[str, Any]]:
        """The file's rows of ``cells.csv`` (`gkbg.CELL_FIELDS`)."""
        cell_record = gkbg._api.records.cell_record  # noqa: SLF001 - see `parse`
        for table in self.tables:
            for cell in table.cells:
                yield cell_record(
                    cell,
                    source=self.source,
                    variant=table.variant,
                    year=self.year,
                    agency=self.agency,
                )

    def finding_records(self) -> Iterator[dict[str, Any]]:
        """The file's rows of ``findings.csv`` (`gkbg.FINDING_FIELDS`)."""
        finding_record = gkbg._api.records.finding_record  # noqa: SLF001 - see `parse`
        for finding in self.findings:
            yield finding_record(finding, source=self.source)


@attrs.frozen
class BatchSummary:
    """What a batch run did, and what its output folder now holds.

    Attributes:
        out: The output folder.
        files: How many files the output folder's manifest holds (this run's and earlier ones).
        read: How many files this run read.
        skipped: How many of this run's files were already done and were not read again.
        ok: Files read (of ``files``).
        unreadable: Files gkbg refused, with a `GkbgError` (of ``files``).
        failed: Files that failed with an unexpected error (of ``files``).
        with_errors: Reports with at least one error finding.
        errors: Error findings in all.
        warnings: Warning findings in all.
        problems: ``(source, error class, message)`` of every file not read.
        outputs: The files written, in the output folder.
    """

    out: str
    files: int
    read: int
    skipped: int
    ok: int
    unreadable: int
    failed: int
    with_errors: int
    errors: int
    warnings: int
    problems: tuple[tuple[str, str, str], ...] = ()
    outputs: tuple[str, ...] = ()

    def __repr__(self) -> str:
        """``<BatchSummary out: 200 files, 198 read, 2 unreadable, 0 failed; 7 with errors>``."""
        return (
            f"<BatchSummary {self.out}: {self.files} files, {self.ok} read, "
            f"{self.unreadable} unreadable, {self.failed} failed; {self.with_errors} with "
            f"errors ({self.errors} errors, {self.warnings} warnings)>"
        )

    def _repr_html_(self) -> str:
        """The run's counts, its files not read and its outputs as HTML (for Jupyter)."""
        return batch_html(self)


_BATCH_WORDS: dict[Lang, dict[str, str]] = {
    "zh": {
        "files": "文件",
        "read_now": "本次读取",
        "skipped": "此前已完成",
        "ok": "已读取",
        "unreadable": "无法读取",
        "failed": "意外失败",
        "with_errors": "有错误的报告",
        "errors": "错误",
        "warnings": "警告",
        "outputs": "输出",
        "source": "文件",
        "class": "错误类型",
        "message": "说明",
    },
    "en": {
        "files": "files",
        "read_now": "read now",
        "skipped": "done before",
        "ok": "read",
        "unreadable": "unreadable",
        "failed": "failed",
        "with_errors": "reports with errors",
        "errors": "errors",
        "warnings": "warnings",
        "outputs": "outputs",
        "source": "file",
        "class": "error",
        "message": "message",
    },
}


def batch_html(summary: BatchSummary, *, lang: Lang | None = None) -> str:
    """A batch run's summary as HTML: its counts, every file not read, the files written.

    Args:
        summary: What `gkbg.batch` returned.
        lang: The language of the labels; by default from the locale.

    Returns:
        An HTML fragment (a ``<div class="gkbg">``), every text escaped.
    """
    words = _BATCH_WORDS[lang or default_lang()]
    counts = (
        ("files", summary.files),
        ("read_now", summary.read),
        ("skipped", summary.skipped),
        ("ok", summary.ok),
        ("unreadable", summary.unreadable),
        ("failed", summary.failed),
        ("with_errors", summary.with_errors),
        ("errors", summary.errors),
        ("warnings", summary.warnings),
    )
    head = "".join(f"<th>{escape(words[name])}</th>" for name, _ in counts)
    row = "".join(f"<td>{number:,}</td>" for _, number in counts)
    parts = [
        '<div class="gkbg">',
        f"<p><b>{escape(summary.out)}</b></p>",
        f'<table class="gkbg-batch"><tr>{head}</tr><tr>{row}</tr></table>',
    ]
    if summary.problems:
        heads = "".join(f"<th>{escape(words[n])}</th>" for n in ("source", "class", "message"))
        rows = "".join(
            "<tr>" + "".join(f"<td>{escape(text)}</td>" for text in problem) + "</tr>"
            for problem in summary.problems
        )
        parts.append(f'<table class="gkbg-problems"><tr>{heads}</tr>{rows}</table>')
    if summary.outputs:
        written = ", ".join(escape(name) for name in summary.outputs)
        parts.append(f"<p>{escape(words['outputs'])}: {written}</p>")
    parts.append("</div>")
    return "\n".join(parts)


def _stat(path: Path) -> tuple[int | None, int | None]:
    try:
        info = path.stat()
    except OSError:
        return None, None
    return info.st_size, info.st_mtime_ns


# The coordinator of a batch only hands out files and merges what its workers wrote: it reads
# no report. So this module imports none of the stages at its top, and reaches what it calls of
# them (in the workers, and in `write_batch` and `read_batch`) through the package when first
# used: ``gkbg.check``, ``gkbg._api.records.csv_bytes`` (see `gkbg.__getattr__` and
# docs/architecture.md, "Imports").


def parse(source: Path, *, format: str | None, limits: Limits) -> Report:  # noqa: A002
    """`gkbg.parse`, imported on the first file a process reads."""
    return gkbg.parse(source, format=format, limits=limits)


def _cattrs() -> Any:  # noqa: ANN401 - the module
    """The module cattrs (imported already by whoever made the converter that raised)."""
    return importlib.import_module("cattrs")


def _bare(table: Table) -> Table:
    return attrs.evolve(
        table, cells=tuple(attrs.evolve(cell, location=None) for cell in table.cells)
    )


def batch_file(
    path: str | os.PathLike[str],
    *,
    rules: RuleSet | None = None,
    format: str | None = None,  # noqa: A002 - the name `gkbg.parse` uses
    limits: Limits = ISOLATED_LIMITS,
) -> FileResult:
    """Read and check one file, for a batch: never raises for a file that cannot be read.

    Args:
        path: The file.
        rules: The checks; by default `RuleSet.default()`.
        format: The format to read it in; by default detected from the content.
        limits: The limits to read it within; by default those of ``gkbg check`` (the
            defaults, with PDF read in an isolated worker).

    Returns:
        The cells and findings, or the class and message of the error that stopped the file.
    """
    source = os.fspath(path)
    size, mtime_ns = _stat(Path(source))
    try:
        report = parse(Path(source), format=format, limits=limits)
        result = gkbg.check(report, rules)
    except GkbgError as exc:
        return FileResult(source, size, mtime_ns, "unreadable", type(exc).__name__, str(exc))
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop a batch of thousands
        return FileResult(source, size, mtime_ns, "failed", type(exc).__name__, str(exc))
    return FileResult(
        source,
        size,
        mtime_ns,
        "ok",
        format=report.format,
        variant=report.variant,
        year=report.year,
        agency=report.agency,
        tables=tuple(_bare(table) for table in report.tables),
        findings=result.findings,
        not_checkable=len(result.not_checkable),
    )


_GLOB = frozenset("*?[")


def _collect(paths: Iterable[str | os.PathLike[str]]) -> dict[str, str]:
    """Absolute path to the path as shown, for every file the entries name."""
    found: dict[str, str] = {}
    for entry in paths:
        text = os.fspath(entry)
        path = Path(text)
        if path.is_dir():
            candidates = sorted(
                p
                for p in path.rglob("*")
                if not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        elif not path.exists() and _GLOB & set(text):
            matched = glob.glob(text, recursive=True)  # noqa: PTH207 - ** at any depth
            # A pattern that matches nothing is recorded as a missing file, not dropped.
            candidates = sorted(Path(p) for p in matched) or [path]
        else:
            candidates = [path]  # a file, or a missing one: recorded as unreadable
        for candidate in candidates:
            if not candidate.is_dir():
                found.setdefault(os.path.abspath(candidate), str(candidate))  # noqa: PTH100
    return found


def _pending(found: dict[str, str], out: Path) -> dict[str, str]:
    """The files not done yet in ``out``, leaving out the files of ``out`` itself."""
    folder = os.path.abspath(out) + os.sep  # noqa: PTH100
    done = _done(out)
    return {
        key: shown
        for key, shown in found.items()
        if not key.startswith(folder) and done.get(key, (-1, -1)) != _stat(Path(key))
    }


def batch_files(
    paths: Iterable[str | os.PathLike[str]], *, out: str | os.PathLike[str] | None = None
) -> list[str]:
    """The files a batch over ``paths`` reads, sorted, each once.

    Args:
        paths: Files, folders (every file below them, hidden ones excepted) and glob patterns
            (``reports/**/*.pdf``; ``**`` matches any depth). A file that does not exist, or a
            pattern that matches nothing, is kept: the batch records it as unreadable.
        out: An output folder. Its own files are left out, and so are the files its manifest
            records as done (unchanged since: same size and modification time).

    Returns:
        The paths, as strings, relative when given relative.
    """
    found = _collect(paths)
    if out is not None:
        found = _pending(found, Path(out))
    return sorted(found.values())


# --- what the results were made with --------------------------------------------------------


def _check_identity(check: object) -> object:
    """What identifies a check in a fingerprint: a rule's every field; a function's name."""
    if isinstance(check, gkbg.Rule):
        return gkbg.converter.unstructure(check)
    function = getattr(check, "function", check)
    kind = type(check)
    return {
        "id": getattr(check, "id", None),
        "type": f"{kind.__module__}.{kind.__qualname__}",
        "function": ".".join(
            str(getattr(function, name, "")) for name in ("__module__", "__qualname__")
        ),
    }


def _fingerprint(rules: RuleSet | None = None, format: str | None = None) -> dict[str, Any]:  # noqa: A002
    """What a batch's results depend on: the gkbg version, the checks and the format option.

    A check written in Python is known by its id and its function's name, not its code.
    """
    rules = gkbg.RuleSet.default() if rules is None else rules
    identities = json.dumps(
        [_check_identity(check) for check in rules],
        ensure_ascii=False,
        sort_keys=True,
        default=str,
    )
    return {
        "gkbg": __version__,
        "checks": len(rules),
        "rules": hashlib.sha256(identities.encode("utf-8")).hexdigest()[:16],
        "format": format,
    }


def _differences(recorded: dict[str, Any], wanted: dict[str, Any]) -> list[str]:
    said: list[str] = []
    if recorded.get("gkbg") != wanted["gkbg"]:
        said.append(f"gkbg {recorded.get('gkbg')}, not {wanted['gkbg']}")
    if (recorded.get("rules"), recorded.get("checks")) != (wanted["rules"], wanted["checks"]):
        said.append(
            f"other checks ({recorded.get('checks')} checks, fingerprint {recorded.get('rules')}; "
            f"now {wanted['checks']}, {wanted['rules']})"
        )
    if recorded.get("format") != wanted["format"]:
        said.append(
            f"{_format_option(recorded.get('format'))}, not {_format_option(wanted['format'])}"
        )
    return said


def _format_option(format: object) -> str:  # noqa: A002
    return f"--format {format}" if format else "the format detected in each file"


def _forget(folder: Path) -> None:
    """Forget the results in ``folder``: its manifest, its settings and any shards."""
    (folder / MANIFEST).unlink(missing_ok=True)
    (folder / SETTINGS).unlink(missing_ok=True)
    shutil.rmtree(folder / SHARDS, ignore_errors=True)


@attrs.frozen
class _Prelude:
    """What a batch's first worker tells its coordinator before any file is handed out.

    Attributes:
        fingerprint: What the results are made with (`_fingerprint`).
        headers: The outputs' first lines (`_headers`).
        warnings: The plugins left out, as loading them warned (`PluginWarning`).
    """

    fingerprint: dict[str, Any]
    headers: dict[str, bytes]
    warnings: tuple[Warning, ...]


def _prelude(rules: RuleSet | None, format: str | None) -> _Prelude:  # noqa: A002
    """Load the plugins and the checks, and say what the results are made with (`_Prelude`).

    The coordinator would have to import the readers, the checks and the exports to know
    it, which a worker does anyway to read its files.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", PluginWarning)
        gkbg.default_registry().names()
        fingerprint = _fingerprint(rules, format)
    left_out = tuple(w.message for w in caught if isinstance(w.message, PluginWarning))
    return _Prelude(fingerprint, dict(_headers()), left_out)


def _ask_first_worker(
    workers: _Workers,
    rules: RuleSet | None,
    format: str | None,  # noqa: A002
) -> _Prelude:
    """`_prelude` from one of ``workers``, its warnings issued here (once for the batch).

    Made here when the pool cannot answer (a worker died at its start).
    """
    try:
        said = workers.pool.submit(_prelude, rules, format).result()
    except concurrent.futures.BrokenExecutor:
        said = _prelude(rules, format)
    for warning in said.warnings:
        warnings.warn(warning, stacklevel=3)
    return said


def _settled(folder: Path, wanted: dict[str, Any], *, fresh: bool) -> None:
    """Make sure the results in ``folder`` were made as ``wanted``; record it for a new folder.

    Raises:
        GkbgError: The folder holds results made otherwise (another gkbg, other checks,
            another format), or by a gkbg that did not record how.
    """
    if fresh:
        _forget(folder)
    folder.mkdir(parents=True, exist_ok=True)
    settings = folder / SETTINGS
    has_results = next(_lines(folder), None) is not None
    try:
        recorded = json.loads(settings.read_text(encoding="utf-8"))
    except FileNotFoundError:
        recorded = None
    except ValueError:
        recorded = {}
    if has_results:
        if recorded is None:
            said = ["a gkbg that did not record its version, checks and options"]
        else:
            said = _differences(recorded if isinstance(recorded, dict) else {}, wanted)
        if said:
            raise GkbgError(
                f"{folder}: its results were made with {'; '.join(said)}: resuming would mix "
                f"them with results made otherwise. Start afresh with --fresh (gkbg.batch(..., "
                "fresh=True)), which reads every file again, or give another --out"
            )
    if not isinstance(recorded, dict) or any(recorded.get(k) != v for k, v in wanted.items()):
        _save_settings(folder, wanted)


def _save_settings(folder: Path, settings: dict[str, Any]) -> None:
    """Write ``batch.json`` whole or not at all (a killed run leaves the previous one)."""
    target = folder / SETTINGS
    partial = target.with_name(f".{SETTINGS}.partial")
    partial.write_text(json.dumps(settings, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    partial.replace(target)


def _settings(folder: Path) -> dict[str, Any]:
    try:
        recorded = json.loads((folder / SETTINGS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return recorded if isinstance(recorded, dict) else {}


_OUTPUTS = ("summary", "cells", "findings")
"""The outputs, in the order a shard's index gives each file's rows in them."""

_HEADERS: dict[str, bytes] = {}
"""Each output's first line, once known (`_headers`)."""


def _headers() -> dict[str, bytes]:
    """The first line of each output (`_OUTPUTS` order): byte-order mark and column names.

    Written by the CSV writer of the exports; a batch with workers has the first of them say
    it (see `_prelude`), so that its coordinator need not import the exports.
    """
    if not _HEADERS:
        csv_bytes = gkbg._api.records.csv_bytes  # noqa: SLF001 - see `parse`
        fields = (SUMMARY_FIELDS, gkbg.CELL_FIELDS, gkbg.FINDING_FIELDS)
        _HEADERS.update(
            (name, csv_bytes([columns], bom=True))
            for name, columns in zip(_OUTPUTS, fields, strict=True)
        )
    return _HEADERS


def _state(folder: Path) -> dict[str, Any]:
    """What the outputs are made of: the manifest's size and time, and each output's size."""
    state: dict[str, Any] = {}
    for name in (MANIFEST, *(f"{n}.csv" for n in _OUTPUTS), *(f"{n}.parquet" for n in _OUTPUTS)):
        try:
            info = (folder / name).stat()
        except OSError:
            continue
        state[name] = [info.st_size, info.st_mtime_ns]
    return state


def _unchanged_outputs(folder: Path, *, read: int, skipped: int) -> BatchSummary | None:
    """The summary of the outputs as last written, when nothing changed since: None otherwise.

    The outputs are reused only when this run read no file and the manifest and every output
    are as they were when they were written (same size and modification time).
    """
    written = _settings(folder).get("written")
    if read or not isinstance(written, dict) or written.get("state") != _state(folder):
        return None
    try:
        fields = dict(written["summary"])
        fields["problems"] = tuple(tuple(problem) for problem in fields["problems"])
        fields["outputs"] = tuple(fields["outputs"])
        return BatchSummary(out=str(folder), read=read, skipped=skipped, **fields)
    except (KeyError, TypeError, ValueError):
        return None


def _record_outputs(folder: Path, summary: BatchSummary, index: dict[str, list[Any]]) -> None:
    fields = attrs.asdict(summary)
    for name in ("out", "read", "skipped"):
        del fields[name]
    settings = _settings(folder)
    settings["written"] = {"state": _state(folder), "summary": fields, "rows": index}
    _save_settings(folder, settings)


def _previous_rows(folder: Path) -> tuple[int, dict[str, list[Any]]] | None:
    """Where the outputs as last written hold each file's rows, and how far they read the manifest.

    None when an output changed since they were written (or is gone), or the manifest is shorter.
    """
    written = _settings(folder).get("written")
    if not isinstance(written, dict):
        return None
    state, rows = written.get("state"), written.get("rows")
    now = _state(folder)
    if not isinstance(state, dict) or not isinstance(rows, dict) or MANIFEST not in state:
        return None
    if any(now.get(f"{name}.csv") != state.get(f"{name}.csv") for name in _OUTPUTS):
        return None
    if not _same_columns(folder):  # written by a gkbg whose files had other columns
        return None
    size = state[MANIFEST][0]
    if not isinstance(size, int) or now.get(MANIFEST, [-1])[0] < size:
        return None
    return size, rows


def _same_columns(folder: Path) -> bool:
    """Whether the CSV outputs in ``folder`` have the columns this gkbg writes."""
    return all(_starts_with(folder / f"{name}.csv", head) for name, head in _headers().items())


def _starts_with(path: Path, head: bytes) -> bool:
    """Whether the file ``path`` begins with ``head`` (False when it cannot be read)."""
    try:
        with path.open("rb") as stream:
            return stream.read(len(head)) == head
    except OSError:
        return False


# --- the manifest ---------------------------------------------------------------------------


def _compact(result: FileResult) -> dict[str, Any]:
    converter = gkbg.converter
    data: dict[str, Any] = converter.unstructure(result)
    data["tables"] = [
        {
            "key": table.key,
            "variant": table.variant,
            "cells": [
                [c.key, c.state.value, converter.unstructure(c.value), c.raw, _doubts(c.uncertain)]
                for c in table.cells
            ],
        }
        for table in result.tables
    ]
    return data


def _doubts(reasons: tuple[Doubt, ...]) -> list[dict[str, Any]]:
    """A cell's reasons for doubt in the manifest: code and fields (no sentences)."""
    return [{"code": reason.code, "fields": dict(reason.fields)} for reason in reasons]


def _number(value: object) -> int | Decimal | None:
    if value is None or isinstance(value, int):
        return value
    return Decimal(str(value))


def _expand(data: dict[str, Any]) -> FileResult:
    converter, cell_state, doubts = gkbg.converter, gkbg.CellState, tuple[gkbg.Doubt, ...]
    tables = data.pop("tables")
    result = converter.structure(data, FileResult)
    built = tuple(
        gkbg.Table(
            table["key"],
            table["variant"],
            tuple(
                gkbg.Cell(
                    key,
                    cell_state(state),
                    _number(value),
                    raw,
                    converter.structure(uncertain, doubts),
                )
                for key, state, value, raw, uncertain in table["cells"]
            ),
        )
        for table in tables
    )
    return attrs.evolve(result, tables=built)


def _records(folder: Path, start: int = 0) -> Iterator[tuple[int, dict[str, Any]]]:
    """Every whole, valid line of the manifest from byte ``start`` on, with its byte offset."""
    manifest = folder / MANIFEST
    if not manifest.exists():
        return
    with manifest.open("rb") as stream:
        stream.seek(start)
        offset = start
        for line in stream:
            here, offset = offset, offset + len(line)
            with contextlib.suppress(ValueError):  # a line cut short, or not ours
                data = json.loads(line)
                if isinstance(data, dict) and "source" in data:
                    yield here, data


def _lines(folder: Path) -> Iterator[dict[str, Any]]:
    """Every record of the manifest, then those of the shards a killed run left unmerged."""
    for _, data in _records(folder):
        yield data
    for shard in _shard_names(folder):
        for _, line in _whole_lines(folder / SHARDS / f"{shard}.jsonl"):
            with contextlib.suppress(ValueError):
                data = json.loads(line)
                if isinstance(data, dict) and "source" in data:
                    yield data


def _key_of(data: dict[str, Any]) -> str:
    key = data.get("key")
    return key if isinstance(key, str) else os.path.abspath(data["source"])  # noqa: PTH100


def _done(folder: Path) -> dict[str, tuple[int | None, int | None]]:
    """Every file the manifest records as done, by absolute path: its size and mtime then."""
    done: dict[str, tuple[int | None, int | None]] = {}
    for data in _lines(folder):
        key = _key_of(data)
        if data.get("status") == "failed":
            done.pop(key, None)
        else:
            done[key] = (data.get("size"), data.get("mtime_ns"))
    return done


def _manifest_line(result: FileResult) -> bytes:
    """The manifest's line for ``result``."""
    data = _compact(result)
    data["key"] = result.key
    return (json.dumps(data, ensure_ascii=False) + "\n").encode("utf-8")


class _Manifest:
    """Appends one JSON line per finished file, flushed at once, so a killed run loses none."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / MANIFEST
        cut_short = False
        if path.exists() and path.stat().st_size:
            with path.open("rb") as existing:
                existing.seek(-1, os.SEEK_END)
                cut_short = existing.read(1) != b"\n"  # the last line of a killed run
        self._stream = path.open("ab")
        if cut_short:
            self._stream.write(b"\n")

    def add(self, result: FileResult) -> None:
        self.add_line(_manifest_line(result))

    def add_line(self, line: bytes) -> int:
        """Append one whole line (flushed); returns its offset in the manifest."""
        offset = self._stream.tell()
        self._stream.write(line)
        self._stream.flush()
        return offset

    def close(self) -> None:
        self._stream.close()


# --- shards: what each process wrote ---------------------------------------------------------


SHARDS = ".shards"
"""The folder, in the output folder, where each process of a run writes its shard."""


@attrs.frozen
class _Rows:
    """Where a shard holds one file's rows of the outputs.

    Attributes:
        shard: The shard's name.
        key: The file's absolute path.
        spans: Offset and length of its rows in each output's shard (`_OUTPUTS` order).
        tally: What it adds to the counts (`_Counts.tally`).
    """

    shard: str
    key: str
    spans: tuple[int, ...]
    tally: list[Any]


def _whole_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """Every line of ``path`` that ends in a newline, with its offset (none when it is gone)."""
    try:
        stream = path.open("rb")
    except OSError:
        return
    with stream:
        offset = 0
        for line in stream:
            if not line.endswith(b"\n"):  # cut short when its process was killed
                return
            yield offset, line
            offset += len(line)


def _shard_names(folder: Path) -> list[str]:
    """The shards in ``folder`` whose manifest is not merged yet, oldest first.

    A worker's shard is named ``w-`` and the time it began, the coordinator's ``z-``: merged
    last, the coordinator's word on a file (stopped, its worker dead) is its latest record.
    """
    where = folder / SHARDS
    if not where.is_dir():
        return []
    return sorted(
        path.name.removesuffix(".jsonl")
        for path in where.glob("*.jsonl")
        if not path.name.endswith(".index.jsonl")
    )


class _Shard:
    """One process's shard of a run: its files' manifest records and rows of the outputs.

    For each file, the rows of ``summary.csv``, ``cells.csv`` and ``findings.csv`` are
    appended to the shard's three CSV files, then the manifest record to its ``.jsonl``, then
    where the rows are to its ``.index.jsonl``, each flushed: a process killed loses at most
    the file in flight. The rows are made from the result itself: they are the rows
    `_write_outputs` makes from its manifest record, which keeps every value exactly (numbers
    as their text), as a test checks on generated reports and the real documents.
    """

    def __init__(self, folder: Path, who: str) -> None:
        where = folder / SHARDS
        where.mkdir(parents=True, exist_ok=True)
        self.name = f"{who}-{time.time_ns():020}-{os.getpid()}"
        self.rows = {name: (where / f"{self.name}.{name}.csv").open("xb") for name in _OUTPUTS}
        self.manifest = (where / f"{self.name}.jsonl").open("xb")
        self.index = (where / f"{self.name}.index.jsonl").open("xb")
        self.sizes = dict.fromkeys(_OUTPUTS, 0)
        self.manifest_size = 0

    def add(self, result: FileResult) -> None:
        """Record ``result``: its rows, its manifest record, where its rows are."""
        line = _manifest_line(result)
        chunks = _chunks(result)
        spans: list[int] = []
        for name, chunk in chunks.items():
            spans += [self.sizes[name], len(chunk)]
            self.rows[name].write(chunk)
            self.rows[name].flush()
            self.sizes[name] += len(chunk)
        offset = self.manifest_size
        self.manifest.write(line)
        self.manifest.flush()
        self.manifest_size += len(line)
        entry = [offset, result.key, *spans, _Counts.tally(result)]
        self.index.write((json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8"))
        self.index.flush()

    def close(self) -> None:
        for stream in (*self.rows.values(), self.manifest, self.index):
            stream.close()


def _merge_shards(folder: Path) -> dict[int, _Rows]:
    """Append every shard's records to the manifest; where the rows of each one are.

    A shard's manifest and index are deleted once merged (its rows stay until the outputs are
    written); a run killed in between leaves the record in the manifest, whose rows
    `_write_outputs` then makes from it.

    Returns:
        For each record appended, by its offset in the manifest: where its rows are.
    """
    names = _shard_names(folder)
    if not names:
        return {}
    where = folder / SHARDS
    merged: dict[int, _Rows] = {}
    manifest = _Manifest(folder)
    try:
        for name in names:
            index: dict[int, _Rows] = {}
            for _, line in _whole_lines(where / f"{name}.index.jsonl"):
                with contextlib.suppress(ValueError, TypeError):
                    offset, key, *spans, tally = json.loads(line)
                    if len(spans) == 2 * len(_OUTPUTS):
                        index[offset] = _Rows(name, key, tuple(spans), tally)
            for offset, line in _whole_lines(where / f"{name}.jsonl"):
                at = manifest.add_line(line)
                if offset in index:
                    merged[at] = index[offset]
            (where / f"{name}.jsonl").unlink()
            (where / f"{name}.index.jsonl").unlink(missing_ok=True)
    finally:
        manifest.close()
    return merged


def _latest_offsets(
    folder: Path, start: int = 0, known: dict[int, _Rows] | None = None
) -> dict[str, int]:
    """The offset of the last record of every file in the manifest from byte ``start`` on.

    The records at the offsets of ``known`` (merged from shards) are not parsed again.
    """
    if not known:
        return {_key_of(data): offset for offset, data in _records(folder, start)}
    latest: dict[str, int] = {}
    manifest = folder / MANIFEST
    if not manifest.exists():
        return latest
    with manifest.open("rb") as stream:
        stream.seek(start)
        offset = start
        for line in stream:
            here, offset = offset, offset + len(line)
            rows = known.get(here)
            if rows is not None:
                latest[rows.key] = here
                continue
            with contextlib.suppress(ValueError):  # a line cut short, or not ours
                data = json.loads(line)
                if isinstance(data, dict) and "source" in data:
                    latest[_key_of(data)] = here
    return latest


def _read_record(stream: BinaryIO, offset: int, manifest: Path) -> FileResult:
    """The record at ``offset`` of the manifest open as ``stream``.

    Raises:
        GkbgError: The record is JSON but not a record this version of gkbg can read.
    """
    stream.seek(offset)
    data = json.loads(stream.readline())
    data.pop("key", None)
    try:
        return _expand(data)
    except (_cattrs().BaseValidationError, KeyError, ValueError, TypeError) as exc:
        raise GkbgError(
            f"{manifest}: the record of {data.get('source')} cannot be read ({exc}); "
            "delete its line to read the file again"
        ) from exc


# --- outputs --------------------------------------------------------------------------------


def _write_parquet(folder: Path, names: Sequence[str], processes: int = 0) -> list[str]:
    """The CSV outputs again as Parquet, numbers as exact decimals, when pyarrow is installed.

    With ``processes``, each output is converted in a process of its own (at most that many
    at once), so that a batch's coordinator neither imports pyarrow nor converts: the files
    are the same.
    """
    if processes and names and _installed("pyarrow"):
        context = multiprocessing.get_context(_start_method())
        with concurrent.futures.ProcessPoolExecutor(
            max_workers=min(processes, len(names)), mp_context=context
        ) as pool:
            done = list(pool.map(_parquet, [folder] * len(names), names))
    else:
        done = [_parquet(folder, name) for name in names]
    return [f"{name}.parquet" for name, made in zip(names, done, strict=True) if made]


def _installed(module: str) -> bool:
    """Whether ``module`` can be found (without importing it)."""
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # a module set to None in sys.modules, say
        return False


def _parquet(folder: Path, name: str) -> bool:
    """``name``.csv in ``folder`` again as Parquet; False when pyarrow cannot be imported."""
    try:
        pa = importlib.import_module("pyarrow")
        pc = importlib.import_module("pyarrow.compute")
        pcsv = importlib.import_module("pyarrow.csv")
        pq = importlib.import_module("pyarrow.parquet")
    except ImportError:
        return False
    numeric = {"cells": {"value"}, "findings": {"expected", "actual", "difference"}}
    integer = {
        "summary": {"year", "cells", "uncertain", "errors", "warnings", "not_checkable", "size"}
        | {"mtime_ns"},
        "cells": {"year"},
    }
    source = folder / f"{name}.csv"
    with source.open(encoding="utf-8-sig", newline="") as stream:
        header = stream.readline().strip().split(",")
    table = pcsv.read_csv(
        source,
        convert_options=pcsv.ConvertOptions(
            column_types=dict.fromkeys(header, pa.string()),
            strings_can_be_null=True,
            null_values=[""],
        ),
    )
    for index, column in enumerate(table.column_names):
        data = table.column(column)
        if column in numeric.get(name, ()):
            # the most digits after the point any value has (what follows its first ".")
            after = pc.replace_substring_regex(data, pattern=r"^[^.]*\.?", replacement="")
            scale = pc.max(pc.utf8_length(after)).as_py() or 0
            data = pc.cast(data, pa.decimal128(38, scale))
        elif column in integer.get(name, ()):
            data = pc.cast(data, pa.int64())
        table = table.set_column(index, column, data)
    pq.write_table(table, folder / f"{name}.parquet")
    return True


class _Counts:
    """The counts of a `BatchSummary`, taken one result at a time (no result is kept)."""

    def __init__(self) -> None:
        self.counts = dict.fromkeys(("files", "ok", "unreadable", "failed", "with_errors"), 0)
        self.counts |= {"errors": 0, "warnings": 0}
        self.problems: list[tuple[str, str, str]] = []

    @staticmethod
    def tally(result: FileResult) -> list[Any]:
        """What one result adds: status, errors, warnings, and source, class and message."""
        errors = sum(1 for f in result.findings if f.severity is gkbg.Severity.ERROR)
        return [
            result.status,
            errors,
            len(result.findings) - errors,
            result.source,
            result.error_class or "",
            result.error or "",
        ]

    def add_tally(self, tally: list[Any]) -> None:
        status, errors, warnings, source, error_class, error = tally
        counts = self.counts
        counts["files"] += 1
        counts[status] += 1
        counts["errors"] += errors
        counts["warnings"] += warnings
        counts["with_errors"] += bool(errors)
        if status != "ok":
            self.problems.append((source, error_class, error))

    def fields(self) -> dict[str, Any]:
        return {**self.counts, "problems": tuple(self.problems)}


def _chunks(result: FileResult) -> dict[str, bytes]:
    """A file's rows of each output, as CSV bytes (`_OUTPUTS` order)."""
    csv_bytes = gkbg._api.records.csv_bytes  # noqa: SLF001 - see `parse`
    return {
        "summary": csv_bytes([result.summary_record().values()]),
        "cells": csv_bytes(r.values() for r in result.cell_records()),
        "findings": csv_bytes(r.values() for r in result.finding_records()),
    }


def _write_outputs(
    folder: Path,
    *,
    read: int,
    skipped: int,
    merged: dict[int, _Rows] | None = None,
    processes: int = 0,
) -> BatchSummary:
    """Write cells, findings and summary from the manifest, sorted by path.

    When this run read nothing and nothing changed since they were last written, they are kept.
    Otherwise the rows of a file recorded since are copied from the shard that wrote them
    (``merged``: by the record's offset in the manifest) or made from its record, and those of
    the other files are copied from the outputs as last written, when these are unchanged since
    (``batch.json`` records where each file's rows are); else every row is made afresh. With
    ``processes``, the Parquet files are written by that many processes (`_write_parquet`).
    """
    merged = merged or {}
    unchanged = _unchanged_outputs(folder, read=read, skipped=skipped)
    if unchanged is not None:
        return unchanged
    folder.mkdir(parents=True, exist_ok=True)
    previous = _previous_rows(folder)
    start = previous[0] if previous else 0
    old: dict[str, list[Any]] = previous[1] if previous else {}
    new = _latest_offsets(folder, start, merged)
    manifest = folder / MANIFEST
    shards: dict[str, dict[str, BinaryIO]] = {}
    index: dict[str, list[Any]] = {}
    counts = _Counts()
    names = _OUTPUTS
    headers = _headers()
    with contextlib.ExitStack() as stack:
        records = stack.enter_context(manifest.open("rb")) if new else None
        earlier = (
            {name: stack.enter_context((folder / f"{name}.csv").open("rb")) for name in names}
            if old
            else {}
        )
        targets = {
            name: stack.enter_context((folder / f".{name}.csv.partial").open("wb"))
            for name in names
        }
        for name in names:
            targets[name].write(headers[name])
        for key in sorted(old.keys() | new.keys()):
            if key in new:
                assert records is not None  # noqa: S101 - opened when there are new records
                rows = merged.get(new[key])
                if rows is not None:
                    shard = shards.get(rows.shard)
                    if shard is None:
                        shard = shards[rows.shard] = {
                            name: stack.enter_context(
                                (folder / SHARDS / f"{rows.shard}.{name}.csv").open("rb")
                            )
                            for name in names
                        }
                    chunks = {}
                    for position, name in enumerate(names):
                        shard[name].seek(rows.spans[2 * position])
                        chunks[name] = shard[name].read(rows.spans[2 * position + 1])
                    tally = rows.tally
                else:
                    result = _read_record(records, new[key], manifest)
                    chunks = _chunks(result)
                    tally = _Counts.tally(result)
            else:
                spans, tally = old[key][:6], old[key][6]
                chunks = {}
                for position, name in enumerate(names):
                    earlier[name].seek(spans[2 * position])
                    chunks[name] = earlier[name].read(spans[2 * position + 1])
            spans = []
            for name in names:
                spans += [targets[name].tell(), len(chunks[name])]
                targets[name].write(chunks[name])
            index[key] = [*spans, tally]
            counts.add_tally(tally)
    for name in names:
        (folder / f".{name}.csv.partial").replace(folder / f"{name}.csv")
    written = [f"{name}.csv" for name in names]
    written += _write_parquet(folder, list(names), processes)
    summary = BatchSummary(
        out=str(folder), read=read, skipped=skipped, outputs=tuple(written), **counts.fields()
    )
    _record_outputs(folder, summary, index)
    return summary


def write_batch(
    results: Iterable[FileResult],
    out: str | os.PathLike[str],
    *,
    rules: RuleSet | None = None,
    format: str | None = None,  # noqa: A002 - the name `gkbg.parse` uses
    fresh: bool = False,
) -> BatchSummary:
    """Record results made elsewhere (on a Dask cluster, say) in ``out`` and write its outputs.

    The results join the manifest of ``out`` exactly as `batch` records its own, so `batch`
    and `batch_files` with ``out=`` skip them afterwards.

    Args:
        results: What `batch_file` returned for each file.
        out: The output folder (created when needed).
        rules: The checks the results were made with, as given to `batch_file`.
        format: The format they were read in, as given to `batch_file`.
        fresh: Forget the results already in ``out``.

    Returns:
        The summary of everything ``out`` now holds.

    Raises:
        GkbgError: ``out`` holds results made with another gkbg, other checks or another
            format (see `batch`).
    """
    folder = Path(out)
    _settled(folder, _fingerprint(rules, format), fresh=fresh)
    merged = _merge_shards(folder)  # what a killed `batch` left in its shards
    manifest = _Manifest(folder)
    count = 0
    try:
        for result in results:
            manifest.add(result)
            count += 1
    finally:
        manifest.close()
    summary = _write_outputs(folder, read=count, skipped=0, merged=merged)
    shutil.rmtree(folder / SHARDS, ignore_errors=True)
    return summary


# --- reading the outputs back ---------------------------------------------------------------


@attrs.frozen(repr=False)
class BatchFrames:
    """The outputs of a batch as pandas frames (see `read_batch`).

    Attributes:
        summary: One row per file (`SUMMARY_FIELDS`); the counts, ``year``, ``size`` and
            ``mtime_ns`` are nullable ``Int64``.
        cells: One row per cell (`gkbg.CELL_FIELDS`), as `gkbg.cells_frame` makes it.
        findings: One row per finding (`gkbg.FINDING_FIELDS`), as `gkbg.findings_frame` makes it.
    """

    summary: Any
    cells: Any
    findings: Any

    def __repr__(self) -> str:
        """``<BatchFrames: 16 files, 2800 cells, 33 findings>``."""
        return (
            f"<BatchFrames: {len(self.summary)} files, {len(self.cells)} cells, "
            f"{len(self.findings)} findings>"
        )


_SUMMARY_INTEGERS = frozenset(
    ("year", "cells", "uncertain", "errors", "warnings", "not_checkable", "size", "mtime_ns")
)
_ALWAYS_TEXT = {"cells": frozenset(("uncertain",)), "findings": frozenset(("cells",))}


def _cell_value(value: object, variant: str | None, key: str | None) -> int | Decimal | None:
    """A cell's number as read back: an `int` for a count, a `Decimal` for an amount."""
    if value is None:
        return None
    number = value if isinstance(value, (int, Decimal)) else Decimal(str(value))
    form = gkbg.forms().get(variant) if variant else None
    spec = next((c for c in form.cells() if c.key == key), None) if form else None
    kind = spec.kind if spec else ("amount" if "." in str(number) else "count")
    if kind == "amount":
        return Decimal(number)
    return int(number)


def _rows(folder: Path, name: str, parquet: bool) -> list[dict[str, Any]]:
    """The rows of one output as dicts of Python values; an empty field is None."""
    if parquet:
        import_extra = gkbg._api.compat.import_extra  # noqa: SLF001 - see `parse`
        pq = import_extra("pyarrow.parquet", extra="parquet", purpose="reading Parquet outputs")
        rows: list[dict[str, Any]] = pq.read_table(folder / f"{name}.parquet").to_pylist()
    else:
        with (folder / f"{name}.csv").open(encoding="utf-8-sig", newline="") as stream:
            rows = [
                {field: (text if text != "" else None) for field, text in row.items()}
                for row in csv.DictReader(stream)
            ]
    for row in rows:
        for field in _ALWAYS_TEXT.get(name, ()):
            row[field] = row[field] or ""
    return rows


def read_batch(
    folder: str | os.PathLike[str], *, source: Literal["auto", "csv", "parquet"] = "auto"
) -> BatchFrames:
    """Load the outputs of a `batch` (an ``--out`` folder) back as pandas frames.

    The frames have the dtypes of the functions that make them from reports: the cells as
    `gkbg.cells_frame` (``year`` ``Int64``; ``value`` an `int` for a count, a `Decimal` for an
    amount, None for no number), the findings as `gkbg.findings_frame` (``expected``,
    ``actual``, ``difference`` ``Int64`` when whole, else `Decimal`), the summary with
    ``Int64`` counts. A CSV file cannot tell an empty text from a missing one: an empty field
    comes back as missing (``uncertain`` and a finding's ``cells`` as ``""``).

    Args:
        folder: The output folder of `batch` or ``gkbg batch --out``.
        source: ``"parquet"`` or ``"csv"``: which files to read; ``"auto"`` (the default)
            reads the Parquet files when they are there and pyarrow is installed, else the CSV.

    Returns:
        The three frames.

    Raises:
        GkbgError: The folder holds no batch outputs.
        MissingExtraError: pandas (or, for ``source="parquet"``, pyarrow) is not installed.
    """
    import_extra = gkbg._api.compat.import_extra  # noqa: SLF001 - see `parse`
    pd = import_extra("pandas", extra="pandas", purpose="reading batch outputs as frames")
    where = Path(folder)
    if source == "auto":
        parquet = all((where / f"{name}.parquet").is_file() for name in _OUTPUTS) and (
            importlib.util.find_spec("pyarrow") is not None
        )
    else:
        parquet = source == "parquet"
    suffix = "parquet" if parquet else "csv"
    missing = [
        f"{name}.{suffix}" for name in _OUTPUTS if not (where / f"{name}.{suffix}").is_file()
    ]
    if missing:
        raise GkbgError(f"{where}: not the output folder of a batch (no {', '.join(missing)})")
    summary_rows = _rows(where, "summary", parquet)
    summary = pd.DataFrame(summary_rows, columns=list(SUMMARY_FIELDS))
    for field in _SUMMARY_INTEGERS:
        summary[field] = pd.array(
            [None if row[field] is None else int(row[field]) for row in summary_rows],
            dtype="Int64",
        )
    records = gkbg._api.records  # noqa: SLF001 - see `parse`
    cell_rows = _rows(where, "cells", parquet)
    for row in cell_rows:
        row["year"] = None if row["year"] is None else int(row["year"])
        row["value"] = _cell_value(row["value"], row["variant"], row["key"])
    return BatchFrames(
        summary=summary,
        cells=records.cell_records_frame(cell_rows),
        findings=records.finding_records_frame(_rows(where, "findings", parquet)),
    )


# --- running --------------------------------------------------------------------------------


_BAR_FORMAT = (
    "{desc} {percentage:3.0f}%|{bar:24}| {n_fmt}/{total_fmt} files{postfix} "
    "[{elapsed}<{remaining}, {rate_fmt}]"
)


def in_notebook() -> bool:
    """Whether this runs in a Jupyter kernel (where standard error is no terminal)."""
    ipython = sys.modules.get("IPython")
    shell = getattr(ipython, "get_ipython", lambda: None)()
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def _bar_class() -> Any:  # noqa: ANN401 - a tqdm class
    """The bar: tqdm's notebook bar in Jupyter (when ipywidgets can draw it), else its text bar."""
    if in_notebook() and importlib.util.find_spec("ipywidgets") is not None:
        return importlib.import_module("tqdm.auto").tqdm
    return importlib.import_module("tqdm.std").tqdm


class _Progress:
    """A progress bar drawn by tqdm: rate and ETA, and how many files could not be read.

    In a terminal it is tqdm's text bar, rewritten in place; in Jupyter, its notebook bar (a
    widget, when ipywidgets is installed; else the text bar in the cell's output).
    """

    def __init__(self, total: int, stream: TextIO | None) -> None:
        self.total = total
        self.unreadable = 0
        self.bar = (
            None
            if stream is None or not total
            else _bar_class()(
                total=total,
                file=stream,
                desc="gkbg batch",
                unit="file",
                bar_format=_BAR_FORMAT,
                postfix="0 not read",
                mininterval=0.1,
            )
        )

    def step(self, result: FileResult) -> None:
        if result.status != "ok":
            self.unreadable += 1
            if self.bar is not None:
                self.bar.set_postfix_str(f"{self.unreadable} not read", refresh=False)
        if self.bar is not None:
            self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


_WORKER: dict[str, Any] = {}


@attrs.frozen
class _Setup:
    """What every worker of a batch is given: the checks, the format, the limits, the folder.

    With an output folder, each worker records its files in a shard of its own there (see
    `_Shard`) and hands back each `FileResult` without its tables and findings; without one,
    it hands back each `FileResult` whole.
    """

    rules: RuleSet | None
    format: str | None
    limits: Limits
    out: str | None = None


def _init_worker(setup: _Setup, started: Any) -> None:  # noqa: ANN401 - a SimpleQueue
    # the parent has loaded the plugins first and warned of any left out: once is enough
    warnings.simplefilter("ignore", PluginWarning)
    _WORKER["setup"] = setup
    _WORKER["started"] = started


def _work(path: str) -> FileResult:
    """Read and check one file in a worker.

    Returns:
        Its result; once the worker's shard holds the file, without its tables and findings
        (what the coordinator counts).
    """
    setup: _Setup = _WORKER["setup"]
    # tell the parent which process reads which file since when, for the time limit
    _WORKER["started"].put((path, os.getpid(), time.monotonic()))
    result = batch_file(path, rules=setup.rules, format=setup.format, limits=setup.limits)
    if setup.out is None:
        return result
    shard = _WORKER.get("shard")
    if shard is None:  # made on the first file, in the worker's process
        shard = _WORKER["shard"] = _Shard(Path(setup.out), "w")
    try:
        shard.add(result)
    except BaseException:
        # A write that failed (a full disk) may have left part of its rows: where the next
        # file's rows begin is no longer known, so the next file goes to a new shard.
        del _WORKER["shard"]
        with contextlib.suppress(OSError):
            shard.close()
        raise
    return attrs.evolve(result, tables=(), findings=())


def _start_method() -> str:
    """How to start workers: ``fork`` when the parent has one thread, else ``spawn``.

    ``fork`` is fast and works from any script; a threaded parent must not fork.
    """
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        return "fork"
    return "spawn"


class _Workers:
    """A pool of worker processes that says when each file began, and in which process."""

    def __init__(self, jobs: int, setup: _Setup, method: str | None = None) -> None:
        context = multiprocessing.get_context(method or _start_method())
        self.started = context.SimpleQueue()
        self.pool = concurrent.futures.ProcessPoolExecutor(
            max_workers=jobs,
            mp_context=context,
            initializer=_init_worker,
            initargs=(setup, self.started),
        )
        self.began: dict[str, tuple[int, float]] = {}

    def close(self) -> None:
        """Shut the pool down (a broken one too) and let the queue go."""
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.started.close()

    def submit(self, path: str) -> concurrent.futures.Future[FileResult]:
        return self.pool.submit(_work, path)

    def overdue(self, paths: Iterable[str], seconds: float) -> list[str]:
        """Those of ``paths`` a worker has been reading for more than ``seconds``.

        ``paths`` are the files in flight: when each of the others began is forgotten, so that
        what the pool keeps does not grow with the batch.
        """
        while not self.started.empty():
            path, pid, since = self.started.get()
            self.began[path] = (pid, since)
        began = self.began = {p: self.began[p] for p in paths if p in self.began}
        now = time.monotonic()
        return [p for p, (_, since) in began.items() if now - since > seconds]

    def next_deadline(self, paths: Iterable[str], seconds: float) -> float:
        """How long until the first of ``paths`` is overdue (at most a second: others start)."""
        now = time.monotonic()
        ends = [self.began[p][1] + seconds - now for p in paths if p in self.began]
        return max(0.01, min([1.0, *ends]))

    def stop(self, path: str) -> None:
        """End the process reading ``path`` (the pool is broken then, and is not used again)."""
        pid = self.began[path][0]
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def _died(path: str) -> FileResult:
    size, mtime_ns = _stat(Path(path))
    return FileResult(
        path,
        size,
        mtime_ns,
        "failed",
        "WorkerDied",
        f"{path}: the process reading it died (a crash in a library it uses, or the system "
        "ended it for lack of memory); the batch went on with the other files",
    )


def _overran(path: str, seconds: float) -> FileResult:
    """``path`` stopped after ``seconds``: unreadable, a `LimitExceededError` naming it."""
    size, mtime_ns = _stat(Path(path))
    error = LimitExceededError(
        path,
        f"reading and checking it took more than {seconds:g} s (Limits.max_seconds); it was "
        "stopped and the batch went on with the other files",
        "max_seconds",
    )
    return FileResult(path, size, mtime_ns, "unreadable", type(error).__name__, str(error))


def _alone(path: str, setup: _Setup) -> FileResult:
    """``path`` read by a worker of its own: whether it is the file that kills its worker."""
    return _read_alone(path, setup)[0]


def _read_alone(path: str, setup: _Setup) -> tuple[FileResult, bool]:
    """`_alone`'s result, and whether the worker recorded it (in its shard, see `_work`).

    A file that overran or killed its worker has a result the coordinator made: not recorded.
    """
    seconds = setup.limits.max_seconds
    with contextlib.closing(_Workers(1, setup)) as workers:
        future = workers.submit(path)
        while not future.done():
            concurrent.futures.wait([future], timeout=workers.next_deadline([path], seconds))
            if not future.done() and workers.overdue([path], seconds):
                workers.stop(path)
                return _overran(path, seconds), False
        try:
            return future.result(), setup.out is not None
        except concurrent.futures.BrokenExecutor:
            return _died(path), False
        except Exception as exc:  # noqa: BLE001 - as in `_run_pool`
            size, mtime_ns = _stat(Path(path))
            failed = FileResult(path, size, mtime_ns, "failed", type(exc).__name__, str(exc))
            return failed, False


def _run_pool(
    todo: Sequence[str],
    jobs: int,
    setup: _Setup,
    method: str | None = None,
    opening: Callable[[_Workers], None] | None = None,
) -> Iterator[tuple[FileResult, bool]]:
    """Every file's result, from ``jobs`` worker processes, whatever happens to a worker.

    Each comes with whether its worker recorded it (in its shard, when ``setup.out`` is
    given: see `_work`); a file that overran or killed its worker, or whose result could not
    come back, comes with the `FileResult` the coordinator made for it, for the caller to
    record.

    A worker that dies (a crash in a native library, the kernel's out-of-memory killer) breaks
    the pool, and every file in flight then fails with it, the guilty one among them. Those
    files are read again, each by a worker of its own, so that only the file that kills its
    worker is recorded as failed; the rest of the files go on in a new pool.

    A file read for longer than ``setup.limits.max_seconds`` (timed from when its worker
    began it) is stopped: its worker is ended, the file recorded as unreadable with a
    `LimitExceededError`, and the other files in flight go back to the queue of a new pool.

    ``opening`` is called with the first pool before any file is handed out to it.
    """
    seconds = setup.limits.max_seconds
    recorded = setup.out is not None
    queue = collections.deque(todo)
    window = jobs * 4
    while queue:
        suspects: list[str] = []
        with contextlib.closing(_Workers(jobs, setup, method)) as workers:
            if opening is not None:
                opening(workers)
                opening = None
            pending: dict[concurrent.futures.Future[FileResult], str] = {}
            broken = False  # a worker died while files were being handed out
            while queue or pending:
                while not broken and queue and len(pending) < window:
                    path = queue.popleft()
                    try:
                        pending[workers.submit(path)] = path
                    except concurrent.futures.BrokenExecutor:
                        queue.appendleft(path)  # not begun: it goes to the next pool
                        broken = True
                if broken and not pending:
                    break
                finished, _ = concurrent.futures.wait(
                    pending,
                    timeout=workers.next_deadline(pending.values(), seconds),
                    return_when=concurrent.futures.FIRST_COMPLETED,
                )
                for future in finished:
                    path = pending.pop(future)
                    try:
                        yield future.result(), recorded
                    except concurrent.futures.BrokenExecutor:
                        suspects.append(path)
                    except Exception as exc:  # noqa: BLE001 - one file must not stop a batch
                        size, mtime_ns = _stat(Path(path))
                        failed = FileResult(
                            path, size, mtime_ns, "failed", type(exc).__name__, str(exc)
                        )
                        yield failed, False
                if suspects:
                    suspects.extend(pending.values())
                    break
                overdue = workers.overdue(pending.values(), seconds)
                if overdue:
                    for path in overdue:
                        workers.stop(path)
                        yield _overran(path, seconds), False
                    # the others in flight were not at fault: read them again in a new pool
                    queue.extendleft(reversed([p for p in pending.values() if p not in overdue]))
                    break
        for path in suspects:
            yield _read_alone(path, setup)


def _cores() -> int:
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity else (os.cpu_count() or 1)


def batch(
    paths: Iterable[str | os.PathLike[str]],
    out: str | os.PathLike[str],
    *,
    jobs: int | None = None,
    rules: RuleSet | None = None,
    select: str | Iterable[str] | None = None,
    ignore: str | Iterable[str] | None = None,
    format: str | None = None,  # noqa: A002 - the name `gkbg.parse` uses
    progress: bool | Literal["auto"] | None = "auto",
    stream: TextIO | None = None,
    fresh: bool = False,
    limits: Limits = ISOLATED_LIMITS,
) -> BatchSummary:
    """Read and check many files in worker processes, write cells, findings and a summary.

    A file that cannot be read is recorded (its error class and message) and skipped; the run
    goes on. A rerun with the same ``out`` skips the files already done (see the module notes
    on the manifest) and rewrites the outputs for all of them. The folder records what its
    results were made with (``batch.json``: the gkbg version, a fingerprint of the checks, the
    format); a rerun with others is refused rather than mixing results.

    Args:
        paths: Files, folders and glob patterns (see `batch_files`).
        out: The output folder (created when needed).
        jobs: Worker processes; by default one per core (and at least one worker process,
            even for one file). With 1 the files are read in this process, where no time
            limit can stop a file (the readers' own limits still hold).
        rules: The checks; by default `RuleSet.default()`. Custom checks must be picklable
            (module-level functions) to reach the workers.
        select: Run only the checks these ids or id prefixes name (as `gkbg.check`).
        ignore: Leave out the checks these ids or id prefixes name. The checks so chosen are
            those the output folder records: a rerun with others is refused, as with ``rules``.
        format: Read every file in this format instead of detecting it.
        progress: Show a progress bar (tqdm's: files done, rate and time left): True, False,
            or ``"auto"`` (the default; None is the same): in Jupyter, and on ``stream`` when
            it is a terminal, never in a log file or a pipe.
        stream: Where the text bar goes; by default standard error.
        fresh: Forget the results already in ``out`` and read every file again.
        limits: The limits to read each file within; by default those of ``gkbg check`` (the
            defaults, PDF read in an isolated worker). A file whose reading and checking take
            longer than ``limits.max_seconds`` (120 s by default) in a worker process is
            stopped, with its worker, and recorded as unreadable with a `LimitExceededError`
            naming it; the batch goes on.

    Returns:
        The counts of the run and of the output folder.

    Raises:
        GkbgError: ``out`` cannot be used: it holds results made with another gkbg, other
            checks or another ``format`` (the message says to start afresh with ``fresh``),
            or a manifest record this gkbg cannot read.
        RuleError: ``select`` or ``ignore`` names no check.
    """
    if select is not None or ignore is not None:
        rules = gkbg._api.choose(rules, select=select, ignore=ignore)  # noqa: SLF001 - see `parse`
    folder = Path(out)
    if fresh:
        _forget(folder)
    chosen = _collect(paths)
    todo = sorted(_pending(chosen, folder).values())
    skipped = len(chosen) - len(todo)
    stream = sys.stderr if stream is None else stream
    show = (in_notebook() or stream.isatty()) if progress in (None, "auto") else bool(progress)
    method = _start_method()  # before the bar, whose thread would rule out fork
    workers = max(1, jobs or _cores())
    pooled = jobs != 1 and bool(todo)
    merged: dict[int, _Rows] = {}
    if not pooled:
        # Plugins load here first, so that one left out is named once. With workers, the first
        # of them loads them and says what the results are made with (`_prelude`), so that the
        # coordinator need not import the readers, the checks and the exports.
        gkbg.default_registry().names()
        _settled(folder, _fingerprint(rules, format), fresh=False)
        merged |= _merge_shards(folder)  # what a killed run left in its shards
    bar = _Progress(len(todo), stream if show else None)
    if not pooled:
        manifest = _Manifest(folder)
        try:
            for path in todo:
                result = batch_file(path, rules=rules, format=format, limits=limits)
                manifest.add(result)
                bar.step(result)
        finally:
            manifest.close()
            bar.close()
    else:
        # The workers record their files in shards; the coordinator records, in a shard of
        # its own, the files a worker could not (stopped, or killed with their worker).
        setup = _Setup(rules, format, limits, str(folder))
        own: _Shard | None = None

        def opening(pool: _Workers) -> None:
            """Before any file is handed out: settle the folder, merge what a killed run left."""
            said = _ask_first_worker(pool, rules, format)
            _settled(folder, said.fingerprint, fresh=False)
            _HEADERS.update(said.headers)
            merged.update(_merge_shards(folder))

        try:
            jobs = min(workers, len(todo))
            for result, recorded in _run_pool(todo, jobs, setup, method, opening):
                if not recorded:
                    own = own or _Shard(folder, "z")
                    own.add(result)
                bar.step(result)
        finally:
            if own is not None:
                own.close()
            bar.close()
        merged |= _merge_shards(folder)
    summary = _write_outputs(
        folder, read=len(todo), skipped=skipped, merged=merged, processes=workers if pooled else 0
    )
    shutil.rmtree(folder / SHARDS, ignore_errors=True)  # every shard is in the outputs now
    return summary
