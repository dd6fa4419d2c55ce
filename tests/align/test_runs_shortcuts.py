# SPDX-License-Identifier: MIT
"""The search shortcuts of `gkbg.align.runs` against the plain computation they replace.

`runs._readings` remembers its search and reads each piece once (`runs._pieces`), and
`runs._fewest_linked` adds up each instance's cells outside the run being read once per step
of its search: both must give exactly what the plain searches below give (the code they
replaced, kept here as the reference), on the runs of generated crawled text and of the real
crawled pages.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, given, settings

import gkbg
from gkbg.align import runs
from gkbg.align.runs import (
    MAX_READINGS,
    MAX_STEPS,
    Run,
    _Bound,
    _bounds,
    _broken,
    _digits,
    _Fewest,
    _number,
    _Table,
    _TooManyError,
    _valid,
    _values,
)
from gkbg.testing import Blanked, Invalid, blanked_reports, invalid_reports, reports
from gkbg.write.json import to_json

if TYPE_CHECKING:
    from collections.abc import Sequence
    from decimal import Decimal


CORPUS = Path(__file__).parents[1] / "fixtures" / "corpus"


def _plain_fits(bound: _Bound, values: dict[int, int | Decimal], blank: set[int]) -> bool:
    """Whether the cells of a sum read so far leave it possible: items never above the total.

    A sum with a blank cell read (a placeholder) cannot be checked, so it always fits.
    """
    total = values.get(bound.total)
    if total is None or blank & {bound.total, *bound.items}:
        return True
    items = [values[slot] for slot in bound.items if slot in values]
    if len(items) == len(bound.items):
        return bool(sum(items) == total)
    return bool(sum(items) <= total)


def _plain_readings(
    table: _Table, run: Run, *, allowed: int | None = 0
) -> tuple[list[tuple[str, ...]], bool]:
    """Every reading of a run the form allows, as one printed piece per cell, in order.

    The run is read from its end, so that a total (the last cell of its row or group) is read
    before its items; a sum whose cells all lie in the run then prunes the search as it goes:
    items read so far never add up to more than their total, and all of them to exactly it.
    ``allowed`` is how many such sums a reading may break (None: any number, no pruning).
    Returns the readings, and whether a sum left out any (so the relations took part).
    """
    kinds = [table.kinds[index] for index in run.cells]
    bounds = _bounds(table, run) if allowed is not None else {}
    pruned = False
    texts = [token.text for token in run.tokens]
    room = [_digits(text) for text in texts]
    readings: list[tuple[str, ...]] = []
    pieces: list[str] = [""] * len(kinds)
    values: dict[int, int | Decimal] = {}
    blank: set[int] = set()
    broken: list[_Bound] = []
    steps = 0

    def search(token: int, end: int, cell: int, spare: int) -> None:
        # ``spare``: the digits and dashes left before ``end`` in this token and those before it.
        nonlocal steps, pruned
        if cell < 0:
            if token < 0:
                readings.append(tuple(pieces))
                if len(readings) > MAX_READINGS:
                    raise _TooManyError
            return
        if token < 0 or cell + 1 < token + 1 or spare < cell + 1:
            return
        text = texts[token]
        for start in range(end - 1, -1, -1):
            piece = text[start:end]
            if not _valid(piece, kinds[cell]):
                continue
            steps += 1
            if steps > MAX_STEPS:
                raise _TooManyError
            pieces[cell] = piece
            number = _number(piece, kinds[cell])
            if number is None:
                blank.add(cell)
            else:
                values[cell] = number
            before = len(broken)
            broken.extend(
                bound
                for bound in bounds.get(cell, ())
                if bound not in broken and not _plain_fits(bound, values, blank)
            )
            if allowed is None or len(broken) <= allowed:
                used = _digits(piece)
                if start > 0:
                    search(token, start, cell - 1, spare - used)
                else:
                    search(token - 1, len(texts[token - 1]) if token else 0, cell - 1, spare - used)
            else:
                pruned = True
            del broken[before:]
            values.pop(cell, None)
            blank.discard(cell)

    search(len(texts) - 1, len(texts[-1]), len(kinds) - 1, sum(room))
    return readings, pruned


def _plain_fewest_linked(
    table: _Table, runs: Sequence[Run], options: Sequence[Sequence[tuple[str, ...]]], budget: int
) -> _Fewest | None:
    """The combinations of linked runs' readings under which the fewest relations fail.

    A branch and bound: the runs are taken one after the other (those holding totals first),
    each run's readings in the order of how many of its own relations (those no other run
    takes part in) they break. A combination is dropped as soon as the instances it already
    breaks, and the fewest its remaining runs must break on their own, exceed the fewest found
    so far. An instance breaks as soon as its sides differ whatever numbers its cells in the
    runs not yet taken may hold (each between the least and the greatest its run's readings
    give it); one with a cell that is or may be blank cannot be checked, and never breaks.
    Every combination as good as the best is kept. None when the search takes more than
    ``budget`` steps.
    """
    relations = table.relations
    run_of = {table.keys[index]: p for p, run in enumerate(runs) for index in run.cells}
    read = [[_values(table, run, reading) for reading in options[p]] for p, run in enumerate(runs)]
    # The least and greatest number each cell takes in its run's readings (none: may be blank).
    span: dict[str, tuple[int | Decimal, int | Decimal]] = {}
    for p, run in enumerate(runs):
        for index in run.cells:
            numbers = [values[key] for values in read[p] if (key := table.keys[index]) in values]
            if numbers and len(numbers) == len(read[p]):
                span[table.keys[index]] = (min(numbers), max(numbers))
    touches = [
        {run_of[key] for key in (*relation.left, *relation.right) if key in run_of}
        for relation in relations
    ]
    # Each run's own relations (no other run takes part), and those each of its readings breaks.
    own_broken: list[list[tuple[int, ...]]] = []
    for p in range(len(runs)):
        own = [i for i, runs_in in enumerate(touches) if runs_in == {p}]
        own_broken.append([_broken(table, own, values) for values in read[p]])
    totals = {relation.left[0] for relation in relations if len(relation.left) == 1}
    order = sorted(
        range(len(runs)),
        key=lambda p: (-sum(table.keys[i] in totals for i in runs[p].cells), len(options[p])),
    )
    ranked = [sorted(range(len(options[p])), key=lambda r: len(own_broken[p][r])) for p in order]
    least = [min(len(broken) for broken in own_broken[p]) for p in order]
    rest = [sum(least[depth:]) for depth in range(len(order) + 1)]
    crossing = [
        [i for i, runs_in in enumerate(touches) if p in runs_in and len(runs_in) > 1] for p in order
    ]
    values: dict[str, int | Decimal] = dict(table.known)
    done: set[int] = set()  # the runs read so far
    failing: list[int] = []  # the crossing instances the combination so far breaks
    chosen: list[int] = []
    seen: list[set[int]] = [set() for _ in runs]
    fewest: float = float("inf")
    always: set[int] = set()
    steps = 0

    def breaks(i: int) -> bool:
        # Whether relation i fails whatever the runs not yet read give: its two sides'
        # difference, over the numbers its unread cells may take, never 0.
        low: int | Decimal = 0
        high: int | Decimal = 0
        for sign, keys in ((1, relations[i].left), (-1, relations[i].right)):
            for key in keys:
                if key in values:
                    low, high = low + sign * values[key], high + sign * values[key]
                    continue
                if key not in span or run_of[key] in done:
                    return False  # blank, or may be: the relation cannot be checked
                least, most = span[key]
                low, high = (low + least, high + most) if sign > 0 else (low - most, high - least)
        return not low <= 0 <= high

    def keep(count: int) -> None:
        nonlocal fewest, seen, always
        broken = {
            *failing,
            *(i for p, r in zip(order, chosen, strict=True) for i in own_broken[p][r]),
        }
        if count < fewest:
            fewest, seen, always = count, [set() for _ in runs], broken
        always &= broken
        for p, r in zip(order, chosen, strict=True):
            seen[p].add(r)

    def search(depth: int, count: int) -> None:
        nonlocal steps
        if depth == len(order):
            keep(count)
            return
        p = order[depth]
        for r in ranked[depth]:
            own = len(own_broken[p][r])
            if count + own + rest[depth + 1] > fewest:
                break  # the readings are ranked: the others break as many of the run's own
            steps += 1
            if steps > budget:
                raise _TooManyError
            values.update(read[p][r])
            done.add(p)
            before = len(failing)
            for i in crossing[depth]:
                if i not in failing and breaks(i):
                    failing.append(i)
            total = count + own + len(failing) - before
            if total + rest[depth + 1] <= fewest:
                chosen.append(r)
                search(depth + 1, total)
                chosen.pop()
            del failing[before:]
            done.discard(p)
            for key in read[p][r]:
                del values[key]

    try:
        search(0, 0)
    except _TooManyError:
        return None
    return _Fewest(seen, int(fewest), tuple(relations[i] for i in sorted(always)), steps)


def _plainly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runs, "_readings", _plain_readings)
    monkeypatch.setattr(runs, "_fewest_linked", _plain_fewest_linked)


def _both(text: str) -> tuple[str, str]:
    """The report (and its check) read with the shortcuts, and with the plain searches."""
    fast = gkbg.parse(text, format="text")
    with pytest.MonkeyPatch.context() as patch:
        _plainly(patch)
        plain = gkbg.parse(text, format="text")
    return (
        to_json(fast) + to_json(gkbg.check(fast)),
        to_json(plain) + to_json(gkbg.check(plain)),
    )


SOME = settings(
    max_examples=max(settings().max_examples // 10, 5),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@SOME
@given(reports())
def test_valid_crawled_text_reads_as_plainly(report: gkbg.Report) -> None:
    fast, plain = _both(gkbg.render.text(report, "run"))
    assert fast == plain


@SOME
@given(invalid_reports())
def test_invalid_crawled_text_reads_as_plainly(invalid: Invalid) -> None:
    fast, plain = _both(gkbg.render.text(invalid.report, "run"))
    assert fast == plain


@SOME
@given(blanked_reports())
def test_blanked_crawled_text_reads_as_plainly(blanked: Blanked) -> None:
    fast, plain = _both(gkbg.render.text(blanked.report, "run"))
    assert fast == plain


@pytest.mark.parametrize("name", ["pingtan-2019-flat.txt", "pingtan-2021-flat.txt"])
def test_real_crawled_pages_read_as_plainly(name: str) -> None:
    fast, plain = _both((CORPUS / name).read_text(encoding="utf-8"))
    assert fast == plain
