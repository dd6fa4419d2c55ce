# SPDX-License-Identifier: MIT
"""The gkbg benchmark: time per report by format, against the bare engines, and the targets.

Run from the repository root (with the ``test`` extra installed, for pypdfium2)::

    python bench/run.py                    # a few minutes
    python bench/run.py --quick            # fewer repetitions, for a first look
    python bench/run.py --profile county   # cProfile of parse and check of one document

What it measures, on the documents bundled under ``tests/fixtures`` and ``examples`` and on
larger pages built from them (the same report with its narrative grown ten and a hundred
times):

* per format: the median time of `gkbg.parse` and of `gkbg.check` per report, the reports per
  second one core manages (parse and check), and the peak memory (traced Python allocations)
  of one parse and check;
* in the same loop, the bare engine on the same input: ``lxml.html.fromstring`` of the same
  HTML bytes, pypdfium2's opening of the same PDF and extraction of every page's characters
  with their boxes, unzipping a DOCX and parsing its ``word/document.xml`` with lxml, and for a
  text report decoding it, splitting it into lines and one regular expression pass over its
  numbers, so that the ratios are taken under the same load;
* the model floor: building the same `Report` from its values with the model's constructors,
  which is what any parser must at least spend on its result;
* the cost of a page ten times larger, against the page itself;
* the throughput of parse and check over a batch of documents with 1, 2, ... worker processes;
* ``gkbg batch`` over 300 small files with one and two workers: the coordinator's CPU time as a
  share of the workers', and the speed-up of two workers over one.

It then prints each target and whether it is MET. Every timing of one call is the CPU time of
the process (`time.process_time`), the median of many runs, and every ratio is taken between
timings interleaved in one loop, because the machine may be shared; only what spans processes
(the batches, the isolated reader) is timed on the wall clock.
"""

from __future__ import annotations

import argparse
import functools
import gc
import io
import itertools
import json
import os
import pickle
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import attrs
import lxml.etree  # type: ignore[import-untyped,unused-ignore]
import lxml.html  # type: ignore[import-untyped,unused-ignore]

import gkbg
from gkbg.core.model import Columns

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"

# The targets of issue 16 (and, kept from issue 8, the linear cost and the batch's growth).
HTML_RATIO = 2.0  # parse + check within 2x lxml.html.fromstring of the same page
PDF_RATIO = 2.0  # parse + check within 2x pypdfium2's opening and character extraction
DOCX_RATIO = 2.0  # parse + check within 2x unzip + lxml parse of word/document.xml
TEXT_RATIO = 10.0  # parse + check within 10x decode + splitlines + one regex pass
TEXT_RATE = 2000.0  # text formats: reports per second per core
CHECK_MICROSECONDS = 30.0  # check() of the tables (without the checks of the text), per report
LINEAR_RATIO = 10.0  # a page ten times larger costs at most ten times more
BATCH_GROWTH = 1.1  # each added worker (up to the cores) adds at least 10% throughput
BATCH_FILES = 300  # gkbg batch: small files
COORDINATOR_SHARE = 0.10  # gkbg batch: the coordinator's CPU at most 10% of the workers'
BATCH_SPEEDUP = 1.7  # gkbg batch: two workers at least 1.7x as fast as one

# A paragraph of the kind the narrative parts of a report hold, to grow pages with.
NARRATIVE = (
    "本机关坚持以人民为中心的发展思想，深入贯彻落实《中华人民共和国政府信息公开条例》，"
    "紧紧围绕中心工作，持续深化政务公开，不断提升政府信息公开的质量和实效。"
    "全年通过政府网站、政务新媒体和新闻发布会等渠道主动公开各类政府信息，"
    "及时回应社会关切，切实保障人民群众的知情权、参与权、表达权和监督权。"
    "同时进一步规范依申请公开工作流程，健全登记、审核、办理、答复和归档等环节的工作制度，"
    "加强工作人员业务培训，提高依法答复水平。"
)


class Document(NamedTuple):
    """One benchmark input."""

    name: str
    group: str  # the format group the targets speak of: text, html, pdf, docx
    data: bytes


