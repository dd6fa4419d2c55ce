"""Run-together cells (`gkbg.align.runs`): readings the form allows, the relations a checksum."""

from __future__ import annotations

import time
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings

import gkbg
from gkbg.align import runs
from gkbg.align.runs import MAX_READINGS, Run, _by_text, _usable, solve, split_labels
from gkbg.core.errors import LimitExceededError
from gkbg.core.limits import Limits, time_budget
from gkbg.core.model import Location
from gkbg.core.relations import statute_relations
from gkbg.core.schema import forms
from gkbg.core.statements import Stated
from gkbg.read.layout import Token, TokenKind
from gkbg.testing import Blanked, Invalid, blanked_reports, invalid_reports, reports, with_cell

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
    A table read in another form than the one printed is a failure of its own: its cells
    would be read under another form's rows.
    """
    wrong = {
        key: (printed, got.variants.get(key))
        for key, printed in report.variants.items()
        if got.variants.get(key) != printed
    }
    assert not wrong, f"tables read in another form than printed (printed, read): {wrong}"
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
    # The true reading satisfies every relation: the fewest broken never have to choose.
    assert not any("run.chosen_fewest" in _codes(cell) for cell in got.iter_cells())


@FEW
@given(blanked_reports())
def test_a_blank_cell_run_into_digits_gives_no_false_error(blanked: Blanked) -> None:
    """A placeholder among run-together digits: right or flagged, and no false error.

    The blank cells print a placeholder (``—``, ``/``, ``无``) run into the digits beside them,
    or nothing; no relation may fail on a reading the printed characters do not support.
    """
    got = gkbg.parse(gkbg.render.text(blanked.report, "run"), format="text")
    if any(blanked.report.cell(key).raw == "" for key in blanked.keys):
        # An empty cell prints nothing: its row prints the very characters of a row with every
        # cell filled and a wrong total, and no reader can tell the two apart. Cells are right
        # or flagged; a relation the fewest broken choose still says so on its cells.
        _right_or_flagged(blanked.report, got, valid=False)
        return
    _right_or_flagged(blanked.report, got, valid=True)
    assert gkbg.check(got).errors == ()


def test_a_placeholder_run_into_digits_takes_its_own_cell() -> None:
    """``0179024——2.没有…``: the placeholder is cut from the label and read as a blank cell."""
    label, run = "1.本机关不掌握相关政府信息", "0179024"
    text = f"{label}{run}——2.没有现成信息需要另行制作"
    at = len(label) + len(run)
    tokens = [
        Token(label, TokenKind.TEXT, location=Location(0, len(label))),
        Token(run, TokenKind.VALUE, location=Location(len(label), at)),
        Token(text[at:], TokenKind.TEXT, location=Location(at, len(text))),
    ]
    pieces = [(token.text, token.kind) for token in split_labels(tokens)]
    assert pieces[1:3] == [("0179024", TokenKind.VALUE), ("——", TokenKind.VALUE)]
    assert "".join(text for text, _ in pieces) == text
    # Alone, the row's digits no longer read as the whole row: its total is blank (``——`` may be
    # one blank cell or two), so the row's sum decides nothing, and the cells its readings
    # differ in are unread.
    form = forms()["2021"].table("applications")
    cells = _row("2021", "applications", "received")
    outcome = solve(form, [Run(cells, (_token("0179024"), _token("——")))], {})
    assert set(outcome.unread) == set(cells[1:])
    assert outcome.placed[cells[0]][0].text == "0"
    # ``无`` is cut only where a label follows: it begins words too.
    word = Token("无正当理由", TokenKind.TEXT, location=Location(at, at + 5))
    assert split_labels([*tokens[:2], word]) == [*tokens[:2], word]


# A 2019 table 三 with a wrong number (其他 of 其他处理 changed): the 2021 form placed more cells
# by putting numbers under its three rows under （六）, whose labels are not in the text.
TABLE_3_2019 = (
    "三、收到和处理政府信息公开申请情况\n"
    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）申请人情况自"
    "然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他一、本年新收政"
    "府信息公开申请数量58142465511289502二、上年结转政府信息公开申请"
    "数量0472016092三、本年度办理结果（一）予以公开0170018035（二"
    "）部分公开（区分处理的，只计这一情形，不计其他情形）0190017036（三）不"
    "予公开1.属于国家秘密0014063232.其他法律行政法规禁止公开180460"
    "193.危及“三安全一稳定”01617000334.保护第三方合法权益16001"
    "039385.属于三类内部事务信息01400130276.属于四类过程性信息00"
    "00150157.属于行政执法案卷01801009378.属于行政查询事项302"
    "0005（四）无法提供1.本机关不掌握相关政府信息0019023242.没有现成"
    "信息需要另行制作151101200383.补正后申请内容仍不明确00709016"
    "（五）不予处理1.信访举报投诉类申请00190190382.重复申请600110"
    "0173.要求提供公开出版物0200007274.无正当理由大量反复申请0013"
    "8018395.要求行政机关确认或重新出具已获取信息0311001731（六）其"
    "他处理172060201984（七）总计581461105512885582四、"
    "结转下年度继续办理00800412"
    "\n"
)


def test_the_form_comes_from_the_labels_that_are_there() -> None:
    """Every row of the 2019 form is found by its label; the 2021 form lacks three: 2019."""
    got = gkbg.parse(TABLE_3_2019, format="text")
    assert got.variants["applications"] == "2019"


WRONG_FORM_2019 = Path(__file__).parents[1] / "fixtures" / "runs" / "wrong-form-2019.json"


def test_a_wrong_total_does_not_make_another_form_fit() -> None:
    """A 2019 report with three cells changed (a drawn example that once failed below).

    Under its own form the changes break relations; the 2021 form read the same text with no
    relation broken by leaving the cells under its three rows of （六）, whose labels the text
    does not print, unread. A form whose own rows are printed nowhere is not the form printed.
    """
    report = gkbg.from_json(WRONG_FORM_2019.read_text(encoding="utf-8"))
    assert report.variants["applications"] == "2019"
    got = gkbg.parse(gkbg.render.text(report, "run"), format="text")
    assert got.variants == report.variants
    _right_or_flagged(report, got, valid=False)


BLANK_MARKS = Path(__file__).parents[1] / "fixtures" / "runs" / "blank-marks-side-by-side.txt"


def test_two_blank_marks_side_by_side_are_two_cells_not_one_invalid() -> None:
    """``00／——000``: 0, 0, a blank printed ``／``, a blank printed ``——``, 0, 0, 0 (a drawn
    crawled page of `bench/degraded.py`). Cut as ``／—`` and ``—``, the count still fitted, and
    the cell of ``／`` was read silently as the invalid ``／—``."""
    report = gkbg.parse(BLANK_MARKS.read_text(encoding="utf-8"), format="text")
    cells = [report.cell(f"applications.received.{c}") for c in ("research", "social_org")]
    assert [(cell.state, cell.raw) for cell in cells] == [
        (gkbg.CellState.BLANK, "／"),
        (gkbg.CellState.BLANK, "——"),
    ]
    assert not [
        cell.key
        for cell in report.iter_cells()
        if cell.state is gkbg.CellState.INVALID and not cell.uncertain
    ]


NO_READING = Path(__file__).parents[1] / "fixtures" / "runs" / "no-reading-within-the-allowance.txt"


def test_a_run_with_no_reading_within_its_allowance_is_left_unread_not_a_crash() -> None:
    """A drawn crawled page (blanks printed as marks) on which the search of the fewest broken
    relations, asked again with each run's allowance, found a run with no reading and raised
    ``ValueError`` from ``min()``: nothing is settled that way, and the page is read."""
    report = gkbg.parse(NO_READING.read_text(encoding="utf-8"), format="text")
    assert report.variant is not None
    assert all(cell.uncertain for cell in report.uncertain_cells())


@FEW
@given(invalid_reports())
def test_run_together_errors_are_found_or_their_cells_flagged(invalid: Invalid) -> None:
    """A broken relation is never hidden: its error is found, or a cell it names is flagged.

    Flagged here: unread, or chosen by the relations (a reading of the printed characters that
    satisfies them, or breaks the fewest, although it is not the one meant).
    """
    got = gkbg.parse(gkbg.render.text(invalid.report, "run"), format="text")
    _right_or_flagged(invalid.report, got, valid=False)
    result = gkbg.check(got)
    found = {(finding.rule, frozenset(finding.cells)) for finding in result.errors}
    flagged = {
        cell.key
        for cell in got.iter_cells()
        if cell.state is gkbg.CellState.UNREAD or _codes(cell) & {"run.chosen", "run.chosen_fewest"}
    }
    for relation in invalid.broken:
        if relation.severity is not gkbg.Severity.ERROR:
            continue
        instance = (relation.rule, frozenset(relation.keys))
        assert instance in found or {*relation.left, *relation.right} & flagged


# --- Real errors stay errors: parsimony when no reading satisfies every relation -----------

PINGTAN_2021 = Path(__file__).parents[1] / "fixtures" / "corpus" / "pingtan-2021-flat.txt"


def _errors(result: gkbg.CheckResult) -> set[tuple[str, tuple[str, ...], object, object]]:
    return {(f.rule, f.cells, f.expected, f.actual) for f in result.errors}


@pytest.mark.parametrize(
    ("printed", "edited", "key", "value"),
    [
        ("（七）总计630020469", "（七）总计630020468", "applications.total.total", 68),
        ("（一）予以公开270020130", "（一）予以公开270020131", "applications.granted.total", 31),
        ("640020470二、", "640020471二、", "applications.received.total", 71),
    ],
)
def test_a_wrong_printed_total_keeps_its_error_findings(
    printed: str, edited: str, key: str, value: int
) -> None:
    """The findings are those a reader of the printed page makes: the true reading, checked."""
    text = PINGTAN_2021.read_text(encoding="utf-8")
    assert text.count(printed) == 1
    original = gkbg.parse(text, format="text")
    got = gkbg.parse(text.replace(printed, edited), format="text")
    assert gkbg.check(original).errors == ()
    reader = with_cell(original, gkbg.Cell(key, gkbg.CellState.VALUE, value, raw=str(value)))
    expected = _errors(gkbg.check(reader))
    assert expected  # a real error, broken in one to three relation instances
    assert _errors(gkbg.check(got)) == expected
    # Every cell reads as the printed page does; those the relations chose between say so.
    for cell in reader.iter_cells():
        read = got.cell(cell.key)
        if read.state is gkbg.CellState.UNREAD:
            assert read.key.startswith("active."), read.key  # 行政规范性文件693665: no relation
            continue
        assert read.value == cell.value, cell.key
    chosen = [cell for cell in got.iter_cells() if _codes(cell) & {"run.chosen_fewest"}]
    assert got.cell(key) in chosen
    for cell in chosen:
        doubt = next(d for d in cell.uncertain if d.code == "run.chosen_fewest")
        fields = dict(doubt.fields)
        assert int(fields["count"]) == len(expected)
        assert set(fields["relations"].split(", ")) == {rule for rule, *_ in expected}


def _codes(cell: gkbg.Cell) -> set[str]:
    return {doubt.code for doubt in cell.uncertain}


def _known(variant: str, table: str, values: dict[str, list[int]]) -> dict[int, int | Decimal]:
    """Known numbers of whole rows (``row key -> values in column order``), by cell index."""
    form = forms()[variant].table(table)
    known: dict[int, int | Decimal] = {}
    for index, cell in enumerate(form.cells):
        if cell.row.key in values:
            known[index] = values[cell.row.key][form.columns.index(cell.column)]
    return known


# Pingtan 2021's table 三 around its first row (64|0|0|2|0|4|70), as printed.
AROUND_RECEIVED = {
    "carried_over": [0, 0, 0, 0, 0, 0, 0],
    "total": [63, 0, 0, 2, 0, 4, 69],
    "carried_forward": [1, 0, 0, 0, 0, 0, 1],
}


def test_the_fewest_broken_relations_choose_the_reading() -> None:
    """640020471: the true reading 64|0|0|2|0|4|71 breaks two instances, any other more."""
    form = forms()["2021"].table("applications")
    cells = _row("2021", "applications", "received")
    known = _known("2021", "applications", AROUND_RECEIVED)
    outcome = solve(form, [Run(cells, (_token("640020471"),))], known)
    assert [outcome.placed[i][0].text for i in cells] == ["64", "0", "0", "2", "0", "4", "71"]
    assert outcome.unread == {}
    doubts = {doubt for i in cells for doubt in outcome.placed[i][1]}
    assert {doubt.code for doubt in doubts} == {"run.chosen_fewest"}
    (doubt,) = doubts
    fields = dict(doubt.fields)
    assert fields["count"] == "2"  # the row's total and the balance of the total column
    assert fields["relations"] == "applications.balance, applications.row_total"
    assert "640020471" in doubt.zh
    assert "640020471" in str(doubt)


def test_cells_the_fewest_broken_disagree_on_stay_unread() -> None:
    """With only two columns known, several readings break the fewest: they agree on 64|0|0."""
    form = forms()["2021"].table("applications")
    cells = _row("2021", "applications", "received")
    known = {
        index: value
        for index, value in _known("2021", "applications", AROUND_RECEIVED).items()
        if form.cells[index].column.key in {"natural_person", "total"}
    }
    outcome = solve(form, [Run(cells, (_token("640020471"),))], known)
    assert [outcome.placed[i][0].text for i in cells[:3]] == ["64", "0", "0"]
    assert {d.code for i in cells[:3] for d in outcome.placed[i][1]} == {"run.chosen_fewest"}
    assert set(outcome.unread) == set(cells[3:])
    assert {doubt.code for doubt in outcome.unread.values()} == {"run.contradicted"}


def test_a_row_alone_breaking_its_total_every_way_is_flagged() -> None:
    """Alone, every reading of 640020471 breaks the row's total once: no cell is chosen."""
    form = forms()["2021"].table("applications")
    cells = _row("2021", "applications", "received")
    outcome = solve(form, [Run(cells, (_token("640020471"),))], {})
    assert set(outcome.unread) == set(cells)
    assert {doubt.code for doubt in outcome.unread.values()} == {"run.contradicted"}


