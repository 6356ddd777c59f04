"""Member lists in Excel (danh sách đoàn viên) for one CĐCS: the template it fills in, the export of
its register in the same layout (so that an exported list can be corrected and uploaded again), and
the import of a list, in the three steps of members.imports:

1. `list_read(data)`: the bytes are checked and opened as a monthly sheet is (imports.workbook_read:
   check_xlsx, formulas without a saved value refused, python-calamine), then read tolerantly
   (headers by name or alias, in any order, under any title rows; blank rows skipped; dates as
   Excel dates or dd/mm/yyyy text) and strictly where it matters: an ID number that Excel turned
   into a number gets its leading zeros back only when that is certain.
2. `list_preview(members, cdcs=…, month=…, user=…)`: every line checked (the record's own rules,
   duplicates inside the file, people active in another CĐCS) and matched with the CĐCS's register
   (by ID number, else card number, else name and birth date): who would be admitted this month,
   entered as a member already, re-admitted, or corrected. A few queries whatever the list's
   length. Writes nothing.
3. `list_import(...)`: in one transaction, with the rows it reads locked, previews again; refuses
   when a problem has appeared or the plan is not the one the user looked at, else writes it all
   through services.people.members_import. Everything or nothing.

An upload is kept as a MemberListUpload without its file, and what was read is emptied when it is
finished (imported, discarded or refused): the register holds the personal data, not a copy."""

import hashlib
import json
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Min, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from unionportal.lib.months import Month
from unionportal.lib.xlsx import HEADER_FILL, HEADER_FONT, WRAP, safe_value, unescape_text

from .access import PeopleScope, can_write, cdcs_now_under, id_holder_refusal
from .audit import audit_log
from .figures.exports import Column, guide_sheet
from .imports import (
    ImportRefused,
    Problem,
    _day,
    _header_positions,
    _month_of,
    _normal,
    _read_rows,
    _sheet_named,
    _text,
    workbook_read,
)
from .models import Gender, GrassrootsUnion, Member, MemberEvent, MemberListUpload
from .register.event_months import EventMonth, event_months
from .register.lookups import lookup_record
from .register.people import ID_NUMBER, card_key, fold, mask_id, normal_card_number, normal_id_number
from .register.services import (
    RECORD_FIELDS,
    ListEntry,
    MemberData,
    current_federation,
    existing_member_event,
    members_import,
    record_problems,
)
from .services.common import Source, federation_of
from .services.common import short_day as shown

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
# PostgreSQL takes 65,535 parameters and SQLite builds of old 999: IN lists go in chunks.
CHUNK = 900


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
        for number, column in enumerate(COLUMNS, start=1):
            cell = sheet.cell(row=HEADER_ROW, column=number, value=column.header)
            cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, WRAP
            letter = get_column_letter(number)
            sheet.column_dimensions[letter].width = column.width
            # Cells typed later take the column's format: ID numbers stay text (their leading zeros kept).
            if column.key in ("id_number", "card_number"):
                sheet.column_dimensions[letter].number_format = TEXT_FORMAT
            elif column.key in ("born_on", "joined_on"):
                sheet.column_dimensions[letter].number_format = DATE_FORMAT
        sheet.row_dimensions[HEADER_ROW].height = 32
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
    worksheet = _sheet_named(workbook, LIST_SHEET) or workbook.get_sheet_by_index(0)
    members.sheet = worksheet.name
    rows = worksheet.iter_rows()
    for number, values in enumerate(rows, start=1):
        if number > 20:
            break
        positions = _header_positions(values, COLUMNS)
        if "full_name" in positions:
            break
        _title_value(values, members)
    else:
        positions = {}
    if "full_name" not in positions:
        message = _("Không thấy dòng tiêu đề có cột “Họ và tên”. Hãy dùng mẫu tải từ cổng thông tin.")
        members.problems.append(Problem(members.sheet, None, "", message))
        return
    missing = [HEADERS[key] for key in REQUIRED if key not in positions]
    if missing:
        message = _("Thiếu cột: %(columns)s.") % {"columns": ", ".join(missing)}
        members.problems.append(Problem(members.sheet, number, "", message))
        return
    positions.pop("number", None)  # a list numbered ahead has numbers on rows nobody filled
    members.rows = _read_rows(rows, number, positions, COLUMNS, members, members.sheet, max_rows, _member_row)


