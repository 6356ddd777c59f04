"""The federation-month sheet: read tolerantly, refused strictly, imported whole or not at all."""

from datetime import date

import pytest
from openpyxl import Workbook

from members.figures.exports import (
    DISSOLVED_SHEET,
    FOUNDED_SHEET,
    GUIDE_SHEET,
    HEADER_ROW,
    MONTH_LABEL,
    MONTH_SHEET,
    NEW_ROWS,
)
from members.figures.services import figures_record
from members.figures.sheet import sheet_read
from members.figures.sheet_import import SheetConflict, SheetRefused, sheet_import, sheet_preview
from members.figures.workflow import return_approve, return_submit
from members.models import STOCK_MAX, AuditEntry, GrassrootsUnion, MonthlyFigure
from members.services.org import cdcs_dissolve
from unionportal.lib.months import Month
from unionportal.lib.sheets import parse_number
from unionportal.testing.sheets import fill, list_rows, template, to_bytes

MARCH, APRIL = Month(2021, 3), Month(2021, 4)


def _preview(data: bytes, federation, user, month=APRIL):
    return sheet_preview(sheet_read(data), federation=federation, month=month, user=user)


def _import(data: bytes, federation, user, month=APRIL):
    sheet = sheet_read(data)
    preview = sheet_preview(sheet, federation=federation, month=month, user=user)
    assert not preview.problems, [problem.message for problem in preview.problems]
    return sheet_import(sheet=sheet, federation=federation, month=month, version=preview.version, user=user)


def _messages(preview) -> list[str]:
    return [f"{p.sheet}|{p.row}|{p.column}|{p.message}" for p in preview.problems]


def _april(cdcs):
    return MonthlyFigure.objects.get(cdcs=cdcs, month=APRIL.first_day)


@pytest.mark.parametrize(
    ("typed", "number"),
    [(12, 12), (12.0, 12), ("12", 12), (" 12 ", 12), ("1.234", 1234), ("1,234", 1234), ("1\u00a0234", 1234),
     (None, None), ("", None), ("  ", None)],
)  # fmt: skip
def test_numbers_are_read_as_people_type_them(typed, number):
    assert parse_number(typed, maximum=STOCK_MAX) == number


@pytest.mark.parametrize("typed", [-3, "-3", 2.5, "2,5", "abc", True, date(2021, 4, 1), "1.23"])
def test_what_is_not_a_whole_number_is_refused_with_a_message(typed):
    with pytest.raises(ValueError) as error:
        parse_number(typed, maximum=STOCK_MAX)
    assert str(error.value)


def test_template_filled_and_uploaded_records_the_month(federation, federation_user, unions):
    first, second = unions
    workbook = fill(
        template(federation, APRIL),
        {"DT01": {"Kết nạp mới": 5, "Giảm: Nghỉ hưu": 2}, "DT02": {"Chuyển đến": "3", "Số lao động": 90}},
    )
    preview = _preview(to_bytes(workbook), federation, federation_user)
    assert not preview.problems
    assert [change.cdcs.code for change in preview.changes] == ["DT01", "DT02"]
    assert preview.changes[0].after["members_end"] == 103
    assert preview.totals_after["members_end"] == 103 + 43 and preview.totals_before["members_end"] == 0
    assert not MonthlyFigure.objects.filter(month=APRIL.first_day).exists()  # a preview writes nothing

    _import(to_bytes(workbook), federation, federation_user)
    assert (_april(first).admitted, _april(first).lost_retired, _april(first).members_end) == (5, 2, 103)
    assert (_april(second).transferred_in, _april(second).members_end, _april(second).workers) == (3, 43, 90)
    sources = set(AuditEntry.objects.filter(action="figures.record", month=APRIL.first_day).values_list("source"))
    assert sources == {(AuditEntry.Source.UPLOAD,)}


