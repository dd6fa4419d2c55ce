# SPDX-License-Identifier: MIT
"""``unfilled``: statutory tables printed with their headings and labels but no number at all.

An office that publishes the blank form (the Word template, say) has forgotten to fill it. That
is one error of the report, not one warning per empty cell: a finding of an ``unfilled`` rule
names the tables, and `covered` tells the engine which ``cell`` findings of blank cells it
stands for, so that they are not given as well.

A table is unfilled when it was found and every cell of it is empty: nothing printed at all
(no number, no text, no placeholder). A table whose cells print ``/``, ``—`` or ``无`` is not
unfilled: the office wrote something in each cell, saying it has nothing to report, and its
cells keep their ``cell.missing`` warnings. A cell that could not be read (`CellState.UNREAD`)
may hold a number, so a table with one is not unfilled either.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from gkbg.checks.findings import Finding, deferred
from gkbg.core.model import CellState
from gkbg.core.schema import forms

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from gkbg.checks.context import Context
    from gkbg.checks.rules import Rule
    from gkbg.core.model import Cell, Table

__all__ = ["covered", "form_cells", "is_unfilled", "unfilled_tables"]


@functools.cache
def _form_keys(variant: str) -> frozenset[str]:
    """The keys of every cell of form ``variant``."""
    return frozenset(spec.key for spec in forms()[variant].cells())


def form_cells(table: Table) -> tuple[Cell, ...]:
    """The cells of ``table`` that its form declares (all of them when its form is unknown).

    A cell no form has (a report built by hand, say) says nothing of whether the office
    filled in the form: it is left out of the judgement, and out of the finding.
    """
    if not table.variant or table.variant not in forms():
        return table.cells
    keys = _form_keys(table.variant)
    return tuple(cell for cell in table.cells if cell.key in keys)


def is_unfilled(table: Table) -> bool:
    """Whether ``table`` was found and prints nothing at all in any of its form's cells."""
    if CellState.BLANK not in table.columns.states:
        return False  # (no cell blank, none of the form's either: the common case, in C)
    cells = form_cells(table)
    return (
        table.found
        and bool(cells)
        and all(cell.state is CellState.BLANK and not (cell.raw or "").strip() for cell in cells)
    )


def unfilled_tables(rule: Rule, context: Context) -> Iterator[Finding]:
    """``unfilled``: one finding for the report, naming every table printed without a number."""
    report = context.report
    empty = [table for table in report.tables if is_unfilled(table)]
    if not empty:
        return
    known = forms()
    names_zh: list[str] = []
    names_en: list[str] = []
    for table in empty:
        variant = table.variant
        form = known[variant].table(table.key) if variant is not None and variant in known else None
        names_zh.append(f"“{form.heading}”表" if form else table.key)
        names_en.append(f"table {form.title_en!r}" if form else table.key)
    fields = {
        "tables_zh": "、".join(names_zh),
        "tables_en": ", ".join(names_en),
        "count": len(empty),
        "cells": sum(len(form_cells(table)) for table in empty),
    }
    keys = tuple(cell.key for table in empty for cell in form_cells(table))
    yield Finding(rule.id, rule.severity, deferred(rule.message, fields), keys)


def covered(findings: Iterable[Finding], rules: Iterable[object]) -> frozenset[str]:
    """The cells the findings of ``unfilled`` rules stand for (their blank cells' own are left out).

    Args:
        findings: The findings of one report.
        rules: The rules that made them (only the ids of those of kind ``unfilled`` are read).

    Returns:
        The keys of the cells of every table reported unfilled.
    """
    ids = {getattr(rule, "id", None) for rule in rules if getattr(rule, "kind", None) == "unfilled"}
    return frozenset(key for finding in findings if finding.rule in ids for key in finding.cells)
