"""Batch runs: mixed formats, unreadable files, worker processes, resuming, outputs, pickling."""

from __future__ import annotations

import concurrent.futures
import csv
import faulthandler
import io
import json
import os
import pickle
import shlex
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
import regex

import gkbg
from gkbg import _batch
from gkbg.cli import main
from tests.helpers import FIXTURES, golden, number

XLSX = FIXTURES / "xlsx" / "000_446c7f06a5526eef.xlsx"
# One real document of every format the fixtures hold.
MIXED = [
    *sorted((FIXTURES / "seeds").glob("*.txt")),
    *sorted((FIXTURES / "corpus").glob("*.pdf")),
    FIXTURES / "html" / "county_2020_gbk.html",
    FIXTURES / "docx" / "form-2021-template.docx",
    XLSX,
]


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.DictReader(stream))


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A folder of mixed formats, in subfolders, with files gkbg cannot read among them."""
    folder = tmp_path / "corpus"
    for document in MIXED:
        target = folder / document.parent.name / document.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(document, target)
    (folder / "broken").mkdir()
    (folder / "broken" / "empty.txt").write_bytes(b"")
    (folder / "broken" / "notes.txt").write_text("会议纪要，没有任何表格。\n", encoding="utf-8")
    (folder / "broken" / "truncated.docx").write_bytes(
        (FIXTURES / "docx" / "form-2021-template.docx").read_bytes()[:500]
    )
    (folder / ".hidden").mkdir()
    (folder / ".hidden" / "skip.txt").write_text("not a report", encoding="utf-8")
    return folder


def test_the_xlsx_fixture_reads_to_its_golden_cells() -> None:
    report = gkbg.parse(XLSX)
    wanted = golden(FIXTURES / "seeds" / f"{XLSX.stem}.txt")["cells"]
    assert isinstance(wanted, dict)
    assert report.cells() == {key: number(value) for key, value in wanted.items()}
    assert report.format == "xlsx"


def test_batch_files_expands_folders_globs_and_files(corpus: Path, tmp_path: Path) -> None:
    everything = gkbg.batch_files([corpus])
    assert len(everything) == len(MIXED) + 3
    assert not any(".hidden" in path for path in everything)
    assert everything == sorted(everything)
    pdfs = gkbg.batch_files([str(corpus / "**" / "*.pdf")])
    assert [Path(p).name for p in pdfs] == [p.name for p in MIXED if p.suffix == ".pdf"]
    # Each file once, however often it is named.
    assert gkbg.batch_files([corpus, *pdfs, corpus / "corpus"]) == everything
    missing = tmp_path / "no-such-file.pdf"
    assert gkbg.batch_files([missing]) == [str(missing)]
    typo = str(corpus / "**" / "*.pfd")
    assert gkbg.batch_files([typo]) == [typo]
    summary = gkbg.batch([missing, typo], tmp_path / "out", jobs=1)
    assert {(source, cls) for source, cls, _ in summary.problems} == {
        (str(missing), "DocumentError"),
        (typo, "DocumentError"),
    }


def test_a_mixed_folder_to_csv(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    summary = gkbg.batch([corpus], out, jobs=2)
    files = gkbg.batch_files([corpus])
    assert (summary.files, summary.read, summary.skipped) == (len(files), len(files), 0)
    assert (summary.ok, summary.unreadable, summary.failed) == (len(MIXED), 3, 0)
    problems = {Path(source).name: (cls, message) for source, cls, message in summary.problems}
    assert problems["empty.txt"][0] == "EmptyDocumentError"
    assert problems["notes.txt"][0] == "NoTablesError"
    assert problems["truncated.docx"][0] == "UnknownFormatError"
    assert all(message.startswith(str(corpus)) for _, message in problems.values())

    rows = read_csv(out / "summary.csv")
    for path in files[:3]:
        assert list(gkbg.batch_file(path).summary_record()) == list(gkbg.SUMMARY_FIELDS)
    assert [row["source"] for row in rows] == files
    assert [row["status"] for row in rows].count("unreadable") == 3
    formats = {row["format"] for row in rows if row["status"] == "ok"}
    assert formats == {"pipe", "text", "pdf", "html", "docx", "xlsx"}

    cells = read_csv(out / "cells.csv")
    findings = read_csv(out / "findings.csv")
    for path in files:
        name = Path(path).name
        if name in problems:
            assert not [row for row in cells if row["source"] == path]
            continue
        report = gkbg.parse(Path(path))
        mine = [row for row in cells if row["source"] == path]
        assert [(r["key"], r["value"], r["raw"]) for r in mine] == [
            (c.key, "" if c.value is None else str(c.value), c.raw or "")
            for c in report.iter_cells()
        ]
        result = gkbg.check(report)
        assert [r["rule"] for r in findings if r["source"] == path] == [
            f.rule for f in result.findings
        ]
    assert summary.errors == sum(1 for row in findings if row["severity"] == "error")
    assert summary.outputs[:3] == ("summary.csv", "cells.csv", "findings.csv")


def test_rerun_skips_what_is_done_and_rereads_what_changed(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = gkbg.batch([corpus], out, jobs=1)
    cells_before = (out / "cells.csv").read_bytes()
    again = gkbg.batch([corpus], out, jobs=1)
    assert (again.read, again.skipped, again.files) == (0, first.files, first.files)
    assert (out / "cells.csv").read_bytes() == cells_before
    assert gkbg.batch_files([corpus], out=out) == []

    changed = corpus / "seeds" / MIXED[0].name
    info = changed.stat()
    os.utime(changed, ns=(info.st_atime_ns, info.st_mtime_ns + 10**9))
    assert gkbg.batch_files([corpus], out=out) == [str(changed)]
    third = gkbg.batch([corpus], out, jobs=1)
    assert (third.read, third.skipped, third.files) == (1, first.files - 1, first.files)
    assert (out / "cells.csv").read_bytes() == cells_before  # the latest record of each file


def test_a_run_killed_mid_line_resumes(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    gkbg.batch([corpus], out, jobs=1)
    expected = (out / "cells.csv").read_bytes()
    manifest = out / "manifest.jsonl"
    lines = manifest.read_text(encoding="utf-8").splitlines(keepends=True)
    # The last file's line was cut short, the one before it never written.
    manifest.write_text("".join(lines[:-2]) + lines[-1][: len(lines[-1]) // 2], encoding="utf-8")
    resumed = gkbg.batch([corpus], out, jobs=1)
    assert resumed.read == 2
    assert (out / "cells.csv").read_bytes() == expected
    assert all(json.loads(line) for line in manifest.read_text(encoding="utf-8").splitlines()[:-3])


def test_an_unexpected_error_is_recorded_and_retried(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    victim = corpus / "seeds" / MIXED[1].name
    real = gkbg.parse

    def parse(source: Path, **kwargs: Any) -> gkbg.Report:
        if source == victim:
            message = "a parser bug"
            raise RuntimeError(message)
        return real(source, **kwargs)

    monkeypatch.setattr("gkbg._batch.parse", parse)
    summary = gkbg.batch([corpus], out, jobs=1)
    assert summary.failed == 1
    assert (str(victim), "RuntimeError", "a parser bug") in summary.problems
    monkeypatch.setattr("gkbg._batch.parse", real)
    again = gkbg.batch([corpus], out, jobs=1)
    assert (again.read, again.failed) == (1, 0)


def test_the_progress_bar() -> None:
    stream = io.StringIO()
    bar = _batch._Progress(3, stream)
    for _ in range(3):
        bar.step(gkbg.batch_file(XLSX))
    bar.close()
    shown = stream.getvalue()
    # tqdm's bar, rewritten in place: files done, how many not read, time taken and left, rate
    assert shown.startswith("\rgkbg batch   0%|")
    last = shown.rsplit("\r", 1)[1]
    assert regex.fullmatch(
        r"gkbg batch 100%\|[█#]{24}\| 3/3 files, 0 not read "
        r"\[\d\d:\d\d<\d\d:\d\d, +[\d.]+ ?\w*(?:files?/s|s/file)\]\n",
        last,
    ), last


def test_the_progress_bar_counts_the_files_not_read(tmp_path: Path) -> None:
    stream = io.StringIO()
    bar = _batch._Progress(2, stream)
    bar.step(gkbg.batch_file(tmp_path / "missing.pdf"))
    bar.step(gkbg.batch_file(XLSX))
    bar.close()
    assert "2/2 files, 1 not read [" in stream.getvalue()


def test_progress_in_a_notebook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In Jupyter (no terminal) the bar is shown by default; False turns it off."""
    monkeypatch.setattr(_batch, "in_notebook", lambda: True)
    shown = io.StringIO()
    gkbg.batch([XLSX], tmp_path / "a", stream=shown)
    assert "1/1 files, 0 not read" in shown.getvalue()
    quiet = io.StringIO()
    gkbg.batch([XLSX], tmp_path / "b", stream=quiet, progress=False)
    assert quiet.getvalue() == ""


