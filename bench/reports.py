"""Benchmark: the department's reports at 1.5 million households (issue 16).

    .venv/bin/python bench/reports.py [--households 1500000] [--villages 2340] [--years 6]
        [--district 4001] [--repeat 1] [--no-pdf] [--rebuild]

Data: the database of ``bench/changelist.py`` (built by it when missing). The reports show the
figures of approved district-years (their snapshots), so every district of the current fiscal
year is first approved through ``programs.reporting`` in that database only (a district already
approved is left as it is): the report is put into ``submitted`` directly — the data-quality
rules of a real submission are not what is measured here — and ``report_approve`` takes its
snapshot. Then, in-process, the way ``manage.py programme_report`` makes them: the province KPI
report (``reports.kpi_report``) as xlsx (``write_kpi_xlsx``) and as PDF (``report_pdf``, when
WeasyPrint is available), and the village report of one district (``--district``, default 4001,
the largest: ~216 villages, ~23,000 households a year) as xlsx and PDF; build + write, the best
of ``--repeat``, the number of queries, the file's size, the CPU time of this process and of its
PostgreSQL backend (parallel workers off, see bench/kpis.py) and the load average (the machine's
2 cores are shared: other work shows in the wall time, much less in the CPU time).
Targets (issue 16): province xlsx ≤ 3 s, province PDF ≤ 5 s, one district's village reports as
one PDF ≤ 30 s (or as a background job with a progress bar: the admin makes it one, laid out ten
villages at a time by ``report_pdf.write_village_pdf`` as here). The peak RSS is the process's
so far (the cases run in the order of the table).
"""

import argparse
import io
import logging
import os
import resource
import shutil
import subprocess
import tempfile
import time

from changelist import (
    DB_NAME,
    DEFAULT_HOUSEHOLDS,
    DEFAULT_VILLAGES,
    DEFAULT_YEARS,
    DISTRICT_OFFICER_DISTRICT,
    ensure,
    ensure_users,
    log,
)
from common import setup_django, table
from data import bench_database_url

TARGETS = {"kpi xlsx": 3000, "kpi pdf": 5000, "villages xlsx": None, "villages pdf": 30000}


def approve_all(fiscal_year, user):
    """Approve every district of the province for ``fiscal_year``; returns (approved now,
    already approved, seconds)."""
    from django.conf import settings
    from django.db import transaction

    from programs import reporting
    from programs.models import DistrictReport
    from villages.models import District

    done = already = 0
    start = time.perf_counter()
    codes = District.objects.filter(province_id=settings.SAMMACHIP_PROVINCE_CODE).values_list(
        "code", flat=True
    )
    for code in codes.order_by("code"):
        if reporting.report_status(district=code, fiscal_year=fiscal_year) == (
            DistrictReport.Status.APPROVED
        ):
            already += 1
            continue
        with transaction.atomic():
            report = reporting.report_for(district=code, fiscal_year=fiscal_year)
            DistrictReport.objects.filter(pk=report.pk).update(
                status=DistrictReport.Status.SUBMITTED
            )
            reporting.report_approve(
                district=code, fiscal_year=fiscal_year, user=user, comment="bench"
            )
        done += 1
    return done, already, time.perf_counter() - start


