"""The documentation is executable: every example in ``docs/*.md`` runs and shows true output.

Conventions the pages follow (and these tests enforce):

- ```` ```python ```` blocks of a page run in order, in one namespace per page, with the
  repository root as the working directory. A ```` ```text ```` block that directly follows a
  Python block (nothing but blank lines between them) is that block's output: what the block
  prints must match it.
- ```` ```console ```` blocks hold ``$ gkbg ...`` commands, run through `gkbg.cli.main`. The
  lines after a command, up to the next ``$``, are its output (stdout and stderr as a terminal
  shows them); a line ``...`` stands for any number of lines. ``$ echo $?`` shows the exit status
  of the command before it; a command not followed by ``$ echo $?`` must exit with 0. Other
  commands (installation, say) go in ```` ```sh ```` blocks, which are not run.
- Blocks of MyST directives (```` ```{toctree} ````) are for the Sphinx site (``docs/conf.py``)
  and are not run.
- A block whose first line is ``# docs/<path>`` is the text of that file in the repository, and
  must be identical to it (the example plugin packages under ``docs/examples/``).
- The sections of ``forms.md`` and ``checks.md`` written by ``docs/_generate.py`` are up to date.
- The example plugin packages under ``docs/examples/*/`` work when installed: their entry points
  put their checks into `gkbg.RuleSet.default` and their parsers into a fresh `ParserRegistry`.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import io
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest

import gkbg
from gkbg.checks import rules as _rules
from gkbg.cli import main
from gkbg.read import registry as _parsers

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib


ROOT = Path(__file__).resolve().parent.parent.parent
DOCS = ROOT / "docs"
PAGES = [*sorted(DOCS.glob("*.md")), ROOT / "README.md"]
EXAMPLES = DOCS / "examples"

_FENCE = re.compile(r"^(?P<fence>`{3,})(?P<lang>[\w+-]*)[^`]*$")
_FILE_MARKER = re.compile(r"^# (?P<path>docs/\S+)$")
_LINK = re.compile(r"\]\((?P<target>[^)#\s]*)(?:#(?P<anchor>[^)\s]*))?\)")
_HEADING = re.compile(r"^#{1,6} (?P<title>.+)$")


class Block(NamedTuple):
    """A fenced code block of a page."""

    page: Path
    line: int
    lang: str
    text: str
    gap: str
    """The page's text between the end of the previous block and the start of this one."""

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


@functools.cache
def blocks(page: Path) -> tuple[Block, ...]:
    """The fenced blocks of a page, in order."""
    found: list[Block] = []
    lines = page.read_text(encoding="utf-8").splitlines()
    gap: list[str] = []
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        if opening is None:
            gap.append(lines[index])
            index += 1
            continue
        fence = opening["fence"]
        body: list[str] = []
        index += 1
        while index < len(lines) and lines[index].strip() != fence:
            body.append(lines[index])
            index += 1
        if index == len(lines):
            pytest.fail(f"{page.relative_to(ROOT)}: a code block is never closed")
        start = index - len(body)
        found.append(Block(page, start, opening["lang"], "\n".join(body) + "\n", "\n".join(gap)))
        gap = []
        index += 1
    return tuple(found)


def _all_blocks(lang: str) -> list[Block]:
    return [block for page in PAGES for block in blocks(page) if block.lang == lang]