def test_not_in_a_notebook_here() -> None:
    assert not _batch.in_notebook()


def test_progress_only_on_a_terminal_or_when_asked(tmp_path: Path) -> None:
    quiet = io.StringIO()
    gkbg.batch([XLSX], tmp_path / "a", stream=quiet)
    assert quiet.getvalue() == ""
    loud = io.StringIO()
    gkbg.batch([XLSX], tmp_path / "b", stream=loud, progress=True)
    assert "1/1 files" in loud.getvalue()


def test_the_outputs_exclude_themselves(corpus: Path) -> None:
    out = corpus / "out"
    gkbg.batch([corpus], out, jobs=1)
    again = gkbg.batch([corpus], out, jobs=1)
    assert again.read == 0
    assert not any(source.startswith(str(out)) for source, _, _ in again.problems)


def test_parquet_holds_exact_decimals(tmp_path: Path) -> None:
    pq: Any = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "out"
    amounts = FIXTURES / "html" / "county_2020_gbk.html"
    summary = gkbg.batch([amounts, XLSX], out, jobs=1)
    assert "cells.parquet" in summary.outputs
    table = pq.read_table(out / "cells.parquet").to_pylist()
    csv_rows = read_csv(out / "cells.csv")
    assert len(table) == len(csv_rows)
    for row, text in zip(table, csv_rows, strict=True):
        assert row["key"] == text["key"]
        if text["value"]:
            assert row["value"] == Decimal(text["value"])
        else:
            assert row["value"] is None
    assert any(isinstance(c.value, Decimal) for c in gkbg.parse(amounts).iter_cells())
    summary_rows = pq.read_table(out / "summary.parquet").to_pylist()
    assert [r["cells"] for r in summary_rows] == [198, 200]


