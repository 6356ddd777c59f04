"""The self-assessment template of a federation and year: one row per CĐCS it rates, one column per
criterion (headed by the criterion's code and maximum), filled with the scores already entered so
that a downloaded sheet can be corrected and uploaded again."""

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from members.models import Organisation
from unionportal.lib.sheets import guide_sheet
from unionportal.lib.xlsx import HEADER_FONT, safe_value, write_table

from .models import Rubric
from .selectors import Row, Rules

SHEET = "Tự chấm điểm"
GUIDE_SHEET = "Hướng dẫn"
ORG_LABEL = "Mã đơn vị:"
YEAR_LABEL = "Năm đánh giá:"
CODE_HEADER = "Mã CĐCS"
NAME_HEADER = "Tên CĐCS"
HEADER_ROW = 5


def criterion_header(code: str, max_score: int) -> str:
    return f"{code} (tối đa {max_score})"


def self_assessment_workbook(
    *, rubric: Rubric, federation: Organisation, rows: list[Row], rules: Rules, names
) -> Workbook:
    """`names`: {criterion id: its name}, for the guide sheet."""
    with translation.override("vi"):
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = SHEET
        sheet["A1"] = _("TỰ CHẤM ĐIỂM, XẾP LOẠI CÔNG ĐOÀN CƠ SỞ NĂM %(year)s") % {"year": rubric.year}
        sheet["A1"].font = Font(bold=True, size=12)
        for number, (label, value) in enumerate([(ORG_LABEL, federation.code), (YEAR_LABEL, rubric.year)], start=2):
            sheet.cell(row=number, column=2, value=label).font = HEADER_FONT
            sheet.cell(row=number, column=3, value=safe_value(value))
        headers = [CODE_HEADER, NAME_HEADER, *(criterion_header(c.code, c.max_score) for c in rules.criteria)]
        lines = []
        for row in rows:
            if row.is_final:
                continue
            scores = row.self_scores
            lines.append([row.cdcs.code, row.cdcs.name, *(scores.get(c.id) for c in rules.criteria)])
        write_table(sheet, headers, lines, start_row=HEADER_ROW)
        sheet.column_dimensions["B"].width = 40
        for index, criterion in enumerate(rules.criteria, start=3):
            validation = DataValidation(
                type="whole",
                operator="between",
                formula1="0",
                formula2=str(criterion.max_score),
                showErrorMessage=True,
                error=_("Điểm từ 0 đến %(max)s.") % {"max": criterion.max_score},
            )
            sheet.add_data_validation(validation)
            letter = sheet.cell(row=HEADER_ROW, column=index).column_letter
            validation.add(f"{letter}{HEADER_ROW + 1}:{letter}{HEADER_ROW + max(len(lines), 1) + 200}")
        guide = [
            (CODE_HEADER, _("Giữ nguyên mã CĐCS; mỗi CĐCS một dòng. CĐCS đã chốt kết quả không có trong mẫu.")),
            *((criterion_header(c.code, c.max_score), names.get(c.id, "")) for c in rules.criteria),
            (
                _("Cách chấm"),
                _(
                    "Điểm là số nguyên từ 0 đến mức tối đa của tiêu chí; để trống là chưa chấm. Tệp có lỗi bị "
                    "từ chối toàn bộ, không ghi gì."
                ),
            ),
        ]
        guide_sheet(workbook.create_sheet(GUIDE_SHEET), _("HƯỚNG DẪN TỰ CHẤM ĐIỂM"), guide)
        return workbook
