# SPDX-License-Identifier: MIT
"""The ``narrative`` rules: numbers the report's text states, against its tables.

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
from typing import TYPE_CHECKING

import regex

from gkbg._findings import Finding, NotCheckable
from gkbg._text import nfkc

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping

    from gkbg._model import Cell, Report, Value
    from gkbg._rules import Rule, Statement

__all__ = ["Sentences", "chinese_number", "narrative", "required_chars", "sentences", "statements"]

_SENTENCE_END = regex.compile(
    # Sentence punctuation; and a line break before a heading (一、 （二） 3.) or after a
    # title or heading line (…年度报告, …情况, …事项). Other line breaks are where a PDF wrapped
    # the line, inside a sentence.
    r"[。；;！!？?]"
    r"|\n(?=[^\S\n]*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d+[、.．]\D))"
    r"|(?<=报告|情况|事项)[^\S\n]*\n"
)
_SPACE = regex.compile(r"\s+")
_CLAUSE_END = regex.compile(r"[，,：:、（）()]")
_YEAR = regex.compile(
    r"(?P<year>(?:19|20)\d{2})年|(?P<other>上一?年度?|去年|前年|往年)|(?P<this>本年度?|今年|全年|当年)"
)
_QUOTE_LIMIT = 120

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
# turns into ``。`` (tests/test_shortcuts.py checks that these are all of them).
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


class _Reader:
    """A reader of the plain subset of regular expressions the built-in patterns use."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.at = 0

    def peek(self, length: int = 1) -> str:
        return self.pattern[self.at : self.at + length]

    def alternatives(self) -> frozenset[str]:
        required = self.sequence()
        while self.peek() == "|":
            self.at += 1
            required &= self.sequence()
        return required

    def sequence(self) -> frozenset[str]:
        required: frozenset[str] = frozenset()
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

    def atom(self) -> frozenset[str]:
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
                return frozenset(escaped)
            raise _Unsupported
        self.at += 1
        if char in (".", "^", "$"):
            return frozenset()
        if char in _SPECIAL:
            raise _Unsupported
        return frozenset(char)

    def group(self) -> frozenset[str]:
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

    def char_class(self) -> frozenset[str]:
        end = self.pattern.find("]", self.at + 2)
        inside = self.pattern[self.at + 1 : end]
        if end < 0 or any(char in inside for char in "[]\\"):
            raise _Unsupported
        self.at = end + 1
        if len(inside) == 1 and inside not in "^-":
            return frozenset(inside)
        return frozenset()


@functools.cache
def required_chars(pattern: str) -> frozenset[str]:
    """Characters every match of ``pattern`` contains (none known: the empty set).

    Read from the pattern: a literal character is required, so is what a group, a repeat of at
    least once, or every alternative requires; lookarounds match nothing. Patterns beyond the
    plain subset the built-in patterns use (flags, sets in sets, back references, ...) require
    nothing.
    """
    reader = _Reader(pattern)
    try:
        required = reader.alternatives()
    except _Unsupported:
        return frozenset()
    if reader.at != len(pattern):  # an unmatched ``)``
        return frozenset()
    return required


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
    """The counts ``statement`` reads in one sentence, each with the text it matched."""
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
    for start, number_at, number, matched in sorted(found):
        clause_start = read.clause_start(start)
        if any(read.holds(literal, clause_start, number_at) for literal in literals):
            continue
        if excludes and any(p.search(sentence[clause_start:number_at]) for p in excludes):
            continue
        if read.other_year(start, year):
            continue
        yield number, matched


def _fields(quote: str, stated: int, expected: Value, statement: Statement) -> Mapping[str, object]:
    return {
        "quote": quote,
        "stated": stated,
        "expected": expected,
        "actual": stated,
        "subject_zh": statement.subject.zh,
        "subject_en": statement.subject.en,
    }


def narrative(
    rule: Rule,
    report: Report,
    cells: Mapping[str, Cell] | None = None,
    text: Sentences | None = None,
) -> Iterator[Finding | NotCheckable]:
    """Evaluate a ``narrative`` rule on a report.

    ``cells`` (the report's cells by key) and ``text`` (its sentences) are built when not given.
    """
    if cells is None:
        cells = {cell.key: cell for cell in report.iter_cells()}
    if text is None:
        text = Sentences(report.text)
    for statement in rule.statements:
        if any(key not in cells for key in statement.cells):
            continue
        missing = tuple(key for key in statement.cells if cells[key].value is None)
        seen: set[tuple[str, int]] = set()
        for index in text.candidates((*statement.patterns, *statement.zero)):
            sentence = text.sentences[index]
            for stated, matched in statements(statement, sentence, report.year):
                if (sentence, stated) in seen:
                    continue
                seen.add((sentence, stated))
                if missing:
                    yield NotCheckable(rule.id, statement.cells, missing)
                    continue
                numbers = [cells[key].value for key in statement.cells]
                table_value: Value = sum((n for n in numbers if n is not None), start=0)
                if stated == table_value:
                    continue
                quote = sentence if len(sentence) <= _QUOTE_LIMIT else matched
                yield Finding(
                    rule.id,
                    rule.severity,
                    rule.message.fill(_fields(quote, stated, table_value, statement)),
                    statement.cells,
                    table_value,
                    stated,
                    quote,
                )
