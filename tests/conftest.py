"""Shared test configuration: hypothesis profiles.

Choose one with ``HYPOTHESIS_PROFILE``: ``dev`` (the default, 50 examples),
``ci`` (100 examples, no deadline: CI machines are slow and noisy) or ``fast``
(10 examples, for a quick run while editing).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=50)
settings.register_profile(
    "ci", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("fast", max_examples=10)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

#: ``pytester`` runs the contract suites against broken plugins, to show they can fail.
pytest_plugins = ["pytester"]
