"""The Excel round trip in the browser's terms: template download, upload, preview, confirm,
history and the original file; hostile and wrong files refused with a message and nothing written."""

import io
import threading
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connections
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from members.figures.exports import BASE_SHEET, DISSOLVED_SHEET, FOUNDED_SHEET, GUIDE_SHEET, MONTH_SHEET
from members.models import AuditEntry, MonthlyFigure, Upload
from unionportal.lib.months import Month
from unionportal.testing.sheets import fill, template, to_bytes

MARCH, APRIL = Month(2021, 3), Month(2021, 4)


def _url(name, federation, **kwargs):
    return reverse(f"members:{name}", kwargs={"code": federation.code, **kwargs})


def _upload(client, federation, data: bytes, name="so-lieu.xlsx", month=APRIL):
    return client.post(_url("upload", federation, month=month), {"file": SimpleUploadedFile(name, data)})


def _figures(month=APRIL):
    return MonthlyFigure.objects.filter(month=month.first_day)


def test_the_template_is_the_months_workbook(client_for, federation, leader, unions):
    response = client_for(leader).get(_url("month_template", federation, month=APRIL))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="so-lieu-DT-2021-04.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [MONTH_SHEET, FOUNDED_SHEET, DISSOLVED_SHEET, GUIDE_SHEET, BASE_SHEET]
    assert workbook[BASE_SHEET].sheet_state == "veryHidden" and workbook[BASE_SHEET].protection.sheet
    sheet = workbook[MONTH_SHEET]
    assert (sheet["C3"].value, sheet["C4"].value, sheet["C5"].value) == ("LĐLĐ huyện Đại Từ", "DT", "04/2021")
    assert [sheet.cell(row=9, column=column).value for column in (2, 5)] == ["DT01", 100]
    assert sheet.protection.sheet and sheet["B9"].protection.locked and not sheet["F9"].protection.locked
    validation = sheet.data_validations.dataValidation[0]
    assert (validation.type, validation.operator, validation.formula1, validation.formula2) == (
        "whole", "between", "0", "1000000"
    )  # fmt: skip


def test_upload_preview_confirm_and_history(client_for, federation, federation_user, unions):
    client = client_for(federation_user)
    data = to_bytes(fill(template(federation, APRIL), {"DT01": {"Kết nạp mới": 5}, "DT02": {"Chuyển đến": 1}}))
    response = _upload(client, federation, data)
    upload = Upload.objects.get()
    assert response.url == _url("upload_detail", federation, pk=upload.pk)
    assert upload.outcome == Upload.Outcome.PREVIEW and bytes(upload.content) == data
    assert not _figures().exists()

    page = client.get(response.url).content.decode()
    assert "Xem trước: 2 CĐCS thay đổi" in page
    assert "Kết nạp mới: – → <strong>5</strong>" in page
    response = client.post(_url("upload_confirm", federation, pk=upload.pk))
    assert response.url == _url("grid", federation, month=APRIL)
    assert sorted(_figures().values_list("members_end", flat=True)) == [41, 105]
    upload.refresh_from_db()
    assert (upload.outcome, upload.rows_changed, upload.finished_by) == ("imported", 2, federation_user)
    entry = AuditEntry.objects.get(action="sheet.import")
    assert (entry.user, entry.source, entry.federation, entry.data["file"], entry.data["rows"]) == (
        federation_user, "upload", federation, "so-lieu.xlsx", 2
    )  # fmt: skip
    history = client.get(reverse("members:return_history", kwargs={"code": "DT", "month": APRIL})).content.decode()
    assert "Nhập số liệu từ tệp Excel" in history and "so-lieu.xlsx" in history

    history = client.get(_url("upload_history", federation)).content.decode()
    assert "so-lieu.xlsx" in history and "đã nhập" in history
    original = client.get(_url("upload_file", federation, pk=upload.pk))
    assert original.status_code == 200 and original.content == data

    again = _upload(client, federation, data)  # the same file again: nothing to confirm
    second = Upload.objects.latest("pk")
    assert second.outcome == Upload.Outcome.UNCHANGED
    assert "không thay đổi gì" in client.get(again.url).content.decode()


