"""Settings for the test suite: production settings with test-only secrets.

Tests run over plain HTTP on loopback, so the HTTPS redirect and Secure-only cookies are off here
(the production values are kept in PRODUCTION_HTTPS_SETTINGS for the tests of them);
everything else is as in production (DEBUG stays off).
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-" + "x" * 50)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
# Fixed test-only keys (32 bytes each, urlsafe base64) so tests are repeatable.
os.environ.setdefault("SAMMACHIP_FIELD_KEYS", "dGVzdHMtb25seS1maWVsZC1rZXktbm90LXNlY3JldCE=")
os.environ.setdefault("SAMMACHIP_HASH_KEY", "tests-only-hash-key-not-a-secret")

from sammachip.settings import *  # noqa: F403

# What production has (DEBUG off), before the loopback-HTTP overrides below: tests of production
# behaviour put these back and send X-Forwarded-Proto: https as the documented proxy does
# (tests/security/conftest.py, fixture ``production_https``).
PRODUCTION_HTTPS_SETTINGS = {
    name: globals()[name]
    for name in ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE")
}
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# WhiteNoise serves from the apps' static folders: tests need no collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# Background jobs run at once, inside the request or command that queues them (one test runs the
# real worker). Progress on SQLite goes to a side file of this test process; on PostgreSQL
# through the default connection (the test's transaction hides a second connection's rows).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASES.pop("jobs_progress", None)  # noqa: F405
if SAMMACHIP_JOB_PROGRESS_FILE:  # noqa: F405
    import tempfile

    SAMMACHIP_JOB_PROGRESS_FILE = os.path.join(
        tempfile.gettempdir(), f"sammachip-test-progress-{os.getpid()}.sqlite3"
    )
