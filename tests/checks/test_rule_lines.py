# SPDX-License-Identifier: MIT
"""A rule file at fault is refused with the file, the line, the rule and the key."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

import gkbg

if TYPE_CHECKING:
    from pathlib import Path

GOOD = """schema_version = 1

[[rules]]
id = "province.first"
kind = "compare"
severity = "warning"
table = "applications"
lhs = ["applications.total.natural_person"]
op = "<="
rhs = ["applications.received.natural_person"]
title = { zh = "x", en = "x" }
message = { zh = "x", en = "x" }

[[rules]]
id = "province.second"
kind = "sum"
severity = "warning"
table = "applications"
total = "applications.total.total"
items = [
    "applications.granted.total",
    "applications.partially_granted.total",
]
title = { zh = "x", en = "x" }
message = { zh = "x", en = "x" }
"""


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        ('op = "<="', 'op = "<>"', 9, "@ $.rules[0].op"),
        ('op = "<="', 'op = "<="\ncolour = "red"', 10, "extra fields found (colour)"),
        (
            'table = "applications"\ntotal',
            'table = "appeal"\ntotal',
            18,
            "rule 'province.second': table",
        ),
        (
            '    "applications.partially_granted.total",',
            '    "applications.{row}.total",',
            22,
            "uses row",
        ),
        ('kind = "sum"', 'kind = "sum"\nscope = "yearly"', 17, "@ $.rules[1].scope"),
        (
            'severity = "warning"\ntable = "applications"\nlhs',
            'severity = 2\ntable = "applications"\nlhs',
            6,
            "severity",
        ),
    ],
)
def test_the_line_at_fault_is_named(old: str, new: str, line: int, message: str) -> None:
    assert GOOD.count(old) == 1
    with pytest.raises(gkbg.RuleError) as raised:
        gkbg.RuleSet.from_toml(GOOD.replace(old, new))
    assert str(raised.value).startswith(f"<rules>:{line}: ")
    assert message in str(raised.value)


def test_a_file_is_named_with_its_line(tmp_path: Path) -> None:
    assert len(gkbg.RuleSet.from_toml(GOOD)) == 2
    path = tmp_path / "province.toml"
    path.write_text(GOOD.replace('op = "<="', 'op = "<>"'), encoding="utf-8")
    with pytest.raises(gkbg.RuleError, match=rf"^{path}:9: not a valid rule file"):
        gkbg.RuleSet.from_toml(path)