class Cpu:
    """CPU time (ms) of this process and of its PostgreSQL backend (read from /proc)."""

    def __init__(self):
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            self.pid = cursor.fetchone()[0]
            cursor.execute("SET max_parallel_workers_per_gather = 0")
        self.tick = 1000 / os.sysconf("SC_CLK_TCK")

    def backend(self):
        try:
            with open(f"/proc/{self.pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) * self.tick

    def now(self):
        return self.backend(), time.process_time() * 1000


def run_case(build, write, repeat, cpu):
    """Build the report data and write the file; (wall ms, build ms, queries, the file, python
    cpu ms, postgres cpu ms) of the fastest of ``repeat`` runs."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    best = None
    for _ in range(repeat):
        (db0, py0) = cpu.now()
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as context:
            data = build()
            built = time.perf_counter()
            target = io.BytesIO()
            write(target, data)
        end = time.perf_counter()
        (db1, py1) = cpu.now()
        result = (
            (end - start) * 1000,
            (built - start) * 1000,
            len(context.captured_queries),
            target.getvalue(),
            py1 - py0,
            None if db0 is None or db1 is None else db1 - db0,
        )
        if best is None or result[0] < best[0]:
            best = result
    return best


def pdf_pages(content):
    """ ", N pages" by poppler's pdfinfo (the page objects are compressed), or "" without it."""
    if not shutil.which("pdfinfo"):
        return ""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(content)
        file.flush()
        info = subprocess.run(["pdfinfo", file.name], capture_output=True, text=True).stdout
    for line in info.splitlines():
        if line.startswith("Pages:"):
            return f", {int(line.split()[1]):,} pages"
    return ""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=DEFAULT_HOUSEHOLDS)
    parser.add_argument("--villages", type=int, default=DEFAULT_VILLAGES)
    parser.add_argument("--years", type=int, default=DEFAULT_YEARS)
    parser.add_argument("--district", default=DISTRICT_OFFICER_DISTRICT)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--no-pdf", action="store_true")
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()

    name = DB_NAME if args.households == DEFAULT_HOUSEHOLDS else f"{DB_NAME}_{args.households}"
    os.environ["DATABASE_URL"] = bench_database_url(name=name)
    os.environ.pop("REDIS_URL", None)
    setup_django()
    for noisy in ("weasyprint", "fontTools"):  # a line per page and per font otherwise
        logging.getLogger(noisy).setLevel(logging.WARNING)
    from django.db import connection

    from programs import report_pdf, reports
    from programs.models import Household
    from sammachip import thaidate
    from villages.models import District

    ensure(
        households=args.households, villages=args.villages, years=args.years, rebuild=args.rebuild
    )
    province, _officer = ensure_users()
    year = thaidate.current_fiscal_year()
    done, already, seconds = approve_all(year, province)
    log(f"fiscal year {year}: {done} districts approved now ({seconds:.0f} s), {already} before")
    pdf = not args.no_pdf and report_pdf.available()
    scope = reports.province_words()
    district_name = District.objects.get(code=args.district).name_th
    district_households = Household.objects.filter(fiscal_year=year, district=args.district).count()
    size_text = (
        f"{args.households:,} households ({args.years} fiscal years, {args.villages:,} villages, "
        f"Khon Kaen), {connection.vendor}"
    )
    at_size = args.households == DEFAULT_HOUSEHOLDS and connection.vendor == "postgresql"

    def kpi():
        return reports.kpi_report(fiscal_year=year)

    def villages():
        return reports.village_report(fiscal_year=year, districts=[args.district])

    cases = [
        ("kpi xlsx", "province KPI report, xlsx", kpi,
         lambda t, d: reports.write_kpi_xlsx(t, d, scope_words=scope)),
        ("kpi pdf", "province KPI report, PDF", kpi,
         lambda t, d: report_pdf.write_pdf(t, "kpi", d, scope_words=scope)),
        ("villages xlsx", f"village report of one district ({args.district}), xlsx", villages,
         reports.write_village_xlsx),
        ("villages pdf", f"village report of one district ({args.district}), PDF", villages,
         lambda t, d: report_pdf.write_pdf(t, "villages", d, scope_words=f"อำเภอ{district_name}")),
    ]  # fmt: skip
    cpu = Cpu()
    rows = []
    for key, case, build, write in cases:
        if key.endswith("pdf") and not pdf:
            log(f"{case}: skipped (WeasyPrint not available or --no-pdf)")
            continue
        log(case)
        load = os.getloadavg()[0]
        wall, built, queries, content, py_cpu, db_cpu = run_case(build, write, args.repeat, cpu)
        size = len(content)
        pages = ""
        if key.endswith("pdf"):
            pages = pdf_pages(content)
        load = max(load, os.getloadavg()[0])
        target = TARGETS[key]
        met = "—"
        if at_size and target:
            met = "yes" if wall <= target else "NO"
            if met == "NO" and key == "villages pdf":
                # The goal's other form: in the admin it is a background job with a progress
                # bar (programs.jobs.village_report_pdf), laid out in parts as here.
                met = "as a background job"
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        extra = ""
        if key.startswith("villages"):
            extra = f" ({district_households:,} households of fiscal year {year})"
        rows.append(
            [
                f"report: {case}{extra}",
                f"{size_text}, {done + already} districts approved, load {load:.1f} on "
                f"{os.cpu_count()} CPUs",
                f"{wall / 1000:.1f} s (data {built / 1000:.1f} s, writing "
                f"{(wall - built) / 1000:.1f} s), {queries} queries, "
                f"{size / 1024:,.0f} KiB{pages}; peak RSS of the process so far {peak:,.0f} MiB; "
                f"CPU {py_cpu / 1000:.1f} s Python"
                + ("" if db_cpu is None else f" + {db_cpu / 1000:.1f} s PostgreSQL"),
                "",
                "",
                f"≤ {target / 1000:.0f} s (issue 16)" if target else "(no goal)",
                met,
            ]
        )
        log(f"  {rows[-1][2]}")
    print(table(rows))


if __name__ == "__main__":
    main()
