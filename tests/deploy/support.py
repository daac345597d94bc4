"""Helpers of the deployment tests: PostgreSQL databases of our own, production-like app servers
(gunicorn with ``deploy/gunicorn.conf.py``), and a small HTTP client behind a pretend proxy.

Every database made here is named ``sammachip_deploy_<pid>_<name>`` and dropped afterwards.
"""

import html.parser
import http.client
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SITE_HOST = "sammachip.test"
# Test-only keys, the same as the suite's (32 bytes, urlsafe base64) — never a real key.
FIELD_KEYS = "dGVzdHMtb25seS1maWVsZC1rZXktbm90LXNlY3JldCE="
HASH_KEY = "tests-only-hash-key-not-a-secret"
REDIS_URL = "redis://127.0.0.1:6379/15"
DEMO_PASSWORD = "demo-sammachip-2567"


def pg_server_url():
    """The PostgreSQL server of ``DATABASE_URL`` (make test-postgres), else the local one."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        url = "postgres://postgres@127.0.0.1:5432/postgres"
    return urllib.parse.urlsplit(url)


class PgServer:
    def __init__(self):
        parts = pg_server_url()
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 5432
        self.user = urllib.parse.unquote(parts.username or "postgres")
        self.password = urllib.parse.unquote(parts.password or "")
        self.prefix = f"sammachip_deploy_{os.getpid()}_"

    def url(self, database):
        auth = urllib.parse.quote(self.user)
        if self.password:
            auth += ":" + urllib.parse.quote(self.password)
        return f"postgres://{auth}@{self.host}:{self.port}/{database}"

    def connect(self, database="postgres"):
        import psycopg2

        connection = psycopg2.connect(
            host=self.host,
            port=self.port,
            user=self.user,
            password=self.password or None,
            dbname=database,
            connect_timeout=5,
        )
        connection.autocommit = True
        return connection

    def query(self, sql, params=None, database="postgres"):
        connection = self.connect(database)
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall() if cursor.description else None
        finally:
            connection.close()

    def name(self, suffix):
        return self.prefix + suffix

    def create(self, suffix, template="template0"):
        """A new UTF-8 database (the documented command), or a copy of ``template``."""
        name = self.name(suffix)
        self.drop(name)
        if template == "template0":
            self.query(
                f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' "
                "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
            )
        else:
            self.query(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return name

    def drop(self, name):
        assert name.startswith("sammachip_deploy_"), name  # never anyone else's database
        if self.exists(name):
            self.query(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        self.query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name]
        )
        self.query(f'DROP DATABASE IF EXISTS "{name}"')

    def exists(self, name):
        return bool(self.query("SELECT 1 FROM pg_database WHERE datname = %s", [name]))

    def drop_stale(self):
        """Databases left by an earlier run that died (its process is gone)."""
        rows = self.query(
            "SELECT datname FROM pg_database WHERE datname LIKE 'sammachip\\_deploy\\_%%'"
        )
        for (name,) in rows:
            match = re.match(r"sammachip_deploy_(\d+)_", name)
            if match and not Path(f"/proc/{match.group(1)}").exists():
                self.drop(name)

    def block(self, name):
        """The database goes away: no new connections, existing ones are cut."""
        self.query(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        self.query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name]
        )

    def unblock(self, name):
        self.query(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')


def production_env(*, database_url, static_root, media_root, **extra):
    """The environment of a production server: DEBUG off, real secret, Redis, keys by env."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SAMMACHIP_", "GUNICORN_"))
        and key not in {"DATABASE_URL", "REDIS_URL", "PYTEST_CURRENT_TEST"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="sammachip.settings",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS=f"{SITE_HOST},127.0.0.1",
        DJANGO_CSRF_TRUSTED_ORIGINS=f"https://{SITE_HOST}",
        DATABASE_URL=database_url,
        REDIS_URL=REDIS_URL,
        SAMMACHIP_FIELD_KEYS=FIELD_KEYS,
        SAMMACHIP_HASH_KEY=HASH_KEY,
        DJANGO_STATIC_ROOT=str(static_root),
        DJANGO_MEDIA_ROOT=str(media_root),
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.update({key: str(value) for key, value in extra.items()})
    return env


def manage(env, *args, timeout=300, check=True):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class AppServer:
    """``gunicorn -c deploy/gunicorn.conf.py`` on a free loopback port."""

    def __init__(self, env, *, workers=2, log_path=None):
        self.port = free_port()
        self.env = {
            **env,
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_WORKERS": str(workers),
            "GUNICORN_WARMUP": "0",  # the dictionary load (seconds) is not what is tested here
        }
        self.log_path = log_path
        self.process = None

    def start(self, timeout=30):
        gunicorn = Path(sys.executable).with_name("gunicorn")
        log = open(self.log_path, "wb") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(
            [str(gunicorn), "--config", str(ROOT / "deploy" / "gunicorn.conf.py")],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        client = HttpClient(self)
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn exited early:\n{self.log()}")
            try:
                if client.get("/healthz").status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"gunicorn did not answer /healthz in {timeout} s:\n{self.log()}")

    def log(self):
        return Path(self.log_path).read_text(errors="replace") if self.log_path else ""

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def text(self):
        return self.body.decode("utf-8", errors="replace")

    def header(self, name):
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None


class HttpClient:
    """A visitor behind the HTTPS proxy: the site's host name, ``X-Forwarded-Proto: https``, and
    cookies kept by hand (they are Secure, as in production). ``server`` may be changed between
    requests: that is the load balancer sending the next request elsewhere."""

    def __init__(self, server):
        self.server = server
        self.cookies = {}

    def request(self, method, path, body=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=60)
        all_headers = {
            "Host": SITE_HOST,
            "X-Forwarded-Proto": "https",
            "Accept-Language": "th",
            "User-Agent": "sammachip-deploy-tests",
        }
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        all_headers.update(headers or {})
        try:
            connection.request(method, path, body=body, headers=all_headers)
            raw = connection.getresponse()
            response = Response(raw.status, raw.getheaders(), raw.read())
        finally:
            connection.close()
        for key, value in response.headers:
            if key.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                cookie_value = rest.split(";", 1)[0]
                if cookie_value in ("", '""'):
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = cookie_value
        return response

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, data, files=None, referer_path=None):
        """A form post with the CSRF token from the cookie (as the browser's form would)."""
        fields = dict(data)
        if "csrftoken" in self.cookies:
            fields.setdefault("csrfmiddlewaretoken", self.cookies["csrftoken"])
        headers = {
            "Origin": f"https://{SITE_HOST}",
            "Referer": f"https://{SITE_HOST}{referer_path or path}",
        }
        if files:
            body, content_type = multipart(fields, files)
        else:
            body = urllib.parse.urlencode(fields, doseq=True).encode()
            content_type = "application/x-www-form-urlencoded"
        headers["Content-Type"] = content_type
        return self.request("POST", path, body=body, headers=headers)

    def login(self, username, password=DEMO_PASSWORD):
        self.get("/admin/login/")
        response = self.post(
            "/admin/login/?next=/admin/",
            {"username": username, "password": password, "next": "/admin/"},
        )
        assert response.status == 302, response.text[:2000]
        assert "sessionid" in self.cookies
        return response


