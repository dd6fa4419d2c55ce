# SPDX-License-Identifier: MIT
"""Numbers the report's own text states, for the checks and for alignment alike.

A statement is declared in ``gkbg/rules/default.toml`` (the ``[[rules.statements]]`` of the
``narrative`` rules): the cells a sentence of part 一 states a count of, regular expressions that
find it, and what makes a match another measure. The ``narrative`` checks (`gkbg.checks.narrative`)
compare the stated numbers with a report's cells; alignment may use them to choose between
readings of the same printed characters that the statute's relations leave open (`decide`).

Only clear statements are read. A statement is a match of one of a rule's patterns in one
sentence of `Report.text` (split at 。；！？ and at the line breaks around headings;
NFKC-normalised, so that full-width digits are digits; white space removed). A match is *not*
read when

- an ``exclude`` pattern of the statement is found in its clause before the number (``备案``:
  cases filed for the record are another measure);
- the nearest year named before it in the sentence is not the report's year (``2022年``,
  ``上年``, ``去年``; ``本年``, ``今年``, ``全年`` name the report's year); when the report's year
  is unknown, any year named makes the match unreadable;
- its number is no number (Chinese numerals ``二十一``, ``一百零五``, ``两`` are numbers).

A ``zero`` pattern's match states the count 0 (``未收到政府信息公开申请``).
"""

from __future__ import annotations

import bisect
import functools
import itertools
import sys
import unicodedata
from typing import TYPE_CHECKING, Any, cast

import attrs
import regex

from gkbg.core.lang import Text
from gkbg.core.reasons import Doubt
from gkbg.core.relations import builtin_rules
from gkbg.core.schema import forms
from gkbg.core.text import nfkc

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

    from gkbg.core.model import Value

__all__ = [
    "Declared",
    "RawSentences",
    "Sentences",
    "Stated",
    "Statement",
    "TextChoice",
    "builtin_statements",
    "chinese_number",
    "decide",
    "required_chars",
    "required_clauses",
    "sentences",
    "stated",
    "stated_values",
    "statements",
]


@attrs.frozen
class Statement:
    """What a ``narrative`` rule looks for in the text, and which cells it compares with.

    Attributes:
        cells: The cells whose sum the stated number should equal.
        patterns: Regular expressions (``regex`` syntax) with a group ``n`` for the number; they
            are matched against each sentence with white space removed.
        subject: What is counted, for the message.
        zero: Regular expressions whose match states that the count is 0
            (``未收到政府信息公开申请``).
        exclude: Regular expressions that, found in the clause of a match before the number,
            mean the number counts something else (``备案``, ``上年``): the match is not read.
    """

    cells: tuple[str, ...]
    patterns: tuple[str, ...]
    subject: Text
    zero: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()


# Sentence punctuation; and a line break before a heading (一、 （二） 3.) or after a title or
# heading line (…年度报告, …情况, …事项). Other line breaks are where a PDF wrapped the line,
# inside a sentence.
_ENDS = "。；;！!？?"
_HEADING = r"[^\S\n]*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d+[、.．]\D)"
_TITLE = "报告|情况|事项"
_SENTENCE_END = regex.compile(rf"[{_ENDS}]|\n(?={_HEADING})|(?<={_TITLE})[^\S\n]*\n")
# The same cuts one at a time: a cut is a character of _ENDS, or a line break _BREAK matches
# at (the white space before it that _SENTENCE_END also removes is removed from every
# sentence anyway).
_CUT_NEXT = regex.compile(rf"[{_ENDS}\n]")
_CUT_BEFORE = regex.compile(rf"(?r)[{_ENDS}\n]")
_BREAK = regex.compile(rf"\n(?={_HEADING})|(?<=(?:{_TITLE})[^\S\n]*)\n")
_SPACE = regex.compile(r"\s+")
_CLAUSE_END = regex.compile(r"[，,：:、（）()]")
_YEAR = regex.compile(
    r"(?P<year>(?:19|20)\d{2})年|(?P<other>上一?年度?|去年|前年|往年)|(?P<this>本年度?|今年|全年|当年)"
)

