# SPDX-License-Identifier: MIT
"""Checks as data: `Rule`, rule files, and `RuleSet`.

The built-in checks live in ``gkbg/rules/default.toml``. A user's own checks are either rules of
the same kinds (written in Python or TOML) or `FunctionRule` objects wrapping a Python function.
Other packages ship checks through the ``gkbg.rules`` entry-point group.
"""

from __future__ import annotations

import functools
import string
from collections.abc import Callable, Iterable, Iterator, Mapping
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol, runtime_checkable

import attrs
import cattrs
import regex
from cattrs.errors import ClassValidationError

from gkbg.checks.findings import Finding, NotCheckable, Severity
from gkbg.checks.relations import expand_keys
from gkbg.core.compat import tomllib
from gkbg.core.errors import RuleError
from gkbg.core.lang import Text  # noqa: TC001 - resolved at run time by cattrs
from gkbg.core.plugins import load_plugins
from gkbg.core.schema import TABLES, forms

if TYPE_CHECKING:
    from gkbg.core.model import Report

__all__ = [
    "ENTRY_POINT_GROUP",
    "KINDS",
    "Check",
    "FunctionRule",
    "Rule",
    "RuleSet",
    "Statement",
]

ENTRY_POINT_GROUP = "gkbg.rules"
"""The entry-point group other packages use to ship checks."""

KINDS: tuple[str, ...] = (
    "sum",
    "equation",
    "compare",
    "cell",
    "table",
    "variant_year",
    "variant_mixed",
    "narrative",
    "text_reuse",
    "rollup",
)
"""The kinds of declarative rule the engine evaluates."""

SCOPES: tuple[str, ...] = ("report", "series", "rollup")
"""What a rule looks at: one report (`gkbg.check`), two consecutive years of one agency
(`gkbg.check_series`), or a region's report and its units' (`gkbg.check_rollup`)."""

SERIES_PREFIXES: tuple[str, ...] = ("prev.", "this.")
"""The prefixes of the key templates of a series relation: the previous year's report, and
this year's."""

_SELECTOR = regex.compile(r"(?P<what>rows|columns)(?:\[(?P<tag>[a-z_][a-z0-9_]*)\])?")
_ID = regex.compile(r"[a-z0-9_]+(?:\.[a-z0-9_]+)+")


@attrs.frozen
class Statement:
    """What a ``narrative`` rule looks for in the text, and which cells it compares with.

    Attributes:
        cells: The cells whose sum the stated number should equal.
        patterns: Regular expressions (``regex`` syntax) with a group ``n`` for the number; they
            are matched against each sentence with white space removed.
        subject: What is counted, for the message.
        zero: Regular expressions whose match states that the count is 0
            (``未收到政府信息公开申请``).
        exclude: Regular expressions that, found in the clause of a match before the number,
            mean the number counts something else (``备案``, ``上年``): the match is not read.
    """

    cells: tuple[str, ...]
    patterns: tuple[str, ...]
    subject: Text
    zero: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()


