from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

import gkbg

# A bounded profile for CI and everyday runs; GKBG_HYPOTHESIS=thorough for a long search.
settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "thorough", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("GKBG_HYPOTHESIS", "ci"))

# `import gkbg` imports each public name's module when the name is first used. Some tests undo
# the imports they made (the plugin tests remove every module imported during the test), which
# must not undo the package's own: the session imports every public name first.
for _name in gkbg.__all__:
    getattr(gkbg, _name)
