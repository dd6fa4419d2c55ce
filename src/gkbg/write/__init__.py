# SPDX-License-Identifier: MIT
"""Reports and results to the outside world: JSON, records and frames, official layout, views."""
