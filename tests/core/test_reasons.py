# SPDX-License-Identifier: MIT
"""The reasons a cell is doubtful: declared once (gkbg.core.reasons), raised by code, in Chinese.

Every declared reason is raised by some parser, every reason raised is declared, its two
templates name the same fields, and every reason the real fixtures give reads in Chinese.
"""

from __future__ import annotations

import ast
import pickle
import re
from pathlib import Path

import pytest

import gkbg
from gkbg.core.reasons import OTHER, REASONS, Doubt, doubts, reason_zh
from tests.helpers import CORPUS, FIXTURES, SEEDS

SOURCE = Path(gkbg.__file__).parent
GRID = FIXTURES / "grid"
LATIN = re.compile(r"[A-Za-z]")


def _calls() -> dict[str, list[str]]:
    """Every ``Doubt.of("code", ...)`` in gkbg's source (but the declaration's): code, where."""
    found: dict[str, list[str]] = {}
    for path in sorted(SOURCE.rglob("*.py")):
        if path == SOURCE / "core" / "reasons.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "of"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "Doubt"
            ):
                first = node.args[0]
                assert isinstance(first, ast.Constant), f"{path}:{node.lineno}: a code as written"
                assert isinstance(first.value, str), f"{path}:{node.lineno}: a code as written"
                where = f"{path.relative_to(SOURCE)}:{node.lineno}"
                found.setdefault(first.value, []).append(where)
    return found


CALLS = _calls()


def test_every_declared_reason_is_raised_somewhere() -> None:
    assert set(REASONS) - {OTHER} - set(CALLS) == set()


def test_every_reason_raised_is_declared() -> None:
    assert {code: where for code, where in CALLS.items() if code not in REASONS} == {}


def test_the_raise_sites_are_the_stages_that_read() -> None:
    stages = {where.split("/", 1)[0] for places in CALLS.values() for where in places}
    assert stages <= {"read", "align", "core"}, stages


def _sentences(tree: ast.AST) -> list[str]:
    """The strings a module writes: its constants, its f-strings with labels for their fields."""
    texts = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            texts.append(node.value)
        elif isinstance(node, ast.JoinedStr):
            texts.append(
                "".join(
                    str(part.value) if isinstance(part, ast.Constant) else "法律服务机构"
                    for part in node.values
                )
            )
    return texts


def test_no_reader_or_alignment_writes_a_reason_as_a_sentence() -> None:
    written = {}
    for stage in ("read", "align"):
        for path in sorted((SOURCE / stage).rglob("*.py")):
            for text in _sentences(ast.parse(path.read_text(encoding="utf-8"))):
                if len(text) > 20 and Doubt.from_text(text).code != OTHER:
                    written[text] = path.name
    assert written == {}


@pytest.mark.parametrize("code", list(REASONS))
def test_the_two_templates_name_the_same_fields(code: str) -> None:
    reason = REASONS[code]
    named = set(re.findall(r"\{(\w+)(?:![rs])?\}", reason.en))
    assert named == set(re.findall(r"\{(\w+)(?:![rs])?\}", reason.zh))
    assert set(reason.fields) == named
    assert reason.numbers <= named


def _sample(code: str) -> Doubt:
    reason = REASONS[code]
    fields = {name: "3" if name in reason.numbers else "法律服务机构" for name in reason.fields}
    return Doubt.of(code, **fields)


@pytest.mark.parametrize("code", [code for code in REASONS if code != OTHER])
def test_every_reason_has_its_chinese_and_reads_back_from_its_english(code: str) -> None:
    doubt = _sample(code)
    assert not LATIN.search(doubt.zh), doubt.zh
    assert "3" in doubt.zh or "3" not in doubt.en, "numbers are kept"
    assert "法律服务机构" in doubt.zh or "法律服务机构" not in doubt.en, "labels are kept"
    assert doubt.text == gkbg.Text(doubt.zh, doubt.en)
    assert str(doubt) == doubt.en
    assert Doubt.from_text(doubt.en) == doubt
    assert reason_zh(doubt.en) == doubt.zh


