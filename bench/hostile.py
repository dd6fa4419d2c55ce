"""Probe gkbg with the hostile inputs of issue 18, each in a child under the issue's conditions.

Each case runs in a child process (a fork, gkbg imported) whose address space the kernel
caps (``RLIMIT_AS``, 2 GiB unless told) and which is killed after a wall-clock limit (30 s),
with gkbg's default `Limits` and the API's default isolation (off: the caller's own process
reads the document). It prints one line per case: the outcome, wall and CPU seconds and the
child's peak resident memory, and ends with status 1 when a case escaped (anything but a
`GkbgError`, or a `TypeError` for a wrong Python type), killed its process, or took more than
5 s of CPU or 1 GiB of memory::

    python bench/hostile.py                      # every case
    python bench/hostile.py --issue              # the rows of the issue's table only
    python bench/hostile.py --json html-60mb-of-paragraphs pdf-fifo

The rows of the issue's table are marked ``issue``; the others are new inputs of the same
kinds (`tests.hostile.hostile` builds them all, in memory, the same on every run).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import signal
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from tests.hostile import hostile  # noqa: E402

import gkbg  # noqa: E402 - after the path is set
from gkbg import cli  # noqa: E402

if TYPE_CHECKING:
    from collections.abc import Callable

MIB = 1024 * 1024
CPU_SECONDS = 5.0
"""What each case may take (CPU seconds in the child), as issue 18 asks."""
PEAK_MIB = 1024
"""The peak resident memory each case may reach, interpreter and gkbg included."""


# --------------------------------------------------------------------------------------------
# The cases: what the child does, given a private folder.


def _file(build: Callable[[], bytes]) -> Callable[[Path], object]:
    """A case that writes ``build()`` to a file and reads it as a service would."""

    def run(folder: Path) -> object:
        path = folder / "input.bin"
        path.write_bytes(build())
        return gkbg.check(gkbg.parse(path))

    return run


def _fifo(folder: Path) -> object:
    fifo = folder / "report.txt"
    os.mkfifo(fifo)
    return gkbg.parse(fifo)


def _rules(content: bytes) -> Callable[[Path], object]:
    """A rule file: loaded through the API, then given to ``gkbg check``, which must say one
    line and exit 2."""

    def run(folder: Path) -> object:
        path = folder / "rules.toml"
        path.write_bytes(content)
        report = folder / "report.txt"
        report.write_bytes(hostile.seed_text(0).encode())
        errors = io.StringIO()
        stderr, sys.stderr = sys.stderr, errors
        try:
            status = cli.main(["check", str(report), "--rules", str(path)])
        finally:
            sys.stderr = stderr
        lines = errors.getvalue().splitlines()
        if status != 2 or len(lines) != 1 or "Traceback" in errors.getvalue():
            raise AssertionError(f"gkbg check exited {status} saying {lines[:3]}")
        return gkbg.RuleSet.from_toml(path)

    return run


def _zip64_docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", allowZip64=True) as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        for index in range(100_011):
            archive.writestr(f"m{index}", "")
    return buffer.getvalue()


def _docx_table(rows: int, columns: int, depth: int = 1) -> bytes:
    """A Word table of ``rows`` x ``columns`` cells of random numbers (so that it does not
    compress past the ratio limit), each inside tables ``depth`` - 1 deep."""
    values = iter(hostile.numbers(rows * columns))
    cells = []
    for _ in range(rows * columns):
        cell = hostile.para(str(next(values)))
        for _ in range(depth - 1):
            cell = f"<w:tbl><w:tr><w:tc>{cell}</w:tc></w:tr></w:tbl>"
        cells.append(f"<w:tc>{cell}</w:tc>")
    body = "".join(
        "<w:tr>" + "".join(cells[row * columns : (row + 1) * columns]) + "</w:tr>"
        for row in range(rows)
    )
    return hostile.docx("<w:tbl>" + body + "</w:tbl>")


def _sparse_xlsx(column: str) -> bytes:
    rows = "".join(
        f'<row r="{i}"><c r="A{i}"><v>1</v></c><c r="{column}{i}"><v>2</v></c></row>'
        for i in range(1, 1001)
    )
    return hostile.xlsx(hostile.sheet(rows))


Case = tuple["Callable[[Path], object]", bool]
"""What the child runs, and whether it is a row of the issue's table."""

