# SPDX-License-Identifier: MIT
"""The forms' schema (`gkbg.core.schema`): what a form derives once gives what the plain work gives.

The rows, columns and cell kinds a form derives once when it is built are compared with the
same derived from its blocks on each use, written out here as the definition; a form file
cannot set them.
"""

from __future__ import annotations

import pickle

import attrs
import pytest

import gkbg
from gkbg.core.errors import FormError
from gkbg.core.schema import TABLES, Column, Row, TableForm, load_form

FORMS = [(variant, key) for variant in gkbg.forms() for key in TABLES]


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