def _title_value(values, members: MemberList) -> None:
    cells = [value for value in values if value not in (None, "")]
    for label, value in zip(cells, cells[1:], strict=False):
        if _normal(label) == _normal(CDCS_LABEL):
            members.cdcs_code = _text(value)
        elif _normal(label) == _normal(MONTH_LABEL):
            month = _month_of(value)
            members.month = month.iso if month else _text(value)


def _member_row(cells, number, headers, members: MemberList, title: str) -> dict | None:
    """One line as plain values, or None (with its problems noted) when a cell cannot be read."""
    before = len(members.problems)

    def refuse(key, message):
        members.problems.append(Problem(title, number, headers[key], message))

    item = {"row": number}
    for key in ("full_name", "ethnicity", "job"):
        item[key] = unescape_text(_text(cells.get(key)))
    for key in ("born_on", "joined_on"):
        value = cells.get(key)
        item[key] = None
        if _text(value) == "":
            continue
        try:
            day = _day(value)
        except ValueError as error:
            refuse(key, f"{error}.")
            continue
        if day.year < 1900:
            refuse(key, _("Ngày %(day)s không hợp lệ.") % {"day": shown(day)})
            continue
        item[key] = day.isoformat()
    gender = _text(cells.get("gender"))
    item["gender"] = _gender(gender)
    if gender and not item["gender"]:
        refuse("gender", _("Giới tính ghi Nam hoặc Nữ (“%(text)s”).") % {"text": _text(cells.get("gender"))[:10]})
    try:
        item["id_number"] = _id_number(cells.get("id_number"))
    except ValueError as error:
        refuse("id_number", str(error))
    item["card_number"] = normal_card_number(_text(cells.get("card_number")))
    return item if len(members.problems) == before else None


@lru_cache(maxsize=64)
def _gender(text: str) -> str:
    return _GENDERS.get(fold(text), "")


def _id_number(value) -> str:
    """The ID number of a cell. Every CCCD starts with its province's code, 001 to 096, so a
    12-digit number typed into a number cell comes out with 10 or 11 digits: padded back with
    zeros only then, and only when the province code it gives exists."""
    if value is None or isinstance(value, str):
        return normal_id_number(_text(value))
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


# --- 2. preview --------------------------------------------------------------------------------


@dataclass
class Line:
    """One line of the list against the register."""

    row: int
    data: MemberData  # the record as it will be (blank cells keep what is saved)
    member: Member | None = None  # the record it changes; None: a new one
    event: str = ""  # MemberEvent.Kind.ADMITTED or OPENING when the person enters the CĐCS
    on: date | None = None
    changed: list[str] = field(default_factory=list)  # fields of an existing record that the list changes
    before: dict = field(default_factory=dict)  # their saved values
    # False for the record of someone who left a CĐCS the user may not read: the line shows and
    # writes only what it says itself, and nothing tells that a record was there.
    known: bool = True
    counted: EventMonth | None = None  # the month the event counts in, when the line has one

    @property
    def writes(self) -> bool:
        return self.member is None or bool(self.event or self.changed)

    @property
    def returns(self) -> bool:
        """Someone with a record in the register (who left) enters the CĐCS on it."""
        return self.member is not None and bool(self.event)

    @property
    def readmitted(self) -> bool:
        """Shown as someone who had a record: only to those who may read it."""
        return self.returns and self.known

    @property
    def id_shown(self) -> str:
        return _shown_value("id_number", self.data.id_number)

    @property
    def gender_shown(self) -> str:
        return _shown_value("gender", self.data.gender)

    @property
    def changes(self) -> list[tuple[str, str, str]]:
        """(column, before, after) in words, ID numbers masked."""
        return [(HEADERS[name], _shown_value(name, self.before[name]), _shown_value(name, getattr(self.data, name)))
                for name in self.changed]  # fmt: skip


def _shown_value(name: str, value) -> str:
    if value in (None, ""):
        return "–"
    if name == "id_number":
        return mask_id(value)
    if name == "gender":
        return str(Gender(value).label)
    if isinstance(value, date):
        return shown(value)
    return str(value)


