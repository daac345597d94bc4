"""Settings for the test suite: production settings with test-only secrets.

Tests run over plain HTTP on loopback, so the HTTPS redirect and Secure-only cookies are off here;
everything else is as in production (DEBUG stays off).
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-" + "x" * 50)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
# Fixed test-only keys (32 bytes each, urlsafe base64) so tests are repeatable.
os.environ.setdefault("SAMMACHIP_FIELD_KEYS", "dGVzdHMtb25seS1maWVsZC1rZXktbm90LXNlY3JldCE=")
os.environ.setdefault("SAMMACHIP_HASH_KEY", "tests-only-hash-key-not-a-secret")

from sammachip.settings import *  # noqa: F403

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
