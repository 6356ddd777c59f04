"""Each role signs in and lands on its own page, on a laptop (1366×768) and on a phone (390×844),
with nothing wider than the screen; the screenshots are kept for people to look at."""

import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from members.figures.services import figures_record
from members.figures.workflow import return_approve, return_submit
from members.models import MonthlyReturn
from unionportal.lib.months import Month
from unionportal.testing.login import log_in

pytestmark = pytest.mark.browser

LAST = Month.last_complete(timezone.localdate())
SCREENS = {"laptop": (1366, 768), "phone": (390, 844)}


@pytest.fixture
def submitted(federation, other_federation, federation_user, provincial_staff, make_cdcs):
    """DT's month due sent, with a warning nobody ticked (20 admitted, 10 workers not members), its
    opening month approved; PB's CĐCS has nothing for the month due."""
    cdcs = make_cdcs(federation, opening=90, first_month=LAST - 1, workers=100, name="CĐCS Công ty May Việt Đức")
    make_cdcs(other_federation, opening=40, first_month=LAST - 1, name="CĐCS Trường THCS Hùng Sơn")
    return_submit(federation=federation, month=LAST - 1, user=federation_user)
    return_approve(federation=federation, month=LAST - 1, user=provincial_staff)
    figures_record(cdcs=cdcs, month=LAST, admitted=20, workers=100, user=federation_user)
    return return_submit(federation=federation, month=LAST, user=federation_user)


def _open(browser, live_server, screen, username):
    width, height = SCREENS[screen]
    page = browser.new_page(viewport={"width": width, "height": height})
    return log_in(page, f"{live_server.url}/", username)


def _fits(page, output_path, name):
    """Nothing scrolls sideways; the screenshot is kept."""
    sizes = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert sizes[0] <= sizes[1], sizes
    page.screenshot(path=Path(output_path) / f"{name}.png", full_page=True)


@pytest.mark.parametrize("screen", SCREENS)
def test_federation_staff_land_on_their_work_and_open_the_grid(
    live_server, browser, federation_user, other_federation_user, submitted, screen, output_path
):
    page = _open(browser, live_server, screen, other_federation_user.username)  # PB: its month not sent
    expect(page.locator("h1")).to_have_text("Việc cần làm")
    expect(page.locator("#todo-status")).to_have_text("Chưa có số liệu")
    expect(page.locator("#todo-transfers")).to_contain_text("Không có đề nghị nào đang chờ.")
    expect(page.locator("#todo-earlier")).to_contain_text(f"Tháng {LAST - 1}: đang nhập, chưa gửi, đã quá hạn.")
    _fits(page, output_path, f"desk-todo-{screen}")
    page.click("#todo-open-grid")
    expect(page.locator("h1")).to_contain_text(f"Nhập số liệu tháng {LAST}")

    page = _open(browser, live_server, screen, federation_user.username)  # DT: sent, nothing to do
    expect(page.locator("#nothing-pending")).to_be_visible()


@pytest.mark.parametrize("screen", SCREENS)
def test_provincial_staff_approve_from_their_queue(
    live_server, browser, provincial_staff, federation, submitted, screen, output_path
):
    page = _open(browser, live_server, screen, provincial_staff.username)
    expect(page.locator("h1")).to_have_text("Duyệt số liệu")
    item = page.locator(f'#queue-waiting li[data-federation="{federation.code}"]')
    expect(item).to_contain_text("⚠ 1 CĐCS có cảnh báo chưa kiểm tra")
    expect(page.locator('#queue-late li[data-federation="PB"]')).to_have_count(1)
    expect(page.locator('#queue-late li[data-federation="DT"]')).to_have_count(0)
    _fits(page, output_path, f"desk-approvals-{screen}")
    item.locator("input[name=confirm]").check()
    item.locator("button", has_text="Duyệt và khóa số liệu").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã duyệt và khóa số liệu")
    expect(page.locator("#queue-empty")).to_be_visible()
    assert MonthlyReturn.objects.get(pk=submitted.pk).status == MonthlyReturn.Status.APPROVED


@pytest.mark.parametrize("screen", SCREENS)
def test_leaders_land_on_the_dashboard_without_the_entry_grid_in_the_menu(
    live_server, browser, leader, submitted, screen, output_path
):
    page = _open(browser, live_server, screen, leader.username)
    expect(page).to_have_url(f"{live_server.url}/reports/dashboard/")
    expect(page.locator("h1")).to_contain_text("Bảng điều khiển")
    if screen == "phone":
        page.click(".navbar-toggler")
        expect(page.locator("#nav")).to_have_class(re.compile(r"\bshow\b"))  # opened, not still opening
    expect(page.locator("#menu-home")).to_have_text("Bảng điều khiển")
    expect(page.locator("nav").get_by_role("link", name="Số liệu tháng", exact=True)).to_have_count(0)
    _fits(page, output_path, f"desk-leader-{screen}")
