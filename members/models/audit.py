"""The audit trail: who changed what, when and from where (written through members.audit)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .org import Organisation


class AuditEntry(models.Model):
    """Who changed what, when and from where. Written by services only."""

    class Source(models.TextChoices):
        WEB = "web", _("trình duyệt")
        ADMIN = "admin", _("trang quản trị")
        UPLOAD = "upload", _("tải tệp Excel")
        COMMAND = "command", _("dòng lệnh")
        SYSTEM = "system", _("hệ thống")

    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người dùng"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    username = models.CharField(_("tên đăng nhập"), max_length=150, blank=True)
    action = models.CharField(_("hành động"), max_length=50, db_index=True)
    source = models.CharField(_("nguồn"), max_length=10, choices=Source.choices, default=Source.WEB)
    object_type = models.CharField(_("loại đối tượng"), max_length=50, blank=True)
    object_id = models.CharField(_("mã đối tượng"), max_length=50, blank=True)
    object_repr = models.CharField(_("đối tượng"), max_length=255, blank=True)
    federation = models.ForeignKey(
        Organisation,
        verbose_name=_("công đoàn cấp trên"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    month = models.DateField(_("tháng"), null=True, blank=True)
    data = models.JSONField(_("chi tiết"), default=dict, blank=True)

    class Meta:
        verbose_name = _("nhật ký thay đổi")
        verbose_name_plural = _("nhật ký thay đổi")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.object_repr}"
