"""Settings for sammachip, read from the environment and safe by default.

Production is the default: DEBUG is off unless ``DJANGO_DEBUG`` is set (``make run`` sets it), and
without DEBUG the process refuses to start unless ``DJANGO_SECRET_KEY`` and
``DJANGO_ALLOWED_HOSTS`` are given. See README.md, "Configuration".
"""

import datetime
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
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "sammachip",
    "sammachip.jobs",
    "villages",
    "programs",
    "articles",
    "sammachip.portal",  # the public pages combining the apps above: last, it may import them all
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Security headers early, so every response gets them (error pages and refusals included).
    "csp.middleware.CSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "sammachip.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Refuses an oversized body before anything reads it (the CSRF check reads POST).
    "sammachip.middleware.RequestBodyLimitMiddleware",
    # Refuses NUL and other control characters in the path, parameters and cookies (Thai 400).
    "sammachip.middleware.ControlCharacterMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "sammachip.middleware.IdleSessionTimeoutMiddleware",
    "sammachip.middleware.ForcePasswordChangeMiddleware",
    "sammachip.middleware.TrustedAuditlogMiddleware",
    # The year lock's reports read once per request (programs.locking.cached).
    "programs.middleware.YearLockCacheMiddleware",
    # Last, as django-axes requires: turns a login lock-out into the Thai lock-out page.
    "axes.middleware.AxesMiddleware",
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

# Background jobs (sammachip.jobs): tasks queued in the database, run by `manage.py db_worker`.
# A job's progress is written outside the work's own transaction (an import is all or nothing):
# on SQLite in a small side file (one writer at a time per database file), elsewhere through a
# second connection to the same database.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# The KPI index (programs 0011) INCLUDEs its measures on PostgreSQL; SQLite builds the key columns
# only, as intended: its warning (models.W040) would print on every command of `make run`.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The worker writes while the web reads: WAL (readers never wait for the writer), a busy
    # timeout (a writer waits its turn instead of failing) and transactions that take the write
    # lock when they begin (no deadlock when two read transactions both start writing).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        timeout=int(os.environ.get("DJANGO_SQLITE_TIMEOUT", "30")),
        transaction_mode="IMMEDIATE",
    )
    SAMMACHIP_JOB_PROGRESS_FILE = os.environ.get("SAMMACHIP_JOB_PROGRESS_FILE") or (
        f"{DATABASES['default']['NAME']}-progress"
    )
else:
    DATABASES["jobs_progress"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
    SAMMACHIP_JOB_PROGRESS_FILE = ""
# A household import or export above this many rows runs as a background job; below, at once.
SAMMACHIP_JOB_INLINE_ROWS = int(os.environ.get("SAMMACHIP_JOB_INLINE_ROWS", "2000"))
# An uploaded file larger than this goes to a job before it is read (about 2,000 rows).
SAMMACHIP_JOB_INLINE_BYTES = int(os.environ.get("SAMMACHIP_JOB_INLINE_BYTES", "256000"))
# A running job silent (no progress) this long was cut off (a worker restart): retried once if
# safe, else marked failed. A finished job's file is kept this many hours.
SAMMACHIP_JOB_STALE_SECONDS = int(os.environ.get("SAMMACHIP_JOB_STALE_SECONDS", "90"))
SAMMACHIP_JOB_RESULT_HOURS = int(os.environ.get("SAMMACHIP_JOB_RESULT_HOURS", "24"))
# A finished job's row (its page: what was done, the problems found) is deleted after this.
SAMMACHIP_JOB_KEEP_DAYS = int(os.environ.get("SAMMACHIP_JOB_KEEP_DAYS", "30"))
# A village-report PDF of more villages than this is made by the job worker, not in the request
# (programs.admin.report_files; WeasyPrint lays out ~0.5 s a village).
SAMMACHIP_REPORT_PDF_MAX_VILLAGES = int(os.environ.get("SAMMACHIP_REPORT_PDF_MAX_VILLAGES", "30"))

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
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out login before any password is checked (sammachip.throttle).
    "sammachip.throttle.LoginThrottleBackend",
    "sammachip.backends.RoleBackend",
]
LOGIN_URL = "admin:login"
# Where a login goes when its ?next= is missing or refused (another site): the admin's index,
# wherever DJANGO_ADMIN_URL puts it (Django's default, /accounts/profile/, is a 404 here).
LOGIN_REDIRECT_URL = "admin:index"

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

