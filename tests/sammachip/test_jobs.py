"""Background jobs (sammachip.jobs): a job is its owner's, its progress is readable while the
work holds a transaction, and a job a worker restart cut off never stays "running"."""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

from sammachip.jobs import progress as progress_store
from sammachip.jobs import services
from sammachip.jobs.models import Job
from tests.factories import make_user

pytestmark = pytest.mark.django_db

WORK_DONE = []


def counting_work(job, progress):
    for done in range(1, 11):
        progress(done * 10, 100, force=True)
    job.message = "นับครบแล้ว"
    services.attach_result(job, "ไฟล์ผลลัพธ์".encode(), "ผล.txt")
    WORK_DONE.append(job.pk)


def failing_work(job, progress):
    raise services.JobFailed("ไฟล์มีปัญหา", problems=[{"row": 3, "text": "ชื่อ: ต้องกรอก"}])


def crashing_work(job, progress):
    raise RuntimeError("secret detail 1101700230709")


@pytest.fixture(autouse=True)
def kinds():
    services.register("test_count", counting_work)
    services.register("test_fail", failing_work)
    services.register("test_crash", crashing_work)


@pytest.fixture
def owner(geography):
    return make_user(role="province")


def start(owner, kind="test_count"):
    return services.job_start(owner=owner, kind=kind, title="งานทดสอบ", rows_total=100)


def test_a_job_runs_on_the_queue_and_keeps_its_result(owner):
    job = start(owner)
    assert job.status == Job.Status.DONE
    assert job.rows_done == 100
    assert job.message == "นับครบแล้ว"
    assert services.result_bytes(job) == "ไฟล์ผลลัพธ์".encode()
    assert "ไฟล์ผลลัพธ์".encode() not in bytes(job.result)  # encrypted at rest


