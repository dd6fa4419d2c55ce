# SPDX-License-Identifier: MIT
"""Text normalisation (`gkbg.core.text`): the NFKC shortcut gives what the plain NFKC gives.

NFKC skips the full normalisation of text whose only compatibility characters are the common
full-width ones; the property compares it with ``unicodedata.normalize("NFKC", ...)``, the
plain computation it stands for.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from gkbg.core.text import ReadValue, normalize_nfkc, read_value

# --------------------------------------------------------------------------------------------
# NFKC.

_NFKC_PIECES = [
    "中文",
    "a",
    "e",
    "，",
    "（",
    "Ａ",
    "ａ",
    "１",
    "\u3000",
    "…",
    "\u0301",
    "\u0323",
    "\u3099",
    "か",
    "ｶ",
    "ﾞ",
    "①",
    "ﬁ",
    "Å",
    "\u1100",
    "\u1161",
    "\uff5f",
    "～",
    "－",
    "−",
]


@given(st.lists(st.sampled_from(_NFKC_PIECES) | st.characters(), max_size=30).map("".join))
def test_fast_nfkc_is_nfkc(text: str) -> None:
    assert normalize_nfkc(text) == unicodedata.normalize("NFKC", text)


def test_a_unit_a_space_apart_is_read_with_its_number() -> None:
    """A PDF prints ``56件`` as ``56 件`` where the font changes: the same number, not text."""
    assert read_value("56 件", "count") == read_value("56件", "count") == ReadValue("value", 56)
    assert read_value("10.5 万元", "amount").value == Decimal("10.5")
    assert read_value("5 6", "count").state == "invalid"  # two numbers are not one
    assert read_value("56   件", "count").state == "invalid"  # a gap wider than a font's