def _documents() -> list[Document]:
    documents: list[Document] = []
    texts = sorted((FIXTURES / "seeds").glob("*.txt")) + sorted((ROOT / "examples").glob("*.txt"))
    documents.extend(Document(path.name, "text", path.read_bytes()) for path in texts)
    documents.extend(
        Document(path.name, "html", path.read_bytes())
        for path in sorted((FIXTURES / "html").glob("*.html"))
    )
    documents.extend(
        Document(path.name, "pdf", path.read_bytes())
        for path in sorted((FIXTURES / "corpus").glob("*.pdf"))
    )
    documents.extend(
        Document(path.name, "docx", path.read_bytes())
        for path in sorted((FIXTURES / "docx").glob("*.docx"))
    )
    return documents


def grown_html(data: bytes, paragraphs: int) -> bytes:
    """The HTML page with ``paragraphs`` more narrative paragraphs before its first table."""
    text = data.decode("gb18030")
    marker = text.index("<h1")
    padding = "".join(f"<p>{NARRATIVE}</p>\n" for _ in range(paragraphs))
    return (text[:marker] + padding + text[marker:]).encode("gb18030")


def grown_text(data: bytes, paragraphs: int) -> bytes:
    """A text report with ``paragraphs`` more narrative lines after its first line."""
    text = data.decode("utf-8")
    first, _, rest = text.partition("\n")
    padding = "".join(f"{NARRATIVE}\n" for _ in range(paragraphs))
    return (first + "\n" + padding + rest).encode("utf-8")


def _clock(function: Callable[[], object], clock: Callable[[], float] = time.process_time) -> float:
    """The time of one call: by default its CPU time, what the machine's other work does not
    add to (`time.perf_counter` for work done in another process)."""
    start = clock()
    function()
    return clock() - start


def interleaved(
    functions: Sequence[Callable[[], object]],
    repeat: int,
    clock: Callable[[], float] = time.process_time,
) -> tuple[list[float], list[float], list[list[float]]]:
    """Run the functions in turn ``repeat`` times: each one's median and fastest time, and
    every run's times (one list per round, the functions in order), taken with ``clock``."""
    times: list[list[float]] = [[] for _ in functions]
    for function in functions:  # warm up: caches, imports, lazy vocabularies
        function()
    gc.collect()
    rounds: list[list[float]] = []
    for _ in range(repeat):
        rounds.append([_clock(function, clock) for function in functions])
        for index, seconds in enumerate(rounds[-1]):
            times[index].append(seconds)
    return [statistics.median(ts) for ts in times], [min(ts) for ts in times], rounds


def peak_memory(function: Callable[[], object]) -> int:
    """The peak of traced Python allocations while ``function`` runs, in bytes."""
    function()
    gc.collect()
    tracemalloc.start()
    try:
        function()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak


def bare_pdf(data: bytes) -> int:
    """pypdfium2's character extraction: every page's text and every character's box."""
    import pypdfium2  # noqa: PLC0415 - the pdf extra

    pdf = pypdfium2.PdfDocument(data)
    count = 0
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            text = textpage.get_text_range()
            for char in range(textpage.count_chars()):
                textpage.get_charbox(char)
            count += len(text)
            textpage.close()
            page.close()
    finally:
        pdf.close()
    return count


def bare_docx(data: bytes) -> int:
    """Unzipping a DOCX and parsing its ``word/document.xml`` with lxml."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = lxml.etree.fromstring(archive.read("word/document.xml"))
    return len(root)


NUMBER = re.compile(r"\d+(?:\.\d+)?")


def bare_text(data: bytes) -> int:
    """Decoding a text report, splitting it into lines and one regex pass over its numbers."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("gb18030")
    findall = NUMBER.findall
    return sum(len(findall(line)) for line in text.splitlines())


BARE: dict[str, Callable[[bytes], object]] = {
    "html": lxml.html.fromstring,
    "pdf": bare_pdf,
    "docx": bare_docx,
    "text": bare_text,
}


