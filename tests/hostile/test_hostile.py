"""Hostile and broken input: the bounded corpus run, the limits, the errors, partial results.

The corpus itself is in ``tests/hostile/hostile.py``. The encrypted PDF fixture was made with qpdf
from a one-page PDF that `tests.hostile.hostile.pdf` writes::

    qpdf --encrypt secret owner 256 -- tiny.pdf tests/fixtures/hostile/encrypted.pdf
    qpdf --encrypt "" owner 256 --modify=none -- tiny.pdf \
        tests/fixtures/hostile/owner-password-only.pdf
"""

from __future__ import annotations

import gc
import importlib
import inspect
import io
import json
import os
import pickle
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING
from unittest import mock

import attrs
import pytest
import regex

import gkbg
from gkbg import cli
from gkbg.core.limits import time_budget
from gkbg.read.base import Input
from gkbg.read.registry import default_registry
from tests.helpers import CORPUS, SEEDS, golden
from tests.hostile import hostile

if TYPE_CHECKING:
    from gkbg.read.layout import Layout

ROOT = Path(__file__).parent.parent.parent
ADDRESS_SPACE_MIB = 1536
"""The address space the corpus run may use (RLIMIT_AS); Python and its libraries take ~150."""
SECONDS_PER_CASE = 60
"""The time each case may take (SIGALRM in the child); the whole run gets one more minute."""


# --------------------------------------------------------------------------------------------
# The corpus, in a subprocess whose memory the kernel caps.


def test_every_hostile_input_ends_in_a_result_or_a_gkbg_error_within_bounds() -> None:
    names = list(hostile.CASES)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.hostile.hostile",
            str(ADDRESS_SPACE_MIB),
            str(SECONDS_PER_CASE),
            *names,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=SECONDS_PER_CASE * len(names) + 60,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    records = {record["case"]: record for record in map(json.loads, done.stdout.splitlines())}
    assert list(records) == names, done.stderr[-3000:]
    # The kernel enforced the bound on every case.
    assert {record["address_space_mib"] for record in records.values()} == {ADDRESS_SPACE_MIB}
    wrong = {
        name: (record["outcome"], record["message"])
        for name, record in records.items()
        if not _expected(hostile.CASES[name][1], record["outcome"])
    }
    assert wrong == {}
    # Every error names the file it is about, then the cause.
    unnamed = [
        name
        for name, record in records.items()
        if record["outcome"] != "Report" and f"{name}.bin: " not in record["message"]
    ]
    assert unnamed == []


def _expected(expected: str, outcome: str) -> bool:
    if expected == "*":
        return outcome == "Report" or hasattr(gkbg, outcome)
    return outcome in expected.split("|")


# --------------------------------------------------------------------------------------------
# Regular expressions: every pattern gkbg uses stays linear on text built against it.

PATTERNS = hostile.patterns()


@pytest.mark.parametrize("where", list(PATTERNS))
def test_every_pattern_stays_linear_on_adversarial_text(where: str) -> None:
    pattern, fullmatch_only = PATTERNS[where]
    assert hostile.regex_outcome(pattern, fullmatch_only=fullmatch_only, seconds=20) == "ok"


def test_the_pattern_audit_catches_catastrophic_backtracking() -> None:
    exponential = regex.compile(r"(a|aa)+b")
    assert hostile.regex_outcome(exponential, fullmatch_only=False, seconds=1) == "Timeout"


def test_the_pattern_audit_sees_every_module_and_rule() -> None:
    modules = {where.rpartition(".")[0] for where in PATTERNS if where.startswith("gkbg.")}
    compiling = {
        name
        for name in hostile.REGEX_MODULES
        if regex.search(
            r"\bre(?:gex)?\.compile\(", inspect.getsource(importlib.import_module(name))
        )
    }
    assert compiling
    assert compiling <= modules
    narrative = [rule for rule in gkbg.RuleSet.default() if getattr(rule, "statements", ())]
    assert narrative
    for rule in narrative:
        assert any(where.startswith(f"rule:{rule.id}[") for where in PATTERNS)
    assert any(where.startswith("label:") for where in PATTERNS)


