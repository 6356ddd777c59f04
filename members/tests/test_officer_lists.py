"""A federation's officers' list in Excel, with real .xlsx files written by openpyxl: the template
filled in as a federation fills it, a list refused whole with its line numbers, the export
uploaded again unchanged, a new congress closing the term before it, through the pages."""

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from members.models import AuditEntry, Officer, OfficerListUpload, Post, Term
from members.officers.list_import import ListRefused, list_import
from members.officers.lists import HEADER_ROW, LIST_SHEET, list_read, officer_list_workbook
from members.officers.services import OfficerData, TermData, term_open
from members.register.services import MemberData, member_admit
from unionportal.lib.months import Month
from unionportal.testing.html import find, page, text
from unionportal.testing.matrix import table_rows

FIRST = HEADER_ROW + 1


@pytest.fixture(autouse=True)
def today(time_machine):
    time_machine.move_to(datetime(2025, 6, 1, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))


@pytest.fixture
def unions(federation, other_federation, make_cdcs):
    """DT01 without a term; DT02 with the term of its congress of 10/05/2022 (chair Vũ Thị Yến);
    PB01 of another federation."""
    dt01 = make_cdcs(federation, code="DT01")
    dt02 = make_cdcs(federation, code="DT02")
    people = [OfficerData("Vũ Thị Yến", Post.CHAIR, full_time=True), OfficerData("Lý Văn An", Post.MEMBER)]
    term_open(cdcs=dt02, data=TermData(congress_on=date(2022, 5, 10), committee_size=3), officers=people, user=None)
    return dt01, dt02, make_cdcs(other_federation, code="PB01")


HEADERS = ["STT", "Mã CĐCS", "Tên CĐCS", "Họ và tên", "Chức vụ", "Cơ quan (BCH/UBKT)", "Chuyên trách/Kiêm nhiệm",
           "Hình thức", "Từ ngày", "Đến ngày", "Lý do thôi", "Số thẻ đoàn viên", "Ngày đại hội", "Số quyết định",
           "Nhiệm kỳ từ", "Nhiệm kỳ đến", "Số ủy viên BCH theo điều lệ", "Số ủy viên UBKT"]  # fmt: skip


def officers_file(federation, lines: list[dict], *, workbook=None) -> bytes:
    """The template of `federation` with `lines` ({header: value}) typed under its header row."""
    workbook = workbook or load_workbook(io.BytesIO(_bytes(officer_list_workbook(federation))))
    sheet = workbook[LIST_SHEET]
    start = sheet.max_row + 1 if workbook is not None and sheet.max_row > HEADER_ROW else FIRST
    for offset, values in enumerate(lines):
        for header, value in values.items():
            sheet.cell(row=start + offset, column=HEADERS.index(header) + 1, value=value)
    return _bytes(workbook)


def _bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


CONGRESS_DT01 = {"Mã CĐCS": "DT01", "Ngày đại hội": "20/04/2023", "Số quyết định": "15/QĐ-LĐLĐ",
                 "Số ủy viên BCH theo điều lệ": 5, "Số ủy viên UBKT": 3}  # fmt: skip
GOOD = [
    {**CONGRESS_DT01, "Họ và tên": "Nguyễn Thị Lan", "Chức vụ": "Chủ tịch", "Chuyên trách/Kiêm nhiệm": "Chuyên trách"},
    {"Mã CĐCS": "DT01", "Họ và tên": "Trần Văn Hùng", "Chức vụ": "Phó Chủ tịch", "Đến ngày": datetime(2024, 8, 1),
     "Lý do thôi": "Chuyển công tác"},
    {"Mã CĐCS": "DT01", "Họ và tên": "Lê Thị Hoa", "Chức vụ": "Ủy viên", "Cơ quan (BCH/UBKT)": "UBKT"},
    {"Mã CĐCS": "DT01", "Họ và tên": "Đỗ Văn Nam", "Chức vụ": "Phó Chủ tịch", "Từ ngày": "05/09/2024"},
    {"Mã CĐCS": "DT02", "Họ và tên": "Vũ Thị Yến", "Chức vụ": "Chủ tịch", "Từ ngày": "10/05/2022",
     "Đến ngày": "01/03/2025", "Lý do thôi": "Nghỉ hưu"},
]  # fmt: skip