def _without_text_checks() -> gkbg.RuleSet:
    """The default checks but those that read the report's text (kind ``narrative``)."""
    return gkbg.RuleSet(
        rule for rule in gkbg.RuleSet.default() if getattr(rule, "kind", None) != "narrative"
    )


def model_floor(report: gkbg.Report) -> Callable[[], gkbg.Report]:
    """A function that builds a copy of ``report`` from its field values, with the public
    constructors and nothing else: the cost of the data model alone, which no parser can go
    below while it returns a `Report` whose cells each have a `Location`. A table is built as
    the alignment builds it, from its columns (`gkbg.core.model.Columns`): no `Cell` is made."""
    fields = [
        (
            table.key,
            table.variant,
            table.columns.keys,
            (table.columns.states, table.columns.values, table.columns.raws),
            table.columns.doubts,
            [
                attrs.astuple(where, recurse=False) if where else None
                for where in table.columns.locations
            ],
        )
        for table in report.tables
    ]
    rest = (report.variant, report.year, report.agency, report.title, report.text)
    location, table, columns = gkbg.Location, gkbg.Table, Columns

    def build() -> gkbg.Report:
        tables = tuple(
            table.from_columns(
                key,
                variant,
                columns(
                    keys,
                    *values,
                    doubts,
                    tuple([location(*where) if where else None for where in places]),
                ),
            )
            for key, variant, keys, values, doubts, places in fields
        )
        return gkbg.Report(tables, *rest, source=report.source, format=report.format)

    return build


def parse_and_check(data: bytes) -> int:
    """What a batch does per document; returns the number of findings."""
    return len(gkbg.check(gkbg.parse(data)))


class Row(NamedTuple):
    """One document's figures."""

    name: str
    group: str
    size: int
    parse: float
    check: float
    check_tables: float  # check() without the checks of the text
    bare: float | None
    ratio: float | None  # the median over the rounds of (parse + check) / bare
    peak: int
    fastest: float  # the fastest parse plus the fastest check: what an idle core would take
    floor: float  # building the same Report from its values with the model's constructors
    holds: bool = True  # every relation of the tables holds (check() gives no advice)


def measure(document: Document, repeat: int) -> Row:
    """Time one document: parse, check, and the bare engine, interleaved."""
    data = document.data
    report = gkbg.parse(data)
    tables_only = _without_text_checks()
    floor = model_floor(report)
    assert floor() == report, "the model floor must build the very report parse returns"
    functions: list[Callable[[], object]] = [
        lambda: gkbg.parse(data),
        lambda: gkbg.check(report),
        lambda: gkbg.check(report, tables_only),
        floor,
    ]
    bare_engine = BARE.get(document.group)
    if bare_engine is not None:
        functions.append(lambda: bare_engine(data))
    timings, fastest, rounds = interleaved(functions, repeat)
    bare = timings[4] if len(timings) > 4 else None
    # Each round's ratio, parse and check against the bare engine run just after them; their
    # median is steadier under a changing load than the ratio of the medians.
    ratio = statistics.median((r[0] + r[1]) / r[4] for r in rounds) if bare else None
    peak = peak_memory(lambda: gkbg.check(gkbg.parse(data)))
    parse, check, tables, floor_time = timings[:4]
    fast = fastest[0] + fastest[1]
    return Row(
        document.name,
        document.group,
        len(data),
        parse,
        check,
        tables,
        bare,
        ratio,
        peak,
        fast,
        floor_time,
        gkbg.check(report, tables_only).advice is None,
    )


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:8.2f}"  # milliseconds, eight wide


def print_rows(rows: list[Row]) -> None:
    print(
        f"{'document':32} {'format':6} {'KiB':>7} {'parse ms':>8} {'check µs':>8} "
        f"{'tables µs':>9} {'model µs':>8} {'reports/s':>9} {'bare ms':>8} {'ratio':>6} "
        f"{'peak MiB':>8}"
    )
    for row in rows:
        total = row.parse + row.check
        bare = f"{_ms(row.bare)}" if row.bare else f"{'':8}"
        ratio = f"{row.ratio:6.2f}" if row.ratio else f"{'':6}"
        print(
            f"{row.name[:32]:32} {row.group:6} {row.size / 1024:7.1f} {row.parse * 1e3:8.2f} "
            f"{row.check * 1e6:8.0f} {row.check_tables * 1e6:9.0f} {row.floor * 1e6:8.0f} "
            f"{1 / total:9.0f} {bare} "
            f"{ratio} {row.peak / 2**20:8.2f}"
        )


