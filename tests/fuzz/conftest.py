"""Property-based fuzzing with hypothesis: bounded (at most 200 examples a test, no deadline),
repeatable (derandomized, no example database written to disk), well under a minute in all."""

from hypothesis import HealthCheck, settings

settings.register_profile(
    "sammachip",
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile("sammachip")
