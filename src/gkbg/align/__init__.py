# SPDX-License-Identifier: MIT
"""A ``Layout`` to a ``Report``: which token is which cell of which form; title, agency, year."""
