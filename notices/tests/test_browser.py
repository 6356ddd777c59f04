"""Notices in Chromium: the province approves a month in one browser; in another, the federation's
staff see the bell's count and the notice, open it, and find the e-mail at the SMTP server. On a
phone (390×844) the bell stays in the bar beside the menu button and the list reads in one column."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from members.figures.workflow import return_submit
from notices.delivery import deliveries_wait
from notices.models import Notice
from unionportal.lib.months import Month
from unionportal.testing.login import log_in

pytestmark = pytest.mark.browser
MARCH = Month(2021, 3)
SCREENSHOTS = Path(__file__).resolve().parent.parent.parent / "test-results"


@pytest.fixture
def sent_month(federation, federation_user, make_cdcs):
    federation_user.email = "canbo.dt@ldld.example.vn"
    federation_user.save()
    make_cdcs(federation, code="DT01", opening=50, first_month=MARCH, name="CĐCS Công ty May Việt Đức")
    return_submit(federation=federation, month=MARCH, user=federation_user)
    deliveries_wait()
    Notice.objects.all().delete()


def test_an_approval_reaches_the_federation_in_the_portal_and_by_mail(
    live_server, browser, mailbox, sent_month, federation_user, provincial_staff
):
    mailbox.messages.clear()
    at_federation = browser.new_context(viewport={"width": 1366, "height": 800})
    at_province = browser.new_context(viewport={"width": 1366, "height": 800})
    staff = log_in(at_federation.new_page(), f"{live_server.url}/notices/", federation_user.username)
    expect(staff.locator("#notices-empty")).to_be_visible()
    expect(staff.locator("#notices-count")).to_have_count(0)

    province = log_in(at_province.new_page(), f"{live_server.url}/figures/DT/{MARCH.iso}/", provincial_staff.username)
    province.click("#approve-return")
    expect(province.locator("#locked-message")).to_contain_text("duyệt và khóa")

    staff.reload()
    expect(staff.locator("#notices-count")).to_have_text("1")
    notice = staff.locator("#notices li[data-notice]")
    expect(notice).to_have_count(1)
    expect(notice).to_contain_text("Bantochuc đã duyệt và khóa số liệu tháng 03/2021 của LĐLĐ huyện Đại Từ.")

    SCREENSHOTS.mkdir(exist_ok=True)
    staff.screenshot(path=SCREENSHOTS / "notices-desktop.png")
    (message,) = mailbox.wait_for(1)
    assert message["To"] == "canbo.dt@ldld.example.vn"
    assert "Bantochuc đã duyệt và khóa số liệu tháng 03/2021" in message.get_content()

    notice.get_by_role("button", name="Mở").click()
    expect(staff).to_have_url(f"{live_server.url}/figures/DT/{MARCH.iso}/")
    expect(staff.locator("#locked-message")).to_be_visible()
    expect(staff.locator("#notices-count")).to_have_count(0)  # read: the bell is quiet again
    at_federation.close()
    at_province.close()


def test_on_a_phone_the_bell_is_in_the_bar_and_the_list_reads_in_one_column(live_server, browser, federation_user):
    for number in range(1, 4):
        Notice.objects.create(
            user=federation_user, kind=Notice.Kind.RETURN_SENT_BACK, link=f"/figures/DT/2021-0{number}/",
            data={"org": "LĐLĐ huyện Đại Từ", "month": f"0{number}/2021", "who": "Nguyễn Thị Lan",
                  "reason": "CĐCS Công ty May Việt Đức ghi số lao động ít hơn số đoàn viên, đề nghị kiểm tra lại"},
        )  # fmt: skip
    phone = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1)
    page = log_in(phone.new_page(), f"{live_server.url}/notices/", federation_user.username)

    bell = page.locator("#notices-bell")
    expect(bell).to_be_visible()  # with the menu folded away
    expect(page.locator("#notices-count")).to_have_text("3")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing spills sideways
    toggler = page.locator(".navbar-toggler").bounding_box()
    assert abs(bell.bounding_box()["y"] - toggler["y"]) < toggler["height"]  # on the bar's one line
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "notices-phone.png", full_page=True)

    page.get_by_role("button", name="Đánh dấu tất cả đã đọc").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã đánh dấu 3 thông báo là đã đọc.")
    expect(page.locator("#notices-count")).to_have_count(0)

    # the e-mail setting, from the user menu behind the menu button
    page.locator(".navbar-toggler").click()
    expect(page.locator("#nav")).to_have_class(re.compile(r"\bshow\b"))  # opened, not still opening
    page.locator("#user-menu").click()
    expect(page.locator("#menu-notice-settings")).to_be_visible()
    page.locator("#menu-notice-settings").click()
    expect(page.locator("#id_email")).to_be_checked()
    page.screenshot(path=SCREENSHOTS / "notices-settings-phone.png", full_page=True)
    phone.close()
