"""The time budget of one reading: `time_budget`, `check_time` and `remaining_seconds`."""

from __future__ import annotations

import time

import pytest

import gkbg
from gkbg.core.limits import check_time, extend_time, remaining_seconds, time_budget


def test_outside_a_budget_time_is_never_checked() -> None:
    check_time()
    assert remaining_seconds(7.0) == 7.0


def test_a_spent_budget_stops_the_reading_and_names_the_document() -> None:
    with time_budget("report.docx", gkbg.Limits(max_seconds=0.5)):
        check_time()
        assert 0.1 < remaining_seconds(60.0) <= 0.5
        assert remaining_seconds(0.2) == 0.2  # a step's own shorter limit stands
        time.sleep(0.55)
        with pytest.raises(gkbg.LimitExceededError, match=r"more than 0\.5 s") as caught:
            check_time()
        assert remaining_seconds(60.0) == 0.1  # a step that cannot wait less still gets a tenth
    assert caught.value.limit == "max_seconds"
    assert caught.value.source == "report.docx"
    check_time()  # the budget ended with its block


def test_a_budget_inside_another_keeps_the_outer_one() -> None:
    with time_budget("outer", gkbg.Limits(max_seconds=0.05)):
        with time_budget("inner", gkbg.Limits(max_seconds=600)):
            time.sleep(0.06)
            with pytest.raises(gkbg.LimitExceededError) as caught:
                check_time()
        assert caught.value.source == "outer"


def test_a_budget_can_be_given_more_time() -> None:
    extend_time(5.0)  # outside a budget: nothing to extend
    with time_budget("scan.pdf", gkbg.Limits(max_seconds=0.2)):
        time.sleep(0.25)
        extend_time(10.0)
        check_time()  # 10.2 s now
        assert 9.0 < remaining_seconds(60.0) <= 10.2
    with time_budget("scan.pdf", gkbg.Limits(max_seconds=0.2)):
        extend_time(0.1)
        time.sleep(0.35)
        with pytest.raises(gkbg.LimitExceededError, match=r"more than 0\.3 s"):
            check_time()