def test_a_file_with_errors_is_refused_with_its_problems_and_writes_nothing(
    client_for, federation, federation_user, unions
):
    client = client_for(federation_user)
    data = to_bytes(fill(template(federation, APRIL), {"DT01": {"Kết nạp mới": -2}, "DT02": {"Kết nạp mới": 3}}))
    response = _upload(client, federation, data)
    upload = Upload.objects.get()
    assert upload.outcome == Upload.Outcome.REFUSED
    page = client.get(response.url).content.decode()
    assert "Không nhập được: 1 lỗi" in page and "không được âm" in page and "Kết nạp mới" in page
    assert "confirm-upload" not in page
    assert client.post(_url("upload_confirm", federation, pk=upload.pk)).status_code == 302
    assert not _figures().exists()


def test_leadership_sees_the_history_but_not_the_original_files_nor_their_names(
    client_for, federation, federation_user, provincial_staff, leader, unions
):
    """A file is named by whoever uploads it, often after a person: its name is shown, as in the
    audit trail, to those who read member records only."""
    name = "DS Nguyen Van An.xlsx"
    _upload(client_for(federation_user), federation, to_bytes(template(federation, APRIL)), name=name)
    upload = Upload.objects.get()
    client = client_for(leader)
    history = client.get(_url("upload_history", federation))
    assert _url("upload_detail", federation, pk=upload.pk) in history.content.decode()
    assert name not in history.content.decode()
    assert name not in client.get(_url("upload_detail", federation, pk=upload.pk)).content.decode()
    assert client.get(_url("upload_file", federation, pk=upload.pk)).status_code == 403
    staff = client_for(provincial_staff)
    assert name in staff.get(_url("upload_history", federation)).content.decode()
    assert name in staff.get(_url("upload_detail", federation, pk=upload.pk)).content.decode()


def _zip(entries: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _xlsx_with(part: str, content: bytes) -> bytes:
    """A real workbook (written by openpyxl) with one of its parts replaced."""
    source = zipfile.ZipFile(io.BytesIO(to_bytes(openpyxl.Workbook())))
    return _zip({name: content if name == part else source.read(name) for name in source.namelist()})


BOMB = _zip({"[Content_Types].xml": b"<Types/>", "xl/worksheets/sheet1.xml": b"0" * (20 * 1024 * 1024)})  # 1,000:1
ENTITIES = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets>&lol2;</sheets></workbook>"""
SHEET_ENTITIES = b"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">
<c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>"""
EXTERNAL = b"""<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets>&xxe;</sheets></workbook>"""


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("so-lieu.csv", "Mã CĐCS,Kết nạp mới\nDT01,5\n".encode(), "Đây là tệp văn bản (.csv?)"),
        ("so-lieu.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "Đây là tệp .xls"),
        (
            "mat-khau.xlsx",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 100,
            "Tệp được đặt mật khẩu",
        ),
        ("hong.xlsx", b"PK\x03\x04 this is not a zip", "bị hỏng"),
        ("nen.xlsx", _zip({"word/document.xml": b"<w/>"}), "Không phải tệp Excel"),
        ("bom.xlsx", BOMB, "nén quá mức"),
        ("nhieu.xlsx", _zip({"[Content_Types].xml": b"", **{f"xl/{n}.xml": b"" for n in range(300)}}), "quá nhiều"),
        ("thuc-the.xlsx", _xlsx_with("xl/workbook.xml", ENTITIES), "khai báo XML không được phép"),
        ("trang.xlsx", _xlsx_with("xl/worksheets/sheet1.xml", SHEET_ENTITIES), "khai báo XML không được phép"),
        ("ngoai.xlsx", _xlsx_with("xl/workbook.xml", EXTERNAL), "khai báo XML không được phép"),
    ],
    ids=[
        "csv",
        "xls",
        "password",
        "corrupt",
        "docx-like",
        "zip-bomb",
        "entries",
        "xml-entities",
        "sheet-entities",
        "xxe",
    ],
)
def test_hostile_and_wrong_files_are_refused_with_a_message(
    client_for, federation, federation_user, unions, name, data, message
):
    client = client_for(federation_user)
    response = _upload(client, federation, data, name=name)
    upload = Upload.objects.get()
    assert upload.outcome == Upload.Outcome.REFUSED
    assert message in upload.problems[0]["message"]
    assert message in client.get(response.url).content.decode()
    assert not _figures().exists()


