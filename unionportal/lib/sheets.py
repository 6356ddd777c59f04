"""Every workbook the portal hands out to be filled in and reads back, in one place, as pretix's
modelimport is for orders and vouchers: an importer is a column list, a preview and a write on
this core.

Reading: `workbook_read` checks an upload's bytes before any parser opens them (unionportal.lib.
xlsx.check_xlsx: size, kind, zip bomb, how far each sheet reaches; then formulas without a saved
value) and opens it with python-calamine (16 times faster than openpyxl here, see
bench/import_speed.py); `sheet_named`, `find_header` and `read_rows` find a sheet, its header row
(by name or alias, in any order, under any title rows) and its rows (blank ones skipped, a ceiling
on how many); `parse_number`, `parse_day`, `parse_month` and `cell_text` read cells as people fill
them, with a Vietnamese message for what they are not. Every reason a file or a cell is refused is
a `Problem` naming its sheet, row, column header and cell (F12); an import that writes nothing
raises `ImportRefused` with them.

Writing: `Column` is one column of a template (its header, the other headers people give it, its
width), `write_headers` writes a header row and `guide_sheet` the "Hướng dẫn" sheet, every text
through unionportal.lib.xlsx.safe_value so that nothing typed becomes a formula."""

import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from defusedxml import DefusedXmlException, ElementTree
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from python_calamine import CalamineWorkbook, PasswordError

from .formatting import count
from .months import Month
from .xlsx import HEADER_FILL, HEADER_FONT, WRAP, UnsafeFile, check_xlsx, safe_value, worksheet_parts

HEADER_WITHIN = 20  # rows under which a header is looked for


@dataclass
class Problem:
    """Why a file, a row or a cell is refused; kept as JSON (vars) on the upload record."""

    sheet: str
    row: int | None
    column: str  # the column's header
    message: str
    cell: str = ""  # "F12", where one cell is at fault
    cdcs: str = ""  # the code of the CĐCS on that row, where a sheet has one


class ImportRefused(ValidationError):
    """An import (a month's sheet, a member list, an enterprise list, a self-assessment sheet) wrote
    nothing; `problems` says why (with sheet, row and column where known). When what the import
    would write is no longer what the user confirmed, `plan` is the new plan to preview again."""

    def __init__(self, problems: list[Problem], plan: str | None = None):
        self.problems, self.plan = problems, plan
        super().__init__([problem.message for problem in problems])


def whole_file_problem(message: str) -> Problem:
    """A problem about the file or the import as a whole: no sheet, row or column."""
    return Problem("", None, "", message)


@dataclass(frozen=True)
class Column:
    key: str  # a field, or "code", "name", … for the identifiers
    header: str  # as written in the template (Vietnamese)
    aliases: tuple[str, ...] = ()  # other headers people use for it
    width: int = 12
    entered: bool = False  # a figure the federation fills in (unlocked, validated ≥ 0)


def header_of(columns: Sequence[Column], key: str) -> str:
    """The header of the column `key`, or "" when the list has none."""
    return next((column.header for column in columns if column.key == key), "")


# --- cells ---------------------------------------------------------------------------------------


def normal(text) -> str:
    """A header or label as compared: NFC, spaces collapsed, no trailing colon or star, casefolded."""
    text = unicodedata.normalize("NFC", str(text or ""))
    return " ".join(text.replace("\u00a0", " ").split()).rstrip(":*").strip().casefold()


