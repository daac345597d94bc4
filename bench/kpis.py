"""Benchmark: the KPI page (ตัวชี้วัด, /admin/programs/household/progress/) at 1.5 million
households (issue 15).

    .venv/bin/python bench/kpis.py [--households 1500000] [--villages 2340] [--years 6]
        [--repeat 7] [--rebuild]

Data: the database of ``bench/changelist.py`` (built by it when missing: the same sizes, the
same households, teams and groups over six fiscal years). Measured in-process through Django's
test client with the production settings, as provincial staff (the district summary of the
whole province, then one district's villages) and as the district officer of อ.เมืองขอนแก่น
(4001, the largest district): the median of ``--repeat`` requests after one warm-up, the number
of queries (fixed whatever the data size: tests/programs/test_kpis.py) and the page's size.
Targets (issue 15, PostgreSQL, 1.5 million): provincial staff ≤ 1 s, a district officer
≤ 300 ms.
"""

import argparse
import os

from changelist import (
    DB_NAME,
    DEFAULT_HOUSEHOLDS,
    DEFAULT_VILLAGES,
    DEFAULT_YEARS,
    DISTRICT_OFFICER_DISTRICT,
    ensure,
    ensure_users,
    log,
    measure,
)
from common import setup_django, table
from data import bench_database_url

TARGETS = {"provincial staff": 1000, "district officer": 300}  # ms, at 1.5 million households


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=DEFAULT_HOUSEHOLDS)
    parser.add_argument("--villages", type=int, default=DEFAULT_VILLAGES)
    parser.add_argument("--years", type=int, default=DEFAULT_YEARS)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()

    name = DB_NAME if args.households == DEFAULT_HOUSEHOLDS else f"{DB_NAME}_{args.households}"
    os.environ["DATABASE_URL"] = bench_database_url(name=name)
    os.environ.pop("REDIS_URL", None)
    setup_django()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from sammachip import thaidate

    settings.ALLOWED_HOSTS = ["*"]
    ensure(
        households=args.households, villages=args.villages, years=args.years, rebuild=args.rebuild
    )
    province, officer = ensure_users()
    year = thaidate.current_fiscal_year()
    size_text = (
        f"{args.households:,} households ({args.years} fiscal years, {args.villages:,} villages, "
        f"Khon Kaen), {connection.vendor}"
    )
    at_size = args.households == DEFAULT_HOUSEHOLDS and connection.vendor == "postgresql"
    base = "/admin/programs/household/progress/"
    cases = [
        ("provincial staff", province, "province summary", f"{base}?fiscal_year={year}"),
        (
            "provincial staff",
            province,
            "one district's villages (4001)",
            f"{base}?fiscal_year={year}&district={DISTRICT_OFFICER_DISTRICT}",
        ),
        (
            "district officer",
            officer,
            f"own district ({DISTRICT_OFFICER_DISTRICT})",
            f"{base}?fiscal_year={year}",
        ),
    ]
    rows = []
    for who, user, case, url in cases:
        log(f"{who}: {case}")
        client = Client()
        client.force_login(user)
        response = client.get(url)
        result = measure(client, url, args.repeat)
        target = TARGETS[who]
        met = "—"
        if at_size:
            met = "yes" if result["median"] <= target and result["status"] == 200 else "NO"
        rows.append(
            [
                f"KPI page ({who}): {case}",
                size_text,
                f"{result['median']:.0f} ms, {result['queries']} queries "
                f"(slowest {result['slowest_ms']:.0f} ms), {len(response.content) / 1024:.0f} KiB"
                + ("" if result["status"] == 200 else f", HTTP {result['status']}"),
                "2.16 s, 1.1 MB (provincial staff, before issue 15)"
                if case == "province summary"
                else "",
                "",
                f"≤ {target:,} ms at 1.5 million households (PostgreSQL)",
                met,
            ]
        )
    print(table(rows))


if __name__ == "__main__":
    main()
