# SPDX-License-Identifier: MIT
"""``table.unfilled``: a statutory table printed with no number at all is one error."""

from __future__ import annotations

from pathlib import Path

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gkbg
from gkbg import render, testing
from gkbg.core.model import Cell, CellState, Report

FIXTURES = Path(__file__).parent.parent / "fixtures"
TEMPLATE = FIXTURES / "docx" / "form-2021-template.docx"
TABLES = ("active", "applications", "appeals")


def _emptied(report: Report, tables: set[str], raw: str) -> Report:
    """``report`` with every cell of ``tables`` blank, printed as ``raw``."""
    return attrs.evolve(
        report,
        tables=tuple(
            attrs.evolve(
                table,
                cells=tuple(Cell(c.key, CellState.BLANK, None, raw=raw) for c in table.cells),
            )
            if table.key in tables
            else table
            for table in report.tables
        ),
    )


def test_the_blank_template_is_one_error_not_two_hundred_warnings() -> None:
    result = gkbg.check(TEMPLATE)
    assert [f.rule for f in result.findings] == ["table.unfilled"]
    (finding,) = result.findings
    assert finding.severity is gkbg.Severity.ERROR
    assert len(finding.cells) == 200
    assert "200" in finding.message.zh
    assert "200" in finding.message.en
    assert not result.ok


def test_ignoring_it_gives_the_cells_their_warnings_back() -> None:
    result = gkbg.check(TEMPLATE, ignore="table.unfilled")
    assert {f.rule for f in result.findings} == {"cell.missing"}
    assert len(result.findings) == 200


def test_the_rule_is_declared_with_both_languages() -> None:
    rule = gkbg.RuleSet.default().get("table.unfilled")
    assert isinstance(rule, gkbg.Rule)
    assert rule.kind == "unfilled"
    assert rule.severity is gkbg.Severity.ERROR
    assert rule.title.zh
    assert rule.title.en


def test_no_document_among_the_fixtures_but_the_template_gets_it() -> None:
    documents = [
        path
        for path in sorted(FIXTURES.rglob("*"))
        if path.is_file()
        and path.suffix in {".pdf", ".txt", ".md", ".html", ".docx", ".xlsx", ".odt"}
        and "hostile" not in path.parts
        and "seeds" not in path.parts
    ]
    assert len(documents) >= 10
    for path in documents:
        rules = {f.rule for f in gkbg.check(path).findings}
        # (The template as a converter turned it into markdown is the template too.)
        template = path == TEMPLATE or path.name.startswith(f"{TEMPLATE.stem}.")
        assert ("table.unfilled" in rules) == template, path


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(report=testing.reports(), table=st.sampled_from(TABLES))
def test_one_empty_table_is_named_and_its_cells_not_warned_of(report: Report, table: str) -> None:
    emptied = _emptied(report, {table}, "")
    result = gkbg.check(emptied)
    unfilled = [f for f in result.findings if f.rule == "table.unfilled"]
    assert len(unfilled) == 1
    keys = {c.key for c in emptied.table(table).cells}
    assert set(unfilled[0].cells) == keys
    assert not any(f.rule == "cell.missing" for f in result.findings)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    report=testing.reports(),
    table=st.sampled_from(TABLES),
    raw=st.sampled_from([p for p in testing.PLACEHOLDERS if p]),
)
def test_a_table_of_placeholders_is_not_unfilled(report: Report, table: str, raw: str) -> None:
    """``/`` or ``—`` in every cell says "nothing to report": warnings, not this error."""
    result = gkbg.check(_emptied(report, {table}, raw))
    assert not any(f.rule == "table.unfilled" for f in result.findings)
    assert any(f.rule == "cell.missing" for f in result.findings)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(report=testing.reports(), table=st.sampled_from(TABLES))
def test_a_rendered_report_with_an_empty_table_reads_back_unfilled(
    report: Report, table: str
) -> None:
    """Printed in the official layout (HTML and text), read back: the same one error."""
    emptied = _emptied(report, {table}, "")
    for document in (render.html(emptied), render.text(emptied)):
        result = gkbg.check(gkbg.parse(document))
        unfilled = [f for f in result.findings if f.rule == "table.unfilled"]
        assert len(unfilled) == 1, document[:200]
        names = {key.split(".")[0] for key in unfilled[0].cells}
        assert names == {table}


def test_a_cell_no_form_has_does_not_fill_the_form() -> None:
    """Only the form's cells are judged: an extra cell, printed or not, changes nothing."""
    report = gkbg.parse(TEMPLATE)
    extra = Cell("appeals.not_a_row.not_a_column", CellState.INVALID, None, raw="x")
    tables = tuple(
        attrs.evolve(table, cells=(*table.cells, extra)) if table.key == "appeals" else table
        for table in report.tables
    )
    (finding,) = gkbg.check(attrs.evolve(report, tables=tables)).findings
    assert finding == gkbg.check(report).findings[0]
    assert extra.key not in finding.cells
