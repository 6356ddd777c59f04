"""The Excel round trip in Chromium: a federation user downloads the month's template, fills it
(with openpyxl, as Excel would), uploads it, sees the preview with one error, fixes the file,
uploads it again, confirms, and finds the figures in the grid."""

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from members.models import MonthlyFigure, Upload
from unionportal.lib.months import Month
from unionportal.testing.login import log_in
from unionportal.testing.sheets import fill

pytestmark = pytest.mark.browser


def test_template_filled_uploaded_fixed_and_confirmed(
    live_server, browser, federation, federation_user, make_cdcs, tmp_path
):
    month = Month.last_complete(timezone.localdate())
    make_cdcs(federation, opening=120, first_month=month - 1, code="DT01", name="CĐCS Công ty May Việt Đức")
    make_cdcs(federation, opening=40, first_month=month - 1, code="DT02", name="CĐCS Trường THCS Hùng Sơn")

    page = log_in(
        browser.new_page(viewport={"width": 1400, "height": 900}), f"{live_server.url}/", federation_user.username
    )
    page.click("text=Số liệu tháng")  # the last complete month
    with page.expect_download() as download:
        page.click("#download-template")
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.name == f"so-lieu-DT-{month.iso}.xlsx"

    workbook = load_workbook(path)
    fill(workbook, {"DT01": {"Kết nạp mới": 12, "Giảm: Nghỉ hưu": 2}, "DT02": {"Giảm: Nghỉ việc, chuyển công tác": 45}})
    workbook.save(path)
    page.click("#upload-sheet")
    page.set_input_files("input[type=file]", path)
    page.click("#upload-form button[type=submit]")
    problems = page.locator("#upload-problems")
    expect(problems).to_contain_text("Không nhập được: 1 lỗi")
    expect(problems).to_contain_text("lớn hơn số đoàn viên có trong tháng (40)")
    cell = problems.locator("tbody tr").first
    expect(cell).to_contain_text("H10")  # the cell of DT02's first loss column, and the CĐCS
    expect(cell).to_contain_text("Giảm: Nghỉ việc, chuyển công tác")
    expect(cell).to_contain_text("DT02")
    expect(page.locator("#confirm-upload")).to_have_count(0)
    assert not MonthlyFigure.objects.filter(month=month.first_day).exists()

    fill(workbook, {"DT02": {"Giảm: Nghỉ việc, chuyển công tác": 4}})
    workbook.save(path)
    page.click("text=Tải tệp khác")
    page.set_input_files("input[type=file]", path)
    page.click("#upload-form button[type=submit]")
    expect(page.locator("#preview-summary")).to_contain_text("2 CĐCS thay đổi")
    expect(page.locator("#preview-totals")).to_contain_text("166")  # 130 + 36 at the month's end
    page.screenshot(path=str(tmp_path / "preview.png"), full_page=True)
    page.click("#confirm-upload")

    expect(page.locator(".alert-success").first).to_contain_text("2 dòng thay đổi")
    expect(page.locator('[data-total="admitted"]')).to_have_text("12")
    ends = dict(MonthlyFigure.objects.filter(month=month.first_day).values_list("cdcs__code", "members_end"))
    assert ends == {"DT01": 130, "DT02": 36}
    assert list(Upload.objects.order_by("pk").values_list("outcome", flat=True)) == ["refused", "imported"]