def multipart(fields, files):
    boundary = uuid.uuid4().hex
    lines = []
    for name, value in fields.items():
        lines.append(f"--{boundary}\r\n".encode())
        lines.append(f'Content-Disposition: form-data; name="{name}"\r\n\r\n'.encode())
        lines.append(str(value).encode() + b"\r\n")
    for name, (filename, content) in files.items():
        lines.append(f"--{boundary}\r\n".encode())
        lines.append(
            f'Content-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n".encode()
        )
        lines.append(content + b"\r\n")
    lines.append(f"--{boundary}--\r\n".encode())
    return b"".join(lines), f"multipart/form-data; boundary={boundary}"


class FormInputs(html.parser.HTMLParser):
    """The ``<input>`` names and values of a page (the import's confirm form)."""

    def __init__(self):
        super().__init__()
        self.inputs = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "input" and attributes.get("name"):
            self.inputs.setdefault(attributes["name"], attributes.get("value") or "")


def form_inputs(page_html, start_marker=None):
    parser = FormInputs()
    if start_marker and start_marker in page_html:
        page_html = page_html[page_html.index(start_marker) :]
    parser.feed(page_html)
    return parser.inputs


def tools_missing():
    return [tool for tool in ("pg_dump", "pg_restore", "psql") if shutil.which(tool) is None]
