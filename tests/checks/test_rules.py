"""The rule engine: declarations, validation, custom rules, plugins.

A rule file at fault is refused with the file, the line, the rule and the key.
"""

from __future__ import annotations

from decimal import Decimal
from importlib import metadata
from typing import TYPE_CHECKING

import attrs
import pytest

import gkbg
from gkbg.checks import rules as _rules
from gkbg.core.reasons import Doubt
from gkbg.testing import with_cell
from tests.helpers import pipe_text

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

CATALOGUE = {
    "applications.balance": "error",
    "applications.results_total": "error",
    "applications.row_total": "error",
    "appeals.group_total": "error",
    "cell.invalid": "error",
    "cell.missing": "warning",
    "cell.unread": "warning",
    "table.missing": "error",
    "table.unfilled": "error",
    "active.published_within_total": "warning",
    "active.items_nonnegative": "warning",
    "report.variant_year": "warning",
    "report.variant_mixed": "warning",
    "narrative.received": "warning",
    "narrative.appeals": "warning",
    "series.carry_over": "error",
    "series.in_force": "warning",
    "series.items": "warning",
    "series.text_reuse": "warning",
    "rollup.sum": "warning",
}

TITLE = gkbg.Text("标题", "title")
MESSAGE = gkbg.Text("{row_label}：{actual} {op} {expected}", "{row_en}: {actual} {op} {expected}")


def test_builtin_rules_are_the_catalogue() -> None:
    rules = gkbg.RuleSet.builtin()
    assert {rule.id: rule.severity.value for rule in rules} == CATALOGUE


def test_balance_failure_names_every_cell() -> None:
    report = gkbg.parse(
        pipe_text(
            "2021",
            {
                "applications.received.natural_person": 5,
                "applications.received.total": 5,
                "applications.granted.natural_person": 3,
                "applications.granted.total": 3,
                "applications.total.natural_person": 3,
                "applications.total.total": 3,
                "applications.carried_forward.natural_person": 1,
                "applications.carried_forward.total": 1,
            },
        )
    )
    balance = gkbg.check(report).by_rule("applications.balance")
    assert [f.cells for f in balance] == [
        (
            "applications.received.natural_person",
            "applications.carried_over.natural_person",
            "applications.total.natural_person",
            "applications.carried_forward.natural_person",
        ),
        (
            "applications.received.total",
            "applications.carried_over.total",
            "applications.total.total",
            "applications.carried_forward.total",
        ),
    ]
    assert (balance[0].expected, balance[0].actual, balance[0].difference) == (5, 4, -1)
    assert "自然人" in balance[0].message.zh
    assert "natural persons" in balance[0].message.en


def test_row_total_and_group_total() -> None:
    report = gkbg.parse(
        pipe_text(
            "2019",
            {
                "applications.denied.third_party.commercial": 2,
                "appeals.litigation_direct.pending": 1,
            },
        )
    )
    result = gkbg.check(report)
    (row,) = result.by_rule("applications.row_total")
    assert row.cells[0] == "applications.denied.third_party.total"
    assert (row.expected, row.actual) == (2, 0)
    (group,) = result.by_rule("appeals.group_total")
    assert group.cells[0] == "appeals.litigation_direct.total"
    assert "未经复议直接起诉" in group.message.zh


def test_heuristics_of_the_2019_form_are_warnings() -> None:
    report = gkbg.parse(
        pipe_text(
            "2019",
            {
                "active.rules.new_published": 4,
                "active.rules.total_published": 3,
                "active.fees.prev_items": 2,
                "active.fees.change": -5,
            },
        )
    )
    result = gkbg.check(report)
    assert result.ok
    assert [f.cells[0] for f in result.by_rule("active.published_within_total")] == [
        "active.rules.total_published"
    ]
    (items,) = result.by_rule("active.items_nonnegative")
    assert items.actual == -3


