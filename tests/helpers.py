"""Build realistic report text from the form data, for tests.

`pipe_text` writes the tables the way the seed reports flatten an HTML table: one cell per line,
`` |`` after each cell, runs of ``|`` where merged cells were.
"""

from __future__ import annotations

import json
import os
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

import gkbg
from gkbg import render
from gkbg.core import office as _office

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = sorted((FIXTURES / "seeds").glob("*.txt"))
CORPUS = sorted((FIXTURES / "corpus").glob("*.pdf"))
# Every real document with a hand-read golden file.
DOCUMENTS = [
    *SEEDS,
    *(doc for doc in CORPUS if (FIXTURES / "golden" / f"{doc.stem}.json").exists()),
]


SOFFICE = _office.find_soffice()
needs_soffice = pytest.mark.skipif(
    SOFFICE is None and not os.environ.get("CI"),
    reason="LibreOffice (soffice) is not installed; CI installs it",
)
"""Skip a test module without LibreOffice, except under CI, which must run it."""


def soffice(
    folder: Path, target: str, sources: Iterable[Path], options: Iterable[str] = ()
) -> None:
    """Convert ``sources`` with LibreOffice to ``target`` in ``folder``, with its own profile."""
    assert SOFFICE is not None, "LibreOffice is needed for these tests"
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            *options,
            "--convert-to",
            target,
            "--outdir",
            str(folder),
            *map(str, sources),
        ],
        check=True,
        capture_output=True,
        timeout=300,
        env={**os.environ, "HOME": str(folder)},
    )


def golden(seed: Path) -> dict[str, object]:
    """The hand-read expectations of a seed report."""
    data: dict[str, object] = json.loads(
        (FIXTURES / "golden" / f"{seed.stem}.json").read_text(encoding="utf-8")
    )
    return data


def _table_lines(table: gkbg.TableForm, cells: Mapping[str, str]) -> list[str]:
    lines: list[str] = []
    if table.key == "active":
        for index, block in enumerate(table.blocks):
            lines += [f"{block.caption} |", "|||", f"{block.header} |"]
            lines += [f"{column.label} |" for column in block.columns]
            for row in block.rows:
                lines.append(f"{row.label} |")
                lines += [
                    f"{cells.get(f'active.{row.key}.{column.key}', '0')} |"
                    for column in block.columns
                ]
            del index
        return lines
    if table.key == "applications":
        lines += [
            f"{table.note} |",
            "申请人情况 |",
            "||||||||",
            "自然人 |",
            "法人或其他组织 |",
            "总计 |",
            "|||||||",
        ]
        lines += [f"{column.label} |" for column in table.columns if column.group]
        last_group: str | None = None
        for row in table.rows:
            if row.group and row.group != last_group:
                lines.append(f"{row.group} |")
            last_group = row.group
            lines.append(f"{row.label} |")
            lines += [
                f"{cells.get(f'applications.{row.key}.{column.key}', '0')} |"
                for column in table.columns
            ]
            lines.append("||")
        return lines
    lines += ["行政复议 |", "行政诉讼 |", "|||||||||||||"]
    first = table.blocks[0]
    lines += [f"{column.label} |" for column in first.columns]
    lines += ["未经复议直接起诉 |", "复议后起诉 |", "||||||||"]
    lines += [f"{column.label} |" for _ in range(2) for column in first.columns]
    lines.append("|||||")
    lines += [f"{cells.get(cell.key, '0')} |" for cell in table.cells]
    return lines


def pipe_text(
    variants: str | Mapping[str, str],
    cells: Mapping[str, object] | None = None,
    *,
    title: str = "某某区人民政府2022年政府信息公开工作年度报告",
    narrative: str = "",
    omit: tuple[str, ...] = (),
) -> str:
    """A whole report in pipe-cell text; each table in its own form; unlisted cells print 0."""
    chosen = dict.fromkeys(gkbg.TABLES, variants) if isinstance(variants, str) else variants
    printed = {key: str(value) for key, value in (cells or {}).items()}
    lines = [title, "一、总体情况", narrative or "本年度工作稳步推进。"]
    for key in gkbg.TABLES:
        table = gkbg.form(chosen[key]).table(key)
        if key in omit:
            continue
        lines.append(table.heading)
        lines += _table_lines(table, printed)
    lines += ["五、存在的主要问题及改进情况", "无。", "六、其他需要报告的事项", "无。"]
    return "\n".join(lines) + "\n"


def number(value: object) -> int | Decimal:
    """A golden value as gkbg represents it."""
    if isinstance(value, float):
        return Decimal(str(value))
    assert isinstance(value, (int, Decimal))
    return value


# A report rendered by `gkbg.render` in each text-like layout, with a label style (or None),
# for the properties that compare a shortcut with the plain reading of the rendered page.
RENDERERS: dict[str, Callable[[gkbg.Report, Any], str]] = {
    "pipe": lambda report, style: render.text(report, "pipe", labels=style),
    "flat": lambda report, style: render.text(report, "flat", labels=style),
    "html": lambda report, style: render.html(report, labels=style),
}
