"""A course's attendance names the officers who came (members.Officer records), and the report
counts how many of the chairs and committee members in post the programme trained, on a
hand-built case."""

import io
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from members.models import AuditEntry, Officer, Post
from members.officers.services import OfficerData, TermData, officer_add, officer_leave, term_open
from members.register.services import MemberData, member_admit
from targets.models import Programme, Quota
from training.selectors import training_report
from training.services import CourseData, course_create, course_officers_name, course_update
from unionportal.testing.html import find, find_all, page, text

CONGRESS = date(2021, 3, 15)


def _term(cdcs, user, day, size, *people):
    data = TermData(congress_on=day, decision_number="01/QĐ", committee_size=size)
    return term_open(cdcs=cdcs, data=data, officers=list(people), user=user)


def _held(cdcs, name) -> Officer:
    return Officer.objects.get(term__cdcs=cdcs, full_name=name, to_on__isnull=True)


@pytest.fixture
def unions(federation, other_federation, make_cdcs, federation_user, other_federation_user):
    """DT01: chair Lan, vice-chair Hùng, member Hoa (a committee of 3) from 15/03/2021, Hoa leaves on
    01/04/2021. DT02: chair Nam (member of the register), member Mai, of 3. PB01: chair Lý, of 1."""
    dt01 = make_cdcs(federation, code="DT01", name="CĐCS Công ty May Việt Đức")
    dt02 = make_cdcs(federation, code="DT02", name="CĐCS Trường THPT Đại Từ")
    pb01 = make_cdcs(other_federation, code="PB01")
    nam = member_admit(cdcs=dt02, data=MemberData("Phạm Văn Nam", date(2015, 1, 1)), user=federation_user)
    _term(dt01, federation_user, CONGRESS, 3, OfficerData("Nguyễn Thị Lan", Post.CHAIR),
          OfficerData("Trần Văn Hùng", Post.VICE_CHAIR), OfficerData("Lê Thị Hoa", Post.MEMBER))  # fmt: skip
    _term(dt02, federation_user, CONGRESS, 3, OfficerData("", Post.CHAIR, member=nam),
          OfficerData("Đỗ Thị Mai", Post.MEMBER))  # fmt: skip
    _term(pb01, other_federation_user, CONGRESS, 1, OfficerData("Hà Văn Lý", Post.CHAIR))
    return {"DT01": dt01, "DT02": dt02, "PB01": pb01, "nam": nam}


@pytest.fixture
def course(federation, unions, federation_user):
    """DT's course of 10–12/05/2021: 2 officers of DT01, 1 of DT02, 5 of no recorded CĐCS."""
    data = CourseData(date(2021, 5, 10), "Nghiệp vụ cho chủ tịch CĐCS", 8, ends_on=date(2021, 5, 12),
                      attendance=[(unions["DT01"], 2), (unions["DT02"], 1)])  # fmt: skip
    return course_create(organiser=federation, data=data, user=federation_user)


def _named(course) -> dict[str, list[str]]:
    return {
        row.cdcs.code: sorted(row.named_officers.values_list("full_name", flat=True))
        for row in course.attendance.select_related("cdcs")
    }


def test_federation_staff_name_who_attended_line_by_line(course, unions, federation_user):
    lan, hung = _held(unions["DT01"], "Nguyễn Thị Lan"), _held(unions["DT01"], "Trần Văn Hùng")
    course_officers_name(course=course, named={"DT01": [lan.pk, hung.pk]}, user=federation_user)
    assert _named(course) == {"DT01": ["Nguyễn Thị Lan", "Trần Văn Hùng"], "DT02": []}
    entry = AuditEntry.objects.get(action="course.officers")
    assert entry.data["changed"] == {"DT01": [[], sorted([lan.pk, hung.pk])]}  # ids, never names
    assert entry.federation.code == "DT"

    course_officers_name(course=course, named={"DT01": [lan.pk]}, user=federation_user)
    assert _named(course)["DT01"] == ["Nguyễn Thị Lan"]
    course_officers_name(course=course, named={"DT01": [lan.pk]}, user=federation_user)  # no change
    assert AuditEntry.objects.filter(action="course.officers").count() == 2


