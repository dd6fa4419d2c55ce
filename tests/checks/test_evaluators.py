# SPDX-License-Identifier: MIT
"""The evaluators of the rule kinds (`gkbg.checks.evaluators`): the compiled relations find what
evaluating each instance finds.

Each relation's instances are compiled into one function of plain numbers that says which fail
(the shortcut); with the program replaced by one that cannot read, the evaluation goes instance
by instance (the plain computation), and the findings are the same.
"""

from __future__ import annotations

from hypothesis import given, settings

import gkbg
from gkbg import Rule, Value
from gkbg.checks import evaluators as _evaluators
from gkbg.testing import Invalid, invalid_reports

# --------------------------------------------------------------------------------------------
# Relations: the compiled program against the evaluation instance by instance.


def _unprogrammed(rule: Rule, variant: str, table: str) -> _evaluators._Program:
    def unreadable(_: object) -> tuple[Value | None, ...]:
        raise KeyError(rule.id)

    del variant, table
    return _evaluators._Program(unreadable, lambda _: [])


@settings(max_examples=30, deadline=None)
@given(invalid_reports())
def test_the_compiled_relations_find_what_each_instance_finds(invalid: Invalid) -> None:
    report = invalid.report
    compiled = gkbg.check(report)
    original = _evaluators._program
    _evaluators._program = _unprogrammed  # type: ignore[assignment]
    try:
        plain = gkbg.check(report)
    finally:
        _evaluators._program = original
    assert compiled == plain
    assert compiled.errors
