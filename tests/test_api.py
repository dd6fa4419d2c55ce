"""The public surface: exports, version, registry, pickling, forms."""

from __future__ import annotations

import importlib
import io
import os
import pickle
import threading
from importlib import metadata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gkbg
from gkbg import render
from gkbg.read import registry as _parsers
from gkbg.testing import reports
from tests.helpers import FIXTURES, SEEDS, run_fresh


def test_all_is_complete() -> None:
    assert len(set(gkbg.__all__)) == len(gkbg.__all__)
    for name in gkbg.__all__:
        assert hasattr(gkbg, name), name


def test_every_public_name_is_imported_when_first_used() -> None:
    """``import gkbg`` imports none of the stages; each name comes from the module it did."""
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(gkbg))
    (checking,) = (
        n for n in tree.body if isinstance(n, ast.If) and "TYPE_CHECKING" in ast.unparse(n.test)
    )
    declared = {
        alias.asname or alias.name: node.module
        for node in checking.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    lazy = dict(gkbg._LAZY)
    assert lazy.pop("_api") == "gkbg._api"
    assert lazy.pop("render") == "gkbg.render"
    declared.pop("_api")
    assert declared.pop("render") == "gkbg"
    assert lazy == declared
    assert set(lazy) == set(gkbg.__all__)
    assert set(gkbg.__all__) <= set(dir(gkbg))
    for name, module in lazy.items():
        assert getattr(gkbg, name) is getattr(importlib.import_module(module), name), name
    with pytest.raises(AttributeError, match="has no attribute 'nothing'"):
        _ = gkbg.nothing
    script = (
        "import sys, gkbg, gkbg.cli, gkbg._batch\n"
        "print(sorted(m for m in sys.modules if m.startswith('gkbg.') and "
        "m.split('.')[1] in ('read', 'align', 'checks', 'write')))\n"
        "from gkbg import Report, parse\n"
        "print(Report.__module__, parse.__module__)"
    )
    lines = run_fresh(script)
    assert lines == ["[]", "gkbg.core.model gkbg.align.report"]


def test_the_model_views_work_without_gkbg_write_imported_first() -> None:
    """A report read in a fresh process without the package's names lends itself its views."""
    script = (
        "import sys\n"
        "from gkbg.align.report import parse\n"
        "from gkbg.checks.engine import check\n"
        f"report = parse({str(SEEDS[0])!r})\n"
        "assert 'gkbg.write.summary' not in sys.modules\n"
        "print(str(check(report)).splitlines()[-1].strip())\n"
        "print(len(report._repr_html_()))\n"
    )
    lines = run_fresh(script)
    report = gkbg.parse(SEEDS[0])
    expected = [str(gkbg.check(report)).splitlines()[-1].strip(), str(len(report._repr_html_()))]
    assert lines == expected


def test_version_matches_metadata() -> None:
    assert gkbg.__version__ == metadata.version("gkbg")


def test_reports_and_results_pickle() -> None:
    report = gkbg.parse(SEEDS[2])
    result = gkbg.check(report)
    assert pickle.loads(pickle.dumps(report)) == report
    assert pickle.loads(pickle.dumps(result)) == result
    error = gkbg.EmptyDocumentError("a.txt", "the document is empty")
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.source, copy.reason, str(copy)) == (
        "a.txt",
        "the document is empty",
        "a.txt: the document is empty",
    )


def test_forms_are_data() -> None:
    assert list(gkbg.forms()) == ["2019", "2021"]
    assert len(list(gkbg.form("2019").cells())) == 198
    assert len(list(gkbg.form("2021").cells())) == 200
    keys = gkbg.form("2021").table("applications").cell_keys()
    assert "applications.other.no_fee.commercial" in keys
    assert "applications.other.research" in gkbg.form("2019").table("applications").cell_keys()
    assert gkbg.form("2019").applies_to(2020)
    assert not gkbg.form("2019").applies_to(2021)
    with pytest.raises(KeyError, match="known forms: 2019, 2021"):
        gkbg.form("2026")


def test_a_broken_form_file_is_named() -> None:
    from gkbg.core.schema import load_form

    with pytest.raises(gkbg.FormError, match=r"new\.toml: not a valid form"):
        load_form('variant = "2026"\n', source="new.toml")


