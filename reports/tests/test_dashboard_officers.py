"""The dashboard's card "Cần kiện toàn cán bộ CĐCS": counts per category and per federation for the
province, the federations with the most to fill, a federation's own counts for its staff, the
followed federations when the dashboard is narrowed to them; numbers only, never a name, and the
link to the list for staff only (unionportal/testing/committees.py builds the CĐCS)."""

from datetime import date

import pytest
from django.urls import reverse

from members.models import UserProfile
from reports.dashboard import dashboard
from reports.dashboard_officers import officers_card
from reports.selectors import Scope
from unionportal.lib.months import Month
from unionportal.testing.committees import committees_create
from unionportal.testing.html import attr, find, find_all, page, text

URL = reverse("reports:dashboard")


@pytest.fixture
def committees(federation, other_federation):
    return committees_create(federation, other_federation)


def _tiles(html) -> dict[str, str]:
    card = find(html, "section", id="dash-officers")
    return {attr(tile, "data-figure"): text(tile) for tile in find_all(card, data_figure=True)}


def test_leaders_see_the_provinces_counts_and_federations_without_names_or_link(client_for, leader, committees):
    response = client_for(leader).get(URL)
    html = page(response)
    assert _tiles(html) == {
        "officers_needing": "3",
        "officers_no_chair": "1",
        "officers_short": "2",
        "officers_overdue": "1",
        "officers_due": "1",
    }
    card = find(html, "section", id="dash-officers")
    assert "đã ghi nhiệm kỳ của 5 / 6 CĐCS" in text(card)
    assert text(find(card, id="officers-top")) == (
        "Nhiều CĐCS cần kiện toàn nhất: LĐLĐ huyện Đại Từ (2) , LĐLĐ huyện Phú Bình (1) ."
    )
    rows = find_all(find(card, "table", id="dash-officers-federations"), "tr", data_org=True)
    assert [[text(cell) for cell in find_all(row, "td")] for row in rows] == [
        ["LĐLĐ huyện Đại Từ", "2", "1", "1", "1", "1", "1"],
        ["LĐLĐ huyện Phú Bình", "1", "0", "1", "0", "0", "0"],
    ]
    assert not find_all(card, id="open-filling")
    content = response.content.decode()
    assert "Nguyễn Thị Lan" not in content and "Hà Văn Lý" not in content


def test_provincial_staff_get_the_link_to_the_list(client_for, provincial_staff, committees):
    card = find(page(client_for(provincial_staff).get(URL)), "section", id="dash-officers")
    assert attr(find(card, "a", id="open-filling"), "href") == reverse("members:officers_attention")


def test_federation_staff_see_their_own_federations_counts(client_for, federation_user, committees):
    html = page(client_for(federation_user).get(URL))
    assert _tiles(html)["officers_needing"] == "2"
    assert not find_all(html, "table", id="dash-officers-federations")
    assert find_all(html, "a", id="open-filling")


def test_a_leader_narrowing_to_followed_federations_sees_theirs(client_for, leader, other_federation, committees):
    UserProfile.objects.get(user=leader).followed_federations.set([other_federation])
    html = page(client_for(leader).get(URL, {"mine": "on"}))
    assert _tiles(html)["officers_needing"] == "1"
    rows = find_all(find(html, "table", id="dash-officers-federations"), "tr", data_org=True)
    assert [attr(row, "data-org") for row in rows] == ["PB"]


def test_a_past_range_is_read_on_its_last_day_and_the_latest_one_today(province, leader, committees):
    past = dashboard(start=Month(2024, 1), end=Month(2024, 12), scope=Scope(province, None))
    assert officers_card(past, user=leader, today=date(2026, 12, 6)).on == date(2024, 12, 31)
    latest = dashboard(start=Month(2026, 1), end=Month(2026, 11), scope=Scope(province, None))
    assert officers_card(latest, user=leader, today=date(2026, 12, 6)).on == date(2026, 12, 6)
