"""In a real browser: Debian's Chromium driven by Playwright against the live server."""

import pytest

pytestmark = pytest.mark.browser


def test_wrong_password_keeps_the_user_out_with_a_vietnamese_message(leader, live_server, page):
    page.goto(f"{live_server.url}/")
    page.fill("input[name=username]", leader.username)
    page.fill("input[name=password]", "sai-mat-khau")
    page.click("main button[type=submit]")
    assert "Tên đăng nhập và mật khẩu chính xác" in page.locator("main form").inner_text()
    assert "/accounts/login/" in page.url
