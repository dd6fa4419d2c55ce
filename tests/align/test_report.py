# SPDX-License-Identifier: MIT
"""Sections, form choice and `build_report` (`gkbg.align.report`).

A report whose only table every form prints alike (table 四) takes the form of its year. The
shortcuts the alignment takes for speed give what the plain work gives: the alignment that reads
only the forms the labels leave in the running, with the one that reads every candidate form;
the alignment that makes the order-based reading only when the grid leaves it a cell, and
compares the two readings only when it uses the second, with the one that always makes and
compares both (on `ALL_REAL`, the PDFs and grid fixtures too); grid items built by kind, with
items built by name.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gkbg
from gkbg.align.grid import GridReading, read_grid
from gkbg.align.header import follow_header
from gkbg.align.order import Item, Placed, Reading, read_by_order
from gkbg.align.report import (
    _GRID_CONTRADICTED,
    _GRID_FALLBACK,
    _align,
    _best_reading,
    _distinct_forms,
    _find_sections,
    _item,
    _printed_alike,
    build_report,
)
from gkbg.core.schema import TABLES, TableForm
from gkbg.read.layout import Token, TokenKind
from gkbg.testing import label_styles, mixed_reports, reports
from tests.helpers import RENDERERS, pipe_text

if TYPE_CHECKING:
    from collections.abc import Sequence

    from gkbg.align.order import ItemKind
    from gkbg.read.layout import Layout

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


# --------------------------------------------------------------------------------------------
# The shortcuts the alignment takes for speed give what the plain work gives.


ROOT = Path(__file__).resolve().parent.parent.parent

FIXTURES = ROOT / "tests" / "fixtures"

REAL = sorted(
    [
        *(FIXTURES / "seeds").glob("*.txt"),
        *(ROOT / "examples").glob("*.txt"),
        *(FIXTURES / "html").glob("*.html"),
        *(FIXTURES / "docx").glob("*.docx"),
        *(FIXTURES / "xlsx").glob("*.xlsx"),
    ]
)

_BUDGET = settings().max_examples

SOME = settings(
    max_examples=max(_BUDGET // 2, 10),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


# --------------------------------------------------------------------------------------------
# Alignment: the forms the labels rule out are not read.


def _tables(layout: Layout, *, every_form: bool) -> list[object]:
    """Every table's reading, as `build_report` chains them, with or without the shortcut."""
    sections = _find_sections(layout.tokens)
    found: list[object] = []
    prefer: str | None = None
    for key in TABLES:
        if key not in sections:
            continue
        start, stop = sections[key]
        tokens = layout.tokens[start:stop]
        reading = _best_reading(tokens, _distinct_forms(key), prefer, every_form=every_form)
        found.append((reading.form.variant, reading.placed, reading.unread, reading.evidence))
        prefer = prefer or reading.form.variant
    return found


def _same_readings(layout: Layout) -> None:
    assert _tables(layout, every_form=False) == _tables(layout, every_form=True)


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.name)
def test_real_documents_read_as_with_every_form(path: Path) -> None:
    _same_readings(gkbg.parse_layout(path))


@SOME
@given(
    st.one_of(reports(), mixed_reports()),
    st.one_of(st.none(), label_styles()),
    st.sampled_from(sorted(RENDERERS)),
    st.data(),
)
def test_rendered_reports_read_as_with_every_form(
    report: gkbg.Report, style: object, renderer: str, data: st.DataObject
) -> None:
    layout = gkbg.parse_layout(RENDERERS[renderer](report, style))
    _same_readings(layout)
    # Tokens lost or repeated: labels missing, values out of place, ties between the forms.
    tokens = layout.tokens
    kept = data.draw(st.lists(st.integers(0, max(len(tokens) - 1, 0)), max_size=len(tokens)))
    dropped = data.draw(st.sets(st.integers(0, max(len(tokens) - 1, 0)), max_size=40))
    mangled = tuple(t for i, t in enumerate(tokens) if i not in dropped)
    _same_readings(gkbg.Layout(mangled, layout.text))
    if tokens:
        _same_readings(gkbg.Layout(tuple(tokens[i] for i in kept), layout.text))


# --------------------------------------------------------------------------------------------
# The alignment: the order-based reading is made only when the grid leaves a cell to it.


_ITEM_KIND: dict[TokenKind, ItemKind] = {
    TokenKind.VALUE: "value",
    TokenKind.EMPTY: "empty",
    TokenKind.TEXT: "text",
}


