"""The organising pipeline in Chromium, as issue 8 tells it: a federation user logs a visit to an
enterprise that has no union yet, moves it to "organising committee", founds its CĐCS, and sees the
funnel and the dashboard change: one enterprise fewer being organised, one CĐCS more founded, one
fewer left to found against the year's quota."""

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from members.models import GrassrootsUnion, Sector
from organising.models import Contact, Enterprise, Stage
from organising.services import enterprise_create, stage_move
from targets.models import Programme, Quota
from unionportal.lib.months import Month
from unionportal.testing.login import log_in

pytestmark = pytest.mark.browser


def _figure(page, row: str, name: str) -> str:
    return page.locator(f"#funnel-stages tr[data-org={row}] [data-figure={name}]").inner_text()


def _approached_enterprise(federation, user, today):
    """This year's quota of 3 CĐCS for the federation, and an enterprise of 320 workers it
    identified six weeks ago and approached three weeks ago (or since January 1st, early in a year)."""
    programme = Programme.objects.create(
        name="Chương trình phát triển đoàn viên", document_number="04/CTr-LĐLĐ", document_date=date(2018, 7, 11),
        first_year=today.year - 1, last_year=today.year + 3,
    )  # fmt: skip
    Quota.objects.create(programme=programme, organisation=federation, year=today.year, new_members=100, new_unions=3)
    identified = max(today - timedelta(days=42), date(today.year, 1, 1))
    enterprise = enterprise_create(
        name="Công ty TNHH May mặc Hanul Việt Nam", tax_code="4601234567", federation=federation,
        sector=Sector.FDI, workers=320, address="KCN Điềm Thụy", on=identified, user=user,
    )  # fmt: skip
    stage_move(
        enterprise=enterprise, to_stage=Stage.APPROACHED, on=max(today - timedelta(days=21), identified), user=user,
    )  # fmt: skip
    return enterprise


def _log_a_visit(page, enterprise, today):
    """On the enterprise's page: a visit, with the next step it agreed."""
    contact = page.locator("#contact-form")
    contact.locator("[name=contact-on]").fill(today.isoformat())
    contact.locator("[name=contact-outcome]").fill("Giám đốc nhân sự đồng ý để công nhân bầu ban vận động.")
    contact.locator("[name=contact-next_step]").fill("Họp công nhân bầu ban vận động")
    contact.locator("[name=contact-next_step_on]").fill((today + timedelta(days=7)).isoformat())
    contact.get_by_role("button", name="Ghi lần tiếp xúc").click()
    expect(page.locator("#contact-log")).to_contain_text("Giám đốc nhân sự đồng ý")
    expect(page.locator("#enterprise-next-step")).to_contain_text("Họp công nhân bầu ban vận động")
    assert Contact.objects.filter(enterprise=enterprise).count() == 1


def test_a_federation_user_organises_an_enterprise_until_its_cdcs_is_founded(
    live_server, page, output_path, federation, federation_user, make_cdcs
):
    today = timezone.localdate()
    shots = Path(output_path)
    make_cdcs(federation, code="DT01", opening=40, first_month=Month(2021, 3))
    enterprise = _approached_enterprise(federation, federation_user, today)

    log_in(page, f"{live_server.url}/organising/funnel/", federation_user.username)
    expect(page.locator("#funnel-stages")).to_be_visible()
    assert _figure(page, "DT", "approached") == "1"
    assert _figure(page, "DT", "committee") == "0"
    assert _figure(page, "DT", "founded") == "0"

    # The register: the enterprise is a priority (320 workers, no union); its page
    page.click("#development-menu")
    page.click("#menu-enterprises")
    row = page.locator("tr", has_text="Hanul")
    expect(row).to_contain_text("Ưu tiên")
    row.get_by_role("link", name="Công ty TNHH May mặc Hanul Việt Nam").click()
    expect(page.locator("#enterprise-stage")).to_have_text("Đã tuyên truyền")

    _log_a_visit(page, enterprise, today)

    # the workers elected their organising committee
    stage = page.locator("#stage-form")
    stage.locator("[name=move-to_stage]").select_option(Stage.COMMITTEE.value)
    stage.locator("[name=move-on]").fill(today.isoformat())
    stage.get_by_role("button", name="Chuyển giai đoạn").click()
    expect(page.locator("#enterprise-stage")).to_have_text("Có ban vận động")
    page.screenshot(path=shots / "enterprise-committee.png", full_page=True)

    page.goto(f"{live_server.url}/organising/funnel/")
    assert _figure(page, "DT", "approached") == "0"
    assert _figure(page, "DT", "committee") == "1"
    page.go_back()

    # the CĐCS is founded from the pre-filled form, in the CĐCS register
    found = page.locator("#found-form")
    expect(found.locator("[name=found-name]")).to_have_value("CĐCS Công ty TNHH May mặc Hanul Việt Nam")
    found.locator("[name=found-founding_decision]").fill("15/QĐ-LĐLĐ")
    found.locator("[name=found-founded_on]").fill(today.isoformat())
    found.get_by_role("button", name="Thành lập CĐCS").click()
    expect(page.locator("#enterprise-stage")).to_have_text("Đã thành lập CĐCS")
    cdcs = GrassrootsUnion.objects.get(enterprise__pk=enterprise.pk)
    expect(page.locator("#enterprise-cdcs")).to_contain_text(cdcs.code)
    assert Enterprise.objects.get(pk=enterprise.pk).stage == Stage.FOUNDED
    assert (cdcs.founded_on, cdcs.founding_decision, cdcs.workers) == (today, "15/QĐ-LĐLĐ", 320)

    page.goto(f"{live_server.url}/organising/funnel/")
    assert _figure(page, "DT", "committee") == "0"
    assert _figure(page, "DT", "founded") == "1"
    assert _figure(page, "DT", "open") == "0"
    page.screenshot(path=shots / "funnel-after.png", full_page=True)

    # the dashboard of this year up to this month: the new CĐCS counts toward the quota
    month = Month.of(today)
    page.goto(f"{live_server.url}/reports/dashboard/?start={Month(today.year, 1).iso}&end={month.iso}&org=DT")
    card = page.locator("#dash-organising")
    assert card.locator("[data-figure=organising_founded]").inner_text() == "1"
    assert card.locator("[data-figure=organising_open]").inner_text() == "0"
    assert page.locator(".tile-value[data-figure=unions_founded]").inner_text() == "1"
    expect(card.locator("#dash-organising-federations tr[data-org=DT]")).to_contain_text("2")  # 3 − 1 left
    page.screenshot(path=shots / "dashboard-after.png", full_page=True)
