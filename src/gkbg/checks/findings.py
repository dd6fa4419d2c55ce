# SPDX-License-Identifier: MIT
"""What the checks return: findings, and the relations that could not be checked."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Any, cast, overload

import attrs

from gkbg.core.lang import Text  # noqa: TC001 - resolved at run time by cattrs
from gkbg.core.model import Value  # noqa: TC001 - resolved at run time by cattrs
from gkbg.core.views import VIEWS

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

__all__ = [
    "Advice",
    "Change",
    "CheckResult",
    "Finding",
    "Fix",
    "NotCheckable",
    "Severity",
    "deferred",
]


class Severity(str, enum.Enum):
    """How serious a finding is: an ``error`` breaks a relation; a ``warning`` deserves a look."""

    ERROR = "error"
    WARNING = "warning"


class _Deferred:
    """A message not yet written: its template and the fields to fill it with (`deferred`)."""

    __slots__ = ("fields", "template")

    def __init__(self, template: Text, fields: Mapping[str, object]) -> None:
        self.template = template
        self.fields = fields


def deferred(template: Text, fields: Mapping[str, object]) -> Text:
    """``template.fill(fields)``, filled only when the `Finding` given it is asked its message.

    Only for `Finding`'s ``message`` (the evaluators' findings): a check that finds much
    (every cell of a blank form) writes no sentence that nobody reads, or that the engine drops.
    ``fields`` must not change afterwards.
    """
    return cast("Text", _Deferred(template, fields))


class _MessageField:
    """`Finding.message`: a `Text`, or a `deferred` one filled when first read (and kept).

    It stands in for the slot attrs makes for the field: the field stays declared (cattrs,
    `attrs.evolve`, equality, pickling and the JSON all read the filled `Text`).
    """

    def __init__(self, slot: Any) -> None:  # noqa: ANN401 - the slot's member descriptor
        self.slot = slot

    def __set__(self, finding: Finding, message: Text) -> None:
        self.slot.__set__(finding, message)

    @overload
    def __get__(self, finding: None, owner: type[Finding]) -> _MessageField: ...
    @overload
    def __get__(self, finding: Finding, owner: type[Finding]) -> Text: ...
    def __get__(self, finding: Finding | None, owner: type[Finding]) -> _MessageField | Text:
        if finding is None:
            return self
        message = self.slot.__get__(finding, owner)
        if message.__class__ is _Deferred:
            message = message.template.fill(message.fields)
            self.slot.__set__(finding, message)  # (the same message, now written)
        return cast("Text", message)


@attrs.frozen
class Finding:
    """One thing a check found wrong with a report.

    Attributes:
        rule: The check's stable id (``applications.results_total``).
        severity: ``error`` or ``warning``.
        message: What is wrong, in Chinese and English.
        cells: The cell keys involved; for a sum, the total first.
        expected: The value the relation calls for: for a sum, the sum of the parts; for an
            equation, the left side; for a comparison, the bound on the right; for a statement
            in the text, the table's value. None when the check has no number to give.
        actual: What the report printed against it: the total, the right side, the left side,
            the number stated in the text. ``difference`` is ``actual - expected``.
        quote: For a check of the text, the sentence it read.
        reports: For a check across reports, the reports compared (their `Report.source`, or
            agency and year): the previous year's and this year's for a series (the cell keys
            then start with ``prev.`` and ``this.``), the summary report and then its units'
            for a roll-up. Empty for a check of one report.
        every_reading: True for a relation whose cells are unread, found failing in every
            reading the printed characters of those cells allow (digits run together in
            crawled text, ``gkbg.checks.certain``): the report has this error whatever its
            digits mean, but which cell is wrong cannot be told. ``expected`` and ``actual``
            are then None.
    """

    rule: str
    severity: Severity
    message: Text
    cells: tuple[str, ...] = ()
    expected: Value | None = None
    actual: Value | None = None
    quote: str | None = None
    reports: tuple[str, ...] = ()
    every_reading: bool = False

    @property
    def difference(self) -> Value | None:
        """``actual - expected`` when both are numbers."""
        if self.expected is None or self.actual is None:
            return None
        return self.actual - self.expected


setattr(Finding, "message", _MessageField(Finding.__dict__["message"]))  # noqa: B010 - attrs' slot


@attrs.frozen
class NotCheckable:
    """A relation that could not be evaluated because a cell it needs holds no number.

    Attributes:
        rule: The check's id.
        cells: Every cell the relation involves.
        missing: The ones that hold no number (blank, placeholder, invalid or unread).
    """

    rule: str
    cells: tuple[str, ...]
    missing: tuple[str, ...]


@attrs.frozen
class Change:
    """One cell of a `Fix`: the number it prints, and the one that would make the relations hold.

    Attributes:
        cell: The cell's key.
        label: The cell's official labels, its row's and its column's (``（七）总计/自然人``).
        printed: The number the report prints.
        value: The number that, with the fix's other changes, would make every relation hold.
    """

    cell: str
    label: str
    printed: Value
    value: Value


@attrs.frozen
class Fix:
    """Other numbers for a few cells under which every relation of the report would hold.

    Advice only: the report keeps its printed numbers.

    Attributes:
        changes: The cells to change, in the form's order, with their numbers.
        message: ``if （七）总计/自然人 were 127, every relation would hold``, in Chinese and
            English.
    """

    changes: tuple[Change, ...]
    message: Text

    @property
    def cells(self) -> tuple[str, ...]:
        """The changed cells' keys."""
        return tuple(change.cell for change in self.changes)


