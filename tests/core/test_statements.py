# SPDX-License-Identifier: MIT
"""The numbers the text states (gkbg.core.statements), as alignment reads them.

`stated_values` reads the built-in statements of ``rules/default.toml`` through the loader the
statute's relations use; `decide` says which of several readings the text supports, and only
when exactly one of them agrees with it and every other disagrees.
"""

from __future__ import annotations

from pathlib import Path

import gkbg
from gkbg.core import relations, statements
from gkbg.core.reasons import Doubt
from gkbg.core.statements import (
    Stated,
    TextChoice,
    builtin_statements,
    decide,
    stated,
    stated_values,
)
from gkbg.core.text import nfkc

RECEIVED = ("applications.received.total",)
FORWARD = ("applications.carried_forward.total",)
LITIGATION = ("appeals.litigation_direct.total", "appeals.litigation_after_reconsideration.total")
PINGTAN = "本年度全区共收到70件申请，及时依法依规办结69件，1件结转下年度继续办理。"


def test_the_values_a_text_states_by_cell_or_sum_of_cells() -> None:
    text = PINGTAN + "因政府信息公开申请被提起行政诉讼3件。未发生因政府信息公开引起的行政复议案件。"
    assert stated_values(text, "2021", 2021) == {
        RECEIVED: (70,),
        FORWARD: (1,),
        ("appeals.reconsideration.total",): (0,),
        LITIGATION: (3,),
    }


def test_each_number_is_stated_once_with_its_sentence() -> None:
    found = stated(PINGTAN + PINGTAN, "2021", 2021)
    assert [(one.rule, one.cells, one.value) for one in found] == [
        ("narrative.received", RECEIVED, 70),
        ("narrative.received", FORWARD, 1),
    ]
    assert found[0].quote == nfkc(PINGTAN.rstrip("。"))


def test_a_text_stating_two_numbers_for_one_measure_keeps_both() -> None:
    text = "全年共收到政府信息公开申请70件。本年度共收到71件申请。"
    assert stated_values(text, "2021", 2021) == {RECEIVED: (70, 71)}


def test_another_year_and_no_year() -> None:
    text = "2020年共收到政府信息公开申请70件。"
    assert stated_values(text, "2021", 2021) == {}
    assert stated_values(text, "2021", 2020) == {RECEIVED: (70,)}
    assert stated_values(text, "2021", None) == {}  # no year: any year named is another
    assert stated_values("共收到政府信息公开申请70件。", "2021", None) == {RECEIVED: (70,)}


def test_statements_of_cells_the_form_lacks_are_not_read() -> None:
    assert stated_values(PINGTAN, "2019", 2019) == {RECEIVED: (70,), FORWARD: (1,)}
    assert stated_values(PINGTAN, "1999", 2021) == {}


def test_the_statements_are_those_of_the_narrative_rules() -> None:
    declared = [(one.rule, one.statement) for one in builtin_statements()]
    rules = [
        (rule.id, statement)
        for rule in gkbg.RuleSet.builtin()
        if isinstance(rule, gkbg.Rule) and rule.kind == "narrative"
        for statement in rule.statements
    ]
    assert declared == rules


def test_one_loader_reads_the_rules_for_the_stages_below_the_checks() -> None:
    assert statements.builtin_statements()  # read through relations.builtin_rules
    assert "builtin_rules" in vars(statements)
    assert vars(statements)["builtin_rules"] is relations.builtin_rules
    core = Path(relations.__file__).parent
    readers = sorted(
        path.name for path in core.glob("*.py") if '"rules"' in path.read_text("utf-8")
    )
    assert readers == ["relations.py"]


# --------------------------------------------------------------------------------------------
# decide: the text as a tie-break between readings the statute leaves open.


def _said(cells: tuple[str, ...], value: int) -> Stated:
    return Stated("narrative.received", cells, value, f"共收到{value}件申请")


def test_the_one_reading_that_agrees_is_chosen() -> None:
    readings = [{RECEIVED[0]: 7}, {RECEIVED[0]: 70}, {RECEIVED[0]: 700}]
    choice = decide([_said(RECEIVED, 70)], readings)
    assert choice == TextChoice(1, (_said(RECEIVED, 70),))


def test_a_text_agreeing_with_no_reading_decides_nothing() -> None:
    readings = [{RECEIVED[0]: 7}, {RECEIVED[0]: 700}]
    assert decide([_said(RECEIVED, 70)], readings) is None


def test_a_text_agreeing_with_two_readings_decides_nothing() -> None:
    readings = [
        {RECEIVED[0]: 70, FORWARD[0]: 1},
        {RECEIVED[0]: 70, FORWARD[0]: 11},
        {RECEIVED[0]: 7, FORWARD[0]: 1},
    ]
    assert decide([_said(RECEIVED, 70)], readings) is None
    # A second statement tells the first two apart.
    chosen = decide([_said(RECEIVED, 70), _said(FORWARD, 1)], readings)
    assert chosen is not None
    assert chosen.reading == 0
    # Only the statements that some other reading contradicts decided.
    assert {one.cells for one in chosen.statements} == {RECEIVED, FORWARD}


def test_a_reading_the_text_says_nothing_about_is_not_ruled_out() -> None:
    readings = [{RECEIVED[0]: 70}, {FORWARD[0]: 1}]
    assert decide([_said(RECEIVED, 70)], readings) is None


def test_a_reading_must_agree_with_every_statement_it_can_be_checked_against() -> None:
    readings = [{RECEIVED[0]: 70, FORWARD[0]: 2}, {RECEIVED[0]: 7, FORWARD[0]: 1}]
    assert decide([_said(RECEIVED, 70), _said(FORWARD, 1)], readings) is None


def test_a_text_contradicting_itself_decides_nothing_about_that_measure() -> None:
    readings = [{RECEIVED[0]: 70}, {RECEIVED[0]: 71}]
    assert decide([_said(RECEIVED, 70), _said(RECEIVED, 71)], readings) is None


def test_a_sum_of_cells_is_compared_as_a_sum() -> None:
    readings = [
        {LITIGATION[0]: 1, LITIGATION[1]: 2},
        {LITIGATION[0]: 12, LITIGATION[1]: 2},
    ]
    choice = decide([_said(LITIGATION, 3)], readings)
    assert choice is not None
    assert choice.reading == 0


def test_one_reading_or_no_statement_decides_nothing() -> None:
    assert decide([_said(RECEIVED, 70)], [{RECEIVED[0]: 70}]) is None
    assert decide([], [{RECEIVED[0]: 7}, {RECEIVED[0]: 70}]) is None


def test_the_doubt_of_a_cell_the_text_chose_names_the_run_and_the_sentence() -> None:
    choice = decide([_said(RECEIVED, 70)], [{RECEIVED[0]: 706}, {RECEIVED[0]: 70}])
    assert choice is not None
    doubt = choice.doubt("706920")
    assert doubt == Doubt.of("run.chosen_text", text="706920", quote="共收到70件申请")
    assert "706920" in str(doubt)
    assert "共收到70件申请" in str(doubt)
    assert "正文" in doubt.zh
    assert Doubt.from_text(str(doubt)) == doubt
