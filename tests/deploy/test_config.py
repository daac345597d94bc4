"""Production configuration: static files (WhiteNoise, hashed and compressed), gunicorn's
settings, media storage switch, JSON logs without citizen IDs, the nginx site."""

import json
import logging
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

from sammachip import logs
from tests.deploy import support

CITIZEN_ID = "1101700230708"
LIVE = "/etc/letsencrypt/live/sammachip.example.go.th"


def env(tmp_path, **extra):
    return support.production_env(
        database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        static_root=tmp_path / "static",
        media_root=tmp_path / "media",
        **extra,
    )


# ---- static files -----------------------------------------------------------------------------


def test_collectstatic_writes_hashed_compressed_files(tmp_path):
    support.manage(env(tmp_path), "collectstatic", "--noinput", "-v0")
    root = tmp_path / "static"
    manifest = json.loads((root / "staticfiles.json").read_text())
    hashed = manifest["paths"]["css/site.css"]
    assert hashed != "css/site.css"
    assert (root / hashed).exists()
    assert (root / f"{hashed}.gz").exists()
    assert "admin/css/base.css" in manifest["paths"]  # the admin's own files too

    url = support.manage(
        env(tmp_path),
        "shell",
        "-v0",
        "-c",
        "from django.templatetags.static import static; print(static('css/site.css'))",
    ).stdout.strip()
    assert url == f"/static/{hashed}"


def test_whitenoise_comes_right_after_the_security_middleware():
    from django.conf import settings

    middleware = settings.MIDDLEWARE
    at = middleware.index("django.middleware.security.SecurityMiddleware")
    assert middleware[at + 1] == "whitenoise.middleware.WhiteNoiseMiddleware"


def test_production_uses_the_manifest_storage(tmp_path):
    shown = support.manage(
        env(tmp_path),
        "shell",
        "-v0",
        "-c",
        "from django.conf import settings; print(settings.STORAGES['staticfiles']['BACKEND']);"
        "print(settings.STORAGES['default']['BACKEND'])",
    ).stdout.split()
    assert shown == [
        "whitenoise.storage.CompressedManifestStaticFilesStorage",
        "django.core.files.storage.FileSystemStorage",
    ]