def test_results_and_errors_are_picklable(corpus: Path) -> None:
    for path in gkbg.batch_files([corpus]):
        result = gkbg.batch_file(path)
        assert pickle.loads(pickle.dumps(result)) == result
    summary = gkbg.write_batch([gkbg.batch_file(XLSX)], corpus.parent / "out")
    assert pickle.loads(pickle.dumps(summary)) == summary
    report = gkbg.parse(XLSX)
    assert pickle.loads(pickle.dumps(report)) == report
    assert pickle.loads(pickle.dumps(gkbg.check(report))) == gkbg.check(report)
    errors = [
        gkbg.DocumentError("a.pdf", "damaged"),
        gkbg.EmptyDocumentError("a.txt", "empty"),
        gkbg.UnknownFormatError("a.bin", "unknown"),
        gkbg.NoTablesError("a.txt", "no tables"),
        gkbg.MissingExtraError("needs pypdfium2: pip install 'gkbg[pdf]'"),
        gkbg.FormError("gkbg/forms/x.toml: bad"),
        gkbg.RuleError("rule x: bad"),
        gkbg.GkbgError("bad"),
    ]
    for error in errors:
        back = pickle.loads(pickle.dumps(error))
        assert (type(back), str(back)) == (type(error), str(error))


def test_write_batch_joins_the_manifest(corpus: Path, tmp_path: Path) -> None:
    files = gkbg.batch_files([corpus])
    elsewhere = [gkbg.batch_file(path) for path in files[:4]]
    out = tmp_path / "out"
    summary = gkbg.write_batch(elsewhere, out)
    assert (summary.files, summary.read) == (4, 4)
    assert gkbg.batch_files([corpus], out=out) == files[4:]
    rest = gkbg.batch([corpus], out, jobs=1)
    assert (rest.read, rest.skipped, rest.files) == (len(files) - 4, 4, len(files))
    reference = tmp_path / "reference"
    gkbg.batch([corpus], reference, jobs=1)
    for name in ("cells.csv", "findings.csv"):
        assert (out / name).read_bytes() == (reference / name).read_bytes()


