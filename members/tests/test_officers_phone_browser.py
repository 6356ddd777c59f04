"""The officers' pages on a phone (390×844): a CĐCS's committees, its congress form and the CĐCS
that need filling fit the screen's width; their tables scroll in their own boxes."""

from datetime import date

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from members.models import Post
from members.officers.services import OfficerData, TermData, officer_leave, term_open
from unionportal.testing.login import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def term(federation, make_cdcs):
    cdcs = make_cdcs(federation, code="DT01", name="CĐCS Công ty TNHH May mặc Xuất khẩu Đại Từ")
    people = [
        OfficerData("Nguyễn Thị Phương Thảo", Post.CHAIR, full_time=True),
        OfficerData("Trần Văn Hùng", Post.VICE_CHAIR),
        OfficerData("Đỗ Thị Mai", Post.INSPECTION_CHAIR),
    ]
    data = TermData(congress_on=date(2023, 4, 20), decision_number="15/QĐ-LĐLĐ", committee_size=7, inspection_size=3)
    term = term_open(cdcs=cdcs, data=data, officers=people, user=None)
    officer_leave(officer=term.officers.get(post=Post.CHAIR), on=date(2024, 9, 1), reason="retired", user=None)
    return term


def fits(page) -> None:
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], width


def test_on_a_phone_the_officers_pages_fit_the_screen(term, federation_user, live_server, browser):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    committees = reverse("members:cdcs_officers", kwargs={"code": "DT01"})
    log_in(page, f"{live_server.url}{committees}", federation_user.username)
    expect(page.locator("[data-status=no_chair]")).to_contain_text("Không có Chủ tịch từ ngày 01/09/2024")
    expect(page.locator("#executive tbody tr")).to_have_count(1)
    fits(page)
    page.goto(f"{live_server.url}{reverse('members:term_new', kwargs={'code': 'DT01'})}")
    expect(page.locator("#committee-lines tbody tr")).to_have_count(15)
    fits(page)
    page.goto(f"{live_server.url}{reverse('members:officers_attention')}")
    expect(page.locator("#attention-rows tr[data-cdcs=DT01]")).to_have_count(1)
    fits(page)
