# SPDX-License-Identifier: MIT
"""The limits that bound the time and memory gkbg spends on one document.

Every document is untrusted. `Limits` says how large a document, its zip package and its
token stream may be; `gkbg.parse(..., limits=gkbg.Limits(...))` changes them for one call.
Whatever goes over a limit is refused with a `LimitExceededError` whose ``limit`` names the
field, so a service can tell a user which limit their file broke.
"""

from __future__ import annotations

import contextlib
import contextvars
import time
from typing import TYPE_CHECKING

import attrs

from gkbg.core.errors import LimitExceededError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

__all__ = [
    "DEFAULT_LIMITS",
    "ISOLATED_LIMITS",
    "MARKUP",
    "MEMORY",
    "NESTING",
    "Limits",
    "check_text",
    "check_time",
    "check_tokens",
    "exceeded",
    "extend_time",
    "on_scanned_page",
    "remaining_seconds",
    "scanned_page",
    "size_text",
    "time_budget",
]

_MIB = 1024 * 1024


_COUNT = [attrs.validators.instance_of(int), attrs.validators.gt(0)]


@attrs.frozen(kw_only=True)
class Limits:
    """How large a document may be; anything larger is refused with `LimitExceededError`.

    The defaults are far above any real report (a report is a few hundred kilobytes, a few
    dozen pages and zip members, and under a thousand tokens) and keep one document within
    about a minute and a gigabyte and a half of address space (``docs/robustness.md`` says how
    that is tested). Raise them with care in a service that takes uploads.

    Attributes:
        max_input_bytes: The size of the file or the bytes given to `gkbg.parse` (64 MiB). A
            file is measured before it is read, so a larger one is never loaded.
        max_tokens: Words, narrative blocks and table cells in the document (200,000).
        max_text_chars: Characters of text in the document as read (1,000,000); a PDF's text
            layer is measured page by page, each page before its words are read.
        max_zip_members: Members of a ``.docx``/``.xlsx`` zip package (2,000).
        max_member_bytes: The uncompressed size of one member read from a package, or of
            the content of one page or form of a PDF (50 MiB).
        max_package_bytes: The uncompressed size of all the members of a package (200 MiB).
        max_compression_ratio: How many times a member of more than 1 MiB may be compressed
            (200); more is refused as a zip bomb.
        max_pages: Pages of a PDF (2,000).
        max_page_chars: Characters on one page of a PDF (100,000; a dense page of a report
            has about a thousand), counted by PDFium before any of them is read, and first
            from the bytes the page's strings show (a code a byte in a simple font, at most
            four in a composite one), before PDFium builds the page's text.
        max_page_draws: Drawing operations on one page of a PDF (200,000; a page of a
            report has about a thousand): its text, paths and images, and those of the forms
            it draws, each time it draws them; counted from the file before PDFium loads the
            page (``gkbg.read.pdf.prescan``), and again before any of its lines is read.
        max_page_segments: Segments of the paths one page of a PDF draws (200,000; a page of a
            report has a few thousand), those of its forms each time they are drawn; counted
            before PDFium loads the page and again before any segment is read.
        conversion_seconds: How long LibreOffice may take to convert a legacy file (180).
        isolate: Read with native engines (PDFium for PDF) in a worker process, so that a
            document that crashes the engine or exhausts memory costs the worker, not the
            caller (off in the API; ``gkbg check`` and ``gkbg batch`` turn it on). See
            ``gkbg.read.isolation``.
        max_seconds: How long reading one document may take (120 s), and
            ``scan_page_seconds`` more for each page read by OCR. In the caller's own
            process the readers and the alignment check the time as they go and stop with
            `LimitExceededError` once it is spent (a single call into a native engine, such as
            libxml2 parsing a page, finishes first); an isolated worker is stopped then.
        scan_page_seconds: How much longer a reading may take for each page it reads by OCR
            (60 s: the engine takes about 5 to 15 s a page on one core), so that a long scan
            needs no larger ``max_seconds``.
        max_memory_bytes: The address space of the isolated worker (2 GiB): memory PDFium
            or Python cannot get there ends the reading, not the caller.
    """

    max_input_bytes: int = attrs.field(default=64 * _MIB, validator=_COUNT)
    max_tokens: int = attrs.field(default=200_000, validator=_COUNT)
    max_text_chars: int = attrs.field(default=1_000_000, validator=_COUNT)
    max_zip_members: int = attrs.field(default=2000, validator=_COUNT)
    max_member_bytes: int = attrs.field(default=50 * _MIB, validator=_COUNT)
    max_package_bytes: int = attrs.field(default=200 * _MIB, validator=_COUNT)
    max_compression_ratio: int = attrs.field(default=200, validator=_COUNT)
    max_pages: int = attrs.field(default=2000, validator=_COUNT)
    max_page_chars: int = attrs.field(default=100_000, validator=_COUNT)
    max_page_draws: int = attrs.field(default=200_000, validator=_COUNT)
    max_page_segments: int = attrs.field(default=200_000, validator=_COUNT)
    conversion_seconds: float = attrs.field(
        default=180.0, converter=float, validator=attrs.validators.gt(0.0)
    )
    isolate: bool = attrs.field(default=False, validator=attrs.validators.instance_of(bool))
    max_seconds: float = attrs.field(
        default=120.0, converter=float, validator=attrs.validators.gt(0.0)
    )
    max_memory_bytes: int = attrs.field(default=2048 * _MIB, validator=_COUNT)
    scan_page_seconds: float = attrs.field(
        default=60.0, converter=float, validator=attrs.validators.ge(0.0)
    )


