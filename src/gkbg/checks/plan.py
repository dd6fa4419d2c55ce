# SPDX-License-Identifier: MIT
"""The table checks of a rule set planned per form: one test that a report gives them nothing.

Most reports are right: every relation holds, every cell holds a valid number, every table is
found in a form that applies to the year. For such a report, asking each rule in turn whether it
would find anything (`gkbg.checks.kinds.Kind.quiet`) costs more than the arithmetic itself. A
`TablePlan` gathers the rules of a rule set whose evaluators it knows (relations, ``cell``,
``table``, ``unfilled``, ``variant_year``, ``variant_mixed``) and, for each shape of report it
meets (the year, and each table's key and form), compiles one function over the tables' value
tuples (`gkbg.Columns`) that evaluates every instance of every relation, in one pass, as the
relations' own compiled programs do (`gkbg.checks.evaluators`). `TablePlan.quiet` tells when
none of those rules gives anything on the report but the rules reading only its shape that give
something on every report of that shape (a 2021 report printing table 三 in the 2019 form); the
engine then runs those and the rules not planned (narrative checks, plugins), in their order, and
skips the others. Anything else (a cell that is not a valid number, a relation that fails, a
table not found, a report built by hand whose tables do not hold their forms' cells in order)
makes it None, and the engine asks every rule as before, so the findings are the same either way;
``tests/checks/test_plan.py`` compares the two on generated and real reports.

Everything is derived from the declarations: the relations' instances from the rules and the
forms (`gkbg.checks.relations`), the cells' kinds from the forms' columns. No row or column of a
form is named here.
"""

from __future__ import annotations

import functools
from array import array as _unsigned
from typing import TYPE_CHECKING, cast

from gkbg.checks.context import Context, positions
from gkbg.checks.evaluators import (
    cell_states,
    compiled_steps,
    missing_tables,
    relation,
    value_fault,
    variant_mixed,
    variant_year,
)
from gkbg.checks.relations import applies
from gkbg.checks.unfilled import unfilled_tables
from gkbg.core.model import CellState
from gkbg.core.schema import forms

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from gkbg.checks.findings import Finding, NotCheckable
    from gkbg.checks.kinds import ReportEvaluator
    from gkbg.checks.rules import Rule
    from gkbg.core.model import Report, Value
    from gkbg.core.schema import TableForm

__all__ = ["PLANNED", "STATIC", "Loud", "TablePlan", "plannable"]

PLANNED = frozenset({relation, cell_states, missing_tables, unfilled_tables})
"""The evaluators whose rules `TablePlan` tests over the tables' values."""

STATIC = frozenset({variant_year, variant_mixed})
"""The evaluators whose rules read only the report's year and its tables' keys and forms: whether
they give anything is known once per shape of report (`TablePlan` runs them once per shape; on a
report of a shape on which one gives something, the engine runs it)."""

_VALUE = CellState.VALUE
_SHAPES_KEPT = 256
_RUN = 8  # the fewest positions a step apart summed as one slice (`_side`)

Shape = tuple[int | None, tuple[tuple[str, str | None], ...]]
"""A report's year, and each table's key and form, in the report's order."""

Loud = tuple[tuple["Rule", tuple["Finding | NotCheckable", ...]], ...]
"""The rules reading only a report's shape that give something on it, each with what it gives
(the same on every report of the shape: findings are values, and these read nothing else)."""


def plannable(evaluate: object) -> bool:
    """Whether `TablePlan` can test a rule of scope ``report`` that ``evaluate`` evaluates."""
    return any(evaluate is known for known in (*PLANNED, *STATIC))


class _Table:
    """What `TablePlan.quiet` reads of one table of a shape of report.

    Attributes:
        keys: The form's cell keys, in order: the table must hold exactly these.
        kinds: The cells' column kinds, in the form's order.
        holds: Given the table's values (every one a number), whether every instance of every
            relation of the plan on this table holds.
        holds_whole: `holds` for values that are all `int` (a cell's number is an `int` or a
            `Decimal`): the same tests, each side summed without the leading 0 (which only
            rounds a decimal amount to the context) and its runs as slices, exact in any order.
    """

    __slots__ = ("holds", "holds_whole", "keys", "kinds")

    def __init__(
        self,
        keys: tuple[str, ...],
        kinds: tuple[str, ...],
        holds: Callable[[tuple[Value, ...]], bool],
        holds_whole: Callable[[tuple[Value, ...]], bool],
    ) -> None:
        self.keys = keys
        self.kinds = kinds
        self.holds = holds
        self.holds_whole = holds_whole


