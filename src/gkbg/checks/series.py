# SPDX-License-Identifier: MIT
"""Checks across the years of one agency: `check_series`.

A series is one agency's reports of several years. They are put in order of `Report.year`;
each report is compared with the report of the year before it. The relations are the rules of
scope ``series`` (``rules/default.toml``): ``sum``, ``equation`` and ``compare`` rules whose key
templates name the previous year's report (``prev.``) or this year's (``this.``), evaluated by
the same engine as the single-report relations; and the ``text_reuse`` rule.

- A report without a year cannot be placed: `SeriesError`.
- Two reports of the same year: `SeriesError` (which one is right is for the user to say).
- Reports of different agencies: `SeriesError`. Agencies are the same when their names are
  equal, or one ends with the other (洪泽区人民政府 and 淮安市洪泽区人民政府); a report that
  names no agency is taken to belong to the series.
- A year missing from the series (2021, 2023): nothing is compared across the gap; the missing
  years are listed in `SeriesResult.gaps`.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import attrs
import regex

from gkbg.checks.context import Context, Pair
from gkbg.checks.findings import CheckResult, Finding, NotCheckable, Severity
from gkbg.checks.kinds import KIND_TABLE
from gkbg.checks.reuse import text_reuse
from gkbg.checks.rules import BaseFunctionRule, Rule, RuleSet
from gkbg.core.errors import SeriesError
from gkbg.core.model import Cell, Report, Table
from gkbg.core.text import nfkc

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

__all__ = [
    "SeriesFunctionRule",
    "SeriesResult",
    "check_series",
    "named",
    "report_name",
    "text_reuse",
]

Outcome = Finding | NotCheckable

_SPACE = regex.compile(r"\s+")


@attrs.frozen(repr=False)
class SeriesResult(CheckResult):
    """The outcome of checking a series: findings across years, and what was not compared.

    Attributes:
        years: The years of the reports, in order.
        gaps: The years between the first and the last with no report: nothing is compared
            across them.
        reports: The reports' names (the file name, else the agency and year), in the
            order of ``years``.
    """

    years: tuple[int, ...] = ()
    gaps: tuple[int, ...] = ()
    reports: tuple[str, ...] = ()


def report_name(report: Report) -> str:
    """How findings name a report: its source, or its agency and year."""
    if report.source is not None:
        return report.source
    return f"{report.agency or '?'} {report.year if report.year is not None else '?'}"


def _agency(report: Report) -> str | None:
    return _SPACE.sub("", nfkc(report.agency)) if report.agency else None


def _same_agency(one: str, other: str) -> bool:
    return one.endswith(other) or other.endswith(one)


def _ordered(reports: Iterable[Report]) -> list[Report]:
    collected = list(reports)
    for report in collected:
        if report.year is None:
            raise SeriesError(
                f"{report_name(report)}: the report names no year, so it has no place in a series"
            )
    named = [(report, name) for report in collected if (name := _agency(report)) is not None]
    for report, name in named:
        first, first_name = named[0]
        if not _same_agency(name, first_name):
            raise SeriesError(
                f"{report_name(report)} is a report of {report.agency}, "
                f"{report_name(first)} of {first.agency}: a series is one agency's reports"
            )
    by_year: dict[int, Report] = {}
    for report in collected:
        assert report.year is not None  # noqa: S101 - checked above
        if report.year in by_year:
            raise SeriesError(
                f"{report_name(by_year[report.year])} and {report_name(report)} are both "
                f"reports for {report.year}: keep one of them in the series"
            )
        by_year[report.year] = report
    return [by_year[year] for year in sorted(by_year)]


def _prefixed(table: Table, prefix: str) -> tuple[Cell, ...]:
    return tuple(attrs.evolve(cell, key=f"{prefix}{cell.key}") for cell in table.cells)


def pair_report(previous: Report, current: Report) -> Report:
    """One report holding both years' cells, keyed ``prev.…`` and ``this.…``.

    Each table has this year's form; the series relations are evaluated on it by the engine.
    """
    tables = tuple(
        Table(
            table.key,
            table.variant,
            (*_prefixed(table, "this."), *_prefixed(previous.table(table.key), "prev.")),
        )
        for table in current.tables
    )
    return attrs.evolve(current, tables=tables, text="")


def _compare(rules: RuleSet, previous: Report, current: Report) -> Iterator[Outcome]:
    pair = Pair(previous, current, Context(pair_report(previous, current)))
    names = (report_name(previous), report_name(current))
    fields = {
        "prev_year": previous.year,
        "this_year": current.year,
        "prev_report": names[0],
        "this_report": names[1],
    }
    for rule in rules:
        if isinstance(rule, SeriesFunctionRule):
            yield from named(rule.function(previous, current), names)
            continue
        if not isinstance(rule, Rule) or rule.scope != "series":
            continue
        evaluate = KIND_TABLE[rule.kind].series
        if evaluate is None:
            continue  # not a kind of this scope: a rule of it is refused when made
        for outcome in evaluate(rule, pair):
            if isinstance(outcome, Finding):
                yield attrs.evolve(outcome, message=outcome.message.fill(fields), reports=names)
            else:
                yield outcome


def named(outcomes: Iterable[Outcome], names: tuple[str, ...]) -> Iterator[Outcome]:
    """``outcomes``, each finding that names no reports given ``names``."""
    for outcome in outcomes:
        if isinstance(outcome, Finding) and not outcome.reports:
            yield attrs.evolve(outcome, reports=names)
        else:
            yield outcome


@attrs.frozen
class SeriesFunctionRule(BaseFunctionRule[Callable[[Report, Report], Iterable[Outcome]]]):
    """A check across two years of one agency, written as a Python function.

    `gkbg.check_series` calls the function once for every report and the report of the year
    before it, as ``function(previous, current)``; it yields `Finding` and `NotCheckable`
    objects. A finding that names no reports (`Finding.reports`) is given the two. It goes into
    a `RuleSet` like any check; `gkbg.check`, which sees one report at a time, finds nothing
    with it.

    Attributes:
        id: Stable identifier.
        severity: The severity its findings should carry (it is the function's job to use it).
        title: One line saying what it checks.
        function: ``(previous, current) -> Iterable[Finding | NotCheckable]``.
    """


def _gaps(years: Sequence[int]) -> tuple[int, ...]:
    return tuple(
        year for before, after in itertools.pairwise(years) for year in range(before + 1, after)
    )


def check_series(reports: Iterable[Report], rules: RuleSet | None = None) -> SeriesResult:
    """Check one agency's reports of several years against each other.

    Args:
        reports: The reports, in any order (`gkbg.parse` results).
        rules: The checks; by default `RuleSet.default()`. Only the rules of scope ``series``
            and the `SeriesFunctionRule` checks are run here (`gkbg.check` runs those of scope
            ``report`` and the `FunctionRule` checks).

    Returns:
        The findings, errors first, each naming the two reports (`Finding.reports`) and the
        cells (``prev.…`` and ``this.…``); the relations that could not be checked; the years,
        and the years missing between them.

    Raises:
        SeriesError: A report names no year, two reports are of the same year, or the reports
            are of different agencies.
    """
    rules = RuleSet.default() if rules is None else rules
    ordered = _ordered(reports)
    findings: list[Finding] = []
    skipped: list[NotCheckable] = []
    for previous, current in itertools.pairwise(ordered):
        assert previous.year is not None  # noqa: S101 - _ordered refuses reports without a year
        if current.year != previous.year + 1:
            continue
        for outcome in _compare(rules, previous, current):
            if isinstance(outcome, Finding):
                findings.append(outcome)
            else:
                skipped.append(outcome)
    findings.sort(key=lambda f: f.severity is not Severity.ERROR)
    years = tuple(report.year for report in ordered if report.year is not None)
    return SeriesResult(
        tuple(findings),
        tuple(skipped),
        ordered[-1].agency if ordered else None,
        years=years,
        gaps=_gaps(years),
        reports=tuple(report_name(report) for report in ordered),
    )
