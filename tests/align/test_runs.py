"""Run-together cells (`gkbg.align.runs`): readings the form allows, the relations a checksum."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings

import gkbg
from gkbg.align.runs import MAX_READINGS, Run, solve, split_labels
from gkbg.core.model import Location
from gkbg.core.relations import statute_relations
from gkbg.core.schema import forms
from gkbg.read.layout import Token, TokenKind
from gkbg.testing import Invalid, invalid_reports, reports

FEW = settings(
    max_examples=max(settings().max_examples // 4, 8),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def _token(text: str) -> Token:
    return Token(text, TokenKind.VALUE)


def _row(variant: str, table: str, row: str) -> tuple[int, ...]:
    form = forms()[variant].table(table)
    return tuple(i for i, cell in enumerate(form.cells) if cell.row.key == row)


def test_relations_are_the_rules_declared_once() -> None:
    table = forms()["2021"].table("applications")
    rules = {relation.rule for relation in statute_relations(table)}
    assert rules == {
        "applications.balance",
        "applications.results_total",
        "applications.row_total",
    }
    assert statute_relations(forms()["2021"].table("active")) == ()


def test_a_row_its_total_decides() -> None:
    form = forms()["2021"].table("applications")
    cells = _row("2021", "applications", "received")
    outcome = solve(form, [Run(cells, (_token("640020470"),))], {})
    values = [outcome.placed[i][0].text for i in cells]
    assert values == ["64", "0", "0", "2", "0", "4", "70"]
    assert outcome.unread == {}


def test_a_row_with_no_relation_is_flagged_not_guessed() -> None:
    form = forms()["2021"].table("active")
    cells = _row("2021", "active", "normative_docs")
    outcome = solve(form, [Run(cells, (_token("693665"),))], {})
    assert set(outcome.unread) == set(cells)
    assert {doubt.code for doubt in outcome.unread.values()} == {"run.ambiguous"}


def test_the_printed_characters_are_never_changed() -> None:
    """396442278 reads 396 | 442 | 278 or otherwise, never with a character dropped or added."""
    form = forms()["2019"].table("active")
    cells = _row("2019", "active", "licensing")
    outcome = solve(form, [Run(cells, (_token("396442278"),))], {})
    assert set(outcome.unread) == set(cells)  # no relation in table 二: several readings remain


def test_a_unit_stays_with_the_amount_before_it() -> None:
    form = forms()["2019"].table("active")
    cells = _row("2019", "active", "procurement")
    outcome = solve(form, [Run(cells, (_token("0135.5元"),))], {})
    # 0 cannot be followed by a digit in one cell: 0 | 135.5元 is the only reading.
    assert [outcome.placed[i][0].text for i in cells] == ["0", "135.5元"]
    assert [d.code for i in cells for d in outcome.placed[i][1]] == ["run.split", "run.split"]


def test_no_reading_satisfying_the_relations_picks_none() -> None:
    """A row whose printed numbers break its total: the undecided cells are flagged."""
    form = forms()["2021"].table("applications")
    cells = _row("2021", "applications", "received")
    outcome = solve(form, [Run(cells, (_token("640020471"),))], {})
    assert outcome.unread
    assert {doubt.code for doubt in outcome.unread.values()} == {"run.contradicted"}


def test_a_long_run_is_bounded() -> None:
    form = forms()["2021"].table("appeals")
    cells = tuple(range(len(form.cells)))
    outcome = solve(form, [Run(cells, (_token("1" * 60),))], {})
    assert set(outcome.unread) == set(cells)
    assert {doubt.code for doubt in outcome.unread.values()} <= {
        "run.too_many",
        "run.contradicted",
        "run.ambiguous",
    }
    assert MAX_READINGS > 0


def test_labels_run_together_are_cut_where_each_begins() -> None:
    text = "申请人情况自然人法人或其他组织总计一、本年新收政府信息公开申请数量"
    words = Token(text, TokenKind.TEXT, location=Location(0, len(text)))
    run = Token("640", TokenKind.VALUE, location=Location(len(text), len(text) + 3))
    pieces = [token.text for token in split_labels([words, run])]
    assert pieces[-2:] == ["一、本年新收政府信息公开申请数量", "640"]
    assert "".join(pieces) == text + "640"
    # Text whose labels do not run into numbers (separated by a space) is kept as it is.
    apart = Token("640", TokenKind.VALUE, location=Location(len(text) + 1, len(text) + 4))
    assert split_labels([words, apart]) == [words, apart]


@FEW
@given(reports())
def test_crawled_text_of_a_report_is_read(report: gkbg.Report) -> None:
    got = gkbg.parse(gkbg.render.text(report, "run"), format="text")
    assert all(table.found for table in got.tables)
    assert got.variant == report.variant


def _right_or_flagged(report: gkbg.Report, got: gkbg.Report, *, valid: bool) -> None:
    """Every cell read right, or flagged (unread or uncertain, with its reasons).

    In a valid report a cell read with a doubt is right too. In an invalid one, the relations
    may find a reading of the printed characters that satisfies them although it is not the
    one meant: such a cell says the relations chose it (`run.chosen`), never silently.
    """
    for cell in report.iter_cells():
        read = got.cell(cell.key)
        if read.state is gkbg.CellState.UNREAD or read.uncertain:
            assert read.uncertain, cell.key
            if valid and read.state is not gkbg.CellState.UNREAD:
                assert read.value == cell.value, cell.key
            continue
        assert read.value == cell.value, cell.key
        if isinstance(cell.value, Decimal):
            assert isinstance(read.value, Decimal)


@FEW
@given(reports())
def test_run_together_cells_are_right_or_flagged(report: gkbg.Report) -> None:
    got = gkbg.parse(gkbg.render.text(report, "run"), format="text")
    _right_or_flagged(report, got, valid=True)
    assert gkbg.check(got).errors == ()


@FEW
@given(invalid_reports())
def test_run_together_errors_are_found_or_their_cells_flagged(invalid: Invalid) -> None:
    """A broken relation is never hidden: its error is found, or a cell it names is flagged."""
    got = gkbg.parse(gkbg.render.text(invalid.report, "run"), format="text")
    _right_or_flagged(invalid.report, got, valid=False)
    result = gkbg.check(got)
    found = {finding.rule for finding in result.errors}
    flagged = {
        cell.key
        for cell in got.iter_cells()
        if cell.state is gkbg.CellState.UNREAD
        or any(doubt.code == "run.chosen" for doubt in cell.uncertain)
    }
    for relation in invalid.broken:
        if relation.severity is not gkbg.Severity.ERROR:
            continue
        assert relation.rule in found or {*relation.left, *relation.right} & flagged
