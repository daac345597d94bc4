"""Fixtures of the security tests: production HTTPS behind the documented proxy."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client

from tests.security.support import HTTPS

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def production_https(settings):
    """Production's HTTPS settings (redirect, Secure cookies), which the suite turns off for
    plain-HTTP tests; requests then say HTTPS the way the proxy does."""
    for name, value in django_settings.PRODUCTION_HTTPS_SETTINGS.items():
        setattr(settings, name, value)
    return settings


@pytest.fixture
def https_client(production_https):
    """A client behind the documented proxy: every request arrives with X-Forwarded-Proto."""
    return Client(headers=HTTPS)


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def production_server(tmp_path_factory):
    """``gunicorn -c deploy/gunicorn.conf.py`` with production settings (DEBUG off, collected
    static files) on a loopback port, as the documented nginx reaches it. Its database is an
    empty SQLite file: the pages asked for here read nothing from it."""
    folder = tmp_path_factory.mktemp("production")
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SAMMACHIP_", "GUNICORN_"))
        and key not in {"DATABASE_URL", "REDIS_URL", "PYTEST_CURRENT_TEST"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="sammachip.settings",
        DJANGO_SECRET_KEY="tests-only-" + "s" * 50,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_STATIC_ROOT=str(folder / "static"),
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        SAMMACHIP_FIELD_KEYS="dGVzdHMtb25seS1maWVsZC1rZXktbm90LXNlY3JldCE=",
        SAMMACHIP_HASH_KEY="tests-only-hash-key-not-a-secret",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="1",
    )
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "-c", "deploy/gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                request = urllib.request.Request(url + "/healthz", headers=HTTPS)
                urllib.request.urlopen(request, timeout=2)
                break
            except urllib.error.HTTPError:
                break  # it answers
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("gunicorn did not start")
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
