# SPDX-License-Identifier: MIT
"""Run-together cells: text a crawler saved without separators between a table's cells.

Two steps, both derived from the forms and the statute's relations, never from a named row:

1. `split_labels`: a word of flattened text that runs several labels together
   (``申请人情况自然人法人或其他组织总计``) is cut where each label of the forms begins, so that
   a row's label is a token of its own, directly before its values.
2. `solve`: a run of digits that stands for several cells (``640020470`` for a row of seven) is
   read every way the form allows: each piece a number the cell's kind admits (no leading zero
   but ``0`` itself; a fraction and a unit only in an amount; a sign only in a signed cell), the
   printed characters unchanged and in order. The statute's relations (`statute_relations`)
   are then a checksum: they may choose between readings, never change one. A cell every
   remaining reading agrees on is placed (with a `Doubt` naming the relations when they
   decided it); a cell the readings differ in is left unread with the reason.
3. When no combination of readings satisfies every relation (a report whose printed totals
   really disagree), the combinations under which the fewest relation instances fail choose
   (`run.chosen_fewest`, naming the relations failing in all of them): a wrong total breaks few
   relations in its true reading, a wrong split many. The relations so broken stay broken on
   the cells placed, and the checks report them; the cells those combinations differ in are
   unread. A relation used to choose never hides a real error.

The enumeration is bounded: at most `MAX_READINGS` readings of one run (found in at most
`MAX_STEPS` steps of the search), and at most `MAX_COMBINATIONS` combinations of the runs of
one table checked together (or steps of the search for the fewest failures). Past a bound, the
cells the bound leaves undecided are flagged. Every search also asks, every 1,024 steps, whether
the document's time is spent (`gkbg.core.limits.check_time`), so that a pathological crawl ends
in `LimitExceededError` within `Limits.max_seconds`.

4. Where the cells the readings differ in are left unread, a relation instance through them
   that fails in every reading the form allows (`_mark_failing`) is named in their
   ``run.contradicted`` doubt, and the checks report it (`gkbg.checks.certain`): the report has
   that error whatever its digits mean. Unless blank cells printed as nothing may explain the
   table (`_blanks_may_explain`): such a row prints the very characters of a row with a wrong
   total.
"""

from __future__ import annotations

import functools
import itertools
from typing import TYPE_CHECKING, NamedTuple

import attrs
import regex

from gkbg.core.limits import check_time
from gkbg.core.reasons import Doubt, failing_field
from gkbg.core.relations import statute_relations
from gkbg.core.schema import forms
from gkbg.core.statements import decide
from gkbg.core.text import read_value
from gkbg.read.layout import Token, TokenKind, token_offsets

if TYPE_CHECKING:
    from collections.abc import Sequence
    from decimal import Decimal

    from gkbg.core.relations import Relation
    from gkbg.core.schema import TableForm, ValueKind
    from gkbg.core.statements import Stated, TextChoice

__all__ = [
    "MAX_COMBINATIONS",
    "MAX_READINGS",
    "MAX_STEPS",
    "Run",
    "RunOutcome",
    "can_split",
    "run_together",
    "solve",
    "split_labels",
]

MAX_READINGS = 2_000
"""The most readings of one run that are enumerated; a run with more is flagged."""
MAX_STEPS = 50_000
"""The most steps the search for one run's readings takes."""
MAX_COMBINATIONS = 100_000
"""The most combinations of the runs of one table that are checked against the relations."""
_CHECK_EVERY = 1023
"""Each search asks whether the reading's time is spent (`check_time`) every 1,024 steps."""

# A placeholder a crawled page prints for a blank cell, run into the digits of the cells beside
# it: a dash or a slash (one cell, or two when doubled) or ``无``/``空``.
_PLACEHOLDER = r"(?:[\-\u2212\u2013\u2014\u2015\u2500\uff0d/\uff0f\\_×]|无|空)"
# One placeholder, or the same printed twice (``——``: one blank cell or two); two different
# ones side by side (``／——``: ``／`` and ``——``) are never one cell's.
_PLACEHOLDERS = rf"(?P<mark>{_PLACEHOLDER})(?P=mark)?"
_RUN = regex.compile(rf"[+\-\u2212]?[0-9.]+(?:万元|亿元|元)?|{_PLACEHOLDERS}")
_PIECE = {
    "count": regex.compile(r"0|[1-9][0-9]*"),
    "signed": regex.compile(r"[+\-\u2212]?(?:0|[1-9][0-9]*)"),
    "amount": regex.compile(r"(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:万元|亿元|元)?"),
}
# A dash alone may be a placeholder for a blank cell of any kind, or a sign of the next number;
# a placeholder printed doubled (``——``, ``--``) may be one blank cell or two.
_BLANK = regex.compile(rf"{_PLACEHOLDER}|——|--|－－")
_BLANK_CHARS = frozenset("-\u2212\u2013\u2014\u2015\u2500\uff0d/\uff0f\\_×无空")


# --------------------------------------------------------------------------------------------
# Step 1: labels run together.


@functools.cache
def _vocabulary() -> dict[str, tuple[str, ...]]:
    """Every label the forms print, by its first character, longest first."""
    labels: set[str | None] = set()
    for form in forms().values():
        labels.update(form.parts)
        for table in form.tables:
            labels.update(table.printed_labels())
    by_first: dict[str, list[str]] = {}
    for label in labels:
        if label and len(label) >= 2:
            by_first.setdefault(label[0], []).append(label)
    return {first: tuple(sorted(found, key=len, reverse=True)) for first, found in by_first.items()}


def _label_starts(text: str) -> list[int]:
    """Where a label of the forms begins in ``text``, the longest label at each place first."""
    vocabulary = _vocabulary()
    starts: list[int] = []
    position = 0
    while position < len(text):
        found = next(
            (
                label
                for label in vocabulary.get(text[position], ())
                if text.startswith(label, position)
            ),
            None,
        )
        if found is None:
            position += 1
            continue
        starts.append(position)
        position += len(found)
    return starts


def _piece(token: Token, start: int, end: int, kind: TokenKind) -> Token:
    location = token.location
    if location.start is not None:
        column = None if location.column is None else location.column + start
        location = attrs.evolve(
            location, start=location.start + start, end=location.start + end, column=column
        )
    return Token(token.text[start:end], kind, token.cell, location, token.uncertain)


