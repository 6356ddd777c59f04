"""The quota pages in a real browser: Debian's Chromium driven by Playwright against the live server."""

import re
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from targets.models import Programme, Quota
from targets.services import programme_create, quota_set
from unionportal.testing.login import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def programme(transactional_db, province, federation, other_federation):
    programme = programme_create(
        name="Chương trình phát triển đoàn viên, thành lập CĐCS nhiệm kỳ 2023–2028",
        document_number="01/CTr-LĐLĐ",
        document_date=date(2024, 1, 15),
        first_year=2024,
        last_year=2028,
        user=None,
    )
    for year in programme.years:
        for org, members, unions in [(province, 5000, 10), (federation, 3000, 6), (other_federation, 2000, 4)]:
            quota_set(
                programme=programme, organisation=org, year=year, new_members=members, new_unions=unions, user=None
            )
    return programme


def test_provincial_staff_change_a_quota_see_the_sum_then_copy_the_programme(
    programme, federation, provincial_staff, live_server, page, output_path
):
    log_in(page, f"{live_server.url}/", provincial_staff.username)
    page.goto(f"{live_server.url}/quotas/")
    page.click(f"text={programme.name}")
    page.wait_for_load_state("load")  # quotas.js listens from then on

    members_2025 = page.locator("[data-sum][data-year='2025'][data-kind='new_members']")
    expect(members_2025).to_have_text("5.000 ✓")
    page.fill(f"input[name=q-{federation.pk}-2025-new_members]", "3.250")  # as the grid shows numbers
    # the sum line follows the typing, before anything is saved
    expect(members_2025).to_have_text("5.250 / 5.000 (+250)")
    expect(members_2025).to_have_class(re.compile("table-warning"))
    expect(page.locator(f"[data-row-total][data-org='{federation.pk}'][data-kind='new_members']")).to_have_text(
        "15.250"
    )
    page.screenshot(path=Path(output_path) / "quotas-grid-typing.png", full_page=True)

    page.click("#save-quotas")
    assert "Đã lưu chỉ tiêu: 1 ô thay đổi." in page.locator("main .alert-success").inner_text()
    assert page.input_value(f"input[name=q-{federation.pk}-2025-new_members]") == "3.250"
    assert "5.250" in members_2025.inner_text()
    page.screenshot(path=Path(output_path) / "quotas-grid-saved.png", full_page=True)

    page.goto(f"{live_server.url}/quotas/")
    page.click("text=Tạo chương trình mới")
    page.fill("input[name=name]", "Chương trình phát triển đoàn viên nhiệm kỳ 2028–2033")
    page.fill("input[name=document_number]", "02/CTr-LĐLĐ")
    page.fill("input[name=document_date]", "01/07/2028")
    page.fill("input[name=first_year]", "2029")
    page.fill("input[name=last_year]", "2033")
    assert page.locator("select[name=source] option:checked").inner_text() == "01/CTr-LĐLĐ (2024–2028)"
    page.check("input[name=copy_values]")
    page.click("main button[type=submit]")

    assert "Đã tạo chương trình 02/CTr-LĐLĐ (2029–2033)." in page.locator("main").inner_text()
    assert page.locator("#quota-grid thead").inner_text().split()[:6] == ["Đơn", "vị", "2029", "2030", "2031", "2032"]
    assert page.input_value(f"input[name=q-{federation.pk}-2031-new_members]") == "3.000"
    copy = Programme.objects.get(document_number="02/CTr-LĐLĐ")
    assert Quota.objects.filter(programme=copy).count() == 3 * 5
    page.screenshot(path=Path(output_path) / "quotas-grid-copied.png", full_page=True)


def test_a_federation_user_reads_the_grid_without_inputs(programme, federation_user, live_server, page):
    log_in(page, f"{live_server.url}/", federation_user.username)
    page.goto(f"{live_server.url}/quotas/{programme.pk}/")
    assert page.locator("#read-only").is_visible()
    expect(page.locator("#quota-grid input")).to_have_count(0)
    assert "3.000" in page.locator("#quota-grid tbody tr.table-info").inner_text()