def print_formats(rows: list[Row]) -> None:
    print(
        f"\n{'format':6} {'reports':>7} {'parse ms':>8} {'check µs':>8} {'tables µs':>9} "
        f"{'reports/s/core':>14} {'fastest':>7} {'peak MiB':>8}"
    )
    for group in dict.fromkeys(row.group for row in rows):
        members = [row for row in rows if row.group == group]
        parse = statistics.median(row.parse for row in members)
        check = statistics.median(row.check for row in members)
        tables = statistics.median(row.check_tables for row in members)
        rate = statistics.median(1 / (row.parse + row.check) for row in members)
        fastest = statistics.median(1 / row.fastest for row in members)
        peak = max(row.peak for row in members)
        print(
            f"{group:6} {len(members):7} {parse * 1e3:8.2f} {check * 1e6:8.0f} "
            f"{tables * 1e6:9.0f} {rate:14.0f} {fastest:7.0f} {peak / 2**20:8.2f}"
        )
    print(
        "(medians over the documents of the medians of the runs; fastest: reports/s from each "
        "document's fastest run, near what an idle core does; peak: the largest)"
    )


def batch(documents: list[bytes], workers: int) -> float:
    """Reports per second over ``documents`` with ``workers`` processes (pool start excluded)."""
    with ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(parse_and_check, documents[: workers * 2]))  # start and warm the workers
        start = time.perf_counter()
        list(pool.map(parse_and_check, documents, chunksize=4))
        elapsed = time.perf_counter() - start
    return len(documents) / elapsed


class BatchRun(NamedTuple):
    """One ``gkbg batch`` run: its wall time and the CPU time of the coordinator and workers."""

    workers: int
    seconds: float
    coordinator: float
    workers_cpu: float


_BATCH_SCRIPT = """
import json, resource, sys, time
from gkbg.cli import main
start = time.perf_counter()
main(sys.argv[1:])
seconds = time.perf_counter() - start
me = resource.getrusage(resource.RUSAGE_SELF)
children = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps([seconds, me.ru_utime + me.ru_stime, children.ru_utime + children.ru_stime]))
"""


def batch_cli(documents: list[Document], workers: int, files: int = BATCH_FILES) -> BatchRun:
    """``gkbg batch`` over ``files`` small files with ``workers`` workers, in a fresh process.

    The coordinator's CPU is the process's own (its start and imports included); the
    workers' is that of its children (forked, waited for when the pool shuts down).
    """
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "in").mkdir()
        for index in range(files):
            document = documents[index % len(documents)]
            suffix = Path(document.name).suffix
            (root / "in" / f"{index:04}{suffix}").write_bytes(document.data)
        command = [sys.executable, "-c", _BATCH_SCRIPT, "batch", str(root / "in")]
        command += ["--out", str(root / "out"), "--jobs", str(workers), "--no-progress"]
        # Imported from cached bytecode, as an installed gkbg is (PYTHONDONTWRITEBYTECODE
        # would have the coordinator compile every module of gkbg again in every run).
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        done = subprocess.run(  # noqa: S603
            command, capture_output=True, text=True, check=False, env=env
        )
        seconds, coordinator, workers_cpu = json.loads(done.stdout.strip().splitlines()[-1])
    return BatchRun(workers, seconds, coordinator, workers_cpu)


def coordinator_start() -> float:
    """The CPU time of a fresh process that only imports ``gkbg.cli``, as `batch_cli` runs it."""
    script = _BATCH_SCRIPT.replace("main(sys.argv[1:])", "pass")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, env=env
    )
    return float(json.loads(done.stdout.strip().splitlines()[-1])[1])


