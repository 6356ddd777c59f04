"""The admin's import and export of quotas: the quota grid's rules, all or nothing, names inert."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from members.models import AuditEntry
from targets.models import Quota
from targets.resources import QuotaResource
from targets.services import quota_set
from unionportal.testing.admin_io import (
    CSV,
    HOSTILE_NAMES,
    XLSX,
    csv_file,
    export,
    import_file,
    read_csv,
    read_xlsx,
    row_errors,
    xlsx_file,
)

QUOTAS = "targets_quota"
HEADERS = ["programme", "organisation", "year", "new_members", "new_unions"]


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def quotas(programme, province, federation):
    """2024: the province 5.000 / 10, DT 3.000 / 6."""
    quota_set(programme=programme, organisation=province, year=2024, new_members=5000, new_unions=10, user=None)
    quota_set(programme=programme, organisation=federation, year=2024, new_members=3000, new_unions=6, user=None)
    AuditEntry.objects.all().delete()


def _quota(programme, org, year):
    quota = Quota.objects.filter(programme=programme, organisation=org, year=year).first()
    return (quota.new_members, quota.new_unions) if quota else None


@pytest.mark.parametrize("fmt", [XLSX, CSV])
def test_the_export_keeps_numbers_and_makes_formulas_text(admin_client, programme, quotas, make_federation, fmt):
    for number, name in enumerate(HOSTILE_NAMES):
        org = make_federation(f"X{number}", name)
        quota_set(programme=programme, organisation=org, year=2025, new_members=10, new_unions=1, user=None)
    response = export(admin_client, QUOTAS, QuotaResource, fmt)
    if fmt == XLSX:
        rows = [{key: cell.value for key, cell in row.items()} for row in read_xlsx(response)]
        assert {type(row[name]) for row in rows for name in ("programme", "year", "new_members")} == {int}
        expected = {"TN": 5000, "DT": 3000}
    else:
        rows = read_csv(response)
        expected = {"TN": "5000", "DT": "3000"}
    assert {row["organisation_name"] for row in rows if row["organisation"].startswith("X")} == {
        "'" + name for name in HOSTILE_NAMES
    }
    assert {row["organisation"]: row["new_members"] for row in rows if row["organisation"] in expected} == expected
    assert {row["programme_document"] for row in rows} == {"01/CTr-LĐLĐ"}


def test_a_valid_import_goes_through_the_grids_service_and_is_audited(admin_client, programme, quotas, federation):
    upload = xlsx_file(HEADERS, [[programme.pk, "DT", 2024, 3100, 6], [programme.pk, "DT", 2025, " 3200 ", 7]])
    preview, confirmation = import_file(admin_client, QUOTAS, upload)
    assert confirmation is not None, row_errors(preview)
    assert [row.import_type for row in preview.context["result"].rows] == ["update", "new"]
    assert _quota(programme, federation, 2024) == (3100, 6)
    assert _quota(programme, federation, 2025) == (3200, 7)
    audits = AuditEntry.objects.filter(action="quota.set")
    assert audits.count() == 2 and {(entry.username, entry.source) for entry in audits} == {("quantri", "admin")}


def test_quotas_typed_as_text_in_the_sheet_are_read_as_the_grid_reads_them(
    admin_client, programme, quotas, federation, province
):
    """A sheet typed in by hand: "9.500" and "9 500" as text, as Vietnamese offices write them."""
    rows = [[programme.pk, "TN", 2024, "9.500", 10], [programme.pk, "DT", 2024, "3 250", "6"]]
    preview, confirmation = import_file(admin_client, QUOTAS, xlsx_file(HEADERS, rows))
    assert confirmation is not None, row_errors(preview)
    assert _quota(programme, province, 2024) == (9500, 10)
    assert _quota(programme, federation, 2024) == (3250, 6)


def test_a_negative_quota_is_refused_and_nothing_is_written(admin_client, programme, quotas, federation, province):
    upload = csv_file(HEADERS, [[programme.pk, "TN", 2024, 5200, 10], [programme.pk, "DT", 2024, -5, 6]])
    preview, confirmation = import_file(admin_client, QUOTAS, upload, CSV)
    assert confirmation is None
    assert row_errors(preview) == {2: ["Không được âm."]}
    assert _quota(programme, province, 2024) == (5000, 10)  # the valid row neither
    assert _quota(programme, federation, 2024) == (3000, 6)
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (["{pk}", "DT", 2031, 100, 1], "Năm 2031 nằm ngoài chương trình (2024–2028)."),
        (["{pk}", "XX", 2024, 100, 1], "Không có đơn vị mã “XX”."),
        (["999", "DT", 2024, 100, 1], "Không có chương trình này"),
        (["{pk}", "DT", 2024, "nhiều", 1], "Phải là số nguyên."),
        (["{pk}", "OLD", 2026, 100, 1], "không hoạt động trong năm 2026"),
    ],
)
def test_the_grids_checks_refuse_a_row(admin_client, programme, quotas, make_federation, row, message):
    make_federation("OLD", "LĐLĐ huyện cũ", active_to=date(2025, 6, 30))
    row = [str(programme.pk) if value == "{pk}" else value for value in row]
    preview, confirmation = import_file(admin_client, QUOTAS, xlsx_file(HEADERS, [row]))
    assert confirmation is None
    assert message in " ".join(row_errors(preview)[1])
    assert not AuditEntry.objects.exists()


def test_an_exported_file_imported_again_changes_nothing(admin_client, programme, quotas):
    exported = export(admin_client, QUOTAS, QuotaResource, XLSX).content
    preview, confirmation = import_file(admin_client, QUOTAS, SimpleUploadedFile("chi-tieu.xlsx", exported))
    assert confirmation is not None, row_errors(preview)
    assert {row.import_type for row in preview.context["result"].rows} == {"skip"}
    assert not AuditEntry.objects.exists()
