# SPDX-License-Identifier: MIT
"""The kinds of declarative rule, in one table: where each runs, what it reads, how it is checked.

A `gkbg.Rule`'s ``kind`` names an entry of `KIND_TABLE`, a `Kind`, which says

- which evaluator runs the kind in each scope (`Kind.report`, `Kind.series`, `Kind.rollup`):
  `gkbg.check`, `gkbg.check_series` and `gkbg.check_rollup` run the rules of their scope through
  it, and a kind can be used in the scopes it has an evaluator for (`Kind.scopes`);
- which of the keys that only some kinds read (`KIND_KEYS`) it reads (`Kind.keys`): another one
  set on a rule of the kind is refused, not ignored;
- which keys it needs (`Kind.needs`), and its own validation (`Kind.validate`).

A rule is validated against this table when it is made (`validate`). Adding a kind is one entry
here and its evaluator (`gkbg.checks.evaluators`); the rule file's comment
(``rules/default.toml``) and the checks page of the docs list the kinds.
"""

from __future__ import annotations

import string
from types import MappingProxyType
from typing import TYPE_CHECKING

import attrs
import regex

from gkbg.checks.evaluators import (
    cell_states,
    cells_quiet,
    missing_tables,
    relation,
    relation_quiet,
    repeated_text,
    series_relation,
    stated_numbers,
    tables_quiet,
    unit_sums,
    variant_mixed,
    variant_year,
)
from gkbg.checks.relations import expand_keys
from gkbg.checks.unfilled import unfilled_tables
from gkbg.core.errors import RuleError
from gkbg.core.schema import TABLES, forms

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

    from gkbg.checks.context import Context, Pair
    from gkbg.checks.findings import Finding, NotCheckable
    from gkbg.checks.rules import Rule
    from gkbg.core.model import Report

    Outcomes = Iterable[Finding | NotCheckable]
    ReportEvaluator = Callable[[Rule, Context], Outcomes]
    QuietTest = Callable[[Rule, Context], bool]
    SeriesEvaluator = Callable[[Rule, Pair], Outcomes]
    RollupEvaluator = Callable[[Rule, Report, tuple[Report, ...]], Outcomes]

__all__ = [
    "KIND_KEYS",
    "KIND_TABLE",
    "RELATIONS",
    "SCOPES",
    "SERIES_PREFIXES",
    "Kind",
    "validate",
]

SCOPES: tuple[str, ...] = ("report", "series", "rollup")
"""What a rule looks at: one report (`gkbg.check`), two consecutive years of one agency
(`gkbg.check_series`), or a region's report and its units' (`gkbg.check_rollup`)."""

SERIES_PREFIXES: tuple[str, ...] = ("prev.", "this.")
"""The prefixes of the key templates of a series relation: the previous year's report, and
this year's."""

KIND_KEYS: tuple[str, ...] = (
    "foreach",
    "over",
    "total",
    "items",
    "lhs",
    "rhs",
    "table",
    "variants",
    "check",
    "statements",
    "threshold",
)
"""The keys of a rule that some kinds read and others do not, in the order a refusal names them.

(``op`` is not among them: it has a value, ``==``, when it is not written. Only ``compare``
rules read it.)"""


_SELECTOR = regex.compile(r"(?P<what>rows|columns)(?:\[(?P<tag>[a-z_][a-z0-9_]*)\])?")
_ID = regex.compile(r"[a-z0-9_]+(?:\.[a-z0-9_]+)+")


def fault(rule_id: str, key: str, problem: str) -> RuleError:
    """The error refusing rule ``rule_id``: the key at fault (``a/b`` or ``a, b`` for several)."""
    return RuleError(f"rule {rule_id!r}: {key}: {problem}")