def batch_rounds(documents: list[Document], rounds: int) -> list[BatchRun]:
    """``gkbg batch`` with one and two workers, ``rounds`` times in turn; the fastest of each."""
    small_files = [doc for doc in documents if doc.group in ("text", "html")]
    batches: list[BatchRun] = []
    for _ in range(rounds):  # rounds of one and two workers, interleaved
        batches += [batch_cli(small_files, workers) for workers in (1, 2)]
    best = [
        min((run for run in batches if run.workers == workers), key=lambda run: run.seconds)
        for workers in (1, 2)
    ]
    print(f"\ngkbg batch of {BATCH_FILES} text and HTML files (fastest of the rounds):")
    start = coordinator_start()
    print(f"  (a coordinator's start alone, Python and its imports: {start:.2f} s CPU)")
    for run in best:
        share = f" ({run.coordinator / run.workers_cpu:.0%})" if run.workers_cpu else ""
        print(
            f"  {run.workers} worker{'s' if run.workers > 1 else ''}: {run.seconds:.2f} s, "
            f"coordinator {run.coordinator:.2f} s CPU, workers {run.workers_cpu:.2f} s CPU{share}"
        )
    return best


def measure_batch_cli(documents: list[Document], rounds: int) -> int:
    """Only the rows of ``gkbg batch``: its targets, and status 1 when one is not met."""
    print(f"load average {os.getloadavg()[0]:.1f}")
    best = batch_rounds(documents, rounds)
    results = [v for v in verdicts([], [], [], best) if v.target.startswith("gkbg batch")]
    for verdict in results:
        state = "MET    " if verdict.met else "NOT MET"
        print(f"  {state}  {verdict.target}: {verdict.measured}")
    return 0 if all(verdict.met for verdict in results) else 1


class Verdict(NamedTuple):
    """One target."""

    target: str
    measured: str
    met: bool
    note: str = ""


def _ratio_verdict(rows: list[Row], group: str, target: float, engine: str) -> list[Verdict]:
    members = [row for row in rows if row.group == group and row.ratio]
    if not members:
        return []
    worst = max(row.ratio or 0 for row in members)
    best = min(row.ratio or 0 for row in members)
    return [
        Verdict(
            f"{group} parse+check within {target:g}x {engine}",
            f"{best:.2f}x to {worst:.2f}x (worst {max(members, key=lambda r: r.ratio or 0).name})",
            worst <= target,
        )
    ]


