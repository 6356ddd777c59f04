"""Self-assessment sheets written with openpyxl, as a federation would fill them in."""

import io

from openpyxl import Workbook

from ratings.exports import CODE_HEADER, NAME_HEADER, ORG_LABEL, SHEET, YEAR_LABEL


def rating_sheet(year, org_code: str, rows, *, codes, title_rows: bool = True, extra_headers=()) -> bytes:
    """rows: [(cdcs code, [score per code, …]), …]; a score may be None (blank) or any cell value."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet["A1"] = "TỰ CHẤM ĐIỂM"
    if title_rows:
        sheet["B2"], sheet["C2"] = ORG_LABEL, org_code
        sheet["B3"], sheet["C3"] = YEAR_LABEL, year
    sheet.append([])
    sheet.append(["STT", CODE_HEADER, NAME_HEADER, *(f"{code} (tối đa)" for code in codes), *extra_headers])
    for number, (code, scores) in enumerate(rows, start=1):
        sheet.append([number, code, f"CĐCS {code}", *scores])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
