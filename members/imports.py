"""What happens when a federation-month sheet is uploaded (tải tệp Excel lên), in three steps:

1. `sheet_read(data)`: the bytes are checked before any parser opens them (unionportal.lib.xlsx:
   size, kind, zip bomb; the workbook part through defusedxml), then read with python-calamine
   (16 times faster than openpyxl here, see bench/import_speed.py) into plain values, tolerant
   of how people fill sheets ("1.234", "1,234", " 12 ", numbers as text, blank rows, reordered
   headers) and strict where it matters (negative or fractional
   numbers, formulas without a value, duplicate rows), with sheet, row and column on every problem.
2. `sheet_preview(sheet, federation=…, month=…, user=…)`: what the file would change, per CĐCS
   old → new and in total, and every problem, each naming its sheet, row, cell (F12) and CĐCS
   (unknown or inactive CĐCS, broken stock identity, another federation's or month's sheet, a
   locked month, missing rights, a cell someone else changed since the template was downloaded).
   The services write it all and the rows are read back, in a transaction that is rolled back:
   the preview's checks are the import's, and its changes are what the import writes.
3. `sheet_import(...)`: in one transaction, checks that nobody saved the month since the
   preview and writes through the services (cdcs_found, cdcs_dissolve, figures_record_many),
   audited with source "upload"; everything or nothing.

The web upload (members.views.uploads) and `manage.py import_month` both use these."""

import dataclasses
import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

from defusedxml import DefusedXmlException, ElementTree
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter
from python_calamine import CalamineWorkbook, PasswordError

from unionportal.lib.formatting import count
from unionportal.lib.months import Month
from unionportal.lib.xlsx import UnsafeFile, check_xlsx, worksheet_parts

from .access import can_write, cdcs_visible_to
from .audit import audit_log
from .figures.exports import (
    BASE_KEYS,
    BASE_SHEET,
    BASE_VERSION_LABEL,
    DISSOLVED_COLUMNS,
    DISSOLVED_SHEET,
    FOUNDED_COLUMNS,
    FOUNDED_SHEET,
    MONTH_COLUMNS,
    MONTH_LABEL,
    MONTH_SHEET,
    ORG_CODE_LABEL,
    Column,
    column_header,
)
from .figures.grid import FLOW_COLUMNS, GridRow, column_label, grid_read, return_read
from .figures.locks import locked_message
from .figures.services import FigureEntry, RowErrors, figures_record_many
from .figures.summary import summary_batch
from .figures.workflow import return_for_update
from .models import (
    LOSS_FIELDS,
    STOCK_MAX,
    GrassrootsUnion,
    LossReason,
    MonthlyFigure,
    Organisation,
    Sector,
    Upload,
    ceiling_of,
)
from .services.common import Source, who_and_when
from .services.org import cdcs_dissolve, cdcs_found

FIGURE_KEYS = ("members_start", *FLOW_COLUMNS, "members_end", "workers")
DISSOLVED_FIELD = LOSS_FIELDS[LossReason.CDCS_DISSOLVED]


@dataclass
class Problem:
    sheet: str
    row: int | None
    column: str  # the column's header
    message: str
    cell: str = ""  # "F12", where one cell is at fault
    cdcs: str = ""  # the code of the CĐCS on that row


@dataclass
class Sheet:
    """What was read from a workbook, as plain values (kept as JSON between preview and import)."""

    org_code: str | None = None
    month: str | None = None  # "YYYY-MM"
    rows: list[dict] = field(default_factory=list)  # {"row": 12, "code": "DT01", "values": {...}}
    founded: list[dict] = field(default_factory=list)
    dissolved: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    columns: dict[str, dict[str, str]] = field(default_factory=dict)  # sheet → {key: column letter}, e.g. "F"
    # What the template was filled from (exports.BASE_SHEET): {"org_code", "month", "version",
    # "rows": {code: {key: int | None}}}; {"unreadable": True} when
    # damaged; None when the file has none (typed from scratch, or a template older than it).
    base: dict | None = None

    def cell(self, sheet: str, key: str, row: int | None) -> str:
        letter = self.columns.get(sheet, {}).get(key)
        return f"{letter}{row}" if letter and row else ""

    def as_json(self) -> dict:
        return {key: value for key, value in asdict(self).items() if key != "problems"}

    @classmethod
    def from_json(cls, data: dict) -> "Sheet":
        return cls(**data)


# --- 1. reading ---------------------------------------------------------------------------------


def _normal(text) -> str:
    text = unicodedata.normalize("NFC", str(text or ""))
    return " ".join(text.replace("\u00a0", " ").split()).rstrip(":*").strip().casefold()


_GROUPED = re.compile(r"^[0-9]{1,3}([.,][0-9]{3})+$")
_DIGITS = re.compile(r"^[0-9]+$")  # ASCII only: "²".isdigit() is true, and int() refuses it


def parse_number(value, *, maximum: int = STOCK_MAX) -> int | None:
    """A cell as a whole number from 0 to `maximum`: 12, 12.0, "12", " 1.234 ", "1,234". Empty:
    None. ValueError with a Vietnamese message otherwise."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(_("phải là số, không phải đúng/sai"))
    if isinstance(value, datetime | date):
        raise ValueError(_("phải là số, không phải ngày tháng"))
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(_("phải là số nguyên, không có phần thập phân"))
        value = int(value)
    if isinstance(value, int):
        number = value
    else:
        text = str(value).replace("\u00a0", "").replace(" ", "").strip()
        if not text:
            return None
        if text.startswith("-"):
            raise ValueError(_("không được âm"))
        if _DIGITS.match(text) or _GROUPED.match(text):
            digits = text.replace(".", "").replace(",", "")
            # Python refuses to convert more than 4,300 digits (with an English message).
            number = int(digits) if len(digits) <= 18 else maximum + 1
        else:
            shown = str(value).strip()[:20]
            raise ValueError(_("“%(text)s” không phải số nguyên (ví dụ 12 hoặc 1.234)") % {"text": shown})
    if number < 0:
        raise ValueError(_("không được âm"))
    if number > maximum:
        raise ValueError(_("quá lớn: tối đa %(max)s") % {"max": count(maximum)})
    return number


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFC", str(value)).replace("\u00a0", " ").strip()


def _day(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    for pattern in ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(_("“%(text)s” không phải ngày (dd/mm/yyyy)") % {"text": text[:20]})


def _month_of(value) -> Month | None:
    if isinstance(value, datetime | date):
        return Month.of(value)
    text = _text(value)
    match = re.match(r"^(\d{1,2})\s*[/.-]\s*(\d{4})$", text) or re.match(r"^(\d{4})-(\d{1,2})$", text)
    if not match:
        return None
    first, second = (int(part) for part in match.groups())
    month, year = (first, second) if first <= 12 and second > 12 else (second, first)
    return Month(year, month) if 1 <= month <= 12 else None


def sheet_read(data: bytes, *, max_bytes: int | None = None, max_rows: int | None = None) -> Sheet:
    """Read a workbook's bytes. Never raises for a bad file: its problems are in Sheet.problems."""
    sheet = Sheet()
    max_rows = settings.UPLOAD_MAX_ROWS if max_rows is None else max_rows
    workbook_read(data, sheet.problems, lambda workbook: _read_workbook(workbook, sheet, max_rows), max_bytes=max_bytes)
    return sheet


