# SPDX-License-Identifier: MIT
"""Hypothesis strategies for reports, derived from the declared forms and relations.

``pip install 'gkbg[testing]'`` installs hypothesis; importing this module without it raises
`gkbg.MissingExtraError` naming the extra.

Nothing here names a row, a column or a relation of a particular form. The relations are the
``sum``, ``equation`` and ``compare`` rules of a `gkbg.RuleSet` expanded over a form's rows and
columns (`relations`); the generator (`plan`, `reports`) reads them to decide which cells are
drawn and which are computed. A relation added to ``rules/default.toml`` or a row added to a
form file is followed without a change here.

How a valid report is built, per form:

1. every ``sum`` instance makes its total a computed cell: the sum of its items;
2. every ``equation`` instance with cells still undecided picks one of them to compute from the
   others; the cells on the same side are drawn bounded by the other side, so that the computed
   cell is never negative (``a + b = c + d``: draw ``b`` in ``[0, c + d]``, ``a = c + d - b``);
3. every ``compare`` instance (``Σ big >= Σ small``) picks an undecided cell of the big side,
   preferring a signed one, and draws it no lower than the bound the relation sets;
4. every other cell is drawn freely, with realistic magnitudes (zeros dominate, a few cells
   reach the thousands);
5. the cells are drawn or computed in dependency order, and the result is filtered on every
   relation (which never rejects for the built-in rules: the instances not used in steps 1-3
   follow from the others).

Example:
    >>> from hypothesis import given
    >>> import gkbg
    >>> from gkbg.testing import reports
    >>> @given(reports(variant="2021"))
    ... def test_valid_reports_pass(report):
    ...     assert not gkbg.check(report).errors
"""

from __future__ import annotations

import copy
import functools
import io
import re
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import attrs
import lxml.etree  # type: ignore[import-untyped,unused-ignore]

from gkbg.core.compat import import_extra

import_extra("hypothesis", extra="testing", purpose="gkbg.testing")

from hypothesis import assume  # noqa: E402 - after the check that names the extra
from hypothesis import strategies as st  # noqa: E402

from gkbg.checks.findings import Severity  # noqa: E402
from gkbg.checks.kinds import RELATIONS  # noqa: E402
from gkbg.checks.relations import checked_instances  # noqa: E402
from gkbg.checks.rules import Rule, RuleSet  # noqa: E402
from gkbg.core.model import Cell, CellState, Report, Table, Value  # noqa: E402
from gkbg.core.office import conversion, find_soffice  # noqa: E402
from gkbg.core.schema import TABLES as _TABLES  # noqa: E402
from gkbg.core.schema import CellSpec, forms  # noqa: E402
from gkbg.core.schema import form as _form  # noqa: E402

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping, Sequence

__all__ = [
    "AGENCIES",
    "PLACEHOLDERS",
    "SCALES",
    "Blanked",
    "Invalid",
    "LabelStyle",
    "Plan",
    "Relation",
    "Step",
    "blank_cell",
    "blanked_reports",
    "cell_values",
    "column_orders",
    "error_relations",
    "free_values",
    "invalid_reports",
    "label_styles",
    "mixed_reports",
    "plan",
    "relaid_docx",
    "relations",
    "report_of",
    "reports",
    "republish",
    "values_of",
    "variants",
    "with_cell",
    "years",
]

RELATION_KINDS: tuple[str, ...] = RELATIONS
"""The rule kinds whose instances the generated reports satisfy: ``sum``, ``equation``,
``compare``."""


def variants() -> tuple[str, ...]:
    """Every form shipped with gkbg."""
    return tuple(forms())


def years(variant: str) -> range:
    """Report years the form of ``variant`` applies to (a few of them when it is in force)."""
    declared = _form(variant)
    first = declared.first_year
    last = declared.last_year if declared.last_year is not None else first + 5
    return range(first, last + 1)


