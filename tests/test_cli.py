"""The gkbg command, ``gkbg check-series`` and ``gkbg check-rollup`` included."""

from __future__ import annotations

import argparse
import html
import importlib
import io
import json
import os
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

import gkbg
from gkbg import cli
from gkbg.cli import _parser, main
from gkbg.core.lang import count
from gkbg.write.summary import summary_line
from tests.helpers import CORPUS, FIXTURES, SEEDS, pipe_text

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    from gkbg.core.lang import Lang

YAOHAI = SEEDS[2]
XINGAN = SEEDS[3]


def test_check_reports_errors_and_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(YAOHAI), "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert (
        "applications.results_total  applications.total.natural_person  expected 127  found 124"
        in out
    )
    assert "2 errors, 0 warnings" in out


def test_check_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(YAOHAI), "--lang", "zh"]) == 1
    out = capsys.readouterr().out
    assert "各项办理结果之和为 127，但（七）总计为 124" in out


def test_check_prints_the_advice_after_the_findings(capsys: pytest.CaptureFixture[str]) -> None:
    """One line per report, after its findings, in either language; the other lines as before."""
    cases: tuple[tuple[Lang, str], ...] = (("en", "  advice: any of "), ("zh", "  建议：有 "))
    for lang, start in cases:
        assert main(["check", str(YAOHAI), "--lang", lang]) == 1
        lines = capsys.readouterr().out.splitlines()
        advice = [line for line in lines if line.startswith(start)]
        assert len(advice) == 1
        assert lines.index(advice[0]) == len(lines) - 2  # then the summary line
        result = gkbg.check(gkbg.parse(YAOHAI))
        assert result.advice is not None
        assert advice[0].endswith(result.advice.message(lang))
    assert main(["check", str(XINGAN), "--lang", "en"]) == 0
    assert "  advice: " not in capsys.readouterr().out


def test_json_carries_the_advice(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(YAOHAI), str(XINGAN), "--json"]) == 1
    yaohai, xingan = json.loads(capsys.readouterr().out)
    fixes = yaohai["advice"]["fixes"]
    assert len(fixes) >= 2
    assert all(len(fix["changes"]) == 2 for fix in fixes)
    assert yaohai["advice"]["message"]["en"].startswith(f"any of {len(fixes)} fixes of 2 cells")
    assert "advice" not in xingan


def test_clean_report_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(XINGAN), "--lang", "en"]) == 0
    assert "0 errors, 0 warnings, no findings" in capsys.readouterr().out


def test_unreadable_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    assert main(["check", str(XINGAN), str(empty), "--lang", "en"]) == 2
    captured = capsys.readouterr()
    assert f"{empty}: the document is empty" in captured.err
    assert "Traceback" not in captured.err


def test_json_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(YAOHAI), "--json"]) == 1
    (record,) = json.loads(capsys.readouterr().out)
    assert record["variant"] == "2019"
    assert record["agency"] == "瑶海区人民政府"
    rules = [f["rule"] for f in record["findings"]]
    assert rules == ["applications.results_total", "applications.results_total"]
    assert record["findings"][0]["expected"] == 127
    assert "applications.total.natural_person" in record["findings"][0]["cells"]


def test_json_names_unreadable_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "gone.txt"
    assert main(["check", str(missing), "--json"]) == 2
    (record,) = json.loads(capsys.readouterr().out)
    assert record == {"source": str(missing), "error": f"{missing}: no such file"}


def test_jsonl_is_one_line_per_file_the_same_records_as_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "gone.txt"
    files = [str(YAOHAI), str(missing), str(XINGAN)]
    assert main(["check", *files, "--json"]) == 2
    whole = json.loads(capsys.readouterr().out)
    assert main(["check", *files, "--jsonl"]) == 2
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3
    assert [json.loads(line) for line in lines] == whole
    assert whole[1] == {"source": str(missing), "error": f"{missing}: no such file"}


