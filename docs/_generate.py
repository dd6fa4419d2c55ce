"""Write the generated sections of the documentation from gkbg's own data.

The cell keys in ``docs/forms.md`` come from the form files (``gkbg/forms/*.toml``) and the
check catalogue in ``docs/checks.md`` from the rule declarations (``gkbg/rules/default.toml``),
so the pages cannot drift from the code. Each generated section sits between two markers::

    <!-- BEGIN GENERATED: cell-keys -->
    ...
    <!-- END GENERATED: cell-keys -->

Usage, from the repository root::

    python docs/_generate.py           # rewrite the sections that changed
    python docs/_generate.py --check   # exit 1 if a section is out of date (for tests and CI)
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import gkbg

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence

DOCS = Path(__file__).resolve().parent

_SECTION = re.compile(
    r"(?P<begin><!-- BEGIN GENERATED: (?P<name>[a-z][a-z0-9-]*) -->\n)"
    r"(?P<body>.*?)"
    r"(?P<end><!-- END GENERATED: (?P=name) -->)",
    re.DOTALL,
)
_MARKER = re.compile(r"<!-- (?:BEGIN|END) GENERATED: ([a-z][a-z0-9-]*) -->")
_NOTICE = "<!-- Written by docs/_generate.py from gkbg's data: edit the data, then run it. -->\n"

TABLE_NUMBERS = {"active": "二", "applications": "三", "appeals": "四"}
_OPS = {">=": "at least", "<=": "at most", "==": "equal to"}


# --------------------------------------------------------------------------------------------
# Markdown helpers.


def _code(text: str) -> str:
    return f"`{text}`"


def _cell(text: str) -> str:
    """Text for a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def _md_table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines.extend("| " + " | ".join(_cell(value) for value in row) + " |" for row in rows)
    return "\n".join(lines) + "\n"


def _years(form: gkbg.Form) -> str:
    if form.last_year is None:
        return f"{form.first_year} onward"
    return f"{form.first_year}–{form.last_year}"


def _tags(tags: frozenset[str]) -> str:
    return ", ".join(_code(tag) for tag in sorted(tags))


def _table_name(key: str) -> str:
    return f"table {TABLE_NUMBERS[key]} ({_code(key)})"


# --------------------------------------------------------------------------------------------
# forms.md


def _shape(table: gkbg.TableForm) -> tuple[object, ...]:
    """What a table looks like, without the name of the form it belongs to."""
    return (table.heading, table.title_en, table.blocks, table.note, table.across)


def _versions(key: str) -> list[tuple[list[str], gkbg.TableForm]]:
    """The distinct versions of one table, each with the forms that print it."""
    versions: list[tuple[list[str], gkbg.TableForm]] = []
    for variant, form in gkbg.forms().items():
        table = form.table(key)
        for variants, seen in versions:
            if _shape(seen) == _shape(table):
                variants.append(variant)
                break
        else:
            versions.append(([variant], table))
    return versions


def render_forms() -> str:
    """The forms, the circulars that set them, and their size."""
    known = gkbg.forms()
    out = [
        _md_table(
            ["form", "official title", "set by", "report years", "cells"],
            [
                [
                    _code(form.variant),
                    f"《{form.title}》",
                    form.document,
                    _years(form),
                    str(sum(1 for _ in form.cells())),
                ]
                for form in known.values()
            ],
        ),
        "\n",
        _md_table(
            ["table", "key", *(f"cells, {variant} form" for variant in known)],
            [
                [
                    next(iter(known.values())).table(key).heading,
                    _code(key),
                    *(str(len(form.table(key).cells)) for form in known.values()),
                ]
                for key in gkbg.TABLES
            ],
        ),
    ]
    return "".join(out)


def _printed_labels(table: gkbg.TableForm) -> set[str]:
    """Every label a table prints or is recognised by: headings, captions, rows, columns."""
    labels = {table.heading, table.note or ""}
    for block in table.blocks:
        labels.update((block.caption or "", block.header or ""))
        for row in block.rows:
            labels.update((row.label, row.group or "", *row.aliases))
        for column in block.columns:
            labels.update((column.label, column.group or "", *column.aliases))
    labels.discard("")
    return labels