def workbook_read(data: bytes, problems: list[Problem], read, *, max_bytes: int | None = None) -> None:
    """Check an uploaded file's bytes (check_xlsx, then formulas without a saved value), open it
    with calamine and hand the workbook to `read`. Every reason the file cannot be read goes into
    `problems`; nothing is raised. members.member_lists reads member lists through it too."""
    try:
        check_xlsx(data, max_bytes=max_bytes)
        formulas = _formulas_without_value(data)
    except UnsafeFile as error:
        problems.append(Problem(error.sheet, None, error.cell, str(error)))
        return
    except DefusedXmlException:
        message = _("Tệp chứa khai báo XML không được phép (có thể là tệp độc hại), không nhận.")
        problems.append(Problem("", None, "", message))
        return
    except (ElementTree.ParseError, zipfile.BadZipFile, KeyError, ValueError):
        problems.append(Problem("", None, "", _("Tệp .xlsx bị hỏng, không đọc được.")))
        return
    if formulas:
        for sheet_name, reference in formulas[:20]:
            problems.append(
                Problem(
                    sheet_name,
                    None,
                    reference,
                    _(
                        "Ô %(cell)s có công thức nhưng chưa có giá trị tính sẵn. Hãy mở tệp trong Excel, "
                        "lưu lại rồi tải lên, hoặc thay công thức bằng số."
                    )
                    % {"cell": reference},
                    cell=reference,
                )
            )
        return
    try:
        read(CalamineWorkbook.from_filelike(io.BytesIO(data)))
    except PasswordError:
        problems.append(Problem("", None, "", _("Tệp được đặt mật khẩu. Hãy bỏ mật khẩu rồi tải lên lại.")))
    except Exception as error:  # calamine's errors for a damaged file are of several kinds
        message = _("Tệp .xlsx bị hỏng, không đọc được (%(error)s).") % {"error": type(error).__name__}
        problems.append(Problem("", None, "", message))


def _sheet_named(workbook, name: str):
    wanted = _normal(name)
    title = next((title for title in workbook.sheet_names if _normal(title) == wanted), None)
    return workbook.get_sheet_by_name(title) if title is not None else None


def _read_workbook(workbook, sheet: Sheet, max_rows: int) -> None:
    """calamine reads a sheet whole (in Rust, a few tens of bytes a cell; the file's size is
    capped) and hands rows over one at a time; it never expands XML entities, and a formula
    without a saved value comes out empty, hence the check before it opens the file."""
    month_sheet = _sheet_named(workbook, MONTH_SHEET) or workbook.get_sheet_by_index(0)
    rows = month_sheet.iter_rows()
    header = _read_title_and_header(rows, sheet, month_sheet.name)
    if header is None:
        return
    number, positions = header
    sheet.columns[MONTH_SHEET] = _letters(positions)
    sheet.rows = _read_rows(rows, number, positions, MONTH_COLUMNS, sheet, month_sheet.name, max_rows, _month_row)
    for name, columns, target, build in (
        (FOUNDED_SHEET, FOUNDED_COLUMNS, sheet.founded, _founded_row),
        (DISSOLVED_SHEET, DISSOLVED_COLUMNS, sheet.dissolved, _dissolved_row),
    ):
        worksheet = _sheet_named(workbook, name)
        if worksheet is None:
            continue
        rows = worksheet.iter_rows()
        found = _find_header(rows, columns)
        if found is not None:
            sheet.columns[name] = _letters(found[1])
            target.extend(_read_rows(rows, *found, columns, sheet, worksheet.name, max_rows, build))
    worksheet = _sheet_named(workbook, BASE_SHEET)
    if worksheet is not None:
        sheet.base = _read_base(worksheet.iter_rows(), max_rows)


def _letters(positions: dict[str, int]) -> dict[str, str]:
    return {key: get_column_letter(index + 1) for key, index in positions.items()}


def _read_base(rows, max_rows: int) -> dict:
    """The template's record of what it was filled from (exports._base_sheet); a record that
    does not read as one is unusable, never a reason to refuse the file."""
    try:
        title = [_text(value) for value in next(rows)]
        header = [_text(value) for value in next(rows)]
        if title[0] != ORG_CODE_LABEL or title[4] != BASE_VERSION_LABEL:
            raise ValueError(title)
        month = _month_of(title[3])
        keys = [(index, key) for index, key in enumerate(header) if key in BASE_KEYS]
        base = {"org_code": title[1], "month": month.iso, "version": parse_number(title[5]), "rows": {}}
        for number, values in enumerate(rows):
            if number >= max_rows:
                raise ValueError(number)
            code = _text(values[0])
            if code:
                base["rows"][code] = {
                    key: parse_number(values[index] if index < len(values) else None) for index, key in keys
                }
        return base
    except (StopIteration, IndexError, ValueError, AttributeError):
        return {"unreadable": True}


def _header_positions(values, columns: list[Column]) -> dict[str, int]:
    names = {}
    for column in columns:
        for alias in (column.header, *column.aliases, column.key):
            names.setdefault(_normal(alias), column.key)
    positions = {}
    for index, value in enumerate(values):
        key = names.get(_normal(value))
        if key and key not in positions:
            positions[key] = index
    return positions


