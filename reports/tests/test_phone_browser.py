"""A leader on the phone (390×844) and at a desk (1366×768): the dashboard, the brief and both
drill-downs fit the screen's width (a wide table scrolls in its own box, never the page), the
federations read as a ranked list on the phone, and the breadcrumb leads back to the dashboard.
The province is conftest.py's `world` (01–06/2021)."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from unionportal.testing.login import log_in

pytestmark = pytest.mark.browser

RANGE = "start=2021-01&end=2021-06&org=TN"
PHONE, DESK = {"width": 390, "height": 844}, {"width": 1366, "height": 768}
# Each federation's attainment of its 2021 member quota: DT 380 / 600, PB 90 / 400, the others none.
ATTAINMENT = {"DT": ("63,3 %", "380 / 600"), "PB": ("22,5 %", "90 / 400"), "KCN": ("–", None), "VY": ("–", None)}


def _fits_the_width(page) -> None:
    """The page never scrolls sideways (once loaded, its scripts run)."""
    page.wait_for_load_state("load")
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], (page.url, width)


def _charts_drawn(page) -> None:
    page.wait_for_function(
        "() => window.Chart && Array.from(document.querySelectorAll('canvas[data-chart]')).every(Chart.getChart)"
    )


def _legend_position(page, canvas_id: str) -> str:
    return page.evaluate(
        f"() => Chart.getChart(document.getElementById('{canvas_id}')).options.plugins.legend.position"
    )


def _open(page, url: str, shot) -> None:
    page.goto(url)
    if page.locator("canvas[data-chart]").count():
        _charts_drawn(page)
    page.evaluate("() => document.fonts.ready")
    _fits_the_width(page)
    shot()


@pytest.fixture
def leader_page(world, leader, live_server, browser, tmp_path):
    def open_as(viewport):
        page = browser.new_page(viewport=viewport)
        log_in(page, f"{live_server.url}{reverse('reports:dashboard')}?{RANGE}", leader.username)
        page.wait_for_url(f"**{reverse('reports:dashboard')}?{RANGE}")
        name = f"{viewport['width']}x{viewport['height']}"
        return page, lambda label: page.screenshot(path=tmp_path / f"{name}-{label}.png", full_page=True)

    return open_as


def test_on_the_phone_a_leader_reads_the_ranking_the_brief_and_the_drilldowns(leader_page, world, live_server):
    page, shot = leader_page(PHONE)
    _charts_drawn(page)
    _fits_the_width(page)

    # Tiles first, then the federations ranked, each with its attainment and figures in view.
    tiles, ranked = page.locator("[data-figure=admitted]").first, page.locator("#dash-ranked")
    assert tiles.bounding_box()["y"] < ranked.bounding_box()["y"]
    expect(page.locator("#dash-federations")).to_be_hidden()
    lines = page.locator("#dash-ranked li[data-org]")
    assert [lines.nth(i).get_attribute("data-org") for i in range(4)] == ["DT", "PB", "KCN", "VY"]
    for code, (percent, figures) in ATTAINMENT.items():
        line = page.locator(f"#dash-ranked li[data-org={code}]")
        figure = line.locator("[data-figure=year_members]")
        expect(figure).to_be_visible()
        expect(figure).to_have_text(percent)
        box = figure.bounding_box()
        assert 0 <= box["x"] and box["x"] + box["width"] <= PHONE["width"], (code, box)
        if figures:
            expect(line.locator(".ranked-note")).to_have_text(figures)
    expect(page.locator("#dash-ranked li[data-org=DT] .ranked-figures").first).to_contain_text("Kết nạp 380")

    # The filter is folded away, one tap opens it.
    expect(page.locator("#dashboard-form")).to_be_hidden()
    page.click(".filter-toggle")
    expect(page.locator("#dashboard-form input[name=start]")).to_be_visible()
    page.wait_for_selector("#dashboard-form.collapse.show")  # opened: a tap during the unfolding is ignored
    page.click(".filter-toggle")
    expect(page.locator("#dashboard-form")).to_be_hidden()
    shot("dashboard")

    # The charts fit the card, the reasons' legend under the doughnut.
    for canvas in page.locator("canvas[data-chart]").all():
        assert canvas.bounding_box()["width"] <= PHONE["width"]
    assert _legend_position(page, "chart-reasons") == "bottom"

    # A federation, then a CĐCS, and the breadcrumb back to the dashboard.
    page.click("#dash-ranked li[data-org=DT] a.ranked-name")
    expect(page.locator("h1")).to_have_text("LĐLĐ huyện Đại Từ")
    _fits_the_width(page)
    expect(page.locator("#range-form")).to_be_hidden()
    cdcs_box = page.locator("#cdcs-lines").locator("xpath=..")
    expect(cdcs_box).to_have_class(re.compile(r"\bscrolls-x\b"))  # the table scrolls in its box…
    hint = cdcs_box.locator("xpath=preceding-sibling::div[1]")
    expect(hint).to_have_text("Vuốt ngang để xem thêm →")  # …and says so
    expect(hint).to_be_visible()
    shot("federation")
    page.click(f"#cdcs-lines tr[data-cdcs={world['d1'].code}] a")
    expect(page.locator("h1")).to_have_text(world["d1"].name)
    _fits_the_width(page)
    shot("cdcs")
    expect(page.locator("#breadcrumbs a").first).to_have_text("Bảng điều khiển")
    page.locator("#breadcrumbs a").first.click()
    expect(page.locator("#dash-ranked")).to_be_visible()
    assert RANGE in page.url

    # The brief, reflowed, its PDF one tap away; on paper the A4 page.
    _open(page, f"{live_server.url}{reverse('reports:brief')}?{RANGE}", lambda: shot("brief"))
    pdf = page.locator("#brief-pdf")
    expect(pdf).to_be_visible()
    assert pdf.bounding_box()["y"] < PHONE["height"] and pdf.bounding_box()["width"] > PHONE["width"] / 2
    assert page.evaluate("() => getComputedStyle(document.querySelector('.brief-header')).flexDirection") == "column"
    page.emulate_media(media="print")
    assert page.evaluate("() => getComputedStyle(document.querySelector('.brief-header')).flexDirection") == "row"
    page.emulate_media(media="screen")

    # The report page fits too, and its federations lead back to it.
    _open(page, f"{live_server.url}{reverse('reports:progress')}?{RANGE}", lambda: shot("report"))
    page.locator("a", has_text="LĐLĐ huyện Phú Bình").first.click()
    expect(page.locator("#breadcrumbs a").first).to_have_text("Báo cáo")


def test_at_a_desk_the_pages_fit_and_the_wide_table_scrolls_in_its_box(leader_page, world, live_server):
    page, shot = leader_page(DESK)
    _charts_drawn(page)
    _fits_the_width(page)
    expect(page.locator("#dash-ranked")).to_be_hidden()
    expect(page.locator("#dashboard-form input[name=start]")).to_be_visible()
    rows = page.locator("#dash-federations tbody tr")
    assert [rows.nth(i).get_attribute("data-org") for i in range(4)] == ["DT", "PB", "KCN", "VY"]  # by rank
    expect(page.locator("#dash-federations tr[data-org=PB] td").nth(10)).to_have_text("22,5 %")
    assert _legend_position(page, "chart-reasons") == "bottom"
    shot("dashboard")

    # Numbers sort largest first at the first click, then the other way.
    header = page.locator("#dash-federations thead th", has_text="Kết nạp").first
    header.locator("button").click()
    assert [rows.nth(i).get_attribute("data-org") for i in range(2)] == ["DT", "PB"]  # 380, 90
    header.locator("button").click()
    assert [rows.nth(i).get_attribute("data-org") for i in range(2)] == ["VY", "KCN"]  # 0, 70

    detail = f"{reverse('reports:federation_detail', kwargs={'code': 'DT'})}?start=2021-01&end=2021-06"
    _open(page, f"{live_server.url}{detail}", lambda: shot("federation"))
    cdcs = f"{reverse('reports:cdcs_months', kwargs={'code': world['d1'].code})}?start=2021-01&end=2021-06"
    _open(page, f"{live_server.url}{cdcs}", lambda: shot("cdcs"))
    _open(page, f"{live_server.url}{reverse('reports:brief')}?{RANGE}", lambda: shot("brief"))
    expect(page.locator("#brief-pdf")).to_be_visible()

    # Tablets, upright (the ranked list) and on their side (the table): nothing wider than the screen.
    for viewport in ({"width": 820, "height": 1180}, {"width": 1024, "height": 768}):
        page.set_viewport_size(viewport)
        for url in (f"{reverse('reports:dashboard')}?{RANGE}", detail, cdcs, f"{reverse('reports:brief')}?{RANGE}"):
            _open(page, f"{live_server.url}{url}", lambda: None)
