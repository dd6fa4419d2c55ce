# SPDX-License-Identifier: MIT
"""The version of gkbg (read by the build backend and by ``gkbg.__version__``)."""

__version__ = "0.1.0"
"""The version of gkbg, as its distribution's metadata gives it."""
