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

import attrs

from gkbg.checks.advice import advise
from gkbg.checks.context import Context
from gkbg.checks.findings import CheckResult, Finding, NotCheckable, Severity
from gkbg.checks.kinds import KIND_TABLE
from gkbg.checks.plan import TablePlan, plannable
from gkbg.checks.rules import Rule, RuleSet
from gkbg.checks.unfilled import covered

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from gkbg.checks.rules import Check, FunctionRule
    from gkbg.core.model import Report

__all__ = ["check"]

Outcome = Finding | NotCheckable


@attrs.frozen(eq=False)
class _Step:
    """A declarative rule of a rule set as `check` runs it on one report.

    Attributes:
        rule: The rule.
        evaluate: The evaluator of its kind for scope ``report``.
        quiet: The kind's shortcut (`gkbg.checks.kinds.Kind.quiet`): when it says the evaluator
            would give nothing, the evaluator is not run.
    """

    rule: Rule
    evaluate: Callable[[Rule, Context], Iterable[Outcome]]
    quiet: Callable[[Rule, Context], bool] | None


@attrs.frozen(eq=False)
class _Plan:
    """A rule set made ready for `check` once: what to run, in order, and its relations' ids.

    Attributes:
        steps: Each check of scope ``report``, in the set's order: a `_Step` for a declarative
            rule, the check itself for one written in Python (its ``evaluate`` method runs).
        relations: The ids of the relation rules, whose failure calls for advice.
        tables: The rules among the steps tested together on a report's tables
            (`gkbg.checks.plan`); None when there are none.
        rest: The steps `tables` does not test, in order: all that is run on a report on
            which `tables` is quiet.
        loud: `steps_beside` made, by the rules it was given.
    """

    steps: tuple[_Step | FunctionRule | Check, ...]
    relations: frozenset[str]
    tables: TablePlan | None = None
    rest: tuple[_Step | FunctionRule | Check, ...] = ()
    loud: dict[tuple[Rule, ...], tuple[_Step | FunctionRule | Check, ...]] = attrs.field(
        factory=dict
    )

    def steps_beside(self, loud: tuple[Rule, ...]) -> tuple[_Step | FunctionRule | Check, ...]:
        """`rest` and the steps of the rules ``loud`` of `tables`, in the set's order."""
        if not loud:
            return self.rest
        found = self.loud.get(loud)
        if found is None:
            rest = {id(step) for step in self.rest}
            found = tuple(
                step
                for step in self.steps
                if id(step) in rest or (isinstance(step, _Step) and step.rule in loud)
            )
            self.loud[loud] = found
        return found


_PLANS: dict[int, tuple[RuleSet, _Plan]] = {}
_PLANS_KEPT = 64


def _plan(rules: RuleSet) -> _Plan:
    """The plan of ``rules``, made on its first use and kept (for the last `_PLANS_KEPT` sets).

    A rule set is immutable, and the plan keeps a reference to it, so its id is not reused
    while the plan is kept.
    """
    kept = _PLANS.get(id(rules))
    if kept is not None and kept[0] is rules:
        return kept[1]
    steps: list[_Step | FunctionRule | Check] = []
    for rule in rules:
        if isinstance(rule, Rule):
            kind = KIND_TABLE[rule.kind]
            if rule.scope != "report" or kind.report is None:
                continue  # gkbg.check_series and gkbg.check_rollup run these
            steps.append(_Step(rule, kind.report, kind.quiet))
        else:
            steps.append(rule)
    relations = frozenset(
        rule.id for rule in rules if isinstance(rule, Rule) and KIND_TABLE[rule.kind].relation
    )
    planned = [
        (step.rule, step.evaluate)
        for step in steps
        if isinstance(step, _Step) and plannable(step.evaluate)
    ]
    rest = tuple(s for s in steps if not (isinstance(s, _Step) and plannable(s.evaluate)))
    plan = _Plan(tuple(steps), relations, TablePlan(planned) if planned else None, rest)
    if len(_PLANS) >= _PLANS_KEPT:
        del _PLANS[next(iter(_PLANS))]
    _PLANS[id(rules)] = (rules, plan)
    return plan


def _errors_first(finding: Finding) -> bool:
    return finding.severity is not Severity.ERROR


def check(report: Report, rules: RuleSet | None = None) -> CheckResult:
    """Run the checks on a report.

    Args:
        report: A parsed report.
        rules: The checks to run; `RuleSet.default` when omitted.

    Returns:
        Every finding, errors first, and every relation that could not be checked; when a
        relation fails, the advice: the fewest cells to change (`CheckResult.advice`).
    """
    rules = RuleSet.default() if rules is None else rules
    plan = _plan(rules)
    if plan.tables is not None:
        loud = plan.tables.quiet(report)
        if loud is not None:
            # The rules planned together give nothing on this report but ``loud``, which read
            # only its shape and give what they gave on its first report (`gkbg.checks.plan`).
            steps = plan.steps_beside(tuple(rule for rule, _ in loud))
            return _run(report, rules, plan, steps, dict(loud) if loud else None)
    return _run(report, rules, plan, plan.steps)


def _run(
    report: Report,
    rules: RuleSet,
    plan: _Plan,
    steps: tuple[_Step | FunctionRule | Check, ...],
    known: dict[Rule, tuple[Outcome, ...]] | None = None,
) -> CheckResult:
    """`check` running ``steps`` of ``plan`` (all of them: each rule asked in turn).

    A rule in ``known`` is not run: it gives those outcomes.
    """
    context: Context | None = None
    findings: list[Finding] = []
    skipped: list[NotCheckable] = []
    for step in steps:
        outcomes: Iterable[Outcome]
        if isinstance(step, _Step):
            if known is not None and step.rule in known:
                outcomes = known[step.rule]
            else:
                if context is None:
                    context = Context(report)
                if step.quiet is not None and step.quiet(step.rule, context):
                    continue
                outcomes = step.evaluate(step.rule, context)
        else:
            outcomes = step.evaluate(report)
        for outcome in outcomes:
            if isinstance(outcome, Finding):
                findings.append(outcome)
            else:
                skipped.append(outcome)
    unfilled = covered(findings, rules) if findings else frozenset()
    if unfilled:  # a table printed with no number is one error, not a warning per blank cell
        blank = {
            r.id for r in rules if isinstance(r, Rule) and r.kind == "cell" and r.check == "blank"
        }
        findings = [f for f in findings if not (f.rule in blank and set(f.cells) <= unfilled)]
    if findings:
        findings.sort(key=_errors_first)
    failed = any(finding.rule in plan.relations for finding in findings)
    advice = advise(report, rules) if failed else None
    return CheckResult(tuple(findings), tuple(skipped), report.source, advice)
