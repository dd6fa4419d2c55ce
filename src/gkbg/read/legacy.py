# SPDX-License-Identifier: MIT
"""Files gkbg reads through LibreOffice: legacy binary Office files, RTF and .ods.

Word 97–2003 and WPS files (.doc, .wps, .et, .xls) are OLE compound files that no Python
library reads reliably; Rich Text Format (.rtf, which Word and WPS also save) and OpenDocument
spreadsheets (.ods) are rarer still. When LibreOffice is installed (``soffice`` on the PATH),
gkbg converts them to .docx or .xlsx in a private temporary folder and reads the result with the
``docx`` or ``xlsx`` parser; otherwise it says how to get LibreOffice. Every cell keeps the
location the converted file gives it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from gkbg.core.compat import OLE_SIGNATURE
from gkbg.core.errors import (
    CorruptDocumentError,
    DocumentError,
    EncryptedDocumentError,
    UnknownFormatError,
)
from gkbg.core.office import convert, find_soffice
from gkbg.read.base import Input
from gkbg.read.docx import DocxParser
from gkbg.read.odf import odf_mimetype
from gkbg.read.xlsx import XlsxParser

if TYPE_CHECKING:
    from gkbg.read.layout import Layout

__all__ = ["LegacyParser"]

_RTF_SIGNATURE = b"{\\rtf"
_ODF_SPREADSHEET = "application/vnd.oasis.opendocument.spreadsheet"
_KINDS = {
    "doc": "legacy Word/WPS",
    "xls": "legacy spreadsheet",
    "rtf": "Rich Text Format (.rtf)",
    "ods": "OpenDocument spreadsheet (.ods)",
}
_WORD_STREAM = "WordDocument".encode("utf-16-le")
# Word 97-2003 and WPS text (WordDocument), Works and older WPS files (CONTENTS).
_DOCUMENT_STREAMS = (_WORD_STREAM, "CONTENTS".encode("utf-16-le"))
_SHEET_STREAMS = ("Workbook".encode("utf-16-le"), "Book".encode("utf-16-le"))
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_INSTALL_HINT = (
    "install LibreOffice (for example: apt-get install libreoffice-writer-nogui "
    "libreoffice-calc-nogui) so that 'soffice' is on the PATH, or save the file as .docx or .xlsx"
)


class LegacyParser:
    """Reads .doc, .wps, .et, .xls, .rtf and .ods files by converting them with LibreOffice."""

    name = "legacy"
    description = (
        "Word 97-2003 .doc, WPS .wps/.et, Excel .xls, RTF and .ods, converted with LibreOffice"
    )

    def sniff(self, document: Input) -> float:
        """Sure when the file is an OLE compound file, an RTF file or an .ods spreadsheet."""
        data = document.data
        if data.startswith(OLE_SIGNATURE):
            return 0.9
        if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(_RTF_SIGNATURE):
            return 0.9
        return 0.9 if odf_mimetype(data) == _ODF_SPREADSHEET else 0.0

    def read(self, document: Input) -> Layout:
        """Convert the file and read the converted copy.

        Raises:
            EncryptedDocumentError: The file needs a password.
            CorruptDocumentError: LibreOffice could not convert it.
            LimitExceededError: The conversion took longer than ``conversion_seconds``.
            DocumentError: LibreOffice is not installed.
        """
        data = document.data
        if data.startswith(OLE_SIGNATURE):
            if _ENCRYPTED_STREAM in data:
                raise EncryptedDocumentError(
                    document.name, "encrypted document: it needs a password"
                )
            spreadsheet = _WORD_STREAM not in data and any(s in data for s in _SHEET_STREAMS)
            if not spreadsheet and not any(s in data for s in _DOCUMENT_STREAMS):
                # Checked before LibreOffice spends seconds on bytes it cannot convert.
                raise CorruptDocumentError(
                    document.name,
                    "an OLE compound file with no Word, WPS or Excel stream in it: "
                    "not a document gkbg can convert",
                )
            suffix = "xls" if spreadsheet else "doc"
        elif data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(_RTF_SIGNATURE):
            spreadsheet, suffix = False, "rtf"
        elif odf_mimetype(data) == _ODF_SPREADSHEET:
            spreadsheet, suffix = True, "ods"
        else:
            raise UnknownFormatError(
                document.name, "not a legacy .doc/.wps/.et/.xls, .rtf or .ods file"
            )
        target = "xlsx" if spreadsheet else "docx"
        soffice = find_soffice()
        if soffice is None:
            raise DocumentError(
                document.name,
                f"a {_KINDS[suffix]} file: reading it needs LibreOffice; {_INSTALL_HINT}",
            )
        converted = convert(soffice, data, suffix, target, document.name, document.limits)
        copy = Input(converted, document.name, document.limits)
        reader = XlsxParser() if spreadsheet else DocxParser()
        layout = reader.read(copy)
        return attrs.evolve(layout, format=self.name)