def render_detection() -> str:
    """For each table, the labels that only one form prints."""
    known = gkbg.forms()
    rows: list[list[str]] = []
    for key in gkbg.TABLES:
        printed = {variant: _printed_labels(form.table(key)) for variant, form in known.items()}
        cells = []
        for variant, labels in printed.items():
            others = set().union(*(v for k, v in printed.items() if k != variant))
            only = sorted(labels - others)
            cells.append("; ".join(only) if only else "—")
        rows.append([f"{TABLE_NUMBERS[key]} {_code(key)}", *cells])
    headers = ["table", *(f"printed only by the {variant} form" for variant in known)]
    return _md_table(headers, rows)


def _block_title(block: gkbg.Block, index: int) -> str:
    parts = [f"Block {index + 1}"]
    if block.caption:
        parts.append(block.caption)
    if block.header:
        parts.append(f"header {block.header}")
    return " · ".join(parts)


def _entries_table(
    name: str, entries: Sequence[gkbg.Row | gkbg.Column], kinds: Sequence[str] = ()
) -> str:
    """Rows or columns with their labels; optional columns only when some entry uses them."""
    grouped = any(entry.group for entry in entries)
    tagged = any(entry.tags for entry in entries)
    aliased = any(entry.aliases for entry in entries)
    headers = [f"{name} key", *(["printed under"] if grouped else []), "label", "English"]
    headers += [*(["kind"] if kinds else []), *(["tags"] if tagged else [])]
    headers += ["also read"] if aliased else []
    body = []
    for index, entry in enumerate(entries):
        line = [_code(entry.key)]
        line += [entry.group or ""] if grouped else []
        line += [entry.label, entry.en]
        line += [kinds[index]] if kinds else []
        line += [_tags(entry.tags)] if tagged else []
        line += ["; ".join(entry.aliases)] if aliased else []
        body.append(line)
    return _md_table(headers, body)


def _rows_table(block: gkbg.Block) -> str:
    return _entries_table("row", block.rows)


def _columns_table(block: gkbg.Block) -> str:
    return _entries_table("column", block.columns, [column.kind for column in block.columns])


def _grouped(label: str, group: str | None) -> str:
    return f"{group} · {label}" if group and group != label else label


def _keys_table(table: gkbg.TableForm) -> str:
    body = [
        [
            _code(spec.key),
            _grouped(spec.row.label, spec.row.group),
            _grouped(spec.column.label, spec.column.group),
            spec.kind,
        ]
        for spec in table.cells
    ]
    return _md_table(["cell key", "row", "column", "kind"], body)


def render_cell_keys() -> str:
    """Every table of every form: blocks, rows, columns, and every cell key."""
    out: list[str] = []
    for key in gkbg.TABLES:
        versions = _versions(key)
        first = versions[0][1]
        out.append(f"### {first.heading} — {_code(key)}\n\n")
        if len(versions) == 1:
            out.append(f"The same in every form ({', '.join(versions[0][0])}).\n\n")
        for variants, table in versions:
            names = " and ".join(variants)
            level = "####" if len(versions) > 1 else ""
            if level:
                out.append(f"{level} {names} form — {len(table.cells)} cells\n\n")
            if table.note:
                out.append(f"Note printed in the corner cell: {table.note}\n\n")
            if table.across:
                out.append(
                    "The rows are printed side by side in one physical row, "
                    "each under its own group of column headers.\n\n"
                )
            for index, block in enumerate(table.blocks):
                if len(table.blocks) > 1:
                    out.append(f"**{_block_title(block, index)}**\n\n")
                out.append(_rows_table(block))
                out.append("\n")
                out.append(_columns_table(block))
                out.append("\n")
            forms_word = "forms" if len(variants) > 1 else "form"
            summary = (
                f"All {len(table.cells)} cell keys of table {TABLE_NUMBERS[key]} "
                f"({names} {forms_word})"
            )
            out.append(f"<details>\n<summary>{summary}</summary>\n\n")
            out.append(_keys_table(table))
            out.append("\n</details>\n\n")
    return "".join(out).rstrip("\n") + "\n"


