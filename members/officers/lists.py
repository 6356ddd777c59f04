"""A federation's list of CĐCS officers in Excel (danh sách cán bộ CĐCS): one line per person in a
post, with their CĐCS's term on the same line; the template, the export of the latest terms (in
the same layout, so that an export can be corrected and uploaded again), and the reading of a
list on unionportal.lib.sheets, as every import is:

1. `list_read(data)` (here): the bytes checked and opened by sheets.workbook_read, the header found
   by name or alias under the title rows, blank rows skipped; posts, bodies, full-time or not, how
   and why read from the words people write ("Chủ tịch", "UV BTV", "Chủ nhiệm UBKT", "kiêm
   nhiệm"…), days as Excel dates or dd/mm/yyyy.
2. `list_preview(read, federation=…, user=…)` (members.officers.list_plan): lines grouped by CĐCS
   and term, matched with what is recorded, every rule of the services checked. Writes nothing.
3. `list_import(...)` (members.officers.list_import): all of it in one transaction, or nothing."""

from dataclasses import dataclass, field
from datetime import date
from functools import partial

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from unionportal.lib.sheets import (
    Column,
    Problem,
    cell_text,
    find_header,
    guide_sheet,
    missing_columns,
    missing_problem,
    normal,
    parse_day,
    parse_number,
    read_rows,
    sheet_named,
    title_values,
    workbook_read,
    write_headers,
)
from unionportal.lib.xlsx import HEADER_FONT, safe_value, unescape_text

from ..models import COMMITTEE_MAX, Body, Officer, Organisation, Post, Term
from ..register.people import normal_card_number
from ..services.common import short_day
from .selectors import POST_ORDER

LIST_SHEET = "Danh sách cán bộ CĐCS"
GUIDE_SHEET = "Hướng dẫn"
ORG_LABEL = "Mã đơn vị:"
HEADER_ROW = 5
DATE_FORMAT = "DD/MM/YYYY"
TEXT_FORMAT = "@"
TEMPLATE_ROWS = 2000

COLUMNS = [
    Column("number", "STT", ("tt", "số tt", "số thứ tự"), 6),
    Column("cdcs", "Mã CĐCS", ("mã công đoàn cơ sở", "mã cđcs"), 10),
    Column("cdcs_name", "Tên CĐCS", ("công đoàn cơ sở", "cđcs"), 28),
    Column("full_name", "Họ và tên", ("họ tên", "họ và tên cán bộ"), 24),
    Column("post", "Chức vụ", ("chức vụ công đoàn", "chức danh"), 20),
    Column("body", "Cơ quan (BCH/UBKT)", ("cơ quan", "bch/ubkt", "ban"), 12),
    Column("full_time", "Chuyên trách/Kiêm nhiệm", ("chuyên trách", "kiêm nhiệm", "chế độ"), 14),
    Column("how", "Hình thức", ("hình thức bầu", "bầu/chỉ định"), 18),
    Column("from_on", "Từ ngày", ("giữ chức vụ từ ngày", "ngày nhận chức vụ"), 12),
    Column("to_on", "Đến ngày", ("thôi giữ chức vụ từ ngày", "ngày thôi"), 12),
    Column("left_reason", "Lý do thôi", ("lý do", "lý do thôi giữ chức vụ"), 20),
    Column("card_number", "Số thẻ đoàn viên", ("số thẻ", "số thẻ đv"), 14),
    Column("congress_on", "Ngày đại hội", (), 12),
    Column("decision_number", "Số quyết định", ("số qđ", "quyết định công nhận", "số quyết định công nhận"), 16),
    Column("starts_on", "Nhiệm kỳ từ", ("nhiệm kỳ từ ngày",), 12),
    Column("ends_on", "Nhiệm kỳ đến", ("nhiệm kỳ đến ngày",), 12),
    Column("committee_size", "Số ủy viên BCH theo điều lệ", ("số ủy viên bch",), 12),
    Column("inspection_size", "Số ủy viên UBKT", ("số ủy viên ubkt theo điều lệ",), 10),
]
HEADERS = {column.key: column.header for column in COLUMNS}
REQUIRED = ("cdcs", "full_name", "post")
DAYS = ("from_on", "to_on", "congress_on", "starts_on", "ends_on")
TERM_KEYS = ("congress_on", "decision_number", "starts_on", "ends_on", "committee_size", "inspection_size")


