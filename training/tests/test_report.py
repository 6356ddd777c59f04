"""The training report against the programme's training quota, on a hand-built case."""

import io
import re
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from targets.models import Programme, Quota
from training.selectors import training_report
from training.services import CourseData, course_create


def _course(organiser, day: date, officers: int):
    return course_create(organiser=organiser, data=CourseData(day, "Nghiệp vụ công đoàn", officers), user=None)


@pytest.fixture
def case(province, federation, other_federation):
    """Programme 2021–2023. Training quotas 2021: province 100, DT 50, PB none (0); 2022: DT 40.
    Courses: DT 30 + 15 in 2021, 5 in 2022 and 7 in 2020 (before the programme); PB 20 in 2021;
    the province's own 10 in 2021."""
    programme = Programme.objects.create(
        name="Chương trình 2021–2023", document_number="04/CTr-LĐLĐ", document_date=date(2021, 1, 5),
        first_year=2021, last_year=2023,
    )  # fmt: skip
    for org, year, trained in [(province, 2021, 100), (federation, 2021, 50), (other_federation, 2021, 0)]:
        Quota.objects.create(programme=programme, organisation=org, year=year, new_members=10, trained_officers=trained)
    Quota.objects.create(programme=programme, organisation=federation, year=2022, trained_officers=40)
    for organiser, day, officers in [
        (federation, date(2021, 3, 2), 30),
        (federation, date(2021, 11, 20), 15),
        (federation, date(2022, 4, 1), 5),
        (federation, date(2020, 6, 1), 7),
        (other_federation, date(2021, 5, 5), 20),
        (province, date(2021, 8, 8), 10),
    ]:
        _course(organiser, day, officers)
    return programme


def _row(report, code):
    return next(row for row in report.rows if row.org.code == code)


def test_the_years_officers_and_courses_stand_beside_the_quota(case, provincial_staff):
    report = training_report(year=2021, user=provincial_staff)
    assert report.programme == case
    dt, pb = _row(report, "DT"), _row(report, "PB")
    assert (dt.courses, dt.officers, dt.quota, dt.attainment) == (2, 45, 50, 90.0)
    assert (pb.courses, pb.officers, pb.quota, pb.attainment) == (1, 20, None, None)
    own = report.province_courses
    assert (own.courses, own.officers, own.quota) == (1, 10, None)
    total = report.total
    assert (total.courses, total.officers, total.quota, total.attainment) == (4, 75, 100, 75.0)


def test_the_programme_columns_add_up_the_years_since_the_programme_began(case, provincial_staff):
    report = training_report(year=2022, user=provincial_staff)
    dt = _row(report, "DT")
    assert (dt.officers, dt.quota) == (5, 40)
    assert (dt.programme_officers, dt.programme_quota, dt.programme_attainment) == (50, 90, 50 * 100 / 90)
    assert (report.total.programme_officers, report.total.programme_quota) == (80, 100)


def test_federation_staff_see_their_own_row_and_no_province_total(case, federation_user):
    report = training_report(year=2021, user=federation_user)
    assert [row.org.code for row in report.rows] == ["DT"]
    assert report.total is None and report.province_courses is None


def test_the_report_takes_the_same_number_of_queries_for_many_federations(
    case, make_federation, provincial_staff, django_assert_num_queries
):
    with django_assert_num_queries(7):
        training_report(year=2021, user=provincial_staff)
    for number in range(15):
        org = make_federation(f"F{number}")
        Quota.objects.create(programme=case, organisation=org, year=2021, trained_officers=5)
        _course(org, date(2021, 6, 1), 3)
    with django_assert_num_queries(7):
        report = training_report(year=2021, user=provincial_staff)
    assert len(report.rows) == 17


def _cells(html: str, code: str) -> list[str]:
    row = re.search(rf'<tr[^>]*data-org="{code}">(.*?)</tr>', html, flags=re.S).group(1)
    return [
        " ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)
    ]


def test_the_report_page_shows_percent_and_a_dash_where_there_is_no_quota(case, client_for, leader):
    response = client_for(leader).get(reverse("training:report"), {"year": "2021"})
    html = response.content.decode()
    # no officer recorded in post: "—" for the trained among them
    assert _cells(html, "DT") == ["LĐLĐ huyện Đại Từ", "2", "45", "50", "90,0 %", "45", "50", "90,0 %", "—", "—"]
    assert _cells(html, "PB") == ["LĐLĐ huyện Phú Bình", "1", "20", "—", "—", "20", "—", "—", "—", "—"]
    assert _cells(html, "TN") == ["Toàn tỉnh", "4", "75", "100", "75,0 %", "75", "100", "75,0 %", "—", "—"]


def test_a_year_that_is_not_a_year_shows_this_year_with_a_message(case, client_for, leader):
    response = client_for(leader).get(reverse("training:report"), {"year": "20x1"}, follow=True)
    assert response.status_code == 200
    assert "Năm “20x1” không hợp lệ" in response.content.decode()


def test_the_excel_export_holds_the_pages_figures_as_numbers(case, client_for, leader):
    response = client_for(leader).get(reverse("training:report_export"), {"year": "2021"})
    assert response["Content-Disposition"] == 'attachment; filename="dao-tao-can-bo-2021.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = {row[0]: list(row[1:]) for row in sheet.iter_rows(min_row=4, values_only=True)}
    # then the chairs in post, of them trained, the committee members in post, of them trained
    assert rows["LĐLĐ huyện Đại Từ"] == [2, 45, 50, 90.0, 45, 50, 90.0, 0, 0, 0, 0]
    assert rows["LĐLĐ huyện Phú Bình"] == [1, 20, "—", "—", 20, "—", "—", 0, 0, 0, 0]
    assert rows["Lớp do LĐLĐ tỉnh tổ chức"] == [1, 10, "—", "—", 10, "—", "—", None, None, None, None]
    assert rows["Toàn tỉnh"] == [4, 75, 100, 75.0, 75, 100, 75.0, 0, 0, 0, 0]