def test_jsonl_writes_each_file_as_soon_as_it_is_done(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each line is written and flushed before the next file is read."""
    flushed: list[str] = []
    seen_when_reading: list[int] = []

    class Stdout(io.StringIO):
        def flush(self) -> None:
            flushed.append(self.getvalue())

    stdout = Stdout()
    read = cli._read

    def spying(path: str, format: str | None, limits: gkbg.Limits) -> object:  # noqa: A002
        seen_when_reading.append(stdout.getvalue().count("\n"))
        return read(path, format, limits)

    monkeypatch.setattr(sys, "stdout", stdout)
    monkeypatch.setattr(cli, "_read", spying)
    assert main(["check", str(YAOHAI), str(XINGAN), str(YAOHAI), "--jsonl"]) == 1
    assert seen_when_reading == [0, 1, 2]
    assert [value.count("\n") for value in flushed[:3]] == [1, 2, 3]


def test_json_and_jsonl_together_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(YAOHAI), "--json", "--jsonl"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "--json and --jsonl" in captured.err


def test_extra_rules_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rules = tmp_path / "mine.toml"
    rules.write_text(
        """
[[rules]]
id = "mine.no_litigation"
kind = "compare"
severity = "error"
table = "appeals"
lhs = ["appeals.litigation_direct.total"]
op = "<="
rhs = []
title = { zh = "无诉讼", en = "no litigation" }
message = { zh = "有{actual}件行政诉讼", en = "{actual} lawsuits" }
""",
        encoding="utf-8",
    )
    assert main(["check", str(YAOHAI), "--rules", str(rules), "--lang", "en"]) == 1
    assert "mine.no_litigation" in capsys.readouterr().out


def test_bad_rules_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rules = tmp_path / "bad.toml"
    rules.write_text("[[rules]]\nid = 3\n", encoding="utf-8")
    assert main(["check", str(XINGAN), "--rules", str(rules)]) == 2
    assert "bad.toml" in capsys.readouterr().err


def test_parse_prints_the_model(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", str(XINGAN)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["variant"] == "2021"
    assert data["year"] == 2024
    cells = {c["key"]: c for t in data["tables"] for c in t["cells"]}
    assert cells["active.licensing.decisions"]["value"] == 282


def test_rules_and_formats_listings(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--lang", "en"]) == 0
    assert "applications.balance" in capsys.readouterr().out
    assert main(["formats"]) == 0
    out = capsys.readouterr().out
    assert [line.split()[0] for line in out.splitlines()] == [
        "html",
        "docx",
        "odt",
        "xlsx",
        "pdf",
        "image",
        "legacy",
        "markdown",
        "pipe",
        "text",
    ]


def test_python_dash_m() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "gkbg", "check", str(XINGAN), "--lang", "en"],
        capture_output=True,
        text=True,
        check=False,
        encoding="utf-8",
    )
    assert done.returncode == 0, done.stderr
    assert "form 2021" in done.stdout


@pytest.mark.parametrize(
    ("number", "what", "lang", "shown"),
    [
        (1, "errors", "en", "1 error"),
        (0, "errors", "en", "0 errors"),
        (2, "errors", "en", "2 errors"),
        (1, "warnings", "en", "1 warning"),
        (1, "files", "en", "1 file"),
        (2, "files", "en", "2 files"),
        (1, "uncertain", "en", "1 cell read with doubt"),
        (1, "unchecked", "en", "1 relation not checkable (missing cells)"),
        (1, "units", "en", "1 unit's report"),
        (3, "units", "en", "3 units' reports"),
        (1, "with_errors", "en", "1 report with errors"),
        (1, "errors", "zh", "1 个错误"),
        (2, "errors", "zh", "2 个错误"),
    ],
)
def test_counts_are_singular_for_one(number: int, what: str, lang: Lang, shown: str) -> None:
    assert count(number, what, lang) == shown


def test_one_warning_is_singular(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = XINGAN.read_text(encoding="utf-8")
    row = "二、上年结转政府信息公开申请数量 |\n"
    assert row + "0 |" in text
    edited = tmp_path / "edited.txt"
    edited.write_text(text.replace(row + "0 |", row + "/ |"), encoding="utf-8")
    assert main(["check", str(edited), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "  0 errors, 1 warning, 2 relations not checkable (missing cells)\n" in out
    assert main(["check", str(edited), "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert "  0 个错误，1 个警告，2 项关系因单元格缺失未能检查\n" in out


def test_chinese_severity_is_aligned_with_the_message(
    capsys: pytest.CaptureFixture[str],
) -> None:
    main(["check", str(YAOHAI), "--lang", "zh"])
    lines = capsys.readouterr().out.splitlines()
    label = next(line for line in lines if line.startswith("  错误"))
    message = lines[lines.index(label) + 1]
    indent = len(message) - len(message.lstrip())
    # 错误 is two characters wide each: the rule id starts in the column the message does
    assert label.index("applications") + len("错误") == indent


def test_every_command_and_option_is_explained() -> None:
    parser = _parser()
    (commands,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    names = {choice.dest for choice in commands._choices_actions}
    assert names == set(commands.choices)
    for choice in commands._choices_actions:
        assert choice.help, choice.dest
    for name, command in commands.choices.items():
        assert command.description, name
        for action in command._actions:
            assert action.help, (name, action.dest)


def test_help_names_the_exit_status(capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("check", "check-series", "check-rollup", "batch", "parse"):
        with pytest.raises(SystemExit) as exit_:
            main([name, "--help"])
        assert exit_.value.code == 0
        assert "Exit status: 0" in " ".join(capsys.readouterr().out.split()), name


class _ClosedPipe(io.StringIO):
    """Standard output whose reader has gone away, as after ``gkbg ... | head -1``."""

    def __init__(self, descriptor: int) -> None:
        super().__init__()
        self.descriptor = descriptor

    def write(self, _text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    def fileno(self) -> int:
        return self.descriptor


def test_a_reader_that_stops_early_gets_no_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with (tmp_path / "stdout").open("w") as target:
        monkeypatch.setattr(sys, "stdout", _ClosedPipe(target.fileno()))
        assert main(["parse", str(XINGAN)]) == 141
        assert main(["check", str(XINGAN), "--lang", "en"]) == 141
    assert capsys.readouterr().err == ""


def test_unreadable_inputs_are_one_line_and_status_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")  # gkbg parse has no --lang
    # not-a-report.pdf: a meeting notice in a real PDF with a text layer, made with
    #   soffice --headless --convert-to pdf not-a-report.txt
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    folder = tmp_path / "nothing-in-it"
    folder.mkdir()
    (folder / ".hidden.txt").write_text("一", encoding="utf-8")
    cases = {
        tmp_path / "no-such-report.txt": "no such file",
        # a folder is read file by file (below); one with no (visible) file in it says so
        folder: "a folder with no files in it",
        empty: "the document is empty",
        FIXTURES / "hostile" / "not-a-report.pdf": "none of the three statutory tables",
    }
    for path, reason in cases.items():
        for command in ("check", "parse"):
            assert main([command, str(path)]) == 2, (command, path)
            captured = capsys.readouterr()
            assert captured.out == ""
            (line,) = captured.err.splitlines()
            assert line.startswith(f"gkbg: cannot read: {path}: {reason}"), line


def test_rules_in_chinese_name_the_severity_in_chinese(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["rules", "--lang", "zh"]) == 0
    chinese = capsys.readouterr().out.splitlines()
    assert main(["rules", "--lang", "en"]) == 0
    english = capsys.readouterr().out.splitlines()
    assert len(chinese) == len(english) == len(gkbg.RuleSet.default().ids)
    for zh, en in zip(chinese, english, strict=True):
        rule, severity = en.split()[:2]
        assert zh.split()[:2] == [rule, {"error": "错误", "warning": "警告"}[severity]]


def test_a_missing_extra_names_the_file(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real = importlib.import_module

    def without_pdfium(name: str, package: str | None = None) -> object:
        if name == "pypdfium2":
            raise ImportError(name)
        return real(name, package)

    monkeypatch.setattr(importlib, "import_module", without_pdfium)
    # pypdfium2 is hidden in this process only: read in it, not in the isolated worker.
    monkeypatch.setattr(cli, "ISOLATED_LIMITS", gkbg.Limits())
    pdf = min((FIXTURES / "corpus").glob("*.pdf"))
    assert main(["check", str(pdf), str(XINGAN), "--lang", "en"]) == 2
    captured = capsys.readouterr()
    (line,) = captured.err.splitlines()
    assert line.startswith(f"gkbg: cannot read: {pdf}: reading PDF files needs pypdfium2"), line
    assert "which gkbg depends on but which is not installed: pip install" in line
    assert line.endswith(("pypdfium2", "'pypdfium2>=4.30'")), line
    assert f"{XINGAN}  (form 2021" in captured.out


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("path", [YAOHAI, XINGAN], ids=["errors", "clean"])
def test_the_command_and_the_html_views_sum_up_alike(
    path: Path, lang: Lang, capsys: pytest.CaptureFixture[str]
) -> None:
    """One summary line: the command prints it, the HTML views show it."""
    report = gkbg.parse(path)
    result = gkbg.check(report)
    line = summary_line(result, lang, report=report)
    main(["check", str(path), "--lang", lang])
    assert capsys.readouterr().out.endswith(f"\n  {line}\n")
    assert f"<br>{html.escape(line)}</p>" in gkbg.to_html(report, result, lang=lang)
    assert f"{html.escape(summary_line(result, lang))}</p>" in gkbg.result_html(result, lang=lang)
    if lang == "en":
        expected = "2 errors, 0 warnings" if path == YAOHAI else "0 errors, 0 warnings"
        assert line.startswith(expected)
        assert line.endswith("no findings") == (path == XINGAN)


# --------------------------------------------------------------------------------------------
# ``gkbg check-series`` and ``gkbg check-rollup``.


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


# --------------------------------------------------------------------------------------------
# Every command takes files, folders, globs and - (standard input), as batch does.


class _Stdin(io.TextIOWrapper):
    """Standard input holding ``data``, with the ``buffer`` a real one has."""

    def __init__(self, data: bytes) -> None:
        super().__init__(io.BytesIO(data), encoding="utf-8")


def test_parse_takes_several_files_and_gives_an_array(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["parse", str(XINGAN)]) == 0
    one = json.loads(capsys.readouterr().out)
    assert isinstance(one, dict)
    assert main(["parse", str(YAOHAI), str(XINGAN)]) == 0
    both = json.loads(capsys.readouterr().out)
    assert [gkbg.from_json(json.dumps(r)).source for r in both] == [str(YAOHAI), str(XINGAN)]
    assert both[1] == one


def test_check_takes_a_folder_a_glob_and_stdin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "reports"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_bytes(YAOHAI.read_bytes())
    (folder / "sub" / "b.txt").write_bytes(XINGAN.read_bytes())
    (folder / ".hidden.txt").write_text("not read", encoding="utf-8")
    assert main(["check", str(folder), "--lang", "en"]) == 1
    out = capsys.readouterr().out
    heads = [line.split("  (")[0] for line in out.splitlines() if "  (form" in line]
    assert heads == [str(folder / "a.txt"), str(folder / "sub" / "b.txt")]
    assert main(["check", str(folder / "**" / "b.txt"), "--lang", "en"]) == 0
    assert capsys.readouterr().out.startswith(f"{folder / 'sub' / 'b.txt'}  (form 2021")
    monkeypatch.setattr(sys, "stdin", _Stdin(YAOHAI.read_bytes()))
    assert main(["check", "-", "--lang", "en", "--json"]) == 1
    (record,) = json.loads(capsys.readouterr().out)
    assert record["source"] == "<stdin>"
    assert len(record["findings"]) == 2
    monkeypatch.setattr(sys, "stdin", _Stdin(b""))
    assert main(["check", "-", "--lang", "en"]) == 2
    assert capsys.readouterr().err == "gkbg: cannot read: <stdin>: the document is empty\n"
    assert main(["check", str(tmp_path / "*.none"), "--lang", "en"]) == 2
    assert "*.none: no such file" in capsys.readouterr().err


def test_parse_reads_stdin_and_a_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", _Stdin(XINGAN.read_bytes()))
    assert main(["parse", "-"]) == 0
    report = gkbg.from_json(capsys.readouterr().out)
    assert report.source == "<stdin>"
    assert report.cells() == gkbg.parse(XINGAN).cells()
    (tmp_path / "x.txt").write_bytes(XINGAN.read_bytes())
    assert main(["parse", str(tmp_path)]) == 0  # a folder: an array, even of one
    (only,) = json.loads(capsys.readouterr().out)
    assert only["source"] == str(tmp_path / "x.txt")


@pytest.mark.parametrize("separator", ["\n", "\0"])
def test_batch_reads_the_paths_listed_on_stdin(
    separator: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``find ... | gkbg batch -`` (or ``-print0``): standard input lists the paths."""
    named = tmp_path / "名 with space.txt"
    named.write_bytes(XINGAN.read_bytes())
    listed = separator.join([str(YAOHAI), "", str(named)]) + separator
    monkeypatch.setattr(sys, "stdin", _Stdin(listed.encode()))
    out = tmp_path / "out"
    assert main(["batch", "-", "--out", str(out), "--jobs", "1", "--lang", "en"]) == 1
    assert "2 files" in capsys.readouterr().out
    sources = gkbg.read_batch(out).summary["source"].tolist()
    assert sorted(sources) == sorted([str(YAOHAI), str(named)])


def test_series_and_rollup_take_folders(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    years = tmp_path / "years"
    years.mkdir()
    for year in (2022, 2023):
        _write(years, f"{year}.txt", year, {})
    assert main(["check-series", str(years), "--lang", "en"]) == 0
    assert capsys.readouterr().out.startswith("series 某某区人民政府: 2022, 2023\n")
    units = tmp_path / "units"
    units.mkdir()
    cells = {"applications.received.natural_person": 3, "applications.received.total": 3}
    _write(units, "a.txt", 2023, cells)
    _write(units, "b.txt", 2023, cells)
    summary = _write(tmp_path, "region.txt", 2023, {})
    assert main(["check-rollup", summary, str(units), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "2 units" in out.splitlines()[0]
    assert "WARNING  rollup.sum  applications.received.total  expected 6  found 0" in out


def test_help_points_at_the_documentation_site(capsys: pytest.CaptureFixture[str]) -> None:
    from gkbg.cli import docs_url

    url = docs_url()
    assert url.startswith("https://")
    for argv in (["--help"], *([name, "--help"] for name in ("check", "parse", "batch"))):
        with pytest.raises(SystemExit):
            main(argv)
        out = " ".join(capsys.readouterr().out.split())
        assert f"Documentation: {url}" in out, argv
        assert "in the repository" not in out


# --------------------------------------------------------------------------------------------
# A bad rule file: one line naming the file, the line, the rule, the key and what is allowed.


_RULE = (
    '[[rules]]\nid = "province.first"\nkind = "compare"\nseverity = "error"\n'
    'title = { zh = "x", en = "x" }\nmessage = { zh = "x", en = "x" }\n'
    'table = "applications"\nforeach = { column = "columns[*]" }\n'
    'lhs = ["applications.received.{column}"]\nop = "<"\n'
    'rhs = ["applications.granted.{column}"]\n'
)


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (
            _RULE.encode(),
            (
                "{path}:10: not a valid rule file: rule 'province.first' (line 10): op = '<' is "
                "not allowed; op is one of '>=', '<=', '=='"
            ),
        ),
        (b"", "{path}: the rule file is empty; it holds [[rules]] tables"),
        (b"  \n\n", "{path}: the rule file is empty; it holds [[rules]] tables"),
        (
            _RULE.replace('"x"', '"规则"').encode("gbk"),
            "{path}: not UTF-8 text (byte 84 is not UTF-8); a rule file is saved as UTF-8",
        ),
        (
            b"x = " + b"[" * 50_000 + b"]" * 50_000 + b"\n",
            "{path}: not a valid rule file: arrays or tables nested too deeply to be read",
        ),
        (
            _RULE.replace('"error"', '"fatal"').replace('"<"', '"<="').encode(),
            (
                "{path}:4: not a valid rule file: rule 'province.first' (line 4): severity must "
                'be one of "error", "warning", not \'fatal\''
            ),
        ),
        (
            b"rule = []\n",
            (
                "{path}: not a valid rule file: the file: the key rules is missing; a rule file "
                "needs it; the file: unknown key rule; the keys allowed are rules, schema_version"
            ),
        ),
    ],
    ids=["a wrong op", "empty", "blank", "GBK", "nested 50,000 deep", "severity", "no rules"],
)
def test_a_bad_rule_file_is_one_line_in_words_and_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, said: str
) -> None:
    path = tmp_path / "province.toml"
    path.write_bytes(content)
    for command in (
        ["check", str(XINGAN)],
        ["check-series", str(XINGAN)],
        ["batch", str(XINGAN), "--out", str(tmp_path / "out")],
    ):
        assert main([*command, "--rules", str(path), "--lang", "en"]) == 2, command
        captured = capsys.readouterr()
        (line,) = captured.err.splitlines()
        assert said.format(path=path) in line, (command, line)
        assert "Traceback" not in captured.err
        assert "@ $" not in line
        assert "typing.Literal" not in line
    with pytest.raises(gkbg.RuleError) as raised:
        gkbg.RuleSet.from_toml(path)
    assert str(raised.value) == said.format(path=path)


def test_a_rule_file_that_is_not_a_file_is_refused_without_blocking(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(XINGAN), "--rules", str(tmp_path)]) == 2
    assert (
        capsys.readouterr().err == f"gkbg: {tmp_path}: cannot be read as a rule file (a folder)\n"
    )
    if hasattr(os, "mkfifo"):
        fifo = tmp_path / "rules.toml"
        os.mkfifo(fifo)
        assert main(["check", str(XINGAN), "--rules", str(fifo)]) == 2
        assert capsys.readouterr().err == (
            f"gkbg: {fifo}: cannot be read as a rule file (not a regular file)\n"
        )
    assert main(["check", str(XINGAN), "--rules", str(tmp_path / "none.toml")]) == 2
    assert "none.toml: cannot be read (No such file or directory)" in capsys.readouterr().err


