# SPDX-License-Identifier: MIT
# The advice as gkbg 0.x computed it before issue 16 (src/gkbg/checks/advice.py at main 144884a),
# kept unchanged as the reference tests/checks/test_plan.py compares the faster one with.
"""The likely culprit: the fewest cells whose other numbers would make every relation hold.

For a report whose relations fail, `advise` names the smallest sets of printed numbers such
that some other numbers in those cells (the report's other cells as printed) would make every
checkable relation hold: ``expected 127, found 124`` becomes "if （七）总计/自然人 were 127,
every relation would hold". It is advice for an office fixing its report before publication;
no number of the report changes.

The relations are the report's relation rules (``sum``, ``equation``, ``compare``) as
`gkbg.check` evaluates them: each instance is linear in its cells, a relation one of whose cells
holds no number is not checkable and constrains nothing, and a blank, placeholder or unread
cell is never a candidate. A fix's cells hold numbers of their kind: whole numbers >= 0 for
counts, whole numbers for signed cells (a change), decimals >= 0 for amounts.
"""

from __future__ import annotations

import math
from decimal import Decimal, localcontext
from fractions import Fraction
from typing import TYPE_CHECKING

import attrs

from gkbg.checks.context import Context
from gkbg.checks.findings import Advice, Change, Fix
from gkbg.checks.kinds import RELATIONS
from gkbg.checks.relations import applies, instances
from gkbg.checks.rules import Rule, RuleSet
from gkbg.core.lang import Text
from gkbg.core.schema import forms

if TYPE_CHECKING:
    from gkbg.core.model import Report, Value

__all__ = ["LIMIT", "SHOWN", "Constraint", "advise", "constraints"]

LIMIT = 3
"""The most cells a fix is searched with, by default."""

SHOWN = 3
"""How many fixes an advice's message spells out when there are several."""


@attrs.frozen
class Constraint:
    """One checkable relation instance as a linear constraint on its cells.

    Attributes:
        rule: The rule's id.
        coefficients: Each cell's coefficient: ``+1`` on the left side (a sum's total), ``-1``
            on the right (for ``<=`` the other way round, so that the constraint reads ``>=``).
        equality: ``sum(coefficient * value) == 0`` when true, ``>= 0`` when false.
        residual: ``sum(coefficient * value)`` for the printed values.
        total: A sum's total (None for an equation or a comparison).
    """

    rule: str
    coefficients: tuple[tuple[str, int], ...]
    equality: bool
    residual: Fraction
    total: str | None = None

    @property
    def holds(self) -> bool:
        """Whether the relation holds for the printed values."""
        return self.residual == 0 if self.equality else self.residual >= 0


def constraints(report: Report, rules: RuleSet | None = None) -> list[Constraint]:
    """The report's checkable relation instances, as linear constraints.

    An instance naming a cell that holds no number, or a key that is no cell of the report,
    is left out, as `gkbg.check` reports it not checkable. Rules written in Python are not
    relations and constrain nothing.
    """
    rules = RuleSet.default() if rules is None else rules
    context = Context(report)
    values = context.values
    found: list[Constraint] = []
    for rule in rules:
        if not isinstance(rule, Rule) or rule.kind not in RELATIONS or rule.scope != "report":
            continue
        form = context.table_form(rule.table) if rule.table is not None else None
        if form is None or not applies(rule, form.variant):
            continue
        sign = -1 if rule.kind == "compare" and rule.op == "<=" else 1
        equality = rule.kind != "compare" or rule.op == "=="
        for _, left, right, keys in instances(rule, form):
            try:
                numbers = {key: values[key] for key in keys}
            except KeyError:
                continue
            if any(number is None for number in numbers.values()):
                continue
            coefficients: dict[str, int] = {}
            for key in left:
                coefficients[key] = coefficients.get(key, 0) + sign
            for key in right:
                coefficients[key] = coefficients.get(key, 0) - sign
            terms = tuple((key, c) for key, c in coefficients.items() if c)
            residual = sum(
                (c * Fraction(numbers[key]) for key, c in terms),  # type: ignore[arg-type]
                start=Fraction(0),
            )
            total = left[0] if rule.kind == "sum" and left else None
            found.append(Constraint(rule.id, terms, equality, residual, total))
    return found


