"""The admin's import and export of CĐCS and monthly figures: exports keep numbers numeric and
names inert, imports go through the services (lock, rights, stock identity, audit) or not at all."""

import tempfile
from datetime import date, datetime

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from members.figures.resources import GrassrootsUnionResource, MonthlyFigureResource
from members.figures.services import figures_record
from members.figures.workflow import return_approve, return_submit
from members.models import AuditEntry, GrassrootsUnion, LossReason, MonthlyFigure
from members.services.org import cdcs_dissolve
from unionportal.lib.months import Month
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

MARCH, APRIL = Month(2021, 3), Month(2021, 4)
FIGURES, CDCS = "members_monthlyfigure", "members_grassrootsunion"
FIGURE_HEADERS = ["cdcs", "month", "admitted", "transferred_in", *(f"lost_{reason}" for reason in LossReason.values)]


def _figure_row(code, month, admitted=0, transferred_in=0, **lost):
    return [code, month, admitted, transferred_in, *(lost.get(reason, 0) for reason in LossReason.values)]


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def unions(federation, make_cdcs):
    """DT01 with 100 members and DT02 with 50 at the start of March 2021."""
    return [
        make_cdcs(federation, code="DT01", opening=100, first_month=MARCH),
        make_cdcs(federation, code="DT02", opening=50, first_month=MARCH),
    ]


def _admin_audits():
    return AuditEntry.objects.filter(source=AuditEntry.Source.ADMIN)


def _lock(federation, month, federation_user, provincial_staff):
    return_submit(federation=federation, month=month, user=federation_user)
    return_approve(federation=federation, month=month, user=provincial_staff)


# --- exports ------------------------------------------------------------------------------------


@pytest.fixture
def hostile(federation, make_cdcs):
    unions = [make_cdcs(federation, name=name, opening=30_018, first_month=MARCH) for name in HOSTILE_NAMES]
    figures_record(cdcs=unions[0], month=APRIL, admitted=12, lost={LossReason.DIED: 1}, user=None)
    return unions


def test_figures_export_to_xlsx_keeps_numbers_and_makes_formulas_text(admin_client, hostile):
    rows = read_xlsx(export(admin_client, FIGURES, MonthlyFigureResource, XLSX))
    assert len(rows) == 5
    for row in rows:
        assert row["federation"].value == "DT"
        assert type(row["members_start"].value) is int and row["members_start"].value == 30_018
        assert isinstance(row["month"].value, datetime)
        for cell in row.values():
            assert cell.data_type != "f"
    assert {row["cdcs_name"].value for row in rows} == {"'" + name for name in HOSTILE_NAMES}
    april = next(row for row in rows if row["month"].value.month == 4)
    assert (april["admitted"].value, april["lost_died"].value, april["members_end"].value) == (12, 1, 30_029)


def test_figures_export_to_csv_makes_formulas_text_and_numbers_plain(admin_client, hostile):
    rows = read_csv(export(admin_client, FIGURES, MonthlyFigureResource, CSV))
    assert {row["cdcs_name"] for row in rows} == {"'" + name for name in HOSTILE_NAMES}
    assert {row["members_start"] for row in rows} == {"30018"}  # no "30.018" that Excel would read as 30
    assert {row["month"] for row in rows} == {"2021-03-01", "2021-04-01"}


@pytest.mark.parametrize("fmt", [XLSX, CSV])
def test_cdcs_export_escapes_names_and_gives_the_federation(admin_client, hostile, fmt):
    response = export(admin_client, CDCS, GrassrootsUnionResource, fmt)
    if fmt == XLSX:
        rows = [{key: cell.value for key, cell in row.items()} for row in read_xlsx(response)]
        assert {type(row["workers"]) for row in rows} == {int}
    else:
        rows = read_csv(response)
    assert sorted(row["name"] for row in rows) == sorted("'" + name for name in HOSTILE_NAMES)
    assert {row["federation"] for row in rows} == {"DT"}


def test_only_xlsx_and_csv_are_offered(admin_client, unions):
    html = admin_client.get(reverse(f"admin:{FIGURES}_export")).content.decode()
    assert ">xlsx<" in html and ">csv<" in html
    assert ">json<" not in html and ">html<" not in html


# --- figures: import ----------------------------------------------------------------------------


