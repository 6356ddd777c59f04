"""send_reminders: a federation that has not sent its month is reminded before the due day and
once more after it, a follower before a meeting; each reminder once per federation-month and
kind (or per meeting), even when cron runs the command twice, or twice at the same moment."""

import threading
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connections
from django.utils import timezone

from members.figures.workflow import return_submit
from notices.delivery import deliveries_wait
from notices.models import Notice, Reminder
from notices.reminders import reminders_send
from reports.models import Meeting
from unionportal.lib.months import Month

MARCH = Month(2021, 3)  # due on 10/04/2021 (RETURN_DUE_DAY)


def _notices():
    return sorted(Notice.objects.values_list("user__username", "kind"))


@pytest.fixture
def march(federation, other_federation, federation_user, colleague, other_federation_user, make_cdcs, settings):
    """DT has not sent March; PB has."""
    settings.RETURN_DUE_DAY, settings.REMINDER_DAYS_BEFORE = 10, 3
    make_cdcs(federation, code="DT01", opening=50, first_month=MARCH)
    make_cdcs(other_federation, code="PB01", opening=40, first_month=MARCH)
    return_submit(federation=other_federation, month=MARCH, user=other_federation_user)
    Notice.objects.all().delete()


def test_a_federation_that_has_not_sent_is_reminded_before_the_due_day_once(march):
    nothing_else = {Notice.Kind.MEETING: 0, Notice.Kind.TERM_ENDING: 0}
    assert reminders_send(today=date(2021, 4, 6)) == nothing_else  # too early
    assert _notices() == []

    assert reminders_send(today=date(2021, 4, 7)) == {Notice.Kind.RETURN_DUE: 1, **nothing_else}
    assert reminders_send(today=date(2021, 4, 10)) == {Notice.Kind.RETURN_DUE: 0, **nothing_else}
    assert _notices() == [("canbo.dt", "return_due"), ("canbo2.dt", "return_due")]
    assert Notice.objects.first().text == (
        "Báo cáo tháng 03/2021 của LĐLĐ huyện Đại Từ phải gửi chậm nhất ngày 10/04/2021; đơn vị chưa gửi."
    )


def test_the_day_after_the_due_day_those_still_missing_are_reminded_again_once(march, federation, federation_user):
    reminders_send(today=date(2021, 4, 8))
    reminders_send(today=date(2021, 4, 11))
    reminders_send(today=date(2021, 4, 12))

    assert _notices() == [("canbo.dt", "return_due"), ("canbo.dt", "return_overdue"),
                          ("canbo2.dt", "return_due"), ("canbo2.dt", "return_overdue")]  # fmt: skip
    assert Reminder.objects.count() == 2


def test_a_month_sent_before_the_due_day_is_not_chased(march, federation, federation_user):
    reminders_send(today=date(2021, 4, 8))
    return_submit(federation=federation, month=MARCH, user=federation_user)
    reminders_send(today=date(2021, 4, 11))
    assert [kind for _user, kind in _notices()] == ["return_due", "return_due"]


def test_followers_hear_of_a_meeting_a_few_days_before_once(march, follower, leader, settings):
    settings.MEETING_REMINDER_DAYS = 3
    Meeting.objects.create(held_on=date(2021, 4, 7), title="Sơ kết quý I")
    reminders_send(today=date(2021, 4, 3))
    assert Notice.objects.filter(kind="meeting").count() == 0

    reminders_send(today=date(2021, 4, 4))
    reminders_send(today=date(2021, 4, 5))
    assert [(user, kind) for user, kind in _notices() if kind == "meeting"] == [("bcd.minh", "meeting")]
    notice = Notice.objects.get(kind="meeting")
    assert notice.text.startswith("Phiên họp Ban Chỉ đạo ngày 07/04/2021: Sơ kết quý I.")
    assert notice.link == "/reports/brief/"


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_the_same_moment_send_each_reminder_once(
    mailbox, federation, other_federation, federation_user, colleague, follower, make_cdcs, settings
):
    """Two cron jobs started together (a slow run overlapping the next hour's): every reminder of
    today goes out once, in the portal and by e-mail."""
    settings.REMINDER_DAYS_BEFORE = 31  # whatever today is, the month before is due soon or overdue
    month = Month.of(timezone.localdate()) - 1
    make_cdcs(federation, code="DT01", opening=50, first_month=month)
    Meeting.objects.create(held_on=timezone.localdate(), title="Họp Ban Chỉ đạo")
    deliveries_wait()
    Notice.objects.all().delete()
    mailbox.messages.clear()

    start, outputs = threading.Barrier(2), []

    def run():
        out = StringIO()
        start.wait()
        try:
            call_command("send_reminders", stdout=out)
        finally:
            connections.close_all()
        outputs.append(out.getvalue())

    runs = [threading.Thread(target=run) for _ in range(2)]
    for thread in runs:
        thread.start()
    for thread in runs:
        thread.join(60)
    call_command("send_reminders", stdout=StringIO())  # and the next hour's
    deliveries_wait()

    assert len(outputs) == 2
    assert sorted(user for user, _kind in _notices()) == ["bcd.minh", "canbo.dt", "canbo2.dt"]
    assert Reminder.objects.count() == 2
    received = sorted(message["To"] for message in mailbox.wait_for(2))
    # canbo.dt has no address in the fixtures: the portal only
    assert received == ["bcd.minh@ldld.example.vn", "canbo2.dt@ldld.example.vn"]
