"""The member register in Chromium, as issue 7 tells it: a federation user imports the member list
of a CĐCS just founded in an FDI enterprise, fixes the one line it refuses, confirms, then finds
the month's grid pre-filled from the register, saves it, and sees the CĐCS reconciled."""

from datetime import date

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from members.models import Member, MonthlyFigure, Sector
from unionportal.lib.months import Month
from unionportal.testing.login import log_in
from unionportal.testing.member_sheets import ID, NAME, fill, line_of, people

pytestmark = pytest.mark.browser


def test_a_member_list_imported_fixed_confirmed_then_the_grid_prefilled_and_reconciled(
    live_server, browser, federation, federation_user, make_cdcs, tmp_path
):
    month = Month.of(timezone.localdate())  # the month under way, as the template is by default
    founded = month.first_day
    make_cdcs(federation, code="DT07", name="CĐCS Công ty TNHH Điện tử Hanwha", sector=Sector.FDI, founded_on=founded)
    # three admitted at the founding, two who were union members in earlier jobs
    rows = people(3, founded) + people(2, date(2019, 6, 1), start=20)
    correct = rows[1][ID]
    rows[1][ID] = correct[:-1]  # eleven digits: the line the portal refuses

    page = log_in(
        browser.new_page(viewport={"width": 1400, "height": 900}),
        f"{live_server.url}/cdcs/DT07/",
        federation_user.username,
    )
    expect(page.locator("#register-from")).to_have_text("chưa ghi sổ")
    with page.expect_download() as download:
        page.click("#register-template")
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    workbook = load_workbook(path)
    fill(workbook, rows)
    workbook.save(path)

    page.click("#register-upload")
    page.set_input_files("input[type=file]", path)
    page.click("#member-list-form button[type=submit]")
    problems = page.locator("#upload-problems")
    expect(problems).to_contain_text("12 chữ số")
    expect(problems.locator("tbody tr")).to_have_count(1)
    expect(problems.locator("tbody td").first).to_have_text(str(line_of(workbook, rows[1][NAME])))
    expect(page.locator("#confirm-upload")).to_have_count(0)
    assert not Member.objects.exists()

    workbook = load_workbook(path)  # the user corrects the one cell in Excel
    fill(workbook, [{ID: correct}], first=line_of(workbook, rows[1][NAME]))
    workbook.save(path)
    page.goto(f"{live_server.url}/cdcs/DT07/members/upload/")
    page.set_input_files("input[type=file]", path)
    page.click("#member-list-form button[type=submit]")
    expect(page.locator("#count-admitted")).to_have_text("3")
    expect(page.locator("#count-arrived")).to_have_text("2")
    page.screenshot(path=str(tmp_path / "preview.png"), full_page=True)
    page.click("#confirm-upload")
    expect(page.locator("#register-active")).to_have_text("5")

    page.goto(f"{live_server.url}/figures/DT/{month.iso}/")
    expect(page.locator("#prefill-note")).to_be_visible()
    row = page.locator("tr", has=page.locator('input[name$="-admitted"]')).filter(has_text="DT07")
    expect(row.locator('input[name$="-admitted"]')).to_have_value("3")
    expect(row.locator('input[name$="-transferred_in"]')).to_have_value("2")
    page.click("#save")
    expect(page.locator(".alert-success").first).to_be_visible()
    assert MonthlyFigure.objects.get(cdcs__code="DT07", month=month.first_day).members_end == 5

    page.click("text=Đối chiếu với sổ đoàn viên")
    expect(page.locator("#cdcs-DT07")).to_have_attribute("data-status", "matched")
    expect(page.locator("#cdcs-DT07")).to_contain_text("Khớp")
    page.screenshot(path=str(tmp_path / "reconciled.png"), full_page=True)


def _type_date(page, selector: str, day: date) -> None:
    """A date typed as the form's widget takes it: a browser's date input, or dd/mm/yyyy text."""
    field = page.locator(selector)
    if field.get_attribute("type") == "date":
        field.fill(day.isoformat())
    else:
        field.fill(day.strftime("%d/%m/%Y"))


def test_the_admit_form_says_which_month_as_the_date_is_typed(
    live_server, page, federation, federation_user, make_cdcs
):
    make_cdcs(federation, code="DT01", name="CĐCS Trường THCS Hùng Sơn")
    log_in(page, f"{live_server.url}/people/new/", federation_user.username)
    joined = page.locator("[data-counts-in=id_joined_on]")
    arrived = page.locator("[data-counts-in=id_arrived_on]")

    _type_date(page, "#id_joined_on", date(2021, 3, 8))
    expect(joined).to_have_text("tính vào số liệu tháng 03/2021")
    _type_date(page, "#id_joined_on", date(2020, 11, 30))
    expect(joined).to_have_text("tính vào số liệu tháng 11/2020")
    expect(arrived).to_be_hidden()  # the way chosen is "kết nạp mới": its date decides the month

    page.check("input[name=mode][value=arrived]")
    _type_date(page, "#id_arrived_on", date(2021, 1, 4))
    expect(arrived).to_have_text("tính vào số liệu tháng 01/2021")
    expect(joined).to_be_hidden()


def test_the_month_an_event_counts_in_follows_a_day_picked_in_the_calendar_or_typed_without_separators(
    live_server, page, federation, federation_user, make_cdcs
):
    make_cdcs(federation, code="DT01", name="CĐCS Trường THCS Hùng Sơn")
    log_in(page, f"{live_server.url}/people/new/", federation_user.username)
    joined = page.locator("[data-counts-in=id_joined_on]")

    page.locator("#id_joined_on").press_sequentially("08032021")  # as a phone's number pad types it
    expect(joined).to_have_text("tính vào số liệu tháng 03/2021")

    page.fill("#id_joined_on", "")
    page.click("#id_joined_on")  # the calendar opens on this month; the day is picked in the one before
    calendar = page.locator(".datepicker.active")
    calendar.locator(".prev-button").click()
    calendar.locator(".datepicker-cell.day:not(.prev):not(.next)", has_text="10").first.click()
    picked = Month.of(timezone.localdate()) - 1
    expect(page.locator("#id_joined_on")).to_have_value(f"10/{picked}")
    expect(joined).to_have_text(f"tính vào số liệu tháng {picked}")
