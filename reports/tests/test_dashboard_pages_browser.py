"""The dashboard of a province with more federations than a page, in a real browser: the officers
card loads by itself, the table turns its pages, sorts by a column header and finds a federation
by a name typed without accents, and the phone's list follows it (unionportal.testing.many_federations)."""

import pytest
from playwright.sync_api import expect

from unionportal.testing.login import log_in
from unionportal.testing.many_federations import many_federations

pytestmark = pytest.mark.browser

RANGE = "start=2021-01&end=2021-01&org=TN"


@pytest.fixture
def country(transactional_db):
    return many_federations()


def test_a_leader_pages_sorts_and_searches_the_federations_and_the_officers_card_arrives(country, live_server, page):
    log_in(page, f"{live_server.url}/reports/dashboard/?{RANGE}", country["leader"].username)
    rows = page.locator("#dash-federations tbody tr")
    expect(rows).to_have_count(50)
    expect(rows.first).to_have_attribute("data-org", "H55")
    # The officers card replaces its placeholder, with its first ten federations.
    expect(page.locator("#dash-officers-federations tr[data-org]")).to_have_count(10)
    expect(page.locator("#dash-officers[aria-busy]")).to_have_count(0)

    page.locator("nav[aria-label=Trang] a[rel=next]").click()
    page.wait_for_url("**page=2*")
    expect(rows.first).to_have_attribute("data-org", "H05")
    expect(page.locator("#federations-count")).to_contain_text("51–61 / 61")

    page.locator("#dash-federations th[data-key=admitted] a").click()  # the most first, from page 1
    page.wait_for_url("**sort=admitted*")
    expect(rows.first).to_have_attribute("data-org", "H60")
    expect(page.locator("#dash-federations th[data-key=admitted]")).to_have_attribute("aria-sort", "descending")

    page.fill("#federations-q", "dai tu")
    page.locator("#federations-search button[type=submit]").click()
    page.wait_for_url("**q=dai+tu*")
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-org", "DT")
    page.locator("#federations-clear").click()
    expect(rows).to_have_count(50)
    expect(rows.first).to_have_attribute("data-org", "H60")  # still by admissions

    page.set_viewport_size({"width": 390, "height": 844})
    expect(page.locator("#dash-ranked li[data-org]").first).to_have_attribute("data-org", "H60")
    page.locator("#dash-ranked li[data-org=H59] a.ranked-name").click()
    page.wait_for_url("**/reports/federations/H59/?*")
