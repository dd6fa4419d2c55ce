# SPDX-License-Identifier: MIT
"""Text normalisation (`gkbg.core.text`): the NFKC shortcut gives what the plain NFKC gives.

NFKC skips the full normalisation of text whose only compatibility characters are the common
full-width ones; the property compares it with ``unicodedata.normalize("NFKC", ...)``, the
plain computation it stands for. The label matcher's indexes are compared with the scan of
every label they replace, on labels cut and garbled and on every token of the real texts.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

import gkbg
from gkbg.align.grid import _row_matcher, role_matcher
from gkbg.align.report import _evidence_matcher, _section_matcher
from gkbg.core.schema import forms
from gkbg.core.text import (
    LabelMatch,
    LabelMatcher,
    ReadValue,
    label_key,
    normalize_nfkc,
    read_value,
)
from tests.helpers import FIXTURES, SEEDS

EXAMPLES = sorted((FIXTURES.parent.parent / "examples").glob("*.txt"))

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


# --------------------------------------------------------------------------------------------
# The label matcher's indexes (labels in order for prefixes, fuzzy labels by length, a character
# bound before each fuzzy pattern) find what the scan of every label finds.


def _plain_match_key(matcher: LabelMatcher, key: str) -> LabelMatch | None:
    """`LabelMatcher._match_key` as a scan of every label, each fuzzy pattern tried."""
    if not key:
        return None
    exact = matcher._exact.get(key)
    if exact is not None:
        return LabelMatch(next(iter(exact))) if len(exact) == 1 else None
    if len(key) >= 4:
        prefixed = {t for k, ts in matcher._exact.items() if k.startswith(key) for t in ts}
        if len(prefixed) == 1:
            return LabelMatch(prefixed.pop(), partial=True)
        if prefixed:
            return None
    best: list[tuple[int, str]] = []
    for label, targets, pattern in matcher._fuzzy:
        if abs(len(label) - len(key)) > len(label) // 4:
            continue
        found = pattern.fullmatch(key)
        if found is not None:
            edits = sum(found.fuzzy_counts)
            best.extend((edits, target) for target in targets)
    if not best:
        return None
    best.sort()
    fewest = best[0][0]
    winners = {target for edits, target in best if edits == fewest}
    return LabelMatch(winners.pop(), edits=fewest) if len(winners) == 1 else None


def _matchers() -> list[LabelMatcher]:
    found: list[LabelMatcher] = [_section_matcher()]
    for variant in forms():
        for table in ("active", "applications", "appeals"):
            found += [role_matcher(variant, table), _row_matcher(variant, table)]
            found.append(_evidence_matcher(table))
    return found


MATCHERS = _matchers()
LABELS = sorted({label for matcher in MATCHERS for label in matcher._exact})
_NOISE = ["", "一", "、", "（", "）", "情况", "政府", "信息", "数", "量", "其他", "1", "x", "的"]


@st.composite
def _near_labels(draw: st.DrawFn) -> str:
    """A label cut, with characters changed, dropped, added or swapped with another label's."""
    label = draw(st.sampled_from(LABELS))
    start = draw(st.integers(0, len(label)))
    end = draw(st.integers(start, len(label)))
    text = label[start:end] if draw(st.booleans()) else label
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(text)))
        change = draw(st.sampled_from(["drop", "add", "swap"]))
        piece = draw(st.sampled_from(_NOISE))
        if change == "drop":
            text = text[:at] + text[at + 1 :]
        elif change == "add":
            text = text[:at] + piece + text[at:]
        else:
            text = text[:at] + piece + text[at + len(piece) :]
    if draw(st.booleans()):
        text += draw(st.sampled_from(LABELS))[: draw(st.integers(0, 6))]
    return text


@settings(max_examples=400, deadline=None)
@given(_near_labels(), st.sampled_from(range(len(MATCHERS))))
def test_the_label_index_matches_as_the_scan_of_every_label(text: str, which: int) -> None:
    matcher = MATCHERS[which]
    key = label_key(text)
    assert matcher._match_key(key) == _plain_match_key(matcher, key)


def test_real_tokens_match_as_by_the_scan_of_every_label() -> None:
    texts = sorted(
        {
            token.text
            for path in [*SEEDS, *(FIXTURES / "corpus").glob("*.md"), *EXAMPLES]
            for token in gkbg.parse_layout(path).tokens
        }
    )
    assert len(texts) > 500
    for matcher in MATCHERS:
        for text in texts:
            key = label_key(text)
            assert matcher._match_key(key) == _plain_match_key(matcher, key), text