def _find_header(rows, columns: list[Column], *, sheet: Sheet | None = None, within: int = 20):
    """Scan the first rows for the header (the row that names the CĐCS code column)."""
    for number, values in enumerate(rows, start=1):
        if number > within:
            return None
        positions = _header_positions(values, columns)
        if "code" in positions:
            return number, positions
        if sheet is not None:
            _title_value(values, sheet)
    return None


def _title_value(values, sheet: Sheet) -> None:
    cells = [value for value in values if value not in (None, "")]
    for label, value in zip(cells, cells[1:], strict=False):
        if _normal(label) == _normal(ORG_CODE_LABEL):
            sheet.org_code = _text(value)
        elif _normal(label) == _normal(MONTH_LABEL):
            month = _month_of(value)
            sheet.month = month.iso if month else _text(value)


def _read_title_and_header(rows, sheet: Sheet, title: str):
    found = _find_header(rows, MONTH_COLUMNS, sheet=sheet)
    if found is None:
        sheet.problems.append(
            Problem(title, None, "", _("Không thấy dòng tiêu đề có cột “Mã CĐCS”. Hãy dùng mẫu tải từ cổng thông tin."))
        )
        return None
    number, positions = found
    required = [column for column in MONTH_COLUMNS if column.key in FLOW_COLUMNS]
    missing = [column.header for column in required if column.key not in positions]
    if missing:
        sheet.problems.append(
            Problem(title, number, "", _("Thiếu cột: %(columns)s.") % {"columns": ", ".join(missing)})
        )
        return None
    if not sheet.org_code or not sheet.month:
        sheet.problems.append(
            Problem(
                title,
                None,
                "",
                _("Không thấy “%(org)s” và “%(month)s” ở đầu trang tính. Hãy dùng mẫu tải từ cổng thông tin.")
                % {"org": ORG_CODE_LABEL, "month": MONTH_LABEL},
            )
        )
    return number, positions


def _read_rows(rows, header_row, positions, columns, sheet: Sheet, title: str, max_rows: int, build) -> list[dict]:
    headers = {column.key: column.header for column in columns}
    read = []
    for number, values in enumerate(rows, start=header_row + 1):
        cells = {key: values[index] if index < len(values) else None for key, index in positions.items()}
        if all(_text(value) == "" for value in cells.values()):
            continue  # blank rows, wherever they are
        if len(read) >= max_rows:
            sheet.problems.append(
                Problem(title, number, "", _("Tệp có quá %(max)s dòng, không nhận.") % {"max": count(max_rows)})
            )
            break
        item = build(cells, number, headers, sheet, title)
        if item is not None:
            read.append(item)
    return read


def _needs_code(cells, number, sheet: Sheet, title: str, headers, where: str) -> str | None:
    code = _text(cells.get("code"))
    if not code:
        cell = sheet.cell(where, "code", number)
        sheet.problems.append(Problem(title, number, headers["code"], _("Thiếu mã CĐCS."), cell=cell))
        return None
    return code


def _cell_problem(sheet: Sheet, where: str, title: str, number: int, headers, key: str, error, code) -> None:
    cell = sheet.cell(where, key, number)
    sheet.problems.append(Problem(title, number, headers[key], f"{error}.", cell=cell, cdcs=code or ""))


def _month_row(cells, number, headers, sheet: Sheet, title: str) -> dict | None:
    code = _needs_code(cells, number, sheet, title, headers, MONTH_SHEET)
    values = {}
    for key in FIGURE_KEYS:
        if key not in cells:
            continue
        try:
            values[key] = parse_number(cells[key], maximum=ceiling_of(key))
        except ValueError as error:
            _cell_problem(sheet, MONTH_SHEET, title, number, headers, key, error, code)
    return {"row": number, "code": code, "values": values} if code else None


def _founded_row(cells, number, headers, sheet: Sheet, title: str) -> dict | None:
    code = _needs_code(cells, number, sheet, title, headers, FOUNDED_SHEET)
    item = {"row": number, "code": code}
    for key in ("name", "employer", "sector", "founding_decision"):
        item[key] = _text(cells.get(key))
    try:
        item["founded_on"] = _day(cells.get("founded_on")).isoformat()
    except ValueError as error:
        _cell_problem(sheet, FOUNDED_SHEET, title, number, headers, "founded_on", error, code)
    try:
        item["workers"] = parse_number(cells.get("workers")) or 0
    except ValueError as error:
        _cell_problem(sheet, FOUNDED_SHEET, title, number, headers, "workers", error, code)
    return item if code else None


def _dissolved_row(cells, number, headers, sheet: Sheet, title: str) -> dict | None:
    code = _needs_code(cells, number, sheet, title, headers, DISSOLVED_SHEET)
    item = {"row": number, "code": code, "reason": _text(cells.get("reason"))}
    try:
        item["dissolved_on"] = _day(cells.get("dissolved_on")).isoformat()
    except ValueError as error:
        _cell_problem(sheet, DISSOLVED_SHEET, title, number, headers, "dissolved_on", error, code)
    return item if code else None


_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_REFERENCE = re.compile(rb'\br="([A-Z]+\d+)"')
_VALUE = re.compile(rb"<(?:\w+:)?v>[^<]+</(?:\w+:)?v>")


def _formulas_without_value(data: bytes) -> list[tuple[str, str]]:
    """(sheet name, cell) of every formula whose result was never saved in the file: openpyxl,
    LibreOffice in some modes and scripts write formulas without computing them, and reading such
    a cell gives nothing, which must not pass for an empty (zero) cell."""
    found = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = worksheet_parts(archive)
        for path, name in names.items():
            with archive.open(path) as stream:
                tail = b""
                has_formula = False
                while chunk := stream.read(1 << 20):
                    if _FORMULA_TAG.search(tail + chunk):
                        has_formula = True
                        break
                    tail = chunk[-16:]
            if not has_formula:
                continue
            xml = archive.read(path)
            for match in _CELL.finditer(xml):
                body = match.group(2) or b""
                if _FORMULA_TAG.search(body) and not _VALUE.search(body):
                    reference = _REFERENCE.search(match.group(1))
                    found.append((name, reference.group(1).decode() if reference else "?"))
    return found


# --- 2. preview -------------------------------------------------------------------------------
#
# The preview and the import share everything: `_plan` reads the sheet against what is saved
# (every check that needs the sheet's cells, and the three-way comparison with what the template
# was filled from), `_write` hands the plan to the services (cdcs_found, cdcs_dissolve,
# figures_record_many: the rules that refuse a write live there, once), and `_settle` reads back
# what they wrote. The preview runs `_write` in a transaction that it rolls back, so a preview
# without problems is a confirmation that succeeds, and its changes are the rows as written.