class CsvCells:
    """A tiny third-party parser: every comma-separated field is one table cell."""

    name = "csv-cells"
    description = "comma-separated cells"

    def sniff(self, document: gkbg.Input) -> float:
        return 1.0 if document.name.endswith(".csv") else 0.0

    def read(self, document: gkbg.Input) -> gkbg.Layout:
        tokens = []
        for line in document.text().splitlines():
            for field in line.split(","):
                kind = (
                    gkbg.TokenKind.EMPTY
                    if not field.strip()
                    else (
                        gkbg.TokenKind.VALUE
                        if field.strip().lstrip("-").isdigit()
                        else gkbg.TokenKind.TEXT
                    )
                )
                tokens.append(gkbg.Token(field.strip(), kind, cell=True))
        return gkbg.Layout(tuple(tokens), document.text(), document.name, self.name)


def test_a_registered_parser_is_used() -> None:
    registry = gkbg.ParserRegistry([CsvCells()], entry_points=False)
    table = gkbg.form("2021").table("appeals")
    header = ",".join(column.label for column in table.blocks[0].columns)
    text = (
        "四、政府信息公开行政复议、行政诉讼情况\n行政复议,行政诉讼\n"
        + header
        + "\n"
        + ",".join(["1"] * 4 + ["4"] * 1 + ["0"] * 10)
    )
    report = gkbg.parse(text.encode(), registry=registry, format="csv-cells")
    assert report.format == "csv-cells"
    assert report.cell("appeals.reconsideration.total").value == 4
    assert not report.table("active").found
    with pytest.raises(ValueError, match="already registered"):
        registry.register(CsvCells())
    with pytest.raises(TypeError, match="not a gkbg parser"):
        registry.register(object())  # type: ignore[arg-type]


class _FakeEntryPoint:
    name = "csv-cells"
    value = "plugin:CsvCells"

    def load(self) -> type[CsvCells]:
        return CsvCells


def test_parsers_from_entry_points(monkeypatch: pytest.MonkeyPatch) -> None:
    def entry_points(*, group: str) -> list[_FakeEntryPoint]:
        assert group == "gkbg.parsers"
        return [_FakeEntryPoint()]

    monkeypatch.setattr(metadata, "entry_points", entry_points)
    registry = _parsers.ParserRegistry([])
    assert registry.names() == ("csv-cells",)
    assert isinstance(registry.get("csv-cells"), CsvCells)


# --------------------------------------------------------------------------------------------
# The API takes what users hold: paths, bytes and bytes-like objects, text, file objects.


def _values(report: gkbg.Report) -> dict[str, object]:
    return {key: (value, report.cell(key).state) for key, value in report.cells().items()}


def _sources(path: Path) -> dict[str, object]:
    """The same document in every form the API takes (file objects opened afresh)."""
    data = path.read_bytes()
    return {
        "str path": str(path),
        "Path": path,
        "bytes": data,
        "bytearray": bytearray(data),
        "memoryview": memoryview(data),
        "BytesIO": io.BytesIO(data),
        "binary file": path.open("rb"),
        "text": data.decode("utf-8"),
        "StringIO": io.StringIO(data.decode("utf-8")),
    }


def test_parse_and_check_take_every_kind_of_source() -> None:
    path = SEEDS[2]
    report = gkbg.parse(path)
    result = gkbg.check(report)
    for kind, source in _sources(path).items():
        try:
            read = gkbg.parse(source)  # type: ignore[arg-type]
            assert _values(read) == _values(report), kind
            assert (read.variant, read.year, read.agency) == (
                report.variant,
                report.year,
                report.agency,
            ), kind
        finally:
            if isinstance(source, io.IOBase):
                source.close()
    for kind, source in _sources(path).items():
        try:
            checked = gkbg.check(source)  # type: ignore[arg-type]
            assert checked.findings == result.findings, kind
            assert checked.not_checkable == result.not_checkable, kind
        finally:
            if isinstance(source, io.IOBase):
                source.close()
    assert gkbg.check(report) == result


def test_a_file_object_is_read_from_where_it_stands_and_named_and_left_open(
    tmp_path: Path,
) -> None:
    data = SEEDS[2].read_bytes()
    stream = io.BytesIO(b"skipped" + data)
    stream.seek(len(b"skipped"))
    assert _values(gkbg.parse(stream)) == _values(gkbg.parse(data))
    assert not stream.closed
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with empty.open("rb") as opened, pytest.raises(gkbg.EmptyDocumentError) as raised:
        gkbg.parse(opened)
    assert raised.value.source == str(empty)
    with pytest.raises(gkbg.EmptyDocumentError, match=r"^<file object>: "):
        gkbg.parse(io.BytesIO(b""))