# --------------------------------------------------------------------------------------------
# checks.md


def _selector(selector: str) -> tuple[str, str | None]:
    what, _, tag = selector.partition("[")
    return what, tag.rstrip("]") or None


def _entries(table: gkbg.TableForm, selector: str) -> list[str]:
    what, tag = _selector(selector)
    entries: Sequence[gkbg.Row | gkbg.Column] = table.rows if what == "rows" else table.columns
    return [entry.key for entry in entries if tag is None or tag in entry.tags]


def _compress(keys: list[str]) -> str:
    """``granted, denied.* (8), other``: two-part keys grouped by their first part."""
    parts: list[str] = []
    counted: dict[str, int] = {}
    for key in keys:
        head = key.split(".", 1)[0]
        counted[head] = counted.get(head, 0) + (1 if "." in key else 0)
    shown: set[str] = set()
    for key in keys:
        head = key.split(".", 1)[0]
        if "." not in key:
            parts.append(_code(key))
        elif head not in shown:
            shown.add(head)
            parts.append(f"{_code(head + '.*')} ({counted[head]})")
    return ", ".join(parts)


def _rule_forms(rule: gkbg.Rule) -> list[gkbg.Form]:
    known = gkbg.forms()
    return [
        form for variant, form in known.items() if not rule.variants or variant in rule.variants
    ]


def _selection(rule: gkbg.Rule, name: str, selector: str) -> str:
    """``every row `{row}` tagged `result` (granted, …)``, form by form when the forms differ."""
    assert rule.table is not None  # noqa: S101 - selectors are validated to need a table
    what, tag = _selector(selector)
    noun = "row" if what == "rows" else "column"
    table = rule.table
    by_form = {form.variant: _entries(form.table(table), selector) for form in _rule_forms(rule)}
    chosen = f"every {noun} {_code('{' + name + '}')}"
    if tag is not None:
        chosen += f" tagged {_code(tag)}"
    distinct = {tuple(keys) for keys in by_form.values()}
    if len(distinct) == 1:
        return f"{chosen} ({_compress(next(iter(by_form.values())))})"
    listed = "; ".join(f"{variant}: {_compress(keys)}" for variant, keys in by_form.items())
    return f"{chosen} ({listed})"


def _placeholders(template: str) -> set[str]:
    return set(re.findall(r"\{([a-z_]+)\}", template))


def _side(rule: gkbg.Rule, templates: Sequence[str]) -> str:
    if not templates:
        return "0"
    terms = []
    for template in templates:
        summed = sorted(_placeholders(template) & set(rule.over))
        if summed:
            ranges = " and ".join(_selection(rule, name, rule.over[name]) for name in summed)
            terms.append(f"the sum of {_code(template)} over {ranges}")
        else:
            terms.append(_code(template))
    return " + ".join(terms)


def _relation(rule: gkbg.Rule) -> str:
    assert rule.table is not None  # noqa: S101 - relation rules are validated to need a table
    lead = f"In {_table_name(rule.table)}"
    if rule.scope == "series":
        lead = (
            "Between the report of one year (keys `this.…`) and the agency's report of the year "
            f"before (keys `prev.…`), in {_table_name(rule.table)} as this year's report prints it"
        )
    if rule.foreach:
        each = " and ".join(
            _selection(rule, name, selector) for name, selector in rule.foreach.items()
        )
        lead += f", for {each}"
    if rule.kind == "sum":
        total = rule.total or ""
        relation = f"{_code(total)} must equal {_side(rule, rule.items)}"
    elif rule.kind == "equation":
        relation = f"{_side(rule, rule.lhs)} must equal {_side(rule, rule.rhs)}"
    else:
        relation = f"{_side(rule, rule.lhs)} must be {_OPS[rule.op]} {_side(rule, rule.rhs)}"
    return f"{lead}: {relation}."


