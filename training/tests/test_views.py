"""The course pages through the Django test client: the form with its CĐCS rows, refusals that
change nothing, and who sees and changes which course."""

import re
from datetime import date

import pytest
from django.urls import reverse

from members.models import AuditEntry
from training.models import Course
from training.services import CourseData, course_create


def _post(organiser="DT", rows=(), **changes) -> dict:
    data = {
        "organiser": organiser,
        "starts_on": "2021-03-10",
        "ends_on": "2021-03-12",
        "topic": "Kỹ năng thương lượng tập thể",
        "place": "Hội trường LĐLĐ huyện",
        "officers": "35",
        "note": "",
        "attendance-TOTAL_FORMS": str(max(len(rows), 3)),
        "attendance-INITIAL_FORMS": "0",
    }
    for index, (cdcs, officers) in enumerate(rows):
        data[f"attendance-{index}-cdcs"] = str(cdcs)
        data[f"attendance-{index}-officers"] = str(officers)
    data.update(changes)
    return data


def _text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


@pytest.fixture
def courses(federation, other_federation, make_cdcs):
    dt = make_cdcs(federation, code="DT01")
    make_cdcs(other_federation, code="PB01")
    return {
        "DT": course_create(
            organiser=federation,
            data=CourseData(date(2021, 3, 2), "Nghiệp vụ cho chủ tịch CĐCS", 40, attendance=[(dt, 4)]),
            user=None,
        ),
        "PB": course_create(
            organiser=other_federation, data=CourseData(date(2022, 5, 2), "An toàn vệ sinh lao động", 25), user=None
        ),
    }


def test_federation_staff_record_a_course_with_its_cdcs_rows(client_for, federation_user, federation, make_cdcs):
    dt1, dt2 = make_cdcs(federation, code="DT01"), make_cdcs(federation, code="DT02")
    client = client_for(federation_user)
    form = client.get(reverse("training:course_new"))
    assert form.status_code == 200 and "LĐLĐ huyện Đại Từ" in _text(form)  # no organiser to choose
    response = client.post(reverse("training:course_new"), _post(rows=[(dt1.pk, 10), (dt2.pk, 5)]), follow=True)
    course = Course.objects.get()
    assert response.redirect_chain[-1][0] == reverse("training:course_detail", kwargs={"pk": course.pk})
    assert (course.organiser, course.officers, course.ends_on) == (federation, 35, date(2021, 3, 12))
    page = _text(response)
    assert "Đã ghi lớp “Kỹ năng thương lượng tập thể”." in page
    assert "Chưa rõ CĐCS 20" in page  # 35 trained, 15 of them by CĐCS


def test_the_cdcs_rows_offer_only_the_federations_cdcs(
    client_for, federation_user, federation, other_federation, make_cdcs
):
    make_cdcs(federation, code="DT01")
    make_cdcs(other_federation, code="PB01")
    html = client_for(federation_user).get(reverse("training:course_new")).content.decode()
    assert "DT01" in html and "PB01" not in html


def test_attendance_above_the_total_re_shows_the_form_and_writes_nothing(
    client_for, federation_user, federation, make_cdcs
):
    cdcs = make_cdcs(federation, code="DT01")
    response = client_for(federation_user).post(reverse("training:course_new"), _post(rows=[(cdcs.pk, 50)]))
    assert response.status_code == 200
    assert "Tổng số cán bộ theo từng CĐCS (50) vượt quá số cán bộ được đào tạo của lớp (35)." in _text(response)
    assert not Course.objects.exists() and not AuditEntry.objects.filter(action="course.create").exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"officers": "abc"}, "Hãy nhập một số nguyên."),
        ({"officers": "0"}, "Số cán bộ phải từ 1 trở lên."),
        ({"starts_on": "31/02/2021"}, "Ngày không hợp lệ: hãy nhập dạng dd/mm/yyyy, ví dụ 10/03/2021."),
        ({"topic": ""}, "Trường này là bắt buộc."),
        ({"ends_on": "2021-03-01"}, "Ngày kết thúc không được trước ngày bắt đầu."),
        ({"attendance-0-officers": "3"}, "Hãy chọn CĐCS."),
    ],
)
def test_bad_input_is_refused_with_a_vietnamese_message(client_for, federation_user, federation, changes, message):
    response = client_for(federation_user).post(reverse("training:course_new"), _post(**changes))
    assert response.status_code == 200
    assert message in _text(response)
    assert not Course.objects.exists()