class TablePlan:
    """The plannable rules of a rule set (`plannable`), tested together on a report's tables.

    Built once per rule set (the engine keeps it with the set's plan: a rule set is immutable,
    so a set with a rule more or less, from a plugin or an option, has its own); the function
    for each shape of report is compiled on first meeting it and kept.
    """

    def __init__(self, rules: Sequence[tuple[Rule, ReportEvaluator]]) -> None:
        """Plan ``rules``, each with its evaluator (`plannable`), in the rule set's order."""
        self.rules = tuple(rules)
        self._shapes: dict[Shape, tuple[tuple[_Table, ...], Loud] | None] = {}

    def quiet(self, report: Report) -> Loud | None:
        """What the rules of the plan give on ``report``, when known cheaply.

        None when that is not known (a rule of the plan may give something); otherwise the
        rules reading only the shape of the report (`STATIC`) that give something on reports of
        its shape (a form outside its years, forms mixed), each with what it gives, usually
        none: every other rule of the plan gives nothing.
        """
        tables = report.tables
        shape: Shape = (report.year, tuple([(table.key, table.variant) for table in tables]))
        try:
            known = self._shapes[shape]
        except KeyError:
            known = self._shape(report, shape)
        if known is None:
            return None
        planned, loud = known
        for table, planned_table in zip(tables, planned, strict=True):
            held = table.columns  # (every table found: its shape names its form)
            keys = planned_table.keys
            if held.keys is not keys and held.keys != keys:
                return None
            states = held.states
            if states.count(_VALUE) != len(states):
                return None
            values = held.values
            try:  # every value an int >= 0 (below 2**64), told in C; else each one judged
                _unsigned("Q", values)  # type: ignore[type-var]
            except (TypeError, OverflowError):
                if not _valid(values, planned_table.kinds):
                    return None
                if not planned_table.holds(values):  # type: ignore[arg-type]
                    return None
                continue
            if not planned_table.holds_whole(values):  # type: ignore[arg-type]
                return None
        return loud

    def _shape(self, report: Report, shape: Shape) -> tuple[tuple[_Table, ...], Loud] | None:
        """The test of one shape of report; None when the plan cannot tell it is quiet."""
        planned = _compile(self.rules, report, shape)
        if len(self._shapes) >= _SHAPES_KEPT:
            self._shapes.clear()
        self._shapes[shape] = planned
        return planned


def _valid(values: tuple[Value | None, ...], kinds: tuple[str, ...]) -> bool:
    """Whether every value is a number valid in its cell, as ``cell`` rules judge it."""
    for value, kind in zip(values, kinds, strict=True):
        if value is None:
            return False
        if (type(value) is not int or value < 0) and value_fault(value, kind) is not None:
            return False
    return True


def _compile(
    rules: tuple[tuple[Rule, ReportEvaluator], ...], report: Report, shape: Shape
) -> tuple[tuple[_Table, ...], Loud] | None:
    """The test of the plan's rules on reports of ``shape``, and the `STATIC` ones it wakes.

    The test is table by table; the rules are those reading only the shape that give something
    on it. None when a table's form is unknown or two tables share a key, when a relation names
    a key its table's form does not hold, or when a table of blocks has a block without cells.
    """
    known = forms()
    table_forms: list[TableForm] = []
    for key, variant in shape[1]:
        if variant is None or variant not in known:
            return None
        table_forms.append(known[variant].table(key))
    index = {form.key: number for number, form in enumerate(table_forms)}
    if len(index) != len(table_forms):
        return None
    tests: list[list[tuple[str, list[int], list[int]]]] = [[] for _ in table_forms]
    context: Context | None = None
    loud: list[tuple[Rule, tuple[Finding | NotCheckable, ...]]] = []
    for rule, evaluate in rules:
        if any(evaluate is known for known in STATIC):
            context = context or Context(report)
            outcomes = tuple(evaluate(rule, context))
            if outcomes:
                loud.append((rule, outcomes))
        elif evaluate is relation:
            form = table_forms[index[rule.table]] if rule.table in index else None
            if form is None or not applies(rule, form.variant):
                continue  # it gives nothing on such a report
            instances = _instances(rule, form)
            if instances is None:
                return None
            tests[index[form.key]].extend(instances)
        elif evaluate is missing_tables and not _blocks_filled(table_forms):
            return None
    planned = tuple(
        _Table(
            form.keys,
            tuple(cell.kind for cell in form.cells),
            _function(table_tests, form, whole=False),
            _function(table_tests, form, whole=True),
        )
        for form, table_tests in zip(table_forms, tests, strict=True)
    )
    return planned, tuple(loud)


