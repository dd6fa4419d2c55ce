# SPDX-License-Identifier: MIT
"""A page's own order of a table's columns, as crawlers' and browsers' text gives it (issue 14).

A web page may print table 三's columns in another order than the form (总计 first, the
organisations shuffled, 法人或其他组织 before 自然人) or lack one; text made of it keeps the
header's words before the values, and the reading by order follows them
(`gkbg.align.header`). Generated with ``gkbg.render.text(report, style, columns=...,
spare=...)`` and `gkbg.testing.column_orders`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gkbg
import gkbg.render
import gkbg.testing
from tests.helpers import assert_read_back_or_flagged

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
Order = dict[str, list[str]]


def _page_order(data: st.DataObject, report: gkbg.Report, *, lacking: bool = False) -> Order:
    """A page's order of table 三's columns (总计 first, the organisations shuffled, 法人或其他
    组织 elsewhere; with ``lacking``, one column left out half the time)."""
    variant = report.table("applications").variant or ""
    return data.draw(gkbg.testing.column_orders(variant, lacking=lacking))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), st.sampled_from(["flat", "pipe", "run"]))
def test_columns_in_a_pages_order_read_back_or_flagged(data: st.DataObject, style: str) -> None:
    """A report whose table 三 prints its columns in another order (总计 first, the
    organisations shuffled), as text: every cell right or flagged, no false error."""
    report = data.draw(gkbg.testing.reports())
    order = _page_order(data, report)
    text = gkbg.render.text(report, style, columns=order)  # type: ignore[arg-type]
    assert_read_back_or_flagged(
        report, gkbg.parse(text, format="pipe" if style == "pipe" else "text")
    )


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), st.sampled_from(["flat", "pipe"]))
def test_columns_in_a_pages_order_keep_the_errors(data: st.DataObject, style: str) -> None:
    """The same for reports with an error: each error found again, or a cell of it flagged."""
    report = data.draw(gkbg.testing.invalid_reports()).report
    order = _page_order(data, report)
    text = gkbg.render.text(report, style, columns=order)  # type: ignore[arg-type]
    assert_read_back_or_flagged(
        report, gkbg.parse(text, format="pipe" if style == "pipe" else "text")
    )


def test_a_pages_order_of_columns_is_printed() -> None:
    report = gkbg.parse(FIXTURES / "grid" / "cms-2021-split-repeated.html")
    order = ["total", "natural_person", "social_org", "commercial", "research", "other_org"]
    order.append("legal_service")
    text = gkbg.render.text(report, "flat", columns={"applications": order})
    assert "总计 自然人 法人或其他组织" in text
    assert "一、本年新收政府信息公开申请数量 17 11 14 12 13 16 15" in text


_SHAPES = [
    ("flat", "span"),
    ("pipe", "span"),
    ("pipe", "before"),
    ("pipe", "after"),
    ("run", "span"),
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), st.sampled_from(_SHAPES))
def test_a_page_lacking_a_column_reads_right_or_flagged(
    data: st.DataObject, shape: tuple[str, str]
) -> None:
    """A page whose table 三 lacks a column (a 2019 page without 法律服务机构), its columns
    in any order, as text; in pipe text a padding cell beside a row's numbers (before or after
    them, as trafilatura's and pandoc's text print it) lines up with them as if the row were
    complete. Every cell right or flagged, no false error."""
    style, spare = shape
    report = data.draw(gkbg.testing.reports())
    order = _page_order(data, report, lacking=True)
    text = gkbg.render.text(report, style, columns=order, spare=spare)  # type: ignore[arg-type]
    assert_read_back_or_flagged(
        report, gkbg.parse(text, format="pipe" if style == "pipe" else "text")
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), st.sampled_from(_SHAPES[:4]))
def test_a_page_lacking_a_column_keeps_the_errors(
    data: st.DataObject, shape: tuple[str, str]
) -> None:
    """The same for reports with an error: each error found again, or a cell of it flagged."""
    style, spare = shape
    report = data.draw(gkbg.testing.invalid_reports()).report
    order = _page_order(data, report, lacking=True)
    text = gkbg.render.text(report, style, columns=order, spare=spare)  # type: ignore[arg-type]
    assert_read_back_or_flagged(
        report, gkbg.parse(text, format="pipe" if style == "pipe" else "text")
    )


@pytest.mark.parametrize("spare", ["before", "after"])
def test_a_padding_cell_beside_a_rows_numbers_is_no_cell(spare: str) -> None:
    """Pipe text of a page lacking 法律服务机构, a padding cell before or after each row's six
    numbers: the numbers are read by the header, 法律服务机构 unread, nothing read as blank."""
    report = gkbg.parse(FIXTURES / "grid" / "cms-2021-split-repeated.html")
    order = ["natural_person", "commercial", "research", "social_org", "other_org", "total"]
    text = gkbg.render.text(
        report,
        "pipe",
        columns={"applications": order},
        spare=spare,  # type: ignore[arg-type]
    )
    read = gkbg.parse(text, format="pipe")
    for key in order:
        cell = read.cell(f"applications.received.{key}")
        assert cell.value == report.cell(f"applications.received.{key}").value
        assert [doubt.code for doubt in cell.uncertain] == ["order.header_subset"]
    lacking = read.cell("applications.received.legal_service")
    assert lacking.state is gkbg.CellState.UNREAD
    assert [doubt.code for doubt in lacking.uncertain] == ["order.header_no_column"]


_SHUFFLED = ["natural_person", "social_org", "commercial", "research"]
_SHUFFLED += ["legal_service", "other_org", "total"]


@pytest.mark.parametrize("style", ["pipe", "flat"])
def test_organisations_reordered_are_read_by_the_header(style: str) -> None:
    """自然人 before 总计 as in the form, the organisations under 法人或其他组织 reordered
    (社会公益组织 first), each named by a whole label: read by the header, and said so."""
    report = gkbg.parse(FIXTURES / "grid" / "cms-2021-split-repeated.html")
    text = gkbg.render.text(report, style, columns={"applications": _SHUFFLED})  # type: ignore[arg-type]
    read = gkbg.parse(text, format="pipe" if style == "pipe" else "text")
    for key in ("commercial", "social_org", "research"):
        cell = read.cell(f"applications.received.{key}")
        assert cell.value == report.cell(f"applications.received.{key}").value
        assert [doubt.code for doubt in cell.uncertain] == ["order.header_columns"]


def test_organisations_reordered_by_words_pieced_over_lines_are_flagged() -> None:
    """Flat text whose organisations' labels are broken over lines (``社会公益`` / ``组织``), as a
    PDF's text wraps them: their printed order is no evidence, and neither is the form's. The
    columns whose place the two orders disagree on are flagged (values kept as read by the
    form's order); those they agree on are not."""
    report = gkbg.parse(FIXTURES / "grid" / "cms-2021-split-repeated.html")
    text = gkbg.render.text(report, "flat", columns={"applications": _SHUFFLED})
    broken = text.replace("社会公益组织 商业企业 科研机构", "社会公益 商业企业 科研机构\n组织", 1)
    assert broken != text
    read = gkbg.parse(broken, format="text")
    for key in ("social_org", "commercial", "research"):
        cell = read.cell(f"applications.received.{key}")
        assert "order.header_members" in {doubt.code for doubt in cell.uncertain}
    for key in ("natural_person", "legal_service", "other_org", "total"):
        cell = read.cell(f"applications.received.{key}")
        assert (cell.value, cell.uncertain) == (
            report.cell(f"applications.received.{key}").value,
            (),
        )
