"""Benchmark: what the year lock (issue 16, ``programs.locking``) costs a web request.

    .venv/bin/python bench/locks.py [--rows 20] [--repeat 5]

Data: a throwaway SQLite file (bench/locks.sqlite3, recreated, removed after): Khon Kaen's
geography, the occupations fixture, villages of อ.พล (4012) and its district officer, and 26
locking reports elsewhere (FY 2568 approved in the 25 other districts, อ.พล's FY 2566
submitted), so the lock has rows to read but none refuses the doors measured — except the last,
a change of a household of the submitted year, refused. The records each request writes are
made before it, fresh for every request (``--rows`` follow-ups, visits or import rows; five
times as many households for the changelist action; 20 households and 4 members for the team
grid).

Measured in-process through Django's test client as the officer (the settings of the test
suite), each door ``--repeat`` times: the queries on the reports' table
(``programs_districtreport``: the lock's reads), all queries, and the median time of the
request. Baseline: the same requests with ``locking.cached`` made a no-op — no request-wide
block, each check reads its report (the cost without ``YearLockCacheMiddleware``); the two
runs alternate request by request. Target (issue 16): ≤ 1 lock query per request.
"""

import argparse
import contextlib
import datetime
import io
import itertools
import os
import statistics
import time
import traceback

from common import ROOT, setup_django, table

DB = ROOT / "bench" / "locks.sqlite3"
TABLE = "programs_districtreport"
LOCKING = os.path.join("programs", "locking.py")
WRITES = {"update", "delete", "bulk_create", "bulk_update"}  # YearLockedQuerySet's own writes
TARGET = "≤ 1 lock query per request (issue 16)"


def setup():
    for suffix in ("", "-wal", "-shm", "-journal"):
        path = f"{DB}{suffix}"
        if os.path.exists(path):
            os.remove(path)
    os.environ["DATABASE_URL"] = f"sqlite:///{DB}"
    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_geography", province=["40"], verbosity=0, stdout=io.StringIO())
    call_command("loaddata", "fixtures/occupations.json", verbosity=0)


def be(day):
    return f"{day:%d/%m}/{day.year + 543}"


