# SPDX-License-Identifier: MIT
"""Reports to a ``CheckResult``: rules as data, an evaluator per kind; one report, series, rollup."""
