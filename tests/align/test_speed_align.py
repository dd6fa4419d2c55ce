# SPDX-License-Identifier: MIT
"""The shortcuts the alignment and the grid take for speed give what the plain work gives.

Each test compares a shortcut with the plain computation it replaces, written out here as the
definition: the rows, columns and cell kinds a form derives once when it is built, with the
same derived from its blocks on each use; the alignment that makes the order-based reading only
when the grid leaves it a cell, and compares the two readings only when it uses the second,
with the one that always makes and compares both; the grid's cells of each
row as one range, with the cells' rows one by one; a cell's lone position, never shifted.
"""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import TYPE_CHECKING

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gkbg
from gkbg.align.grid import GridReading, _Candidate, _form_maps, _resolve, _shifted, read_grid
from gkbg.align.order import Item, Placed, Reading, read_by_order
from gkbg.align.report import (
    _GRID_CONTRADICTED,
    _GRID_FALLBACK,
    _align,
    _distinct_forms,
    _find_sections,
    _item,
)
from gkbg.core.errors import FormError
from gkbg.core.schema import TABLES, Column, Row, TableForm, load_form
from gkbg.read.layout import Token, TokenKind
from gkbg.testing import label_styles, mixed_reports, reports
from tests.helpers import RENDERERS

if TYPE_CHECKING:
    from collections.abc import Sequence

    from gkbg.align.order import ItemKind

FORMS = [(variant, key) for variant in gkbg.forms() for key in TABLES]
_ITEM_KIND: dict[TokenKind, ItemKind] = {
    TokenKind.VALUE: "value",
    TokenKind.EMPTY: "empty",
    TokenKind.TEXT: "text",
}


def _table(variant: str, key: str) -> TableForm:
    return gkbg.form(variant).table(key)


# --------------------------------------------------------------------------------------------
# The schema: rows, columns and kinds derived once.


def _plain_rows(table: TableForm) -> tuple[Row, ...]:
    return tuple(row for block in table.blocks for row in block.rows)


def _plain_columns(table: TableForm) -> tuple[Column, ...]:
    seen: dict[str, Column] = {}
    for block in table.blocks:
        for column in block.columns:
            seen.setdefault(column.key, column)
    return tuple(seen.values())


@pytest.mark.parametrize(("variant", "key"), FORMS)
def test_derived_rows_columns_and_kinds_are_the_plain_ones(variant: str, key: str) -> None:
    table = _table(variant, key)
    assert table.rows == _plain_rows(table)
    assert table.columns == _plain_columns(table)
    assert [cell.kind for cell in table.cells] == [cell.column.kind for cell in table.cells]
    # A copy made another way derives the same, and compares and hashes as the original.
    for copy in (pickle.loads(pickle.dumps(table)), attrs.evolve(table)):
        assert (copy.rows, copy.columns, copy.cells) == (table.rows, table.columns, table.cells)
        assert copy == table
        assert hash(copy) == hash(table)
    changed = attrs.evolve(table, blocks=table.blocks[:1])
    assert changed.rows == _plain_rows(changed)
    assert changed.columns == _plain_columns(changed)


def test_derived_attributes_are_not_read_from_a_form_file() -> None:
    text = 'variant = "x"\ntitle = "t"\ndocument = "d"\nfirst_year = 2000\nparts = []\n' + "".join(
        f'[[tables]]\nkey = "{key}"\nheading = "h"\ntitle_en = "e"\nrows = []\nblocks = []\n'
        for key in TABLES
    )
    with pytest.raises(FormError, match="rows"):
        load_form(text, source="x.toml")


# --------------------------------------------------------------------------------------------
# The alignment: the order-based reading is made only when the grid leaves a cell to it.

ROOT = Path(__file__).resolve().parent.parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
REAL = sorted(
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

SOME = settings(
    max_examples=max(settings().max_examples // 2, 10),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
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
    """Both readings, always: the grid's where it speaks, the order-based one elsewhere."""
    reading = read_by_order(tokens, form)
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


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.name)
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


# --------------------------------------------------------------------------------------------
# The grid: each row's cells as one range; a lone position never shifted; items by kind.


@pytest.mark.parametrize(("variant", "key"), FORMS)
def test_row_spans_are_the_rows_of_the_cells_one_by_one(variant: str, key: str) -> None:
    table = _table(variant, key)
    *_, spans = _form_maps(table)
    by_span = [(index, row_key) for row_key, indices in spans for index in indices]
    assert by_span == [(index, spec.row.key) for index, spec in enumerate(table.cells)]


lone = st.builds(
    _Candidate,
    st.builds(Token, st.sampled_from(["", " ", "0", "1", "x"]), st.sampled_from(TokenKind)),
    st.booleans(),
    st.just((0, 1)),
    st.lists(st.sampled_from(["a", "b"]), max_size=3).map(tuple),
)


@given(lone)
def test_a_lone_position_is_never_shifted_and_keeps_its_reasons(candidate: _Candidate) -> None:
    # What `_place_down` and `_resolve` take for granted when a cell has one position.
    assert not _shifted([candidate])
    assert _resolve([candidate]).reasons == tuple(dict.fromkeys(candidate.reasons))


@pytest.mark.parametrize("kind", list(TokenKind))
def test_grid_items_are_those_built_by_name(kind: TokenKind) -> None:
    token = Token("1" if kind is TokenKind.VALUE else "", kind, cell=True)
    assert _item(token) == Item(_ITEM_KIND[kind], token)
    assert type(_item(token)) is Item
