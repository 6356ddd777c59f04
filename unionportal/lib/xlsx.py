"""Excel files in and out, in one place.

Out: every export goes through `safe_value` (formula injection) and `xlsx_response`.
In: `check_xlsx` looks at an uploaded file's bytes before any parser sees them (size, kind,
zip bomb, then how far each sheet reaches: `sheet_extents`), and openpyxl parses XML through
defusedxml (asserted in the tests)."""

import io
import posixpath
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import unquote
from xml.parsers import expat

from defusedxml import DefusedXmlException, ElementTree
from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .formatting import count

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# A text cell beginning with one of these is read by Excel or LibreOffice as a formula (or DDE).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
WRAP = Alignment(wrap_text=True, vertical="top")


def safe_value(value):
    """A value as an export writes it: numbers and dates as they are, text that a spreadsheet
    would run as a formula prefixed with an apostrophe so that it stays text."""
    if value is None or isinstance(value, bool | int | float | date | datetime):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def write_table(sheet, headers: Sequence[str], rows: Iterable[Sequence], *, start_row: int = 1) -> int:
    """Write a header row and data rows from `start_row`; returns the row after the last one."""
    for column, title in enumerate(headers, start=1):
        cell = sheet.cell(row=start_row, column=column, value=safe_value(str(title)))
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, WRAP
    row_number = start_row + 1
    for row in rows:
        for column, value in enumerate(row, start=1):
            sheet.cell(row=row_number, column=column, value=safe_value(value))
        row_number += 1
    for column, title in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = max(10, min(40, len(str(title)) + 2))
    sheet.freeze_panes = sheet.cell(row=start_row + 1, column=1)
    return row_number