def _labels_run_into_numbers(tokens: Sequence[Token]) -> bool:
    """Whether a word ending in a label of the forms runs into a number, with no space between."""
    labels = [label for found in _vocabulary().values() for label in found]
    for before, after in itertools.pairwise(tokens):
        if before.kind is not TokenKind.TEXT or after.kind is not TokenKind.VALUE:
            continue
        end, start = token_offsets(before)[1], token_offsets(after)[0]
        if end is not None and end == start and any(map(before.text.endswith, labels)):
            return True
    return False


def split_labels(tokens: Sequence[Token]) -> list[Token]:
    """The tokens, each word of text that runs labels of the forms together cut at each label.

    Only text that runs a label into a number (no space between: a crawled page) is cut, and
    only its words that are no cell; a word with no label in it, or one label at its start only,
    is kept whole.
    """
    if not _labels_run_into_numbers(tokens):
        return list(tokens)
    result: list[Token] = []
    for token in tokens:
        if token.cell or token.kind is not TokenKind.TEXT or len(token.text) < 4:
            result.append(token)
            continue
        starts = [start for start in _label_starts(token.text) if start > 0]
        if not starts:
            result.append(token)
            continue
        bounds = [0, *starts, len(token.text)]
        result.extend(
            _piece(token, a, b, TokenKind.TEXT) for a, b in itertools.pairwise(bounds) if a < b
        )
    return _placeholders_apart(result)


_LEADING = regex.compile(_PLACEHOLDERS)
_TRAILING = regex.compile(rf"{_PLACEHOLDERS}$")
_ORDINAL = regex.compile(
    r"(?<!\d)\d++[.．、]|[（(][一二三四五六七八九十]++[)）]"
    r"|(?<![一二三四五六七八九十])[一二三四五六七八九十]++[、.．]"
)


def _touch(before: Token, after: Token) -> bool:
    end, start = token_offsets(before)[1], token_offsets(after)[0]
    return end is not None and end == start


def _starts_label(text: str) -> bool:
    """Whether ``text`` begins with a label of the forms or an ordinal (``2.``, ``（七）``)."""
    return _ORDINAL.match(text) is not None or 0 in _label_starts(text[:80])


def _placeholders_apart(tokens: list[Token]) -> list[Token]:
    """The tokens, a placeholder run into the digits beside it cut from its word as a value.

    A crawled page prints a blank cell's ``—``, ``/`` or ``无`` between the digits of the cells
    beside it and the next label (``0179024——2.没有现成信息``, ``信息—179024``): the reader
    keeps it in the word of text, and the cell would be lost. A dash or slash touching a value
    is cut off; ``无`` or ``空`` only where the rest of the word is a label (after the value) or
    the word before it ends in one (before the value), since either also begins words.
    """
    result: list[Token] = []
    for at, token in enumerate(tokens):
        if token.cell or token.kind is not TokenKind.TEXT:
            result.append(token)
            continue
        text = token.text
        start, end = 0, len(text)
        before = tokens[at - 1] if at else None
        after = tokens[at + 1] if at + 1 < len(tokens) else None
        if before is not None and before.kind is TokenKind.VALUE and _touch(before, token):
            found = _LEADING.match(text)
            if found is not None and (
                found.end() == len(text)
                or _starts_label(text[found.end() :])
                or not {"无", "空"} & set(found.group())
            ):
                start = found.end()
        if (
            after is not None
            and after.kind is TokenKind.VALUE
            and _touch(token, after)
            and (found := _TRAILING.search(text, start)) is not None
            and (
                found.start() == start
                or not {"无", "空"} & set(found.group())
                or any(map(text[start : found.start()].endswith, _labels()))
            )
        ):
            end = found.start()
        if start == 0 and end == len(text):
            result.append(token)
            continue
        if start > 0:
            result.append(_piece(token, 0, start, TokenKind.VALUE))
        if start < end:
            result.append(_piece(token, start, end, TokenKind.TEXT))
        if end < len(text):
            result.append(_piece(token, max(start, end), len(text), TokenKind.VALUE))
    return result


@functools.cache
def _labels() -> tuple[str, ...]:
    return tuple(label for found in _vocabulary().values() for label in found)


# --------------------------------------------------------------------------------------------
# Step 2: a run's readings, and the relations as a checksum.


class Run(NamedTuple):
    """Value tokens that together stand for the cells ``cells`` (indices in the form)."""

    cells: tuple[int, ...]
    tokens: tuple[Token, ...]


@attrs.frozen
class RunOutcome:
    """The cells of a table's runs: placed (a piece of a token, with its doubts) or unread."""

    placed: dict[int, tuple[Token, tuple[Doubt, ...]]] = attrs.field(factory=dict)
    unread: dict[int, Doubt] = attrs.field(factory=dict)


def run_together(tokens: Sequence[Token]) -> bool:
    """Whether the text runs a value into the token before or after it, with no space between."""
    for before, after in itertools.pairwise(tokens):
        if TokenKind.VALUE not in {before.kind, after.kind}:
            continue
        end, start = token_offsets(before)[1], token_offsets(after)[0]
        if end is not None and end == start:
            return True
    return False


def can_split(tokens: Sequence[Token], cells: int) -> bool:
    """Whether ``tokens`` may stand for ``cells`` cells: enough digits, each a digit run."""
    if not tokens or len(tokens) >= cells:
        return False
    if any(token.cell or _RUN.fullmatch(token.text) is None for token in tokens):
        return False
    return sum(_digits(token.text) for token in tokens) >= cells


def _digits(text: str) -> int:
    """The most cells a run may stand for: one per digit, and one per dash (a placeholder)."""
    return sum(char.isdigit() or char in _BLANK_CHARS for char in text)


def _valid(piece: str, kind: ValueKind) -> bool:
    return _PIECE[kind].fullmatch(piece) is not None or _BLANK.fullmatch(piece) is not None


class _TooManyError(Exception):
    """A run has more readings than the bound."""


class _Bound(NamedTuple):
    """A sum within one run, over cells that cannot be negative: it prunes as it is read."""

    total: int
    items: tuple[int, ...]


