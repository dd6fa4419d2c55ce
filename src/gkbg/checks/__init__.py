# SPDX-License-Identifier: MIT
"""Reports to a ``CheckResult``: rules as data, evaluators by kind; one report, series, roll-up."""