@dataclass
class Change:
    """One CĐCS's figures of the month: what is saved and what the import writes."""

    cdcs: GrassrootsUnion
    row: int | None  # of the month sheet; None: only its dissolution writes it
    before: dict[str, int] | None  # None: no figures saved yet for the month
    after: dict[str, int]
    changed: list[str]  # the figures that differ
    new_cdcs: bool = False


@dataclass
class Kept:
    """A cell the file left as the template had it, where someone has saved another value since:
    the saved value stays."""

    cell: str
    code: str
    label: str
    shown: int | None  # in the template
    saved: int  # now, and after the import


@dataclass
class Preview:
    federation: Organisation
    month: Month
    version: int  # of the month's return, when previewed
    changes: list[Change] = field(default_factory=list)  # rows that change something, in file order
    unchanged: int = 0
    missing: list[GrassrootsUnion] = field(default_factory=list)  # active that month, not in the file
    founded: list[dict] = field(default_factory=list)
    dissolved: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # worth knowing before confirming; not in the way
    kept: list[Kept] = field(default_factory=list)
    totals_before: dict[str, int] = field(default_factory=dict)
    totals_after: dict[str, int] = field(default_factory=dict)
    # The plan: what _write gives the services, and what it starts from.
    entries: list[FigureEntry] = field(default_factory=list, repr=False)
    rows: dict[str, int] = field(default_factory=dict, repr=False)  # CĐCS code → its row in the month sheet
    unions: dict[str, GrassrootsUnion] = field(default_factory=dict, repr=False)  # code → CĐCS (unsaved: founded)
    saved: dict[str, dict[str, int]] = field(default_factory=dict, repr=False)  # code → its figures before
    columns: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)  # as Sheet.columns

    def refuse(self, sheet: str, row: int | None, column: str, message: str, *, cell: str = "", cdcs: str = ""):
        self.problems.append(Problem(sheet, row, column, message, cell=cell, cdcs=cdcs))

    def cell(self, sheet: str, key: str, row: int | None) -> str:
        letter = self.columns.get(sheet, {}).get(key)
        return f"{letter}{row}" if letter and row else ""

    @property
    def has_changes(self) -> bool:
        return bool(self.changes or self.founded or self.dissolved)

    @property
    def can_import(self) -> bool:
        return not self.problems and self.has_changes

    @property
    def totals(self) -> list[tuple[str, int, int]]:
        return [
            (column_label(key), self.totals_before.get(key, 0), self.totals_after.get(key, 0))
            for key in ("members_start", *FLOW_COLUMNS, "members_end")
        ]


def sheet_preview(sheet: Sheet, *, federation: Organisation, month: Month, user) -> Preview:
    """What importing `sheet` into the federation-month would change, and every reason it cannot.
    Writes nothing: the services run, and what they wrote is read back, in a transaction that is
    rolled back."""
    preview = _plan(sheet, federation=federation, month=month, user=user)
    if _blocked(preview) or not (preview.entries or preview.founded or preview.dissolved):
        return preview
    try:
        # Raising out of the batch skips the summary's refresh (derived data, never a reason to
        # refuse), and out of the transaction undoes every write.
        with transaction.atomic(), summary_batch():
            rows = _write(preview, user=user, source=Source.UPLOAD, dry_run=True)
            _settle(preview, unsaved=rows)
            raise _DryRun
    except _DryRun:
        pass
    except SheetRefused as refused:
        preview.problems.extend(refused.problems)
    return preview


class _DryRun(Exception):
    """Ends a preview's trial write."""


def _blocked(preview: Preview) -> bool:
    """Not this federation-month's sheet, unreadable, locked or not the user's to change: row
    checks would only add noise."""
    return any(problem.row is None and problem.column == "" and not problem.cdcs for problem in preview.problems)


def _plan(sheet: Sheet, *, federation: Organisation, month: Month, user) -> Preview:
    monthly_return = return_read(federation=federation, month=month)
    preview = Preview(federation=federation, month=month, version=monthly_return.version, columns=sheet.columns)
    preview.problems.extend(sheet.problems)
    if user is not None and not can_write(user, federation):
        preview.refuse("", None, "", _("Bạn không có quyền thay đổi số liệu của %(org)s.") % {"org": federation.name})
        return preview
    if monthly_return.is_locked:
        preview.refuse("", None, "", locked_message(monthly_return))
    _check_identity(sheet, preview)
    if _blocked(preview):
        return preview

    grid = grid_read(federation=federation, month=month, warnings=False)
    by_code = {row.cdcs.code: row for row in grid.rows}
    folded = {code.casefold(): row for code, row in by_code.items()}
    preview.unions = {code: row.cdcs for code, row in by_code.items()}
    preview.saved = _month_rows(federation, month)
    base = _base_rows(sheet, preview, monthly_return)
    founded = _preview_founded(sheet, preview)
    preview.unions.update(founded)
    dissolving = _preview_dissolved(sheet, preview, by_code, folded)
    others = _other_cdcs(sheet, by_code, folded, user)
    seen: dict[str, int] = {}
    for item in sheet.rows:
        code, number = item["code"], item["row"]
        row = by_code.get(code) or folded.get(code.casefold())
        key = row.cdcs.code if row else code
        code_cell = preview.cell(MONTH_SHEET, "code", number)
        if key in seen:
            message = _("CĐCS %(code)s trùng với dòng %(first)s.") % {"code": code, "first": seen[key]}
            preview.refuse(MONTH_SHEET, number, "Mã CĐCS", message, cell=code_cell, cdcs=code)
            continue
        seen[key] = number
        if row is None and code in founded:
            row = GridRow(cdcs=founded[code], month=month, previous_end=None, figure=None)
        if row is None:
            message = _unknown(code, others, federation, month)
            preview.refuse(MONTH_SHEET, number, "Mã CĐCS", message, cell=code_cell, cdcs=code)
            continue
        dissolves = row.cdcs.code in dissolving or _dissolved_in(row, month)
        change = _plan_row(row, item, preview, base, dissolving=dissolves)
        if change is None:
            continue
        preview.rows[row.cdcs.code] = number
        change.new_cdcs = code in founded
        if change.changed:
            preview.changes.append(change)
        else:
            preview.unchanged += 1
    preview.missing = [row.cdcs for row in grid.rows if row.cdcs.code not in seen]
    _notes(preview, sheet, listed=set(seen))
    _totals(preview, {change.cdcs.code: change.after for change in preview.changes})
    return preview


