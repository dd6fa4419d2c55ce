# SPDX-License-Identifier: MIT
"""Reading text: label normalisation and matching, and numbers as fillers type them."""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Literal

import attrs
import regex

from gkbg.core.reasons import Doubt

if TYPE_CHECKING:
    from collections.abc import Iterable

    from gkbg.core.schema import ValueKind

__all__ = [
    "PAGE_FOOTER",
    "LabelMatcher",
    "ReadValue",
    "label_key",
    "looks_like_value",
    "normalize_nfkc",
    "read_value",
]

# Everything that is not a letter or a digit is dropped from a label before comparison, so
# ASCII or full-width punctuation, quotes, line breaks and spaces inside labels do not matter.
_NOT_WORD = regex.compile(r"[^\p{L}\p{N}]+")
# Line-break markup left inside a label by a flattened web page (本年新<br>制作数量).
_MARKUP = regex.compile(
    r"<\s{0,3}/?\s{0,3}(?:br|p|span|div|td|th)\b[^<>]{0,100}>", regex.IGNORECASE
)

PAGE_FOOTER = regex.compile(
    r"[—\-－–―]{1,3}[ \t]{0,3}\d{1,4}[ \t]{0,3}[—\-－–―]{1,3}|第[ \t]{0,3}\d{1,4}[ \t]{0,3}页"
)
"""A page footer as it stands on a line of its own, stripped (``— 5 —``, ``- 12 -``,
``第 3 页``): a page number, which text and markdown extracted from a PDF keep between a table's
rows (``fullmatch`` it)."""

_PLACEHOLDERS = frozenset(
    {"/", "／", "\\", "-", "--", "—", "——", "－", "–", "―", "─", "无", "空", "_", "×", "x", "X"}
)

_NUMBER = regex.compile(
    r"(?P<sign>[+-])?"
    r"(?P<int>\d{1,3}(?:,\d{3}){1,6}|\d{1,20})"
    r"(?:\.(?P<frac>\d{1,12}))?"
    # A unit typed after the number, a space apart or not (a PDF puts one where the font
    # changes from the digits' to the unit's).
    r"(?:\s{0,2}(?P<unit>万元|亿元|元|件|个|项|条|次|宗|起|家|人))?"
)

# Cell texts repeat (``0``, ``/``, small numbers): what they read as is remembered.
_VALUE_CACHE = 4096

# The compatibility characters Chinese text is full of: full-width ASCII, the ideographic
# space and the ellipsis. Each decomposes to ASCII, so writing its decomposition in its place
# leaves the text's NFKC unchanged; a text with no other such character is then in NFKC
# already, which `unicodedata.normalize` checks quickly instead of normalising it in full.
_COMMON_COMPATIBILITY = re.compile(r"[\u3000\u2026\uff01-\uff5e]")
_DECOMPOSED = {
    char: unicodedata.normalize("NFKC", char)
    for char in ("\u3000", "\u2026", *map(chr, range(0xFF01, 0xFF5F)))
}


def _decomposed(match: re.Match[str]) -> str:
    return _DECOMPOSED[match[0]]


