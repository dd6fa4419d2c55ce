"""The package's layout obeys the rule of docs/architecture.md.

Every module lives in a stage folder or is one of the few front modules; imports point only
down the pipeline; no two modules import each other, even through others; and no module of gkbg
imports another inside a function. The imports are read from the source (``ast``), so an import
inside a function counts like one at the top; a ``TYPE_CHECKING`` block does not, since it never
runs. The modules the package imports when a public name is first used (its table ``_LAZY``)
count as its imports.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import gkbg

PACKAGE = Path(gkbg.__file__).parent

STAGES = ("core", "read", "align", "checks", "write")
"""The stage folders, in the order of the pipeline (``core`` holds the nouns they share)."""

MAY_IMPORT = {
    "core": {"core"},
    "read": {"core", "read"},
    "align": {"core", "read", "align"},
    "checks": {"core", "checks"},
    "write": {"core", "checks", "write"},
}
"""The folders each stage's modules may import from: docs/architecture.md, "The rule"."""

FRONT = {"__init__", "__main__", "cli", "_api", "_batch", "testing", "render"}
"""The modules outside the stage folders: the public face and the programs built on the stages."""


def _module(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _stage(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in STAGES else None


def _target(module: str, node: ast.ImportFrom, is_package: bool) -> str:
    if node.level == 0:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - node.level + 1]
    return ".".join([*base, node.module] if node.module else base)


def _known(name: str) -> str | None:
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imports(module: str) -> list[tuple[str, bool]]:
    """Each gkbg module ``module`` imports, and whether the import is inside a function."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[str, bool]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for statement in node.orelse:
                visit(statement, in_function)
            return
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _target(module, node, path.name == "__init__.py")
            names = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        for name in names:
            if name == "gkbg" or name.startswith("gkbg."):
                known = _known(name)
                if known and known not in {module, "gkbg"}:
                    found.append((known, in_function))
        inner = in_function or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        for child in ast.iter_child_nodes(node):
            visit(child, inner)

    visit(tree, in_function=False)
    if module == "gkbg":
        # The package imports each public name's module when the name is first used (PEP 562):
        # the modules its table `_LAZY` names are its imports as much as those at its top.
        for node in tree.body:
            if isinstance(node, ast.AnnAssign) and ast.unparse(node.target) == "_LAZY":
                assert isinstance(node.value, ast.Dict)
                for value in node.value.values:
                    assert isinstance(value, ast.Constant)
                    assert isinstance(value.value, str)
                    known = _known(value.value)
                    if known and known != module:
                        found.append((known, False))
    return found


GRAPH = {module: sorted({target for target, _ in _imports(module)}) for module in MODULES}


def test_every_module_is_in_a_stage_folder_or_the_front() -> None:
    strays = [m for m, path in MODULES.items() if _stage(m) is None and path.stem not in FRONT]
    assert strays == []
    assert {path.parent for m, path in MODULES.items() if _stage(m) is None} == {PACKAGE}


@pytest.mark.parametrize("stage", STAGES)
def test_every_stage_folder_says_what_it_is_for(stage: str) -> None:
    docstring = ast.get_docstring(ast.parse((PACKAGE / stage / "__init__.py").read_text("utf-8")))
    assert docstring
    assert len(docstring.splitlines()) == 1


@pytest.mark.parametrize("module", [m for m in MODULES if _stage(m)])
def test_imports_point_down_the_pipeline(module: str) -> None:
    stage = _stage(module)
    assert stage is not None
    upward = [target for target in GRAPH[module] if _stage(target) not in MAY_IMPORT[stage]]
    assert upward == [], f"{module} imports {upward}, above its stage {stage}"


def test_no_module_imports_another_inside_a_function() -> None:
    hidden = [
        (module, target)
        for module in MODULES
        for target, in_function in _imports(module)
        if in_function
    ]
    assert hidden == []


def _cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """The import cycles of ``graph``, each as the path that closes it (depth-first search)."""
    state: dict[str, str] = {}
    cycles: list[list[str]] = []

    def visit(module: str, path: list[str]) -> None:
        state[module] = "open"
        for target in graph[module]:
            if state.get(target) == "open":
                cycles.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target, [*path, target])
        state[module] = "done"

    for module in graph:
        if module not in state:
            visit(module, [module])
    return cycles


def test_there_is_no_import_cycle() -> None:
    assert _cycles(GRAPH) == []


def test_the_cycle_search_finds_a_cycle_through_three_modules() -> None:
    graph = {"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"]}
    assert _cycles(graph) == [["a", "b", "c", "a"]]


def test_the_graph_is_read_from_the_real_imports() -> None:
    # The model reaches its views through core.views, not through gkbg.write; the notebook
    # view does import the engine, and the package's face imports parse from align.
    assert "gkbg.core.views" in GRAPH["gkbg.core.model"]
    assert not any(target.startswith("gkbg.write") for target in GRAPH["gkbg.core.model"])
    assert "gkbg.checks.engine" in GRAPH["gkbg.write.notebook"]
    assert "gkbg.align.report" in GRAPH["gkbg"]
