"""A federation officer records a course in a real browser and finds it in the report."""

from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from targets.models import Programme, Quota
from unionportal.testing.login import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def quota(transactional_db, province, federation):
    programme = Programme.objects.create(
        name="Chương trình 2021–2023", document_number="04/CTr-LĐLĐ", document_date=date(2021, 1, 5),
        first_year=2021, last_year=2023,
    )  # fmt: skip
    return Quota.objects.create(programme=programme, organisation=federation, year=2021, trained_officers=50)


def test_federation_staff_record_a_course_and_see_it_against_the_quota(
    quota, federation, make_cdcs, federation_user, live_server, page, output_path
):
    make_cdcs(federation, code="DT01", name="CĐCS Công ty May Đại Từ")
    make_cdcs(federation, code="DT02", name="CĐCS Trường THPT Đại Từ")
    log_in(page, f"{live_server.url}/", federation_user.username)
    page.click("#development-menu")
    page.click("text=Đào tạo cán bộ CĐCS")
    page.click("#course-add")

    page.fill("input[name=starts_on]", "2021-03-10")
    page.fill("input[name=topic]", "Kỹ năng thương lượng tập thể")
    page.fill("input[name=officers]", "30")
    page.select_option("select[name=attendance-0-cdcs]", label="DT01 – CĐCS Công ty May Đại Từ")
    page.fill("input[name=attendance-0-officers]", "40")
    page.click("#course-save")
    # more officers by CĐCS than in the course: refused, what was typed kept
    expect(page.locator("#attendance-errors")).to_contain_text("vượt quá số cán bộ được đào tạo của lớp (30)")
    assert page.input_value("input[name=topic]") == "Kỹ năng thương lượng tập thể"
    page.screenshot(path=Path(output_path) / "training-course-refused.png", full_page=True)

    page.fill("input[name=attendance-0-officers]", "12")
    page.select_option("select[name=attendance-1-cdcs]", label="DT02 – CĐCS Trường THPT Đại Từ")
    page.fill("input[name=attendance-1-officers]", "8")
    page.click("#course-save")
    expect(page.locator("main .alert-success")).to_contain_text("Đã ghi lớp “Kỹ năng thương lượng tập thể”.")
    expect(page.locator("[data-unassigned]")).to_have_text("10")
    page.screenshot(path=Path(output_path) / "training-course.png", full_page=True)

    page.goto(f"{live_server.url}/training/report/?year=2021")
    row = page.locator("tr[data-org=DT]")
    expect(row.locator("[data-officers]")).to_have_text("30")
    expect(row.locator("[data-quota]")).to_have_text("50")
    expect(row.locator("[data-attainment]")).to_have_text("60,0 %")
    page.screenshot(path=Path(output_path) / "training-report.png", full_page=True)