class Doors:
    """The requests measured: each ``prepare`` makes its records (untimed) and returns the
    request to send and the check of its answer."""

    def __init__(self, client, rows):
        from tests.factories import make_village

        self.client = client
        self.rows = rows
        self.village = make_village(subdistrict="401207", moo=11)  # code 40120711
        self.ids = itertools.count(70_000)
        self.moo = itertools.count(20)

    def _id(self):
        from tests.programs.factories import valid_id

        return valid_id(next(self.ids))

    def _household(self, **fields):
        from tests.programs.factories import make_household

        return make_household(village=self.village, citizen_id=self._id(), **fields)

    def _household_form(self, household, follow_ups):
        data = {
            "village": household.village_id,
            "fiscal_year": household.fiscal_year,
            "house_no": household.house_no,
            "prefix": "นาง",
            "first_name": household.first_name,
            "last_name": household.last_name,
            "citizen_id": "",  # unchanged
            "status": household.status,
            "follow_ups-TOTAL_FORMS": str(follow_ups),
            "follow_ups-INITIAL_FORMS": "0",
        }
        first = datetime.date(household.fiscal_year - 543, 3, 1)
        for i in range(follow_ups):
            data |= {
                f"follow_ups-{i}-visited_on": be(first + datetime.timedelta(days=i)),
                f"follow_ups-{i}-practising": "on",
                f"follow_ups-{i}-monthly_income": str(3000 + i),
            }
        return data

    def household_form(self):
        from programs.models import FollowUp

        household = self._household(fiscal_year=2567)
        data = self._household_form(household, self.rows)

        def check(response):
            assert response.status_code == 302, response.status_code
            assert FollowUp.objects.filter(household=household).count() == self.rows

        url = f"/admin/programs/household/{household.pk}/change/"
        return (lambda: self.client.post(url, data)), check

    def household_page(self):
        from programs.models import FollowUp

        household = self._household(fiscal_year=2567)
        FollowUp.objects.bulk_create(
            FollowUp(
                household=household,
                visited_on=datetime.date(2024, 3, 1) + datetime.timedelta(days=i),
                practising=True,
                monthly_income=3000,
            )
            for i in range(self.rows)
        )
        url = f"/admin/programs/household/{household.pk}/change/"

        def check(response):
            assert response.status_code == 200, response.status_code

        return (lambda: self.client.get(url)), check

    def drop_action(self):
        from programs.models import StageDecision

        households = [
            self._household(fiscal_year=2568, status="trained") for _ in range(self.rows * 5)
        ]
        data = {
            "action": "record_drop_decision",
            "_selected_action": [h.pk for h in households],
            "decided_on": "01/04/2568",
            "reason": "เลิกแล้ว",
        }

        def check(response):
            assert response.status_code == 302, response.status_code
            done = StageDecision.objects.filter(household__in=households).count()
            assert done == len(households), done

        return (lambda: self.client.post("/admin/programs/household/", data)), check

    def _with_follow_ups(self):
        from programs.models import FollowUp

        households = [self._household(fiscal_year=2568) for _ in range(self.rows)]
        FollowUp.objects.bulk_create(
            FollowUp(household=h, visited_on=datetime.date(2025, 3, 1), practising=True)
            for h in households
        )
        return households

    def delete_page(self):
        households = self._with_follow_ups()
        data = {"action": "delete_selected", "_selected_action": [h.pk for h in households]}

        def check(response):
            assert response.status_code == 200, response.status_code

        return (lambda: self.client.post("/admin/programs/household/", data)), check

    def bulk_delete(self):
        from programs.models import Household

        households = self._with_follow_ups()
        pks = [h.pk for h in households]
        data = {"action": "delete_selected", "_selected_action": pks, "post": "yes"}

        def check(response):
            assert response.status_code == 302, response.status_code
            assert not Household.objects.filter(pk__in=pks).exists()

        return (lambda: self.client.post("/admin/programs/household/", data)), check

    def team_grid(self):
        from programs.models import Occupation, TrainerTeam
        from tests.factories import make_village
        from tests.programs.factories import make_sage

        village = make_village(subdistrict="401207", moo=next(self.moo))
        sage = make_sage(village=village)
        occupation = Occupation.objects.get(name="ทอผ้าไหม")
        data = {
            "village": village.pk,
            "fiscal_year": 2568,
            "sage": sage.pk,
            "occupation": occupation.pk,
            "members-TOTAL_FORMS": 4,
            "members-INITIAL_FORMS": 0,
            "households-TOTAL_FORMS": 20,
            "households-INITIAL_FORMS": 0,
        }
        for i in range(4):
            data |= {
                f"members-{i}-first_name": f"สมาชิก{i}",
                f"members-{i}-last_name": "ทีม",
                f"members-{i}-role": "trainer",
            }
        for i in range(20):
            data |= {
                f"households-{i}-prefix": "นาย",
                f"households-{i}-first_name": f"ครัวเรือน{i}",
                f"households-{i}-last_name": "ทดสอบ",
                f"households-{i}-house_no": str(i + 1),
                f"households-{i}-citizen_id": self._id(),
                f"households-{i}-phone": "",
                f"households-{i}-status": "target",
            }

        def check(response):
            assert response.status_code == 302, response.status_code
            assert TrainerTeam.objects.get(village=village).households.count() == 20

        return (lambda: self.client.post("/admin/programs/trainerteam/add/", data)), check

    def field_sync(self):
        import json
        import uuid

        homes = [self._household(fiscal_year=2569, status="trained") for _ in range(self.rows)]
        body = json.dumps(
            {
                "visits": [
                    {
                        "client_uuid": str(uuid.uuid4()),
                        "household": home.pk,
                        "visited_on": "2026-09-15",
                        "practising": True,
                        "monthly_income": "๓,๕๐๐",
                        "notes": "",
                    }
                    for home in homes
                ]
            }
        )

        def check(response):
            assert response.status_code == 200, response.status_code
            statuses = {result["status"] for result in response.json()["results"]}
            assert statuses == {"saved"}, statuses

        def send():
            return self.client.post("/field/api/visits/", body, content_type="application/json")

        return send, check

    def field_form(self):
        from programs.models import FollowUp

        home = self._household(fiscal_year=2569, status="trained")
        url = f"/field/visit/{home.pk}/"
        data = {"visited_on": "15/09/2569", "practising": "1", "monthly_income": "3500"}

        def check(response):
            assert response.status_code == 302, response.status_code
            assert FollowUp.objects.filter(household=home).count() == 1

        return (lambda: self.client.post(url, data)), check

    def import_confirm(self):
        from django.core.files.uploadedfile import SimpleUploadedFile

        from programs.models import Household

        first = next(self.ids)
        content = import_file(
            [
                {
                    "ปีงบประมาณ (พ.ศ.)": 2569,
                    "รหัสหมู่บ้าน": self.village.code,
                    "บ้านเลขที่": str(n),
                    "คำนำหน้า": "นาย",
                    "ชื่อ": f"นำเข้า{n}",
                    "นามสกุล": f"ทดสอบ{first}",
                    "เลขประจำตัวประชาชน": self._id(),
                    "โทรศัพท์": "0812345678",
                    "อาชีพ": "ทอผ้าไหม",
                }
                for n in range(1, self.rows + 1)
            ]
        )
        preview = self.client.post(
            "/admin/programs/household/import/",
            {
                "import_file": SimpleUploadedFile("list.xlsx", content),
                "format": "0",
                "resource": "0",
            },
        )
        form = preview.context["confirm_form"]
        assert form is not None, "the preview refused the file"
        data = {name: form.initial[name] for name in form.fields}

        def check(response):
            assert response.status_code == 302, response.status_code
            assert Household.objects.filter(last_name=f"ทดสอบ{first}").count() == self.rows

        def send():
            return self.client.post("/admin/programs/household/process_import/", data)

        return send, check

    def locked_form(self):
        household = self.locked_household
        data = self._household_form(household, self.rows)

        def check(response):
            assert response.status_code == 403, response.status_code

        url = f"/admin/programs/household/{household.pk}/change/"
        return (lambda: self.client.post(url, data)), check