def test_a_valid_import_writes_month_by_month_through_the_service_audited_as_admin(admin_client, unions, federation):
    upload = xlsx_file(
        FIGURE_HEADERS,
        [
            _figure_row("DT01", "03/2021", admitted=5, job=2),
            _figure_row("DT01", "2021-04", admitted=1),  # April starts where March ends: 103
            _figure_row(" DT02 ", datetime(2021, 3, 1), transferred_in=4),
        ],
    )
    written_by_preview = []
    preview, confirmation = import_file(
        admin_client, FIGURES, upload, before_confirm=lambda: written_by_preview.append(_admin_audits().count())
    )
    assert confirmation is not None, row_errors(preview)
    assert written_by_preview == [0]
    assert [row.import_type for row in preview.context["result"].rows] == ["update", "new", "update"]
    assert confirmation.status_code == 302 and confirmation.url == reverse(f"admin:{FIGURES}_changelist")
    march = MonthlyFigure.objects.get(cdcs=unions[0], month=MARCH.first_day)
    april = MonthlyFigure.objects.get(cdcs=unions[0], month=APRIL.first_day)
    assert (march.admitted, march.lost_job, march.members_end) == (5, 2, 103)
    assert (april.members_start, april.members_end) == (103, 104)
    assert MonthlyFigure.objects.get(cdcs=unions[1], month=MARCH.first_day).members_end == 54
    audits = _admin_audits().filter(action="figures.record")
    assert audits.count() == 3 and {entry.federation_id for entry in audits} == {federation.pk}
    assert "Đã nhập tệp: 1 dòng mới, 2 dòng sửa" in str(list(get_messages(confirmation.wsgi_request))[0])


def test_an_import_into_a_locked_month_is_refused_and_writes_nothing(
    admin_client, unions, federation, federation_user, provincial_staff
):
    _lock(federation, MARCH, federation_user, provincial_staff)
    rows = [_figure_row("DT01", "03/2021", admitted=5), _figure_row("DT02", "04/2021", admitted=1)]
    upload = xlsx_file(FIGURE_HEADERS, rows)
    preview, confirmation = import_file(admin_client, FIGURES, upload)
    assert confirmation is None
    errors = row_errors(preview)
    assert list(errors) == [1]
    assert "đã được Bantochuc duyệt và khóa" in errors[1][0]
    assert MonthlyFigure.objects.get(cdcs=unions[0], month=MARCH.first_day).admitted == 0
    assert not MonthlyFigure.objects.filter(month=APRIL.first_day).exists()  # April's valid row neither
    assert not _admin_audits().exists()


def test_a_month_locked_between_preview_and_confirmation_is_refused_at_confirmation(
    admin_client, unions, federation, federation_user, provincial_staff
):
    upload = xlsx_file(FIGURE_HEADERS, [_figure_row("DT01", "03/2021", admitted=5), _figure_row("DT01", "04/2021")])

    def approve_meanwhile():
        _lock(federation, MARCH, federation_user, provincial_staff)

    preview, confirmation = import_file(admin_client, FIGURES, upload, before_confirm=approve_meanwhile)
    assert confirmation.status_code == 302 and confirmation.url == reverse(f"admin:{FIGURES}_import")
    message = str(list(get_messages(confirmation.wsgi_request))[0])
    assert message.startswith("Không nhập được tệp, không có gì thay đổi.") and "duyệt và khóa" in message
    assert MonthlyFigure.objects.get(cdcs=unions[0], month=MARCH.first_day).admitted == 0
    assert not MonthlyFigure.objects.filter(month=APRIL.first_day).exists()
    assert not _admin_audits().exists()


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (_figure_row("DT01", "03/2021", died=101), "lớn hơn số đoàn viên có trong tháng"),
        (_figure_row("DT01", "03/2021", admitted=-3), "Không được âm."),
        (_figure_row("DT01", "03/2021", admitted="2,5"), "Phải là số nguyên."),
        (_figure_row("XX99", "03/2021"), "Không có CĐCS mã “XX99”."),
        (_figure_row("DT01", "tháng ba"), "Tháng không hợp lệ"),
        (_figure_row("DT01", "03/2009"), "không hoạt động trong tháng 03/2009"),
    ],
)
def test_a_refused_row_refuses_the_whole_file_with_the_reason(admin_client, unions, row, message):
    upload = csv_file(FIGURE_HEADERS, [_figure_row("DT02", "03/2021", admitted=7), row])
    preview, confirmation = import_file(admin_client, FIGURES, upload, CSV)
    assert confirmation is None
    errors = row_errors(preview)
    assert list(errors) == [2] and message in " ".join(errors[2])
    assert MonthlyFigure.objects.get(cdcs=unions[1], month=MARCH.first_day).admitted == 0
    assert not _admin_audits().exists()


