"""Benchmark: the KPI page (ตัวชี้วัด, /admin/programs/household/progress/) and the admin home
(its panels: the year's reports, follow-ups due and overdue) at 1.5 million households (issue 15).

    .venv/bin/python bench/kpis.py [--households 1500000] [--villages 2340] [--years 6]
        [--repeat 7] [--rebuild] [--explain]

Data: the database of ``bench/changelist.py`` (built by it when missing: the same sizes, the
same households, teams and groups over six fiscal years). Measured in-process through Django's
test client with the production settings, as provincial staff (the district summary of the
whole province, then one district's villages) and as the district officer of อ.เมืองขอนแก่น
(4001, the largest district): the median of ``--repeat`` requests after one warm-up, the number
of queries (fixed whatever the data size: tests/programs/test_kpis.py) and the page's size.
Targets (issue 15, PostgreSQL, 1.5 million): provincial staff ≤ 1 s, a district officer
≤ 300 ms. The load average is printed in the data column: the machine's 2 cores are shared, and
the page's few large aggregates (index-only scans of ``household_kpi_year_idx``: one year's
250,000 households for the district table and the breakdown, the five years before for the
trend) are CPU-bound, so other work on the machine shows in the times; the CPU time of a request
(``cpu_ms``: Python and its PostgreSQL backend, parallel workers off) depends much less on it
and is printed beside the median. ``--explain`` prints EXPLAIN (ANALYZE, BUFFERS) of each case's
slowest query.
"""

import argparse
import os
import statistics
import time

from changelist import (
    DB_NAME,
    DEFAULT_HOUSEHOLDS,
    DEFAULT_VILLAGES,
    DEFAULT_YEARS,
    DISTRICT_OFFICER_DISTRICT,
    ensure,
    ensure_users,
    explain,
    log,
    measure,
)
from common import setup_django, table
from data import bench_database_url

TARGETS = {"provincial staff": 1000, "district officer": 300}  # ms, at 1.5 million households
# The same cases measured before on the same data and machine: the wall time of the issue-15
# page before its KPI index (notes of 2026-12-02; 2.16 s before issue 15, the figure) and
# its CPU time by ``cpu_ms`` (that code, without the index, on 2026-12-07).
BASELINES = {
    "province summary": (1474, "2.2 s, 16 queries; CPU 1,474 ms (before the KPI index)"),
    "own district": (224, "382 ms, 24 queries; CPU 224 ms (before the KPI index)"),
}


def cpu_ms(client, url, repeat):
    """Median CPU time of a request in ms: this process's and its PostgreSQL backend's (read
    from /proc: the server must be on this machine), with parallel workers off so the backend
    does all the database work. On a shared machine it is what the request costs, whatever the
    others do; ``None`` when the backend's /proc entry cannot be read."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
        cursor.execute("SET max_parallel_workers_per_gather = 0")
    tick = 1000 / os.sysconf("SC_CLK_TCK")

    def backend():
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * tick  # utime + stime

    try:
        backend()
    except OSError:
        return None
    client.get(url)
    times = []
    try:
        for _ in range(repeat):
            before, own = backend(), time.process_time()
            client.get(url)
            times.append(backend() - before + (time.process_time() - own) * 1000)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET max_parallel_workers_per_gather")
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=DEFAULT_HOUSEHOLDS)
    parser.add_argument("--villages", type=int, default=DEFAULT_VILLAGES)
    parser.add_argument("--years", type=int, default=DEFAULT_YEARS)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--explain", action="store_true")
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
    kpi_page = "KPI page"
    home = "admin home (งานของเจ้าหน้าที่: reports, follow-ups due and overdue)"
    cases = [
        (kpi_page, "provincial staff", province, "province summary", f"{base}?fiscal_year={year}"),
        (
            kpi_page,
            "provincial staff",
            province,
            "one district's villages (4001)",
            f"{base}?fiscal_year={year}&district={DISTRICT_OFFICER_DISTRICT}",
        ),
        (
            kpi_page,
            "district officer",
            officer,
            f"own district ({DISTRICT_OFFICER_DISTRICT})",
            f"{base}?fiscal_year={year}",
        ),
        (home, "provincial staff", province, "every district", "/admin/"),
        (
            home,
            "district officer",
            officer,
            f"own district ({DISTRICT_OFFICER_DISTRICT})",
            "/admin/",
        ),
    ]
    rows, slowest = [], []
    for page, who, user, case, url in cases:
        log(f"{who}: {case}")
        client = Client()
        client.force_login(user)
        response = client.get(url)
        load = os.getloadavg()[0]
        result = measure(client, url, args.repeat)
        cpu = cpu_ms(client, url, args.repeat) if connection.vendor == "postgresql" else None
        load = max(load, os.getloadavg()[0])
        target = TARGETS[who]
        met = "—"
        if at_size:
            met = "yes" if result["median"] <= target and result["status"] == 200 else "NO"
        baseline_cpu, baseline_text = next(
            (
                value
                for key, value in BASELINES.items()
                if page == kpi_page and case.startswith(key)
            ),
            (None, ""),
        )
        ratio = ""
        if at_size and baseline_cpu and cpu:
            ratio = f"{baseline_cpu / cpu:.1f}× less CPU"
        rows.append(
            [
                f"{page} ({who}): {case}",
                f"{size_text}, load {load:.1f} on {os.cpu_count()} CPUs",
                f"{result['median']:.0f} ms, {result['queries']} queries "
                f"(slowest {result['slowest_ms']:.0f} ms), {len(response.content) / 1024:.0f} KiB"
                + ("" if cpu is None else f"; CPU {cpu:.0f} ms (Python + PostgreSQL, one core)")
                + ("" if result["status"] == 200 else f", HTTP {result['status']}"),
                baseline_text if at_size else "",
                ratio,
                f"≤ {target:,} ms at 1.5 million households (PostgreSQL)",
                met,
            ]
        )
        slowest.append((who, case, result["slowest_sql"]))
    print(table(rows))
    if args.explain and connection.vendor == "postgresql":
        for who, case, sql in slowest:
            print(f"\nEXPLAIN (ANALYZE, BUFFERS) of the slowest query — {who}, {case}:")
            print(explain(sql))


if __name__ == "__main__":
    main()
