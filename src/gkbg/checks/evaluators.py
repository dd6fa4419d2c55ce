# SPDX-License-Identifier: MIT
"""The evaluators of the rule kinds: what a declarative `Rule` finds, scope by scope.

`gkbg.checks.kinds` says which evaluator runs a kind in which scope. Relations are evaluated
only on printed numbers: a relation one of whose cells is blank, a placeholder, invalid or
unread is reported as `NotCheckable`, never as a failure.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, cast

import attrs

from gkbg.checks.certain import failing_finding
from gkbg.checks.context import Context, Pair, positions
from gkbg.checks.findings import Finding, NotCheckable, deferred
from gkbg.checks.narrative import narrative
from gkbg.checks.relations import applies, instances
from gkbg.checks.reuse import text_reuse
from gkbg.core.model import Cell, CellState, Report, Value
from gkbg.core.reasons import FOUND_UNREAD, PLACEMENT
from gkbg.core.schema import CellSpec, forms

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from gkbg.checks.rules import Rule
    from gkbg.core.reasons import Doubt

__all__ = [
    "cell_states",
    "cells_quiet",
    "compiled_steps",
    "missing_tables",
    "relation",
    "relation_quiet",
    "repeated_text",
    "series_relation",
    "stated_numbers",
    "tables_quiet",
    "unit_sums",
    "value_fault",
    "variant_mixed",
    "variant_year",
]

Outcome = Finding | NotCheckable
_Index = str | int
_Indexed = Mapping[str, "Value | None"] | tuple["Value | None", ...]


@functools.cache
def _spec_index(variant: str, table: str) -> dict[str, CellSpec]:
    return {cell.key: cell for cell in forms()[variant].table(table).cells}


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
    in_form = positions(variant, table)
    if not all(key in in_form for key in keys):
        return None
    return _getter(tuple(in_form[key] for key in keys))


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


def compiled_steps(
    rule: Rule, variant: str, table: str
) -> tuple[tuple[tuple[str, ...], tuple[int, ...], tuple[int, ...]], ...]:
    """Each instance of a relation rule on one table of one form as `relation` evaluates it.

    Its keys, and the positions among them of its left and right sides, in the order each side
    is summed (the planned test, `gkbg.checks.plan`, sums them in the same order).
    """
    return tuple((step.keys, step.left, step.right) for step in _plan(rule, variant, table))


@attrs.frozen(eq=False)
class _Program:
    """A relation rule's instances on one form as one function of plain numbers.

    Attributes:
        get: Reads the numbers of every cell the instances name, in one call.
        failing: Given those numbers (all present), the indices of the instances that fail.
        at: `get` from the values of the table in its form's order (`Context.columns`).
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
    instance, in the instances' order; it is what `relation` would compute, instance by
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


def relation(rule: Rule, context: Context) -> Iterator[Outcome]:
    """``sum``, ``equation`` and ``compare``.

    When every cell the rule names holds a number, its compiled program says which instances
    fail, and only those are evaluated again to build their findings; otherwise (a cell
    missing or blank) every instance is evaluated in turn.
    """
    form = context.table_form(rule.table) if rule.table is not None else None
    if form is None or not applies(rule, form.variant):
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
            if (certain := failing_finding(rule, step.keys, step.fields, context)) is not None:
                yield certain  # unread cells, but it fails in every reading of them
                continue
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
            rule.id, rule.severity, deferred(rule.message, fields), step.keys, expected, actual
        )


def relation_quiet(rule: Rule, context: Context) -> bool:
    """Whether `relation` would give nothing, known without building anything.

    True when every cell the rule names holds a number and every instance holds (False when
    that is not known so cheaply). The test of `relation`'s compiled program, alone: the
    engine skips a rule for which it is True, and runs `relation` otherwise.
    """
    form = context.forms.get(rule.table) if rule.table is not None else None
    if form is None or not applies(rule, form.variant):
        return True
    column = context.column(form.key)
    if column is None:
        return False
    program = _program(rule, form.variant, form.key)
    if program.at is None:
        return False
    numbers = program.at(column)
    return None not in numbers and not program.failing(numbers)  # type: ignore[arg-type]


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
    return value_fault(cell.value, spec.kind)


