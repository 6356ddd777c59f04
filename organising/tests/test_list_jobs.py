"""An enterprise list longer than JOBS_INLINE_ROWS is confirmed as a job (organising.jobs): the
confirmation goes to the job's page, which ends on the enterprise list; the same writes and
refusals, all or nothing, as for a short list (test_imports.py). Inline here; a real worker last."""

import io
from datetime import date

import pytest
from django.urls import reverse

from jobs.models import Job
from organising.jobs import IMPORT
from organising.models import Enterprise, EnterpriseListUpload
from organising.services import enterprise_create
from unionportal.testing.worker import thread_worker, wait_for

from .test_imports import xlsx

ROWS = [(1, "4600100001", "", "", "", "", 75), (2, "4600100007", "Công ty Bao Bì", "", "DT", "FDI", 30)]


@pytest.fixture
def gach(federation):
    return enterprise_create(
        name="Công ty Gạch", tax_code="4600100001", federation=federation, sector="private", workers=40,
        on=date(2021, 3, 1), user=None,
    )  # fmt: skip


@pytest.fixture
def large(settings):
    settings.JOBS_INLINE_ROWS = 1  # two lines are a large list


def _upload(client, rows) -> EnterpriseListUpload:
    upload_file = io.BytesIO(xlsx(rows))
    upload_file.name = "doanh-nghiep.xlsx"
    client.post(reverse("organising:list_upload"), {"file": upload_file})
    return EnterpriseListUpload.objects.latest("pk")


def _confirm(client, upload) -> Job:
    response = client.post(
        reverse("organising:list_confirm", kwargs={"pk": upload.pk}), {"plan": upload.parsed["plan"]}
    )
    assert response.status_code == 302 and response.url.startswith("/jobs/"), response
    return Job.objects.get(pk=int(response.url.strip("/").split("/")[-1]))


def test_a_large_list_is_imported_as_a_job_seen_by_its_federation_and_the_province(
    large, client_for, federation_user, gach, provincial_staff, other_federation_user
):
    client = client_for(federation_user)
    upload = _upload(client, ROWS)
    page = client.get(reverse("organising:list_preview", kwargs={"pk": upload.pk})).content.decode()
    assert 'id="list-large"' in page and 'id="confirm-upload"' in page

    job = _confirm(client, upload)

    assert job.state == Job.State.DONE and job.result["url"] == reverse("organising:enterprise_list")
    assert (
        job.result["message"]
        == "Đã nhập danh sách doanh nghiệp từ tệp doanh-nghiep.xlsx: 1 doanh nghiệp mới, 1 cập nhật."
    )
    upload.refresh_from_db()
    assert (upload.outcome, upload.rows_created, upload.rows_updated) == ("imported", 1, 1)
    assert Enterprise.objects.get(tax_code="4600100001").workers == 75
    for user, status in ((provincial_staff, 200), (other_federation_user, 404)):
        assert client_for(user).get(reverse("jobs:detail", kwargs={"pk": job.pk})).status_code == status


def test_a_list_changed_under_its_preview_is_shown_again_and_a_second_click_waits(
    large, client_for, federation_user, gach
):
    client = client_for(federation_user)
    upload = _upload(client, ROWS)
    Enterprise.objects.filter(pk=gach.pk).update(workers=75)  # someone wrote the same meanwhile
    job = _confirm(client, upload)
    assert job.state == Job.State.FAILED and "đã thay đổi sau khi bạn xem trước" in job.error
    upload.refresh_from_db()
    assert upload.outcome == "preview" and not Enterprise.objects.filter(tax_code="4600100007").exists()
    waiting = Job.objects.create(kind=IMPORT, params={"upload": upload.pk}, key=f"{IMPORT}:{upload.pk}")
    response = client.post(reverse("organising:list_confirm", kwargs={"pk": upload.pk}))
    assert response.url == reverse("jobs:detail", kwargs={"pk": waiting.pk})
    page = client.get(reverse("organising:list_preview", kwargs={"pk": upload.pk})).content.decode()
    assert 'id="list-running"' in page and 'id="confirm-upload"' not in page


@pytest.mark.django_db(transaction=True)
def test_a_worker_imports_a_large_list(large, client_for, federation_user, gach, background_jobs):
    client = client_for(federation_user)
    job = _confirm(client, _upload(client, ROWS))
    assert job.state == Job.State.QUEUED
    with thread_worker(background_jobs):
        wait_for(lambda: Job.objects.get(pk=job.pk).state in Job.ENDED, what="the list imported")
    job.refresh_from_db()
    assert job.state == Job.State.DONE and job.runner != "inline"
    assert Enterprise.objects.filter(tax_code="4600100007").exists()