def verdicts(
    rows: list[Row],
    linear: list[tuple[str, float]],
    rates: list[float],
    batches: list[BatchRun] | None = None,
) -> list[Verdict]:
    """Each target of the issue, measured."""
    out: list[Verdict] = []
    out += _ratio_verdict(rows, "html", HTML_RATIO, "lxml.html.fromstring")
    out += _ratio_verdict(rows, "pdf", PDF_RATIO, "pypdfium2 opening + characters with boxes")
    out += _ratio_verdict(rows, "docx", DOCX_RATIO, "unzip + lxml parse of word/document.xml")
    text = [row for row in rows if row.group == "text" and not row.name.startswith("grown")]
    out += _ratio_verdict(text, "text", TEXT_RATIO, "decode + splitlines + one regex pass")
    if text:
        rate = statistics.median(1 / (row.parse + row.check) for row in text)
        slowest = min(1 / (row.parse + row.check) for row in text)
        floor = statistics.median(row.floor for row in text)
        out.append(
            Verdict(
                f"text formats at {TEXT_RATE:g} reports/s per core",
                f"{rate:.0f}/s median, {slowest:.0f}/s slowest",
                slowest >= TEXT_RATE,
                f"building the model objects alone: {floor * 1e6:.0f} µs a report, "
                f"{1 / floor:.0f}/s",
            )
        )
    checks = [row.check_tables for row in rows if not row.name.startswith("grown")]
    holding = [row.check_tables for row in rows if row.holds and not row.name.startswith("grown")]
    if checks:
        median_check = statistics.median(checks) * 1e6
        worst = max(holding or checks) * 1e6
        out.append(
            Verdict(
                f"check() of the tables at most {CHECK_MICROSECONDS:g} µs per report (median)",
                f"{median_check:.0f} µs median, {worst:.0f} µs the slowest report whose "
                f"relations hold",
                median_check <= CHECK_MICROSECONDS,
                f"a report with a failing relation also pays the advice: up to "
                f"{max(checks) * 1e3:.1f} ms; check() with the text's checks "
                f"{statistics.median(row.check for row in rows) * 1e6:.0f} µs median",
            )
        )
    for what, ratio in linear:
        out.append(
            Verdict(
                f"linear cost: {what} 10x larger costs <= {LINEAR_RATIO:g}x",
                f"{ratio:.2f}x",
                ratio <= LINEAR_RATIO,
            )
        )
    pooled = [run for run in batches or [] if run.workers > 1 and run.workers_cpu > 0]
    if pooled:  # with one worker, gkbg batch reads the files in its own process
        share = max(run.coordinator / run.workers_cpu for run in pooled)
        out.append(
            Verdict(
                f"gkbg batch ({BATCH_FILES} files): coordinator CPU at most "
                f"{COORDINATOR_SHARE:.0%} of the workers'",
                ", ".join(
                    f"{run.coordinator / run.workers_cpu:.0%} with {run.workers} workers"
                    for run in pooled
                ),
                share <= COORDINATOR_SHARE,
            )
        )
    if batches and len(batches) > 1:
        speedup = batches[0].seconds / batches[1].seconds
        out.append(
            Verdict(
                f"gkbg batch: two workers at least {BATCH_SPEEDUP:g}x as fast as one",
                f"{speedup:.2f}x ({batches[0].seconds:.1f} s → {batches[1].seconds:.1f} s)",
                speedup >= BATCH_SPEEDUP,
            )
        )
    if len(rates) > 1:
        growth = [later / earlier for earlier, later in itertools.pairwise(rates)]
        out.append(
            Verdict(
                "batch throughput grows with workers",
                " → ".join(f"{rate:.0f}/s" for rate in rates),
                all(step >= BATCH_GROWTH for step in growth),
                f"{len(rates)} workers on {os.cpu_count()} cores, shared with other work",
            )
        )
    return out


def profile(documents: list[Document], name: str, repeat: int) -> int:
    """Print where parse and check of one document spend their time (cProfile)."""
    import cProfile  # noqa: PLC0415 - only for this option
    import pstats  # noqa: PLC0415

    chosen = [document for document in documents if document.name.startswith(name)]
    if not chosen:
        print(f"no document named {name}…; the documents are:")
        print("\n".join(f"  {document.name}" for document in documents))
        return 2
    data = chosen[0].data
    parse_and_check(data)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeat):
        parse_and_check(data)
    profiler.disable()
    print(f"{chosen[0].name}: parse and check, {repeat} times")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
    return 0


def stages(documents: list[Document], names: Sequence[str], repeat: int) -> int:
    """Print where parse and check of each named document spend their time, stage by stage.

    Reading (the format's reader, up to its layout of tokens), the alignment (the `Report`
    from the tokens), `gkbg.check` with and without the checks of the text, the model floor,
    and what reading the result costs: `Report.cells`, every `Cell` made (`iter_cells` on a
    fresh copy) and every finding's messages written (on a fresh result).
    """
    chosen = [doc for doc in documents if any(doc.name.startswith(name) for name in names)]
    tables_only = _without_text_checks()
    print("document: read, align, check (tables only), floor, cells(), cells made, messages")
    for document in chosen:
        functions, results = _stage_functions(document.data, tables_only, repeat)
        timings, _, _ = interleaved(functions, repeat)
        read, align, check, tables, floor, cells, made, messages = timings
        print(
            f"  {document.name}: read {_ms(read)}, align {_ms(align)}, check {check * 1e6:.0f} µs "
            f"({tables * 1e6:.0f} µs), floor {floor * 1e6:.0f} µs, cells() {cells * 1e6:.0f} µs, "
            f"cells made {made * 1e6:.0f} µs, {len(results[0].findings)} messages "
            f"{messages * 1e6:.0f} µs"
        )
    return 0