def advise(report: Report, rules: RuleSet | None = None, *, limit: int = LIMIT) -> Advice | None:
    """The fewest cells whose other numbers would make every relation of ``report`` hold.

    The search tries sets of 1 cell, then 2, … up to ``limit``, and stops at the first size
    with a fix. It grows each set from the empty one: while a failing relation has none of the
    set's cells, by one of that relation's cells (a fix must change one of them); once every
    failing relation has one, by a cell sharing a relation with the set (a fix of the fewest
    cells is connected through its relations to the failing ones, or a part of it could be
    left out). Each set of the size tried is solved exactly, in fractions: the relations it
    touches are linear equations and inequalities in its cells' changes, every change must be
    one (not 0), the numbers of the cells' kinds, and every inequality must hold. When the
    equations leave one change open (a cell bound by a comparison only, two parts of one sum
    only), the fix gives the numbers moving the report least among candidates at the ends of
    the range allowed; a set leaving two changes open is not searched (it takes 3 cells and
    rarely is the fewest). Every relation the set does not touch holds already.

    Complexity: with ``b`` the most cells a failing relation has or a set's relations reach,
    at most ``b ** limit`` sets are solved, each by eliminating over the ``m`` relations it
    touches in ``O(m * limit ** 2)`` fraction operations; on the statutory tables
    (``b`` < 60) a search to 3 cells takes well under a second.

    Args:
        report: The report.
        rules: The rules whose relations must hold; by default `RuleSet.default()`.
        limit: The most cells a fix may change.

    Returns:
        None when every checkable relation holds; otherwise the `Advice`, whose fixes are
        empty when no fix of up to ``limit`` cells exists.
    """
    system = _System(report, constraints(report, rules))
    if not system.failing:
        return None
    for size in range(1, limit + 1):
        found: dict[frozenset[str], dict[str, Fraction]] = {}
        system.grow((), size, set(), found)
        if found:
            fixes = sorted((system.fix(solution) for solution in found.values()), key=system.rank)
            return Advice(tuple(fixes), limit, _advice_message(fixes, limit))
    return Advice((), limit, _advice_message([], limit))


