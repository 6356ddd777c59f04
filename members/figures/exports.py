"""The federation-month workbook (mẫu báo cáo tháng): the template a federation downloads, fills
and uploads again (members.figures.sheet reads it back), and the month's figures as an Excel export.

One layout for both: a title block (federation, its code, month, programme), one row per CĐCS
active that month with its code, name, sector and last month's end stock, then the month's flows
(pre-filled where the month already has figures, so that a file downloaded and uploaded again
changes nothing, and, for a CĐCS that keeps its member register and has no figures yet, with
the register's), empty rows left open for CĐCS founded in the month, a "CĐCS thành lập" and a
"CĐCS giải thể" sheet, and a "Hướng dẫn" sheet.

The template also keeps, on a very hidden sheet (BASE_SHEET), what each cell was filled from, with
the month's version: members.figures.sheet_plan compares the
uploaded cells with it, so that a cell the federation left as it was keeps what someone saved
since, and a cell both changed is a conflict to settle instead of a silent overwrite."""

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from unionportal.lib.sheets import Column, guide_sheet, write_headers
from unionportal.lib.xlsx import HEADER_FONT, safe_value, table_workbook

from ..models import LOSS_FIELDS, STOCK_MAX, LossReason, Sector
from .grid import Grid


def _loss_columns() -> list[Column]:
    short = {
        LossReason.JOB: "Nghỉ việc",
        LossReason.RETIRED: "Nghỉ hưu",
        LossReason.ENTERPRISE_CLOSED: "DN giải thể",
        LossReason.LEFT: "Ra khỏi TC",
        LossReason.DIED: "Từ trần",
        LossReason.TRANSFERRED_OUT: "Chuyển đi",
        LossReason.CDCS_DISSOLVED: "CĐCS giải thể",
    }
    with translation.override("vi"):
        return [
            Column(
                field, f"Giảm: {reason.label}", (str(reason.label), short[reason], f"giảm {short[reason]}"), 14, True
            )
            for reason, field in LOSS_FIELDS.items()
        ]


# The month sheet, left to right. Headers are matched ignoring case, spaces and a trailing colon.
MONTH_COLUMNS = [
    Column("number", "STT", ("số tt", "tt"), 6),
    Column("code", "Mã CĐCS", ("mã", "mã cđcs"), 12),
    Column("name", "Tên CĐCS", ("tên", "tên công đoàn cơ sở"), 40),
    Column("sector", "Khu vực", (), 22),
    Column("members_start", "Đoàn viên đầu kỳ", ("đầu kỳ", "số đoàn viên đầu kỳ"), 12),
    Column("admitted", "Kết nạp mới", ("kết nạp", "kết nạp đoàn viên mới"), 12, True),
    Column("transferred_in", "Chuyển đến", ("tăng do chuyển đến",), 12, True),
    *_loss_columns(),
    Column("members_end", "Đoàn viên cuối kỳ", ("cuối kỳ", "số đoàn viên cuối kỳ"), 12, True),
    Column("workers", "Số lao động", ("lao động", "tổng số lao động", "số cnvclđ"), 12, True),
    Column("note", "Ghi chú", (), 30),
]

FOUNDED_COLUMNS = [
    Column("code", "Mã CĐCS", ("mã",), 12),
    Column("name", "Tên CĐCS", ("tên",), 40),
    Column("employer", "Cơ quan, đơn vị, doanh nghiệp", ("doanh nghiệp", "đơn vị"), 40),
    Column("sector", "Khu vực", (), 30),
    Column("founded_on", "Ngày thành lập", ("ngày thành lập (dd/mm/yyyy)",), 14),
    Column("founding_decision", "Số quyết định thành lập", ("số quyết định", "quyết định"), 20),
    Column("workers", "Số lao động", ("lao động",), 12),
]

DISSOLVED_COLUMNS = [
    Column("code", "Mã CĐCS", ("mã",), 12),
    Column("name", "Tên CĐCS", ("tên",), 40),
    Column("dissolved_on", "Ngày giải thể", ("ngày giải thể (dd/mm/yyyy)",), 14),
    Column("reason", "Lý do giải thể", ("lý do",), 40),
]