def _refused(course, named, user) -> str:
    with pytest.raises(ValidationError) as refused:
        course_officers_name(course=course, named=named, user=user)
    assert _named(course) == {"DT01": [], "DT02": []}
    return " ".join(refused.value.messages)


def test_names_that_do_not_fit_the_line_are_refused_whole(course, unions, federation_user, federation):
    dt01, dt02 = unions["DT01"], unions["DT02"]
    lan, hung = _held(dt01, "Nguyễn Thị Lan"), _held(dt01, "Trần Văn Hùng")
    officer_leave(officer=_held(dt01, "Lê Thị Hoa"), on=date(2021, 4, 1), reason="moved", user=federation_user)
    hoa = Officer.objects.get(full_name="Lê Thị Hoa")

    assert "nhiều hơn 2 cán bộ" in _refused(course, {"DT01": [lan.pk, hung.pk, hoa.pk]}, federation_user)
    assert "không giữ chức vụ" in _refused(course, {"DT01": [hoa.pk]}, federation_user)  # left before it
    assert "không giữ chức vụ" in _refused(course, {"DT01": [_held(dt02, "Đỗ Thị Mai").pk]}, federation_user)
    assert "không có trong danh sách" in _refused(course, {"PB01": [lan.pk]}, federation_user)
    assert "không còn trong sổ" in _refused(course, {"DT01": [999_999]}, federation_user)
    assert not AuditEntry.objects.filter(action="course.officers").exists()


def test_another_federation_and_leadership_name_nobody(course, unions, other_federation_user, leader):
    lan = _held(unions["DT01"], "Nguyễn Thị Lan")
    for user in (other_federation_user, leader):
        with pytest.raises(PermissionDenied):
            course_officers_name(course=course, named={"DT01": [lan.pk]}, user=user)


def test_correcting_the_course_keeps_the_names_and_refuses_a_number_below_them(course, unions, federation_user):
    dt01, dt02 = unions["DT01"], unions["DT02"]
    lan, hung = _held(dt01, "Nguyễn Thị Lan"), _held(dt01, "Trần Văn Hùng")
    course_officers_name(course=course, named={"DT01": [lan.pk, hung.pk]}, user=federation_user)

    data = CourseData(date(2021, 5, 10), "Nghiệp vụ cho chủ tịch CĐCS", 9, ends_on=date(2021, 5, 12),
                      attendance=[(dt01, 3), (dt02, 1)])  # fmt: skip
    course_update(course=course, data=data, user=federation_user)
    assert _named(course)["DT01"] == ["Nguyễn Thị Lan", "Trần Văn Hùng"]
    assert course.attendance.get(cdcs=dt01).officers == 3

    data.attendance = [(dt01, 1), (dt02, 1)]
    with pytest.raises(ValidationError) as refused:
        course_update(course=course, data=data, user=federation_user)
    assert "đã ghi tên 2 cán bộ dự lớp, nhiều hơn 1" in " ".join(refused.value.messages)
    assert course.attendance.get(cdcs=dt01).officers == 3  # nothing changed

    data.starts_on, data.ends_on = date(2021, 3, 1), date(2021, 3, 2)  # before their congress
    data.attendance = [(dt01, 3), (dt02, 1)]
    with pytest.raises(ValidationError):
        course_update(course=course, data=data, user=federation_user)
    data.attendance = [(dt02, 1)]  # DT01's line dropped: its names go with it
    course_update(course=course, data=data, user=federation_user)
    assert _named(course) == {"DT02": []}


# --- the pages ---------------------------------------------------------------------------------------


