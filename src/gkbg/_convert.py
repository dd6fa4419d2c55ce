# SPDX-License-Identifier: MIT
"""Legacy binary files (.doc, .wps, .et, .xls), converted with LibreOffice.

Word 97–2003 and WPS files are OLE compound files that no Python library reads reliably. When
LibreOffice is installed (``soffice`` on the PATH), gkbg converts them to .docx or .xlsx in a
private temporary folder and reads the result with the ``docx`` or ``xlsx`` parser; otherwise
it says how to get LibreOffice. Every cell keeps the location the converted file gives it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from gkbg._compat import OLE_SIGNATURE
from gkbg._errors import (
    CorruptDocumentError,
    DocumentError,
    EncryptedDocumentError,
    UnknownFormatError,
)
from gkbg._limits import exceeded, size_text

if TYPE_CHECKING:
    from gkbg._layout import Layout
    from gkbg._limits import Limits
    from gkbg._parsers import Input

__all__ = ["LegacyParser", "find_soffice"]

_WORD_STREAM = "WordDocument".encode("utf-16-le")
_SHEET_STREAMS = ("Workbook".encode("utf-16-le"), "Book".encode("utf-16-le"))
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_INSTALL_HINT = (
    "install LibreOffice (for example: apt-get install libreoffice-writer-nogui "
    "libreoffice-calc-nogui) so that 'soffice' is on the PATH, or save the file as .docx or .xlsx"
)


def find_soffice() -> str | None:
    """The LibreOffice command, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


class LegacyParser:
    """Reads .doc, .wps, .et and .xls files by converting them with LibreOffice."""

    name = "legacy"
    description = "Word 97-2003 .doc, WPS .wps/.et and Excel .xls, converted with LibreOffice"

    def sniff(self, document: Input) -> float:
        """Sure when the file is an OLE compound file (the legacy Office and WPS container)."""
        return 0.9 if document.data.startswith(OLE_SIGNATURE) else 0.0

    def read(self, document: Input) -> Layout:
        """Convert the file and read the converted copy.

        Raises:
            EncryptedDocumentError: The file needs a password.
            CorruptDocumentError: LibreOffice could not convert it.
            LimitExceededError: The conversion took longer than ``conversion_seconds``.
            DocumentError: LibreOffice is not installed.
        """
        data = document.data
        if not data.startswith(OLE_SIGNATURE):
            raise UnknownFormatError(document.name, "not a legacy .doc/.wps/.et/.xls file")
        if _ENCRYPTED_STREAM in data:
            raise EncryptedDocumentError(document.name, "encrypted document: it needs a password")
        spreadsheet = _WORD_STREAM not in data and any(s in data for s in _SHEET_STREAMS)
        target = "xlsx" if spreadsheet else "docx"
        soffice = find_soffice()
        if soffice is None:
            raise DocumentError(
                document.name,
                f"a legacy {'spreadsheet' if spreadsheet else 'Word/WPS'} file: "
                f"reading it needs LibreOffice; {_INSTALL_HINT}",
            )
        suffix = "xls" if spreadsheet else "doc"
        converted = _convert(soffice, data, suffix, target, document.name, document.limits)
        from gkbg._parsers import Input, default_registry  # noqa: PLC0415 - avoids a cycle

        copy = Input(converted, document.name, document.limits)
        layout = default_registry().get(target).read(copy)
        return attrs.evolve(layout, format=self.name)


def _run(command: list[str], environment: dict[str, str], name: str, limits: Limits) -> None:
    """Run LibreOffice in a session of its own; on timeout, kill the session, helpers and all.

    ``soffice`` is a wrapper that starts ``soffice.bin``: killing the wrapper alone would leave
    the converter running, so the whole process group is killed.
    """
    try:
        process = subprocess.Popen(  # noqa: S603 - a fixed command on a file gkbg wrote itself
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=environment,
            start_new_session=True,
        )
    except OSError as exc:
        raise DocumentError(name, f"LibreOffice could not be run ({exc})") from None
    try:
        process.wait(timeout=limits.conversion_seconds)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise exceeded(
            name,
            "conversion_seconds",
            f"LibreOffice did not convert it within {limits.conversion_seconds:g} seconds",
        ) from None


def _convert(  # noqa: PLR0917 - private call sites only
    soffice: str, data: bytes, suffix: str, target: str, name: str, limits: Limits
) -> bytes:
    with tempfile.TemporaryDirectory(prefix="gkbg-convert-") as folder:
        work = Path(folder)
        source = work / f"document.{suffix}"
        source.write_bytes(data)
        profile = (work / "profile").as_uri()
        command = [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            target,
            "--outdir",
            str(work / "out"),
            str(source),
        ]
        environment = {**os.environ, "HOME": folder}
        _run(command, environment, name, limits)
        result = work / "out" / f"document.{target}"
        if not result.is_file():
            raise CorruptDocumentError(
                name, f"LibreOffice could not convert it to .{target}: damaged or not a document"
            )
        size = result.stat().st_size
        if size > limits.max_input_bytes:
            raise exceeded(
                name,
                "max_input_bytes",
                f"converted to .{target}, it is {size:,} bytes, more than "
                f"{size_text(limits.max_input_bytes)}: refused as too large",
            )
        return result.read_bytes()
