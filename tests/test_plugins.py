# SPDX-License-Identifier: MIT
"""Plugins that cannot be used: named with their distribution and cause, left out, never raw."""

from __future__ import annotations

import importlib
import pickle
import sys
import warnings
from typing import TYPE_CHECKING

import pytest

import gkbg
from gkbg import _batch
from gkbg.checks import rules as _rules
from gkbg.cli import main
from gkbg.read import registry as _parsers
from tests.helpers import SEEDS

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

YAOHAI = SEEDS[2]

GOOD_RULE = '''
import gkbg

rules = gkbg.RuleSet.from_toml("""
[[rules]]
id = "plugin.blank"
kind = "cell"
severity = "warning"
check = "blank"
title = { zh = "示例", en = "example" }
message = { zh = "{cell}", en = "{cell}" }
""")
'''

GOOD_PARSER = """
import gkbg

class Tsv:
    name = "tsv"
    description = "tab-separated cells"

    def sniff(self, document):
        return 0.0

    def read(self, document):
        raise gkbg.CorruptDocumentError(document.name, "not TSV")
"""

# module name -> source; the cases below point entry points at them
MODULES = {
    "fake_good_rules": GOOD_RULE,
    "fake_good_parser": GOOD_PARSER,
    "fake_import_error": "import no_such_module_anywhere\n",
    "fake_syntax_error": "def broken(:\n",
    "fake_raises": "raise RuntimeError('the plugin needs a licence key')\n",
    "fake_objects": "value = 42\n\nclass Half:\n    name = 'half'\n",
}


