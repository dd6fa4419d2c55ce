# SPDX-License-Identifier: MIT
"""The ``narrative`` rules: numbers the report's text states, against its tables.

The statements are read from the text by `gkbg.core.statements`, which alignment shares (see
there which matches are read); here each number read is compared with the sum of its cells.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gkbg.checks.findings import Finding, NotCheckable
from gkbg.core.statements import RawSentences, Sentences, statements

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from gkbg.checks.rules import Rule
    from gkbg.core.model import Report, Value
    from gkbg.core.statements import Statement

__all__ = ["narrative"]

_QUOTE_LIMIT = 120


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
    values: Mapping[str, Value | None] | None = None,
    text: Sentences | RawSentences | None = None,
) -> Iterator[Finding | NotCheckable]:
    """Evaluate a ``narrative`` rule on a report.

    ``values`` (`Report.cells`) and ``text`` (its sentences) are built when not given.
    """
    if values is None:
        values = report.cells()
    if text is None:
        text = RawSentences(report.text)
    for statement in rule.statements:
        if any(key not in values for key in statement.cells):
            continue
        missing = tuple(key for key in statement.cells if values[key] is None)
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
                numbers = [values[key] for key in statement.cells]
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
