"""The training quota (chỉ tiêu đào tạo cán bộ CĐCS): in the quota grid, the admin's Excel round
trip and a programme's copy, beside the two quotas it joined."""

import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from members.models import AuditEntry
from targets.models import Quota
from targets.resources import QuotaResource
from targets.services import programme_copy, quota_set
from unionportal.testing.admin_io import XLSX, export, import_file, read_xlsx, row_errors, xlsx_file

QUOTAS = "targets_quota"


@pytest.fixture
def quotas(programme, province, federation):
    """2024: the province 5.000 / 10 / 120 trained officers, DT 3.000 / 6 / 70."""
    for org, numbers in [(province, (5000, 10, 120)), (federation, (3000, 6, 70))]:
        members, unions, trained = numbers
        quota_set(
            programme=programme, organisation=org, year=2024, new_members=members, new_unions=unions,
            trained_officers=trained, user=None,
        )  # fmt: skip
    AuditEntry.objects.all().delete()


def _numbers(programme, org, year):
    quota = Quota.objects.get(programme=programme, organisation=org, year=year)
    return quota.new_members, quota.new_unions, quota.trained_officers


def _grid_url(programme):
    return reverse("targets:quotas", kwargs={"pk": programme.pk})


def _sum_cell(html, year, kind) -> str:
    match = re.search(rf'<td[^>]*data-sum data-year="{year}" data-kind="{kind}">(.*?)</td>', html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


def test_the_grid_shows_the_training_quota_and_its_sum_against_the_province(client_for, leader, programme, quotas):
    html = client_for(leader).get(_grid_url(programme)).content.decode()
    assert "Đào tạo CB" in html
    assert _sum_cell(html, 2024, "trained_officers") == "70 / 120 (−50)"
    assert _sum_cell(html, "all", "trained_officers") == "70 / 120 (−50)"


def test_provincial_staff_set_the_training_quota_in_the_grid_and_it_is_audited(
    client_for, provincial_staff, programme, quotas, federation
):
    name = f"q-{federation.pk}-2024-trained_officers"
    client = client_for(provincial_staff)
    assert f'name="{name}" value="70"' in client.get(_grid_url(programme)).content.decode()
    response = client.post(_grid_url(programme), {name: "50"})
    assert response.status_code == 302
    assert _numbers(programme, federation, 2024) == (3000, 6, 50)
    entry = AuditEntry.objects.get(action="quota.set")
    assert entry.data["trained_officers"] == [70, 50] and entry.data["after"] == [3000, 6]


def test_a_bad_training_quota_is_refused_and_nothing_is_saved(
    client_for, provincial_staff, programme, quotas, federation
):
    client = client_for(provincial_staff)
    response = client.post(
        _grid_url(programme),
        {f"q-{federation.pk}-2024-trained_officers": "-3", f"q-{federation.pk}-2024-new_members": "3100"},
    )
    assert response.status_code == 200
    assert "Không được âm." in response.content.decode()
    assert _numbers(programme, federation, 2024) == (3000, 6, 70)
    assert not AuditEntry.objects.exists()


def test_the_excel_export_carries_the_training_quota_and_reads_back_unchanged(
    client, superuser, programme, quotas, federation
):
    client.force_login(superuser)
    exported = export(client, QUOTAS, QuotaResource, XLSX)
    assert {row["organisation"].value: row["trained_officers"].value for row in read_xlsx(exported)} == {
        "TN": 120,
        "DT": 70,
    }
    preview, confirmation = import_file(client, QUOTAS, SimpleUploadedFile("chi-tieu.xlsx", exported.content))
    assert confirmation is not None, row_errors(preview)
    assert {row.import_type for row in preview.context["result"].rows} == {"skip"}


def test_an_excel_import_sets_the_training_quota(client, superuser, programme, quotas, federation):
    client.force_login(superuser)
    headers = ["programme", "organisation", "year", "new_members", "new_unions", "trained_officers"]
    upload = xlsx_file(headers, [[programme.pk, "DT", 2024, 3000, 6, 85], [programme.pk, "DT", 2025, 3100, 6, 90]])
    preview, confirmation = import_file(client, QUOTAS, upload)
    assert confirmation is not None, row_errors(preview)
    assert _numbers(programme, federation, 2024) == (3000, 6, 85)
    assert _numbers(programme, federation, 2025) == (3100, 6, 90)


def test_a_file_without_the_training_column_keeps_the_training_quota(client, superuser, programme, quotas, federation):
    client.force_login(superuser)
    headers = ["programme", "organisation", "year", "new_members", "new_unions"]
    preview, confirmation = import_file(client, QUOTAS, xlsx_file(headers, [[programme.pk, "DT", 2024, 3300, 6]]))
    assert confirmation is not None, row_errors(preview)
    assert _numbers(programme, federation, 2024) == (3300, 6, 70)


def test_a_bad_training_quota_in_excel_refuses_the_file(client, superuser, programme, quotas, federation):
    client.force_login(superuser)
    headers = ["programme", "organisation", "year", "new_members", "new_unions", "trained_officers"]
    upload = xlsx_file(headers, [[programme.pk, "DT", 2024, 3000, 6, "nhiều"]])
    preview, confirmation = import_file(client, QUOTAS, upload)
    assert confirmation is None
    assert row_errors(preview) == {1: ["Phải là số nguyên."]}
    assert _numbers(programme, federation, 2024) == (3000, 6, 70)


def test_copying_a_programme_with_values_copies_the_training_quota(programme, quotas, federation, provincial_staff):
    copy = programme_copy(
        source=programme, name="Chương trình 2029–2033", document_number="02/CTr-LĐLĐ",
        document_date=date(2029, 1, 10), first_year=2029, last_year=2033, copy_values=False, user=provincial_staff,
    )  # fmt: skip
    assert _numbers(copy, federation, 2029) == (0, 0, 0)
    quota_set(programme=programme, organisation=federation, year=2028, new_members=1, new_unions=1,
              trained_officers=75, user=None)  # fmt: skip
    copy = programme_copy(
        source=programme, name="Chương trình 2029–2033", document_number="03/CTr-LĐLĐ",
        document_date=date(2029, 1, 10), first_year=2029, last_year=2033, copy_values=True, user=provincial_staff,
    )  # fmt: skip
    assert _numbers(copy, federation, 2031) == (1, 1, 75)