_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_UNITS = {"十": 10, "百": 100, "千": 1000}


def chinese_number(text: str) -> int | None:
    """Read ``21``, ``二十一``, ``一百零五``, ``两``; None when the text is no number."""
    if text.isdigit():
        return int(text)
    if not text:
        return None
    total = 0
    digit: int | None = None
    last_unit = 10_000
    for char in text:
        if char in _DIGITS:
            if digit is not None and digit != 0 and _DIGITS[char] != 0:
                return None  # 二三: not a number
            digit = _DIGITS[char]
        elif char in _UNITS:
            unit = _UNITS[char]
            if unit >= last_unit or digit == 0:
                return None  # 十百, 零十: not a number
            total += (1 if digit is None else digit) * unit
            last_unit = unit
            digit = None
        else:
            return None
    return total + (digit or 0)


# Sentences are joined by ``。`` (a sentence end, so in no sentence) to be normalised at once.
# NFKC never joins characters across it (it is a starter that composes with nothing), so
# normalising the join is normalising each sentence, unless the text holds a character NFKC
# turns into ``。`` (tests/checks/test_narrative.py checks that these are all of them).
_JOIN = "\u3002"
_MAKES_JOIN = ("\uff61", "\ufe12")


def sentences(text: str) -> list[str]:
    """The sentences of a report's text, NFKC-normalised, white space removed."""
    pieces = _SENTENCE_END.split(text)
    if any(char in text for char in _MAKES_JOIN):
        cut = (_SPACE.sub("", nfkc(piece)) for piece in pieces)
    else:
        cut = iter(_SPACE.sub("", nfkc(_JOIN.join(pieces))).split(_JOIN))
    return [piece for piece in cut if piece]


@functools.cache
def _compiled(pattern: str) -> regex.Pattern[str]:
    return regex.compile(pattern)


class _Unsupported(Exception):  # noqa: N818 (internal control flow, never raised to users)
    """A construct `required_chars` does not read."""


_ESCAPED_CLASS = frozenset("dDsSwWbBAZ")
_SPECIAL = frozenset("\\^$.|?*+()[]{}")
_QUANTIFIER_BRACE = regex.compile(r"\{(\d*)(?:(,)(\d*))?\}")


Clauses = frozenset[frozenset[str]]
"""What every match of a pattern holds: for each clause, at least one of its characters."""

_MOST_CLAUSES = 64


def _either(first: Clauses, second: Clauses) -> Clauses:
    """The clauses every match of one of two alternatives holds."""
    joined = {one | other for one in first for other in second}
    kept = sorted(joined, key=lambda clause: (len(clause), sorted(clause)))[:_MOST_CLAUSES]
    # A clause holding another says nothing more: only the smallest are kept.
    return frozenset(c for c in kept if not any(other < c for other in kept))