# --- relations ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Relation:
    """One instance of a ``sum``, ``equation`` or ``compare`` rule over concrete cell keys.

    The relation reads ``Σ left op Σ right``: for a sum, ``left`` is the total and ``right`` the
    items; for an equation or a comparison, the two sides as written.

    Attributes:
        rule: The rule's id.
        kind: ``sum``, ``equation`` or ``compare``.
        severity: The severity of the rule's findings.
        left: The left side's keys.
        right: The right side's keys.
        op: ``==`` for sums and equations; the comparison's operator otherwise.
    """

    rule: str
    kind: str
    severity: Severity
    left: tuple[str, ...]
    right: tuple[str, ...]
    op: str = "=="

    @property
    def keys(self) -> tuple[str, ...]:
        """Every key, as a finding lists them: for a sum the total first, then the items."""
        if self.kind == "sum":
            return (*self.left, *(key for key in self.right if key not in self.left))
        return (*self.left, *self.right)

    def coefficient(self, key: str) -> int:
        """How often ``key`` counts on the left minus how often it counts on the right."""
        return self.left.count(key) - self.right.count(key)

    def holds(self, values: Mapping[str, Value | None]) -> bool:
        """Whether the arithmetic holds; every key must have a number."""
        left = _total(values, self.left)
        right = _total(values, self.right)
        if self.op == ">=":
            return left >= right
        if self.op == "<=":
            return left <= right
        return left == right


def _total(values: Mapping[str, Value | None], keys: Iterable[str]) -> Value:
    total: Value = 0
    for key in keys:
        value = values[key]
        if value is None:
            raise ValueError(f"{key} holds no number")
        total += value
    return total


def _instances(rule: Rule, variant: str) -> Iterator[Relation]:
    op = rule.op if rule.kind == "compare" else "=="
    for _, left, right, _ in checked_instances(rule, variant):
        yield Relation(rule.id, rule.kind, rule.severity, tuple(left), tuple(right), op)


@functools.cache
def relations(
    variant: str,
    rules: RuleSet | None = None,
    *,
    kinds: tuple[str, ...] = RELATION_KINDS,
    severities: tuple[Severity, ...] = (Severity.ERROR, Severity.WARNING),
) -> tuple[Relation, ...]:
    """The instances of the declarative relation rules that apply to a form.

    Args:
        variant: The form.
        rules: The rules; by default `gkbg.RuleSet.builtin`.
        kinds: The rule kinds to expand.
        severities: The severities to keep.
    """
    rules = RuleSet.builtin() if rules is None else rules
    return tuple(
        relation
        for rule in rules
        if isinstance(rule, Rule)
        and rule.scope == "report"  # series and roll-up relations compare several reports
        and rule.kind in kinds
        and rule.severity in severities
        for relation in _instances(rule, variant)
    )


def error_relations(variant: str, rules: RuleSet | None = None) -> tuple[Relation, ...]:
    """The ``sum`` and ``equation`` instances of severity error: what the engine must enforce."""
    return relations(variant, rules, kinds=("sum", "equation"), severities=(Severity.ERROR,))


# --- the generation plan -----------------------------------------------------------------

How = Literal["free", "sum", "derive", "below", "above"]


@dataclass(frozen=True)
class Step:
    """How one cell gets its value.

    ``free``: drawn. ``sum`` and ``derive``: ``Σ plus - Σ minus``. ``below``: drawn in
    ``[0, Σ plus - Σ minus]``. ``above``: drawn, and raised to ``Σ plus - Σ minus`` if lower.
    """

    spec: CellSpec
    how: How
    plus: tuple[str, ...] = ()
    minus: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """The cell's key."""
        return self.spec.key

    @property
    def needs(self) -> tuple[str, ...]:
        """The keys whose values this step reads."""
        return (*self.plus, *self.minus)


@dataclass(frozen=True)
class Plan:
    """A form's cells in the order they are drawn or computed, and the relations they obey."""

    variant: str
    steps: tuple[Step, ...]
    relations: tuple[Relation, ...]


def _unique(keys: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(keys))