class _System:
    """A report's constraints, indexed by cell, and its cells' printed values and kinds."""

    def __init__(self, report: Report, found: list[Constraint]) -> None:
        self.constraints = found
        self.failing = [c for c in found if not c.holds]
        self.by_key: dict[str, list[Constraint]] = {}
        self.totals = {c.total for c in found if c.total is not None}
        for constraint in found:
            for key, _ in constraint.coefficients:
                self.by_key.setdefault(key, []).append(constraint)
        self.values: dict[str, Fraction] = {}
        self.printed: dict[str, Value] = {}
        self.order: dict[str, int] = {}
        self.doubtful: set[str] = set()
        for index, cell in enumerate(report.iter_cells()):
            self.order[cell.key] = index
            if cell.value is not None:
                self.printed[cell.key] = cell.value
                self.values[cell.key] = Fraction(cell.value)
            if cell.uncertain:
                self.doubtful.add(cell.key)
        self.kinds: dict[str, str] = {}
        self.labels: dict[str, str] = {}
        for table in report.tables:
            if table.variant is None or table.variant not in forms():
                continue
            for spec in forms()[table.variant].table(table.key).cells:
                self.kinds[spec.key] = spec.kind
                self.labels[spec.key] = f"{spec.row.label}/{spec.column.label}"

    def grow(
        self,
        chosen: tuple[str, ...],
        size: int,
        seen: set[frozenset[str]],
        found: dict[frozenset[str], dict[str, Fraction]],
    ) -> None:
        """Every fix of ``size`` cells that contains ``chosen``, into ``found``."""
        unhit = next(
            (c for c in self.failing if not any(key in chosen for key, _ in c.coefficients)),
            None,
        )
        if unhit is None and len(chosen) == size:
            solution = self.solve(chosen)
            if solution is not None:
                found[frozenset(chosen)] = solution
            return
        if len(chosen) == size:
            return
        if unhit is not None:
            branch = [key for key, _ in unhit.coefficients]
        else:
            branch = [
                key
                for chosen_key in chosen
                for constraint in self.by_key.get(chosen_key, ())
                for key, _ in constraint.coefficients
            ]
        for key in dict.fromkeys(branch):
            if key in chosen:
                continue
            grown = frozenset((*chosen, key))
            if grown in seen:
                continue
            seen.add(grown)
            self.grow((*chosen, key), size, seen, found)

    def solve(self, chosen: tuple[str, ...]) -> dict[str, Fraction] | None:
        """New values of ``chosen`` under which every relation holds, if there are any.

        The relations ``chosen`` touches are equations and inequalities in the cells'
        changes. When the equations determine every change, those are the values; when they
        leave one change open, the values are those moving the numbers least (in the sum of
        the changes' sizes) among the few candidates at the ends of the range the
        inequalities and the cells' kinds allow; two open changes are not searched.
        """
        touched = list({id(c): c for key in chosen for c in self.by_key.get(key, ())}.values())
        position = {key: index for index, key in enumerate(chosen)}
        width = len(chosen)
        equations: list[list[Fraction]] = []
        inequalities: list[tuple[list[Fraction], Fraction]] = []
        for constraint in touched:
            row = [Fraction(0)] * width
            for key, c in constraint.coefficients:
                if key in position:
                    row[position[key]] += c
            if constraint.equality:
                equations.append([*row, -constraint.residual])
            else:
                inequalities.append((row, constraint.residual))
        solved = _eliminate(equations, width)
        if solved is None:
            return None
        base, slope = solved
        if slope is None:
            return self._check(chosen, base, inequalities)
        best: tuple[Fraction, dict[str, Fraction]] | None = None
        for t in self._candidates(chosen, base, slope, inequalities):
            deltas = [b + m * t for b, m in zip(base, slope, strict=True)]
            solution = self._check(chosen, deltas, inequalities)
            if solution is not None:
                moved = sum((abs(d) for d in deltas), start=Fraction(0))
                if best is None or moved < best[0]:
                    best = (moved, solution)
        return None if best is None else best[1]

    def _check(
        self,
        chosen: tuple[str, ...],
        deltas: list[Fraction],
        inequalities: list[tuple[list[Fraction], Fraction]],
    ) -> dict[str, Fraction] | None:
        """The new values, if every change is one, of the cell's kind, and the inequalities hold."""
        for row, residual in inequalities:
            if residual + sum(a * d for a, d in zip(row, deltas, strict=True)) < 0:
                return None
        solution: dict[str, Fraction] = {}
        for key, delta in zip(chosen, deltas, strict=True):
            value = self.values[key] + delta
            if delta == 0 or not self._fits(key, value):
                return None
            solution[key] = value
        return solution

    def _candidates(
        self,
        chosen: tuple[str, ...],
        base: list[Fraction],
        slope: list[Fraction],
        inequalities: list[tuple[list[Fraction], Fraction]],
    ) -> list[Fraction]:
        """Values of the open change worth trying: near the ends of its allowed range, and 0.

        Each bound (a cell of a count or an amount staying >= 0, an inequality) is
        ``offset + factor * t >= 0``; the candidates are the bounds themselves, rounded
        inward to whole numbers, and the whole numbers next to them, inside the range.
        """
        bounds: list[tuple[Fraction, Fraction]] = []
        for key, b, m in zip(chosen, base, slope, strict=True):
            if self._kind(key) != "signed":
                bounds.append((self.values[key] + b, m))
        for row, residual in inequalities:
            offset = residual + sum((a * b for a, b in zip(row, base, strict=True)), Fraction(0))
            factor = sum((a * m for a, m in zip(row, slope, strict=True)), Fraction(0))
            bounds.append((offset, factor))
        low: Fraction | None = None
        high: Fraction | None = None
        for offset, factor in bounds:
            if factor == 0:
                if offset < 0:
                    return []
                continue
            edge = -offset / factor
            if factor > 0:
                low = edge if low is None or edge > low else low
            else:
                high = edge if high is None or edge < high else high
        if low is not None and high is not None and low > high:
            return []
        points = {Fraction(0), *(e for e in (low, high) if e is not None)}
        if low is not None:
            points.update(Fraction(math.ceil(low) + step) for step in range(3))
        if high is not None:
            points.update(Fraction(math.floor(high) - step) for step in range(3))
        points.update(Fraction(step) for step in (-2, -1, 1, 2))
        return sorted(
            t for t in points if (low is None or t >= low) and (high is None or t <= high)
        )

    def _kind(self, key: str) -> str:
        kind = self.kinds.get(key)
        if kind is None:  # a cell of no known form: a count when it prints a whole number
            kind = "count" if isinstance(self.printed.get(key), int) else "amount"
        return kind

    def _fits(self, key: str, value: Fraction) -> bool:
        """Whether ``value`` is a number cell ``key`` can hold."""
        kind = self._kind(key)
        if kind == "amount":
            denominator = value.denominator
            for prime in (2, 5):
                while denominator % prime == 0:
                    denominator //= prime
            return value >= 0 and denominator == 1
        return value.denominator == 1 and (kind == "signed" or value >= 0)

    def fix(self, solution: dict[str, Fraction]) -> Fix:
        """A solution as a `Fix`: its changes in the form's order, and its message."""
        keys = sorted(solution, key=lambda key: self.order.get(key, len(self.order)))
        changes = tuple(
            Change(
                key,
                self.labels.get(key, key),
                self.printed[key],
                _number(solution[key], self._kind(key)),
            )
            for key in keys
        )
        return Fix(changes, _fix_message(changes))

    def rank(self, fix: Fix) -> tuple[int, int, list[int]]:
        """The likelier fix first: more cells read with doubt, then more totals of a sum.

        A cell read with doubt may be misread; a sum's total is written after its parts,
        and so is the likelier slip. Fixes alike in both come in the form's order.
        """
        doubtful = sum(1 for key in fix.cells if key in self.doubtful)
        totals = sum(1 for key in fix.cells if key in self.totals)
        return (-doubtful, -totals, [self.order.get(key, len(self.order)) for key in fix.cells])


