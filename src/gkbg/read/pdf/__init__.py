# SPDX-License-Identifier: MIT
"""PDF: pypdfium2 reads the text layer (or renders a scan for OCR); geometry rebuilds tables."""
