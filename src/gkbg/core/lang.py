# SPDX-License-Identifier: MIT
"""The language of messages: Chinese or English, by default from the locale."""

from __future__ import annotations

import functools
import locale
import os
import string
from typing import TYPE_CHECKING, Literal

import attrs
import regex

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

__all__ = ["Lang", "Text", "count", "default_lang", "join", "reason_zh", "reasons_zh"]

Lang = Literal["zh", "en"]
"""A language gkbg writes its messages in."""


@attrs.frozen
class Text:
    """A sentence in Chinese and in English."""

    zh: str
    en: str

    def __call__(self, lang: Literal["zh", "en"] = "zh") -> str:
        """The sentence in ``lang``."""
        return self.zh if lang == "zh" else self.en

    def fill(self, fields: Mapping[str, object]) -> Text:
        """Both sentences as ``str.format`` templates filled with ``fields``.

        A field that ``fields`` does not give is left as written, braces and all.
        """
        zh, en = _names(self.zh), _names(self.en)
        if type(fields) is dict and zh is not None and en is not None:
            keys = fields.keys()
            if zh <= keys and en <= keys:
                # Every field is given: the templates read ``fields`` as they read its copy.
                return Text(self.zh.format_map(fields), self.en.format_map(fields))
        values = _Kept(fields)
        return Text(self.zh.format_map(values), self.en.format_map(values))


@functools.lru_cache(maxsize=4096)
def _names(template: str) -> frozenset[str] | None:
    """The keys ``template.format_map`` looks up (None: a template read the plain way)."""
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError:
        return None
    names = set()
    for _, field, spec, _ in parsed:
        if field is None:
            continue
        name = field.split(".", 1)[0].split("[", 1)[0]
        if not name or name.isdigit() or (spec and "{" in spec):
            return None  # positional, or a field in a field
        names.add(name)
    return frozenset(names)


