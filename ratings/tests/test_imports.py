"""The self-assessment in Excel: template, upload → preview → confirm, refused whole on any error."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from members.models import AuditEntry
from ratings.models import Assessment, RatingUpload
from ratings.services import rubric_close
from unionportal.lib.xlsx import XLSX_TYPE

from .sheets import rating_sheet

CODES = ("1.1", "1.2", "1.3", "2.1", "2.2", "3.1", "3.2", "4.1", "4.2")
GOOD = [9, 9, 9, 14, 14, 10, 10, 8, 7]  # 90 points


def _upload(client, year, code, data, name="tu-cham.xlsx"):
    url = reverse("ratings:upload", kwargs={"year": year, "code": code})
    return client.post(url, {"file": SimpleUploadedFile(name, data, content_type=XLSX_TYPE)})


def test_template_lists_the_federations_cdcs_with_one_column_per_criterion(
    client_for, federation_user, federation, make_cdcs, make_rubric, rate
):
    rubric = make_rubric(2024)
    first, second = make_cdcs(federation, code="DT01"), make_cdcs(federation, code="DT02")
    rate(rubric, first, federation, {"1.1": 7})
    response = client_for(federation_user).get(reverse("ratings:template", kwargs={"year": 2024, "code": "DT"}))
    sheet = load_workbook(io.BytesIO(response.content))["Tự chấm điểm"]
    rows = list(sheet.iter_rows(min_row=5, values_only=True))
    assert rows[0][:4] == ("Mã CĐCS", "Tên CĐCS", "1.1 (tối đa 10)", "1.2 (tối đa 10)")
    assert rows[1][:3] == ("DT01", first.name, 7) and rows[2][:3] == ("DT02", second.name, None)
    assert (sheet["C2"].value, sheet["C3"].value) == ("DT", 2024)


def test_the_downloaded_template_filled_in_and_uploaded_is_imported_after_confirmation(
    client_for, federation_user, federation, make_cdcs, make_rubric
):
    rubric = make_rubric(2024)
    cdcs = make_cdcs(federation, code="DT01")
    client = client_for(federation_user)
    template = client.get(reverse("ratings:template", kwargs={"year": 2024, "code": "DT"})).content
    workbook = load_workbook(io.BytesIO(template))
    sheet = workbook["Tự chấm điểm"]
    for column, value in enumerate(GOOD, start=3):
        sheet.cell(row=6, column=column, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = _upload(client, 2024, "DT", buffer.getvalue())
    upload = RatingUpload.objects.get()
    assert response.url == reverse("ratings:upload_detail", kwargs={"year": 2024, "code": "DT", "pk": upload.pk})
    page = client.get(response.url)
    assert "1 CĐCS thay đổi điểm tự chấm" in page.content.decode()
    assert not Assessment.objects.exists()  # nothing written before the confirmation
    client.post(reverse("ratings:upload_confirm", kwargs={"year": 2024, "code": "DT", "pk": upload.pk}))
    assessment = Assessment.objects.get(rubric=rubric, cdcs=cdcs)
    assert (assessment.self_total, assessment.self_level.name) == (90, "Hoàn thành xuất sắc nhiệm vụ")
    assert AuditEntry.objects.get(action="rating.self_assess").source == "upload"
    assert RatingUpload.objects.get().outcome == "imported"


def test_a_sheet_with_errors_is_refused_whole_with_line_numbers(
    client_for, federation_user, federation, other_federation, make_cdcs, make_rubric
):
    make_rubric(2024)
    make_cdcs(federation, code="DT01")
    make_cdcs(federation, code="DT02")
    make_cdcs(other_federation, code="PB01")
    rows = [
        ("DT01", GOOD),  # line 6: fine
        ("DT02", [11, *GOOD[1:]]),  # line 7: 1.1 above its maximum
        ("PB01", GOOD),  # line 8: another federation's CĐCS
        ("DT01", GOOD),  # line 9: twice
        ("DT02", ["mười", *GOOD[1:]]),  # line 10: not a number
    ]
    client = client_for(federation_user)
    _upload(client, 2024, "DT", rating_sheet(2024, "DT", rows, codes=CODES))
    upload = RatingUpload.objects.get()
    assert upload.outcome == "refused"
    problems = {(problem["row"], problem["message"]) for problem in upload.problems}
    assert (7, "Tiêu chí 1.1 tối đa 10 điểm, không được chấm 11.") in problems
    assert (8, "PB01 không phải CĐCS DT đánh giá năm 2024.") in problems
    assert (9, "DT01 đã có ở dòng 6.") in problems
    assert any(row == 10 and "không phải số nguyên" in message for row, message in problems)
    page = client.get(reverse("ratings:upload_detail", kwargs={"year": 2024, "code": "DT", "pk": upload.pk}))
    assert "Chưa ghi gì" in page.content.decode() and 'id="confirm-upload"' not in page.content.decode()
    assert not Assessment.objects.exists()


def test_another_federations_or_years_sheet_and_a_missing_criterion_are_refused(
    client_for, federation_user, federation, make_cdcs, make_rubric
):
    make_rubric(2024)
    make_cdcs(federation, code="DT01")
    client = client_for(federation_user)
    _upload(client, 2024, "DT", rating_sheet(2023, "PB", [("DT01", GOOD[:8])], codes=CODES[:8]))
    messages = [problem["message"] for problem in RatingUpload.objects.get().problems]
    assert "Tệp này của đơn vị PB, không phải DT." in messages
    assert "Tệp này của năm 2023, không phải năm 2024." in messages
    assert "Thiếu cột tiêu chí: 4.2." in messages
    assert not Assessment.objects.exists()


def test_a_year_closed_between_preview_and_confirmation_refuses_the_import(
    client_for, federation_user, federation, make_cdcs, make_rubric
):
    rubric = make_rubric(2024)
    make_cdcs(federation, code="DT01")
    client = client_for(federation_user)
    _upload(client, 2024, "DT", rating_sheet(2024, "DT", [("DT01", GOOD)], codes=CODES))
    upload = RatingUpload.objects.get()
    assert upload.outcome == "preview"
    rubric_close(rubric=rubric, user=None)
    client.post(reverse("ratings:upload_confirm", kwargs={"year": 2024, "code": "DT", "pk": upload.pk}))
    upload.refresh_from_db()
    assert upload.outcome == "refused" and "đã khóa" in upload.problems[0]["message"]
    assert not Assessment.objects.exists()


def test_a_file_that_is_not_a_workbook_is_refused(client_for, federation_user, federation, make_rubric):
    make_rubric(2024)
    _upload(client_for(federation_user), 2024, "DT", b"not a spreadsheet at all", name="diem.xlsx")
    upload = RatingUpload.objects.get()
    assert upload.outcome == "refused" and upload.problems