def _bounds(table: _Table, run: Run) -> dict[int, list[_Bound]]:
    """The sums whose cells all lie in ``run``, by each of their cells' place in the run."""
    slot_of = {table.keys[index]: slot for slot, index in enumerate(run.cells)}
    found: dict[int, list[_Bound]] = {}
    for relation in table.relations:
        keys = (*relation.left, *relation.right)
        if len(relation.left) != 1 or not all(key in slot_of for key in keys):
            continue
        if any(table.kinds[run.cells[slot_of[key]]] == "signed" for key in keys):
            continue
        bound = _Bound(slot_of[relation.left[0]], tuple(slot_of[key] for key in relation.right))
        for key in keys:
            found.setdefault(slot_of[key], []).append(bound)
    return found


def _fits(bound: _Bound, values: dict[int, int | Decimal], blank: set[int]) -> bool:
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


def _readings(
    table: _Table, run: Run, *, allowed: int | None = 0
) -> tuple[list[tuple[str, ...]], bool]:
    """Every reading of a run the form allows, as one printed piece per cell, in order.

    The run is read from its end, so that a total (the last cell of its row or group) is read
    before its items; a sum whose cells all lie in the run then prunes the search as it goes:
    items read so far never add up to more than their total, and all of them to exactly it.
    ``allowed`` is how many such sums a reading may break (None: any number, no pruning).
    Returns the readings, and whether a sum left out any (so the relations took part).

    The readings depend only on the printed texts, the cells' kinds, the sums within the run
    and ``allowed``: the same run is read again for each form and reading of a table tried,
    so the search (`_search_readings`) is remembered by those.
    """
    kinds = tuple(table.kinds[index] for index in run.cells)
    bounds = _bounds(table, run) if allowed is not None else {}
    unique = tuple(dict.fromkeys(bound for found in bounds.values() for bound in found))
    by_slot = tuple(
        tuple(unique.index(bound) for bound in dict.fromkeys(bounds.get(slot, ())))
        for slot in range(len(kinds))
    )
    found = _search_readings(
        tuple(token.text for token in run.tokens), kinds, unique, by_slot, allowed
    )
    if found is None:
        raise _TooManyError
    readings, pruned = found
    return list(readings), pruned


_BLANK_READ = object()
"""A piece read as a placeholder for a blank cell (no number), in `_search_readings`."""


@functools.lru_cache(maxsize=65_536)
def _pieces(text: str, kind: ValueKind, end: int) -> tuple[tuple[int, str, object, int], ...]:
    """The pieces of ``text`` ending at ``end`` that a cell of ``kind`` may print.

    Each as (start, piece, number or `_BLANK_READ`, digits and dashes it uses), the nearest
    start first (the order in which the search tries them).
    """
    found = []
    for start in range(end - 1, -1, -1):
        piece = text[start:end]
        if _valid(piece, kind):
            number = _number(piece, kind)
            found.append((start, piece, _BLANK_READ if number is None else number, _digits(piece)))
    return tuple(found)


@functools.lru_cache(maxsize=4096)
def _search_readings(
    texts: tuple[str, ...],
    kinds: tuple[ValueKind, ...],
    bounds: tuple[_Bound, ...],
    by_slot: tuple[tuple[int, ...], ...],
    allowed: int | None,
) -> tuple[tuple[tuple[str, ...], ...], bool] | None:
    """The search of `_readings`: None when it passes `MAX_READINGS` or `MAX_STEPS`.

    ``bounds`` are the run's distinct sums, ``by_slot`` those each cell takes part in (indices
    in ``bounds``). The search is depth first from the run's end, each cell's pieces tried from
    the shortest; a reading is kept when at most ``allowed`` sums are broken by it, a sum
    counted broken from the first cell read after which it no longer fits (`_fits`).
    """
    room = [_digits(text) for text in texts]
    readings: list[tuple[str, ...]] = []
    pieces: list[str] = [""] * len(kinds)
    values: list[object] = [None] * len(kinds)  # None: not read yet
    broken = [False] * len(bounds)
    count = 0  # the sums broken so far
    steps = 0
    pruned = False

    def fits(bound: _Bound) -> bool:
        total = values[bound.total]
        if total is None or total is _BLANK_READ:
            return True
        read: int | Decimal = 0
        complete = True
        for slot in bound.items:
            value = values[slot]
            if value is None:
                complete = False
            elif value is _BLANK_READ:
                return True
            else:
                read += value  # type: ignore[operator]
        return bool(read == total) if complete else bool(read <= total)  # type: ignore[operator]

    def search(token: int, end: int, cell: int, spare: int) -> None:
        # ``spare``: the digits and dashes left before ``end`` in this token and those before it.
        nonlocal steps, pruned, count
        if cell < 0:
            if token < 0:
                readings.append(tuple(pieces))
                if len(readings) > MAX_READINGS:
                    raise _TooManyError
            return
        if token < 0 or cell + 1 < token + 1 or spare < cell + 1:
            return
        for start, piece, number, used in _pieces(texts[token], kinds[cell], end):
            steps += 1
            if not steps & _CHECK_EVERY:
                check_time()
            if steps > MAX_STEPS:
                raise _TooManyError
            pieces[cell] = piece
            values[cell] = number
            newly = []
            for b in by_slot[cell]:
                if not broken[b] and not fits(bounds[b]):
                    broken[b] = True
                    newly.append(b)
            count += len(newly)
            if allowed is None or count <= allowed:
                if start > 0:
                    search(token, start, cell - 1, spare - used)
                else:
                    search(token - 1, len(texts[token - 1]) if token else 0, cell - 1, spare - used)
            else:
                pruned = True
            for b in newly:
                broken[b] = False
            count -= len(newly)
            values[cell] = None

    try:
        search(len(texts) - 1, len(texts[-1]), len(kinds) - 1, sum(room))
    except _TooManyError:
        return None
    return tuple(readings), pruned


def _number(piece: str, kind: ValueKind) -> int | Decimal | None:
    read = read_value(piece, kind)
    return read.value if read.state == "value" else None


class _Table(NamedTuple):
    """What the search over one table's runs needs."""

    keys: tuple[str, ...]
    kinds: tuple[ValueKind, ...]
    known: dict[str, int | Decimal]
    relations: tuple[Relation, ...]


