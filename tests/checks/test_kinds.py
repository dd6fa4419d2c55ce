# SPDX-License-Identifier: MIT
"""The table of rule kinds: validation and the three runners read it, and the docs list it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import attrs
import pytest

import gkbg
from gkbg.checks.kinds import KIND_KEYS, KIND_TABLE, RELATIONS, SCOPES, Kind
from gkbg.checks.rules import KINDS, BaseFunctionRule
from gkbg.testing import RELATION_KINDS, report_of

if TYPE_CHECKING:
    from gkbg.checks.context import Context

ROOT = Path(__file__).resolve().parents[2]


def test_every_kind_runs_somewhere_and_reads_known_keys() -> None:
    assert tuple(KIND_TABLE) == KINDS
    for name, kind in KIND_TABLE.items():
        assert kind.name == name
        assert kind.scopes
        assert set(kind.scopes) <= set(SCOPES)
        assert set(kind.keys) <= set(KIND_KEYS)
        for keys, _ in kind.needs:
            assert set(keys.split("/")) <= set(kind.keys)
    assert RELATIONS == ("sum", "equation", "compare") == RELATION_KINDS


def test_the_rule_file_comment_and_the_docs_name_every_kind() -> None:
    comment = (ROOT / "src" / "gkbg" / "rules" / "default.toml").read_text(encoding="utf-8")
    header = comment.split("schema_version")[0]
    docs = (ROOT / "docs" / "checks.md").read_text(encoding="utf-8")
    (kind_row,) = [line for line in docs.splitlines() if line.startswith("| `kind` |")]
    for name in KIND_TABLE:
        assert f" {name} " in header.replace("|", " ").replace("\n#", " ")
        assert f"`{name}`" in kind_row


def _rule(**changes: object) -> gkbg.Rule:
    fields: dict[str, object] = {
        "id": "example.rule",
        "kind": "cell",
        "severity": "warning",
        "title": gkbg.Text("例", "example"),
        "message": gkbg.Text("例", "example"),
        "check": "blank",
    }
    fields.update(changes)
    return gkbg.Rule(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"threshold": 0.5}, "threshold: not used by a cell rule"),
        ({"kind": "table", "check": None, "statements": ()}, None),
        ({"kind": "table"}, "check: not used by a table rule"),
        ({"kind": "text_reuse", "check": None, "scope": "series"}, "threshold: a text_reuse rule"),
        (
            {"kind": "text_reuse", "check": None, "threshold": 0.5},
            "scope: a text_reuse rule needs scope = 'series'",
        ),
        (
            {"kind": "text_reuse", "check": None, "threshold": 1.5, "scope": "series"},
            "threshold: 1.5 is not a share in",
        ),
        ({"scope": "series"}, "scope: a cell rule needs scope = 'report'"),
        (
            {"kind": "sum", "check": None, "scope": "rollup", "table": "applications"},
            "scope: a sum rule needs scope = 'report' or 'series'",
        ),
        (
            {"kind": "sum", "check": None, "table": "applications", "items": ("a.b.c",)},
            "total/items: a sum rule needs a total and items",
        ),
        (
            {
                "kind": "sum",
                "check": None,
                "table": "applications",
                "total": "applications.total.total",
                "items": ("applications.granted.total",),
                "lhs": ("applications.received.total",),
            },
            "lhs: not used by a sum rule",
        ),
        ({"kind": "product"}, "kind: 'product' is not one of sum, equation, compare"),
    ],
)
def test_a_rule_is_validated_against_its_kind(
    changes: dict[str, object], message: str | None
) -> None:
    if message is None:
        assert _rule(**changes).kind == changes["kind"]
        return
    with pytest.raises(gkbg.RuleError, match=message):
        _rule(**changes)


def test_a_kind_added_to_the_table_is_validated_and_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """One entry and its evaluator: the rule is accepted, and gkbg.check runs it."""

    def count_tables(rule: gkbg.Rule, context: Context) -> list[gkbg.Finding]:
        fields = {"tables": len(context.report.tables)}
        return [gkbg.Finding(rule.id, rule.severity, rule.message.fill(fields))]

    table = {**KIND_TABLE, "tables_count": Kind("tables_count", report=count_tables)}
    monkeypatch.setattr("gkbg.checks.kinds.KIND_TABLE", table)
    monkeypatch.setattr("gkbg.checks.engine.KIND_TABLE", table)
    rule = _rule(kind="tables_count", check=None, message=gkbg.Text("{tables}", "{tables}"))
    with pytest.raises(gkbg.RuleError, match="not used by a tables_count rule"):
        attrs.evolve(rule, check="blank")
    (finding,) = gkbg.check(_zero_report(), gkbg.RuleSet([rule])).findings
    assert finding.message.en == "3"


def _zero_report() -> gkbg.Report:
    values = {spec.key: 0 for spec in gkbg.form("2021").cells()}
    return report_of("2021", values)


def test_the_three_function_rules_share_one_shape() -> None:
    shapes = {
        cls: [field.name for field in attrs.fields(cls)]
        for cls in (gkbg.FunctionRule, gkbg.SeriesFunctionRule, gkbg.RollupFunctionRule)
    }
    for cls, names in shapes.items():
        assert issubclass(cls, BaseFunctionRule)
        assert names == ["id", "severity", "title", "function"]
        assert cls.__name__ in gkbg.__all__
    title = gkbg.Text("例", "example")
    seen: list[gkbg.Report] = []

    def remember(report: gkbg.Report) -> tuple[gkbg.Finding, ...]:
        seen.append(report)
        return ()

    one = gkbg.FunctionRule("a.one", gkbg.Severity.WARNING, title, remember)
    two = gkbg.SeriesFunctionRule("a.two", gkbg.Severity.WARNING, title, lambda *_: ())
    report = _zero_report()
    assert list(one.evaluate(report)) == []
    assert seen == [report]
    assert list(two.evaluate(report)) == []
    assert isinstance(two, gkbg.Check)