@dataclass
class ListPreview:
    cdcs: GrassrootsUnion
    month: Month
    sheet: str = LIST_SHEET
    register_from: Month | None = None  # the month the CĐCS's register starts (or started)
    register_starts: bool = False  # the import starts it
    lines: list[Line] = field(default_factory=list)  # in the order of the file
    missing: int = 0  # active members of the CĐCS that the list does not name (they stay)
    problems: list[Problem] = field(default_factory=list)
    # The list's look-ups in the province's register (members.services.lookups): ID numbers looked
    # for beyond the CĐCS's own members, and lines answered "a member elsewhere".
    checked: int = 0
    found_elsewhere: int = 0
    approved: list[Month] = field(default_factory=list)  # approved months some lines count in

    def refuse(self, row: int | None, key: str, message: str) -> None:
        self.problems.append(Problem(self.sheet if row else "", row, HEADERS.get(key, ""), message))

    def refuse_holder(self, row: int, holder: Member, scope: PeopleScope) -> None:
        """The line's ID number is `holder`'s, who is active in another CĐCS or whose history
        stands in the way: said as members.access.id_holder_refusal allows."""
        message, elsewhere = id_holder_refusal(scope, holder, transfer_hint=holder.is_active)
        self.refuse(row, "id_number", message)
        self.found_elsewhere += int(elsewhere)

    def _new(self, kind: str) -> list[Line]:
        return [line for line in self.lines if line.event == kind]

    @property
    def admitted(self) -> list[Line]:
        """Kết nạp mới in the list's month."""
        return [line for line in self._new(MemberEvent.Kind.ADMITTED) if line.on >= self.month.first_day]

    @property
    def admitted_before(self) -> list[Line]:
        """Admitted in an earlier month of a register already kept: recorded in that month."""
        return [line for line in self._new(MemberEvent.Kind.ADMITTED) if line.on < self.month.first_day]

    @property
    def opening(self) -> list[Line]:
        """Members already, entered into the register from its first month."""
        return self._new(MemberEvent.Kind.OPENING)

    @property
    def arrived(self) -> list[Line]:
        """Members already, entering a CĐCS founded in the register's first month: transferred in."""
        return self._new(MemberEvent.Kind.TRANSFERRED_IN)

    @property
    def readmitted(self) -> list[Line]:
        return [line for line in self.lines if line.readmitted]

    @property
    def updated(self) -> list[Line]:
        return [line for line in self.lines if line.member is not None and not line.event and line.changed]

    @property
    def unchanged(self) -> int:
        return sum(1 for line in self.lines if not line.writes)

    @property
    def has_changes(self) -> bool:
        return any(line.writes for line in self.lines)

    @property
    def can_import(self) -> bool:
        return not self.problems and self.has_changes

    @property
    def plan(self) -> str:
        """A fingerprint of what the import would write: the confirmation must match it."""
        items = [
            [
                line.row,
                line.member.pk if line.member else None,
                line.event,
                line.on,
                {name: [line.before[name], getattr(line.data, name)] for name in line.changed},
            ]
            for line in self.lines
        ]
        return hashlib.sha256(json.dumps(items, default=str, sort_keys=True).encode()).hexdigest()


def approved_lines_message(preview: ListPreview) -> str:
    return _(
        "Có người trong danh sách tính vào số liệu tháng đã duyệt, khóa số liệu (%(months)s). Số liệu đã duyệt giữ "
        "nguyên; đối chiếu với sổ đoàn viên sẽ lệch ở tháng đó. Nếu đúng là vậy, hãy đánh dấu “Vẫn ghi vào tháng đã "
        "duyệt” rồi xác nhận."
    ) % {"months": ", ".join(str(month) for month in preview.approved)}


def may_import(user, cdcs: GrassrootsUnion) -> bool:
    """May the user write the register of this CĐCS? Those whose federation it is now under, and
    provincial staff."""
    if not cdcs_now_under(user).filter(pk=cdcs.pk).exists():
        return False
    federation = current_federation(cdcs)
    return federation is not None and can_write(user, federation)


def month_problem(cdcs: GrassrootsUnion, month: Month, *, today: date | None = None) -> str | None:
    """Why a list cannot be entered for this month, or None."""
    today = today or timezone.localdate()
    if month > Month.of(today):
        return _("Tháng ghi sổ %(month)s chưa đến.") % {"month": month}
    if not cdcs.is_active_in(month):
        return _("%(cdcs)s không hoạt động trong tháng %(month)s.") % {"cdcs": cdcs, "month": month}
    if cdcs.register_from and month < Month.of(cdcs.register_from):
        return _("Sổ đoàn viên của %(cdcs)s ghi từ tháng %(start)s; hãy chọn tháng từ đó trở đi.") % {
            "cdcs": cdcs,
            "start": Month.of(cdcs.register_from),
        }
    return None


