"""A member list longer than JOBS_INLINE_ROWS is confirmed as a job (members.register.list_jobs):
the confirmation goes to the job's page, which ends with a link to the CĐCS; the same writes,
audit and refusals, all or nothing, as the confirmation of a short list (test_member_lists.py).
Inline here (no broker); with a real worker at the end."""

from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from jobs.models import Job
from members.models import AuditEntry, Member, MemberListUpload
from members.register.list_jobs import IMPORT
from members.register.services import MemberData, member_admit
from unionportal.lib.months import Month
from unionportal.testing.member_sheets import CARD, ID, list_file, person
from unionportal.testing.worker import thread_worker, wait_for

from .test_member_lists import confirm, five_people, preview_of, upload

MARCH = Month(2021, 3)


@pytest.fixture
def large(settings):
    settings.JOBS_INLINE_ROWS = 2  # five people are a large list


@pytest.fixture
def dt01(federation, make_cdcs):
    return make_cdcs(federation, code="DT01", name="CĐCS Công ty May Đại Từ", opening=0, first_month=Month(2020, 1))


@pytest.fixture
def pb01(other_federation, make_cdcs):
    return make_cdcs(other_federation, code="PB01", name="CĐCS Công ty Phú Bình", opening=0, first_month=Month(2020, 1))


@pytest.fixture
def staff(client, federation_user):
    client.force_login(federation_user)
    return client


def _job(response) -> Job:
    assert response.status_code == 302 and response.url.startswith("/jobs/"), response
    return Job.objects.get(pk=int(response.url.strip("/").split("/")[-1]))


def test_a_large_list_is_confirmed_as_a_job_that_ends_on_the_cdcs(
    large, staff, dt01, provincial_staff, other_federation_user
):
    _response, made = upload(staff, dt01, list_file(dt01, MARCH, five_people()))
    page = preview_of(staff, made).content.decode()
    assert 'id="list-large"' in page and 'id="confirm-upload"' in page

    job = _job(confirm(staff, made))

    assert job.kind == IMPORT and job.state == Job.State.DONE and job.params["upload"] == made.pk
    assert "Nguyễn" not in str(job.params) + job.subject  # ids and the file's name only
    assert job.result == {
        "message": "Đã nhập danh sách đoàn viên từ tệp danh-sach.xlsx: 5 người vào sổ, 0 người cập nhật.",
        "url": reverse("members:cdcs_detail", kwargs={"code": "DT01"}),
        "link": "Xem CĐCS",
    }
    assert job.step.startswith("Ghi 5 người vào sổ đoàn viên của") and (job.done, job.total) == (0, 0)
    assert Member.objects.active().filter(cdcs=dt01).count() == 5
    made.refresh_from_db()
    assert (made.outcome, made.parsed, made.rows_created) == ("imported", {}, 5)
    entry = AuditEntry.objects.get(action="member_list.import")
    assert entry.data["upload"] == made.pk and entry.user == job.created_by
    page = staff.get(reverse("jobs:detail", kwargs={"pk": job.pk})).content.decode()
    assert "5 người vào sổ" in page and 'id="job-link"' in page
    # provincial staff follow it; another federation's staff do not learn it exists
    for user, status in ((provincial_staff, 200), (other_federation_user, 404)):
        staff.force_login(user)
        assert staff.get(reverse("jobs:detail", kwargs={"pk": job.pk})).status_code == status


def test_a_refusal_the_job_finds_is_kept_on_the_upload_and_writes_nothing(large, staff, dt01, pb01):
    people = five_people()
    _response, made = upload(staff, dt01, list_file(dt01, MARCH, people))
    # Meanwhile the first person is admitted in PB01: the list can no longer be written.
    data = MemberData("Nguyễn Văn An", date(2015, 6, 1), None, "male", "", people[0][ID])
    member_admit(cdcs=pb01, data=data, user=None)

    job = _job(confirm(staff, made))

    assert job.state == Job.State.FAILED and job.error == "Chưa ghi gì: danh sách có lỗi."
    assert job.result["url"] == reverse("members:member_list_preview", kwargs={"code": "DT01", "pk": made.pk})
    made.refresh_from_db()
    assert made.outcome == "refused" and "đã là đoàn viên ở đơn vị khác" in made.problems[0]["message"]
    assert Member.objects.filter(cdcs=dt01).count() == 0 and not AuditEntry.objects.filter(action="member_list.import")


def test_a_preview_the_register_changed_under_is_shown_again_then_confirmed(large, staff, dt01):
    rows = [*five_people(), person("Trần Văn Bảo", date(2021, 3, 3), serial=9, **{CARD: "DV009"})]
    _response, made = upload(staff, dt01, list_file(dt01, MARCH, rows))
    plan = made.parsed["plan"]
    member_admit(cdcs=dt01, data=MemberData("Trần Văn Bảo", date(2021, 3, 3), date(1990, 5, 1), "male"), user=None)

    job = _job(confirm(staff, made, plan=plan))

    assert job.state == Job.State.FAILED and "đã thay đổi sau khi bạn xem trước" in job.error
    made.refresh_from_db()
    assert made.outcome == "preview" and made.parsed["plan"] != plan and Member.objects.count() == 1
    again = _job(confirm(staff, made, plan=made.parsed["plan"]))
    assert again.state == Job.State.DONE and Member.objects.count() == 6


def test_a_second_confirmation_while_the_list_is_being_written_is_refused_in_words(large, staff, dt01):
    _response, made = upload(staff, dt01, list_file(dt01, MARCH, five_people()))
    params = {"upload": made.pk, "cdcs": dt01.pk, "plan": made.parsed["plan"], "confirm_month": False}
    waiting = Job.objects.create(kind=IMPORT, params=params, key=f"{IMPORT}:{dt01.pk}")  # no worker took it yet

    response = confirm(staff, made)

    assert response.url == reverse("jobs:detail", kwargs={"pk": waiting.pk}) and Job.objects.count() == 1
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert said == [
        f"Một danh sách đang được nhập vào sổ đoàn viên của {dt01}; chưa làm thêm gì, hãy chờ việc đó xong."
    ]
    page = preview_of(staff, made).content.decode()
    assert 'id="list-running"' in page and 'id="confirm-upload"' not in page and 'id="discard-upload"' not in page
    staff.post(reverse("members:member_list_discard", kwargs={"code": "DT01", "pk": made.pk}))
    made.refresh_from_db()
    assert made.outcome == "preview" and Member.objects.count() == 0


def test_a_short_list_is_still_confirmed_in_the_request(staff, dt01):
    _response, made = upload(staff, dt01, list_file(dt01, MARCH, five_people()))
    assert confirm(staff, made).url == reverse("members:cdcs_detail", kwargs={"code": "DT01"})
    assert not Job.objects.exists() and MemberListUpload.objects.get().outcome == "imported"


@pytest.mark.django_db(transaction=True)
def test_a_worker_writes_a_large_list(large, staff, dt01, background_jobs):
    _response, made = upload(staff, dt01, list_file(dt01, MARCH, five_people()))
    job = _job(confirm(staff, made))
    assert job.state == Job.State.QUEUED and 'id="list-running"' in preview_of(staff, made).content.decode()
    with thread_worker(background_jobs):
        wait_for(lambda: Job.objects.get(pk=job.pk).state in Job.ENDED, what="the list written")
    job.refresh_from_db()
    assert job.state == Job.State.DONE and job.runner != "inline"
    assert Member.objects.filter(cdcs=dt01).count() == 5 and AuditEntry.objects.filter(action="member_list.import")
