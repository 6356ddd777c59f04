"""The funnel page in a real browser (Debian's Chromium via Playwright): the chart is drawn and
the menu leads there."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from unionportal.testing.funnel_world import build_pipeline
from unionportal.testing.login import log_in

pytestmark = pytest.mark.browser


def test_a_leader_opens_the_funnel_from_the_menu_and_sees_the_chart(
    transactional_db, province, federation, other_federation, make_cdcs, leader, live_server, page, output_path
):
    build_pipeline(federation, other_federation, make_cdcs)
    log_in(page, f"{live_server.url}/reports/dashboard/?start=2021-01&end=2021-06&org=TN", leader.username)
    assert page.locator("#dash-organising [data-figure=organising_open]").inner_text() == "4"
    page.screenshot(path=Path(output_path) / "dashboard-organising.png", full_page=True)
    page.click("#development-menu")
    page.click("text=Báo cáo vận động thành lập CĐCS")
    page.fill("input[name=year]", "2021")
    page.click("#funnel-form button[type=submit]")
    assert "số liệu đến ngày 31/12/2021" in page.locator("#funnel-scope").inner_text()
    assert page.locator("#funnel-stages tfoot [data-figure=open]").inner_text() == "5"
    expect(page.locator("#funnel-stuck tbody tr")).to_have_count(5)
    drawn = page.evaluate(
        "() => { const c = Chart.getChart('chart-funnel'); return c ? c.data.datasets[0].data : null; }"
    )
    assert drawn == [2, 2, 1, 1, 3]
    page.screenshot(path=Path(output_path) / "funnel-2021.png", full_page=True)
