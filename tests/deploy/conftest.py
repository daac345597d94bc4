"""Fixtures of the deployment tests.

Tests marked ``postgres`` need the PostgreSQL server (and Redis) on this machine: they run with
``make test-postgres`` (``DATABASE_URL`` points at PostgreSQL) or when
``SAMMACHIP_REQUIRE_POSTGRES=1`` is set, which ``.ci/run`` does and which turns a missing server
into a failure instead of a skip. ``make test`` on SQLite skips them.
They use databases of their own (``sammachip_deploy_<pid>_*``), Redis database 15 and app servers
started with ``deploy/gunicorn.conf.py`` and production settings.
"""

import os
import re
import shutil
import subprocess
import sys

import pytest

from tests.deploy import support

REQUIRED = bool(os.environ.get("SAMMACHIP_REQUIRE_POSTGRES"))


def _wanted():
    url = os.environ.get("DATABASE_URL", "")
    return REQUIRED or url.startswith(("postgres://", "postgresql://"))


def _unavailable(message):
    if REQUIRED:
        pytest.fail(f"{message} (SAMMACHIP_REQUIRE_POSTGRES is set)")
    pytest.skip(message)


@pytest.fixture(scope="session")
def pg():
    if not _wanted():
        pytest.skip("PostgreSQL deployment tests run with make test-postgres")
    missing = support.tools_missing()
    if missing:
        _unavailable(f"{', '.join(missing)} not installed (apt-get install postgresql-client)")
    server = support.PgServer()
    try:
        server.query("SELECT 1")
    except Exception as error:
        _unavailable(f"PostgreSQL not reachable at {server.host}:{server.port}: {error}")
    try:
        import redis

        client = redis.Redis.from_url(support.REDIS_URL, socket_connect_timeout=3)
        client.ping()
        # Database 15 belongs to these tests: no page cached by an earlier run may answer.
        client.flushdb()
    except Exception as error:
        _unavailable(f"Redis not reachable at {support.REDIS_URL}: {error}")
    server.drop_stale()
    return server


@pytest.fixture(scope="session")
def deploy_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("deploy")


@pytest.fixture(scope="session")
def static_root(deploy_dir):
    """``collectstatic`` with the production storage (hashed, compressed) into a temp folder."""
    root = deploy_dir / "static"
    env = support.production_env(
        database_url="sqlite:///:memory:", static_root=root, media_root=deploy_dir / "media"
    )
    support.manage(env, "collectstatic", "--noinput", "-v0")
    return root


@pytest.fixture(scope="session")
def seeded_template(pg, deploy_dir, static_root):
    """A database migrated and seeded once (geography and the demo programme, articles and
    accounts); each test works on a copy of it."""
    name = pg.create("seeded")
    env = support.production_env(
        database_url=pg.url(name), static_root=static_root, media_root=deploy_dir / "media"
    )
    support.manage(env, "migrate", "--noinput", "-v0")
    support.manage({**env, "DJANGO_DEBUG": "1"}, "seed_demo", "--quiet-logins")
    yield name
    pg.drop(name)


@pytest.fixture
def database(pg, seeded_template, request):
    """A fresh copy of the seeded database for this test."""
    suffix = re.sub(r"[^a-z0-9_]", "_", request.node.name.lower())[:30]
    name = pg.create(suffix, template=seeded_template)
    yield name
    pg.drop(name)


@pytest.fixture
def media_root(tmp_path):
    root = tmp_path / "media"
    root.mkdir()
    return root


@pytest.fixture
def prod_env(pg, database, static_root, media_root):
    return support.production_env(
        database_url=pg.url(database), static_root=static_root, media_root=media_root
    )


@pytest.fixture
def app_server(tmp_path):
    """Start production app servers: ``app_server(env, workers=2)``; all stopped at the end."""
    started = []

    def start(env, *, workers=2):
        server = support.AppServer(
            env, workers=workers, log_path=tmp_path / f"gunicorn-{len(started)}.log"
        )
        started.append(server)
        return server.start()

    yield start
    for server in started:
        server.stop()


def shell(env, code):
    """Run Python code in a ``manage.py shell`` of that environment; return its stdout."""
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v0", "-c", code],
        cwd=support.ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture
def django_shell():
    return shell


@pytest.fixture(scope="session")
def nginx():
    path = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else "")
    if not path:
        pytest.skip("nginx not installed (apt-get install nginx-light)")
    return path