def test_federation_staff_cannot_record_a_course_for_another_federation(
    client_for, federation_user, other_federation, province
):
    client = client_for(federation_user)
    for code in ("PB", "TN"):
        assert client.post(reverse("training:course_new"), _post(organiser=code)).status_code == 404
        assert client.get(reverse("training:course_new"), {"org": code}).status_code == 404
    assert not Course.objects.exists()


def test_provincial_staff_choose_the_organiser_first(client_for, provincial_staff, province, federation, make_cdcs):
    make_cdcs(federation, code="DT01")
    client = client_for(provincial_staff)
    chooser = client.get(reverse("training:course_new"))
    assert 'id="course-organiser"' in chooser.content.decode()
    form = client.get(reverse("training:course_new"), {"org": "TN"})
    assert "LĐLĐ tỉnh Thái Nguyên" in _text(form) and "DT01" in form.content.decode()
    client.post(reverse("training:course_new"), _post(organiser="TN"))
    assert Course.objects.get().organiser == province


def test_the_list_filters_by_year_and_organiser_and_hides_other_federations(
    client_for, federation_user, leader, courses
):
    own = client_for(federation_user).get(reverse("training:course_list"))
    assert "Nghiệp vụ cho chủ tịch CĐCS" in _text(own) and "An toàn vệ sinh lao động" not in _text(own)
    client = client_for(leader)
    everything = _text(client.get(reverse("training:course_list")))
    assert "Nghiệp vụ cho chủ tịch CĐCS" in everything and "An toàn vệ sinh lao động" in everything
    assert "Thêm lớp" not in everything and "Sửa" not in everything  # leadership reads only
    by_year = _text(client.get(reverse("training:course_list"), {"year": "2022"}))
    assert "Nghiệp vụ cho chủ tịch CĐCS" not in by_year and "An toàn vệ sinh lao động" in by_year
    by_org = _text(client.get(reverse("training:course_list"), {"org": "DT"}))
    assert "Nghiệp vụ cho chủ tịch CĐCS" in by_org and "An toàn vệ sinh lao động" not in by_org


def test_editing_shows_the_cdcs_rows_and_an_emptied_row_is_removed(client_for, federation_user, courses):
    course = courses["DT"]
    url = reverse("training:course_edit", kwargs={"pk": course.pk})
    client = client_for(federation_user)
    html = client.get(url).content.decode()
    assert 'name="attendance-INITIAL_FORMS" value="1"' in html and 'value="4"' in html
    data = _post(
        topic="Nghiệp vụ cho chủ tịch CĐCS",
        officers="42",
        **{"attendance-INITIAL_FORMS": "1", "attendance-0-cdcs": "", "attendance-0-officers": ""},
    )
    assert client.post(url, data).status_code == 302
    course.refresh_from_db()
    assert course.officers == 42 and not course.attendance.exists()


def test_leadership_is_refused_every_change_and_nothing_is_written(client_for, leader, courses):
    course = courses["DT"]
    client = client_for(leader)
    assert client.post(reverse("training:course_new"), _post()).status_code == 403
    assert client.post(reverse("training:course_edit", kwargs={"pk": course.pk}), _post()).status_code == 403
    assert client.post(reverse("training:course_delete", kwargs={"pk": course.pk})).status_code == 403
    assert Course.objects.count() == 2 and not AuditEntry.objects.filter(user=leader).exists()


def test_another_federations_course_is_not_found_even_by_its_id(client_for, federation_user, courses):
    client = client_for(federation_user)
    other = courses["PB"].pk
    for name in ("training:course_detail", "training:course_edit", "training:course_delete"):
        assert client.get(reverse(name, kwargs={"pk": other})).status_code == 404
    assert client.post(reverse("training:course_delete", kwargs={"pk": other})).status_code == 404
    assert client.get(reverse("training:course_detail", kwargs={"pk": 999_999})).status_code == 404
    assert Course.objects.filter(pk=other).exists()


def test_deleting_asks_first_then_removes_the_course(client_for, federation_user, courses):
    url = reverse("training:course_delete", kwargs={"pk": courses["DT"].pk})
    client = client_for(federation_user)
    assert "Xóa lớp đào tạo này?" in _text(client.get(url))
    response = client.post(url, follow=True)
    assert "Đã xóa lớp “Nghiệp vụ cho chủ tịch CĐCS”." in _text(response)
    assert not Course.objects.filter(pk=courses["DT"].pk).exists()
    assert AuditEntry.objects.filter(action="course.delete").count() == 1
