"""Benchmark: the field app (issue 17): the server side of a sync of 100 queued visits, the
same 100 sent again (all duplicates), and the app shell's size.

    .venv/bin/python bench/field.py [--visits 100] [--repeat 3]

Data: a fresh PostgreSQL database (``sammachip_bench_field``): Khon Kaen's geography, one
village of อ.พล with ``--visits`` trained households of fiscal year 2569, and its officer.
Measured in-process through Django's test client (the session, CSRF off as the test client
does): the median of ``--repeat`` syncs (each on new UUIDs) and the queries per visit. The shell:
the worklist page and the static files it loads, gzip-compressed (the font excluded), and the
JavaScript uncompressed. Targets (issue 17): sync ≤ 2 s, ≤ 5 queries per visit, shell ≤ 100 KB,
JavaScript ≤ 30 KB. Not measured here: the first view on slow 3G and the offline reload (the
Playwright test in tests/browser/test_field.py covers the offline path, not its timing).
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
            ]
        )
    )


if __name__ == "__main__":
    main()
