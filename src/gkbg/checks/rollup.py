# SPDX-License-Identifier: MIT
"""A region's summary report against the sum of its units' reports: `check_rollup`.

Regions publish a summary report (a county's 汇总 report) that should agree with the reports of
the units it covers. Coverage differs in practice (a unit without a report, a department that
reports to two levels), so a difference is a warning, never an error.

Every cell of the summary report is compared with the sum of the same cell in every unit's
report. A cell is compared only when the summary report and *every* unit print a number for
it: a cell blank, unread or absent (a table in another form, a table not found) in any unit is
not summed as 0 but reported as not checkable.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import attrs

from gkbg.checks.findings import CheckResult, Finding, NotCheckable
from gkbg.checks.kinds import KIND_TABLE
from gkbg.checks.rules import BaseFunctionRule, Rule, RuleSet
from gkbg.checks.series import named, report_name
from gkbg.core.errors import SeriesError
from gkbg.core.model import Report

__all__ = ["RollupFunctionRule", "check_rollup"]

Outcome = Finding | NotCheckable


@attrs.frozen
class RollupFunctionRule(
    BaseFunctionRule[Callable[[Report, tuple[Report, ...]], Iterable[Outcome]]]
):
    """A check of a summary report against its units' reports, written as a Python function.

    `gkbg.check_rollup` calls the function once, as ``function(summary, units)`` (``units`` a
    tuple of reports); it yields `Finding` and `NotCheckable` objects. A finding that names no
    reports (`Finding.reports`) is given the summary report's and the units'. It goes into a
    `RuleSet` like any check; `gkbg.check`, which sees one report at a time, finds nothing
    with it.

    Attributes:
        id: Stable identifier.
        severity: The severity its findings should carry (it is the function's job to use it).
        title: One line saying what it checks.
        function: ``(summary, units) -> Iterable[Finding | NotCheckable]``.
    """


def check_rollup(
    parent: Report, children: Iterable[Report], rules: RuleSet | None = None
) -> CheckResult:
    """Compare a summary report with the sum of its units' reports.

    Args:
        parent: The region's summary report.
        children: The reports of the units it covers.
        rules: The checks; by default `RuleSet.default()`. Only the rules of scope ``rollup``
            and the `RollupFunctionRule` checks are run here.

    Returns:
        A warning for every cell whose summary differs from the units' sum (`Finding.reports`
        names the summary report first, then the units), and every cell not compared because
        the summary or a unit has no number for it.

    Raises:
        SeriesError: No unit's report was given.
    """
    rules = RuleSet.default() if rules is None else rules
    units = tuple(children)
    if not units:
        raise SeriesError(f"{report_name(parent)}: a roll-up needs the reports of its units")
    findings: list[Finding] = []
    skipped: list[NotCheckable] = []
    names = (report_name(parent), *(report_name(unit) for unit in units))
    for rule in rules:
        if isinstance(rule, RollupFunctionRule):
            outcomes: Iterable[Outcome] = rule.function(parent, units)
        elif isinstance(rule, Rule) and rule.scope == "rollup":
            evaluate = KIND_TABLE[rule.kind].rollup
            if evaluate is None:
                continue  # not a kind of this scope: a rule of it is refused when made
            outcomes = evaluate(rule, parent, units)
        else:
            continue
        for outcome in named(outcomes, names):
            if isinstance(outcome, Finding):
                findings.append(outcome)
            else:
                skipped.append(outcome)
    return CheckResult(tuple(findings), tuple(skipped), parent.source)
