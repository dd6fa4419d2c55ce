"""A relation failing on a number placed by a guess about the layout is not checkable.

A cell whose number the reading order placed with a doubt that another layout would put it in
another cell (`gkbg.core.reasons.PLACEMENT_GUESSED`) gives no error when a relation over it
fails: the failure may be the guess's. The relation is reported as not checkable, naming the
guessed cells; a relation whose cells were all read by their labels reports its failure, and so
does one whose cells were chosen *because* a relation fails (``run.chosen_fewest``).
"""

from __future__ import annotations

import attrs
import pytest

import gkbg
from gkbg.core.reasons import PLACEMENT_GUESSED
from gkbg.testing import report_of, with_cell

_KEY = "appeals.reconsideration.total"
_RULE = "appeals.group_total"


def _failing() -> gkbg.Report:
    """A 2021 report whose one failing relation is 行政复议's group total (1 + 2 + 3 + 4 ≠ 11)."""
    cells: dict[str, gkbg.Value] = dict.fromkeys(
        (spec.key for spec in gkbg.form("2021").cells()), 0
    )
    cells.update(
        {
            "appeals.reconsideration.upheld": 1,
            "appeals.reconsideration.corrected": 2,
            "appeals.reconsideration.other": 3,
            "appeals.reconsideration.pending": 4,
            _KEY: 11,
        }
    )
    return report_of("2021", cells, 2022, "某某区人民政府")


def _doubted(report: gkbg.Report, key: str, code: str) -> gkbg.Report:
    cell = report.cell(key)
    fields: dict[str, dict[str, str | int]] = {
        "order.late_column": {"label": "总计"},
        "run.chosen_fewest": {"text": "1234511", "count": 1, "relations": _RULE},
    }
    doubt = gkbg.Doubt.of(code, **fields.get(code, {}))
    return with_cell(report, attrs.evolve(cell, uncertain=(doubt,)))


def _errors(report: gkbg.Report) -> list[str]:
    return [f.rule for f in gkbg.check(report).errors]


def test_a_relation_failing_on_cells_read_by_their_labels_is_an_error() -> None:
    assert _errors(_failing()) == [_RULE]


@pytest.mark.parametrize("code", sorted(PLACEMENT_GUESSED))
def test_a_relation_failing_on_a_guessed_placement_is_not_checkable(code: str) -> None:
    report = _doubted(_failing(), _KEY, code)
    result = gkbg.check(report)
    assert _RULE not in [f.rule for f in result.errors]
    skipped = [n for n in result.not_checkable if n.rule == _RULE]
    assert [n.missing for n in skipped] == [(_KEY,)]


def test_a_guessed_placement_in_another_relation_hides_nothing() -> None:
    report = _doubted(_failing(), "appeals.litigation_direct.total", "order.late_column")
    assert _errors(report) == [_RULE]


def test_a_relation_holding_on_a_guessed_placement_is_checked() -> None:
    report = _doubted(_failing(), _KEY, "order.late_column")
    fixed = with_cell(report, attrs.evolve(report.cell(_KEY), value=10, raw="10"))
    assert gkbg.check(fixed).errors == ()
    assert not [n for n in gkbg.check(fixed).not_checkable if n.rule == _RULE]


def test_a_relation_failing_on_a_reading_chosen_by_the_fewest_failures_is_an_error() -> None:
    assert _errors(_doubted(_failing(), _KEY, "run.chosen_fewest")) == [_RULE]