@functools.cache
def plan(variant: str, rules: RuleSet | None = None) -> Plan:
    """Decide, from the relations, which cells of a form are drawn and which are computed."""
    specs = {spec.key: spec for spec in _form(variant).cells()}
    declared = relations(variant, rules)
    steps: dict[str, Step] = {}
    for relation in declared:
        if relation.kind != "sum":
            continue
        if len(relation.left) != 1:
            # An ``over`` selector that selects nothing leaves no total (and no items).
            raise ValueError(f"rule {relation.rule}: one total expected, not {relation.left}")
        (total,) = relation.left
        if total not in steps and total not in relation.right:
            steps[total] = Step(specs[total], "sum", relation.right)

    for relation in declared:
        if relation.kind == "equation" or (relation.kind == "compare" and relation.op == "=="):
            _solve_equation(relation, specs, steps)
        elif relation.kind == "compare":
            big, small = (
                (relation.left, relation.right)
                if relation.op == ">="
                else (relation.right, relation.left)
            )
            candidates = _open(big, steps)
            if not candidates:
                continue  # left to the final filter
            signed = [key for key in candidates if specs[key].kind == "signed"]
            chosen = (signed or candidates)[0]
            others = tuple(key for key in big if key != chosen)
            steps[chosen] = Step(specs[chosen], "above", small, others)

    for key, spec in specs.items():
        steps.setdefault(key, Step(spec, "free"))
    return Plan(variant, _in_dependency_order(steps, list(specs)), declared)


def _open(keys: Iterable[str], steps: Mapping[str, Step]) -> list[str]:
    """The keys no step decides yet."""
    return [key for key in _unique(keys) if key not in steps]


def _solve_equation(
    relation: Relation, specs: Mapping[str, CellSpec], steps: dict[str, Step]
) -> None:
    """Compute one open cell of ``Σ left = Σ right`` and bound the others on its side."""
    sides = [(relation.left, relation.right), (relation.right, relation.left)]
    # Best: a side whose cells are all open, so that each can be bounded by the other side.
    for side, other in sides:
        if side and _open(side, steps) == list(_unique(side)):
            derived, *bounded = _unique(side)
            drawn: list[str] = []
            for key in bounded:
                steps[key] = Step(specs[key], "below", other, tuple(drawn))
                drawn.append(key)
            steps[derived] = Step(specs[derived], "derive", other, tuple(bounded))
            return
    # Otherwise compute any open cell from the rest; the final filter rejects negative counts.
    for side, other in sides:
        candidates = _open(side, steps)
        if candidates:
            derived = candidates[0]
            rest = tuple(key for key in side if key != derived)
            steps[derived] = Step(specs[derived], "derive", other, rest)
            return
    # Every cell is decided already: the instance follows from others (the final filter checks).


def _in_dependency_order(steps: Mapping[str, Step], order: Sequence[str]) -> tuple[Step, ...]:
    done: set[str] = set()
    ordered: list[Step] = []
    pending = list(order)
    while pending:
        ready = [key for key in pending if set(steps[key].needs) <= done]
        if not ready:
            raise ValueError(f"the relations over {pending} depend on each other in a cycle")
        # Take the first ready cell only, so that cells stay in reading order where possible.
        key = ready[0]
        ordered.append(steps[key])
        done.add(key)
        pending.remove(key)
    return tuple(ordered)


# --- values ------------------------------------------------------------------------------


def _cents(value: Value) -> int:
    return int((Decimal(value) * 100).to_integral_value())