@attrs.frozen
class Advice:
    """The likely culprit of a report whose relations fail: the fewest cells to change.

    Made by `gkbg.check`, which attaches it to its result when a relation fails.

    Attributes:
        fixes: Every fix of the fewest cells found (each changes as many cells), the likelier
            first: those changing more cells read with doubt, then more totals of a sum, then
            in the form's order; empty when no fix of up to ``limit`` cells exists.
        limit: The most cells a fix was searched with.
        message: What to change, in Chinese and English: the fix, or how many fixes there are
            and the first few, or that there is none of up to ``limit`` cells.
    """

    fixes: tuple[Fix, ...]
    limit: int
    message: Text

    @property
    def size(self) -> int | None:
        """How many cells each fix changes; None when there is no fix."""
        return len(self.fixes[0].changes) if self.fixes else None


@attrs.frozen(repr=False)
class CheckResult:
    """The outcome of checking one report: what is wrong, and what could not be checked.

    Iterating over a result yields its findings.

    Attributes:
        findings: Every finding, errors first, in the order of the checks.
        not_checkable: Relations skipped because a cell they need is missing.
        source: The report's source, for display.
        advice: When a relation fails, the fewest cells whose other numbers would make every
            relation hold (`Advice`); None when every relation holds, and for the results of
            `gkbg.check_series` and `gkbg.check_rollup`.
    """

    findings: tuple[Finding, ...] = ()
    not_checkable: tuple[NotCheckable, ...] = ()
    source: str | None = None
    advice: Advice | None = None

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.findings)

    def __len__(self) -> int:
        return len(self.findings)

    def __repr__(self) -> str:
        """``<CheckResult a.pdf: 2 errors, 1 warning, 3 not checkable, advice>``: short."""
        parts = [
            f"{len(self.errors)} error{'' if len(self.errors) == 1 else 's'}",
            f"{len(self.warnings)} warning{'' if len(self.warnings) == 1 else 's'}",
        ]
        if self.not_checkable:
            parts.append(f"{len(self.not_checkable)} not checkable")
        if self.advice is not None:
            parts.append("advice")
        source = f" {self.source}:" if self.source else ""
        return f"<{type(self).__name__}{source} {', '.join(parts)}>"

    def __str__(self) -> str:
        """The findings as ``gkbg check`` prints them, in the locale's language (``print(result)``).

        `gkbg.result_text` gives them in a chosen language.
        """
        return VIEWS.result_text(self)

    @property
    def errors(self) -> tuple[Finding, ...]:
        """The findings of severity ``error``."""
        return tuple(f for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        """The findings of severity ``warning``."""
        return tuple(f for f in self.findings if f.severity is Severity.WARNING)

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings allowed)."""
        return not self.errors

    def by_rule(self, rule: str) -> tuple[Finding, ...]:
        """The findings of one check."""
        return tuple(f for f in self.findings if f.rule == rule)

    def to_pandas(self) -> Any:  # noqa: ANN401 - a pandas.DataFrame
        """The findings as a pandas DataFrame (``gkbg[pandas]``); see `gkbg.findings_frame`."""
        return VIEWS.findings_frame(self)

    def _repr_html_(self) -> str:
        """The findings as an HTML table (for Jupyter)."""
        return VIEWS.result_html(self)