# --------------------------------------------------------------------------------------------
# Limits.


def test_limits_are_picklable_validated_and_named_in_errors() -> None:
    limits = gkbg.Limits(max_tokens=1000, max_input_bytes=10_000)
    assert pickle.loads(pickle.dumps(limits)) == limits
    assert gkbg.Limits() == gkbg.Limits(max_input_bytes=64 * 1024 * 1024)
    for bad in (0, -1):
        with pytest.raises(ValueError, match="max_tokens"):
            gkbg.Limits(max_tokens=bad)
    with pytest.raises(gkbg.LimitExceededError) as caught:
        gkbg.parse(SEEDS[0], limits=gkbg.Limits(max_tokens=100))
    assert caught.value.limit == "max_tokens"
    assert caught.value.source == str(SEEDS[0])
    assert "Limits.max_tokens" in caught.value.reason
    with pytest.raises(gkbg.LimitExceededError, match="max_input_bytes") as too_large:
        gkbg.parse(SEEDS[0].read_bytes(), limits=gkbg.Limits(max_input_bytes=1000))
    assert too_large.value.source == "<bytes>"


def test_raising_a_limit_accepts_what_the_default_refuses() -> None:
    words = b"0 " * 250_000
    with pytest.raises(gkbg.LimitExceededError):
        gkbg.parse_layout(words)
    layout = gkbg.parse_layout(words, limits=gkbg.Limits(max_tokens=300_000))
    assert len(layout.tokens) == 250_000


def test_a_large_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    sparse = tmp_path / "huge.txt"
    with sparse.open("wb") as stream:
        stream.truncate(8 * 1024 * 1024 * 1024)  # 8 GiB, no disk used
    with pytest.raises(gkbg.LimitExceededError, match=r"huge\.txt: the document is 8,589,934,592"):
        gkbg.parse(sparse)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_an_endless_device_is_refused_before_it_is_read() -> None:
    # Only regular files are read: a device (endless, or blocking) is refused at once, whatever
    # the limit; an endless file object is read no further than the limit (tests/test_api.py).
    limits = gkbg.Limits(max_input_bytes=1 << 20)
    with pytest.raises(
        gkbg.DocumentError,
        match=r"^/dev/zero: is a character device, not a regular file: refused without reading",
    ):
        gkbg.parse("/dev/zero", limits=limits)


def test_limits_reach_the_zip_guard_and_the_pdf_reader() -> None:
    docx = hostile.TEMPLATE.read_bytes()
    with pytest.raises(gkbg.LimitExceededError, match="more than 3") as members:
        gkbg.parse(docx, limits=gkbg.Limits(max_zip_members=3))
    assert members.value.limit == "max_zip_members"
    with pytest.raises(gkbg.LimitExceededError) as member:
        gkbg.parse(docx, limits=gkbg.Limits(max_member_bytes=1000))
    assert member.value.limit == "max_member_bytes"
    with pytest.raises(gkbg.LimitExceededError) as pages:
        gkbg.parse(CORPUS[0], limits=gkbg.Limits(max_pages=2))
    assert pages.value.limit == "max_pages"


@pytest.mark.skipif(not Path("/proc/self").exists(), reason="needs /proc to see processes")
def test_a_conversion_that_hangs_is_stopped_at_its_limit(tmp_path: Path) -> None:
    """The converter and the helper it started are both killed (soffice starts soffice.bin)."""
    helper_pid = tmp_path / "helper.pid"
    hanging = tmp_path / "soffice"
    hanging.write_text(
        f"#!/bin/sh\nsleep 60 &\necho $! > {helper_pid}\nsleep 60\n", encoding="utf-8"
    )
    hanging.chmod(0o755)
    with (
        mock.patch("gkbg.read.legacy.find_soffice", return_value=str(hanging)),
        pytest.raises(gkbg.LimitExceededError, match=r"within 0\.5 seconds") as caught,
    ):
        gkbg.parse(hostile.ole("WordDocument"), limits=gkbg.Limits(conversion_seconds=0.5))
    assert caught.value.limit == "conversion_seconds"
    pid = int(helper_pid.read_text(encoding="utf-8"))
    for _ in range(100):
        if not Path(f"/proc/{pid}").exists() or "Z" in _state(pid):
            break
        time.sleep(0.05)
    assert not Path(f"/proc/{pid}").exists() or "Z" in _state(pid)