def receive(client, federation, data: bytes):
    response = client.post(reverse("members:officer_list_upload", kwargs={"code": federation.code}),
                           {"file": SimpleUploadedFile("can-bo.xlsx", data)})  # fmt: skip
    assert response.status_code == 302, response
    return OfficerListUpload.objects.latest("pk"), client.get(response.url)


def test_a_list_is_previewed_then_written_whole(client_for, federation_user, federation, unions):
    client = client_for(federation_user)
    upload, response = receive(client, federation, officers_file(federation, GOOD))
    summary = find(page(response), id="preview-summary")
    assert [text(find(summary, id=key)) for key in ("count-terms", "count-created", "count-updated")] == ["1", "4", "1"]
    assert Term.objects.count() == 1  # nothing yet
    response = client.post(reverse("members:officer_list_confirm", kwargs={"code": "DT", "pk": upload.pk}),
                           {"plan": upload.parsed["plan"]})  # fmt: skip
    assert response.status_code == 302
    term = Term.objects.get(cdcs__code="DT01")
    assert (term.congress_on, term.ends_on, term.decision_number, term.committee_size, term.inspection_size) == (
        date(2023, 4, 20), date(2028, 4, 20), "15/QĐ-LĐLĐ", 5, 3)  # fmt: skip
    rows = term.officers.order_by("pk").values_list("full_name", "post", "how", "from_on", "to_on", "left_reason")
    assert list(rows) == [
        ("Nguyễn Thị Lan", "chair", "elected", date(2023, 4, 20), None, ""),
        ("Trần Văn Hùng", "vice_chair", "elected", date(2023, 4, 20), date(2024, 8, 1), "moved"),
        ("Lê Thị Hoa", "inspection_member", "elected", date(2023, 4, 20), None, ""),
        ("Đỗ Văn Nam", "vice_chair", "co_opted", date(2024, 9, 5), None, ""),
    ]
    yen = Officer.objects.get(full_name="Vũ Thị Yến")
    assert (yen.to_on, yen.left_reason) == (date(2025, 3, 1), "retired")
    leave = AuditEntry.objects.get(action="officer.leave")
    assert leave.data["vacant"] is True and leave.data["cdcs"] == "DT02" and leave.federation == federation
    upload.refresh_from_db()
    assert (upload.outcome, upload.terms_created, upload.officers_created, upload.officers_updated) == (
        "imported", 1, 4, 1)  # fmt: skip
    assert upload.parsed == {}


def test_a_list_with_mistakes_is_refused_with_its_line_numbers(client_for, federation_user, federation, unions):
    bad = [
        *GOOD[:1],
        {"Mã CĐCS": "DT01", "Họ và tên": "Ngô Văn Quân", "Chức vụ": "Chủ tịch"},  # a second chair, row 7
        {"Mã CĐCS": "PB01", "Họ và tên": "Hà Văn Sơn", "Chức vụ": "Ủy viên"},  # another federation's CĐCS, row 8
        {"Mã CĐCS": "DT02", "Họ và tên": "Lý Thị Mai", "Chức vụ": "Thủ quỹ"},  # not a post, row 9
        {"Mã CĐCS": "DT02", "Họ và tên": "Lý Văn Tú", "Chức vụ": "Ủy viên", "Từ ngày": "31/02/2024"},  # row 10
        {"Mã CĐCS": "DT03", "Họ và tên": "Đinh Văn Bảo", "Chức vụ": "Ủy viên"},  # unknown, row 11
    ]
    client = client_for(federation_user)
    before = table_rows()
    upload, response = receive(client, federation, officers_file(federation, bad))
    assert upload.outcome == "refused"
    messages = {(problem["row"], problem["column"]): problem["message"] for problem in upload.problems}
    assert sorted(messages) == [(7, "Chức vụ"), (8, "Mã CĐCS"), (9, "Chức vụ"), (10, "Từ ngày"), (11, "Mã CĐCS")]
    assert "Nguyễn Thị Lan giữ chức Chủ tịch từ ngày 20/04/2023" in messages[7, "Chức vụ"]
    assert "không trực thuộc LĐLĐ huyện Đại Từ" in messages[8, "Mã CĐCS"]
    assert "“Thủ quỹ” không có trong các lựa chọn" in messages[9, "Chức vụ"]
    assert "“31/02/2024” không phải ngày" in messages[10, "Từ ngày"]
    shown = find(page(response), id="upload-problems")
    assert "Chưa ghi gì" in text(shown) and "DT03" in text(shown)
    uploads = "members.OfficerListUpload"
    assert {k: v for k, v in table_rows().items() if k != uploads} == {k: v for k, v in before.items() if k != uploads}


