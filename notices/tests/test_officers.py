"""CĐCS officers in notices: a chair's post falling vacant is told to the CĐCS's federation (not
its name, not to another federation, not to whoever recorded it); a term about to end reminds the
federation 90 and 30 days before, once each, whatever runs send_reminders."""

import io
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from members.models import Officer, Post
from members.officers.list_import import list_import
from members.officers.lists import HEADER_ROW, LIST_SHEET, list_read, officer_list_workbook
from members.officers.services import OfficerData, TermData, officer_add, officer_leave, term_open
from members.services.org import cdcs_dissolve
from notices.models import Notice, Reminder
from notices.reminders import reminders_send

CONGRESS = date(2021, 6, 1)  # the term ends on 01/06/2026
ENDS = date(2026, 6, 1)


def _notices(kind: str) -> list[tuple[str, str]]:
    return sorted(Notice.objects.filter(kind=kind).values_list("user__username", "kind"))


@pytest.fixture
def term(federation, other_federation, federation_user, colleague, other_federation_user, make_cdcs):
    """DT's CĐCS Công ty May Việt Đức: a congress on 01/06/2021 electing a chair, a vice-chair and
    a member of a committee of 3."""
    cdcs = make_cdcs(federation, code="DT01", name="CĐCS Công ty May Việt Đức")
    people = [
        OfficerData("Nguyễn Thị Lan", Post.CHAIR, full_time=True),
        OfficerData("Trần Văn Hùng", Post.VICE_CHAIR),
        OfficerData("Lê Thị Hoa", Post.MEMBER),
    ]
    data = TermData(congress_on=CONGRESS, decision_number="12/QĐ-LĐLĐ", committee_size=3)
    term = term_open(cdcs=cdcs, data=data, officers=people, user=federation_user)
    Notice.objects.all().delete()  # of the CĐCS's founding
    return term


def _officer(term, post) -> Officer:
    return term.officers.get(post=post, to_on__isnull=True)


def test_a_chair_leaving_is_told_to_the_other_staff_of_the_cdcs_federation(term, federation_user):
    officer_leave(officer=_officer(term, Post.CHAIR), on=date(2025, 4, 10), reason="retired", user=federation_user)

    assert _notices("chair_vacant") == [("canbo2.dt", "chair_vacant")]  # not who recorded it, not PB
    notice = Notice.objects.get(kind="chair_vacant")
    assert notice.text == (
        "Canbo.Dt đã ghi Chủ tịch CĐCS Công ty May Việt Đức (LĐLĐ huyện Đại Từ) thôi giữ chức vụ từ ngày "
        "10/04/2025 (Nghỉ hưu): CĐCS chưa có chủ tịch, cần kiện toàn."
    )
    assert "Nguyễn" not in notice.text and "Nguyễn" not in str(notice.data)  # it may leave by e-mail
    assert notice.link == reverse("members:cdcs_officers", kwargs={"code": "DT01"})


def test_the_province_recording_it_tells_every_staff_member_of_the_federation(term, provincial_staff):
    officer_leave(officer=_officer(term, Post.CHAIR), on=date(2025, 4, 10), reason="moved", user=provincial_staff)
    assert _notices("chair_vacant") == [("canbo.dt", "chair_vacant"), ("canbo2.dt", "chair_vacant")]
    assert Notice.objects.first().text.startswith("Bantochuc đã ghi Chủ tịch")


def test_another_post_falling_vacant_and_a_chair_appointed_tell_nobody(term, provincial_staff):
    officer_leave(officer=_officer(term, Post.VICE_CHAIR), on=date(2025, 4, 10), reason="moved", user=provincial_staff)
    officer_leave(officer=_officer(term, Post.CHAIR), on=date(2025, 4, 10), reason="moved", user=provincial_staff)
    Notice.objects.all().delete()
    replacement = OfficerData("Hoàng Văn Long", Post.CHAIR, date(2025, 5, 20), how=Officer.How.APPOINTED)
    officer_add(cdcs=term.cdcs, data=replacement, user=provincial_staff)
    assert not Notice.objects.exists()


def test_a_refused_leaving_tells_nobody(term, provincial_staff):
    with pytest.raises(Exception):  # noqa: B017 - the kind of refusal is the service's business
        officer_leave(officer=_officer(term, Post.CHAIR), on=date(2021, 5, 1), reason="moved", user=provincial_staff)
    assert not Notice.objects.exists()


# --- reminders before a term ends ------------------------------------------------------------------


def _run(day: date) -> int:
    return reminders_send(today=day)[Notice.Kind.TERM_ENDING]