def _words(pairs) -> dict[str, str]:
    return {normal(text.replace("uỷ", "ủy")): value for text, value in pairs}


# What people write, compared as sheets.normal does (with "uỷ" spelled "ủy").
_POSTS = _words([*((label, value) for value, label in Post.choices),
    ("chủ tịch cđcs", Post.CHAIR), ("phó chủ tịch cđcs", Post.VICE_CHAIR), ("pct", Post.VICE_CHAIR),
    ("ủy viên btv", Post.STANDING), ("uv btv", Post.STANDING), ("ủy viên thường vụ", Post.STANDING),
    ("ủy viên", Post.MEMBER), ("uv", Post.MEMBER), ("ủy viên bch", Post.MEMBER), ("uv bch", Post.MEMBER),
    ("chủ nhiệm", Post.INSPECTION_CHAIR), ("chủ nhiệm ủy ban kiểm tra", Post.INSPECTION_CHAIR),
    ("phó chủ nhiệm", Post.INSPECTION_VICE), ("phó chủ nhiệm ủy ban kiểm tra", Post.INSPECTION_VICE),
    ("ủy viên ủy ban kiểm tra", Post.INSPECTION_MEMBER), ("uv ubkt", Post.INSPECTION_MEMBER),
])  # fmt: skip
# An executive post written for the inspection committee: "Ủy viên" with "UBKT" beside it.
_IN_INSPECTION = {Post.MEMBER: Post.INSPECTION_MEMBER, Post.VICE_CHAIR: Post.INSPECTION_VICE}
_BODIES = _words([("bch", Body.EXECUTIVE), ("ban chấp hành", Body.EXECUTIVE), ("ubkt", Body.INSPECTION),
                  ("ủy ban kiểm tra", Body.INSPECTION)])  # fmt: skip
_FULL_TIME = _words([("chuyên trách", True), ("ct", True), ("x", True), ("có", True), ("kiêm nhiệm", False),
                     ("kn", False), ("không", False)])  # fmt: skip
_HOW = _words([*((label, value) for value, label in Officer.How.choices), ("bầu", Officer.How.ELECTED),
    ("đại hội", Officer.How.ELECTED), ("bầu bổ sung", Officer.How.CO_OPTED), ("bổ sung", Officer.How.CO_OPTED),
    ("chỉ định", Officer.How.APPOINTED), ("cấp trên chỉ định", Officer.How.APPOINTED),
])  # fmt: skip
_REASONS = _words([*((label, value) for value, label in Officer.LeftReason.choices),
    ("chuyển công tác", Officer.LeftReason.MOVED), ("nghỉ việc", Officer.LeftReason.MOVED),
    ("miễn nhiệm", Officer.LeftReason.DISMISSED), ("khác", Officer.LeftReason.OTHER),
])  # fmt: skip


# --- the workbook: template and export -----------------------------------------------------------


