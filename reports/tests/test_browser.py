"""In a real browser: Debian's Chromium driven by Playwright against the live server."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from unionportal.testing.login import log_in

pytestmark = pytest.mark.browser

SENTENCE = (
    "Từ đầu năm 2018 đến nay đã kết nạp mới 30.018 đoàn viên; giảm 10.979 đoàn viên "
    "(tăng tuyệt đối 19.039 đoàn viên); thành lập mới 67 CĐCS, giảm 64 CĐCS (tăng tuyệt đối 03 CĐCS)."
)


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", until="2026-10", stdout=StringIO())


def test_a_leader_logs_in_and_reads_the_2021_report(demo, live_server, page, output_path):
    log_in(page, f"{live_server.url}/reports/", "lanhdao", password="demo-2018")
    assert "Báo cáo phát triển đoàn viên" in page.locator("h1").inner_text()
    page.fill("input[name=start]", "2018-01")
    page.fill("input[name=end]", "2021-03")
    page.select_option("select[name=org]", "TN")
    page.click("text=Xem báo cáo")
    assert page.locator("[data-figure=admitted]").inner_text() == "30.018"
    assert page.locator("[data-figure=decrease]").inner_text() == "10.979"
    assert page.locator("[data-figure=net_members]").inner_text() == "+19.039"
    assert page.locator("#sentence").inner_text() == SENTENCE
    expect(page.locator("#federations tbody tr")).to_have_count(13)
    assert page.locator("#attainment-chart").is_visible()
    page.screenshot(path=Path(output_path) / "report-2021.png", full_page=True)  # kept for people to look at


def test_wrong_password_keeps_the_user_out_with_a_vietnamese_message(leader, live_server, page):
    page.goto(f"{live_server.url}/")
    page.fill("input[name=username]", leader.username)
    page.fill("input[name=password]", "sai-mat-khau")
    page.click("main button[type=submit]")
    assert "Tên đăng nhập và mật khẩu chính xác" in page.locator("main form").inner_text()
    assert "/accounts/login/" in page.url
