# SPDX-License-Identifier: MIT
"""The engine: `check`, which runs a rule set's checks of one report.

A declarative rule is run by the evaluator its kind has for scope ``report``
(`gkbg.checks.kinds`); a check written in Python by its ``evaluate`` method. Relations are
evaluated only on printed numbers: a relation one of whose cells is blank, a placeholder,
invalid or unread is reported as `NotCheckable`, never as a failure. When a relation fails, the
result carries the fewest cells whose other numbers would make every relation hold
(`gkbg.checks.advice`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gkbg.checks.advice import advise
from gkbg.checks.context import Context
from gkbg.checks.findings import CheckResult, Finding, NotCheckable, Severity
from gkbg.checks.kinds import KIND_TABLE
from gkbg.checks.rules import Rule, RuleSet
from gkbg.checks.unfilled import covered

if TYPE_CHECKING:
    from collections.abc import Iterable

    from gkbg.core.model import Report

__all__ = ["check"]

Outcome = Finding | NotCheckable


def check(report: Report, rules: RuleSet | None = None) -> CheckResult:
    """Run the checks on a report.

    Args:
        report: What `gkbg.parse` returned (or a report built by hand).
        rules: The checks to run; by default `RuleSet.default()`: the built-in checks and
            those installed through the ``gkbg.rules`` entry points.

    Returns:
        The findings, errors first, the relations that could not be checked, and, when a
        relation fails, the advice: the fewest cells to change (`CheckResult.advice`).
    """
    rules = RuleSet.default() if rules is None else rules
    context = Context(report)
    findings: list[Finding] = []
    skipped: list[NotCheckable] = []
    for rule in rules:
        outcomes: Iterable[Outcome]
        if isinstance(rule, Rule):
            evaluate = KIND_TABLE[rule.kind].report
            if rule.scope != "report" or evaluate is None:
                continue  # gkbg.check_series and gkbg.check_rollup run these
            outcomes = evaluate(rule, context)
        else:
            outcomes = rule.evaluate(report)
        for outcome in outcomes:
            if isinstance(outcome, Finding):
                findings.append(outcome)
            else:
                skipped.append(outcome)
    unfilled = covered(findings, rules)
    if unfilled:  # a table printed with no number is one error, not a warning per blank cell
        blank = {
            r.id for r in rules if isinstance(r, Rule) and r.kind == "cell" and r.check == "blank"
        }
        findings = [f for f in findings if not (f.rule in blank and set(f.cells) <= unfilled)]
    findings.sort(key=lambda f: f.severity is not Severity.ERROR)
    relations = {
        rule.id for rule in rules if isinstance(rule, Rule) and KIND_TABLE[rule.kind].relation
    }
    failed = any(finding.rule in relations for finding in findings)
    advice = advise(report, rules) if failed else None
    return CheckResult(tuple(findings), tuple(skipped), report.source, advice)