def test_an_archive_that_unzips_beyond_the_cap_is_refused_before_it_is_opened(settings):
    from unionportal.lib.xlsx import UnsafeFile, check_xlsx

    settings.UPLOAD_MAX_UNZIPPED_BYTES = 1024 * 1024
    many = _zip({"[Content_Types].xml": b"", **{f"xl/part{n}.xml": bytes(range(256)) * 1024 for n in range(5)}})
    with pytest.raises(UnsafeFile, match="khi giải nén quá lớn"):
        check_xlsx(many)


def test_openpyxl_parses_xml_through_defusedxml():
    from openpyxl import xml

    assert xml.DEFUSEDXML is True


def test_a_file_above_the_size_cap_is_refused(client_for, federation, federation_user, unions, settings):
    settings.UPLOAD_MAX_BYTES = 1_000
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 20_000_000
    response = _upload(client_for(federation_user), federation, to_bytes(template(federation, APRIL)))
    assert "lớn hơn" in Upload.objects.get().problems[0]["message"]
    assert response.status_code == 302


def test_a_file_above_the_in_memory_limit_never_reaches_a_temporary_file(
    client_for, federation, federation_user, unions, settings
):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1_000
    response = _upload(client_for(federation_user), federation, to_bytes(template(federation, APRIL)))
    assert response.status_code == 200
    assert "Hãy chọn tệp .xlsx" in response.content.decode()
    assert not Upload.objects.exists()


def test_too_many_rows_are_refused(client_for, federation, federation_user, unions, settings):
    settings.UPLOAD_MAX_ROWS = 1
    _upload(client_for(federation_user), federation, to_bytes(template(federation, APRIL)))
    assert "quá 1 dòng" in Upload.objects.get().problems[0]["message"]


def test_another_federations_sheet_uploaded_by_a_federation_user(
    client_for, federation, other_federation, federation_user, other_federation_user, make_cdcs, unions
):
    """The PB user uploads DT's sheet on their own page: refused by the title block."""
    make_cdcs(other_federation, opening=10, first_month=MARCH, code="PB01")
    _upload(client_for(other_federation_user), other_federation, to_bytes(template(federation, APRIL)))
    upload = Upload.objects.get()
    assert upload.outcome == Upload.Outcome.REFUSED
    assert "mã DT, không phải của LĐLĐ huyện Phú Bình" in upload.problems[0]["message"]
    # and DT's upload page is not theirs at all
    response = _upload(client_for(other_federation_user), federation, to_bytes(template(federation, APRIL)))
    assert response.status_code == 404


def test_two_uploads_previewed_together_the_second_confirm_is_refused(
    client_for, federation, federation_user, provincial_staff, unions
):
    first = client_for(federation_user)
    second = Client()
    second.force_login(provincial_staff)
    _upload(first, federation, to_bytes(fill(template(federation, APRIL), {"DT01": {"Kết nạp mới": 5}})))
    _upload(second, federation, to_bytes(fill(template(federation, APRIL), {"DT01": {"Kết nạp mới": 9}})))
    one, two = Upload.objects.order_by("pk")
    first.post(_url("upload_confirm", federation, pk=one.pk))
    response = second.post(_url("upload_confirm", federation, pk=two.pk), follow=True)
    assert "sau khi bạn tải tệp lên" in response.content.decode()
    assert _figures().get(cdcs__code="DT01").admitted == 5
    # Both changed the same cell from the same template: the preview now names it with both values.
    page = second.get(_url("upload_detail", federation, pk=two.pk)).content.decode()
    assert "F9" in page and "DT01" in page and "Tệp ghi 9, nhưng" in page and "đã lưu 5 lúc" in page
    assert 'id="confirm-upload"' not in page
    second.post(_url("upload_confirm", federation, pk=two.pk))
    assert _figures().get(cdcs__code="DT01").admitted == 5
    assert Upload.objects.get(pk=two.pk).outcome == Upload.Outcome.REFUSED