def _usable(form: TableForm, runs: Sequence[Run], known: dict[int, int | Decimal]) -> _Table:
    keys = form.cell_keys()
    kinds = tuple(cell.kind for cell in form.cells)
    in_runs = {keys[index] for run in runs for index in run.cells}
    known_keys = {keys[index]: value for index, value in known.items()}
    relations = tuple(
        relation
        for relation in statute_relations(form)
        if (names := {*relation.left, *relation.right}) & in_runs
        and names <= in_runs | known_keys.keys()
    )
    return _Table(keys, kinds, known_keys, relations)


def _values(table: _Table, run: Run, reading: tuple[str, ...]) -> dict[str, int | Decimal]:
    values: dict[str, int | Decimal] = {}
    for index, piece in zip(run.cells, reading, strict=True):
        number = _number(piece, table.kinds[index])
        if number is not None:
            values[table.keys[index]] = number
    return values


def _local(
    table: _Table, run: Run, readings: list[tuple[str, ...]]
) -> tuple[list[tuple[str, ...]], tuple[Relation, ...]]:
    """The readings of one run that satisfy the relations among its own and known cells."""
    own = {table.keys[index] for index in run.cells}
    relations = tuple(
        relation
        for relation in table.relations
        if {*relation.left, *relation.right} <= own | table.known.keys()
    )
    kept = []
    for reading in readings:
        values = {**table.known, **_values(table, run, reading)}
        if all(
            relation.holds(values)
            for relation in relations
            if {*relation.left, *relation.right} <= values.keys()
        ):
            kept.append(reading)
    return kept, relations


def _partial(relation: Relation, values: dict[str, int | Decimal], *, summed: bool) -> bool:
    """Whether a relation may still hold, given the cells read so far.

    Exactly when all its cells are read; for a sum of cells that cannot be negative, also its
    items read so far never above its total.
    """
    keys = (*relation.left, *relation.right)
    if all(key in values for key in keys):
        return relation.holds(values)
    if not summed or relation.left[0] not in values:
        return True
    read = sum(values[key] for key in relation.right if key in values)
    return bool(read <= values[relation.left[0]])


class _FoundError(Exception):
    """A combination satisfying every relation was found (`_combine` with ``first``)."""


def _combine(
    table: _Table,
    runs: Sequence[Run],
    options: list[list[tuple[str, ...]]],
    *,
    first: bool = False,
) -> list[set[tuple[str, ...]]] | None:
    """For each run, the readings that occur in some combination satisfying every relation.

    The runs holding totals are read first, so that a sum prunes the search as it goes. None
    when the combinations are too many to check. With ``first``, the search stops at the
    first combination found (each run's set then holds its reading in it), and is bounded by
    its steps only, not by the number of combinations.
    """
    total = 1
    for choices in options:
        total *= max(len(choices), 1)
    if (total > MAX_COMBINATIONS and not first) or any(not choices for choices in options):
        return None
    signed = {key for key, kind in zip(table.keys, table.kinds, strict=True) if kind == "signed"}
    totals = {relation.left[0] for relation in table.relations if len(relation.left) == 1}
    order = sorted(
        range(len(runs)),
        key=lambda p: -sum(table.keys[index] in totals for index in runs[p].cells),
    )
    touching: list[list[tuple[Relation, bool]]] = []
    for p in order:
        own = {table.keys[index] for index in runs[p].cells}
        touching.append(
            [
                (
                    relation,
                    len(relation.left) == 1 and not {*relation.left, *relation.right} & signed,
                )
                for relation in table.relations
                if {*relation.left, *relation.right} & own
            ]
        )
    read = [[_values(table, runs[p], reading) for reading in options[p]] for p in order]
    seen: list[set[int]] = [set() for _ in runs]
    values: dict[str, int | Decimal] = dict(table.known)
    chosen: list[int] = []
    steps = 0

    def search(depth: int) -> None:
        nonlocal steps
        if depth == len(order):
            for at, choice in enumerate(chosen):
                seen[at].add(choice)
            if first:
                raise _FoundError
            return
        for choice, added in enumerate(read[depth]):
            steps += 1
            if not steps & _CHECK_EVERY:
                check_time()
            if steps > MAX_COMBINATIONS:
                raise _TooManyError
            values.update(added)
            if all(_partial(rel, values, summed=summed) for rel, summed in touching[depth]):
                chosen.append(choice)
                search(depth + 1)
                chosen.pop()
            for key in added:
                del values[key]

    try:
        search(0)
    except _TooManyError:
        return None
    except _FoundError:
        pass
    result: list[set[tuple[str, ...]]] = [set() for _ in runs]
    for depth, p in enumerate(order):
        result[p] = {options[p][choice] for choice in seen[depth]}
    return result


def _broken(
    table: _Table, among: Sequence[int], values: dict[str, int | Decimal]
) -> tuple[int, ...]:
    """The relations (indices in ``table.relations``) of ``among`` that ``values`` break."""
    values = {**table.known, **values}
    return tuple(
        i
        for i in among
        if {*table.relations[i].left, *table.relations[i].right} <= values.keys()
        and not table.relations[i].holds(values)
    )


class _Fewest(NamedTuple):
    """The combinations of readings under which the fewest relation instances fail.

    ``seen``: for each run, the indices of its readings that occur in some such combination;
    ``failures``: how many instances fail in each; ``always``: those failing in every one;
    ``steps``: the steps the search took.
    """

    seen: list[set[int]]
    failures: int
    always: tuple[Relation, ...]
    steps: int


def _fewest(
    table: _Table, runs: Sequence[Run], options: Sequence[Sequence[tuple[str, ...]]]
) -> _Fewest | None:
    """The combinations of the runs' readings under which the fewest relation instances fail.

    Runs no relation that can be checked links (each of its cells in a run or known) are
    independent: each group of linked runs is searched on its own (`_fewest_linked`), within
    one bound on the steps of all. None when the search takes more than `MAX_COMBINATIONS`,
    or a run has no reading to search (none within the relations it was allowed to break).
    """
    if not all(options):
        return None
    run_of = {table.keys[index]: p for p, run in enumerate(runs) for index in run.cells}
    group = list(range(len(runs)))

    def find(p: int) -> int:
        while group[p] != p:
            p = group[p]
        return p

    for relation in table.relations:
        keys = (*relation.left, *relation.right)
        if all(key in run_of or key in table.known for key in keys):
            linked = {find(run_of[key]) for key in keys if key in run_of}
            for p in linked:
                group[p] = min(linked)
    members: dict[int, list[int]] = {}
    for p in range(len(runs)):
        members.setdefault(find(p), []).append(p)
    seen: list[set[int]] = [set() for _ in runs]
    always: list[Relation] = []
    failures = steps = 0
    for among in members.values():
        found = _fewest_linked(
            table, [runs[p] for p in among], [options[p] for p in among], MAX_COMBINATIONS - steps
        )
        if found is None:
            return None
        for p, kept in zip(among, found.seen, strict=True):
            seen[p] = kept
        failures += found.failures
        always.extend(found.always)
        steps += found.steps
    return _Fewest(seen, failures, tuple(always), steps)


