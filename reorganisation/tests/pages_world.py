"""The small province the plan's pages are tried on, and its plan as people fill the Excel list.

Three upper-level unions: LĐLĐ huyện Đại Từ (DT: DT01 with 40 members, DT02 with 30), LĐLĐ huyện
Phú Bình (PB: PB01 with 25) and the industrial zones' union (KCN: KCN01 with 50), each CĐCS with
its June 2025 figures; a programme 2023–2027 with DT's 2025 quotas of 120 members, 6 CĐCS and 12
officers trained. The plan from July 2025 ends DT and PB, founds the commune union XA1 and the CĐCS
DTM under it: DT01 goes to the province directly, DT02 merges into DTM, PB01 moves to KCN.

Before (end of June): 4 CĐCS, 145 members. After (start of July): DT01 under the province's
direct block, DTM (30, DT02's) under XA1, PB01 and KCN01 under KCN (75): 4 CĐCS, 145 members.
DT's 2025 quotas: the half from July on (60 members, 3 CĐCS, 6 officers) goes where its members
went, 40 to the direct block and 30 to XA1: 60 × 40/70 = 34.3 → 34 and 25.7 → 26; 3 × 40/70 = 1.7
→ 2 and 1.3 → 1 (largest remainder); 6 × 40/70 = 3.4 → 3 and 2.6 → 3."""

import io
from datetime import date

from openpyxl import load_workbook

from members.models import Organisation, Sector
from targets.models import Programme, Quota
from unionportal.lib.months import Month
from unionportal.testing.province import cdcs_create, federation_create

from ..listing import cdcs_of_unions
from ..workbook import HEADER_ROW, LINE_COLUMNS, plan_workbook

MONTH = Month(2025, 7)
JUNE = Month(2025, 6)
STOCKS = {"DT01": 40, "DT02": 30, "PB01": 25, "KCN01": 50}
# Where each CĐCS goes, as the Excel list says it: action in words, union code, target code.
DESTINATIONS = {
    "DT01": ("Chuyển về LĐLĐ tỉnh", "", ""),
    "DT02": ("Hợp nhất vào CĐCS khác", "", "DTM"),
    "PB01": ("Chuyển công đoàn cấp trên", "KCN", ""),
}


def reorg_province(province) -> dict:
    """The unions, CĐCS, figures and quotas above, under `province`."""
    unions = {
        "DT": federation_create(province, "DT", "LĐLĐ huyện Đại Từ"),
        "PB": federation_create(province, "PB", "LĐLĐ huyện Phú Bình"),
        "KCN": federation_create(province, "KCN", "Công đoàn các Khu công nghiệp", Organisation.Kind.INDUSTRIAL_ZONE),
    }
    for number, (code, stock) in enumerate(STOCKS.items(), start=1):
        union = unions[code.rstrip("0123456789")]
        cdcs_create(union, number, code=code, name=f"CĐCS {code}", opening=stock, first_month=JUNE,
                    sector=Sector.PUBLIC if code == "DT02" else Sector.PRIVATE)  # fmt: skip
    programme = Programme.objects.create(
        name="Chương trình phát triển đoàn viên 2023–2027", document_number="05/CTr-LĐLĐ",
        document_date=date(2023, 1, 10), first_year=2023, last_year=2027,
    )  # fmt: skip
    Quota.objects.create(programme=programme, organisation=unions["DT"], year=2025, new_members=120, new_unions=6,
                         trained_officers=12)  # fmt: skip
    return {**unions, "programme": programme}


def plan_file(*, name="Đề án sắp xếp công đoàn cấp huyện", month="07/2025", destinations=None, endings=("DT", "PB"),
              new_union=("XA1", "Công đoàn xã Đại Từ", "Công đoàn xã, phường, đặc khu"),
              new_cdcs=("DTM", "CĐCS Trường học Đại Từ", "Các trường học xã Đại Từ", "Cơ quan hành chính, đơn vị sự "
                        "nghiệp", "XA1"), extra_lines=(), drop=()) -> bytes:  # fmt: skip
    """The template downloaded for the unions `endings` (its CĐCS sheet prefilled), filled in with
    openpyxl as a person would: the header, each CĐCS's destination, the new union and CĐCS;
    `extra_lines` appended to the CĐCS sheet, the CĐCS `drop` deleted from it."""
    destinations = DESTINATIONS if destinations is None else destinations
    orgs = list(Organisation.objects.filter(code__in=endings).order_by("code"))
    workbook = plan_workbook(endings=orgs, lines=cdcs_of_unions([org.code for org in orgs], MONTH), month=MONTH)
    buffer = io.BytesIO()
    workbook.save(buffer)
    workbook = load_workbook(io.BytesIO(buffer.getvalue()))
    header = workbook["Đề án"]
    header["B3"], header["B4"], header["B5"] = name, "Quyết định số 15/QĐ-LĐLĐ ngày 20/6/2025", month
    lines = workbook["CĐCS"]
    column = {column.key: number for number, column in enumerate(LINE_COLUMNS, start=1)}
    for row in range(HEADER_ROW + 1, lines.max_row + 1):
        code = lines.cell(row=row, column=column["cdcs"]).value
        if code in destinations:
            action, union, target = destinations[code]
            lines.cell(row=row, column=column["action"], value=action)
            lines.cell(row=row, column=column["union_code"], value=union or None)
            lines.cell(row=row, column=column["target_code"], value=target or None)
    for code in drop:
        row = next(r for r in range(HEADER_ROW + 1, lines.max_row + 1)
                   if lines.cell(row=r, column=column["cdcs"]).value == code)  # fmt: skip
        lines.delete_rows(row)
    for code, action, union, target in extra_lines:
        row = lines.max_row + 1
        for key, value in (("cdcs", code), ("action", action), ("union_code", union), ("target_code", target)):
            lines.cell(row=row, column=column[key], value=value or None)
    if new_union:
        workbook["Đơn vị mới"].append(list(new_union))
    if new_cdcs:
        workbook["CĐCS mới"].append(list(new_cdcs))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
