"""``bench/degraded.py`` works: a few draws of each shape, counted as the full run counts them.

The benchmark itself (10,000 reports per shape) is not part of the test run; this runs its core
on a handful of reports per shape and checks the bookkeeping: every cell counted once, the
shares and the table derived from the counts, a silently wrong cell and a false error noticed.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

import gkbg
from tests.helpers import SOFFICE, with_cell

if TYPE_CHECKING:
    from types import ModuleType

BENCH = Path(__file__).resolve().parent.parent / "bench" / "degraded.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("degraded_bench", BENCH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


degraded = _load()


def _consistent(figures: dict[str, Any], n: int) -> None:
    assert figures["reports"] == n
    assert figures["cells"] > 0
    counted = figures["exact"] + figures["flagged"] + figures["missing"] + figures["wrong"]
    assert counted == figures["cells"]
    assert figures["clean_reports"] + figures["invalid"] == n
    assert figures["share_exact"] == pytest.approx(figures["exact"] / figures["cells"], abs=1e-6)
    assert sum(kind["reports"] for kind in figures["by_kind"].values()) == n
    assert sum(option["reports"] for option in figures["by_option"].values()) == n
    assert len(figures["failures"]) >= figures["reports_wrong"]
    json.dumps(figures)  # what the script writes


@pytest.mark.parametrize(
    ("shape", "n", "chunk"),
    [
        ("run", 9, 3),
        ("flat", 30, 10),
        ("markdown", 30, 10),
        ("markdown-garbled", 30, 10),
        ("split-docx", 30, 10),
        ("split-html", 30, 10),
    ],
)
def test_a_shape_measured_on_a_few_reports(shape: str, n: int, chunk: int, tmp_path: Path) -> None:
    results = degraded.run([shape], n, chunk=chunk, failures=tmp_path)
    figures = results[shape]
    _consistent(figures, n)
    assert {"valid", "invalid", "blanked"} <= set(figures["by_kind"])
    assert shape in degraded.table(results)


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_split_pdf_measured_with_one_conversion(tmp_path: Path) -> None:
    results = degraded.run(["split-pdf"], 2, chunk=2, failures=tmp_path)
    _consistent(results["split-pdf"], 2)


@pytest.mark.skipif(
    SOFFICE is None or shutil.which("pdftotext") is None,
    reason="needs LibreOffice (soffice) and poppler's pdftotext",
)
def test_pdf_text_shapes_measured_on_one_conversion(tmp_path: Path) -> None:
    results = degraded.run(["pdftotext", "pdftotext-layout"], 2, chunk=2, failures=tmp_path)
    for shape in ("pdftotext", "pdftotext-layout"):
        _consistent(results[shape], 2)


def test_every_pdf_text_shape_reads_the_same_pdf_of_a_draw() -> None:
    for index in range(40):
        chosen = [degraded.options_of(shape, index) for shape in degraded.PDF_TEXT]
        assert all(options == chosen[0] for options in chosen)
    drawn = [degraded.options_of("pypdf", index) for index in range(200)]
    assert {options["orientation"] for options in drawn} == {"portrait", "landscape"}
    assert {options["split"] for options in drawn} == {None, "active", "applications"}
    assert {options["labels"] for options in drawn} == {"form", "styled"}


def test_a_missing_extraction_tool_is_named() -> None:
    missing = degraded.pdf_text_tools(["flat", "pdftotext", "pypdf"])
    assert all(line.startswith(("pdftotext:", "pypdf:")) for line in missing)


def test_the_same_seed_draws_the_same_reports() -> None:
    first = degraded.draw_chunk(3, 4, 0)
    again = degraded.draw_chunk(3, 4, 0)
    other = degraded.draw_chunk(3, 4, 1)
    assert [draw.report for draw in first] == [draw.report for draw in again]
    assert [draw.report for draw in first] != [draw.report for draw in other]
    assert {draw.kind for draw in first} == {degraded.KINDS[3]}
    assert [draw.index for draw in first] == [12, 13, 14, 15]


def test_every_markdown_combination_is_drawn_with_both_label_styles() -> None:
    combos = degraded.OPTIONS["markdown"]
    drawn = {json.dumps(degraded.options_of("markdown", i)) for i in range(2 * len(combos))}
    assert len(drawn) == 2 * len(combos) == 54


def test_garbled_markdown_draws_every_option_and_the_same_for_an_index() -> None:
    drawn = [degraded.options_of("markdown-garbled", i) for i in range(400)]
    assert drawn[7] == degraded.options_of("markdown-garbled", 7)
    for name, values in degraded.GARBLED.items():
        seen = {json.dumps(options[name]) for options in drawn}
        assert seen == {json.dumps(list(v) if isinstance(v, tuple) else v) for v in values}, name
    assert {options["labels"] for options in drawn} == {"form", "styled"}
    # Option names split at their commas into one value each (`by_value`).
    name = degraded._option_name({**drawn[0], "plain": ["active", "appeals"]})
    assert len(name.split(",")) == len(drawn[0])


def test_a_silently_wrong_cell_and_a_false_error_are_counted() -> None:
    (draw, *_) = degraded.draw_chunk(0, 1, 0)  # a valid report
    report = draw.report
    cell = next(c for c in report.iter_cells() if c.key == "applications.received.natural_person")
    wrong = with_cell(report, cell.key, value=cell.value + 1, raw=str(cell.value + 1))
    verdict = degraded.judge(report, "valid", wrong)
    assert verdict.tally.wrong == 1
    assert verdict.wrong[0]["key"] == cell.key
    assert verdict.tally.reports_false_error == 1  # its row and column no longer add up
    flagged = with_cell(wrong, cell.key, uncertain=(gkbg.Doubt.of("align.no_value"),))
    verdict = degraded.judge(report, "valid", flagged)
    assert (verdict.tally.wrong, verdict.tally.flagged, verdict.tally.flagged_right) == (0, 1, 0)


def test_a_lost_error_is_counted_unless_its_cells_are_flagged() -> None:
    draws = degraded.draw_chunk(1, 2, 0)  # invalid reports
    invalid = draws[0].report
    errors = gkbg.check(invalid).errors
    assert errors
    cells = list(errors[0].cells)
    # The read report with the changed cells set back so that every relation holds.
    fixed = invalid
    for key in cells:
        fixed = with_cell(fixed, key, value=None, state=gkbg.CellState.UNREAD, raw=None)
    verdict = degraded.judge(invalid, "invalid", fixed)
    assert verdict.tally.invalid_kept == 1
    assert verdict.tally.wrong == 0


def test_blank_read_as_zero_is_silently_wrong() -> None:
    (draw, *_) = degraded.draw_chunk(2, 1, 0)  # a blanked report
    blank = next(c for c in draw.report.iter_cells() if c.state is gkbg.CellState.BLANK)
    zero = with_cell(draw.report, blank.key, value=0, state=gkbg.CellState.VALUE, raw="0")
    verdict = degraded.judge(draw.report, "blanked", zero)
    assert verdict.tally.wrong == 1
    assert verdict.wrong[0]["read"] == 0


def test_amounts_compare_as_numbers() -> None:
    (draw, *_) = degraded.draw_chunk(0, 1, 0)
    amount = next(c for c in draw.report.iter_cells() if isinstance(c.value, Decimal))
    same = with_cell(
        draw.report, amount.key, value=Decimal(amount.value).quantize(Decimal("0.0001"))
    )
    tally = degraded.judge(draw.report, "valid", same).tally
    assert tally.exact == tally.cells


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_shapes_measured_with_one_conversion_each(tmp_path: Path) -> None:
    results = degraded.run(["lo-pdf", "lo-xlsx"], 2, chunk=2, failures=tmp_path)
    for shape in ("lo-pdf", "lo-xlsx"):
        _consistent(results[shape], 2)
        assert results[shape]["agency_read"] + results[shape]["year_read"] == 4
    assert "lo-xlsx" in degraded.table(results)


def test_libreoffice_layouts_are_drawn_the_same_for_an_index() -> None:
    for shape, (source, _) in degraded.LIBREOFFICE.items():
        drawn = [degraded.options_of(shape, i) for i in range(120)]
        assert drawn[7] == degraded.options_of(shape, 7)
        assert {options["split"] for options in drawn} == {None, *degraded.SPLIT_TABLES}
        if source == "docx":
            assert {options["title_break"] for options in drawn} == {None, "agency", "inside"}
            # Saved as .doc, adjacent parts become one table on a joined grid: never apart.
            breaks = {options["page_break"] for options in drawn}
            assert breaks == ({False} if shape == "lo-doc" else {False, True})
