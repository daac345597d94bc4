"""Benchmark: the field app (issue 17): the server side of a sync of 100 queued visits, the
same 100 sent again (all duplicates), and the app shell's size.

    .venv/bin/python bench/field.py [--visits 100] [--repeat 3]

Data: a fresh PostgreSQL database (``sammachip_bench_field``): Khon Kaen's geography, one
village of อ.พล with ``--visits`` trained households of fiscal year 2569, and its officer.
Measured in-process through Django's test client (the session, CSRF off as the test client
does): the median of ``--repeat`` syncs (each on new UUIDs) and the queries per visit. The shell:
the worklist page and the static files it loads, gzip-compressed (the font excluded), and the
JavaScript uncompressed. Targets (issue 17): sync ≤ 2 s, ≤ 5 queries per visit, shell ≤ 100 KB,
JavaScript ≤ 30 KB. With Debian's chromium (``--no-browser`` skips it): gunicorn with the
production settings (``bench/load.py``'s environment, static files collected and compressed by
WhiteNoise) and the officer's first view of /field/ on a 390 px phone through Chromium's
DevTools network emulation (slow 3G: 400 kbit/s, 400 ms round trip; its cache empty; the bytes
transferred, the font excluded), then the page reloaded offline from the service worker's cache.
Targets: first view ≤ 4 s, offline reload ≤ 1 s.
"""

import argparse
import gzip
import io
import json
import statistics
import time
import uuid

from common import setup_django, table
from data import bench_database_url

FIELD_STATIC = [
    "vendor/bootstrap/bootstrap.min.css",
    "vendor/sarabun/sarabun.css",
    "field/field.css",
    "field/field.js",
    "field/manifest.webmanifest",
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--visits", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()

    import os

    os.environ["DATABASE_URL"] = bench_database_url(name="sammachip_bench_field")
    setup_django()
    from data import reset
    from django.conf import settings
    from django.contrib.staticfiles import finders
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from programs.models import FollowUp
    from tests.factories import make_user, make_village
    from tests.programs.factories import make_household

    settings.ALLOWED_HOSTS = ["*"]
    reset()
    call_command("load_geography", province=["40"], verbosity=0, stdout=io.StringIO())
    village = make_village(subdistrict="401207", moo=11)
    households = [
        make_household(village=village, fiscal_year=2569, status="trained")
        for _ in range(args.visits)
    ]
    officer = make_user(username="bench_field", role="district", districts=["4012"])
    # First, while every household still has a visit due: the worklist as the officer finds it.
    browser_rows = [] if args.no_browser else browser_timings(officer.username, args.visits)
    officer.refresh_from_db()  # its password was set for the browser
    client = Client()
    client.force_login(officer)

    def batch():
        return [
            {
                "client_uuid": str(uuid.uuid4()),
                "household": household.pk,
                "visited_on": "2026-09-15",
                "practising": True,
                "monthly_income": "๓,๕๐๐",
                "notes": "",
            }
            for household in households
        ]

    def post(visits):
        body = json.dumps({"visits": visits})
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.post("/field/api/visits/", body, content_type="application/json")
            elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, response.status_code
        return elapsed, len(queries), [r["status"] for r in response.json()["results"]]

    times, again_times, per_visit = [], [], []
    for _ in range(args.repeat):
        visits = batch()
        elapsed, queries, statuses = post(visits)
        assert statuses == ["saved"] * args.visits, set(statuses)
        times.append(elapsed)
        per_visit.append(queries / args.visits)
        elapsed, _queries, statuses = post(visits)
        assert statuses == ["duplicate"] * args.visits, set(statuses)
        again_times.append(elapsed)
    assert FollowUp.objects.count() == args.visits * args.repeat

    page = client.get("/field/").content
    shell = len(gzip.compress(page))
    for name in FIELD_STATIC:
        with open(finders.find(name), "rb") as handle:
            shell += len(gzip.compress(handle.read()))
    with open(finders.find("field/field.js"), "rb") as handle:
        script = len(handle.read())

    sync_ms = statistics.median(times)
    queries = max(per_visit)
    data = f"{args.visits} visits"
    print(
        table(
            [
                [
                    "field: sync of queued visits (server)",
                    data,
                    f"{sync_ms:.0f} ms",
                    "",
                    "",
                    "≤ 2000 ms",
                    "yes" if sync_ms <= 2000 else "no",
                ],
                [
                    "field: queries per visit",
                    data,
                    f"{queries:.1f}",
                    "",
                    "",
                    "≤ 5",
                    "yes" if queries <= 5 else "no",
                ],
                [
                    "field: the same visits sent again (duplicates)",
                    data,
                    f"{statistics.median(again_times):.0f} ms",
                    "",
                    "",
                    "",
                    "",
                ],
                [
                    "field: app shell, gzip, font excluded",
                    "worklist + css + js",
                    f"{shell / 1024:.0f} KB",
                    "",
                    "",
                    "≤ 100 KB",
                    "yes" if shell <= 100 * 1024 else "no",
                ],
                [
                    "field: JavaScript",
                    "field.js (the worker not counted)",
                    f"{script / 1024:.1f} KB",
                    "",
                    "",
                    "≤ 30 KB",
                    "yes" if script <= 30 * 1024 else "no",
                ],
                *browser_rows,
            ]
        )
    )


CHROMIUM = "/usr/bin/chromium"
PASSWORD = "bench-field-password-2567"


def browser_timings(username, households):
    """The slow-3G first view and the offline reload (module docstring), as table rows."""
    import os
    import shutil
    import subprocess
    import sys
    import tempfile
    from pathlib import Path

    from django.db import connection
    from load import free_port, production_env, start_server

    from sammachip.models import User

    if not Path(CHROMIUM).exists():
        return [["field: first view on slow 3G", "", "skipped (no chromium)", "", "", "", ""]]
    user = User.objects.get(username=username)
    # The production settings' hasher (the test settings' MD5 would not be accepted there).
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    user.password = PBKDF2PasswordHasher().encode(PASSWORD, "benchfieldsalt")
    user.save(update_fields=["password"])
    database_url = os.environ["DATABASE_URL"]
    connection.close()
    work = Path(tempfile.mkdtemp(prefix="sammachip-field-"))
    env = production_env(database_url, work / "static", 1)
    env.update(DJANGO_ALLOWED_HOSTS="sammachip.bench,localhost", DJANGO_SECURE_SSL_REDIRECT="0")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], env=env, check=True
    )
    port = free_port()
    server = start_server(env, port, work / "gunicorn.log", 1)
    try:
        first_ms, transferred, offline_ms = _measure(f"http://localhost:{port}", username)
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
    data = f"{households} households, 390 px, gunicorn"
    return [
        [
            "field: first view of /field/ on slow 3G",
            data,
            f"{first_ms:.0f} ms",
            "",
            "",
            "≤ 4000 ms",
            "yes" if first_ms <= 4000 else "no",
        ],
        [
            "field: transferred on that first view (font excluded)",
            data,
            f"{transferred / 1024:.0f} KB",
            "",
            "",
            "≤ 100 KB",
            "yes" if transferred <= 100 * 1024 else "no",
        ],
        [
            "field: reload offline (service worker cache)",
            data,
            f"{offline_ms:.0f} ms",
            "",
            "",
            "≤ 1000 ms",
            "yes" if offline_ms <= 1000 else "no",
        ],
    ]


