"""Training courses for CĐCS officers (đào tạo, bồi dưỡng cán bộ CĐCS) and who attended them.

A course is organised by a federation or by the province itself. Its total of officers trained
is what counts against the training quota (targets.Quota.trained_officers); the attendance by
CĐCS, where known, breaks that total down and may leave part of it unassigned (officers whose
CĐCS was not recorded), so its sum never exceeds the total."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from members.models import GrassrootsUnion, Officer, Organisation
from unionportal.lib.text import NoteField


class Course(models.Model):
    organiser = models.ForeignKey(
        Organisation, verbose_name=_("đơn vị tổ chức"), on_delete=models.PROTECT, related_name="courses"
    )
    starts_on = models.DateField(_("ngày bắt đầu"))
    ends_on = models.DateField(_("ngày kết thúc"), null=True, blank=True)
    topic = models.CharField(_("nội dung, chủ đề"), max_length=255)
    place = models.CharField(_("địa điểm"), max_length=255, blank=True)
    officers = models.PositiveIntegerField(_("số cán bộ CĐCS được đào tạo"))
    note = NoteField(_("ghi chú"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhập"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("nhập lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("lớp đào tạo cán bộ CĐCS")
        verbose_name_plural = _("lớp đào tạo cán bộ CĐCS")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="course_dates_in_order",
                violation_error_message=_("Ngày kết thúc không được trước ngày bắt đầu."),
            ),
            models.CheckConstraint(
                condition=Q(officers__gte=1),
                name="course_trains_someone",
                violation_error_message=_("Số cán bộ được đào tạo phải từ 1 trở lên."),
            ),
        ]
        indexes = [models.Index(fields=["starts_on"])]

    def __str__(self):
        return f"{self.topic} ({self.starts_on:%d/%m/%Y})"


class CourseAttendance(models.Model):
    """How many of a course's officers came from one CĐCS, and, where known, who they were: the
    CĐCS's officer records (members.Officer) in post during the course, never more than the
    number (officers not named are officers the course does not say)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="attendance")
    cdcs = models.ForeignKey(
        GrassrootsUnion, verbose_name=_("CĐCS"), on_delete=models.PROTECT, related_name="course_attendance"
    )
    officers = models.PositiveIntegerField(_("số cán bộ"))
    named_officers = models.ManyToManyField(
        Officer, verbose_name=_("cán bộ dự lớp (ghi tên)"), blank=True, related_name="courses_attended"
    )

    class Meta:
        verbose_name = _("cán bộ dự lớp theo CĐCS")
        verbose_name_plural = _("cán bộ dự lớp theo CĐCS")
        ordering = ["course", "cdcs__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "cdcs"],
                name="attendance_one_per_course_cdcs",
                violation_error_message=_("CĐCS này đã có trong danh sách dự lớp."),
            ),
            models.CheckConstraint(condition=Q(officers__gte=1), name="attendance_counts_someone"),
        ]

    def __str__(self):
        return f"{self.cdcs.code}: {self.officers}"