def test_the_course_page_names_officers_to_staff_and_counts_them_to_leadership(
    course, unions, federation_user, provincial_staff, leader, client_for
):
    lan = _held(unions["DT01"], "Nguyễn Thị Lan")
    course_officers_name(course=course, named={"DT01": [lan.pk]}, user=federation_user)
    url = reverse("training:course_detail", kwargs={"pk": course.pk})
    for user in (federation_user, provincial_staff):
        html = page(client_for(user).get(url))
        assert text(find(html, "td", data_named="1")) == "Nguyễn Thị Lan (Chủ tịch)"
    response = client_for(leader).get(url)
    assert text(find(page(response), "td", data_named="1")) == "1 người"
    assert "Nguyễn" not in response.content.decode() and "name-officers" not in response.content.decode()


def test_the_naming_page_lists_each_lines_officers_in_post_during_the_course(
    course, unions, federation_user, client_for
):
    officer_leave(officer=_held(unions["DT01"], "Lê Thị Hoa"), on=date(2021, 4, 1), reason="moved",
                  user=federation_user)  # fmt: skip
    client = client_for(federation_user)
    url = reverse("training:course_officers", kwargs={"pk": course.pk})
    html = page(client.get(url))
    dt01 = find(html, "fieldset", data_cdcs="DT01")
    assert [text(label) for label in find_all(dt01, "label")] == [
        "Nguyễn Thị Lan – Chủ tịch",
        "Trần Văn Hùng – Phó Chủ tịch",
    ]
    hung = _held(unions["DT01"], "Trần Văn Hùng")
    mai = _held(unions["DT02"], "Đỗ Thị Mai")
    response = client.post(url, {"officers-DT01": [str(hung.pk)],
                                 "officers-DT02": [str(mai.pk)]}, follow=True)  # fmt: skip
    assert "Đã ghi tên cán bộ dự lớp" in response.content.decode()
    assert _named(course) == {"DT01": ["Trần Văn Hùng"], "DT02": ["Đỗ Thị Mai"]}

    # Two for a line of one: refused with the line's message, the ticks kept, nothing written.
    nam = _held(unions["DT02"], "Phạm Văn Nam")
    posted = {"officers-DT01": [str(hung.pk)], "officers-DT02": [str(mai.pk), str(nam.pk)]}
    html = page(client.post(url, posted))
    assert "nhiều hơn 1 cán bộ" in text(find(html, id="officers-errors"))
    assert len(find_all(find(html, "fieldset", data_cdcs="DT02"), "input", checked=True)) == 2
    assert _named(course)["DT02"] == ["Đỗ Thị Mai"]


# --- the report: chairs and committee members in post, trained -----------------------------------------


@pytest.fixture
def trained(unions, course, province, other_federation, federation_user, provincial_staff, other_federation_user):
    """Programme 2021–2023 (DT's training quota 2023: 20).
    - DT's course of 05/2021 names DT01's chair Lan and vice-chair Hùng. On 01/06/2022 Lan leaves;
      Hùng leaves the vice-chair's post and is appointed chair (a new record: the same person by
      name); Tâm is co-opted. In post on 31/12/2023: Hùng (chair, trained), Hoa, Tâm.
    - The province's course of 09/2022 names DT02's chair Nam (a register member); DT02's congress of
      01/03/2023 re-elects him, typed "Phạm  văn Nam" (the same member). In post: Nam (chair,
      trained), Mai, whom DT's course of 03/2024 names: after 2023.
    - PB's course of 01/02/2024 names PB01's chair Lý: after 2023."""
    dt01, dt02, pb01 = unions["DT01"], unions["DT02"], unions["PB01"]
    programme = Programme.objects.create(
        name="Chương trình 2021–2023", document_number="04/CTr-LĐLĐ", document_date=date(2021, 1, 5),
        first_year=2021, last_year=2023,
    )  # fmt: skip
    Quota.objects.create(programme=programme, organisation=course.organiser, year=2023, trained_officers=20)
    lan, hung = _held(dt01, "Nguyễn Thị Lan"), _held(dt01, "Trần Văn Hùng")
    course_officers_name(course=course, named={"DT01": [lan.pk, hung.pk]}, user=federation_user)
    moved = date(2022, 6, 1)
    officer_leave(officer=lan, on=moved, reason="moved", user=federation_user)
    officer_leave(officer=hung, on=moved, reason="post_changed", user=federation_user)
    for name, post, how in [("Trần Văn Hùng", Post.CHAIR, Officer.How.APPOINTED),
                            ("Đỗ Văn Tâm", Post.MEMBER, Officer.How.CO_OPTED)]:  # fmt: skip
        officer_add(cdcs=dt01, data=OfficerData(name, post, moved, how=how), user=federation_user)

    def name(organiser, day, cdcs, officer, user):
        data = CourseData(day, "Kỹ năng thương lượng", 5, attendance=[(cdcs, 1)])
        created = course_create(organiser=organiser, data=data, user=provincial_staff)
        course_officers_name(course=created, named={cdcs.code: [officer.pk]}, user=user)

    name(province, date(2022, 9, 9), dt02, _held(dt02, "Phạm Văn Nam"), provincial_staff)
    _term(dt02, federation_user, date(2023, 3, 1), 3, OfficerData("Phạm  văn Nam", Post.CHAIR, member=unions["nam"]),
          OfficerData("Đỗ Thị Mai", Post.MEMBER))  # fmt: skip
    name(course.organiser, date(2024, 3, 1), dt02, _held(dt02, "Đỗ Thị Mai"), federation_user)
    name(other_federation, date(2024, 2, 1), pb01, _held(pb01, "Hà Văn Lý"), other_federation_user)
    return programme


