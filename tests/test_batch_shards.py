"""Batch shards: each worker records its own files; the outputs are those of one process."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gkbg
from gkbg import _batch
from gkbg.testing import blanked_reports, invalid_reports, mixed_reports, reports
from tests.helpers import FIXTURES, SEEDS, run_fresh

if TYPE_CHECKING:
    from pathlib import Path

OUTPUTS = ("summary.csv", "cells.csv", "findings.csv")
HTML = FIXTURES / "html" / "county_2020_gbk.html"


def _inputs(folder: Path, count: int) -> list[Path]:
    """``count`` files in ``folder``, copies of the seeds and the county page in turn, and
    two that gkbg cannot read."""
    sources = [*SEEDS, HTML]
    folder.mkdir()
    files = []
    for index in range(count):
        source = sources[index % len(sources)]
        files.append(folder / f"{index:03}{source.suffix}")
        shutil.copy(source, files[-1])
    (folder / "empty.txt").write_bytes(b"")
    (folder / "notes.txt").write_text("会议纪要，没有任何表格。\n", encoding="utf-8")
    return [*files, folder / "empty.txt", folder / "notes.txt"]


def _same_outputs(one: Path, other: Path) -> None:
    for name in OUTPUTS:
        assert (one / name).read_bytes() == (other / name).read_bytes(), name
    pq = pytest.importorskip("pyarrow.parquet")
    for name in OUTPUTS:
        parquet = name.replace(".csv", ".parquet")
        assert pq.read_table(one / parquet).equals(pq.read_table(other / parquet)), parquet


def test_workers_shards_make_the_outputs_one_process_makes(tmp_path: Path) -> None:
    files = _inputs(tmp_path / "in", 14)
    alone = gkbg.batch(files, tmp_path / "alone", jobs=1)
    pooled = gkbg.batch(files, tmp_path / "pooled", jobs=2, progress=False)
    _same_outputs(tmp_path / "alone", tmp_path / "pooled")
    assert pooled.files == alone.files == len(files)
    assert (pooled.ok, pooled.unreadable, pooled.errors) == (alone.ok, 2, alone.errors)
    assert not (tmp_path / "pooled" / _batch.SHARDS).exists(), "merged and removed"
    # the manifest holds the same records, in the order the files were finished
    records = {line["key"]: line for line in _batch._lines(tmp_path / "pooled")}
    assert records == {line["key"]: line for line in _batch._lines(tmp_path / "alone")}


def test_shards_cut_short_by_a_kill_resume_to_the_same_outputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker killed mid-line loses its file in flight only; a record whose rows' place was
    not written yet has its rows made from the record."""
    files = _inputs(tmp_path / "in", 6)
    reference = tmp_path / "reference"
    gkbg.batch(files, reference, jobs=1)
    out = tmp_path / "out"
    _batch._settled(out, _batch._fingerprint(), fresh=False)
    shard = _batch._Shard(out, "w")
    for path in files[:5]:
        shard.add(gkbg.batch_file(path))
    shard.close()
    where = out / _batch.SHARDS
    manifest = where / f"{shard.name}.jsonl"
    lines = manifest.read_bytes().splitlines(keepends=True)
    manifest.write_bytes(b"".join(lines[:-1]) + lines[-1][:100])  # killed writing the 5th
    index = where / f"{shard.name}.index.jsonl"
    entries = index.read_bytes().splitlines(keepends=True)
    index.write_bytes(b"".join(entries[:1] + entries[2:]))  # the 2nd's place never written

    assert gkbg.batch_files(files, out=out) == sorted(str(p) for p in files[4:])
    made: list[str] = []
    real = _batch._read_record

    def read_record(*args: Any) -> gkbg.FileResult:
        result = real(*args)
        made.append(result.source)
        return result

    monkeypatch.setattr(_batch, "_read_record", read_record)
    resumed = gkbg.batch(files, out, jobs=1)
    assert resumed.read == len(files) - 4
    # rows made from records: this run's files (read in this process), and of the shard's
    # only the one whose rows' place was lost; the others are copied from the shard
    assert sorted(made) == sorted(str(p) for p in [files[1], *files[4:]])
    _same_outputs(out, reference)
    assert not where.exists()


