"""Demo data for the home pages: something on each role's list when the demo starts. A month of
TPTN's sent back with a reason (the one before last, which every federation had sent), a member
transfer between two CĐCS of DT's waiting to be taken, and an enterprise list DT uploaded and left
in preview; once the demo went past its July 2025 reorganisation, the same on the ward and commune
unions that took TPTN's and DT's place (members.demo.tables.successor). All through the services,
as a person would do it; no figure changes."""

from io import BytesIO

from members.demo.tables import successor
from members.figures.workflow import return_send_back
from members.models import Member
from members.register.moves import member_transfer_request
from organising.exports import HEADER_ROW, register_workbook
from organising.imports import list_receive
from unionportal.lib.months import Month

SENT_BACK = "Số kết nạp của một số CĐCS khối doanh nghiệp cao bất thường so với số lao động; đề nghị kiểm tra lại."
NEW_ENTERPRISES = [
    ("4601234567", "Công ty TNHH Chè Tân Cương Xanh", "Phúc Xuân, Thái Nguyên", "Doanh nghiệp ngoài nhà nước", 45),
    ("4601234568", "Công ty TNHH May Quân Chu", "Quân Chu, Đại Từ", "Doanh nghiệp ngoài nhà nước", 120),
]


def seed_desk(*, federations, users, end: Month) -> int:
    """Seed what the home pages list; returns how many items it added."""
    added = 0
    biggest, busy = successor("TPTN", end), successor("DT", end)
    if biggest in federations:
        return_send_back(federation=federations[biggest], month=end - 1, reason=SENT_BACK, user=users["bantochuc"])
        added += 1
    movers = list(Member.objects.active().filter(cdcs__affiliations__federation=federations.get(busy)).order_by("pk"))
    others = sorted({member.cdcs for member in movers}, key=lambda cdcs: cdcs.code)
    if len(others) > 1:
        member_transfer_request(member=movers[0], to_cdcs=others[-1], user=users[busy], note="Chuyển công tác")
        added += 1
    if busy in users:
        list_receive(data=_enterprise_list(busy), file_name="doanh-nghiep-dai-tu.xlsx", user=users[busy])
        added += 1
    return added


def _enterprise_list(federation: str) -> bytes:
    """The enterprise template with two new enterprises of the federation's, as an officer fills it in."""
    workbook = register_workbook()
    sheet = workbook.active
    for number, (tax_code, name, address, sector, workers) in enumerate(NEW_ENTERPRISES, start=1):
        values = [number, tax_code, name, address, federation, sector, workers, None]
        for column, value in enumerate(values, start=1):
            sheet.cell(row=HEADER_ROW + number, column=column, value=value)
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()
