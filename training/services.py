"""Every write to training courses: checked, audited, in one transaction."""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from members.access import require_write
from members.audit import audit_log
from members.models import GrassrootsUnion, Organisation
from unionportal.lib.months import Month

from .models import Course, CourseAttendance

# A course of a few hundred officers is large; a typing slip of extra zeros is not a course.
MAX_OFFICERS = 100_000


@dataclass
class CourseData:
    """What a person enters about a course. attendance: (CĐCS, officers) where known."""

    starts_on: date
    topic: str
    officers: int
    ends_on: date | None = None
    place: str = ""
    note: str = ""
    attendance: list[tuple[GrassrootsUnion, int]] = field(default_factory=list)


def _day(day: date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def _check(organiser: Organisation, data: CourseData) -> None:
    """Raise a ValidationError keyed by field ("attendance" for the CĐCS rows) listing every problem."""
    errors: dict[str, list[str]] = {}

    def refuse(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    if not data.topic.strip():
        refuse("topic", _("Hãy nhập nội dung, chủ đề của lớp."))
    if data.starts_on > timezone.localdate():
        refuse("starts_on", _("Ngày bắt đầu không được sau hôm nay: chỉ ghi những lớp đã mở."))
    if data.ends_on is not None and data.ends_on < data.starts_on:
        refuse("ends_on", _("Ngày kết thúc không được trước ngày bắt đầu."))
    if data.officers is None or data.officers < 1:
        refuse("officers", _("Số cán bộ được đào tạo phải từ 1 trở lên."))
    elif data.officers > MAX_OFFICERS:
        refuse("officers", _("Số cán bộ quá lớn (tối đa %(n)s).") % {"n": MAX_OFFICERS})
    if not organiser.is_province and not (
        (organiser.active_from is None or organiser.active_from <= data.starts_on)
        and (organiser.active_to is None or organiser.active_to >= data.starts_on)
    ):
        refuse(
            "starts_on",
            _("%(org)s không hoạt động vào ngày %(day)s.") % {"org": organiser.name, "day": _day(data.starts_on)},
        )
    _check_attendance(organiser, data, refuse)
    if errors:
        raise ValidationError(errors)


def _check_attendance(organiser: Organisation, data: CourseData, refuse) -> None:
    seen: set[int] = set()
    for cdcs, officers in data.attendance:
        if cdcs.pk in seen:
            refuse("attendance", _("CĐCS %(code)s được ghi hai lần; hãy gộp vào một dòng.") % {"code": cdcs.code})
        seen.add(cdcs.pk)
        if officers is None or officers < 1:
            refuse("attendance", _("Số cán bộ của CĐCS %(code)s phải từ 1 trở lên.") % {"code": cdcs.code})
    if not data.attendance:
        return
    assigned = sum(officers or 0 for _cdcs, officers in data.attendance)
    if data.officers and assigned > data.officers:
        refuse(
            "attendance",
            _(
                "Tổng số cán bộ theo từng CĐCS (%(assigned)s) vượt quá số cán bộ được đào tạo của lớp "
                "(%(total)s). Hãy sửa số theo CĐCS hoặc tổng số."
            )
            % {"assigned": assigned, "total": data.officers},
        )
    month = Month.of(data.starts_on)
    federation_of = dict(
        GrassrootsUnion.objects.filter(pk__in=seen).with_federation_at(month).values_list("pk", "federation_at_id")
    )
    last_day = data.ends_on or data.starts_on
    for cdcs, _officers in data.attendance:
        if cdcs.founded_on > last_day or (cdcs.dissolved_on is not None and cdcs.dissolved_on < data.starts_on):
            refuse(
                "attendance",
                _("CĐCS %(code)s chưa thành lập hoặc đã giải thể vào thời gian mở lớp.") % {"code": cdcs.code},
            )
        elif not organiser.is_province and federation_of.get(cdcs.pk) != organiser.pk:
            refuse(
                "attendance",
                _("CĐCS %(code)s không thuộc %(org)s vào tháng %(month)s.")
                % {"code": cdcs.code, "org": organiser.name, "month": month},
            )


def _summary(course: Course) -> dict:
    """The course as the audit trail keeps it."""
    return {
        "starts_on": course.starts_on.isoformat(),
        "ends_on": course.ends_on.isoformat() if course.ends_on else None,
        "topic": course.topic,
        "place": course.place,
        "officers": course.officers,
        "note": course.note,
        "attendance": {row.cdcs.code: row.officers for row in course.attendance.select_related("cdcs")},
    }


def _fill(course: Course, data: CourseData) -> None:
    course.starts_on, course.ends_on = data.starts_on, data.ends_on
    course.topic, course.place, course.note = data.topic.strip(), data.place.strip(), data.note.strip()
    course.officers = data.officers
    course.full_clean()
    course.save()
    course.attendance.all().delete()
    CourseAttendance.objects.bulk_create(
        CourseAttendance(course=course, cdcs=cdcs, officers=officers) for cdcs, officers in data.attendance
    )


def _federation(organiser: Organisation) -> Organisation | None:
    return None if organiser.is_province else organiser


@transaction.atomic
def course_create(*, organiser: Organisation, data: CourseData, user) -> Course:
    """Record a course organised by a federation (its staff or provincial staff) or by the
    province (provincial staff)."""
    require_write(user, organiser)
    _check(organiser, data)
    course = Course(organiser=organiser, entered_by=user if user is not None and user.is_authenticated else None)
    _fill(course, data)
    audit_log(user, "course.create", course, federation=_federation(organiser), **_summary(course))
    return course


@transaction.atomic
def course_update(*, course: Course, data: CourseData, user) -> Course:
    """Correct a course; its attendance by CĐCS is replaced by data.attendance."""
    require_write(user, course.organiser)
    course = Course.objects.select_for_update().select_related("organiser").get(pk=course.pk)
    _check(course.organiser, data)
    before = _summary(course)
    _fill(course, data)
    after = _summary(course)
    changed = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    if changed:
        audit_log(user, "course.update", course, federation=_federation(course.organiser), changed=changed)
    return course


@transaction.atomic
def course_delete(*, course: Course, user) -> None:
    require_write(user, course.organiser)
    audit_log(user, "course.delete", course, federation=_federation(course.organiser), **_summary(course))
    course.delete()
