"""Big household files as background jobs, in a real browser against a real server and a real
job worker (``manage.py runserver`` and ``manage.py db_worker`` on a SQLite file, as ``make
run`` has them): the progress bar moves, the page survives a reload and a worker killed in the
middle of the work, and no web request takes more than 5 seconds.

``SAMMACHIP_BROWSER_JOB_ROWS`` sets the file's size (12,000 rows by default, to keep CI short;
20,000 and 200,000 rows are measured in ``bench/jobs.py``)."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# 12,000 rows: on an idle CI machine a 5,000-row check ended between the bar's first mid-way value
# and the worker's kill (attempts 1, not 2).
ROWS = int(os.environ.get("SAMMACHIP_BROWSER_JOB_ROWS", "12000"))
PASSWORD = "demo-sammachip-2567"
SLOWEST_REQUEST = 5.0


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A database file with the demo data, the server and a worker; ``site.restart_worker()``
    kills the worker (SIGKILL: no goodbye) and starts another."""
    folder = tmp_path_factory.mktemp("jobs-site")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sammachip.settings",
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "SAMMACHIP_JOB_INLINE_ROWS": "500",
        "SAMMACHIP_JOB_STALE_SECONDS": "4",
        "SAMMACHIP_ID_CHECKS_PER_HOUR": "1000000",
        "PYTHONUNBUFFERED": "1",
    }

    def manage(*args):
        subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True
        )

    manage("migrate", "--noinput")
    manage("load_geography", "--province", "40")
    manage("seed_demo")
    port = free_port()
    log = open(folder / "site.log", "w")  # noqa: SIM115 - closed at the end of the module

    def start(*args):
        return subprocess.Popen(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, stdout=log, stderr=log
        )

    class Site:
        url = f"http://127.0.0.1:{port}"
        database = folder / "db.sqlite3"
        server = start("runserver", "--noreload", f"127.0.0.1:{port}")
        worker = start("db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2")

        def restart_worker(self):
            self.worker.send_signal(signal.SIGKILL)
            self.worker.wait()
            self.worker = start(
                "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2"
            )

    site = Site()
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.2)
    yield site
    for process in (site.server, site.worker):
        process.terminate()
        process.wait(timeout=10)
    log.close()


def big_file(path, rows):
    import io

    import openpyxl

    from tests.programs.factories import valid_id

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("ครัวเรือนเป้าหมาย")
    header = ["ปีงบประมาณ (พ.ศ.)", "รหัสหมู่บ้าน", "บ้านเลขที่", "คำนำหน้า", "ชื่อ", "นามสกุล"]
    sheet.append([*header, "เลขประจำตัวประชาชน", "อาชีพ"])
    base = 50_000_000 + int(time.time()) % 1000 * 100_000
    for n in range(1, rows + 1):
        sheet.append(
            [2569, "40120711", str(n), "นาย", f"ทดสอบ{n}", "งานใหญ่", valid_id(base + n), ""]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(buffer.getvalue())
    return path


class Timings:
    """The longest web request the page made (its HTML, the status polls, the POSTs)."""

    def __init__(self, page):
        self.slowest = 0.0
        self.refused = []  # Content-Security-Policy reports (DEBUG: report-only)
        page.on("requestfinished", self.finished)
        page.on("console", self.console)

    def console(self, message):
        if "Content Security Policy" in message.text:
            self.refused.append(message.text)

    def finished(self, request):
        timing = request.timing
        if request.resource_type in ("document", "fetch") and timing["responseEnd"] > 0:
            self.slowest = max(
                self.slowest, (timing["responseEnd"] - timing["requestStart"]) / 1000
            )


def login(page, site, username):
    page.goto(f"{site.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{site.url}/admin/")


def watch(page, until, seconds=300):
    """The bar's values, read every half second, until ``until`` is on the page."""
    values = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            values.append(page.eval_on_selector("#job-progress", "e => e.value"))
            if page.locator(f"text={until}").count():
                return values
        except Exception:  # the page reloading itself when the job ends
            pass
        time.sleep(0.5)
    raise AssertionError(f"{until!r} never came: {values[-5:]}")


def job_row(site, page):
    """The job's row, read from the site's database file."""
    import sqlite3

    job_id = page.url.rstrip("/").split("/")[-1].replace("-", "")
    with sqlite3.connect(site.database) as connection:
        return connection.execute(
            "SELECT status, attempts FROM jobs_job WHERE id = ?", (job_id,)
        ).fetchone()


def bar_value(page):
    try:
        return page.eval_on_selector("#job-progress", "e => e.value") or 0
    except Exception:  # the page reloading itself
        return 0


def test_a_big_import_survives_a_reload_and_a_worker_restart(site, new_page, screenshot, tmp_path):
    page = new_page()
    timings = Timings(page)
    login(page, site, "province_staff")
    page.goto(f"{site.url}/admin/programs/household/import/")
    page.set_input_files("input[name=import_file]", str(big_file(tmp_path / "big.xlsx", ROWS)))
    page.click("form:has(input[name=import_file]) [type=submit]")
    page.wait_for_url("**/admin/jobs/**")
    job_page = page.url
    assert page.locator("progress#job-progress").count() == 1

    # The check: the bar moves; the page can be reloaded; the worker is killed mid-way and the
    # job, safe to run again, is picked up by the next worker.
    # The worker is killed the moment the bar shows the check in its first half (before the
    # screenshot: a fast machine finishes the rest in a few seconds).
    values = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(0 < v < ROWS / 2 for v in values):
        values.append(bar_value(page))
        time.sleep(0.1)
    assert any(0 < v < ROWS / 2 for v in values), values
    site.restart_worker()
    screenshot(page, "job-import-check-running")
    page.reload()
    assert page.url == job_page
    values = watch(page, "ยืนยันนำเข้า")
    assert job_row(site, page) == ("done", 2)  # run twice: cut off, then again
    assert any(0 < (v or 0) < ROWS for v in values), values  # moved again after the restart
    screenshot(page, "job-import-check-done")

    # The import, then the result.
    page.click("form.job-action input[type=submit]")
    page.wait_for_url("**/admin/jobs/**")
    watch(page, "เรียบร้อยแล้ว")
    screenshot(page, "job-import-done")
    assert job_row(site, page) == ("done", 1)
    assert f"{ROWS:,}" in page.locator("#content-main").inner_text()
    assert timings.slowest < SLOWEST_REQUEST, timings.slowest
    assert timings.refused == []


def test_a_big_export_is_a_job_with_a_download(site, new_page, screenshot):
    page = new_page()
    timings = Timings(page)
    login(page, site, "province_staff")
    page.goto(f"{site.url}/admin/programs/household/")
    page.locator("form.export-form button").first.click()
    page.wait_for_url("**/admin/jobs/**")
    values = watch(page, "ดาวน์โหลด")
    screenshot(page, "job-export-done")
    assert values[-1] == page.eval_on_selector("#job-progress", "e => e.max")
    with page.expect_download() as download:
        page.click("a.button")
    assert download.value.suggested_filename.endswith(".xlsx")
    assert timings.slowest < SLOWEST_REQUEST, timings.slowest
    assert timings.refused == []
