# SPDX-License-Identifier: MIT
"""Checks as data: `Rule`, rule files, and `RuleSet`.

The built-in checks live in ``gkbg/rules/default.toml``. A user's own checks are either rules of
the same kinds (written in Python or TOML) or `FunctionRule` objects wrapping a Python function.
Other packages ship checks through the ``gkbg.rules`` entry-point group.
"""

from __future__ import annotations

import functools
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping
from importlib import resources
from pathlib import Path
from typing import Generic, Literal, Protocol, TypeVar, runtime_checkable

import attrs
import cattrs
import regex
from cattrs.errors import ClassValidationError

from gkbg.checks.findings import Finding, NotCheckable, Severity
from gkbg.checks.kinds import KIND_TABLE, validate
from gkbg.core.compat import tomllib
from gkbg.core.errors import RuleError
from gkbg.core.lang import Text  # noqa: TC001 - resolved at run time by cattrs
from gkbg.core.model import Report
from gkbg.core.plugins import load_plugins
from gkbg.core.statements import Statement

__all__ = [
    "ENTRY_POINT_GROUP",
    "KINDS",
    "BaseFunctionRule",
    "Check",
    "FunctionRule",
    "Rule",
    "RuleSet",
    "Statement",
]

ENTRY_POINT_GROUP = "gkbg.rules"
"""The entry-point group other packages use to ship checks."""

KINDS: tuple[str, ...] = tuple(KIND_TABLE)
"""The kinds of declarative rule the engine evaluates (`gkbg.checks.kinds`)."""


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
        validate(self)


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
_Function = TypeVar("_Function", bound=Callable[..., Iterable[Outcome]])


@attrs.frozen
class BaseFunctionRule(Generic[_Function]):
    """A check written as a Python function: the shape its three classes share.

    `FunctionRule` (one report, `gkbg.check`), `gkbg.SeriesFunctionRule` (a report and the
    report of the year before, `gkbg.check_series`) and `gkbg.RollupFunctionRule` (a summary
    report and its units', `gkbg.check_rollup`) say what the function is given and which
    function calls it; with the others it finds nothing. An entry point of the ``gkbg.rules``
    group may give any of them.

    Attributes:
        id: Stable identifier.
        severity: The severity its findings should carry (it is the function's job to use it).
        title: One line saying what it checks.
        function: What checks the reports; it yields `Finding` and `NotCheckable` objects.
    """

    id: str
    severity: Severity
    title: Text
    function: _Function

    def evaluate(self, report: Report) -> Iterable[Outcome]:  # noqa: ARG002 - one report
        """Nothing: a check across reports has no finding about one report alone."""
        return ()


@attrs.frozen
class FunctionRule(BaseFunctionRule[Callable[[Report], Iterable[Outcome]]]):
    """A check written as a Python function.

    The function receives the `Report` and yields `Finding` and `NotCheckable` objects. It is
    called once per report; it must not change anything.

    Attributes:
        id: Stable identifier.
        severity: The severity its findings should carry (it is the function's job to use it).
        title: One line saying what it checks.
        function: ``(report) -> Iterable[Finding | NotCheckable]``.
    """

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
    return list(zip(starts, [*starts[1:], len(lines)][: len(starts)], strict=True))


# What cattrs says of a rule file, said in words: "<problem> @ $.rules[0].op".
_CATTRS_MESSAGE = regex.compile(
    r"^(?P<problem>.*) @ \$(?:\.(?P<top>[a-z_]+))?(?:\[(?P<index>\d+)\])?(?:\.(?P<key>[a-z_]+))?$",
    regex.DOTALL,
)
_NOT_IN_LITERAL = regex.compile(
    r"^unknown error \((?P<value>.*) not in literal typing\.Literal\[(?P<allowed>.*)\]\)$",
    regex.DOTALL,
)
_EXPECTED = regex.compile(r"^invalid value for type, expected (?P<type>.+)$")
_UNKNOWN = regex.compile(r"^unknown error \((?P<detail>.*)\)$", regex.DOTALL)
_TYPE_WORDS = {
    "str": "text in quotes",
    "int": "a whole number",
    "float": "a number",
    "float | None": "a number",
    "Severity": "one of " + ", ".join(f'"{s.value}"' for s in Severity),
    "Rule": "a [[rules]] table",
    "Text": 'a table of both languages: { zh = "…", en = "…" }',
}
_TOP_KEYS = ("rules", "schema_version")


def _rule_keys() -> str:
    return ", ".join(field.name for field in attrs.fields(Rule))


