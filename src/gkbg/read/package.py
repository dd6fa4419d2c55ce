# SPDX-License-Identifier: MIT
"""Zip packages (``.docx``, ``.xlsx``) and the XML in them, opened defensively.

One guard for every parser that reads a zip package, within the `Limits` of the call:

* the member count the archive's end record declares is checked before `zipfile` reads its
  central directory, so a directory of millions of entries is never built;
* the declared uncompressed size of all members together, and of each member read, is
  checked before anything is inflated, and no more than the limit is ever inflated, whatever
  the archive declares;
* a member of more than 1 MiB compressed more than ``max_compression_ratio`` times is refused
  as a zip bomb;
* an encrypted member is refused as such; a damaged or truncated archive as such.

XML is parsed by lxml without entity resolution, DTD loading or network access, and an XML
document that declares a DTD at all is refused (Office programs never write one): no
external entity is fetched, no entity is expanded (billion laughs, quadratic blow-up).
libxml2's own limits stay on: nesting deeper than 256 levels is refused.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from typing import TYPE_CHECKING, Any

import lxml.etree  # type: ignore[import-untyped,unused-ignore]

from gkbg.core.compat import ZIP_SIGNATURE
from gkbg.core.errors import (
    CorruptDocumentError,
    DocumentError,
    EncryptedDocumentError,
    LimitExceededError,
    UnsafeDocumentError,
)
from gkbg.core.limits import NESTING, exceeded, size_text

if TYPE_CHECKING:
    from gkbg.core.limits import Limits
    from gkbg.read.base import Input

__all__ = [
    "ZIP_ERRORS",
    "Package",
    "declared_members",
    "holds_member",
    "parse_xml",
    "reject_dtd",
    "sniff_package",
    "xml_failure",
    "xml_parser",
]

_EOCD = b"PK\x05\x06"
_EOCD_SIZE = 22
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_EOCD = b"PK\x06\x06"
_DIRECTORY_ENTRY_BYTES = 2048
_RATIO_FLOOR = 1024 * 1024
# A document type declaration, in the encodings an XML file may use.
_DOCTYPES = tuple(
    marker.encode(codec)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for codec in ("utf-8", "utf-16-le", "utf-16-be")
)

ZIP_ERRORS: tuple[type[Exception], ...] = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    NotImplementedError,
    RuntimeError,
    ValueError,
    struct.error,
    KeyError,
)
"""What `zipfile` raises on a damaged archive."""

_XML_ERRORS: tuple[type[Exception], ...] = (lxml.etree.LxmlError, ValueError, RecursionError)


def declared_members(data: bytes, limits: Limits) -> int | None:
    """The member count the archive's end record declares, or None when there is no record.

    A central directory larger than 2 KB per allowed member counts as too many members,
    whatever count it declares.
    """
    position = data.rfind(_EOCD, max(0, len(data) - _EOCD_SIZE - 0xFFFF))
    if position < 0 or position + _EOCD_SIZE > len(data):
        return None
    count, size = (int(field) for field in struct.unpack_from("<HI", data, position + 10))
    if count == 0xFFFF or size == 0xFFFFFFFF:
        # A zip64 archive: the real count and size are in the zip64 end record.
        locator = position - 20
        if locator >= 0 and data[locator : locator + 4] == _ZIP64_LOCATOR:
            (offset,) = struct.unpack_from("<Q", data, locator + 8)
            if offset + 56 <= len(data) and data[offset : offset + 4] == _ZIP64_EOCD:
                count, size = (int(f) for f in struct.unpack_from("<QQ", data, offset + 32))
    if size > limits.max_zip_members * _DIRECTORY_ENTRY_BYTES:
        return max(count, limits.max_zip_members + 1)
    return count


class Package:
    """A zip package opened within the limits; members are read with `read`.

    Attributes:
        names: The names of the package's members.
    """

    def __init__(self, data: bytes, name: str, *, kind: str, limits: Limits) -> None:
        """Open ``data`` (which starts with the zip signature) as a ``kind`` package.

        Raises:
            CorruptDocumentError: The archive is damaged or truncated.
            LimitExceededError: It has too many members or is too large uncompressed.
        """
        self._name = name
        self._kind = kind
        self._limits = limits
        self._inflated = 0
        members = declared_members(data, limits)
        if members is None:
            raise CorruptDocumentError(
                name, f"a damaged or truncated {kind}: the zip archive has no central directory"
            )
        self._check_members(members)
        try:
            self._archive = zipfile.ZipFile(io.BytesIO(data))
        except ZIP_ERRORS as exc:
            raise self._damaged(exc) from None
        infos = self._archive.infolist()
        try:
            self._check_members(len(infos))
            total = sum(info.file_size for info in infos)
            if total > limits.max_package_bytes:
                raise exceeded(
                    name,
                    "max_package_bytes",
                    f"the {kind} package is {total:,} bytes uncompressed, more than "
                    f"{size_text(limits.max_package_bytes)}: refused as too large",
                )
        except DocumentError:
            self._archive.close()
            raise
        self._infos = {info.filename: info for info in infos}
        self.names = frozenset(self._infos)

    def _damaged(self, exc: Exception) -> CorruptDocumentError:
        return CorruptDocumentError(
            self._name,
            f"a damaged or truncated {self._kind}: the zip archive cannot be read ({exc})",
        )

    def _check_members(self, members: int) -> None:
        limit = self._limits.max_zip_members
        if members > limit:
            raise exceeded(
                self._name,
                "max_zip_members",
                f"the {self._kind} archive has {members} members (more than {limit:,}): "
                "refused as a possible zip bomb",
            )

    def _check_size(self, member: str, size: int, compressed: int) -> None:
        limits = self._limits
        if size > limits.max_member_bytes:
            raise exceeded(
                self._name,
                "max_member_bytes",
                f"{member} is {size:,} bytes uncompressed, more than "
                f"{size_text(limits.max_member_bytes)}: refused as too large",
            )
        ratio = limits.max_compression_ratio
        if size > _RATIO_FLOOR and size > ratio * max(compressed, 1):
            raise exceeded(
                self._name,
                "max_compression_ratio",
                f"{member} is compressed {size // max(compressed, 1):,} times (more than "
                f"{ratio}): refused as a possible zip bomb",
            )
        if self._inflated + size > limits.max_package_bytes:
            raise exceeded(
                self._name,
                "max_package_bytes",
                f"the {self._kind} package inflates to more than "
                f"{size_text(limits.max_package_bytes)}: refused as too large",
            )

    def read(self, member: str) -> bytes:
        """The bytes of one member, inflated within the limits.

        Raises:
            KeyError: The package has no such member.
            EncryptedDocumentError: The member is encrypted.
            LimitExceededError: The member is too large or compressed too much.
            CorruptDocumentError: The member cannot be inflated.
        """
        info = self._infos[member]
        if info.flag_bits & 0x1:
            raise EncryptedDocumentError(
                self._name, f"{member} is encrypted in the zip archive; it cannot be read"
            )
        self._check_size(member, info.file_size, info.compress_size)
        try:
            # Inflate no more than the limit allows, whatever the archive declares.
            with self._archive.open(info) as stream:
                content: bytes = stream.read(self._limits.max_member_bytes + 1)
        except ZIP_ERRORS as exc:
            raise self._damaged(exc) from None
        self._check_size(member, len(content), info.compress_size)
        self._inflated += len(content)
        return content

    def close(self) -> None:
        """Close the archive."""
        self._archive.close()


def reject_dtd(content: bytes, name: str, part: str) -> None:
    """Refuse XML that declares a DTD or entities (no Office program writes one).

    Raises:
        UnsafeDocumentError: ``content`` holds a document type or entity declaration.
    """
    if any(marker in content for marker in _DOCTYPES):
        raise UnsafeDocumentError(
            name,
            f"{part} declares a DTD (entity declarations), which office programs never "
            "write: refused as possibly hostile (entity expansion)",
        )


def xml_parser() -> Any:  # noqa: ANN401 - an lxml parser (lxml ships no type information)
    """An lxml XML parser that resolves no entity, loads no DTD and uses no network."""
    return lxml.etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False
    )


def xml_failure(exc: Exception, name: str, part: str, *, damaged: str = "") -> DocumentError:
    """The error for XML lxml could not parse: too deep, or not well-formed.

    ``damaged`` starts the message of a malformed part (``"a damaged .xlsx: "``).
    """
    if "Excessive depth" in str(exc) or isinstance(exc, RecursionError):
        return LimitExceededError(
            name, f"{part} nests elements more than 256 levels deep: refused", NESTING
        )
    return CorruptDocumentError(name, f"{damaged}{part} is not well-formed XML ({exc})")


def parse_xml(content: bytes, name: str, part: str) -> Any:  # noqa: ANN401 - an lxml element
    """The root element of ``content``, parsed safely.

    Raises:
        UnsafeDocumentError: The XML declares a DTD.
        LimitExceededError: It nests elements too deeply.
        CorruptDocumentError: It is not well-formed, or empty.
    """
    reject_dtd(content, name, part)
    try:
        root = lxml.etree.fromstring(content, xml_parser())
    except _XML_ERRORS as exc:
        raise xml_failure(exc, name, part) from None
    if root is None:
        raise CorruptDocumentError(name, f"{part} is empty")
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None or docinfo.doctype:
        reject_dtd(b"<!DOCTYPE", name, part)
    return root


def holds_member(data: bytes, member: str, limits: Limits) -> bool:
    """Whether ``data`` is a zip archive that lists ``member``, judged cheaply (for sniffing).

    An archive without a central directory (a truncated one), or with more members than the
    limit, is judged by whether the member's name occurs in it, so that reading it refuses it
    with the reason.
    """
    members = declared_members(data, limits)
    if members is None or members > limits.max_zip_members:
        # No directory (a truncated package), or too large a one: reading says which.
        return member.encode() in data
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            archive.getinfo(member)
    except ZIP_ERRORS:
        return False
    return True


def sniff_package(document: Input, member: str) -> float:
    """How sure a package parser is of ``document``: sure when it is a zip holding ``member``.

    The sniff of every parser of a zip package (``word/document.xml`` for a ``.docx``,
    ``xl/workbook.xml`` for an ``.xlsx``): 0.95 when the bytes open a zip archive that lists
    ``member`` (judged by `holds_member`, within the document's limits), else 0.
    """
    data = document.data
    if not data.startswith(ZIP_SIGNATURE):
        return 0.0
    return 0.95 if holds_member(data, member, document.limits) else 0.0
