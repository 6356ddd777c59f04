"""A federation larger than a page (GRID_PAGE_SIZE, lowered here to 3) in Chromium: the totals are
the federation's and follow what is typed, a save posts only the rows changed, and going to
another page or searching with figures typed saves them first (or stays, if the user says so)."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from members.figures.services import figures_record
from members.models import MonthlyFigure
from unionportal.lib.months import Month
from unionportal.testing.login import log_in

pytestmark = pytest.mark.browser

MONTH = Month.last_complete(timezone.localdate())


@pytest.fixture
def seven(federation, make_cdcs, settings):
    """Seven CĐCS with 10 … 70 members at the end of last month; this month saved, 2 admitted in
    each of the last four (pages 2 and 3); pages of three."""
    settings.GRID_PAGE_SIZE = 3
    unions = [make_cdcs(federation, opening=10 * number, first_month=MONTH - 1) for number in range(1, 8)]
    for number, cdcs in enumerate(unions):
        figures_record(cdcs=cdcs, month=MONTH, admitted=2 if number >= 3 else 0, user=None)
    return unions


def _open(browser, live_server, user, federation, *, width=1366, height=768, query=""):
    page = browser.new_page(viewport={"width": width, "height": height})
    log_in(page, f"{live_server.url}/figures/{federation.code}/{MONTH.iso}/{query}", user.username)
    expect(page.locator("#grid[data-ready]")).to_be_attached()
    return page


def _cell(page, cdcs, column):
    return page.locator(f'input[name="r{cdcs.pk}-{column}"]')


def _admitted(cdcs) -> int:
    return MonthlyFigure.objects.get(cdcs=cdcs, month=MONTH.first_day).admitted


def test_the_pages_of_a_large_grid_keep_the_federations_totals_and_save_before_leaving(
    live_server, browser, federation, federation_user, seven
):
    page = _open(browser, live_server, federation_user, federation)
    expect(page.locator("#grid tbody tr")).to_have_count(3)
    expect(page.locator('[data-total="admitted"]')).to_have_text("8")  # the other pages' 2 × 4
    _cell(page, seven[0], "admitted").fill("5")
    expect(page.locator('[data-total="admitted"]')).to_have_text("13")
    expect(page.locator('[data-total="members_end"]')).to_have_text("293")  # 280 + 8 + 5

    # to the next page: asked, saved (only the row typed in), then there
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_request(lambda request: request.method == "POST") as posted:
        page.locator("#grid-steps a[rel=next]").click()
    sent = posted.value.post_data
    assert f"r{seven[0].pk}-admitted=5" in sent and f"r{seven[1].pk}-" not in sent and "goto=%3Fpage%3D2" in sent
    expect(page.locator(".alert-success")).to_contain_text("1 dòng")
    assert page.url.endswith("?page=2")
    expect(page.locator("#grid tbody tr")).to_have_count(3)
    expect(_cell(page, seven[3], "admitted")).to_have_value("2")
    assert _admitted(seven[0]) == 5

    # the user may stay: nothing is saved, what is typed stays
    _cell(page, seven[3], "admitted").fill("9")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.locator("#grid-pager a", has_text="3").click()
    assert page.url.endswith("?page=2")
    expect(page.locator("#dirty-note")).to_be_visible()
    expect(_cell(page, seven[3], "admitted")).to_have_value("9")
    assert _admitted(seven[3]) == 2

    # a search saves first too, then finds the row on another page
    page.once("dialog", lambda dialog: dialog.accept())
    page.fill("#grid-filter input[name=q]", "t0007")
    page.locator("#grid-filter button[type=submit]").click()
    expect(page.locator("#grid tbody tr")).to_have_count(1)
    expect(page.locator("#grid-range")).to_contain_text("lọc từ 7 CĐCS")
    assert _admitted(seven[3]) == 9
    expect(page.locator('[data-total="admitted"]')).to_have_text("20")  # 5 + 9 + 2 × 3


def test_a_large_grid_on_a_phone_keeps_its_pager_and_save_bar_in_reach(
    live_server, browser, federation, federation_user, seven
):
    page = _open(browser, live_server, federation_user, federation, width=390, height=844, query="?page=2")
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    expect(page.locator("#grid-pager .pagination")).to_be_visible()
    _cell(page, seven[4], "lost_job").fill("1")
    page.evaluate('window.scrollTo({top: document.body.scrollHeight, behavior: "instant"})')
    for selector in ("#save", "#grid-steps a[rel=next]"):
        box = page.locator(selector).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390 and box["y"] + box["height"] <= 844, selector
    page.click("#save")
    expect(page.locator(".alert-success")).to_contain_text("1 dòng")
    assert page.url.endswith("?page=2")
    assert MonthlyFigure.objects.get(cdcs=seven[4], month=MONTH.first_day).lost_job == 1
