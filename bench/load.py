"""Load test: gunicorn (deploy/gunicorn.conf.py, production settings) on PostgreSQL and Redis,
driven over loopback by wrk (issue 9). Not part of CI.

    .venv/bin/python bench/load.py [--workers 4] [--connections 4] [--duration 10] [--rebuild]

Needs wrk (apt-get install wrk), the PostgreSQL server of PG_URL and Redis on 127.0.0.1:6379
(database 14, emptied first). Uses the bench data of bench/data.py in ``sammachip_deploy_bench``
(built when missing). The server runs the production settings, configured as behind nginx
(``DJANGO_TRUSTED_PROXY_HOPS=1``: the client address is the last X-Forwarded-For entry); wrk
sends a different X-Forwarded-For per request, so the per-client search rate limit is exercised
but no single client hits it.

For each page: requests/s, latency p50/p95/p99 and errors (non-2xx/3xx answers, socket
errors) over ``--duration`` seconds at ``--connections`` connections. "Uncached" requests carry
a query parameter never seen before (so the shared page cache misses and stores, as on a first
visit); "cached" requests repeat one URL. Prints a markdown table (bench/common.table).
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from common import ROOT, table
from data import SEARCH_WORDS, bench_database_url

REDIS_URL = "redis://127.0.0.1:6379/14"
HOST = "sammachip.bench"
CORES = os.cpu_count() or 1

LUA = r"""
local counter = 0
local threads = {}
local template = os.getenv("BENCH_PATH")
local pk_low = tonumber(os.getenv("BENCH_PK_LOW") or "1")
local pk_high = tonumber(os.getenv("BENCH_PK_HIGH") or "1")
local words = {}
for word in string.gmatch(os.getenv("BENCH_WORDS") or "", "[^,]+") do
  table.insert(words, word)
end

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(id * 7919)
end