DEFAULT_LIMITS = Limits()
"""The limits `gkbg.parse` applies unless given others."""

ISOLATED_LIMITS = Limits(isolate=True)
"""The limits ``gkbg check``, ``gkbg parse`` and `gkbg.batch` apply: the defaults, with PDF
read in the isolated worker, so that one hostile file never ends the command."""

NESTING = "nesting"
"""The ``limit`` of a `LimitExceededError` for nesting deeper than libxml2 (256 levels) or
Python's recursion allows; it is fixed, not a field of `Limits`."""

MARKUP = "markup"
"""The ``limit`` of a `LimitExceededError` for markup no real document has (an HTML tag with
more than 1,000 attributes, which libxml2 reads in quadratic time); it is fixed."""

MEMORY = "memory"
"""The ``limit`` of a `LimitExceededError` when memory ran out while reading."""


def size_text(size: int) -> str:
    """A size for a message: ``50 MB`` from a mebibyte up, else in bytes."""
    return f"{size / _MIB:,.0f} MB" if size >= _MIB else f"{size:,} bytes"


def exceeded(name: str, field: str, reason: str) -> LimitExceededError:
    """The error for ``reason`` (which says by how much) going over ``Limits.<field>``."""
    return LimitExceededError(name, f"{reason} (the limit is Limits.{field})", field)


def check_text(length: int, name: str, limits: Limits) -> None:
    """Refuse a document whose text has more than ``limits.max_text_chars`` characters.

    Raises:
        LimitExceededError: ``length`` is over the limit.
    """
    if length > limits.max_text_chars:
        raise exceeded(
            name,
            "max_text_chars",
            f"the document's text has {length:,} characters, more than "
            f"{limits.max_text_chars:,}: refused as too large",
        )


def check_tokens(count: int, name: str, limits: Limits) -> None:
    """Refuse a document with more than ``limits.max_tokens`` tokens.

    Raises:
        LimitExceededError: ``count`` is over the limit.
    """
    if count > limits.max_tokens:
        raise exceeded(
            name,
            "max_tokens",
            f"the document has more than {limits.max_tokens:,} tokens (words, paragraphs and "
            "table cells): refused as too large",
        )


@attrs.frozen
class _Deadline:
    """When the reading of document ``name`` must end (`time.monotonic` seconds)."""

    at: float
    seconds: float
    name: str
    page_seconds: float


_DEADLINE: contextvars.ContextVar[_Deadline | None] = contextvars.ContextVar(
    "gkbg_deadline", default=None
)


@contextlib.contextmanager
def time_budget(name: str, limits: Limits) -> Iterator[None]:
    """Give the reading of document ``name`` ``limits.max_seconds`` from now.

    Inside the block, `check_time` raises once the time is spent. A budget opened inside
    another keeps the outer one: reading one document is one budget, however its stages nest.
    """
    if _DEADLINE.get() is not None:
        yield
        return
    token = _DEADLINE.set(
        _Deadline(
            time.monotonic() + limits.max_seconds,
            limits.max_seconds,
            name,
            limits.scan_page_seconds,
        )
    )
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def check_time() -> None:
    """Stop the reading whose `time_budget` is spent; outside a budget, do nothing.

    Readers and the alignment call it once per page, row or step of a search, so a
    pathological but legal document ends within about ``Limits.max_seconds``.

    Raises:
        LimitExceededError: The budget is spent (its ``limit`` is ``"max_seconds"``).
    """
    deadline = _DEADLINE.get()
    if deadline is not None and time.monotonic() > deadline.at:
        raise exceeded(
            deadline.name,
            "max_seconds",
            f"reading it took more than {deadline.seconds:g} s: stopped",
        )


def extend_time(seconds: float) -> None:
    """Give the current budget ``seconds`` more; outside a budget, do nothing.

    For a reading with more work than most, such as a page to read by OCR.
    """
    deadline = _DEADLINE.get()
    if deadline is not None:
        _DEADLINE.set(
            attrs.evolve(deadline, at=deadline.at + seconds, seconds=deadline.seconds + seconds)
        )


def remaining_seconds(default: float) -> float:
    """The seconds left in the current budget (at least a tenth), or ``default`` outside one.

    For a step that cannot check the time itself, such as a LibreOffice conversion, which is
    given the smaller of its own limit and what the budget has left.
    """
    deadline = _DEADLINE.get()
    if deadline is None:
        return default
    return min(default, max(0.1, deadline.at - time.monotonic()))


_PAGE_CALLBACKS: list[Callable[[float], None]] = []


def on_scanned_page(callback: Callable[[float], None]) -> None:
    """Have ``callback(seconds)`` called each time a page is begun by OCR (`scanned_page`).

    The isolated worker uses it to tell its caller, which then gives the reading
    ``seconds`` (`Limits.scan_page_seconds`) more too.
    """
    _PAGE_CALLBACKS.append(callback)


def scanned_page() -> None:
    """Say that a page is about to be read by OCR (the scan reader calls it).

    The reading's budget gets `Limits.scan_page_seconds` more (`extend_time`), and so does
    an isolated worker's caller (`on_scanned_page`).
    """
    deadline = _DEADLINE.get()
    seconds = DEFAULT_LIMITS.scan_page_seconds if deadline is None else deadline.page_seconds
    extend_time(seconds)
    for callback in _PAGE_CALLBACKS:
        callback(seconds)
