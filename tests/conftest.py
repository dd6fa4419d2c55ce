from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# A bounded profile for CI and everyday runs; GKBG_HYPOTHESIS=thorough for a long search.
settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "thorough", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("GKBG_HYPOTHESIS", "ci"))