class _Reader:
    """A reader of the plain subset of regular expressions the built-in patterns use."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.at = 0

    def peek(self, length: int = 1) -> str:
        return self.pattern[self.at : self.at + length]

    def alternatives(self) -> Clauses:
        required = self.sequence()
        while self.peek() == "|":
            self.at += 1
            required = _either(required, self.sequence())
        return required

    def sequence(self) -> Clauses:
        required: Clauses = frozenset()
        while self.at < len(self.pattern) and self.peek() not in "|)":
            atom = self.atom()
            if self.quantifier() == 0:
                atom = frozenset()
            required |= atom
        return required

    def quantifier(self) -> int | None:
        """Read a quantifier: the fewest repetitions it allows (None: no quantifier)."""
        char = self.peek()
        if char in ("?", "*", "+"):
            self.at += 1
            fewest = 1 if char == "+" else 0
        elif char == "{":
            brace = _QUANTIFIER_BRACE.match(self.pattern, self.at)
            if brace is None or not (brace[1] or brace[3]):
                raise _Unsupported
            self.at = brace.end()
            fewest = int(brace[1] or 0)
        else:
            return None
        if self.peek() in ("?", "+"):  # lazy or possessive: the same matches are possible
            self.at += 1
        return fewest

    def atom(self) -> Clauses:
        char = self.peek()
        if char == "(":
            return self.group()
        if char == "[":
            return self.char_class()
        if char == "\\":
            escaped = self.pattern[self.at + 1 : self.at + 2]
            self.at += 2
            if escaped in _ESCAPED_CLASS:
                return frozenset()
            if escaped and escaped.isascii() and not escaped.isalnum() and escaped != "\n":
                return frozenset([frozenset(escaped)])
            raise _Unsupported
        self.at += 1
        if char in (".", "^", "$"):
            return frozenset()
        if char in _SPECIAL:
            raise _Unsupported
        return frozenset([frozenset(char)])

    def group(self) -> Clauses:
        rest = self.pattern[self.at :]
        zero_width = False
        if rest.startswith(("(?=", "(?!")):
            self.at += 3
            zero_width = True
        elif rest.startswith(("(?<=", "(?<!")):
            self.at += 4
            zero_width = True
        elif rest.startswith("(?:"):
            self.at += 3
        elif rest.startswith("(?P<"):
            end = rest.find(">")
            if end < 0 or not rest[4:end].isidentifier():
                raise _Unsupported
            self.at += end + 1
        elif rest.startswith("(?"):
            raise _Unsupported  # flags, references, conditionals, atomic groups, ...
        else:
            self.at += 1
        required = self.alternatives()
        if self.peek() != ")":
            raise _Unsupported
        self.at += 1
        return frozenset() if zero_width else required

    def char_class(self) -> Clauses:
        end = self.pattern.find("]", self.at + 2)
        inside = self.pattern[self.at + 1 : end]
        if end < 0 or any(char in inside for char in "[]\\"):
            raise _Unsupported
        self.at = end + 1
        if len(inside) == 1 and inside not in "^-":
            return frozenset([frozenset(inside)])
        if inside.startswith("^") or "-" in inside:
            return frozenset()  # a negated class, or one with ranges: read as anything
        return frozenset([frozenset(inside)])


@functools.cache
def required_clauses(pattern: str) -> Clauses:
    """What every match of ``pattern`` holds: one character at least of each clause.

    Read from the pattern: a literal character is a clause, a class of characters (without
    ranges) another; a group, a repeat of at least once, requires what its content requires,
    and alternatives what the one or the other requires (each clause of the one joined with
    each of the other); lookarounds match nothing. Patterns beyond the plain subset the
    built-in patterns use (flags, sets in sets, back references, ...) require nothing.
    """
    reader = _Reader(pattern)
    try:
        required = reader.alternatives()
    except _Unsupported:
        return frozenset()
    if reader.at != len(pattern):  # an unmatched ``)``
        return frozenset()
    return required


@functools.cache
def required_chars(pattern: str) -> frozenset[str]:
    """Characters every match of ``pattern`` contains (none known: the empty set).

    They are the clauses of `required_clauses` of one character.
    """
    return frozenset(
        char for clause in required_clauses(pattern) if len(clause) == 1 for char in clause
    )


class Sentences:
    """A report's sentences, cut once, and where each character occurs in them."""

    def __init__(self, text: str) -> None:
        """Cut and normalise ``text``."""
        self.sentences = sentences(text)
        self.joined = _JOIN.join(self.sentences)
        self.counts: dict[str, int] = {}
        self.starts = [0]
        for sentence in self.sentences[:-1]:
            self.starts.append(self.starts[-1] + len(sentence) + 1)

    def count(self, char: str) -> int:
        """How often ``char`` occurs in the sentences."""
        if char not in self.counts:
            self.counts[char] = self.joined.count(char)
        return self.counts[char]

    def candidates(self, patterns: Iterable[str]) -> Iterable[int]:
        """The indices of the sentences one of ``patterns`` may match, in order.

        A sentence a pattern matches holds every character the pattern requires
        (`required_chars`); the sentences holding the rarest of them are looked up in the
        joined text. A pattern requiring nothing makes every sentence a candidate.
        """
        found: set[int] = set()
        joined = self.joined
        for pattern in patterns:
            required = required_chars(pattern)
            if not required:
                return range(len(self.sentences))
            rarest = min(sorted(required), key=self.count)
            others = required - {rarest}
            at = joined.find(rarest)
            while at >= 0:
                index = bisect.bisect_right(self.starts, at) - 1
                sentence = self.sentences[index]
                if all(char in sentence for char in others):
                    found.add(index)
                at = joined.find(rarest, self.starts[index] + len(sentence))
        return sorted(found)


