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

from typing import TYPE_CHECKING

from gkbg._errors import SeriesError
from gkbg._findings import CheckResult, Finding, NotCheckable
from gkbg._rules import Rule, RuleSet
from gkbg._schema import forms
from gkbg._series import report_name

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from gkbg._model import Report, Value

__all__ = ["check_rollup"]


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


def _rollup(
    rule: Rule, parent: Report, children: tuple[Report, ...]
) -> Iterator[Finding | NotCheckable]:
    units = [child.cells() for child in children]
    names = (report_name(parent), *(report_name(child) for child in children))
    labels = _labels(parent)
    for key, value in parent.cells().items():
        numbers = [unit.get(key) for unit in units]
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
            "units": len(children),
            "expected": total,
            "actual": value,
            "difference": value - total,
        }
        yield Finding(
            rule.id,
            rule.severity,
            rule.message.fill(fields),
            (key,),
            total,
            value,
            reports=names,
        )


def check_rollup(
    parent: Report, children: Iterable[Report], rules: RuleSet | None = None
) -> CheckResult:
    """Compare a summary report with the sum of its units' reports.

    Args:
        parent: The region's summary report.
        children: The reports of the units it covers.
        rules: The checks; by default `RuleSet.default()`. Only the rules of scope ``rollup``
            are run here.

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
    for rule in rules:
        if not isinstance(rule, Rule) or rule.kind != "rollup":
            continue
        for outcome in _rollup(rule, parent, units):
            if isinstance(outcome, Finding):
                findings.append(outcome)
            else:
                skipped.append(outcome)
    return CheckResult(tuple(findings), tuple(skipped), parent.source)
