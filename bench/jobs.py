"""Benchmark: big household files as background jobs (issue 18, item 15).

    .venv/bin/python bench/jobs.py [--import-rows 20000] [--export-rows 200000]

On a SQLite file (bench/jobs.sqlite3, recreated; the embedded default, the slowest case for a
writer beside readers), with the real worker (``manage.py db_worker`` in its own process) and
the web side driven through Django's test client as a provincial officer: the upload of a
20,000-row file, its check, the confirmation and the import, then an export of 200,000 rows.
Measured: each job's time, and the slowest web request meanwhile (the upload, the job page's
status polls every half second, the confirmation, the export's POST, the download) against
the 5-second target.
"""

import argparse
import os
import subprocess
import sys
import time

from common import ROOT, measure, table

DB = ROOT / "bench" / "jobs.sqlite3"


def setup():
    for suffix in ("", "-wal", "-shm", "-progress"):
        path = f"{DB}{suffix}"
        if os.path.exists(path):
            os.remove(path)
    os.environ["DATABASE_URL"] = f"sqlite:///{DB}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "sammachip.settings"
    os.environ["DJANGO_DEBUG"] = "1"
    os.environ["SAMMACHIP_JOB_INLINE_ROWS"] = "2000"
    os.environ["SAMMACHIP_IMPORT_MAX_ROWS"] = "20000"
    os.chdir(ROOT)
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["testserver"]
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


class Web:
    """The officer's browser: every request timed."""

    def __init__(self, user):
        from django.test import Client

        self.client = Client()
        self.client.force_login(user)
        self.slowest = 0.0

    def __call__(self, method, url, *args, **kwargs):
        start = time.perf_counter()
        response = getattr(self.client, method)(url, *args, **kwargs)
        if hasattr(response, "streaming_content"):
            response.content_bytes = b"".join(response.streaming_content)
        self.slowest = max(self.slowest, time.perf_counter() - start)
        return response

    def wait(self, job_url):
        """Poll the status as the job page does, until the job ends; its final page."""
        while True:
            status = self("get", job_url + "status/", headers={"X-Sammachip-Poll": "1"}).json()
            if status["finished"]:
                return self("get", job_url)
            time.sleep(0.5)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--import-rows", type=int, default=20_000)
    parser.add_argument("--export-rows", type=int, default=200_000)
    args = parser.parse_args()
    setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from excel import build, import_file

    from programs.models import Household
    from tests.factories import make_user

    build(args.export_rows - args.import_rows)
    user = make_user(username="bench_province", role="province", is_superuser=False)
    web = Web(user)
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_DEBUG": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    rows = []
    try:
        content = import_file(args.import_rows, 0)

        def upload():
            upload = SimpleUploadedFile("big.xlsx", content)
            response = web(
                "post",
                "/admin/programs/household/import/",
                {"import_file": upload, "format": "0", "resource": "0"},
            )
            assert response.status_code == 302, response.status_code
            return response["Location"]

        job_url, upload_seconds, _mem = measure(upload)
        page, check_seconds, _mem = measure(lambda: web.wait(job_url))
        html = page.content.decode()
        assert "ยืนยันนำเข้า" in html, html[-2000:]
        confirm = html.split('action="', 2)[-1].split('"', 1)[0]
        job_url = web("post", confirm)["Location"]
        page, import_seconds, _mem = measure(lambda: web.wait(job_url))
        assert "เรียบร้อยแล้ว" in page.content.decode()
        total = Household.objects.count()
        assert total == args.export_rows, total

        def export():
            response = web("post", "/admin/programs/household/export/", {"_format": "xlsx"})
            web.wait(response["Location"])
            download = web("get", response["Location"] + "download/")
            return len(download.content_bytes)

        size, export_seconds, _mem = measure(export)
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    n_import, n_export = f"{args.import_rows:,} rows", f"{args.export_rows:,} rows"
    rows.append(
        [
            "upload of a big file (request)",
            n_import,
            f"{upload_seconds:.2f} s",
            "—",
            "—",
            "≤ 5 s",
            "✓" if upload_seconds <= 5 else "✗",
        ]
    )
    rows.append(
        [
            "import check (job)",
            n_import,
            f"{check_seconds:.1f} s",
            "—",
            "—",
            "in the background",
            "✓",
        ]
    )
    rows.append(
        ["import (job)", n_import, f"{import_seconds:.1f} s", "—", "—", "in the background", "✓"]
    )
    rows.append(
        [
            "export to xlsx, file downloaded (job)",
            n_export,
            f"{export_seconds:.1f} s, {size / 2**20:.1f} MiB",
            "—",
            "—",
            "in the background",
            "✓",
        ]
    )
    rows.append(
        [
            "slowest web request meanwhile",
            "upload, status polls, confirm, export, download",
            f"{web.slowest:.2f} s",
            "96 s (100k rows in one request, before)",
            "—",
            "≤ 5 s",
            "✓" if web.slowest <= 5 else "✗",
        ]
    )
    print(table(rows))


if __name__ == "__main__":
    main()