def test_the_same_file_twice_changes_nothing_the_second_time(federation, federation_user, unions):
    data = to_bytes(fill(template(federation, APRIL), {"DT01": {"Kết nạp mới": 5}, "DT02": {}}))
    _import(data, federation, federation_user)
    audits = AuditEntry.objects.count()
    preview = _preview(data, federation, federation_user)
    assert not preview.problems and not preview.has_changes and preview.unchanged == 2
    assert AuditEntry.objects.count() == audits


def test_downloaded_again_and_uploaded_changes_nothing(federation, federation_user, unions):
    _import(to_bytes(fill(template(federation, APRIL), {"DT01": {"Kết nạp mới": 5}})), federation, federation_user)
    preview = _preview(to_bytes(template(federation, APRIL)), federation, federation_user)
    assert not preview.problems and not preview.has_changes


def test_a_corrected_file_replaces_the_months_draft_figures(federation, federation_user, unions):
    first, _second = unions
    _import(to_bytes(fill(template(federation, APRIL), {"DT01": {"Kết nạp mới": 5}})), federation, federation_user)
    corrected = fill(template(federation, APRIL), {"DT01": {"Kết nạp mới": 7, "Giảm: Từ trần": 1}})
    preview = _preview(to_bytes(corrected), federation, federation_user)
    assert [(c.cdcs.code, c.before["admitted"], c.after["admitted"]) for c in preview.changes] == [("DT01", 5, 7)]
    _import(to_bytes(corrected), federation, federation_user)
    assert (_april(first).admitted, _april(first).lost_died, _april(first).members_end) == (7, 1, 106)


