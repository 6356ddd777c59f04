"""Jobs without a broker: the request that starts a job runs it, and the job's page shows what it
did; the same page, JSON and rules as with a worker (test_worker.py)."""

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from jobs.models import Job
from jobs.services import JobBusy, job_retry, job_run, job_start

from . import kinds  # noqa: F401  (registers the test kinds)

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(db):
    return User.objects.create_user("owner", password="x")


def test_inline_job_runs_in_the_request_and_its_page_says_what_it_did(client, owner):
    job = job_start(kind="jobs_test.groups", user=owner, params={"count": 3}, subject="ba nhóm")
    job.refresh_from_db()
    assert job.state == Job.State.DONE and job.runner == "inline" and job.attempts == 1
    assert (job.done, job.total) == (3, 3)
    assert Group.objects.filter(name__startswith="g-").count() == 3
    client.force_login(owner)
    page = client.get(reverse("jobs:detail", kwargs={"pk": job.pk})).content.decode()
    assert "Đã tạo 3 nhóm." in page and 'id="job-link"' in page and "ba nhóm" in page
    status = client.get(reverse("jobs:status", kwargs={"pk": job.pk})).json()
    assert status == {
        "state": "done", "label": "Đã xong", "done": 3, "total": 3, "percent": 100, "step": "Tạo nhóm", "ended": True
    }  # fmt: skip
    assert owner.username in client.get(reverse("jobs:list")).content.decode()


def test_a_refusal_undoes_the_work_and_shows_its_message(client, owner):
    job = job_start(kind="jobs_test.groups", user=owner, params={"count": 5, "refuse_at": 3})
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and job.error == "Nhóm thứ 3 không tạo được."
    assert not Group.objects.exists()  # the two made before the refusal are undone
    client.force_login(owner)
    page = client.get(reverse("jobs:detail", kwargs={"pk": job.pk})).content.decode()
    assert "Nhóm thứ 3 không tạo được." in page and 'id="job-run-again"' in page


def test_a_refusal_the_work_records_keeps_what_it_wrote(owner):
    job = job_start(kind="jobs_test.groups", user=owner, params={"count": 2, "recorded_refusal": True})
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and job.error == "Đã tạo rồi từ chối."
    assert Group.objects.count() == 2


def test_a_bug_is_a_vietnamese_message_on_the_page_never_a_500(client, owner, caplog):
    job = job_start(kind="jobs_test.crash", user=owner)
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and "lỗi của hệ thống" in job.error
    assert not Group.objects.exists()
    assert "a bug" in caplog.text  # the traceback is in the log, not on the page
    client.force_login(owner)
    response = client.get(reverse("jobs:detail", kwargs={"pk": job.pk}))
    assert response.status_code == 200 and "a bug" not in response.content.decode()


def test_a_kind_of_steps_commits_each_and_runs_again_harmlessly(owner):
    job = job_start(kind="jobs_test.steps", user=owner)
    job.refresh_from_db()
    assert job.state == Job.State.DONE and Group.objects.count() == 3


def test_the_same_work_is_not_started_twice(owner):
    """A second click while the first job waits or runs finds that job; once it has ended, the
    same key may start again."""
    first = Job.objects.create(kind="jobs_test.groups", params={"count": 1}, key="plan-7", created_by=owner)
    with pytest.raises(JobBusy) as busy:
        job_start(kind="jobs_test.groups", user=owner, params={"count": 1}, key="plan-7")
    assert busy.value.job == first
    assert job_run(job_id=first.pk) == Job.State.DONE
    again = job_start(kind="jobs_test.groups", user=owner, params={"count": 1, "prefix": "h"}, key="plan-7")
    again.refresh_from_db()
    assert again.state == Job.State.DONE


def test_a_job_delivered_twice_runs_once(owner):
    job = job_start(kind="jobs_test.groups", user=owner, params={"count": 2})
    assert job_run(job_id=job.pk) == "ended"
    assert Group.objects.count() == 2


def test_an_interrupted_job_shows_so_and_runs_again_from_its_page(client, owner, settings):
    """A job left running by a process that died (no heartbeat) is interrupted after
    JOBS_STALE_SECONDS; its owner runs it again, and it runs from the start."""
    settings.JOBS_STALE_SECONDS = 0
    job = Job.objects.create(
        kind="jobs_test.groups", params={"count": 2}, created_by=owner, state=Job.State.RUNNING, attempts=1
    )
    client.force_login(owner)
    page = client.get(reverse("jobs:detail", kwargs={"pk": job.pk})).content.decode()
    assert 'id="job-interrupted"' in page and "Bị gián đoạn" in page
    assert client.get(reverse("jobs:status", kwargs={"pk": job.pk})).json()["state"] == "interrupted"
    response = client.post(reverse("jobs:run_again", kwargs={"pk": job.pk}))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == Job.State.DONE and job.attempts == 2 and Group.objects.count() == 2


def test_a_running_job_is_not_run_again(owner, settings):
    job = job_start(kind="jobs_test.groups", user=owner, params={"count": 1})
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING)
    with pytest.raises(JobBusy):
        job_retry(job=job, user=owner)  # its heartbeat (the row's, just now) is fresh
    settings.JOBS_MAX_ATTEMPTS = 1
    settings.JOBS_STALE_SECONDS = 0
    assert job_run(job_id=job.pk) == "failed"  # interrupted once already: a worker does not take it over
    job.refresh_from_db()
    assert "gián đoạn 1 lần" in job.error


def test_jobs_are_seen_by_their_owner_superusers_and_whom_the_kind_lets(client, owner):
    job = job_start(kind="jobs_test.groups", user=owner, params={"count": 1})
    stranger = User.objects.create_user("stranger", password="x")
    staff = User.objects.create_user("staff", password="x", is_staff=True)
    admin = User.objects.create_user("admin", password="x", is_superuser=True)
    crash = job_start(kind="jobs_test.crash", user=owner)  # a kind that lets nobody else see it
    for user, sees in ((stranger, False), (staff, True), (admin, True)):
        client.force_login(user)
        for name in ("jobs:detail", "jobs:status"):
            assert client.get(reverse(name, kwargs={"pk": job.pk})).status_code == (200 if sees else 404)
        assert client.post(reverse("jobs:run_again", kwargs={"pk": job.pk})).status_code == (302 if sees else 404)
        listed = client.get(reverse("jobs:list")).content.decode()
        assert (reverse("jobs:detail", kwargs={"pk": job.pk}) in listed) == sees
        crash_page = client.get(reverse("jobs:detail", kwargs={"pk": crash.pk}))
        assert crash_page.status_code == (200 if user == admin else 404)
