"""The public surface: exports, version, registry, pickling, forms."""

from __future__ import annotations

import pickle
from importlib import metadata

import pytest

import gkbg
from gkbg.read import registry as _parsers
from tests.helpers import SEEDS


def test_all_is_complete() -> None:
    assert len(set(gkbg.__all__)) == len(gkbg.__all__)
    for name in gkbg.__all__:
        assert hasattr(gkbg, name), name


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
