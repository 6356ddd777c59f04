"""What the reports app keeps of its own: the steering committee's meetings, so that the
dashboard can offer "since the last meeting"."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MeetingQuerySet(models.QuerySet):
    def latest_before(self, day):
        """The latest meeting held before `day`, or None."""
        return self.filter(held_on__lt=day).order_by("-held_on", "-pk").first()


class Meeting(models.Model):
    """A meeting of the steering committee (phiên họp Ban Chỉ đạo), entered in the admin."""

    held_on = models.DateField(_("ngày họp"))
    title = models.CharField(_("tên phiên họp"), max_length=255)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("phiên họp Ban Chỉ đạo")
        verbose_name_plural = _("phiên họp Ban Chỉ đạo")
        ordering = ["-held_on"]

    def __str__(self):
        return f"{self.held_on:%d/%m/%Y} – {self.title}"


class ApiToken(models.Model):
    """A key for the read-only JSON API (reports/api/…). It acts as its user: the same
    visibility, so a federation user's token reads only that federation. Only the key's SHA-256
    is kept; the key itself is shown once, when it is made (reports.tokens.api_token_create)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người dùng"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("dùng cho"), max_length=100, blank=True, help_text=_("Ví dụ: bảng tin của Văn phòng."))
    prefix = models.CharField(_("bắt đầu bằng"), max_length=12, editable=False)
    key_hash = models.CharField(_("SHA-256 của mã"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tạo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_used_at = models.DateTimeField(_("dùng lần cuối lúc"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("mã truy cập API")
        verbose_name_plural = _("mã truy cập API")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.prefix}… ({self.user.get_username()})"
