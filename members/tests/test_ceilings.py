"""Counts no CĐCS reaches (members.models.FLOW_MAX a month, STOCK_MAX for stocks and workers) are
refused with a Vietnamese message on every path that writes figures: the service itself, the
month's sheet, the entry grid, the admin's form and its import, the CĐCS register. Nothing is
stored, and on PostgreSQL nothing reaches the database's integer range (a traceback before)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from members.figures.grid import parse_count
from members.figures.services import figures_record
from members.figures.sheet import sheet_read
from members.figures.sheet_import import sheet_preview
from members.models import FLOW_MAX, STOCK_MAX, GrassrootsUnion, MonthlyFigure, Sector, Upload
from members.services.org import cdcs_found
from unionportal.lib.months import Month
from unionportal.lib.resources import CellError, cell_int
from unionportal.lib.sheets import parse_number
from unionportal.testing.admin_io import csv_file, import_file, row_errors
from unionportal.testing.sheets import fill, template, to_bytes

MARCH, APRIL = Month(2021, 3), Month(2021, 4)
HUGE = 1_000_000_000_000_000_000
FLOW_REFUSAL = "Không được lớn hơn 100.000"
STOCK_REFUSAL = "Không được lớn hơn 1.000.000"


def _april():
    return MonthlyFigure.objects.filter(month=APRIL.first_day)


@pytest.mark.parametrize("typed", [HUGE, float(HUGE), str(HUGE), "1.000.000.000.000.000.000", "9" * 5000, "1.000.001"])
def test_a_sheets_cell_beyond_the_ceiling_is_refused_when_read(typed):
    with pytest.raises(ValueError) as error:
        parse_number(typed, maximum=STOCK_MAX)
    assert str(error.value) == "quá lớn: tối đa 1.000.000"


def test_a_sheets_cell_may_hold_the_ceiling_itself():
    assert parse_number("100.000", maximum=FLOW_MAX) == FLOW_MAX
    with pytest.raises(ValueError):
        parse_number(FLOW_MAX + 1, maximum=FLOW_MAX)


@pytest.mark.parametrize("typed", ["²", "٣"])
def test_digits_that_are_not_ascii_are_refused_in_vietnamese(typed):
    with pytest.raises(ValueError) as error:
        parse_number(typed, maximum=STOCK_MAX)
    assert "không phải số nguyên" in str(error.value)


@pytest.mark.parametrize("typed", ["9" * 5000, "1.000.001", str(HUGE)])
def test_a_grid_cell_beyond_the_ceiling_is_refused_when_read(typed):
    with pytest.raises(ValueError) as error:
        parse_count(typed)
    assert str(error.value) == "quá lớn: tối đa 1.000.000"


def test_an_admin_cell_of_thousands_of_digits_is_refused_in_vietnamese():
    with pytest.raises(CellError) as error:
        cell_int("9" * 5000)
    assert str(error.value) == "Số quá lớn."


@pytest.mark.parametrize(
    ("figures", "field", "message"),
    [
        ({"admitted": HUGE}, "admitted", FLOW_REFUSAL),
        ({"admitted": FLOW_MAX + 1}, "admitted", FLOW_REFUSAL),
        ({"lost": {"retired": FLOW_MAX + 1}}, "lost_retired", FLOW_REFUSAL),
        ({"workers": STOCK_MAX + 1}, "workers", STOCK_REFUSAL),
    ],
)
def test_the_service_refuses_counts_beyond_the_ceiling(federation, unions, figures, field, message):
    with pytest.raises(ValidationError) as error:
        figures_record(cdcs=unions[0], month=APRIL, user=None, **figures)
    assert message in error.value.message_dict[field][0]
    assert not _april().exists()


def test_an_opening_stock_beyond_the_ceiling_is_refused(federation, make_cdcs):
    cdcs = make_cdcs(federation, code="DT07")
    with pytest.raises(ValidationError) as error:
        figures_record(cdcs=cdcs, month=APRIL, members_start=HUGE, user=None)
    assert STOCK_REFUSAL in error.value.message_dict["members_start"][0]


def test_an_end_stock_pushed_beyond_the_ceiling_is_refused(federation, make_cdcs):
    cdcs = make_cdcs(federation, opening=STOCK_MAX - 10, first_month=MARCH)
    with pytest.raises(ValidationError) as error:
        figures_record(cdcs=cdcs, month=APRIL, admitted=11, user=None)
    assert STOCK_REFUSAL in error.value.message_dict["members_end"][0]
    assert not _april().exists()


def test_a_correction_carried_beyond_the_ceiling_into_later_months_is_refused(federation, make_cdcs):
    cdcs = make_cdcs(federation, opening=STOCK_MAX - 50, first_month=MARCH)
    figures_record(cdcs=cdcs, month=APRIL, admitted=40, user=None)
    with pytest.raises(ValidationError) as error:
        figures_record(cdcs=cdcs, month=MARCH, members_start=STOCK_MAX - 50, admitted=20, user=None)
    assert STOCK_REFUSAL in " ".join(error.value.messages)
    assert MonthlyFigure.objects.get(cdcs=cdcs, month=APRIL.first_day).members_end == STOCK_MAX - 10


def test_full_clean_says_the_ceiling(federation, unions):
    figure = MonthlyFigure.objects.get(cdcs=unions[0])
    figure.admitted, figure.workers = FLOW_MAX + 1, STOCK_MAX + 1
    with pytest.raises(ValidationError) as error:
        figure.full_clean()
    assert FLOW_REFUSAL in error.value.message_dict["admitted"][0]
    assert STOCK_REFUSAL in error.value.message_dict["workers"][0]


def test_a_cdcs_with_more_workers_than_the_ceiling_is_not_founded(federation):
    with pytest.raises(ValidationError) as error:
        cdcs_found(
            code="DT77",
            name="CĐCS Công ty Khổng Lồ",
            employer="Công ty Khổng Lồ",
            sector=Sector.FDI,
            founded_on=date(2021, 4, 2),
            federation=federation,
            workers=HUGE,
            user=None,
        )
    assert STOCK_REFUSAL in error.value.message_dict["workers"][0]
    assert not GrassrootsUnion.objects.filter(code="DT77").exists()


def test_a_sheet_with_a_huge_count_is_refused_through_the_upload_page(client_for, federation, federation_user, unions):
    data = to_bytes(fill(template(federation, APRIL), {"DT01": {"Kết nạp mới": HUGE}}))
    client = client_for(federation_user)
    url = reverse("members:upload", kwargs={"code": federation.code, "month": APRIL})
    response = client.post(url, {"file": SimpleUploadedFile("so-lieu.xlsx", data)}, follow=True)
    assert response.status_code == 200
    assert "quá lớn: tối đa 100.000" in response.content.decode()
    assert Upload.objects.get().outcome == Upload.Outcome.REFUSED
    assert not _april().exists()


def test_a_sheet_founding_a_cdcs_with_a_huge_headcount_is_refused(federation, federation_user, unions):
    from members.figures.exports import FOUNDED_SHEET
    from unionportal.testing.sheets import list_rows

    workbook = template(federation, APRIL)
    list_rows(workbook, FOUNDED_SHEET, [{"Mã CĐCS": "DT50", "Tên CĐCS": "CĐCS Mới", "Khu vực": "Hợp tác xã",
                                         "Ngày thành lập": date(2021, 4, 2), "Số lao động": HUGE}])  # fmt: skip
    preview = sheet_preview(sheet_read(to_bytes(workbook)), federation=federation, month=APRIL, user=federation_user)
    assert ["quá lớn: tối đa 1.000.000." in problem.message for problem in preview.problems] == [True]


def test_the_grid_refuses_a_huge_count_with_a_message(client_for, federation, federation_user, unions):
    from .grid_pages import grid_post

    client = client_for(federation_user)
    response = grid_post(client, federation, {f"r{unions[0].pk}-admitted": str(HUGE)})
    assert response.status_code == 200
    assert "quá lớn: tối đa 1.000.000" in response.content.decode()
    response = grid_post(client, federation, {f"r{unions[0].pk}-admitted": str(FLOW_MAX + 1)})
    assert response.status_code == 200
    assert FLOW_REFUSAL in response.content.decode()
    assert not _april().exists()


def test_the_admins_form_refuses_a_huge_count(client, superuser, federation, unions):
    from unionportal.testing.admin_io import figure_change_post

    row = MonthlyFigure.objects.get(cdcs=unions[0])
    client.force_login(superuser)
    response = figure_change_post(client, row, admitted=HUGE)
    assert response.status_code == 200
    assert FLOW_REFUSAL in response.content.decode()
    row.refresh_from_db()
    assert row.admitted == 0


def test_the_admins_import_refuses_a_huge_count(client, superuser, federation, unions):
    from members.models import FLOW_FIELDS

    client.force_login(superuser)
    headers = ["cdcs", "month", *FLOW_FIELDS, "workers"]
    rows = [["DT01", "04/2021", FLOW_MAX + 1, *[0] * (len(FLOW_FIELDS) - 1), ""],
            ["DT02", "04/2021", 1, *[0] * (len(FLOW_FIELDS) - 1), 10**15],
            ["DT03", "04/2021", HUGE, *[0] * (len(FLOW_FIELDS) - 1), ""]]  # fmt: skip
    preview, confirmed = import_file(client, "members_monthlyfigure", csv_file(headers, rows), fmt="1")
    assert confirmed is None
    errors = row_errors(preview)
    assert any(FLOW_REFUSAL in message for message in errors[1])
    assert any(STOCK_REFUSAL in message for message in errors[2])
    assert "Số quá lớn." in errors[3]
    assert not _april().exists()


def test_the_admins_cdcs_import_refuses_a_huge_headcount(client, superuser, federation, unions):
    client.force_login(superuser)
    preview, confirmed = import_file(
        client, "members_grassrootsunion", csv_file(["code", "workers"], [["DT01", 10**15]]), fmt="1"
    )
    assert confirmed is None
    assert any(STOCK_REFUSAL in message for message in row_errors(preview)[1])
    assert GrassrootsUnion.objects.get(code="DT01").workers == 100
