"""A reorganisation plan as an Excel list: the sheets, their columns and the template handed out
(prefilled with the CĐCS of the unions that end, when they are chosen); reorganisation.imports
reads it back.

One workbook, one plan: "Đề án" (the header: name, decision, effective month, how quotas follow),
"Đơn vị kết thúc" (the upper-level unions that end), "Đơn vị mới" (those founded), "CĐCS" (one
line per CĐCS of the unions that end: where it goes), "CĐCS mới" (CĐCS founded to take in those
merged), "Chỉ tiêu" (only for quotas handed on as typed) and the "Hướng dẫn" guide."""

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from members.models import Organisation, Sector
from unionportal.lib.months import Month
from unionportal.lib.sheets import Column, guide_sheet, write_headers
from unionportal.lib.xlsx import HEADER_FONT, safe_value

from .listing import CdcsRow
from .models import UNION_KINDS, Plan, PlanLine

PLAN_SHEET = "Đề án"
ENDINGS_SHEET = "Đơn vị kết thúc"
NEW_UNIONS_SHEET = "Đơn vị mới"
LINES_SHEET = "CĐCS"
NEW_CDCS_SHEET = "CĐCS mới"
QUOTAS_SHEET = "Chỉ tiêu"
GUIDE_SHEET = "Hướng dẫn"
HEADER_ROW = 3  # of every list sheet: a title, a line of help, then the headers
TEXT_FORMAT = "@"
TEMPLATE_ROWS = 2000  # rows given the lists of choices beyond those prefilled

# The header sheet: a label in column A, its value in column B, one row each.
PLAN_LABELS = {
    "name": "Tên đề án",
    "decision": "Số, ngày quyết định",
    "effective_month": "Tháng có hiệu lực (mm/yyyy)",
    "quota_rule": "Chuyển chỉ tiêu",
    "note": "Ghi chú",
}
PLAN_ALIASES = {
    "name": ("tên", "đề án"),
    "decision": ("quyết định", "số quyết định", "số, ngày quyết định"),
    "effective_month": ("tháng có hiệu lực", "hiệu lực từ tháng", "tháng hiệu lực"),
    "quota_rule": ("chỉ tiêu", "cách chuyển chỉ tiêu"),
    "note": (),
}
PLAN_FIRST_ROW = 3

# The four actions as the list writes them (a drop-down); reading also takes the model's labels,
# the codes and a few words people use.
ACTION_WORDS = {
    PlanLine.Action.MOVE: "Chuyển công đoàn cấp trên",
    PlanLine.Action.TO_PROVINCE: "Chuyển về LĐLĐ tỉnh",
    PlanLine.Action.MERGE: "Hợp nhất vào CĐCS khác",
    PlanLine.Action.END: "Kết thúc, chuyển đoàn viên",
}
ACTION_ALIASES = {
    PlanLine.Action.MOVE: ("chuyển", "chuyển cấp trên", "chuyển sang công đoàn cấp trên"),
    PlanLine.Action.TO_PROVINCE: ("trực thuộc lđlđ tỉnh", "về tỉnh", "chuyển về lđlđ tỉnh trực tiếp quản lý"),
    PlanLine.Action.MERGE: ("hợp nhất", "sáp nhập", "sáp nhập vào cđcs khác"),
    PlanLine.Action.END: ("kết thúc", "kết thúc hoạt động", "chấm dứt hoạt động"),
}
RULE_WORDS = {Plan.QuotaRule.MEMBERS: "Theo số đoàn viên chuyển đến", Plan.QuotaRule.TYPED: "Theo số nhập"}

ENDING_COLUMNS = [
    Column("code", "Mã đơn vị", ("mã", "mã công đoàn cấp trên", "mã đơn vị kết thúc"), 16),
    Column("name", "Tên đơn vị (để đối chiếu)", ("tên", "tên đơn vị"), 45),
]
NEW_UNION_COLUMNS = [
    Column("code", "Mã đơn vị", ("mã", "mã đơn vị mới"), 16),
    Column("name", "Tên đơn vị", ("tên",), 45),
    Column("kind", "Loại", ("loại đơn vị", "loại hình"), 32),
]
LINE_COLUMNS = [
    Column("number", "STT", ("tt", "số tt"), 6),
    Column("cdcs", "Mã CĐCS", ("mã", "mã công đoàn cơ sở"), 14),
    Column("name", "Tên CĐCS (để đối chiếu)", ("tên", "tên cđcs"), 40),
    Column("union_now", "Công đoàn cấp trên hiện nay", ("đơn vị hiện nay",), 16),
    Column("members", "Số đoàn viên", ("đoàn viên",), 11),
    Column("action", "Hình thức", ("hình thức sắp xếp", "sắp xếp"), 28),
    Column("union_code", "Mã công đoàn cấp trên đến", ("đến công đoàn cấp trên", "mã công đoàn cấp trên mới"), 16),
    Column("target_code", "Mã CĐCS nhận", ("cđcs nhận", "mã cđcs nhận đoàn viên", "hợp nhất vào"), 16),
]
NEW_CDCS_COLUMNS = [
    Column("code", "Mã CĐCS", ("mã",), 14),
    Column("name", "Tên CĐCS", ("tên",), 40),
    Column("employer", "Cơ quan, đơn vị, doanh nghiệp", ("đơn vị", "doanh nghiệp"), 36),
    Column("sector", "Khu vực", ("loại hình",), 30),
    Column("union_code", "Mã công đoàn cấp trên", ("công đoàn cấp trên",), 16),
]
QUOTA_COLUMNS = [
    Column("from_code", "Mã đơn vị kết thúc", ("từ đơn vị", "đơn vị kết thúc"), 16),
    Column("union_code", "Mã đơn vị nhận", ("đơn vị nhận", "đến đơn vị"), 16),
    Column("programme", "Chương trình (số văn bản)", ("chương trình", "số văn bản"), 22),
    Column("year", "Năm", (), 8),
    Column("new_members", "Chỉ tiêu kết nạp đoàn viên", ("kết nạp đoàn viên",), 14),
    Column("new_unions", "Chỉ tiêu thành lập CĐCS", ("thành lập cđcs",), 14),
    Column("trained_officers", "Chỉ tiêu đào tạo cán bộ CĐCS", ("đào tạo cán bộ",), 14),
]
# Columns of a sheet shown in the template to be read, never read back.
READ_ONLY = {LINES_SHEET: ("number", "name", "union_now", "members"), ENDINGS_SHEET: ("name",)}