@attrs.frozen(eq=False)
class Rule:
    """A declarative check. See ``gkbg/rules/default.toml`` and the checks page of the docs.

    Rules compare and hash by identity, so the engine can cache what it derives from them.

    Attributes:
        id: Stable identifier, two or more dot-separated lower-case words.
        kind: What the rule checks (``sum``, ``equation``, ``compare``, ``cell``, …); the
            checks page of the docs lists every kind.
        severity: Of the findings.
        title: One line saying what the rule checks.
        message: The finding's message; a template (see the docs for its fields).
        basis: ``FORM``, ``IMPLIED`` or ``HEUR`` (documentation only).
        table: The table whose rows and columns ``foreach`` and ``over`` range over.
        variants: The forms the rule applies to; all when empty.
        foreach: Placeholders making one instance each, to selectors (``rows[result]``).
        over: Placeholders summed within an instance, to selectors.
        total: ``sum``: the total's key template.
        items: ``sum``: the parts' key templates.
        lhs: ``equation`` and ``compare``: the left side's key templates.
        rhs: ``equation`` and ``compare``: the right side's key templates (empty means 0).
        op: ``compare``: ``>=``, ``<=`` or ``==``.
        check: ``cell``: ``invalid``, ``blank`` or ``unread``.
        statements: ``narrative``: what to look for.
        scope: ``report`` (the default), ``series`` (the relation's templates start with
            ``prev.`` or ``this.``) or ``rollup``.
        threshold: ``text_reuse``: the share of this year's text (0 to 1) repeated from the
            previous year's above which the rule fires.
    """

    id: str
    kind: str
    severity: Severity = attrs.field(converter=Severity)
    title: Text
    message: Text
    basis: Literal["FORM", "IMPLIED", "HEUR"] = "IMPLIED"
    table: str | None = None
    variants: tuple[str, ...] = ()
    foreach: Mapping[str, str] = attrs.field(factory=dict)
    over: Mapping[str, str] = attrs.field(factory=dict)
    total: str | None = None
    items: tuple[str, ...] = ()
    lhs: tuple[str, ...] = ()
    rhs: tuple[str, ...] = ()
    op: Literal[">=", "<=", "=="] = "=="
    check: Literal["invalid", "blank", "unread"] | None = None
    statements: tuple[Statement, ...] = ()
    scope: Literal["report", "series", "rollup"] = "report"
    threshold: float | None = None

    def __attrs_post_init__(self) -> None:
        _validate(self)


def _fail(rule_id: str, key: str, problem: str) -> RuleError:
    return RuleError(f"rule {rule_id!r}: {key}: {problem}")


