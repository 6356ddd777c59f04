"""A job: one piece of long work, who started it, how far it is and how it ended."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("Đang chờ chạy")
        RUNNING = "running", _("Đang chạy")
        DONE = "done", _("Đã xong")
        FAILED = "failed", _("Không thành công")
        INTERRUPTED = "interrupted", _("Bị gián đoạn")

    ACTIVE = (State.QUEUED, State.RUNNING)
    ENDED = (State.DONE, State.FAILED)

    kind = models.CharField(_("loại việc"), max_length=100)
    subject = models.CharField(_("nội dung"), max_length=300, blank=True)
    # Ids and choices only: never a name, an ID number or a file's content (those stay in the rows
    # the ids point at, under their own access rules).
    params = models.JSONField(_("tham số"), default=dict, blank=True)
    # The same work (one upload, one plan) may not be waiting or running twice: a second click
    # finds the first job instead of starting another (the constraint below).
    key = models.CharField(_("khóa"), max_length=200, blank=True)
    state = models.CharField(_("trạng thái"), max_length=12, choices=State.choices, default=State.QUEUED)
    done = models.PositiveIntegerField(_("đã làm"), default=0)
    total = models.PositiveIntegerField(_("tổng"), default=0)
    step = models.CharField(_("bước"), max_length=200, blank=True)
    result = models.JSONField(_("kết quả"), default=dict, blank=True)  # {"message", "url", "link"}
    error = models.TextField(_("lỗi"), blank=True)  # for the user, in Vietnamese; the traceback is in the log
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    started_at = models.DateTimeField(_("bắt đầu lúc"), null=True, blank=True)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("tín hiệu sống lúc"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("số lần chạy"), default=0)
    runner = models.CharField(_("nơi chạy"), max_length=200, blank=True)  # "inline", or the worker and its pid

    class Meta:
        verbose_name = _("việc chạy nền")
        verbose_name_plural = _("việc chạy nền")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["created_by", "-created_at"], name="jobs_job_owner_recent")]
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                condition=Q(state__in=["queued", "running"]) & ~Q(key=""),
                name="jobs_job_one_active_per_key",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.kind}"