def normalize_nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``, fast for Chinese text."""
    if text.isascii() or unicodedata.is_normalized("NFKC", text):
        return text
    return unicodedata.normalize("NFKC", _COMMON_COMPATIBILITY.sub(_decomposed, text))


def nfkc(text: str) -> str:
    """NFKC-normalise, and map the minus signs NFKC leaves alone to ``-``."""
    return normalize_nfkc(text).replace("−", "-").replace("‐", "-")


def label_key(text: str) -> str:
    """The comparison key of a label: NFKC, markup and everything but letters and digits gone."""
    return str(_NOT_WORD.sub("", _MARKUP.sub("", nfkc(text))))


@attrs.frozen
class ReadValue:
    """What the text of a cell says.

    Attributes:
        state: ``value`` (a number), ``blank`` (empty or a placeholder) or ``invalid``.
        value: The number, or None.
        note: Why the reading is doubtful (None when it is not).
    """

    state: Literal["value", "blank", "invalid"]
    value: int | Decimal | None = None
    note: Doubt | None = None


@functools.lru_cache(maxsize=_VALUE_CACHE)
def looks_like_value(text: str) -> bool:
    """Whether a piece of text is a cell value: a number (with sign or unit) or a placeholder."""
    stripped = nfkc(text).strip()
    return stripped in _PLACEHOLDERS or _NUMBER.fullmatch(stripped) is not None


@functools.lru_cache(maxsize=_VALUE_CACHE)
def read_value(text: str, kind: ValueKind) -> ReadValue:
    """Read a cell's text as a number of ``kind``, keeping blank and invalid apart.

    The number is read as printed: a sign, thousands separators, full-width digits and a unit
    typed into the cell are accepted; nothing is rounded or repaired. Whether the number is
    allowed (a negative count, a fraction of a case) is for the checks to say, not the reader.
    """
    stripped = nfkc(text).strip()
    if not stripped or stripped in _PLACEHOLDERS:
        return ReadValue("blank")
    match = _NUMBER.fullmatch(stripped)
    if match is None:
        return ReadValue("invalid")
    digits = match["int"].replace(",", "")
    sign = -1 if match["sign"] == "-" else 1
    note = None
    if len(digits) > 1 and digits.startswith("0"):
        note = Doubt.of("value.leading_zero", text=stripped)
    if match["frac"] is None and kind != "amount":
        return ReadValue("value", sign * int(digits), note)
    try:
        number = Decimal(f"{digits}.{match['frac'] or '0'}") if match["frac"] else Decimal(digits)
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        return ReadValue("invalid")
    return ReadValue("value", number.copy_negate() if sign < 0 else number, note)


@attrs.frozen
class LabelMatch:
    """A vocabulary entry that a piece of text was matched to.

    Attributes:
        target: What the label stands for, as the vocabulary's owner named it.
        edits: Characters that differ from the official label (0 for an exact match).
        partial: True when the text is only the beginning of the label (a label cut short).
    """

    target: str
    edits: int = 0
    partial: bool = False


_MIN_PREFIX = 4
# A fuzzy label as a text's length may be near it: its characters, the edits it allows, its
# targets and its pattern.
_Near = tuple[frozenset[str], int, set[str], "regex.Pattern[str]"]
_CACHE_LIMIT = 20_000


class LabelMatcher:
    """Match pieces of text against a closed vocabulary of labels, tolerantly.

    A text matches a label when, after `label_key` normalisation, it is equal to the label or
    one of its aliases; or is the beginning of exactly one label (at least four characters:
    labels cut short or broken over lines); or is within a few edits of exactly one label (about
    one edit per four characters, none for labels under six characters). Ambiguous texts match
    nothing.
    """

    def __init__(self, entries: Iterable[tuple[str, str]]) -> None:
        """Build the matcher from ``(label, target)`` pairs; a target may have several labels."""
        self._exact: dict[str, set[str]] = {}
        for label, target in entries:
            key = label_key(label)
            if key:
                self._exact.setdefault(key, set()).add(target)
        self._fuzzy = [
            (key, targets, regex.compile(f"(?b)(?:{regex.escape(key)}){{e<={len(key) // 4}}}"))
            for key, targets in self._exact.items()
            if len(key) >= 6
        ]
        # The indexes of the text never seen: the labels in order (those a text begins are
        # found by bisection), and the fuzzy labels a text of each length may be near.
        self._sorted = sorted(self._exact)
        self._near: dict[int, list[_Near]] = {}
        self._reach = max((len(key) + len(key) // 4 for key, _, _ in self._fuzzy), default=0)
        self._cache: dict[str, LabelMatch | None] = {}
        self._by_text: dict[str, LabelMatch | None] = {}

    def match(self, text: str) -> LabelMatch | None:
        """The vocabulary entry ``text`` stands for, or None when none or several fit."""
        if text in self._by_text:
            return self._by_text[text]
        key = label_key(text)
        if key in self._cache:
            found = self._cache[key]
        else:
            found = self._match_key(key)
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            self._cache[key] = found
        if len(self._by_text) >= _CACHE_LIMIT:
            self._by_text.clear()
        self._by_text[text] = found
        return found

    def _prefixed(self, key: str) -> set[str]:
        """The targets of the labels that begin with ``key`` (`_sorted` holds them together)."""
        labels = self._sorted
        found: set[str] = set()
        at = bisect.bisect_left(labels, key)
        while at < len(labels) and labels[at].startswith(key):
            found.update(self._exact[labels[at]])
            at += 1
        return found

    def _near_labels(self, length: int) -> list[_Near]:
        """The fuzzy labels a text of ``length`` characters may be within edits of."""
        if length > self._reach:
            return []  # longer than any label with its edits
        near = self._near.get(length)
        if near is None:
            near = [
                (frozenset(label), len(label) // 4, targets, pattern)
                for label, targets, pattern in self._fuzzy
                if abs(len(label) - length) <= len(label) // 4
            ]
            self._near[length] = near
        return near

    def _match_key(self, key: str) -> LabelMatch | None:
        if not key:
            return None
        exact = self._exact.get(key)
        if exact is not None:
            return LabelMatch(next(iter(exact))) if len(exact) == 1 else None
        if len(key) >= _MIN_PREFIX:
            prefixed = self._prefixed(key)
            if len(prefixed) == 1:
                return LabelMatch(prefixed.pop(), partial=True)
            if prefixed:
                return None
        best: list[tuple[int, str]] = []
        letters = set(key)
        for characters, most, targets, pattern in self._near_labels(len(key)):
            # Each character of the text the label lacks is an edit, and each of the label's
            # the text lacks: more than the label allows, and no match is possible.
            if len(letters - characters) > most or len(characters - letters) > most:
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