def checks(documents: list[Document], repeat: int, most: int = 20) -> int:
    """Time `gkbg.check` of each document's report, with and without the checks of its text.

    Each figure is the median over ``repeat`` rounds of up to ``most`` checks in a row (about
    2 ms of them; CPU time, per check); a report whose relations fail also pays for the advice.
    """
    tables_only = _without_text_checks()
    rows = []
    for document in documents:
        report = gkbg.parse(document.data)
        once = _clock(functools.partial(gkbg.check, report))
        calls = max(1, min(most, int(0.002 / max(once, 1e-9))))  # about 2 ms a round

        def run(
            rules: gkbg.RuleSet | None, report: gkbg.Report = report, calls: int = calls
        ) -> None:
            for _ in range(calls):
                gkbg.check(report, rules)

        medians, _, _ = interleaved(
            [functools.partial(run, None), functools.partial(run, tables_only)], repeat
        )
        holds = gkbg.check(report, tables_only).advice is None
        rows.append((document.name, medians[0] / calls, medians[1] / calls, holds))
    print(f"{'document':32} {'check µs':>10} {'tables µs':>10}  relations")
    for name, whole, tables, holds in rows:
        state = "hold" if holds else "fail (advice)"
        print(f"{name[:32]:32} {whole * 1e6:10.1f} {tables * 1e6:10.1f}  {state}")
    holding = [tables for _, _, tables, holds in rows if holds]
    failing = [tables for _, _, tables, holds in rows if not holds]
    median = statistics.median(tables for _, _, tables, _ in rows) * 1e6
    print(
        f"\ncheck() of the tables: {median:.1f} µs median over the documents; "
        f"{statistics.median(holding) * 1e6:.1f} µs median ({max(holding) * 1e6:.1f} slowest) "
        f"where the relations hold; {statistics.median(failing) * 1e3:.2f} ms median "
        f"({max(failing) * 1e3:.2f} slowest) where they fail"
    )
    verdict = "MET" if median <= CHECK_MICROSECONDS else "NOT MET"
    print(f"{verdict}: check() of the tables at most {CHECK_MICROSECONDS:g} µs (median)")
    return 0 if median <= CHECK_MICROSECONDS else 1


def _stage_functions(
    data: bytes, tables_only: gkbg.RuleSet, repeat: int
) -> tuple[list[Callable[[], object]], list[gkbg.CheckResult]]:
    """The functions `stages` times for one document, and the results whose messages it reads."""
    from gkbg.align.report import build_report  # noqa: PLC0415 - only for this option
    from gkbg.read.base import Input  # noqa: PLC0415
    from gkbg.read.registry import parse_layout  # noqa: PLC0415

    limits = gkbg.Limits()
    tokens = parse_layout(Input.of(data, limits), limits=limits)
    report = gkbg.parse(data)
    copies = [pickle_copy(report) for _ in range(repeat + 1)]
    results = [gkbg.check(report) for _ in range(repeat + 2)]
    functions: list[Callable[[], object]] = [
        lambda: parse_layout(Input.of(data, limits), limits=limits),
        lambda: build_report(tokens),
        lambda: gkbg.check(report),
        lambda: gkbg.check(report, tables_only),
        model_floor(report),
        report.cells,
        lambda: tuple(copies.pop().iter_cells()),
        lambda: [(f.message.zh, f.message.en) for f in results.pop().findings],
    ]
    return functions, results


