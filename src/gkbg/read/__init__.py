# SPDX-License-Identifier: MIT
"""Bytes to a ``Layout``: one reader per source format, the registry that picks one, the tokens."""