def test_a_file_object_is_read_no_further_than_the_size_limit() -> None:
    class Endless(io.RawIOBase):
        asked: list[int] = []  # noqa: RUF012 - the test's record

        def readable(self) -> bool:
            return True

        def read(self, size: int = -1, /) -> bytes:
            self.asked.append(size)
            return b"x" * size

    limits = gkbg.Limits(max_input_bytes=1000)
    with pytest.raises(gkbg.LimitExceededError, match="max_input_bytes"):
        gkbg.parse(Endless(), limits=limits)
    assert Endless.asked == [1001]


def test_a_text_file_in_the_wrong_encoding_says_to_open_it_in_binary(tmp_path: Path) -> None:
    path = tmp_path / "gbk.txt"
    path.write_bytes(SEEDS[2].read_text(encoding="utf-8").encode("gb18030"))
    with (
        path.open(encoding="utf-8") as opened,
        pytest.raises(gkbg.EncodingError, match=r"gbk\.txt: .*open it in binary mode"),
    ):
        gkbg.parse(opened)
    with path.open("rb") as opened:  # in binary, gkbg finds the encoding itself
        assert _values(gkbg.parse(opened)) == _values(gkbg.parse(SEEDS[2]))


@pytest.mark.parametrize(
    "source",
    [
        "一、总体情况\ud800\n三、收到和处理政府信息公开申请情况\n",
        "\udcff",
        "report\ud800.pdf",
        io.StringIO("一、总体情况\n\udc80\n"),
    ],
    ids=["text", "one character", "a file name", "a text file object"],
)
def test_a_lone_surrogate_is_an_encoding_error_naming_it(source: object) -> None:
    with pytest.raises(gkbg.EncodingError, match="lone surrogate") as raised:
        gkbg.parse(source)  # type: ignore[arg-type]
    assert isinstance(raised.value, gkbg.GkbgError)
    if isinstance(source, io.StringIO):
        source.seek(0)
    with pytest.raises(gkbg.EncodingError, match="lone surrogate"):
        gkbg.check(source)  # type: ignore[arg-type]


def test_the_position_of_a_lone_surrogate_is_named() -> None:
    with pytest.raises(gkbg.EncodingError, match=r"U\+D800 at character 3\b"):
        gkbg.parse("一二三\ud800\n")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_is_refused_at_once_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "report.txt"
    os.mkfifo(fifo)
    outcome: list[BaseException | None] = []

    def read() -> None:
        try:
            gkbg.parse(fifo)
        except BaseException as exc:  # noqa: BLE001 - handed to the test's thread
            outcome.append(exc)
        else:
            outcome.append(None)

    worker = threading.Thread(target=read, daemon=True)
    worker.start()
    worker.join(10)
    if worker.is_alive():  # unblock the reader so the test run goes on, then fail
        with fifo.open("wb"):
            pass
        pytest.fail("gkbg.parse blocked on a FIFO with no writer")
    (error,) = outcome
    assert isinstance(error, gkbg.DocumentError)
    assert str(error) == (
        f"{fifo}: is a FIFO (named pipe), not a regular file: refused without reading it"
    )
    with pytest.raises(gkbg.DocumentError, match="FIFO"):
        gkbg.check(str(fifo))


@pytest.mark.parametrize("device", ["/dev/null", "/dev/zero", "/dev/urandom"])
def test_a_device_is_refused(device: str) -> None:
    if not Path(device).exists():
        pytest.skip(f"no {device} here")
    with pytest.raises(gkbg.DocumentError, match=r"is a character device, not a regular file"):
        gkbg.parse(Path(device))


def test_a_directory_and_a_missing_file_say_so(tmp_path: Path) -> None:
    with pytest.raises(gkbg.DocumentError, match="is a directory, not a file"):
        gkbg.parse(tmp_path)
    with pytest.raises(gkbg.DocumentError, match="no such file"):
        gkbg.parse(tmp_path / "gone.pdf")


@pytest.mark.parametrize("source", [123, 1.5, None, ["a.txt"], {"a": 1}, object()])
def test_a_wrong_type_is_a_type_error_naming_what_is_accepted(source: object) -> None:
    with pytest.raises(TypeError, match=r"gkbg cannot read a \w+: it takes a path") as raised:
        gkbg.parse(source)  # type: ignore[arg-type]
    assert "file object" in str(raised.value)
    assert not isinstance(raised.value, gkbg.GkbgError)


def test_input_of_decides_once() -> None:
    data = SEEDS[2].read_bytes()
    document = gkbg.Input.of(bytearray(data))
    assert (document.data, document.name) == (data, "<bytearray>")
    assert gkbg.Input.of(document) is document
    assert gkbg.Input.of(memoryview(data)[:10]).data == data[:10]
    limits = gkbg.Limits(max_input_bytes=5)
    with pytest.raises(gkbg.LimitExceededError, match=r"^<memoryview>: "):
        gkbg.Input.of(memoryview(data), limits)


