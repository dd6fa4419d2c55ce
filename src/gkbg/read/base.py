# SPDX-License-Identifier: MIT
"""What every reader imports: a document's bytes as `Input`, the `Parser` protocol, `decode`.

`Input.of` is the one place that decides what a source given to gkbg is (a path, bytes or
bytes-like, text, a file object) and reads it within the limits; `decode` is the one way a
document's bytes become text, for every reader of text.

A reader turns one source format into a `Layout` (tokens plus text); ``gkbg.align`` does the
rest. Readers import this module and `gkbg.read.layout`, never the registry that lists them.
"""

from __future__ import annotations

import codecs
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from gkbg.core.errors import DocumentError, EncodingError, UnknownFormatError
from gkbg.core.limits import DEFAULT_LIMITS, Limits, exceeded, size_text

if TYPE_CHECKING:
    from collections.abc import Callable

    from gkbg.read.layout import Layout

__all__ = ["BOMS", "Input", "Parser", "Readable", "Source", "decode", "decode_bom", "is_source"]


@runtime_checkable
class Readable(Protocol):
    """A file object: anything with ``read(size)`` giving bytes (or, opened as text, `str`)."""

    def read(self, size: int = -1, /) -> bytes | str:
        """Up to ``size`` bytes (or characters), all that is left when ``size`` is -1."""
        ...


Source = str | bytes | bytearray | memoryview | os.PathLike[str] | Readable
"""What `gkbg.parse` reads: a path (`str` or `os.PathLike`), the document's bytes (or a
`bytearray` or `memoryview` of them), its text as a `str`, or a file object opened in binary
(or text) mode. `Input.of` decides which."""

_FILE_SUFFIXES = (
    ".txt",
    ".htm",
    ".html",
    ".pdf",
    ".doc",
    ".docx",
    ".wps",
    ".xls",
    ".xlsx",
    ".et",
    ".json",
    ".md",
    ".odt",
    ".ods",
    ".rtf",
)

# What a path that is not a regular file is, for the error that refuses it.
_FILE_KINDS = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)

_ACCEPTED = (
    "a path (str or os.PathLike), bytes, bytearray, memoryview, the text as str, or a file "
    "object opened in binary mode"
)


def is_source(value: object) -> bool:
    """Whether ``value`` is one document gkbg can read (see `Source`), not a collection of them.

    `str`, `bytes` and file objects are iterable too: this is how the functions that take one
    document or many tell them apart.
    """
    return isinstance(value, (str, bytes, bytearray, memoryview, os.PathLike, Readable))


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

    @classmethod
    def of(cls, source: Source | Input, limits: Limits = DEFAULT_LIMITS) -> Input:
        """The document ``source`` is, read within ``limits``.

        A one-line `str` that names an existing file, or ends in a document suffix such as
        ``.txt`` or ``.pdf``, is a path; any other `str` is the document's text (UTF-8). A path
        is read only if it is a regular file: a FIFO, a socket or a device is refused without
        being opened for a read that could block. A file object is read from where it stands,
        never more than the size limit, and is not closed.

        Raises:
            TypeError: ``source`` is none of these (the message says what is accepted).
            DocumentError: The path cannot be read, or is not a regular file.
            EncodingError: A `str` (text, a file name, or what a text file object gives) holds
                a lone surrogate, which no encoding writes.
            LimitExceededError: The document is larger than ``limits.max_input_bytes``.
        """
        return _input(source, limits)

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


def _input(source: object, limits: Limits) -> Input:
    """`Input.of`, for any object (a wrong one is a `TypeError`)."""
    if isinstance(source, Input):
        return source
    if isinstance(source, bytes):
        _check_size(len(source), "<bytes>", limits)
        return Input(source, "<bytes>", limits)
    if isinstance(source, (bytearray, memoryview)):
        name = f"<{type(source).__name__}>"
        _check_size(source.nbytes if isinstance(source, memoryview) else len(source), name, limits)
        return Input(bytes(source), name, limits)
    if isinstance(source, str) and (
        "\n" in source or len(source) > 1024 or not _names_a_file(source)
    ):
        data = _utf8(source, "<text>", "the text")
        _check_size(len(data), "<text>", limits)
        return Input(data, "<text>", limits)
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        return Input(_read_file(path, limits), str(path), limits)
    if isinstance(source, Readable):
        named: object = getattr(source, "name", None)
        label = named if isinstance(named, str) else "<file object>"
        return Input(_read_stream(source, label, limits), label, limits)
    raise TypeError(f"gkbg cannot read a {type(source).__name__}: it takes {_ACCEPTED}")