def test_a_conversion_is_stopped_when_the_documents_time_budget_is_spent(tmp_path: Path) -> None:
    """LibreOffice gets the smaller of its own limit and what `Limits.max_seconds` has left."""
    hanging = tmp_path / "soffice"
    hanging.write_text("#!/bin/sh\nsleep 60\n", encoding="utf-8")
    hanging.chmod(0o755)
    started = time.monotonic()
    with (
        mock.patch("gkbg.read.legacy.find_soffice", return_value=str(hanging)),
        pytest.raises(gkbg.LimitExceededError, match=r"more than 0\.5 s") as caught,
    ):
        gkbg.parse(
            hostile.ole("WordDocument"),
            limits=gkbg.Limits(conversion_seconds=60, max_seconds=0.5),
        )
    assert caught.value.limit == "max_seconds"
    assert time.monotonic() - started < 10


def _big_word_table(rows: int) -> bytes:
    """A legal .docx of one table, ``rows`` rows of five numbers: slow to walk, no report."""
    numbers = iter(hostile.numbers(rows * 5))
    cells = "".join(
        "<w:tr>"
        + "".join(f"<w:tc>{hostile.para(str(next(numbers)))}</w:tc>" for _ in range(5))
        + "</w:tr>"
        for _ in range(rows)
    )
    return hostile.docx(f"<w:tbl>{cells}</w:tbl>")


def test_a_reading_in_the_callers_process_ends_when_its_time_budget_is_spent() -> None:
    """Not isolated, the readers and the alignment check the time as they go."""
    data = _big_word_table(20_000)
    started = time.monotonic()
    with pytest.raises(gkbg.LimitExceededError, match=r"more than 0\.2 s") as caught:
        gkbg.parse(data, limits=gkbg.Limits(max_seconds=0.2))
    assert caught.value.limit == "max_seconds"
    assert caught.value.source == "<bytes>"
    # One call into lxml (unzipping and parsing the part) cannot be interrupted; the walk can.
    assert time.monotonic() - started < 5
    # A real report is far inside the same budget.
    assert gkbg.parse(SEEDS[0], limits=gkbg.Limits(max_seconds=5)).tables


def test_text_too_long_is_refused_as_it_is_written_not_after_the_walk() -> None:
    data = _big_word_table(2_000)
    with pytest.raises(gkbg.LimitExceededError) as caught:
        gkbg.parse(data, limits=gkbg.Limits(max_text_chars=5_000))
    assert caught.value.limit == "max_text_chars"
    # Refused at the limit, not at the document's full length (about 26,000 characters).
    length = regex.search(r"has ([\d,]+) characters", str(caught.value))
    assert length is not None
    assert int(length[1].replace(",", "")) < 5_100


def _state(pid: int) -> str:
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except OSError:
        return "gone"
    return next(line for line in status.splitlines() if line.startswith("State:"))


# --------------------------------------------------------------------------------------------
# Errors.

DOCUMENT_ERRORS = [
    gkbg.EmptyDocumentError,
    gkbg.UnknownFormatError,
    gkbg.NoTablesError,
    gkbg.ScannedDocumentError,
    gkbg.CorruptDocumentError,
    gkbg.EncryptedDocumentError,
    gkbg.EncodingError,
    gkbg.UnsafeDocumentError,
]


