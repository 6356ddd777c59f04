"""Member lists in Excel (danh sách đoàn viên) for one CĐCS: the column list, the template it fills
in, the export of its register in the same layout (so that an exported list can be corrected and
uploaded again), and the reading of a list, on unionportal.lib.sheets as every import is:

1. `list_read(data)` (here): the bytes checked and opened by sheets.workbook_read (check_xlsx,
   formulas without a saved value refused, python-calamine), then read tolerantly (headers by
   name or alias, in any order, under any title rows; blank rows skipped; dates as Excel dates or
   dd/mm/yyyy text) and strictly where it matters: an ID number that Excel turned into a number
   gets its leading zeros back only when that is certain.
2. `list_preview(members, cdcs=…, month=…, user=…)` (members.register.list_import, matching in
   members.register.list_match): every line checked (the record's own rules, duplicates inside the
   file, people active in another CĐCS) and matched with the CĐCS's register (by ID number, else
   card number, else name and birth date): who would be admitted this month, entered as a member
   already, re-admitted, or corrected. A few queries whatever the list's length. Writes nothing.
3. `list_import(...)` (members.register.list_import): in one transaction, with the rows it reads
   locked, previews again; refuses when a problem has appeared or the plan is not the one the
   user looked at, else writes it all through services.people.members_import. Everything or
   nothing.

An upload is kept as a MemberListUpload without its file, and what was read is emptied when it is
finished (imported, discarded or refused): the register holds the personal data, not a copy."""

from dataclasses import dataclass, field
from functools import lru_cache, partial

from django.conf import settings
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from members.models import Gender, GrassrootsUnion, Member
from members.register.people import fold, normal_card_number, normal_id_number
from unionportal.lib.months import Month
from unionportal.lib.sheets import (
    Column,
    Problem,
    cell_text,
    find_header,
    guide_sheet,
    missing_columns,
    missing_problem,
    month_text,
    parse_day,
    read_rows,
    sheet_named,
    title_values,
    workbook_read,
    write_headers,
)
from unionportal.lib.xlsx import HEADER_FONT, safe_value, unescape_text

LIST_SHEET = "Danh sách đoàn viên"
GUIDE_SHEET = "Hướng dẫn"
# Labels of the title rows; the import finds the CĐCS and the month by them.
CDCS_LABEL = "Mã CĐCS:"
MONTH_LABEL = "Tháng ghi sổ:"
HEADER_ROW = 6
DATE_FORMAT = "DD/MM/YYYY"
TEXT_FORMAT = "@"
TEMPLATE_ROWS = 1000  # rows of the template given the gender list and formats

# Left to right. Headers are matched ignoring case, spaces and a trailing colon; aliases are what
# lists kept elsewhere call the same column.
COLUMNS = [
    Column("number", "STT", ("số tt", "tt", "số thứ tự"), 6),
    Column("full_name", "Họ và tên", ("họ tên", "họ và tên đoàn viên", "tên đoàn viên"), 28),
    Column("born_on", "Ngày sinh", ("ngày tháng năm sinh", "ngày, tháng, năm sinh", "sinh ngày"), 13),
    Column("gender", "Giới tính (Nam/Nữ)", ("giới tính", "nam/nữ", "giới"), 10),
    Column("ethnicity", "Dân tộc", (), 10),
    Column(
        "id_number",
        "Số CCCD",
        ("cccd", "số căn cước", "số căn cước công dân", "căn cước công dân", "số cmnd/cccd", "số định danh cá nhân"),
        16,
    ),
    Column("card_number", "Số thẻ đoàn viên", ("số thẻ", "số thẻ đv", "thẻ đoàn viên", "mã thẻ đoàn viên"), 16),
    Column("joined_on", "Ngày vào công đoàn", ("ngày vào cđ", "ngày kết nạp", "ngày gia nhập công đoàn"), 14),
    Column("job", "Nghề nghiệp, chức vụ", ("nghề nghiệp", "chức vụ", "nghề nghiệp - chức vụ", "công việc"), 30),
]
HEADERS = {column.key: column.header for column in COLUMNS}
REQUIRED = ("full_name", "joined_on")
_GENDERS = {"nam": Gender.MALE, "m": Gender.MALE, "male": Gender.MALE, "nu": Gender.FEMALE, "f": Gender.FEMALE}
_GENDERS |= {"female": Gender.FEMALE}

# --- the workbook: template and export -----------------------------------------------------------


