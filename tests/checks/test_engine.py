# SPDX-License-Identifier: MIT
"""``report.variant_year`` and ``report.variant_mixed``, alone and together."""

from __future__ import annotations

import pytest

import gkbg
from tests.helpers import FIXTURES, pipe_text


def _check(variants: str | dict[str, str], year: int) -> gkbg.CheckResult:
    title = f"某某区人民政府{year}年政府信息公开工作年度报告"
    return gkbg.check(gkbg.parse(pipe_text(variants, title=title)))


def test_a_hybrid_report_is_both_mixed_and_partly_outdated() -> None:
    """Both fire: one says the tables disagree, the other which of them is outdated."""
    result = _check({"active": "2021", "applications": "2019", "appeals": "2021"}, 2023)
    (mixed,) = result.by_rule("report.variant_mixed")
    (outdated,) = result.by_rule("report.variant_year")
    assert "表三为2019年版" in mixed.message.zh
    assert "表三使用了2019年版格式" in outdated.message.zh
    assert "表二" not in outdated.message.zh


def test_table_four_is_never_outdated_nor_mixing() -> None:
    """The forms print table 四 alike: whichever form it is read as, it is not outdated."""
    (outdated,) = _check("2019", 2022).by_rule("report.variant_year")
    assert "表二、表三使用了2019年版格式" in outdated.message.zh
    assert "表四" not in outdated.message.zh
    assert _check("2021", 2022).findings == ()


@pytest.mark.parametrize(("variant", "year"), [("2021", 2020), ("2019", 2021)])
def test_a_form_outside_its_years_is_reported(variant: str, year: int) -> None:
    result = _check(variant, year)
    (finding,) = result.by_rule("report.variant_year")
    assert str(year) in finding.message.en
    assert result.by_rule("report.variant_mixed") == ()


def test_the_real_hybrid() -> None:
    pytest.importorskip("pypdfium2")
    for year in (2023, 2024):
        report = gkbg.parse(FIXTURES / "corpus" / f"hongze-district-{year}.pdf")
        result = gkbg.check(report)
        assert len(result.by_rule("report.variant_mixed")) == 1
        (outdated,) = result.by_rule("report.variant_year")
        assert "table 三" in outdated.message.en