def test_amounts_are_decimals_and_negative_amounts_invalid() -> None:
    report = gkbg.parse(pipe_text("2021", {"active.fees.amount": "-7730.28"}))
    cell = report.cell("active.fees.amount")
    assert cell.value == Decimal("-7730.28")
    (finding,) = gkbg.check(report).by_rule("cell.invalid")
    assert finding.cells == ("active.fees.amount",)


def test_a_value_placed_by_a_guess_is_not_reported_invalid_for_its_cell() -> None:
    """A negative number the reader placed by a guess may be a neighbour's: not an error here.

    A converter's row with a gap (`markdown.row_with_gap`) may have moved a 增/减 cell's -9
    into a count's cell: whether it is valid there cannot be told, and the cell's doubt says
    it must be looked at. A doubt about the characters only (OCR) leaves the error.
    """
    report = gkbg.parse(pipe_text("2021", {"active.fees.amount": "-7730.28"}))
    cell = report.cell("active.fees.amount")
    moved = attrs.evolve(cell, uncertain=(Doubt.of("markdown.row_with_gap", text="55"),))
    result = gkbg.check(with_cell(report, moved))
    assert not result.by_rule("cell.invalid")
    assert any(
        skipped.rule == "cell.invalid" and skipped.cells == ("active.fees.amount",)
        for skipped in result.not_checkable
    )
    misread = attrs.evolve(
        cell,
        uncertain=(
            Doubt.of("ocr.low_confidence", text="-7730.28", characters="-", confidence="60"),
        ),
    )
    (finding,) = gkbg.check(with_cell(report, misread)).by_rule("cell.invalid")
    assert finding.cells == ("active.fees.amount",)


def test_a_block_whose_scanned_cells_hold_unread_marks_is_found_not_missing() -> None:
    """A block of a scan whose cells are found but hold marks the engine did not read is found.

    Its cells are unread (`ocr.unread_mark`: a seal scanned in grey over the numbers, say),
    each with its warning; the report is not accused of lacking the block (issue 15). The
    same cells unread with no reason that says they were found are a missing block.
    """
    report = gkbg.parse(pipe_text("2021", {}))
    keys = ("active.penalty.decisions", "active.coercion.decisions")
    marked = unread = report
    for key in keys:
        marked = with_cell(
            marked, gkbg.Cell(key, gkbg.CellState.UNREAD, uncertain=(Doubt.of("ocr.unread_mark"),))
        )
        unread = with_cell(unread, gkbg.Cell(key, gkbg.CellState.UNREAD))
    result = gkbg.check(marked)
    assert not result.by_rule("table.missing")
    assert {finding.cells for finding in result.by_rule("cell.unread")} == {(key,) for key in keys}
    (missing,) = gkbg.check(unread).by_rule("table.missing")
    assert missing.cells == keys


def test_narrative_counts_only_clear_statements() -> None:
    narrative = (
        "2022年，共收到政府信息公开申请 12 件，其中受理 10 件，办结 9 件。"
        "本年度发生政府信息公开行政复议案件3件。接受咨询 40 次。"
    )
    report = gkbg.parse(
        pipe_text(
            "2021",
            {
                "applications.received.natural_person": 12,
                "applications.received.total": 12,
                "applications.total.natural_person": 12,
                "applications.total.total": 12,
                "applications.granted.natural_person": 12,
                "applications.granted.total": 12,
            },
            narrative=narrative,
        )
    )
    result = gkbg.check(report)
    assert result.by_rule("narrative.received") == ()
    (appeals,) = result.by_rule("narrative.appeals")
    assert (appeals.expected, appeals.actual) == (0, 3)
    assert appeals.quote is not None
    assert "行政复议案件3件" in appeals.quote


def test_chinese_numerals_in_the_text() -> None:
    report = gkbg.parse(pipe_text("2021", narrative="全年共收到政府信息公开申请二十一件。"))
    (finding,) = gkbg.check(report).by_rule("narrative.received")
    assert finding.actual == 21


