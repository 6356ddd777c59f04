"""Excel files in and out, in one place.

Out: every export goes through `safe_value` (formula injection) and `xlsx_response`.
In: `check_xlsx` looks at an uploaded file's bytes before any parser sees them (size, kind,
zip bomb), and openpyxl parses XML through defusedxml (asserted in the tests)."""

import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

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
    """The file is not one we open; the message says why, in Vietnamese."""


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and .xlsx encrypted with a password
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")


def check_xlsx(data: bytes, *, max_bytes: int | None = None) -> None:
    """Refuse, with a message, what is not a plain .xlsx of a reasonable size, and zip bombs:
    too many entries, too much uncompressed data, or an entry that inflates too much."""
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
        raise UnsafeFile(_("Tệp .xlsx bị hỏng, không đọc được.")) from error
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
            raise UnsafeFile(_("Tệp chứa khai báo XML không được phép (có thể là tệp độc hại), không nhận."))


_DOCTYPE = b"<!DOCTYPE"


def _head(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> bytes:
    """The start of a part: where an XML prologue and its DTD would be."""
    try:
        with archive.open(entry) as stream:
            return stream.read(4096)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError) as error:
        raise UnsafeFile(_("Tệp .xlsx bị hỏng, không đọc được.")) from error


def _looks_like_text(data: bytes) -> bool:
    head = data[:2048]
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return b"\x00" not in head
    return True


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
