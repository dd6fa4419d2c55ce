# SPDX-License-Identifier: MIT
"""A PDF report's text as ``pdftotext``, pdfplumber or pypdf extract it (issue 14).

Researchers often hold a PDF report only as the text a tool extracted. poppler's ``pdftotext``
(without ``-layout``) writes the PDF block by block: a row's numbers may come before its label
(a label cell lower on the page than its numbers), and the numbers of one column over several
rows are one block, a number a line (*stacked*), so that a table's values are listed column by
column over two, four or ten rows. Read by the form's row order such values are silently wrong;
`gkbg.align.stacks` reads them by their stacks, the labels and the statute's relations choose
between the two readings, and the cells they cannot decide are unread.

``tests/fixtures/pdftext`` keeps texts of generated reports that read a cell wrong before
(``bench/degraded.py``'s PDF-text shapes: ``render.docx`` laid out by
``gkbg.testing.relaid_docx``, exported to PDF by LibreOffice, the text extracted by the tool the
name says), each beside its generated report (``gkbg.to_json``).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gkbg
import gkbg.render
from gkbg.align.stacks import stacks
from gkbg.read.layout import Token, TokenKind
from gkbg.testing import invalid_reports, mixed_reports, relaid_docx, reports, republish
from tests.helpers import SOFFICE, assert_read_back_or_flagged

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PDFTEXT = FIXTURES / "pdftext"
CONVERTED = FIXTURES / "converters"
PDFTOTEXT = shutil.which("pdftotext")


@pytest.mark.parametrize(
    "path", sorted(PDFTEXT.glob("*.txt")), ids=lambda path: path.name.removesuffix(".txt")
)
def test_a_generated_report_s_pdf_text_reads_right_or_flagged(path: Path) -> None:
    generated = gkbg.from_json(path.with_suffix(".json").read_text(encoding="utf-8"))
    read = gkbg.parse(path)
    assert_read_back_or_flagged(generated, read)
    assert (read.variants, read.year) == (generated.variants, generated.year)


def _hongze(year: int) -> gkbg.Report:
    return gkbg.parse(CONVERTED / f"hongze-district-{year}.pdftotext.txt")


@pytest.mark.parametrize("year", [2023, 2024])
def test_the_form_is_the_one_whose_rows_the_text_prints(year: int) -> None:
    """洪泽 prints table 二 in the 2021 form and table 三 in the 2019 form. Its pdftotext text
    prints none of the three rows the 2021 form has under （六）其他处理 (and no label only one
    form prints): table 三 is read in the 2019 form, not in the form of the table before it."""
    assert _hongze(year).variants == {
        "active": "2021",
        "applications": "2019",
        "appeals": "2021",
    }


@pytest.mark.parametrize(("year", "total"), [(2023, 21), (2024, 95)])
def test_two_rows_listed_column_by_column_after_one_label_are_not_read_by_order(
    year: int, total: int
) -> None:
    """``（七）总计 0 21 0 0 0 0 …``: the numbers of （六）其他处理 and （七）总计, column by
    column, after the second label. Before, （七）总计 took the first seven (0, 21, 0, …):
    three cells silently wrong and four false errors."""
    report = _hongze(year)
    for column, value in [("natural_person", total), ("commercial", 0), ("total", total)]:
        assert report.cell(f"applications.total.{column}").value == value, column
    # Where the two readings differ, the relations chose, and the cell says so.
    for column in ("natural_person", "commercial"):
        codes = {doubt.code for doubt in report.cell(f"applications.total.{column}").uncertain}
        assert "order.chosen_layout" in codes
    assert not [f for f in gkbg.check(report).findings if f.rule.startswith("applications.")]


def _tokens(lines: list[str]) -> list[Token]:
    """Value tokens, one per non-empty line, with their line numbers."""
    tokens = []
    for number, text in enumerate(lines, 1):
        if text:
            location = gkbg.Location(line=number)
            tokens.append(Token(text, TokenKind.VALUE, location=location))
    return tokens


def test_numbers_alone_on_consecutive_lines_are_one_stack() -> None:
    tokens = _tokens(["1", "0", "3", "", "0", "0", "0", "", "7", "", "8"])
    assert stacks(tokens, range(len(tokens))) == [3, 3, 1, 1]


def test_numbers_on_one_line_are_no_stack() -> None:
    tokens = [
        Token("1", TokenKind.VALUE, location=gkbg.Location(line=1)),
        Token("2", TokenKind.VALUE, location=gkbg.Location(line=1)),
        Token("3", TokenKind.VALUE, location=gkbg.Location(line=2)),
    ]
    assert stacks(tokens, range(3)) == [1, 1, 1]


@st.composite
def _any_report(draw: st.DrawFn) -> gkbg.Report:
    kind = draw(st.sampled_from(("valid", "invalid", "mixed")))
    if kind == "invalid":
        return draw(invalid_reports()).report
    return draw(mixed_reports() if kind == "mixed" else reports())


@pytest.mark.skipif(
    SOFFICE is None or PDFTOTEXT is None,
    reason="needs LibreOffice (soffice) and poppler's pdftotext (apt-get install poppler-utils)",
)
@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    report=_any_report(),
    orientation=st.sampled_from(("portrait", "landscape")),
    split=st.sampled_from((None, "active", "applications")),
    layout=st.booleans(),
)
def test_pdftotext_of_a_generated_pdf_reads_right_or_flagged(
    report: gkbg.Report,
    orientation: str,
    split: str | None,
    layout: bool,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    word = gkbg.render.docx(report, split=split)
    laid = relaid_docx(
        word,
        orientation=orientation,  # type: ignore[arg-type]
        font_size=10.5 if orientation == "landscape" else None,
    )
    (pdf,) = republish([laid], "docx", "pdf")
    assert pdf is not None
    folder = tmp_path_factory.mktemp("pdftext")
    source = folder / "report.pdf"
    source.write_bytes(pdf)
    options = ["-layout"] if layout else []
    text = subprocess.run(
        [PDFTOTEXT, "-enc", "UTF-8", *options, str(source), "-"],  # type: ignore[list-item]
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout.decode()
    read = gkbg.parse(text)
    assert_read_back_or_flagged(report, read)