def test_a_user_rule_in_python() -> None:
    rule = gkbg.Rule(
        id="example.granted_within_received",
        kind="compare",
        severity=gkbg.Severity.WARNING,
        title=TITLE,
        message=MESSAGE,
        table="applications",
        foreach={"column": "columns"},
        lhs=("applications.received.{column}",),
        op=">=",
        rhs=("applications.granted.{column}",),
    )
    rules = gkbg.RuleSet.builtin().with_rules(rule)
    report = gkbg.parse(
        pipe_text(
            "2021",
            {
                "applications.granted.social_org": 1,
                "applications.granted.total": 1,
                "applications.total.social_org": 1,
                "applications.total.total": 1,
            },
        )
    )
    found = gkbg.check(report, rules).by_rule("example.granted_within_received")
    assert [f.cells for f in found] == [
        ("applications.received.social_org", "applications.granted.social_org"),
        ("applications.received.total", "applications.granted.total"),
    ]
    assert "example.granted_within_received" in rules
    assert "example.granted_within_received" not in rules.without("example.granted_within_received")


def test_a_function_rule() -> None:
    def no_litigation(report: gkbg.Report) -> Iterator[gkbg.Finding]:
        total = report.cells().get("appeals.litigation_direct.total")
        if total:
            yield gkbg.Finding(
                "example.no_litigation",
                gkbg.Severity.WARNING,
                gkbg.Text("有行政诉讼", "litigation"),
                ("appeals.litigation_direct.total",),
                0,
                total,
            )

    rule = gkbg.FunctionRule("example.no_litigation", gkbg.Severity.WARNING, TITLE, no_litigation)
    report = gkbg.parse(
        pipe_text(
            "2021", {"appeals.litigation_direct.upheld": 2, "appeals.litigation_direct.total": 2}
        )
    )
    result = gkbg.check(report, gkbg.RuleSet([rule]))
    assert [(f.rule, f.actual) for f in result] == [("example.no_litigation", 2)]


def test_rules_from_toml(tmp_path: Path) -> None:
    path = tmp_path / "province.toml"
    path.write_text(
        """
[[rules]]
id = "province.no_denials"
kind = "sum"
severity = "warning"
basis = "HEUR"
table = "applications"
foreach = { column = "columns[applicant]" }
total = "applications.received.{column}"
items = ["applications.received.{column}"]
title = { zh = "示例", en = "example" }
message = { zh = "{column_label}", en = "{column_en}" }
""",
        encoding="utf-8",
    )
    rules = gkbg.RuleSet.from_toml(path)
    assert rules.ids == ("province.no_denials",)
    rule = rules.get("province.no_denials")
    assert isinstance(rule, gkbg.Rule)
    assert rule.over == {}


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (
            (
                '[[rules]]\nid = "x.y"\nkind = "sum"\nseverity = "error"\ntpyo = 1\n'
                'title = {zh="a", en="b"}\nmessage = {zh="a", en="b"}\n'
            ),
            "tpyo",
        ),
        (
            (
                '[[rules]]\nid = "x.y"\nkind = "product"\nseverity = "error"\n'
                'title = {zh="a", en="b"}\nmessage = {zh="a", en="b"}\n'
            ),
            "rule 'x.y': kind: 'product'",
        ),
        (
            (
                '[[rules]]\nid = "x.y"\nkind = "sum"\nseverity = "error"\ntable = "applications"\n'
                'total = "applications.{row}.total"\nitems = ["a.b.c"]\n'
                'title = {zh="a", en="b"}\nmessage = {zh="a", en="b"}\n'
            ),
            "uses row, bound by neither",
        ),
        (
            (
                '[[rules]]\nid = "x.y"\nkind = "sum"\nseverity = "error"\ntable = "applications"\n'
                'foreach = {row = "rowz"}\ntotal = "applications.{row}.total"\nitems = ["a.b.c"]\n'
                'title = {zh="a", en="b"}\nmessage = {zh="a", en="b"}\n'
            ),
            "foreach.row: 'rowz'",
        ),
        (
            (
                '[[rules]]\nid = "x.y"\nkind = "narrative"\nseverity = "error"\n'
                'statements = [{cells = ["a.b.c"], patterns = ["收到(\\\\d+)件"], '
                'subject = {zh="a", en="b"}}]\n'
                'title = {zh="a", en="b"}\nmessage = {zh="a", en="b"}\n'
            ),
            "has no group",
        ),
        (
            (
                '[[rules]]\nid = "Bad Id"\nkind = "sum"\nseverity = "error"\n'
                'title = {zh="a", en="b"}\nmessage = {zh="a", en="b"}\n'
            ),
            "dot-separated",
        ),
        (
            (
                '[[rules]]\nid = "x.y"\nkind = "sum"\nseverity = "fatal"\n'
                'title = {zh="a", en="b"}\nmessage = {zh="a", en="b"}\n'
            ),
            "severity",
        ),
        ("[[rules]\n", "not valid TOML"),
    ],
)
def test_invalid_rule_files_point_at_the_fault(toml: str, message: str) -> None:
    with pytest.raises(gkbg.RuleError, match=message):
        gkbg.RuleSet.from_toml(toml)


