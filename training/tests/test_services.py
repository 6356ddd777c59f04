"""Recording, correcting and deleting courses: what is refused, with which message, and the audit trail."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from members.models import AuditEntry
from members.services.org import cdcs_move
from training.models import Course, CourseAttendance
from training.services import CourseData, course_create, course_delete, course_update
from unionportal.lib.months import Month


def _data(**changes) -> CourseData:
    fields = {"starts_on": date(2021, 3, 2), "topic": "Nghiệp vụ công tác công đoàn", "officers": 40}
    return CourseData(**{**fields, **changes})


def _messages(error: ValidationError) -> dict[str, list[str]]:
    return error.value.message_dict


def test_a_course_with_its_attendance_is_recorded_and_audited(federation, make_cdcs, federation_user):
    dt1, dt2 = make_cdcs(federation, code="DT01"), make_cdcs(federation, code="DT02")
    course = course_create(
        organiser=federation,
        data=_data(ends_on=date(2021, 3, 4), place=" Hội trường huyện ", attendance=[(dt1, 12), (dt2, 8)]),
        user=federation_user,
    )
    assert (course.officers, course.place, course.entered_by) == (40, "Hội trường huyện", federation_user)
    assert {row.cdcs.code: row.officers for row in course.attendance.all()} == {"DT01": 12, "DT02": 8}
    entry = AuditEntry.objects.get(action="course.create")
    assert (entry.username, entry.federation, entry.data["officers"]) == ("canbo.dt", federation, 40)
    assert entry.data["attendance"] == {"DT01": 12, "DT02": 8}


def test_attendance_adding_up_to_more_than_the_total_is_refused_and_nothing_is_written(federation, make_cdcs):
    dt1, dt2 = make_cdcs(federation), make_cdcs(federation)
    with pytest.raises(ValidationError) as error:
        course_create(organiser=federation, data=_data(officers=15, attendance=[(dt1, 10), (dt2, 8)]), user=None)
    assert _messages(error)["attendance"] == [
        "Tổng số cán bộ theo từng CĐCS (18) vượt quá số cán bộ được đào tạo của lớp (15). "
        "Hãy sửa số theo CĐCS hoặc tổng số."
    ]
    assert not Course.objects.exists() and not AuditEntry.objects.filter(action__startswith="course").exists()


def test_attendance_may_leave_part_of_the_total_without_a_cdcs(federation, make_cdcs):
    cdcs = make_cdcs(federation)
    course = course_create(organiser=federation, data=_data(officers=40, attendance=[(cdcs, 40)]), user=None)
    assert course.attendance.get().officers == 40


def test_a_cdcs_of_another_federation_is_refused(federation, other_federation, make_cdcs):
    pb = make_cdcs(other_federation, code="PB01")
    with pytest.raises(ValidationError) as error:
        course_create(organiser=federation, data=_data(attendance=[(pb, 3)]), user=None)
    assert _messages(error)["attendance"] == ["CĐCS PB01 không thuộc LĐLĐ huyện Đại Từ vào tháng 03/2021."]


def test_a_cdcs_counts_with_the_federation_it_belonged_to_in_the_courses_month(federation, other_federation, make_cdcs):
    cdcs = make_cdcs(federation, code="DT09")
    cdcs_move(cdcs=cdcs, federation=other_federation, from_month=Month(2021, 6), user=None)
    course_create(organiser=federation, data=_data(starts_on=date(2021, 3, 2), attendance=[(cdcs, 2)]), user=None)
    with pytest.raises(ValidationError):
        course_create(organiser=federation, data=_data(starts_on=date(2021, 7, 1), attendance=[(cdcs, 2)]), user=None)
    course_create(organiser=other_federation, data=_data(starts_on=date(2021, 7, 1), attendance=[(cdcs, 2)]), user=None)


def test_the_province_own_courses_take_any_cdcs(province, federation, other_federation, make_cdcs):
    dt, pb = make_cdcs(federation), make_cdcs(other_federation)
    course = course_create(organiser=province, data=_data(attendance=[(dt, 5), (pb, 6)]), user=None)
    assert course.attendance.count() == 2
    assert AuditEntry.objects.get(action="course.create").federation is None


def test_a_cdcs_named_twice_or_not_yet_founded_is_refused(federation, make_cdcs):
    cdcs = make_cdcs(federation, code="DT01")
    later = make_cdcs(federation, code="DT02", founded_on=date(2022, 5, 1))
    with pytest.raises(ValidationError) as error:
        course_create(organiser=federation, data=_data(attendance=[(cdcs, 2), (cdcs, 3), (later, 1)]), user=None)
    assert _messages(error)["attendance"] == [
        "CĐCS DT01 được ghi hai lần; hãy gộp vào một dòng.",
        "CĐCS DT02 chưa thành lập hoặc đã giải thể vào thời gian mở lớp.",
    ]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"ends_on": date(2021, 3, 1)}, "ends_on", "Ngày kết thúc không được trước ngày bắt đầu."),
        ({"officers": 0}, "officers", "Số cán bộ được đào tạo phải từ 1 trở lên."),
        ({"topic": "   "}, "topic", "Hãy nhập nội dung, chủ đề của lớp."),
        (
            {"starts_on": timezone.localdate() + timedelta(days=1)},
            "starts_on",
            "Ngày bắt đầu không được sau hôm nay: chỉ ghi những lớp đã mở.",
        ),
    ],
)
def test_bad_course_details_are_refused_with_a_message(federation, changes, field, message):
    with pytest.raises(ValidationError) as error:
        course_create(organiser=federation, data=_data(**changes), user=None)
    assert _messages(error)[field] == [message]
    assert not Course.objects.exists()


def test_a_course_of_a_federation_that_no_longer_existed_is_refused(make_federation):
    merged = make_federation("DH", "LĐLĐ huyện Định Hóa", active_to=date(2020, 12, 31))
    with pytest.raises(ValidationError) as error:
        course_create(organiser=merged, data=_data(), user=None)
    assert _messages(error)["starts_on"] == ["LĐLĐ huyện Định Hóa không hoạt động vào ngày 02/03/2021."]


def test_federation_staff_record_courses_for_their_own_federation_only(
    province, federation, other_federation, federation_user, leader
):
    for organiser, user in [(other_federation, federation_user), (province, federation_user), (federation, leader)]:
        with pytest.raises(PermissionDenied):
            course_create(organiser=organiser, data=_data(), user=user)
    assert not Course.objects.exists()


def test_a_correction_replaces_the_attendance_and_audits_what_changed(federation, make_cdcs, provincial_staff):
    dt1, dt2 = make_cdcs(federation, code="DT01"), make_cdcs(federation, code="DT02")
    course = course_create(organiser=federation, data=_data(attendance=[(dt1, 12)]), user=None)
    course_update(course=course, data=_data(officers=45, attendance=[(dt2, 9)]), user=provincial_staff)
    course.refresh_from_db()
    assert course.officers == 45
    assert list(CourseAttendance.objects.values_list("cdcs__code", "officers")) == [("DT02", 9)]
    entry = AuditEntry.objects.get(action="course.update")
    assert entry.data["changed"] == {"officers": [40, 45], "attendance": [{"DT01": 12}, {"DT02": 9}]}


def test_a_refused_correction_leaves_the_course_as_it_was(federation, make_cdcs):
    cdcs = make_cdcs(federation)
    course = course_create(organiser=federation, data=_data(attendance=[(cdcs, 12)]), user=None)
    with pytest.raises(ValidationError):
        course_update(course=course, data=_data(officers=10, attendance=[(cdcs, 12)]), user=None)
    course.refresh_from_db()
    assert course.officers == 40 and course.attendance.get().officers == 12


def test_deleting_a_course_keeps_what_it_was_in_the_audit_trail(federation, make_cdcs, federation_user, leader):
    cdcs = make_cdcs(federation, code="DT01")
    course = course_create(organiser=federation, data=_data(attendance=[(cdcs, 12)]), user=None)
    with pytest.raises(PermissionDenied):
        course_delete(course=course, user=leader)
    course_delete(course=course, user=federation_user)
    assert not Course.objects.exists() and not CourseAttendance.objects.exists()
    entry = AuditEntry.objects.get(action="course.delete")
    assert (entry.data["topic"], entry.data["attendance"]) == ("Nghiệp vụ công tác công đoàn", {"DT01": 12})
