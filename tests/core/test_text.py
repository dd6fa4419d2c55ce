# SPDX-License-Identifier: MIT
"""Text normalisation (`gkbg.core.text`): the NFKC shortcut gives what the plain NFKC gives.

NFKC skips the full normalisation of text whose only compatibility characters are the common
full-width ones; the property compares it with ``unicodedata.normalize("NFKC", ...)``, the
plain computation it stands for.
"""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from gkbg.core.text import normalize_nfkc

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
