"""Helpers for the tests of member lists: the portal's template filled in with openpyxl the way a CĐCS
fills it, and lists laid out the way people keep them elsewhere, as bytes ready to upload."""

import io
from datetime import date

from openpyxl import Workbook, load_workbook

from members.register.lists import HEADER_ROW, LIST_SHEET, member_list_workbook
from unionportal.lib.months import Month
from unionportal.testing.sheets import headers as sheet_headers
from unionportal.testing.sheets import to_bytes

NAME, BORN, GENDER, ETHNICITY = "Họ và tên", "Ngày sinh", "Giới tính (Nam/Nữ)", "Dân tộc"
ID, CARD, JOINED, JOB = "Số CCCD", "Số thẻ đoàn viên", "Ngày vào công đoàn", "Nghề nghiệp, chức vụ"


def id_number(born_on: date, *, female: bool = False, serial: int = 1, province: int = 1) -> str:
    """A CCCD number that agrees with the birth date and gender: province, century and gender,
    year, then a serial."""
    digit = 2 * ((born_on.year - 1900) // 100) + (1 if female else 0)
    return f"{province:03d}{digit}{born_on.year % 100:02d}{serial:06d}"


def person(name: str, joined_on: date, *, born_on: date | None = date(1990, 5, 1), female=False, serial=1, **extra):
    """A row of a list: by header, with an ID number that agrees with the birth date and gender."""
    row = {NAME: name, JOINED: joined_on, GENDER: "Nữ" if female else "Nam", ETHNICITY: "Kinh"}
    if born_on is not None:
        row[BORN] = born_on
        row[ID] = id_number(born_on, female=female, serial=serial)
    return row | extra


def people(count: int, joined_on: date, *, start: int = 1) -> list[dict]:
    """`count` different people, with ID numbers, born 1980–1999."""
    return [
        person(
            f"Công Nhân Số {number}",
            joined_on,
            born_on=date(1980 + number % 20, 1 + number % 12, 1 + number % 28),
            female=number % 2 == 1,
            serial=number,
            **{CARD: f"TDV{number:06d}", JOB: "Công nhân may"},
        )
        for number in range(start, start + count)
    ]


def template(cdcs, month: Month) -> Workbook:
    """The template the portal hands out, reopened for editing as Excel would."""
    return reopen(member_list_workbook(cdcs, month))


def reopen(workbook_or_bytes) -> Workbook:
    data = workbook_or_bytes if isinstance(workbook_or_bytes, bytes) else to_bytes(workbook_or_bytes)
    return load_workbook(io.BytesIO(data))


def headers(sheet, row: int = HEADER_ROW) -> dict[str, int]:
    return sheet_headers(sheet, row)


def fill(workbook: Workbook, rows: list[dict], *, first: int | None = None) -> Workbook:
    """Type `rows` ({header: value}) below the header (or from line `first`), numbering them."""
    sheet = workbook[LIST_SHEET]
    columns = headers(sheet)
    line = first or max(sheet.max_row + 1, HEADER_ROW + 1)
    for offset, values in enumerate(rows):
        sheet.cell(row=line + offset, column=columns["STT"], value=line + offset - HEADER_ROW)
        for header, value in values.items():
            sheet.cell(row=line + offset, column=columns[header], value=value)
    return workbook


def list_file(cdcs, month: Month, rows: list[dict]) -> bytes:
    """The portal's template for the CĐCS and month with `rows` typed in."""
    return to_bytes(fill(template(cdcs, month), rows))


def line_of(workbook: Workbook, name: str) -> int:
    """The line of the list where `name` is."""
    sheet = workbook[LIST_SHEET]
    column = headers(sheet)[NAME]
    return next(row for row in range(HEADER_ROW + 1, sheet.max_row + 1) if sheet.cell(row, column).value == name)


def own_layout(rows: list[list], *, title: str = "DS đoàn viên") -> bytes:
    """A list kept elsewhere: no title block, first row of headers as given, then the rows."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    return to_bytes(workbook)
