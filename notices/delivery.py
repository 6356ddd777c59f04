"""Notices by e-mail. A notice is mailed after the transaction that made it commits, in a thread
of its own, so that a slow or absent SMTP server never slows or fails the action that caused it:
a notice whose e-mail could not go stays "pending" and `manage.py send_reminders` tries it again.
Each attempt first claims the notice with a conditional UPDATE, so that the thread and a command
running at the same moment never both send it."""

import logging
import smtplib
import threading
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connections, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Notice

logger = logging.getLogger(__name__)

RETRY_AFTER = timedelta(minutes=30)  # a failed e-mail is tried again this long after
FIRST_TRY_GRACE = timedelta(minutes=10)  # a pending e-mail never tried: its thread may still be at it
MAX_TRIES = 24  # a day of hourly retries; then it is marked as not sent

_threads: set[threading.Thread] = set()
_threads_lock = threading.Lock()


def deliver_after_commit(notice_ids: list[int]) -> None:
    transaction.on_commit(lambda: _start(notice_ids))


def _start(notice_ids: list[int]) -> None:
    thread = threading.Thread(target=_deliver, args=(notice_ids,), name="notices-email")
    # Started and recorded under the lock: a deliveries_wait() in another thread (two commands at
    # once) sees only started threads, and the thread cannot forget itself before it is recorded.
    with _threads_lock:
        thread.start()
        _threads.add(thread)


def _deliver(notice_ids: list[int]) -> None:
    try:
        emails_send(Notice.objects.filter(pk__in=notice_ids).select_related("user").order_by("pk"))
    except Exception:  # a thread's failure is logged, never raised into nobody's hands
        logger.exception("notices: e-mail delivery failed")
    finally:
        connections.close_all()  # this thread's own connections
        with _threads_lock:
            _threads.discard(threading.current_thread())


def deliveries_wait(timeout: float = 30) -> None:
    """Wait for the e-mails being sent in the background (tests; a command before it exits)."""
    with _threads_lock:
        running = list(_threads)
    for thread in running:
        thread.join(timeout)


def _claim(notice: Notice, now) -> bool:
    """Take the notice for this attempt; False when another attempt has it or it was sent."""
    fresh = Q(email_tried_at__isnull=True) | Q(email_tried_at__lt=now - RETRY_AFTER)
    claimed = Notice.objects.filter(fresh, pk=notice.pk, email=Notice.Email.PENDING).update(
        email_tried_at=now, email_tries=F("email_tries") + 1
    )
    return claimed == 1


def email_message(notice: Notice) -> EmailMessage:
    """The e-mail of a notice, in Vietnamese, with the link to the portal."""
    with translation.override(settings.LANGUAGE_CODE):
        org = notice.data.get("org")
        subject = f"[UnionPortal] {notice.get_kind_display()}" + (f" – {org}" if org else "")
        body = "\n".join(
            [
                _("Kính gửi %(name)s,") % {"name": notice.user.get_full_name() or notice.user.get_username()},
                "",
                notice.text,
                "",
                _("Xem trên UnionPortal: %(url)s") % {"url": settings.SITE_URL + (notice.link or "/")},
                "",
                "-- ",
                _("Thư tự động của UnionPortal, Liên đoàn Lao động tỉnh; xin đừng trả lời thư này."),
                _("Thôi nhận thông báo qua e-mail: %(url)s") % {"url": settings.SITE_URL + reverse("notices:settings")},
            ]
        )
    return EmailMessage(subject=subject, body=body, to=[notice.user.email])


def emails_send(notices) -> tuple[int, int]:
    """Send the pending notices' e-mails over one SMTP connection. Returns (sent, failed). A server
    that does not answer stops the run: the notices not tried keep their turn for the next one."""
    sent = failed = 0
    connection = get_connection(fail_silently=False)
    try:
        for notice in notices:
            now = timezone.now()
            if not notice.user.email:  # the address was taken off since
                Notice.objects.filter(pk=notice.pk).update(email=Notice.Email.NONE)
                continue
            if not _claim(notice, now):
                continue
            try:
                connection.send_messages([email_message(notice)])
            except (OSError, smtplib.SMTPException) as error:
                failed += 1
                gave_up = notice.email_tries + 1 >= MAX_TRIES
                if gave_up:
                    Notice.objects.filter(pk=notice.pk).update(email=Notice.Email.FAILED)
                logger.warning("notices: e-mail of notice %s not sent (%s)", notice.pk, type(error).__name__)
                if not isinstance(error, smtplib.SMTPRecipientsRefused):
                    break
            else:
                sent += 1
                Notice.objects.filter(pk=notice.pk).update(email=Notice.Email.SENT, email_sent_at=timezone.now())
    finally:
        try:
            connection.close()
        except (OSError, smtplib.SMTPException):
            pass
    return sent, failed


def emails_retry(*, now=None) -> tuple[int, int]:
    """The e-mails still to send: failed a while ago, or never tried by a thread that died."""
    now = now or timezone.now()
    due = Q(email_tried_at__lt=now - RETRY_AFTER) | Q(email_tried_at__isnull=True, created_at__lt=now - FIRST_TRY_GRACE)
    pending = Notice.objects.filter(due, email=Notice.Email.PENDING).select_related("user").order_by("pk")
    if not settings.EMAIL_HOST or not pending.exists():
        return 0, 0
    return emails_send(pending[:500])
