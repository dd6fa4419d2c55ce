# SPDX-License-Identifier: MIT
"""JSON: a cell's reasons for doubt as objects, and the JSON of gkbg 0.1 read back.

The files of tests/fixtures/json were written by gkbg 0.1 (commit b352f3b):
``gkbg.to_json(gkbg.parse(path))`` of the document each is named after.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import gkbg
from gkbg.core.reasons import OTHER
from tests.helpers import FIXTURES

ROOT = FIXTURES.parent.parent
OLD = FIXTURES / "json"
WRITTEN_BY_0_1 = {
    "yaohai-2019-0.1.json": ROOT / "examples" / "yaohai-2019.txt",
    "cms-2019-split-bare-0.1.json": FIXTURES / "grid" / "cms-2019-split-bare.html",
    "unmerged-2021-0.1.json": FIXTURES / "grid" / "unmerged-2021.xlsx",
}


def test_every_file_of_0_1_is_tested() -> None:
    assert sorted(path.name for path in OLD.glob("*.json")) == sorted(WRITTEN_BY_0_1)


@pytest.mark.parametrize("name", list(WRITTEN_BY_0_1))
def test_the_json_of_0_1_reads_to_the_doubts_parsing_gives(name: str) -> None:
    if WRITTEN_BY_0_1[name].suffix == ".xlsx":
        pytest.importorskip("openpyxl")
    text = (OLD / name).read_text(encoding="utf-8")
    sentences = [
        reason
        for table in json.loads(text)["tables"]
        for cell in table["cells"]
        for reason in cell["uncertain"]
    ]
    assert sentences
    assert all(isinstance(sentence, str) for sentence in sentences)  # the shape of 0.1
    old = gkbg.from_json(text)
    new = gkbg.parse(WRITTEN_BY_0_1[name])
    assert {c.key: c.uncertain for c in old.iter_cells()} == {
        c.key: c.uncertain for c in new.iter_cells()
    }
    doubts = [doubt for cell in old.uncertain_cells() for doubt in cell.uncertain]
    assert [str(doubt) for doubt in doubts] == sentences
    assert all(doubt.code != OTHER for doubt in doubts)
    # Written again, in this version's shape, it reads back the same.
    assert gkbg.from_json(gkbg.to_json(old)) == old


def test_a_doubt_is_written_with_its_code_fields_and_sentences() -> None:
    doubt = gkbg.Doubt.of("grid.no_column", label="法律服务机构")
    assert json.loads(gkbg.to_json(doubt)) == {
        "code": "grid.no_column",
        "fields": {"label": "法律服务机构"},
        "en": "unread: the table prints no column 法律服务机构",
        "zh": "未读取：表格没有印“法律服务机构”列",
    }
    assert gkbg.from_json(gkbg.to_json(doubt), gkbg.Doubt) == doubt


def _with_reasons(reasons: list[Any]) -> str:
    data = json.loads(gkbg.to_json(gkbg.parse(ROOT / "examples" / "yaohai-2019.txt")))
    data["tables"][0]["cells"][0]["uncertain"] = reasons
    return json.dumps(data, ensure_ascii=False)


def test_a_reason_gkbg_does_not_know_is_kept_not_dropped() -> None:
    later = {"code": "grid.later", "fields": {}, "en": "a reason of a later gkbg", "zh": "后来的"}
    report = gkbg.from_json(_with_reasons(["a reason of a plugin parser", later]))
    reasons = next(report.iter_cells()).uncertain
    assert [(doubt.code, str(doubt)) for doubt in reasons] == [
        (OTHER, "a reason of a plugin parser"),
        (OTHER, "a reason of a later gkbg"),
    ]


@pytest.mark.parametrize(
    "reason",
    [
        3,
        {"code": "grid.no_column"},
        {"code": "grid.no_column", "fields": {"label": 3}},
        {"code": "grid.no_column", "fields": {"text": "x"}},
        {"code": "grid.later", "fields": {}},
    ],
)
def test_a_reason_that_is_none_is_refused(reason: object) -> None:
    with pytest.raises(gkbg.GkbgError, match="not a gkbg Report"):
        gkbg.from_json(_with_reasons([reason]))


def test_the_schema_describes_a_doubt() -> None:
    jsonschema: Any = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(gkbg.json_schema())
    path = Path(WRITTEN_BY_0_1["yaohai-2019-0.1.json"])
    data = json.loads(gkbg.to_json(gkbg.parse(path)))
    assert validator.is_valid(data)
    assert not validator.is_valid(json.loads((OLD / "yaohai-2019-0.1.json").read_text("utf-8")))
    cell = next(c for c in data["tables"][1]["cells"] if c["uncertain"])
    cell["uncertain"][0]["code"] = "grid.later"
    assert not validator.is_valid(data)
