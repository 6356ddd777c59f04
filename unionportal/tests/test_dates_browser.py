"""Days and months in Chromium under an English and a Vietnamese browser: 03/12/2025 typed into a
form is 3 December 2025, whatever the browser's language and the page's, and shows back as such."""

from datetime import date
from pathlib import Path

import pytest

from members.models import GrassrootsUnion
from unionportal.testing.login import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def browser_page(browser):
    """A page in a browser context of the given locale (navigator.language, Accept-Language and
    the locale Chromium formats its own date inputs in)."""
    contexts = []

    def open_page(locale: str):
        context = browser.new_context(locale=locale, viewport={"width": 1366, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.csp_violations = []
        page.on(
            "console",
            lambda message: "Content Security Policy" in message.text and page.csp_violations.append(message.text),
        )
        return page

    yield open_page
    for context in contexts:
        context.close()


def _choose_english(page):
    page.click("#language-menu")
    page.click("button[name=language][value=en]")


def _found(page, code: str):
    page.fill("input[name=code]", code)
    page.fill("input[name=name]", f"CĐCS Công ty May {code}")
    page.fill("input[name=employer]", f"Công ty TNHH May {code}")
    page.fill("input[name=workers]", "120")
    page.select_option("select[name=sector]", "fdi")


@pytest.mark.parametrize(
    ("locale", "language"), [("en-US", "vi"), ("en-US", "en"), ("vi-VN", "vi")], ids=["en-browser", "en-both", "vi"]
)
def test_a_day_typed_as_03_12_2025_is_3_december_in_any_browser_language(
    live_server, browser_page, federation_user, federation, output_path, locale, language
):
    page = browser_page(locale)
    log_in(page, f"{live_server.url}/cdcs/new/", federation_user.username)
    assert page.evaluate("navigator.language") == locale
    if language == "en":
        _choose_english(page)
    _found(page, "DT41")
    page.locator("input[name=founded_on]").press_sequentially("03/12/2025")
    page.click("#cdcs-found button[type=submit]")

    page.wait_for_url(f"{live_server.url}/cdcs/DT41/")
    assert GrassrootsUnion.objects.get(code="DT41").founded_on == date(2025, 12, 3)
    assert "03/12/2025" in page.locator("main").inner_text()
    page.screenshot(path=Path(output_path) / f"cdcs-founded-{locale}-{language}.png", full_page=True)
    assert page.csp_violations == []


def test_the_calendar_picks_a_day_in_dd_mm_yyyy_and_a_bad_day_is_explained_in_vietnamese(
    live_server, browser_page, federation_user, federation, output_path
):
    page = browser_page("en-US")
    log_in(page, f"{live_server.url}/cdcs/new/", federation_user.username)
    _found(page, "DT42")
    day = page.locator("input[name=founded_on]")
    assert day.get_attribute("type") == "text" and day.get_attribute("placeholder") == "dd/mm/yyyy"

    day.press_sequentially("31/02/2025")  # no such day: left as typed, for the server to explain
    page.click("#cdcs-found button[type=submit]")
    assert "Ngày không hợp lệ: hãy nhập dạng dd/mm/yyyy" in page.locator("#cdcs-found").inner_text()
    assert page.input_value("input[name=founded_on]") == "31/02/2025"

    page.fill("input[name=founded_on]", "3/12/2025")
    page.click("input[name=founded_on]")  # the calendar opens on December 2025, the 3rd chosen
    calendar = page.locator(".datepicker.active")
    assert calendar.locator(".view-switch").inner_text() == "Tháng 12 2025"
    assert calendar.locator(".datepicker-cell.selected").inner_text() == "3"
    page.screenshot(path=Path(output_path) / "calendar-open.png")
    calendar.locator(".datepicker-cell.day:not(.prev):not(.next)", has_text="10").click()
    assert page.input_value("input[name=founded_on]") == "10/12/2025"
    page.click("#cdcs-found button[type=submit]")

    page.wait_for_url(f"{live_server.url}/cdcs/DT42/")
    assert GrassrootsUnion.objects.get(code="DT42").founded_on == date(2025, 12, 10)
    assert page.csp_violations == []


def test_a_month_typed_as_03_2021_opens_march_2021_under_an_english_browser(
    live_server, browser_page, provincial_staff, federation, make_cdcs
):
    make_cdcs(federation, code="DT01")
    page = browser_page("en-US")
    log_in(page, f"{live_server.url}/figures/DT/2021-04/", provincial_staff.username)
    month = page.locator("main input[name=month]")
    assert month.input_value() == "04/2021"
    month.fill("")
    month.press_sequentially("03/2021")
    month.press("Enter")
    page.wait_for_url(f"{live_server.url}/figures/DT/2021-03/")
    assert "03/2021" in page.locator("h1").inner_text()
