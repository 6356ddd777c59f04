"""The entry grid in Chromium: two people on one month, click-and-type in a cell, the save bar over
a thousand rows, and "Gửi báo cáo" with figures still typed."""

from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from members.figures.services import figures_record
from members.models import Affiliation, GrassrootsUnion, MonthlyFigure, MonthlyReturn
from unionportal.lib.months import Month
from unionportal.testing.login import log_in

pytestmark = pytest.mark.browser

MONTH = Month.last_complete(timezone.localdate())


def _cell(page, cdcs, column):
    return page.locator(f'input[name="r{cdcs.pk}-{column}"]')


def _figure(cdcs) -> MonthlyFigure:
    return MonthlyFigure.objects.get(cdcs=cdcs, month=MONTH.first_day)


def _open(browser, live_server, user, federation, *, width=1366, height=768):
    page = browser.new_page(viewport={"width": width, "height": height})
    log_in(page, f"{live_server.url}/figures/{federation.code}/{MONTH.iso}/", user.username)
    expect(page.locator("#grid[data-ready]")).to_be_attached()  # grid.js has run
    return page


@pytest.fixture
def saved_month(federation, make_cdcs):
    """Two CĐCS whose month is saved, all zeros."""
    unions = [make_cdcs(federation, opening=100, first_month=MONTH - 1) for _ in range(2)]
    for cdcs in unions:
        figures_record(cdcs=cdcs, month=MONTH, user=None)
    return unions


def test_two_people_on_one_month_keep_each_others_cells_and_choose_where_both_typed(
    live_server, browser, federation, federation_user, provincial_staff, saved_month
):
    first, second = saved_month
    mine = _open(browser, live_server, federation_user, federation)
    theirs = _open(browser, live_server, provincial_staff, federation)

    # B changes CĐCS 1 and saves; A, on the page opened before, changes CĐCS 2 and saves
    _cell(theirs, first, "admitted").fill("7")
    theirs.click("#save")
    expect(theirs.locator(".alert-success")).to_contain_text("1 dòng")
    _cell(mine, second, "admitted").fill("3")
    mine.click("#save")
    expect(mine.locator(".alert-success")).to_contain_text("1 dòng")
    expect(mine.locator(".alert-info")).to_contain_text("Bantochuc đã lưu tháng này")
    assert (_figure(first).admitted, _figure(second).admitted) == (7, 3)
    expect(_cell(mine, first, "admitted")).to_have_value("7")

    # both change the same cell: A's save stops and the cell offers both values
    _cell(theirs, second, "lost_job").fill("2")
    theirs.click("#save")
    expect(theirs.locator(".alert-success")).to_be_visible()
    _cell(mine, second, "lost_job").fill("4")
    _cell(mine, first, "transferred_in").fill("1")
    mine.click("#save")
    expect(mine.locator("#grid-error")).to_contain_text("sau khi bạn mở trang này")
    assert (_figure(second).lost_job, _figure(first).transferred_in) == (2, 0)  # nothing of A's written
    cell = _cell(mine, second, "lost_job")
    expect(cell).to_have_class("g conflict")
    expect(cell).to_have_value("4")
    choices = mine.locator(f"#row-{second.pk} button.pick")
    expect(choices).to_have_text(["Của bạn: 4", "Đã lưu: 2"])
    expect(mine.locator("#dirty-note")).to_be_visible()  # what is on screen is not saved yet

    choices.nth(1).click()  # take the value the other person saved
    expect(cell).to_have_value("2")
    mine.click("#save")
    expect(mine.locator(".alert-success")).to_be_visible()
    assert (_figure(second).lost_job, _figure(first).transferred_in, _figure(first).admitted) == (2, 1, 7)


def test_clicking_a_cell_that_shows_0_and_typing_12_stores_12(
    live_server, browser, federation, federation_user, make_cdcs, saved_month
):
    first, second = saved_month
    empty = make_cdcs(federation, opening=30, first_month=MONTH - 1)  # nothing saved this month
    page = _open(browser, live_server, federation_user, federation)
    expect(_cell(page, first, "admitted")).to_have_value("0")
    expect(_cell(page, empty, "admitted")).to_have_value("")  # nothing saved: empty, not 0

    _cell(page, first, "admitted").click()  # the mouse lands before the 0
    page.keyboard.type("12")
    expect(_cell(page, first, "admitted")).to_have_value("12")
    page.keyboard.press("Tab")  # by keyboard too: the next cell's 0 is replaced
    page.keyboard.type("3")
    expect(_cell(page, first, "transferred_in")).to_have_value("3")
    _cell(page, second, "lost_retired").click(position={"x": 4, "y": 8})  # wherever in the cell
    page.keyboard.type("1")
    expect(_cell(page, second, "lost_retired")).to_have_value("1")

    page.click("#save")
    expect(page.locator(".alert-success")).to_be_visible()
    assert (_figure(first).admitted, _figure(first).transferred_in, _figure(second).lost_retired) == (12, 3, 1)


