# SPDX-License-Identifier: MIT
"""Properties of the rule engine, on reports generated from the declared relations.

The generators in `gkbg.testing` read the rules and the forms; the expected outcomes below are
computed from the same expansion of the rules (`gkbg.testing.relations`), independently of the
engine's own evaluation.
"""

from __future__ import annotations

import pickle
from decimal import Decimal

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gkbg
from gkbg import (
    Cell,
    CellState,
    CheckResult,
    Location,
    Report,
    Rule,
    RuleSet,
    Severity,
    Text,
    Value,
)
from gkbg.testing import (
    Blanked,
    Invalid,
    blank_cell,
    blanked_reports,
    error_relations,
    invalid_reports,
    mixed_reports,
    plan,
    relations,
    reports,
    values_of,
    variants,
    with_cell,
)

RULES = RuleSet.builtin()
# Scaled on the profile conftest.py loads (60 examples in CI, about 10 s for this file;
# GKBG_HYPOTHESIS=thorough for a long search).
_BUDGET = settings().max_examples
SOME = settings(max_examples=_BUDGET, deadline=None)
FEW = settings(max_examples=max(_BUDGET // 2, 10), deadline=None)

# Relations that exist nowhere in default.toml: the generator must honour them because it
# reads the rules, not because it knows the tables. The sum makes a cell that is itself an
# item of a built-in sum a computed one; the comparison bounds a drawn cell from below.
EXTRA = (
    Rule(
        id="test.pending_sum",
        kind="sum",
        severity=Severity.ERROR,
        title=Text("测试", "test"),
        message=Text("测试", "test"),
        table="appeals",
        foreach={"row": "rows"},
        total="appeals.{row}.pending",
        items=("appeals.{row}.upheld", "appeals.{row}.corrected"),
    ),
    Rule(
        id="test.other_at_least_corrected",
        kind="compare",
        severity=Severity.ERROR,
        title=Text("测试", "test"),
        message=Text("测试", "test"),
        table="appeals",
        foreach={"row": "rows"},
        lhs=("appeals.{row}.other",),
        op=">=",
        rhs=("appeals.{row}.corrected",),
    ),
)
EXTENDED = RULES.with_rules(*EXTRA)


def _check(report: Report, rules: RuleSet = RULES) -> CheckResult:
    return gkbg.check(report, rules)


def _variant(report: Report) -> str:
    assert report.variant is not None
    return report.variant


# --- the expansion itself ----------------------------------------------------------------


def test_every_relation_rule_has_instances_over_cells_of_its_form() -> None:
    for variant in variants():
        cells = {spec.key for spec in gkbg.form(variant).cells()}
        expanded = relations(variant)
        for rule in RULES:
            if not isinstance(rule, Rule) or rule.kind not in {"sum", "equation", "compare"}:
                continue
            if rule.scope != "report":
                continue  # series relations compare two reports (tests/checks/test_series.py)
            if rule.variants and variant not in rule.variants:
                continue
            # A tag misspelt in a rule or a form would silently check nothing.
            assert any(relation.rule == rule.id for relation in expanded), (variant, rule.id)
        for relation in expanded:
            assert set(relation.keys) <= cells, relation
            # An ``over`` selector that selects nothing empties both sides: 0 == 0, no check.
            assert relation.left, relation
            assert relation.right or relation.kind == "compare", relation
            assert len(relation.left) == 1 or relation.kind != "sum", relation


def test_the_plan_decides_every_cell_once_after_what_it_reads() -> None:
    for variant in variants():
        steps = plan(variant).steps
        keys = [step.key for step in steps]
        assert sorted(keys) == sorted(spec.key for spec in gkbg.form(variant).cells())
        seen: set[str] = set()
        for step in steps:
            assert set(step.needs) <= seen, step
            seen.add(step.key)


# --- 1. consistent reports pass --------------------------------------------------------------


@SOME
@given(reports())
def test_consistent_report_has_no_finding(report: Report) -> None:
    result = _check(report)
    assert result.findings == ()
    assert result.not_checkable == ()
    assert result.ok


@FEW
@given(reports(rules=EXTENDED))
def test_generator_follows_added_relations(report: Report) -> None:
    result = _check(report, EXTENDED)
    assert result.findings == ()
    assert result.not_checkable == ()
    added = {relation.rule for relation in relations(_variant(report), EXTENDED)}
    assert added >= {rule.id for rule in EXTRA}


# --- 2. one changed cell is caught, and only where it matters ------------------------------


def _one_change(invalid: Invalid) -> tuple[Report, str, Value]:
    ((key, delta),) = invalid.changes
    return invalid.report, key, delta


@SOME
@given(invalid_reports(max_changes=1).map(_one_change))
def test_perturbed_report_reports_every_broken_relation(
    perturbed: tuple[Report, str, Value],
) -> None:
    report, key, delta = perturbed
    assert delta != 0
    values = values_of(report)
    declared = error_relations(_variant(report))
    involving = [relation for relation in declared if relation.coefficient(key) != 0]
    assert involving
    broken = {(relation.rule, relation.keys) for relation in declared if not relation.holds(values)}
    # Only the changed cell moved: the relations it counts in, and only those, now fail.
    assert broken == {(relation.rule, relation.keys) for relation in involving}

    result = _check(report)
    assert result.errors
    by_instance = {(relation.rule, relation.keys): relation for relation in involving}
    for finding in result.errors:
        assert key in finding.cells, finding
        relation = by_instance[finding.rule, finding.cells]
        assert finding.difference is not None
        assert abs(finding.difference) == abs(relation.coefficient(key) * delta)
    assert {(finding.rule, finding.cells) for finding in result.errors} == broken
    assert result.not_checkable == ()


@SOME
@given(invalid_reports())
def test_changed_cells_break_exactly_the_relations_they_count_in(invalid: Invalid) -> None:
    result = _check(invalid.report)
    relation_rules = {relation.rule for relation in relations(_variant(invalid.report))}
    found = {
        (finding.rule, finding.severity, finding.cells)
        for finding in result.findings
        if finding.rule in relation_rules
    }
    assert found == {(r.rule, r.severity, r.keys) for r in invalid.broken}
    # Nothing but the relations fails: no cell is invalid, blank or unread.
    assert {finding.rule for finding in result.findings} <= relation_rules
    for finding in result.findings:
        assert set(finding.cells) & set(invalid.keys), finding
    assert not result.ok


@FEW
@given(reports(valid=False))
def test_invalid_reports_have_errors(report: Report) -> None:
    assert _check(report).errors


@FEW
@given(mixed_reports())
def test_mixed_forms_warn_but_have_no_error(report: Report) -> None:
    result = _check(report)
    assert result.errors == ()
    assert result.not_checkable == ()
    assert "report.variant_mixed" in {finding.rule for finding in result.warnings}
    assert {finding.rule for finding in result.findings} <= {
        "report.variant_mixed",
        "report.variant_year",
    }


@FEW
@given(blanked_reports())
def test_blank_cells_are_warned_about_and_make_their_relations_not_checkable(
    blanked: Blanked,
) -> None:
    report = blanked.report
    result = _check(report)
    assert result.errors == ()
    assert sorted(f.cells for f in result.findings if f.rule == "cell.missing") == sorted(
        (key,) for key in blanked.keys
    )
    expected = {
        (relation.rule, relation.keys, tuple(k for k in relation.keys if k in blanked.keys))
        for relation in relations(_variant(report))
        if set(relation.keys) & set(blanked.keys)
    }
    assert {(n.rule, n.cells, n.missing) for n in result.not_checkable} == expected


# --- 3. a blank cell makes its relations not checkable, never wrong ------------------------


@SOME
@given(reports(), st.data())
def test_blank_cell_is_not_checkable_and_never_an_error(
    report: Report, data: st.DataObject
) -> None:
    key = data.draw(st.sampled_from([cell.key for cell in report.iter_cells()]))
    blanked = blank_cell(report, key)
    assert blanked.cell(key).state is CellState.BLANK

    result = _check(blanked)
    # Stronger than "no error names the cell": the rest of the report is consistent.
    assert result.errors == ()
    assert [(f.rule, f.severity, f.cells) for f in result.findings] == [
        ("cell.missing", Severity.WARNING, (key,))
    ]
    expected = {
        (relation.rule, relation.keys, (key,))
        for relation in relations(_variant(report))
        if key in relation.keys
    }
    assert {(n.rule, n.cells, n.missing) for n in result.not_checkable} == expected
    assert len(result.not_checkable) == len(expected)


# --- 4 and 5. JSON and pickle round trips --------------------------------------------------


_FINITE = st.floats(allow_nan=False, allow_infinity=False)


@st.composite
def _decorated(draw: st.DrawFn, report: Report) -> Report:
    """``report`` with what parsers add: metadata, text, a location and doubts on a cell."""
    cell = draw(st.sampled_from(list(report.iter_cells())))
    location = Location(
        start=draw(st.none() | st.integers(0, 10**6)),
        line=draw(st.none() | st.integers(1, 10**4)),
        page=draw(st.none() | st.integers(1, 500)),
        bbox=draw(st.none() | st.tuples(_FINITE, _FINITE, _FINITE, _FINITE)),
        table_index=draw(st.none() | st.integers(0, 20)),
    )
    uncertain = tuple(draw(st.lists(st.text(max_size=20), max_size=2)))
    report = with_cell(report, attrs.evolve(cell, location=location, uncertain=uncertain))
    optional = st.none() | st.text(max_size=30)
    return attrs.evolve(
        report,
        agency=draw(optional),
        title=draw(optional),
        source=draw(optional),
        format=draw(optional),
        text=draw(st.text(max_size=60) | st.just("本年共收到政府信息公开申请12件。")),
    )


@st.composite
def _reports(draw: st.DrawFn) -> Report:
    """Consistent, changed, blanked, with a negative amount (an invalid cell), or decorated."""
    choice = draw(
        st.sampled_from(["consistent", "perturbed", "blank", "negative_amount", "decorated"])
    )
    if choice == "perturbed":
        return draw(reports(valid=False))
    report = draw(reports())
    if choice == "blank":
        key = draw(st.sampled_from([cell.key for cell in report.iter_cells()]))
        return blank_cell(report, key)
    if choice == "negative_amount":
        amounts = [
            spec.key for spec in gkbg.form(_variant(report)).cells() if spec.kind == "amount"
        ]
        if amounts:
            key = draw(st.sampled_from(amounts))
            value = -Decimal(draw(st.integers(1, 10**6))).scaleb(-2)
            return with_cell(report, Cell(key, CellState.VALUE, value, raw=str(value)))
    if choice == "decorated":
        return draw(_decorated(report))
    return report


def _typed_values(report: Report) -> list[tuple[str, type, str]]:
    return [(cell.key, type(cell.value), str(cell.value)) for cell in report.iter_cells()]


def _typed_numbers(result: CheckResult) -> list[tuple[type, str, type, str]]:
    return [
        (type(f.expected), str(f.expected), type(f.actual), str(f.actual)) for f in result.findings
    ]


@FEW
@given(reports(), st.data())
def test_decimal_amounts_survive_round_trips(report: Report, data: st.DataObject) -> None:
    # A negative amount is an invalid cell: its Decimal travels in the report and the finding.
    amounts = [spec.key for spec in gkbg.form(_variant(report)).cells() if spec.kind == "amount"]
    assert amounts
    key = data.draw(st.sampled_from(amounts))
    value = -Decimal(data.draw(st.integers(1, 10**6))).scaleb(-2)
    report = with_cell(report, Cell(key, CellState.VALUE, value, raw=str(value)))
    result = _check(report)
    (finding,) = result.errors
    assert (finding.rule, finding.cells, finding.actual) == ("cell.invalid", (key,), value)
    for restored in (
        gkbg.from_json(gkbg.to_json(result), CheckResult),
        pickle.loads(pickle.dumps(result)),
    ):
        assert isinstance(restored, CheckResult)
        assert restored == result
        actual = restored.errors[0].actual
        assert isinstance(actual, Decimal)
        assert str(actual) == str(value)
    restored_report = gkbg.from_json(gkbg.to_json(report))
    restored_value = restored_report.cell(key).value
    assert isinstance(restored_value, Decimal)
    assert str(restored_value) == str(value)


@SOME
@given(_reports())
def test_report_json_round_trip(report: Report) -> None:
    text = gkbg.to_json(report)
    restored = gkbg.from_json(text)
    assert restored == report
    # `==` takes Decimal("3.00") for 3: compare the types and the printed digits too.
    assert _typed_values(restored) == _typed_values(report)
    assert gkbg.to_json(restored) == text


@SOME
@given(_reports())
def test_check_result_json_round_trip(report: Report) -> None:
    result = _check(report)
    text = gkbg.to_json(result)
    restored = gkbg.from_json(text, CheckResult)
    assert restored == result
    assert _typed_numbers(restored) == _typed_numbers(result)
    assert gkbg.to_json(restored) == text


@FEW
@given(_reports())
def test_pickle_round_trip(report: Report) -> None:
    restored = pickle.loads(pickle.dumps(report))
    assert isinstance(restored, Report)
    assert restored == report
    assert _typed_values(restored) == _typed_values(report)
    result = _check(report)
    restored_result = pickle.loads(pickle.dumps(result))
    assert isinstance(restored_result, CheckResult)
    assert restored_result == result
    assert _typed_numbers(restored_result) == _typed_numbers(result)


def test_the_testing_module_names_its_extra_without_hypothesis(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import importlib
    import sys

    monkeypatch.setitem(sys.modules, "hypothesis", None)
    monkeypatch.delitem(sys.modules, "gkbg.testing")
    with pytest.raises(gkbg.MissingExtraError, match=r"gkbg\[testing\]"):
        importlib.import_module("gkbg.testing")
