# SPDX-License-Identifier: MIT
"""The reading-order placement (`gkbg.align.order`): its shortcuts give what the plain work gives.

Each property compares a shortcut with the plain computation it replaces, written out here as the
definition: glued zeros, and the alignment's items with items built one by one.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import given
from hypothesis import strategies as st

import gkbg
from gkbg.align.grid import role_matcher
from gkbg.align.order import Item, _glued, _items
from gkbg.align.report import _distinct_forms
from gkbg.core.schema import TABLES
from gkbg.read.layout import Token, TokenKind

if TYPE_CHECKING:
    from collections.abc import Sequence

    from gkbg.core.schema import TableForm


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


@given(st.text(alphabet="00001 a", max_size=6))
def test_glued_zeros_are_those_of_the_definition(text: str) -> None:
    plain = len(text) if len(text) > 1 and set(text) == {"0"} else 1
    assert _glued(Token(text, TokenKind.VALUE)) == plain


def _plain_items(tokens: Sequence[Token], form: TableForm) -> list[Item]:
    matcher = role_matcher(form.variant, form.key)
    items: list[Item] = []
    for token in tokens:
        if token.kind is TokenKind.VALUE:
            items.append(Item("value", token))
        elif token.kind is TokenKind.EMPTY:
            items.append(Item("empty", token))
        else:
            found = matcher.match(token.text)
            items.append(
                Item("text", token) if found is None else Item("label", token, found.target)
            )
    return items


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.name)
def test_items_are_those_built_one_by_one(path: Path) -> None:
    tokens = gkbg.parse_layout(path).tokens
    for key in TABLES:
        for form in _distinct_forms(key):
            items = _items(tokens, form)
            assert items == _plain_items(tokens, form)
            assert all(type(item) is Item for item in items)