def _notes(preview: Preview, sheet: Sheet, *, listed: set[str]) -> None:
    """What the user should know before confirming, though nothing is wrong."""
    for item in preview.founded:
        if item["code"] not in listed:
            preview.notes.append(
                _(
                    "CĐCS %(code)s (trang “%(founded)s”, dòng %(row)s) chưa có dòng số liệu ở trang “%(sheet)s”: "
                    "CĐCS sẽ được thành lập nhưng tháng %(month)s chưa có số liệu của nó (cần có trước khi gửi "
                    "báo cáo). Nếu đã có đoàn viên, hãy ghi vào một dòng trống cuối trang “%(sheet)s”."
                )
                % {
                    "code": item["code"],
                    "founded": FOUNDED_SHEET,
                    "row": item["row"],
                    "sheet": MONTH_SHEET,
                    "month": preview.month,
                }
            )
    if sheet.base is None and any(change.before for change in preview.changes):
        preview.notes.append(
            _(
                "Tệp không có phần ghi nhớ số liệu lúc tải mẫu (tệp tự lập, hoặc mẫu tải trước khi cổng có phần "
                "này): mỗi ô số liệu trong tệp sẽ thay số đang lưu, kể cả số người khác lưu sau khi bạn lập tệp. "
                "Hãy xem kỹ các thay đổi bên dưới, hoặc tải mẫu mới."
            )
        )


def _check_identity(sheet: Sheet, preview: Preview) -> None:
    """The sheet must be this federation's and this month's."""
    if sheet.org_code and sheet.org_code.casefold() != preview.federation.code.casefold():
        message = _("Tệp này là báo cáo của đơn vị mã %(code)s, không phải của %(org)s (mã %(own)s).") % {
            "code": sheet.org_code,
            "org": preview.federation.name,
            "own": preview.federation.code,
        }
        preview.refuse(MONTH_SHEET, None, "", message)
    if sheet.month and sheet.month != preview.month.iso:
        try:
            month = Month.parse(sheet.month)
        except ValueError:  # "2021-13" or any text: said as the file has it
            month = sheet.month
        message = _("Tệp này là báo cáo tháng %(file)s, không phải tháng %(month)s.") % {
            "file": month,
            "month": preview.month,
        }
        preview.refuse(MONTH_SHEET, None, "", message)


def _dissolved_in(row: GridRow, month: Month) -> bool:
    return bool(row.cdcs.dissolved_on and Month.of(row.cdcs.dissolved_on) == month)


def _month_rows(federation: Organisation, month: Month) -> dict[str, dict[str, int]]:
    """The federation-month's figures as saved: CĐCS code → {figure: value}."""
    rows = MonthlyFigure.objects.filter(federation=federation, month=month.first_day).values("cdcs__code", *FIGURE_KEYS)
    return {row.pop("cdcs__code"): row for row in rows}


def _base_rows(sheet: Sheet, preview: Preview, monthly_return) -> dict[str, dict] | None:
    """What the template was filled from, by CĐCS code (None: the file does not say)."""
    base = sheet.base
    if not base:
        return None
    if base.get("unreadable"):
        preview.notes.append(
            _(
                "Phần ghi nhớ số liệu lúc tải mẫu của tệp bị hỏng, nên không dùng được: mỗi ô số liệu trong tệp "
                "sẽ thay số đang lưu. Hãy xem kỹ các thay đổi bên dưới, hoặc tải mẫu mới."
            )
        )
        return None
    if base["org_code"].casefold() != preview.federation.code.casefold() or base["month"] != preview.month.iso:
        preview.notes.append(
            _(
                "Phần ghi nhớ số liệu lúc tải mẫu của tệp là của đơn vị hoặc tháng khác, nên không dùng được: "
                "mỗi ô số liệu trong tệp sẽ thay số đang lưu. Hãy xem kỹ các thay đổi bên dưới, hoặc tải mẫu mới."
            )
        )
        return None
    if base["version"] != preview.version:
        preview.notes.append(
            _(
                "Số liệu tháng %(month)s đã được lưu lại sau khi mẫu này được tải (lần cuối: %(who)s lúc %(when)s). "
                "Ô bạn để nguyên giữ số đang lưu; ô bạn sửa được ghi; ô mà cả hai cùng sửa thành hai số khác "
                "nhau thì được nêu là lỗi để thống nhất."
            )
            % {"month": preview.month, **who_and_when(monthly_return.changed_by, monthly_return.changed_at)}
        )
    return base["rows"]


_ABSENT = object()  # a column the file does not have


def _effective(key: str, value, saved_value):
    """What a cell means: an empty flow is 0; an empty workers or opening stock keeps what is saved."""
    if value is not None:
        return value
    return 0 if key in FLOW_COLUMNS else saved_value


def _plan_row(row: GridRow, item: dict, preview: Preview, base: dict | None, *, dissolving: bool) -> Change | None:
    """One CĐCS's row of the month sheet: the entry for figures_record_many (preview.entries) and
    the change it makes as planned (the preview replaces it by what the services wrote)."""
    number, code, typed = item["row"], row.cdcs.code, item["values"]
    figure = row.figure
    base_row = base.get(code) if base is not None else None
    problems_before = len(preview.problems)
    values = {}
    for key in BASE_KEYS:
        if key == "members_start" and not row.needs_opening:
            continue
        values[key] = _merge_cell(key, typed.get(key, _ABSENT), figure, base, base_row, preview, number, code)
    members_start = values.get("members_start")
    if not row.needs_opening:
        # The carried stock: only a cell changed from what the template showed is checked against it.
        start_typed = typed.get("members_start")
        shown = base_row.get("members_start") if base_row else _ABSENT
        members_start = None if start_typed == shown else start_typed
    if len(preview.problems) > problems_before:
        return None

    flows = {key: values[key] for key in FLOW_COLUMNS}
    start = row.start if not row.needs_opening else values["members_start"]
    if dissolving and not flows[DISSOLVED_FIELD] and start is not None:
        # The members it still has leave with it, as cdcs_dissolve would record them.
        remaining = start + flows["admitted"] + flows["transferred_in"] - sum(flows[f] for f in LOSS_FIELDS.values())
        flows[DISSOLVED_FIELD] = max(remaining, 0)
    members_end = typed.get("members_end")
    entry = FigureEntry(
        cdcs=row.cdcs,
        admitted=flows["admitted"],
        transferred_in=flows["transferred_in"],
        lost={reason: flows[field] for reason, field in LOSS_FIELDS.items()},
        members_end=members_end,
        members_start=members_start,
        workers=values["workers"],
    )
    start = start if start is not None else 0
    end = start + flows["admitted"] + flows["transferred_in"] - sum(flows[f] for f in LOSS_FIELDS.values())
    workers = values["workers"]
    if workers is None:
        workers = figure.workers if figure else (row.values.get("workers") or 0)
    after = {"members_start": start, **flows, "members_end": end, "workers": workers}
    before = {key: getattr(figure, key) for key in after} if figure else None
    changed = [key for key in after if before is None or after[key] != before[key]]
    checks = (members_start is not None and members_start != start) or (members_end not in (None, end))
    if changed or checks:
        preview.entries.append(entry)  # a typed start or end that does not add up is the services' to refuse
    return Change(row.cdcs, number, before, after, changed)


def _merge_cell(key: str, typed, figure, base: dict | None, base_row, preview: Preview, number: int, code: str):
    """One cell, three ways: `typed` in the file, what the template showed (`base_row`, when the
    file has what its template was filled from), and what is saved now (`figure`, None: nothing).
    A cell left as the template showed it keeps what is saved now (someone may have saved since);
    a changed cell is written, unless someone else changed the saved value too and differently:
    then it is a problem naming both values, and nothing is written."""
    now = getattr(figure, key) if figure is not None else None
    if typed is _ABSENT:  # the file has no such column
        return _effective(key, None, now)
    value = _effective(key, typed, now)
    if base is None or figure is None:  # a sheet typed from scratch, or nothing saved to keep
        return value
    if base_row is not None:
        shown = base_row.get(key)
        filled_from = 0 if shown is None and key in FLOW_COLUMNS else shown  # an empty cell of the template
        if typed == shown:
            if now != filled_from:
                label = column_label(key)
                preview.kept.append(Kept(preview.cell(MONTH_SHEET, key, number), code, label, shown, now))
            return now
        if now == filled_from:
            return value  # nobody else changed it
    if value == now:
        return value  # both made the same change
    cell = preview.cell(MONTH_SHEET, key, number)
    shown = base_row.get(key) if base_row is not None else None
    message = _(
        "Tệp ghi %(typed)s, nhưng %(who)s đã lưu %(saved)s lúc %(when)s, sau khi mẫu này được tải "
        "(khi tải mẫu là %(shown)s). Chưa ghi gì: muốn giữ số đã lưu thì sửa ô %(cell)s thành %(saved)s; "
        "muốn ghi số của tệp thì tải mẫu mới, điền lại rồi tải lên."
    ) % {
        "typed": count(typed) if typed is not None else _("ô trống"),
        "saved": count(now),
        "shown": count(shown) if shown is not None else _("ô trống"),
        "cell": cell or column_label(key),
        **who_and_when(figure.updated_by, figure.updated_at),
    }
    preview.refuse(MONTH_SHEET, number, column_header(key), message, cell=cell, cdcs=code)
    return now


def _other_cdcs(sheet: Sheet, by_code, folded, user) -> dict[str, GrassrootsUnion | None]:
    """The CĐCS named in the sheet that are not this federation-month's (to say why); None for
    those the user may not see (another federation's), which are not named."""
    codes = {item["code"] for item in sheet.rows if item["code"] not in by_code}
    codes = {code for code in codes if code.casefold() not in folded}
    if not codes:
        return {}
    found = {cdcs.code: cdcs for cdcs in GrassrootsUnion.objects.filter(code__in=codes)}
    visible = (
        set(found) if user is None else set(cdcs_visible_to(user).filter(code__in=codes).values_list("code", flat=True))
    )
    return {code: cdcs if code in visible else None for code, cdcs in found.items()}


def _unknown(code: str, others: dict, federation: Organisation, month: Month) -> str:
    if code not in others:
        return _("Không có CĐCS mã “%(code)s” (CĐCS mới thành lập thì khai ở trang “%(sheet)s”).") % {
            "code": code,
            "sheet": FOUNDED_SHEET,
        }
    cdcs = others[code]
    if cdcs is None:  # another federation's: neither its name nor whether it is active
        return _("CĐCS mã “%(code)s” không trực thuộc %(org)s trong tháng %(month)s.") % {
            "code": code,
            "org": federation.name,
            "month": month,
        }
    if not cdcs.is_active_in(month):
        return _("%(cdcs)s không hoạt động trong tháng %(month)s.") % {"cdcs": cdcs, "month": month}
    return _("%(cdcs)s không trực thuộc %(org)s trong tháng %(month)s.") % {
        "cdcs": cdcs,
        "org": federation.name,
        "month": month,
    }


def _preview_founded(sheet: Sheet, preview: Preview) -> dict[str, GrassrootsUnion]:
    """Check the "CĐCS thành lập" rows; returns code → the CĐCS it would create (unsaved)."""
    month, federation = preview.month, preview.federation
    existing = {
        cdcs.code: cdcs
        for cdcs in GrassrootsUnion.objects.filter(
            code__in=[item["code"] for item in sheet.founded]
        ).with_federation_at(month)
    }
    sectors = {_normal(label): value for value, label in Sector.choices} | {value: value for value in Sector.values}
    founded, seen = {}, set()
    for item in sheet.founded:
        code, number = item["code"], item["row"]

        def problem(key, message, number=number, code=code):
            cell = preview.cell(FOUNDED_SHEET, key, number)
            preview.refuse(FOUNDED_SHEET, number, _field_header(FOUNDED_COLUMNS, key), message, cell=cell, cdcs=code)

        if code.casefold() in seen:  # "dt50" below "DT50" too: codes differ in more than case
            problem("code", _("CĐCS %(code)s khai hai lần.") % {"code": code})
            continue
        seen.add(code.casefold())
        if "founded_on" not in item:
            continue
        founded_on = date.fromisoformat(item["founded_on"])
        cdcs = existing.get(code)
        if cdcs is not None:
            if cdcs.federation_at_id == federation.pk and cdcs.founded_on == founded_on:
                continue  # founded already, by this same sheet uploaded before
            problem("code", _("Mã %(code)s đã có: %(cdcs)s.") % {"code": code, "cdcs": cdcs})
            continue
        if Month.of(founded_on) != month:
            problem("founded_on", _("Ngày thành lập phải trong tháng %(month)s.") % {"month": month})
            continue
        sector = sectors.get(_normal(item["sector"]))
        if sector is None:
            problem("sector", _("Khu vực “%(text)s” không có trong danh sách.") % {"text": item["sector"]})
            continue
        cdcs = GrassrootsUnion(
            code=code,
            name=item["name"],
            employer=item["employer"] or item["name"],
            sector=sector,
            workers=item.get("workers") or 0,
            founded_on=founded_on,
            founding_decision=item["founding_decision"],
        )
        try:
            cdcs.full_clean(validate_unique=False)
        except ValidationError as error:
            for column, messages in error.message_dict.items():
                problem(column, " ".join(messages))
            continue
        preview.founded.append(item | {"sector": sector})
        founded[code] = cdcs
    return founded


