"""The one Celery task: run a job by its id (jobs.services.job_run does the rest).

acks_late with reject_on_worker_lost: the message is acknowledged only once the job has ended, and
put back on the queue when the worker's process dies under it, so that another worker takes the job
over once its heartbeat is stale (JOBS_STALE_SECONDS). Until then the job looks busy: the task
tries again later, a few times, and then leaves it to the job's page (interrupted, run again)."""

import os

from celery import shared_task
from django.conf import settings
from django.db import connections

from .services import job_run

BUSY_RETRIES = 3


@shared_task(name="jobs.run", bind=True, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def run_job(self, job_id: int) -> str:
    try:
        outcome = job_run(job_id=job_id, runner=f"{self.request.hostname or 'celery'} pid {os.getpid()}")
    finally:
        connections.close_all()  # one connection a job, as a request has (CONN_MAX_AGE 0)
    if outcome == "busy" and self.request.retries < BUSY_RETRIES:
        raise self.retry(countdown=settings.JOBS_STALE_SECONDS + settings.JOBS_HEARTBEAT_SECONDS, max_retries=None)
    return outcome