# --------------------------------------------------------------------------------------------
# The text cut only around what a pattern may match.


def _every_character() -> str:
    """Every code point, in order, as one string (the surrogates too: NFKD leaves them alone)."""
    size = sys.maxunicode + 1
    plane = bytearray(4 * 65536)  # UTF-32-LE: the code point's three low bytes, then 0
    plane[0::4] = bytes(range(256)) * 256
    plane[1::4] = b"".join(bytes([byte]) * 256 for byte in range(256))
    codes = plane * (size // 65536)
    codes[2::4] = b"".join(bytes([byte]) * 65536 for byte in range(size // 65536))
    return codes.decode("utf-32-le", "surrogatepass")


@functools.cache
def _decompositions() -> tuple[tuple[str, str], ...]:
    """Every character NFKD changes, with what NFKD makes of it.

    A string in NFKD holds no such character (NFKD of a string is its characters' NFKD,
    reordered; a character NFKD changes is in no character's NFKD), so the strings of
    characters found in NFKD are passed over whole, and only the rest is halved down to
    single characters.
    """
    everything = _every_character()
    found: list[tuple[str, str]] = []
    spans = [(0, len(everything))]
    while spans:
        low, high = spans.pop()
        if unicodedata.is_normalized("NFKD", everything[low:high]):
            continue
        if high - low > 32:  # small enough to look at one by one
            middle = (low + high) // 2
            spans.extend([(middle, high), (low, middle)])
            continue
        for char in everything[low:high]:
            decomposed = unicodedata.normalize("NFKD", char)
            if decomposed != char:
                found.append((char, decomposed))
    return tuple(found)


def _keyable(char: str) -> bool:
    """Whether a sentence holds ``char`` only if its text holds one of `_forms` of it.

    NFKC is NFKD followed by composition; a character without a canonical decomposition is
    made by no composition, so it is in a sentence only if it is in the NFKD of one of the
    characters of the text. The minus signs `gkbg.core.text.nfkc` maps to ``-`` are left out,
    and so are white space (in no sentence) and the sentence ends (in no piece of the text).
    """
    return (
        unicodedata.normalize("NFD", char) == char
        and char not in "-\u2212\u2010\n"
        and char not in _ENDS
        and _SPACE.fullmatch(char) is None
    )


@functools.cache
def _decomposed() -> tuple[str, list[int]]:
    """What NFKD makes of each of `_decompositions`, joined by NUL, and where each starts."""
    made = [decomposed for _, decomposed in _decompositions()]
    return "\0".join(made), list(itertools.accumulate((len(m) + 1 for m in made), initial=0))


@functools.cache
def _forms(char: str) -> tuple[str, ...]:
    """``char`` and every character whose NFKD holds it (full-width forms, ...), but ends.

    Those characters are found by searching the joined NFKD of every character NFKD changes.
    """
    decompositions = _decompositions()
    joined, starts = _decomposed()
    others = []
    at = joined.find(char)
    while at >= 0:
        index = bisect.bisect_right(starts, at) - 1
        other, decomposed = decompositions[index]
        if char in decomposed:  # not the NUL after it
            others.append(other)
        at = joined.find(char, starts[index + 1])
    return tuple(form for form in (char, *others) if form not in _ENDS)


@attrs.frozen
class _Prefilter:
    """What a pattern's matches need, for looking them up in the raw text.

    Attributes:
        clauses: Its `required_clauses`.
        keys: The characters of its clauses of one character that are `_keyable`.
        forms: The `_forms` of each of ``keys``: a piece holding a match holds one of the
            forms of each key at least.
        raw: Whether a piece of the text holds one of the forms at least of each clause all
            of whose characters are `_keyable`, as the piece holding a match does.
    """

    clauses: Clauses
    keys: tuple[str, ...]
    forms: tuple[tuple[str, ...], ...]
    raw: Callable[[str], object]


@functools.cache
def _prefilter(pattern: str) -> _Prefilter | None:
    """How to look up ``pattern``'s candidates in the raw text; None: every sentence is one."""
    clauses = required_clauses(pattern)
    keys = sorted(next(iter(c)) for c in clauses if len(c) == 1 and _keyable(next(iter(c))))
    if not keys:
        return None
    tests = sorted(
        (tuple(form for char in sorted(clause) for form in _forms(char)))
        for clause in clauses
        if all(map(_keyable, clause))
    )
    # One ``in`` per form, in straight-line code: the clauses of fewest forms first.
    code = " and ".join(
        "(" + " or ".join(f"{form!r} in piece" for form in forms) + ")"
        for forms in sorted(tests, key=len)
    )
    namespace: dict[str, object] = {}
    exec(f"def holds(piece):\n    return {code or True}", namespace)  # noqa: S102 - str literals
    raw = cast("Callable[[str], object]", namespace["holds"])
    return _Prefilter(clauses, tuple(keys), tuple(_forms(key) for key in keys), raw)


class RawSentences:
    """A report's text, cut into sentences only around what a pattern may match.

    The sentences are those of `sentences`, keyed by where their piece of the text starts,
    so that the keys are in the sentences' order. A sentence a pattern matches holds one
    character at least of each of the clauses `required_clauses` finds, so its piece of the
    text holds one of the `_forms` of them; the pieces around the forms of a character of a
    clause of one (the one whose forms the text holds fewest of) are cut, and those holding a
    form of each clause are the candidates. The candidates are those pieces whichever
    character is chosen; the rarest only cuts the fewest pieces.
    """

    def __init__(self, text: str) -> None:
        """Keep ``text``; nothing is cut yet."""
        self.text = text
        self.sentences: dict[int, str] = {}
        self._pieces: dict[int, int] = {}  # the pieces cut so far: start to end
        self._starts: list[int] = []  # their starts, in order
        self._counts: dict[tuple[str, ...], int] = {}
        self._whole = False

    def _count(self, forms: tuple[str, ...]) -> int:
        """How often the text holds one of ``forms`` (characters)."""
        if forms not in self._counts:
            self._counts[forms] = sum(map(self.text.count, forms))
        return self._counts[forms]

    def _piece(self, at: int) -> tuple[int, int]:
        """The piece of the text holding position ``at``, which is no cut."""
        index = bisect.bisect_right(self._starts, at) - 1
        if index >= 0:
            start = self._starts[index]
            if at < self._pieces[start]:
                return start, self._pieces[start]
        text = self.text
        start = at
        while (cut := _CUT_BEFORE.search(text, 0, start)) is not None:
            start = cut.start()
            if text[start] != "\n" or _BREAK.match(text, start):
                start += 1
                break
        else:
            start = 0
        end = at
        while (cut := _CUT_NEXT.search(text, end)) is not None:
            end = cut.start()
            if text[end] != "\n" or _BREAK.match(text, end):
                break
            end += 1
        else:
            end = len(text)
        self._pieces[start] = end
        bisect.insort(self._starts, start)
        return start, end

    def _sentence(self, start: int) -> str:
        """The sentence of the piece starting at ``start``."""
        if start not in self.sentences:
            piece = self.text[start : self._pieces[start]]
            self.sentences[start] = _SPACE.sub("", nfkc(piece))
        return self.sentences[start]

    def _every(self) -> list[int]:
        """Every sentence: the whole text cut, as `sentences` cuts it."""
        if not self._whole:
            text, start = self.text, 0
            for cut in (*_SENTENCE_END.finditer(text), None):
                end = len(text) if cut is None else cut.start()
                self._pieces.setdefault(start, end)
                self._sentence(start)
                start = len(text) if cut is None else cut.end()
            self._starts = sorted(self._pieces)
            self._whole = True
        return [start for start in self._starts if self.sentences[start]]

    def candidates(self, patterns: Iterable[str]) -> Iterable[int]:
        """The keys of the sentences one of ``patterns`` may match, in order."""
        found: set[int] = set()
        text = self.text
        for pattern in patterns:
            prefilter = _prefilter(pattern)
            if prefilter is None:
                return self._every()
            # The pieces around the forms of the key the text holds fewest of are cut.
            counts = list(map(self._count, prefilter.forms))
            fewest = min(counts)
            if not fewest:
                continue  # a clause it needs is nowhere in the text
            for form in prefilter.forms[counts.index(fewest)]:
                at = text.find(form)
                while at >= 0:
                    start, end = self._piece(at)
                    at = text.find(form, end)
                    if start in found:
                        continue
                    if prefilter.raw(text[start:end]):
                        found.add(start)
        for start in found:
            self._sentence(start)
        return sorted(found)


def _other_year(before: str, year: int | None) -> bool:
    """Whether the nearest year named in ``before`` is not ``year``."""
    named = list(_YEAR.finditer(before))
    return bool(named) and _names_other(named[-1], year)


def _names_other(last: regex.Match[str], year: int | None) -> bool:
    if last["this"]:
        return False
    if last["other"] or year is None:
        return True
    return int(last["year"]) != year


class _Sentence:
    """One sentence's clause ends and named years, found once for all its matches."""

    def __init__(self, sentence: str) -> None:
        self.sentence = sentence
        self.clause_ends = [match.end() for match in _CLAUSE_END.finditer(sentence)]
        self.years = list(_YEAR.finditer(sentence))
        self.year_ends = [match.end() for match in self.years]
        self.found: dict[str, list[int]] = {}

    def holds(self, literal: str, start: int, end: int) -> bool:
        """``literal in sentence[start:end]`` (``start <= end``), each literal found once."""
        if literal not in self.found:
            at, starts = self.sentence.find(literal), []
            while at >= 0:
                starts.append(at)
                at = self.sentence.find(literal, at + 1)
            self.found[literal] = starts
        starts = self.found[literal]
        index = bisect.bisect_left(starts, start)
        return index < len(starts) and starts[index] + len(literal) <= end

    def clause_start(self, position: int) -> int:
        """Where the clause holding ``position`` starts (after the last clause end before it)."""
        # A clause end is one character: it is before ``position`` when it ends at or before.
        index = bisect.bisect_right(self.clause_ends, position)
        return self.clause_ends[index - 1] if index else 0

    def other_year(self, position: int, year: int | None) -> bool:
        """``_other_year(sentence[:position], year)``.

        The years named in ``sentence[:position]`` are those of the whole sentence that end by
        ``position``, unless one starts before it and ends after it (then read again).
        """
        index = bisect.bisect_right(self.year_ends, position)
        if index < len(self.years) and self.years[index].start() < position:
            return _other_year(self.sentence[:position], year)
        return bool(index) and _names_other(self.years[index - 1], year)


def statements(statement: Statement, sentence: str, year: int | None) -> Iterator[tuple[int, str]]:
    """The counts ``statement`` reads in one sentence, each with the text it matched.

    A number several of its patterns match is read once.
    """
    found: list[tuple[int, int, int, str]] = []
    for pattern in statement.patterns:
        for match in _compiled(pattern).finditer(sentence):
            number = chinese_number(match["n"])
            if number is not None:
                found.append((match.start(), match.start("n"), number, match[0]))
    for pattern in statement.zero:
        found.extend(
            (match.start(), match.end(), 0, match[0])
            for match in _compiled(pattern).finditer(sentence)
        )
    if not found:
        return
    read = _Sentence(sentence)
    # A pattern of no special character matches itself only: looked up without a copy of the
    # clause, so that many matches in one long clause cost no more than one each.
    literals = [pattern for pattern in statement.exclude if _SPECIAL.isdisjoint(pattern)]
    excludes = [_compiled(p) for p in statement.exclude if not _SPECIAL.isdisjoint(p)]
    read_at: set[int] = set()  # where the numbers read so far are: two patterns, one number
    for start, number_at, number, matched in sorted(found):
        if number_at in read_at:
            continue
        clause_start = read.clause_start(start)
        if any(read.holds(literal, clause_start, number_at) for literal in literals):
            continue
        if excludes and any(p.search(sentence[clause_start:number_at]) for p in excludes):
            continue
        if read.other_year(start, year):
            continue
        read_at.add(number_at)
        yield number, matched


# --------------------------------------------------------------------------------------------
# The built-in statements, read by alignment as well as by the checks.


@attrs.frozen
class Declared:
    """A statement of a built-in ``narrative`` rule.

    Attributes:
        rule: The rule's id (``narrative.received``).
        variants: The forms the rule applies to; all when empty.
        statement: The statement.
    """

    rule: str
    variants: tuple[str, ...]
    statement: Statement


def _statement(raw: Mapping[str, Any]) -> Statement:
    subject = raw["subject"]
    return Statement(
        cells=tuple(raw["cells"]),
        patterns=tuple(raw.get("patterns", ())),
        subject=Text(subject["zh"], subject["en"]),
        zero=tuple(raw.get("zero", ())),
        exclude=tuple(raw.get("exclude", ())),
    )


@functools.cache
def builtin_statements() -> tuple[Declared, ...]:
    """The statements of the built-in ``narrative`` rules (one report), in declaration order."""
    return tuple(
        Declared(rule["id"], tuple(rule.get("variants", ())), _statement(raw))
        for rule in builtin_rules()
        if rule.get("kind") == "narrative" and rule.get("scope", "report") == "report"
        for raw in rule.get("statements", ())
    )


@functools.cache
def _cell_keys(variant: str) -> frozenset[str]:
    form = forms().get(variant)
    if form is None:
        return frozenset()
    return frozenset(key for table in form.tables for key in table.cell_keys())


@attrs.frozen
class Stated:
    """A number the text states for a cell or a sum of cells.

    Attributes:
        rule: The ``narrative`` rule whose statement found it.
        cells: The cells whose sum the number states.
        value: The number.
        quote: The sentence it was read from.
    """

    rule: str
    cells: tuple[str, ...]
    value: int
    quote: str


@functools.lru_cache(maxsize=8)
def stated(text: str, variant: str, year: int | None = None) -> tuple[Stated, ...]:
    """What ``text`` states, by the built-in statements whose cells the form ``variant`` has.

    The last few texts' statements are kept, so that alignment may ask again for each table
    and each form it tries.

    Args:
        text: The report's text outside its tables (`Report.text`).
        variant: The form (``2019``, ``2021``); statements naming cells it lacks are not read.
        year: The report's year: a match naming another year before it is not read (with no
            year, a match naming any year is not read).

    Returns:
        Each statement found once per sentence and number, in the order of the declarations
        and of the text.
    """
    keys = _cell_keys(variant)
    text_sentences = RawSentences(text)
    found: list[Stated] = []
    for declared in builtin_statements():
        statement = declared.statement
        if declared.variants and variant not in declared.variants:
            continue
        if not set(statement.cells) <= keys:
            continue
        seen: set[tuple[str, int]] = set()
        for index in text_sentences.candidates((*statement.patterns, *statement.zero)):
            sentence = text_sentences.sentences[index]
            for number, _ in statements(statement, sentence, year):
                if (sentence, number) not in seen:
                    seen.add((sentence, number))
                    found.append(Stated(declared.rule, statement.cells, number, sentence))
    return tuple(found)


def stated_values(
    text: str, variant: str, year: int | None = None
) -> dict[tuple[str, ...], tuple[Value, ...]]:
    """The numbers ``text`` states, by the cells whose sum each states (see `stated`).

    A measure the text states two different numbers for has both, in the order of the text:
    such a text decides nothing about it.
    """
    values: dict[tuple[str, ...], tuple[Value, ...]] = {}
    for found in stated(text, variant, year):
        known = values.get(found.cells, ())
        if found.value not in known:
            values[found.cells] = (*known, found.value)
    return values


@attrs.frozen
class TextChoice:
    """The one reading the text supports, of several the statute leaves open.

    Attributes:
        reading: Its index among the readings given to `decide`.
        statements: The statements it agrees with and every other reading contradicts
            at least one of.
    """

    reading: int
    statements: tuple[Stated, ...]

    def doubt(self, text: str) -> Doubt:
        """The doubt a cell chosen by the text carries: ``text`` is the run as printed."""
        quotes = "; ".join(dict.fromkeys(found.quote for found in self.statements))
        return Doubt.of("run.chosen_text", text=text, quote=quotes)


def _sum(cells: Sequence[str], values: Mapping[str, Value]) -> Value:
    return sum((values[key] for key in cells), start=0)


def decide(found: Iterable[Stated], readings: Sequence[Mapping[str, Value]]) -> TextChoice | None:
    """Which of ``readings`` the text supports, when it supports exactly one.

    ``readings`` are the readings of a table's cells that the form and the statute's relations
    leave open (each the values of the cells it reads, with the cells read otherwise). A
    measure the text states two different numbers for is not used. A reading *agrees* with the
    text when every measure whose cells it all reads has its stated number, and one measure at
    least does; it *disagrees* when one such measure has another number. The text decides only
    when exactly one reading agrees and every other disagrees: a reading the text says nothing
    about is as good as any, and a text that agrees with no reading decides nothing (the
    ``narrative`` checks then report it, if the cells are read).

    Returns:
        The reading chosen, with the statements that decided it; None when the text decides
        nothing.
    """
    statements_found = tuple(found)
    numbers: dict[tuple[str, ...], set[int]] = {}
    for one in statements_found:
        numbers.setdefault(one.cells, set()).add(one.value)
    measures = {cells: next(iter(values)) for cells, values in numbers.items() if len(values) == 1}
    if len(readings) < 2 or not measures:
        return None
    verdicts: list[bool | None] = []
    for values in readings:
        judged = [
            _sum(cells, values) == number
            for cells, number in measures.items()
            if all(key in values for key in cells)
        ]
        verdicts.append(all(judged) if judged else None)
    agreeing = [index for index, verdict in enumerate(verdicts) if verdict is True]
    if len(agreeing) != 1 or verdicts.count(False) != len(readings) - 1:
        return None
    chosen = readings[agreeing[0]]
    deciding = tuple(
        one
        for one in statements_found
        if one.cells in measures
        and all(key in chosen for key in one.cells)
        and any(
            all(key in other for key in one.cells) and _sum(one.cells, other) != one.value
            for index, other in enumerate(readings)
            if index != agreeing[0]
        )
    )
    return TextChoice(agreeing[0], deciding)