def test_too_many_combinations_fall_back_to_flagging(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the bound the search gives up: the cells the readings differ in are unread."""
    monkeypatch.setattr(runs, "MAX_COMBINATIONS", 0)
    form = forms()["2021"].table("applications")
    cells = _row("2021", "applications", "received")
    known = _known("2021", "applications", AROUND_RECEIVED)
    outcome = solve(form, [Run(cells, (_token("640020471"),))], known)
    assert outcome.unread
    assert {doubt.code for doubt in outcome.unread.values()} == {"run.contradicted"}
    assert all(
        doubt.code != "run.chosen_fewest"
        for _, doubts in outcome.placed.values()
        for doubt in doubts
    )


def _touching(*texts: str) -> tuple[Token, ...]:
    """Value tokens printed one after the other with nothing between (a crawled page)."""
    tokens, at = [], 0
    for text in texts:
        tokens.append(Token(text, TokenKind.VALUE, location=Location(at, at + len(text))))
        at += len(text)
    return tuple(tokens)


def test_a_doubled_placeholder_the_reader_cut_in_two_is_one_cell() -> None:
    """``80/——9017`` (8|0|/|——|9|0|17) as the reader cut it: ``80``, ``/—``, ``—``, ``9017``.

    The cut between ``/—`` and ``—`` is not printed: the run is read as the one string it is,
    so that ``——`` may be one blank cell and the true reading is among those searched. (Read
    token by token, the only reading was 80|/|—|—|9|0|17, and 8 was read 80 on a valid report.)
    """
    form = forms()["2021"].table("applications")
    cells = _row("2021", "applications", "denied.enforcement_files")
    run = Run(cells, _touching("80", "/—", "—", "9017"))
    # Alone, the row's total decides: 80, 9 and 0 are more than 17, whatever the blanks hold.
    outcome = solve(form, [run], {})
    assert [outcome.placed[i][0].text for i in cells] == ["8", "0", "/", "——", "9", "0", "17"]
    assert {doubt.code for doubt in outcome.placed[cells[0]][1]} == {"run.chosen"}
    # So do the column totals, with no relation broken.
    rows = [row.key for row in form.rows]
    results = rows[rows.index("granted") : rows.index("total")]
    around = {row: [0] * 7 for row in results if row != "denied.enforcement_files"}
    around["total"] = [8, 0, 0, 0, 9, 0, 17]
    outcome = solve(form, [run], _known("2021", "applications", around))
    assert [outcome.placed[i][0].text for i in cells if i in outcome.placed] == [
        "8", "0", "/", "——", "9", "0", "17",
    ]  # fmt: skip
    assert all(doubt.code != "run.chosen_fewest" for i in cells for doubt in outcome.placed[i][1])
    # Where a placed piece is in the text does not change.
    assert [outcome.placed[i][0].location.start for i in cells] == [0, 1, 2, 3, 5, 6, 7]


def test_the_text_chooses_only_among_readings_the_relations_leave() -> None:
    """Two readings of 四's reconsideration row both satisfy its sum; the text states one total.

    (`_by_text` is given the readings directly: digits whose splits satisfy the relations with
    different totals are rare, but the choice must be right when they occur.)
    """
    form = forms()["2021"].table("appeals")
    cells = _row("2021", "appeals", "reconsideration")
    run = Run(cells, (_token("100120"),))
    table = _usable(form, [run], {})
    combined: list[set[tuple[str, ...]]] = [{("1", "0", "0", "1", "2"), ("1", "0", "0", "2", "3")}]
    said = (Stated("narrative.appeals", ("appeals.reconsideration.total",), 3, "行政复议3件"),)
    chosen = _by_text(table, [run], combined, said)
    assert chosen is not None
    assert chosen.readings == {0: ("1", "0", "0", "2", "3")}
    assert chosen.choice.doubt("100123").code == "run.chosen_text"
    # A text that agrees with no reading, or states nothing, decides nothing.
    wrong = (Stated("narrative.appeals", ("appeals.reconsideration.total",), 4, "行政复议4件"),)
    assert _by_text(table, [run], combined, wrong) is None
    assert _by_text(table, [run], combined, ()) is None
    # A reading that breaks a relation is never chosen, whatever the text says.
    broken: list[set[tuple[str, ...]]] = [{("1", "0", "0", "1", "2"), ("1", "0", "0", "1", "3")}]
    assert _by_text(table, [run], broken, said) is None


def test_crawled_text_contradicting_its_table_is_reported() -> None:
    """平潭 2021's text says it received 70 applications; edited to 71, its table says 70."""
    text = PINGTAN_2021.read_text(encoding="utf-8")
    assert text.count("共收到70件申请") == 1
    assert not [
        f
        for f in gkbg.check(gkbg.parse(text, format="text")).findings
        if f.rule == "narrative.received"
    ]
    got = gkbg.parse(text.replace("共收到70件申请", "共收到71件申请"), format="text")
    (finding,) = [f for f in gkbg.check(got).findings if f.rule == "narrative.received"]
    assert (finding.expected, finding.actual) == (70, 71)
    assert got.cell("applications.received.total").value == 70


@FEW
@given(reports())
def test_generated_crawled_text_contradicting_its_table_is_reported(report: gkbg.Report) -> None:
    """A sentence stating one application more than table 三 gives ``narrative.received``.

    Unless the cell it is about is flagged (unread, or chosen among readings of its run).
    """
    total = report.cell("applications.received.total").value
    assert isinstance(total, int)
    text = gkbg.render.text(report, "run")
    line = next(line for line in text.splitlines() if line.startswith("本报告根据"))
    said = f"{line}本年度共收到政府信息公开申请{total + 1}件。"
    got = gkbg.parse(text.replace(line, said, 1), format="text")
    found = [f for f in gkbg.check(got).findings if f.rule == "narrative.received"]
    read = got.cell("applications.received.total")
    if read.state is gkbg.CellState.VALUE and read.value == total:
        assert [(f.expected, f.actual) for f in found] == [(total, total + 1)]
    else:
        assert read.uncertain, read


# --- A relation failing in every reading of its unread cells is still an error -------------

EVERY_READING = Path(__file__).parents[1] / "fixtures" / "runs" / "every-reading-2021.txt"


def test_every_statute_relation_is_named_by_its_rule_and_first_key() -> None:
    """The name a doubt gives a relation instance (`FAILING`) is one instance, on every form."""
    for form in forms().values():
        for table in form.tables:
            named = [(r.rule, r.left[0]) for r in statute_relations(table)]
            assert len(named) == len(set(named))


def test_a_relation_failing_in_every_reading_is_reported() -> None:
    """Generated crawled text with wrong totals: the relations the readings leave broken in
    every reading are errors, on unread cells, with no number, and real."""
    got = gkbg.parse(EVERY_READING.read_text(encoding="utf-8"), format="text")
    result = gkbg.check(got)
    every = [finding for finding in result.errors if finding.every_reading]
    assert {(f.rule, f.cells[0]) for f in every} == {
        ("applications.results_total", "applications.total.social_org"),
        ("applications.results_total", "applications.total.legal_service"),
        ("applications.row_total", "applications.denied.prohibited_by_law.total"),
        ("applications.row_total", "applications.denied.three_safeties.total"),
    }
    for finding in every:
        assert finding.expected is None
        assert finding.actual is None
        assert "every reading" in finding.message.en
        assert "无论按表格结构允许的哪种读法" in finding.message.zh
        unread = [key for key in finding.cells if got.cell(key).state is gkbg.CellState.UNREAD]
        assert unread  # it rests on cells the readings left unread, each naming it
        for key in unread:
            (doubt,) = got.cell(key).uncertain
            assert doubt.code == "run.contradicted"
            assert f"{finding.rule} ({finding.cells[0]})" in dict(doubt.fields)["failing"]
    # None is also not checkable; the shown and exported forms say so.
    assert not {(n.rule, n.cells[0]) for n in result.not_checkable} & {
        (f.rule, f.cells[0]) for f in every
    }
    records = gkbg.finding_records(result)
    assert sum(record["every_reading"] for record in records) == len(every)
    assert '"every_reading": true' in gkbg.to_json(result)
    assert "(fails in every reading)" in gkbg.result_text(result, lang="en")
    assert "（各种读法均不成立）" in gkbg.result_text(result, lang="zh")


def test_a_row_that_may_hide_an_empty_cell_is_not_reported() -> None:
    """``640020471`` alone: every reading of seven numbers breaks the row's total, but a blank
    cell printed as nothing (64|0|0|2|0|∅|471) breaks nothing: no relation is named."""
    form = forms()["2021"].table("applications")
    cells = _row("2021", "applications", "received")
    outcome = solve(form, [Run(cells, (_token("640020471"),))], {})
    assert set(outcome.unread) == set(cells)
    assert {dict(doubt.fields)["failing"] for doubt in outcome.unread.values()} == {"—"}


def test_a_doubt_naming_no_relation_leaves_it_not_checkable() -> None:
    """Only a relation a doubt names is reported; the others stay not checkable."""
    got = gkbg.parse(EVERY_READING.read_text(encoding="utf-8"), format="text")
    plain = gkbg.Doubt.of("run.contradicted", text="0", failing="—")
    cells = [
        attrs.evolve(cell, uncertain=(plain,))
        if cell.uncertain and cell.uncertain[0].code == "run.contradicted"
        else cell
        for cell in got.iter_cells()
    ]
    for cell in cells:
        got = with_cell(got, cell)
    assert not [f for f in gkbg.check(got).errors if f.every_reading]


@FEW
@given(invalid_reports())
def test_relations_failing_in_every_reading_are_real_errors(invalid: Invalid) -> None:
    """Every relation reported failing in every reading fails in the generated report."""
    got = gkbg.parse(gkbg.render.text(invalid.report, "run"), format="text")
    expected = {(f.rule, f.cells) for f in gkbg.check(invalid.report).errors}
    for finding in gkbg.check(got).errors:
        if finding.every_reading:
            assert (finding.rule, finding.cells) in expected


@FEW
@given(blanked_reports())
def test_blank_cells_printed_as_nothing_give_no_error_in_every_reading(blanked: Blanked) -> None:
    """A blank cell printed as nothing looks like a wrong total: it is never reported as one."""
    got = gkbg.parse(gkbg.render.text(blanked.report, "run"), format="text")
    assert not [f for f in gkbg.check(got).errors if f.every_reading]


def test_the_search_ends_within_the_time_budget() -> None:
    """A run with a huge number of readings stops in `LimitExceededError` once time is spent."""
    form = forms()["2021"].table("applications")
    cells = _row("2021", "applications", "received")
    run = Run(cells, (_token("1234567891" * 4),))
    table = _usable(form, [run], {})
    runs._search_readings.cache_clear()
    with time_budget("crawl.txt", Limits(max_seconds=0.001)):
        time.sleep(0.002)
        with pytest.raises(LimitExceededError) as raised:
            runs._readings(table, run, allowed=None)
    assert raised.value.limit == "max_seconds"
    # Outside a budget, the search ends at its own bound.
    with pytest.raises(runs._TooManyError):
        runs._readings(table, run, allowed=None)