def cell_text(value) -> str:
    """A cell as text: 12.0 reads "12", non-breaking spaces are spaces, the ends trimmed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFC", str(value)).replace("\u00a0", " ").strip()


_GROUPED = re.compile(r"^[0-9]{1,3}([.,][0-9]{3})+$")
_DIGITS = re.compile(r"^[0-9]+$")  # ASCII only: "²".isdigit() is true, and int() refuses it


def parse_number(value, *, maximum: int) -> int | None:
    """A cell as a whole number from 0 to `maximum` (the caller's ceiling): 12, 12.0, "12",
    " 1.234 ", "1,234". Empty: None. ValueError with a Vietnamese message otherwise."""
    if value is None:  # an empty cell, and a number as the reader gives it, first: 300,000 of them a sheet
        return None
    kind = type(value)
    if kind is float and value.is_integer() and 0 <= value <= maximum:
        return int(value)
    if kind is int and 0 <= value <= maximum:
        return value
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
        if not (_DIGITS.match(text) or _GROUPED.match(text)):
            shown = str(value).strip()[:20]
            raise ValueError(_("“%(text)s” không phải số nguyên (ví dụ 12 hoặc 1.234)") % {"text": shown})
        digits = text.replace(".", "").replace(",", "")
        # Python refuses to convert more than 4,300 digits (with an English message).
        number = int(digits) if len(digits) <= 18 else maximum + 1
    if number < 0:
        raise ValueError(_("không được âm"))
    if number > maximum:
        raise ValueError(_("quá lớn: tối đa %(max)s") % {"max": count(maximum)})
    return number


def parse_day(value) -> date:
    """A cell as a day: an Excel date, or text as dd/mm/yyyy (or dd-mm-yyyy, dd.mm.yyyy, ISO)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = cell_text(value)
    for pattern in ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(_("“%(text)s” không phải ngày (dd/mm/yyyy)") % {"text": text[:20]})


def parse_month(value) -> Month | None:
    """A cell as a month: a date, "03/2021", "3-2021", "2021-03"; None when it is none."""
    if isinstance(value, datetime | date):
        return Month.of(value)
    text = cell_text(value)
    match = re.match(r"^(\d{1,2})\s*[/.-]\s*(\d{4})$", text) or re.match(r"^(\d{4})-(\d{1,2})$", text)
    if not match:
        return None
    first, second = (int(part) for part in match.groups())
    month, year = (first, second) if first <= 12 and second > 12 else (second, first)
    return Month(year, month) if 1 <= month <= 12 else None


def month_text(value) -> str:
    """A title cell that should hold a month, as kept: "YYYY-MM", or the text typed when it is not one."""
    month = parse_month(value)
    return month.iso if month else cell_text(value)


# --- the file ------------------------------------------------------------------------------------


def workbook_read(data: bytes, problems: list[Problem], read: Callable, *, max_bytes: int | None = None) -> None:
    """Check an uploaded file's bytes (check_xlsx, then formulas without a saved value), open it
    with calamine and hand the workbook to `read`. Every reason the file cannot be read goes into
    `problems`; nothing is raised. calamine reads a sheet whole (in Rust, a few tens of bytes a
    cell; the file's size and extent are capped) and never expands XML entities."""
    try:
        check_xlsx(data, max_bytes=max_bytes)
        formulas = formulas_without_value(data)
    except UnsafeFile as error:
        problems.append(Problem(error.sheet, None, error.cell, str(error)))
        return
    except DefusedXmlException:
        problems.append(
            whole_file_problem(_("Tệp chứa khai báo XML không được phép (có thể là tệp độc hại), không nhận."))
        )
        return
    except (ElementTree.ParseError, zipfile.BadZipFile, KeyError, ValueError):
        problems.append(whole_file_problem(_("Tệp .xlsx bị hỏng, không đọc được.")))
        return
    if formulas:
        message = _(
            "Ô %(cell)s có công thức nhưng chưa có giá trị tính sẵn. Hãy mở tệp trong Excel, "
            "lưu lại rồi tải lên, hoặc thay công thức bằng số."
        )
        for sheet_name, reference in formulas[:20]:
            problems.append(Problem(sheet_name, None, reference, message % {"cell": reference}, cell=reference))
        return
    try:
        read(CalamineWorkbook.from_filelike(io.BytesIO(data)))
    except PasswordError:
        problems.append(whole_file_problem(_("Tệp được đặt mật khẩu. Hãy bỏ mật khẩu rồi tải lên lại.")))
    except Exception as error:  # calamine's errors for a damaged file are of several kinds
        message = _("Tệp .xlsx bị hỏng, không đọc được (%(error)s).") % {"error": type(error).__name__}
        problems.append(whole_file_problem(message))


_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_REFERENCE = re.compile(rb'\br="([A-Z]+\d+)"')
_VALUE = re.compile(rb"<(?:\w+:)?v>[^<]+</(?:\w+:)?v>")


def formulas_without_value(data: bytes) -> list[tuple[str, str]]:
    """(sheet name, cell) of every formula whose result was never saved in the file: openpyxl,
    LibreOffice in some modes and scripts write formulas without computing them, and reading such
    a cell gives nothing, which must not pass for an empty (zero) cell."""
    found = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for path, name in worksheet_parts(archive).items():
            if not _has_formula(archive, path):
                continue
            for match in _CELL.finditer(archive.read(path)):
                body = match.group(2) or b""
                if _FORMULA_TAG.search(body) and not _VALUE.search(body):
                    reference = _REFERENCE.search(match.group(1))
                    found.append((name, reference.group(1).decode() if reference else "?"))
    return found


def _has_formula(archive: zipfile.ZipFile, path: str) -> bool:
    """Whether a part holds a formula, read a megabyte at a time (most sheets hold none)."""
    with archive.open(path) as stream:
        tail = b""
        while chunk := stream.read(1 << 20):
            if _FORMULA_TAG.search(tail + chunk):
                return True
            tail = chunk[-16:]
    return False


# --- sheets, headers, rows -----------------------------------------------------------------------


def sheet_named(workbook, name: str, *, or_first: bool = False):
    """The worksheet whose name is `name` (compared as `normal`), or None; with or_first, the
    first sheet instead of None (a file whose sheet was renamed)."""
    wanted = normal(name)
    title = next((title for title in workbook.sheet_names if normal(title) == wanted), None)
    if title is not None:
        return workbook.get_sheet_by_name(title)
    return workbook.get_sheet_by_index(0) if or_first else None


def header_positions(values, columns: Sequence[Column]) -> dict[str, int]:
    """Column key → its index in a row of headers, matched by header, alias or key."""
    names = {}
    for column in columns:
        for alias in (column.header, *column.aliases, column.key):
            names.setdefault(normal(alias), column.key)
    positions = {}
    for index, value in enumerate(values):
        key = names.get(normal(value))
        if key and key not in positions:
            positions[key] = index
    return positions


@dataclass
class Header:
    row: int  # its number in the sheet, from 1
    positions: dict[str, int]  # column key → index
    values: list  # the row as read


def find_header(rows: Iterator, columns: Sequence[Column], *, key: str, title: Callable | None = None):
    """The header among the first rows: the first that names the column `key`; None when none
    does. `title(values)` is given each row above it (where the title block says whose the file is)."""
    for number, values in enumerate(rows, start=1):
        if number > HEADER_WITHIN:
            return None
        positions = header_positions(values, columns)
        if key in positions:
            return Header(number, positions, values)
        if title is not None:
            title(values)
    return None


def title_values(values, labels: Sequence[str]) -> dict[str, object]:
    """The values that follow the labels in a title row: ["Mã đơn vị:", "DT"] → {"Mã đơn vị:": "DT"}."""
    wanted = {normal(label): label for label in labels}
    cells = [value for value in values if value not in (None, "")]
    found = {}
    for label, value in zip(cells, cells[1:], strict=False):
        if normal(label) in wanted:
            found[wanted[normal(label)]] = value
    return found


def read_rows(rows: Iterator, header: Header, *, max_rows: int, problems: list[Problem], sheet: str, build) -> list:
    """The rows under `header`: blank ones (in the columns of header.positions) skipped wherever
    they are, each other one given to `build(cells, number)` (cells: key → value), whose result is
    kept unless None. A problem, and no more rows, past `max_rows`."""
    read = []
    positions = header.positions.items()
    for number, values in enumerate(rows, start=header.row + 1):
        cells = {key: values[index] if index < len(values) else None for key, index in positions}
        if all(cell_text(value) == "" for value in cells.values()):
            continue
        if len(read) >= max_rows:
            problems.append(
                Problem(sheet, number, "", _("Tệp có quá %(max)s dòng, không nhận.") % {"max": count(max_rows)})
            )
            break
        item = build(cells, number)
        if item is not None:
            read.append(item)
    return read


def column_letters(positions: dict[str, int]) -> dict[str, str]:
    """Column key → its letter ("F"), to name cells."""
    return {key: get_column_letter(index + 1) for key, index in positions.items()}


def missing_columns(positions: dict[str, int], columns: Sequence[Column], keys: Sequence[str]) -> list[str]:
    """The headers of the columns `keys` that the header row lacks."""
    return [column.header for column in columns if column.key in keys and column.key not in positions]


def missing_problem(sheet: str, row: int, headers: list[str]) -> Problem:
    return Problem(sheet, row, "", _("Thiếu cột: %(columns)s.") % {"columns": ", ".join(headers)})


# --- writing templates ---------------------------------------------------------------------------


def write_headers(sheet, columns: Sequence[Column], row: int, *, height: int | None = 45) -> None:
    """The header row of a template: bold, filled, wrapped, each column its width (and the row
    `height`, unless None)."""
    for number, column in enumerate(columns, start=1):
        cell = sheet.cell(row=row, column=number, value=safe_value(column.header))
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, WRAP
        sheet.column_dimensions[get_column_letter(number)].width = column.width
    if height is not None:
        sheet.row_dimensions[row].height = height


def guide_sheet(sheet, title: str, guide: list[tuple[str, str]]) -> None:
    """The "Hướng dẫn" sheet of a workbook handed out to be filled in: a title, then what goes where."""
    sheet["A1"] = title
    sheet["A1"].font = Font(bold=True, size=12)
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["B"].width = 100
    for offset, (column, text) in enumerate(guide, start=3):  # a criterion's name, say: any text at all
        sheet.cell(row=offset, column=1, value=safe_value(column)).font = HEADER_FONT
        sheet.cell(row=offset, column=2, value=safe_value(text)).alignment = WRAP