@pytest.mark.parametrize("kind", DOCUMENT_ERRORS)
def test_document_errors_name_the_file_and_pickle(kind: type[gkbg.DocumentError]) -> None:
    error = kind("年报.pdf", "the cause")
    assert isinstance(error, gkbg.DocumentError)
    assert isinstance(error, gkbg.GkbgError)
    assert isinstance(error, ValueError)
    assert str(error) == "年报.pdf: the cause"
    copy = pickle.loads(pickle.dumps(error))
    assert (type(copy), copy.source, copy.reason) == (kind, "年报.pdf", "the cause")


def test_the_limit_error_keeps_its_limit_and_encoding_errors_are_unicode_errors() -> None:
    error = gkbg.LimitExceededError("a.docx", "too many members", "max_zip_members")
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.source, copy.reason, copy.limit) == (
        "a.docx",
        "too many members",
        "max_zip_members",
    )
    assert isinstance(gkbg.EncodingError("a.txt", "bad"), UnicodeError)


class Failing:
    """A plugin parser that fails with a given exception."""

    name = "boom"
    description = "fails"

    def __init__(self, failure: BaseException) -> None:
        self.failure = failure

    def sniff(self, document: gkbg.Input) -> float:
        del document
        return 1.0

    def read(self, document: gkbg.Input) -> Layout:
        del document
        raise self.failure


@pytest.mark.parametrize(
    ("failure", "kind", "limit"),
    [
        (TypeError("a bug in a plugin"), gkbg.CorruptDocumentError, None),
        (RecursionError("maximum recursion depth exceeded"), gkbg.LimitExceededError, "nesting"),
        (MemoryError(), gkbg.LimitExceededError, "memory"),
    ],
)
def test_a_parser_that_fails_unexpectedly_still_raises_a_gkbg_error(
    failure: BaseException, kind: type[gkbg.DocumentError], limit: str | None
) -> None:
    registry = gkbg.ParserRegistry([Failing(failure)], entry_points=False)
    with pytest.raises(kind) as caught:
        gkbg.parse(b"anything", registry=registry)
    assert caught.value.source == "<bytes>"
    assert getattr(caught.value, "limit", None) == limit
    if kind is gkbg.CorruptDocumentError:
        assert "boom parser cannot read it (TypeError: a bug in a plugin)" in caught.value.reason
        assert caught.value.__cause__ is failure


def test_an_interrupt_is_not_turned_into_an_error() -> None:
    registry = gkbg.ParserRegistry([Failing(KeyboardInterrupt())], entry_points=False)
    with pytest.raises(KeyboardInterrupt):
        gkbg.parse(b"anything", registry=registry)


def test_text_damaged_by_a_stray_byte_is_refused_with_its_offset() -> None:
    data = SEEDS[0].read_bytes()
    damaged = data[:3000] + b"\xff" + data[3000:]
    with pytest.raises(gkbg.EncodingError, match="byte 3,000 is not UTF-8"):
        gkbg.parse(damaged)
    assert gkbg.parse(data).agency  # the undamaged text reads


# --------------------------------------------------------------------------------------------
# XML and HTML: nothing is fetched, nothing is expanded.


def test_no_external_entity_is_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE", encoding="utf-8")
    dtd = f'<!DOCTYPE html [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>'
    page = f"{dtd}<html><body><table><tr><td>&xxe;</td><td>1</td></tr></table></body></html>"
    layout = gkbg.parse_layout(page.encode(), format="html")
    assert "TOP-SECRET" not in layout.text
    word = hostile.docx(hostile.para("&xxe;"), prolog=dtd.replace("html", "w:document"))
    with pytest.raises(gkbg.UnsafeDocumentError, match="DTD"):
        gkbg.parse_layout(word)


def test_html_nested_deeper_than_libxml2_reads_is_refused_not_cut_short() -> None:
    shallow = b"<html><body>" + b"<div>" * 200 + "二、主动公开".encode()
    assert "二、主动公开" in gkbg.parse_layout(shallow).text
    deep = b"<html><body>" + b"<div>" * 300 + "二、主动公开".encode()
    with pytest.raises(gkbg.LimitExceededError, match="256") as caught:
        gkbg.parse_layout(deep)
    assert caught.value.limit == "nesting"


