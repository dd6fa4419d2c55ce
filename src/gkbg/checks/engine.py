# SPDX-License-Identifier: MIT
"""The engine: one evaluator per rule kind, and `check`.

Relations are evaluated only on printed numbers. A relation one of whose cells is blank,
a placeholder, invalid or unread is reported as `NotCheckable`, never as a failure.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, cast

import attrs

from gkbg.checks.findings import CheckResult, Finding, NotCheckable, Severity
from gkbg.checks.narrative import RawSentences, narrative
from gkbg.checks.relations import instances
from gkbg.checks.rules import Rule, RuleSet
from gkbg.core.lang import reasons_zh
from gkbg.core.model import Cell, CellState, Report, Value
from gkbg.core.schema import CellSpec, TableForm, forms

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

__all__ = ["check"]

Outcome = Finding | NotCheckable
_Index = str | int
_Indexed = Mapping[str, "Value | None"] | tuple["Value | None", ...]


@functools.cache
def _form_keys(variant: str, table: str) -> list[str]:
    return list(forms()[variant].table(table).cell_keys())


@functools.cache
def _positions(variant: str, table: str) -> dict[str, int]:
    return {key: index for index, key in enumerate(_form_keys(variant, table))}


class _Context:
    """One report, indexed for the evaluators (each index built on first use).

    A table whose cells are its form's, in the form's order (as every parser gives them), is
    read once into the tuple of its values (`columns`), which the evaluators index by the
    cells' positions in the form. When every table holding cells is such a table
    (`canonical`), that is what looking the keys up in `values` gives, since the keys of the
    forms' tables differ; otherwise (a report built by hand, a pair of reports of a series)
    the evaluators look the keys up.
    """

    def __init__(self, report: Report) -> None:
        self.report = report
        known = forms()
        self.forms: dict[str, TableForm] = {}
        self.columns: dict[str, tuple[Value | None, ...]] = {}
        self.canonical = True
        for table in report.tables:
            variant = table.variant
            if variant is not None and variant in known:
                self.forms[table.key] = known[variant].table(table.key)
                cells = table.cells
                if [cell.key for cell in cells] == _form_keys(variant, table.key):
                    self.columns[table.key] = tuple([cell.value for cell in cells])
                    continue
            if table.cells:
                self.canonical = False

    def column(self, key: str) -> tuple[Value | None, ...] | None:
        """The values of table ``key`` in its form's order, when the report is canonical."""
        return self.columns.get(key) if self.canonical else None

    @functools.cached_property
    def values(self) -> Mapping[str, Value | None]:
        if self.canonical:
            return _ColumnValues(self)
        return {cell.key: cell.value for table in self.report.tables for cell in table.cells}

    @functools.cached_property
    def cells(self) -> dict[str, Cell]:
        return {cell.key: cell for cell in self.report.iter_cells()}

    @functools.cached_property
    def notable(self) -> dict[str, list[Cell]]:
        """By table, the cells a ``cell`` rule may report: all but whole numbers >= 0."""
        value = CellState.VALUE
        notable: dict[str, list[Cell]] = {}
        for table in self.report.tables:
            notable[table.key] = [
                cell
                for cell in table.cells
                if cell.state is not value or type(cell.value) is not int or cell.value < 0
            ]
        return notable

    @functools.cached_property
    def sentences(self) -> RawSentences:
        """The report's text, cut around the candidates once for all the narrative rules."""
        return RawSentences(self.report.text)

    def table_form(self, key: str) -> TableForm | None:
        return self.forms.get(key)


class _ColumnValues(Mapping[str, "Value | None"]):
    """`_Context.values` of a canonical report: each key's value, read from `columns`."""

    def __init__(self, context: _Context) -> None:
        self.tables = {
            key: (_positions(context.forms[key].variant, key), column)
            for key, column in context.columns.items()
        }

    def __getitem__(self, key: str) -> Value | None:
        found = self.tables.get(key.partition(".")[0])
        if found is not None:
            position = found[0].get(key)
            if position is not None:
                return found[1][position]
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        for positions, _ in self.tables.values():
            yield from positions

    def __len__(self) -> int:
        return sum(len(positions) for positions, _ in self.tables.values())


