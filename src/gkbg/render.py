# SPDX-License-Identifier: MIT
"""Write a report in the official layout: HTML, pipe or flat text, Word .docx, PDF.

The public name of `gkbg.write.render`, where the renderers live (see that module for the
layout rules).
"""

from __future__ import annotations

from gkbg.write.render import Placed, RenderError, docx, grid, html, pdf, text

__all__ = ["Placed", "RenderError", "docx", "grid", "html", "pdf", "text"]
