"""Jobs: start one, run it (the task worker calls ``job_run``), report progress, find the ones a
worker restart cut off (``jobs_sweep``).

Each kind of job is registered by the app that owns the work (``register``, from its
``AppConfig.ready()``): a function ``work(job, progress)`` that does it, sets the job's
``message`` / ``problems`` / ``preview`` / result (``attach_result``) and returns, or raises
``JobFailed`` with a Thai message (and the problems) when the work could not be done."""

import logging
import time
from datetime import timedelta

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from sammachip.jobs import progress as progress_store
from sammachip.jobs.models import Job

logger = logging.getLogger(__name__)

_work = {}

INTERRUPTED = _(
    "งานนี้หยุดกลางคันเพราะเครื่องประมวลผลเบื้องหลังเริ่มทำงานใหม่ ระบบไม่ได้บันทึกข้อมูลใดจากงานนี้ กรุณาสั่งงานอีกครั้ง"
)
CRASHED = _("เกิดข้อผิดพลาดระหว่างทำงาน ระบบไม่ได้บันทึกข้อมูลใดจากงานนี้ กรุณาแจ้งผู้ดูแลระบบพร้อมวันเวลาที่เกิดเหตุ")


class JobFailed(Exception):
    def __init__(self, message, problems=()):
        super().__init__(message)
        self.message = str(message)
        self.problems = list(problems)


def register(kind, work):
    _work[kind] = work


def _fernet():
    return MultiFernet([Fernet(key) for key in settings.SAMMACHIP_FIELD_KEYS])


def attach_result(job, data, name, *, ascii_name=""):
    """Keep the produced file (bytes) on the job, encrypted (it may list people). ``name`` may
    be Thai; ``ascii_name`` is what the download offers browsers that cannot read it."""
    job.result = _fernet().encrypt(data)
    job.result_name = name
    job.params = {**job.params, "result_ascii_name": ascii_name}


def result_bytes(job):
    return _fernet().decrypt(bytes(job.result))


class Progress:
    """``progress(done, total=None)``: the rows done so far, written at most every
    ``interval`` seconds (and always the first and the last time)."""

    def __init__(self, job, interval=0.5):
        self.job_id = job.pk
        self.total = job.rows_total
        self.interval = interval
        self._last = 0.0
        self.done = 0

    def __call__(self, done, total=None, *, force=False):
        if total is not None:
            self.total = total
        self.done = done
        now = time.monotonic()
        if force or now - self._last >= self.interval or (self.total and done >= self.total):
            self._last = now
            progress_store.report(self.job_id, done, self.total)


def job_start(*, owner, kind, title, params=None, rows_total=0, retry_safe=True):
    """Create the job and queue it; returns the job. Call outside a transaction (the worker
    must find the job's row as soon as the task is queued)."""
    job = Job.objects.create(
        owner=owner,
        kind=kind,
        title=title,
        params=params or {},
        rows_total=rows_total,
        retry_safe=retry_safe,
    )
    _enqueue(job)
    job.refresh_from_db()  # the immediate backend (tests) has run it already
    return job


def _enqueue(job):
    from sammachip.jobs.tasks import run_job

    run_job.enqueue(str(job.pk))


def job_run(*, job_id):
    """Run one job (the worker's task). The job's own row is written before and after the work
    (never during: the work may hold an all-or-nothing transaction); progress in between goes
    through ``sammachip.jobs.progress``."""
    job = Job.objects.filter(pk=job_id).first()
    if job is None or job.finished:
        return
    now = timezone.now()
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING, started_at=now, heartbeat_at=now, attempts=F("attempts") + 1
    )
    job.refresh_from_db()
    progress = Progress(job)
    progress(0, job.rows_total, force=True)
    try:
        _work[job.kind](job, progress)
    except JobFailed as failure:
        _finish(
            job,
            Job.Status.FAILED,
            message=failure.message,
            problems=failure.problems[:500],
            rows_done=max(progress.done, job.rows_done),  # how far it went (a check: all)
        )
        return
    except Exception:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        _finish(job, Job.Status.FAILED, message=CRASHED)
        return
    except BaseException:  # the worker stopped (Ctrl-C, SIGTERM) in the middle of the work
        if job.retry_safe and job.attempts < 2:  # queued again: the next worker starts it over
            Job.objects.filter(pk=job.pk).update(status=Job.Status.QUEUED)
            progress_store.forget(job.pk)
            _enqueue(job)
        else:
            _finish(job, Job.Status.FAILED, message=INTERRUPTED)
        raise
    job.rows_done = max(progress.done, job.rows_done)
    job.rows_total = max(progress.total or 0, job.rows_done)
    _finish(job, Job.Status.DONE)


def _finish(job, status, **fields):
    for name, value in fields.items():
        setattr(job, name, value)
    job.status = status
    job.finished_at = job.heartbeat_at = timezone.now()
    if status == Job.Status.FAILED:
        job.result = None
        job.action_url = job.action_label = ""
    job.save()
    progress_store.forget(job.pk)


def job_refresh(job):
    """The job as its page shows it: the live counter, and if its worker went silent, what
    the sweep decided (retried or failed)."""
    progress_store.read(job)
    if job.status == Job.Status.RUNNING and _stale(job):
        _sweep_one(job)
        job.refresh_from_db()
        progress_store.read(job)
    return job


def _stale(job):
    limit = timezone.now() - timedelta(seconds=settings.SAMMACHIP_JOB_STALE_SECONDS)
    return (job.heartbeat_at or job.started_at or job.created_at) < limit


def _sweep_one(job):
    """A running job whose worker went silent: queued again if it may safely be (once), else
    failed with a Thai message."""
    if job.retry_safe and job.attempts < 2:
        updated = Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(
            status=Job.Status.QUEUED, heartbeat_at=timezone.now()
        )
        if updated:
            progress_store.forget(job.pk)
            _enqueue(job)
        return
    updated = Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(
        status=Job.Status.FAILED, message=INTERRUPTED, finished_at=timezone.now()
    )
    if updated:
        progress_store.forget(job.pk)


def jobs_sweep():
    """Every running job that went silent: retried or failed; a finished job's file dropped
    after ``SAMMACHIP_JOB_RESULT_HOURS``, the job itself after ``SAMMACHIP_JOB_KEEP_DAYS``
    (what was exported stays in the export log). Returns the number of silent jobs found."""
    found = 0
    for job in Job.objects.filter(status=Job.Status.RUNNING):
        progress_store.read(job)
        if _stale(job):
            _sweep_one(job)
            found += 1
    expired = timezone.now() - timedelta(hours=settings.SAMMACHIP_JOB_RESULT_HOURS)
    Job.objects.filter(finished_at__lt=expired, result__isnull=False).update(result=None)
    forgotten = timezone.now() - timedelta(days=settings.SAMMACHIP_JOB_KEEP_DAYS)
    Job.objects.filter(finished_at__lt=forgotten).delete()
    return found
