# SPDX-License-Identifier: MIT
"""What every reader imports: a document's bytes as `Input`, the `Parser` protocol, `decode`.

`decode` is the one way a document's bytes become text, for every reader of text.

A reader turns one source format into a `Layout` (tokens plus text); ``gkbg.align`` does the
rest. Readers import this module and `gkbg.read.layout`, never the registry that lists them.
"""

from __future__ import annotations

import codecs
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from gkbg.core.errors import DocumentError, EncodingError, UnknownFormatError
from gkbg.core.limits import DEFAULT_LIMITS, Limits

if TYPE_CHECKING:
    from collections.abc import Callable

    from gkbg.read.layout import Layout

__all__ = ["BOMS", "Input", "Parser", "decode", "decode_bom"]

BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
"""The byte-order marks a text document may open with, and the encoding each says."""

# A NUL byte this early is binary data: no text encoding of Chinese writes one without a BOM.
_BINARY_PROBE = 4096


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
            self._text = decode(self.data, self.name)
        return self._text

    def is_text(self) -> bool:
        """Whether the document decodes as text."""
        try:
            self.text()
        except DocumentError:
            return False
        return True


def decode_bom(data: bytes, name: str) -> str | None:
    """The text after a byte-order mark, or None when ``data`` starts with none.

    Raises:
        EncodingError: The bytes after the mark are not valid in its encoding.
    """
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                raise EncodingError(name, f"not valid {encoding} text after its BOM") from exc
    return None


def decode(
    data: bytes,
    name: str,
    *,
    what: str = "text",
    declares: Callable[[bytes], str | None] | None = None,
) -> str:
    """A document's bytes as text: a BOM decides first, then UTF-8, then GB18030.

    Every reader of text decodes this way (`Input.text`, the HTML reader).

    Args:
        data: The bytes.
        name: The document's name, for the errors.
        what: What the document should be, for the errors (``text``, ``an HTML page``).
        declares: Finds the Python codec of the encoding the document declares (an HTML
            page's ``<meta charset>``), or None. Bytes that are valid UTF-8 with non-ASCII
            text in them are UTF-8 whatever they declare (a page re-encoded without its
            declaration being updated); otherwise the declared encoding is tried first. A
            codec that decodes no text (``base64``) is passed over.

    Raises:
        UnknownFormatError: The bytes are binary (a NUL byte among the first 4,096).
        EncodingError: The bytes are not valid after their BOM, or in no encoding tried.
    """
    text = decode_bom(data, name)
    if text is not None:
        return text
    if b"\x00" in data[:_BINARY_PROBE]:
        raise UnknownFormatError(name, f"binary data, not {what}")
    failures: dict[str, str] = {}
    if declares is not None and not data.isascii():
        text = _attempt(data, "utf-8", failures)
        if text is not None:
            return text
    declared = declares(data) if declares is not None else None
    for encoding in dict.fromkeys([*([declared] if declared else []), "utf-8", "gb18030"]):
        if encoding not in failures:
            text = _attempt(data, encoding, failures)
            if text is not None:
                return text
    said = (
        f"it declares {declared}, but it is " if declared not in {None, "utf-8", "gb18030"} else ""
    )
    raise EncodingError(
        name,
        f"{what} in an unknown encoding ({said}neither UTF-8 nor GB18030: "
        + "; ".join(failures.values())
        + ")",
    )


def _attempt(data: bytes, encoding: str, failures: dict[str, str]) -> str | None:
    """``data`` decoded as ``encoding``, or None with why not recorded in ``failures``."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        failures[encoding] = f"byte {exc.start:,} is not {encoding.upper()}"
    except (UnicodeError, LookupError):  # a codec of bytes to bytes, or a failing one
        failures[encoding] = f"{encoding} decodes no text"
    return None


@runtime_checkable
class Parser(Protocol):
    """What a parser provides.

    Attributes:
        name: The format name users pass as ``format=`` (``"pipe"``, ``"text"``).
        description: One line for ``gkbg formats`` and error messages.

    A parser that needs one of gkbg's extras may also name it in an ``extra`` attribute
    (``extra = "xlsx"``): ``gkbg formats`` then says whether it is installed. A parser that runs
    native code on the document's bytes may set ``isolated = True``: with `Limits.isolate` it
    then reads in a worker process (``gkbg.read.isolation``); it must then be picklable.
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
