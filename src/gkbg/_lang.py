# SPDX-License-Identifier: MIT
"""The language of messages: Chinese or English, by default from the locale."""

from __future__ import annotations

import locale
import os
from typing import Literal

__all__ = ["Lang", "default_lang"]

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
