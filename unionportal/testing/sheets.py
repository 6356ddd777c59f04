"""Helpers for the tests of the Excel round trip: the template as the portal makes it, filled in
the way a federation fills it (with openpyxl), as bytes ready to upload."""

import io

from openpyxl import Workbook, load_workbook

from members.figures.exports import HEADER_ROW, MONTH_SHEET, month_workbook
from members.figures.grid import grid_read
from unionportal.lib.months import Month


def template(federation, month: Month) -> Workbook:
    """The template the portal hands out, reopened for editing as Excel would."""
    return load_workbook(io.BytesIO(to_bytes(month_workbook(grid_read(federation=federation, month=month)))))


def to_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def headers(sheet, row: int = HEADER_ROW) -> dict[str, int]:
    return {cell.value: cell.column for cell in sheet[row] if cell.value}


def fill(workbook: Workbook, figures: dict[str, dict[str, object]], *, sheet_name: str = MONTH_SHEET) -> Workbook:
    """Type `figures` ({code: {header: value}}) into the rows of those CĐCS; a code not in the sheet
    gets a new row at the bottom."""
    sheet = workbook[sheet_name]
    columns = headers(sheet)
    rows = {
        sheet.cell(row=row, column=columns["Mã CĐCS"]).value: row for row in range(HEADER_ROW + 1, sheet.max_row + 1)
    }
    for code, values in figures.items():
        row = rows.get(code)
        if row is None:
            row = sheet.max_row + 1
            sheet.cell(row=row, column=columns["Mã CĐCS"], value=code)
        for header, value in values.items():
            sheet.cell(row=row, column=columns[header], value=value)
    return workbook


def list_rows(workbook: Workbook, sheet_name: str, rows: list[dict[str, object]]) -> Workbook:
    """Add rows to the "CĐCS thành lập" or "CĐCS giải thể" sheet."""
    sheet = workbook[sheet_name]
    columns = headers(sheet, 3)
    for offset, values in enumerate(rows, start=4):
        for header, value in values.items():
            sheet.cell(row=offset, column=columns[header], value=value)
    return workbook