@pytest.fixture
def thousand(federation):
    """1,000 CĐCS under the federation, each with last month saved."""
    unions = GrassrootsUnion.objects.bulk_create(
        GrassrootsUnion(
            code=f"K{i:04d}",
            name=f"CĐCS Công ty TNHH Sản xuất và Thương mại số {i}",
            employer=f"Công ty {i}",
            sector="private",
            workers=200,
            founded_on=date(2015, 1, 1),
        )
        for i in range(1000)
    )
    Affiliation.objects.bulk_create(
        Affiliation(cdcs=cdcs, federation=federation, valid_from=date(2015, 1, 1)) for cdcs in unions
    )
    previous = (MONTH - 1).first_day
    MonthlyFigure.objects.bulk_create(
        MonthlyFigure(cdcs=cdcs, federation=federation, month=previous, members_start=100, members_end=100, workers=200)
        for cdcs in unions
    )
    return unions


_TOPMOST = """selector => {
    const element = document.querySelector(selector);
    const box = element.getBoundingClientRect();
    const x = box.left + box.width / 2, y = box.top + box.height / 2;
    const inView = x >= 0 && y >= 0 && x <= window.innerWidth && y <= window.innerHeight;
    const top = document.elementFromPoint(x, y);
    if (inView && (top === element || element.contains(top))) return true;
    return `${selector} at ${Math.round(x)},${Math.round(y)} (scrollY ${Math.round(window.scrollY)}, ` +
        `hidden ${element.hidden}) under ${top ? top.outerHTML.slice(0, 80) : "nothing"}`;
}"""


@pytest.mark.parametrize("width, height", [(1280, 720), (1366, 768)])
def test_the_save_bar_and_the_totals_stay_in_view_and_clickable_over_a_page_of_a_thousand_rows(
    live_server, browser, federation, federation_user, thousand, width, height
):
    """The sticky CĐCS column used to cover the save bar once the grid was scrolled. A thousand
    CĐCS are more than a page: the page shows the first 300 (GRID_PAGE_SIZE), and saving it makes
    their rows (nothing was saved for them yet), not the other pages' ones."""
    page = _open(browser, live_server, federation_user, federation, width=width, height=height)
    middle = thousand[150]
    _cell(page, middle, "admitted").fill("4")
    heights = ("0", "document.body.scrollHeight / 3", "document.body.scrollHeight / 2", "document.body.scrollHeight")
    for where in heights:
        page.evaluate(f'window.scrollTo({{top: {where}, behavior: "instant"}})')
        for selector in ("#save", "#dirty-note", '[data-total="admitted"]', '[data-total="members_end"]'):
            assert page.evaluate(_TOPMOST, selector) is True, page.evaluate(_TOPMOST, selector)
        expect(page.locator('[data-total="admitted"]')).to_have_text("4")
    # the notes, the grid's last column, are read without scrolling sideways
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    notes = page.locator(f"#row-{middle.pk} td.notes")
    assert notes.bounding_box()["x"] + notes.bounding_box()["width"] <= width

    page.evaluate('window.scrollTo({top: document.body.scrollHeight / 3, behavior: "instant"})')
    page.click("#save")
    expect(page.locator(".alert-success")).to_contain_text("300 dòng")
    assert _figure(middle).admitted == 4
    assert MonthlyFigure.objects.filter(month=MONTH.first_day).count() == 300


def test_sending_with_figures_still_typed_saves_them_first(
    live_server, browser, federation, federation_user, saved_month
):
    first, _second = saved_month
    page = _open(browser, live_server, federation_user, federation)
    _cell(page, first, "admitted").fill("5")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#submit-return")
    expect(page.locator("#return-status")).to_have_text("Đã gửi")
    assert _figure(first).admitted == 5
    assert MonthlyReturn.objects.get(federation=federation, month=MONTH.first_day).status == "submitted"