def officer_list_workbook(federation: Organisation, officers=()) -> Workbook:
    """The officers' list of a federation: empty (the template) or with `officers` (the export:
    Officers with their term and CĐCS)."""
    with translation.override("vi"):
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = LIST_SHEET
        sheet["A1"] = _("DANH SÁCH CÁN BỘ CÔNG ĐOÀN CƠ SỞ (BAN CHẤP HÀNH, ỦY BAN KIỂM TRA)")
        sheet["A1"].font = Font(bold=True, size=12)
        sheet.cell(row=2, column=2, value=_("Công đoàn cấp trên:")).font = HEADER_FONT
        sheet.cell(row=2, column=3, value=safe_value(federation.name))
        sheet.cell(row=3, column=2, value=ORG_LABEL).font = HEADER_FONT
        sheet.cell(row=3, column=3, value=safe_value(federation.code)).number_format = TEXT_FORMAT
        sheet.cell(row=4, column=2, value=_("Mỗi người, mỗi chức vụ một dòng. Xem trang “Hướng dẫn”."))
        write_headers(sheet, COLUMNS, HEADER_ROW, height=45)
        for number, column in enumerate(COLUMNS, start=1):
            letter = get_column_letter(number)
            sheet.column_dimensions[letter].number_format = DATE_FORMAT if column.key in DAYS else TEXT_FORMAT
        rows = 0
        for rows, officer in enumerate(officers, start=1):
            for number, column in enumerate(COLUMNS, start=1):
                value = _exported(officer, column.key, rows)
                cell = sheet.cell(row=HEADER_ROW + rows, column=number, value=safe_value(value))
                cell.number_format = DATE_FORMAT if column.key in DAYS else cell.number_format
        _choices(sheet, rows)
        sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=5)
        guide_sheet(workbook.create_sheet(GUIDE_SHEET), _("HƯỚNG DẪN ĐIỀN DANH SÁCH CÁN BỘ CĐCS"), GUIDE)
    return workbook


def _exported(officer: Officer, key: str, number: int):
    term = officer.term
    values = {
        "number": number, "cdcs": term.cdcs.code, "cdcs_name": term.cdcs.name, "full_name": officer.full_name,
        "post": officer.get_post_display(), "body": "UBKT" if officer.body == Body.INSPECTION else "BCH",
        "full_time": _("Chuyên trách") if officer.full_time else _("Kiêm nhiệm"), "how": officer.get_how_display(),
        "from_on": officer.from_on, "to_on": officer.to_on, "left_reason": officer.get_left_reason_display(),
        "card_number": officer.member.card_number if officer.member else "", "congress_on": term.congress_on,
        "decision_number": term.decision_number, "starts_on": term.starts_on, "ends_on": term.ends_on,
        "committee_size": term.committee_size, "inspection_size": term.inspection_size,
    }  # fmt: skip
    return values[key] if values[key] != "" else None


def _choices(sheet, rows: int) -> None:
    """Drop-down lists for the columns whose words the import reads."""
    lists = {
        "post": ",".join(str(label) for label in Post.labels),
        "body": "BCH,UBKT",
        "full_time": "Chuyên trách,Kiêm nhiệm",
        "how": ",".join(str(label) for label in Officer.How.labels),
    }
    for number, column in enumerate(COLUMNS, start=1):
        if column.key in lists:
            choice = DataValidation(type="list", formula1=f'"{lists[column.key]}"', allow_blank=True)
            letter = get_column_letter(number)
            choice.add(f"{letter}{HEADER_ROW + 1}:{letter}{HEADER_ROW + rows + TEMPLATE_ROWS}")
            sheet.add_data_validation(choice)