def test_sloppy_sheets_are_read(federation, federation_user, unions):
    """Headers reordered and in other case, numbers as text with separators, blank rows, spaces in codes."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["", "Mã đơn vị:", "dt"])
    sheet.append(["", "Tháng:", "04/2021"])
    sheet.append([])
    sheet.append(["MÃ CĐCS", "kết nạp mới", "CHUYỂN ĐẾN", "Số lao động"] + [
        f"Giảm: {name}" for name in ("nghỉ việc, chuyển công tác", "Nghỉ hưu", "Doanh nghiệp giải thể, phá sản",
                                     "Ra khỏi tổ chức, xóa tên", "Từ trần", "Chuyển đi", "CĐCS giải thể")])  # fmt: skip
    sheet.append(["DT01 ", "1.234", None, " 1.500 "])
    sheet.append([])
    sheet.append([None, None, None])
    sheet.append(["DT02", 0, "2"])
    preview = _preview(to_bytes(workbook), federation, federation_user)
    assert not preview.problems, _messages(preview)
    assert {c.cdcs.code: c.after["members_end"] for c in preview.changes} == {"DT01": 1334, "DT02": 42}
    assert preview.changes[0].after["workers"] == 1500


@pytest.mark.parametrize(
    ("figures", "column", "cell", "expected"),
    [
        ({"Kết nạp mới": -3}, "Kết nạp mới", "F9", "không được âm"),
        ({"Kết nạp mới": 2.5}, "Kết nạp mới", "F9", "số nguyên"),
        ({"Chuyển đến": "hai"}, "Chuyển đến", "G9", "không phải số nguyên"),
        ({"Đoàn viên cuối kỳ": 99}, "Đoàn viên cuối kỳ", "O9", "không khớp"),
        ({"Đoàn viên đầu kỳ": 90}, "Đoàn viên đầu kỳ", "E9", "phải bằng cuối kỳ tháng 03/2021 (100)"),
        ({"Giảm: Từ trần": 500}, "Giảm: Nghỉ việc, chuyển công tác", "H9", "lớn hơn số đoàn viên"),
    ],
)
def test_bad_figures_are_refused_naming_sheet_row_cell_and_cdcs(
    federation, federation_user, unions, figures, column, cell, expected
):
    workbook = fill(template(federation, APRIL), {"DT02": {"Kết nạp mới": 1}, "DT01": figures})
    preview = _preview(to_bytes(workbook), federation, federation_user)
    assert len(preview.problems) == 1, _messages(preview)
    problem = preview.problems[0]
    assert (problem.sheet, problem.row, problem.column, problem.cell, problem.cdcs) == (
        MONTH_SHEET, 9, column, cell, "DT01"
    )  # fmt: skip
    assert expected in problem.message
    assert not preview.can_import


def test_unknown_inactive_foreign_and_duplicate_cdcs_are_refused(
    federation, other_federation, federation_user, unions, make_cdcs
):
    make_cdcs(other_federation, code="PB01", opening=10, first_month=MARCH)
    make_cdcs(federation, code="DT09", founded_on=date(2021, 6, 1))
    workbook = fill(template(federation, APRIL), {"XX99": {"Kết nạp mới": 1}, "PB01": {}, "DT09": {}})
    sheet = workbook[MONTH_SHEET]
    sheet.append([None, "DT01", None, None, None, 1])
    messages = " ".join(
        problem.message for problem in _preview(to_bytes(workbook), federation, federation_user).problems
    )
    assert "Không có CĐCS mã “XX99”" in messages
    assert "không trực thuộc LĐLĐ huyện Đại Từ" in messages
    assert "không hoạt động trong tháng 04/2021" in messages
    assert "trùng với dòng 9" in messages


def test_a_cdcs_of_another_federation_in_the_sheet_is_refused_without_naming_it(
    federation, other_federation, federation_user, provincial_staff, unions, make_cdcs
):
    pb01 = make_cdcs(other_federation, code="PB01", name="CĐCS Công ty May Phú Bình", opening=10, first_month=MARCH)
    data = to_bytes(fill(template(federation, APRIL), {"PB01": {"Kết nạp mới": 1}}))

    refused = [problem.message for problem in _preview(data, federation, federation_user).problems]

    assert refused == ["CĐCS mã “PB01” không trực thuộc LĐLĐ huyện Đại Từ trong tháng 04/2021."]
    told = " ".join(problem.message for problem in _preview(data, federation, provincial_staff).problems)
    assert pb01.name in told  # provincial staff see every CĐCS


def test_another_federations_or_months_sheet_is_refused(federation, other_federation, federation_user, unions):
    wrong_month = _preview(to_bytes(template(federation, MARCH)), federation, federation_user)
    assert [p.message for p in wrong_month.problems] == ["Tệp này là báo cáo tháng 03/2021, không phải tháng 04/2021."]
    wrong_org = _preview(to_bytes(template(federation, APRIL)), other_federation, federation_user)
    assert any("Bạn không có quyền" in p.message for p in wrong_org.problems)


@pytest.mark.parametrize("typed", ["2021-13", "13/2021", "tháng tư"])
def test_a_month_that_is_no_month_in_the_title_is_refused_with_what_the_file_says(
    federation, federation_user, unions, typed
):
    workbook = template(federation, APRIL)
    sheet = workbook[MONTH_SHEET]
    label = next(cell for row in sheet.iter_rows(max_row=8) for cell in row if cell.value == MONTH_LABEL)
    sheet.cell(row=label.row, column=label.column + 1, value=typed)
    problems = _preview(to_bytes(workbook), federation, federation_user).problems
    assert [p.message for p in problems] == [f"Tệp này là báo cáo tháng {typed}, không phải tháng 04/2021."]


def test_a_sheet_of_another_federation_is_refused_even_for_provincial_staff(
    federation, other_federation, provincial_staff, unions
):
    preview = _preview(to_bytes(template(federation, APRIL)), other_federation, provincial_staff)
    assert [p.message for p in preview.problems] == [
        "Tệp này là báo cáo của đơn vị mã DT, không phải của LĐLĐ huyện Phú Bình (mã PB)."
    ]


def test_a_locked_month_is_refused_and_nothing_is_written(federation, federation_user, provincial_staff, unions):
    for cdcs in unions:
        figures_record(cdcs=cdcs, month=APRIL, user=federation_user)
    return_submit(federation=federation, month=APRIL, user=federation_user)
    return_approve(federation=federation, month=APRIL, user=provincial_staff)
    data = to_bytes(fill(template(federation, APRIL), {"DT01": {"Kết nạp mới": 5}}))
    preview = _preview(data, federation, federation_user)
    assert any("đã được" in p.message and "duyệt và khóa" in p.message for p in preview.problems)
    with pytest.raises(SheetRefused):
        sheet_import(
            sheet=sheet_read(data), federation=federation, month=APRIL, version=preview.version, user=federation_user
        )
    assert _april(unions[0]).admitted == 0


def test_someone_saving_after_the_preview_refuses_the_import(federation, federation_user, provincial_staff, unions):
    data = to_bytes(fill(template(federation, APRIL), {"DT01": {"Kết nạp mới": 5}, "DT02": {"Kết nạp mới": 1}}))
    preview = _preview(data, federation, federation_user)
    figures_record(cdcs=unions[1], month=APRIL, admitted=9, user=provincial_staff)
    with pytest.raises(SheetConflict) as refused:
        sheet_import(
            sheet=sheet_read(data), federation=federation, month=APRIL, version=preview.version, user=federation_user
        )
    assert f"{provincial_staff.get_full_name()} đã lưu số liệu tháng 04/2021" in refused.value.messages[0]
    assert not MonthlyFigure.objects.filter(cdcs=unions[0], month=APRIL.first_day).exists()
    assert _april(unions[1]).admitted == 9


def test_cdcs_founded_and_dissolved_in_the_month(federation, federation_user, unions):
    first, second = unions
    workbook = template(federation, APRIL)
    list_rows(workbook, FOUNDED_SHEET, [{
        "Mã CĐCS": "DT50", "Tên CĐCS": "CĐCS Công ty May Mới", "Khu vực": "Doanh nghiệp có vốn đầu tư nước ngoài",
        "Ngày thành lập": date(2021, 4, 15), "Số lao động": 300}])  # fmt: skip
    list_rows(
        workbook, DISSOLVED_SHEET, [{"Mã CĐCS": "DT02", "Ngày giải thể": "20/04/2021", "Lý do giải thể": "Phá sản"}]
    )
    fill(
        workbook,
        {"DT50": {"Kết nạp mới": 120}, "DT01": {"Kết nạp mới": 1}, "DT02": {"Giảm: Nghỉ việc, chuyển công tác": 4}},
    )
    data = to_bytes(workbook)
    preview = _preview(data, federation, federation_user)
    assert not preview.problems, _messages(preview)
    assert preview.totals_after["members_end"] == 101 + 0 + 120

    _import(data, federation, federation_user)
    founded = GrassrootsUnion.objects.get(code="DT50")
    assert (founded.founded_on, founded.sector, _april(founded).members_end) == (date(2021, 4, 15), "fdi", 120)
    second.refresh_from_db()
    assert second.dissolved_on == date(2021, 4, 20)
    assert (_april(second).lost_job, _april(second).lost_cdcs_dissolved, _april(second).members_end) == (4, 36, 0)
    again = _preview(data, federation, federation_user)  # the same file again: nothing to do
    assert not again.problems and not again.has_changes, _messages(again)


def test_refused_founding_rows_name_the_sheet_and_row(federation, federation_user, unions):
    workbook = template(federation, APRIL)
    list_rows(workbook, FOUNDED_SHEET, [
        {"Mã CĐCS": "DT01", "Tên CĐCS": "Trùng mã", "Khu vực": "Hợp tác xã", "Ngày thành lập": date(2021, 4, 2)},
        {"Mã CĐCS": "DT60", "Tên CĐCS": "Sai tháng", "Khu vực": "Hợp tác xã", "Ngày thành lập": date(2021, 5, 2)},
        {"Mã CĐCS": "DT61", "Tên CĐCS": "Sai khu vực", "Khu vực": "Sao Hỏa", "Ngày thành lập": date(2021, 4, 2)},
    ])  # fmt: skip
    problems = _preview(to_bytes(workbook), federation, federation_user).problems
    assert [(p.sheet, p.row, p.column) for p in problems] == [
        (FOUNDED_SHEET, 4, "Mã CĐCS"),
        (FOUNDED_SHEET, 5, "Ngày thành lập"),
        (FOUNDED_SHEET, 6, "Khu vực"),
    ]


def test_formulas_without_a_saved_value_are_refused(federation, federation_user, unions):
    workbook = fill(template(federation, APRIL), {"DT01": {"Kết nạp mới": "=2+3"}})
    problems = _preview(to_bytes(workbook), federation, federation_user).problems
    assert len(problems) == 1 and problems[0].column == "F9" and "công thức" in problems[0].message


def test_a_refusal_inside_the_write_undoes_everything(federation, federation_user, unions):
    """If a service refuses a row while writing (the preview let it through), nothing stays written."""
    data = to_bytes(fill(template(federation, APRIL), {"DT01": {"Kết nạp mới": 5}, "DT02": {"Kết nạp mới": 1}}))
    sheet = sheet_read(data)
    preview = sheet_preview(sheet, federation=federation, month=APRIL, user=federation_user)
    GrassrootsUnion.objects.filter(code="DT02").update(dissolved_on=date(2021, 3, 31), dissolution_reason="x")
    with pytest.raises(SheetRefused):
        sheet_import(sheet=sheet, federation=federation, month=APRIL, version=preview.version, user=federation_user)
    assert not MonthlyFigure.objects.filter(month=APRIL.first_day).exists()


def test_a_cdcs_not_under_the_federation_that_month_is_refused_by_the_service(
    federation, other_federation, provincial_staff, unions
):
    """The last guard of a federation-month import: the service itself checks the federation."""
    from members.figures.services import FigureEntry, RowErrors, figures_record_many

    with pytest.raises(RowErrors) as refused:
        figures_record_many(
            month=APRIL,
            entries=[FigureEntry(cdcs=unions[0], admitted=1)],
            user=provincial_staff,
            federation=other_federation,
        )
    assert "không trực thuộc LĐLĐ huyện Phú Bình trong tháng 04/2021" in refused.value.messages[0]
    assert not MonthlyFigure.objects.filter(month=APRIL.first_day).exists()


# --- the preview runs the import's checks (issue 18) -------------------------------------------


def test_a_dissolving_cdcs_whose_row_does_not_end_at_zero_is_refused_by_the_preview(
    federation, federation_user, unions
):
    """Dissolved in the register on 20/04 (its 40 members recorded lost), then 2 admissions typed
    in the sheet beside the 40: the preview names the cell, instead of passing and the confirmation
    being refused."""
    cdcs_dissolve(cdcs=unions[1], on=date(2021, 4, 20), reason="Phá sản", user=federation_user)
    data = to_bytes(fill(template(federation, APRIL), {"DT02": {"Kết nạp mới": 2}}))
    preview = _preview(data, federation, federation_user)
    assert [(p.sheet, p.row, p.cell, p.cdcs) for p in preview.problems] == [(MONTH_SHEET, 10, "N10", "DT02")]
    assert "giải thể trong tháng 04/2021: cuối kỳ phải bằng 0" in preview.problems[0].message
    assert _april(unions[1]).admitted == 0

    # Left empty, the column takes what is left, as the guide says.
    workbook = fill(template(federation, APRIL), {"DT02": {"Kết nạp mới": 2}})
    workbook[MONTH_SHEET]["N10"].value = None
    _import(to_bytes(workbook), federation, federation_user)
    assert (_april(unions[1]).admitted, _april(unions[1]).lost_cdcs_dissolved, _april(unions[1]).members_end) == (
        2, 42, 0
    )  # fmt: skip


def test_losses_to_a_dissolution_of_a_cdcs_not_dissolved_that_month_are_refused_naming_the_cell(
    federation, federation_user, unions
):
    data = to_bytes(fill(template(federation, APRIL), {"DT01": {"Giảm: CĐCS giải thể": 100}, "DT02": {}}))
    preview = _preview(data, federation, federation_user)
    assert [(p.row, p.cell, p.cdcs) for p in preview.problems] == [(9, "N9", "DT01")]
    assert "không giải thể trong tháng 04/2021" in preview.problems[0].message
    with pytest.raises(SheetRefused):
        sheet_import(
            sheet=sheet_read(data), federation=federation, month=APRIL, version=preview.version, user=federation_user
        )
    assert not MonthlyFigure.objects.filter(month=APRIL.first_day).exists()
    assert GrassrootsUnion.objects.get(code="DT01").dissolved_on is None


def test_a_cdcs_founded_without_a_row_of_figures_is_named_in_the_preview(federation, federation_user, unions):
    workbook = template(federation, APRIL)
    list_rows(workbook, FOUNDED_SHEET, [{"Mã CĐCS": "DT50", "Tên CĐCS": "CĐCS Công ty May Mới",
                                         "Khu vực": "Hợp tác xã", "Ngày thành lập": date(2021, 4, 15)}])  # fmt: skip
    preview = _preview(to_bytes(workbook), federation, federation_user)
    assert not preview.problems, _messages(preview)
    assert [note for note in preview.notes if "DT50" in note] == [
        "CĐCS DT50 (trang “CĐCS thành lập”, dòng 4) chưa có dòng số liệu ở trang “Số liệu tháng”: CĐCS sẽ được "
        "thành lập nhưng tháng 04/2021 chưa có số liệu của nó (cần có trước khi gửi báo cáo). Nếu đã có đoàn viên, "
        "hãy ghi vào một dòng trống cuối trang “Số liệu tháng”."
    ]


def test_a_change_running_into_locked_later_months_is_refused_by_the_preview_naming_them_all(
    federation, federation_user, provincial_staff, unions
):
    first = unions[0]
    for month in (APRIL, Month(2021, 5), Month(2021, 6)):
        for cdcs in unions:
            figures_record(cdcs=cdcs, month=month, admitted=1, user=federation_user)
    for month in (Month(2021, 5), Month(2021, 6)):
        return_submit(federation=federation, month=month, user=federation_user)
        return_approve(federation=federation, month=month, user=provincial_staff, warnings_confirmed=True)
    data = to_bytes(fill(template(federation, APRIL), {"DT01": {"Kết nạp mới": 6}}))
    preview = _preview(data, federation, federation_user)
    assert len(preview.problems) == 1, _messages(preview)
    assert "tháng 05/2021 của LĐLĐ huyện Đại Từ" in preview.problems[0].message
    assert "tháng 06/2021 của LĐLĐ huyện Đại Từ" in preview.problems[0].message
    assert _april(first).admitted == 1


def test_the_template_leaves_open_rows_for_new_cdcs_as_its_guide_says(federation, federation_user, unions):
    workbook = template(federation, APRIL)
    sheet = workbook[MONTH_SHEET]
    first_new, last_new = HEADER_ROW + 3, HEADER_ROW + 2 + NEW_ROWS  # under DT01 and DT02
    guide = " ".join(str(cell.value) for row in workbook[GUIDE_SHEET].iter_rows() for cell in row if cell.value)
    assert "một trong các dòng để trống ở cuối trang “Số liệu tháng”" in guide
    for row in (first_new, last_new):
        assert not any(sheet[f"{column}{row}"].protection.locked for column in "BCFGHNOPQ")
    assert sheet[f"B{last_new + 1}"].protection.locked and sheet[f"A{first_new}"].protection.locked

    # Typed as Excel lets a user type into a protected sheet: only into unlocked cells.
    typed = {"B": "DT50", "F": 120, "I": 1}
    for column, value in typed.items():
        cell = sheet[f"{column}{first_new}"]
        assert not cell.protection.locked
        cell.value = value
    list_rows(workbook, FOUNDED_SHEET, [{"Mã CĐCS": "DT50", "Tên CĐCS": "CĐCS Công ty May Mới",
                                         "Khu vực": "Hợp tác xã", "Ngày thành lập": date(2021, 4, 15)}])  # fmt: skip
    _import(to_bytes(workbook), federation, federation_user)
    figure = _april(GrassrootsUnion.objects.get(code="DT50"))
    assert (figure.members_start, figure.admitted, figure.lost_retired, figure.members_end) == (0, 120, 1, 119)
