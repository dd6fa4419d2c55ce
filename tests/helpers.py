"""Build realistic report text from the form data, for tests.

`pipe_text` writes the tables the way the seed reports flatten an HTML table: one cell per line,
`` |`` after each cell, runs of ``|`` where merged cells were. `html_report` writes a whole report
as an HTML page, each table in the official layout with its merged cells (`TABLE_WRITERS` gives
a table's rows of spanned cells, `render` writes them as ``<tr>`` rows), for the HTML, spreadsheet,
grid and PDF tests.
"""

from __future__ import annotations

import json
import os
import subprocess
from decimal import Decimal
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

import gkbg
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
    "pipe": lambda report, style: gkbg.render.text(report, "pipe", labels=style),
    "flat": lambda report, style: gkbg.render.text(report, "flat", labels=style),
    "html": lambda report, style: gkbg.render.html(report, labels=style),
}


# ----------------------------------------------------------------------------------------------
# Writing a report as HTML, in the official layout with its merged cells.


Spanned = tuple[str, int, int]  # a cell's text, rowspan and colspan


def spanned(text: str, *, rowspan: int = 1, colspan: int = 1) -> Spanned:
    return (text, rowspan, colspan)


def td(text: str, *, rowspan: int = 1, colspan: int = 1) -> str:
    spans = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (
        f' colspan="{colspan}"' if colspan > 1 else ""
    )
    return f"<td{spans}>{escape(text)}</td>"


def render(rows: list[list[Spanned]], *, merged: bool) -> str:
    """Table rows as HTML: with their spans, or with every covered position an empty cell."""
    if merged:
        lines = [
            "<tr>" + "".join(td(t, rowspan=r, colspan=c) for t, r, c in row) + "</tr>"
            for row in rows
        ]
        return "\n".join(lines)
    grid: dict[tuple[int, int], str] = {}
    for row_index, row in enumerate(rows):
        column = 0
        for text, rowspan, colspan in row:
            while (row_index, column) in grid:
                column += 1
            for down in range(rowspan):
                for across in range(colspan):
                    grid[row_index + down, column + across] = "" if down or across else text
            column += colspan
    width = max(column for _, column in grid) + 1
    return "\n".join(
        "<tr>" + "".join(td(grid.get((r, c), "")) for c in range(width)) + "</tr>"
        for r in range(len(rows))
    )


def active_table(table: gkbg.TableForm, cells: Mapping[str, str]) -> list[list[Spanned]]:
    width = max(len(block.columns) for block in table.blocks)
    rows: list[list[Spanned]] = []
    for block in table.blocks:
        rows.append([spanned(block.caption or "", colspan=width + 1)])
        last = len(block.columns) - 1
        pad = width - len(block.columns) + 1
        rows.append(
            [
                spanned(block.header or ""),
                *(
                    spanned(column.label, colspan=pad if i == last else 1)
                    for i, column in enumerate(block.columns)
                ),
            ]
        )
        rows.extend(
            [
                spanned(row.label),
                *(
                    spanned(
                        cells.get(f"active.{row.key}.{column.key}", "0"),
                        colspan=pad if i == last else 1,
                    )
                    for i, column in enumerate(block.columns)
                ),
            ]
            for row in block.rows
        )
    return rows


def applications_table(table: gkbg.TableForm, cells: Mapping[str, str]) -> list[list[Spanned]]:
    results = "三、本年度办理结果"
    columns = table.columns
    organisations = [column for column in columns if column.group]
    rows = [
        [
            spanned(table.note or "", rowspan=3, colspan=3),
            spanned("申请人情况", colspan=len(columns)),
        ],
        [
            spanned(columns[0].label, rowspan=2),
            spanned(organisations[0].group or "", colspan=len(organisations)),
            spanned(columns[-1].label, rowspan=2),
        ],
        [spanned(column.label) for column in organisations],
    ]
    under_results = [
        row for row in table.rows if row.group == results or (row.group or "").startswith("（")
    ]
    group_sizes: dict[str, int] = {}
    for row in under_results:
        if row.group:
            group_sizes[row.group] = group_sizes.get(row.group, 0) + 1
    seen: set[str] = set()
    for row in table.rows:
        labels: list[Spanned] = []
        if row in under_results:
            if row is under_results[0]:
                labels.append(spanned(results, rowspan=len(under_results)))
            if row.group == results:
                labels.append(spanned(row.label, colspan=2))
            else:
                assert row.group is not None
                if row.group not in seen:
                    seen.add(row.group)
                    labels.append(spanned(row.group, rowspan=group_sizes[row.group]))
                labels.append(spanned(row.label))
        else:
            labels.append(spanned(row.label, colspan=3))
        values = [spanned(cells.get(f"applications.{row.key}.{c.key}", "0")) for c in columns]
        rows.append([*labels, *values])
    return rows


def appeals_table(table: gkbg.TableForm, cells: Mapping[str, str]) -> list[list[Spanned]]:
    columns = table.blocks[0].columns
    return [
        [spanned("行政复议", colspan=len(columns)), spanned("行政诉讼", colspan=2 * len(columns))],
        [
            *(spanned(column.label, rowspan=2) for column in columns),
            spanned("未经复议直接起诉", colspan=len(columns)),
            spanned("复议后起诉", colspan=len(columns)),
        ],
        [spanned(column.label) for _ in range(2) for column in columns],
        [spanned(cells.get(spec.key, "0")) for spec in table.cells],
    ]


TABLE_WRITERS = {
    "active": active_table,
    "applications": applications_table,
    "appeals": appeals_table,
}


def html_report(
    variant: str,
    cells: Mapping[str, object] | None = None,
    *,
    title: str = "某某区人民政府2022年政府信息公开工作年度报告",
    narrative: str = "本年度工作稳步推进。",
    headings: bool = True,
    merged: bool = True,
) -> str:
    """A whole report as an HTML page: each table a ``<table>`` in the official layout.

    With ``merged=False`` the merged cells are written out unmerged: the text in the first
    position, an empty ``<td>`` in every position the span covered.
    """
    printed = {key: str(value) for key, value in (cells or {}).items()}
    form = gkbg.form(variant)
    body = [f"<h1>{escape(title)}</h1>", "<p>一、总体情况</p>", f"<p>{escape(narrative)}</p>"]
    for key in gkbg.TABLES:
        table = form.table(key)
        if headings or key == "active":
            body.append(f"<p>{escape(table.heading)}</p>")
        rows = render(TABLE_WRITERS[key](table, printed), merged=merged)
        body.append(f'<table border="1">\n{rows}\n</table>')
    body += [
        "<p>五、存在的主要问题及改进情况</p><p>无。</p>",
        "<p>六、其他需要报告的事项</p><p>无。</p>",
    ]
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>'
        + escape(title)
        + "</title></head>\n<body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )
