"""A reorganisation in Chromium, as issue 21 tells it: provincial staff download the plan's template
for the two district unions that end, fill it in (with openpyxl, as Excel would), upload it, read
the preview (each organisation before → after, the province's members unchanged), apply the plan,
find July's board and dashboard on the new structure (the ended unions gone, the commune union and
the province's direct block there), then undo it and find the old structure back. Screenshots at
a laptop's and a phone's size go to /tmp (UNIONPORTAL_SHOTS to put them elsewhere)."""

import os
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from members.models import Organisation, Role
from reorganisation.models import Plan
from unionportal.testing.login import log_in
from unionportal.testing.province import user_create

from .pages_world import DESTINATIONS, reorg_province

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("UNIONPORTAL_SHOTS", "/tmp/unionportal-reorganisation"))
LAPTOP, PHONE = {"width": 1366, "height": 768}, {"width": 390, "height": 844}


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _fill_template(path: Path) -> None:
    """The header, each CĐCS's destination, the commune union and the CĐCS it founds."""
    book = load_workbook(path)
    header = book["Đề án"]
    header["B3"], header["B4"] = "Sắp xếp công đoàn cấp huyện", "Quyết định số 15/QĐ-LĐLĐ ngày 20/6/2025"
    lines = book["CĐCS"]
    for row in lines.iter_rows(min_row=4):
        code = row[1].value
        if code in DESTINATIONS:
            row[5].value, row[6].value, row[7].value = (value or None for value in DESTINATIONS[code])
    book["Đơn vị mới"].append(["XA1", "Công đoàn xã Đại Từ", "Công đoàn xã, phường, đặc khu"])
    book["CĐCS mới"].append(["DTM", "CĐCS Trường học Đại Từ", "Các trường học xã Đại Từ",
                             "Cơ quan hành chính, đơn vị sự nghiệp", "XA1"])  # fmt: skip
    book.save(path)


def _board(page, live_server) -> list[str]:
    page.goto(f"{live_server.url}/board/?month=2025-07")
    rows = page.locator("#board tbody tr[data-federation]")
    expect(rows.first).to_be_visible()
    return sorted(rows.evaluate_all("rows => rows.map(row => row.dataset.federation)"))


def _dashboard(page, live_server) -> list[str]:
    page.goto(f"{live_server.url}/reports/dashboard/?start=2025-07&end=2025-07")
    rows = page.locator("tr[data-org]")
    expect(rows.first).to_be_visible()
    return sorted(set(rows.evaluate_all("rows => rows.map(row => row.dataset.org)")))


def test_provincial_staff_upload_preview_apply_and_undo_a_plan(live_server, browser, province, tmp_path):
    reorg_province(province)
    staff = user_create("bantochuc", Role.PROVINCIAL_STAFF)
    page = log_in(browser.new_page(viewport=LAPTOP), f"{live_server.url}/", staff.username)
    before_board, before_dashboard = _board(page, live_server), _dashboard(page, live_server)
    assert before_board == ["DT", "KCN", "PB"]

    # the menu, the list, the upload page; the template for DT and PB from July 2025
    page.click("#development-menu")
    page.click("#menu-reorganisation")
    expect(page.locator("#plan-table")).to_contain_text("Chưa có đề án")
    page.click("#plan-upload-link")
    page.fill("#template-form [name=month]", "07/2025")
    page.check("#template-form input[value=DT]")
    page.check("#template-form input[value=PB]")
    with page.expect_download() as download:
        page.click("#template-download")
    path = tmp_path / "de-an.xlsx"
    download.value.save_as(path)
    _fill_template(path)

    page.set_input_files("#plan-upload-form input[type=file]", path)
    page.click("#plan-upload-check")
    expect(page.locator("#count-endings")).to_have_text("2: DT, PB")
    expect(page.locator("#upload-problems")).to_have_count(0)
    _shot(page, "upload-preview")
    page.click("#confirm-upload")

    # the plan's page: the preview
    expect(page.locator("#plan-name")).to_contain_text("Sắp xếp công đoàn cấp huyện")
    preview = page.locator("#plan-preview")
    expect(preview.locator("tr[data-org=DT] [data-figure=members_after]")).to_have_text("0")
    expect(preview.locator("tr[data-org=KCN] [data-figure=members_after]")).to_have_text("75")
    expect(preview.locator("tr[data-org=XA1] [data-figure=members_after]")).to_have_text("30")
    expect(preview.locator("tr[data-org=direct] [data-figure=members_after]")).to_have_text("40")
    expect(page.locator("#members-unchanged")).to_contain_text("không đổi (145)")
    _shot(page, "plan-preview-laptop")
    page.set_viewport_size(PHONE)
    _shot(page, "plan-preview-phone")
    page.set_viewport_size(LAPTOP)

    # applied: a question first, then the new structure
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#plan-apply")
    expect(page.locator("#job-result")).to_contain_text("Đã áp dụng đề án")  # the job's page, then back
    _shot(page, "plan-apply-job")
    page.click("#job-link")
    expect(page.locator("#plan-applied")).to_be_visible()
    expect(page.locator("#plan-undo")).to_be_visible()
    _shot(page, "plan-applied")
    plan = Plan.objects.get()
    assert plan.status == Plan.Status.APPLIED
    direct = Organisation.objects.get(kind=Organisation.Kind.DIRECT).code
    after_board = _board(page, live_server)
    assert after_board == sorted(["KCN", "XA1", direct])
    _shot(page, "board-after-laptop")
    page.set_viewport_size(PHONE)
    _shot(page, "board-after-phone")
    page.set_viewport_size(LAPTOP)
    after_dashboard = _dashboard(page, live_server)
    assert {"DT", "PB"}.isdisjoint(after_dashboard) and {"XA1", direct} <= set(after_dashboard)
    _shot(page, "dashboard-after")

    # undone: the old structure back
    page.goto(f"{live_server.url}/reorganisation/{plan.pk}/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#plan-undo")
    expect(page.locator("#job-result")).to_contain_text("Đã hoàn tác đề án")
    page.click("#job-link")
    expect(page.locator("#plan-undone")).to_be_visible()
    assert _board(page, live_server) == before_board
    assert _dashboard(page, live_server) == before_dashboard


def test_provincial_staff_build_a_plan_on_the_page_filling_many_rows_at_once(live_server, browser, province):
    reorg_province(province)
    staff = user_create("bantochuc", Role.PROVINCIAL_STAFF)
    page = log_in(browser.new_page(viewport=LAPTOP), f"{live_server.url}/reorganisation/new/", staff.username)
    page.fill("[name=name]", "Sắp xếp công đoàn cấp huyện")
    page.fill("[name=effective_month]", "07/2025")
    page.keyboard.press("Escape")  # the month picker
    page.check("#plan-endings input[value=DT]")
    page.check("#plan-endings input[value=PB]")
    page.fill("[name=union-0-code]", "XA1")
    page.fill("[name=union-0-name]", "Công đoàn xã Đại Từ")
    page.select_option("[name=union-0-kind]", "commune")
    _shot(page, "plan-new-laptop")
    page.click("#plan-next")

    rows = page.locator("#plan-lines tbody tr[data-cdcs]")
    expect(rows).to_have_count(3)
    page.check("#pick-all")  # every row, then the helper: all to the province
    page.select_option("#fill-action", "to_province")
    page.click("#fill-apply")
    expect(page.locator(".alert-info")).to_contain_text("Đã điền cho 3 dòng.")
    expect(page.locator("[name=line-2-action]")).to_have_value("to_province")
    page.select_option("[name=line-1-action]", "merge")
    page.fill("[name=line-1-target_code]", "DTM")
    page.select_option("[name=line-2-action]", "move")
    page.fill("[name=line-2-union_code]", "KCN")
    page.fill("[name=cdcs-0-code]", "DTM")
    page.fill("[name=cdcs-0-name]", "CĐCS Trường học Đại Từ")
    page.fill("[name=cdcs-0-employer]", "Các trường học xã Đại Từ")
    page.select_option("[name=cdcs-0-sector]", "public")
    page.fill("[name=cdcs-0-union_code]", "XA1")
    _shot(page, "plan-lines-laptop")
    page.set_viewport_size(PHONE)
    _shot(page, "plan-lines-phone")
    page.set_viewport_size(LAPTOP)
    page.click("#plan-create")
    expect(page.locator("#plan-preview tr[data-org=XA1] [data-figure=members_after]")).to_have_text("30")
    assert list(Plan.objects.get().lines.values_list("cdcs__code", "action")) == [
        ("DT01", "to_province"), ("DT02", "merge"), ("PB01", "move"),
    ]  # fmt: skip
