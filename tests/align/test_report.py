# SPDX-License-Identifier: MIT
"""A report whose only table every form prints alike (table 四) takes the form of its year."""

from __future__ import annotations

import pytest

import gkbg
from gkbg.align.report import _printed_alike, build_report
from tests.helpers import pipe_text

ALIKE = [key for key in gkbg.TABLES if _printed_alike(key)]


def _only(key: str, variant: str, title: str) -> str:
    """The pipe text of a report holding table ``key`` only, under ``title``."""
    text = pipe_text(variant, {"appeals.reconsideration.total": 3})
    part = gkbg.form(variant).parts[gkbg.TABLES.index(key) + 1]
    return f"{title}\n" + text[text.index(part) :]


def test_table_four_is_the_table_printed_alike() -> None:
    assert ALIKE == ["appeals"]


@pytest.mark.parametrize("variant", list(gkbg.forms()))
@pytest.mark.parametrize("year", [2019, 2020, 2021, 2024])
def test_table_four_alone_takes_the_form_in_force_for_its_year(variant: str, year: int) -> None:
    (in_force,) = (v for v, form in gkbg.forms().items() if form.applies_to(year))
    report = gkbg.parse(_only("appeals", variant, f"某县人民政府{year}年政府信息公开工作年度报告"))
    assert report.year == year
    assert report.variant == in_force
    assert report.variants == {"active": None, "applications": None, "appeals": in_force}
    assert report.cell("appeals.reconsideration.total").value == 3, "the cells are as read"


def test_table_four_alone_without_a_year_takes_the_form_in_force_now() -> None:
    (now,) = (v for v, form in gkbg.forms().items() if form.last_year is None)
    report = gkbg.parse(_only("appeals", "2019", "某县人民政府政府信息公开工作年度报告"))
    assert report.year is None
    assert report.variant == now


def test_a_table_that_tells_the_form_still_decides() -> None:
    report = gkbg.parse(pipe_text("2019", {}, title="某县人民政府2023年政府信息公开工作年度报告"))
    assert report.year == 2023
    assert report.variants == dict.fromkeys(gkbg.TABLES, "2019"), "printed in the old form"


@pytest.mark.parametrize("year", [2020, 2024])
def test_the_two_steps_of_parse_give_the_same_form(year: int) -> None:
    text = _only("appeals", "2019", f"某县人民政府{year}年政府信息公开工作年度报告")
    layout = gkbg.parse_layout(text)
    assert build_report(layout) == gkbg.parse(text)