def test_the_owner_sees_the_page_the_progress_and_the_file(client, owner):
    job = start(owner)
    client.force_login(owner)
    page = client.get(f"/admin/jobs/{job.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<progress" in html
    assert "ทำแล้ว 100 จาก 100 แถว" in html
    assert f"/admin/jobs/{job.pk}/download/" in html
    status = client.get(f"/admin/jobs/{job.pk}/status/").json()
    assert status["finished"] is True
    assert status["percent"] == 100
    download = client.get(f"/admin/jobs/{job.pk}/download/")
    assert b"".join(download.streaming_content) == "ไฟล์ผลลัพธ์".encode()
    assert "no-store" in download["Cache-Control"]


@pytest.mark.parametrize("suffix", ["", "status/", "download/"])
def test_another_user_gets_404_whatever_their_role(client, owner, suffix):
    job = start(owner)
    client.force_login(make_user(role="province", is_superuser=True))
    assert client.get(f"/admin/jobs/{job.pk}/{suffix}").status_code == 404


def test_anonymous_is_sent_to_the_login(client, owner):
    job = start(owner)
    response = client.get(f"/admin/jobs/{job.pk}/status/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_a_refused_job_shows_its_thai_message_and_problems(client, owner):
    job = start(owner, "test_fail")
    assert job.status == Job.Status.FAILED
    client.force_login(owner)
    html = client.get(f"/admin/jobs/{job.pk}/").content.decode()
    assert "ไฟล์มีปัญหา" in html
    assert "ชื่อ: ต้องกรอก" in html


def test_a_crash_says_so_in_thai_without_the_exception_text(client, owner):
    job = start(owner, "test_crash")
    assert job.status == Job.Status.FAILED
    assert job.message == services.CRASHED
    assert "1101700230709" not in job.message


def test_progress_is_readable_while_the_work_holds_its_transaction(owner):
    """The import writes in one transaction; its progress must be visible meanwhile (on SQLite
    through the side file; elsewhere through the second connection)."""
    job = Job.objects.create(owner=owner, kind="test_count", title="t", status="running")
    with transaction.atomic():
        Job.objects.filter(pk=job.pk).update(message="ยังไม่บันทึก")  # the write lock is held
        progress_store.report(job.pk, 40, 100)
        if connection.vendor == "sqlite":
            seen = progress_store.read(Job(pk=job.pk, heartbeat_at=None))
            assert (seen.rows_done, seen.rows_total) == (40, 100)


def make_silent(owner, *, attempts, retry_safe=True):
    long_ago = timezone.now() - timedelta(minutes=10)
    return Job.objects.create(
        owner=owner,
        kind="test_count",
        title="t",
        status=Job.Status.RUNNING,
        attempts=attempts,
        retry_safe=retry_safe,
        started_at=long_ago,
        heartbeat_at=long_ago,
    )


def test_a_job_silent_after_a_worker_restart_is_run_again_once(owner):
    job = make_silent(owner, attempts=1)
    WORK_DONE.clear()
    assert services.jobs_sweep() == 1
    job.refresh_from_db()
    assert [job.pk] == WORK_DONE  # queued again (the immediate backend ran it at once)
    assert job.status == Job.Status.DONE


def test_a_silent_job_that_must_not_run_twice_is_marked_failed_in_thai(owner):
    job = make_silent(owner, attempts=1, retry_safe=False)
    services.jobs_sweep()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "เริ่มทำงานใหม่" in job.message


def test_the_page_itself_finds_a_silent_job(client, owner):
    job = make_silent(owner, attempts=2)
    client.force_login(owner)
    status = client.get(f"/admin/jobs/{job.pk}/status/").json()
    assert status["status"] == "failed"
    assert status["finished"] is True


def test_a_running_job_with_a_recent_heartbeat_is_left_alone(owner):
    job = make_silent(owner, attempts=1)
    progress_store.report(job.pk, 5, 100)
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now())
    assert services.jobs_sweep() == 0
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING


def test_old_finished_jobs_lose_their_file_then_their_row(owner, settings):
    now = timezone.now()

    def finished(hours_ago):
        return Job.objects.create(
            owner=owner,
            kind="test_count",
            title="t",
            status=Job.Status.DONE,
            result=b"x",
            finished_at=now - timedelta(hours=hours_ago),
        )

    fresh, day_old, month_old = finished(1), finished(25), finished(31 * 24)
    running = make_silent(owner, attempts=1)
    Job.objects.filter(pk=running.pk).update(heartbeat_at=now)
    services.jobs_sweep()
    assert set(Job.objects.values_list("pk", flat=True)) == {fresh.pk, day_old.pk, running.pk}
    assert Job.objects.get(pk=fresh.pk).result is not None
    assert Job.objects.get(pk=day_old.pk).result is None
    assert month_old.pk not in Job.objects.values_list("pk", flat=True)


def test_the_task_library_admin_is_not_shown():
    from django.contrib import admin
    from django_tasks_db.models import DBTaskResult

    assert not admin.site.is_registered(DBTaskResult)


def test_the_pages_own_progress_poll_is_not_the_users_activity(client, owner):
    """The job page's poll neither keeps an unattended session alive nor writes the session
    (on SQLite a big import holds the only write lock meanwhile)."""
    from sammachip.middleware import IdleSessionTimeoutMiddleware as Idle

    job = start(owner)
    client.force_login(owner)
    session = client.session
    session[Idle.KEY] = 1  # a stamp long ago (the idle limit is lifted below)
    session.save()
    with override_settings(SAMMACHIP_SESSION_IDLE_MINUTES=10**9):
        client.get(f"/admin/jobs/{job.pk}/status/", headers={Idle.POLL_HEADER: "1"})
        assert client.session[Idle.KEY] == 1
        client.get(f"/admin/jobs/{job.pk}/")
        assert client.session[Idle.KEY] > 1


def test_the_admin_home_lists_the_users_own_recent_jobs(client, owner):
    job = start(owner)
    other = start(make_user(role="province"))
    client.force_login(owner)
    html = client.get("/admin/").content.decode()
    assert f"/admin/jobs/{job.pk}/" in html
    assert f"/admin/jobs/{other.pk}/" not in html
