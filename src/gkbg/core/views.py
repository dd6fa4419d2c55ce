# SPDX-License-Identifier: MIT
"""The outputs that `Report` and `CheckResult` offer as methods, lent by the output stage.

``report.to_pandas()`` and a notebook's ``_repr_html_`` are conveniences on the model, but what
they call lives in ``gkbg.write``, which imports the model. So the model does not import the
output stage: ``gkbg.write`` lends its functions here when it is imported. A view not lent
yet imports the modules that lend them (`LENDERS`, by name) when it is first called, so that
``import gkbg`` need not import the output stage for a program that never calls one (see
docs/architecture.md, "Imports"). The dependency points down the pipeline only: ``write`` →
``core``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from collections.abc import Callable

    from gkbg.checks.findings import CheckResult
    from gkbg.core.model import Report

__all__ = ["LENDERS", "VIEWS", "Views"]

LENDERS = (
    "gkbg.write.records",
    "gkbg.write.notebook",
    "gkbg.write.cellview",
    "gkbg.write.summary",
)
"""The modules that lend the views, each setting its own when it is imported."""


@attrs.frozen
class _Lent:
    """Stands in for a view until the modules that lend them are imported (on first call)."""

    name: str

    def __call__(self, *args: object, **kwargs: object) -> Any:  # noqa: ANN401 - any view
        for module in LENDERS:
            importlib.import_module(module)
        view = getattr(VIEWS, self.name)
        if isinstance(view, _Lent):
            raise TypeError(f"gkbg.write lends no view {self.name!r}")  # pragma: no cover
        return view(*args, **kwargs)


@attrs.define
class Views:
    """The output functions behind the model's convenience methods, set by ``gkbg.write``.

    Attributes:
        cells_frame: `gkbg.cells_frame`, behind `Report.to_pandas`.
        findings_frame: `gkbg.findings_frame`, behind `CheckResult.to_pandas`.
        report_html: `gkbg.to_html`, behind `Report._repr_html_`.
        result_html: `gkbg.result_html`, behind `CheckResult._repr_html_`.
        result_text: `gkbg.result_text`, behind ``str(result)``.
        show_cell: `gkbg.write.cellview.show`, behind `Report.show_cell`.
    """

    cells_frame: Callable[..., Any] = _Lent("cells_frame")
    findings_frame: Callable[[CheckResult], Any] = _Lent("findings_frame")
    report_html: Callable[[Report], str] = _Lent("report_html")
    result_html: Callable[[CheckResult], str] = _Lent("result_html")
    result_text: Callable[[CheckResult], str] = _Lent("result_text")
    show_cell: Callable[..., Any] = _Lent("show_cell")


VIEWS = Views()
"""The one set of views, filled in by ``gkbg.write.records``, ``gkbg.write.notebook``,
``gkbg.write.cellview`` and ``gkbg.write.summary``."""