request = function()
  counter = counter + 1
  local path = template
  path = string.gsub(path, "{n}", id .. "x" .. counter)
  path = string.gsub(path, "{pk}", tostring(math.random(pk_low, pk_high)))
  if #words > 0 then
    local word = words[math.random(1, #words)]
    path = string.gsub(path, "{word}", (string.gsub(word, "%%", "%%%%")))
  end
  local ip = "10." .. math.random(0, 255) .. "." .. math.random(0, 255) .. "." ..
             math.random(1, 254)
  wrk.headers["X-Forwarded-For"] = ip
  return wrk.format("GET", path)
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT {\"requests\": %d, \"duration_us\": %d, \"p50_us\": %d, \"p95_us\": %d, " ..
    "\"p99_us\": %d, \"status_errors\": %d, \"socket_errors\": %d}\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), e.status, e.connect + e.read + e.write + e.timeout))
end
"""


def production_env(database_url, static_root, workers):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SAMMACHIP_", "GUNICORN_"))
        and key not in {"DATABASE_URL", "REDIS_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="sammachip.settings",
        DJANGO_TRUSTED_PROXY_HOPS="1",
        DJANGO_SECRET_KEY="bench-only-" + "k" * 50,
        DJANGO_ALLOWED_HOSTS=HOST,
        DATABASE_URL=database_url,
        REDIS_URL=REDIS_URL,
        SAMMACHIP_FIELD_KEYS="dGVzdHMtb25seS1maWVsZC1rZXktbm90LXNlY3JldCE=",
        SAMMACHIP_HASH_KEY="bench-only-hash-key-not-a-secret",
        DJANGO_STATIC_ROOT=str(static_root),
        DJANGO_MEDIA_ROOT=str(Path(static_root).parent / "media"),
        DJANGO_LOG_LEVEL="WARNING",
        GUNICORN_WORKERS=str(workers),
        GUNICORN_MAX_REQUESTS="0",
        GUNICORN_LOG_LEVEL="info",
    )
    return env


def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port, path):
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"Host": HOST, "X-Forwarded-Proto": "https"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status


def start_server(env, port, log_path, workers):
    """gunicorn, once every worker has warmed up (deploy/gunicorn.conf.py, post_worker_init)."""
    env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
    log = open(log_path, "wb")  # noqa: SIM115 - closed with the process by the caller
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "-c", "deploy/gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited; see {log_path}")
        warm = Path(log_path).read_text(errors="replace").count("warmed up in")
        try:
            if warm >= workers and get(port, "/healthz") == 200:
                return process
        except OSError:
            pass
        time.sleep(0.5)
    process.terminate()
    raise SystemExit(f"gunicorn's workers were not ready in 120 s; see {log_path}")


def wrk(port, path, *, connections, duration, script, extra_env=None):
    env = {**os.environ, "BENCH_PATH": path, **(extra_env or {})}
    result = subprocess.run(
        [
            "wrk",
            f"-t{min(2, connections)}",
            f"-c{connections}",
            f"-d{duration}s",
            "--timeout",
            "10s",
            "-s",
            script,
            "-H",
            f"Host: {HOST}",
            "-H",
            "X-Forwarded-Proto: https",
            "-H",
            "Accept-Encoding: gzip",
            f"http://127.0.0.1:{port}",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=duration + 60,
    )
    line = next(x for x in result.stdout.splitlines() if x.startswith("RESULT "))
    data = json.loads(line.removeprefix("RESULT "))
    data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
    data["errors"] = data["status_errors"] + data["socket_errors"]
    return data


def scenario_paths(pk_low, pk_high):
    quoted = ",".join(urllib.parse.quote(word) for word in SEARCH_WORDS)
    words = {"BENCH_WORDS": quoted}
    pks = {"BENCH_PK_LOW": str(pk_low), "BENCH_PK_HIGH": str(pk_high)}
    return [
        ("healthz (trivial view)", "/healthz", {}),
        ("home, cached", "/", {}),
        ("home, uncached", "/?u={n}", {}),
        ("article list, cached", "/articles/", {}),
        ("article list, uncached", "/articles/?u={n}", {}),
        ("article detail, cached", f"/articles/{pk_high}/", {}),
        ("article detail, uncached", "/articles/{pk}/?u={n}", pks),
        ("search, cached", "/articles/?q=" + urllib.parse.quote("ผ้าไหม"), {}),
        ("search, uncached", "/articles/?q={word}&u={n}", words),
    ]


def fmt(result):
    return (
        f"{result['rps']:.0f} req/s; p50 {result['p50_us'] / 1000:.0f} ms, "
        f"p95 {result['p95_us'] / 1000:.0f} ms, p99 {result['p99_us'] / 1000:.0f} ms; "
        f"{result['errors']} errors / {result['requests']:,}"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--connections", type=int, default=0, help="default: one per worker (no queueing)"
    )
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    args.connections = args.connections or args.workers
    if not shutil.which("wrk"):
        raise SystemExit("wrk not found: apt-get install wrk")

    database_url = bench_database_url()
    # Build (or check) the bench data in this process, then let the servers use it.
    os.environ["DATABASE_URL"] = database_url
    os.environ.pop("REDIS_URL", None)
    from common import setup_django

    setup_django()
    from data import ensure

    sizes = ensure(rebuild=args.rebuild, log=lambda m: print(m, file=sys.stderr))
    from django.db import connection

    from articles.models import Article

    public = Article.objects.published()
    pk_low = public.order_by("pk").values_list("pk", flat=True).first()
    pk_high = public.order_by("-pk").values_list("pk", flat=True).first()
    connection.close()

    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    work = Path(tempfile.mkdtemp(prefix="sammachip-load-"))
    script = work / "bench.lua"
    script.write_text(LUA)
    static_root = work / "static"
    env = production_env(database_url, static_root, args.workers)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    port = free_port()
    size_text = (
        f"{sizes['articles']:,} articles, {sizes['villages']:,} villages, "
        f"{sizes['households']:,} households; gunicorn {args.workers} sync workers on "
        f"{CORES} cores, wrk {args.connections} connections {args.duration} s"
    )
    results = {}
    server = start_server(env, port, work / "gunicorn.log", args.workers)
    try:
        for name, path, extra in scenario_paths(pk_low, pk_high):
            # A short warm-up (imports, connections, the cached copy), then the measure.
            wrk(port, path, connections=2, duration=2, script=str(script), extra_env=extra)
            results[name] = wrk(
                port,
                path,
                connections=args.connections,
                duration=args.duration,
                script=str(script),
                extra_env=extra,
            )
            print(f"{name}: {fmt(results[name])}", file=sys.stderr)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()

    trivial = results["healthz (trivial view)"]["rps"]
    rows = []
    for name, result in results.items():
        target, met, baseline, ratio = "", "", "", ""
        checks = []
        if result["errors"]:
            checks.append(False)
        if name.endswith("uncached") and name.startswith("article list"):
            per_core = result["rps"] / CORES
            target = "≥ 60 req/s per core, 0 errors, p95 < 200 ms"
            baseline = f"{per_core:.0f} req/s per core"
            checks.append(per_core >= 60)
        if name.endswith(", cached"):
            uncached = results[name.replace(", cached", ", uncached")]["rps"]
            baseline = f"uncached {uncached:.0f}, healthz {trivial:.0f} req/s"
            ratio = f"{result['rps'] / uncached:.1f}× / {result['rps'] / trivial:.2f}×"
            target = "≥ 6× uncached and ≥ 0.5× healthz, 0 errors, p95 < 200 ms"
            checks += [result["rps"] >= 6 * uncached, result["rps"] >= 0.5 * trivial]
        if not target:
            target = "0 errors, p95 < 200 ms"
        checks.append(result["p95_us"] < 200_000)
        met = "yes" if all(checks) and not result["errors"] else "NO"
        rows.append([f"load: {name}", size_text, fmt(result), baseline, ratio, target, met])
    print(table(rows))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