GUIDE = [
    ("Mã đơn vị", "Giữ nguyên: hệ thống kiểm tra tệp đúng công đoàn cấp trên đã chọn khi tải lên."),
    ("Mã CĐCS", "Bắt buộc: mã CĐCS trong Sổ CĐCS, đang trực thuộc đơn vị. Tên CĐCS chỉ để dễ đọc, không nhập."),
    ("Họ và tên, Chức vụ", "Bắt buộc. Mỗi người, mỗi chức vụ một dòng: người vừa là Ủy viên BCH vừa là Chủ nhiệm "
     "UBKT ghi hai dòng. Chức vụ: Chủ tịch, Phó Chủ tịch, Ủy viên Ban Thường vụ, Ủy viên Ban Chấp hành, Chủ nhiệm "
     "UBKT, Phó Chủ nhiệm UBKT, Ủy viên UBKT."),
    ("Cơ quan (BCH/UBKT)", "BCH hoặc UBKT; để trống thì theo chức vụ (“Ủy viên” là Ủy viên BCH)."),
    ("Chuyên trách/Kiêm nhiệm", "Để trống là kiêm nhiệm."),
    ("Hình thức", "Bầu tại đại hội, Bầu bổ sung hoặc Cấp trên chỉ định. Để trống: bầu tại đại hội nếu từ ngày bắt "
     "đầu nhiệm kỳ, bầu bổ sung nếu sau đó (BCH lâm thời: cấp trên chỉ định)."),
    ("Từ ngày, Đến ngày", "Ngày nhận và ngày thôi giữ chức vụ (dd/mm/yyyy). Từ ngày để trống: ngày bắt đầu nhiệm "
     "kỳ. Đến ngày để trống: đang giữ chức vụ. Ngày thôi có thể ghi Lý do thôi (nghỉ hưu, chuyển công tác…)."),
    ("Số thẻ đoàn viên", "Nếu CĐCS giữ sổ đoàn viên trên cổng: liên kết cán bộ với đoàn viên có số thẻ này."),
    ("Nhiệm kỳ", "Ngày đại hội, Số quyết định, Nhiệm kỳ từ, Nhiệm kỳ đến, Số ủy viên BCH theo điều lệ, Số ủy viên "
     "UBKT: ghi ở ít nhất một dòng của mỗi CĐCS (các dòng khác để trống hoặc ghi giống). Nhiệm kỳ từ để trống: ngày "
     "đại hội; Nhiệm kỳ đến để trống: 5 năm sau. Không có ngày đại hội: BCH lâm thời (cần số quyết định chỉ định). "
     "Để trống cả hai ngày: nhiệm kỳ hiện tại của CĐCS."),
    ("Người đã có", "Nhận ra theo CĐCS, nhiệm kỳ, họ tên, chức vụ và từ ngày: các ô có ghi sẽ cập nhật (ví dụ "
     "ghi Đến ngày khi người đó thôi chức vụ); không ai bị xóa vì không có trong tệp."),
    ("Tải lên", "Trang Cán bộ CĐCS → Tải danh sách lên. Hệ thống kiểm tra toàn bộ tệp và cho xem trước; chỉ ghi "
     "khi bạn bấm Xác nhận, và ghi tất cả hoặc không ghi gì."),
]  # fmt: skip


# --- 1. reading ----------------------------------------------------------------------------------


@dataclass
class OfficerList:
    """What was read from a list, as plain values (kept as JSON between preview and import)."""

    org_code: str | None = None
    sheet: str = LIST_SHEET
    # {"row": 6, "cdcs": "DT01", "full_name": …, "post": "chair", "full_time": False, "how": "",
    #  "from_on": "2021-03-15" | None, "to_on": …, "left_reason": "", "card_number": "",
    #  "congress_on": …, "decision_number": "", "starts_on": …, "ends_on": …, "committee_size": 7 | None, …}
    rows: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"org_code": self.org_code, "sheet": self.sheet, "rows": self.rows}

    @classmethod
    def from_json(cls, data: dict) -> "OfficerList":
        return cls(org_code=data.get("org_code"), sheet=data.get("sheet") or LIST_SHEET, rows=data.get("rows") or [])


def list_read(data: bytes, *, max_bytes: int | None = None, max_rows: int | None = None) -> OfficerList:
    """Read a list's bytes. Never raises for a bad file: its problems are in OfficerList.problems."""
    read = OfficerList()
    max_rows = settings.UPLOAD_MAX_ROWS if max_rows is None else max_rows
    workbook_read(data, read.problems, lambda workbook: _read_list(workbook, read, max_rows), max_bytes=max_bytes)
    return read