def test_a_killed_pool_run_resumes_to_the_outputs_of_a_whole_run(tmp_path: Path) -> None:
    """``gkbg batch --jobs 2`` killed (SIGKILL, coordinator and workers) while it reads."""
    files = _inputs(tmp_path / "in", 60)
    reference = tmp_path / "reference"
    gkbg.batch(files, reference, jobs=1)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "gkbg", "batch", str(tmp_path / "in"), "--out", str(out)]
    command += ["--jobs", "2", "--no-progress"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    run = subprocess.Popen(command, env=env, start_new_session=True, stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and run.poll() is None:
            recorded = sum(1 for _ in _batch._lines(out)) if out.exists() else 0
            if recorded >= 8:
                break
            time.sleep(0.05)
    finally:
        os.killpg(run.pid, signal.SIGKILL)
        run.wait()
    done_before = len(files) - len(gkbg.batch_files(files, out=out))
    assert 8 <= done_before < len(files), "killed mid-run"
    assert not (out / "cells.csv").exists()
    resumed = gkbg.batch(files, out, jobs=2, progress=False)
    assert (resumed.read, resumed.skipped) == (len(files) - done_before, done_before)
    assert resumed.files == len(files)
    _same_outputs(out, reference)
    assert not (out / _batch.SHARDS).exists()


def test_a_fresh_run_forgets_the_shards(tmp_path: Path) -> None:
    files = _inputs(tmp_path / "in", 2)
    out = tmp_path / "out"
    _batch._settled(out, _batch._fingerprint(), fresh=False)
    shard = _batch._Shard(out, "w")
    shard.add(gkbg.batch_file(files[0]))
    shard.close()
    assert gkbg.batch_files(files, out=out) == sorted(str(p) for p in files[1:])
    summary = gkbg.batch(files, out, jobs=1, fresh=True)
    assert (summary.read, summary.skipped) == (len(files), 0)


def test_write_batch_merges_the_shards_a_killed_run_left(tmp_path: Path) -> None:
    """Results made elsewhere (Dask) join a folder whose last `batch` was killed."""
    files = _inputs(tmp_path / "in", 3)
    reference = tmp_path / "reference"
    gkbg.batch(files, reference, jobs=1)
    out = tmp_path / "out"
    _batch._settled(out, _batch._fingerprint(), fresh=False)
    shard = _batch._Shard(out, "w")
    shard.add(gkbg.batch_file(files[0]))
    shard.close()
    todo = gkbg.batch_files(files, out=out)
    summary = gkbg.write_batch((gkbg.batch_file(path) for path in todo), out)
    assert (summary.files, summary.read) == (len(files), len(files) - 1)
    _same_outputs(out, reference)
    assert not (out / _batch.SHARDS).exists()


def _from_the_manifest(result: gkbg.FileResult) -> gkbg.FileResult:
    """``result`` as `_write_outputs` reads it back from its manifest line."""
    data = json.loads(_batch._manifest_line(result))
    data.pop("key")
    return _batch._expand(data)


def _same_rows(result: gkbg.FileResult) -> None:
    back = _from_the_manifest(result)
    assert _batch._chunks(result) == _batch._chunks(back)
    assert _batch._Counts.tally(result) == _batch._Counts.tally(back)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        reports(),
        invalid_reports().map(lambda invalid: invalid.report),
        blanked_reports().map(lambda blanked: blanked.report),
        mixed_reports(),
    )
)
def test_a_shard_writes_the_rows_the_manifest_record_gives(report: gkbg.Report) -> None:
    """A worker makes a file's rows from its result, not from its record read back: the same
    bytes, on generated reports with every kind of cell and finding."""
    result = gkbg.check(report)
    _same_rows(
        gkbg.FileResult(
            "报告.txt",
            10,
            20,
            "ok",
            format="pipe",
            variant=report.variant,
            year=report.year,
            agency=report.agency,
            tables=tuple(_batch._bare(table) for table in report.tables),
            findings=result.findings,
            not_checkable=len(result.not_checkable),
        )
    )


REAL = [
    *SEEDS,
    *sorted((FIXTURES / "corpus").glob("*.pdf"))[:1],
    HTML,
    FIXTURES / "docx" / "form-2021-template.docx",
    *sorted((FIXTURES / "xlsx").glob("*.xlsx")),
]


