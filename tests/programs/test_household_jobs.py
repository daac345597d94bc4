"""Big household files as background jobs: over ``SAMMACHIP_JOB_INLINE_ROWS`` rows the import's
check, its confirmation and the export run on the task queue (here the immediate backend; one
test runs the real ``db_worker``), each with its job page; smaller files stay in the request."""

import io

import openpyxl
import pytest
from django.core.management import call_command
from django.test import override_settings

from programs.models import ExportLog, Household, PendingImport
from sammachip.jobs.models import Job
from tests.programs.factories import valid_id
from tests.programs.test_excel import admin_import, export, filled_template, good_row, lists

pytestmark = pytest.mark.django_db
__all__ = ["lists"]  # the fixture, used by name


@pytest.fixture(autouse=True)
def small_limit(settings):
    settings.SAMMACHIP_JOB_INLINE_ROWS = 3


def job_of(response):
    assert response.status_code == 302, response
    assert response["Location"].startswith("/admin/jobs/")
    return Job.objects.get(pk=response["Location"].split("/")[3])


def test_a_small_file_is_checked_at_once(phon_client, lists):
    preview = admin_import(phon_client, filled_template([good_row(n) for n in range(1, 4)]))
    assert preview.status_code == 200
    assert preview.context["confirm_form"] is not None
    assert not Job.objects.exists()


def test_a_big_file_is_checked_by_a_job_then_imported_by_another(phon_client, lists):
    response = admin_import(phon_client, filled_template([good_row(n) for n in range(1, 6)]))
    check = job_of(response)
    assert check.kind == "household_import_check"
    assert check.status == Job.Status.DONE, check.message
    assert check.rows_done == check.rows_total == 5
    assert not Household.objects.filter(fiscal_year=2569).exists()  # a check writes nothing
    page = phon_client.get(response["Location"]).content.decode()
    assert "รายการใหม่ 5 แถว" in page
    assert "นำเข้า5" in page  # the file's first rows, shown
    assert valid_id(60001) not in page  # the file's IDs are shown masked
    assert "ยืนยันนำเข้า 5 แถว" in page
    confirmed = phon_client.post(check.action_url)
    job = job_of(confirmed)
    assert job.kind == "household_import"
    assert job.status == Job.Status.DONE, job.message
    assert Household.objects.filter(fiscal_year=2569, district_id="4012").count() == 5
    assert not PendingImport.objects.exists()  # the upload is deleted once imported
    # Confirmed once only: the button is gone, the check's page leads to the import, and a
    # second POST imports nothing more.
    check_page = phon_client.get(f"/admin/jobs/{check.pk}/").content.decode()
    assert "ยืนยันนำเข้า 5 แถว" not in check_page
    assert f"/admin/jobs/{job.pk}/" in check_page
    assert phon_client.post(check.action_url).status_code == 404
    assert Household.objects.filter(fiscal_year=2569).count() == 5


def test_a_big_file_with_a_bad_row_shows_it_in_the_preview_and_imports_nothing(phon_client, lists):
    rows = [good_row(n) for n in range(1, 6)]
    rows[3]["เลขประจำตัวประชาชน"] = "1101700230709"
    check = job_of(admin_import(phon_client, filled_template(rows)))
    assert check.status == Job.Status.FAILED
    assert check.action_url == ""
    assert check.rows_done == check.rows_total == 5  # checked to the end, not "0 of 5"
    # The row with the problem is in the preview, its problem on its cell, as for a small file.
    bad = [row for row in check.preview["rows"] if row["kind"] == "invalid"]
    assert [row["excel_row"] for row in bad] == [5]
    column = check.preview["columns"].index("เลขประจำตัวประชาชน")
    assert bad[0]["cells"][column]["problems"]
    assert check.preview["counts"]["problems"] == 1
    assert "1101700230709" not in str(check.preview)
    page = phon_client.get(f"/admin/jobs/{check.pk}/").content.decode()
    assert 'class="row-invalid"' in page
    assert "cell-problem" in page
    assert "1101700230709" not in page
    assert not PendingImport.objects.exists()
    assert not Household.objects.filter(fiscal_year=2569).exists()


def big_csv(rows):
    import csv

    headers = list(rows[0])
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row[name] for name in headers])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