def _distribution(site: Path, name: str, version: str, entries: dict[str, dict[str, str]]) -> None:
    """Install a distribution's metadata in ``site`` as pip would."""
    info = site / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(
        "".join(
            f"[{group}]\n" + "".join(f"{key} = {value}\n" for key, value in points.items())
            for group, points in entries.items()
        ),
        encoding="utf-8",
    )


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A folder on sys.path holding the fake modules; distributions are added by each test."""
    for module, source in MODULES.items():
        (tmp_path / f"{module}.py").write_text(source, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(_parsers, "_default", None)
    modules = set(sys.modules)
    _rules._default.cache_clear()
    importlib.invalidate_caches()
    yield tmp_path
    _rules._default.cache_clear()
    for module in set(sys.modules) - modules:
        del sys.modules[module]


BROKEN = [
    ("fake_import_error:Parser", "cannot be imported (ModuleNotFoundError: No module named"),
    ("fake_syntax_error:Parser", "cannot be imported (SyntaxError: "),
    ("fake_raises:Parser", "cannot be imported (RuntimeError: the plugin needs a licence key)"),
    ("fake_good_parser:Missing", "cannot be imported (AttributeError: "),
    ("fake_objects:value", "it gives 42, which is not a gkbg parser"),
    ("fake_objects:Half", "which is not a gkbg parser (needs name, description, sniff and read)"),
]


@pytest.mark.parametrize(("value", "cause"), BROKEN, ids=[value for value, _ in BROKEN])
def test_a_broken_parser_plugin_is_named_and_left_out(site: Path, value: str, cause: str) -> None:
    _distribution(
        site,
        "gkbg-fake",
        "1.2",
        {"gkbg.parsers": {"broken": value, "tsv": "fake_good_parser:Tsv"}},
    )
    registry = gkbg.ParserRegistry([])
    with pytest.warns(gkbg.PluginWarning) as caught:
        names = registry.names()
    assert names == ("tsv",), "the working plugin of the same distribution is kept"
    [warning] = caught
    message = str(warning.message)
    assert message.startswith(
        f"plugin 'broken' = {value!r} of gkbg-fake 1.2 (entry-point group 'gkbg.parsers') "
        "is not used: "
    )
    assert cause in message
    [error] = registry.broken
    assert isinstance(error, gkbg.GkbgError)
    assert (error.group, error.name, error.value) == ("gkbg.parsers", "broken", value)
    assert error.distribution == "gkbg-fake 1.2"
    assert str(pickle.loads(pickle.dumps(error))) == message
    # asking for the broken format says why it is not there
    with pytest.raises(gkbg.UnknownFormatError, match="format='broken': plugin 'broken'"):
        registry.get("broken")


@pytest.mark.parametrize(
    ("value", "cause"),
    [
        ("fake_import_error:rules", "cannot be imported (ModuleNotFoundError"),
        ("fake_syntax_error:rules", "cannot be imported (SyntaxError"),
        ("fake_raises:rules", "RuntimeError: the plugin needs a licence key"),
        ("fake_objects:value", "it gives 42, which is not a gkbg check"),
    ],
)
def test_a_broken_rule_plugin_is_named_and_left_out(site: Path, value: str, cause: str) -> None:
    _distribution(site, "gkbg-province", "0.3", {"gkbg.rules": {"broken": value}})
    _distribution(site, "gkbg-other", "2.0", {"gkbg.rules": {"good": "fake_good_rules:rules"}})
    with pytest.warns(gkbg.PluginWarning, match=r"plugin 'broken'.* of gkbg-province 0\.3") as w:
        rules = gkbg.RuleSet.default()
    assert cause in str(w[0].message)
    assert rules.ids == (*gkbg.RuleSet.builtin().ids, "plugin.blank")


def test_a_broken_plugin_can_be_made_an_error(site: Path) -> None:
    _distribution(site, "gkbg-fake", "1.0", {"gkbg.rules": {"broken": "fake_raises:rules"}})
    with warnings.catch_warnings():
        warnings.simplefilter("error", gkbg.PluginWarning)
        with pytest.raises(gkbg.PluginWarning) as raised:
            gkbg.RuleSet.default()
    assert raised.value.error.distribution == "gkbg-fake 1.0"


def _broken_plugins(site: Path) -> None:
    """A distribution with a rule set that cannot be imported and a parser that cannot be
    loaded."""
    _distribution(
        site,
        "gkbg-fake",
        "1.0",
        {
            "gkbg.rules": {"province": "fake_syntax_error:rules"},
            "gkbg.parsers": {"tsv": "fake_import_error:Tsv"},
        },
    )


def test_batch_names_each_broken_plugin_once(
    site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With workers, the first of them loads the plugins and its coordinator names them."""
    _broken_plugins(site)
    monkeypatch.setattr(_batch, "_start_method", lambda: "fork")  # the workers see the site
    folder = tmp_path / "in"
    folder.mkdir()
    for index in range(4):
        (folder / f"{index}.txt").write_bytes(YAOHAI.read_bytes())
    with warnings.catch_warnings():
        warnings.simplefilter("default", gkbg.PluginWarning)
        command = ["batch", str(folder), "--out", str(tmp_path / "out"), "--jobs", "2"]
        status = main([*command, "--no-progress", "--lang", "en"])
    assert status == 1
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 2, lines
    # the readers load first, as before any file is read
    assert lines[0].startswith("gkbg: warning: plugin 'tsv' = 'fake_import_error:Tsv'")
    assert lines[1].startswith("gkbg: warning: plugin 'province' = 'fake_syntax_error:rules'")


def test_check_goes_on_and_names_the_broken_plugins(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _broken_plugins(site)
    with warnings.catch_warnings():
        warnings.simplefilter("default", gkbg.PluginWarning)
        status = main(["check", str(YAOHAI), "--lang", "en"])
    assert status == 1, "the report is still checked, and its two errors found"
    captured = capsys.readouterr()
    assert "2 errors" in captured.out
    lines = captured.err.splitlines()
    assert len(lines) == 2, captured.err
    assert lines[0].startswith(
        "gkbg: warning: plugin 'province' = 'fake_syntax_error:rules' of gkbg-fake 1.0 "
        "(entry-point group 'gkbg.rules') is not used: it cannot be imported (SyntaxError"
    )
    assert lines[1].startswith("gkbg: warning: plugin 'tsv' = 'fake_import_error:Tsv'")