def list_preview(
    members: MemberList, *, cdcs: GrassrootsUnion, month: Month, user, lock: bool = False, today: date | None = None
) -> ListPreview:
    """What importing the list into the CĐCS's register for `month` would write, and every reason
    it cannot. With lock=True (inside list_import's transaction) the rows read are locked."""
    today = today or timezone.localdate()
    preview = ListPreview(cdcs=cdcs, month=month, sheet=members.sheet)
    preview.problems.extend(members.problems)
    if user is not None and not may_import(user, cdcs):
        preview.refuse(None, "", _("Bạn không có quyền ghi sổ đoàn viên của %(cdcs)s.") % {"cdcs": cdcs})
        return preview
    reason = month_problem(cdcs, month, today=today)
    if reason:
        preview.refuse(None, "", reason)
    _check_identity(members, preview)
    if any(problem.row is None for problem in preview.problems):
        return preview  # not this CĐCS's list or month, or unreadable: line checks would only add noise
    preview.register_starts = cdcs.register_from is None
    preview.register_from = month if preview.register_starts else Month.of(cdcs.register_from)
    rows = _checked_rows(members.rows, preview, today)
    register = _Register(cdcs, [row.data for row in rows], lock=lock)
    preview.checked = register.checked
    scope = PeopleScope(user)
    _match(rows, register, preview, scope)
    _check_histories(preview, scope)
    matched = {line.member.pk for line in preview.lines if line.member is not None}
    preview.missing = sum(1 for member in register.own if member.is_active and member.pk not in matched)
    _count_months(preview)
    return preview


def _count_months(preview: ListPreview) -> None:
    """The month each line entering the CĐCS counts in, and those of them that are approved."""
    entering = [line for line in preview.lines if line.event]
    months = event_months([(preview.cdcs, Month.of(line.on)) for line in entering])
    for line in entering:
        line.counted = months[(preview.cdcs.pk, Month.of(line.on))]
    preview.approved = sorted({line.counted.month for line in entering if line.counted.approved})


def _check_identity(members: MemberList, preview: ListPreview) -> None:
    """The list, when it says so, must be this CĐCS's and this month's."""
    cdcs, month = preview.cdcs, preview.month
    if members.cdcs_code and members.cdcs_code.casefold() != cdcs.code.casefold():
        message = _("Tệp này là danh sách của CĐCS mã %(code)s, không phải của %(cdcs)s.") % {
            "code": members.cdcs_code,
            "cdcs": cdcs,
        }
        preview.refuse(None, "", message)
    if members.month and members.month != month.iso:
        try:
            typed = Month.parse(members.month)
        except ValueError:
            typed = members.month
        message = _("Tệp này ghi tháng ghi sổ %(file)s, không phải tháng %(month)s đã chọn.") % {
            "file": typed,
            "month": month,
        }
        preview.refuse(None, "", message)


@dataclass
class _Row:
    number: int
    data: MemberData
    name: str  # folded (members.people.fold), to compare names


_LIMITS = {name: Member._meta.get_field(name).max_length for name in ("full_name", "ethnicity", "card_number", "job")}