def pickle_copy(report: gkbg.Report) -> gkbg.Report:
    """A copy of ``report`` with nothing made from its tables yet (a pickle carries no cache)."""
    copy: gkbg.Report = pickle.loads(pickle.dumps(report))  # noqa: S301 - our own bytes
    return copy


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--repeat", type=int, help="runs per measurement (default 40, quick 8)")
    parser.add_argument(
        "--batch",
        action="store_true",
        help="measure only `gkbg batch` (one and two workers, the coordinator's share)",
    )
    parser.add_argument(
        "--profile",
        metavar="NAME",
        help="instead, profile parse and check of the document whose name starts with NAME",
    )
    parser.add_argument(
        "--checks",
        action="store_true",
        help="measure only gkbg.check of each document (with and without the text's checks)",
    )
    parser.add_argument(
        "--stages",
        metavar="NAME",
        nargs="+",
        help="instead, time each stage of parse and check of the documents named NAME…",
    )
    args = parser.parse_args(argv)
    repeat = args.repeat or (8 if args.quick else 40)

    documents = _documents()
    if args.profile:
        return profile(documents, args.profile, repeat)
    if args.stages:
        return stages(documents, args.stages, repeat)
    if args.batch:
        return measure_batch_cli(documents, 1 if args.quick else 3)
    if args.checks:
        return checks(documents, repeat)
    html = next(doc for doc in documents if doc.group == "html")
    text = next(doc for doc in documents if doc.group == "text")
    # The same report with its narrative grown, for the linearity targets.
    grown = [
        Document("grown html x1 (+10 paragraphs)", "html", grown_html(html.data, 10)),
        Document("grown html x10", "html", b""),
        Document("grown text x1 (+10 paragraphs)", "text", grown_text(text.data, 10)),
        Document("grown text x10", "text", b""),
    ]
    grown[1] = grown[1]._replace(
        data=grown_html(html.data, 10 * len(grown[0].data) // len(NARRATIVE.encode("gb18030")))
    )
    grown[3] = grown[3]._replace(
        data=grown_text(text.data, 10 * len(grown[2].data) // len(NARRATIVE.encode()))
    )

    cores = os.cpu_count() or 1
    print(
        f"gkbg {gkbg.__version__}, Python {platform.python_version()}, {platform.machine()}, "
        f"{cores} cores (load average {os.getloadavg()[0]:.1f}), {repeat} runs per figure"
    )
    rows = [measure(document, repeat) for document in documents]
    rows_grown = [measure(document, max(repeat // 4, 3)) for document in grown]
    print()
    print_rows(rows + rows_grown)
    print_formats(rows)

    linear = []
    pairs = (
        ("HTML page", rows_grown[0], rows_grown[1]),
        ("text report", rows_grown[2], rows_grown[3]),
    )
    for what, small, large in pairs:
        size = large.size / small.size
        cost = (large.parse + large.check) / (small.parse + small.check)
        linear.append((f"{what} ({size:.1f}x the bytes)", cost * 10 / size))

    pdfs = [doc for doc in documents if doc.group == "pdf"]
    if pdfs:
        isolated = gkbg.Limits(isolate=True)
        print("\nreading PDF isolated (Limits(isolate=True)) against in the caller, wall clock:")
        for document in pdfs:
            data = document.data
            medians, _, _ = interleaved(
                [
                    functools.partial(gkbg.parse, data),
                    functools.partial(gkbg.parse, data, limits=isolated),
                ],
                max(repeat // 2, 4),
                time.perf_counter,  # the isolated worker's CPU is not the caller's
            )
            print(
                f"  {document.name}: {_ms(medians[0])} in the caller, {_ms(medians[1])} "
                f"isolated (+{_ms(medians[1] - medians[0])}, x{medians[1] / medians[0]:.2f})"
            )

    texts = [doc.data for doc in documents if doc.group in ("text", "html")]
    work = texts * max(1, (120 if args.quick else 400) // len(texts))
    rates = [batch(work, workers) for workers in range(1, max(cores, 2) + 1)]
    print(f"\nbatch of {len(work)} text and HTML reports: ", end="")
    print(", ".join(f"{n} worker{'s' if n > 1 else ''} {r:.0f}/s" for n, r in enumerate(rates, 1)))

    best = batch_rounds(documents, 1 if args.quick else 3)

    print("\ntargets")
    results = verdicts(rows, linear, rates, best)
    for verdict in results:
        state = "MET    " if verdict.met else "NOT MET"
        note = f"  ({verdict.note})" if verdict.note else ""
        print(f"  {state}  {verdict.target}: {verdict.measured}{note}")
    return 0 if all(verdict.met for verdict in results) else 1


if __name__ == "__main__":
    sys.exit(main())