def _read_list(workbook, read: OfficerList, max_rows: int) -> None:
    worksheet = sheet_named(workbook, LIST_SHEET, or_first=True)
    read.sheet = worksheet.name
    rows = worksheet.iter_rows()

    def title(values):
        found = title_values(values, (ORG_LABEL,))
        if ORG_LABEL in found:
            read.org_code = cell_text(found[ORG_LABEL])

    header = find_header(rows, COLUMNS, key="full_name", title=title)
    if header is None:
        message = _("Không thấy dòng tiêu đề có cột “Họ và tên”. Hãy dùng mẫu tải từ cổng thông tin.")
        read.problems.append(Problem(read.sheet, None, "", message))
        return
    missing = missing_columns(header.positions, COLUMNS, REQUIRED)
    if missing:
        read.problems.append(missing_problem(read.sheet, header.row, missing))
        return
    for key in ("number", "cdcs_name"):  # numbered ahead, or names for reading: not what a line is
        header.positions.pop(key, None)
    build = partial(_officer_row, read)
    read.rows = read_rows(rows, header, max_rows=max_rows, problems=read.problems, sheet=read.sheet, build=build)


def _officer_row(read: OfficerList, cells, number: int) -> dict | None:
    """One line as plain values, or None (with its problems noted) when a cell cannot be read."""
    before = len(read.problems)

    def refuse(key, message):
        read.problems.append(Problem(read.sheet, number, HEADERS[key], message))

    item = {"row": number, "cdcs": cell_text(cells.get("cdcs"))}
    item["full_name"] = unescape_text(cell_text(cells.get("full_name")))
    item["decision_number"] = unescape_text(cell_text(cells.get("decision_number")))[:100]
    item["card_number"] = normal_card_number(cell_text(cells.get("card_number")))
    for key, words in (("body", _BODIES), ("full_time", _FULL_TIME), ("how", _HOW), ("left_reason", _REASONS),
                       ("post", _POSTS)):  # fmt: skip
        text = cell_text(cells.get(key))
        item[key] = words.get(normal(text.replace("uỷ", "ủy")), None) if text else ""
        if item[key] is None:
            message = _("“%(text)s” không có trong các lựa chọn của cột (xem trang Hướng dẫn).")
            refuse(key, message % {"text": text[:40]})
    item["full_time"] = bool(item["full_time"])
    if item["body"] == Body.INSPECTION:
        item["post"] = _IN_INSPECTION.get(item["post"], item["post"])
    elif item["body"] == Body.EXECUTIVE and item["post"] in (Post.INSPECTION_CHAIR, Post.INSPECTION_VICE,
                                                             Post.INSPECTION_MEMBER):  # fmt: skip
        refuse("body", _("Chức vụ của Ủy ban kiểm tra, không phải của BCH."))
    elif item["body"] == Body.INSPECTION and item["post"] in (Post.CHAIR, Post.STANDING):
        refuse("body", _("Chức vụ của BCH, không phải của Ủy ban kiểm tra."))
    item.pop("body")
    for key in DAYS:
        value, item[key] = cells.get(key), None
        if cell_text(value) == "":
            continue
        try:
            day = parse_day(value)
        except ValueError as error:
            refuse(key, f"{error}.")
            continue
        if day.year < 1900:
            refuse(key, _("Ngày %(day)s không hợp lệ.") % {"day": short_day(day)})
            continue
        item[key] = day.isoformat()
    for key in ("committee_size", "inspection_size"):
        try:
            item[key] = parse_number(cells.get(key), maximum=COMMITTEE_MAX)
        except ValueError as error:
            refuse(key, _("Số ủy viên %(error)s.") % {"error": error})
    return item if len(read.problems) == before else None


def officers_for_export(cdcs, on: date) -> list[Officer]:
    """The officers of each of `cdcs`'s term on the day `on` (in post, and who left during it), in
    the list's order."""
    terms = Term.objects.current_on(on).filter(cdcs__in=cdcs.values("pk"))
    officers = Officer.objects.filter(term__in=terms).select_related("term__cdcs", "member")
    return sorted(officers, key=lambda o: (o.term.cdcs.code, POST_ORDER[o.post], o.from_on, o.pk))