def test_the_exports_take_paths_documents_and_reports() -> None:
    pytest.importorskip("pandas")
    paths = SEEDS[:3]
    reports = [gkbg.parse(path) for path in paths]
    results = [gkbg.check(report) for report in reports]
    assert gkbg.cell_records(paths) == gkbg.cell_records(reports)
    assert gkbg.cell_records(str(paths[0])) == gkbg.cell_records(reports[0])
    assert gkbg.finding_records([str(p) for p in paths]) == gkbg.finding_records(results)
    assert gkbg.finding_records(reports) == gkbg.finding_records(results)
    frame = gkbg.cells_frame(paths)
    assert frame.equals(gkbg.cells_frame(reports))
    assert gkbg.cells_frame(paths[0], wide=True).equals(gkbg.cells_frame(reports[0], wide=True))
    assert gkbg.findings_frame(paths).equals(gkbg.findings_frame(results))
    assert gkbg.findings_frame(paths[1]).equals(gkbg.findings_frame(results[1]))
    # bytes: the records say <bytes> where a path says the file
    from_bytes = gkbg.cell_records(paths[0].read_bytes())
    assert [dict(r, source=None) for r in from_bytes] == [
        dict(r, source=None) for r in gkbg.cell_records(reports[0])
    ]
    assert gkbg.to_html(paths[0], lang="en") == gkbg.to_html(reports[0], lang="en")


def test_the_csv_and_excel_exports_take_paths(tmp_path: Path) -> None:
    pytest.importorskip("openpyxl")
    paths = SEEDS[:2]
    reports = [gkbg.parse(path) for path in paths]
    one = gkbg.cells_to_csv(paths, tmp_path / "a.csv").read_bytes()
    assert one == gkbg.cells_to_csv(reports, tmp_path / "b.csv").read_bytes()
    one = gkbg.findings_to_csv(paths, tmp_path / "a.csv").read_bytes()
    assert one == gkbg.findings_to_csv(reports, tmp_path / "b.csv").read_bytes()
    assert gkbg.to_xlsx(tmp_path / "c.xlsx", reports=paths, results=paths).stat().st_size > 0


@settings(max_examples=15, deadline=None)
@given(report=reports(), kind=st.sampled_from(["bytes", "bytearray", "memoryview", "BytesIO"]))
def test_generated_reports_read_alike_from_every_kind_of_source(
    report: gkbg.Report, kind: str
) -> None:
    data = render.text(report, "pipe").encode("utf-8")
    source: object = {
        "bytes": data,
        "bytearray": bytearray(data),
        "memoryview": memoryview(data),
        "BytesIO": io.BytesIO(data),
    }[kind]
    read = gkbg.parse(source)  # type: ignore[arg-type]
    assert _values(read) == _values(gkbg.parse(data))
    assert gkbg.check(read).findings == gkbg.check(data).findings


# --------------------------------------------------------------------------------------------
# Short reprs, a readable print(result), notebook views; ==, pickling and JSON unchanged.


def test_a_report_has_a_short_repr() -> None:
    report = gkbg.parse(FIXTURES / "corpus" / "huaian-city-2024.pdf")
    assert repr(report) == (
        "<Report 2021 淮安市人民政府 2024: 3 tables, 200 cells, 0 unread; "
        f"{FIXTURES / 'corpus' / 'huaian-city-2024.pdf'}>"
    )
    assert [repr(table) for table in report.tables] == [
        "<Table active 2021: 10 cells, 0 unread>",
        "<Table applications 2021: 175 cells, 0 unread>",
        "<Table appeals 2021: 15 cells, 0 unread>",
    ]
    yaohai = gkbg.parse(FIXTURES.parent.parent / "examples" / "yaohai-2019.txt")
    assert repr(yaohai).startswith(
        "<Report 2019 瑶海区人民政府 2019: 3 tables, 198 cells, 0 unread, 10 with doubt; "
    )
    bare = gkbg.Report(tables=tuple(gkbg.Table(key, None) for key in gkbg.TABLES), variant=None)
    assert repr(bare) == (
        "<Report no form (agency not named) (year unknown): 0 tables, 0 cells, 0 unread>"
    )
    assert repr(bare.tables[0]) == "<Table active: not found>"