def test_the_export_uploaded_again_changes_nothing(client_for, provincial_staff, federation, unions):
    client = client_for(provincial_staff)
    response = client.post(reverse("members:officer_list_export", kwargs={"code": "DT"}))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert AuditEntry.objects.filter(action="officer_list.export").count() == 1
    read = list_read(response.content)
    assert [(row["cdcs"], row["full_name"], row["post"]) for row in read.rows] == [
        ("DT02", "Vũ Thị Yến", "chair"), ("DT02", "Lý Văn An", "member")]  # fmt: skip
    upload, page_response = receive(client, federation, response.content)
    assert text(find(page(page_response), id="count-unchanged")) == "2"
    assert find(page(page_response), id="upload-unchanged")


def test_a_new_congress_in_the_list_ends_the_term_before_it(federation, unions):
    _dt01, dt02, _pb01 = unions
    lines = [{"Mã CĐCS": "DT02", "Ngày đại hội": "02/05/2025", "Số ủy viên BCH theo điều lệ": 3,
              "Họ và tên": "Lý Văn An", "Chức vụ": "Chủ tịch"}]  # fmt: skip
    read = list_read(officers_file(federation, lines))
    list_import(read=read, federation=federation, user=None, plan=None)
    old, new = Term.objects.filter(cdcs=dt02).order_by("starts_on")
    assert set(old.officers.values_list("to_on", "left_reason")) == {(date(2025, 5, 2), "term_ended")}
    assert list(new.officers.values_list("full_name", "post")) == [("Lý Văn An", "chair")]
    assert AuditEntry.objects.filter(action="term.open", data__cdcs="DT02").count() == 2


def test_card_numbers_link_officers_to_the_register(federation, unions):
    dt01 = unions[0]
    member = member_admit(cdcs=dt01, data=MemberData("Nguyễn Thị Lan", date(2020, 1, 1), card_number="TN0000123"),
                          existing=True, month=Month(2025, 5), user=None)  # fmt: skip
    line = {**GOOD[0], "Số thẻ đoàn viên": "tn123"}
    list_import(read=list_read(officers_file(federation, [line])), federation=federation, user=None, plan=None)
    assert Officer.objects.get(full_name="Nguyễn Thị Lan").member == member
    with pytest.raises(ListRefused) as refused:
        line = {"Mã CĐCS": "DT01", "Họ và tên": "Trần Văn Hùng", "Chức vụ": "Ủy viên", "Số thẻ đoàn viên": "TN999"}
        list_import(read=list_read(officers_file(federation, [line])), federation=federation, user=None, plan=None)
    assert "Không có đoàn viên số thẻ TN999" in refused.value.problems[0].message


def test_another_federations_file_is_refused(federation, other_federation, unions):
    data = officers_file(other_federation, [{"Mã CĐCS": "PB01", "Họ và tên": "Hà Văn Sơn", "Chức vụ": "Ủy viên"}])
    with pytest.raises(ListRefused) as refused:
        list_import(read=list_read(data), federation=federation, user=None, plan=None)
    assert "Tệp ghi mã đơn vị PB" in refused.value.problems[0].message
