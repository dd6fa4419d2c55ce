# SPDX-License-Identifier: MIT
"""``gkbg check-series`` and ``gkbg check-rollup``."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from gkbg.cli import main
from tests.helpers import FIXTURES, SEEDS, pipe_text

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

HONGZE = [str(FIXTURES / "corpus" / f"hongze-district-{year}.pdf") for year in (2023, 2024)]


def _write(directory: Path, name: str, year: int, cells: Mapping[str, object]) -> str:
    path = directory / name
    title = f"某某区人民政府{year}年政府信息公开工作年度报告"
    path.write_text(pipe_text("2021", cells, title=title), encoding="utf-8")
    return str(path)


def test_the_real_pair_is_a_clean_series(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("pypdfium2")
    assert main(["check-series", *reversed(HONGZE), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [
        "series 淮安市洪泽区人民政府: 2023, 2024",
        "  0 errors, 0 warnings, no findings",
    ]


def test_a_broken_carry_over_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = _write(
        tmp_path,
        "a.txt",
        2022,
        {
            "applications.received.natural_person": 2,
            "applications.received.total": 2,
            "applications.carried_forward.natural_person": 2,
            "applications.carried_forward.total": 2,
        },
    )
    third = _write(tmp_path, "c.txt", 2024, {})
    second = _write(tmp_path, "b.txt", 2023, {})
    assert main(["check-series", third, first, second, "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert (
        "ERROR    series.carry_over  prev.applications.carried_forward.natural_person  "
        "this.applications.carried_over.natural_person  expected 2  found 0"
    ) in out
    assert "the 2022 report carries 2 applications forward" in out
    assert "2 errors, 0 warnings" in out
    assert main(["check-series", first, third, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["years"], data["gaps"], data["findings"]) == ([2022, 2024], [2023], [])


def test_reports_of_two_agencies_are_no_series(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-series", str(SEEDS[2]), str(SEEDS[3]), "--lang", "en"]) == 2
    assert "a series is one agency's reports" in capsys.readouterr().err


def test_a_summary_against_its_units(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cells = {"applications.received.natural_person": 3, "applications.received.total": 3}
    unit = _write(tmp_path, "unit.txt", 2023, cells)
    summary = _write(tmp_path, "region.txt", 2023, {})
    assert main(["check-rollup", summary, unit, unit, "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "WARNING  rollup.sum  applications.received.total  expected 6  found 0" in out
    assert "0 errors, 2 warnings" in out
    assert main(["check-rollup", summary, str(tmp_path / "none.txt")]) == 2
