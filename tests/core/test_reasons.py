# SPDX-License-Identifier: MIT
"""The reasons a cell is doubtful, in Chinese: every reason the parsers give has its Chinese."""

from __future__ import annotations

import re

import pytest

import gkbg
from gkbg.core.lang import _REASONS, reason_zh, reasons_zh
from tests.helpers import FIXTURES, SEEDS

GRID = FIXTURES / "grid"
LATIN = re.compile(r"[A-Za-z]")


def _instance(pattern: str) -> str:
    """An English reason the pattern matches, its placeholders filled with Chinese labels."""
    text = re.sub(r"\(\?P<\w+>\\d\+\)", "3", pattern)
    text = re.sub(r"\(\?P<\w+>\.\+\)", "法律服务机构", text)
    return re.sub(r"\\(.)", r"\1", text)


@pytest.mark.parametrize("pattern", [english.pattern for english, _ in _REASONS])
def test_every_reason_has_its_chinese(pattern: str) -> None:
    reason = _instance(pattern)
    chinese = reason_zh(reason)
    assert chinese is not None, reason
    assert not LATIN.search(chinese), chinese
    assert "3" in chinese or "3" not in reason, "numbers are kept"
    assert "法律服务机构" in chinese or "法律服务机构" not in reason, "labels are kept"


def test_a_reason_without_its_chinese_is_shown_as_it_is() -> None:
    assert reason_zh("a reason of a plugin parser") is None
    assert reasons_zh(
        ["a reason of a plugin parser", "its text runs over the cell's ruling line"]
    ) == ("a reason of a plugin parser；其文字越过了单元格的表格线")


def _real_reasons() -> set[str]:
    reasons: set[str] = set()
    for path in [*SEEDS, *sorted(GRID.glob("*.html")), *sorted((FIXTURES / "html").glob("*.html"))]:
        try:
            report = gkbg.parse(path)
        except gkbg.GkbgError:
            continue
        reasons.update(reason for cell in report.uncertain_cells() for reason in cell.uncertain)
    return reasons


def test_the_reasons_of_the_fixtures_all_have_their_chinese() -> None:
    reasons = _real_reasons()
    assert len(reasons) >= 3
    assert {reason for reason in reasons if reason_zh(reason) is None} == set()


def test_the_chinese_message_of_an_unread_cell_gives_the_reason_in_chinese() -> None:
    report = gkbg.parse(GRID / "cms-2019-split-bare.html")
    findings = gkbg.check(report).by_rule("cell.unread")
    assert findings
    for finding in findings:
        assert finding.message.zh.endswith("无法确定地读取：未读取：表格没有印“法律服务机构”列")
        assert not LATIN.search(finding.message.zh.replace(finding.cells[0], ""))
        assert finding.message.en.endswith("unread: the table prints no column 法律服务机构")
