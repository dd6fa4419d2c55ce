# docs/examples/gkbg-province/gkbg_province/__init__.py
"""A province's own checks for gkbg (an example): one in a rule file, one written in Python."""

from __future__ import annotations

import re
from importlib import resources
from typing import TYPE_CHECKING

import gkbg

if TYPE_CHECKING:
    from collections.abc import Iterator

RULE_ID = "province.normative_docs_stated"
SEVERITY = gkbg.Severity.WARNING

# 发布规范性文件 57 件, 制发行政规范性文件 3 件
_STATED = re.compile(r"(?:发布|制发|出台)(?:行政)?规范性文件\s*(\d{1,5})\s*件")


def normative_docs_stated(report: gkbg.Report) -> Iterator[gkbg.Finding | gkbg.NotCheckable]:
    """The number of 规范性文件 the report's text says were issued, against table 二."""
    active = report.table("active")
    if not active.found:
        return
    # The same count has a different cell in each form.
    key = f"active.normative_docs.{'new_published' if active.variant == '2019' else 'issued'}"
    cell = report.cell(key)
    for match in _STATED.finditer(report.text):
        stated = int(match[1])
        if cell.value is None:
            yield gkbg.NotCheckable(RULE_ID, cells=(key,), missing=(key,))
        elif stated != cell.value:
            yield gkbg.Finding(
                rule=RULE_ID,
                severity=SEVERITY,
                message=gkbg.Text(
                    zh=f"正文称“{match[0]}”，但表二规范性文件为 {cell.value} 件。",
                    en=f"The text says “{match[0]}”, but table 二 shows {cell.value} "
                    "normative documents.",
                ),
                cells=(key,),
                expected=cell.value,
                actual=stated,
                quote=match[0],
            )


NORMATIVE_DOCS_STATED = gkbg.FunctionRule(
    id=RULE_ID,
    severity=SEVERITY,
    title=gkbg.Text(
        zh="正文所述规范性文件数量与表二不符",
        en="the text's count of normative documents differs from table 二",
    ),
    function=normative_docs_stated,
)


def rules() -> list[gkbg.Rule | gkbg.FunctionRule | gkbg.Check]:
    """Every check of this package: gkbg calls this when it loads the entry point."""
    text = resources.files(__name__).joinpath("rules.toml").read_text(encoding="utf-8")
    return [*gkbg.RuleSet.from_toml(text), NORMATIVE_DOCS_STATED]
