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

import functools
from typing import TYPE_CHECKING

import regex

from gkbg._findings import Finding, NotCheckable
from gkbg._text import nfkc

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from gkbg._model import Report, Value
    from gkbg._rules import Rule, Statement

__all__ = ["chinese_number", "narrative", "sentences", "statements"]

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


def sentences(text: str) -> list[str]:
    """The sentences of a report's text, NFKC-normalised, white space removed."""
    pieces = (_SPACE.sub("", nfkc(piece)) for piece in _SENTENCE_END.split(text))
    return [piece for piece in pieces if piece]


@functools.cache
def _compiled(pattern: str) -> regex.Pattern[str]:
    return regex.compile(pattern)


def _other_year(before: str, year: int | None) -> bool:
    """Whether the nearest year named in ``before`` is not ``year``."""
    named = list(_YEAR.finditer(before))
    if not named:
        return False
    last = named[-1]
    if last["this"]:
        return False
    if last["other"] or year is None:
        return True
    return int(last["year"]) != year


def _clause_start(sentence: str, position: int) -> int:
    starts = [match.end() for match in _CLAUSE_END.finditer(sentence, 0, position)]
    return starts[-1] if starts else 0


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
    for start, number_at, number, matched in sorted(found):
        clause = sentence[_clause_start(sentence, start) : number_at]
        if any(_compiled(pattern).search(clause) for pattern in statement.exclude):
            continue
        if _other_year(sentence[:start], year):
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


def narrative(rule: Rule, report: Report) -> Iterator[Finding | NotCheckable]:
    """Evaluate a ``narrative`` rule on a report."""
    cells = {cell.key: cell for cell in report.iter_cells()}
    read = sentences(report.text)
    for statement in rule.statements:
        if any(key not in cells for key in statement.cells):
            continue
        missing = tuple(key for key in statement.cells if cells[key].value is None)
        seen: set[tuple[str, int]] = set()
        for sentence in read:
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
