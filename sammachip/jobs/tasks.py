"""The one task the worker runs: a job, whatever its kind (``sammachip.jobs.services``)."""

from django_tasks import task


@task()
def run_job(job_id):
    from sammachip.jobs.services import job_run, jobs_sweep

    jobs_sweep()  # a job this worker (or another) left behind when it stopped
    job_run(job_id=job_id)