def _normalise(text: str) -> list[str]:
    lines = [line.rstrip() for line in text.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _matches(expected: list[str], actual: list[str]) -> bool:
    """Line by line; an expected line ``...`` matches any number of actual lines."""

    @functools.cache
    def match(i: int, j: int) -> bool:
        if i == len(expected):
            return j == len(actual)
        if expected[i] == "...":
            return any(match(i + 1, k) for k in range(j, len(actual) + 1))
        return j < len(actual) and expected[i] == actual[j] and match(i + 1, j + 1)

    return match(0, 0)


@pytest.fixture
def isolated(monkeypatch: pytest.MonkeyPatch) -> None:
    """Repository root as working directory, and a default parser registry of our own.

    A page may register a parser; that must not leak into other tests.
    """
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(_parsers, "_default", None)
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")


def test_there_are_pages() -> None:
    names = {page.name for page in PAGES}
    assert {"index.md", "getting-started.md", "forms.md", "checks.md", "formats.md"} <= names


# --- Python blocks ----------------------------------------------------------------------------


def _python_pages() -> list[Path]:
    return [page for page in PAGES if any(block.lang == "python" for block in blocks(page))]


@pytest.mark.usefixtures("isolated")
@pytest.mark.parametrize("page", _python_pages(), ids=lambda page: page.name)
def test_python_blocks(page: Path) -> None:
    namespace: dict[str, object] = {"__name__": f"docs.{page.stem}"}
    page_blocks = blocks(page)
    for position, block in enumerate(page_blocks):
        if block.lang != "python":
            continue
        code = compile(block.text, block.where, "exec")
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(code, namespace)  # noqa: S102 - running the documentation is the point
        following = page_blocks[position + 1] if position + 1 < len(page_blocks) else None
        if following is not None and following.lang == "text" and not following.gap.strip():
            expected = _normalise(following.text)
            actual = _normalise(printed.getvalue())
            assert _matches(expected, actual), (
                f"{block.where}: the output shown at {following.where} is not what the block "
                "prints, which is:\n" + "\n".join(actual)
            )


# --- console blocks ---------------------------------------------------------------------------


class Command(NamedTuple):
    line: str
    output: list[str]


def _commands(block: Block) -> list[Command]:
    commands: list[Command] = []
    for line in block.text.splitlines():
        if line.startswith("$ "):
            commands.append(Command(line[2:].strip(), []))
        elif commands:
            commands[-1].output.append(line)
        elif line.strip():
            pytest.fail(f"{block.where}: output before the first command: {line!r}")
    return commands


def _run(argv: list[str]) -> tuple[int, str]:
    output = io.StringIO()
    with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
        try:
            status = main(argv)
        except SystemExit as exc:  # argparse: --help, --version, usage errors
            status = exc.code if isinstance(exc.code, int) else 1
    return status, output.getvalue()


@pytest.mark.usefixtures("isolated")
@pytest.mark.parametrize("block", _all_blocks("console"), ids=lambda block: block.where)
def test_console_blocks(block: Block) -> None:
    commands = _commands(block)
    assert commands, f"{block.where}: a console block without a command"
    status: int | None = None
    last = ""
    for position, command in enumerate(commands):
        if command.line == "echo $?":
            assert status is not None, f"{block.where}: echo $? before any command"
            shown = _normalise("\n".join(command.output))
            assert shown == [str(status)], f"{block.where}: {last!r} exits with {status}"
            status = None
            continue
        words = shlex.split(command.line)
        assert words[0] == "gkbg", (
            f"{block.where}: only gkbg commands run in console blocks, not {command.line!r} "
            "(put other commands in a sh block)"
        )
        if status is not None:
            assert status == 0, f"{block.where}: {last!r} exits with {status}; show it with echo $?"
        status, output = _run(words[1:])
        last = command.line
        expected = _normalise("\n".join(command.output))
        if expected:
            actual = _normalise(output)
            assert _matches(expected, actual), (
                f"{block.where}: {command.line!r} prints something else:\n" + "\n".join(actual)
            )
        followed = position + 1 < len(commands) and commands[position + 1].line == "echo $?"
        if not followed:
            assert status == 0, f"{block.where}: {command.line!r} exits with {status}"
            status = None


# --- files shown in the pages -----------------------------------------------------------------


def _file_blocks() -> list[pytest.ParameterSet]:
    shown: list[pytest.ParameterSet] = []
    for page in PAGES:
        for block in blocks(page):
            marker = _FILE_MARKER.match(block.text.split("\n", 1)[0])
            if marker is not None:
                shown.append(pytest.param(block, ROOT / marker["path"], id=block.where))
    return shown


@pytest.mark.parametrize(("block", "path"), _file_blocks())
def test_shown_files_are_the_files(block: Block, path: Path) -> None:
    assert path.is_file(), f"{block.where}: {path.relative_to(ROOT)} does not exist"
    assert block.text == path.read_text(encoding="utf-8"), (
        f"{block.where}: the block differs from {path.relative_to(ROOT)}"
    )


def anchors(page: Path) -> set[str]:
    """The anchors GitHub makes for a page's headings (those outside code blocks)."""
    text = page.read_text(encoding="utf-8")
    for block in blocks(page):
        text = text.replace(block.text, "")
    found: set[str] = set()
    for line in text.splitlines():
        heading = _HEADING.match(line)
        if heading is None:
            continue
        slug = re.sub(r"[^\w\- ]", "", heading["title"].strip().lower()).replace(" ", "-")
        candidate, number = slug, 0
        while candidate in found:
            number += 1
            candidate = f"{slug}-{number}"
        found.add(candidate)
    return found


def test_links_resolve() -> None:
    for page in PAGES:
        for match in _LINK.finditer(page.read_text(encoding="utf-8")):
            target, anchor = match["target"], match["anchor"]
            if "://" in target or target.startswith("mailto:"):
                continue
            path = (page.parent / target).resolve() if target else page
            assert path.exists(), f"{page.name}: broken link to {target}"
            if anchor and path.suffix == ".md":
                assert anchor in anchors(path), f"{page.name}: no heading for {target}#{anchor}"


# --- generated sections -----------------------------------------------------------------------


def test_generated_sections_are_up_to_date() -> None:
    done = subprocess.run(
        [sys.executable, str(DOCS / "_generate.py"), "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "up to date" in done.stdout


def test_every_cell_key_is_documented() -> None:
    text = (DOCS / "forms.md").read_text(encoding="utf-8")
    for form in gkbg.forms().values():
        for spec in form.cells():
            assert f"`{spec.key}`" in text, spec.key


def test_every_builtin_check_is_documented() -> None:
    text = (DOCS / "checks.md").read_text(encoding="utf-8")
    for rule in gkbg.RuleSet.builtin():
        assert f"### `{rule.id}`" in text, rule.id


# --- example plugin packages ------------------------------------------------------------------


def _plugin_projects() -> list[Path]:
    return sorted(path.parent for path in EXAMPLES.glob("*/pyproject.toml"))


def _install(project: Path, site: Path) -> dict[str, dict[str, str]]:
    """Make ``project`` importable and its entry points visible, as pip would."""
    data = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    name = str(data["project"]["name"])
    version = str(data["project"].get("version", "0"))
    groups: dict[str, dict[str, str]] = data["project"].get("entry-points", {})
    info = site / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(
        "".join(
            f"[{group}]\n" + "".join(f"{key} = {value}\n" for key, value in entries.items())
            for group, entries in groups.items()
        ),
        encoding="utf-8",
    )
    return groups


def _shown_runs(project: Path) -> list[tuple[Block, list[str], Block]]:
    """The sh blocks that install ``project`` and run gkbg, with the output shown after them."""
    runs: list[tuple[Block, list[str], Block]] = []
    install = f"pip install {project.relative_to(ROOT)}"
    for page in PAGES:
        page_blocks = blocks(page)
        for position, block in enumerate(page_blocks[:-1]):
            lines = [line.strip() for line in block.text.splitlines()]
            following = page_blocks[position + 1]
            if block.lang != "sh" or install not in lines:
                continue
            assert following.lang == "text", f"{block.where}: no output shown after the commands"
            assert not following.gap.strip(), f"{block.where}: text between commands and output"
            commands = [line for line in lines if line.startswith("gkbg ")]
            runs.append((block, commands, following))
    return runs


@pytest.mark.usefixtures("isolated")
@pytest.mark.parametrize("project", _plugin_projects(), ids=lambda path: path.name)
def test_example_plugin_installs(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    groups = _install(project, tmp_path)
    assert set(groups) & {"gkbg.rules", "gkbg.parsers"}, f"{project.name}: no gkbg entry point"
    runs = _shown_runs(project)
    assert runs, f"no page shows how to install {project.relative_to(ROOT)}"
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.syspath_prepend(str(project))
    modules = set(sys.modules)
    _rules._default.cache_clear()
    try:
        importlib.invalidate_caches()
        if "gkbg.rules" in groups:
            added = set(gkbg.RuleSet.default().ids) - set(gkbg.RuleSet.builtin().ids)
            assert added, f"{project.name}: its gkbg.rules entry points add no check"
        if "gkbg.parsers" in groups:
            registry = gkbg.ParserRegistry()
            for name in groups["gkbg.parsers"]:
                assert name in registry.names()
                assert registry.get(name).name == name, "the entry point's name is the format's"
        for block, commands, shown in runs:
            output = "".join(_run(shlex.split(command)[1:])[1] for command in commands)
            actual = _normalise(output)
            assert _matches(_normalise(shown.text), actual), (
                f"{block.where}: with {project.name} installed, the commands print:\n"
                + "\n".join(actual)
            )
    finally:
        _rules._default.cache_clear()
        for module in set(sys.modules) - modules:
            del sys.modules[module]