# Static files are served by the app itself (WhiteNoise): `collectstatic` writes hashed,
# compressed copies, cached for a year by browsers and proxies. Uploads go to MEDIA_ROOT (served
# by nginx on one server) or, for several app servers, to S3-compatible object storage.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if os.environ.get("DJANGO_MEDIA_S3_BUCKET"):
    # S3-compatible object storage for uploads: pip install -e ".[s3]" (django-storages, boto3).
    # Credentials come from the usual AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY variables.
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["DJANGO_MEDIA_S3_BUCKET"],
            "endpoint_url": os.environ.get("DJANGO_MEDIA_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("DJANGO_MEDIA_S3_REGION") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }

# Audit trail (django-auditlog) in sammachip.AuditEntry, which carries the record's district.
AUDITLOG_LOGENTRY_MODEL = "sammachip.AuditEntry"
# The address on each row comes from sammachip.middleware.TrustedAuditlogMiddleware, which reads
# it from the trusted proxy only (SAMMACHIP_TRUSTED_PROXY_HOPS), never from a client's header.
AUDITLOG_DISABLE_REMOTE_ADDR = False

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# ---- security (docs/security.md) -----------------------------------------------------------------

# Upload limits. A request body over SAMMACHIP_MAX_REQUEST_BODY (multipart uploads) or, without
# files, over DATA_UPLOAD_MAX_MEMORY_SIZE is refused with the Thai 413 page before it is read
# (sammachip.middleware.RequestBodyLimitMiddleware); images and spreadsheets get their own
# checks too. FILE_UPLOAD_MAX_MEMORY_SIZE is where an upload moves from memory to a temp file.
# The reverse proxy's own limit (nginx client_max_body_size) must be a little larger.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
SAMMACHIP_MAX_REQUEST_BODY = 15 * 1024 * 1024
# An imported household list (xlsx or CSV): at most SAMMACHIP_IMPORT_MAX_ROWS rows a file (a
# district's year is a few thousand; a province's about 46,000, to be split by district) and
# SAMMACHIP_IMPORT_MAX_COLUMNS columns (the template has 20); an xlsx is checked before any parser
# sees it (sammachip/spreadsheet_intake.py: zip entries, compression ratio, uncompressed size
# derived from the row cap, far cell references). The preview lists the first
# SAMMACHIP_IMPORT_ERRORS_SHOWN rows with problems and counts the rest.
SAMMACHIP_IMPORT_MAX_ROWS = int(os.environ.get("SAMMACHIP_IMPORT_MAX_ROWS", "20000"))
SAMMACHIP_IMPORT_MAX_COLUMNS = 64
SAMMACHIP_IMPORT_ERRORS_SHOWN = 200
SAMMACHIP_IMPORT_MAX_ZIP_ENTRIES = 100
SAMMACHIP_IMPORT_MAX_ZIP_RATIO = 500

# The client's address. Behind the documented reverse proxy (nginx appends the address it saw
# to X-Forwarded-For) set DJANGO_TRUSTED_PROXY_HOPS=1 (one per proxy in the chain); 0, the
# default, uses the connection's address only: a header sent by a client is never believed.
# Used by the login throttle, the audit log, export records and rate limits.
SAMMACHIP_TRUSTED_PROXY_HOPS = int(os.environ.get("DJANGO_TRUSTED_PROXY_HOPS", "0"))

# HTTPS behind the documented reverse proxy, which sets X-Forwarded-Proto.
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

# Sessions: signed out after SAMMACHIP_SESSION_IDLE_MINUTES without a request
# (sammachip.middleware.IdleSessionTimeoutMiddleware, with a Thai message on the login page), and
# in any case when the browser closes or after SESSION_COOKIE_AGE.
SAMMACHIP_SESSION_IDLE_MINUTES = int(os.environ.get("DJANGO_SESSION_IDLE_MINUTES", "30"))
SESSION_COOKIE_AGE = 10 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Content-Security-Policy (django-csp): nothing inline runs, nothing loads from elsewhere, no page
# may be framed. An inline <style> block is allowed only by its hash (one of Django's).
# Development (DEBUG) reports violations in the browser console instead of enforcing them, so
# Django's debug pages keep their inline styles.
_media_origins = env_list("DJANGO_CSP_MEDIA_ORIGINS")
if os.environ.get("DJANGO_MEDIA_S3_ENDPOINT_URL"):
    from urllib.parse import urlsplit as _urlsplit

    _endpoint = _urlsplit(os.environ["DJANGO_MEDIA_S3_ENDPOINT_URL"])
    _media_origins.append(f"{_endpoint.scheme}://{_endpoint.netloc}")
elif os.environ.get("DJANGO_MEDIA_S3_BUCKET"):
    _media_origins.append(f"https://{os.environ['DJANGO_MEDIA_S3_BUCKET']}.s3.amazonaws.com")
_csp = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": [
            "'self'",
            # Django's admin/change_list.html when a ModelAdmin hides both action bars.
            "'sha256-blvLUW3UscWqsXGByNOqdBboM+ShWAuugp2mC/wbafU='",
        ],
        "img-src": ["'self'", "data:", *_media_origins],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
if DEBUG:
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _csp
else:
    CONTENT_SECURITY_POLICY = _csp