# --------------------------------------------------------------------------------------------
# PDF.


def test_an_encrypted_pdf_is_named_as_such() -> None:
    with pytest.raises(gkbg.EncryptedDocumentError, match=r"encrypted\.pdf: encrypted PDF"):
        gkbg.parse(hostile.ENCRYPTED_PDF)


def test_a_pdf_with_only_an_owner_password_is_read() -> None:
    layout = gkbg.parse_layout(hostile.OWNER_ONLY_PDF)
    assert "gkbg encrypted fixture" in layout.text


@pytest.mark.parametrize("fraction", [0.02, 0.3, 0.6, 0.95])
def test_a_truncated_pdf_is_refused_as_damaged(fraction: float, tmp_path: Path) -> None:
    data = CORPUS[0].read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(data[: int(len(data) * fraction)])
    with pytest.raises(gkbg.CorruptDocumentError, match=r"cut\.pdf: damaged"):
        gkbg.parse(cut)


def test_a_pdf_without_text_is_a_scan() -> None:
    with pytest.raises(gkbg.ScannedDocumentError, match="run OCR"):
        gkbg.parse(hostile.pdf([None]))


# --------------------------------------------------------------------------------------------
# Partial results: what was read is kept.


def test_a_missing_table_is_reported_and_every_other_cell_kept() -> None:
    seed = SEEDS[0]
    expected = golden(seed)
    variant = str(expected["variant"])
    text = seed.read_text(encoding="utf-8")
    first_label = gkbg.form(variant).table("appeals").blocks[0].rows[0].label
    cut = text[: text.index(f"\n{first_label} |")]
    report = gkbg.parse(cut)
    assert not report.table("appeals").found
    result = gkbg.check(report)
    missing = [f for f in result.findings if f.rule == "table.missing"]
    assert len(missing) == 1
    assert "appeals" in missing[0].message.en or "四" in missing[0].message.zh
    cells = report.cells()
    golden_cells = expected["cells"]
    assert isinstance(golden_cells, dict)
    kept = {key: value for key, value in golden_cells.items() if not key.startswith("appeals.")}
    assert kept
    assert {key: cells[key] for key in kept} == kept


# --------------------------------------------------------------------------------------------
# The command line: one line per unreadable file, status 2, never a traceback.


def test_the_cli_prints_one_line_per_unreadable_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = []
    for name in ("empty", "docx-billion-laughs", "pdf-truncated", "html-deep-divs", "nul-bytes"):
        path = tmp_path / f"{name}\nwith a line break.bin"
        path.write_bytes(hostile.CASES[name][0]())
        files.append(str(path))
    files.append(str(hostile.ENCRYPTED_PDF))
    status = cli.main(["check", *files, "--lang", "en"])
    captured = capsys.readouterr()
    assert status == 2
    lines = captured.err.splitlines()
    assert len(lines) == len(files)
    assert all(line.startswith("gkbg: cannot read: ") for line in lines)
    assert "Traceback" not in captured.err
    assert "encrypted PDF" in lines[-1]