@pytest.mark.django_db(transaction=True)
def test_simultaneous_confirms_of_one_month_let_one_through_and_write_nothing_of_the_other(
    federation, federation_user, provincial_staff, make_cdcs
):
    unions = [make_cdcs(federation, opening=50, first_month=MARCH) for _ in range(30)]
    clients = {}
    for name, user, admitted in (("federation", federation_user, 3), ("province", provincial_staff, 7)):
        client = Client()
        client.force_login(user)
        data = to_bytes(fill(template(federation, APRIL), {cdcs.code: {"Kết nạp mới": admitted} for cdcs in unions}))
        _upload(client, federation, data)
        clients[name] = (client, Upload.objects.latest("pk"))

    start = threading.Barrier(2)

    def confirm(name):
        client, upload = clients[name]
        try:
            start.wait()
            client.post(_url("upload_confirm", federation, pk=upload.pk))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=confirm, args=(name,)) for name in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    outcomes = sorted(Upload.objects.values_list("outcome", flat=True))
    assert outcomes == ["imported", "preview"]
    winner = Upload.objects.get(outcome="imported").uploaded_by
    admitted = set(_figures().values_list("admitted", flat=True))
    assert admitted == {3 if winner == federation_user else 7}
    assert _figures().count() == len(unions)
    assert AuditEntry.objects.filter(action="figures.record", month=APRIL.first_day).count() == len(unions)


def test_import_month_command_previews_and_imports(federation, unions, tmp_path, capsys):
    path = tmp_path / "thang4.xlsx"
    path.write_bytes(to_bytes(fill(template(federation, APRIL), {"DT01": {"Kết nạp mới": 5}})))
    call_command("import_month", str(path), "--federation", "DT", "--month", "2021-04", "--dry-run")
    out = capsys.readouterr().out
    assert "2 CĐCS thay đổi" in out and "Kết nạp mới: – → 5" in out and "chưa ghi gì" in out
    assert not _figures().exists() and not Upload.objects.exists()

    call_command("import_month", str(path), "--federation", "DT", "--month", "2021-04")
    assert "Đã nhập: 2 dòng thay đổi" in capsys.readouterr().out
    assert _figures().get(cdcs__code="DT01").admitted == 5
    upload = Upload.objects.get()
    assert (upload.source, upload.outcome, upload.file_name) == ("command", "imported", "thang4.xlsx")
    assert set(AuditEntry.objects.filter(month=APRIL.first_day).values_list("source", flat=True)) == {"command"}


def test_import_month_command_prints_the_problems_and_fails(federation, unions, tmp_path, capsys):
    path = tmp_path / "sai.xlsx"
    path.write_bytes(to_bytes(fill(template(federation, APRIL), {"DT01": {"Kết nạp mới": "năm"}})))
    with pytest.raises(CommandError, match="1 lỗi"):
        call_command("import_month", str(path), "--federation", "DT", "--month", "2021-04")
    assert (
        "Số liệu tháng · dòng 9 · F9 (Kết nạp mới) · CĐCS DT01: “năm” không phải số nguyên" in capsys.readouterr().out
    )
    assert not _figures().exists()
    assert Upload.objects.get().outcome == Upload.Outcome.REFUSED


def test_the_month_export_has_the_saved_figures_as_numbers_with_totals(client_for, federation, leader, unions):
    from members.figures.services import figures_record

    figures_record(cdcs=unions[0], month=APRIL, admitted=1_234, user=None)
    unions[1].name = '=HYPERLINK("http://x")'
    unions[1].save()
    response = client_for(leader).get(_url("month_export", federation, month=APRIL))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows.index(next(row for row in rows if row and row[0] == "Mã CĐCS"))
    columns = rows[header]
    first = dict(zip(columns, rows[header + 1], strict=True))
    assert (first["Mã CĐCS"], first["Kết nạp mới"], first["Đoàn viên cuối kỳ"]) == ("DT01", 1234, 1334)
    second = dict(zip(columns, rows[header + 2], strict=True))
    assert second["Tên CĐCS"] == '\'=HYPERLINK("http://x")' and second["Kết nạp mới"] is None
    total = dict(zip(columns, rows[header + 3], strict=True))
    assert (total["Tên CĐCS"], total["Kết nạp mới"], total["Đoàn viên cuối kỳ"]) == ("Tổng cộng", 1234, 1334)
