"""A large month sheet (beyond JOBS_INLINE_ROWS) is read and imported as a job, off the request:
the upload and the confirmation each go to the job's page, which ends with a link to the preview
and to the month's grid; the same refusals, all or nothing, as the pages of a small sheet
(test_uploads.py). Inline here (no broker); with a real worker at the end."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jobs.models import Job
from jobs.services import job_run
from members.figures.workflow import return_for_update
from members.models import AuditEntry, MonthlyFigure, Upload
from unionportal.lib.months import Month
from unionportal.testing.sheets import fill, template, to_bytes
from unionportal.testing.worker import thread_worker, wait_for

APRIL = Month(2021, 4)
FIGURES = {"DT01": {"Kết nạp mới": 5}, "DT02": {"Chuyển đến": 1}}


@pytest.fixture
def large(settings):
    settings.JOBS_INLINE_ROWS = 5  # the template's title block alone reaches row 8


def _url(name, federation, **kwargs):
    return reverse(f"members:{name}", kwargs={"code": federation.code, **kwargs})


def _upload(client, federation, figures):
    data = to_bytes(fill(template(federation, APRIL), figures))
    return client.post(_url("upload", federation, month=APRIL), {"file": SimpleUploadedFile("lon.xlsx", data)})


def _job(response) -> Job:
    assert response.status_code == 302 and response.url.startswith("/jobs/"), response
    return Job.objects.get(pk=int(response.url.strip("/").split("/")[-1]))


def _figures():
    return sorted(MonthlyFigure.objects.filter(month=APRIL.first_day).values_list("members_end", flat=True))


def test_a_large_sheet_is_read_then_imported_as_jobs(client_for, federation, federation_user, unions, large):
    client = client_for(federation_user)
    read = _job(_upload(client, federation, FIGURES))
    upload = Upload.objects.get()
    assert (read.kind, read.state) == ("members.sheet_read", "done")
    assert read.params == {"upload": upload.pk, "federation": federation.pk}  # ids only
    assert read.result["url"] == _url("upload_detail", federation, pk=upload.pk)
    assert "Đã đọc 2 dòng, không có lỗi." in client.get(reverse("jobs:detail", kwargs={"pk": read.pk})).content.decode()
    assert upload.outcome == Upload.Outcome.PREVIEW and _figures() == []
    assert "Xem trước: 2 CĐCS thay đổi" in client.get(read.result["url"]).content.decode()

    imported = _job(client.post(_url("upload_confirm", federation, pk=upload.pk)))
    assert imported.kind == "members.sheet_import" and imported.state == Job.State.DONE
    assert imported.result == {
        "message": "Đã nhập số liệu tháng 04/2021 từ tệp lon.xlsx: 2 dòng thay đổi.",
        "url": _url("grid", federation, month=APRIL),
        "link": "Về bảng số liệu tháng",
    }
    assert _figures() == [41, 105]
    upload.refresh_from_db()
    assert (upload.outcome, upload.rows_changed, upload.finished_by) == ("imported", 2, federation_user)
    entry = AuditEntry.objects.get(action="sheet.import")
    assert (entry.user, entry.source, entry.data["file"]) == (federation_user, "upload", "lon.xlsx")
    # The same job delivered again changes nothing.
    assert job_run(job_id=imported.pk) == "ended"
    assert AuditEntry.objects.filter(action="sheet.import").count() == 1


def test_a_large_sheet_with_errors_ends_on_its_problems(client_for, federation, federation_user, unions, large):
    client = client_for(federation_user)
    read = _job(_upload(client, federation, {"DT01": {"Kết nạp mới": -2}, "DT02": {"Kết nạp mới": 3}}))
    assert read.state == Job.State.FAILED and read.error.startswith("Không nhập được: tệp có 1 lỗi.")
    page = client.get(reverse("jobs:detail", kwargs={"pk": read.pk})).content.decode()
    assert 'id="job-error"' in page and "Xem các lỗi" in page
    upload_page = client.get(read.result["url"]).content.decode()
    assert 'id="upload-problems"' in upload_page and "Kết nạp mới" in upload_page
    assert Upload.objects.get().outcome == Upload.Outcome.REFUSED and _figures() == []


def test_a_month_saved_meanwhile_refuses_the_import_as_the_page_does(
    client_for, federation, federation_user, unions, large
):
    client = client_for(federation_user)
    _job(_upload(client, federation, FIGURES))
    upload = Upload.objects.get()
    monthly_return = return_for_update(federation, APRIL)
    monthly_return.version += 1  # someone saved the month after the upload
    monthly_return.save(update_fields=["version"])
    imported = _job(client.post(_url("upload_confirm", federation, pk=upload.pk)))
    assert imported.state == Job.State.FAILED and "sau khi bạn tải tệp lên" in imported.error
    assert imported.result["url"] == _url("upload_detail", federation, pk=upload.pk)
    assert _figures() == []
    upload.refresh_from_db()
    assert upload.outcome == Upload.Outcome.PREVIEW and upload.return_version == monthly_return.version
    # confirming again, knowingly, imports it
    assert _job(client.post(_url("upload_confirm", federation, pk=upload.pk))).state == Job.State.DONE
    assert _figures() == [41, 105]


def test_a_small_sheet_stays_in_the_request(client_for, federation, federation_user, unions):
    response = _upload(client_for(federation_user), federation, FIGURES)
    assert response.url == _url("upload_detail", federation, pk=Upload.objects.get().pk)
    assert not Job.objects.exists()


def test_provincial_staff_see_a_federations_sheet_job_and_another_federation_does_not(
    client_for, federation, federation_user, other_federation_user, provincial_staff, leader, unions, large
):
    read = _job(_upload(client_for(federation_user), federation, FIGURES))
    url = reverse("jobs:detail", kwargs={"pk": read.pk})
    assert client_for(provincial_staff).get(url).status_code == 200
    assert client_for(other_federation_user).get(url).status_code == 404
    assert client_for(leader).get(url).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_a_worker_reads_and_imports_a_large_sheet_as_the_request_does(
    client_for, federation, federation_user, unions, large, background_jobs
):
    client = client_for(federation_user)
    read = _job(_upload(client, federation, FIGURES))
    assert read.state == Job.State.QUEUED and Upload.objects.get().outcome == Upload.Outcome.READING
    page = client.get(_url("upload_detail", federation, pk=Upload.objects.get().pk)).content.decode()
    assert 'id="upload-reading"' in page
    with thread_worker(background_jobs):
        wait_for(lambda: Job.objects.get(pk=read.pk).state in Job.ENDED, what="the sheet read")
        imported = _job(client.post(_url("upload_confirm", federation, pk=Upload.objects.get().pk)))
        wait_for(lambda: Job.objects.get(pk=imported.pk).state in Job.ENDED, what="the sheet imported")
    assert Job.objects.get(pk=imported.pk).result["message"].endswith("2 dòng thay đổi.")
    assert _figures() == [41, 105]