@functools.cache
def _spec_index(variant: str, table: str) -> dict[str, CellSpec]:
    return {cell.key: cell for cell in forms()[variant].table(table).cells}


def _values(context: _Context, keys: Iterable[str]) -> tuple[dict[str, Value], list[str]] | None:
    """The numbers of ``keys``, and the keys with none; None when a key is not in the report."""
    numbers: dict[str, Value] = {}
    missing: list[str] = []
    values = context.values
    for key in keys:
        value = values.get(key, _ABSENT)
        if value is _ABSENT:
            return None
        if value is None:
            missing.append(key)
        else:
            numbers[key] = value  # type: ignore[assignment]
    return numbers, missing


def _total(numbers: list[Value]) -> Value:
    return sum(numbers, start=0)


_ABSENT = object()
_OPERATORS: dict[str, Callable[[Value, Value], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    "==": operator.eq,
}


@attrs.frozen(eq=False)
class _Step:
    """One instance of a relation rule, compiled: its keys in order and how to read them."""

    fields: dict[str, object]
    keys: tuple[str, ...]
    get: Callable[[Mapping[str, Value | None]], tuple[Value | None, ...]]
    left: tuple[int, ...]
    right: tuple[int, ...]
    at: Callable[[tuple[Value | None, ...]], tuple[Value | None, ...]] | None = None


def _getter(keys: tuple[_Index, ...]) -> Callable[[_Indexed], tuple[Value | None, ...]]:
    if not keys:
        return lambda _: ()
    if len(keys) == 1:
        one = operator.itemgetter(keys[0])
        return lambda values: (one(values),)
    return operator.itemgetter(*keys)


def _positional(
    keys: tuple[str, ...], variant: str, table: str
) -> Callable[[tuple[Value | None, ...]], tuple[Value | None, ...]] | None:
    """A getter of ``keys`` from the values of one table in its form's order.

    None when a key is no cell of that table.
    """
    positions = _positions(variant, table)
    if not all(key in positions for key in keys):
        return None
    return _getter(tuple(positions[key] for key in keys))


@functools.lru_cache(maxsize=4096)
def _plan(rule: Rule, variant: str, table: str) -> tuple[_Step, ...]:
    """A relation rule compiled for one table of one form.

    Each instance becomes its key tuple, a getter reading them all at once, and the positions
    of its two sides in that tuple, so evaluating it is a lookup and two sums.
    """
    steps = []
    for fields, left, right, keys in instances(rule, forms()[variant].table(table)):
        position = {key: index for index, key in enumerate(keys)}
        steps.append(
            _Step(
                fields,
                tuple(keys),
                _getter(tuple(keys)),
                tuple(position[key] for key in left),
                tuple(position[key] for key in right),
                _positional(tuple(keys), variant, table),
            )
        )
    return tuple(steps)


@attrs.frozen(eq=False)
class _Program:
    """A relation rule's instances on one form as one function of plain numbers.

    Attributes:
        get: Reads the numbers of every cell the instances name, in one call.
        failing: Given those numbers (all present), the indices of the instances that fail.
        at: `get` from the values of the table in its form's order (`_Context.columns`).
    """

    get: Callable[[Mapping[str, Value | None]], tuple[Value | None, ...]]
    failing: Callable[[tuple[Value, ...]], list[int]]
    at: Callable[[tuple[Value | None, ...]], tuple[Value | None, ...]] | None = None


def _side(positions: Iterable[int]) -> str:
    # The order of `sum(..., start=0)`, so that Decimal amounts round exactly as there.
    return " + ".join(["0", *(f"v[{position}]" for position in positions)])


@functools.lru_cache(maxsize=4096)
def _program(rule: Rule, variant: str, table: str) -> _Program:
    """The instances of `_plan` compiled into straight-line code over one tuple of numbers.

    The generated code holds nothing but tuple indices and the rule's operator, one test per
    instance, in the instances' order; it is what `_relation` would compute, instance by
    instance, for a report in which every cell the rule names holds a number.
    """
    steps = _plan(rule, variant, table)
    union = tuple(dict.fromkeys(key for step in steps for key in step.keys))
    position = {key: index for index, key in enumerate(union)}
    operator_text = {">=": ">=", "<=": "<=", "==": "=="}[rule.op]
    lines = ["def failing(v):", "    bad = []"]
    for index, step in enumerate(steps):
        left = _side(position[step.keys[i]] for i in step.left)
        right = _side(position[step.keys[i]] for i in step.right)
        if rule.kind == "compare":
            test = f"not (({left}) {operator_text} ({right}))"
        else:
            test = f"({left}) != ({right})"
        lines.append(f"    if {test}:")
        lines.append(f"        bad.append({index})")
    lines.append("    return bad")
    namespace: dict[str, object] = {}
    code = compile("\n".join(lines), f"<gkbg relation {rule.id} {variant}>", "exec")
    exec(code, namespace)  # noqa: S102 - generated from integers and a fixed operator only
    failing = cast("Callable[[tuple[Value, ...]], list[int]]", namespace["failing"])
    return _Program(_getter(union), failing, _positional(union, variant, table))


def _relation(rule: Rule, context: _Context) -> Iterator[Outcome]:
    """``sum``, ``equation`` and ``compare``.

    When every cell the rule names holds a number, its compiled program says which instances
    fail, and only those are evaluated again to build their findings; otherwise (a cell
    missing or blank) every instance is evaluated in turn.
    """
    if rule.table is None:
        return
    form = context.table_form(rule.table)
    if form is None or (rule.variants and form.variant not in rule.variants):
        return
    kind = rule.kind
    compare = _OPERATORS[rule.op]
    steps = _plan(rule, form.variant, form.key)
    program = _program(rule, form.variant, form.key)
    column = context.column(form.key)
    if column is not None and program.at is not None:
        numbers_all = program.at(column)
    else:
        column = None
        try:
            numbers_all = program.get(context.values)
        except KeyError:
            numbers_all = (None,)
    if None not in numbers_all:
        failing = program.failing(numbers_all)  # type: ignore[arg-type]
        steps = tuple(steps[index] for index in failing)
    for step in steps:
        if column is not None and step.at is not None:
            numbers = step.at(column)
        else:
            try:
                numbers = step.get(context.values)
            except KeyError:
                continue
        if None in numbers:
            missing = tuple(key for key, n in zip(step.keys, numbers, strict=True) if n is None)
            yield NotCheckable(rule.id, step.keys, missing)
            continue
        left_value: Value = sum([numbers[i] for i in step.left], start=0)  # type: ignore[misc]
        right_value: Value = sum([numbers[i] for i in step.right], start=0)  # type: ignore[misc]
        if kind == "sum":
            expected, actual = right_value, left_value
            holds = left_value == right_value
        elif kind == "equation":
            expected, actual = left_value, right_value
            holds = left_value == right_value
        else:
            expected, actual = right_value, left_value
            holds = compare(actual, expected)
        if holds:
            continue
        fields = step.fields | {
            "expected": expected,
            "actual": actual,
            "difference": actual - expected,
            "op": rule.op,
        }
        yield Finding(
            rule.id, rule.severity, rule.message.fill(fields), step.keys, expected, actual
        )


_INVALID_REASONS = {
    "text": ("内容不是数字", "the text is not a number"),
    "negative": ("数量不能为负数", "a count cannot be negative"),
    "fraction": ("数量应为整数", "a count must be a whole number"),
    "negative_amount": ("金额不能为负数", "an amount cannot be negative"),
}


def _invalid_reason(cell: Cell, spec: CellSpec) -> str | None:
    if cell.state is CellState.INVALID:
        return "text"
    if cell.value is None:
        return None
    if spec.kind == "amount":
        return "negative_amount" if cell.value < 0 else None
    if isinstance(cell.value, Decimal) and cell.value != cell.value.to_integral_value():
        return "fraction"
    if spec.kind == "count" and cell.value < 0:
        return "negative"
    return None


def _cells(rule: Rule, context: _Context) -> Iterator[Outcome]:
    """``cell``: invalid, blank or unread cells."""
    for table in context.report.tables:
        if table.variant is None or table.variant not in forms():
            continue
        specs = _spec_index(table.variant, table.key)
        for cell in context.notable[table.key]:
            spec = specs.get(cell.key)
            if spec is None:
                continue
            extra: dict[str, object]
            if rule.check == "invalid":
                reason = _invalid_reason(cell, spec)
                if reason is None:
                    continue
                zh, en = _INVALID_REASONS[reason]
                extra = {"reason_zh": zh, "reason_en": en}
                actual = cell.value
            elif rule.check == "blank" and cell.state is CellState.BLANK:
                extra, actual = {}, None
            elif rule.check == "unread" and cell.state is CellState.UNREAD:
                reasons = cell.uncertain
                extra = {"reason_en": "; ".join(reasons), "reason_zh": reasons_zh(reasons)}
                actual = None
            else:
                continue
            fields: dict[str, object] = {
                "cell": cell.key,
                "cell_label": f"{spec.row.label} / {spec.column.label}",
                "cell_en": f"{spec.row.en} / {spec.column.en}",
                "raw": cell.raw if cell.raw is not None else "",
                **extra,
            }
            yield Finding(
                rule.id, rule.severity, rule.message.fill(fields), (cell.key,), None, actual
            )


@functools.cache
def _block_positions(variant: str, table: str) -> tuple[tuple[int, ...], ...]:
    """The positions in the form of the cells of each block of one table of one form."""
    positions = _positions(variant, table)
    return tuple(tuple(positions[key] for key in keys) for keys in _block_keys(variant, table))


@functools.cache
def _block_keys(variant: str, table: str) -> tuple[tuple[str, ...], ...]:
    """The cell keys of each block of one table of one form."""
    form = forms()[variant].table(table)
    return tuple(
        tuple(cell.key for cell in form.cells if cell.block == index)
        for index in range(len(form.blocks))
    )


def _tables(rule: Rule, context: _Context) -> Iterator[Outcome]:
    """``table``: a table not found, or a block of it none of whose cells could be read."""
    report = context.report
    reference = forms().get(report.variant) if report.variant is not None else None
    for table in report.tables:
        if not table.found:
            heading = reference.table(table.key).heading if reference else table.key
            title = reference.table(table.key).title_en if reference else table.key
            fields = {"part_label": f"“{heading}”表", "part_en": f"table {title!r}"}
            yield Finding(rule.id, rule.severity, rule.message.fill(fields))
            continue
        form = context.table_form(table.key)
        if form is None or len(form.blocks) < 2:
            continue
        column = context.column(form.key)
        block_keys = _block_keys(form.variant, form.key)
        if column is not None and None not in column and all(block_keys):
            continue  # every block has a cell with a number: the shortcut of the test below
        block_positions = _block_positions(form.variant, form.key)
        for index, (block, keys) in enumerate(zip(form.blocks, block_keys, strict=True)):
            if column is not None:  # the cells by their positions in the form, as looked up
                at = block_positions[index]
                if any(column[i] is not None for i in at):
                    continue
                if not all(table.cells[i].state is CellState.UNREAD for i in at):
                    continue
            elif any(context.values[key] is not None for key in keys):
                continue  # a cell with a number was read: the shortcut of the test below
            elif not all(context.cells[key].state is CellState.UNREAD for key in keys):
                continue
            caption = block.caption or str(index + 1)
            fields = {
                "part_label": f"“{form.heading}”中{caption}的数据",
                "part_en": f"readable data for {caption} in table {form.title_en!r}",
            }
            yield Finding(rule.id, rule.severity, rule.message.fill(fields), keys)


_TABLE_NAMES = {
    "active": ("表二", "table 二"),
    "applications": ("表三", "table 三"),
    "appeals": ("表四", "table 四"),
}


@functools.cache
def _same_table(key: str, variants: tuple[str, ...]) -> bool:
    """Whether the forms print table ``key`` identically (table 四 is the same in both)."""
    blocks = [forms()[variant].table(key).blocks for variant in variants]
    return all(block == blocks[0] for block in blocks)


def _variant_year(rule: Rule, context: _Context) -> Iterator[Outcome]:
    report = context.report
    if report.year is None:
        return
    year = report.year
    in_force = [variant for variant, form in forms().items() if form.applies_to(year)]
    by_variant: dict[str, list[str]] = {}
    for table in report.tables:
        variant = table.variant
        if (
            variant is not None
            and variant in forms()
            and not forms()[variant].applies_to(year)
            and not any(_same_table(table.key, (variant, other)) for other in in_force)
        ):
            by_variant.setdefault(variant, []).append(table.key)
    for variant, tables in by_variant.items():
        form = forms()[variant]
        years = (
            f"{form.first_year}–{form.last_year}"
            if form.last_year is not None
            else f"{form.first_year}–"
        )
        fields = {
            "year": report.year,
            "variant": variant,
            "document": form.document,
            "years": years,
            "tables_zh": "、".join(_TABLE_NAMES[t][0] for t in tables),
            "tables_en": ", ".join(_TABLE_NAMES[t][1] for t in tables),
        }
        yield Finding(rule.id, rule.severity, rule.message.fill(fields))


def _variant_mixed(rule: Rule, context: _Context) -> Iterator[Outcome]:
    found = [table for table in context.report.tables if table.variant is not None]
    # A table the forms print alike (table 四) mixes nothing, whichever form it is taken for.
    distinct = {
        t.variant for t in found if t.variant in forms() and not _same_table(t.key, tuple(forms()))
    }
    if len(distinct) < 2:
        return
    fields = {
        "variants_zh": "；".join(f"{_TABLE_NAMES[t.key][0]}为{t.variant}年版" for t in found),
        "variants_en": "; ".join(f"{_TABLE_NAMES[t.key][1]}: {t.variant} form" for t in found),
    }
    yield Finding(rule.id, rule.severity, rule.message.fill(fields))


def _narrative(rule: Rule, context: _Context) -> Iterator[Outcome]:
    """``narrative``: numbers the text states against the tables (`gkbg.checks.narrative`)."""
    return narrative(rule, context.report, context.values, context.sentences)


_EVALUATORS: dict[str, Callable[[Rule, _Context], Iterator[Outcome]]] = {
    "sum": _relation,
    "equation": _relation,
    "compare": _relation,
    "cell": _cells,
    "table": _tables,
    "variant_year": _variant_year,
    "variant_mixed": _variant_mixed,
    "narrative": _narrative,
}


def check(report: Report, rules: RuleSet | None = None) -> CheckResult:
    """Run the checks on a report.

    Args:
        report: What `gkbg.parse` returned (or a report built by hand).
        rules: The checks to run; by default `RuleSet.default()`: the built-in checks and
            those installed through the ``gkbg.rules`` entry points.

    Returns:
        The findings, errors first, and the relations that could not be checked.
    """
    rules = RuleSet.default() if rules is None else rules
    context = _Context(report)
    findings: list[Finding] = []
    skipped: list[NotCheckable] = []
    for rule in rules:
        if isinstance(rule, Rule) and rule.scope != "report":
            continue  # gkbg.check_series and gkbg.check_rollup run these
        if isinstance(rule, Rule):
            outcomes: Iterable[Outcome] = _EVALUATORS[rule.kind](rule, context)
        else:
            outcomes = rule.evaluate(report)
        for outcome in outcomes:
            if isinstance(outcome, Finding):
                findings.append(outcome)
            else:
                skipped.append(outcome)
    findings.sort(key=lambda f: f.severity is not Severity.ERROR)
    return CheckResult(tuple(findings), tuple(skipped), report.source)
