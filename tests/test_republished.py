"""Real reports re-published through LibreOffice, in every form an office saves them in.

A Word report saved as ``.doc`` (its split tables joined on one grid), ``.odt``, ``.docx``
again, exported to PDF or HTML; a spreadsheet saved as ``.xls`` or ``.ods``. Each real document
with hand-read expectations is converted once per session (one ``soffice`` run per target, all
documents at once, `gkbg.testing.republish`) and read back: every expected cell right or
flagged, never silently wrong, the same variant, year and agency, and no error finding the
original does not give.
"""

from __future__ import annotations

import functools
import json
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

import attrs
import pytest
from hypothesis import Phase, given, seed, settings

import gkbg
from gkbg.testing import relaid_docx, report_of, reports, republish
from tests.helpers import CORPUS, FIXTURES, SOFFICE, golden, needs_soffice, number

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = needs_soffice


class Source(NamedTuple):
    """A real document, what LibreOffice saves it as, and its expected cells."""

    path: Path
    targets: tuple[str, ...]


WRITER = ("doc", "odt", "docx", "html", "pdf")
SOURCES = (
    # The official 2021 Word template, filled in by hand (units, a slash, an empty cell).
    Source(FIXTURES / "grid" / "filled-2021.docx", WRITER),
    # 淮安 2024 (a corpus PDF) as a Word document saved by LibreOffice as .odt.
    Source(FIXTURES / "odt" / "huaian-city-2024.odt", ("doc", "docx", "html", "pdf")),
    # A spreadsheet whose merged headers were unmerged.
    Source(FIXTURES / "grid" / "unmerged-2021.xlsx", ("xls", "ods")),
)
FORMS = [(source.path, target) for source in SOURCES for target in source.targets]


def _drawn(variant: str) -> list[gkbg.Report]:
    """A few valid reports of ``variant``, the same on every run."""
    drawn: list[gkbg.Report] = []

    @seed(20261207)
    @settings(database=None, max_examples=5, phases=[Phase.generate], deadline=None)
    @given(reports(variant))
    def collect(report: gkbg.Report) -> None:
        drawn.append(report)

    collect()
    return drawn


def _wide_appeals() -> gkbg.Report:
    """A valid 2021 report whose table 四 holds five-digit numbers."""
    base = next(report for report in _drawn("2021") if not gkbg.check(report).errors)
    values = {key: value for key, value in base.cells().items() if value is not None}
    for group, (upheld, other) in {
        "reconsideration": (12345, 67890),
        "litigation_direct": (23456, 78901),
        "litigation_after_reconsideration": (34567, 8),
    }.items():
        parts = {"upheld": upheld, "corrected": 0, "other": other, "pending": 99999}
        values |= {f"appeals.{group}.{name}": value for name, value in parts.items()}
        values[f"appeals.{group}.total"] = sum(parts.values())
    return report_of("2021", values, base.year, "北京市门头沟区科学技术和信息化局")


LONG_NAMES = ("北京市门头沟区科学技术和信息化局", "延边州政务服务和数字化建设管理局")


@functools.cache
def generated() -> dict[str, tuple[gkbg.Report, bytes, tuple[str, ...]]]:
    """Generated reports, by name: the report, its Word file laid out, the targets."""
    made: dict[str, tuple[gkbg.Report, bytes, tuple[str, ...]]] = {}
    wide = _wide_appeals()
    word = gkbg.render.docx(wide)
    made["wrapped-numbers"] = (wide, relaid_docx(word, orientation="portrait"), ("pdf",))
    base = _drawn("2019")[0]
    for name in LONG_NAMES:
        report = attrs.evolve(base, agency=name)
        word = gkbg.render.docx(report)
        laid = [
            relaid_docx(word, orientation="portrait", title_size=22),
            relaid_docx(word, orientation="portrait", title_break=5),
            relaid_docx(word, orientation="portrait", title_break=len(name)),
        ]
        for index, layout in enumerate(laid):
            made[f"title-{name}-{index}"] = (report, layout, ("pdf", "html"))
    return made


