"""The site's reference pages are complete: every public name, every extra.

The API reference, ``docs/reference/api.rst``, documents every public name and nothing else.
A name is documented by an autodoc directive naming it in full (``.. autoclass:: gkbg.Report``)
or, for a public module other than ``gkbg`` itself, by ``.. automodule:: gkbg.<module>`` with
``:members:``. The public names are ``gkbg.__all__`` and the ``__all__`` of every public module
of the package (``gkbg.cli``, and any added later). The site itself is built by ``.ci/run``
(``sphinx-build -W``), which fails when a directive names something that does not exist.

``docs/extras.md`` names every extra of ``pyproject.toml`` with the packages it installs (for
the extras of gkbg's own development, ``test`` and ``dev``, the row says what they are for).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import gkbg

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

if TYPE_CHECKING:
    import types

ROOT = Path(__file__).resolve().parent.parent.parent
API = ROOT / "docs" / "reference" / "api.rst"
EXTRAS = ROOT / "docs" / "extras.md"

_DIRECTIVE = re.compile(
    r"^\.\. auto(?P<kind>class|function|data|exception|module)::[ \t]+(?P<name>\S+)[ \t]*\n"
    r"(?P<options>(?:[ \t]+:.*\n)*)",
    re.MULTILINE,
)


def _public_modules() -> list[types.ModuleType]:
    return [
        gkbg,
        *(
            importlib.import_module(info.name)
            for info in pkgutil.iter_modules(gkbg.__path__, "gkbg.")
            if not info.name.rpartition(".")[2].startswith("_")
        ),
    ]


def _directives() -> list[re.Match[str]]:
    return list(_DIRECTIVE.finditer(API.read_text(encoding="utf-8")))


def _documented() -> set[str]:
    names: set[str] = set()
    for directive in _directives():
        name = directive["name"]
        if directive["kind"] != "module":
            names.add(name)
        elif ":members:" in directive["options"]:
            module = importlib.import_module(name)
            names.update(f"{name}.{member}" for member in getattr(module, "__all__", ()))
    return names


def _public_names() -> list[str]:
    return [
        f"{module.__name__}.{name}"
        for module in _public_modules()
        for name in getattr(module, "__all__", ())
    ]


def _directive_for(name: str) -> str:
    """The autodoc directive that documents ``name``, for the failure message."""
    module, _, attribute = name.rpartition(".")
    if module != "gkbg":
        return f".. automodule:: {module}\n   :members:"
    obj = getattr(importlib.import_module(module), attribute)
    if inspect.isclass(obj):
        kind = "exception" if issubclass(obj, BaseException) else "class"
    elif callable(obj):
        kind = "function"
    else:
        kind = "data"
    return f".. auto{kind}:: {name}"


@pytest.mark.parametrize("name", _public_names())
def test_every_public_name_is_documented(name: str) -> None:
    assert name in _documented(), (
        f"{name} is public but docs/reference/api.rst does not document it: "
        f"add {_directive_for(name)!r} to the section it belongs in"
    )


def test_only_public_names_are_documented() -> None:
    public = set(_public_names())
    modules = {module.__name__ for module in _public_modules()}
    for directive in _directives():
        name = directive["name"]
        if directive["kind"] == "module":
            assert name in modules, f"docs/reference/api.rst documents the private module {name}"
        else:
            assert name in public, (
                f"docs/reference/api.rst documents {name}, which is not in an __all__"
            )


def test_each_name_is_documented_once() -> None:
    names = [directive["name"] for directive in _directives()]
    assert len(names) == len(set(names))


def test_the_command_is_documented_from_its_parser() -> None:
    text = API.read_text(encoding="utf-8")
    directive = r"^\.\. argparse::\n   :module: gkbg\.cli\n   :func: _parser\n"
    assert re.search(directive, text, re.MULTILINE)


_DEVELOPMENT_EXTRAS = {"test", "dev"}


def _extras() -> dict[str, list[str]]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    extras: dict[str, list[str]] = data["project"]["optional-dependencies"]
    return extras


@pytest.mark.parametrize("extra", sorted(_extras()))
def test_every_extra_is_documented(extra: str) -> None:
    rows = [
        line
        for line in EXTRAS.read_text(encoding="utf-8").splitlines()
        if line.startswith(f"| `gkbg[{extra}]` |")
    ]
    assert len(rows) == 1, f"docs/extras.md has no row for gkbg[{extra}] in its table of extras"
    if extra in _DEVELOPMENT_EXTRAS:
        return
    for requirement in _extras()[extra]:
        package = re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0]
        assert package in rows[0], f"docs/extras.md: gkbg[{extra}] installs {package}"
