"""Hypothesis profiles, chosen by ``HYPOTHESIS_PROFILE``: ``dev`` (the default, ``make test``)
replays a tenth of each test's examples, ``ci`` (``.ci/run``) all of them. Both are repeatable
(derandomized, no example database written to disk) and have no deadline. Loaded by
tests/conftest.py for the whole suite; a test with its own count writes
``@settings(max_examples=examples(3000))``."""

import os

from hypothesis import HealthCheck, settings

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "dev")


def examples(full):
    """``full`` examples on CI, a tenth (at least 10) otherwise."""
    return full if PROFILE == "ci" else max(10, full // 10)


for name in ("dev", "ci"):
    settings.register_profile(
        name,
        max_examples=200 if name == "ci" else examples(200),
        deadline=None,
        derandomize=True,
        database=None,
        print_blob=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
settings.load_profile(PROFILE)
