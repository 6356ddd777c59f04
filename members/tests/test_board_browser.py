"""The submission board in a real browser: a steering-committee member narrows it to their federations."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from members.figures.workflow import return_submit
from members.models import UserProfile
from unionportal.lib.months import Month
from unionportal.testing.login import log_in

pytestmark = pytest.mark.browser


def test_a_steering_committee_member_narrows_the_board_to_the_federations_they_follow(
    live_server, page, leader, federation, other_federation, make_cdcs, provincial_staff
):
    month = Month.last_complete(timezone.localdate())
    for org in (federation, other_federation):
        make_cdcs(org, opening=30, first_month=month)
    return_submit(federation=federation, month=month, user=provincial_staff)
    UserProfile.objects.get(user=leader).followed_federations.set([federation])

    log_in(page, f"{live_server.url}/board/", leader.username)
    assert "Theo dõi nộp báo cáo tháng" in page.locator("h1").inner_text()
    expect(page.locator("#board tbody tr[data-federation]")).to_have_count(2)

    page.select_option("select[name=follower]", label="Các đơn vị tôi theo dõi")
    page.click("main form button[type=submit]")

    rows = page.locator("#board tbody tr[data-federation]")
    expect(rows).to_have_count(1)
    assert "LĐLĐ huyện Đại Từ" in rows.first.inner_text()
    assert "Đã gửi" in rows.first.locator("td").nth(1).inner_text()
    assert "follower=me" in page.url
    assert page.locator("select[name=follower]").input_value() == "me"