def _checked_rows(rows: list[dict], preview: ListPreview, today: date) -> list[_Row]:
    """Each line's record checked on its own and against the lines above it; returns the lines
    without a problem."""
    seen: dict[tuple, tuple[int, str]] = {}  # key → (first line, its ID number)
    good = []
    last_day = preview.month.last_day
    for item in rows:
        number = item["row"]
        before = len(preview.problems)
        if not item.get("full_name"):
            preview.refuse(number, "full_name", _("Cần ghi họ và tên."))
        if not item.get("joined_on"):
            preview.refuse(number, "joined_on", _("Cần ghi ngày vào công đoàn."))
        if len(preview.problems) > before:
            continue
        data = MemberData(
            full_name=item["full_name"],
            joined_on=date.fromisoformat(item["joined_on"]),
            born_on=date.fromisoformat(item["born_on"]) if item.get("born_on") else None,
            gender=item.get("gender") or "",
            ethnicity=item.get("ethnicity") or "",
            id_number=item.get("id_number") or "",
            card_number=item.get("card_number") or "",
            job=item.get("job") or "",
        ).cleaned()
        for name, limit in _LIMITS.items():
            if len(getattr(data, name)) > limit:
                preview.refuse(number, name, _("Dài quá %(limit)s ký tự.") % {"limit": limit})
        checked = data
        if data.id_number and not ID_NUMBER.match(data.id_number):
            # Said without the number itself: problems are kept after the list is gone.
            preview.refuse(number, "id_number", _("Số CCCD phải gồm đúng 12 chữ số."))
            checked = replace(data, id_number="")
        problems = record_problems(checked, today=today)
        for name, message in problems.items():
            preview.refuse(number, name, message)
        if "joined_on" not in problems and data.joined_on > last_day:
            message = _("Ngày vào công đoàn %(day)s sau tháng ghi sổ %(month)s.") % {
                "day": shown(data.joined_on),
                "month": preview.month,
            }
            preview.refuse(number, "joined_on", message)
        row = _Row(number, data, fold(data.full_name))
        _check_duplicates(row, seen, preview)
        if len(preview.problems) == before:
            good.append(row)
    return good


def _check_duplicates(row: _Row, seen: dict, preview: ListPreview) -> None:
    """The same ID number, card number, or name and birth date as a line above (two people with
    the same name and birth date but different ID numbers are two people)."""
    data = row.data
    keys = []
    if data.id_number:
        keys.append(("id", data.id_number))
    if data.card_number:
        keys.append(("card", card_key(data.card_number)))
    if data.born_on:
        keys.append(("person", row.name, data.born_on))
    elif not (data.id_number or data.card_number):
        keys.append(("name", row.name))
    for key in keys:
        first, first_id = seen.setdefault(key, (row.number, data.id_number))
        if first == row.number or (key[0] == "person" and first_id and data.id_number and first_id != data.id_number):
            continue
        column, message = {
            "id": ("id_number", _("Số CCCD trùng với dòng %(first)s.")),
            "card": ("card_number", _("Số thẻ đoàn viên trùng với dòng %(first)s.")),
            "person": ("full_name", _("Họ tên và ngày sinh trùng với dòng %(first)s.")),
            "name": (
                "full_name",
                _("Trùng họ tên với dòng %(first)s; cần ghi ngày sinh, số CCCD hoặc số thẻ để phân biệt."),
            ),
        }[key[0]]
        preview.refuse(row.number, column, message % {"first": first})
        return


def _chunks(items: list):
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


class _Register:
    """The members a list is matched with, read in a few queries: every member of the CĐCS, and
    whoever holds one of the list's ID numbers anywhere in the province."""

    def __init__(self, cdcs: GrassrootsUnion, rows: list[MemberData], *, lock: bool):
        self.cdcs = cdcs
        own = Member.objects.filter(cdcs=cdcs).order_by("pk")
        self.own = list(own.select_for_update() if lock else own)
        own_ids = {member.id_number for member in self.own if member.id_number}
        wanted = sorted({data.id_number for data in rows if data.id_number} - own_ids)
        self.checked = len(wanted)  # looked for in the whole province
        holders = []
        for chunk in _chunks(wanted):
            query = Member.objects.filter(id_number__in=chunk).select_related("cdcs").order_by()
            holders += query.select_for_update(of=("self",)) if lock else query
        self.by_id = {member.id_number: member for member in [*self.own, *holders] if member.id_number}
        self.by_card, self.by_name = {}, {}
        for member in self.own:
            if member.card_key:
                self.by_card.setdefault(member.card_key, []).append(member)
            self.by_name.setdefault(member.search_name.strip(), []).append(member)  # folded when saved


def _fits(member: Member, data: MemberData) -> bool:
    """Nothing in the record contradicts the line: no different ID number, card or birth date."""
    if member.card_key and data.card_number and member.card_key != card_key(data.card_number):
        return False
    return not any(
        getattr(member, name) and getattr(data, name) and getattr(member, name) != getattr(data, name)
        for name in ("id_number", "born_on")
    )


def _pick(candidates: list[Member], data: MemberData) -> tuple[Member | None, int]:
    """The one candidate that fits (an active one before those who left), or how many fit."""
    fits = [member for member in candidates if _fits(member, data)]
    if len(fits) > 1:
        fits = [member for member in fits if member.is_active] or fits
    return (fits[0], 1) if len(fits) == 1 else (None, len(fits))


