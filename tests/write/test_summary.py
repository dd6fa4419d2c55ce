"""The one summary line of a check: the counts of errors, warnings, doubts, unchecked relations."""

from __future__ import annotations

import gkbg
from gkbg.write.summary import summary_line
from tests.helpers import SEEDS, with_cell

XINGAN = SEEDS[3]


def test_the_summary_line_counts_what_there_is() -> None:
    report = gkbg.parse(XINGAN)
    clean = gkbg.check(report)
    assert summary_line(clean, "en") == "0 errors, 0 warnings, no findings"
    assert summary_line(clean, "zh") == "0 个错误，0 个警告，未发现问题"
    doubtful = with_cell(report, "applications.received.natural_person", uncertain=("a guess",))
    assert summary_line(clean, "en", report=doubtful) == (
        "0 errors, 0 warnings, 1 cell read with doubt"
    )
