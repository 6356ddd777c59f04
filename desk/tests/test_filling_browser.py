"""A federation officer records a chair's departure on the CĐCS's committee page, finds the CĐCS
under "Cần kiện toàn" and on their home page, records the replacement and sees it leave both; the
home blocks and the dashboard's card fit a laptop (1366×768) and a phone (390×844), with the
screenshots kept for people to look at (unionportal/testing/committees.py builds the province)."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from members.models import Officer, Post, Role
from notices.models import Notice
from unionportal.testing.committees import committees_create
from unionportal.testing.login import log_in
from unionportal.testing.province import user_create

pytestmark = pytest.mark.browser

SCREENS = {"laptop": (1366, 768), "phone": (390, 844)}


@pytest.fixture
def committees(transactional_db, federation, other_federation):
    return committees_create(federation, other_federation)


def _open(browser, live_server, username, screen="laptop"):
    width, height = SCREENS[screen]
    page = browser.new_page(viewport={"width": width, "height": height})
    return log_in(page, f"{live_server.url}/", username)


def _fits(page, output_path, name, selector):
    """Nothing scrolls sideways; the block's screenshot is kept."""
    sizes = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert sizes[0] <= sizes[1], sizes
    page.locator(selector).screenshot(path=Path(output_path) / f"{name}.png")


def test_a_chair_leaves_and_is_replaced_and_the_cdcs_leaves_the_list(
    live_server, browser, federation, federation_user, committees, output_path
):
    colleague = user_create("canbo2.dt", Role.FEDERATION_STAFF, federation)
    url = live_server.url
    page = _open(browser, live_server, federation_user.username)
    expect(page.locator("h1")).to_have_text("Việc cần làm")
    expect(page.locator("#todo-filling-count")).to_have_text("2")
    expect(page.locator("#todo-filling li[data-cdcs=DT04]")).to_have_count(0)

    # Hoàng Văn Sơn, DT04's chair, retired yesterday.
    yesterday = timezone.localdate() - timedelta(days=1)
    page.goto(url + reverse("members:cdcs_officers", kwargs={"code": "DT04"}))
    page.click("a[data-leave=chair]")
    page.fill("input[name=on]", f"{yesterday:%d/%m/%Y}")
    page.select_option("select[name=reason]", label="Nghỉ hưu")
    page.click("#leave-save")
    expect(page.locator("#former")).to_contain_text("Hoàng Văn Sơn")

    page.goto(url + reverse("members:officers_attention"))
    expect(page.locator("#attention-rows tr[data-cdcs=DT04]")).to_contain_text(f"{yesterday:%d/%m/%Y}")
    page.goto(url + reverse("desk:todo"))
    item = page.locator("#todo-filling li[data-cdcs=DT04]")
    expect(item).to_contain_text(f"Chưa có chủ tịch từ {yesterday:%d/%m/%Y}")
    expect(page.locator("#todo-filling-count")).to_have_text("3")
    assert Notice.objects.filter(kind="chair_vacant", user=colleague).count() == 1  # told to the others

    # The upper union appoints Đinh Thị Thu today: the CĐCS leaves the list.
    item.locator("a").click()
    page.click("#officer-new")
    page.fill("input[name=full_name]", "Đinh Thị Thu")
    page.select_option("select[name=post]", value=Post.CHAIR)
    page.select_option("select[name=how]", value=Officer.How.APPOINTED)
    page.fill("input[name=from_on]", f"{timezone.localdate():%d/%m/%Y}")
    page.click("#officer-save")
    expect(page.locator("#executive tr[data-post=chair]")).to_contain_text("Đinh Thị Thu")

    page.goto(url + reverse("members:officers_attention"))
    expect(page.locator("#attention-rows tr[data-cdcs=DT01]")).to_have_count(1)
    expect(page.locator("#attention-rows tr[data-cdcs=DT04]")).to_have_count(0)
    page.goto(url + reverse("desk:todo"))
    expect(page.locator("#todo-filling-count")).to_have_text("2")
    expect(page.locator("#todo-filling li[data-cdcs=DT04]")).to_have_count(0)


@pytest.mark.parametrize("screen", SCREENS)
def test_the_home_blocks_and_the_dashboards_card_fit_the_screen(
    live_server, browser, federation_user, provincial_staff, leader, committees, screen, output_path
):
    page = _open(browser, live_server, federation_user.username, screen)
    expect(page.locator("#todo-filling li[data-cdcs]")).to_have_count(3)
    _fits(page, output_path, f"desk-filling-{screen}", "#todo-filling")

    page = _open(browser, live_server, provincial_staff.username, screen)
    expect(page.locator("#queue-filling-count")).to_have_text("3")
    _fits(page, output_path, f"desk-queue-filling-{screen}", "#queue-filling")

    page = _open(browser, live_server, leader.username, screen)
    card = page.locator("#dash-officers")
    expect(card.locator("[data-figure=officers_needing]")).to_have_text("3")
    expect(card.locator("#open-filling")).to_have_count(0)
    card.scroll_into_view_if_needed()
    _fits(page, output_path, f"dashboard-officers-{screen}", "#dash-officers")