def _blocks_filled(table_forms: list[TableForm]) -> bool:
    """Whether each table of blocks has a cell in every block (`missing_tables`' shortcut)."""
    for form in table_forms:
        if len(form.blocks) >= 2:
            blocks = {cell.block for cell in form.cells}
            if any(index not in blocks for index in range(len(form.blocks))):
                return False
    return True


def _instances(rule: Rule, form: TableForm) -> list[tuple[str, list[int], list[int]]] | None:
    """Each instance of a relation rule on ``form``: its operator and its sides' positions.

    The positions of each side are in the order the relation's own program sums them; None
    when an instance names a key the form does not hold.
    """
    in_form = positions(form.variant, form.key)
    operator = rule.op if rule.kind == "compare" else "=="
    found: list[tuple[str, list[int], list[int]]] = []
    for keys, left, right in compiled_steps(rule, form.variant, form.key):
        if not all(key in in_form for key in keys):
            return None
        found.append(
            (operator, [in_form[keys[i]] for i in left], [in_form[keys[i]] for i in right])
        )
    return found


def _side(at: list[int], *, whole: bool) -> str:
    """A side's sum as code.

    From 0, term by term in the order `gkbg.checks.evaluators`' programs sum (so that decimal
    amounts round alike); for whole numbers only (``whole``), whose sum is exact in any order,
    each run of four or more positions a constant step apart is summed as one slice, in C.
    """
    if not whole or not at or len(set(at)) != len(at):
        return " + ".join(["0", *(f"v[{position}]" for position in at)])
    ordered = sorted(at)
    terms: list[str] = []
    start = 0
    while start < len(ordered):
        end = start + 1
        if end < len(ordered):
            step = ordered[end] - ordered[start]
            while end + 1 < len(ordered) and ordered[end + 1] - ordered[end] == step:
                end += 1
            if end - start + 1 >= _RUN:
                first, last = ordered[start], ordered[end]
                stride = f":{step}" if step != 1 else ""
                terms.append(f"sum(v[{first}:{last + 1}{stride}])")
                start = end + 1
                continue
        terms.append(f"v[{ordered[start]}]")
        start += 1
    return " + ".join(terms)


@functools.lru_cache(maxsize=256)
def _cached_function(code: str, name: str) -> Callable[[tuple[Value, ...]], bool]:
    namespace: dict[str, object] = {}
    exec(compile(code, name, "exec"), namespace)  # noqa: S102 - tuple indices and operators only
    return cast("Callable[[tuple[Value, ...]], bool]", namespace["holds"])


def _function(
    instances: list[tuple[str, list[int], list[int]]], form: TableForm, *, whole: bool
) -> Callable[[tuple[Value, ...]], bool]:
    """One function of a table's values: False as soon as an instance fails, else True.

    An instance fails as in the relation's program: ``!=`` for a sum or an equation, ``not
    (left op right)`` for a comparison.
    """
    lines = ["def holds(v):"]
    for operator, left, right in instances:
        left_text, right_text = _side(left, whole=whole), _side(right, whole=whole)
        if operator == "==":
            lines.append(f"    if ({left_text}) != ({right_text}):")
        else:
            lines.append(f"    if not (({left_text}) {operator} ({right_text})):")
        lines.append("        return False")
    lines.append("    return True")
    name = f"<gkbg planned relations {form.key} {form.variant}{' whole' if whole else ''}>"
    return _cached_function("\n".join(lines), name)
