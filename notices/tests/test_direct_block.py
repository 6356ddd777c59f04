"""The province's direct block has no federation staff: provincial staff, who enter and send its
month, are the ones reminded of it and told when it is sent back; federation staff hear nothing."""

from datetime import date

import pytest

from members.figures.services import figures_record
from members.figures.workflow import return_send_back, return_submit
from members.models import Organisation, Role
from members.services.org import cdcs_found
from notices.models import Notice
from notices.reminders import reminders_send
from unionportal.lib.months import Month
from unionportal.testing.province import user_create

MARCH = Month(2021, 3)  # due on 10/04/2021 (RETURN_DUE_DAY)


def _notices():
    return sorted(Notice.objects.values_list("user__username", "kind"))


@pytest.fixture
def direct_march(federation, federation_user, make_cdcs, provincial_staff, settings):
    """BV01 directly under the province, with its March not sent; DT's March sent."""
    settings.RETURN_DUE_DAY, settings.REMINDER_DAYS_BEFORE = 10, 3
    cdcs = cdcs_found(
        code="BV01", name="CĐCS Bệnh viện", employer="Bệnh viện", sector="public", founded_on=date(2020, 1, 1),
        federation=Organisation.Kind.DIRECT, user=provincial_staff,
    )  # fmt: skip
    figures_record(cdcs=cdcs, month=MARCH, members_start=60, user=provincial_staff)
    make_cdcs(federation, code="DT01", opening=50, first_month=MARCH)
    return_submit(federation=federation, month=MARCH, user=federation_user)
    Notice.objects.all().delete()
    return Organisation.objects.get(kind=Organisation.Kind.DIRECT)


def test_provincial_staff_are_reminded_of_the_direct_blocks_month(direct_march, provincial_staff, leader):
    assert reminders_send(today=date(2021, 4, 7)) == {
        Notice.Kind.RETURN_DUE: 1,
        Notice.Kind.MEETING: 0,
        Notice.Kind.TERM_ENDING: 0,
    }
    assert _notices() == [("bantochuc", "return_due")]
    assert Notice.objects.get().text == (
        "Báo cáo tháng 03/2021 của CĐCS trực thuộc LĐLĐ tỉnh Thái Nguyên phải gửi chậm nhất ngày 10/04/2021; "
        "đơn vị chưa gửi."
    )


def test_the_other_provincial_staff_hear_the_month_was_sent_back(direct_march, provincial_staff):
    approver = user_create("truongban", Role.PROVINCIAL_STAFF)
    return_submit(federation=direct_march, month=MARCH, user=provincial_staff)
    return_send_back(federation=direct_march, month=MARCH, reason="Thiếu số chuyển đến", user=approver)
    assert _notices() == [("bantochuc", "return_sent_back")]  # not the one who sent it back
