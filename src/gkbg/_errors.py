# SPDX-License-Identifier: MIT
"""The exceptions gkbg raises. Every one of them is a `GkbgError`.

Findings about a report (a total that does not add up) are never exceptions: they are data,
returned by `gkbg.check`. Exceptions are for input gkbg cannot read and for misuse.
"""

from __future__ import annotations

__all__ = [
    "DocumentError",
    "EmptyDocumentError",
    "FormError",
    "GkbgError",
    "MissingExtraError",
    "NoTablesError",
    "RuleError",
    "SeriesError",
    "UnknownFormatError",
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

    def __reduce__(self) -> tuple[type[DocumentError], tuple[str, str]]:
        return (type(self), (self.source, self.reason))


class EmptyDocumentError(DocumentError):
    """The document holds no text at all."""


class UnknownFormatError(DocumentError):
    """No parser recognises the document, or the requested format does not exist."""


class NoTablesError(DocumentError):
    """The document has text but none of the three statutory tables was found in it."""


class MissingExtraError(GkbgError, ImportError):
    """An optional dependency is needed; the message says which extra installs it."""


class FormError(GkbgError, ValueError):
    """A form file (``gkbg/forms/*.toml``) is not valid."""


class RuleError(GkbgError, ValueError):
    """A rule definition is not valid; the message names the rule and the key at fault."""


class SeriesError(GkbgError, ValueError):
    """Reports that cannot be compared with each other; the message names them.

    A series mixing agencies, with two reports of one year or a report without a year; a
    roll-up without units.
    """