def _match(rows: list[_Row], register: _Register, preview: ListPreview, scope: PeopleScope) -> None:
    """Each line to the record it is: by ID number anywhere (someone active in another CĐCS is
    refused), else by card number in the CĐCS, then, once those are taken, by name and birth date."""
    cdcs = register.cdcs
    claimed: dict[int, int] = {}  # member pk → line
    found: dict[int, Member | None] = {}
    later = []

    def claim(number: int, member: Member) -> None:
        if member.pk in claimed:
            message = _("Dòng này và dòng %(first)s cùng là một đoàn viên trong sổ.") % {"first": claimed[member.pk]}
            preview.refuse(number, "full_name", message)
            return
        claimed[member.pk] = number
        found[number] = member

    for row in rows:
        number, data = row.number, row.data
        holder = register.by_id.get(data.id_number) if data.id_number else None
        if holder is not None:
            if holder.cdcs_id != cdcs.pk and holder.is_active:
                preview.refuse_holder(number, holder, scope)
            else:
                claim(number, holder)
            continue
        candidates = register.by_card.get(card_key(data.card_number), []) if data.card_number else []
        if candidates:
            member, fitting = _pick(candidates, data)
            if member is not None:
                claim(number, member)
            elif fitting:
                message = _("Số thẻ đoàn viên này ghi cho %(n)s người trong sổ.") % {"n": fitting}
                preview.refuse(number, "card_number", message)
            else:
                message = _("Số thẻ đoàn viên này đã ghi cho một người khác trong sổ (khác số CCCD hoặc ngày sinh).")
                preview.refuse(number, "card_number", message)
            continue
        later.append(row)
    for row in later:
        number, data = row.number, row.data
        candidates = [member for member in register.by_name.get(row.name, []) if member.pk not in claimed]
        member, fitting = None, 0
        if data.born_on:
            member, fitting = _pick([m for m in candidates if m.born_on == data.born_on], data)
            if member is None and not fitting:
                member, fitting = _pick([m for m in candidates if m.born_on is None], data)
        else:
            member, fitting = _pick(candidates, data)
        if member is not None:
            claim(number, member)
        elif fitting:
            message = _(
                "Có %(n)s đoàn viên cùng họ tên trong sổ; cần ghi ngày sinh, số CCCD hoặc số thẻ để phân biệt."
            ) % {"n": fitting}
            preview.refuse(number, "full_name", message)
        else:
            found.setdefault(number, None)
    problem_rows = {problem.row for problem in preview.problems}
    for row in rows:
        if row.number in found and row.number not in problem_rows:
            line = _line(row.number, row.data, found[row.number], preview, scope)
            if line is not None:
                preview.lines.append(line)


def _line(
    number: int, data: MemberData, member: Member | None, preview: ListPreview, scope: PeopleScope
) -> Line | None:
    cdcs = preview.cdcs
    if member is not None and not scope.reads(member):
        # Someone who left a CĐCS the user may not read: their record is taken up again (an ID
        # number is one person), with what the line says and nothing that was saved.
        line = Line(number, data, member, known=False)
    elif member is not None:
        saved = {name: getattr(member, name) for name in RECORD_FIELDS}
        data = MemberData(**{name: getattr(data, name) or saved[name] for name in RECORD_FIELDS})
        if card_key(data.card_number) == member.card_key:
            data.card_number = saved["card_number"]  # "tn1234" for TN0001234 is no change
        changed = [name for name in RECORD_FIELDS if getattr(data, name) != saved[name]]
        line = Line(number, data, member, changed=changed, before={name: saved[name] for name in changed})
        if member.is_active and member.cdcs_id == cdcs.pk:
            return line
    else:
        line = Line(number, data)
    start = preview.register_from
    joined = data.joined_on
    if joined >= preview.month.first_day or (not preview.register_starts and joined >= start.first_day):
        line.event, line.on = MemberEvent.Kind.ADMITTED, joined
    else:
        line.event, line.on = existing_member_event(cdcs, start)
    if line.on < cdcs.founded_on:
        message = _("%(cdcs)s thành lập ngày %(founded)s, sau ngày vào công đoàn %(day)s.") % {
            "cdcs": cdcs.name,
            "founded": shown(cdcs.founded_on),
            "day": shown(line.on),
        }
        preview.refuse(number, "joined_on", message)
        return None
    if cdcs.dissolved_on and line.on > cdcs.dissolved_on:
        message = _("%(cdcs)s đã giải thể ngày %(day)s.") % {"cdcs": cdcs.name, "day": shown(cdcs.dissolved_on)}
        preview.refuse(number, "joined_on", message)
        return None
    return line