def test_the_cli_turns_an_internal_error_into_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*args: object, **kwargs: object) -> gkbg.Report:
        del args, kwargs
        raise KeyError("a bug\nover two lines")

    monkeypatch.setattr(cli, "parse", broken)
    assert cli.main(["parse", str(SEEDS[0])]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "internal error (KeyError" in err
    assert "please report it" in err


def test_the_cli_turns_a_failing_check_into_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*args: object, **kwargs: object) -> gkbg.CheckResult:
        del args, kwargs
        raise ZeroDivisionError("a bug in a check")

    monkeypatch.setattr(cli, "check", broken)
    assert cli.main(["check", str(SEEDS[0]), str(SEEDS[1])]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 2
    assert all("internal error while checking (ZeroDivisionError" in line for line in lines)


def test_the_cli_exit_status_from_a_real_process(tmp_path: Path) -> None:
    path = tmp_path / "bomb.docx"
    path.write_bytes(hostile.CASES["docx-zip-bomb"][0]())
    done = subprocess.run(
        [sys.executable, "-m", "gkbg", "check", str(path)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "LANG": "en_US.UTF-8"},
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert "zip bomb" in done.stderr


@pytest.mark.parametrize(
    ("unit", "repeat"),
    [(b"<p>x</p>", 5_000), (b"<br>", 12_500), (b"<p><span>x</span>y</p>", 4_000)],
    ids=["sibling-paragraphs", "breaks", "marked-spans"],
)
def test_html_reading_time_grows_linearly(unit: bytes, repeat: int) -> None:
    """Eight times the elements take about eight times as long, never sixty-four (quadratic).

    A ratio within one run, best of three with the garbage collector paused, so that the
    machine's speed and load cancel out; the bound (24) leaves room for a loaded machine and
    none for quadratic growth.
    """

    def seconds(count: int) -> float:
        data = b"<html><body><table><tr><td>" + unit * count + b"</td></tr></table>"
        best = float("inf")
        for _ in range(3):
            gc.collect()
            gc.disable()
            try:
                start = time.perf_counter()
                with pytest.raises(gkbg.NoTablesError):
                    gkbg.parse(data, format="html")
                best = min(best, time.perf_counter() - start)
            finally:
                gc.enable()
        return best

    assert seconds(8 * repeat) / seconds(repeat) < 24


def test_a_zip64_package_is_refused_with_its_real_member_count() -> None:
    """Over 65,535 members a zip says 0xFFFF in its end record; the zip64 record has the count."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", allowZip64=True) as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        for index in range(70_000):
            archive.writestr(f"m{index}", "")
    with pytest.raises(gkbg.LimitExceededError, match=r"has 70001 members") as info:
        gkbg.parse(buffer.getvalue())
    assert info.value.limit == "max_zip_members"


def test_a_30_mb_attribute_is_refused_for_what_it_is_not_for_nesting() -> None:
    page = b'<html><body><p title="' + b"a" * 30_000_000 + b'">x</p></body></html>'
    with pytest.raises(gkbg.LimitExceededError, match="attribute value longer") as info:
        gkbg.parse(page, format="html")
    assert info.value.limit == "markup"


# --------------------------------------------------------------------------------------------
# A PDF page is counted before it is read (issue 18): its characters and its drawings.


def test_the_pages_too_large_to_read_are_refused_within_a_gibibyte_and_five_seconds() -> None:
    """Half a million tiny characters on a page (7.8 s and 395 MB before its tokens were
    counted), forms fanning out to a quarter of a million drawings (16 s and 1.8 GB at a
    million): each refused by its page's count, in a child capped at 1 GiB of address space,
    within 5 s of CPU."""
    names = ["pdf-500k-tiny-characters", "pdf-forms-fanning-out"]
    done = subprocess.run(
        [sys.executable, "-m", "tests.hostile.hostile", "1024", "60", *names],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert [record["case"] for record in records] == names
    limits = ["max_page_chars", "max_page_draws"]
    for record, limit in zip(records, limits, strict=True):
        assert record["outcome"] == "LimitExceededError", record
        assert f"(the limit is Limits.{limit})" in record["message"], record
        assert record["address_space_mib"] == 1024
        assert record["cpu_seconds"] < 5, record


def test_a_page_is_refused_by_its_count_and_a_higher_limit_reads_it() -> None:
    pytest.importorskip("pypdfium2")
    with pytest.raises(gkbg.LimitExceededError, match=r"^<bytes>: page 1 .* 2,000 characters"):
        gkbg.parse(hostile.tiny_chars_pdf(2000), limits=gkbg.Limits(max_page_chars=1999))
    with pytest.raises(gkbg.NoTablesError):
        gkbg.parse(hostile.tiny_chars_pdf(2000), limits=gkbg.Limits(max_page_chars=2000))
    with pytest.raises(gkbg.LimitExceededError, match=r"page 1 .* draws more than 899 ") as drawn:
        gkbg.parse(hostile.fanout_pdf(30), limits=gkbg.Limits(max_page_draws=899))
    assert drawn.value.limit == "max_page_draws"
    # 30 forms, each drawing 30 forms of one line: 30 + 900 + 900 drawings.
    with pytest.raises(gkbg.LimitExceededError):
        gkbg.parse(hostile.fanout_pdf(30), limits=gkbg.Limits(max_page_draws=1829))
    with pytest.raises(gkbg.ScannedDocumentError):
        gkbg.parse(hostile.fanout_pdf(30), limits=gkbg.Limits(max_page_draws=1830))


def test_the_real_pdfs_are_read_the_same_at_their_own_counts() -> None:
    """The corpus PDFs print at most 783 characters and 753 drawings on a page: limits just
    above those read them as the defaults do, and just below refuse them."""
    pytest.importorskip("pypdfium2")
    tight = gkbg.Limits(max_page_chars=783, max_page_draws=753)
    for path in CORPUS:
        assert gkbg.parse(path, limits=tight) == gkbg.parse(path)
    with pytest.raises(gkbg.LimitExceededError):
        gkbg.parse(CORPUS[1], limits=attrs.evolve(tight, max_page_chars=782))
    with pytest.raises(gkbg.LimitExceededError):
        gkbg.parse(CORPUS[1], limits=attrs.evolve(tight, max_page_draws=752))


# --------------------------------------------------------------------------------------------
# Every reader looks at the clock as it goes (issue 18): a legal but large document given a
# tiny budget ends in `LimitExceededError` on max_seconds, raised by the reader itself.


def _budget_inputs() -> dict[str, tuple[str, bytes, str]]:
    """Each reader's large legal input, and the file the reader's clock is looked at in."""
    paragraphs = "".join(f"<p>第{n}段 政府信息公开</p>" for n in range(20_000))
    rows = "".join(f"<tr><td>{n}</td><td>{n + 1}</td></tr>" for n in range(5_000))
    html = f"<html><body>{paragraphs}<table>{rows}</table></body></html>"
    markdown = "# 报告\n\n| 项目 | 数量 |\n| --- | --- |\n" + "".join(
        f"| 第{n}项 | {n} |\n" for n in range(12_000)
    )
    return {
        "html": ("html", html.encode(), "read/html.py"),
        "markdown": ("markdown", markdown.encode(), "read/markdown.py"),
        "pipe": ("pipe", "".join(f"第{n}项 |\n" for n in range(40_000)).encode(), "plaintext.py"),
        "text": ("text", " ".join(f"第{n}项" for n in range(30_000)).encode(), "plaintext.py"),
        "pdf": ("pdf", hostile.pdf([f"page {n} of many" for n in range(400)]), "read/pdf/"),
    }


BUDGET_INPUTS = _budget_inputs()


@pytest.mark.parametrize("reader", list(BUDGET_INPUTS))
def test_every_reader_stops_when_its_time_budget_is_spent(reader: str) -> None:
    if reader == "pdf":
        pytest.importorskip("pypdfium2")
    name, data, where = BUDGET_INPUTS[reader]
    parser = default_registry().get(name)
    limits = gkbg.Limits(max_seconds=0.05)  # each reading takes more than half a second
    document = Input(data, "<bytes>", limits)
    started = time.monotonic()
    with time_budget("<bytes>", limits), pytest.raises(gkbg.LimitExceededError) as caught:
        parser.read(document)
    assert caught.value.limit == "max_seconds"
    assert any(where in str(entry.path) for entry in caught.traceback[-3:]), caught.traceback
    assert time.monotonic() - started < 5
    # Within a budget it can keep, the same document is read.
    with time_budget("<bytes>", gkbg.Limits()):
        assert parser.read(Input(data, "<bytes>")).tokens