def test_duplicate_rows_and_a_broken_stock_identity_are_refused(admin_client, unions):
    headers = [*FIGURE_HEADERS, "members_end"]
    upload = xlsx_file(
        headers,
        [
            [*_figure_row("DT01", "03/2021", admitted=1), 101],
            [*_figure_row("DT01", "2021-03", admitted=2), 102],
            [*_figure_row("DT02", "03/2021", admitted=1), 60],
        ],
    )
    errors = row_errors(import_file(admin_client, FIGURES, upload)[0])
    assert errors[2] == ["Trùng với dòng 1."]
    assert "Cuối kỳ 60 không khớp" in errors[3][0]
    assert not _admin_audits().exists()


def test_a_file_without_the_flow_columns_is_refused(admin_client, unions):
    upload = xlsx_file(["cdcs", "month", "admitted"], [["DT01", "03/2021", 5]])
    errors = row_errors(import_file(admin_client, FIGURES, upload)[0])
    assert "Tệp thiếu cột: transferred_in, lost_job" in errors[1][0]
    assert not _admin_audits().exists()


def test_an_exported_file_imported_again_changes_nothing(admin_client, unions):
    figures_record(cdcs=unions[0], month=APRIL, admitted=3, user=None)
    exported = export(admin_client, FIGURES, MonthlyFigureResource, CSV).content
    preview, confirmation = import_file(admin_client, FIGURES, SimpleUploadedFile("xuat.csv", exported), CSV)
    assert confirmation is not None, row_errors(preview)
    assert {row.import_type for row in preview.context["result"].rows} == {"skip"}
    assert not _admin_audits().exists()


def test_a_file_that_is_not_an_xlsx_is_refused_with_a_message(admin_client, unions):
    upload = csv_file(FIGURE_HEADERS, [_figure_row("DT01", "03/2021")], "nhap.xlsx")
    preview, confirmation = import_file(admin_client, FIGURES, upload, XLSX)
    assert confirmation is None
    assert "Đây là tệp văn bản (.csv?)" in preview.content.decode()


