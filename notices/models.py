"""What reaches people: a notice in the portal (and by e-mail), each person's choice of e-mail,
and the reminders already sent, so that a reminder goes out once whatever runs the command."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from members.models import Organisation, Term
from reports.models import Meeting


class Notice(models.Model):
    """Something that happened to the user's federation or concerns their work, with where to look.
    Its sentence is made when shown (texts.py), from `data`, so that it reads in the user's language."""

    class Kind(models.TextChoices):
        RETURN_APPROVED = "return_approved", _("Số liệu tháng đã được duyệt")
        RETURN_SENT_BACK = "return_sent_back", _("Báo cáo tháng bị trả lại để sửa")
        RETURN_UNLOCKED = "return_unlocked", _("Số liệu tháng được mở khóa")
        CDCS_FOUNDED = "cdcs_founded", _("Thành lập CĐCS")
        CDCS_DISSOLVED = "cdcs_dissolved", _("Giải thể CĐCS")
        CDCS_MOVED_IN = "cdcs_moved_in", _("CĐCS chuyển đến")
        CDCS_MOVED_OUT = "cdcs_moved_out", _("CĐCS chuyển đi")
        TRANSFER_REQUEST = "transfer_request", _("Đề nghị chuyển sinh hoạt đoàn viên")
        RETURN_DUE = "return_due", _("Sắp đến hạn gửi báo cáo tháng")
        RETURN_OVERDUE = "return_overdue", _("Quá hạn gửi báo cáo tháng")
        MEETING = "meeting", _("Sắp họp Ban Chỉ đạo")
        CHAIR_VACANT = "chair_vacant", _("CĐCS không còn chủ tịch")
        TERM_ENDING = "term_ending", _("Sắp hết nhiệm kỳ CĐCS")

    class Email(models.TextChoices):
        NONE = "none", _("không gửi")
        PENDING = "pending", _("chờ gửi")
        SENT = "sent", _("đã gửi")
        FAILED = "failed", _("không gửi được")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người nhận"), on_delete=models.CASCADE, related_name="notices"
    )
    kind = models.CharField(_("loại"), max_length=30, choices=Kind.choices)
    data = models.JSONField(_("chi tiết"), default=dict, blank=True)
    link = models.CharField(_("đường dẫn"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("lúc"), auto_now_add=True)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)
    email = models.CharField(_("thư điện tử"), max_length=10, choices=Email.choices, default=Email.NONE)
    email_tries = models.PositiveSmallIntegerField(_("số lần gửi thư"), default=0)
    email_tried_at = models.DateTimeField(_("gửi thư lần cuối lúc"), null=True, blank=True)
    email_sent_at = models.DateTimeField(_("đã gửi thư lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notice_unread"),
            models.Index(fields=["email", "email_tried_at"], name="notice_email_pending"),
        ]

    def __str__(self):
        return f"{self.user_id} {self.kind} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def text(self) -> str:
        from .texts import notice_text

        return notice_text(self.kind, self.data)


class Preference(models.Model):
    """A person's choice of e-mail; without a row, e-mail is on (when they have an address)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_preference")
    email = models.BooleanField(_("nhận thông báo qua e-mail"), default=True)

    class Meta:
        verbose_name = _("cài đặt thông báo")
        verbose_name_plural = _("cài đặt thông báo")

    def __str__(self):
        return f"{self.user_id}: {self.email}"


class Reminder(models.Model):
    """A reminder sent: once per federation, month and kind, once per meeting, or once per CĐCS
    term and number of days before its end. The unique constraints make a second run of
    send_reminders (even at the same moment) send nothing."""

    kind = models.CharField(_("loại"), max_length=30, choices=Notice.Kind.choices)
    federation = models.ForeignKey(
        Organisation, verbose_name=_("công đoàn cấp trên"), null=True, blank=True, on_delete=models.CASCADE
    )
    month = models.DateField(_("tháng"), null=True, blank=True)
    meeting = models.ForeignKey(Meeting, verbose_name=_("phiên họp"), null=True, blank=True, on_delete=models.CASCADE)
    term = models.ForeignKey(Term, verbose_name=_("nhiệm kỳ CĐCS"), null=True, blank=True, on_delete=models.CASCADE)
    days_before = models.PositiveSmallIntegerField(_("số ngày trước khi hết nhiệm kỳ"), null=True, blank=True)
    sent_at = models.DateTimeField(_("gửi lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("lời nhắc đã gửi")
        verbose_name_plural = _("lời nhắc đã gửi")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "federation", "month"],
                condition=Q(meeting__isnull=True, term__isnull=True),
                name="reminder_once_per_federation_month",
            ),
            models.UniqueConstraint(
                fields=["kind", "meeting"], condition=Q(meeting__isnull=False), name="reminder_once_per_meeting"
            ),
            models.UniqueConstraint(
                fields=["kind", "term", "days_before"],
                condition=Q(term__isnull=False),
                name="reminder_once_per_term_and_days",
            ),
            models.CheckConstraint(
                condition=Q(meeting__isnull=False)
                | Q(federation__isnull=False, month__isnull=False)
                | Q(term__isnull=False, days_before__isnull=False),
                name="reminder_of_a_meeting_a_federation_month_or_a_term",
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.federation_id or ''} {self.month or ''} {self.meeting_id or ''} {self.term_id or ''}"
