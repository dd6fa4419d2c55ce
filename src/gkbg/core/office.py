# SPDX-License-Identifier: MIT
"""LibreOffice, run headless on a private copy: the legacy reader and the PDF renderer share it."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from gkbg.core.errors import CorruptDocumentError, DocumentError
from gkbg.core.limits import check_time, exceeded, remaining_seconds, size_text

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from gkbg.core.limits import Limits

__all__ = ["conversion", "convert", "find_soffice"]


def find_soffice() -> str | None:
    """The LibreOffice command, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def conversion(
    soffice: str,
    folder: Path,
    target: str,
    sources: Iterable[Path],
    *,
    out: Path,
    options: Sequence[str] = (),
) -> tuple[list[str], dict[str, str]]:
    """The command and environment that convert ``sources`` to ``target`` into ``out``.

    LibreOffice runs headless, with a profile and a home of its own in ``folder`` (so that it
    never touches the user's, nor waits on another instance); ``options`` come before the
    conversion (``--infilter=...``).
    """
    command = [
        soffice,
        f"-env:UserInstallation={(folder / 'profile').as_uri()}",
        "--headless",
        "--norestore",
        *options,
        "--convert-to",
        target,
        "--outdir",
        str(out),
        *map(str, sources),
    ]
    return command, {**os.environ, "HOME": str(folder)}


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
    # Within the document's time budget too (`Limits.max_seconds`), when that is shorter.
    seconds = remaining_seconds(limits.conversion_seconds)
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        check_time()
        raise exceeded(
            name,
            "conversion_seconds",
            f"LibreOffice did not convert it within {limits.conversion_seconds:g} seconds",
        ) from None


def convert(  # noqa: PLR0917 - two call sites, both in gkbg
    soffice: str, data: bytes, suffix: str, target: str, name: str, limits: Limits
) -> bytes:
    """``data`` (a ``.suffix`` file) converted by LibreOffice to ``target``, within ``limits``.

    Raises:
        CorruptDocumentError: LibreOffice could not convert it.
        LimitExceededError: The conversion took too long, or its result is too large.
        DocumentError: LibreOffice could not be run.
    """
    with tempfile.TemporaryDirectory(prefix="gkbg-convert-") as folder:
        work = Path(folder)
        source = work / f"document.{suffix}"
        source.write_bytes(data)
        command, environment = conversion(soffice, work, target, [source], out=work / "out")
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
