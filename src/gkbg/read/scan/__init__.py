# SPDX-License-Identifier: MIT
"""Scanned pages: page images to the positioned characters and ruling lines of the PDF reader."""