def _fewest_linked(
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

    signed_keys = [
        (*((1, key) for key in relation.left), *((-1, key) for key in relation.right))
        for relation in relations
    ]

    shifts: dict[tuple[int, int], list[int | Decimal | None]] = {}

    def shift(depth: int, i: int) -> list[int | Decimal | None]:
        # For each reading of run ``order[depth]``, what its cells add to the difference of
        # instance i's two sides (None: a cell of it blank, so the instance cannot be checked).
        if (depth, i) not in shifts:
            p = order[depth]
            mine = [(sign, key) for sign, key in signed_keys[i] if run_of.get(key) == p]
            found: list[int | Decimal | None] = []
            for reading in read[p]:
                moved: int | Decimal | None = 0
                for sign, key in mine:
                    value = reading.get(key, table.known.get(key))
                    if value is None:
                        moved = None
                        break
                    moved += sign * value  # type: ignore[operator]
                found.append(moved)
            shifts[depth, i] = found
        return shifts[depth, i]

    def checks(
        depth: int,
    ) -> list[tuple[int, int | Decimal, int | Decimal, list[int | Decimal | None]]]:
        # The crossing instances of run ``order[depth]`` not failing yet that its readings may
        # break: for each, the least and greatest its two sides' difference takes over the
        # cells of the other runs (read, or between the least and greatest number their runs'
        # readings give them), and what each reading of this run adds to it (`shift`). An
        # instance with a cell of another run that is or may be blank cannot be checked, and
        # is left out; it breaks when the difference, whatever the runs not yet read give,
        # is never 0.
        p = order[depth]
        found = []
        for i in crossing[depth]:
            if i in failing:
                continue
            low: int | Decimal = 0
            high: int | Decimal = 0
            for sign, key in signed_keys[i]:
                if run_of.get(key) == p:
                    continue
                if key in values:
                    low, high = low + sign * values[key], high + sign * values[key]
                elif key not in span or run_of[key] in done:
                    break  # blank, or may be: the relation cannot be checked
                else:
                    least, most = span[key]
                    low, high = (
                        (low + least, high + most) if sign > 0 else (low - most, high - least)
                    )
            else:
                found.append((i, low, high, shift(depth, i)))
        return found

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
        checked = checks(depth)
        for r in ranked[depth]:
            own = len(own_broken[p][r])
            if count + own + rest[depth + 1] > fewest:
                break  # the readings are ranked: the others break as many of the run's own
            steps += 1
            if not steps & _CHECK_EVERY:
                check_time()
            if steps > budget:
                raise _TooManyError
            reading = read[p][r]
            before = len(failing)
            failing.extend(
                i
                for i, low, high, moved in checked
                if (by := moved[r]) is not None and not low + by <= 0 <= high + by
            )
            values.update(reading)
            done.add(p)
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


def _names(relations: Sequence[Relation]) -> str:
    return ", ".join(dict.fromkeys(relation.rule for relation in relations))


def solve(
    form: TableForm,
    runs: Sequence[Run],
    known: dict[int, int | Decimal],
    said: Sequence[Stated] = (),
) -> RunOutcome:
    """The cells of ``runs`` on ``form``, given the numbers ``known`` of its other cells.

    ``said`` is what the report's text states (`gkbg.core.statements.stated`): where the
    relations leave several readings, it may choose the one it agrees with (`_by_text`).
    """
    outcome = RunOutcome()
    runs = [_joined(run) for run in runs]
    table = _usable(form, runs, known)
    raw: list[list[tuple[str, ...]] | None] = []
    chosen: set[int] = set()  # runs whose own sums left out readings
    failed: set[int] = set()  # runs no reading of which satisfies their own sums
    for run in runs:
        check_time()
        text = "".join(token.text for token in run.tokens)
        try:
            readings, pruned = _readings(table, run)
            if not readings and pruned:
                # No reading satisfies the run's own sums: the readings the form allows, so
                # that the cells they agree on are still read, and the others flagged.
                readings, _ = _readings(table, run, allowed=None)
                failed.add(len(raw))
            elif pruned:
                chosen.add(len(raw))
        except _TooManyError:
            for index in run.cells:
                outcome.unread[index] = Doubt.of("run.too_many", text=text, bound=MAX_READINGS)
            raw.append(None)
            continue
        if not readings:
            for index in run.cells:
                outcome.unread[index] = Doubt.of(
                    "run.unsplittable", text=text, cells=len(run.cells)
                )
        raw.append(readings or None)
    live = [position for position, readings in enumerate(raw) if readings]
    local = [_local(table, runs[position], raw[position] or []) for position in live]
    combined = _combine(table, [runs[position] for position in live], [k for k, _ in local])
    unsatisfied = any(not kept for kept, _ in local) or (combined is not None and not all(combined))
    # No combination satisfies every relation: the fewest broken decide, if few enough to search.
    if unsatisfied and _settle_fewest(outcome, table, [runs[position] for position in live]):
        _mark_failing(outcome, table, runs)
        return outcome
    by_text = _by_text(table, [runs[p] for p in live], combined, said)
    for at, position in enumerate(live):
        run, readings = runs[position], raw[position] or []
        kept, own = local[at]
        text = "".join(token.text for token in run.tokens)
        if combined is not None and combined[at]:
            final, used, contradicted = sorted(combined[at]), table.relations, False
        elif kept:
            final, used, contradicted = kept, own, combined is not None
        else:
            final, used, contradicted = readings, (), True
        if position in failed:
            used, contradicted = (), True
        chosen_by = Doubt.of("run.chosen", text=text, relations=_names(used)) if used else None
        if by_text is not None and at in by_text.readings:
            # The text chose among the readings the relations left: the cells on which those
            # differed say so; the others keep the relations' doubt.
            open_slots = {
                slot for slot in range(len(run.cells)) if len({r[slot] for r in final}) > 1
            }
            final = [by_text.readings[at]]
            settled = _Settled(text, readings, final, chosen_by, position in chosen)
            _settle(outcome, run, settled, contradicted=False)
            for slot in open_slots:
                token, _ = outcome.placed[run.cells[slot]]
                outcome.placed[run.cells[slot]] = (token, (by_text.choice.doubt(text),))
            continue
        settled = _Settled(text, readings, final, chosen_by, position in chosen)
        _settle(outcome, run, settled, contradicted=contradicted)
    if unsatisfied:
        _mark_failing(outcome, table, runs)
    return outcome


MAX_SUMS = 10_000
"""The most distinct values of a relation's two sides' difference kept exactly while testing
whether it fails in every reading (`_fails_in_every_reading`); past it, their range is used."""


def _mark_failing(outcome: RunOutcome, table: _Table, runs: Sequence[Run]) -> None:
    """Name, in the doubt of each unread cell, the relations failing in every reading of it.

    A relation instance with a cell the readings left unread is not checked on the report (a
    cell holds no number). When it fails in every combination of the readings the form allows
    (`_fails_in_every_reading`), the report has that error whatever its digits mean: the
    ``run.contradicted`` doubt of each such cell names it (`gkbg.core.reasons.FAILING`), and
    the checks report it. A relation that holds in some reading is never named.
    """
    contradicted = {
        table.keys[index]: index
        for index, doubt in outcome.unread.items()
        if doubt.code == "run.contradicted"
    }
    if not contradicted or _blanks_may_explain(table, runs):
        return
    named: dict[int, list[tuple[str, str]]] = {}
    readings: dict[int, list[dict[str, int | Decimal]] | None] = {}
    for relation in table.relations:
        check_time()
        keys = (*relation.left, *relation.right)
        mine = [contradicted[key] for key in keys if key in contradicted]
        if mine and _fails_in_every_reading(table, runs, relation, readings):
            for index in mine:
                named.setdefault(index, []).append((relation.rule, relation.left[0]))
    for index, instances in named.items():
        text = dict(outcome.unread[index].fields)["text"]
        outcome.unread[index] = Doubt.of(
            "run.contradicted", text=text, failing=failing_field(instances)
        )


MAX_BLANK_RUNS = 3
"""The most runs of a table in which `_blanks_may_explain` tries cells that printed nothing."""


def _blanks_may_explain(table: _Table, runs: Sequence[Run]) -> bool:
    """Whether the runs may be a table whose relations hold, with some cells printed empty.

    A blank cell of crawled text may print nothing at all: its row then prints the very
    characters of a row with every cell filled and a wrong total, and no reading of those
    characters tells the two apart. A relation is reported failing in every reading only when
    that cannot be: no combination of readings, one or two cells of some runs read as empty
    (hiding a number of their own), satisfies every relation that can be checked. The runs
    given empty cells are those no reading of which satisfies their own sums (each needs one),
    or, when there are none, each run in turn; the other runs keep the readings satisfying
    their own sums. True (nothing is reported) when that is too long to search.
    """
    listed: list[Run] = []
    own: list[list[tuple[str, ...]]] = []
    for run in runs:
        try:
            readings, _ = _readings(table, run)
        except _TooManyError:
            continue  # its relations are left out below: they may hold
        if readings or _can_read(table, run):
            listed.append(run)
            own.append(readings)
    cells = {table.keys[index] for run in listed for index in run.cells} | table.known.keys()
    relations = tuple(r for r in table.relations if {*r.left, *r.right} <= cells)
    sub = table._replace(relations=relations)
    broken = [p for p, readings in enumerate(own) if not readings]
    if len(broken) > MAX_BLANK_RUNS:
        return True
    candidates = [broken] if broken else [[p] for p in range(len(listed))]
    for blank in candidates:
        known: list[Sequence[tuple[str, ...]] | None] = [
            None if p in blank else readings for p, readings in enumerate(own)
        ]
        try:
            options = [
                _with_empty(sub, listed, known, p) if p in blank else own[p]
                for p in range(len(listed))
            ]
        except _TooManyError:
            return True
        combined = _combine(sub, listed, options, first=True)
        if combined is None or all(combined):
            return True
    return False


def _can_read(table: _Table, run: Run) -> bool:
    """Whether the form allows any reading of a run (its own sums aside)."""
    try:
        readings, _ = _readings(table, run, allowed=None)
    except _TooManyError:
        return True
    return bool(readings)


def _with_empty(
    table: _Table, runs: Sequence[Run], options: Sequence[Sequence[tuple[str, ...]] | None], p: int
) -> list[tuple[str, ...]]:
    """The readings of run ``p`` with one or two of its cells printed empty (``""``).

    Only those whose numbers the other runs leave possible (`_allowed`): a cell's number must
    let each relation through it hold with some reading of the other runs (``options``; None
    for a run whose readings are not known).

    Raises:
        _TooManyError: They are more than `MAX_READINGS`, or take more than `MAX_STEPS`.
    """
    run = runs[p]
    kinds = [table.kinds[index] for index in run.cells]
    allowed = _allowed(table, runs, options, p)
    texts = [token.text for token in run.tokens]
    left = [sum(len(text) for text in texts[at:]) for at in range(len(texts) + 1)]
    found: list[tuple[str, ...]] = []
    pieces = [""] * len(kinds)
    steps = 0

    def search(slot: int, token: int, start: int, empty: int) -> None:
        nonlocal steps
        steps += 1
        if not steps & _CHECK_EVERY:
            check_time()
        if steps > MAX_STEPS:
            raise _TooManyError
        if start == len(texts[token]) and token + 1 < len(texts):
            token, start = token + 1, 0
        rest = left[token] - start
        if slot == len(kinds):
            if rest == 0 and empty:
                found.append(tuple(pieces))
                if len(found) > MAX_READINGS:
                    raise _TooManyError
            return
        if rest < len(kinds) - slot - (2 - empty):
            return
        if empty < 2:
            pieces[slot] = ""
            search(slot + 1, token, start, empty + 1)
        text = texts[token]
        for end in range(start + 1, len(text) + 1):
            piece = text[start:end]
            if not _valid(piece, kinds[slot]):
                continue
            number = _number(piece, kinds[slot])
            bound = allowed[slot]
            if number is not None and bound is not None and number not in bound:
                continue
            pieces[slot] = piece
            search(slot + 1, token, end, empty)

    search(0, 0, 0, 0)
    return found


def _allowed(
    table: _Table, runs: Sequence[Run], options: Sequence[Sequence[tuple[str, ...]] | None], p: int
) -> list[set[int | Decimal] | None]:
    """For each cell of run ``p``, the numbers the relations through it leave it (None: any).

    Each relation no other cell of ``p`` takes part in leaves the numbers with which it holds
    for some reading of the other runs (`_other_sums`).
    """
    mine = {table.keys[index] for index in runs[p].cells}
    read: dict[int, list[dict[str, int | Decimal]]] = {}
    result: list[set[int | Decimal] | None] = []
    for index in runs[p].cells:
        key = table.keys[index]
        allowed: set[int | Decimal] | None = None
        for relation in table.relations:
            signed = _signed(relation)
            if key not in signed or not signed[key] or len(mine & signed.keys()) > 1:
                continue
            sums = _other_sums(table, signed, runs, options, read, key)
            if sums is None:
                continue
            sign = signed[key]
            found = {-total * sign for total in sums}
            allowed = found if allowed is None else allowed & found
        result.append(allowed)
    return result


def _signed(relation: Relation) -> dict[str, int]:
    """Each cell of a relation with its sign: +1 on the left, -1 on the right (0: both)."""
    signed = dict.fromkeys(relation.left, 1)
    for key in relation.right:
        signed[key] = signed.get(key, 0) - 1
    return signed


def _other_sums(  # noqa: PLR0917 - the search's state, passed down
    table: _Table,
    signed: dict[str, int],
    runs: Sequence[Run],
    options: Sequence[Sequence[tuple[str, ...]] | None],
    read: dict[int, list[dict[str, int | Decimal]]],
    skip: str,
) -> set[int | Decimal] | None:
    """The values the signed sum of a relation's cells but ``skip`` takes over the readings.

    None when a cell may be blank (the relation then cannot be checked), lies in a run whose
    readings are not known (``options`` None), or the values are more than `MAX_SUMS`.
    """
    run_of = {table.keys[index]: q for q, run in enumerate(runs) for index in run.cells}
    sums: set[int | Decimal] = {
        sum(
            (sign * table.known[key] for key, sign in signed.items() if key in table.known),
            start=0,
        )
    }
    by_run: dict[int, list[tuple[int, str]]] = {}
    for key, sign in signed.items():
        if key != skip and key not in table.known:
            by_run.setdefault(run_of[key], []).append((sign, key))
    for q, keys in by_run.items():
        choices = options[q]
        if choices is None:
            return None
        if q not in read:
            read[q] = [_values(table, runs[q], reading) for reading in choices]
        moves: set[int | Decimal] = set()
        for values in read[q]:
            if any(key not in values for _, key in keys):
                return None
            moves.add(sum((sign * values[key] for sign, key in keys), start=0))
        sums = {total + move for total in sums for move in moves}
        if len(sums) > MAX_SUMS:
            return None
    return sums


def _fails_in_every_reading(
    table: _Table,
    runs: Sequence[Run],
    relation: Relation,
    cache: dict[int, list[dict[str, int | Decimal]] | None],
) -> bool:
    """Whether ``relation`` fails in every combination of the readings its runs allow.

    Every reading the form allows counts (not only those breaking the fewest relations), and
    a reading in which a cell of the relation is blank (a placeholder) lets it hold: it cannot
    be checked there. The differences of its two sides over the combinations are summed run by
    run, exactly up to `MAX_SUMS` distinct values and then as their least and greatest. False
    when a run's readings are too many to list. ``cache``: each run's readings, as numbers.
    """
    signed = _signed(relation)
    low: int | Decimal = sum(
        (sign * table.known[key] for key, sign in signed.items() if key in table.known), start=0
    )
    high = low
    sums: set[int | Decimal] | None = {low}
    for p, run in enumerate(runs):
        mine = [(signed[key], key) for index in run.cells if (key := table.keys[index]) in signed]
        if not mine:
            continue
        if p not in cache:
            try:
                found, _ = _readings(table, run, allowed=None)
            except _TooManyError:
                cache[p] = None
            else:
                cache[p] = [_values(table, run, reading) for reading in found] or None
        read = cache[p]
        if read is None:
            return False
        moves: set[int | Decimal] = set()
        for values in read:
            if any(key not in values for _, key in mine):
                return False  # blank in this reading: the relation cannot be checked there
            moves.add(sum((sign * values[key] for sign, key in mine), start=0))
        low, high = low + min(moves), high + max(moves)
        if sums is not None:
            sums = {total + move for total in sums for move in moves}
            if len(sums) > MAX_SUMS:
                sums = None
    if sums is not None:
        return 0 not in sums
    return not low <= 0 <= high


def _joined(run: Run) -> Run:
    """The run with each two of its tokens that touch (nothing printed between) joined.

    Where the reader cut a run's text is no boundary the page printed: ``80/——9017`` may come
    as ``80``, ``/—``, ``—``, ``9017``, and the doubled placeholder ``——`` of one blank cell
    then lies across two tokens. A piece of a reading never crosses a token, so the run's
    tokens that touch are read as the one string they are.
    """
    tokens: list[Token] = []
    for token in run.tokens:
        if tokens and _touch(tokens[-1], token):
            last = tokens[-1]
            tokens[-1] = Token(
                last.text + token.text,
                TokenKind.VALUE,
                location=attrs.evolve(last.location, end=token.location.end),
                uncertain=tuple(dict.fromkeys((*last.uncertain, *token.uncertain))),
            )
        else:
            tokens.append(token)
    return run if len(tokens) == len(run.tokens) else Run(run.cells, tuple(tokens))


class _TextReading(NamedTuple):
    """The reading of each open run the text chose, and the choice."""

    readings: dict[int, tuple[str, ...]]
    choice: TextChoice


def _by_text(
    table: _Table,
    runs: Sequence[Run],
    combined: list[set[tuple[str, ...]]] | None,
    said: Sequence[Stated],
) -> _TextReading | None:
    """The one combination of readings the report's text agrees with, if it decides one.

    Only among the combinations that satisfy every relation (the text never overrules the
    statute), and only when the relations leave more than one; None when the text decides
    nothing (`gkbg.core.statements.decide`) or the combinations are too many to list.
    """
    if not said or combined is None or not all(combined):
        return None
    open_runs = [at for at, readings in enumerate(combined) if len(readings) > 1]
    if not open_runs:
        return None
    fixed: dict[str, int | Decimal] = dict(table.known)
    for at, readings in enumerate(combined):
        if at not in open_runs:
            (only,) = readings
            fixed.update(_values(table, runs[at], only))
    combos: list[tuple[tuple[tuple[str, ...], ...], dict[str, int | Decimal]]] = []
    choices = itertools.product(*(sorted(combined[at]) for at in open_runs))
    for combo in itertools.islice(choices, MAX_COMBINATIONS + 1):
        values = dict(fixed)
        for at, reading in zip(open_runs, combo, strict=True):
            values.update(_values(table, runs[at], reading))
        if all(
            relation.holds(values)
            for relation in table.relations
            if {*relation.left, *relation.right} <= values.keys()
        ):
            combos.append((combo, values))
    if len(combos) > MAX_COMBINATIONS:
        return None
    choice = decide(said, [values for _, values in combos])
    if choice is None:
        return None
    chosen = combos[choice.reading][0]
    return _TextReading(dict(zip(open_runs, chosen, strict=True)), choice)


def _settle_fewest(outcome: RunOutcome, table: _Table, runs: Sequence[Run]) -> bool:
    """Settle ``runs`` by the combinations of readings that break the fewest relations.

    Readings that break a run's own sums take part too (a wrong total breaks them in its true
    reading). A cell every such combination agrees on is placed, with a doubt naming the
    relations that break in all of them; the others stay unread. False, and nothing settled,
    when a run's readings or the combinations are too many to search.
    """
    try:
        found = _fewest_readings(table, runs)
    except _TooManyError:
        return False
    if found is None:
        return False
    fewest, options, pruned = found
    for run, readings, seen, cut in zip(runs, options, fewest.seen, pruned, strict=True):
        text = "".join(token.text for token in run.tokens)
        chosen_by = Doubt.of(
            "run.chosen_fewest",
            text=text,
            count=str(fewest.failures),
            relations=_names(fewest.always),
        )
        final = [readings[r] for r in sorted(seen)]
        _settle(outcome, run, _Settled(text, readings, final, chosen_by, cut), contradicted=True)
    return True


def _fewest_readings(
    table: _Table, runs: Sequence[Run]
) -> tuple[_Fewest, list[list[tuple[str, ...]]], list[bool]] | None:
    """The combinations breaking the fewest relations, the readings searched, whether cut.

    Not every reading of every run need be searched. Each run's readings are first those
    breaking the fewest of its own sums (``least``); the best combination of them breaks
    ``bound`` instances. A reading of run ``p`` breaking more than ``bound - Σ least of the
    other runs`` of its own sums is then in no combination breaking ``bound`` or fewer, so the
    search over the readings within that allowance finds every combination breaking the
    fewest. None when the combinations are too many to search.
    """
    least: list[int] = []
    options: list[list[tuple[str, ...]]] = []
    pruned: list[bool] = []
    for run in runs:
        for allowed in range(len(table.relations) + 1):
            readings, cut = _readings(table, run, allowed=allowed)
            if readings:
                break
        else:  # pragma: no cover - a run with a reading breaks at most every relation
            readings, cut = _readings(table, run, allowed=None)
        least.append(allowed)
        options.append(readings)
        pruned.append(cut)
    fewest = _fewest(table, runs, options)
    if fewest is None:
        return None
    spare = fewest.failures - sum(least)
    if spare == 0:
        return fewest, options, pruned
    for p, run in enumerate(runs):
        if pruned[p]:
            options[p], pruned[p] = _readings(table, run, allowed=least[p] + spare)
    fewest = _fewest(table, runs, options)
    return None if fewest is None else (fewest, options, pruned)


class _Settled(NamedTuple):
    """What decides a run's cells: its text, its readings, those left, and why they are left.

    ``chosen_by`` is the doubt of a cell the readings left agree on and the others do not
    (None when nothing chose: the readings left are all those the form allows).
    """

    text: str
    readings: list[tuple[str, ...]]
    final: Sequence[tuple[str, ...]]
    chosen_by: Doubt | None
    pruned: bool


def _settle(outcome: RunOutcome, run: Run, settled: _Settled, *, contradicted: bool) -> None:
    """Place the cells every final reading agrees on; flag the others."""
    text, readings, final, chosen_by, pruned = settled
    for slot, index in enumerate(run.cells):
        pieces = {reading[slot] for reading in final}
        if len(pieces) > 1:
            outcome.unread[index] = (
                Doubt.of("run.contradicted", text=text, failing=failing_field(()))
                if contradicted
                else Doubt.of("run.ambiguous", text=text, readings=len(final))
            )
            continue
        token, start = _locate(run, final[0], slot)
        piece = final[0][slot]
        doubts: tuple[Doubt, ...] = ()
        if chosen_by is not None and (pruned or len({reading[slot] for reading in readings}) > 1):
            doubts = (chosen_by,)
        elif piece != token.text:
            doubts = (Doubt.of("run.split", text=text, cells=len(run.cells)),)
        outcome.placed[index] = (_piece(token, start, start + len(piece), TokenKind.VALUE), doubts)


def _locate(run: Run, reading: tuple[str, ...], slot: int) -> tuple[Token, int]:
    """The token a reading's piece is cut from, and where in it the piece begins."""
    tokens = iter(run.tokens)
    token = next(tokens)
    start = 0
    for position, piece in enumerate(reading):
        if start >= len(token.text):
            token, start = next(tokens), 0
        if position == slot:
            return token, start
        start += len(piece)
    raise ValueError(slot)  # pragma: no cover - a reading has a piece for every cell
