"""Hourly from cron (docs/operations.md "Thông báo và nhắc hạn"): the reminders due today, each
once, and the notices' e-mails that could not be sent before."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from notices.delivery import deliveries_wait, emails_retry
from notices.models import Notice
from notices.reminders import reminders_send


class Command(BaseCommand):
    help = "Gửi lời nhắc hạn báo cáo tháng và lịch họp Ban Chỉ đạo (mỗi lời nhắc một lần), gửi lại thư chưa gửi được."

    def handle(self, *args, **options):
        sent = reminders_send(today=timezone.localdate())
        deliveries_wait()  # the reminders' own e-mails, sent after each commit
        mailed, failed = emails_retry()
        for kind, count in sent.items():
            self.stdout.write(f"{Notice.Kind(kind).label}: {count} lời nhắc")
        self.stdout.write(f"Thư gửi lại: {mailed} đã gửi, {failed} chưa gửi được")
