"""Where a running job's progress goes, outside the work's own transaction.

An import is all or nothing: its rows are written in one long transaction, and a progress
counter written through that same connection would stay invisible until the end. So:

* on SQLite (the embedded default) the counter goes to a small side file
  (``SAMMACHIP_JOB_PROGRESS_FILE``): SQLite has one writer per database file, and the import
  holds that lock until it commits, so a second connection to the same file would wait for it;
* on PostgreSQL through a second connection (the ``jobs_progress`` database alias): the job's
  row is not touched by the work's transaction, so the update commits at once.

Without either (the test settings on PostgreSQL) the default connection is used.
"""

import sqlite3
import time
from contextlib import contextmanager
from datetime import UTC, datetime

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

PROGRESS_ALIAS = "jobs_progress"

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS progress (job TEXT PRIMARY KEY, done INTEGER NOT NULL, "
    "total INTEGER NOT NULL, beat REAL NOT NULL)"
)


def _side_file():
    return getattr(settings, "SAMMACHIP_JOB_PROGRESS_FILE", "")


@contextmanager
def _open(path):
    connection = sqlite3.connect(path, timeout=10, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute(_SCHEMA)
        yield connection
    finally:
        connection.close()


def report(job_id, done, total):
    """Record that ``done`` of ``total`` rows are done, now (also the job's heartbeat)."""
    path = _side_file()
    if path:
        with _open(path) as connection:
            connection.execute(
                "INSERT INTO progress (job, done, total, beat) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (job) DO UPDATE SET done = excluded.done, total = excluded.total, "
                "beat = excluded.beat",
                (str(job_id), int(done), int(total), time.time()),
            )
        return
    from sammachip.jobs.models import Job

    alias = PROGRESS_ALIAS if PROGRESS_ALIAS in connections.settings else DEFAULT_DB_ALIAS
    Job.objects.using(alias).filter(pk=job_id).update(
        rows_done=done, rows_total=total, heartbeat_at=datetime.now(UTC)
    )


def read(job):
    """Put the side file's counter (if any) on ``job``: rows done, total, heartbeat."""
    path = _side_file()
    if not path:
        return job
    with _open(path) as connection:
        row = connection.execute(
            "SELECT done, total, beat FROM progress WHERE job = ?", (str(job.pk),)
        ).fetchone()
    if row is not None:
        done, total, beat = row
        beat = datetime.fromtimestamp(beat, UTC)
        if job.heartbeat_at is None or beat > job.heartbeat_at:
            job.rows_done, job.rows_total, job.heartbeat_at = done, total, beat
    return job


def forget(job_id):
    path = _side_file()
    if path:
        with _open(path) as connection:
            connection.execute("DELETE FROM progress WHERE job = ?", (str(job_id),))
