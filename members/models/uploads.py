"""Excel files uploaded to be imported in two steps: a federation's month sheet (Upload), and
the lists (ListUpload) that the member register and other apps build on."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from unionportal.lib.months import Month
from unionportal.lib.uploads import ListUpload

from .audit import AuditEntry
from .org import GrassrootsUnion, Organisation


class Upload(models.Model):
    """An Excel sheet of a federation-month uploaded for import (members.sheets): the original
    file as it came, what was read from it, and what became of it. Kept in the database, so that
    app servers hold no files of their own."""

    class Outcome(models.TextChoices):
        READING = "reading", _("đang đọc")  # a large sheet, kept and read by a job (members.figures.sheet_jobs)
        PREVIEW = "preview", _("chờ xác nhận")
        REFUSED = "refused", _("bị từ chối")
        IMPORTED = "imported", _("đã nhập")
        UNCHANGED = "unchanged", _("không có gì thay đổi")
        DISCARDED = "discarded", _("đã hủy")

    federation = models.ForeignKey(
        Organisation, verbose_name=_("công đoàn cấp trên"), on_delete=models.PROTECT, related_name="uploads"
    )
    month = models.DateField(_("tháng"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tải lên"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)
    source = models.CharField(_("nguồn"), max_length=10, choices=AuditEntry.Source.choices)
    file_name = models.CharField(_("tên tệp"), max_length=255)
    content = models.BinaryField(_("tệp gốc"))
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(max_length=64)
    outcome = models.CharField(_("kết quả"), max_length=10, choices=Outcome.choices)
    problems = models.JSONField(_("lỗi"), default=list, blank=True)
    parsed = models.JSONField(_("số liệu đọc được"), default=dict, blank=True)
    return_version = models.PositiveIntegerField(_("phiên bản báo cáo lúc tải lên"), default=0)
    rows_changed = models.PositiveIntegerField(_("số dòng thay đổi"), default=0)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    finished_at = models.DateTimeField(_("xác nhận lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("tệp Excel tải lên")
        verbose_name_plural = _("tệp Excel tải lên")
        ordering = ["-uploaded_at", "-id"]
        indexes = [models.Index(fields=["federation", "month"])]

    def __str__(self):
        return f"{self.file_name} ({self.federation.code} {Month.of(self.month)})"


class MemberListUpload(ListUpload):
    """A member list (Excel) uploaded for one CĐCS: what was read, until it is confirmed or dropped.
    The file itself is not kept, and what was read is emptied once the upload is finished: the
    register holds the personal data, not a second copy of it."""

    cdcs = models.ForeignKey(GrassrootsUnion, on_delete=models.CASCADE, related_name="member_uploads")
    month = models.DateField(_("tháng ghi sổ"))
    sha256 = models.CharField(max_length=64)
    rows_created = models.PositiveIntegerField(_("số đoàn viên thêm mới"), default=0)
    rows_updated = models.PositiveIntegerField(_("số đoàn viên cập nhật"), default=0)

    class Meta(ListUpload.Meta):
        verbose_name = _("danh sách đoàn viên tải lên")
        verbose_name_plural = _("danh sách đoàn viên tải lên")

    def __str__(self):
        return f"{self.file_name} ({self.cdcs.code})"
