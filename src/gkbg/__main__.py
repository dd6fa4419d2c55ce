# SPDX-License-Identifier: MIT
"""``python -m gkbg`` runs the ``gkbg`` command."""

import sys

from gkbg.cli import main

sys.exit(main())