def table_workbook(title: str, headers: Sequence[str], rows: Iterable[Sequence], *, heading: Sequence[str] = ()):
    """A one-sheet workbook: optional heading lines, then the table."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    for number, line in enumerate(heading, start=1):
        sheet.cell(row=number, column=1, value=safe_value(line)).font = HEADER_FONT if number == 1 else Font()
    write_table(sheet, headers, rows, start_row=len(heading) + 2 if heading else 1)
    return workbook


def xlsx_response(workbook: Workbook, filename: str) -> HttpResponse:
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- reading: what is refused before a parser opens the file ------------------------------------


class UnsafeFile(ValueError):
    """The file is not one we open; the message says why, in Vietnamese, and `sheet` and `cell`
    where, when it is about one sheet."""

    def __init__(self, message: str, *, sheet: str = "", cell: str = ""):
        super().__init__(message)
        self.sheet, self.cell = sheet, cell


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and .xlsx encrypted with a password
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")


def check_xlsx(data: bytes, *, max_bytes: int | None = None) -> None:
    """Refuse, with a message, what is not a plain .xlsx of a reasonable size, zip bombs (too
    many entries, too much uncompressed data, or an entry that inflates too much), and sheets
    that reach further than any reader should build a range for (sheet_extents)."""
    max_bytes = settings.UPLOAD_MAX_BYTES if max_bytes is None else max_bytes
    megabytes = max_bytes / 1024 / 1024
    if not data:
        raise UnsafeFile(_("Tệp rỗng."))
    if len(data) > max_bytes:
        raise UnsafeFile(_("Tệp lớn hơn %(size)s MB, không nhận.") % {"size": f"{megabytes:g}"})
    if data.startswith(_OLE):
        if _ENCRYPTED in data:
            raise UnsafeFile(_("Tệp được đặt mật khẩu. Hãy bỏ mật khẩu trong Excel (Tệp → Thông tin) rồi tải lên lại."))
        raise UnsafeFile(
            _("Đây là tệp .xls (Excel 97-2003). Hãy mở trong Excel và lưu thành .xlsx (Excel Workbook) rồi tải lên.")
        )
    if not data.startswith(b"PK"):
        if _looks_like_text(data):
            raise UnsafeFile(_("Đây là tệp văn bản (.csv?). Hãy dùng tệp mẫu .xlsx tải từ cổng thông tin."))
        raise UnsafeFile(_("Không phải tệp Excel .xlsx."))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError) as error:
        raise UnsafeFile(_damaged_message()) from error
    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" not in names or not any(name.startswith("xl/") for name in names):
        raise UnsafeFile(_("Không phải tệp Excel .xlsx (có thể là tệp nén .zip hoặc .docx)."))
    if len(entries) > settings.UPLOAD_MAX_ZIP_ENTRIES:
        raise UnsafeFile(_("Tệp có cấu trúc bất thường (quá nhiều thành phần), không nhận."))
    total = 0
    for entry in entries:
        if entry.flag_bits & 0x1:
            raise UnsafeFile(_("Tệp được đặt mật khẩu. Hãy bỏ mật khẩu rồi tải lên lại."))
        total += entry.file_size
        if entry.file_size > 1024 * 1024 and entry.file_size > settings.UPLOAD_MAX_RATIO * max(entry.compress_size, 1):
            raise UnsafeFile(_("Tệp có cấu trúc bất thường (nén quá mức), không nhận."))
    if total > settings.UPLOAD_MAX_UNZIPPED_BYTES:
        raise UnsafeFile(_("Tệp khi giải nén quá lớn, không nhận."))
    for entry in entries:
        # Office never writes a DTD; one in any part is an entity trick (billion laughs, XXE).
        if entry.filename.endswith((".xml", ".rels")) and _DOCTYPE in _head(archive, entry).upper():
            raise UnsafeFile(_dtd_message())
    sheet_extents(archive)


_DOCTYPE = b"<!DOCTYPE"


def _dtd_message() -> str:
    return _("Tệp chứa khai báo XML không được phép (có thể là tệp độc hại), không nhận.")


def _damaged_message() -> str:
    return _("Tệp .xlsx bị hỏng, không đọc được.")


def _head(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> bytes:
    """The start of a part: where an XML prologue and its DTD would be."""
    try:
        with archive.open(entry) as stream:
            return stream.read(4096)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError) as error:
        raise UnsafeFile(_damaged_message()) from error


def _looks_like_text(data: bytes) -> bool:
    head = data[:2048]
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return b"\x00" not in head
    return True


# --- reading: how far each sheet reaches, before a reader builds its range ----------------------

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELATION = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PACKAGE = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CONTENT_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"


def worksheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Part path → sheet name of every worksheet a reader may open: the sheets of the workbook
    part at xl/workbook.xml (where python-calamine looks) and of any part [Content_Types].xml
    declares a workbook (where openpyxl looks), then any other part under xl/worksheets/, named
    by its path. Raises ElementTree.ParseError or DefusedXmlException for a damaged listing."""
    names = set(archive.namelist())
    workbooks = ["xl/workbook.xml"] if "xl/workbook.xml" in names else []
    types = ElementTree.fromstring(archive.read("[Content_Types].xml")) if "[Content_Types].xml" in names else None
    for override in types.iterfind(f"{_CONTENT_TYPES}Override") if types is not None else ():
        part = (override.get("PartName") or "").lstrip("/")
        if (override.get("ContentType") or "").endswith(".main+xml") and part in names and part not in workbooks:
            workbooks.append(part)
    parts = {}
    for workbook in workbooks:
        folder, base = posixpath.split(workbook)
        relations_path = posixpath.join(folder, "_rels", f"{base}.rels")
        if relations_path not in names:
            continue
        relations = ElementTree.fromstring(archive.read(relations_path))
        targets = {
            relation.get("Id"): relation.get("Target") or ""
            for relation in relations.iterfind(f"{_PACKAGE}Relationship")
            if relation.get("TargetMode") != "External"
        }
        for sheet in ElementTree.fromstring(archive.read(workbook)).iterfind(f"{_MAIN}sheets/{_MAIN}sheet"):
            target = targets.get(sheet.get(f"{_RELATION}id"), "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            for candidate in {path, unquote(path)}:  # a part name may be %-encoded in its relationship
                if target and candidate in names:
                    parts.setdefault(candidate, sheet.get("name") or candidate)
    for path in sorted(names):
        if path.startswith("xl/worksheets/") and path.endswith(".xml"):
            parts.setdefault(path, path)
    return parts


@dataclass(frozen=True)
class SheetExtent:
    """How far a worksheet reaches: the last row and the last column that any of its cells or
    rows names, counted from A1 as a reader's range may be. `dimension` is what the sheet's
    <dimension ref> claims; nothing trusts it (it can be smaller or larger than the cells)."""

    sheet: str
    rows: int
    columns: int
    dimension: str = ""

    @property
    def cells(self) -> int:
        return self.rows * self.columns

    @property
    def corner(self) -> str:
        return f"{column_letters(max(self.columns, 1))}{max(self.rows, 1)}"


def column_letters(number: int) -> str:
    """1 → A, 26 → Z, 27 → AA, 16384 → XFD (and on, past Excel's last column)."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


_COLUMN = re.compile(r"\$?([A-Za-z]{1,7})\$?")
_DIGITS = "0123456789"
_CHUNK = 1 << 16


def sheet_extents(archive: zipfile.ZipFile) -> list[SheetExtent]:
    """How far each worksheet reaches, read from the cells and rows its XML holds, a chunk at a
    time through expat (never the whole part, never a tree): a cell or row without an `r`
    follows the one before it, as python-calamine and openpyxl place it. UnsafeFile, naming the
    sheet and the cell it reaches, for a sheet beyond UPLOAD_MAX_SHEET_ROWS or
    UPLOAD_MAX_SHEET_COLUMNS, or sheets beyond UPLOAD_MAX_CELLS together: a reader builds one
    dense range from the first cell to the last (python-calamine 32 bytes a cell), so a file
    holding A1 and XFD1048576 alone, 5 KB, would otherwise ask for 512 GB."""
    try:
        parts = worksheet_parts(archive)
    except DefusedXmlException as error:
        raise UnsafeFile(_dtd_message()) from error
    except (ElementTree.ParseError, zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError) as error:
        raise UnsafeFile(_damaged_message()) from error
    extents = []
    used = 0
    for path, name in parts.items():
        extent = _sheet_extent(archive, path, name, cells_left=settings.UPLOAD_MAX_CELLS - used)
        used += extent.cells
        extents.append(extent)
    return extents


def _sheet_extent(archive: zipfile.ZipFile, path: str, name: str, *, cells_left: int) -> SheetExtent:
    max_rows, max_columns = settings.UPLOAD_MAX_SHEET_ROWS, settings.UPLOAD_MAX_SHEET_COLUMNS
    row = column = rows = columns = 0
    dimension = ""
    beyond = False  # once a limit is passed, the rest of that row is read, to name the cell it reaches

    def start(tag: str, attributes: dict) -> None:
        # Called for every element of the part, hence kept to a few comparisons.
        nonlocal row, column, rows, columns, dimension, beyond
        if ":" in tag:
            tag = tag.rpartition(":")[2]
        if tag == "c":
            reference = attributes.get("r")
            if reference is None:
                column += 1
                at = row
            else:
                letters = reference.rstrip(_DIGITS)
                digits = reference[len(letters) :]
                if not digits or len(digits) > 15:
                    raise UnsafeFile(_damaged_message())
                column, at = _column_number(letters), int(digits)
        elif tag == "row":
            if beyond:
                raise _too_far(SheetExtent(name, rows, columns), cells_left=cells_left)
            reference = attributes.get("r")
            if reference is None:
                row += 1
            elif reference.isdigit() and reference.isascii() and len(reference) <= 15:
                row = int(reference)
            else:
                raise UnsafeFile(_damaged_message())
            column, at = 0, row
        else:
            if tag == "dimension":
                dimension = str(attributes.get("ref", ""))[:40]
            return
        if at > rows or column > columns:
            rows, columns = max(rows, at), max(columns, column)
            beyond = beyond or rows > max_rows or columns > max_columns or rows * columns > cells_left

    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    try:
        with archive.open(path) as stream:
            while chunk := stream.read(_CHUNK):
                parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except (expat.ExpatError, zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError) as error:
        raise UnsafeFile(_damaged_message()) from error
    if beyond:
        raise _too_far(SheetExtent(name, rows, columns), cells_left=cells_left)
    return SheetExtent(name, rows, columns, dimension)


_COLUMN_NUMBERS: dict[str, int] = {}


def _column_number(letters: str) -> int:
    """Column letters as a number (B → 2, xfd → 16384, $AA → 27); UnsafeFile for what is none."""
    number = _COLUMN_NUMBERS.get(letters)
    if number is None:
        match = _COLUMN.fullmatch(letters)
        if match is None:
            raise UnsafeFile(_damaged_message())
        number = 0
        for letter in match[1].upper():
            number = number * 26 + ord(letter) - ord("A") + 1
        if len(_COLUMN_NUMBERS) < 100_000:
            _COLUMN_NUMBERS[letters] = number
    return number


def _refuse_dtd(*_args) -> None:
    raise UnsafeFile(_dtd_message())


def _too_far(extent: SheetExtent, *, cells_left: int) -> UnsafeFile:
    values = {
        "sheet": extent.sheet,
        "cell": extent.corner,
        "rows": count(extent.rows),
        "columns": count(extent.columns),
        "max_rows": count(settings.UPLOAD_MAX_SHEET_ROWS),
        "max_columns": count(settings.UPLOAD_MAX_SHEET_COLUMNS),
        "max_cells": count(settings.UPLOAD_MAX_CELLS),
    }
    alone = (
        extent.rows > settings.UPLOAD_MAX_SHEET_ROWS
        or extent.columns > settings.UPLOAD_MAX_SHEET_COLUMNS
        or extent.cells > settings.UPLOAD_MAX_CELLS
    )
    if not alone and extent.cells > cells_left:
        message = (
            _(
                "Các trang tính của tệp cộng lại trải trên hơn %(max_cells)s ô, giới hạn của tệp tải lên (trang "
                "tính “%(sheet)s” trải tới ô %(cell)s). Hãy xoá các trang tính, dòng và cột thừa (cả những ô chỉ có "
                "định dạng), lưu lại rồi tải lên."
            )
            % values
        )
    else:
        message = (
            _(
                "Trang tính “%(sheet)s” trải tới ô %(cell)s (%(rows)s dòng × %(columns)s cột), quá giới hạn của tệp "
                "tải lên: %(max_rows)s dòng, %(max_columns)s cột, %(max_cells)s ô cho cả tệp. Hãy xoá các dòng và cột "
                "thừa (cả những ô chỉ có định dạng), lưu lại rồi tải lên."
            )
            % values
        )
    return UnsafeFile(message, sheet=extent.sheet, cell=extent.corner)


# --- helpers for exporters that lay out more than one table --------------------------------------

COUNT_FORMAT = "#,##0"  # Excel shows the thousands separator of the reader's locale
PERCENT_FORMAT = "0.0%"  # for fractions: 0.635 shows as 63.5 % (63,5 % in a Vietnamese Excel)


def write_heading(sheet, lines: Sequence[str], *, start_row: int = 1) -> int:
    """Heading lines in the first column, the first one bold; returns the row after the last one."""
    for number, line in enumerate(lines):
        cell = sheet.cell(row=start_row + number, column=1, value=safe_value(line))
        cell.font = HEADER_FONT if number == 0 else Font()
    return start_row + len(lines)


def format_cells(sheet, *, rows: range, columns: Iterable[int], number_format: str) -> None:
    """Give the cells of `columns` (1-based) in `rows` a number format."""
    for column in columns:
        for row in rows:
            sheet.cell(row=row, column=column).number_format = number_format


def download_name(*parts, extension: str = "xlsx") -> str:
    """A file name built from `parts` that is safe in a Content-Disposition header: ASCII letters,
    digits and dashes (Vietnamese letters lose their marks: "Đại Từ" → "Dai-Tu")."""
    words = []
    for part in parts:
        text = unicodedata.normalize("NFKD", str(part).replace("đ", "d").replace("Đ", "D"))
        text = re.sub(r"[^A-Za-z0-9]+", "-", text.encode("ascii", "ignore").decode()).strip("-")
        if text:
            words.append(text)
    return "-".join(words or ["export"]) + f".{extension}"


def unescape_text(text: str) -> str:
    """What `safe_value` escaped, as it was: "'=SUM(A1)" read back from an export is "=SUM(A1)"."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text
