"""The month's journey in Chromium: a federation fills its grid, trips on a row error, fixes
it, submits; the province approves; the month is locked; the board shows it on time."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from members.models import MonthlyFigure, MonthlyReturn
from unionportal.lib.months import Month
from unionportal.testing.login import log_in

pytestmark = pytest.mark.browser


def _new_page(browser):
    return browser.new_page(viewport={"width": 1500, "height": 900})


def _cell(page, cdcs, column):
    return page.locator(f'input[name="r{cdcs.pk}-{column}"]')


def test_a_month_from_entry_to_approval(live_server, browser, federation, federation_user, provincial_staff, make_cdcs):
    # the current month: its due day is still ahead, so a submission today is on time
    month = Month.of(timezone.localdate())
    first = make_cdcs(federation, opening=120, first_month=month - 1, name="CĐCS Công ty May Việt Đức")
    second = make_cdcs(federation, opening=40, first_month=month - 1, name="CĐCS Trường THCS Hùng Sơn")

    page = log_in(_new_page(browser), f"{live_server.url}/", federation_user.username)
    page.click("text=Số liệu tháng")  # lands on the last complete month
    page.click("a[rel=next]")
    expect(page.locator("h1")).to_contain_text(str(month))

    # keyboard: Enter goes down the column
    _cell(page, first, "admitted").fill("5")
    _cell(page, first, "admitted").press("Enter")
    expect(_cell(page, second, "admitted")).to_be_focused()
    expect(page.locator('[data-total="admitted"]')).to_have_text("5")
    expect(_cell(page, first, "members_end")).to_have_attribute("placeholder", "125")

    # a loss larger than the stock: the row is refused and nothing is written
    _cell(page, second, "lost_job").fill("45")
    page.click("#save")
    expect(page.locator("#grid-error")).to_contain_text("Chưa lưu gì: 1 dòng có lỗi")
    expect(page.locator(f"#row-{second.pk}")).to_contain_text("lớn hơn số đoàn viên có trong tháng (40)")
    assert not MonthlyFigure.objects.filter(month=month.first_day).exists()

    # fixed, saved, submitted
    expect(_cell(page, first, "admitted")).to_have_value("5")  # what was typed is still there
    _cell(page, second, "lost_job").fill("2")
    expect(page.locator('[data-total="members_end"]')).to_have_text("163")
    page.click("#save")
    expect(page.locator(".alert-success")).to_contain_text("2 dòng")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#submit-return")
    expect(page.locator("#return-status")).to_have_text("Đã gửi")

    # the province approves
    provincial = log_in(_new_page(browser), f"{live_server.url}/", provincial_staff.username)
    provincial.goto(f"{live_server.url}/figures/{federation.code}/{month.iso}/")
    # May Việt Đức admitted 5 with no worker left who is not a member: a warning nobody ticked,
    # which the approval counts and asks to confirm (the browser will not send it unticked)
    expect(provincial.locator("#open-warnings")).to_have_text("⚠ 1")
    provincial.click("#approve-return")
    expect(provincial.locator("#return-status")).to_have_text("Đã gửi")
    provincial.check("#approve-confirm")
    provincial.click("#approve-return")
    expect(provincial.locator("#locked-message")).to_contain_text("duyệt và khóa")

    # the federation can no longer edit
    page.reload()
    expect(page.locator("#locked-message")).to_contain_text("Bantochuc")
    expect(page.locator("input.g")).to_have_count(0)
    expect(page.locator("#save")).to_have_count(0)
    assert MonthlyReturn.objects.get(federation=federation, month=month.first_day).is_locked

    # and the board shows the month approved, on time
    page.goto(f"{live_server.url}/board/?month={month.iso}")
    row = page.locator(f'#board tbody tr[data-federation="{federation.code}"]')
    expect(row).to_contain_text("Đã duyệt")
    expect(row).to_contain_text("Đúng hạn")