def _check_size(size: int, name: str, limits: Limits) -> None:
    if size > limits.max_input_bytes:
        raise exceeded(
            name,
            "max_input_bytes",
            f"the document is {size:,} bytes, more than {size_text(limits.max_input_bytes)}: "
            "refused as too large",
        )


def _utf8(text: str, name: str, what: str) -> bytes:
    """``text`` as UTF-8; a lone surrogate (which no encoding writes) is an `EncodingError`."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        found = f"U+{ord(text[exc.start]):04X}"
        raise EncodingError(
            name,
            f"{what} holds a lone surrogate ({found} at character {exc.start:,}), which is no "
            "character and no encoding can write; it was decoded wrongly before gkbg got it",
        ) from None


def _read_file(path: Path, limits: Limits) -> bytes:
    """The file's bytes; a file over the limit is refused before it is read.

    Only a regular file is opened: `os.stat` says what the path is first, and the file is
    opened without blocking and checked again (it may have been replaced in between).
    """
    name = str(path)
    if "\x00" in name:  # no system takes it; open() would raise ValueError
        raise DocumentError(repr(name), "not a valid file name")
    try:
        _regular(path.stat(), name)
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
        descriptor = os.open(path, flags | getattr(os, "O_NOCTTY", 0))
        with os.fdopen(descriptor, "rb") as stream:
            status = os.fstat(stream.fileno())
            _regular(status, name)
            _check_size(status.st_size, name, limits)
            # Never more than the limit, even from a file that grows.
            data = stream.read(limits.max_input_bytes + 1)
    except UnicodeEncodeError:
        raise EncodingError(
            repr(name), "not a valid file name (it holds a lone surrogate)"
        ) from None
    except FileNotFoundError:
        raise DocumentError(name, "no such file") from None
    except IsADirectoryError:
        raise DocumentError(name, "is a directory, not a file") from None
    except OSError as exc:
        raise DocumentError(name, f"cannot be read ({exc.strerror or exc})") from None
    _check_size(len(data), name, limits)
    return data


def _regular(status: os.stat_result, name: str) -> None:
    """Refuse what is not a regular file: a directory, a FIFO, a socket, a device."""
    if stat.S_ISREG(status.st_mode):
        return
    if stat.S_ISDIR(status.st_mode):
        raise DocumentError(name, "is a directory, not a file")
    kind = next((what for test, what in _FILE_KINDS if test(status.st_mode)), "not a file")
    raise DocumentError(name, f"is {kind}, not a regular file: refused without reading it")


def _read_stream(stream: Readable, name: str, limits: Limits) -> bytes:
    """What a file object gives, never more than the limit; text is written as UTF-8."""
    try:
        data: object = stream.read(limits.max_input_bytes + 1)
    except UnicodeDecodeError as exc:
        raise EncodingError(
            name,
            f"the file object was opened as text in an encoding the file is not in ({exc.reason} "
            f"at byte {exc.start:,}); open it in binary mode ('rb') and gkbg finds the encoding",
        ) from None
    except OSError as exc:
        raise DocumentError(name, f"cannot be read ({exc.strerror or exc})") from None
    if isinstance(data, str):
        data = _utf8(data, name, "the text")
    elif isinstance(data, (bytearray, memoryview)):
        data = bytes(data)
    elif not isinstance(data, bytes):
        raise TypeError(
            f"{name}: its read() gave a {type(data).__name__}, not bytes or str: gkbg takes "
            f"{_ACCEPTED}"
        )
    _check_size(len(data), name, limits)
    return data


def _names_a_file(text: str) -> bool:
    """Whether a one-line string is meant as a path rather than as a document's text."""
    try:
        exists = Path(text).exists()
    except (OSError, ValueError):  # a name too long for the system, a NUL, a lone surrogate
        exists = False
    return exists or text.lower().endswith(_FILE_SUFFIXES)


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