def test_duplicate_ids_are_refused() -> None:
    rule = gkbg.RuleSet.builtin().get("cell.missing")
    with pytest.raises(gkbg.RuleError, match="defined twice"):
        gkbg.RuleSet.builtin().with_rules(rule)


class _FakeEntryPoint:
    def __init__(self, name: str, value: object) -> None:
        self.name = name
        self.value = f"plugin:{name}"
        self._loaded = value

    def load(self) -> object:
        return self._loaded


def test_rules_from_entry_points(monkeypatch: pytest.MonkeyPatch) -> None:
    extra = gkbg.RuleSet.from_toml("""
[[rules]]
id = "plugin.check"
kind = "cell"
severity = "warning"
check = "blank"
title = { zh = "示例", en = "example" }
message = { zh = "{cell}", en = "{cell}" }
""")

    def entry_points(*, group: str) -> list[_FakeEntryPoint]:
        assert group == "gkbg.rules"
        return [_FakeEntryPoint("plugin", lambda: extra)]

    monkeypatch.setattr(metadata, "entry_points", entry_points)
    _rules._default.cache_clear()
    try:
        assert gkbg.RuleSet.default().ids[-1] == "plugin.check"
    finally:
        _rules._default.cache_clear()


def test_a_bad_entry_point_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(metadata, "entry_points", lambda **_: [_FakeEntryPoint("broken", [42])])
    _rules._default.cache_clear()
    try:
        with pytest.warns(gkbg.PluginWarning, match="'broken'.* not a gkbg check"):
            rules = gkbg.RuleSet.default()
        assert rules.ids == gkbg.RuleSet.builtin().ids
    finally:
        _rules._default.cache_clear()


def _rule(**changes: object) -> gkbg.Rule:
    fields: dict[str, object] = {
        "id": "example.rule",
        "kind": "compare",
        "severity": gkbg.Severity.WARNING,
        "title": TITLE,
        "message": MESSAGE,
        "table": "applications",
        "foreach": {"column": "columns"},
        "lhs": ("applications.received.{column}",),
        "op": ">=",
        "rhs": ("applications.granted.{column}",),
    }
    fields.update(changes)
    return gkbg.Rule(**fields)  # type: ignore[arg-type]


