# SPDX-License-Identifier: MIT
"""What every reader imports: a document's bytes as `Input`, and the `Parser` protocol.

A reader turns one source format into a `Layout` (tokens plus text); ``gkbg.align`` does the
rest. Readers import this module and `gkbg.read.layout`, never the registry that lists them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

from gkbg.core.errors import DocumentError, EncodingError, UnknownFormatError
from gkbg.core.limits import DEFAULT_LIMITS, Limits
from gkbg.core.text import decode_bom

if TYPE_CHECKING:
    from gkbg.read.layout import Layout

__all__ = ["Input", "Parser"]


class Input:
    """A document's bytes and name, with its text decoded on first use.

    Attributes:
        data: The document's bytes.
        name: The file name, or a description such as ``<bytes>``.
        limits: The limits to read it within (parsers pass them on to what they call).
    """

    __slots__ = ("_text", "data", "limits", "name")

    def __init__(self, data: bytes, name: str, limits: Limits = DEFAULT_LIMITS) -> None:
        """Wrap ``data``; ``name`` is used in error messages."""
        self.data = data
        self.name = name
        self.limits = limits
        self._text: str | None = None

    def text(self) -> str:
        """The document decoded as text (UTF-8 or GB18030, a BOM decides first).

        Raises:
            UnknownFormatError: The bytes are binary, not text.
            EncodingError: The bytes are in no Chinese text encoding.
        """
        if self._text is None:
            self._text = _decode(self.data, self.name)
        return self._text

    def is_text(self) -> bool:
        """Whether the document decodes as text."""
        try:
            self.text()
        except DocumentError:
            return False
        return True


def _decode(data: bytes, name: str) -> str:
    text = decode_bom(data, name)
    if text is not None:
        return text
    if b"\x00" in data[:4096]:
        raise UnknownFormatError(name, "binary data, not text")
    failures: list[str] = []
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as exc:  # noqa: PERF203 - two attempts at most
            failures.append(f"byte {exc.start:,} is not {encoding.upper()}")
    raise EncodingError(
        name,
        "text in an unknown encoding (neither UTF-8 nor GB18030: " + "; ".join(failures) + ")",
    )


@runtime_checkable
class Parser(Protocol):
    """What a parser provides.

    Attributes:
        name: The format name users pass as ``format=`` (``"pipe"``, ``"text"``).
        description: One line for ``gkbg formats`` and error messages.

    A parser that needs one of gkbg's extras may also name it in an ``extra`` attribute
    (``extra = "pdf"``): ``gkbg formats`` then says whether it is installed.
    """

    name: str
    description: str

    def sniff(self, document: Input) -> float:
        """How sure the parser is that it can read ``document``: 0 (not at all) to 1."""
        ...

    def read(self, document: Input) -> Layout:
        """Turn the document into a layout.

        Raises:
            DocumentError: The document is not in this format or is damaged.
        """
        ...