def _in_post(row):
    p = row.in_post
    return (p.chairs_trained, p.chairs, p.committee_trained, p.committee)


def test_the_report_counts_the_chairs_and_members_in_post_the_programme_trained(trained, provincial_staff):
    report = training_report(year=2023, user=provincial_staff)
    assert report.in_post_on == date(2023, 12, 31)
    rows = {row.org.code: row for row in report.rows}
    assert _in_post(rows["DT"]) == (2, 2, 2, 5)  # Hùng and Nam of 2 chairs; they alone of Hùng, Hoa, Tâm, Nam, Mai
    assert _in_post(rows["PB"]) == (0, 1, 0, 1)  # Lý was trained in 2024
    assert _in_post(report.total) == (2, 3, 2, 6)
    assert report.province_courses.in_post is None
    assert rows["DT"].quota == 20


def test_without_a_programme_the_window_is_the_year(trained, provincial_staff, other_federation_user):
    report = training_report(year=2024, user=other_federation_user)
    assert report.programme is None
    (pb,) = report.rows
    assert _in_post(pb) == (1, 1, 1, 1)
    assert report.total is None


def test_this_years_report_counts_who_is_in_post_today(trained, provincial_staff):
    report = training_report(year=2023, user=provincial_staff, today=date(2022, 7, 1))
    assert report.in_post_on == date(2022, 7, 1)
    dt = next(row for row in report.rows if row.org.code == "DT")
    # Hùng (chair, trained), Hoa, Tâm; Nam (chair, not yet trained), Mai
    assert _in_post(dt) == (1, 2, 1, 5)


def test_the_report_page_and_its_file_show_trained_over_in_post(trained, client_for, leader):
    html = page(client_for(leader).get(reverse("training:report"), {"year": "2023"}))
    row = find(html, "tr", data_org="DT")
    assert text(find(row, "td", data_chairs_trained=True)) == "2 / 2"
    assert text(find(row, "td", data_committee_trained=True)) == "2 / 5"
    assert "Cán bộ đương nhiệm ngày 31/12/2023 đã qua đào tạo" in text(find(html, id="in-post-heading"))
    workbook = load_workbook(
        io.BytesIO(client_for(leader).get(reverse("training:report_export"), {"year": "2023"}).content)
    )
    rows = {row[0]: list(row[-4:]) for row in workbook.active.iter_rows(min_row=4, values_only=True)}
    assert rows["LĐLĐ huyện Đại Từ"] == [2, 2, 5, 2]  # chairs, of them trained, members, of them trained
    assert rows["Toàn tỉnh"] == [3, 2, 6, 2]