def test_rules_built_in_python_are_validated_like_rule_files() -> None:
    assert _rule(severity="error").severity is gkbg.Severity.ERROR
    with pytest.raises(ValueError, match="'fatal' is not a valid Severity"):
        _rule(severity="fatal")
    with pytest.raises(gkbg.RuleError, match="op: '<' is not one of"):
        _rule(op="<")
    with pytest.raises(gkbg.RuleError, match="table: a compare rule needs the table"):
        _rule(table=None, foreach={}, lhs=("applications.received.total",), rhs=())
    with pytest.raises(gkbg.RuleError, match=r"has no cell applications\.recieved\.commercial"):
        _rule(lhs=("applications.recieved.{column}",))
    with pytest.raises(gkbg.RuleError, match="variants: no form 2026"):
        _rule(variants=("2026",))
    with pytest.raises(gkbg.RuleError, match="foreach, table: not used by a cell rule"):
        _rule(kind="cell", check="blank", lhs=(), rhs=())


def test_a_rule_of_one_form_only() -> None:
    rule = _rule(
        id="example.other_2019",
        variants=("2019",),
        foreach={},
        lhs=("applications.other.total",),
        rhs=("applications.received.total",),
        op="<=",
    )
    assert rule.variants == ("2019",)
    with pytest.raises(
        gkbg.RuleError, match=r"2021 form has no cell applications\.other\.total.*variants"
    ):
        _rule(lhs=("applications.other.total",), rhs=(), foreach={})


def test_a_misspelt_tag_is_refused() -> None:
    with pytest.raises(gkbg.RuleError, match="no columns tagged 'applicants'"):
        _rule(foreach={"column": "columns[applicants]"})


# --------------------------------------------------------------------------------------------
# A rule file at fault is refused with the file, the line, the rule and the key.


GOOD = """schema_version = 1

[[rules]]
id = "province.first"
kind = "compare"
severity = "warning"
table = "applications"
lhs = ["applications.total.natural_person"]
op = "<="
rhs = ["applications.received.natural_person"]
title = { zh = "x", en = "x" }
message = { zh = "x", en = "x" }

[[rules]]
id = "province.second"
kind = "sum"
severity = "warning"
table = "applications"
total = "applications.total.total"
items = [
    "applications.granted.total",
    "applications.partially_granted.total",
]
title = { zh = "x", en = "x" }
message = { zh = "x", en = "x" }
"""


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        (
            'op = "<="',
            'op = "<>"',
            9,
            (
                "rule 'province.first' (line 9): op = '<>' is not allowed; op is one of "
                "'>=', '<=', '=='"
            ),
        ),
        (
            'op = "<="',
            'op = "<="\ncolour = "red"',
            10,
            "rule 'province.first' (line 10): unknown key colour; the keys allowed are id, kind,",
        ),
        (
            'table = "applications"\ntotal',
            'table = "appeal"\ntotal',
            18,
            "rule 'province.second': table",
        ),
        (
            '    "applications.partially_granted.total",',
            '    "applications.{row}.total",',
            22,
            "uses row",
        ),
        (
            'kind = "sum"',
            'kind = "sum"\nscope = "yearly"',
            17,
            (
                "rule 'province.second' (line 17): scope = 'yearly' is not allowed; scope is "
                "one of 'report', 'series', 'rollup'"
            ),
        ),
        (
            'severity = "warning"\ntable = "applications"\nlhs',
            'severity = 2\ntable = "applications"\nlhs',
            6,
            "severity",
        ),
    ],
)
def test_the_line_at_fault_is_named(old: str, new: str, line: int, message: str) -> None:
    assert GOOD.count(old) == 1
    with pytest.raises(gkbg.RuleError) as raised:
        gkbg.RuleSet.from_toml(GOOD.replace(old, new))
    assert str(raised.value).startswith(f"<rules>:{line}: ")
    assert message in str(raised.value)


def test_a_file_is_named_with_its_line(tmp_path: Path) -> None:
    assert len(gkbg.RuleSet.from_toml(GOOD)) == 2
    path = tmp_path / "province.toml"
    path.write_text(GOOD.replace('op = "<="', 'op = "<>"'), encoding="utf-8")
    with pytest.raises(gkbg.RuleError, match=rf"^{path}:9: not a valid rule file"):
        gkbg.RuleSet.from_toml(path)