def import_file(rows):
    """The downloadable template filled with ``rows`` (dicts by header)."""
    import openpyxl

    from programs import spreadsheets
    from programs.resources import HouseholdResource

    buffer = io.BytesIO()
    spreadsheets.write_import_template(buffer, HouseholdResource())
    buffer.seek(0)
    book = openpyxl.load_workbook(buffer)
    sheet = book.worksheets[0]
    names = [cell.value for cell in sheet[1]]
    for row in rows:
        sheet.append([row.get(name, "") for name in names])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@contextlib.contextmanager
def uncached():
    """The baseline: no ``locking.cached()`` block anywhere (each check reads its report)."""
    from programs import locking

    real = locking.cached
    locking.cached = contextlib.nullcontext
    try:
        yield
    finally:
        locking.cached = real


def lock_queries(n):
    return f"{n} lock {'query' if n == 1 else 'queries'}"


def timed(prepare):
    """(lock queries, queries made by the lock's checks, all queries, milliseconds) of one
    request made by ``prepare``."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    checks = []

    def from_the_lock(execute, sql, params, many, context):
        # Made inside programs/locking.py, but not the write a locked QuerySet lets through.
        inner = [f.name for f in traceback.extract_stack() if f.filename.endswith(LOCKING)]
        checks.append(bool(inner) and inner[-1] not in WRITES)
        return execute(sql, params, many, context)

    send, check = prepare()
    connection.queries_log.clear()  # it keeps the last 9,000: the count must start below
    with CaptureQueriesContext(connection) as queries, connection.execute_wrapper(from_the_lock):
        started = time.perf_counter()
        response = send()
        elapsed = (time.perf_counter() - started) * 1000
    check(response)
    locks = sum(TABLE in query["sql"] for query in queries.captured_queries)
    return locks, sum(checks), len(queries.captured_queries), elapsed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    setup()
    import logging

    # The refused door's 403 is logged with its traceback; the benchmark checks the status.
    logging.getLogger("django.request").setLevel(logging.CRITICAL)
    logging.getLogger("django.security").setLevel(logging.CRITICAL)
    from django.conf import settings
    from django.test import Client
    from django.test.utils import setup_test_environment

    from programs.models import DistrictReport
    from tests.factories import make_user
    from villages.models import District

    setup_test_environment()  # the test client keeps the context (the import's confirm form)
    settings.ALLOWED_HOSTS = ["*"]
    officer = make_user(username="bench_locks", role="district", districts=["4012"])
    client = Client()
    client.force_login(officer)
    doors = Doors(client, args.rows)
    doors.locked_household = doors._household(fiscal_year=2566)  # before its year is locked
    others = District.objects.filter(province_id="40").exclude(code="4012")
    DistrictReport.objects.bulk_create(
        [
            DistrictReport(
                district=district,
                fiscal_year=2568,
                status="approved",
                approved_on=datetime.date(2025, 10, 15),
            )
            for district in others
        ]
        + [DistrictReport(district_id="4012", fiscal_year=2566, status="submitted")]
    )
    reports = DistrictReport.objects.locking().count()

    n = args.rows
    cases = [
        ("household change form, follow-up inlines added", f"{n} follow-ups", doors.household_form),
        ("household change page (GET)", f"{n} follow-ups shown", doors.household_page),
        ("changelist action: drop decision", f"{5 * n} households", doors.drop_action),
        ("delete_selected: confirmation page", f"{n} households + follow-ups", doors.delete_page),
        ("delete_selected: delete", f"{n} households + follow-ups", doors.bulk_delete),
        ("team grid: new team", "20 households, 4 members", doors.team_grid),
        ("field app: sync", f"{n} visits", doors.field_sync),
        ("field app: visit form", "1 visit", doors.field_form),
        ("household import: confirm", f"{n} rows (xlsx)", doors.import_confirm),
        ("locked year: household form refused", f"{n} follow-ups", doors.locked_form),
    ]
    rows = []
    for name, data, prepare in cases:
        timed(prepare)  # warm-up (templates, forms), not counted
        now, before = [], []
        for _ in range(args.repeat):
            with uncached():
                before.append(timed(prepare))
            now.append(timed(prepare))
        locks, checks, queries = (max(r[i] for r in now) for i in range(3))
        locks_before, checks_before, queries_before = (max(r[i] for r in before) for i in range(3))
        ms = statistics.median(r[3] for r in now)
        ms_before = statistics.median(r[3] for r in before)
        ratio = f"{locks_before / locks:.0f}× fewer" if locks and locks_before > locks else "—"
        rows.append(
            [
                f"lock: {name}",
                f"{data}; SQLite, {reports} locking reports, median of {args.repeat}",
                f"{lock_queries(locks)} ({checks} by the checks) of {queries}, {ms:.0f} ms",
                f"{lock_queries(locks_before)} ({checks_before} by the checks) of "
                f"{queries_before}, {ms_before:.0f} ms (each check reads its report)",
                ratio,
                TARGET,
                "yes" if locks <= 1 else "NO",
            ]
        )
    print(table(rows))
    from django.db import connections

    connections.close_all()
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(OSError):
            os.remove(f"{DB}{suffix}")


if __name__ == "__main__":
    main()
