# SPDX-License-Identifier: MIT
"""What a relation rule means on a form: its instances, and the cell keys each one names.

A relation rule (``sum``, ``equation``, ``compare``) is written once with selectors
(``rows[tag]``, ``columns``) and ``{name}`` templates; on a form it expands to one instance per
``foreach`` binding, each summing its ``over`` bindings. The engine evaluates the instances, rule
files are validated against their keys, and `gkbg.testing` computes the cells they fix (from
`checked_instances`: the instances the engine evaluates on a report of a form). The selectors
are expanded by `gkbg.core.relations`, which alignment shares.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from gkbg.core.relations import bindings, expand
from gkbg.core.schema import forms

if TYPE_CHECKING:
    from gkbg.checks.rules import Rule
    from gkbg.core.schema import Column, Row, TableForm

__all__ = [
    "Instance",
    "applies",
    "checked_instances",
    "entry_fields",
    "expand_keys",
    "instances",
]

Instance = tuple[dict[str, object], list[str], list[str], list[str]]
"""One instance of a relation rule: its message fields, its left side's keys (a sum's total),
its right side's keys (a sum's items), and all its keys, as a finding lists them."""


def entry_fields(fixed: dict[str, Row | Column]) -> dict[str, object]:
    """A message's fields for a binding: each name's key, ``_label`` and ``_en``."""
    fields: dict[str, object] = {}
    for name, entry in fixed.items():
        fields[name] = entry.key
        fields[f"{name}_label"] = entry.label
        fields[f"{name}_en"] = entry.en
    return fields


@functools.lru_cache(maxsize=4096)
def instances(rule: Rule, form: TableForm) -> tuple[Instance, ...]:
    """Each instance of a relation rule on one form: message fields, left, right, all keys."""
    instances = []
    for fixed in bindings(rule.foreach, form):
        if rule.kind == "sum":
            left = expand([rule.total or ""], fixed, rule.over, form)
            right = expand(rule.items, fixed, rule.over, form)
            keys = [*left, *(key for key in right if key not in left)]
        else:
            left = expand(rule.lhs, fixed, rule.over, form)
            right = expand(rule.rhs, fixed, rule.over, form)
            keys = [*left, *right]
        instances.append((entry_fields(fixed), left, right, keys))
    return tuple(instances)


def expand_keys(rule: Rule, form: TableForm) -> list[str]:
    """Every cell key a relation rule names on one form (for validating rules)."""
    return [key for *_, keys in instances(rule, form) for key in keys]


def applies(rule: Rule, variant: str) -> bool:
    """Whether a relation rule applies to its table printed in the form ``variant``."""
    return rule.table is not None and (not rule.variants or variant in rule.variants)


@functools.lru_cache(maxsize=4096)
def checked_instances(rule: Rule, variant: str) -> tuple[Instance, ...]:
    """The instances of a relation rule on a report of one form, as the engine evaluates them.

    Empty when the rule does not apply to the form; an instance naming a key that is no cell of
    the form (a placeholder bound to a column its row's block does not print) is left out: on a
    report of that form, the engine skips it.
    """
    if rule.table is None or not applies(rule, variant):
        return ()
    table = forms()[variant].table(rule.table)
    cells = set(table.cell_keys())
    return tuple(instance for instance in instances(rule, table) if set(instance[3]) <= cells)
