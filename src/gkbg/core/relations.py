# SPDX-License-Identifier: MIT
"""The statute's arithmetic as one declaration both alignment and the checks read.

The relations between cells (a row's total, a column's total, table 三's balance, table 四's
groups) are declared once, as the ``sum`` and ``equation`` rules of ``gkbg/rules/default.toml``.
The checks (`gkbg.checks`) evaluate them on a report; alignment (`gkbg.align.runs`) uses the
same declarations, expanded here on a form, to choose between readings of run-together printed
characters. Selectors (``rows[tag]``, ``columns``) are expanded by `select` and `bindings`, which
`gkbg.checks.relations` shares.
"""

from __future__ import annotations

import functools
import itertools
from importlib import resources
from typing import TYPE_CHECKING, Any, NamedTuple

from gkbg.core.compat import tomllib
from gkbg.core.model import CellState

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping
    from collections.abc import Set as AbstractSet
    from decimal import Decimal

    from gkbg.core.model import Table
    from gkbg.core.schema import Column, Row, TableForm

__all__ = [
    "Relation",
    "bindings",
    "builtin_rules",
    "expand",
    "read_values",
    "relations_within",
    "select",
    "statute_relations",
]


class Relation(NamedTuple):
    """One instance of a relation on a form: ``Σ left == Σ right``, by cell key."""

    rule: str
    left: tuple[str, ...]
    right: tuple[str, ...]

    def holds(self, values: Mapping[str, int | Decimal]) -> bool:
        """Whether ``Σ left == Σ right`` for ``values``, which hold every cell of both sides."""
        return bool(sum(values[key] for key in self.left) == sum(values[key] for key in self.right))

    @property
    def keys(self) -> frozenset[str]:
        """The cells of both sides."""
        return frozenset((*self.left, *self.right))


def select(selector: str, form: TableForm) -> list[Row | Column]:
    """The rows or columns a selector (``rows``, ``rows[tag]``, ``columns[tag]``) names."""
    what, _, tag = selector.partition("[")
    tag = tag.rstrip("]")
    entries: list[Row | Column] = list(form.rows) if what == "rows" else list(form.columns)
    return [entry for entry in entries if not tag or tag in entry.tags]


def bindings(selectors: Mapping[str, str], form: TableForm) -> Iterator[dict[str, Row | Column]]:
    """Every assignment of a row or column to each name, each from its selector's entries."""
    names = list(selectors)
    choices = [select(selectors[name], form) for name in names]
    for combination in itertools.product(*choices):
        yield dict(zip(names, combination, strict=True))


def expand(
    templates: Iterable[str],
    fixed: Mapping[str, Row | Column],
    over: Mapping[str, str],
    form: TableForm,
) -> list[str]:
    """The cell keys of ``templates`` under ``fixed``, for every binding of ``over``, each once."""
    keys: list[str] = []
    for template in templates:
        for summed in bindings(over, form):
            bound = {**fixed, **summed}
            keys.append(template.format(**{name: entry.key for name, entry in bound.items()}))
    return list(dict.fromkeys(keys))


@functools.cache
def builtin_rules() -> tuple[dict[str, Any], ...]:
    """The rules of ``gkbg/rules/default.toml`` as declared (TOML tables; not to be changed).

    Read here once for what the stages below the checks take from the rules: the statute's
    relations (`statute_relations`) and the statements of the text (`gkbg.core.statements`).
    """
    text = (resources.files("gkbg") / "rules" / "default.toml").read_text(encoding="utf-8")
    rules: list[dict[str, Any]] = tomllib.loads(text).get("rules", [])
    return tuple(rules)


@functools.cache
def _declared() -> tuple[dict[str, Any], ...]:
    """The built-in relation rules that state the statute's arithmetic (errors, one report)."""
    return tuple(
        rule
        for rule in builtin_rules()
        if rule.get("kind") in ("sum", "equation")
        and rule.get("scope", "report") == "report"
        and rule.get("severity") == "error"
    )


@functools.cache
def statute_relations(form: TableForm) -> tuple[Relation, ...]:
    """Each instance on ``form`` of the statute's relations, naming only cells of the form."""
    cells = set(form.cell_keys())
    found: list[Relation] = []
    for rule in _declared():
        variants = rule.get("variants")
        if rule.get("table") != form.key or (variants and form.variant not in variants):
            continue
        over: dict[str, str] = rule.get("over", {})
        for fixed in bindings(rule.get("foreach", {}), form):
            total = [rule["total"]] if rule["kind"] == "sum" else rule["lhs"]
            items = rule["items"] if rule["kind"] == "sum" else rule["rhs"]
            left, right = expand(total, fixed, over, form), expand(items, fixed, over, form)
            if set(left) | set(right) <= cells:
                found.append(Relation(rule["id"], tuple(left), tuple(right)))
    return tuple(found)


def relations_within(form: TableForm, known: AbstractSet[str]) -> list[Relation]:
    """The statute's relations on ``form`` whose every cell is among ``known``."""
    return [relation for relation in statute_relations(form) if relation.keys <= known]


def read_values(table: Table) -> dict[str, int | Decimal]:
    """The numbers a table was read with, by cell key (the cells holding one)."""
    return {
        cell.key: cell.value
        for cell in table.cells
        if cell.state is CellState.VALUE and cell.value is not None
    }
