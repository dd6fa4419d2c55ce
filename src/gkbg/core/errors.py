# SPDX-License-Identifier: MIT
"""The exceptions gkbg raises. Every one of them is a `GkbgError`.

Findings about a report (a total that does not add up) are never exceptions: they are data,
returned by `gkbg.check`. Exceptions are for input gkbg cannot read and for misuse.

Every error about a document is a `DocumentError` (also a `ValueError`), whose message names
the document and the cause; its subclasses say what kind of cause it is, so that a service
can answer an upload without parsing messages:

* `EmptyDocumentError`: no text at all.
* `UnknownFormatError`: no parser reads it (an unsupported format, or binary junk).
* `NoTablesError`: text, but none of the three statutory tables.
* `ScannedDocumentError`: a PDF without a text layer (a scan; it needs OCR).
* `CorruptDocumentError`: damaged, truncated or malformed.
* `EncryptedDocumentError`: protected by a password.
* `EncodingError`: text in no encoding gkbg reads (also a `UnicodeError`).
* `UnsafeDocumentError`: markup no office program writes and that only serves an attack (an
  XML document type declaration with entities).
* `LimitExceededError`: over one of the `gkbg.Limits` (input size, zip members, compression
  ratio, tokens, nesting); its ``limit`` names the limit.
"""

from __future__ import annotations

__all__ = [
    "CorruptDocumentError",
    "DocumentError",
    "EmptyDocumentError",
    "EncodingError",
    "EncryptedDocumentError",
    "FormError",
    "GkbgError",
    "LimitExceededError",
    "MissingExtraError",
    "NoTablesError",
    "PluginError",
    "PluginWarning",
    "RuleError",
    "ScannedDocumentError",
    "SeriesError",
    "UnknownFormatError",
    "UnsafeDocumentError",
]


class GkbgError(Exception):
    """The base class of every error gkbg raises on purpose."""


class DocumentError(GkbgError, ValueError):
    """A document could not be read. The message names the document and the cause.

    Attributes:
        source: The file name, or a description such as ``<bytes>``.
        reason: The cause, in a sentence.
    """

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason

    def __reduce__(self) -> tuple[type[DocumentError], tuple[str, ...]]:
        return (type(self), (self.source, self.reason))


class EmptyDocumentError(DocumentError):
    """The document holds no text at all."""


class UnknownFormatError(DocumentError):
    """No parser recognises the document, or the requested format does not exist."""


class NoTablesError(DocumentError):
    """The document has text but none of the three statutory tables was found in it."""


class ScannedDocumentError(DocumentError):
    """A PDF without a text layer (a scan or pictures of pages): it needs OCR first."""


class CorruptDocumentError(DocumentError):
    """The file is damaged, truncated or malformed: it is not what its format requires."""


class EncryptedDocumentError(DocumentError):
    """The file is protected by a password (an encrypted PDF, Office or zip file)."""


class EncodingError(DocumentError, UnicodeError):
    """The text is in no encoding gkbg reads (UTF-8, GB18030, or what a BOM names)."""


class UnsafeDocumentError(DocumentError):
    """The file holds markup that serves only an attack, such as XML entity declarations."""


class LimitExceededError(DocumentError):
    """The document is over one of the `gkbg.Limits` (too large, or a possible bomb).

    Attributes:
        limit: The name of the `gkbg.Limits` field that was exceeded, such as
            ``"max_input_bytes"``; pass a `gkbg.Limits` with a larger value to accept it.
    """

    def __init__(self, source: str, reason: str, limit: str) -> None:
        super().__init__(source, reason)
        self.limit = limit

    def __reduce__(self) -> tuple[type[DocumentError], tuple[str, ...]]:
        return (type(self), (self.source, self.reason, self.limit))


class MissingExtraError(GkbgError, ImportError):
    """An optional dependency is needed; the message says which extra installs it."""


class PluginError(GkbgError):
    """An entry point of the ``gkbg.parsers`` or ``gkbg.rules`` group cannot be used.

    Its import failed, or it gave something that is not a parser (a check). The message names the
    entry point, the distribution that declares it and the cause.

    Attributes:
        group: The entry-point group, ``"gkbg.parsers"`` or ``"gkbg.rules"``.
        name: The entry point's name.
        value: What it points at, such as ``"gkbg_tsv:TsvParser"``.
        distribution: The distribution that declares it, with its version (``"gkbg-tsv 0.1"``),
            or ``"an unknown distribution"``.
        cause: What went wrong, in a sentence.
    """

    def __init__(self, group: str, name: str, value: str, distribution: str, cause: str) -> None:
        super().__init__(
            f"plugin {name!r} = {value!r} of {distribution} (entry-point group {group!r}) "
            f"is not used: {cause}"
        )
        self.group = group
        self.name = name
        self.value = value
        self.distribution = distribution
        self.cause = cause

    def __reduce__(self) -> tuple[type[PluginError], tuple[str, ...]]:
        return (type(self), (self.group, self.name, self.value, self.distribution, self.cause))


class PluginWarning(UserWarning):
    """A plugin was left out because it cannot be used; its `PluginError` says why.

    gkbg goes on without it, so that one broken package does not stop every check. To stop
    instead, turn the warning into an error: ``warnings.simplefilter("error", gkbg.PluginWarning)``.

    Attributes:
        error: The `PluginError` naming the entry point, its distribution and the cause.
    """

    def __init__(self, error: PluginError) -> None:
        super().__init__(str(error))
        self.error = error

    def __reduce__(self) -> tuple[type[PluginWarning], tuple[PluginError]]:
        return (type(self), (self.error,))


class FormError(GkbgError, ValueError):
    """A form file (``gkbg/forms/*.toml``) is not valid."""


class RuleError(GkbgError, ValueError):
    """A rule definition is not valid; the message names the rule and the key at fault."""


class SeriesError(GkbgError, ValueError):
    """Reports that cannot be compared with each other; the message names them.

    A series mixing agencies, with two reports of one year or a report without a year; a
    roll-up without units.
    """
