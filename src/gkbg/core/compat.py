# SPDX-License-Identifier: MIT
"""Differences between Python versions, optional dependencies, and file signatures."""

from __future__ import annotations

import importlib
import sys
from importlib import metadata
from typing import Any

import regex

from gkbg.core.errors import MissingExtraError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

__all__ = [
    "EXTRAS",
    "OLE_SIGNATURE",
    "ZIP_SIGNATURE",
    "extra_installed",
    "import_dependency",
    "import_extra",
    "install_hint",
    "tomllib",
]

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""The start of an OLE compound file: legacy .doc, .xls, .wps, .et, and encrypted Office files."""

ZIP_SIGNATURE = b"PK\x03\x04"
"""The start of a zip archive: .docx and .xlsx packages."""

EXTRAS = {
    "xlsx": "openpyxl",
    "pandas": "pandas",
    "parquet": "pyarrow",
    "testing": "hypothesis",
    "ocr": "rapidocr",
}
"""The module each extra of gkbg's own (``pip install 'gkbg[xlsx]'``) makes importable.

The requirements themselves (names and versions) are in ``pyproject.toml``, read back from the
installed package's metadata by `install_hint`; a test keeps the two in step.
"""

_EXTRA_MARKER = regex.compile(r"""extra\s*==\s*["']([^"']+)["']""")
_NAME = regex.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_SEPARATORS = regex.compile(r"[-_.]+")


def _normalised(name: str) -> str:
    normalised: str = _SEPARATORS.sub("-", name)
    return normalised.lower()


def _requirement(module: str, extra: str | None) -> str:
    """The requirement of gkbg's metadata that ``extra`` installs for ``module``.

    ``extra`` None: the requirement of gkbg's own dependencies (no extra). Without metadata
    (gkbg run from a source tree it was not installed from), the module name.
    """
    try:
        requires = metadata.requires("gkbg") or []
    except metadata.PackageNotFoundError:
        return module
    for line in requires:
        requirement, _, marker = line.partition(";")
        found = _EXTRA_MARKER.search(marker)
        name = _NAME.match(requirement.strip())
        if (
            (found.group(1) if found else None) == extra
            and name
            and _normalised(name.group()) == _normalised(module)
        ):
            return requirement.strip()
    return module


def install_hint(module: str, extra: str) -> str:
    """How to install what ``extra`` provides: the extra, or the package itself.

    ``pip install 'gkbg[xlsx]'`` needs gkbg from PyPI (or ``'.[xlsx]'`` in a checkout); the
    package itself (``pip install 'openpyxl>=3.1'``) works however gkbg was installed.
    """
    requirement = _requirement(module, extra)
    quoted = requirement if _NAME.fullmatch(requirement) else f"'{requirement}'"
    return f"pip install 'gkbg[{extra}]', or pip install {quoted}"


def extra_installed(extra: str) -> bool:
    """Whether the module ``extra`` provides imports: installed, and not broken.

    Raises:
        KeyError: gkbg has no such extra.
    """
    module = EXTRAS[extra]
    try:
        importlib.import_module(module)
    except Exception:  # noqa: BLE001 - a module that fails to import is not installed for us
        return False
    return True


def import_extra(module: str, *, extra: str, purpose: str) -> Any:  # noqa: ANN401 - untyped
    """Import an optional dependency, or say which extra (and which package) installs it.

    Raises:
        MissingExtraError: The module is not installed; the message names ``gkbg[extra]`` and
            the package itself.
    """
    try:
        return importlib.import_module(module)
    except ImportError:
        hint = install_hint(module, extra)
        raise MissingExtraError(f"{purpose} needs {module}: {hint}") from None


def import_dependency(module: str, *, purpose: str) -> Any:  # noqa: ANN401 - untyped
    """Import one of gkbg's own dependencies that is imported only when needed (pypdfium2).

    It is installed with gkbg; when it is not (removed, or broken), the error says how to
    install it again.

    Raises:
        MissingExtraError: The module does not import; the message names the package.
    """
    try:
        return importlib.import_module(module)
    except ImportError:
        requirement = _requirement(module, None)
        quoted = requirement if _NAME.fullmatch(requirement) else f"'{requirement}'"
        raise MissingExtraError(
            f"{purpose} needs {module}, which gkbg depends on but which is not installed: "
            f"pip install {quoted}"
        ) from None
