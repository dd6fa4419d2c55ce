# SPDX-License-Identifier: MIT
"""Relations known to fail in every reading of their cells, though the cells are unread.

A relation with a cell that holds no number is not evaluated (`NotCheckable`). But a reader may
know more: the digits of crawled text run together (``640020471`` for a row of seven) can be
read several ways, and when a relation fails in every one of them the report has that error
whatever its digits mean, even though the cells the readings differ in are left unread. The
reader says so in the cell's doubt (the field `gkbg.core.reasons.FAILING`); `failing_finding`
turns it into the relation's error finding, resting on those cells, with no number (none was
read) and `Finding.every_reading` set. A relation no doubt names stays not checkable.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

from gkbg.checks.findings import Finding
from gkbg.core.lang import Text
from gkbg.core.reasons import failing_instances

if TYPE_CHECKING:
    from gkbg.checks.context import Context
    from gkbg.checks.rules import Rule

__all__ = ["MESSAGE", "failing_finding"]

MESSAGE = Text(
    "{title}（{where}）不成立：所涉单元格的原文数字连写，无论按表格结构允许的哪种读法拆分，"
    "此勾稽关系均不成立；哪个单元格有误无法确定，相关单元格未读取。",
    "{title_en} ({where_en}) fails: the printed digits of its cells run together, and in "
    "every reading the form allows this relation fails; which cell is wrong cannot be told, "
    "and the cells are left unread.",
)
"""The message of a relation failing in every reading, for every relation rule: the rule's
title and the row or column of the instance (its labels)."""

_NAMED: weakref.WeakKeyDictionary[Context, frozenset[tuple[str, str]]] = weakref.WeakKeyDictionary()


def _named(context: Context) -> frozenset[tuple[str, str]]:
    """The relation instances (rule id, first key) the doubts of the report's cells name."""
    named = _NAMED.get(context)
    if named is None:
        named = frozenset(
            instance
            for cells in context.notable.values()
            for cell in cells
            for doubt in cell.uncertain
            for instance in failing_instances(doubt)
        )
        _NAMED[context] = named
    return named


def failing_finding(
    rule: Rule, keys: tuple[str, ...], fields: dict[str, object], context: Context
) -> Finding | None:
    """The finding of a relation instance a cell's doubt says fails in every reading, or None.

    Args:
        rule: The relation rule.
        keys: The instance's cell keys, the first of its left side first.
        fields: The instance's message fields (`gkbg.checks.relations.entry_fields`).
        context: The report.
    """
    if not keys or (rule.id, keys[0]) not in _named(context):
        return None
    labels = [str(fields[name]) for name in fields if name.endswith("_label")]
    english = [str(fields[name]) for name in fields if name.endswith("_en")]
    message = MESSAGE.fill(
        {
            "title": rule.title.zh,
            "title_en": rule.title.en,
            "where": "、".join(labels),
            "where_en": ", ".join(english),
        }
    )
    return Finding(rule.id, rule.severity, message, keys, every_reading=True)
