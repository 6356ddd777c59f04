"""Enterprise lists in Excel, written with openpyxl: merged by tax code, refused whole on any error."""

import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from members.models import AuditEntry
from members.services.org import cdcs_move
from organising.exports import HEADER_ROW, LIST_SHEET, register_workbook
from organising.imports import ListConflict, ListRefused, list_import, list_preview, list_read, tax_code_of
from organising.models import Enterprise, EnterpriseListUpload, Stage
from organising.selectors import register_rows
from organising.services import enterprise_create
from organising.tests.test_services import MOVED_AWAY
from unionportal.lib.months import Month

HEADERS = ["STT", "Mã số thuế", "Tên doanh nghiệp", "Địa chỉ", "Mã công đoàn cấp trên", "Khu vực", "Số lao động"]


def xlsx(rows, *, headers=HEADERS, title_rows=2) -> bytes:
    """A list as an office would send it: a title, then the header row and the lines."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = LIST_SHEET
    sheet.append(["DANH SÁCH DOANH NGHIỆP"])
    for _ in range(title_rows - 1):
        sheet.append([])
    sheet.append(headers)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def gach(federation):
    return enterprise_create(
        name="Công ty Gạch", tax_code="4600100001", federation=federation, sector="private", workers=40,
        on=date(2021, 3, 1), user=None,
    )  # fmt: skip


def _import(data: bytes, user):
    read = list_read(data)
    preview = list_preview(read, user=user)
    return list_import(read=read, user=user, plan=preview.plan)


def test_an_existing_tax_code_is_updated_not_doubled(gach, federation, provincial_staff):
    data = xlsx([
        (1, "4600 100.001", "Công ty CP Gạch Đại Từ", "Xã Hùng Sơn", "DT", "", 150),  # the same enterprise
        (2, "4600100002-001", "Chi nhánh Công ty May", "", "DT", "Doanh nghiệp có vốn đầu tư nước ngoài", 900),
    ])  # fmt: skip
    preview = _import(data, provincial_staff)
    assert (len(preview.created), len(preview.updated)) == (1, 1)
    assert Enterprise.objects.count() == 2
    gach.refresh_from_db()
    assert (gach.name, gach.address, gach.workers, gach.sector) == (
        "Công ty CP Gạch Đại Từ",
        "Xã Hùng Sơn",
        150,
        "private",
    )
    branch = Enterprise.objects.get(tax_code="4600100002-001")
    assert (branch.federation, branch.sector, branch.workers, branch.stage) == (
        federation,
        "fdi",
        900,
        Stage.IDENTIFIED,
    )
    assert branch.stage_changes.get().from_stage == ""
    assert AuditEntry.objects.filter(action="enterprise.update", object_id=str(gach.pk)).exists()
    assert AuditEntry.objects.filter(action="enterprise_list.import").exists()
    # the same file again changes nothing
    again = list_preview(list_read(data), user=provincial_staff)
    assert (len(again.created), len(again.updated), len(again.unchanged)) == (0, 0, 2)


def test_an_export_uploaded_again_changes_nothing(gach, provincial_staff):
    buffer = io.BytesIO()
    register_workbook(register_rows(Enterprise.objects.all())).save(buffer)
    preview = list_preview(list_read(buffer.getvalue()), user=provincial_staff)
    assert not preview.problems
    assert [line.action for line in preview.lines] == ["same"]


def test_the_template_has_the_columns_the_import_reads():
    buffer = io.BytesIO()
    register_workbook().save(buffer)
    sheet = load_workbook(buffer)[LIST_SHEET]
    headers = [cell.value for cell in sheet[HEADER_ROW]]
    assert headers[:7] == HEADERS


def test_a_tax_code_that_excel_turned_into_a_number_gets_its_zero_back():
    assert tax_code_of(123456789) == "0123456789"  # no tax code starts with 00, so one zero was lost
    assert tax_code_of(4600100001.0) == "4600100001"
    with pytest.raises(ValueError, match="văn bản"):
        tax_code_of(12345678)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([(1, "46001", "Công ty A", "", "DT", "FDI", 10)], "10 chữ số"),
        ([(1, "4600100009", "Công ty A", "", "DT", "FDI", 10), (2, "4600.100.009", "Công ty B", "", "DT", "FDI", 5)],
         "dòng 5 và dòng 6"),
        ([(1, "4600100009", "Công ty A", "", "XX", "FDI", 10)], "Không có công đoàn cấp trên mã “XX”"),
        ([(1, "4600100009", "Công ty A", "", "DT", "Ngân hàng", 10)], "Khu vực “Ngân hàng”"),
        ([(1, "4600100009", "Công ty A", "", "DT", "FDI", -3)], "không được âm"),
        ([(1, "4600100009", "", "", "DT", "FDI", 3)], "Tên doanh nghiệp"),
        ([(1, "4600100009", "Công ty A", "", "", "FDI", 3)], "Mã công đoàn cấp trên"),  # provincial: name it
    ],
)  # fmt: skip
def test_a_bad_line_refuses_the_whole_file(gach, provincial_staff, rows, message):
    good = (9, "4600100008", "Công ty Tốt", "", "DT", "FDI", 50)
    read = list_read(xlsx([good, *rows]))
    with pytest.raises(ListRefused) as refused:
        list_import(read=read, user=provincial_staff, plan=None)
    assert any(message in problem.message for problem in refused.value.problems), refused.value.problems
    assert Enterprise.objects.count() == 1


def test_federation_staff_import_only_their_own_federations_enterprises(
    gach, federation_user, other_federation_user, other_federation
):
    # DT's own file: the federation column may be left blank
    preview = _import(xlsx([(1, "4600100005", "Công ty Mới", "", "", "Hợp tác xã", 12)]), federation_user)
    assert len(preview.created) == 1
    assert Enterprise.objects.get(tax_code="4600100005").federation.code == "DT"
    # PB's staff naming DT, or sending a line for DT's enterprise: refused whole
    for rows in (
        [(1, "4600200001", "Công ty PB", "", "PB", "FDI", 10), (2, "4600200002", "Công ty DT", "", "DT", "FDI", 10)],
        [(1, "4600200001", "Công ty PB", "", "PB", "FDI", 10), (2, "4600100001", "Gạch", "", "", "", 99)],
    ):
        with pytest.raises(ListRefused):
            list_import(read=list_read(xlsx(rows)), user=other_federation_user, plan=None)
    assert not Enterprise.objects.filter(federation=other_federation).exists()
    gach.refresh_from_db()
    assert gach.workers == 40


def test_a_list_links_an_enterprise_to_its_existing_cdcs(gach, federation, make_cdcs, provincial_staff):
    make_cdcs(federation, code="DT05")
    rows = [(1, "4600100001", "", "", "", "", None, "DT05")]
    _import(xlsx(rows, headers=[*HEADERS, "Mã CĐCS (nếu đã có)"]), provincial_staff)
    gach.refresh_from_db()
    assert gach.cdcs.code == "DT05" and gach.stage == Stage.FOUNDED


def test_a_list_cannot_link_a_cdcs_that_moved_to_another_federation(
    gach, federation, other_federation, make_cdcs, federation_user
):
    moved = make_cdcs(federation, code="DT05", founded_on=date(2015, 6, 1))
    cdcs_move(cdcs=moved, federation=other_federation, from_month=Month(2021, 1), user=None)
    rows = [(1, "4600100001", "", "", "", "", None, "DT05")]
    preview = list_preview(list_read(xlsx(rows, headers=[*HEADERS, "Mã CĐCS (nếu đã có)"])), user=federation_user)
    assert [(p.row, p.column, p.message) for p in preview.problems] == [(4, "Mã CĐCS (nếu đã có)", MOVED_AWAY)]
    gach.refresh_from_db()
    assert gach.cdcs is None


def test_confirming_a_preview_that_no_longer_holds_is_refused(gach, provincial_staff):
    read = list_read(xlsx([(1, "4600100001", "Công ty Gạch", "", "DT", "", 60)]))
    plan = list_preview(read, user=provincial_staff).plan
    Enterprise.objects.filter(pk=gach.pk).update(workers=60)  # someone changed it meanwhile
    with pytest.raises(ListConflict):
        list_import(read=read, user=provincial_staff, plan=plan)


def test_uploading_previewing_and_confirming_through_the_pages(client_for, federation_user, gach):
    client = client_for(federation_user)
    data = xlsx([(1, "4600100001", "", "", "", "", 75), (2, "4600100007", "Công ty Bao Bì", "", "DT", "FDI", 30)])
    upload_file = io.BytesIO(data)
    upload_file.name = "doanh-nghiep.xlsx"
    response = client.post(reverse("organising:list_upload"), {"file": upload_file})
    upload = EnterpriseListUpload.objects.get()
    assert response.url == reverse("organising:list_preview", kwargs={"pk": upload.pk})
    page = client.get(response.url).content.decode()
    assert 'id="count-created">1<' in page and 'id="count-updated">1<' in page
    assert Enterprise.objects.count() == 1  # nothing written by the preview
    client.post(reverse("organising:list_confirm", kwargs={"pk": upload.pk}), {"plan": upload.parsed["plan"]})
    upload.refresh_from_db()
    assert (upload.outcome, upload.rows_created, upload.rows_updated) == ("imported", 1, 1)
    assert Enterprise.objects.get(tax_code="4600100001").workers == 75


def test_a_refused_upload_shows_its_problems_and_writes_nothing(client_for, federation_user):
    client = client_for(federation_user)
    upload_file = io.BytesIO(xlsx([(1, "46-001", "Công ty A", "", "", "FDI", 10)]))
    upload_file.name = "sai.xlsx"
    response = client.post(reverse("organising:list_upload"), {"file": upload_file}, follow=True)
    page = response.content.decode()
    assert "Không nhập được" in page and "10 chữ số" in page
    assert 'id="confirm-upload"' not in page
    assert not Enterprise.objects.exists()


def test_the_command_imports_a_list_and_refuses_a_bad_one(tmp_path, federation, provincial_staff):
    good, bad = tmp_path / "tot.xlsx", tmp_path / "sai.xlsx"
    good.write_bytes(xlsx([(1, "4600100005", "Công ty Mới", "", "DT", "FDI", 12)]))
    bad.write_bytes(xlsx([(1, "4600100006", "Công ty Sai", "", "ZZ", "FDI", 12)]))
    with pytest.raises(CommandError):
        call_command("import_enterprises", str(bad), user="bantochuc", stdout=io.StringIO(), stderr=io.StringIO())
    call_command("import_enterprises", str(good), user="bantochuc", stdout=io.StringIO())
    assert list(Enterprise.objects.values_list("tax_code", flat=True)) == ["4600100005"]