@pytest.mark.parametrize("path", REAL, ids=lambda path: path.name)
def test_a_shard_writes_the_rows_the_manifest_record_gives_for_real_documents(
    path: Path,
) -> None:
    _same_rows(gkbg.batch_file(path))


def test_a_shard_writes_the_rows_of_files_not_read(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    _same_rows(gkbg.batch_file(tmp_path / "empty.txt"))
    _same_rows(gkbg.batch_file(tmp_path / "missing.pdf"))
    _same_rows(_batch._died(str(tmp_path / "gone.pdf")))
    _same_rows(_batch._overran(str(tmp_path / "slow.pdf"), 1.5))


def test_a_worker_whose_shard_failed_to_write_goes_on_in_a_new_shard(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows half written (a full disk) leave where the next rows begin unknown: never reused."""
    files = _inputs(tmp_path / "in", 3)
    out = tmp_path / "out"
    _batch._settled(out, _batch._fingerprint(), fresh=False)
    monkeypatch.setitem(_batch._WORKER, "setup", _batch._Setup(None, None, gkbg.Limits(), str(out)))
    monkeypatch.setitem(_batch._WORKER, "started", type("Q", (), {"put": lambda *_: None})())
    _batch._work(str(files[0]))
    first = _batch._WORKER["shard"]
    real = _batch._Shard.add

    def failing(self: _batch._Shard, _result: gkbg.FileResult) -> None:
        self.rows["cells"].write(b"half a row")
        message = "No space left on device"
        raise OSError(message)

    monkeypatch.setattr(_batch._Shard, "add", failing)
    with pytest.raises(OSError, match="No space"):
        _batch._work(str(files[1]))
    assert "shard" not in _batch._WORKER
    monkeypatch.setattr(_batch._Shard, "add", real)
    _batch._work(str(files[2]))
    assert _batch._WORKER["shard"].name != first.name
    _batch._WORKER.pop("shard").close()
    first.close()
    reference = tmp_path / "reference"
    gkbg.batch(files, reference, jobs=1)
    # the file whose record failed, and the two not given to the worker
    assert gkbg.batch_files(files, out=out) == sorted(str(p) for p in [files[1], *files[3:]])
    gkbg.batch(files, out, jobs=1)
    _same_outputs(out, reference)


def test_the_coordinator_reads_nothing_and_imports_no_stage(tmp_path: Path) -> None:
    """With workers, ``gkbg batch`` hands out files and merges: the readers, the alignment,
    the checks and the exports are imported by the workers only, and the first worker's
    fingerprint and headers are those one process makes (its results resume with one)."""
    files = _inputs(tmp_path / "in", 6)
    out = tmp_path / "out"
    script = (
        "import sys\n"
        "from gkbg.cli import main\n"
        f"status = main(['batch', {str(tmp_path / 'in')!r}, '--out', {str(out)!r}, "
        "'--jobs', '2', '--no-progress'])\n"
        "print(status, sorted(m for m in sys.modules if m.startswith('gkbg.') and "
        "m.split('.')[1] in ('read', 'align', 'checks', 'write')))\n"
    )
    lines = run_fresh(script)
    assert lines[-1] == "2 []"  # two files are unreadable
    settings = json.loads((out / _batch.SETTINGS).read_text(encoding="utf-8"))
    assert {k: settings[k] for k in ("gkbg", "checks", "rules", "format")} == _batch._fingerprint()
    again = gkbg.batch(files, out, jobs=1)
    assert (again.read, again.skipped) == (0, len(files))
    alone = tmp_path / "alone"
    gkbg.batch(files, alone, jobs=1)
    _same_outputs(out, alone)


def test_the_pool_forgets_when_finished_files_began() -> None:
    """What the pool keeps of the files it handed out does not grow with the batch."""
    workers = _batch._Workers.__new__(_batch._Workers)
    queue: list[tuple[str, int, float]] = []
    workers.started = type("Q", (), {"empty": lambda _: not queue, "get": lambda _: queue.pop(0)})()
    workers.began = {}
    now = time.monotonic()
    queue.extend((f"{index}.txt", 1, now - (100 if index == 999 else 0)) for index in range(1000))
    assert workers.overdue(["998.txt", "999.txt"], 50) == ["999.txt"]
    assert set(workers.began) == {"998.txt", "999.txt"}
