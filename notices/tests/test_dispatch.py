"""Each kind of notice reaches the people it concerns and nobody else: not another federation,
not the person who did it, not a leader who does not follow. Derived from the audit trail in the
action's own transaction (no e-mail here: the SMTP tests are in test_email.py)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from members.figures.workflow import return_approve, return_send_back, return_submit, return_unlock
from members.models import GrassrootsUnion, Role
from members.register.moves import member_transfer_request
from members.register.services import MemberData, member_admit
from members.services.org import cdcs_dissolve, cdcs_found, cdcs_move
from notices.models import Notice
from unionportal.lib.months import Month
from unionportal.testing.province import user_create

MARCH = Month(2021, 3)


def _notices():
    """(username, kind) of every notice, sorted."""
    return sorted(Notice.objects.values_list("user__username", "kind"))


@pytest.fixture
def everyone(federation_user, colleague, other_federation_user, provincial_staff, leader, follower):
    """DT's two staff, PB's, the province, a leader who follows nobody and one who follows DT."""


@pytest.fixture
def submitted(everyone, federation, federation_user, make_cdcs):
    make_cdcs(federation, code="DT01", opening=50, first_month=MARCH)
    return_submit(federation=federation, month=MARCH, user=federation_user)
    Notice.objects.all().delete()  # of DT01's founding


def test_an_approved_month_is_told_to_the_federations_staff_only(submitted, federation, provincial_staff):
    return_approve(federation=federation, month=MARCH, user=provincial_staff)

    assert _notices() == [("canbo.dt", "return_approved"), ("canbo2.dt", "return_approved")]
    notice = Notice.objects.get(user__username="canbo.dt")
    assert notice.text == "Bantochuc đã duyệt và khóa số liệu tháng 03/2021 của LĐLĐ huyện Đại Từ."
    assert notice.link == "/figures/DT/2021-03/" and notice.read_at is None


def test_a_month_sent_back_and_one_unlocked_say_why(submitted, federation, provincial_staff):
    return_send_back(federation=federation, month=MARCH, reason="CĐCS DT01 thiếu số lao động", user=provincial_staff)
    sent_back = Notice.objects.get(user__username="canbo.dt")
    assert sent_back.kind == "return_sent_back" and sent_back.text.endswith("Lý do: CĐCS DT01 thiếu số lao động")

    Notice.objects.all().delete()
    return_submit(federation=federation, month=MARCH, user=None)
    return_approve(federation=federation, month=MARCH, user=None)
    Notice.objects.all().delete()
    return_unlock(federation=federation, month=MARCH, reason="Sửa số kết nạp", user=provincial_staff)
    assert _notices() == [("canbo.dt", "return_unlocked"), ("canbo2.dt", "return_unlocked")]


def test_a_cdcs_founded_by_one_of_the_staff_is_told_to_the_others(everyone, federation, federation_user):
    cdcs_found(code="DT09", name="CĐCS Công ty Hoa Sen", employer="Công ty Hoa Sen", sector="private",
               founded_on=date(2021, 3, 15), federation=federation, user=federation_user)  # fmt: skip

    assert _notices() == [("canbo2.dt", "cdcs_founded")]
    notice = Notice.objects.get()
    assert notice.text == "CĐCS Công ty Hoa Sen được thành lập, trực thuộc LĐLĐ huyện Đại Từ từ tháng 03/2021."
    assert notice.link == "/cdcs/DT09/"


def test_a_dissolved_cdcs_is_told_with_its_reason(everyone, federation, make_cdcs, provincial_staff):
    cdcs = make_cdcs(federation, code="DT01", name="CĐCS Công ty Gạch")
    Notice.objects.all().delete()
    cdcs_dissolve(cdcs=cdcs, on=date(2021, 3, 20), reason="Doanh nghiệp giải thể", user=provincial_staff)

    assert _notices() == [("canbo.dt", "cdcs_dissolved"), ("canbo2.dt", "cdcs_dissolved")]
    assert Notice.objects.first().text == (
        "CĐCS Công ty Gạch của LĐLĐ huyện Đại Từ giải thể trong tháng 03/2021. Lý do: Doanh nghiệp giải thể"
    )


def test_a_move_is_told_to_both_sides(everyone, federation, other_federation, make_cdcs, provincial_staff):
    cdcs = make_cdcs(federation, code="DT01", name="CĐCS Công ty Gạch")
    Notice.objects.all().delete()
    cdcs_move(cdcs=cdcs, federation=other_federation, from_month=MARCH, user=provincial_staff)

    assert _notices() == [
        ("canbo.dt", "cdcs_moved_out"),
        ("canbo.pb", "cdcs_moved_in"),
        ("canbo2.dt", "cdcs_moved_out"),
    ]
    assert Notice.objects.get(user__username="canbo.pb").text == (
        "CĐCS Công ty Gạch chuyển từ LĐLĐ huyện Đại Từ về LĐLĐ huyện Phú Bình từ tháng 03/2021."
    )


def test_a_transfer_request_reaches_the_receiving_federation_without_the_members_name(
    everyone, federation, other_federation, make_cdcs, other_federation_user
):
    dt01 = make_cdcs(federation, code="DT01", name="CĐCS Công ty Gạch")
    pb01 = make_cdcs(other_federation, code="PB01", name="CĐCS Trường Tiểu học Kha Sơn")
    member = member_admit(cdcs=pb01, data=MemberData("Trần Thị Bình", date(2021, 3, 6)), user=other_federation_user)
    Notice.objects.all().delete()
    member_transfer_request(member=member, to_cdcs=dt01, user=other_federation_user)

    assert _notices() == [("canbo.dt", "transfer_request"), ("canbo2.dt", "transfer_request")]
    notice = Notice.objects.first()
    assert "CĐCS Trường Tiểu học Kha Sơn đề nghị CĐCS Công ty Gạch tiếp nhận" in notice.text
    assert "Bình" not in notice.text and notice.link == "/people/transfers/"


def test_an_action_refused_tells_nobody(submitted, federation, federation_user):
    with pytest.raises(ValidationError):
        return_send_back(federation=federation, month=MARCH, reason="", user=user_create("x", Role.PROVINCIAL_STAFF))
    assert _notices() == []


def test_an_inactive_account_is_not_told(submitted, federation, colleague, provincial_staff):
    colleague.is_active = False
    colleague.save()
    return_approve(federation=federation, month=MARCH, user=provincial_staff)
    assert _notices() == [("canbo.dt", "return_approved")]


def test_every_notice_opens_a_page_its_reader_may_see(
    submitted, federation, other_federation, make_cdcs, provincial_staff, other_federation_user, client
):
    return_approve(federation=federation, month=MARCH, user=provincial_staff)
    moved = make_cdcs(federation, code="DT02", name="CĐCS Công ty Gạch")
    cdcs_move(cdcs=moved, federation=other_federation, from_month=MARCH, user=provincial_staff)
    pb01 = make_cdcs(other_federation, code="PB01")
    member = member_admit(cdcs=pb01, data=MemberData("Trần Thị Bình", date(2021, 3, 6)), user=other_federation_user)
    member_transfer_request(member=member, to_cdcs=GrassrootsUnion.objects.get(code="DT01"), user=other_federation_user)
    cdcs_dissolve(cdcs=pb01, on=date(2021, 3, 25), reason="Doanh nghiệp giải thể", user=provincial_staff)

    notices = list(Notice.objects.select_related("user"))
    assert {notice.kind for notice in notices} >= {
        "return_approved", "cdcs_founded", "cdcs_moved_in", "cdcs_moved_out", "transfer_request", "cdcs_dissolved"
    }  # fmt: skip
    for notice in notices:
        client.force_login(notice.user)
        assert client.get(notice.link).status_code == 200, (notice.user, notice.kind, notice.link)