CASES: dict[str, Case] = {
    # The rows of issue 18's table.
    "pdf-stream-inflating-to-a-gibibyte": (_file(lambda: hostile.inflating_pdf(1 << 30)), True),
    "html-100k-breaks-in-a-cell": (_file(hostile.CASES["html-breaks-in-a-cell"][0]), True),
    "html-40k-sibling-paragraphs": (_file(hostile.CASES["html-sibling-paragraphs"][0]), True),
    "html-60mb-of-paragraphs": (_file(hostile.CASES["html-60mb-of-paragraphs"][0]), True),
    "fifo-without-a-writer": (_fifo, True),
    "str-with-a-lone-surrogate": (lambda _: gkbg.parse("主动公开\ud800政府信息"), True),
    "bytearray": (lambda _: gkbg.parse(bytearray(hostile.seed_text(0).encode())), True),
    "memoryview": (lambda _: gkbg.parse(memoryview(hostile.seed_text(0).encode())), True),
    "ole-random-bytes": (_file(hostile.CASES["ole-random-bytes"][0]), True),
    "pdf-forms-fanning-out-to-a-million": (_file(lambda: hostile.fanout_pdf(1000)), True),
    "pdf-500k-tiny-characters": (_file(lambda: hostile.tiny_chars_pdf(500_000)), True),
    "xlsx-cells-in-a-and-xfd": (_file(lambda: _sparse_xlsx("XFD")), True),
    "pdf-pages-printing-the-same-lines": (_file(lambda: hostile.pdf(["Annual report"] * 3)), True),
    "html-30mb-attribute": (
        _file(lambda: b'<html><body><p title="' + b"a" * 30_000_000 + b'">x</p></body></html>'),
        True,
    ),
    "docx-zip64-100012-members": (_file(_zip64_docx), True),
    "rules-empty": (_rules(b""), True),
    "rules-gbk": (_rules('[[rule]]\nid = "省"\n'.encode("gbk")), True),
    "rules-nested-50000-deep": (_rules(b"x = " + b"[" * 50_000 + b"]" * 50_000), True),
    # New inputs of the same kinds.
    "pdf-forms-fanning-out-to-four-million": (_file(lambda: hostile.fanout_pdf(2000)), False),
    "pdf-forms-fanning-out-packed": (_file(lambda: hostile.fanout_pdf(1000, packed=True)), False),
    "pdf-forms-nested-30-deep": (_file(lambda: hostile.nested_forms_pdf(30)), False),
    "pdf-forms-in-a-cycle": (_file(lambda: hostile.nested_forms_pdf(4, 50, cycle=True)), False),
    "pdf-huge-inline-image": (
        _file(lambda: hostile.inline_image_pdf(100_000, 100_000, 1 << 20)),
        False,
    ),
    "pdf-path-of-2m-segments": (_file(lambda: hostile.long_path_pdf(2_000_000)), False),
    "pdf-2000-pages": (_file(lambda: hostile.pdf([f"page {n}" for n in range(2000)])), False),
    "pdf-stream-inflating-to-3-gibibytes": (_file(lambda: hostile.inflating_pdf(3 << 30)), False),
    "html-200k-sibling-divs": (_file(lambda: b"<html><body>" + b"<div>x</div>" * 200_000), False),
    "html-200k-children-of-a-cell": (
        _file(lambda: b"<table><tr><td>" + b"<span>1</span>" * 200_000 + b"</td></tr></table>"),
        False,
    ),
    "html-100k-empty-rows": (_file(lambda: b"<table>" + b"<tr></tr>" * 100_000), False),
    "html-100k-lists": (_file(lambda: b"<html><body>" + b"<ul><li>x</li></ul>" * 100_000), False),
    "docx-table-of-20k-rows": (_file(lambda: _docx_table(20_000, 5)), False),
    "docx-tables-nested-60-deep": (_file(lambda: _docx_table(1, 1, depth=60)), False),
    "docx-table-of-3000-columns": (_file(lambda: _docx_table(20, 3000)), False),
    "xlsx-cells-in-a-and-zz": (_file(lambda: _sparse_xlsx("ZZ")), False),
    "xlsx-cells-in-a-and-aaa": (_file(lambda: _sparse_xlsx("AAA")), False),
    "markdown-100k-pipe-rows": (
        _file(lambda: b"| a | b |\n| --- | --- |\n" + b"| 1 | 2 |\n" * 100_000),
        False,
    ),
    "text-500k-lines": (_file(lambda: "政府信息公开\n".encode() * 500_000), False),
    "list-instead-of-bytes": (lambda _: gkbg.parse([b"%PDF-"]), False),  # type: ignore[arg-type]
}


