"""The CĐCS register in a real browser: found a CĐCS, find it, dissolve it."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from members.models import GrassrootsUnion
from unionportal.testing.login import log_in

pytestmark = pytest.mark.browser


def test_provincial_staff_found_find_and_dissolve_a_cdcs(
    live_server, page, provincial_staff, federation, other_federation, output_path
):
    log_in(page, f"{live_server.url}/cdcs/", provincial_staff.username)
    assert "Sổ công đoàn cơ sở" in page.locator("h1").inner_text()

    page.click("text=Thành lập CĐCS mới")
    page.fill("input[name=code]", "DT77")
    page.fill("input[name=name]", "CĐCS Công ty TNHH Điện tử Đại Từ")
    page.fill("input[name=employer]", "Công ty TNHH Điện tử Đại Từ")
    page.fill("input[name=workers]", "450")
    page.select_option("select[name=sector]", "fdi")
    page.select_option("select[name=federation]", label="LĐLĐ huyện Đại Từ")
    page.fill("input[name=founding_decision]", "125/QĐ-LĐLĐ")
    page.fill("input[name=founded_on]", "2021-04-12")
    page.click("#cdcs-found button[type=submit]")
    assert "Đã thành lập DT77" in page.locator("main .alert-success").inner_text()

    page.goto(f"{live_server.url}/cdcs/")
    page.fill("input[name=q]", "điện tử")
    page.click("#cdcs-search button[type=submit]")
    rows = page.locator("#cdcs-table tbody tr")
    expect(rows).to_have_count(1)
    assert "Đang hoạt động" in rows.first.inner_text()
    page.screenshot(path=Path(output_path) / "register-list.png", full_page=True)

    page.click("#cdcs-table >> text=CĐCS Công ty TNHH Điện tử Đại Từ")
    page.click("#cdcs-actions >> text=Giải thể")
    page.fill("input[name=on]", "2021-06-30")
    page.fill("input[name=reason]", "Doanh nghiệp chuyển địa bàn")
    page.click("#cdcs-dissolve button[type=submit]")

    assert page.locator("#cdcs-status").inner_text().startswith("Đã giải thể")
    assert "Doanh nghiệp chuyển địa bàn" in page.locator("#cdcs-card").inner_text()
    expect(page.locator("#cdcs-actions")).to_have_count(0)
    page.screenshot(path=Path(output_path) / "register-detail.png", full_page=True)
    assert GrassrootsUnion.objects.get(code="DT77").dissolution_reason == "Doanh nghiệp chuyển địa bàn"
