# SPDX-License-Identifier: MIT
"""The language of messages: Chinese or English, by default from the locale."""

from __future__ import annotations

import functools
import locale
import os
import string
from typing import TYPE_CHECKING, Literal

import attrs

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["Lang", "Text", "count", "default_lang", "join"]

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
