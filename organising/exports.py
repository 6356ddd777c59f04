"""The enterprise register in Excel: the empty template and the export, in one layout, so that an
exported list can be corrected and uploaded again (organising.imports reads it back)."""

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from members.models import Sector
from unionportal.lib.sheets import Column, guide_sheet, write_headers
from unionportal.lib.xlsx import safe_value

from .models import Stage

LIST_SHEET = "Doanh nghiệp"
GUIDE_SHEET = "Hướng dẫn"
HEADER_ROW = 3
TEXT_FORMAT = "@"
TEMPLATE_ROWS = 2000  # rows of the template given the sector list

# Left to right. Headers are matched ignoring case, spaces and a trailing colon; aliases are what
# lists from the tax or statistics office call the same column.
COLUMNS = [
    Column("number", "STT", ("số tt", "tt", "số thứ tự"), 6),
    Column("tax_code", "Mã số thuế", ("mst", "mã số doanh nghiệp", "mã số thuế doanh nghiệp", "mã số dn"), 16),
    Column("name", "Tên doanh nghiệp", ("tên", "tên đơn vị", "tên doanh nghiệp, đơn vị", "tên dn"), 40),
    Column("address", "Địa chỉ", ("địa chỉ trụ sở", "địa chỉ trụ sở chính"), 40),
    Column("federation", "Mã công đoàn cấp trên", ("công đoàn cấp trên", "đơn vị phụ trách"), 14),
    Column("sector", "Khu vực", ("loại hình", "loại hình doanh nghiệp", "khu vực kinh tế"), 30),
    Column("workers", "Số lao động", ("lao động", "tổng số lao động", "số lđ"), 12),
    Column("cdcs", "Mã CĐCS (nếu đã có)", ("mã cđcs", "cđcs"), 14),
]
# Shown in the export to be read, ignored when the file comes back.
STAGE_HEADER = "Giai đoạn (chỉ để xem)"
HEADERS = {column.key: column.header for column in COLUMNS}

GUIDE = [
    ("Mã số thuế", "Bắt buộc. 10 chữ số, hoặc 10 chữ số - 3 chữ số (chi nhánh). Ghi dạng văn bản để giữ số 0 ở đầu."),
    (
        "Doanh nghiệp đã có",
        "Nhận ra theo mã số thuế: dòng có mã số thuế đã có trong danh sách cập nhật doanh nghiệp đó (ô để trống "
        "giữ nguyên thông tin đang lưu), không thêm doanh nghiệp mới. Một mã số thuế chỉ ghi một dòng.",
    ),
    ("Tên doanh nghiệp, Khu vực", "Bắt buộc với doanh nghiệp mới."),
    (
        "Mã công đoàn cấp trên",
        "LĐLĐ tỉnh: bắt buộc với doanh nghiệp mới (mã đơn vị trên cổng thông tin). Công đoàn cấp trên: để trống "
        "hoặc ghi mã đơn vị mình; không nhập được doanh nghiệp của đơn vị khác.",
    ),
    ("Khu vực", "Chọn trong danh sách: " + "; ".join(str(label) for label in Sector.labels) + "."),
    ("Số lao động", "Số nguyên, không âm."),
    ("Mã CĐCS (nếu đã có)", "Khi doanh nghiệp đã có CĐCS trong sổ CĐCS: ghi mã để gắn (không tính thành lập mới)."),
    (
        "Tải lên",
        "Trang Doanh nghiệp chưa có CĐCS → Tải danh sách lên. Hệ thống kiểm tra toàn bộ tệp và cho xem trước; chỉ "
        "ghi khi bạn bấm Xác nhận, và ghi tất cả hoặc không ghi gì.",
    ),
]


def register_workbook(enterprises=None, *, title: str = "") -> Workbook:
    """The register's list: the template (None) or the export of the enterprises given, with
    their stage in a last column that the import ignores."""
    exported = enterprises is not None
    enterprises = enterprises if exported else []
    with translation.override("vi"):
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = LIST_SHEET
        sheet["A1"] = title or _("DANH SÁCH DOANH NGHIỆP CHƯA CÓ CÔNG ĐOÀN CƠ SỞ")
        sheet["A1"].font = Font(bold=True, size=12)
        sheet["A2"] = _("Mỗi doanh nghiệp một dòng. Xem trang “Hướng dẫn”.")
        stage = [Column("stage", STAGE_HEADER, (), 22)] if exported else []
        write_headers(sheet, [*COLUMNS, *stage], HEADER_ROW, height=None)
        for number, column in enumerate(COLUMNS, start=1):
            if column.key in ("tax_code", "federation", "cdcs"):
                sheet.column_dimensions[get_column_letter(number)].number_format = TEXT_FORMAT
        sectors = dict(Sector.choices)
        stages = dict(Stage.choices)
        rows = 0
        for rows, enterprise in enumerate(enterprises, start=1):
            values = [
                rows,
                enterprise.tax_code,
                enterprise.name,
                enterprise.address or None,
                enterprise.federation.code,
                str(sectors.get(enterprise.sector, "")),
                enterprise.workers,
                enterprise.cdcs.code if enterprise.cdcs_id else None,
                str(stages.get(enterprise.stage, "")),
            ]
            for number, value in enumerate(values, start=1):
                cell = sheet.cell(row=HEADER_ROW + rows, column=number, value=safe_value(value))
                if number in (2, 5, 8):
                    cell.number_format = TEXT_FORMAT
        sector = next(index for index, column in enumerate(COLUMNS, start=1) if column.key == "sector")
        letter = get_column_letter(sector)
        guide = workbook.create_sheet(GUIDE_SHEET)
        guide_sheet(guide, _("HƯỚNG DẪN ĐIỀN DANH SÁCH DOANH NGHIỆP"), GUIDE)
        # The list of sectors lives on the guide sheet: a list typed into the rule is capped at 255 characters.
        for offset, label in enumerate(Sector.labels, start=1):
            guide.cell(row=offset, column=4, value=str(label))
        choice = DataValidation(type="list", formula1=f"'{GUIDE_SHEET}'!$D$1:$D${len(Sector.labels)}", allow_blank=True)
        choice.add(f"{letter}{HEADER_ROW + 1}:{letter}{HEADER_ROW + rows + TEMPLATE_ROWS}")
        sheet.add_data_validation(choice)
        sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=3)
    return workbook