def test_media_go_to_object_storage_when_a_bucket_is_set(tmp_path):
    shown = support.manage(
        env(
            tmp_path,
            DJANGO_MEDIA_S3_BUCKET="sammachip-media",
            DJANGO_MEDIA_S3_ENDPOINT_URL="https://s3.example.go.th",
        ),
        "shell",
        "-v0",
        "-c",
        "import json; from django.conf import settings; print(json.dumps(settings.STORAGES))",
    ).stdout
    storages = json.loads(shown.strip().splitlines()[-1])
    assert storages["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storages["default"]["OPTIONS"]["bucket_name"] == "sammachip-media"
    assert storages["default"]["OPTIONS"]["endpoint_url"] == "https://s3.example.go.th"
    assert storages["default"]["OPTIONS"]["default_acl"] == "private"
    assert storages["staticfiles"]["BACKEND"].startswith("whitenoise.")


# ---- gunicorn ---------------------------------------------------------------------------------


def gunicorn_settings(monkeypatch, **environ):
    names = ("WORKERS", "BIND", "TIMEOUT", "MAX_REQUESTS", "WARMUP")
    for key in (f"GUNICORN_{name}" for name in names):
        monkeypatch.delenv(key, raising=False)
    for key, value in environ.items():
        monkeypatch.setenv(key, value)
    return runpy.run_path(str(support.ROOT / "deploy" / "gunicorn.conf.py"))


def test_gunicorn_workers_and_bind_come_from_the_environment(monkeypatch):
    config = gunicorn_settings(
        monkeypatch, GUNICORN_WORKERS="4", GUNICORN_BIND="10.0.0.11:8000", GUNICORN_TIMEOUT="60"
    )
    assert config["workers"] == 4
    assert config["bind"] == ["10.0.0.11:8000"]
    assert config["timeout"] == 60
    assert config["worker_class"] == "sync"
    assert config["wsgi_app"] == "sammachip.wsgi:application"


def test_gunicorn_defaults_are_safe(monkeypatch):
    import multiprocessing

    config = gunicorn_settings(monkeypatch)
    assert config["workers"] == multiprocessing.cpu_count() * 2 + 1
    assert config["bind"] == ["127.0.0.1:8000"]  # behind nginx, never on a public address
    assert config["control_socket_disable"] is True
    assert config["max_requests"] > 0
    # The access log leaves out the query string (a search may carry a citizen ID).
    assert "%(U)s" in config["access_log_format"]
    assert "%(q)s" not in config["access_log_format"]
    assert "%(r)s" not in config["access_log_format"]


def test_each_worker_loads_the_thai_dictionary_before_its_first_request(monkeypatch):
    import logging

    from articles import search

    config = gunicorn_settings(monkeypatch)
    seen = []
    monkeypatch.setattr(search, "parse_query", lambda text: seen.append(text))

    class Worker:
        pid = 1234
        log = logging.getLogger("gunicorn.test")

    config["post_worker_init"](Worker())
    assert seen == ["การทอผ้าไหมมัดหมี่"]
    monkeypatch.setenv("GUNICORN_WARMUP", "0")
    config["post_worker_init"](Worker())
    assert len(seen) == 1


def test_gunicorn_loads_the_application_with_production_settings(tmp_path):
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    result = subprocess.run(
        [gunicorn, "--check-config", "--config", str(support.ROOT / "deploy" / "gunicorn.conf.py")],
        cwd=support.ROOT,
        env=env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# ---- logs -------------------------------------------------------------------------------------


def test_json_logs_have_no_citizen_id(tmp_path):
    code = (
        "import logging\n"
        f"logging.getLogger('sammachip.test').warning('looked up %s', '{CITIZEN_ID}')\n"
        "try:\n"
        f"    raise ValueError('bad row 1-1017-00230-70-8 and {CITIZEN_ID}')\n"
        "except ValueError:\n"
        "    logging.getLogger('django.request').exception('Internal Server Error: /x')\n"
    )
    result = support.manage(env(tmp_path, DJANGO_LOG_FORMAT="json"), "shell", "-v0", "-c", code)
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    assert [line["logger"] for line in lines] == ["sammachip.test", "django.request"]
    assert lines[0]["message"] == "looked up [13 หลัก]"
    assert lines[0]["level"] == "WARNING"
    assert "ValueError" in lines[1]["exc"]
    assert CITIZEN_ID not in result.stderr
    assert "1017-00230" not in result.stderr


def test_plain_logs_are_masked_too(tmp_path):
    result = support.manage(
        env(tmp_path),
        "shell",
        "-v0",
        "-c",
        f"import logging; logging.getLogger('x').error('id ๑๑๐๑๗๐๐๒๓๐๗๐๘ and {CITIZEN_ID}')",
    )
    assert "id [13 หลัก] and [13 หลัก]" in result.stderr
    assert CITIZEN_ID not in result.stderr


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (f"id {CITIZEN_ID}.", "id [13 หลัก]."),
        ("1-1017-00230-70-8", "[13 หลัก]"),
        ("1 1017 00230 70 8", "[13 หลัก]"),
        ("phone 0812345678, year 2568", "phone 0812345678, year 2568"),
        ("11017002307081", "11017002307081"),  # 14 digits: not an ID
    ],
)
def test_mask(text, masked):
    assert logs.mask(text) == masked


def test_the_filter_masks_arguments_and_tracebacks():
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "row %s", (CITIZEN_ID,), None)
    try:
        raise ValueError(CITIZEN_ID)
    except ValueError:
        record.exc_info = sys.exc_info()
    assert logs.MaskCitizenIds().filter(record)
    output = logs.JsonFormatter().format(record)
    assert CITIZEN_ID not in output
    assert json.loads(output)["message"] == "row [13 หลัก]"


# ---- nginx ------------------------------------------------------------------------------------


def test_the_nginx_site_is_valid(nginx, tmp_path):
    certificate = tmp_path / "cert.pem"
    key = tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=sammachip.test", "-keyout", str(key), "-out", str(certificate),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    site = (support.ROOT / "deploy" / "nginx" / "sammachip.conf").read_text()
    site = (
        site.replace(
            "/etc/letsencrypt/live/sammachip.example.go.th/fullchain.pem", str(certificate)
        )
        .replace("/etc/letsencrypt/live/sammachip.example.go.th/privkey.pem", str(key))
        .replace("/var/log/nginx/", f"{tmp_path}/")
    )
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n  include /etc/nginx/mime.types;\n  include {tmp_path}/site.conf;\n}}\n"
    )
    result = subprocess.run(
        [nginx, "-t", "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


# ---- the health check behind a load balancer -------------------------------------------------


@pytest.mark.django_db
def test_health_check_over_plain_http_is_not_redirected(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 301