def test_the_batch_command(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    status = main(["batch", str(corpus), "--out", str(out), "--jobs", "2", "--lang", "en"])
    shown = capsys.readouterr()
    assert status == 2  # files gkbg cannot read
    total = len(MIXED) + 3
    assert shown.out.startswith(f"{total} files: {total} read now, 0 done before\n")
    assert f"{out}: {total} files, {len(MIXED)} read, 3 unreadable, 0 failed\n" in shown.out
    assert "  cannot read: EmptyDocumentError: " in shown.out
    assert "  written: summary.csv, cells.csv, findings.csv" in shown.out
    assert shown.err == ""  # no progress bar when stderr is not a terminal
    status = main(["batch", str(corpus / "seeds"), "--out", str(out), "--lang", "zh", "--progress"])
    shown = capsys.readouterr()
    assert status == 2
    assert shown.out.startswith("5 个文件：本次读取 0 个，此前已完成 5 个\n")
    assert "  已写出：summary.csv" in shown.out
    fresh = tmp_path / "fresh"
    status = main(["batch", str(XLSX), "--out", str(fresh), "--progress", "--lang", "en"])
    shown = capsys.readouterr()
    assert status == 0
    assert "1/1 files, 0 not read [" in shown.err  # tqdm's bar, with time and rate
    status = main(["batch", "examples/yaohai-2019.txt", "--out", str(fresh), "--lang", "en"])
    assert status == 1  # a report with errors
    assert "1 report with errors: 2 errors, 0 warnings" in capsys.readouterr().out


def test_custom_rules_reach_the_workers(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = tmp_path / "mine.toml"
    rules.write_text(
        "schema_version = 1\n\n" + MINE,
        encoding="utf-8",
    )
    out = tmp_path / "out"
    args = ["batch", str(corpus / "seeds"), "--out", str(out), "--jobs", "2", "--rules", str(rules)]
    assert main([*args, "--lang", "en"]) == 1
    capsys.readouterr()
    mine = [row for row in read_csv(out / "findings.csv") if row["rule"] == "mine.nothing_received"]
    reports = [gkbg.parse(path) for path in sorted((corpus / "seeds").glob("*.txt"))]
    received = [r.cells()["applications.received.total"] for r in reports]
    assert len(mine) == sum(1 for value in received if value)
    bad = tmp_path / "bad.toml"
    bad.write_text("[[rules]]\nid = 3\n", encoding="utf-8")
    assert main(["batch", str(XLSX), "--out", str(out), "--rules", str(bad)]) == 2
    assert "bad.toml" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("environment", "lang"),
    [
        ({"LC_ALL": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),
        ({"LC_MESSAGES": "en_GB.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),
        ({"LANG": "zh_TW.UTF-8"}, "zh"),
        ({"LANG": "C.UTF-8"}, "en"),
    ],
)
def test_the_language_follows_the_locale(
    environment: dict[str, str],
    lang: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert main(["batch", str(XLSX), "--out", str(tmp_path / "out")]) == 0
    shown = capsys.readouterr().out
    assert shown.startswith("1 个文件" if lang == "zh" else "1 file: ")


def test_the_command_shown_in_the_docs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = FIXTURES.parent.parent
    page = (root / "docs" / "batch.md").read_text(encoding="utf-8")
    command = next(
        line for line in page.splitlines() if line.startswith("gkbg batch tests/fixtures")
    )
    shown = page.split(command, 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    words = shlex.split(command)[1:]
    out = tmp_path / "results"
    words[words.index("--out") + 1] = str(out)
    monkeypatch.chdir(root)
    assert main(words) == 2
    assert capsys.readouterr().out.replace(str(out), "results") == shown
    assert main(words) == 2
    assert capsys.readouterr().out.startswith("16 files: 0 read now, 16 done before\n")


def test_a_record_gkbg_cannot_read_is_an_error_naming_the_manifest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    gkbg.batch([XLSX], out)
    manifest = out / "manifest.jsonl"
    with manifest.open("a", encoding="utf-8") as stream:
        stream.write(json.dumps({"source": "other.pdf", "size": 1, "mtime_ns": 1}) + "\n")
    with pytest.raises(gkbg.GkbgError, match=r"manifest\.jsonl: the record of other\.pdf"):
        gkbg.batch([XLSX], out)
    assert main(["batch", str(XLSX), "--out", str(out)]) == 2
    assert "delete its line" in capsys.readouterr().err


MINE = """\
[[rules]]
id = "mine.nothing_received"
kind = "compare"
severity = "warning"
table = "applications"
lhs = ["applications.received.total"]
op = "<="
rhs = []
title = { zh = "无申请", en = "no applications" }
message = { zh = "收到{actual}件申请", en = "{actual} applications received" }
"""


def test_a_resumed_run_with_other_rules_or_format_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seeds = sorted((FIXTURES / "seeds").glob("*.txt"))
    out = tmp_path / "out"
    first = gkbg.batch(seeds[:2], out, jobs=1)
    recorded = json.loads((out / "batch.json").read_text(encoding="utf-8"))
    assert recorded["gkbg"] == gkbg.__version__
    assert recorded["checks"] == len(gkbg.RuleSet.default())
    assert recorded["format"] is None
    # the same options resume
    assert gkbg.batch(seeds, out, jobs=1).skipped == first.files
    mine = gkbg.RuleSet.default().with_rules(*gkbg.RuleSet.from_toml(MINE))
    fewer = gkbg.RuleSet.default().without("cell.missing")
    changed = gkbg.RuleSet(
        attrs.evolve(rule, severity=gkbg.Severity.ERROR)
        if isinstance(rule, gkbg.Rule) and rule.id == "cell.missing"
        else rule
        for rule in gkbg.RuleSet.default()
    )
    options: dict[str, Any]
    for options, said in (
        ({"rules": mine}, "other checks"),
        ({"rules": fewer}, "other checks"),
        ({"rules": changed}, "other checks"),
        ({"format": "pipe"}, "--format pipe"),
    ):
        with pytest.raises(gkbg.GkbgError, match=said) as refused:
            gkbg.batch(seeds, out, jobs=1, **options)
        assert "Start afresh with --fresh" in str(refused.value)
        with pytest.raises(gkbg.GkbgError, match=said):
            gkbg.write_batch([], out, **options)
    # nothing was mixed in: the folder still holds the first results only
    assert len(read_csv(out / "summary.csv")) == len(seeds)
    # on the command line: one line, status 2, then --fresh starts afresh
    rules = tmp_path / "mine.toml"
    rules.write_text(MINE, encoding="utf-8")
    command = ["batch", *map(str, seeds[:1]), "--out", str(out), "--rules", str(rules)]
    assert main([*command, "--lang", "en"]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith(f"gkbg: {out}: its results were made with other checks (")
    assert line.endswith("or give another --out")
    assert main([*command, "--lang", "en", "--fresh"]) == 0
    assert capsys.readouterr().out.startswith("1 file: 1 read now, 0 done before\n")
    assert [row["source"] for row in read_csv(out / "summary.csv")] == [str(seeds[0])]
    assert main([*command, "--lang", "en"]) == 0, "resuming with the same rules"


def test_a_folder_from_a_gkbg_that_recorded_no_options_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    gkbg.batch([XLSX], out, jobs=1)
    (out / "batch.json").unlink()
    with pytest.raises(gkbg.GkbgError, match="a gkbg that did not record its version"):
        gkbg.batch([XLSX], out, jobs=1)
    assert gkbg.batch([XLSX], out, jobs=1, fresh=True).read == 1
    other = json.loads((out / "batch.json").read_text(encoding="utf-8")) | {"gkbg": "0.0.1"}
    (out / "batch.json").write_text(json.dumps(other), encoding="utf-8")
    with pytest.raises(gkbg.GkbgError, match=f"made with gkbg 0.0.1, not {gkbg.__version__}"):
        gkbg.batch([XLSX], out, jobs=1)


def test_a_run_that_reads_nothing_keeps_the_outputs(tmp_path: Path) -> None:
    seeds = sorted((FIXTURES / "seeds").glob("*.txt"))
    out = tmp_path / "out"
    first = gkbg.batch(seeds, out, jobs=1)
    written = {name: (out / name).stat().st_mtime_ns for name in first.outputs}
    for name in first.outputs:  # an old time, that a rewrite would change
        os.utime(out / name, ns=(10**18, 10**18))
    settings = json.loads((out / "batch.json").read_text(encoding="utf-8"))
    settings["written"]["state"] = _batch._state(out)
    (out / "batch.json").write_text(json.dumps(settings), encoding="utf-8")
    again = gkbg.batch(seeds, out, jobs=1)
    assert {name: (out / name).stat().st_mtime_ns for name in first.outputs} == dict.fromkeys(
        written, 10**18
    ), "nothing rewritten"
    assert attrs.evolve(again, read=first.read, skipped=first.skipped) == first
    assert (again.read, again.skipped) == (0, len(seeds))
    # an output changed since (or lost) is written afresh
    (out / "cells.csv").write_text("edited", encoding="utf-8")
    third = gkbg.batch(seeds, out, jobs=1)
    assert attrs.evolve(third, read=first.read, skipped=first.skipped) == first
    assert len(read_csv(out / "cells.csv")) == sum(len(gkbg.parse(path).cells()) for path in seeds)
    (out / "findings.csv").unlink()
    gkbg.batch(seeds, out, jobs=1)
    assert (out / "findings.csv").exists()
    # a file read anew rewrites them
    gkbg.batch([*seeds, XLSX], out, jobs=1)
    assert XLSX.name in (out / "summary.csv").read_text(encoding="utf-8-sig")


def test_a_resumed_run_makes_the_rows_of_its_new_files_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeds = sorted((FIXTURES / "seeds").glob("*.txt"))
    out = tmp_path / "out"
    gkbg.batch(seeds[1:3], out, jobs=1)
    made: list[str] = []
    real = _batch._read_record

    def read_record(*args: Any) -> gkbg.FileResult:
        result = real(*args)
        made.append(Path(result.source).name)
        return result

    monkeypatch.setattr(_batch, "_read_record", read_record)
    gkbg.batch([*seeds, XLSX], out, jobs=1)
    added = {path.name for path in [seeds[0], *seeds[3:], XLSX]}
    assert sorted(made) == sorted(added), "the rows of the files done before are copied"
    reference = tmp_path / "reference"
    gkbg.batch([*seeds, XLSX], reference, jobs=1)
    for name in ("summary.csv", "cells.csv", "findings.csv"):
        assert (out / name).read_bytes() == (reference / name).read_bytes(), name
    # an output edited since it was written: every row is made afresh, from the manifest
    (out / "cells.csv").write_bytes((out / "cells.csv").read_bytes()[:-100])
    made.clear()
    changed = tmp_path / "changed.txt"
    shutil.copy(seeds[0], changed)
    gkbg.batch([*seeds, XLSX, changed], out, jobs=1)
    assert len(made) == len(seeds) + 2
    gkbg.batch([*seeds, XLSX, changed], reference, jobs=1)
    for name in ("summary.csv", "cells.csv", "findings.csv"):
        assert (out / name).read_bytes() == (reference / name).read_bytes(), name


def test_batch_csv_is_what_cells_to_csv_and_findings_to_csv_write(tmp_path: Path) -> None:
    """One CSV writer: a batch's rows of a file are the rows the CSV exports write for it."""
    seed = FIXTURES / "seeds" / "000_446c7f06a5526eef.txt"
    out = tmp_path / "out"
    gkbg.batch([seed], out, jobs=1)
    report = gkbg.parse(seed)
    result = gkbg.check(report)
    assert report.source == str(seed)
    assert result.findings
    cells = gkbg.cells_to_csv(report, tmp_path / "cells.csv").read_bytes()
    findings = gkbg.findings_to_csv(result, tmp_path / "findings.csv").read_bytes()
    assert (out / "cells.csv").read_bytes() == cells
    assert (out / "findings.csv").read_bytes() == findings
    assert cells.startswith("\ufeffsource,variant,".encode())
    assert b"\r\n" in cells


def _copies_of_a_seed(folder: Path, names: list[str]) -> list[Path]:
    """Files of these names in ``folder``, each a copy of the first seed report."""
    seed = (FIXTURES / "seeds").glob("*.txt").__next__().read_bytes()
    folder.mkdir(exist_ok=True)
    for name in names:
        (folder / name).write_bytes(seed)
    return [folder / name for name in names]


def test_a_pool_found_broken_while_files_are_handed_out_loses_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker may die while the coordinator is still handing files out: the hand-out then
    fails too (seen in CI). The file being handed out was not begun; it goes to the next pool,
    and every file is read once."""
    files = _copies_of_a_seed(tmp_path / "in", [f"{index:02}.txt" for index in range(12)])
    submit = _batch._Workers.submit
    refused: list[str] = []

    def breaking(self: _batch._Workers, path: str) -> concurrent.futures.Future[gkbg.FileResult]:
        if path.endswith("03.txt") and not refused:
            refused.append(path)
            raise concurrent.futures.process.BrokenProcessPool("a worker died")
        return submit(self, path)

    monkeypatch.setattr(_batch._Workers, "submit", breaking)
    summary = gkbg.batch(files, tmp_path / "out", jobs=2, progress=False)
    assert len(refused) == 1
    assert (summary.files, summary.read, summary.ok, summary.failed) == (12, 12, 12, 0)
    with (tmp_path / "out" / "summary.csv").open(encoding="utf-8-sig") as table:
        sources = [row["source"] for row in csv.DictReader(table)]
    assert sorted(sources) == sorted(str(path.resolve()) for path in files)


def test_a_file_that_kills_its_worker_fails_alone_and_the_batch_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker that dies (here by SIGABRT, as a native library's crash does) breaks the pool.

    Every file in flight fails with it; each is read again by a worker of its own, so only the
    guilty file is recorded as failed, by name, and the files after it are all read.
    """
    names = [f"{index:02}{'-crash' if index == 5 else ''}.txt" for index in range(24)]
    files = _copies_of_a_seed(tmp_path / "in", names)
    real = _batch.batch_file

    def crashing(path: str, **kwargs: Any) -> gkbg.FileResult:
        if "crash" in os.fspath(path):
            faulthandler.disable()  # pytest's traceback dump: the crash is the point here
            os.abort()
        return real(path, **kwargs)

    # The workers are forked, so they see the crashing reader.
    monkeypatch.setattr(_batch, "batch_file", crashing)
    monkeypatch.setattr(_batch, "_start_method", lambda: "fork")
    summary = gkbg.batch(files, tmp_path / "out", jobs=2, progress=False)
    assert (summary.files, summary.read, summary.ok, summary.failed) == (24, 24, 23, 1)
    ((source, kind, message),) = summary.problems
    assert source.endswith("05-crash.txt")
    assert kind == "WorkerDied"
    assert "the process reading it died" in message