def _said(message: str, raw: object) -> tuple[str, str]:
    """A cattrs message about a rule file in words: the rule, what is wrong, what is allowed.

    Returns the rule (or ``the file``) and what is wrong with it.
    """
    found = _CATTRS_MESSAGE.match(message)
    if found is None:
        return "the file", message
    problem, index = found["problem"], found["index"]
    key = found["key"] if index is not None else found["top"]
    rules = raw.get("rules") if isinstance(raw, dict) else None
    rule: object = None
    if index is not None and isinstance(rules, list) and int(index) < len(rules):
        rule = rules[int(index)]
    rule_id = rule.get("id") if isinstance(rule, dict) else None
    if index is None:
        where, needs, keys = "the file", "a rule file needs it", ", ".join(_TOP_KEYS)
    else:
        named = f"{rule_id!r}" if isinstance(rule_id, str) else f"number {int(index) + 1}"
        where, needs, keys = f"rule {named}", "every rule needs it", _rule_keys()
    if problem == "required field missing":
        return where, f"the key {key} is missing; {needs}"
    extra = _EXTRA.fullmatch(problem)
    if extra is not None:
        return where, f"unknown key {extra['keys']}; the keys allowed are {keys}"
    literal = _NOT_IN_LITERAL.match(problem)
    if literal is not None:
        return where, (
            f"{key} = '{literal['value']}' is not allowed; {key} is one of {literal['allowed']}"
        )
    subject = f"{key}" if key else "it"
    expected = _EXPECTED.match(problem)
    if expected is not None:
        words = _TYPE_WORDS.get(expected["type"], f"of the type {expected['type']}")
        value = rule.get(key) if isinstance(rule, dict) and key else None
        given = f", not {value!r}" if value is not None else ""
        return where, f"{subject} must be {words}{given}"
    unknown = _UNKNOWN.match(problem)
    if unknown is not None and key in {"title", "message"}:
        return where, f"{subject} must be {_TYPE_WORDS['Text']}"
    detail = unknown["detail"] if unknown is not None else problem
    return where, f"{subject} is not valid: {detail}"


def _rule_file_text(data: bytes, source: str) -> str:
    """A rule file's bytes as text: UTF-8 (with or without a BOM), and not empty.

    Raises:
        RuleError: The file is empty, or not UTF-8.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RuleError(
            f"{source}: not UTF-8 text (byte {exc.start:,} is not UTF-8); a rule file is "
            "saved as UTF-8"
        ) from None
    if not text.strip():
        raise RuleError(f"{source}: the rule file is empty; it holds [[rules]] tables")
    return text


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
    if not text.strip():
        raise RuleError(f"{source}: the rule file is empty; it holds [[rules]] tables")
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(f"{source}: not valid TOML: {exc}") from exc
    except RecursionError:
        raise RuleError(
            f"{source}: not a valid rule file: arrays or tables nested too deeply to be read"
        ) from None
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
            detail = "; ".join(_in_words(text, m, raw) for m in messages)
            where = _at(source, text, messages[0]) if messages else source
        else:
            detail = str(exc)
            where = source
        raise RuleError(f"{where}: not a valid rule file: {detail}") from exc
    if loaded.schema_version != 1:
        raise RuleError(f"{source}: schema_version {loaded.schema_version} is not supported (1 is)")
    return loaded.rules


def _in_words(text: str, message: str, raw: object) -> str:
    """A cattrs message in words (`_said`), with the line of the file it points at if known."""
    where, what = _said(message, raw)
    line = _line_of_fault(text, message)
    return f"{where} (line {line}): {what}" if line is not None else f"{where}: {what}"


def _first_rule_error(exc: BaseException) -> RuleError | None:
    if isinstance(exc, RuleError):
        return exc
    for inner in getattr(exc, "exceptions", ()):
        found = _first_rule_error(inner)
        if found is not None:
            return found
    return None


_MAX_RULE_FILE = 16 * 1024 * 1024


def _read_rule_file(path: Path) -> bytes:
    """A rule file's bytes: a regular file only (never a blocking read), within 16 MB.

    Raises:
        RuleError: The file cannot be read, is not a regular file, or is too large.
    """
    try:
        mode = path.stat().st_mode
        if not stat.S_ISREG(mode):
            what = "a folder" if stat.S_ISDIR(mode) else "not a regular file"
            raise RuleError(f"{path}: cannot be read as a rule file ({what})")
        with path.open("rb") as stream:
            data = stream.read(_MAX_RULE_FILE + 1)
    except OSError as exc:
        raise RuleError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if len(data) > _MAX_RULE_FILE:
        raise RuleError(f"{path}: a rule file of more than 16 MB is refused")
    return data


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
            RuleError: The file cannot be read, is empty, is not UTF-8, is not valid TOML (or
                is nested too deeply), or a rule is not valid; the message names the file, the
                line, the rule and the key at fault, and what is allowed.
        """
        if isinstance(source, Path):
            return cls(
                _load_toml(_rule_file_text(_read_rule_file(source), str(source)), str(source))
            )
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
    if callable(loaded) and not isinstance(loaded, (Rule, BaseFunctionRule, RuleSet)):
        loaded = loaded()
    if isinstance(loaded, (Rule, BaseFunctionRule)):
        return [loaded]
    checks: list[Rule | FunctionRule | Check] = []
    for item in list(loaded) if isinstance(loaded, Iterable) else [loaded]:
        if not isinstance(item, (Rule, FunctionRule, Check)):
            raise RuleError(f"it gives {item!r}, which is not a gkbg check")
        checks.append(item)
    return checks