@settings(max_examples=20, deadline=None)
@given(report=reports())
def test_reprs_stay_short_and_leave_equality_pickling_and_json_alone(
    report: gkbg.Report,
) -> None:
    assert len(repr(report)) < 200
    assert len(repr(gkbg.check(report))) < 200
    assert pickle.loads(pickle.dumps(report)) == report
    assert gkbg.from_json(gkbg.to_json(report)) == report
    assert gkbg.check(report) == gkbg.check(pickle.loads(pickle.dumps(report)))


def test_a_check_result_prints_its_findings() -> None:
    yaohai = FIXTURES.parent.parent / "examples" / "yaohai-2019.txt"
    result = gkbg.check(yaohai)
    assert repr(result) == f"<CheckResult {yaohai}: 2 errors, 0 warnings, advice>"
    text = gkbg.result_text(result, "en")
    lines = text.splitlines()
    assert lines[0] == str(yaohai)
    assert lines[1] == (
        "  ERROR    applications.results_total  applications.total.natural_person  "
        "expected 127  found 124"
    )
    assert lines[2].strip().startswith("Table 三, column natural persons")
    assert lines[-2].startswith("  advice: any of 4 fixes of 2 cells")
    assert lines[-1] == "  2 errors, 0 warnings"
    assert "错误" in gkbg.result_text(result, "zh")
    assert str(result) in {gkbg.result_text(result, "en"), gkbg.result_text(result, "zh")}
    assert "Finding(" not in str(result)
    assert repr(gkbg.CheckResult()) == "<CheckResult 0 errors, 0 warnings>"
    assert gkbg.result_text(gkbg.CheckResult(), "en") == "  0 errors, 0 warnings, no findings"
    # a result's == and pickling are untouched by its repr
    assert pickle.loads(pickle.dumps(result)) == result


def test_the_results_of_a_series_have_the_short_repr_too() -> None:
    paths = [FIXTURES / "corpus" / f"hongze-district-{year}.pdf" for year in (2023, 2024)]
    result = gkbg.check_series([gkbg.parse(path) for path in paths])
    assert repr(result).startswith("<SeriesResult ")
    assert len(repr(result)) < 200


def test_a_batch_summary_has_a_short_repr_and_a_notebook_view(tmp_path: Path) -> None:
    bad = tmp_path / "in" / "bad<b>.txt"
    bad.parent.mkdir()
    bad.write_text("nothing here\n", encoding="utf-8")
    summary = gkbg.batch([str(SEEDS[0]), str(bad)], tmp_path / "out", jobs=1, progress=False)
    assert repr(summary) == (
        f"<BatchSummary {summary.out}: 2 files, 1 read, 1 unreadable, 0 failed; "
        f"{summary.with_errors} with errors ({summary.errors} errors, "
        f"{summary.warnings} warnings)>"
    )
    html = summary._repr_html_()
    assert "bad&lt;b&gt;.txt" in html
    assert "<b>.txt" not in html
    assert "cells.csv" in html
    assert html.count("<tr>") == 2 + 1 + 1  # the counts (head, row), the problems (head, row)
    record = gkbg.batch_file(str(SEEDS[0]))
    assert len(repr(record)) < 200
    assert repr(record).startswith(f"<FileResult {SEEDS[0]} ok: ")


def test_series_and_rollup_take_paths_like_check() -> None:
    """`check_series` and `check_rollup` read documents as `check` does, with select/ignore."""
    pytest.importorskip("pypdfium2")
    hongze = [FIXTURES / "corpus" / f"hongze-district-{year}.pdf" for year in (2024, 2023)]
    reports = [gkbg.parse(path) for path in hongze]
    from_paths = gkbg.check_series([str(hongze[0]), hongze[1]])
    assert from_paths == gkbg.check_series(reports)
    assert from_paths.years == (2023, 2024)
    with_bytes = gkbg.check_series([hongze[0].read_bytes(), reports[1]])
    assert with_bytes.findings == from_paths.findings
    ignored = gkbg.check_series(hongze, ignore="series")
    assert not ignored.findings
    assert not ignored.not_checkable
    with pytest.raises(gkbg.RuleError, match="names no check"):
        gkbg.check_series(hongze, select="no.such.check")
    with pytest.raises(TypeError, match="several reports"):
        gkbg.check_series(str(hongze[0]))
    rollup = gkbg.check_rollup(hongze[1], [hongze[1], reports[1]])
    assert rollup == gkbg.check_rollup(reports[1], [reports[1], reports[1]])
    assert rollup.findings  # the summary is not twice itself
    assert not gkbg.check_rollup(hongze[1], [hongze[1], hongze[1]], ignore="rollup").findings