def _amount(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def _upto(limit: int) -> st.SearchStrategy[int]:
    """Mostly 0, sometimes small, occasionally anything up to ``limit``."""
    return st.one_of(st.just(0), st.integers(0, min(limit, 20)), st.integers(0, limit))


SCALES: tuple[int, ...] = (0, 20, 5000)
"""The largest count a report's drawn cells reach: an office that received nothing (every
cell 0, common in real reports), a small one, a large one."""


@functools.cache
def free_values(kind: str, scale: int = SCALES[-1]) -> st.SearchStrategy[Value]:
    """A cell's number as reports print them: mostly 0, sometimes small, occasionally large."""
    if kind == "amount":
        return _upto(scale * 100).map(_amount)
    if kind == "signed":
        small = min(scale, 20)
        return st.one_of(st.just(0), st.integers(-small, small), st.integers(-scale, scale))
    return _upto(scale)


def _bounded(kind: str, limit: Value) -> st.SearchStrategy[Value]:
    if kind == "amount":
        return _upto(_cents(limit)).map(_amount)
    return _upto(int(limit))


def _as_kind(kind: str, value: Value) -> Value:
    if kind == "amount":
        return _amount(_cents(value))
    return int(value)


def _nonnegative_ok(kind: str, value: Value) -> bool:
    return kind == "signed" or value >= 0


@st.composite
def cell_values(draw: st.DrawFn, variant: str, rules: RuleSet | None = None) -> dict[str, Value]:
    """Every cell of a form, satisfying every relation of ``rules`` (by default the built-in)."""
    chosen = plan(variant, rules)
    scale = draw(st.sampled_from(SCALES))
    values: dict[str, Value] = {}
    for step in chosen.steps:
        kind = step.spec.kind
        if step.how == "free":
            value = draw(free_values(kind, scale))
        else:
            bound = _total(values, step.plus) - _total(values, step.minus)
            if step.how in {"sum", "derive"}:
                value = bound
            elif step.how == "below":
                assume(bound >= 0)
                value = draw(_bounded(kind, bound))
            else:
                # No lower than the bound: often well above it, often just above it (a
                # change of -12 on 15 items last year), so that signed cells go negative.
                above = draw(free_values("count" if kind == "signed" else kind, scale))
                value = draw(
                    st.sampled_from((max(draw(free_values(kind, scale)), bound), bound + above))
                )
            value = _as_kind(kind, value)
        assume(_nonnegative_ok(kind, value))
        values[step.key] = value
    assume(all(relation.holds(values) for relation in chosen.relations))
    return values


# --- reports -----------------------------------------------------------------------------

AGENCIES: tuple[str, ...] = (
    "瑶海区人民政府",
    "兴安区人民政府办公室",
    "淮安市人民政府",
    "北京市门头沟区科学技术和信息化局",
    "延边州政务服务和数字化建设管理局",
)
"""Publishing bodies the generated reports name, as real reports print them."""

PLACEHOLDERS: tuple[str, ...] = ("", "/", "／", "-", "—", "——", "无")
"""What a blank cell prints in the wild: nothing, a slash, a dash, 无. Never 0."""


def _raw(value: Value) -> str:
    return str(value)


def report_of(
    variant: str | Mapping[str, str],
    values: Mapping[str, Value],
    year: int | None = None,
    agency: str | None = None,
) -> Report:
    """A report whose every cell holds a printed number.

    Args:
        variant: The form of every table, or each table's form by table key.
        values: Every cell's number by key.
        year: The report year.
        agency: The publishing body.
    """
    chosen = dict.fromkeys(_TABLES, variant) if isinstance(variant, str) else variant
    tables = tuple(
        Table(
            key,
            chosen[key],
            tuple(
                Cell(spec.key, CellState.VALUE, values[spec.key], raw=_raw(values[spec.key]))
                for spec in _form(chosen[key]).table(key).cells
            ),
        )
        for key in _TABLES
    )
    return Report(tables=tables, variant=chosen[_TABLES[0]], year=year, agency=agency, text="")


@st.composite
def _valid(draw: st.DrawFn, variant: str | None, rules: RuleSet | None) -> Report:
    chosen = variant if variant is not None else draw(st.sampled_from(variants()))
    values = draw(cell_values(chosen, rules))
    year = draw(st.sampled_from(years(chosen)))
    return report_of(chosen, values, year, draw(st.sampled_from(AGENCIES)))


def reports(
    variant: str | None = None, *, valid: bool = True, rules: RuleSet | None = None
) -> st.SearchStrategy[Report]:
    """Reports of one form (any form when ``variant`` is None), every cell a printed number.

    Args:
        variant: ``"2019"``, ``"2021"``, or None for any form.
        valid: True: every ``sum``, ``equation`` and ``compare`` relation of ``rules`` holds,
            so `gkbg.check` finds nothing. False: one to three cells of such a report changed
            so that at least one error relation breaks (`invalid_reports` says which).
        rules: The rules whose relations decide the numbers; by default the built-in ones.
    """
    if valid:
        return _valid(variant, rules)
    return invalid_reports(variant, rules=rules).map(lambda invalid: invalid.report)


def values_of(report: Report) -> dict[str, Value | None]:
    """Every cell's number by key."""
    return report.cells()


def with_cell(report: Report, cell: Cell) -> Report:
    """``report`` with the cell of the same key replaced by ``cell``."""
    tables = tuple(
        attrs.evolve(
            table,
            cells=tuple(cell if old.key == cell.key else old for old in table.cells),
        )
        for table in report.tables
    )
    return attrs.evolve(report, tables=tables)


def blank_cell(report: Report, key: str, raw: str = "/") -> Report:
    """``report`` with one cell left blank (printed as ``raw``, by default ``/``)."""
    return with_cell(report, Cell(key, CellState.BLANK, None, raw=raw))


def _specs(variant: str) -> dict[str, CellSpec]:
    return {spec.key: spec for spec in _form(variant).cells()}


def _deltas(kind: str, value: Value) -> st.SearchStrategy[Value]:
    """A non-zero change that keeps a count or an amount non-negative."""
    if kind == "amount":
        lowest = -_cents(value)
        cents = st.integers(lowest, 10_000) if lowest < 0 else st.integers(1, 10_000)
        return cents.filter(lambda c: c != 0).map(_amount)
    lowest_int = -int(value) if kind == "count" else -1_000
    ups = st.integers(1, 1_000)
    if lowest_int < 0:
        return st.one_of(ups, st.integers(lowest_int, -1))
    return ups


@attrs.frozen
class Invalid:
    """A valid report with some cells changed, and the relations the changes broke.

    Attributes:
        report: The changed report.
        changes: ``(key, delta)`` for every changed cell: its printed number moved by
            ``delta`` (never 0; counts and amounts stay >= 0).
        broken: Every relation instance (of any severity) that no longer holds.
    """

    report: Report
    changes: tuple[tuple[str, Value], ...]
    broken: tuple[Relation, ...]

    @property
    def keys(self) -> tuple[str, ...]:
        """The changed cells' keys."""
        return tuple(key for key, _ in self.changes)


@st.composite
def _invalid(
    draw: st.DrawFn, variant: str | None, rules: RuleSet | None, max_changes: int
) -> Invalid:
    chosen = variant if variant is not None else draw(st.sampled_from(variants()))
    values = draw(cell_values(chosen, rules))
    report = report_of(
        chosen, values, draw(st.sampled_from(years(chosen))), draw(st.sampled_from(AGENCIES))
    )
    involved = _unique(key for relation in error_relations(chosen, rules) for key in relation.keys)
    keys = draw(st.lists(st.sampled_from(involved), min_size=1, max_size=max_changes, unique=True))
    specs = _specs(chosen)
    changes: list[tuple[str, Value]] = []
    for key in keys:
        kind = specs[key].kind
        delta = draw(_deltas(kind, values[key]))
        changed = _as_kind(kind, values[key] + delta)
        report = with_cell(report, Cell(key, CellState.VALUE, changed, raw=_raw(changed)))
        changes.append((key, delta))
    broken = tuple(r for r in relations(chosen, rules) if not r.holds(values_of(report)))
    # Two changes in one relation may cancel out: keep only reports an error relation rejects.
    assume(any(r.severity is Severity.ERROR for r in broken))
    return Invalid(report, tuple(changes), broken)


def invalid_reports(
    variant: str | None = None, *, rules: RuleSet | None = None, max_changes: int = 3
) -> st.SearchStrategy[Invalid]:
    """Valid reports with 1 to ``max_changes`` cells changed so that an error relation breaks.

    Only cells that take part in an error relation are changed. `Invalid.broken` lists every
    relation instance that no longer holds, computed from the relations, not by the engine.
    """
    return _invalid(variant, rules, max_changes)


@attrs.frozen
class Blanked:
    """A valid report with some cells left blank, each printing a placeholder.

    Attributes:
        report: The report.
        keys: The blank cells' keys.
    """

    report: Report
    keys: tuple[str, ...]


@st.composite
def _blanked(
    draw: st.DrawFn, variant: str | None, rules: RuleSet | None, max_blanks: int
) -> Blanked:
    report = draw(_valid(variant, rules))
    every = [cell.key for cell in report.iter_cells()]
    keys = draw(st.lists(st.sampled_from(every), min_size=1, max_size=max_blanks, unique=True))
    for key in keys:
        report = blank_cell(report, key, draw(st.sampled_from(PLACEHOLDERS)))
    return Blanked(report, tuple(keys))


def blanked_reports(
    variant: str | None = None, *, rules: RuleSet | None = None, max_blanks: int = 3
) -> st.SearchStrategy[Blanked]:
    """Valid reports with 1 to ``max_blanks`` cells blank (an empty cell or a placeholder)."""
    return _blanked(variant, rules, max_blanks)


@functools.cache
def _printed_alike(table: str) -> bool:
    """Whether every form prints ``table`` with the same blocks, heading and note."""
    printed = {
        (found.heading, found.blocks, found.note, found.across)
        for found in (_form(variant).table(table) for variant in variants())
    }
    return len(printed) == 1


@st.composite
def _mixed(draw: st.DrawFn, rules: RuleSet | None) -> Report:
    chosen: dict[str, str] = {}
    for key in _TABLES:
        if chosen and _printed_alike(key):
            # Nothing printed tells the forms of this table apart: it is in the report's form.
            chosen[key] = chosen[_TABLES[0]]
        else:
            chosen[key] = draw(st.sampled_from(variants()))
    assume(len(set(chosen.values())) > 1)
    values: dict[str, Value] = {}
    for variant in sorted(set(chosen.values())):
        drawn = draw(cell_values(variant, rules))
        values.update(
            (spec.key, drawn[spec.key])
            for key, table_variant in chosen.items()
            if table_variant == variant
            for spec in _form(variant).table(key).cells
        )
    year = draw(st.sampled_from(years(chosen[_TABLES[0]])))
    return report_of(chosen, values, year, draw(st.sampled_from(AGENCIES)))


def mixed_reports(rules: RuleSet | None = None) -> st.SearchStrategy[Report]:
    """Reports whose tables are printed in different forms, each table's relations holding.

    Real reports do this (a 2021 report with table 二 of the 2019 form); `gkbg.check` warns
    (``report.variant_mixed``) but finds no error. A table that every form prints alike (table
    四) is in the report's form (table 二's), since nothing printed tells its forms apart.
    """
    return _mixed(rules)


# --- labels as reports print them ------------------------------------------------------------

_TO_ASCII = str.maketrans({"（": "(", "）": ")", "，": ",", "：": ":", "；": ";", "．": "."})
_TO_FULL = str.maketrans({"(": "（", ")": "）", ",": "，", ":": "：", ";": "；", ".": "．"})
_TRAILING_NOTE = re.compile(r"[（(][^（）()]*[）)]$")
_MIN_SHORTENED = 4


@attrs.frozen
class LabelStyle:
    """How a report prints the form's labels, as the reports of the wild do.

    Call it on a label to get the label so printed; pass it as ``labels=`` to the renderers of
    `gkbg.render`.

    Attributes:
        punctuation: ``form`` as the form prints it, ``ascii`` (``(一)``, ``1.``) or ``full``
            (``（一）``, ``1．``) throughout.
        comma: ``，`` printed for ``、`` (``一，本年新收…``).
        break_after: A line break after this many characters of every longer label (0: none).
        shorten: A trailing parenthetical dropped (``（二）部分公开``).
    """

    punctuation: Literal["form", "ascii", "full"] = "form"
    comma: bool = False
    break_after: int = 0
    shorten: bool = False

    def __call__(self, label: str) -> str:
        """``label`` as this style prints it."""
        printed = label
        if self.shorten:
            short = _TRAILING_NOTE.sub("", printed)
            if len(short) >= _MIN_SHORTENED:
                printed = short
        if self.punctuation == "ascii":
            printed = printed.translate(_TO_ASCII)
        elif self.punctuation == "full":
            printed = printed.translate(_TO_FULL)
        if self.comma:
            printed = printed.replace("、", "，")
        if 0 < self.break_after < len(printed):
            printed = f"{printed[: self.break_after]}\n{printed[self.break_after :]}"
        return printed


def label_styles() -> st.SearchStrategy[LabelStyle]:
    """Label styles: punctuation, ``，`` for ``、``, line breaks inside labels, shortened labels."""
    return st.builds(
        LabelStyle,
        punctuation=st.sampled_from(("form", "ascii", "full")),
        comma=st.booleans(),
        break_after=st.one_of(st.just(0), st.integers(2, 8)),
        shorten=st.booleans(),
    )


@st.composite
def column_orders(draw: st.DrawFn, variant: str, *, lacking: bool = False) -> dict[str, list[str]]:
    """The order a page prints table 三's columns in, for `gkbg.render.text`'s ``columns``.

    A web page may print 总计 first or the organisations in another order: the columns outside
    any spanning label and the spanning label's group are shuffled as units, and the columns
    under it among themselves (they stay under their label). Orders that keep the columns
    outside the spanning label in the form's order, and move the label or reorder the
    organisations under it, are drawn too: text keeping the header's labels whole on one line
    (or in cells) is read by them, and text that does not is flagged (``gkbg.align.header``).

    With ``lacking``, the page may also lack one column (a 2019 page without
    法律服务机构): the order then names the others only.
    """
    table = _form(variant).table("applications")
    columns = table.blocks[0].columns
    units: list[list[str]] = []
    groups: dict[str, list[str]] = {}
    for column in columns:
        if column.group is None:
            units.append([column.key])
        elif column.group in groups:
            groups[column.group].append(column.key)
        else:
            groups[column.group] = [column.key]
            units.append(groups[column.group])
    order: list[str] = []
    for unit in draw(st.permutations(units)):
        order.extend(draw(st.permutations(unit)) if len(unit) > 1 else unit)
    if lacking and draw(st.booleans()):
        order.remove(draw(st.sampled_from(order)))
    return {"applications": order}


# --- documents re-published through LibreOffice ----------------------------------------------

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_A4 = ("11906", "16838")  # the short and the long side of an A4 page, in twentieths of a point


def republish(
    documents: Sequence[bytes],
    suffix: str | Sequence[str],
    target: str,
    *,
    infilter: str | None = None,
    seconds_per_file: float = 20.0,
) -> list[bytes | None]:
    """``documents`` (``.suffix`` files) as LibreOffice saves them as ``target``, in one run.

    How offices re-publish their reports: a Word file saved as ``.doc``, ``.odt`` or ``.docx``
    again, exported to PDF or HTML; a page opened in Calc and saved as ``.xlsx``, ``.xls`` or
    ``.ods`` (``infilter="HTML (StarCalc)"``). One ``soffice`` process converts them all (it
    takes about a second to start), headless, with a profile of its own in a temporary folder.

    Args:
        documents: The files' bytes.
        suffix: Their extension (``docx``, ``html``…), which tells LibreOffice what they are;
            one for all, or one per document.
        target: The extension, optionally with the filter (``txt:Text``), to convert to.
        infilter: The import filter to force (``HTML (StarCalc)``: an HTML page into Calc).
        seconds_per_file: The time allowed per file, beyond a minute for the whole run.

    Returns:
        Each document converted, in order; None where LibreOffice wrote nothing.

    Raises:
        RuntimeError: LibreOffice is not installed.
    """
    soffice = find_soffice()
    if soffice is None:
        raise RuntimeError("republishing needs LibreOffice ('soffice' on the PATH)")
    extension = target.split(":", 1)[0]
    with tempfile.TemporaryDirectory(prefix="gkbg-republish-") as name:
        folder = Path(name)
        sources = []
        suffixes = [suffix] * len(documents) if isinstance(suffix, str) else list(suffix)
        for number, (data, extension_in) in enumerate(zip(documents, suffixes, strict=True)):
            source = folder / f"d{number:05}.{extension_in}"
            source.write_bytes(data)
            sources.append(source)
        out = folder / "out"
        options = [f"--infilter={infilter}"] if infilter else []
        command, environment = conversion(
            soffice, folder, target, sources, out=out, options=options
        )
        subprocess.run(  # noqa: S603 - our own files, LibreOffice found on the PATH
            command,
            check=False,
            capture_output=True,
            timeout=60 + seconds_per_file * len(sources),
            env=environment,
        )
        converted = [out / f"{source.stem}.{extension}" for source in sources]
        return [path.read_bytes() if path.is_file() else None for path in converted]


def _w(name: str) -> str:
    return f"{{{_W}}}{name}"


def relaid_docx(
    data: bytes,
    *,
    orientation: Literal["portrait", "landscape"] | None = None,
    font_size: float | None = None,
    title_size: float | None = None,
    title_break: int | None = None,
) -> bytes:
    """A Word file of `gkbg.render.docx` laid out again, as offices lay their reports out.

    Args:
        data: The ``.docx`` file.
        orientation: The page turned to A4 ``portrait`` (normal margins) or ``landscape``
            (narrow margins); None keeps it.
        font_size: Every run printed at this size in points (10.5 is what Chinese offices
            use; a long table then runs over a page); None keeps it.
        title_size: The title (the first paragraph) printed at this size in points (22 is the
            size of a Chinese office's title: a long one wraps over two lines); None keeps it.
        title_break: The title printed as two paragraphs, the first of
            this many characters, as a title wraps or is typed over two lines; None keeps it.

    Returns:
        The ``.docx`` file laid out again; its text and tables are unchanged.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    document = lxml.etree.fromstring(parts["word/document.xml"])
    body = document.find(_w("body"))
    if orientation is not None:
        page = body.find(f"{_w('sectPr')}/{_w('pgSz')}")
        margins = body.find(f"{_w('sectPr')}/{_w('pgMar')}")
        short, long = _A4
        width, height = (short, long) if orientation == "portrait" else (long, short)
        page.set(_w("w"), width)
        page.set(_w("h"), height)
        page.set(_w("orient"), orientation)
        margin = "1440" if orientation == "portrait" else "720"
        for side in ("top", "right", "bottom", "left"):
            margins.set(_w(side), margin)
    sizes = [(body, font_size), (body.find(_w("p")), title_size)]
    for scope, size in sizes:
        if size is None:
            continue
        for run in scope.iter(_w("r")):
            properties = run.find(_w("rPr"))
            if properties is None:
                properties = lxml.etree.Element(_w("rPr"))
                run.insert(0, properties)
            size_element = properties.find(_w("sz"))
            if size_element is None:
                size_element = lxml.etree.SubElement(properties, _w("sz"))
            size_element.set(_w("val"), str(round(size * 2)))
    if title_break is not None:
        title = body.find(_w("p"))
        text = title.find(f".//{_w('t')}")
        if text is not None and 0 < title_break < len(text.text or ""):
            second = copy.deepcopy(title)
            second.find(f".//{_w('t')}").text = text.text[title_break:]
            text.text = text.text[:title_break]
            title.addnext(second)
    parts["word/document.xml"] = lxml.etree.tostring(
        document, xml_declaration=True, encoding="UTF-8", standalone=True
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()