def test_a_doubt_is_a_value_not_a_sentence() -> None:
    doubt = Doubt.of("grid.no_column", label="法律服务机构")
    assert doubt == Doubt("grid.no_column", (("label", "法律服务机构"),))
    sentence: object = "unread: the table prints no column 法律服务机构"
    assert doubt != sentence
    assert str(doubt) == "unread: the table prints no column 法律服务机构"
    assert doubt.zh == "未读取：表格没有印“法律服务机构”列"
    assert {doubt, Doubt.of("grid.no_column", label="法律服务机构")} == {doubt}
    assert pickle.loads(pickle.dumps(doubt)) == doubt
    quoted = Doubt.of("value.leading_zero", text="00")
    assert quoted.fields == (("text", "00"),)
    assert str(quoted) == "printed with a leading zero as '00'"


def test_a_doubt_is_made_of_a_declared_reason_only() -> None:
    with pytest.raises(ValueError, match="no reason"):
        Doubt.of("grid.nonsense")
    with pytest.raises(ValueError, match="has the fields label"):
        Doubt.of("grid.no_column")
    with pytest.raises(ValueError, match="has the fields label"):
        Doubt.of("grid.no_column", label="x", extra="y")
    with pytest.raises(ValueError, match="no reason"):
        Doubt("grid.nonsense")
    with pytest.raises(ValueError, match="fields"):
        Doubt("grid.no_column", (("text", "x"),))


def test_a_sentence_that_matches_no_reason_is_kept_whole() -> None:
    doubt = Doubt.from_text("a reason of a plugin parser")
    assert doubt == Doubt(OTHER, (("text", "a reason of a plugin parser"),))
    assert (doubt.en, doubt.zh) == ("a reason of a plugin parser", "a reason of a plugin parser")
    assert reason_zh("a reason of a plugin parser") is None
    # A sentence its reason would write otherwise (other quotes) is not taken for it.
    assert Doubt.from_text('printed with a leading zero as "00"').code == OTHER
    assert reason_zh("its text runs over the cell's ruling line") == "其文字越过了单元格的表格线"


def test_a_cell_given_sentences_reads_them_as_doubts() -> None:
    cell = gkbg.Cell(
        "active.rules.issued",
        gkbg.CellState.UNREAD,
        uncertain=("unread: the table prints no column 法律服务机构", "a plugin's reason"),
    )
    assert cell.uncertain == (
        Doubt.of("grid.no_column", label="法律服务机构"),
        Doubt(OTHER, (("text", "a plugin's reason"),)),
    )
    assert doubts("its text runs over the cell's ruling line") == (
        Doubt.of("pdf.text_crosses_line"),
    )


def _real_doubts() -> set[Doubt]:
    found: set[Doubt] = set()
    paths = [
        *SEEDS,
        *CORPUS,
        *sorted(GRID.glob("*.*")),
        *sorted((FIXTURES / "html").glob("*.html")),
        *sorted((FIXTURES / "docx").glob("*.docx")),
    ]
    for path in paths:
        if path.suffix == ".json":
            continue
        try:
            report = gkbg.parse(path)
        except (gkbg.GkbgError, ImportError):
            continue
        found.update(reason for cell in report.uncertain_cells() for reason in cell.uncertain)
    return found


def test_the_reasons_of_the_fixtures_all_read_in_chinese() -> None:
    found = _real_doubts()
    assert len({doubt.code for doubt in found}) >= 3
    for doubt in found:
        assert doubt.code in REASONS, doubt
        assert doubt.code != OTHER, doubt
        chinese = doubt.zh
        for _, value in doubt.fields:
            chinese = chinese.replace(value, "")
        assert not LATIN.search(chinese), doubt.zh


def test_the_chinese_message_of_an_unread_cell_gives_the_reason_in_chinese() -> None:
    report = gkbg.parse(GRID / "cms-2019-split-bare.html")
    findings = gkbg.check(report).by_rule("cell.unread")
    assert findings
    for finding in findings:
        assert finding.message.zh.endswith("无法确定地读取：未读取：表格没有印“法律服务机构”列")
        assert not LATIN.search(finding.message.zh.replace(finding.cells[0], ""))
        assert finding.message.en.endswith("unread: the table prints no column 法律服务机构")