# Login throttling (django-axes, sammachip.throttle): a username from one address is locked for
# AXES_COOLOFF_TIME after AXES_FAILURE_LIMIT failures (so a typing officer in a shared office does
# not lock the others out), and any account after SAMMACHIP_LOGIN_FAILURES_PER_HOUR failures in
# an hour from any number of addresses (OWASP ASVS 2.2.1). The address comes from client_ip().
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# A refused attempt neither extends the cool-off nor counts towards the per-account limit: only
# passwords actually checked do (sammachip.throttle).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "sammachip.security.client_ip"
# The username axes stores, never longer than a user's may be (its columns are varchar(255)).
AXES_USERNAME_CALLABLE = "sammachip.throttle.client_username"
AXES_LOCKOUT_CALLABLE = "sammachip.throttle.lockout_response"
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # every failure, counted for the per-account limit
# axes trims a username's failure log beyond this count (newest first): never, in practice;
# purge_old_logs removes rows by age instead.
AXES_ACCESS_FAILURE_LOG_PER_USER_LIMIT = 10**9
# Masked in axes' log lines (a password typed into the username box must not reach a log); the
# database rows keep username and address, as traffic data.
AXES_SENSITIVE_PARAMETERS = ["username", "password", "ip_address"]
AXES_ENABLE_ADMIN = False  # English-only screens; lock-outs clear themselves (docs/security.md)
AXES_VERBOSE = False  # no banner on every manage.py command
SAMMACHIP_LOGIN_FAILURES_PER_HOUR = 100

# Retention (Computer Crime Act B.E. 2550 s.26: traffic data at least 90 days). purge_old_logs
# deletes audit rows, export records and login records older than these, never younger than 90
# days; SAMMACHIP_MINIMUM_RETENTION_DAYS is the legal floor.
SAMMACHIP_MINIMUM_RETENTION_DAYS = 90
SAMMACHIP_AUDIT_RETENTION_DAYS = int(os.environ.get("SAMMACHIP_AUDIT_RETENTION_DAYS", "365"))
SAMMACHIP_LOG_RETENTION_DAYS = int(os.environ.get("SAMMACHIP_LOG_RETENTION_DAYS", "365"))
if min(SAMMACHIP_AUDIT_RETENTION_DAYS, SAMMACHIP_LOG_RETENTION_DAYS) < 90:
    raise ImproperlyConfigured("Audit and log retention must be at least 90 days.")

# Programme and site facts shown on public pages (any province: set these by environment).
# Citizen-ID duplicate checks against the whole province a district officer may have answered
# per hour (programs/listings.py: what it protects and why this number).
SAMMACHIP_ID_CHECKS_PER_HOUR = int(os.environ.get("SAMMACHIP_ID_CHECKS_PER_HOUR", "2000"))
# Public searches (/articles/?q=) a minute per client address; 0 turns the limit off.
SAMMACHIP_SEARCH_RATE_LIMIT = int(os.environ.get("SAMMACHIP_SEARCH_RATE_LIMIT", "30"))
SAMMACHIP_PROVINCE_CODE = os.environ.get("SAMMACHIP_PROVINCE_CODE", "40")
SAMMACHIP_SITE_NAME = os.environ.get("SAMMACHIP_SITE_NAME", "สัมมาชีพชุมชน จังหวัดขอนแก่น")
SAMMACHIP_OFFICE_NAME = os.environ.get("SAMMACHIP_OFFICE_NAME", "สำนักงานพัฒนาชุมชนจังหวัดขอนแก่น")
SAMMACHIP_OFFICE_ADDRESS = os.environ.get(
    "SAMMACHIP_OFFICE_ADDRESS",
    "ศาลากลางจังหวัดขอนแก่น ถนนศูนย์ราชการ ตำบลในเมือง อำเภอเมืองขอนแก่น จังหวัดขอนแก่น 40000",
)
SAMMACHIP_OFFICE_PHONE = os.environ.get("SAMMACHIP_OFFICE_PHONE", "0 4324 4871")
# The licence of /opendata/ (programs/opendata.py): catalogue id, title stated in Thai, URL.
SAMMACHIP_OPENDATA_LICENCE = {
    "id": os.environ.get("SAMMACHIP_OPENDATA_LICENCE_ID", "cc-by-4.0"),
    "title": os.environ.get(
        "SAMMACHIP_OPENDATA_LICENCE_TITLE", "ครีเอทีฟคอมมอนส์ แสดงที่มา 4.0 สากล (CC BY 4.0)"
    ),
    "url": os.environ.get(
        "SAMMACHIP_OPENDATA_LICENCE_URL", "https://creativecommons.org/licenses/by/4.0/deed.th"
    ),
}

# A load balancer probes /healthz over plain HTTP inside the private network (docs/deploy.md):
# that one path is never redirected to HTTPS.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Logs go to stderr (journald or the container collects them): plain lines, or one JSON object
# per line with DJANGO_LOG_FORMAT=json. Every record passes a filter that masks 13-digit numbers,
# so no citizen ID reaches a log, whatever a message or a traceback carries.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_citizen_ids": {"()": "sammachip.citizen_id.text.MaskCitizenIds"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "sammachip.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if os.environ.get("DJANGO_LOG_FORMAT") == "json" else "plain",
            "filters": ["no_citizen_ids"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