MONTH_SHEET = "Số liệu tháng"
FOUNDED_SHEET = "CĐCS thành lập"
DISSOLVED_SHEET = "CĐCS giải thể"
GUIDE_SHEET = "Hướng dẫn"
BASE_SHEET = "Số liệu gốc của mẫu"  # very hidden: what the template was filled from
# The cells a federation may change, whose value when the template was made BASE_SHEET keeps.
BASE_KEYS = (
    "members_start",
    *(column.key for column in MONTH_COLUMNS if column.entered and column.key != "members_end"),
)
BASE_VERSION_LABEL = "Phiên bản"
NEW_ROWS = 30  # empty, unlocked rows under the CĐCS for those founded in the month
# Labels of the title block; members.figures.sheet finds the federation and month by them.
ORG_CODE_LABEL = "Mã đơn vị:"
MONTH_LABEL = "Tháng:"
HEADER_ROW = 8  # of the month sheet; rows of CĐCS start below it
LIST_HEADER_ROW = 3  # of the founded and dissolved sheets

_UNLOCKED = Protection(locked=False)


def month_workbook(grid: Grid, *, programme: str = "") -> Workbook:
    """The federation-month as a workbook: the template to fill in, with what is already saved."""
    with translation.override("vi"):
        workbook = Workbook()
        _month_sheet(workbook.active, grid, programme)
        _list_sheet(
            workbook.create_sheet(FOUNDED_SHEET),
            grid,
            FOUNDED_COLUMNS,
            _("CĐCS THÀNH LẬP MỚI TRONG THÁNG %(month)s") % {"month": grid.month},
        )
        _list_sheet(
            workbook.create_sheet(DISSOLVED_SHEET),
            grid,
            DISSOLVED_COLUMNS,
            _("CĐCS GIẢI THỂ TRONG THÁNG %(month)s") % {"month": grid.month},
        )
        guide_sheet(workbook.create_sheet(GUIDE_SHEET), _("HƯỚNG DẪN ĐIỀN MẪU BÁO CÁO THÁNG"), GUIDE)
        _base_sheet(workbook.create_sheet(BASE_SHEET), grid)
    return workbook


def _title_block(sheet, grid: Grid, title: str, programme: str) -> None:
    sheet["A1"] = _("LIÊN ĐOÀN LAO ĐỘNG TỈNH")
    sheet["A2"] = title
    sheet["A1"].font = sheet["A2"].font = Font(bold=True, size=12)
    lines = [
        (_("Đơn vị:"), grid.federation.name),
        (ORG_CODE_LABEL, grid.federation.code),
        (MONTH_LABEL, f"{grid.month.month:02d}/{grid.month.year}"),
        (_("Chương trình:"), programme),
    ]
    for offset, (label, value) in enumerate(lines):
        sheet.cell(row=3 + offset, column=2, value=label).font = HEADER_FONT
        sheet.cell(row=3 + offset, column=3, value=safe_value(value))


def shown_values(row) -> dict:
    """What the template shows in a CĐCS's row: what is saved, or else what its member register
    counts, or else the stock carried from last month and blanks to fill."""
    figure = row.figure
    values = {
        "members_start": row.start if not row.needs_opening else (figure.members_start if figure else None),
        "workers": row.values.get("workers"),
    }
    if figure is not None:  # the end stock is left empty: it is computed, and a stale one would refuse the row
        values.update({column.key: getattr(figure, column.key) for column in MONTH_COLUMNS if column.entered})
        values["members_end"] = None
    elif row.register is not None:  # nothing saved yet: the month as the member register counts it
        values.update(row.register.values, note=_("Điền sẵn theo sổ đoàn viên"))
        if row.needs_opening:
            values["members_start"] = row.register.members_start
    return values