def _preview_dissolved(sheet: Sheet, preview: Preview, by_code, folded) -> set[str]:
    """Check the "CĐCS giải thể" rows; returns the codes that would be dissolved this month."""
    dissolving, month = set(), preview.month
    for item in sheet.dissolved:
        number = item["row"]
        row = by_code.get(item["code"]) or folded.get(item["code"].casefold())

        def problem(key, message, number=number, code=item["code"]):
            cell = preview.cell(DISSOLVED_SHEET, key, number)
            header = _field_header(DISSOLVED_COLUMNS, key)
            preview.refuse(DISSOLVED_SHEET, number, header, message, cell=cell, cdcs=code)

        if "dissolved_on" not in item:
            continue
        on = date.fromisoformat(item["dissolved_on"])
        if row is None:
            message = _("Không có CĐCS mã “%(code)s” trong %(org)s tháng %(month)s.") % {
                "code": item["code"],
                "org": preview.federation.name,
                "month": month,
            }
            problem("code", message)
            continue
        if row.cdcs.dissolved_on == on:
            dissolving.add(row.cdcs.code)
            continue  # dissolved already, by this same sheet uploaded before
        if row.cdcs.dissolved_on:
            problem("code", _("%(cdcs)s đã giải thể.") % {"cdcs": row.cdcs})
        elif Month.of(on) != month:
            problem("dissolved_on", _("Ngày giải thể phải trong tháng %(month)s.") % {"month": month})
        elif not item["reason"]:
            problem("reason", _("Cần ghi lý do giải thể."))
        else:
            dissolving.add(row.cdcs.code)
            preview.dissolved.append(item | {"code": row.cdcs.code, "name": row.cdcs.name})
    return dissolving


def _field_header(columns: list[Column], key: str) -> str:
    return next((column.header for column in columns if column.key == key), "")


def _totals(preview: Preview, after: dict[str, dict[str, int]]) -> None:
    """The month's totals as saved and as they would be: `after` has the rows that change."""
    keys = ("members_start", *FLOW_COLUMNS, "members_end")
    before = dict.fromkeys(keys, 0)
    totals = dict.fromkeys(keys, 0)
    for code, values in {**preview.saved, **after}.items():
        for key in keys:
            before[key] += preview.saved.get(code, {}).get(key, 0)
            totals[key] += values[key]
    preview.totals_before, preview.totals_after = before, totals


def _settle(preview: Preview, *, unsaved: list[MonthlyFigure] = ()) -> None:
    """After _write, inside its transaction: the changes are the federation-month's rows as the
    services wrote them (a dissolution's close-out included), or as a dry run returned them
    (`unsaved`), against what was saved before."""
    written = _month_rows(preview.federation, preview.month)
    written.update({row.cdcs.code: {key: getattr(row, key) for key in FIGURE_KEYS} for row in unsaved})
    founded = {item["code"] for item in preview.founded}
    changes = []
    for code, after in written.items():
        before = preview.saved.get(code)
        if before == after:
            continue
        changed = [key for key in after if before is None or before[key] != after[key]]
        cdcs = preview.unions.get(code) or GrassrootsUnion.objects.get(code=code)
        changes.append(Change(cdcs, preview.rows.get(code), before, after, changed, code in founded))
    changes.sort(key=lambda change: (change.row is None, change.row or 0))
    preview.changes = changes
    preview.unchanged = sum(1 for code in preview.rows if written.get(code) == preview.saved.get(code))
    _totals(preview, written)


# --- 3. import --------------------------------------------------------------------------------


class ImportRefused(ValidationError):
    """An import (a month's sheet, a member list, an enterprise list, a self-assessment sheet) wrote
    nothing; `problems` says why (with sheet, row and column where known). When what the import
    would write is no longer what the user confirmed, `plan` is the new plan to preview again."""

    def __init__(self, problems: list[Problem], plan: str | None = None):
        self.problems, self.plan = problems, plan
        super().__init__([problem.message for problem in problems])


class SheetRefused(ImportRefused):
    """The month's sheet wrote nothing."""


class SheetConflict(SheetRefused):
    """Someone saved the federation-month after the preview."""


@transaction.atomic
def sheet_import(
    *,
    sheet: Sheet,
    federation: Organisation,
    month: Month,
    version: int,
    user,
    source: str = Source.UPLOAD,
    preview: Preview | None = None,
    file_name: str = "",
) -> Preview:
    """Write what the sheet changes, or nothing (SheetRefused). `version` is the month's return
    version the user previewed: if someone saved the month since, the import is refused.

    A caller that still holds the preview of this sheet (the command) passes it: with the
    month's return locked at the same version, nothing it was computed from has changed
    (every write to a federation-month bumps its version), so it is not planned again."""
    if user is not None and not can_write(user, federation):
        raise PermissionDenied(_("Bạn không có quyền thay đổi số liệu của %(org)s.") % {"org": federation.name})
    monthly_return = return_for_update(federation, month)
    if monthly_return.version != version:
        who = who_and_when(monthly_return.changed_by, monthly_return.changed_at)
        message = _(
            "%(who)s đã lưu số liệu tháng %(month)s của %(org)s lúc %(when)s, sau khi bạn tải tệp lên. "
            "Chưa ghi gì: hãy xem lại bản xem trước (đã cập nhật theo số liệu mới) rồi xác nhận lần nữa."
        ) % {"month": month, "org": federation.name, **who}
        raise SheetConflict([Problem("", None, "", message)])
    if preview is None or preview.version != version or preview.federation != federation or preview.month != month:
        preview = _plan(sheet, federation=federation, month=month, user=user)
    if preview.problems:
        raise SheetRefused(preview.problems)
    _write(preview, user=user, source=source)
    _settle(preview)
    if preview.has_changes:  # one entry for the sheet, beside one per row written
        audit_log(
            user,
            "sheet.import",
            None,
            source=source,
            federation=federation,
            month=month,
            file=file_name,
            rows=len(preview.changes),
            founded=len(preview.founded),
            dissolved=len(preview.dissolved),
        )
    return preview


