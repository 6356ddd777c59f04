"""The admin's import and export pages (django-import-export), driven as an administrator does:
files made with openpyxl or csv, posted to the real views, and the answers read back."""

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from members.models import LOSS_FIELDS

XLSX, CSV = "0", "1"  # their positions in members.figures.resources.FORMATS
HOSTILE_NAMES = ['=HYPERLINK("http://x.example","bấm")', "+1", "@SUM(A1:A2)", "-2"]


def export(client, model: str, resource, fmt: str):
    """Post the export form of `model` ("members_monthlyfigure") with every column ticked."""
    prefix = resource.__name__.lower()
    data = {"format": fmt, "resource": "0", **{f"{prefix}_{name}": "on" for name in resource().get_export_order()}}
    response = client.post(reverse(f"admin:{model}_export"), data)
    assert response.status_code == 200, response
    return response


def read_xlsx(response) -> list[dict]:
    """The exported rows as {header: openpyxl cell}."""
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows())
    headers = [cell.value for cell in rows[0]]
    return [dict(zip(headers, row, strict=True)) for row in rows[1:]]


def read_csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def xlsx_file(headers, rows, name: str = "nhap.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def csv_file(headers, rows, name: str = "nhap.csv") -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode("utf-8"))


def import_file(client, model: str, upload, fmt: str = XLSX, *, before_confirm=None):
    """Upload on the import page and, when its preview offers it, confirm. `before_confirm` runs
    between the two, as when someone else acts meanwhile. Returns (preview, confirmation or None)."""
    preview = client.post(reverse(f"admin:{model}_import"), {"format": fmt, "resource": "0", "import_file": upload})
    assert preview.status_code == 200, preview
    form = preview.context.get("confirm_form")
    if form is None:
        return preview, None
    if before_confirm:
        before_confirm()
    return preview, client.post(reverse(f"admin:{model}_process_import"), form.initial)


def row_errors(preview) -> dict[int, list[str]]:
    """The refused rows of a preview: {row number: every message}."""
    result = preview.context["result"]
    return {row.number: [m for messages in row.error_dict.values() for m in messages] for row in result.invalid_rows}


def figure_change_post(client, row, **changes):
    """Post the admin's change form of a month's figures `row`, as saved but for `changes`."""
    data = {
        "admitted": row.admitted,
        "transferred_in": row.transferred_in,
        "workers": row.workers,
        **{field: getattr(row, field) for field in LOSS_FIELDS.values()},
        **changes,
    }
    return client.post(reverse("admin:members_monthlyfigure_change", args=[row.pk]), data)