def _check_histories(preview: ListPreview, scope: PeopleScope) -> None:
    """Lines that touch a record with a history: someone re-admitted enters after their last event;
    a new date of joining is not after the member's first event, nor moves an admission (that is
    done on the member's page, which moves the event with it)."""
    readmitted = [line for line in preview.lines if line.returns]
    redated = [line for line in preview.lines if not line.event and "joined_on" in line.changed]
    pks = sorted({line.member.pk for line in [*readmitted, *redated]})
    if not pks:
        return
    stats = {}
    for chunk in _chunks(pks):
        rows = (
            MemberEvent.objects.filter(member_id__in=chunk)
            .values("member_id")
            .annotate(
                first=Min("on"),
                last=Max("on"),
                admitted=Count("pk", filter=Q(kind=MemberEvent.Kind.ADMITTED, cdcs=preview.cdcs)),
            )
            .order_by()
        )
        stats.update({row["member_id"]: row for row in rows})
    dropped = set()
    for line in readmitted:
        last = stats.get(line.member.pk, {}).get("last")
        if last and line.on < last and not line.known:
            preview.refuse_holder(line.row, line.member, scope)
            dropped.add(line.row)
        elif last and line.on < last:
            message = _(
                "Người này đã có trong sổ đoàn viên, biến động gần nhất ngày %(last)s: không ghi vào CĐCS từ "
                "ngày %(day)s trước đó được."
            ) % {"last": shown(last), "day": shown(line.on)}
            preview.refuse(line.row, "joined_on", message)
            dropped.add(line.row)
    for line in redated:
        row = stats.get(line.member.pk, {})
        if row.get("admitted"):
            message = _(
                "Ngày vào công đoàn khác ngày kết nạp đã ghi trong sổ (%(day)s); hãy sửa ở hồ sơ đoàn viên."
            ) % {"day": shown(line.before["joined_on"])}
        elif row.get("first") and line.data.joined_on > row["first"]:
            message = _("Ngày vào công đoàn không được sau ngày người này vào sổ (%(day)s).") % {
                "day": shown(row["first"])
            }
        else:
            continue
        preview.refuse(line.row, "joined_on", message)
        dropped.add(line.row)
    preview.lines = [line for line in preview.lines if line.row not in dropped]


# --- 3. import ---------------------------------------------------------------------------------


class ListRefused(ImportRefused):
    """The member list wrote nothing."""


class ListConflict(ListRefused):
    """The register changed after the preview the user confirmed: the plan is not the same."""


class ListNeedsConfirmation(ListRefused):
    """Lines count in an approved month, and the user did not say that they mean it."""


