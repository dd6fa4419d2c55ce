# SPDX-License-Identifier: MIT
"""The outputs that `Report` and `CheckResult` offer as methods, lent by the output stage.

``report.to_pandas()`` and a notebook's ``_repr_html_`` are conveniences on the model, but what
they call lives in ``gkbg.write``, which imports the model. So the model does not import the
output stage: ``gkbg.write`` lends its functions here when it is imported, and ``import gkbg``
(which every ``import gkbg.…`` runs first) imports it. The dependency points down the pipeline
only: ``write`` → ``core``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from collections.abc import Callable

    from gkbg.checks.findings import CheckResult
    from gkbg.core.model import Report

__all__ = ["VIEWS", "Views"]


def _missing(*_: object, **__: object) -> Any:  # noqa: ANN401 - stands in for any view
    raise RuntimeError("gkbg.write has not been imported: import gkbg first")


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

    cells_frame: Callable[..., Any] = _missing
    findings_frame: Callable[[CheckResult], Any] = _missing
    report_html: Callable[[Report], str] = _missing
    result_html: Callable[[CheckResult], str] = _missing
    result_text: Callable[[CheckResult], str] = _missing
    show_cell: Callable[..., Any] = _missing


VIEWS = Views()
"""The one set of views, filled in by ``gkbg.write.records``, ``gkbg.write.notebook``,
``gkbg.write.cellview`` and ``gkbg.write.summary``."""
