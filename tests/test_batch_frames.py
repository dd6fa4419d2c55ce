"""Frames that keep numbers exact: findings, the long cells frame, and `gkbg.read_batch`."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gkbg
from gkbg import testing
from gkbg.write.records import finding_records_frame
from tests.helpers import FIXTURES, SEEDS

if TYPE_CHECKING:
    from pathlib import Path

    from gkbg.core.model import Report

pd: Any = pytest.importorskip("pandas")

YAOHAI = SEEDS[2]
XINGAN = FIXTURES.parent.parent / "examples" / "xingan-2024.txt"
TEMPLATE = FIXTURES / "docx" / "form-2021-template.docx"
NUMBERS = ["expected", "actual", "difference"]


def test_a_finding_without_numbers_leaves_the_others_integers() -> None:
    """The blank template's one finding has no number: the column is Int64, not 127.0/NaN."""
    frame = gkbg.findings_frame([YAOHAI, TEMPLATE])
    assert list(frame["rule"]) == [
        "applications.results_total",
        "applications.results_total",
        "table.unfilled",
    ]
    for field in NUMBERS:
        assert frame[field].dtype == "Int64"
    assert list(frame["expected"][:2]) == [127, 127]
    assert frame["expected"].isna().tolist() == [False, False, True]
    assert str(frame.loc[0, "actual"]) == "124"


def test_amounts_stay_decimals() -> None:
    """A column with a number that is not whole holds `Decimal`s, exactly; never a float."""
    base = dict.fromkeys(gkbg.FINDING_FIELDS)
    frame = finding_records_frame(
        [
            {**base, "expected": Decimal("7730.28"), "actual": 7731, "difference": Decimal("0.72")},
            {**base, "expected": None, "actual": None, "difference": None},
        ]
    )
    for field in NUMBERS:
        assert frame[field].dtype == object
    assert frame.loc[0, "expected"] == Decimal("7730.28")
    assert isinstance(frame.loc[0, "actual"], Decimal)
    assert frame.loc[0, "actual"] == 7731
    assert frame.loc[1, "expected"] is None


def test_the_long_cells_frame_has_year_and_agency() -> None:
    frame = gkbg.cells_frame([YAOHAI, XINGAN])
    assert list(frame.columns[-2:]) == ["year", "agency"]
    assert frame["year"].dtype == "Int64"
    assert set(frame["year"]) == {2019, 2024}
    assert set(frame["agency"]) == {"瑶海区人民政府", "兴安区"}


def _compare(got: Any, want: Any, columns: list[str]) -> None:
    assert list(got.columns) == list(want.columns)
    assert got.dtypes.to_dict() == want.dtypes.to_dict()
    for column in columns:
        assert got[column].tolist() == want[column].tolist(), column
        assert [type(v) for v in got[column]] == [type(v) for v in want[column]], column


@pytest.mark.parametrize("source", ["csv", "parquet"])
def test_read_batch_gives_the_frames_back(tmp_path: Path, source: str) -> None:
    if source == "parquet":
        pytest.importorskip("pyarrow")
    files = sorted([YAOHAI, XINGAN, TEMPLATE], key=lambda p: str(p.resolve()))
    out = tmp_path / "out"
    gkbg.batch([*files, tmp_path / "missing.pdf"], out, progress=False)
    frames = gkbg.read_batch(out, source=source)  # type: ignore[arg-type]
    assert repr(frames) == f"<BatchFrames: 4 files, {len(frames.cells)} cells, 3 findings>"
    reports = [gkbg.parse(path) for path in files]
    cells = gkbg.cells_frame(reports)
    _compare(frames.cells, cells, ["variant", "year", "agency", "key", "state", "value"])
    findings = gkbg.findings_frame([gkbg.check(report) for report in reports])
    _compare(frames.findings, findings, ["rule", "severity", "cells", *NUMBERS, "message_en"])
    summary = frames.summary
    assert summary["year"].dtype == "Int64"
    assert summary["errors"].dtype == "Int64"
    # rows by path: where the missing file's folder sorts depends on where the tests run
    missing = str((tmp_path / "missing.pdf").resolve())
    unread = [
        path == missing for path in sorted([*map(str, (p.resolve() for p in files)), missing])
    ]
    assert summary["status"].tolist() == ["unreadable" if u else "ok" for u in unread]
    assert summary["cells"].isna().tolist() == unread


def test_read_batch_of_a_folder_that_is_none(tmp_path: Path) -> None:
    with pytest.raises(gkbg.GkbgError, match="not the output folder of a batch"):
        gkbg.read_batch(tmp_path)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow,
          HealthCheck.function_scoped_fixture])  # fmt: skip
@given(report=st.one_of(testing.reports(), testing.reports(valid=False)))
def test_generated_reports_read_back_exactly(tmp_path: Path, report: Report) -> None:
    """Counts and amounts of any report, and its findings' numbers, survive CSV and Parquet."""
    report = attrs.evolve(report, source="generated.txt")
    result = gkbg.check(report)
    filed = gkbg.FileResult(
        source="generated.txt",
        size=1,
        mtime_ns=1,
        status="ok",
        variant=report.variant,
        year=report.year,
        agency=report.agency,
        tables=report.tables,
        findings=result.findings,
    )
    out = tmp_path / f"out-{abs(hash(report))}"
    gkbg.write_batch([filed], out, fresh=True)
    for source in ("csv", "parquet"):
        frames = gkbg.read_batch(out, source=source)
        want = gkbg.cells_frame(report)
        assert frames.cells["value"].tolist() == want["value"].tolist()
        assert [type(v) for v in frames.cells["value"]] == [type(v) for v in want["value"]]
        assert frames.cells["year"].tolist() == want["year"].tolist()
        findings = gkbg.findings_frame(result)
        for field in NUMBERS:
            assert frames.findings[field].tolist() == findings[field].tolist()
            assert frames.findings[field].dtype == findings[field].dtype


def test_batch_selects_and_ignores_checks(tmp_path: Path) -> None:
    everything = gkbg.batch([YAOHAI], tmp_path / "all", progress=False)
    assert everything.errors == 2
    ignored = gkbg.batch([YAOHAI], tmp_path / "some", ignore="applications", progress=False)
    assert ignored.errors == 0
    only = gkbg.batch([YAOHAI], tmp_path / "only", select=["applications.results_total"])
    assert only.errors == 2
    frames = gkbg.read_batch(tmp_path / "only")
    assert set(frames.findings["rule"]) == {"applications.results_total"}
    with pytest.raises(gkbg.RuleError, match="names no check"):
        gkbg.batch([YAOHAI], tmp_path / "typo", select="aplications")
    # the checks chosen are those the folder records: others are refused, not mixed in
    with pytest.raises(gkbg.GkbgError, match="fresh"):
        gkbg.batch([YAOHAI], tmp_path / "only", progress=False)
