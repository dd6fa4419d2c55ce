# SPDX-License-Identifier: MIT
"""The narrative checks' choice of search keys gives what the plain computation gives (issue 8).

`RawSentences.candidates` cuts the pieces around the forms of the required character the
text holds fewest of: whichever character is chosen, the candidates are the pieces of the
whole text holding a form of each clause, as the plain computation below finds them.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from gkbg.checks.narrative import (
    _ENDS,
    RawSentences,
    _decompositions,
    _forms,
    _prefilter,
    required_clauses,
)
from tests.checks.test_speed_check import _reports, _statement_patterns, texts


def _plain(text: str, group: tuple[str, ...]) -> list[int]:
    """Every piece of the whole text cut, kept when it holds what one of ``group`` needs."""
    every = RawSentences(text)
    starts = every.candidates(["(?i)x"])  # a pattern read as requiring nothing: every piece
    kept = []
    for start in starts:
        piece = text[start : every._pieces[start]]
        for pattern in group:
            prefilter = _prefilter(pattern)
            assert prefilter is not None
            if prefilter.raw(piece):
                kept.append(start)
                break
    return kept


@given(texts, st.data())
def test_the_candidates_are_the_pieces_holding_every_clause(text: str, data: st.DataObject) -> None:
    raw = RawSentences(text)
    for group in data.draw(st.permutations(_statement_patterns())):
        assert list(raw.candidates(group)) == _plain(text, group)


def test_the_real_reports_candidates_are_the_pieces_holding_every_clause() -> None:
    for report in _reports():
        raw = RawSentences(report.text)
        for group in _statement_patterns():
            assert list(raw.candidates(group)) == _plain(report.text, group)


def _plain_forms(char: str) -> tuple[str, ...]:
    """``char`` and every character whose NFKD holds it, found by looking at each."""
    others = (other for other, decomposed in _decompositions() if char in decomposed)
    return tuple(form for form in (char, *others) if form not in _ENDS)


@given(
    st.one_of(
        st.sampled_from(sorted({char for _, made in _decompositions() for char in made})),
        st.characters(),
    )
)
def test_the_forms_of_a_character_are_those_found_by_looking_at_each(char: str) -> None:
    assert _forms(char) == _plain_forms(char)


def test_the_forms_of_the_characters_the_builtin_patterns_need_are_those_found_plainly() -> None:
    for group in _statement_patterns():
        for pattern in group:
            for clause in required_clauses(pattern):
                for char in clause:
                    assert _forms(char) == _plain_forms(char), char