# --------------------------------------------------------------------------------------------
# The child.


def child(name: str) -> str:
    """Run case ``name`` here; its record (one JSON line)."""
    started, cpu = time.perf_counter(), time.process_time()
    with tempfile.TemporaryDirectory(prefix="gkbg-probe-") as folder:
        try:
            CASES[name][0](Path(folder))
        except gkbg.GkbgError as exc:
            outcome, message = type(exc).__name__, str(exc)
        except TypeError as exc:
            outcome, message = "TypeError", str(exc)
        except BaseException as exc:  # noqa: BLE001 - reported as escaped
            outcome, message = f"ESCAPED {type(exc).__name__}", str(exc)
        else:
            outcome, message = "Report", ""
    record = {
        "case": name,
        "outcome": outcome,
        "message": message[:240],
        "seconds": round(time.perf_counter() - started, 2),
        "cpu_seconds": round(time.process_time() - cpu, 2),
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    }
    return json.dumps(record, ensure_ascii=False) + "\n"


def probe(name: str, mebibytes: int, seconds: float) -> dict[str, object]:
    """Case ``name`` in a child capped at ``mebibytes`` of address space and ``seconds``.

    The child is a fork of this process, gkbg already imported (as in a service's worker):
    its peak memory includes the interpreter and gkbg, its CPU time only the case's.
    """
    limit = mebibytes * MIB
    read, write = os.pipe()
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read)
        try:
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            os.write(write, child(name).encode())
        finally:
            os._exit(0)
    os.close(write)
    status = 0
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.perf_counter() - started > seconds:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(read)
            return {"case": name, "outcome": "KILLED after the wall limit", "seconds": seconds}
        time.sleep(0.02)
    with os.fdopen(read, "rb") as pipe:
        output = pipe.read().decode()
    if os.WIFSIGNALED(status):
        return {
            "case": name,
            "outcome": f"DIED {signal.Signals(os.WTERMSIG(status)).name}",
            "seconds": round(time.perf_counter() - started, 2),
        }
    if not output:
        return {"case": name, "outcome": "DIED", "seconds": round(time.perf_counter() - started, 2)}
    record: dict[str, object] = json.loads(output)
    return record


def passed(record: dict[str, object]) -> bool:
    """Whether a case ended in a `GkbgError` or `TypeError` (or a report) within the bounds."""
    outcome = str(record["outcome"])
    ended = outcome in {"Report", "TypeError"} or hasattr(gkbg, outcome)
    cpu, peak = record.get("cpu_seconds"), record.get("peak_mib")
    return (
        ended
        and isinstance(cpu, float | int)
        and cpu <= CPU_SECONDS
        and isinstance(peak, int)
        and peak <= PEAK_MIB
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cases", nargs="*", help="the cases to run (all by default)")
    parser.add_argument("--issue", action="store_true", help="only the rows of issue 18")
    parser.add_argument("--memory", type=int, default=2048, help="MiB of address space")
    parser.add_argument("--seconds", type=float, default=30.0, help="wall-clock limit")
    parser.add_argument("--json", action="store_true", help="one JSON line per case")
    options = parser.parse_args(argv)
    names = options.cases or [name for name, (_, row) in CASES.items() if row or not options.issue]
    failed = 0
    for name in names:
        record = probe(name, options.memory, options.seconds)
        failed += not passed(record)
        if options.json:
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            mark = "ok " if passed(record) else "BAD"
            sys.stdout.write(
                f"{mark} {name:42} {record['outcome']:24} {record.get('seconds', '-'):>6} s "
                f"{record.get('cpu_seconds', '-'):>6} s CPU {record.get('peak_mib', '-'):>5} MiB\n"
            )
        sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
