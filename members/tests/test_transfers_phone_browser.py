"""The member transfers on a phone (390×844): the table scrolls in its own box and says so, the
page never sideways."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from members.register.moves import member_transfer_request
from unionportal.testing.login import log_in

pytestmark = pytest.mark.browser


def test_on_a_phone_the_transfers_table_scrolls_in_its_box(an, pb01, federation_user, live_server, browser):
    member_transfer_request(member=an, to_cdcs=pb01, user=federation_user, note="Chuyển theo nơi làm việc mới")
    page = browser.new_page(viewport={"width": 390, "height": 844})
    log_in(page, f"{live_server.url}{reverse('members:transfers')}", federation_user.username)
    row = page.locator("#outgoing tbody tr").filter(has_text="Nguyễn Văn An")
    expect(row).to_have_count(1)
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], width
    box = page.locator("#outgoing").locator("xpath=..")
    expect(box).to_have_class("table-responsive scrolls-x")
    expect(box.locator("xpath=preceding-sibling::div[1]")).to_have_text("Vuốt ngang để xem thêm →")
    box.evaluate("(element) => element.scrollTo({ left: element.scrollWidth })")
    expect(box.locator("xpath=preceding-sibling::div[1]")).to_be_hidden()  # at the end, no more to see