def _placeholders(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


def _is_set(rule: Rule, key: str) -> bool:
    """Whether ``key`` (one of `KIND_KEYS`) is written on ``rule``."""
    return getattr(rule, key) not in (None, (), {})


@attrs.frozen
class Kind:
    """One kind of declarative rule.

    Attributes:
        name: What rules write as ``kind``.
        report: Evaluates a rule of scope ``report`` on one report (`gkbg.check`).
        series: Evaluates a rule of scope ``series`` on a report and the report of the year
            before it (`gkbg.check_series`).
        rollup: Evaluates a rule of scope ``rollup`` on a summary report and its units'
            (`gkbg.check_rollup`).
        keys: The keys of `KIND_KEYS` the kind reads.
        needs: The keys a rule of the kind must set, each with the problem its absence is:
            ``("total/items", "a sum rule needs a total and items")`` (``a/b``: all of them).
        validate: The kind's own validation of a rule, after the checks common to every kind;
            raises `gkbg.RuleError`.
        relation: Whether the kind is a relation: instances over the rows and columns of a
            table (`gkbg.checks.relations`), each summing its sides; `gkbg.testing` generates
            reports in which they hold.
        quiet: A shortcut of `report`: True when it is known cheaply that `report` would give
            nothing on this report (the engine then skips it), False when that is not known
            (the engine runs `report`). It must never be True where `report` gives something;
            ``tests/checks/test_engine.py`` compares the two on generated and real reports.
    """

    name: str
    report: ReportEvaluator | None = None
    series: SeriesEvaluator | None = None
    rollup: RollupEvaluator | None = None
    keys: tuple[str, ...] = ()
    needs: tuple[tuple[str, str], ...] = ()
    validate: Callable[[Rule], None] | None = None
    relation: bool = False
    quiet: QuietTest | None = None

    @property
    def scopes(self) -> tuple[str, ...]:
        """The scopes the kind may be used in: those it has an evaluator for, in `SCOPES` order."""
        return tuple(scope for scope in SCOPES if getattr(self, scope) is not None)


def _validate_relation(rule: Rule) -> None:
    """A relation's operator and forms; a series relation's keys name their report."""
    if rule.op not in (">=", "<=", "=="):
        raise fault(rule.id, "op", f"{rule.op!r} is not one of >=, <=, ==")
    unknown_variants = set(rule.variants) - set(forms())
    if unknown_variants:
        raise fault(rule.id, "variants", f"no form {', '.join(sorted(unknown_variants))}")
    if rule.scope == "series":
        templates = [t for t in (rule.total, *rule.items, *rule.lhs, *rule.rhs) if t]
        for template in templates:
            if not template.startswith(SERIES_PREFIXES):
                raise fault(
                    rule.id,
                    "templates",
                    f"{template!r}: a series relation names the report of each key: "
                    "'prev.applications.…' or 'this.applications.…'",
                )
        if not any(template.startswith("prev.") for template in templates):
            raise fault(rule.id, "templates", "a series relation needs a key of the previous year")
    _validate_templates(rule)


def _validate_templates(rule: Rule) -> None:
    """Every key template must name cells of the rule's table in every form it applies to."""
    problems: list[str] = []
    for variant, form in forms().items():
        if rule.table is None or (rule.variants and variant not in rule.variants):
            continue
        table = form.table(rule.table)
        for name, selector in {**rule.foreach, **rule.over}.items():
            what, _, tag = selector.rstrip("]").partition("[")
            entries = table.rows if what == "rows" else table.columns
            if tag and not any(tag in entry.tags for entry in entries):
                problems.append(f"the {variant} form has no {what} tagged {tag!r} ({name})")
        try:
            keys = expand_keys(rule, table)
        except (KeyError, ValueError) as exc:
            problems.append(f"{variant}: {exc}")
            continue
        if rule.scope == "series":
            keys = [key.split(".", 1)[1] for key in keys]
        missing = sorted(set(keys) - set(table.cell_keys()))
        if missing:
            problems.append(f"the {variant} form has no cell {', '.join(missing[:3])}")
    if problems:
        hint = "" if rule.variants else " (limit the rule with 'variants' if it is for one form)"
        raise fault(rule.id, "templates", "; ".join(problems) + hint)


def _validate_statements(rule: Rule) -> None:
    """A narrative rule's regular expressions compile, and its patterns capture the number."""
    for statement in rule.statements:
        for key, patterns in (
            ("patterns", statement.patterns),
            ("zero", statement.zero),
            ("exclude", statement.exclude),
        ):
            for pattern in patterns:
                try:
                    compiled = regex.compile(pattern)
                except regex.error as exc:
                    raise fault(rule.id, key, f"{pattern!r} is not valid: {exc}") from exc
                if key == "patterns" and "n" not in compiled.groupindex:
                    raise fault(rule.id, key, f"{pattern!r} has no group (?P<n>…)")


def _validate_threshold(rule: Rule) -> None:
    if rule.threshold is not None and not 0 < rule.threshold <= 1:
        raise fault(rule.id, "threshold", f"{rule.threshold!r} is not a share in (0, 1]")


def _relation_kind(name: str, sides: str, problem: str, needed: str | None = None) -> Kind:
    """A relation kind: its sides are the keys ``sides`` (``a/b``); ``needed`` (all by default)."""
    return Kind(
        name,
        report=relation,
        series=series_relation,
        keys=("table", "variants", "foreach", "over", *sides.split("/")),
        needs=(
            ("table", f"a {name} rule needs the table it ranges over"),
            (needed or sides, problem),
        ),
        validate=_validate_relation,
        relation=True,
        quiet=relation_quiet,
    )


KIND_TABLE: Mapping[str, Kind] = MappingProxyType(
    {
        kind.name: kind
        for kind in (
            _relation_kind("sum", "total/items", "a sum rule needs a total and items"),
            _relation_kind("equation", "lhs/rhs", "an equation rule needs both sides"),
            _relation_kind("compare", "lhs/rhs", "a compare rule needs a left side", needed="lhs"),
            Kind(
                "cell",
                report=cell_states,
                quiet=cells_quiet,
                keys=("check",),
                needs=(("check", "a cell rule needs check = invalid, blank or unread"),),
            ),
            Kind("table", report=missing_tables, quiet=tables_quiet),
            Kind("unfilled", report=unfilled_tables),
            Kind("variant_year", report=variant_year),
            Kind("variant_mixed", report=variant_mixed),
            Kind(
                "narrative",
                report=stated_numbers,
                keys=("statements",),
                needs=(("statements", "a narrative rule needs at least one statement"),),
                validate=_validate_statements,
            ),
            Kind(
                "text_reuse",
                series=repeated_text,
                keys=("threshold",),
                needs=(("threshold", "a text_reuse rule needs a threshold"),),
                validate=_validate_threshold,
            ),
            Kind("rollup", rollup=unit_sums),
        )
    }
)
"""Every kind of declarative rule, by name."""

RELATIONS: tuple[str, ...] = tuple(name for name, kind in KIND_TABLE.items() if kind.relation)
"""The relation kinds: ``sum``, ``equation`` and ``compare``."""


def validate(rule: Rule) -> None:
    """Check a rule against its kind: what every rule needs, then what its `Kind` says.

    Raises:
        RuleError: The rule is not valid; the message names the rule and the key at fault
            (``rule 'x.y': op: '<' is not one of >=, <=, ==``).
    """
    if not _ID.fullmatch(rule.id):
        raise fault(rule.id, "id", "must be dot-separated lower-case words, like 'jiangsu.fees'")
    kind = KIND_TABLE.get(rule.kind)
    if kind is None:
        raise fault(rule.id, "kind", f"{rule.kind!r} is not one of {', '.join(KIND_TABLE)}")
    if rule.table is not None and rule.table not in TABLES:
        raise fault(rule.id, "table", f"{rule.table!r} is not one of {', '.join(TABLES)}")
    for name, selectors in (("foreach", rule.foreach), ("over", rule.over)):
        for placeholder, selector in selectors.items():
            if not _SELECTOR.fullmatch(selector):
                raise fault(
                    rule.id,
                    f"{name}.{placeholder}",
                    f"{selector!r} is not a selector such as 'rows' or 'columns[applicant]'",
                )
            if rule.table is None:
                raise fault(rule.id, name, "selectors need a 'table'")
    bound = set(rule.foreach) | set(rule.over)
    for template in (t for t in (rule.total, *rule.items, *rule.lhs, *rule.rhs) if t):
        unknown = _placeholders(template) - bound
        if unknown:
            raise fault(
                rule.id,
                "templates",
                f"{template!r} uses {', '.join(sorted(unknown))}, "
                "bound by neither foreach nor over",
            )
    if rule.scope not in SCOPES:
        raise fault(rule.id, "scope", f"{rule.scope!r} is not one of {', '.join(SCOPES)}")
    if rule.scope not in kind.scopes:
        allowed = " or ".join(repr(scope) for scope in kind.scopes)
        raise fault(rule.id, "scope", f"a {kind.name} rule needs scope = {allowed}")
    unused = [key for key in KIND_KEYS if key not in kind.keys and _is_set(rule, key)]
    if unused:
        raise fault(rule.id, ", ".join(unused), f"not used by a {kind.name} rule")
    for keys, problem in kind.needs:
        if not all(_is_set(rule, key) for key in keys.split("/")):
            raise fault(rule.id, keys, problem)
    if kind.validate is not None:
        kind.validate(rule)