def list_import(
    *,
    members: MemberList,
    cdcs: GrassrootsUnion,
    month: Month,
    user,
    plan: str | None,
    source: str = Source.UPLOAD,
    file_name: str = "",
    upload: MemberListUpload | None = None,
    confirm_month: bool = False,
) -> ListPreview:
    """Write the list, or nothing (ListRefused). `plan` is the fingerprint of the preview the user
    confirmed: if the register changed since so that the import would write something else, it
    is refused (ListConflict) for them to look again. None: no preview to hold it to. Lines that
    count in an approved month are written only with confirm_month (else ListNeedsConfirmation)."""
    if user is not None and not may_import(user, cdcs):
        raise PermissionDenied(_("Bạn không có quyền ghi sổ đoàn viên của %(cdcs)s.") % {"cdcs": cdcs})
    try:
        with transaction.atomic():
            cdcs = GrassrootsUnion.objects.select_for_update().get(pk=cdcs.pk)
            preview = list_preview(members, cdcs=cdcs, month=month, user=user, lock=True)
            if preview.problems:
                raise ListRefused(preview.problems)
            if plan is not None and preview.plan != plan:
                message = _(
                    "Sổ đoàn viên của %(cdcs)s đã thay đổi sau khi bạn xem trước. Chưa ghi gì: hãy xem lại bản "
                    "xem trước (đã cập nhật theo sổ mới) rồi xác nhận lần nữa."
                ) % {"cdcs": cdcs}
                raise ListConflict([Problem("", None, "", message)], preview.plan)
            if preview.approved and not confirm_month:
                raise ListNeedsConfirmation([Problem("", None, "", approved_lines_message(preview))])
            entries = [
                ListEntry(data=line.data, member=line.member, event=line.event, on=line.on, changed=tuple(line.changed))
                for line in preview.lines
                if line.writes
            ]
            if not entries:
                return preview
            members_import(cdcs=cdcs, month=month, entries=entries, user=user, source=source)
            audit_log(
                user,
                "member_list.import",
                cdcs,
                source=source,
                federation=federation_of(cdcs, month) or current_federation(cdcs),
                month=month,
                file=file_name,
                upload=upload.pk if upload else None,
                admitted=len(preview.admitted) + len(preview.admitted_before),
                opening=len(preview.opening),
                transferred_in=len(preview.arrived),
                readmitted=len(preview.readmitted),
                updated=len(preview.updated),
            )
    except IntegrityError:
        # Someone saved one of the list's ID numbers between our reading and our writing.
        message = _("Sổ đoàn viên vừa được người khác thay đổi cùng lúc; chưa ghi gì. Hãy xác nhận lại.")
        raise ListRefused([Problem("", None, "", message)]) from None
    except ListRefused:
        raise
    except ValidationError as error:
        raise ListRefused([Problem("", None, "", message) for message in error.messages]) from None
    return preview


# --- the upload record -------------------------------------------------------------------------


def list_check(
    members: MemberList, *, cdcs: GrassrootsUnion, month: Month, user, source: str = Source.UPLOAD
) -> ListPreview:
    """The preview of a list as its uploader first sees it: its look-ups in the province's register
    audited and counted against the user's daily limit (members.services.lookups); past that
    limit, a preview that answers nothing but why."""
    preview = list_preview(members, cdcs=cdcs, month=month, user=user)
    refusal = lookup_record(
        user=user,
        cdcs=cdcs,
        federation=current_federation(cdcs),
        checked=preview.checked,
        found_elsewhere=preview.found_elsewhere,
        source=source,
        always=True,
    )
    if refusal:
        preview = ListPreview(cdcs=cdcs, month=month, sheet=members.sheet)
        preview.refuse(None, "", refusal)
    return preview


def list_receive(
    *, data: bytes, file_name: str, cdcs: GrassrootsUnion, month: Month, user, source: str = Source.UPLOAD
) -> tuple[MemberListUpload, MemberList, ListPreview]:
    """Read and check a list (list_check) and keep what was read (not the file) with whether it
    can be imported. Returns (upload, members, preview)."""
    members = list_read(data)
    preview = list_check(members, cdcs=cdcs, month=month, user=user, source=source)
    refused = bool(preview.problems)
    upload = MemberListUpload.objects.create(
        cdcs=cdcs,
        month=month.first_day,
        uploaded_by=user if user is not None and user.is_authenticated else None,
        file_name=(file_name or "danh-sach.xlsx")[-255:],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        outcome=MemberListUpload.Outcome.REFUSED if refused else MemberListUpload.Outcome.PREVIEW,
        problems=[vars(problem) for problem in preview.problems],
        parsed={} if refused else {**members.as_json(), "plan": preview.plan},
    )
    return upload, members, preview


def list_finish(
    upload: MemberListUpload, *, user, imported: ListPreview | None = None, refused: ListRefused | None = None
) -> None:
    """Note what became of an upload (imported, refused or, with neither, discarded) and forget
    what was read from it."""
    if imported is not None:
        upload.outcome = MemberListUpload.Outcome.IMPORTED
        upload.rows_created = sum(1 for line in imported.lines if line.event)
        upload.rows_updated = len(imported.updated)
    elif refused is not None:
        upload.outcome, upload.problems = MemberListUpload.Outcome.REFUSED, [vars(p) for p in refused.problems]
    else:
        upload.outcome = MemberListUpload.Outcome.DISCARDED
    upload.parsed = {}
    upload.finished_by = user if user is not None and user.is_authenticated else None
    upload.finished_at = timezone.now()
    upload.save(
        update_fields=["outcome", "rows_created", "rows_updated", "problems", "parsed", "finished_by", "finished_at"]
    )