def _placeholders(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


_RELATIONS = ("sum", "equation", "compare")
_RELATION_KEYS = ("foreach", "over", "total", "items", "lhs", "rhs")


def _validate_kind_keys(rule: Rule) -> None:
    """Keys that a kind would silently ignore are refused, and relations must fit a form."""
    if rule.kind not in _RELATIONS:
        used = [key for key in _RELATION_KEYS if getattr(rule, key)]
        if used or rule.table is not None or rule.variants:
            extra = [
                *used,
                *(["table"] if rule.table else []),
                *(["variants"] if rule.variants else []),
            ]
            raise _fail(rule.id, ", ".join(extra), f"not used by a {rule.kind} rule")
        return
    if rule.table is None:
        raise _fail(rule.id, "table", f"a {rule.kind} rule needs the table it ranges over")
    if rule.op not in (">=", "<=", "=="):
        raise _fail(rule.id, "op", f"{rule.op!r} is not one of >=, <=, ==")
    unknown_variants = set(rule.variants) - set(forms())
    if unknown_variants:
        raise _fail(rule.id, "variants", f"no form {', '.join(sorted(unknown_variants))}")
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
        raise _fail(rule.id, "templates", "; ".join(problems) + hint)


_SCOPE_OF_KIND = {"text_reuse": "series", "rollup": "rollup"}


def _validate_scope(rule: Rule, templates: list[str]) -> None:
    """A kind runs in one scope; the templates of a series relation say which report they read."""
    if rule.scope not in SCOPES:
        raise _fail(rule.id, "scope", f"{rule.scope!r} is not one of {', '.join(SCOPES)}")
    needed = _SCOPE_OF_KIND.get(rule.kind)
    if needed is None and rule.kind not in _RELATIONS and rule.scope != "report":
        raise _fail(rule.id, "scope", f"a {rule.kind} rule checks one report (scope 'report')")
    if needed is not None and rule.scope != needed:
        raise _fail(rule.id, "scope", f"a {rule.kind} rule needs scope = {needed!r}")
    if rule.kind in _RELATIONS and rule.scope == "rollup":
        raise _fail(rule.id, "scope", "a relation runs on one report or on a series")
    if (rule.threshold is not None) != (rule.kind == "text_reuse"):
        raise _fail(rule.id, "threshold", "a text_reuse rule, and only it, needs a threshold")
    if rule.threshold is not None and not 0 < rule.threshold <= 1:
        raise _fail(rule.id, "threshold", f"{rule.threshold!r} is not a share in (0, 1]")
    if rule.scope != "series" or rule.kind not in _RELATIONS:
        return
    for template in templates:
        if not template.startswith(SERIES_PREFIXES):
            raise _fail(
                rule.id,
                "templates",
                f"{template!r}: a series relation names the report of each key: "
                "'prev.applications.…' or 'this.applications.…'",
            )
    if not any(template.startswith("prev.") for template in templates):
        raise _fail(rule.id, "templates", "a series relation needs a key of the previous year")


def _validate(rule: Rule) -> None:
    if not _ID.fullmatch(rule.id):
        raise _fail(rule.id, "id", "must be dot-separated lower-case words, like 'jiangsu.fees'")
    if rule.kind not in KINDS:
        raise _fail(rule.id, "kind", f"{rule.kind!r} is not one of {', '.join(KINDS)}")
    if rule.table is not None and rule.table not in TABLES:
        raise _fail(rule.id, "table", f"{rule.table!r} is not one of {', '.join(TABLES)}")
    for name, selectors in (("foreach", rule.foreach), ("over", rule.over)):
        for placeholder, selector in selectors.items():
            if not _SELECTOR.fullmatch(selector):
                raise _fail(
                    rule.id,
                    f"{name}.{placeholder}",
                    f"{selector!r} is not a selector such as 'rows' or 'columns[applicant]'",
                )
            if rule.table is None:
                raise _fail(rule.id, name, "selectors need a 'table'")
    bound = set(rule.foreach) | set(rule.over)
    templates = [t for t in (rule.total, *rule.items, *rule.lhs, *rule.rhs) if t]
    for template in templates:
        unknown = _placeholders(template) - bound
        if unknown:
            raise _fail(
                rule.id,
                "templates",
                f"{template!r} uses {', '.join(sorted(unknown))}, "
                "bound by neither foreach nor over",
            )
    _validate_scope(rule, templates)
    _validate_kind_keys(rule)
    if rule.kind == "sum" and (rule.total is None or not rule.items):
        raise _fail(rule.id, "total/items", "a sum rule needs a total and items")
    if rule.kind == "equation" and (not rule.lhs or not rule.rhs):
        raise _fail(rule.id, "lhs/rhs", "an equation rule needs both sides")
    if rule.kind == "compare" and not rule.lhs:
        raise _fail(rule.id, "lhs", "a compare rule needs a left side")
    if rule.kind == "cell" and rule.check is None:
        raise _fail(rule.id, "check", "a cell rule needs check = invalid, blank or unread")
    if rule.kind == "narrative":
        if not rule.statements:
            raise _fail(rule.id, "statements", "a narrative rule needs at least one statement")
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
                        raise _fail(rule.id, key, f"{pattern!r} is not valid: {exc}") from exc
                    if key == "patterns" and "n" not in compiled.groupindex:
                        raise _fail(rule.id, key, f"{pattern!r} has no group (?P<n>…)")


@runtime_checkable
class Check(Protocol):
    """A check written in Python: `FunctionRule`, or an object of your own with these members.

    (Declarative `Rule` objects are evaluated by the engine itself.)
    """

    @property
    def id(self) -> str:
        """The check's stable id."""
        ...

    @property
    def severity(self) -> Severity:
        """The severity of its findings."""
        ...

    def evaluate(self, report: Report) -> Iterable[Finding | NotCheckable]:
        """Check ``report``; yield findings and the relations that could not be checked."""
        ...


Outcome = Finding | NotCheckable


@attrs.frozen
class FunctionRule:
    """A check written as a Python function.

    The function receives the `Report` and yields `Finding` and `NotCheckable` objects. It is
    called once per report; it must not change anything.

    Attributes:
        id: Stable identifier.
        severity: The severity its findings should carry (it is the function's job to use it).
        title: One line saying what it checks.
        function: ``(report) -> Iterable[Finding | NotCheckable]``.
    """

    id: str
    severity: Severity
    title: Text
    function: Callable[[Report], Iterable[Outcome]]

    def evaluate(self, report: Report) -> Iterable[Outcome]:
        """Run the function on ``report``."""
        return self.function(report)


def _rule_converter() -> cattrs.Converter:
    converter = cattrs.Converter(forbid_extra_keys=True)
    converter.register_structure_hook(Severity, lambda value, _: Severity(value))
    return converter


@attrs.frozen
class _RuleFile:
    rules: tuple[Rule, ...]
    schema_version: int = 1


_RULE_HEADER = regex.compile(r"\s*\[\[\s*rules\s*\]\]")
_FAULT = regex.compile(
    r"rule '(?P<id>[^']*)': (?P<key>[a-z_./, ]+?): (?P<problem>.*)", regex.DOTALL
)
_CATTRS_AT = regex.compile(r"@ \$\.rules\[(?P<index>\d+)\](?:\.(?P<key>[a-z_]+))?")
_EXTRA = regex.compile(r"extra fields found \((?P<keys>[^)]*)\)")
_TEMPLATE_KEYS = ("total", "items", "lhs", "rhs")


def _rule_spans(lines: list[str]) -> list[tuple[int, int]]:
    """The line ranges (0-based, end exclusive) of the ``[[rules]]`` tables of a file."""
    starts = [number for number, line in enumerate(lines) if _RULE_HEADER.match(line)]
    return list(zip(starts, [*starts[1:], len(lines)], strict=True))


def _key_line(lines: list[str], span: tuple[int, int], keys: list[str], hint: str) -> int:
    """The 1-based line of the first of ``keys`` set in ``span``; its header line if none is."""
    start, end = span
    for key in keys:
        setting = regex.compile(rf"\s*{regex.escape(key)}\s*=")
        found = [n for n in range(start, end) if setting.match(lines[n])]
        if hint:
            # A multi-line value: the line holding the text the message quotes.
            for number in found:
                stop = next((n for n in found if n > number), end)
                for inner in range(number, stop):
                    if hint in lines[inner]:
                        return inner + 1
        if found:
            return found[0] + 1
    return start + 1


def _line_of_fault(text: str, message: str) -> int | None:
    """The line of a rule file that a `RuleError` or a cattrs error message points at."""
    lines = text.splitlines()
    spans = _rule_spans(lines)
    fault = _FAULT.search(message)
    if fault is not None:
        wanted = regex.compile(rf"\s*id\s*=\s*[\"']{regex.escape(fault['id'])}[\"']")
        span = next((sp for sp in spans if any(wanted.match(lines[n]) for n in range(*sp))), None)
        if span is None:
            return None
        keys = [part.split(".")[0] for part in regex.split(r"[,/] ?", fault["key"].strip())]
        if keys == ["templates"]:
            keys = list(_TEMPLATE_KEYS)
        quoted = regex.match(r"'([^']*)'", fault["problem"])
        return _key_line(lines, span, keys, quoted[1] if quoted else "")
    located = _CATTRS_AT.search(message)
    if located is None or int(located["index"]) >= len(spans):
        return None
    span = spans[int(located["index"])]
    extra = _EXTRA.search(message)
    if extra is not None:
        keys = [key.strip() for key in extra["keys"].split(",")]
    else:
        keys = [located["key"]] if located["key"] else []
    return _key_line(lines, span, keys, "")


def _at(source: str, text: str, message: str) -> str:
    line = _line_of_fault(text, message)
    return f"{source}:{line}" if line is not None else source


def _load_toml(text: str, source: str) -> tuple[Rule, ...]:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(f"{source}: not valid TOML: {exc}") from exc
    try:
        loaded = _rule_converter().structure(raw, _RuleFile)
    except RuleError as exc:
        raise RuleError(f"{_at(source, text, str(exc))}: {exc}") from exc
    except (ClassValidationError, ValueError) as exc:
        if isinstance(exc, ClassValidationError):
            for inner in exc.exceptions:
                found = _first_rule_error(inner)
                if found is not None:
                    raise RuleError(f"{_at(source, text, str(found))}: {found}") from exc
            messages = cattrs.transform_error(exc)
            detail = "; ".join(messages)
            where = _at(source, text, messages[0]) if messages else source
        else:
            detail = str(exc)
            where = source
        raise RuleError(f"{where}: not a valid rule file: {detail}") from exc
    if loaded.schema_version != 1:
        raise RuleError(f"{source}: schema_version {loaded.schema_version} is not supported (1 is)")
    return loaded.rules


def _first_rule_error(exc: BaseException) -> RuleError | None:
    if isinstance(exc, RuleError):
        return exc
    for inner in getattr(exc, "exceptions", ()):
        found = _first_rule_error(inner)
        if found is not None:
            return found
    return None


class RuleSet:
    """An ordered, immutable collection of checks with unique ids.

    `RuleSet.default` is what `gkbg.check` uses: the built-in rules and those installed through
    the ``gkbg.rules`` entry points. Build others with `with_rules`, `without` and `from_toml`.
    """

    __slots__ = ("_checks",)

    def __init__(self, checks: Iterable[Rule | FunctionRule | Check] = ()) -> None:
        """Collect ``checks``.

        Raises:
            RuleError: Two checks share an id.
        """
        collected: dict[str, Rule | FunctionRule | Check] = {}
        for check in checks:
            if check.id in collected:
                raise RuleError(f"rule {check.id!r}: defined twice")
            collected[check.id] = check
        self._checks = tuple(collected.values())

    def __iter__(self) -> Iterator[Rule | FunctionRule | Check]:
        return iter(self._checks)

    def __len__(self) -> int:
        return len(self._checks)

    def __contains__(self, rule_id: object) -> bool:
        return any(check.id == rule_id for check in self._checks)

    def __repr__(self) -> str:
        return f"RuleSet({[check.id for check in self._checks]!r})"

    @property
    def ids(self) -> tuple[str, ...]:
        """The ids of the checks, in order."""
        return tuple(check.id for check in self._checks)

    def get(self, rule_id: str) -> Rule | FunctionRule | Check:
        """One check by id.

        Raises:
            KeyError: No check has that id.
        """
        for check in self._checks:
            if check.id == rule_id:
                return check
        raise KeyError(f"no rule {rule_id!r}")

    def with_rules(self, *checks: Rule | FunctionRule | Check) -> RuleSet:
        """A new set with ``checks`` added at the end."""
        return RuleSet((*self._checks, *checks))

    def without(self, *rule_ids: str) -> RuleSet:
        """A new set without the checks named."""
        unknown = set(rule_ids) - set(self.ids)
        if unknown:
            raise KeyError(f"no rule {', '.join(sorted(unknown))}")
        return RuleSet(check for check in self._checks if check.id not in rule_ids)

    @classmethod
    def from_toml(cls, source: str | Path) -> RuleSet:
        """Rules from a TOML file (a `~pathlib.Path`) or TOML text (a `str`).

        The file holds ``[[rules]]`` tables with the keys documented on the checks page.

        Raises:
            RuleError: The file is not valid TOML, or a rule is not valid; the message names the
                file, the rule and the key at fault.
        """
        if isinstance(source, Path):
            try:
                text = source.read_text(encoding="utf-8")
            except OSError as exc:
                raise RuleError(f"{source}: cannot be read ({exc.strerror or exc})") from exc
            return cls(_load_toml(text, str(source)))
        return cls(_load_toml(source, "<rules>"))

    @classmethod
    def builtin(cls) -> RuleSet:
        """The checks shipped with gkbg, without any plugin."""
        return _builtin()

    @classmethod
    def default(cls) -> RuleSet:
        """The built-in checks followed by those of the ``gkbg.rules`` entry points."""
        return _default()


@functools.cache
def _builtin() -> RuleSet:
    text = (resources.files("gkbg") / "rules" / "default.toml").read_text(encoding="utf-8")
    return RuleSet(_load_toml(text, "gkbg/rules/default.toml"))


@functools.cache
def _default() -> RuleSet:
    extra, _broken = load_plugins(ENTRY_POINT_GROUP, _from_entry_point)
    return _builtin().with_rules(*extra)


def _from_entry_point(loaded: object) -> list[Rule | FunctionRule | Check]:
    if callable(loaded) and not isinstance(loaded, (Rule, FunctionRule, RuleSet)):
        loaded = loaded()
    if isinstance(loaded, (Rule, FunctionRule)):
        return [loaded]
    checks: list[Rule | FunctionRule | Check] = []
    for item in list(loaded) if isinstance(loaded, Iterable) else [loaded]:
        if not isinstance(item, (Rule, FunctionRule, Check)):
            raise RuleError(f"it gives {item!r}, which is not a gkbg check")
        checks.append(item)
    return checks