def _write(preview: Preview, *, user, source: str, dry_run: bool = False) -> list[MonthlyFigure]:
    """Found, dissolve, then record the month's rows through the services, in the caller's
    transaction. Every refusal becomes a problem with its sheet, row, cell and CĐCS; with any,
    SheetRefused is raised (and the caller's transaction undoes what was written). With
    `dry_run` (the preview, whose caller rolls back), the month's rows are checked as for a write
    and returned unsaved: writing and auditing thousands of rows only to undo them doubled the
    cost of a preview."""
    federation, month = preview.federation, preview.month
    problems: list[Problem] = []
    created: dict[str, GrassrootsUnion] = {}
    for item in preview.founded:
        try:
            created[item["code"]] = cdcs_found(
                code=item["code"],
                name=item["name"],
                employer=item["employer"] or item["name"],
                sector=item["sector"],
                founded_on=date.fromisoformat(item["founded_on"]),
                founding_decision=item["founding_decision"],
                workers=item.get("workers") or 0,
                federation=federation,
                user=user,
                source=source,
            )
        except (ValidationError, PermissionDenied) as error:
            problems += _refusals(error, preview, FOUNDED_SHEET, FOUNDED_COLUMNS, item["row"], item["code"])
    # Dissolved before the month's rows are written: those rows may then lose members to the
    # dissolution, and the service holds a dissolved CĐCS's month to end at zero.
    failed = set()
    for item in preview.dissolved:
        try:
            cdcs_dissolve(
                cdcs=preview.unions[item["code"]],
                on=date.fromisoformat(item["dissolved_on"]),
                reason=item["reason"],
                user=user,
                source=source,
            )
        except (ValidationError, PermissionDenied) as error:
            problems += _refusals(error, preview, DISSOLVED_SHEET, DISSOLVED_COLUMNS, item["row"], item["code"])
            failed.add(item["code"])
    entries = []
    for entry in preview.entries:
        code = entry.cdcs.code
        if code in failed or (entry.cdcs.pk is None and code not in created):
            continue  # refused above already
        entries.append(dataclasses.replace(entry, cdcs=created[code]) if entry.cdcs.pk is None else entry)
    rows: list[MonthlyFigure] = []
    try:
        if entries:
            rows = figures_record_many(
                month=month, entries=entries, user=user, source=source, federation=federation, dry_run=dry_run
            )
    except RowErrors as refused:
        codes = {entry.cdcs.pk: entry.cdcs.code for entry in entries}
        for pk, error in refused.by_cdcs.items():
            code = codes[pk]
            problems += _refusals(error, preview, MONTH_SHEET, MONTH_COLUMNS, preview.rows.get(code), code)
    except (ValidationError, PermissionDenied) as error:  # a locked month, missing rights: the whole sheet
        problems += [Problem("", None, "", message) for message in _messages(error)]
    if problems:
        raise SheetRefused(problems)
    return rows


def _messages(error: ValidationError | PermissionDenied) -> list[str]:
    return list(error.messages) if isinstance(error, ValidationError) else [str(error)]


def _refusals(error, preview: Preview, sheet: str, columns: list[Column], row: int | None, code: str) -> list[Problem]:
    """A service's refusal of one row as problems naming the sheet, the row, the cell of each
    field it names and the CĐCS."""
    if not isinstance(error, ValidationError) or not hasattr(error, "error_dict"):
        return [Problem(sheet, row, "", message, cdcs=code) for message in _messages(error)]
    return [
        Problem(
            sheet,
            row,
            _field_header(columns, key),
            message,
            cell=preview.cell(sheet, key, row),
            cdcs=code,
        )
        for key, messages in error.message_dict.items()
        for message in messages
    ]


# --- the upload record ------------------------------------------------------------------------


def upload_receive(*, data: bytes, file_name: str, federation: Organisation, month: Month, user, source: str):
    """Read and preview a file and keep it (Upload) with what was read and whether it can be
    imported. Returns (upload, sheet, preview)."""
    sheet = sheet_read(data)
    preview = sheet_preview(sheet, federation=federation, month=month, user=user)
    if preview.problems:
        outcome = Upload.Outcome.REFUSED
    elif preview.has_changes:
        outcome = Upload.Outcome.PREVIEW
    else:
        outcome = Upload.Outcome.UNCHANGED
    upload = Upload.objects.create(
        federation=federation,
        month=month.first_day,
        uploaded_by=user,
        source=source,
        file_name=(file_name or "tep.xlsx")[-255:],
        content=data,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        outcome=outcome,
        problems=[vars(problem) for problem in preview.problems],
        parsed=sheet.as_json() if not sheet.problems else {},
        return_version=preview.version,
    )
    return upload, sheet, preview


def upload_finish(upload: Upload, *, user, imported: Preview | None = None, refused: SheetRefused | None = None):
    """Note what became of a previewed upload: imported (or found unchanged), refused, or, with
    neither, discarded."""
    if imported is not None:
        upload.outcome = Upload.Outcome.IMPORTED if imported.has_changes else Upload.Outcome.UNCHANGED
        upload.rows_changed = len(imported.changes)
    elif refused is not None:
        upload.outcome, upload.problems = Upload.Outcome.REFUSED, [vars(problem) for problem in refused.problems]
    else:
        upload.outcome = Upload.Outcome.DISCARDED
    upload.finished_by, upload.finished_at = user, timezone.now()
    upload.save(update_fields=["outcome", "rows_changed", "problems", "finished_by", "finished_at"])
