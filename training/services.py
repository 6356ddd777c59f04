"""Every write to training courses: checked, audited, in one transaction."""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from members.access import require_write
from members.audit import audit_log
from members.models import GrassrootsUnion, Officer, Organisation
from unionportal.lib.months import Month

from .models import Course, CourseAttendance
from .selectors import names_readable, officers_during

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
    # A CĐCS still on the list keeps its row, and the officers named on it.
    kept = {row.cdcs_id: row for row in course.attendance.all()}
    wanted = {cdcs.pk: officers for cdcs, officers in data.attendance}
    course.attendance.exclude(cdcs_id__in=list(wanted)).delete()
    for cdcs_id, row in kept.items():
        if cdcs_id in wanted and row.officers != wanted[cdcs_id]:
            row.officers = wanted[cdcs_id]
            row.save(update_fields=["officers"])
    CourseAttendance.objects.bulk_create(
        CourseAttendance(course=course, cdcs=cdcs, officers=officers)
        for cdcs, officers in data.attendance
        if cdcs.pk not in kept
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
    """Correct a course; its attendance by CĐCS is replaced by data.attendance (a CĐCS still on it
    keeps the officers it names, who must still fit its number and the course's days)."""
    require_write(user, course.organiser)
    course = Course.objects.select_for_update().select_related("organiser").get(pk=course.pk)
    _check(course.organiser, data)
    before = _summary(course)
    _fill(course, data)
    refusals = _named_refusals(course, course.attendance.select_related("cdcs").prefetch_related("named_officers"))
    if refusals:
        raise ValidationError({"attendance": refusals})  # the transaction rolls the rows back
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


# --- the officers an attendance names ---------------------------------------------------------------


def _named_refusals(course: Course, rows) -> list[str]:
    """Why the officers named on `rows` (with .named_officers) do not fit: more than the row's
    number, or someone not in post on any day of the course."""
    refusals = []
    during = officers_during(course, [row.cdcs_id for row in rows])
    for row in rows:
        named = list(row.named_officers.all())
        if len(named) > row.officers:
            refusals.append(
                _("CĐCS %(code)s: đã ghi tên %(named)s cán bộ dự lớp, nhiều hơn %(officers)s cán bộ của CĐCS này.")
                % {"code": row.cdcs.code, "named": len(named), "officers": row.officers}
            )
        allowed = {officer.pk for officer in during.get(row.cdcs_id, [])}
        if any(officer.pk not in allowed for officer in named):
            refusals.append(
                _("CĐCS %(code)s: có cán bộ được ghi tên không giữ chức vụ ở CĐCS này trong thời gian mở lớp.")
                % {"code": row.cdcs.code}
            )
    return refusals


@transaction.atomic
def course_officers_name(*, course: Course, named: dict[str, list[int]], user) -> Course:
    """Name the officers who attended, by CĐCS line: CĐCS code → ids of its officer records (a
    line left out keeps its names, an empty list clears them). Each must be an officer of that
    CĐCS in post on some day of the course, whose names the user may read; a line names no more
    people than its number."""
    require_write(user, course.organiser)
    course = Course.objects.select_for_update().select_related("organiser").get(pk=course.pk)
    lines = {row.cdcs.code: row for row in course.attendance.select_related("cdcs")}
    unknown = sorted(set(named) - set(lines))
    if unknown:
        raise ValidationError(_("CĐCS %(codes)s không có trong danh sách dự lớp.") % {"codes": ", ".join(unknown)})
    readable = names_readable(user, [row.cdcs_id for row in lines.values()])
    refused = sorted(code for code in named if lines[code].cdcs_id not in readable)
    if refused:
        raise PermissionDenied(_("Bạn không được xem cán bộ của CĐCS %(codes)s.") % {"codes": ", ".join(refused)})
    before = {code: sorted(lines[code].named_officers.values_list("pk", flat=True)) for code in named}
    for code, ids in named.items():
        lines[code].named_officers.set(Officer.objects.filter(pk__in=set(ids)))
        if len(set(ids)) != lines[code].named_officers.count():
            raise ValidationError(_("CĐCS %(code)s: có cán bộ không còn trong sổ.") % {"code": code})
    rows = (
        course.attendance.filter(cdcs__code__in=list(named)).select_related("cdcs").prefetch_related("named_officers")
    )
    refusals = _named_refusals(course, rows)
    if refusals:
        raise ValidationError(refusals)
    changed = {
        code: [before[code], sorted(set(ids))] for code, ids in named.items() if before[code] != sorted(set(ids))
    }
    if changed:
        audit_log(user, "course.officers", course, federation=_federation(course.organiser), changed=changed)
    return course
