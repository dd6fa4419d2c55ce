# SPDX-License-Identifier: MIT
"""A page's own order of a table's columns, as crawlers' and browsers' text gives it (issue 14).

A web page may print table 三's columns in another order than the form (总计 first, the
organisations shuffled); text made of it keeps the header's words before the values, and the
reading by order follows them (`gkbg.align.header`). Generated with
``gkbg.render.text(report, style, columns=...)`` and `gkbg.testing.column_orders`.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import gkbg
import gkbg.render
import gkbg.testing
from gkbg.align.header import _in_form_order
from tests.helpers import assert_read_back_or_flagged

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _told_apart(data: st.DataObject, report: gkbg.Report) -> dict[str, list[str]]:
    """A page's order of table 三's columns that its text's header tells apart from the form's.

    Not an order that keeps the columns outside the spanning label 法人或其他组织 in the
    form's order: text taken from a PDF puts a spanning or wrapped label above or below its
    neighbours, so the places of the others in the text are no evidence (a known limit,
    docs/degraded.md).
    """
    variant = report.table("applications").variant or ""
    order = data.draw(gkbg.testing.column_orders(variant))
    block = gkbg.forms()[variant].table("applications").blocks[0]
    keys = order["applications"]
    assume(keys == [column.key for column in block.columns] or not _in_form_order(keys, block))
    return order


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), st.sampled_from(["flat", "pipe", "run"]))
def test_columns_in_a_pages_order_read_back_or_flagged(data: st.DataObject, style: str) -> None:
    """A report whose table 三 prints its columns in another order (总计 first, the
    organisations shuffled), as text: every cell right or flagged, no false error."""
    report = data.draw(gkbg.testing.reports())
    order = _told_apart(data, report)
    text = gkbg.render.text(report, style, columns=order)  # type: ignore[arg-type]
    assert_read_back_or_flagged(
        report, gkbg.parse(text, format="pipe" if style == "pipe" else "text")
    )


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), st.sampled_from(["flat", "pipe"]))
def test_columns_in_a_pages_order_keep_the_errors(data: st.DataObject, style: str) -> None:
    """The same for reports with an error: each error found again, or a cell of it flagged."""
    report = data.draw(gkbg.testing.invalid_reports()).report
    order = _told_apart(data, report)
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