def test_a_failure_while_reading_rules_is_one_line_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(_source: object) -> gkbg.RuleSet:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(gkbg.RuleSet, "from_toml", broken)
    path = tmp_path / "a.toml"
    assert main(["check", str(XINGAN), "--rules", str(path)]) == 2
    assert capsys.readouterr().err == (
        f"gkbg: {path}: internal error while reading the rules (ZeroDivisionError: division by "
        "zero); please report it\n"
    )


# --------------------------------------------------------------------------------------------
# Readable output: a check's many findings as one entry, --verbose, --select, --ignore, --strict.

TEMPLATE = FIXTURES / "docx" / "form-2021-template.docx"
UNFILLED = ("--ignore", "table.unfilled")  # the template is one error; without it, 200 warnings


def test_many_findings_of_one_check_are_one_entry(capsys: pytest.CaptureFixture[str]) -> None:
    # the blank Word template: every one of its 200 cells is missing (one table.unfilled error;
    # left out, every cell has its warning)
    assert main(["check", str(TEMPLATE), "--lang", "en"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].startswith("  ERROR    table.unfilled  ")
    assert lines[-1] == "  1 error, 0 warnings, 42 relations not checkable (missing cells)"
    assert len(lines) == 4
    assert main(["check", str(TEMPLATE), "--lang", "en", *UNFILLED]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1:3] == [
        (
            "  WARNING  cell.missing  200 cells: active.rules.issued, active.rules.repealed, "
            "active.rules.in_force and 197 more (--verbose lists them all)"
        ),
        (
            "           for one: rules / issued this year (active.rules.issued) holds no number "
            '(printed as ""); it is not taken as 0.'
        ),
    ]
    assert lines[-1] == "  0 errors, 200 warnings, 42 relations not checkable (missing cells)"
    assert len(lines) == 4
    assert main(["check", str(TEMPLATE), "--lang", "zh", *UNFILLED]) == 0
    assert "200 个单元格：active.rules.issued, active.rules.repealed, active.rules.in_force 等" in (
        capsys.readouterr().out
    )
    assert main(["check", str(TEMPLATE), "--lang", "en", "--verbose", *UNFILLED]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 + 2 * 200 + 1
    assert sum(line.startswith("  WARNING  cell.missing  ") for line in lines) == 200
    # --json is never grouped
    assert main(["check", str(TEMPLATE), "--json", *UNFILLED]) == 0
    (record,) = json.loads(capsys.readouterr().out)
    assert len(record["findings"]) == 200


def test_few_findings_of_a_check_stay_one_entry_each(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(YAOHAI), "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert out.count("ERROR    applications.results_total  applications.total.") == 2
    assert "--verbose" not in out


def test_strict_makes_warnings_fail(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(TEMPLATE), "--strict"]) == 1
    assert main(["check", str(XINGAN), "--strict"]) == 0
    assert main(["check", str(TEMPLATE), "--strict", "--ignore", "cell.missing", *UNFILLED]) == 0
    assert main(["check", str(TEMPLATE), "--strict", "--ignore", "cell.missing"]) == 1
    out = tmp_path / "out"
    batch = ["batch", str(TEMPLATE), "--jobs", "1", *UNFILLED]
    assert main([*batch, "--out", str(out), "--strict"]) == 1
    assert main([*batch, "--out", str(tmp_path / "b")]) == 0
    capsys.readouterr()


def test_select_and_ignore_by_id_or_prefix(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(YAOHAI), "--lang", "en", "--ignore", "applications"]) == 0
    assert "0 errors, 0 warnings" in capsys.readouterr().out
    assert main(["check", str(YAOHAI), "--lang", "en", "--select", "cell,table"]) == 0
    assert main(["check", str(YAOHAI), "--lang", "en", "--select", "applications.*"]) == 1
    capsys.readouterr()
    assert main(["check", str(YAOHAI), "--select", "aplications", "--lang", "en"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    (line,) = captured.err.splitlines()
    assert line.startswith("gkbg: 'aplications' names no check; the checks are applications.")
    # a prefix is of whole dotted parts
    assert main(["check", str(YAOHAI), "--ignore", "applications.result"]) == 2
    assert "'applications.result' names no check" in capsys.readouterr().err


def test_check_selects_and_ignores_in_python() -> None:
    result = gkbg.check(TEMPLATE, select="cell")
    assert {f.rule for f in result} == {"cell.missing"}
    assert not gkbg.check(TEMPLATE, ignore=["cell.missing", "table.unfilled"]).findings
    assert [f.rule for f in gkbg.check(TEMPLATE, ignore=["cell.missing"])] == ["table.unfilled"]
    yaohai = gkbg.parse(YAOHAI)
    assert gkbg.check(yaohai, select=["applications.results_total"]).findings == tuple(
        f for f in gkbg.check(yaohai) if f.rule == "applications.results_total"
    )
    with pytest.raises(gkbg.RuleError, match="'nothing' names no check"):
        gkbg.check(yaohai, ignore="nothing")
    assert gkbg.check(yaohai, select="", ignore=()) == gkbg.check(yaohai)


def test_every_reading_command_takes_max_seconds(capsys: pytest.CaptureFixture[str]) -> None:
    """A long scan read by OCR may need more than the default; too little stops the file."""
    pdf = str(CORPUS[0])
    for command in (["check", pdf], ["parse", pdf], ["show", pdf, "--cell", "x"]):
        assert main([*command, "--max-seconds", "0"]) == 2
        assert "--max-seconds: " in capsys.readouterr().err
    assert main(["check", pdf, "--max-seconds", "0.001", "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "took more than 0.001 s" in err
    assert "--max-seconds" in err
    assert main(["parse", pdf, "--max-seconds", "300"]) == 0
    assert json.loads(capsys.readouterr().out)["source"] == pdf