def test_a_term_is_reminded_90_and_30_days_before_it_ends_once_each(term):
    assert _run(ENDS - timedelta(days=91)) == 0
    assert _run(ENDS - timedelta(days=90)) == 1  # 02/03/2026
    assert _run(ENDS - timedelta(days=89)) == 0
    assert _run(ENDS - timedelta(days=31)) == 0
    assert _run(ENDS - timedelta(days=30)) == 1
    assert _run(ENDS - timedelta(days=1)) == 0
    assert _run(ENDS) == 0  # ended: it is "quá hạn" in the list, not a reminder

    assert _notices("term_ending") == [("canbo.dt", "term_ending")] * 2 + [("canbo2.dt", "term_ending")] * 2
    assert sorted(Reminder.objects.filter(kind="term_ending").values_list("days_before", flat=True)) == [30, 90]
    first = Notice.objects.filter(kind="term_ending", user__username="canbo.dt").order_by("pk").first()
    assert first.text == (
        "Nhiệm kỳ của CĐCS Công ty May Việt Đức (LĐLĐ huyện Đại Từ) kết thúc ngày 01/06/2026, còn 90 ngày: "
        "hãy chuẩn bị đại hội."
    )
    assert first.link == reverse("members:cdcs_officers", kwargs={"code": "DT01"})


def test_a_term_found_late_gets_the_nearest_reminder_only(term):
    assert _run(ENDS - timedelta(days=20)) == 1
    assert _run(ENDS - timedelta(days=10)) == 0
    assert list(Reminder.objects.filter(kind="term_ending").values_list("days_before", flat=True)) == [30]


def test_a_term_followed_by_a_congress_or_of_a_dissolved_cdcs_is_not_reminded(term, federation_user):
    term_open(
        cdcs=term.cdcs,
        data=TermData(congress_on=date(2026, 2, 20), committee_size=3),
        officers=[OfficerData("Nguyễn Thị Lan", Post.CHAIR)],
        user=federation_user,
    )
    assert _run(ENDS - timedelta(days=30)) == 0  # the new term ends in 2031
    assert _run(date(2031, 2, 20) - timedelta(days=30)) == 1

    Reminder.objects.all().delete()
    cdcs_dissolve(cdcs=term.cdcs, on=date(2026, 3, 1), reason="Doanh nghiệp giải thể", user=federation_user)
    assert _run(date(2031, 2, 20) - timedelta(days=30)) == 0


def test_send_reminders_twice_in_an_hour_sends_nothing_more(term):
    out = StringIO()
    call_command("send_reminders", stdout=out)  # today: the term ended in June 2026, nothing due
    assert "Sắp hết nhiệm kỳ CĐCS: 0 lời nhắc" in out.getvalue()
    _run(ENDS - timedelta(days=30))
    _run(ENDS - timedelta(days=30))
    assert Reminder.objects.filter(kind="term_ending").count() == 1


# --- a chair leaving by an officers' list ----------------------------------------------------------


def _officers_file(federation, lines: list[dict]) -> bytes:
    """The federation's officers' template with `lines` ({header: value}) under its header row."""
    workbook = officer_list_workbook(federation)
    sheet = workbook[LIST_SHEET]
    columns = {cell.value: cell.column for cell in sheet[HEADER_ROW] if cell.value}
    for offset, values in enumerate(lines, start=1):
        for header, value in values.items():
            sheet.cell(row=HEADER_ROW + offset, column=columns[header], value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


LEAVES = {"Mã CĐCS": "DT01", "Họ và tên": "Nguyễn Thị Lan", "Chức vụ": "Chủ tịch", "Từ ngày": "01/06/2021",
          "Đến ngày": "01/03/2025", "Lý do thôi": "Nghỉ hưu"}  # fmt: skip


def test_a_chair_leaving_by_an_officers_list_is_told_unless_the_list_appoints_the_successor(
    term, federation, federation_user
):
    successor = {"Mã CĐCS": "DT01", "Họ và tên": "Phan Văn Khải", "Chức vụ": "Chủ tịch", "Từ ngày": "01/03/2025",
                 "Hình thức": "Cấp trên chỉ định"}  # fmt: skip
    with transaction.atomic():
        list_import(read=list_read(_officers_file(federation, [LEAVES, successor])), federation=federation,
                    user=federation_user, plan=None)  # fmt: skip
        assert term.officers.get(full_name="Phan Văn Khải").post == Post.CHAIR
        assert not Notice.objects.filter(kind="chair_vacant").exists()
        transaction.set_rollback(True)

    list_import(read=list_read(_officers_file(federation, [LEAVES])), federation=federation, user=federation_user,
                plan=None)  # fmt: skip
    assert _notices("chair_vacant") == [("canbo2.dt", "chair_vacant")]
    assert "thôi giữ chức vụ từ ngày 01/03/2025 (Nghỉ hưu)" in Notice.objects.get(kind="chair_vacant").text
