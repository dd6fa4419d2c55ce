# SPDX-License-Identifier: MIT
"""Reading a document in a child process, so that no input takes down the caller.

PDFium (and LibreOffice, and the OCR engine) are native code run on untrusted bytes: a crafted
PDF can make them abort the whole process or allocate gigabytes, which no Python ``except``
catches. When `Limits.isolate` is set, a parser that declares ``isolated = True`` reads in a
worker process instead, under an address-space limit (`Limits.max_memory_bytes`, where the
platform has ``resource``) and a wall-clock limit (`Limits.max_seconds`):

* the worker is started once per process and reused, document after document, so its start
  (about a fifth of a second: a fresh interpreter importing gkbg) is paid once; the document's
  bytes go to it through a pipe and its `Layout` comes back the same way;
* the worker's death (a signal such as ``SIGABRT`` or ``SIGSEGV``) becomes a
  `CorruptDocumentError`, running out of memory inside it a `LimitExceededError` on
  ``max_memory_bytes``, and running over time a `LimitExceededError` on ``max_seconds`` (the
  worker is killed and a new one started for the next document). Each names the file and the
  cause;
* the worker is a fresh interpreter (``python -c``, with the caller's import path), not a fork
  of the caller, which may hold threads and locks, and not a ``multiprocessing`` child, which
  would import the caller's main script again.

One document at a time goes through a process's worker (calls from several threads wait their
turn); `gkbg batch` runs one worker per batch process.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import math
import os
import pickle
import signal
import struct
import subprocess
import sys
import threading
import time
from typing import IO, TYPE_CHECKING, Any

from gkbg.core.errors import CorruptDocumentError, GkbgError, LimitExceededError
from gkbg.core.limits import (
    MEMORY,
    NESTING,
    extend_time,
    on_scanned_page,
    size_text,
    time_budget,
)
from gkbg.read.base import Input

if TYPE_CHECKING:
    from gkbg.core.limits import Limits
    from gkbg.read.base import Parser
    from gkbg.read.layout import Layout

__all__ = ["read_guarded", "read_isolated", "serve", "shutdown"]

try:  # POSIX only: elsewhere the worker has the time limit but no memory limit.
    import resource
except ImportError:  # pragma: no cover - Windows
    resource = None  # type: ignore[assignment]


def read_guarded(parser: Parser, document: Input) -> Layout:
    """``parser.read(document)``, every failure turned into a `GkbgError` naming the file."""
    try:
        return parser.read(document)
    except GkbgError:
        raise
    except RecursionError:
        raise LimitExceededError(document.name, "nested too deeply to be read", NESTING) from None
    except MemoryError:
        raise LimitExceededError(
            document.name, "not enough memory to read it: refused as too large", MEMORY
        ) from None
    except Exception as exc:
        # A parser (or the library under it) failed on input it should have refused: the
        # caller still gets a `GkbgError`, and the cause stays chained for a bug report.
        raise CorruptDocumentError(
            document.name,
            f"the {parser.name} parser cannot read it ({type(exc).__name__}: {exc})",
        ) from exc


# --------------------------------------------------------------------------------------------
# The worker's side.

_LENGTH = struct.Struct("<Q")


def _receive(stream: IO[bytes]) -> bytes | None:
    """One message, or None at the end of the stream."""
    head = stream.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        return None
    (size,) = _LENGTH.unpack(head)
    body = stream.read(size)
    return body if len(body) == size else None


# The worker's message that it begins a page by OCR (`gkbg.core.limits.scanned_page`): the
# reading may then take `Limits.scan_page_seconds` more.
_PAGE = pickle.dumps(("page", None), protocol=pickle.HIGHEST_PROTOCOL)


def _send(stream: IO[bytes], payload: bytes) -> None:
    stream.write(_LENGTH.pack(len(payload)))
    stream.write(payload)
    stream.flush()


def serve() -> None:  # pragma: no cover - runs in the worker process
    """The worker's loop: read the documents sent on standard input, answer on the output.

    Standard output is kept for the answers: anything else written to it (a native library's
    warning) goes to standard error instead.
    """
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    requests = sys.stdin.buffer

    def page_begun(seconds: float) -> None:
        # The caller gives the reading more time for the page; so does the CPU limit.
        _send(answers, _PAGE)
        _limit_cpu(seconds, more=True)

    on_scanned_page(page_begun)
    memory = int(sys.argv[2])
    if resource is not None:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    while (message := _receive(requests)) is not None:
        try:
            parser, data, name, limits = pickle.loads(message)  # noqa: S301 - from our parent
            del message
            _limit_cpu(limits.max_seconds)
            with time_budget(name, limits):
                layout = read_guarded(parser, Input(data, name, limits))
            answer: tuple[str, Any] = ("layout", layout)
        except GkbgError as error:
            answer = ("error", error)
        except MemoryError:
            answer = ("memory", None)
        data = b""
        try:
            payload = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            payload = pickle.dumps(("memory", None))
        _send(answers, payload)


def _limit_cpu(seconds: float, *, more: bool = False) -> None:  # pragma: no cover - in the worker
    """Let this worker spend at most ``seconds`` on every core (and a little) more CPU time.

    The caller stops the worker after ``seconds`` of wall-clock time, which comes first even
    when the reading keeps every core busy (the OCR engine's threads do). This is for when the
    caller cannot: killed itself (a batch worker past its time), it leaves this process
    reading on, and the kernel ends it (``SIGXCPU``) instead of leaving it to spin. With
    ``more``, the limit already set is raised by ``seconds`` on every core (a page to read by
    OCR).
    """
    if resource is not None:
        with contextlib.suppress(ValueError, OSError):
            soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
            if more and soft == resource.RLIM_INFINITY:
                return
            if not more:
                used = resource.getrusage(resource.RUSAGE_SELF)
                soft = math.ceil(used.ru_utime + used.ru_stime) + _CPU_MARGIN
            soft += math.ceil(seconds * (os.cpu_count() or 1))
            if hard != resource.RLIM_INFINITY:
                soft = min(soft, hard)
            resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


_CPU_MARGIN = 2
"""Seconds of CPU time a worker gets beyond `Limits.max_seconds` before the kernel stops it."""


# The worker's command: the caller's import path, so that it reads with the same gkbg (and the
# same plugins), then the loop.
_BOOT = (
    "import sys, json; sys.path[:] = json.loads(sys.argv[1]); "
    "from gkbg.read.isolation import serve; serve()"
)


# --------------------------------------------------------------------------------------------
# The caller's side.


class _Worker:
    """One worker process and the pipes to it."""

    def __init__(self, memory: int) -> None:
        self.memory = memory
        self.owner = os.getpid()
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and code
            [sys.executable, "-c", _BOOT, json.dumps(sys.path), str(memory)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            close_fds=True,
        )

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        if self.alive():
            self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(5)
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()

    def read(self, parser: Parser, document: Input, limits: Limits) -> Layout:
        name = document.name
        stdin, stdout = self.process.stdin, self.process.stdout
        if stdin is None or stdout is None:  # pragma: no cover - both made with PIPE
            raise self._death(parser, name)
        answer: list[bytes | None] = []
        pages = [0]  # pages the worker began reading by OCR

        def receive() -> None:
            while (payload := _receive(stdout)) == _PAGE:
                pages[0] += 1
            answer.append(payload)

        reader = threading.Thread(target=receive, daemon=True)
        try:
            message = pickle.dumps((parser, document.data, name, limits), pickle.HIGHEST_PROTOCOL)
            reader.start()
            _send(stdin, message)
            del message
        except OSError:
            self.stop()
            reader.join(5)
            raise self._death(parser, name) from None
        started = time.monotonic()
        allowed = limits.max_seconds
        while reader.is_alive():
            # each page read by OCR gives the reading more time
            allowed = limits.max_seconds + pages[0] * limits.scan_page_seconds
            left = started + allowed - time.monotonic()
            if left <= 0:
                break
            reader.join(min(left, 1.0))
        if reader.is_alive():
            self.stop()
            reader.join(5)
            scanned = (
                f", {pages[0]} pages read by OCR at {limits.scan_page_seconds:g} s more each"
                if pages[0]
                else ""
            )
            raise LimitExceededError(
                name,
                f"reading it took more than {allowed:g} s{scanned}: stopped "
                "(the limit is Limits.max_seconds, --max-seconds in the gkbg command)",
                "max_seconds",
            )
        payload = answer[0] if answer else None
        if payload is None:
            self.stop()
            raise self._death(parser, name)
        kind, value = pickle.loads(payload)  # noqa: S301 - from our own worker
        # The pages the worker read by OCR give the caller's own time budget more too.
        extend_time(pages[0] * limits.scan_page_seconds)
        if kind == "layout":
            return value  # type: ignore[no-any-return]
        if kind == "memory" or (isinstance(value, LimitExceededError) and value.limit == MEMORY):
            raise _over_memory(name, self.memory)
        raise value

    def _death(self, parser: Parser, name: str) -> GkbgError:
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(5)
        code = self.process.returncode
        if code is not None and code < 0:
            try:
                cause = signal.Signals(-code).name
            except ValueError:
                cause = f"signal {-code}"
        else:
            cause = f"exit status {code}"
        return CorruptDocumentError(
            name,
            f"the {parser.name} reader stopped on it ({cause}) in its isolated process: a "
            "damaged or hostile file, or one needing more memory than "
            f"{size_text(self.memory)} (Limits.max_memory_bytes)",
        )


def _over_memory(name: str, memory: int) -> LimitExceededError:
    return LimitExceededError(
        name,
        f"reading it needs more memory than {size_text(memory)}: refused as too large "
        "(the limit is Limits.max_memory_bytes)",
        "max_memory_bytes",
    )


_lock = threading.Lock()
_worker: _Worker | None = None


def read_isolated(parser: Parser, document: Input) -> Layout:
    """``parser.read(document)`` in the worker process, within ``document.limits``.

    Raises:
        LimitExceededError: The reading ran over `Limits.max_seconds` or out of memory.
        CorruptDocumentError: The worker died reading it.
        DocumentError: Whatever the parser raises.
    """
    global _worker  # noqa: PLW0603 - the one worker of this process
    limits = document.limits
    with _lock:
        worker = _worker
        if worker is not None and (
            worker.owner != os.getpid()
            or worker.memory != limits.max_memory_bytes
            or not worker.alive()
        ):
            if worker.owner == os.getpid():
                worker.stop()
            worker = None
        if worker is None:
            worker = _worker = _Worker(limits.max_memory_bytes)
        try:
            return worker.read(parser, document, limits)
        finally:
            if not worker.alive():
                _worker = None


def shutdown() -> None:
    """Stop this process's worker, if one runs (also done when the interpreter exits)."""
    global _worker  # noqa: PLW0603 - the one worker of this process
    with _lock:
        if _worker is not None and _worker.owner == os.getpid():
            _worker.stop()
        _worker = None


atexit.register(shutdown)
