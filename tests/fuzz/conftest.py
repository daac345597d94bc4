"""Property-based fuzzing with hypothesis: bounded (200 examples a test on CI, 20 in ``make
test``; tests/fuzz/profiles.py), repeatable, no deadline."""
