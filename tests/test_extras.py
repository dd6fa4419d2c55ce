# SPDX-License-Identifier: MIT
"""The optional dependencies: what a missing one says, and what ``gkbg formats`` says of them."""

from __future__ import annotations

import importlib
import re
from importlib import metadata

import pytest

import gkbg
from gkbg.cli import main
from gkbg.core.compat import EXTRAS, extra_installed, import_dependency, import_extra, tomllib
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
    # test, dev and docs are for working on gkbg, all gathers the others, pdf is kept empty for
    # the install commands of earlier versions; every other extra makes one module importable
    assert set(EXTRAS) == set(extras) - {"test", "dev", "docs", "all", "pdf"}
    for extra in EXTRAS:
        assert _requirement(extra)


def test_all_installs_every_extra_for_users_and_pdf_is_in_the_plain_install() -> None:
    extras = _optional_dependencies()
    # every requirement of every such extra (ocr needs two: the engine and its runtime)
    assert sorted(extras["all"]) == sorted(r for extra in EXTRAS for r in extras[extra])
    assert all(_requirement(extra) in extras["all"] for extra in EXTRAS)
    assert extras["pdf"] == []
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    dependencies: list[str] = data["project"]["dependencies"]
    assert [r for r in dependencies if r.startswith("pypdfium2")] == ["pypdfium2>=4.30"]
    # no extra needs to be named for a plain install's formats: PDF, DOCX, HTML, text, markdown
    registry = gkbg.default_registry()
    plain = {n for n in registry.names() if getattr(registry.get(n), "extra", None) is None}
    assert {"pdf", "docx", "html", "text", "pipe", "markdown"} <= plain
    assert getattr(registry.get("xlsx"), "extra", None) == "xlsx"


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
    assert {"xlsx"} <= {n for n, line in lines.items() if "extra: installed" in line}
    assert lines["pdf"] == f"{'pdf':<8} PDF: its text layer, or its page images by OCR (gkbg[ocr])"


def test_formats_say_that_a_missing_extra_is_missing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _without(monkeypatch, "openpyxl")
    lines = _formats(capsys)
    assert lines["xlsx"].endswith(
        "(needs the xlsx extra, not installed: pip install 'gkbg[xlsx]', or "
        f"pip install '{_requirement('xlsx')}')"
    ), lines["xlsx"]
    assert lines["pdf"] == f"{'pdf':<8} PDF: its text layer, or its page images by OCR (gkbg[ocr])"


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


def test_a_missing_dependency_says_how_to_install_it_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # pypdfium2 is a dependency of gkbg, imported only to read a PDF: hidden, it is missing
    _without(monkeypatch, "pypdfium2")
    monkeypatch.setattr(metadata, "requires", _requires)
    with pytest.raises(gkbg.MissingExtraError) as raised:
        import_dependency("pypdfium2", purpose="reading PDF files")
    assert str(raised.value) == (
        "reading PDF files needs pypdfium2, which gkbg depends on but which is not installed: "
        "pip install 'pypdfium2>=4.30'"
    )
    with pytest.raises(gkbg.MissingExtraError) as raised:
        gkbg.parse(min((FIXTURES / "corpus").glob("*.pdf")))
    assert "reading PDF files needs pypdfium2" in str(raised.value)
    assert isinstance(raised.value, ImportError)
    # gkbg run from a source tree it was not installed from: the bare package name
    monkeypatch.setattr(metadata, "requires", _not_installed)
    with pytest.raises(gkbg.MissingExtraError, match=r"not installed: pip install pypdfium2$"):
        import_dependency("pypdfium2", purpose="reading PDF files")


def _requires(name: str) -> list[str]:
    """gkbg's requirements as this checkout's pyproject.toml lists them."""
    assert name == "gkbg"
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    found: list[str] = list(data["project"]["dependencies"])
    for extra, requirements in data["project"]["optional-dependencies"].items():
        found += [f'{r}; extra == "{extra}"' for r in requirements]
    return found


# --------------------------------------------------------------------------------------------
# The package's metadata: what a package index shows.

REPOSITORY = "https://github.com/gkbg/gkbg"


def test_the_licence_is_stated_once_as_an_expression() -> None:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    project = data["project"]
    assert project["license"] == "MIT"
    assert project["license-files"] == ["LICENSE"]
    assert not [c for c in project["classifiers"] if c.startswith("License ::")]


def test_the_urls_name_the_source_the_issues_and_the_documentation_site() -> None:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    urls: dict[str, str] = data["project"]["urls"]
    assert urls["Source"] == REPOSITORY
    assert urls["Issues"] == f"{REPOSITORY}/issues"
    assert urls["Documentation"].startswith("https://")
    assert "/tree/" not in urls["Documentation"]  # the site, not the Markdown sources
    assert urls["Changelog"] == f"{REPOSITORY}/blob/main/CHANGELOG.md"
    from gkbg.cli import DOCS_URL

    assert urls["Documentation"] == DOCS_URL


_LINK = re.compile(r"\]\((?P<target>[^)\s]+)\)")


def test_the_readme_links_are_absolute_and_point_at_files_of_the_repository() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = [match["target"] for match in _LINK.finditer(readme)]
    assert len(targets) > 10
    for target in targets:
        assert target.startswith("https://"), f"README.md: relative link {target}"
        if target.startswith(f"{REPOSITORY}/blob/main/"):
            path = ROOT / target.removeprefix(f"{REPOSITORY}/blob/main/").partition("#")[0]
            assert path.exists(), f"README.md: {target} names no file of the repository"


def test_the_readme_set_up_commands_are_those_of_the_project() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert (
        "python3 -m venv .venv && . .venv/bin/activate && pip install . && "
        "gkbg check examples/yaohai-2019.txt"
    ) in readme
    assert (
        'python3 -m venv .venv && . .venv/bin/activate && pip install -e ".[test]" && '
        "python -m pytest"
    ) in readme
    assert (ROOT / "examples" / "yaohai-2019.txt").exists()
    assert "test" in _optional_dependencies()