def value_fault(value: Value, kind: str) -> str | None:
    """Why a number read into a cell of column kind ``kind`` is not valid there; None if it is.

    What ``cell`` rules of check ``invalid`` report for a cell holding a number (a key of the
    reasons they give), read by them and by the planned test (`gkbg.checks.plan`) alike.
    """
    if kind == "amount":
        return "negative_amount" if value < 0 else None
    if isinstance(value, Decimal) and value != value.to_integral_value():
        return "fraction"
    if kind == "count" and value < 0:
        return "negative"
    return None


def cell_states(rule: Rule, context: Context) -> Iterator[Outcome]:
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
                if any(doubt.code in PLACEMENT for doubt in cell.uncertain):
                    # The reader placed the value by a guess: it may be another cell's, so
                    # whether it is valid here cannot be told.
                    yield NotCheckable(rule.id, (cell.key,), (cell.key,))
                    continue
                zh, en = _INVALID_REASONS[reason]
                extra = {"reason_zh": zh, "reason_en": en}
                actual = cell.value
            elif rule.check == "blank" and cell.state is CellState.BLANK:
                extra, actual = {}, None
            elif rule.check == "unread" and cell.state is CellState.UNREAD:
                reasons = cell.uncertain
                extra = {
                    "reason_en": "; ".join(reason.en for reason in reasons),
                    "reason_zh": "；".join(reason.zh for reason in reasons),
                }
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
                rule.id, rule.severity, deferred(rule.message, fields), (cell.key,), None, actual
            )


def cells_quiet(rule: Rule, context: Context) -> bool:  # noqa: ARG001 - as every quiet test
    """Whether `cell_states` would give nothing: no table holds a cell it looks at."""
    return not any(context.notable.values())


@functools.cache
def _block_positions(variant: str, table: str) -> tuple[tuple[int, ...], ...]:
    """The positions in the form of the cells of each block of one table of one form."""
    in_form = positions(variant, table)
    return tuple(tuple(in_form[key] for key in keys) for keys in _block_keys(variant, table))


@functools.cache
def _block_keys(variant: str, table: str) -> tuple[tuple[str, ...], ...]:
    """The cell keys of each block of one table of one form."""
    form = forms()[variant].table(table)
    return tuple(
        tuple(cell.key for cell in form.cells if cell.block == index)
        for index in range(len(form.blocks))
    )


def _printed(uncertain: list[tuple[Doubt, ...]]) -> bool:
    """Whether an unread cell says its row was found (its number printed but not placeable)."""
    return any(doubt.code in FOUND_UNREAD for doubts in uncertain for doubt in doubts)


def missing_tables(rule: Rule, context: Context) -> Iterator[Outcome]:
    """``table``: a table not found, or a block of it none of whose cells could be read.

    A block whose rows were found but whose numbers cannot be placed, or whose rows print no
    number at all (`FOUND_UNREAD`), is found: its cells say why each is unread, and no finding
    of this rule is given for it.
    """
    report = context.report
    reference = forms().get(report.variant) if report.variant is not None else None
    for table in report.tables:
        if not table.found:
            heading = reference.table(table.key).heading if reference else table.key
            title = reference.table(table.key).title_en if reference else table.key
            fields = {"part_label": f"“{heading}”表", "part_en": f"table {title!r}"}
            yield Finding(rule.id, rule.severity, deferred(rule.message, fields))
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
                states, uncertain = table.columns.states, table.columns.doubts
                if not all(states[i] is CellState.UNREAD for i in at):
                    continue
                if _printed([uncertain[i] for i in at]):
                    continue
            elif any(context.values[key] is not None for key in keys):
                continue  # a cell with a number was read: the shortcut of the test below
            else:
                cells = [context.cells[key] for key in keys]
                if not all(cell.state is CellState.UNREAD for cell in cells):
                    continue
                if _printed([cell.uncertain for cell in cells]):
                    continue
            caption = block.caption or str(index + 1)
            fields = {
                "part_label": f"“{form.heading}”中{caption}的数据",
                "part_en": f"readable data for {caption} in table {form.title_en!r}",
            }
            yield Finding(rule.id, rule.severity, deferred(rule.message, fields), keys)


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


