"""Documents made with a real office suite: HTML written by us, converted by LibreOffice.

A report reaches users re-published through LibreOffice in several forms: .docx, .pdf, the
legacy .doc, OpenDocument .odt (read natively) and RTF (converted again).

These tests need LibreOffice (``soffice``). Without it they are skipped locally with the
reason; under CI (``CI`` set) they run regardless, so a machine without LibreOffice fails.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gkbg
from gkbg import testing
from gkbg.core.compat import OLE_SIGNATURE
from gkbg.core.limits import Limits
from gkbg.core.office import convert, find_soffice
from gkbg.read import legacy as _convert
from tests.helpers import (
    FIXTURES,
    SEEDS,
    assert_read_back,
    golden,
    html_report,
    needs_soffice,
    number,
    soffice,
)

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = needs_soffice
XLSX = FIXTURES / "xlsx"
# One report of each form, from the golden values of real reports.
REPORTS = [seed for seed in SEEDS if seed.stem[:3] in {"002", "003"}]
FILTERS = {
    "docx": "docx:MS Word 2007 XML",
    "pdf": "pdf",
    "doc": "doc:MS Word 97",
    "odt": "odt",
    "rtf": "rtf",
}
SUFFIXES = ("html", "docx", "pdf", "doc", "odt", "rtf")
FORMATS = {"html": "html", "docx": "docx", "pdf": "pdf", "doc": "legacy", "odt": "odt"}


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """Every report as .html, and as .docx, .pdf, .doc, .odt and .rtf made by LibreOffice."""
    folder = tmp_path_factory.mktemp("converted")
    pages = []
    for seed in REPORTS:
        expected = golden(seed)
        cells = expected["cells"]
        assert isinstance(cells, dict)
        variant = str(expected["variant"])
        page = folder / f"{seed.stem}.html"
        year = expected["year"]
        title = f"某某区人民政府{year}年政府信息公开工作年度报告"
        # LibreOffice's PDF of the page has no text for the <h1> title; the data period
        # statement that real reports print gives the year in every format.
        period = f"本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。"
        page.write_text(
            html_report(variant, cells, title=title, narrative=period), encoding="utf-8"
        )
        pages.append(page)
    soffice(folder, FILTERS["docx"], pages)
    soffice(folder, FILTERS["pdf"], pages)
    for suffix in ("doc", "odt", "rtf"):
        soffice(folder, FILTERS[suffix], (folder / f"{page.stem}.docx" for page in pages))
    return {
        (seed.stem, suffix): folder / f"{seed.stem}.{suffix}"
        for seed in REPORTS
        for suffix in SUFFIXES
    }


@pytest.mark.parametrize("suffix", SUFFIXES)
@pytest.mark.parametrize("seed", REPORTS, ids=[seed.stem[:3] for seed in REPORTS])
def test_every_format_reads_the_source_cells(
    converted: dict[tuple[str, str], Path], seed: Path, suffix: str
) -> None:
    expected = golden(seed)
    cells = expected["cells"]
    assert isinstance(cells, dict)
    report = gkbg.parse(converted[seed.stem, suffix])
    assert report.format == FORMATS.get(suffix, "legacy")
    assert report.variant == expected["variant"]
    assert report.year == expected["year"]
    got = report.cells()
    wrong = {
        key: (got.get(key), value) for key, value in cells.items() if got.get(key) != number(value)
    }
    assert wrong == {}
    assert report.uncertain_cells() == ()


def test_without_libreoffice_the_error_says_how_to_get_it(
    converted: dict[tuple[str, str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_convert, "find_soffice", lambda: None)
    document = converted[REPORTS[0].stem, "doc"]
    with pytest.raises(gkbg.DocumentError, match="needs LibreOffice; install LibreOffice") as info:
        gkbg.parse(document)
    assert info.value.source == str(document)


def test_a_damaged_legacy_file_is_refused(tmp_path: Path) -> None:
    broken = tmp_path / "broken.doc"
    broken.write_bytes(OLE_SIGNATURE + b"\x00" * 600)
    with pytest.raises(gkbg.CorruptDocumentError, match=r"broken\.doc: an OLE compound file"):
        gkbg.parse(broken)
    broken.write_bytes(OLE_SIGNATURE + b"\x00" * 600 + "WordDocument".encode("utf-16-le"))
    with pytest.raises(gkbg.DocumentError, match=r"broken\.doc: LibreOffice could not convert"):
        gkbg.parse(broken)


# Table 三 in two adjacent Word tables on different column widths (`gkbg.render`'s ``split``
# without a page break): saved as .doc they become one table on the union of both grids, its
# second half's cells at other grid columns than the header's.


def _as_doc(report: gkbg.Report, target: str = "doc") -> bytes:
    soffice = find_soffice()
    assert soffice is not None
    word = gkbg.render.docx(report, split="applications", page_break=False)
    return convert(soffice, word, "docx", target, "<split report>", Limits())


def _read_doc(report: gkbg.Report, target: str = "doc") -> gkbg.Report:
    read_back = gkbg.parse(_as_doc(report, target))
    assert read_back.format == FORMATS.get(target, "legacy")
    assert_read_back(report, read_back)
    return read_back


@pytest.mark.parametrize("variant", ["2019", "2021"])
def test_a_table_on_two_grids_saved_as_doc_reads_exactly(variant: str) -> None:
    cells = {spec.key: index + 1 for index, spec in enumerate(gkbg.form(variant).cells())}
    report = testing.report_of(variant, cells, 2022, "某某区人民政府")
    data = _as_doc(report)
    layout = gkbg.parse_layout(data)
    received = next(t for t in layout.tokens if t.text == str(cells["applications.received.total"]))
    forward = next(
        t for t in layout.tokens if t.text == str(cells["applications.carried_forward.total"])
    )
    # One table on the union grid: the two halves' totals stand at different grid columns.
    assert received.location.table_index == forward.location.table_index
    assert received.location.col_index != forward.location.col_index
    read_back = _read_doc(report)
    assert read_back.cells() == cells
    assert read_back.uncertain_cells() == ()


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    report=st.one_of(
        testing.reports(),
        testing.invalid_reports().map(lambda invalid: invalid.report),
    )
)
def test_generated_reports_on_two_grids_saved_as_doc_keep_their_errors(
    report: gkbg.Report,
) -> None:
    _read_doc(report)


@pytest.mark.parametrize("target", ["odt", "rtf"])
@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    report=st.one_of(
        testing.reports(),
        testing.invalid_reports().map(lambda invalid: invalid.report),
        testing.blanked_reports().map(lambda blanked: blanked.report),
    )
)
def test_generated_reports_saved_as_odt_and_rtf_read_back(target: str, report: gkbg.Report) -> None:
    """Split over two Word tables on other grids, then saved as .odt or .rtf by LibreOffice."""
    _read_doc(report, target)


def test_an_xlsx_saved_as_ods_reads_as_the_xlsx(tmp_path: Path) -> None:
    source = XLSX / "000_446c7f06a5526eef.xlsx"
    soffice(tmp_path, "ods", [source])
    spreadsheet = gkbg.parse(tmp_path / f"{source.stem}.ods")
    assert spreadsheet.format == "legacy"
    assert spreadsheet.cells() == gkbg.parse(source).cells()
