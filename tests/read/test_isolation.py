"""Reading in a worker process (`gkbg.read.isolation`): what kills the worker spares the caller.

The parsers below do on purpose what a hostile document makes a native engine do: abort the
process, hang, or allocate without end. They live at module level so that the worker process
can unpickle them.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import attrs
import pytest

import gkbg
from gkbg import cli
from gkbg.core.limits import scanned_page
from gkbg.read import isolation
from tests.helpers import CORPUS
from tests.hostile.hostile import inflating_pdf

if TYPE_CHECKING:
    from gkbg.read.layout import Layout

pytest.importorskip("pypdfium2")

ISOLATED = gkbg.Limits(isolate=True)
ROOT = Path(__file__).parent.parent.parent


class _Hostile:
    """A parser that does to its process what a crafted file makes PDFium do."""

    description = "a parser that misbehaves on purpose"
    isolated = True

    def __init__(self, name: str) -> None:
        self.name = name

    def sniff(self, document: gkbg.Input) -> float:  # noqa: ARG002 - chosen by format=
        return 0.0

    def read(self, document: gkbg.Input) -> Layout:
        if self.name == "abort":
            os.abort()
        if self.name == "hang":
            time.sleep(600)
        if self.name == "spin":  # as PDFium looping on a crafted page
            while True:
                pass
        if self.name == "allocate":
            hoard = [bytearray(64 * 1024 * 1024) for _ in range(64)]  # 4 GiB
            raise AssertionError(len(hoard))
        if self.name == "refuse":
            raise gkbg.CorruptDocumentError(document.name, "refused in the worker")
        if self.name == "scan":  # three pages read by OCR, a second and a half each
            for _ in range(3):
                scanned_page()
                time.sleep(1.5)
        return gkbg.parse_layout(document.data, format="text")


def _registry() -> gkbg.ParserRegistry:
    names = ("abort", "hang", "spin", "allocate", "refuse", "scan", "fine")
    return gkbg.ParserRegistry([_Hostile(name) for name in names], entry_points=False)


def _read(name: str, limits: gkbg.Limits = ISOLATED) -> gkbg.Layout:
    return gkbg.parse_layout(b"report", format=name, registry=_registry(), limits=limits)


def test_an_isolated_pdf_reads_the_same_report() -> None:
    for path in CORPUS:
        assert gkbg.parse(path, limits=ISOLATED) == gkbg.parse(path)


def test_an_engine_that_aborts_costs_the_worker_not_the_caller() -> None:
    with pytest.raises(gkbg.CorruptDocumentError, match=r"<bytes>: .*stopped on it \(SIGABRT\)"):
        _read("abort")
    # A new worker reads the next document.
    assert _read("fine").text == "report"


def test_a_reading_over_time_is_stopped() -> None:
    limits = gkbg.Limits(isolate=True, max_seconds=1)
    start = time.monotonic()
    with pytest.raises(gkbg.LimitExceededError, match=r"more than 1 s") as info:
        _read("hang", limits)
    assert info.value.limit == "max_seconds"
    assert time.monotonic() - start < 30
    assert _read("fine").text == "report"


_ORPHAN = """
import sys
from gkbg import Limits
from gkbg.read import isolation
from tests.read.test_isolation import _read
_read("fine")
print(isolation._worker.process.pid, flush=True)
_read("spin", Limits(isolate=True, max_seconds=float(sys.argv[1])))
"""


@pytest.mark.skipif(not Path("/proc/self").exists(), reason="needs /proc to see processes")
def test_a_worker_left_reading_by_a_killed_caller_does_not_spin_on() -> None:
    """A batch worker killed past its time leaves its reader: the kernel ends it."""
    caller = subprocess.Popen(
        [sys.executable, "-c", _ORPHAN, "2"], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    assert caller.stdout is not None
    worker = int(caller.stdout.readline())
    time.sleep(0.3)
    caller.kill()  # before its own 2 s are up: nobody is left to stop the worker
    caller.wait()
    caller.stdout.close()
    try:
        deadline = time.monotonic() + 60  # 2 s on each core, and 2 more, on a loaded machine
        while time.monotonic() < deadline and _running(worker):
            time.sleep(0.2)
        assert not _running(worker)
    finally:
        if _running(worker):
            os.kill(worker, signal.SIGKILL)


def _running(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except OSError:
        return False
    return "\nState:\tZ" not in status


def test_each_page_read_by_ocr_gives_the_reading_more_time() -> None:
    # 4.5 s of OCR on three pages: over max_seconds, within it and the pages' own time
    limits = gkbg.Limits(isolate=True, max_seconds=2, scan_page_seconds=2)
    assert _read("scan", limits).text == "report"
    no_budget = gkbg.Limits(isolate=True, max_seconds=2, scan_page_seconds=0)
    with pytest.raises(gkbg.LimitExceededError, match=r"more than 2 s") as info:
        _read("scan", no_budget)
    assert info.value.limit == "max_seconds"
    assert gkbg.Limits().scan_page_seconds == 60
    # Read in the caller's process, the time budget grows the same way.
    assert _read("scan", attrs.evolve(limits, isolate=False)).text == "report"
    with pytest.raises(gkbg.LimitExceededError, match=r"more than 2 s") as info:
        _read("scan", attrs.evolve(no_budget, isolate=False))


def test_a_reading_out_of_memory_is_refused_by_its_limit() -> None:
    limits = gkbg.Limits(isolate=True, max_memory_bytes=1024 * 1024 * 1024)
    with pytest.raises(gkbg.LimitExceededError, match=r"more memory than 1,024 MB") as info:
        _read("allocate", limits)
    assert info.value.limit == "max_memory_bytes"


def test_the_parsers_own_errors_come_back_as_they_were() -> None:
    with pytest.raises(gkbg.CorruptDocumentError, match="<bytes>: refused in the worker"):
        _read("refuse")


def test_without_isolate_the_parser_reads_in_the_caller() -> None:
    assert _read("fine", gkbg.Limits()).text == "report"


def _current() -> object:
    """This process's worker (read through a call, so that each read is a fresh look)."""
    return isolation._worker


def test_the_worker_is_reused_and_stopped_on_shutdown() -> None:
    _read("fine")
    worker = isolation._worker
    assert worker is not None
    _read("fine")
    assert _current() is worker
    isolation.shutdown()
    assert _current() is None
    assert worker.process.poll() is not None


def test_a_pdf_that_inflates_to_a_gibibyte_ends_in_an_error_not_a_crash() -> None:
    """The case that killed the caller with SIGABRT inside PDFium (issue 18)."""
    limits = gkbg.Limits(isolate=True, max_memory_bytes=768 * 1024 * 1024)
    data = inflating_pdf(1 << 30)
    assert len(data) < 1_200_000
    with pytest.raises(gkbg.DocumentError, match=r"<bytes>: "):
        gkbg.parse(data, limits=limits)
    assert gkbg.parse(CORPUS[0], limits=limits) == gkbg.parse(CORPUS[0])


def test_the_command_reads_pdf_isolated_and_goes_on_after_a_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``gkbg check`` isolates by default: the hostile PDF is one line, the next file is read."""
    hostile = tmp_path / "inflating.pdf"
    hostile.write_bytes(inflating_pdf(3 << 30))
    assert cli.main(["check", str(hostile), str(CORPUS[0]), "--lang", "en"]) == 2
    captured = capsys.readouterr()
    (line,) = captured.err.splitlines()
    assert line.startswith(f"gkbg: cannot read: {hostile}: "), line
    assert f"{CORPUS[0]}  (form" in captured.out
