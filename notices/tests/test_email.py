"""Notices by e-mail, sent to a real SMTP server on the loopback (aiosmtpd) after the action's
transaction commits: in Vietnamese, with the link to the portal; never to someone who turned
e-mail off; and an SMTP server that does not answer neither fails nor loses anything: the
action is done, the notice is in the portal, the e-mail goes with the next send_reminders."""

import socket
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from members.figures.workflow import return_approve, return_submit
from notices.delivery import deliveries_wait
from notices.models import Notice
from notices.services import preference_set
from unionportal.lib.months import Month

MARCH = Month(2021, 3)
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def submitted(federation, federation_user, colleague, make_cdcs):
    federation_user.email = "canbo.dt@ldld.example.vn"
    federation_user.save()
    make_cdcs(federation, code="DT01", opening=50, first_month=MARCH)
    return_submit(federation=federation, month=MARCH, user=federation_user)
    deliveries_wait()


def test_an_approved_month_is_mailed_in_vietnamese_with_the_link(mailbox, submitted, federation, provincial_staff):
    mailbox.messages.clear()
    return_approve(federation=federation, month=MARCH, user=provincial_staff)
    deliveries_wait()

    assert sorted(message["To"] for message in mailbox.wait_for(2)) == [
        "canbo.dt@ldld.example.vn", "canbo2.dt@ldld.example.vn"
    ]  # fmt: skip
    (message,) = mailbox.to("canbo2.dt@ldld.example.vn")
    assert message["Subject"].strip() == "[UnionPortal] Số liệu tháng đã được duyệt – LĐLĐ huyện Đại Từ"
    body = message.get_content()
    assert "Kính gửi Canbo2.Dt," in body
    assert "Bantochuc đã duyệt và khóa số liệu tháng 03/2021 của LĐLĐ huyện Đại Từ." in body
    assert "https://doanvien.ldld.example.vn/figures/DT/2021-03/" in body
    assert "https://doanvien.ldld.example.vn/notices/settings/" in body
    assert set(Notice.objects.values_list("email", flat=True)) == {Notice.Email.SENT}


def test_no_mail_to_someone_who_turned_it_off_or_has_no_address(
    mailbox, submitted, federation, federation_user, colleague, provincial_staff
):
    preference_set(user=colleague, email=False)
    federation_user.email = ""
    federation_user.save()
    mailbox.messages.clear()
    return_approve(federation=federation, month=MARCH, user=provincial_staff)
    deliveries_wait()

    assert mailbox.wait_for(1, timeout=1) == []
    assert sorted(Notice.objects.filter(kind="return_approved").values_list("user__username", "email")) == [
        ("canbo.dt", Notice.Email.NONE), ("canbo2.dt", Notice.Email.NONE)
    ]  # fmt: skip


def test_with_the_smtp_server_down_the_action_is_done_and_the_mail_goes_later(
    smtp_down, submitted, federation, provincial_staff, smtp_running, settings
):
    monthly_return = return_approve(federation=federation, month=MARCH, user=provincial_staff)
    deliveries_wait()

    assert monthly_return.is_locked
    notices = Notice.objects.filter(kind=Notice.Kind.RETURN_APPROVED)
    assert notices.count() == 2
    # the first send found nobody answering and left the other notice for the next run
    assert sorted(notices.values_list("email", "email_tries")) == [(Notice.Email.PENDING, 0), (Notice.Email.PENDING, 1)]

    # the server is back; an hour later cron runs send_reminders, twice by mistake
    controller, mailbox = smtp_running
    mailbox.messages.clear()
    settings.EMAIL_PORT = controller.port
    notices.update(email_tried_at=timezone.now() - timedelta(hours=1))
    call_command("send_reminders", stdout=StringIO())
    call_command("send_reminders", stdout=StringIO())

    assert sorted(message["To"] for message in mailbox.wait_for(2)) == [
        "canbo.dt@ldld.example.vn", "canbo2.dt@ldld.example.vn"
    ]  # fmt: skip
    assert sorted(notices.values_list("email", "email_tries")) == [(Notice.Email.SENT, 1), (Notice.Email.SENT, 2)]


def test_a_mail_server_that_never_answers_does_not_slow_the_action(
    smtp_down, submitted, federation, provincial_staff, settings
):
    """A server that takes the connection and then says nothing (the worst case: no quick
    refusal) holds the e-mail's thread until EMAIL_TIMEOUT, never the approval."""
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = silent.getsockname()[1], 2
    try:
        started = time.monotonic()
        return_approve(federation=federation, month=MARCH, user=provincial_staff)
        assert time.monotonic() - started < 1.5
        deliveries_wait()
    finally:
        silent.close()
    notices = Notice.objects.filter(kind=Notice.Kind.RETURN_APPROVED)
    assert sorted(notices.values_list("email", "email_tries")) == [(Notice.Email.PENDING, 0), (Notice.Email.PENDING, 1)]
