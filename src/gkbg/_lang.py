# SPDX-License-Identifier: MIT
"""The language of messages: Chinese or English, by default from the locale."""

from __future__ import annotations

import locale
import os
from typing import Literal

__all__ = ["Lang", "count", "default_lang", "join"]

Lang = Literal["zh", "en"]
"""A language gkbg writes its messages in."""


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