def _guide() -> list[tuple[str, str]]:
    return [
        (
            PLAN_SHEET,
            _(
                "Tên đề án (bắt buộc), số và ngày quyết định, tháng có hiệu lực dạng mm/yyyy (tháng đầu tiên các "
                "CĐCS trực thuộc theo cơ cấu mới; các đơn vị kết thúc hoạt động đến hết tháng trước), cách chuyển "
                "chỉ tiêu: “%(members)s” (chia theo số đoàn viên mỗi đơn vị nhận) hoặc “%(typed)s” (ghi ở trang "
                "%(quotas)s)."
            )
            % {"members": RULE_WORDS["members"], "typed": RULE_WORDS["typed"], "quotas": QUOTAS_SHEET},
        ),
        (ENDINGS_SHEET, _("Mã các công đoàn cấp trên kết thúc hoạt động, mỗi đơn vị một dòng.")),
        (NEW_UNIONS_SHEET, _("Công đoàn cấp trên thành lập theo đề án (ví dụ công đoàn xã, phường): mã, tên, loại.")),
        (
            LINES_SHEET,
            _(
                "Mỗi CĐCS của các đơn vị kết thúc một dòng (mẫu tải về đã ghi sẵn). Hình thức: “%(move)s” (ghi mã "
                "công đoàn cấp trên đến), “%(province)s” (LĐLĐ tỉnh trực tiếp quản lý), “%(merge)s” hoặc “%(end)s” "
                "(ghi mã CĐCS nhận đoàn viên: CĐCS đang có hoặc CĐCS mới ở trang %(new)s). Cột tên, công đoàn cấp "
                "trên hiện nay và số đoàn viên chỉ để đối chiếu, không đọc lại."
            )
            % {
                "move": ACTION_WORDS["move"],
                "province": ACTION_WORDS["to_province"],
                "merge": ACTION_WORDS["merge"],
                "end": ACTION_WORDS["end"],
                "new": NEW_CDCS_SHEET,
            },  # fmt: skip
        ),
        (
            NEW_CDCS_SHEET,
            _(
                "CĐCS thành lập để nhận các CĐCS hợp nhất: mã, tên, cơ quan/doanh nghiệp, khu vực, mã công đoàn cấp "
                "trên (để trống: trực thuộc LĐLĐ tỉnh)."
            ),
        ),
        (
            QUOTAS_SHEET,
            _(
                "Chỉ khi chuyển chỉ tiêu “%(typed)s”: phần chỉ tiêu còn lại của mỗi đơn vị kết thúc, từng năm, "
                "chuyển cho đơn vị nào (để trống mã đơn vị nhận: CĐCS trực thuộc LĐLĐ tỉnh)."
            )
            % {"typed": RULE_WORDS["typed"]},
        ),
        (
            _("Tải lên"),
            _(
                "Trang Sắp xếp tổ chức → Tải đề án từ Excel. Hệ thống kiểm tra toàn bộ tệp và báo lỗi theo trang, "
                "dòng, cột; chưa ghi gì cho đến khi bạn xác nhận. Xác nhận chỉ lập dự thảo đề án: đề án chỉ thay "
                "đổi cơ cấu khi bấm Áp dụng trên trang đề án."
            ),
        ),
    ]