_CELL_CHECKS = {
    "invalid": (
        "Every cell of the report's tables whose text is not a number, or whose number the "
        "form does not allow: a negative count, a count that is not a whole number, a negative "
        "amount. (Signed cells may be negative.) A cell whose value the reader placed by a "
        "guess about the layout (by order, in a converter's row with a gap, by a reading of "
        "run-together digits: a doubt of `PLACEMENT` in `gkbg.core.reasons`) is not checkable "
        "instead: the value may be a neighbour's, and the cell's doubt says to look at it."
    ),
    "blank": (
        "Every cell of the report's tables that is empty or holds a placeholder such as `/`, "
        "`-`, `—` or `无`. The cell is *missing*, never read as 0."
    ),
    "unread": (
        "Every cell the parser found in its table but could not place a value in with "
        "certainty (state `unread`); the message gives the parser's reason."
    ),
}


def _meaning(rule: gkbg.Rule) -> str:
    if rule.kind in {"sum", "equation", "compare"}:
        return _relation(rule)
    if rule.kind == "cell":
        return _CELL_CHECKS[rule.check or ""]
    if rule.kind == "table":
        return (
            "Each of the three statutory tables must be found in the report; and in a table of "
            "several blocks (table 二), at least one cell of every block must be readable."
        )
    if rule.kind == "variant_year":
        spans = "; ".join(
            f"the {form.variant} form, reports of {_years(form)}" for form in gkbg.forms().values()
        )
        return (
            "Each table must be printed in the form in force for the report's year "
            f"({spans}). Not checked when the report names no year."
        )
    if rule.kind == "variant_mixed":
        return (
            "Every table found must be printed in the same form. A report mixing the forms for a "
            "year of the newer form also gets `report.variant_year` for its outdated tables: "
            "one says the tables disagree, the other which of them is outdated."
        )
    if rule.kind == "text_reuse":
        share = f"{rule.threshold:.0%}" if rule.threshold is not None else "?"
        return (
            "The sentences of a report's text (digits masked, so that a sentence copied with "
            "new numbers still counts) that repeat the agency's report of the year before must "
            f"not make up more than {share} of the text. A sentence repeats when 90% of its "
            "characters lie in runs of 10 characters that last year's text also has."
        )
    if rule.kind == "rollup":
        return (
            "Every cell of a region's summary report must equal the sum of the same cell in "
            "the reports of its units (`gkbg.check_rollup`). A cell that the summary or any "
            "unit leaves blank, or does not have, is not checkable: it is never summed as 0. "
            "Coverage differs in practice, so a difference is a warning."
        )
    lines = []
    for statement in rule.statements:
        cells = " + ".join(_code(cell) for cell in statement.cells)
        count = len(statement.patterns)
        zero = len(statement.zero)
        stated = f"{count} pattern{'s' if count > 1 else ''}"
        if zero:
            stated += f" and {zero} pattern{'s' if zero > 1 else ''} of a zero statement"
        lines.append(
            f"A number the report's text states about {statement.subject.en} "
            f"({statement.subject.zh}), found by {stated}, must equal {cells}."
        )
        if statement.exclude:
            words = "、".join(statement.exclude)
            lines.append(f"A statement with {words} in its clause before the number is not read.")
    return " ".join(lines)


def _patterns(rule: gkbg.Rule) -> str:
    out = ["<details>\n<summary>Patterns (matched sentence by sentence, white space removed)"]
    out.append("</summary>\n\n")
    for statement in rule.statements:
        out.append(f"{statement.subject.en}:\n\n```text\n")
        out.extend(f"{pattern}\n" for pattern in statement.patterns)
        out.append("```\n\n")
        if statement.zero:
            out.append(f"{statement.subject.en}, none:\n\n```text\n")
            out.extend(f"{pattern}\n" for pattern in statement.zero)
            out.append("```\n\n")
    out.append("</details>\n\n")
    return "".join(out)


def _forms_of(rule: gkbg.Rule | gkbg.FunctionRule | gkbg.Check) -> str:
    if isinstance(rule, gkbg.Rule) and rule.variants:
        return ", ".join(f"{variant} form" for variant in rule.variants) + " only"
    return "all forms"


