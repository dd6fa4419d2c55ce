# SPDX-License-Identifier: MIT
"""The optional dependencies: what a missing one says, and what ``gkbg formats`` says of them."""

from __future__ import annotations

import importlib
from importlib import metadata

import pytest

import gkbg
from gkbg._compat import EXTRAS, extra_installed, import_extra, tomllib
from tests.helpers import FIXTURES

ROOT = FIXTURES.parent.parent


def _optional_dependencies() -> dict[str, list[str]]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    extras: dict[str, list[str]] = data["project"]["optional-dependencies"]
    return extras


def _requirement(extra: str) -> str:
    """The requirement pyproject.toml lists for ``extra``'s module."""
    module = EXTRAS[extra]
    (found,) = (r for r in _optional_dependencies()[extra] if r.startswith(module))
    return found


def test_every_extra_of_gkbg_is_known_with_its_module() -> None:
    extras = _optional_dependencies()
    # test, dev and docs are for working on gkbg; every other extra makes one module importable
    assert set(EXTRAS) == set(extras) - {"test", "dev", "docs"}
    for extra in EXTRAS:
        assert _requirement(extra)


def _without(monkeypatch: pytest.MonkeyPatch, *modules: str) -> None:
    real = importlib.import_module

    def import_module(name: str, package: str | None = None) -> object:
        if name in modules:
            raise ImportError(name)
        return real(name, package)

    monkeypatch.setattr(importlib, "import_module", import_module)


@pytest.mark.parametrize("extra", sorted(EXTRAS))
def test_a_missing_extra_names_the_extra_and_the_package(
    monkeypatch: pytest.MonkeyPatch, extra: str
) -> None:
    module = EXTRAS[extra]
    _without(monkeypatch, module)
    assert not extra_installed(extra)
    with pytest.raises(gkbg.MissingExtraError) as raised:
        import_extra(module, extra=extra, purpose="this")
    assert str(raised.value) == (
        f"this needs {module}: pip install 'gkbg[{extra}]', or pip install '{_requirement(extra)}'"
    )
    # gkbg run from a source tree it was not installed from: the bare package name
    monkeypatch.setattr(metadata, "requires", _not_installed)
    with pytest.raises(gkbg.MissingExtraError, match=rf"or pip install {module}$"):
        import_extra(module, extra=extra, purpose="this")


def _not_installed(name: str) -> list[str]:
    raise metadata.PackageNotFoundError(name)
