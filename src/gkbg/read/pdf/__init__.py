# SPDX-License-Identifier: MIT
"""PDF with a text layer: pypdfium2 reads the pages, pure geometry rebuilds the tables."""