def _month_sheet(sheet, grid: Grid, programme: str) -> None:
    sheet.title = MONTH_SHEET
    _title_block(
        sheet, grid, _("BÁO CÁO PHÁT TRIỂN ĐOÀN VIÊN, CĐCS THÁNG %(month)s") % {"month": grid.month}, programme
    )
    write_headers(sheet, MONTH_COLUMNS, HEADER_ROW)
    sectors = dict(Sector.choices)
    for offset, row in enumerate(grid.rows):
        values = {
            "number": offset + 1,
            "code": row.cdcs.code,
            "name": row.cdcs.name,
            "sector": str(sectors.get(row.cdcs.sector, row.cdcs.sector)),
            **shown_values(row),
        }
        number = HEADER_ROW + 1 + offset
        for index, column in enumerate(MONTH_COLUMNS, start=1):
            cell = sheet.cell(row=number, column=index, value=safe_value(values.get(column.key)))
            if column.entered or column.key == "note" or (column.key == "members_start" and row.needs_opening):
                cell.protection = _UNLOCKED
    # Rows for the CĐCS founded in the month (declared on the "CĐCS thành lập" sheet): open to type in.
    first_new = HEADER_ROW + 1 + len(grid.rows)
    for number in range(first_new, first_new + NEW_ROWS):
        for index, column in enumerate(MONTH_COLUMNS, start=1):
            if column.entered or column.key in ("code", "name", "note"):
                sheet.cell(row=number, column=index).protection = _UNLOCKED
    last = first_new + NEW_ROWS - 1
    entered = [index for index, column in enumerate(MONTH_COLUMNS, start=1) if column.entered]
    validation = DataValidation(
        type="whole",
        operator="between",
        formula1="0",
        formula2=str(STOCK_MAX),
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=_("Số không hợp lệ"),
        error=_("Nhập số nguyên không âm (0, 1, 2, …)."),
    )
    start_column = "E"  # members_start (opening stock) is validated too
    validation.add(f"{start_column}{HEADER_ROW + 1}:{get_column_letter(max(entered))}{last}")
    sheet.add_data_validation(validation)
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=4)
    sheet.protection.sheet = True  # identifiers locked; figures, notes and the rows for new CĐCS are not
    sheet.protection.formatRows = sheet.protection.formatColumns = False


def _base_sheet(sheet, grid: Grid) -> None:
    """What each CĐCS's row was filled from, for members.figures.sheet_plan's three-way comparison: a very
    hidden, protected sheet that Excel and LibreOffice keep as it is when the file is saved."""
    sheet.append([ORG_CODE_LABEL, grid.federation.code, MONTH_LABEL, f"{grid.month.month:02d}/{grid.month.year}",
                  BASE_VERSION_LABEL, grid.monthly_return.version])  # fmt: skip
    sheet.append(["Mã CĐCS", *BASE_KEYS])
    for row in grid.rows:
        values = shown_values(row)
        sheet.append([row.cdcs.code, *(values.get(key) for key in BASE_KEYS)])
    sheet.sheet_state = "veryHidden"
    sheet.protection.sheet = True


def _list_sheet(sheet, grid: Grid, columns: list[Column], title: str) -> None:
    sheet["A1"] = title
    sheet["A1"].font = Font(bold=True, size=12)
    sheet["A2"] = safe_value(
        _("%(org)s (mã %(code)s). Mỗi CĐCS một dòng; để trống nếu không có.")
        % {"org": grid.federation.name, "code": grid.federation.code}
    )
    write_headers(sheet, columns, LIST_HEADER_ROW)
    if any(column.key == "sector" for column in columns):
        index = next(i for i, column in enumerate(columns, start=1) if column.key == "sector")
        labels = ",".join(str(label) for label in Sector.labels)
        if len(labels) < 250:  # Excel's limit for a list typed into the validation
            choice = DataValidation(type="list", formula1=f'"{labels}"', allow_blank=True)
            choice.add(f"{get_column_letter(index)}{LIST_HEADER_ROW + 1}:{get_column_letter(index)}200")
            sheet.add_data_validation(choice)
    for column in range(1, len(columns) + 1):
        sheet.column_dimensions[get_column_letter(column)].alignment = Alignment(vertical="top")


