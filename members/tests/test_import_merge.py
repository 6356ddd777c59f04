"""The month's sheet against saves made after its template was downloaded (issue 18): the
template remembers what it was filled from (a very hidden sheet), so a cell the sheet left alone
keeps what someone saved since, a cell the sheet changed is written, and a cell both changed to
different values is a problem naming the cell, the CĐCS and both values, with nothing written."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from members.figures.exports import BASE_SHEET, MONTH_SHEET
from members.figures.services import figures_record
from members.figures.sheet import sheet_read
from members.figures.sheet_import import SheetRefused, sheet_import, sheet_preview
from members.models import MonthlyFigure
from unionportal.lib.months import Month
from unionportal.testing.sheets import fill, template, to_bytes

MARCH, APRIL = Month(2021, 3), Month(2021, 4)


@pytest.fixture
def april(unions, federation_user):
    """DT01 and DT02 with one admission each saved for April, before anyone downloads the template."""
    for cdcs in unions:
        figures_record(cdcs=cdcs, month=APRIL, admitted=1, user=federation_user)
    return unions


def _preview(workbook, federation, user):
    sheet = sheet_read(to_bytes(workbook))
    return sheet, sheet_preview(sheet, federation=federation, month=APRIL, user=user)


def _admitted(code: str) -> int:
    return MonthlyFigure.objects.get(cdcs__code=code, month=APRIL.first_day).admitted


def test_a_sheet_downloaded_before_someone_saves_keeps_the_cells_it_left_alone(
    federation, federation_user, provincial_staff, april
):
    workbook = template(federation, APRIL)  # A downloads
    figures_record(cdcs=april[1], month=APRIL, admitted=9, user=provincial_staff)  # B saves DT02 meanwhile
    fill(workbook, {"DT01": {"Kết nạp mới": 5}})  # A changes DT01 only

    sheet, preview = _preview(workbook, federation, federation_user)
    assert not preview.problems
    assert [(change.cdcs.code, change.changed) for change in preview.changes] == [("DT01", ["admitted", "members_end"])]
    assert [(kept.cell, kept.code, kept.shown, kept.saved) for kept in preview.kept] == [("F10", "DT02", 1, 9)]
    assert any("đã được lưu lại sau khi mẫu này được tải" in note for note in preview.notes)
    sheet_import(sheet=sheet, federation=federation, month=APRIL, version=preview.version, user=federation_user)
    assert (_admitted("DT01"), _admitted("DT02")) == (5, 9)


def test_a_cell_both_changed_differently_is_refused_naming_cell_cdcs_and_both_values(
    federation, federation_user, provincial_staff, april
):
    workbook = template(federation, APRIL)
    figures_record(cdcs=april[1], month=APRIL, admitted=9, user=provincial_staff)
    fill(workbook, {"DT01": {"Kết nạp mới": 5}, "DT02": {"Kết nạp mới": 4}})

    sheet, preview = _preview(workbook, federation, federation_user)
    assert [(p.sheet, p.row, p.cell, p.cdcs) for p in preview.problems] == [(MONTH_SHEET, 10, "F10", "DT02")]
    message = preview.problems[0].message
    assert message.startswith(f"Tệp ghi 4, nhưng {provincial_staff.get_full_name()} đã lưu 9 lúc")
    assert "(khi tải mẫu là 1)" in message and "sửa ô F10 thành 9" in message
    with pytest.raises(SheetRefused):
        sheet_import(sheet=sheet, federation=federation, month=APRIL, version=preview.version, user=federation_user)
    assert (_admitted("DT01"), _admitted("DT02")) == (1, 9)

    fill(workbook, {"DT02": {"Kết nạp mới": 9}})  # settled on B's number: no conflict left
    sheet, preview = _preview(workbook, federation, federation_user)
    assert not preview.problems
    sheet_import(sheet=sheet, federation=federation, month=APRIL, version=preview.version, user=federation_user)
    assert (_admitted("DT01"), _admitted("DT02")) == (5, 9)


def test_a_stock_carried_from_a_month_corrected_since_does_not_refuse_the_sheet(
    federation, federation_user, provincial_staff, april
):
    workbook = template(federation, APRIL)  # shows DT01's April start as 100
    figures_record(cdcs=april[0], month=MARCH, members_start=100, admitted=3, user=provincial_staff)
    fill(workbook, {"DT01": {"Kết nạp mới": 5}})
    sheet, preview = _preview(workbook, federation, federation_user)
    assert not preview.problems, [problem.message for problem in preview.problems]
    sheet_import(sheet=sheet, federation=federation, month=APRIL, version=preview.version, user=federation_user)
    figure = MonthlyFigure.objects.get(cdcs=april[0], month=APRIL.first_day)
    assert (figure.members_start, figure.admitted, figure.members_end) == (103, 5, 108)


def test_a_sheet_without_the_templates_record_replaces_what_is_saved_and_says_so(
    federation, federation_user, provincial_staff, april
):
    workbook = template(federation, APRIL)
    del workbook[BASE_SHEET]  # typed from scratch, or downloaded before templates kept it
    figures_record(cdcs=april[1], month=APRIL, admitted=9, user=provincial_staff)
    fill(workbook, {"DT01": {"Kết nạp mới": 5}})
    sheet, preview = _preview(workbook, federation, federation_user)
    assert not preview.problems
    assert {change.cdcs.code: change.after["admitted"] for change in preview.changes} == {"DT01": 5, "DT02": 1}
    assert any("không có phần ghi nhớ số liệu lúc tải mẫu" in note for note in preview.notes)
    sheet_import(sheet=sheet, federation=federation, month=APRIL, version=preview.version, user=federation_user)
    assert (_admitted("DT01"), _admitted("DT02")) == (5, 1)


def test_a_damaged_record_is_not_used_and_the_preview_says_so(federation, federation_user, april):
    workbook = template(federation, APRIL)
    workbook[BASE_SHEET]["F1"] = "không phải số"
    fill(workbook, {"DT01": {"Kết nạp mới": 5}})
    _sheet, preview = _preview(workbook, federation, federation_user)
    assert not preview.problems
    assert any("bị hỏng" in note for note in preview.notes)
    assert [change.cdcs.code for change in preview.changes] == ["DT01"]


def test_the_preview_page_lists_the_cells_kept_and_the_command_prints_them(
    client_for, federation, federation_user, provincial_staff, april, tmp_path, capsys
):
    workbook = template(federation, APRIL)
    figures_record(cdcs=april[1], month=APRIL, admitted=9, user=provincial_staff)
    data = to_bytes(fill(workbook, {"DT01": {"Kết nạp mới": 5}}))
    client = client_for(federation_user)
    url = reverse("members:upload", kwargs={"code": federation.code, "month": APRIL})
    page = client.post(url, {"file": SimpleUploadedFile("so-lieu.xlsx", data)}, follow=True).content.decode()
    kept = page[page.index('id="preview-kept"') :]
    assert "<strong>F10</strong> · DT02 · Kết nạp mới: trong mẫu 1, đang lưu <strong>9</strong> (giữ)" in kept
    assert 'id="preview-notes"' in page and "đã được lưu lại sau khi mẫu này được tải" in page
    assert 'id="confirm-upload"' in page

    path = tmp_path / "thang4.xlsx"
    path.write_bytes(data)
    call_command("import_month", str(path), "--federation", "DT", "--month", "2021-04", "--dry-run")
    out = capsys.readouterr().out
    assert "Giữ số đang lưu ở ô F10 (Kết nạp mới) của CĐCS DT02: 9 (trong mẫu là 1" in out
    assert "Lưu ý: Số liệu tháng 04/2021 đã được lưu lại sau khi mẫu này được tải" in out
