# SPDX-License-Identifier: MIT
"""Write a report in the official layout: HTML, pipe or flat text, Word .docx, PDF; markdown.

The public name of the renderers, which live in ``gkbg/write/render.py`` with the output stage
(that module's docstring gives the rules of the official layout).
"""

from __future__ import annotations

from gkbg.write.render import Placed, RenderError, docx, grid, html, markdown, pdf, text

__all__ = ["Placed", "RenderError", "docx", "grid", "html", "markdown", "pdf", "text"]
