"""Gunicorn settings for sammachip (``gunicorn -c deploy/gunicorn.conf.py``).

Everything that differs between servers comes from the environment (the systemd unit reads
``/etc/sammachip/env``):

| variable | default | meaning |
|---|---|---|
| ``GUNICORN_BIND`` | ``127.0.0.1:8000`` | address (or ``unix:/run/sammachip/gunicorn.sock``) |
| ``GUNICORN_WORKERS`` | 2 × cores + 1 | sync worker processes |
| ``GUNICORN_TIMEOUT`` | 120 | seconds before a silent worker is killed (Excel exports, imports) |
| ``GUNICORN_MAX_REQUESTS`` | 2000 | a worker is replaced after this many requests (0: never) |
| ``GUNICORN_WARMUP`` | 1 | load the Thai dictionary in each worker before its first request |
| ``FORWARDED_ALLOW_IPS`` | ``127.0.0.1,::1`` | proxies whose ``X-Forwarded-*`` are trusted |

Sync workers: each request has a process to itself, the database connection is reused between
requests (``DJANGO_CONN_MAX_AGE``) and nothing is shared between workers but PostgreSQL and
Redis, so adding servers behind a load balancer adds capacity.
"""

import multiprocessing
import os

wsgi_app = "sammachip.wsgi:application"
proc_name = "sammachip"

bind = [item.strip() for item in os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")]
worker_class = "sync"
workers = int(os.environ.get("GUNICORN_WORKERS") or multiprocessing.cpu_count() * 2 + 1)
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
# Each worker loads the application itself, so `systemctl reload` (SIGHUP) starts workers with
# the new code and stops the old ones gracefully: a deployment drops no request.
preload_app = False
# The heartbeat file on a memory file system, never on a disk that may stall.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# Requests larger than this are refused before Django sees them (Django has its own limits).
limit_request_line = 8190
limit_request_fields = 100

# Logs on stderr for journald. The access log leaves out the query string, which may carry a
# search term such as a citizen ID typed into an admin search box.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%({x-forwarded-for}i)s"'

# No control socket: it lives in $HOME by default and two instances on one host would clash;
# systemd (or the orchestrator) is the control interface.
control_socket_disable = True


def post_worker_init(worker):
    """Pay a worker's one-time costs before it takes its first request, not during it: the
    first Thai search loads PyThaiNLP's word-segmentation dictionary (about 7 s on a 2-core
    server). Other workers keep serving meanwhile. ``GUNICORN_WARMUP=0`` skips it (tests)."""
    import time

    if os.environ.get("GUNICORN_WARMUP", "1") == "0":
        return
    started = time.monotonic()
    try:
        from articles import search

        search.parse_query("การทอผ้าไหมมัดหมี่")
    except Exception:  # a warm-up must never keep a worker from starting
        worker.log.exception("warm-up failed: this worker's first search will be slow")
        return
    worker.log.info("worker %s warmed up in %.1f s", worker.pid, time.monotonic() - started)


# Server header: gunicorn sends "Server: gunicorn" (no version); say nothing about the software.
try:
    import gunicorn.http.wsgi

    gunicorn.http.wsgi.SERVER = "sammachip"
except (ImportError, AttributeError):  # pragma: no cover - another gunicorn layout
    pass
