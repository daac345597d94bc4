"""Settings for sammachip, read from the environment and safe by default.

Production is the default: DEBUG is off unless ``DJANGO_DEBUG`` is set (``make run`` sets it), and
without DEBUG the process refuses to start unless ``DJANGO_SECRET_KEY`` and
``DJANGO_ALLOWED_HOSTS`` are given. See README.md, "Configuration".
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
if DEBUG:
    # Development only: a fixed, obviously unusable key and loopback hosts.
    SECRET_KEY = SECRET_KEY or "django-insecure-development-only-never-use-in-production"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]"]
else:
    if not SECRET_KEY:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is off.")

CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")


def development_keys(path):
    """Development only: field-encryption keys kept in a local file that git ignores."""
    import base64
    import json
    import secrets

    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        keys = {
            "field_keys": [base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()],
            "hash_key": secrets.token_urlsafe(48),
        }
        path.write_text(json.dumps(keys))
        path.chmod(0o600)
    return json.loads(path.read_text())


# Citizen IDs at rest (see sammachip/citizen_id.py). SAMMACHIP_FIELD_KEYS: comma-separated Fernet
# keys, the first encrypts and all decrypt (rotation); SAMMACHIP_HASH_KEY: HMAC key for lookups.
# Back both up with the database: without them the IDs cannot be read.
SAMMACHIP_FIELD_KEYS = env_list("SAMMACHIP_FIELD_KEYS")
SAMMACHIP_HASH_KEY = os.environ.get("SAMMACHIP_HASH_KEY", "")
if DEBUG and not (SAMMACHIP_FIELD_KEYS and SAMMACHIP_HASH_KEY):
    _dev_keys = development_keys(BASE_DIR / ".local" / "keys.json")
    SAMMACHIP_FIELD_KEYS = SAMMACHIP_FIELD_KEYS or _dev_keys["field_keys"]
    SAMMACHIP_HASH_KEY = SAMMACHIP_HASH_KEY or _dev_keys["hash_key"]
elif not (SAMMACHIP_FIELD_KEYS and SAMMACHIP_HASH_KEY):
    raise ImproperlyConfigured(
        "SAMMACHIP_FIELD_KEYS and SAMMACHIP_HASH_KEY must be set when DJANGO_DEBUG is off."
    )

INSTALLED_APPS = [
    "sammachip.apps.SammachipAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "crispy_forms",
    "crispy_bootstrap5",
    "auditlog",
    "import_export",
    "sammachip",
    "villages",
    "programs",
    "articles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "sammachip.middleware.ForcePasswordChangeMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "sammachip.urls"
SAMMACHIP_ADMIN_URL = os.environ.get("DJANGO_ADMIN_URL", "admin/").strip("/") + "/"
WSGI_APPLICATION = "sammachip.wsgi.application"
ASGI_APPLICATION = "sammachip.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sammachip.context_processors.site",
            ],
            "builtins": ["sammachip.templatetags.thaidate", "sammachip.templatetags.numbers"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": "sammachip",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Sessions live in the database, so any app server behind a load balancer can serve a user.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

AUTH_USER_MODEL = "sammachip.User"
AUTHENTICATION_BACKENDS = ["sammachip.backends.RoleBackend"]
LOGIN_URL = "admin:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "th"
LANGUAGES = [("th", _("ภาษาไทย"))]
TIME_ZONE = "Asia/Bangkok"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))

if os.environ.get("DJANGO_MEDIA_S3_BUCKET"):
    # S3-compatible object storage for uploads (needs django-storages installed on that server).
    STORAGES = {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": os.environ["DJANGO_MEDIA_S3_BUCKET"],
                "endpoint_url": os.environ.get("DJANGO_MEDIA_S3_ENDPOINT_URL") or None,
                "default_acl": "private",
                "querystring_auth": True,
            },
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }

# Audit trail (django-auditlog) in sammachip.AuditEntry, which carries the record's district.
AUDITLOG_LOGENTRY_MODEL = "sammachip.AuditEntry"
AUDITLOG_DISABLE_REMOTE_ADDR = False

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Data-upload limits (uploads of images and spreadsheets get their own checks).
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Security. Behind the documented reverse proxy, which sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Programme and site facts shown on public pages (any province: set these by environment).
SAMMACHIP_PROVINCE_CODE = os.environ.get("SAMMACHIP_PROVINCE_CODE", "40")
SAMMACHIP_SITE_NAME = os.environ.get("SAMMACHIP_SITE_NAME", "สัมมาชีพชุมชน จังหวัดขอนแก่น")
SAMMACHIP_OFFICE_NAME = os.environ.get("SAMMACHIP_OFFICE_NAME", "สำนักงานพัฒนาชุมชนจังหวัดขอนแก่น")
SAMMACHIP_OFFICE_ADDRESS = os.environ.get("SAMMACHIP_OFFICE_ADDRESS", "")
SAMMACHIP_OFFICE_PHONE = os.environ.get("SAMMACHIP_OFFICE_PHONE", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