GUIDE = [
    ("Mã CĐCS", "Mã do hệ thống cấp, không sửa. Mỗi CĐCS một dòng; dòng trống được bỏ qua."),
    ("Tên CĐCS, Khu vực", "Để tham khảo; khi nhập, hệ thống dùng tên và khu vực đang lưu."),
    (
        "Đoàn viên đầu kỳ",
        "Bằng số đoàn viên cuối kỳ tháng trước, đã điền sẵn. Chỉ nhập khi CĐCS lần đầu có số liệu trên hệ thống.",
    ),
    ("Kết nạp mới", "Số đoàn viên kết nạp mới trong tháng (số nguyên ≥ 0; để trống là 0)."),
    ("Chuyển đến", "Đoàn viên từ CĐCS khác chuyển đến trong tháng."),
    ("Giảm: …", "Đoàn viên giảm trong tháng, ghi theo từng lý do (số nguyên ≥ 0; để trống là 0)."),
    (
        "Đoàn viên cuối kỳ",
        "Có thể để trống: hệ thống tự tính = đầu kỳ + kết nạp + chuyển đến − các cột giảm. "
        "Nếu điền, phải đúng bằng số đó, nếu không dòng bị từ chối.",
    ),
    ("Số lao động", "Tổng số lao động của đơn vị cuối tháng; để trống thì giữ số cũ."),
    ("Ghi chú", "Không được nhập vào hệ thống."),
    (
        "Điền sẵn theo sổ đoàn viên",
        "CĐCS giữ sổ đoàn viên trên cổng thông tin mà tháng này chưa có số liệu: các cột đã được điền sẵn theo sổ. "
        "Kiểm tra, sửa nếu cần rồi tải lên như thường; chưa tải lên thì chưa có gì được ghi.",
    ),
    (
        "Trang “CĐCS thành lập”",
        "CĐCS mới thành lập trong tháng: mã mới, tên, đơn vị, khu vực, ngày thành lập. Số liệu tháng của nó "
        "ghi vào một trong các dòng để trống ở cuối trang “Số liệu tháng” (gõ mã CĐCS mới và các cột số; "
        "đầu kỳ để trống, là 0). Không có dòng đó thì CĐCS vẫn được thành lập nhưng tháng này chưa có số liệu; "
        "bản xem trước sẽ nhắc.",
    ),  # fmt: skip
    (
        "Trang “CĐCS giải thể”",
        "CĐCS giải thể trong tháng: mã, ngày giải thể, lý do. Số đoàn viên còn lại "
        "được ghi vào cột “Giảm: CĐCS giải thể” để CĐCS kết thúc tháng ở 0.",
    ),  # fmt: skip
    (
        "Số",
        "Ghi số nguyên, không âm: 1234, 1.234 hoặc 1,234 đều được. Không dùng công thức nếu lưu bằng phần mềm "
        "không tính lại công thức.",
    ),
    (
        "Người khác cùng sửa",
        "Tệp ghi nhớ số liệu lúc bạn tải mẫu. Khi tải lên, ô bạn để nguyên giữ số người khác đã lưu sau đó; "
        "ô bạn sửa được ghi. Ô mà cả bạn và người khác cùng sửa thành hai số khác nhau thì không ghi gì: "
        "bản xem trước nêu ô đó và hai số để thống nhất.",
    ),
    (
        "Tải lên",
        "Trên cổng thông tin: Số liệu tháng → chọn tháng → Tải tệp Excel lên. Hệ thống kiểm tra toàn bộ tệp, "
        "cho xem trước thay đổi; chỉ ghi khi bạn bấm Xác nhận, và ghi tất cả hoặc không ghi gì.",
    ),
]


def month_figures_workbook(grid: Grid) -> Workbook:
    """The federation-month's figures as saved, end stock and totals included: an export to read
    or forward, not to fill in (the template is for that)."""
    with translation.override("vi"):
        keys = ("members_start", *(column.key for column in MONTH_COLUMNS if column.entered))
        headers = ["Mã CĐCS", "Tên CĐCS", "Khu vực", *(column_header(key) for key in keys)]
        sectors = dict(Sector.choices)
        rows, totals = [], dict.fromkeys(keys, 0)
        for row in grid.rows:
            values = [getattr(row.figure, key) if row.figure else None for key in keys]
            for key, value in zip(keys, values, strict=True):
                totals[key] += value or 0
            rows.append([row.cdcs.code, row.cdcs.name, str(sectors.get(row.cdcs.sector, "")), *values])
        rows.append(["", _("Tổng cộng"), "", *totals.values()])
        heading = [
            _("SỐ LIỆU PHÁT TRIỂN ĐOÀN VIÊN THÁNG %(month)s") % {"month": grid.month},
            f"{grid.federation.name} ({grid.federation.code})",
            _("Trạng thái: %(status)s") % {"status": grid.monthly_return.get_status_display()},
        ]
        return table_workbook(MONTH_SHEET, headers, rows, heading=heading)


def column_header(key: str) -> str:
    return next(column.header for column in MONTH_COLUMNS if column.key == key)