def plan_workbook(*, endings: list[Organisation] = (), lines: list[CdcsRow] = (), month: Month | None = None):
    """The template, with the unions `endings` and their CĐCS `lines` written in when given."""
    with translation.override("vi"):
        workbook = Workbook()
        _plan_sheet(workbook.active, month)
        guide = workbook.create_sheet(GUIDE_SHEET)
        choices = _choice_lists(guide)
        _list_sheet(
            workbook, ENDINGS_SHEET, _("CÔNG ĐOÀN CẤP TRÊN KẾT THÚC HOẠT ĐỘNG"), ENDING_COLUMNS,
            [[org.code, org.name] for org in endings],
        )  # fmt: skip
        sheet = _list_sheet(workbook, NEW_UNIONS_SHEET, _("CÔNG ĐOÀN CẤP TRÊN THÀNH LẬP"), NEW_UNION_COLUMNS, [])
        _choose(sheet, NEW_UNION_COLUMNS, "kind", choices["kind"], 0)
        rows = [[number, row.code, row.name, row.union_code, row.members, None, None, None]
                for number, row in enumerate(lines, start=1)]  # fmt: skip
        sheet = _list_sheet(workbook, LINES_SHEET, _("NƠI ĐẾN CỦA TỪNG CĐCS"), LINE_COLUMNS, rows)
        _choose(sheet, LINE_COLUMNS, "action", choices["action"], len(rows))
        sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=3)
        sheet = _list_sheet(workbook, NEW_CDCS_SHEET, _("CĐCS THÀNH LẬP THEO ĐỀ ÁN"), NEW_CDCS_COLUMNS, [])
        _choose(sheet, NEW_CDCS_COLUMNS, "sector", choices["sector"], 0)
        _list_sheet(workbook, QUOTAS_SHEET, _("CHỈ TIÊU CHUYỂN THEO SỐ NHẬP"), QUOTA_COLUMNS, [])
        workbook.move_sheet(GUIDE_SHEET, offset=len(workbook.sheetnames))
        guide_sheet(guide, _("HƯỚNG DẪN ĐIỀN ĐỀ ÁN SẮP XẾP TỔ CHỨC"), _guide())
    return workbook


def _plan_sheet(sheet, month: Month | None) -> None:
    sheet.title = PLAN_SHEET
    sheet["A1"] = _("ĐỀ ÁN SẮP XẾP TỔ CHỨC CÔNG ĐOÀN")
    sheet["A1"].font = Font(bold=True, size=12)
    sheet.column_dimensions["A"].width = 32
    sheet.column_dimensions["B"].width = 60
    values = {"effective_month": str(month) if month else None, "quota_rule": RULE_WORDS[Plan.QuotaRule.MEMBERS]}
    for row, (key, label) in enumerate(PLAN_LABELS.items(), start=PLAN_FIRST_ROW):
        sheet.cell(row=row, column=1, value=label).font = HEADER_FONT
        cell = sheet.cell(row=row, column=2, value=safe_value(values.get(key)))
        cell.number_format = TEXT_FORMAT
    rule_row = PLAN_FIRST_ROW + list(PLAN_LABELS).index("quota_rule")
    choice = DataValidation(type="list", formula1='"{}"'.format(",".join(RULE_WORDS.values())), allow_blank=True)
    choice.add(f"B{rule_row}")
    sheet.add_data_validation(choice)


def _choice_lists(guide) -> dict[str, str]:
    """The drop-downs' lists, on the guide sheet (a list typed into the rule is capped at 255
    characters): column key → the formula naming its cells."""
    lists = {
        "action": list(ACTION_WORDS.values()),
        "sector": [str(label) for label in Sector.labels],
        "kind": [str(label) for _value, label in UNION_KINDS],
    }
    formulas = {}
    for offset, (key, values) in enumerate(lists.items()):
        letter = get_column_letter(4 + offset)
        for row, value in enumerate(values, start=1):
            guide.cell(row=row, column=4 + offset, value=value)
        formulas[key] = f"'{GUIDE_SHEET}'!${letter}$1:${letter}${len(values)}"
    return formulas


def _list_sheet(workbook, title: str, heading: str, columns: list[Column], rows: list[list]):
    sheet = workbook.create_sheet(title)
    sheet["A1"] = heading
    sheet["A1"].font = Font(bold=True, size=12)
    sheet["A2"] = _("Mỗi đơn vị một dòng. Xem trang “Hướng dẫn”.")
    write_headers(sheet, columns, HEADER_ROW, height=None)
    for number, column in enumerate(columns, start=1):
        if column.key in ("code", "cdcs", "union_code", "target_code", "from_code", "union_now", "programme"):
            sheet.column_dimensions[get_column_letter(number)].number_format = TEXT_FORMAT
    for offset, values in enumerate(rows, start=1):
        for number, value in enumerate(values, start=1):
            cell = sheet.cell(row=HEADER_ROW + offset, column=number, value=safe_value(value))
            if isinstance(value, str):
                cell.number_format = TEXT_FORMAT
    return sheet


def _choose(sheet, columns: list[Column], key: str, formula: str, rows: int) -> None:
    letter = get_column_letter(next(index for index, column in enumerate(columns, start=1) if column.key == key))
    choice = DataValidation(type="list", formula1=formula, allow_blank=True)
    choice.add(f"{letter}{HEADER_ROW + 1}:{letter}{HEADER_ROW + rows + TEMPLATE_ROWS}")
    sheet.add_data_validation(choice)
