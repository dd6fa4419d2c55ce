# SPDX-License-Identifier: MIT
"""Differences between Python versions, optional dependencies, and file signatures."""

from __future__ import annotations

import importlib
import sys
from typing import Any

from gkbg._errors import MissingExtraError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

__all__ = ["OLE_SIGNATURE", "ZIP_SIGNATURE", "import_extra", "tomllib"]

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""The start of an OLE compound file: legacy .doc, .xls, .wps, .et, and encrypted Office files."""

ZIP_SIGNATURE = b"PK\x03\x04"
"""The start of a zip archive: .docx and .xlsx packages."""


def import_extra(module: str, *, extra: str, purpose: str) -> Any:  # noqa: ANN401 - untyped
    """Import an optional dependency, or say which extra installs it.

    Raises:
        MissingExtraError: The module is not installed; the message names ``gkbg[extra]``.
    """
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtraError(f"{purpose} needs {module}: pip install 'gkbg[{extra}]'") from None