def test_a_confirmation_reads_only_the_file_its_own_preview_left(admin_client, unions, tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    other = tmp_path / "someone-elses.csv"
    other.write_text(",".join(FIGURE_HEADERS) + "\n" + ",".join(map(str, _figure_row("DT01", "03/2021", admitted=9))))
    data = {"import_file_name": other.name, "original_file_name": "x.csv", "format": CSV, "resource": "0"}
    response = admin_client.post(reverse(f"admin:{FIGURES}_process_import"), data)
    assert response.status_code == 302 and response.url == reverse(f"admin:{FIGURES}_import")
    assert "Hãy tải tệp lên lại" in str(list(get_messages(response.wsgi_request))[0])
    assert other.exists() and not _admin_audits().exists()

    upload = csv_file(FIGURE_HEADERS, [_figure_row("DT01", "03/2021", admitted=9)])
    preview, confirmation = import_file(admin_client, FIGURES, upload, CSV)
    assert confirmation.url == reverse(f"admin:{FIGURES}_changelist")
    again = admin_client.post(reverse(f"admin:{FIGURES}_process_import"), preview.context["confirm_form"].initial)
    assert again.url == reverse(f"admin:{FIGURES}_import")  # confirmed once, not twice
    assert _admin_audits().count() == 1


def test_the_import_page_explains_the_columns_and_the_upload_page(admin_client, unions):
    html = admin_client.get(reverse(f"admin:{FIGURES}_import")).content.decode()
    assert "tháng đã duyệt bị từ chối" in html and "/figures/&lt;mã&gt;/&lt;YYYY-MM&gt;/upload/" in html


# --- CĐCS: import ---------------------------------------------------------------------------------

CDCS_HEADERS = ["code", "name", "employer", "sector", "workers", "founded_on", "founding_decision", "federation"]


def test_a_new_cdcs_is_founded_through_the_service(admin_client, federation, unions):
    upload = xlsx_file(
        CDCS_HEADERS, [["DT09", "CĐCS Công ty May 9", "Công ty May 9", "fdi", 250, date(2021, 3, 5), "12/QĐ", "DT"]]
    )
    preview, confirmation = import_file(admin_client, CDCS, upload)
    assert confirmation is not None, row_errors(preview)
    cdcs = GrassrootsUnion.objects.get(code="DT09")
    assert (cdcs.sector, cdcs.workers, cdcs.founding_decision) == ("fdi", 250, "12/QĐ")
    assert cdcs.founded_on == date(2021, 3, 5)
    assert cdcs.affiliations.get().federation == federation
    assert _admin_audits().get().action == "cdcs.found"


def test_a_new_cdcs_in_a_locked_month_is_refused(admin_client, federation, unions, federation_user, provincial_staff):
    _lock(federation, MARCH, federation_user, provincial_staff)
    upload = csv_file(CDCS_HEADERS, [["DT09", "CĐCS mới", "Công ty", "private", "10", "05/03/2021", "", "DT"]])
    errors = row_errors(import_file(admin_client, CDCS, upload, CSV)[0])
    assert "duyệt và khóa" in errors[1][0]
    assert not GrassrootsUnion.objects.filter(code="DT09").exists()


def test_existing_cdcs_change_only_what_the_admin_form_lets_one_change(admin_client, unions, other_federation):
    rows = [
        ["DT01", "CĐCS đổi tên", "Công ty 1", "soe", 120, date(2010, 1, 1), "", "DT"],  # allowed
        ["DT02", "CĐCS 2", "Công ty 2", "private", 100, date(2015, 6, 1), "", "DT"],  # founding date
    ]
    errors = row_errors(import_file(admin_client, CDCS, xlsx_file(CDCS_HEADERS, rows))[0])
    assert list(errors) == [2] and "Ngày thành lập không sửa qua nhập tệp" in errors[2][0]
    assert GrassrootsUnion.objects.get(code="DT01").name != "CĐCS đổi tên"  # all or nothing

    moved = [["DT02", "CĐCS 2", "Công ty 2", "private", 100, date(2010, 1, 1), "", "PB"]]
    errors = row_errors(import_file(admin_client, CDCS, xlsx_file(CDCS_HEADERS, moved))[0])
    assert "Chuyển CĐCS sang đơn vị khác qua Sổ CĐCS" in errors[1][0]

    preview, confirmation = import_file(admin_client, CDCS, xlsx_file(CDCS_HEADERS, rows[:1]))
    assert confirmation is not None, row_errors(preview)
    cdcs = GrassrootsUnion.objects.get(code="DT01")
    assert (cdcs.name, cdcs.sector, cdcs.workers) == ("CĐCS đổi tên", "soe", 120)
    entry = _admin_audits().get(action="cdcs.update")
    assert entry.data["changes"]["name"][1] == "CĐCS đổi tên"


def test_dissolution_happens_in_the_register_not_through_an_import(admin_client, unions, provincial_staff):
    headers = ["code", "name", "dissolved_on"]
    errors = row_errors(import_file(admin_client, CDCS, xlsx_file(headers, [["DT01", "CĐCS 1", "31/03/2021"]]))[0])
    assert "Giải thể CĐCS qua Sổ CĐCS" in errors[1][0]
    assert GrassrootsUnion.objects.get(code="DT01").dissolved_on is None

    cdcs_dissolve(cdcs=unions[1], on=date(2021, 3, 31), reason="Phá sản", user=provincial_staff)
    errors = row_errors(import_file(admin_client, CDCS, xlsx_file(headers, [["DT02", "CĐCS 2", ""]]))[0])
    assert "Giải thể CĐCS qua Sổ CĐCS" in errors[1][0]  # nor undone


def test_a_cdcs_export_imported_again_keeps_names_that_look_like_formulas(admin_client, hostile):
    exported = export(admin_client, CDCS, GrassrootsUnionResource, XLSX).content
    upload = SimpleUploadedFile("xuat.xlsx", exported)
    preview, confirmation = import_file(admin_client, CDCS, upload)
    assert confirmation is not None, row_errors(preview)
    assert {row.import_type for row in preview.context["result"].rows} == {"skip"}
    assert sorted(GrassrootsUnion.objects.values_list("name", flat=True)) == sorted(HOSTILE_NAMES)
    assert not _admin_audits().exists()
