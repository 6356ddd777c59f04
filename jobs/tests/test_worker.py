"""Jobs with a real Celery worker on Redis: queued after the commit that made them, their progress
seen from another connection while the work's transaction is open (and nothing of the work seen
before it commits), their result or their failure on the page; a worker killed in the middle
leaves nothing written, the job shows interrupted and runs again to completion."""

import pytest
from django.contrib.auth.models import Group, User
from django.test.utils import override_settings
from django.urls import reverse

from jobs.models import Job
from jobs.progress import progress_read
from jobs.services import JobBusy, job_interrupted, job_retry, job_start
from unionportal.testing.worker import kill, process_worker, thread_worker, wait_for

from . import kinds  # noqa: F401  (registers the test kinds here; the process worker includes them)

pytestmark = pytest.mark.django_db(transaction=True)


def _job(job: Job) -> Job:
    return Job.objects.get(pk=job.pk)


def test_a_worker_runs_queued_jobs_with_progress_seen_while_they_run(client, background_jobs):
    owner = User.objects.create_user("owner", password="x")
    client.force_login(owner)
    job = job_start(kind="jobs_test.groups", user=owner, params={"count": 8, "pause": 0.25}, key="groups")
    crash = job_start(kind="jobs_test.crash", user=owner)
    assert _job(job).state == Job.State.QUEUED  # no worker yet: waiting on the queue
    with pytest.raises(JobBusy):  # the second click
        job_start(kind="jobs_test.groups", user=owner, params={"count": 8}, key="groups")
    status_url = reverse("jobs:status", kwargs={"pk": job.pk})
    assert client.get(status_url).json()["state"] == "queued"
    with thread_worker(background_jobs):

        def running():
            status = client.get(status_url).json()
            return status["state"] == "running" and 2 <= status["done"] < 8 and status

        seen = wait_for(running, what="progress while the job runs")
        assert seen["total"] == 8 and seen["step"] == "Tạo nhóm" and 25 <= seen["percent"] < 100
        assert not Group.objects.exists()  # the work's transaction is still open
        wait_for(lambda: _job(job).state in Job.ENDED and _job(crash).state in Job.ENDED, what="both jobs to end")
    job, crash = _job(job), _job(crash)
    assert job.state == Job.State.DONE and job.runner != "inline" and " pid " in job.runner
    assert job.result == {"message": "Đã tạo 8 nhóm.", "url": "/jobs/", "link": "Xem các việc"}
    assert Group.objects.filter(name__startswith="g-").count() == 8
    assert crash.state == Job.State.FAILED and "lỗi của hệ thống" in crash.error
    assert not Group.objects.filter(name="crash-made-this").exists()
    page = client.get(reverse("jobs:detail", kwargs={"pk": job.pk})).content.decode()
    assert "Đã tạo 8 nhóm." in page and 'id="job-progress"' not in page
    # The same job without a broker runs in the request and ends the same way.
    with override_settings(CELERY_BROKER_URL=""):
        inline = _job(job_start(kind="jobs_test.groups", user=owner, params={"count": 8, "prefix": "i"}))
    assert inline.runner == "inline" and (inline.state, inline.done, inline.total) == (job.state, job.done, job.total)
    assert inline.result == job.result


def test_a_worker_killed_mid_job_leaves_nothing_written_and_the_job_runs_again(client, background_jobs):
    owner = User.objects.create_user("owner", password="x")
    with process_worker(background_jobs, include=("jobs.tests.kinds",)) as worker:
        job = job_start(kind="jobs_test.groups", user=owner, params={"count": 10, "pause": 0.2, "prefix": "k"})
        wait_for(lambda: progress_read(_job(job))["done"] >= 3, what="the worker to be half way")
        kill(worker)
    assert not Group.objects.exists()
    assert _job(job).state == Job.State.RUNNING
    wait_for(lambda: job_interrupted(_job(job)), what="the job to show interrupted")
    client.force_login(owner)
    page = client.get(reverse("jobs:detail", kwargs={"pk": job.pk})).content.decode()
    assert 'id="job-interrupted"' in page and 'id="job-run-again"' in page
    with thread_worker(background_jobs):
        job_retry(job=_job(job), user=owner)
        wait_for(lambda: _job(job).state in Job.ENDED, what="the job run again")
    job = _job(job)
    assert job.state == Job.State.DONE and job.attempts == 2
    assert Group.objects.filter(name__startswith="k-").count() == 10
