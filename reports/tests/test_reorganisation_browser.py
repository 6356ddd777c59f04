"""A leader on the phone (390×844) reads what a reorganisation plan did, apart from development, and
switches the report and the dashboard to today's structure; the pages fit the screen's width. The
province is unionportal.testing.reorganised.reorganised_province (03–06/2021)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from unionportal.testing.login import log_in
from unionportal.testing.reorganised import reorganised_province

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
RANGE = "start=2021-03&end=2021-06&org=TN"


@pytest.fixture
def world(db):
    return reorganised_province()


def _fits_the_width(page) -> None:
    page.wait_for_load_state("load")
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], (page.url, width)


def test_a_leader_switches_the_report_and_the_dashboard_to_today_s_structure(world, leader, live_server, browser):
    page = browser.new_page(viewport=PHONE)
    log_in(page, f"{live_server.url}{reverse('reports:progress')}?{RANGE}", leader.username)
    expect(page.locator("#structural-sentence")).to_contain_text("02 CĐCS hợp nhất, kết thúc")
    expect(page.locator("#structure-note")).to_contain_text("cơ cấu tổ chức của từng tháng")
    _fits_the_width(page)

    page.get_by_role("link", name="Theo cơ cấu hiện nay").click()
    expect(page.locator("#structure-note")).to_contain_text("cơ cấu tổ chức hiện nay")
    expect(page.locator("#federations tr[data-org='']")).to_have_count(1)
    expect(page.locator("#federations tr[data-org='']")).to_contain_text("Đơn vị đã kết thúc")
    _fits_the_width(page)
    page.fill("input[name=start]", "2021-04")
    page.locator("form:has(input[name=start]) button[type=submit]").click()
    page.wait_for_url("**start=04%2F2021*structure=today*")
    expect(page.locator("#structure-note")).to_contain_text("cơ cấu tổ chức hiện nay")  # the range changed, not it

    page.goto(f"{live_server.url}{reverse('reports:dashboard')}?{RANGE}&structure=today")
    expect(page.locator("#structure a.active")).to_have_text("Theo cơ cấu hiện nay")
    expect(page.locator("#dash-structural")).to_contain_text("50 đoàn viên chuyển theo CĐCS")
    _fits_the_width(page)
    page.locator("#dash-ranked a.ranked-name", has_text="PB").click()
    expect(page.locator("#structure a.active")).to_have_text("Theo cơ cấu hiện nay")
    expect(page.locator("tr[data-cdcs]")).to_have_count(3)  # d1, p1 and p2: PB's CĐCS today
    _fits_the_width(page)