def tables_quiet(rule: Rule, context: Context) -> bool:  # noqa: ARG001 - as every quiet test
    """Whether `missing_tables` would give nothing, known at a glance.

    True when every table is found and, in each table of blocks, every cell is read into a
    number (the shortcut `missing_tables` takes table by table).
    """
    for table in context.report.tables:
        if not table.found:
            return False
        form = context.forms.get(table.key)
        if form is None or len(form.blocks) < 2:
            continue
        column = context.column(form.key)
        if column is None or None in column or not all(_block_keys(form.variant, form.key)):
            return False
    return True


def variant_year(rule: Rule, context: Context) -> Iterator[Outcome]:
    """``variant_year``: tables printed in a form that does not apply to the report's year."""
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
        yield Finding(rule.id, rule.severity, deferred(rule.message, fields))


def variant_mixed(rule: Rule, context: Context) -> Iterator[Outcome]:
    """``variant_mixed``: tables printed in different forms in one report."""
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
    yield Finding(rule.id, rule.severity, deferred(rule.message, fields))


def stated_numbers(rule: Rule, context: Context) -> Iterator[Outcome]:
    """``narrative``: numbers the text states against the tables (`gkbg.checks.narrative`)."""
    return narrative(rule, context.report, context.values, context.sentences)


def series_relation(rule: Rule, pair: Pair) -> Iterator[Outcome]:
    """Relations of scope ``series``: `relation` on the cells of both years."""
    return relation(rule, pair.context)


def repeated_text(rule: Rule, pair: Pair) -> Iterator[Outcome]:
    """``text_reuse``: this year's text repeating last year's beyond the rule's threshold."""
    previous, current = pair.previous, pair.current
    titles = [report.title for report in (previous, current) if report.title]
    share, example = text_reuse(previous.text, current.text, titles)
    threshold = rule.threshold if rule.threshold is not None else 1.0
    if share <= threshold or example is None:
        return
    quote = example if len(example) <= 80 else example[:80] + "…"
    fields = {"share": f"{share:.0%}", "limit": f"{threshold:.0%}", "quote": quote}
    yield Finding(
        rule.id,
        rule.severity,
        deferred(rule.message, fields),
        (),
        Decimal(str(threshold)),
        Decimal(f"{share:.2f}"),
        example,
    )


def _labels(report: Report) -> dict[str, tuple[str, str]]:
    labels: dict[str, tuple[str, str]] = {}
    for table in report.tables:
        if table.variant is None or table.variant not in forms():
            continue
        for spec in forms()[table.variant].table(table.key).cells:
            labels[spec.key] = (
                f"{spec.row.label} / {spec.column.label}",
                f"{spec.row.en} / {spec.column.en}",
            )
    return labels


def unit_sums(rule: Rule, summary: Report, units: tuple[Report, ...]) -> Iterator[Outcome]:
    """``rollup``: every cell of the summary report against the sum of the units' cells.

    The findings name no reports: `gkbg.check_rollup` gives them the summary's and the units'.
    """
    cells = [unit.cells() for unit in units]
    labels = _labels(summary)
    for key, value in summary.cells().items():
        numbers = [unit.get(key) for unit in cells]
        if value is None or any(number is None for number in numbers):
            yield NotCheckable(rule.id, (key,), (key,))
            continue
        total: Value = sum((number for number in numbers if number is not None), start=0)
        if total == value:
            continue
        label_zh, label_en = labels.get(key, (key, key))
        fields = {
            "cell": key,
            "cell_label": label_zh,
            "cell_en": label_en,
            "units": len(units),
            "expected": total,
            "actual": value,
            "difference": value - total,
        }
        yield Finding(rule.id, rule.severity, deferred(rule.message, fields), (key,), total, value)