@pytest.mark.parametrize(("name", "make"), [("list.csv", big_csv), ("list.xlsx", filled_template)])
@pytest.mark.parametrize("by_size", [False, True])
def test_a_big_csv_or_xlsx_is_read_by_its_content_without_a_format(
    phon_client, lists, settings, name, make, by_size
):
    """No format is posted (the page has no menu): the job reads the kind from the content,
    whether the file went to the job for its rows or for its size (before it was read)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = make([good_row(n) for n in range(1, 6)])
    if by_size:
        settings.SAMMACHIP_JOB_INLINE_BYTES = len(content) - 1
    response = phon_client.post(
        "/admin/programs/household/import/",
        {"import_file": SimpleUploadedFile(name, content), "resource": "0"},
    )
    check = job_of(response)
    assert "format" not in check.params
    assert check.status == Job.Status.DONE, check.message
    assert check.preview["counts"]["new"] == 5
    confirmed = job_of(phon_client.post(check.action_url))
    assert confirmed.status == Job.Status.DONE, confirmed.message
    assert Household.objects.filter(fiscal_year=2569, district_id="4012").count() == 5


def test_a_big_files_preview_is_the_small_files_preview(phon_client, lists, settings):
    """Every value of the first rows (not only 20), as the upload page shows a small file,
    IDs masked, in the same partial; the job keeps it compact."""
    import json

    settings.SAMMACHIP_JOB_INLINE_ROWS = 30
    rows = [good_row(n) for n in range(1, 41)]
    check = job_of(admin_import(phon_client, filled_template(rows)))
    assert check.status == Job.Status.DONE, check.message
    preview = check.preview
    assert preview["shown"] == preview["total"] == 40
    assert [row["kind"] for row in preview["rows"]] == ["new"] * 40
    columns = preview["columns"]
    last = preview["rows"][-1]["cells"]
    assert last[columns.index("ชื่อ")]["value"] == "นำเข้า40"
    assert last[columns.index("อาชีพ")]["value"] == "ทอผ้าไหม"
    assert valid_id(60040) not in json.dumps(preview)
    assert all("old" not in cell for row in preview["rows"] for cell in row["cells"])
    page = phon_client.get(f"/admin/jobs/{check.pk}/").content.decode()
    assert 'class="import-preview household-preview"' in page
    # The confirmation before the 200 rows, not after them.
    assert page.index("ยืนยันนำเข้า 40 แถว") < page.index('class="import-preview household-preview"')
    assert "นำเข้า40" in page
    assert "ข้อมูลที่ระบบอ่านได้ 40 จาก 40 แถว" in page
    assert page.count('class="row-new"') == 40
    assert "<del>" not in page  # a missing "old" is no change
    assert valid_id(60040) not in page
    assert len(json.dumps(preview)) < 40 * 1000


def test_a_big_upload_goes_to_a_job_before_it_is_read(phon_client, lists, settings):
    settings.SAMMACHIP_JOB_INLINE_ROWS = 1000
    content = filled_template([good_row(n) for n in range(1, 3)])
    settings.SAMMACHIP_JOB_INLINE_BYTES = len(content) - 1
    check = job_of(admin_import(phon_client, content))
    assert check.status == Job.Status.DONE, check.message
    assert check.rows_total == 2  # counted by the job, once it read the file


def test_a_broken_big_upload_is_said_so_on_the_job_page(phon_client, lists, settings):
    settings.SAMMACHIP_JOB_INLINE_BYTES = 10
    check = job_of(admin_import(phon_client, b"PK\x03\x04 not really a workbook" * 10))
    assert check.status == Job.Status.FAILED
    assert check.message.startswith("ระบบอ่านไฟล์นี้ไม่ได้")
    assert not PendingImport.objects.exists()


def test_another_officer_cannot_confirm_someone_elses_check(client, phon_client, lists):
    from tests.factories import make_user

    check = job_of(admin_import(phon_client, filled_template([good_row(n) for n in range(1, 6)])))
    other = make_user(role="district", districts=["4012"])
    client.force_login(other)
    assert client.post(check.action_url).status_code == 404
    assert client.get(f"/admin/jobs/{check.pk}/").status_code == 404
    assert not Household.objects.filter(fiscal_year=2569).exists()


def test_a_big_export_is_a_job_with_its_file_logged_and_scoped(province_client, lists, settings):
    settings.SAMMACHIP_JOB_INLINE_ROWS = 1
    response = export(province_client, {"_format": "xlsx"})
    job = job_of(response)
    assert job.status == Job.Status.DONE, job.message
    assert job.rows_done == job.rows_total == Household.objects.count()
    page = province_client.get(response["Location"]).content.decode()
    assert f"/admin/jobs/{job.pk}/download/" in page
    download = province_client.get(f"/admin/jobs/{job.pk}/download/")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert book.worksheets[0].max_row == Household.objects.count() + 1
    log = ExportLog.objects.get()
    assert log.row_count == Household.objects.count()
    assert log.user.username == "province"
    assert log.filter_words == ""  # the list was not filtered: the info sheet's words, none


def test_an_export_job_keeps_the_lists_filters_and_the_officers_districts(phon_client, lists):
    from tests.programs.factories import make_household

    village = lists["phon"]["village"]
    for n in range(4):
        make_household(village=village, first_name=f"เพิ่ม{n}", fiscal_year=2569)
    job = job_of(export(phon_client, {"_format": "csv", "fiscal_year": "2569"}))
    text = Job.objects.get(pk=job.pk)
    from sammachip.jobs.services import result_bytes

    content = result_bytes(text).decode("utf-8-sig")
    assert content.count("\n") == 5  # the header and the 4 households of 2569 in อ.พล only
    assert "ครัวเรือนmuang" not in content


def test_an_export_job_writes_the_inline_exports_file(province_client, lists, settings):
    """The same info sheet (the filter in words, named when the job was queued) and the same
    Thai file name with its ASCII fallback as an export done in the request."""
    from urllib.parse import quote

    from tests.programs.test_excel import be_today, info_sheet

    settings.SAMMACHIP_JOB_INLINE_ROWS = 0
    query = {"district__code__exact": "4012", "fiscal_year": "2568"}
    job = job_of(export(province_client, {"_format": "xlsx", **query}))
    assert job.status == Job.Status.DONE, job.message
    thai = f"ครัวเรือน-อำเภอพล-ปี2568-{be_today()}.xlsx"
    assert job.result_name == thai
    page = province_client.get(f"/admin/jobs/{job.pk}/").content.decode()
    assert thai in page
    download = province_client.get(f"/admin/jobs/{job.pk}/download/")
    disposition = download["Content-Disposition"]
    assert f'filename="households-4012-fy2568-{be_today()}.xlsx"' in disposition
    assert f"filename*=UTF-8''{quote(thai)}" in disposition
    book = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert book.sheetnames[1] == "ข้อมูลการส่งออก"
    info = info_sheet(book)
    assert info["เงื่อนไขการกรอง"].value == "อำเภอพล, ปีงบประมาณ 2568"
    assert info["ผู้ส่งออก"].value
    csv_job = job_of(export(province_client, {"_format": "csv"}))
    csv_download = province_client.get(f"/admin/jobs/{csv_job.pk}/download/")
    assert f'filename="households-{be_today()}.csv"' in csv_download["Content-Disposition"]


def test_a_small_export_stays_in_the_request(province_client, lists, settings):
    settings.SAMMACHIP_JOB_INLINE_ROWS = 100
    response = export(province_client, {"_format": "xlsx"})
    assert response.status_code == 200
    assert not Job.objects.exists()


def test_the_real_worker_runs_a_queued_export(client, lists, monkeypatch):
    from programs.jobs import EXPORT
    from sammachip.jobs.services import job_start
    from tests.factories import make_user

    # The worker's connection housekeeping would close the test's transaction (PostgreSQL).
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    backend = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    with override_settings(TASKS=backend):
        job = job_start(
            owner=make_user(role="district", districts=["4012"]),
            kind=EXPORT,
            title="ส่งออก",
            params={
                "query": "",
                "filters": "",
                "file_format": "xlsx",
                "full_ids": False,
                "filename": "x.xlsx",
            },
            rows_total=0,
        )
        assert job.status == Job.Status.QUEUED  # waits for the worker
        call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.message
    assert job.rows_done == Household.objects.filter(district_id="4012").count()
