"""A batch survives a file that takes too long: the file is stopped, named, and the rest read.

The slow file is made slow by a reader that sleeps on it (any format could be: the limit is
the batch's, around the whole reading and checking of a file in its worker process).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import pytest

import gkbg
from gkbg import _batch
from gkbg.cli import main
from tests.helpers import SEEDS

if TYPE_CHECKING:
    from pathlib import Path

LIMIT = 5.0
"""Seconds a file may take: far above a seed's reading even on a loaded machine, far below the
minute the slow file takes."""


def _slow_parse(real: Any) -> Any:
    def parse(source: Any, **options: Any) -> Any:
        if "slow" in str(source):
            time.sleep(60)  # as a super-linear page or a blocked read would
        return real(source, **options)

    return parse


@pytest.fixture
def slow_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files named ``slow*`` take a minute to read; the workers are forked so they see it."""
    monkeypatch.setattr(_batch, "parse", _slow_parse(gkbg.parse))
    monkeypatch.setattr(_batch, "_start_method", lambda: "fork")


@pytest.mark.usefixtures("slow_reader")
@pytest.mark.parametrize("jobs", [2, None])
def test_a_file_over_the_time_limit_is_stopped_and_the_batch_goes_on(
    tmp_path: Path, jobs: int | None
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    slow = folder / "slow.txt"
    slow.write_bytes(SEEDS[2].read_bytes())
    others = []
    for index, seed in enumerate(SEEDS[:4]):
        other = folder / f"report-{index}.txt"
        other.write_bytes(seed.read_bytes())
        others.append(other)
    limits = gkbg.Limits(isolate=True, max_seconds=LIMIT)
    began = time.monotonic()
    summary = gkbg.batch([folder], tmp_path / "out", jobs=jobs, limits=limits, progress=False)
    took = time.monotonic() - began
    assert took < 30, took  # not the minute the slow file would take
    assert summary.files == 5
    assert summary.ok == 4
    assert summary.unreadable == 1
    assert summary.failed == 0
    ((source, error_class, message),) = summary.problems
    assert source == str(slow)
    assert error_class == "LimitExceededError"
    assert str(slow) in message
    assert "max_seconds" in message
    # the files read beside it were read, in full, once each
    frames = gkbg.read_batch(tmp_path / "out", source="csv")
    statuses = dict(zip(frames.summary["source"], frames.summary["status"], strict=True))
    assert statuses == {str(slow): "unreadable", **{str(p): "ok" for p in others}}
    assert summary.read == 5


@pytest.mark.usefixtures("slow_reader")
def test_a_slow_file_read_alone_is_stopped_too(tmp_path: Path) -> None:
    """The worker of its own that a suspect file gets after a crash has the limit as well."""
    slow = tmp_path / "slow.txt"
    slow.write_bytes(SEEDS[2].read_bytes())
    setup = _batch._Setup(None, None, gkbg.Limits(max_seconds=LIMIT))
    began = time.monotonic()
    result = _batch._alone(str(slow), setup)
    assert time.monotonic() - began < 20
    assert result.status == "unreadable"
    assert result.error_class == "LimitExceededError"
    assert result.error is not None
    assert str(slow) in result.error


def test_the_limit_is_a_field_of_limits_with_a_default() -> None:
    assert gkbg.Limits().max_seconds == 120
    with pytest.raises(ValueError, match="max_seconds"):
        gkbg.Limits(max_seconds=0)


@pytest.mark.usefixtures("slow_reader")
def test_the_command_takes_the_limit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    slow = tmp_path / "slow.txt"
    slow.write_bytes(SEEDS[3].read_bytes())
    fine = tmp_path / "fine.txt"
    fine.write_bytes(SEEDS[3].read_bytes())
    out = tmp_path / "out"
    status = main(["batch", str(slow), str(fine), "--out", str(out), "--max-seconds", "5"])
    assert status == 2  # a file could not be read
    shown = capsys.readouterr()
    assert f"LimitExceededError: {slow}: reading and checking it took more than 5 s" in shown.out
    assert main(["batch", str(fine), "--out", str(tmp_path / "x"), "--max-seconds", "0"]) == 2
    assert "--max-seconds" in capsys.readouterr().err