class _Kept(dict[str, object]):
    """Template fields; an unknown field is left as written rather than failing."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def default_lang() -> Lang:
    """``zh`` when the locale is Chinese, else ``en``.

    The first of ``LC_ALL``, ``LC_MESSAGES`` and ``LANG`` that is set decides (Chinese when it
    starts with ``zh``); when none is set, the process's locale.
    """
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    current = locale.getlocale()[0] or ""
    return "zh" if current.lower().startswith("zh") else "en"


_COUNTED: dict[str, dict[Lang, tuple[str, str]]] = {
    "errors": {"zh": ("个错误", "个错误"), "en": ("error", "errors")},
    "warnings": {"zh": ("个警告", "个警告"), "en": ("warning", "warnings")},
    "uncertain": {
        "zh": ("个单元格读取存疑", "个单元格读取存疑"),
        "en": ("cell read with doubt", "cells read with doubt"),
    },
    "unchecked": {
        "zh": ("项关系因单元格缺失未能检查", "项关系因单元格缺失未能检查"),
        "en": (
            "relation not checkable (missing cells)",
            "relations not checkable (missing cells)",
        ),
    },
    "files": {"zh": ("个文件", "个文件"), "en": ("file", "files")},
    "units": {
        "zh": ("份所属单位报告", "份所属单位报告"),
        "en": ("unit's report", "units' reports"),
    },
    "with_errors": {
        "zh": ("份报告有错误", "份报告有错误"),
        "en": ("report with errors", "reports with errors"),
    },
}


def count(number: int, what: str, lang: Lang) -> str:
    """``number`` and the noun ``what`` counts: ``1 error``, ``2 errors``, ``2 个错误``.

    Args:
        number: How many.
        what: What is counted: ``errors``, ``warnings``, ``uncertain`` (cells read with doubt),
            ``unchecked`` (relations not checkable), ``files``, ``units`` (units' reports) or
            ``with_errors`` (reports with errors).
        lang: The language.

    Returns:
        The number and the noun, singular for exactly one in English.
    """
    singular, plural = _COUNTED[what][lang]
    return f"{number} {singular if number == 1 else plural}"


def join(parts: list[str], lang: Lang) -> str:
    """``parts`` joined into one line, with the comma of ``lang`` (``，`` in Chinese)."""
    return ("，" if lang == "zh" else ", ").join(parts)


# The reasons the parsers give for doubting a cell (`Cell.uncertain`, in English), each with its
# Chinese. The labels they quote are the form's own (Chinese already).
_REASONS: tuple[tuple[regex.Pattern[str], str], ...] = (
    (
        regex.compile(
            r"placed by layout: the column (?P<label>.+) is printed after its header, after "
            r"the other columns, in the source text"
        ),
        "按版式放置：源文本把“{label}”列印在其表头之后、其他各列之后",
    ),
    (
        regex.compile(r"two layouts of the source text fit its labels equally well"),
        "源文本的两种版式与其标签同样吻合",
    ),
    (
        regex.compile(r"placed by order: its row label is not next to its values"),
        "按顺序放置：其行标签不在其数值旁边",
    ),
    (
        regex.compile(
            r"unread: (?P<values>\d+) values were found for the (?P<cells>\d+) cells of the "
            r"rows (?P<labels>.+), so none of them can be placed with certainty"
        ),
        "未读取：“{labels}”各行共 {cells} 个单元格，找到 {values} 个数值，都无法确定位置",
    ),
    (
        regex.compile(
            r"placed by the reading order: the table's grid does not say which row and column "
            r"this value is in"
        ),
        "按阅读顺序放置：表格的网格未表明此数值所在的行和列",
    ),
    (
        regex.compile(
            r"unread: the table's grid does not place this cell, and reading the table in "
            r"order contradicts the cells the grid places"
        ),
        "未读取：表格的网格未能确定此单元格，而按顺序阅读表格又与网格确定的单元格相矛盾",
    ),
    (
        regex.compile(r"unread: no value could be placed in this cell"),
        "未读取：没有数值能放入此单元格",
    ),
    (
        regex.compile(
            r"printed as (?P<text>.+): read as (?P<parts>\d+) cells of 0 glued together, "
            r"because only then do the values fit the table"
        ),
        "原文印为 {text}：读作 {parts} 个连在一起的 0，因为只有这样数值才与表格相符",
    ),
    (
        regex.compile(r"printed with a leading zero as (?P<text>.+)"),
        "原文带前导零：{text}",
    ),
    (
        regex.compile(r"unread: the table prints no column (?P<label>.+)"),
        "未读取：表格没有印“{label}”列",
    ),
    (
        regex.compile(
            r"read as blank: the row ends before the column (?P<label>.+), with no cell "
            r"printed there"
        ),
        "读作空白：该行在“{label}”列之前就结束了，该处未印单元格",
    ),
    (
        regex.compile(
            r"unread: this row of the source has no cell of its own under the column "
            r"(?P<label>.+) \(it is merged with a neighbour\)"
        ),
        "未读取：原文此行在“{label}”列下没有单独的单元格（与相邻单元格合并）",
    ),
    (
        regex.compile(r"the source merges this cell with the one under the column (?P<label>.+)"),
        "原文把此单元格与“{label}”列下的单元格合并",
    ),
    (
        regex.compile(
            r"placed by order: the cells of the row (?P<label>.+) do not line up with the "
            r"columns of the header above them"
        ),
        "按顺序放置：“{label}”行的单元格与上方表头的各列没有对齐",
    ),
    (
        regex.compile(
            r"unread: the cells of the row (?P<label>.+) do not line up with the columns of "
            r"the header above them, and there are (?P<cells>\d+) of them for (?P<columns>\d+)"
            r" columns"
        ),
        "未读取：“{label}”行的单元格与上方表头各列未对齐，{columns} 列有 {cells} 个单元格",
    ),
    (
        regex.compile(r"unread: no row of the table's grid is labelled (?P<label>.+)"),
        "未读取：表格的网格中没有标为“{label}”的行",
    ),
    (
        regex.compile(
            r"the source prints (?P<texts>.+) in positions the form declares as this one cell;"
            r" read (?P<text>.+), the first"
        ),
        "原文在格式规定为同一单元格的位置印有 {texts}；读取了第一个 {text}",
    ),
    (
        regex.compile(
            r"the ruling lines around this cell do not enclose a rectangle, so which text "
            r"belongs to it is uncertain"
        ),
        "此单元格四周的表格线未围成矩形，哪些文字属于它无法确定",
    ),
    (
        regex.compile(r"its text runs over the cell's ruling line"),
        "其文字越过了单元格的表格线",
    ),
    (
        regex.compile(
            r"a row broken over a page break: its two parts were joined, values from both"
        ),
        "跨页断开的一行：其两部分已拼合，数值取自两部分",
    ),
)


_REASON_PATTERNS = tuple(english for english, _ in _REASONS)
"""The patterns alone, where the audit of gkbg's patterns (tests/hostile.py) finds them."""


def reason_zh(reason: str) -> str | None:
    """The Chinese of a reason a parser gave for doubting a cell, or None when it has none.

    Args:
        reason: One of a cell's `Cell.uncertain` reasons, as the parsers write them (English).
    """
    for english, chinese in _REASONS:
        found = english.fullmatch(reason)
        if found is not None:
            return chinese.format(**found.groupdict())
    return None


def reasons_zh(reasons: Iterable[str]) -> str:
    """A cell's reasons for doubt in Chinese, joined with ``；``; one without its Chinese as is."""
    return "；".join(reason_zh(reason) or reason for reason in reasons)
