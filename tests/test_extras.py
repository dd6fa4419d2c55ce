# SPDX-License-Identifier: MIT
"""The optional dependencies: what a missing one says, and what ``gkbg formats`` says of them."""

from __future__ import annotations

import importlib
from importlib import metadata

import pytest

import gkbg
from gkbg.cli import main
from gkbg.core.compat import EXTRAS, extra_installed, import_extra, tomllib
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


def _formats(capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    assert main(["formats"]) == 0
    return {line.split()[0]: line for line in capsys.readouterr().out.splitlines()}


def test_formats_say_that_an_installed_extra_is_installed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    lines = _formats(capsys)
    for name, parser in ((n, gkbg.default_registry().get(n)) for n in lines):
        extra = getattr(parser, "extra", None)
        if extra is None:
            assert "extra" not in lines[name], lines[name]
        else:
            assert lines[name].endswith(f"(the {extra} extra: installed)"), lines[name]
            assert "needs" not in lines[name]
    assert {"pdf", "xlsx"} <= {n for n, line in lines.items() if "extra: installed" in line}


def test_formats_say_that_a_missing_extra_is_missing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _without(monkeypatch, "openpyxl")
    lines = _formats(capsys)
    assert lines["xlsx"].endswith(
        "(needs the xlsx extra, not installed: pip install 'gkbg[xlsx]', or "
        f"pip install '{_requirement('xlsx')}')"
    ), lines["xlsx"]
    assert lines["pdf"].endswith("(the pdf extra: installed)")
    _without(monkeypatch, "openpyxl", "pypdfium2")
    lines = _formats(capsys)
    assert "needs the xlsx extra, not installed" in lines["xlsx"]
    assert f"pip install '{_requirement('pdf')}'" in lines["pdf"]


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
