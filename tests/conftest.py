"""Test-suite settings shared by every test module."""

import os

from hypothesis import HealthCheck, settings

# CI machines are slow and shared: a per-example deadline would make the
# property tests flaky without telling us anything about callflow's speed
# (speed is measured in benchmarks/, never asserted in tests).
settings.register_profile("default", deadline=None)
settings.register_profile(
    "ci", deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(
    "ci" if os.environ.get("CI") else os.environ.get("HYPOTHESIS_PROFILE", "default")
)