# Every real document, the PDFs and the grid fixtures too (`REAL` above leaves them out).
ALL_REAL = sorted(
    [
        *(FIXTURES / "seeds").glob("*.txt"),
        *(ROOT / "examples").glob("*.txt"),
        *(FIXTURES / "html").glob("*.html"),
        *(FIXTURES / "docx").glob("*.docx"),
        *(FIXTURES / "xlsx").glob("*.xlsx"),
        *(FIXTURES / "corpus").glob("*.pdf"),
        *(FIXTURES / "grid").glob("*.html"),
        *(FIXTURES / "grid").glob("*.docx"),
        *(FIXTURES / "grid").glob("*.xlsx"),
    ]
)


def _plain_with_grid(form: TableForm, grid: GridReading, order: Reading) -> Reading:
    """The grid's placements, the order-based reading's where the grid says nothing."""
    reading = Reading(form, evidence=grid.rows)
    for index, placement in grid.placed.items():
        item = Item(_ITEM_KIND[placement.token.kind], placement.token)
        reading.placed[index] = Placed(item, placement.reasons)
    agrees = all(
        order.placed[index].item.token == placement.token
        for index, placement in grid.placed.items()
        if index in order.placed
        and "grid.packed" not in {doubt.code for doubt in placement.token.uncertain}
    )
    used = {placement.token for placement in grid.placed.values()}
    for index in range(len(form.cells)):
        if index in reading.placed:
            continue
        if index in grid.unread:
            reading.unread[index] = grid.unread[index]
            continue
        fallback = order.placed.get(index)
        if fallback is not None and agrees and fallback.item.token not in used:
            reasons = (*fallback.uncertain, _GRID_FALLBACK)
            reading.placed[index] = Placed(fallback.item, reasons)
        elif index in grid.unplaced:
            reading.unread[index] = grid.unplaced[index]
        elif fallback is not None:
            reading.unread[index] = _GRID_CONTRADICTED
        elif index in order.unread:
            reading.unread[index] = order.unread[index]
    return reading


def _plain_align(tokens: Sequence[Token], form: TableForm) -> Reading:
    """Both readings, always: the grid's where it speaks, the order-based one elsewhere
    (which follows the order of columns the text's header prints, as `_align`'s does)."""
    reading = follow_header(tokens, read_by_order(tokens, form))
    grid = read_grid(tokens, form)
    if grid is None:
        return reading
    return _plain_with_grid(form, grid, reading)


def _same_alignment(tokens: Sequence[Token]) -> None:
    sections = _find_sections(tokens)
    for key, (start, stop) in sorted(sections.items()):
        for form in _distinct_forms(key):
            # The table's tokens, and the whole stream: a table's tokens mixed with others.
            for some in (tokens[start:stop], tokens):
                assert _align(some, form) == _plain_align(some, form)


@pytest.mark.parametrize("path", ALL_REAL, ids=lambda p: p.name)
def test_real_documents_align_as_with_both_readings(path: Path) -> None:
    try:
        layout = gkbg.parse_layout(path)
    except gkbg.GkbgError:
        pytest.skip("not a readable document")
    _same_alignment(layout.tokens)


@SOME
@given(
    st.one_of(reports(), mixed_reports()),
    st.one_of(st.none(), label_styles()),
    st.sampled_from(sorted(RENDERERS)),
    st.data(),
)
def test_rendered_reports_align_as_with_both_readings(
    report: gkbg.Report, style: object, renderer: str, data: st.DataObject
) -> None:
    tokens = gkbg.parse_layout(RENDERERS[renderer](report, style)).tokens
    _same_alignment(tokens)
    # Tokens lost or repeated: grids with holes, rows the grid cannot find, cells left over.
    last = max(len(tokens) - 1, 0)
    dropped = data.draw(st.sets(st.integers(0, last), max_size=40))
    _same_alignment(tuple(t for i, t in enumerate(tokens) if i not in dropped))
    kept = data.draw(st.lists(st.integers(0, last), max_size=len(tokens)))
    if tokens:
        _same_alignment(tuple(tokens[i] for i in kept))


@pytest.mark.parametrize("kind", list(TokenKind))
def test_grid_items_are_those_built_by_name(kind: TokenKind) -> None:
    token = Token("1" if kind is TokenKind.VALUE else "", kind, cell=True)
    assert _item(token) == Item(_ITEM_KIND[kind], token)
    assert type(_item(token)) is Item
