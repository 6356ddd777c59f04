"""The dashboard in a real browser: a leader opens it, switches to 2019, and the charts draw."""

from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from members.figures.services import figures_record
from targets.models import Programme, Quota
from unionportal.lib.months import Month
from unionportal.testing.login import log_in

pytestmark = pytest.mark.browser

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def province_with_two_years(province, federation, other_federation, make_cdcs):
    """2019: DT admits 19, PB 4. This year (to the last complete month): DT 7, PB 30."""
    latest = Month.last_complete(timezone.localdate())
    assert latest.year != 2019
    programme = Programme.objects.create(
        name="Chương trình thử",
        document_number="04/CTr-LĐLĐ",
        document_date=date(2018, 7, 11),
        first_year=2018,
        last_year=latest.year + 1,
    )
    for org, admitted_2019, admitted_now in ((federation, 19, 7), (other_federation, 4, 30)):
        cdcs = make_cdcs(org, opening=100, first_month=Month(2018, 12))
        figures_record(cdcs=cdcs, month=Month(2019, 5), admitted=admitted_2019, user=None)
        figures_record(cdcs=cdcs, month=latest, admitted=admitted_now, user=None)
        for year in (2019, latest.year):
            Quota.objects.create(programme=programme, organisation=org, year=year, new_members=40, new_unions=1)
    return latest


def test_a_leader_switches_the_dashboard_to_2019_and_sees_the_charts(
    province_with_two_years, live_server, page, leader, tmp_path
):
    log_in(page, f"{live_server.url}/reports/dashboard/", leader.username)
    assert "Bảng điều khiển" in page.locator("h1").inner_text()
    assert page.locator("[data-figure=admitted]").inner_text() == "37"

    page.fill("input[name=start]", "2019-01")
    page.fill("input[name=end]", "2019-12")
    page.click("#dashboard-form button[type=submit]")
    page.wait_for_url("**/reports/dashboard/?start=2019-01*")
    assert page.locator("[data-figure=admitted]").inner_text() == "23"
    assert "01/2019 – 12/2019" in page.locator("#dashboard-scope").inner_text()

    charts = page.locator("canvas[data-chart]")
    expect(charts).to_have_count(6)
    drawn = page.evaluate(
        "() => Array.from(document.querySelectorAll('canvas[data-chart]'))"
        ".filter((canvas) => window.Chart.getChart(canvas)).length"
    )
    assert drawn == 6

    # Sorting by admissions, the most first, then again the other way round.
    rows = page.locator("#dash-federations tbody tr")
    header = page.locator("#dash-federations thead th", has_text="Kết nạp").first
    header.locator("button").click()
    assert [rows.nth(i).get_attribute("data-org") for i in range(2)] == ["DT", "PB"]
    header.locator("button").click()
    assert [rows.nth(i).get_attribute("data-org") for i in range(2)] == ["PB", "DT"]

    screenshot = tmp_path / "dashboard-2019.png"
    page.screenshot(path=screenshot, full_page=True)
    content = screenshot.read_bytes()
    assert content.startswith(PNG) and len(content) > 10_000


SERIF = {"Times New Roman", "Tinos"}  # Tinos: the webfont the brief ships, for machines without Times


def _fonts_of(page, selector: str) -> dict[str, int]:
    """The fonts Chromium drew the element's text with, and how many glyphs each: a letter the
    first font lacks (a missing "ệ") shows up as a second, fallback font."""
    session = page.context.new_cdp_session(page)
    session.send("DOM.enable")
    session.send("CSS.enable")
    root = session.send("DOM.getDocument")["root"]["nodeId"]
    node = session.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = session.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    return {font["familyName"]: font["glyphCount"] for font in fonts}


def test_a_leader_drills_into_a_federation_and_prints_the_brief(
    province_with_two_years, live_server, page, leader, tmp_path
):
    log_in(page, f"{live_server.url}/reports/dashboard/?start=2019-01&end=2019-12&org=TN", leader.username)
    page.locator("#dash-federations tbody tr[data-org=DT] a").first.click()
    page.wait_for_url("**/reports/federations/DT/?*")
    assert page.locator("h1").inner_text() == "LĐLĐ huyện Đại Từ"
    assert "19" in page.locator("#federation-figures").inner_text()  # the 19 admitted in 2019

    page.go_back()
    page.click("#open-brief")
    page.wait_for_url("**/reports/brief/?*")
    sentence = page.locator("#brief-sentence").inner_text()
    assert sentence.startswith("Trong năm 2019 đã kết nạp mới 23 đoàn viên;")  # a past year: no "đến nay"
    assert page.evaluate("() => document.querySelectorAll('canvas[data-chart]').length") >= 3

    page.evaluate("() => document.fonts.ready")
    page.emulate_media(media="print")
    screenshot = tmp_path / "brief.png"
    page.locator("#brief").screenshot(path=screenshot)
    assert screenshot.read_bytes().startswith(PNG)
    for selector in ("#brief-sentence", ".brief-title", ".brief-motto"):
        fonts = _fonts_of(page, selector)
        assert len(fonts) == 1 and set(fonts) <= SERIF, (selector, fonts)  # every letter in one serif font
