# SPDX-License-Identifier: MIT
"""How much of a report's text repeats last year's: `text_reuse` (the ``text_reuse`` kind)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import regex

from gkbg.core.statements import sentences

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["COVERED", "SHINGLE", "SHORTEST", "text_reuse"]

_DIGITS = regex.compile(r"\d+")
_PAGE_NUMBER = regex.compile(
    r"^\s*(?:[-—－]\s*\d+\s*[-—－]|第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?)\s*$"
)
SHINGLE = 10
"""Characters in a run of text that counts as repeated (digits masked)."""
COVERED = 0.9
"""A sentence is repeated when this share of its characters lies in runs of last year's text."""
SHORTEST = 15
"""Sentences shorter than this (headings such as （一）主动公开情况) are not counted."""


def _masked(sentence: str) -> str:
    masked: str = _DIGITS.sub("#", sentence)
    return masked


def _narrative_sentences(text: str) -> list[str]:
    kept = "\n".join(line for line in text.splitlines() if not _PAGE_NUMBER.match(line))
    return sentences(kept)


def text_reuse(previous: str, current: str, ignore: Iterable[str] = ()) -> tuple[float, str | None]:
    """The share of ``current``'s characters in sentences repeated from ``previous``.

    Both texts are split into sentences (see the narrative checks), page numbers dropped and
    digits masked, so that a sentence copied with new numbers still counts as repeated. A
    sentence is repeated when at least `COVERED` of its characters lie in runs of `SHINGLE`
    characters that also occur in ``previous``. Sentences shorter than `SHORTEST` characters
    (headings) and the sentences of ``ignore`` (the reports' titles) are not counted.

    Returns:
        The share (0 to 1; 0 for an empty text) and the longest repeated sentence, as printed
        in ``current`` (None when none is repeated).
    """
    before = "".join(_masked(s) for s in _narrative_sentences(previous))
    runs = {before[i : i + SHINGLE] for i in range(len(before) - SHINGLE + 1)}
    total = repeated = 0
    longest: str | None = None
    skipped = {_masked(sentence) for text in ignore for sentence in sentences(text)}
    for sentence in _narrative_sentences(current):
        masked = _masked(sentence)
        if len(masked) < SHORTEST or masked in skipped:
            continue
        covered = [False] * len(masked)
        for start in range(len(masked) - SHINGLE + 1):
            if masked[start : start + SHINGLE] in runs:
                covered[start : start + SHINGLE] = [True] * SHINGLE
        total += len(masked)
        if masked and sum(covered) >= COVERED * len(masked):
            repeated += len(masked)
            if longest is None or len(sentence) > len(longest):
                longest = sentence
    return (repeated / total if total else 0.0), longest
