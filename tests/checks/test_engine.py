# SPDX-License-Identifier: MIT
"""The check engine: ``report.variant_year`` and ``report.variant_mixed``, alone and together.

The engine's shortcuts give what the plain computation gives (issue 8): a report whose tables
hold their forms' cells in order is read by position, and its checks are those of looking
every key up.
"""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import gkbg
from gkbg.checks.engine import _Context
from gkbg.testing import (
    blanked_reports,
    mixed_reports,
    reports,
    with_cell,
)
from tests.helpers import CORPUS, FIXTURES, SEEDS, pipe_text


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


# --------------------------------------------------------------------------------------------
# The shortcuts of `gkbg.check` give what the plain computation gives (issue 8).


EXAMPLES = sorted((Path(__file__).parent.parent.parent / "examples").glob("*.txt"))


def _reports() -> list[gkbg.Report]:
    paths = [*SEEDS, *EXAMPLES, *sorted((FIXTURES / "html").glob("*.html")), *CORPUS]
    return [gkbg.parse(path) for path in paths]


# --------------------------------------------------------------------------------------------
# The tables: a report whose tables hold their forms' cells in order is read by position.


def _looked_up(report: gkbg.Report) -> gkbg.Report:
    """The same report with a cell no form has added: the engine then looks every key up."""
    extra = gkbg.Cell("appeals.not_a_row.not_a_column", gkbg.CellState.INVALID, None, "x")
    tables = tuple(
        attrs.evolve(table, cells=(*table.cells, extra)) if table.key == "appeals" else table
        for table in report.tables
    )
    return attrs.evolve(report, tables=tables)


def _same_checks(report: gkbg.Report) -> None:
    assert not _Context(_looked_up(report)).canonical
    assert gkbg.check(report) == gkbg.check(_looked_up(report))


_ODD_CELLS = st.builds(
    lambda state, value, raw: (state, value, raw),
    st.sampled_from(list(gkbg.CellState)),
    st.one_of(
        st.none(),
        st.integers(-3, 3),
        st.decimals(-5, 5, places=2, allow_nan=False),
        st.booleans(),
    ),
    st.sampled_from([None, "", "/", "x", "{raw}"]),
)


@given(
    st.one_of(
        reports(),
        reports(valid=False),
        blanked_reports().map(lambda blanked: blanked.report),
        mixed_reports(),
    ),
    st.lists(st.tuples(st.integers(0, 10**6), _ODD_CELLS), max_size=4),
    st.sampled_from([None, 2018, 2020, 2023]),
    st.none() | st.integers(0, 10**6),
)
def test_reading_by_position_finds_what_looking_up_finds(
    report: gkbg.Report,
    odd: list[tuple[int, tuple[object, object, object]]],
    year: int | None,
    unread: int | None,
) -> None:
    keys = [cell.key for cell in report.iter_cells()]
    for index, (state, value, raw) in odd:
        key = keys[index % len(keys)]
        report = with_cell(report, gkbg.Cell(key, state, value, raw))  # type: ignore[arg-type]
    if unread is not None:  # every cell of one block unread
        blocks = [
            [cell.key for cell in form.cells if cell.block == index]
            for table in report.tables
            if table.variant is not None
            for form in [gkbg.forms()[table.variant].table(table.key)]
            for index in range(len(form.blocks))
        ]
        for key in blocks[unread % len(blocks)]:
            report = with_cell(report, gkbg.Cell(key, gkbg.CellState.UNREAD, uncertain=("?",)))
    _same_checks(attrs.evolve(report, year=year))


def test_the_real_reports_are_read_by_position_as_looked_up() -> None:
    template = sorted((FIXTURES / "docx").glob("*.docx"))
    for report in [*_reports(), *(gkbg.parse(path) for path in template)]:
        assert _Context(report).canonical
        _same_checks(report)