@pytest.fixture(scope="session")
def republished() -> dict[tuple[str, str], bytes | None]:
    """Every document in every form: one LibreOffice run per target, all documents at once.

    Keyed by (the real document's path, or a generated document's name; the target).
    """
    wanted: list[tuple[str, bytes, str, str]] = [
        (str(path), path.read_bytes(), path.suffix[1:], target) for path, target in FORMS
    ]
    wanted += [
        (name, word, "docx", target)
        for name, (_, word, targets) in generated().items()
        for target in targets
    ]
    out: dict[tuple[str, str], bytes | None] = {}
    for target in dict.fromkeys(target for *_, target in wanted):
        these = [item for item in wanted if item[3] == target]
        converted = republish(
            [data for _, data, _, _ in these], [s for _, _, s, _ in these], target
        )
        out.update(zip(((name, target) for name, *_ in these), converted, strict=True))
    return out


def _expected(path: Path) -> dict[str, gkbg.Value | None]:
    """The cells a real document prints: its hand-read golden, or its grid expectations."""
    expectations = path.with_suffix(".json")
    if expectations.is_file():
        data = json.loads(expectations.read_text(encoding="utf-8"))
        return {
            key: None if text is None else Decimal(text) if "." in text else int(text)
            for key, (_, text, _) in data["cells"].items()
        }
    cells = golden(next(doc for doc in CORPUS if doc.stem == path.stem))["cells"]
    assert isinstance(cells, dict)
    return {key: None if value is None else number(value) for key, value in cells.items()}


def _errors(report: gkbg.Report) -> set[tuple[str, str]]:
    return {(finding.rule, finding.cells[0]) for finding in gkbg.check(report).errors}


@pytest.mark.parametrize(("path", "target"), FORMS, ids=[f"{p.stem}.{t}" for p, t in FORMS])
def test_every_cell_right_or_flagged(
    path: Path, target: str, republished: dict[tuple[str, str], bytes | None]
) -> None:
    pytest.importorskip("openpyxl")
    assert SOFFICE is not None
    data = republished[str(path), target]
    assert data is not None, f"LibreOffice did not save {path.name} as .{target}"
    original = gkbg.parse(path)
    report = gkbg.parse(data)
    assert (report.variant, report.year, report.agency) == (
        original.variant,
        original.year,
        original.agency,
    )
    read = {cell.key: cell for cell in report.iter_cells()}
    wrong = {
        key: (value, read[key].value if key in read else "missing")
        for key, value in _expected(path).items()
        if key not in read
        or not (
            read[key].value == value
            or read[key].uncertain
            or read[key].state is gkbg.CellState.UNREAD
        )
    }
    assert wrong == {}
    assert _errors(report) <= _errors(original)  # no false error
    # Every finding of the original is found again, or rests on a cell flagged here.
    flagged = {
        cell.key
        for cell in report.iter_cells()
        if cell.uncertain or cell.state is gkbg.CellState.UNREAD
    }
    lost = {(rule, key) for rule, key in _errors(original) - _errors(report) if key not in flagged}
    assert lost == set()


# --- generated reports in the shapes the real ones showed ------------------------------------


def test_numbers_wrapped_in_a_portrait_pdf_read_exactly(
    republished: dict[tuple[str, str], bytes | None],
) -> None:
    """Table 四 on a portrait page: five digits do not fit its 15 columns (``1234`` / ``5``)."""
    report, _, _ = generated()["wrapped-numbers"]
    pdf = republished["wrapped-numbers", "pdf"]
    assert pdf is not None
    read = gkbg.parse(pdf)
    assert read.cells() == report.cells()
    assert read.uncertain_cells() == ()
    assert not gkbg.check(read).errors


@pytest.mark.parametrize("target", ["pdf", "html", "docx"])
def test_a_title_over_two_lines_still_gives_the_agency(
    target: str, republished: dict[tuple[str, str], bytes | None]
) -> None:
    """A long title wraps on a portrait page at 22 points, or is typed over two lines."""
    for name, (report, word, _) in generated().items():
        if name.startswith("title-"):
            data = word if target == "docx" else republished[name, target]
            assert data is not None
            read = gkbg.parse(data)
            assert (read.agency, read.year) == (report.agency, report.year), name