def member_list_workbook(cdcs: GrassrootsUnion, month: Month, members=()) -> Workbook:
    """The list of a CĐCS for a month: empty (the template) or with its members (the export)."""
    with translation.override("vi"):
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = LIST_SHEET
        sheet["A1"] = _("DANH SÁCH ĐOÀN VIÊN CÔNG ĐOÀN CƠ SỞ")
        sheet["A1"].font = Font(bold=True, size=12)
        for row, (label, value) in enumerate(
            [(_("CĐCS:"), cdcs.name), (CDCS_LABEL, cdcs.code), (MONTH_LABEL, str(month))], start=2
        ):
            sheet.cell(row=row, column=2, value=label).font = HEADER_FONT
            sheet.cell(row=row, column=3, value=safe_value(value)).number_format = TEXT_FORMAT
        sheet.cell(row=5, column=2, value=_("Mỗi người một dòng. Xem trang “Hướng dẫn”."))
        write_headers(sheet, COLUMNS, HEADER_ROW, height=32)
        for number, column in enumerate(COLUMNS, start=1):
            # Cells typed later take the column's format: ID numbers stay text (their leading zeros kept).
            letter = get_column_letter(number)
            if column.key in ("id_number", "card_number"):
                sheet.column_dimensions[letter].number_format = TEXT_FORMAT
            elif column.key in ("born_on", "joined_on"):
                sheet.column_dimensions[letter].number_format = DATE_FORMAT
        rows = 0
        genders = dict(Gender.choices)
        for rows, member in enumerate(members, start=1):
            values = {
                "number": rows,
                "full_name": member.full_name,
                "born_on": member.born_on,
                "gender": str(genders.get(member.gender, "")),
                "ethnicity": member.ethnicity,
                "id_number": member.id_number,
                "card_number": member.card_number,
                "joined_on": member.joined_on,
                "job": member.job,
            }
            for number, column in enumerate(COLUMNS, start=1):
                cell = sheet.cell(row=HEADER_ROW + rows, column=number, value=safe_value(values[column.key] or None))
                if column.key in ("id_number", "card_number"):
                    cell.number_format = TEXT_FORMAT
                elif column.key in ("born_on", "joined_on"):
                    cell.number_format = DATE_FORMAT
        gender = next(index for index, column in enumerate(COLUMNS, start=1) if column.key == "gender")
        choice = DataValidation(type="list", formula1='"Nam,Nữ"', allow_blank=True)
        letter = get_column_letter(gender)
        choice.add(f"{letter}{HEADER_ROW + 1}:{letter}{HEADER_ROW + rows + TEMPLATE_ROWS}")
        sheet.add_data_validation(choice)
        sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=3)
        guide_sheet(workbook.create_sheet(GUIDE_SHEET), _("HƯỚNG DẪN ĐIỀN DANH SÁCH ĐOÀN VIÊN"), GUIDE)
    return workbook


GUIDE = [
    ("Mã CĐCS, Tháng ghi sổ", "Giữ nguyên: hệ thống kiểm tra tệp đúng CĐCS và đúng tháng đã chọn khi tải lên."),
    ("Họ và tên", "Bắt buộc. Mỗi người một dòng; dòng trống được bỏ qua."),
    ("Ngày sinh", "Dạng ngày của Excel hoặc dd/mm/yyyy. Người vào công đoàn phải từ đủ 15 tuổi."),
    ("Giới tính", "Nam hoặc Nữ."),
    (
        "Số CCCD",
        "12 chữ số, ghi dạng văn bản để giữ các số 0 ở đầu (cột đã định dạng sẵn). Phải khớp năm sinh và giới "
        "tính. Mỗi số CCCD chỉ một người trong toàn tỉnh.",
    ),
    ("Số thẻ đoàn viên", "Nếu có."),
    (
        "Ngày vào công đoàn",
        "Bắt buộc. Trong tháng ghi sổ: ghi là kết nạp mới trong tháng. Trước tháng ghi sổ: ghi vào sổ là đoàn "
        "viên đã có (không tính là kết nạp mới). Sau tháng ghi sổ: không nhận.",
    ),
    (
        "Người đã có trong sổ",
        "Nhận ra theo số CCCD, nếu không có thì theo số thẻ, rồi theo họ tên và ngày sinh. Các ô có ghi sẽ cập nhật "
        "hồ sơ; ô để trống giữ nguyên thông tin đang lưu.",
    ),
    (
        "Người đang sinh hoạt ở CĐCS khác",
        "Không nhập được qua danh sách: cần làm thủ tục chuyển sinh hoạt.",
    ),
    (
        "Tải lên",
        "Trang CĐCS → Sổ đoàn viên → Tải danh sách lên. Hệ thống kiểm tra toàn bộ tệp và cho xem trước; chỉ ghi "
        "khi bạn bấm Xác nhận, và ghi tất cả hoặc không ghi gì.",
    ),
]


def members_for_export(cdcs: GrassrootsUnion):
    """The CĐCS's active members, in the order of the register."""
    return Member.objects.active().filter(cdcs=cdcs).order_by("search_name", "pk")


# --- 1. reading ------------------------------------------------------------------------------------


