# SPDX-License-Identifier: MIT
"""The parsers by format name: the built-in readers, plugins, and `parse_layout`.

Parsers register by name, in code with `register_parser` or from other packages through the
``gkbg.parsers`` entry-point group. `parse_layout` turns a path, bytes or text into a `Layout`;
``gkbg.align.report.parse`` goes on to the `Report`.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from gkbg.core.errors import (
    DocumentError,
    EmptyDocumentError,
    EncodingError,
    GkbgError,
    PluginError,
    UnknownFormatError,
)
from gkbg.core.limits import (
    DEFAULT_LIMITS,
    Limits,
    check_text,
    check_time,
    check_tokens,
    time_budget,
)
from gkbg.core.plugins import load_plugins
from gkbg.read.base import Input, Parser, Source
from gkbg.read.docx import DocxParser
from gkbg.read.html import HtmlParser
from gkbg.read.isolation import read_guarded, read_isolated
from gkbg.read.legacy import LegacyParser
from gkbg.read.markdown import MarkdownParser
from gkbg.read.odf import OdtParser
from gkbg.read.pdf.reader import PdfParser
from gkbg.read.plaintext import FlatTextParser, PipeTextParser
from gkbg.read.scan.reader import ImageParser
from gkbg.read.xlsx import XlsxParser

if TYPE_CHECKING:
    from collections.abc import Iterable

    from gkbg.read.layout import Layout

__all__ = [
    "BUILTIN_PARSERS",
    "ENTRY_POINT_GROUP",
    "ParserRegistry",
    "Source",
    "default_registry",
    "parse_layout",
    "register_parser",
]

ENTRY_POINT_GROUP = "gkbg.parsers"
"""The entry-point group other packages use to ship parsers."""


class ParserRegistry:
    """Parsers by format name. Entry points are loaded on first use, once per process."""

    def __init__(self, parsers: Iterable[Parser] = (), *, entry_points: bool = True) -> None:
        """Start with ``parsers``; load the ``gkbg.parsers`` entry points if asked to."""
        self._parsers: dict[str, Parser] = {}
        self._entry_points = entry_points
        self._loaded = not entry_points
        self._lock = threading.Lock()
        self._broken: list[PluginError] = []
        for parser in parsers:
            self.register(parser)

    def register(self, parser: Parser, *, replace: bool = False) -> None:
        """Add a parser under its name.

        Raises:
            TypeError: ``parser`` does not provide `Parser`.
            ValueError: A parser of that name exists and ``replace`` is false.
        """
        if not isinstance(parser, Parser):
            raise TypeError(f"{parser!r} is not a gkbg parser (needs name, sniff and read)")
        if parser.name in self._parsers and not replace:
            raise ValueError(f"a parser named {parser.name!r} is already registered")
        self._parsers[parser.name] = parser

    def _load_entry_points(self) -> None:
        with self._lock:
            if self._loaded:
                return
            self._loaded = True
            parsers, self._broken = load_plugins(ENTRY_POINT_GROUP, _parser_of)
            for parser in parsers:
                self._parsers.setdefault(parser.name, parser)

    @property
    def broken(self) -> tuple[PluginError, ...]:
        """The ``gkbg.parsers`` entry points left out because they cannot be used, and why."""
        self._load_entry_points()
        return tuple(self._broken)

    def names(self) -> tuple[str, ...]:
        """Every registered format name."""
        self._load_entry_points()
        return tuple(self._parsers)

    def get(self, name: str) -> Parser:
        """The parser for a format name.

        Raises:
            UnknownFormatError: No parser has that name; the message lists the known ones, or
                names the plugin that would provide it and why it cannot be used.
        """
        self._load_entry_points()
        try:
            return self._parsers[name]
        except KeyError:
            for error in self._broken:
                if error.name == name:
                    raise UnknownFormatError(f"format={name!r}", str(error)) from None
            known = ", ".join(self._parsers)
            raise UnknownFormatError(
                f"format={name!r}", f"no parser for this format; known formats: {known}"
            ) from None

    def detect(self, document: Input) -> Parser:
        """The parser most sure it can read ``document``.

        Raises:
            UnknownFormatError: No parser recognises the document.
        """
        self._load_entry_points()
        best: tuple[float, Parser] | None = None
        for parser in self._parsers.values():
            confidence = parser.sniff(document)
            if confidence > 0 and (best is None or confidence > best[0]):
                best = (confidence, parser)
        if best is None:
            known = ", ".join(self._parsers)
            try:
                document.text()
            except EncodingError:
                raise  # text, in no encoding gkbg reads: say so rather than "binary"
            except DocumentError:
                what = "binary data"
            else:
                what = "text"
            raise UnknownFormatError(
                document.name, f"{what} in no format gkbg can read (known formats: {known})"
            )
        return best[1]


def _parser_of(loaded: object) -> list[Parser]:
    """The parser an entry point gives: a parser class (instantiated) or a parser."""
    parser = loaded() if isinstance(loaded, type) else loaded
    if not isinstance(parser, Parser):
        raise GkbgError(
            f"it gives {parser!r}, which is not a gkbg parser (needs name, description, sniff "
            "and read)"
        )
    return [parser]


BUILTIN_PARSERS: tuple[type[Parser], ...] = (
    HtmlParser,
    DocxParser,
    OdtParser,
    XlsxParser,
    PdfParser,
    ImageParser,
    LegacyParser,
    MarkdownParser,
    PipeTextParser,
    FlatTextParser,
)
"""The built-in readers, in the order `ParserRegistry.detect` breaks a tie between them."""

_default: ParserRegistry | None = None
_default_lock = threading.Lock()


def default_registry() -> ParserRegistry:
    """The registry `parse` uses unless given another: the built-in parsers and entry points."""
    global _default  # noqa: PLW0603 - one lazily built registry per process
    with _default_lock:
        if _default is None:
            _default = ParserRegistry(parser() for parser in BUILTIN_PARSERS)
        return _default


def register_parser(parser: Parser, *, replace: bool = False) -> None:
    """Add a parser to the default registry (see `ParserRegistry.register`)."""
    default_registry().register(parser, replace=replace)


def parse_layout(
    source: Source | Input,
    *,
    format: str | None = None,  # noqa: A002 - the name users expect
    registry: ParserRegistry | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Layout:
    """Read a document into its `Layout` (tokens and text), before any alignment.

    Takes the same arguments as `parse`.
    """
    document = Input.of(source, limits)
    if not document.data.strip():
        raise EmptyDocumentError(document.name, "the document is empty")
    with time_budget(document.name, limits):
        registry = registry or default_registry()
        parser = registry.get(format) if format else registry.detect(document)
        if limits.isolate and getattr(parser, "isolated", False):
            layout = read_isolated(parser, document)
        else:
            layout = read_guarded(parser, document)
        check_time()
    check_tokens(len(layout.tokens), document.name, limits)
    check_text(len(layout.text), document.name, limits)
    return layout