def _eliminate(
    equations: list[list[Fraction]], width: int
) -> tuple[list[Fraction], list[Fraction] | None] | None:
    """The solutions of ``equations`` (rows of coefficients and the right side), exactly.

    None when they contradict each other, or leave two unknowns or more open. Otherwise the
    solution as ``base + t * slope`` for every ``t``: ``slope`` is None when the equations
    determine every unknown (``base`` is then the solution), and when they leave one open,
    the unknowns' rates of change with it (the open one's is 1).
    """
    rows = [list(row) for row in equations]
    pivots: list[int] = []
    top = 0
    for column in range(width):
        pivot = next((i for i in range(top, len(rows)) if rows[i][column] != 0), None)
        if pivot is None:
            continue
        rows[top], rows[pivot] = rows[pivot], rows[top]
        lead = rows[top][column]
        rows[top] = [entry / lead for entry in rows[top]]
        for i, row in enumerate(rows):
            if i != top and row[column] != 0:
                factor = row[column]
                rows[i] = [a - factor * b for a, b in zip(row, rows[top], strict=True)]
        pivots.append(column)
        top += 1
    if any(row[width] != 0 for row in rows[top:]):
        return None
    open_columns = [column for column in range(width) if column not in pivots]
    if len(open_columns) > 1:
        return None
    base = [Fraction(0)] * width
    for i, column in enumerate(pivots):
        base[column] = rows[i][width]
    if not open_columns:
        return base, None
    (free,) = open_columns
    slope = [Fraction(0)] * width
    slope[free] = Fraction(1)
    for i, column in enumerate(pivots):
        slope[column] = -rows[i][free]
    return base, slope


def _number(value: Fraction, kind: str) -> Value:
    """A solved value as a cell holds it: an int for a count, a Decimal for an amount."""
    if kind != "amount":
        return int(value)
    with localcontext() as exact:
        exact.prec = 60
        return Decimal(value.numerator) / Decimal(value.denominator)


def _fix_message(changes: tuple[Change, ...]) -> Text:
    zh = "、".join(f"{change.label} 为 {change.value}" for change in changes)
    parts = [f"{change.label} were {change.value}" for change in changes]
    en = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return Text(f"若 {zh}，各项关系即全部成立", f"if {en}, every relation would hold")


def _advice_message(fixes: list[Fix], limit: int) -> Text:
    if not fixes:
        return Text(
            f"改动不超过 {limit} 个单元格无法使各项关系全部成立",
            f"no fix of up to {limit} cells would make every relation hold",
        )
    if len(fixes) == 1:
        return fixes[0].message
    size = len(fixes[0].changes)
    shown = fixes[:SHOWN]
    zh_each = ["若 " + "、".join(f"{c.label} 为 {c.value}" for c in fix.changes) for fix in shown]
    en_each = []
    for fix in shown:
        parts = [f"{c.label} were {c.value}" for c in fix.changes]
        en_each.append(
            "if " + (parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1])
        )
    rest = len(fixes) - len(shown)
    zh_more = f"；另有 {rest} 种" if rest else ""
    en_more = f"; or {rest} more" if rest else ""
    cells_en = "cell" if size == 1 else "cells"
    return Text(
        f"有 {len(fixes)} 种改动 {size} 个单元格的方案均可使各项关系全部成立："
        + "；或".join(zh_each)
        + zh_more,
        f"any of {len(fixes)} fixes of {size} {cells_en} would make every relation hold: "
        + "; or ".join(en_each)
        + en_more,
    )