@dataclass
class MemberList:
    """What was read from a list, as plain values (kept as JSON between preview and import)."""

    cdcs_code: str | None = None
    month: str | None = None  # "YYYY-MM", or the text typed when it is not a month
    sheet: str = LIST_SHEET
    # {"row": 7, "full_name": …, "born_on": "1990-05-01" | None, "gender": "male" | "", …}
    rows: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"cdcs_code": self.cdcs_code, "month": self.month, "sheet": self.sheet, "rows": self.rows}

    @classmethod
    def from_json(cls, data: dict) -> "MemberList":
        return cls(
            cdcs_code=data.get("cdcs_code"),
            month=data.get("month"),
            sheet=data.get("sheet") or LIST_SHEET,
            rows=data.get("rows") or [],
        )


def list_read(data: bytes, *, max_bytes: int | None = None, max_rows: int | None = None) -> MemberList:
    """Read a list's bytes. Never raises for a bad file: its problems are in MemberList.problems."""
    members = MemberList()
    max_rows = settings.UPLOAD_MAX_ROWS if max_rows is None else max_rows
    workbook_read(data, members.problems, lambda workbook: _read_list(workbook, members, max_rows), max_bytes=max_bytes)
    return members


def _read_list(workbook, members: MemberList, max_rows: int) -> None:
    worksheet = sheet_named(workbook, LIST_SHEET, or_first=True)
    members.sheet = worksheet.name
    rows = worksheet.iter_rows()
    header = find_header(rows, COLUMNS, key="full_name", title=lambda values: _title_value(values, members))
    if header is None:
        message = _("Không thấy dòng tiêu đề có cột “Họ và tên”. Hãy dùng mẫu tải từ cổng thông tin.")
        members.problems.append(Problem(members.sheet, None, "", message))
        return
    missing = missing_columns(header.positions, COLUMNS, REQUIRED)
    if missing:
        members.problems.append(missing_problem(members.sheet, header.row, missing))
        return
    header.positions.pop("number", None)  # a list numbered ahead has numbers on rows nobody filled
    build = partial(_member_row, members)
    members.rows = read_rows(
        rows, header, max_rows=max_rows, problems=members.problems, sheet=members.sheet, build=build
    )


def _title_value(values, members: MemberList) -> None:
    found = title_values(values, (CDCS_LABEL, MONTH_LABEL))
    if CDCS_LABEL in found:
        members.cdcs_code = cell_text(found[CDCS_LABEL])
    if MONTH_LABEL in found:
        members.month = month_text(found[MONTH_LABEL])


def day_shown(day) -> str:
    """A day as the list's messages write it (the locale's short date)."""
    return date_format(day, "SHORT_DATE_FORMAT")


def _member_row(members: MemberList, cells, number: int) -> dict | None:
    """One line as plain values, or None (with its problems noted) when a cell cannot be read."""
    before = len(members.problems)
    title = members.sheet

    def refuse(key, message):
        members.problems.append(Problem(title, number, HEADERS[key], message))

    item = {"row": number}
    for key in ("full_name", "ethnicity", "job"):
        item[key] = unescape_text(cell_text(cells.get(key)))
    for key in ("born_on", "joined_on"):
        value = cells.get(key)
        item[key] = None
        if cell_text(value) == "":
            continue
        try:
            day = parse_day(value)
        except ValueError as error:
            refuse(key, f"{error}.")
            continue
        if day.year < 1900:
            refuse(key, _("Ngày %(day)s không hợp lệ.") % {"day": day_shown(day)})
            continue
        item[key] = day.isoformat()
    gender = cell_text(cells.get("gender"))
    item["gender"] = _gender(gender)
    if gender and not item["gender"]:
        refuse("gender", _("Giới tính ghi Nam hoặc Nữ (“%(text)s”).") % {"text": cell_text(cells.get("gender"))[:10]})
    try:
        item["id_number"] = _id_number(cells.get("id_number"))
    except ValueError as error:
        refuse("id_number", str(error))
    item["card_number"] = normal_card_number(cell_text(cells.get("card_number")))
    return item if len(members.problems) == before else None


@lru_cache(maxsize=64)
def _gender(text: str) -> str:
    return _GENDERS.get(fold(text), "")


def _id_number(value) -> str:
    """The ID number of a cell. Every CCCD starts with its province's code, 001 to 096, so a
    12-digit number typed into a number cell comes out with 10 or 11 digits: padded back with
    zeros only then, and only when the province code it gives exists."""
    if value is None or isinstance(value, str):
        return normal_id_number(cell_text(value))
    if isinstance(value, bool) or not isinstance(value, int | float) or not float(value).is_integer():
        raise ValueError(_("Số CCCD phải là 12 chữ số, ghi dạng văn bản."))
    digits = str(int(value))
    if len(digits) in (10, 11) and 1 <= int(digits.zfill(12)[:3]) <= 96:
        return digits.zfill(12)
    if len(digits) == 12:
        return digits  # refused later: no province code starts with a digit other than 0
    raise ValueError(
        _(
            "Số CCCD ở ô kiểu số chỉ còn %(count)s chữ số (Excel bỏ các số 0 ở đầu). Hãy định dạng cột là "
            "văn bản (Text) và ghi đủ 12 chữ số."
        )
        % {"count": len(digits)}
    )