_SCOPES = {
    "report": "one report (`gkbg.check`)",
    "series": "two years (`gkbg.check_series`)",
    "rollup": "summary and units (`gkbg.check_rollup`)",
}


def render_checks() -> str:
    """The catalogue of the built-in checks: a summary table, then each check in words."""
    rules = [rule for rule in gkbg.RuleSet.builtin() if isinstance(rule, gkbg.Rule)]
    summary = [
        [
            f"[{_code(rule.id)}](#{rule.id.replace('.', '')})",
            rule.severity.value,
            rule.basis,
            rule.kind,
            _SCOPES[rule.scope].split(" (")[0],
            _forms_of(rule),
            rule.title.en,
        ]
        for rule in rules
    ]
    headers = ["id", "severity", "basis", "kind", "compares", "forms", "checks that"]
    out = [_md_table(headers, summary), "\n"]
    for rule in rules:
        out.append(f"### {_code(rule.id)}\n\n")
        out.append(
            f"**{rule.severity.value}** · basis {rule.basis} · kind {_code(rule.kind)} · "
            f"{_forms_of(rule)} · {_SCOPES[rule.scope]}\n\n"
        )
        out.append(f"{rule.title.zh} — *{rule.title.en}*\n\n")
        out.append(f"{_meaning(rule)}\n\n")
        if rule.kind == "narrative":
            out.append(_patterns(rule))
        out.append("Message:\n\n")
        out.append(f"- zh: {_code(rule.message.zh)}\n- en: {_code(rule.message.en)}\n\n")
    return "".join(out).rstrip("\n") + "\n"


# --------------------------------------------------------------------------------------------
# Pages.

PAGES: Mapping[str, Mapping[str, Callable[[], str]]] = {
    "forms.md": {
        "forms": render_forms,
        "detection": render_detection,
        "cell-keys": render_cell_keys,
    },
    "checks.md": {"checks": render_checks},
}


class GenerateError(Exception):
    """A page's markers do not match the sections this script writes."""


def update(page: str, text: str, sections: Mapping[str, Callable[[], str]]) -> str:
    """``text`` with every generated section of ``page`` rewritten.

    Raises:
        GenerateError: A section has no markers, or a marker names no section.
    """
    found = [match["name"] for match in _SECTION.finditer(text)]
    markers = set(_MARKER.findall(text))
    unknown = markers - set(sections)
    if unknown:
        raise GenerateError(f"{page}: unknown generated section(s): {', '.join(sorted(unknown))}")
    missing = [name for name in sections if name not in found]
    if missing:
        raise GenerateError(
            f"{page}: no markers for section(s) {', '.join(missing)}; add "
            "<!-- BEGIN GENERATED: name --> and <!-- END GENERATED: name --> lines"
        )

    def replace(match: re.Match[str]) -> str:
        body = sections[match["name"]]()
        return f"{match['begin']}{_NOTICE}\n{body}\n{match['end']}"

    return _SECTION.sub(replace, text)


def main(argv: Sequence[str] | None = None) -> int:
    """Rewrite the generated sections, or with ``--check`` report the stale ones."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--check",
        action="store_true",
        help="change nothing; exit 1 if a generated section is out of date",
    )
    args = parser.parse_args(argv)
    stale: list[str] = []
    for page, sections in PAGES.items():
        path = DOCS / page
        text = path.read_text(encoding="utf-8")
        try:
            new = update(page, text, sections)
        except GenerateError as exc:
            print(f"_generate.py: {exc}", file=sys.stderr)
            return 2
        if new == text:
            continue
        stale.append(page)
        if not args.check:
            path.write_text(new, encoding="utf-8")
            print(f"rewrote the generated sections of {path}")
    if args.check:
        if stale:
            print(
                f"out of date: {', '.join(stale)}; run python docs/_generate.py",
                file=sys.stderr,
            )
            return 1
        print("the generated sections are up to date")
    elif not stale:
        print("nothing to change")
    return 0


if __name__ == "__main__":
    sys.exit(main())
