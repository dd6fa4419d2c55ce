# SPDX-License-Identifier: MIT
"""Loading the entry points of other packages: a broken one is named and left out."""

from __future__ import annotations

import warnings
from importlib import metadata
from typing import TYPE_CHECKING, TypeVar

from gkbg.core.errors import GkbgError, PluginError, PluginWarning

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["distribution", "load_plugins"]

T = TypeVar("T")


def distribution(entry: metadata.EntryPoint) -> str:
    """The name and version of the distribution that declares ``entry``."""
    dist = getattr(entry, "dist", None)
    if dist is None:
        return "an unknown distribution"
    try:
        return f"{dist.name} {dist.version}"
    except Exception:  # noqa: BLE001 - broken metadata must not hide the real cause
        return "a distribution with unreadable metadata"


def _cause(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def load_plugins(group: str, use: Callable[[object], list[T]]) -> tuple[list[T], list[PluginError]]:
    """Load every entry point of ``group`` and turn what each gives into items with ``use``.

    An entry point whose import fails (with any exception) or that ``use`` refuses (with any
    exception; a `GkbgError`'s message is taken as the cause as it stands) is left out, and a
    `PluginWarning` naming it is issued.

    Returns:
        The items of the entry points that work, and a `PluginError` for each that does not.
    """
    items: list[T] = []
    broken: list[PluginError] = []
    for entry in metadata.entry_points(group=group):
        try:
            loaded = entry.load()
        except Exception as exc:  # noqa: BLE001 - any import failure is the plugin's
            cause = f"it cannot be imported ({_cause(exc)})"
        else:
            try:
                items.extend(use(loaded))
                continue
            except Exception as exc:  # noqa: BLE001 - nor may a bad object stop gkbg
                cause = str(exc) if isinstance(exc, GkbgError) else _cause(exc)
        error = PluginError(group, entry.name, entry.value, distribution(entry), cause)
        broken.append(error)
        warnings.warn(PluginWarning(error), stacklevel=2)
    return items, broken