def _measure(base, username):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--headless"]
        )
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="th-TH")
        context.set_default_timeout(30_000)
        page = context.new_page()
        page.goto(base + "/admin/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("[type=submit]")
        page.wait_for_load_state()

        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        cdp.send(
            "Network.emulateNetworkConditions",
            {
                "offline": False,
                "latency": 400,
                "downloadThroughput": 400 * 1000 / 8,
                "uploadThroughput": 400 * 1000 / 8,
            },
        )
        sizes, urls = {}, {}
        cdp.on(
            "Network.responseReceived",
            lambda e: urls.__setitem__(e["requestId"], e["response"]["url"]),
        )
        cdp.on(
            "Network.loadingFinished",
            lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]),
        )
        started = time.perf_counter()
        page.goto(base + "/field/", wait_until="load")
        first_ms = (time.perf_counter() - started) * 1000
        transferred = sum(
            size for request, size in sizes.items() if not urls.get(request, "").endswith(".woff2")
        )
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})
        cdp.send(
            "Network.emulateNetworkConditions",
            {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
        )
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        page.reload(wait_until="load")  # controlled now: the worker keeps the shell
        page.wait_for_function(
            """async () => { for (const name of await caches.keys()) {
                 const keys = await (await caches.open(name)).keys();
                 if (keys.some((r) => r.url.endsWith('.woff2'))) return true; } return false; }"""
        )
        context.set_offline(True)
        started = time.perf_counter()
        page.reload(wait_until="load")
        offline_ms = (time.perf_counter() - started) * 1000
        assert page.locator(".field-household").count() > 0
        browser.close()
    return first_ms, transferred, offline_ms


if __name__ == "__main__":
    main()
