"""The whole register exported by provincial staff as a job (members.register.register_export):
the file written aside (0600, a name nobody can guess), a sheet per upper-level union, downloaded
from the job's page by the one who asked for it alone, with no-store headers, audited, kept
EXPORT_KEEP_HOURS and deleted after. Inline here; a real worker last."""

import io
import os
import re
import stat
from datetime import date, datetime, timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from jobs.models import Job
from members.models import AuditEntry
from members.register import register_export
from members.register.register_export import EXPORT, KEY, export_path, exports_purge
from unionportal.testing.worker import thread_worker, wait_for

from .people_pages import AN_ID, BINH_ID, admit


@pytest.fixture
def members(an, binh, dt01):
    admit(dt01, '=HYPERLINK("x")', born_on=date(1991, 1, 1), gender="male")  # a name a spreadsheet would run
    return an, binh


def _export(client) -> Job:
    response = client.post(reverse("members:register_export"))
    assert response.status_code == 302 and response.url.startswith("/jobs/"), response
    return Job.objects.get(pk=int(response.url.strip("/").split("/")[-1]))


def _rows(data: bytes) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(data), read_only=True)
    return {sheet.title: [tuple(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}


def test_provincial_staff_export_the_whole_register_and_download_it_once_written(
    client, provincial_staff, members, federation, other_federation
):
    client.force_login(provincial_staff)
    assert b'id="register-export"' in client.get(reverse("members:people")).content

    job = _export(client)

    assert job.kind == EXPORT and job.state == Job.State.DONE and job.params == {}
    assert job.result["url"] == reverse("members:register_export_file", kwargs={"pk": job.pk})
    assert job.result["message"].startswith("Đã ghi 3 đoàn viên của 2 công đoàn cấp trên vào tệp Excel")
    path = export_path(job)
    assert path.is_file() and stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert re.fullmatch(rf"so-doan-vien-{job.pk}-[0-9a-f]{{64}}\.xlsx", path.name)  # 256 bits nobody can guess
    assert not list(path.parent.glob("*.part"))
    page = client.get(reverse("members:people")).content.decode()
    assert 'id="register-export-last"' in page and reverse("jobs:detail", kwargs={"pk": job.pk}) in page

    response = client.get(job.result["url"])

    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"].startswith('attachment; filename="so-doan-vien-toan-tinh-')
    sheets = _rows(b"".join(response.streaming_content))
    assert sorted(sheets) == sorted([federation.code, other_federation.code, "Thông tin"])  # the unions in order
    assert list(sheets)[-1] == "Thông tin"
    header, *dt = sheets[federation.code]
    assert header == ("Mã CĐCS", "Tên CĐCS", "Họ và tên", "Ngày sinh", "Giới tính (Nam/Nữ)", "Dân tộc", "Số CCCD",
                      "Số thẻ đoàn viên", "Ngày vào công đoàn", "Nghề nghiệp, chức vụ")  # fmt: skip
    assert [row[2] for row in dt] == ['\'=HYPERLINK("x")', "Nguyễn Văn An"]  # inert, then by name
    an = dt[1]
    assert an[:6] == ("DT01", an[1], "Nguyễn Văn An", datetime(1990, 5, 1), "Nam", None) and an[6] == AN_ID
    assert an[8] == datetime(2021, 3, 5) and dt[0][3] == datetime(1991, 1, 1)  # each row its own dates
    assert sheets[other_federation.code][1][2:7] == ("Trần Thị Bình", datetime(1992, 2, 2), "Nữ", None, BINH_ID)
    info = sheets["Thông tin"]
    assert (f"{federation.code} – {federation.name}", 2) in info and ("Số đoàn viên đang sinh hoạt", 3) in info
    exported = AuditEntry.objects.get(action="member_register.export")
    assert (exported.user, exported.data["exported"], exported.data["job"]) == (provincial_staff, 3, job.pk)
    assert AuditEntry.objects.filter(action="member_register.download", user=provincial_staff).count() == 1
    assert "Nguyễn" not in str(list(AuditEntry.objects.values_list("data", flat=True)))


def test_the_file_is_its_owners_alone(client, provincial_staff, superuser, members):
    from unionportal.testing.province import user_create

    client.force_login(provincial_staff)
    job = _export(client)
    colleague = user_create("bantochuc2", "provincial_staff")
    for user in (colleague, superuser):  # the administrator sees the job, not the file
        client.force_login(user)
        assert client.get(job.result["url"]).status_code == 404
    assert not AuditEntry.objects.filter(action="member_register.download").exists()


def test_a_second_export_while_one_runs_is_refused_in_words(client, provincial_staff, members):
    from unionportal.testing.province import user_create

    client.force_login(provincial_staff)
    running = Job.objects.create(kind=EXPORT, key=KEY, created_by=provincial_staff)
    response = client.post(reverse("members:register_export"))
    assert response.url == reverse("jobs:detail", kwargs={"pk": running.pk})
    client.force_login(user_create("bantochuc2", "provincial_staff"))
    response = client.post(reverse("members:register_export"))
    assert response.url == reverse("members:people") and Job.objects.count() == 1
    said = [str(message) for message in get_messages(response.wsgi_request)][-1:]
    assert said == ["Một cán bộ khác đang xuất toàn bộ sổ đoàn viên; mỗi lúc chỉ một bản. Hãy thử lại sau ít phút."]


def test_the_file_is_deleted_once_its_time_is_past(client, provincial_staff, members, settings):
    client.force_login(provincial_staff)
    job = _export(client)
    path = export_path(job)
    assert exports_purge() == 0 and path.is_file()  # still within EXPORT_KEEP_HOURS
    Job.objects.filter(pk=job.pk).update(finished_at=timezone.now() - timedelta(hours=settings.EXPORT_KEEP_HOURS + 1))
    response = client.get(job.result["url"])
    assert response.url == reverse("jobs:detail", kwargs={"pk": job.pk}) and not path.exists()
    assert [str(m) for m in get_messages(response.wsgi_request)][-1].startswith("Tệp này đã được xóa")
    again = _export(client)
    stale = export_path(again)
    os.utime(stale, (0, 0))  # written long ago: the hourly purge removes it
    out = io.StringIO()
    call_command("exports_purge", stdout=out)
    assert out.getvalue().startswith("Đã xóa 1 tệp quá 24 giờ") and not stale.exists()


def test_a_union_past_a_sheets_rows_goes_on_over_another_sheet(client, provincial_staff, members, monkeypatch):
    monkeypatch.setattr(register_export, "SHEET_ROWS", 1)
    client.force_login(provincial_staff)
    job = _export(client)
    sheets = _rows(export_path(job).read_bytes())
    assert sorted(sheets) == ["DT", "DT (2)", "PB", "Thông tin"]
    assert [len(sheets[title]) for title in ("DT", "DT (2)", "PB")] == [2, 2, 2]  # a header and a member each


@pytest.mark.django_db(transaction=True)
def test_a_worker_writes_the_export(client, provincial_staff, members, background_jobs):
    client.force_login(provincial_staff)
    job = _export(client)
    assert job.state == Job.State.QUEUED
    with thread_worker(background_jobs):
        wait_for(lambda: Job.objects.get(pk=job.pk).state in Job.ENDED, what="the export written")
    job.refresh_from_db()
    assert job.state == Job.State.DONE and job.runner != "inline" and job.step == "Đóng gói tệp Excel"
    assert client.get(job.result["url"]).status_code == 200
