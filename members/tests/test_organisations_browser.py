"""The upper unions' page in a real browser: provincial staff found a ward union, see it listed
with its kind and first month, and the direct block first on the board."""

from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from members.models import Organisation
from members.services.org import cdcs_found
from unionportal.lib.months import Month
from unionportal.testing.login import log_in

pytestmark = pytest.mark.browser


def test_provincial_staff_found_a_ward_union_and_see_the_direct_block_first_on_the_board(
    live_server, page, federation, make_cdcs, provincial_staff
):
    month = Month.last_complete(timezone.localdate())
    make_cdcs(federation, opening=30, first_month=month)
    cdcs_found(
        code="BV01", name="CĐCS Bệnh viện", employer="Bệnh viện", sector="public", founded_on=date(2020, 1, 1),
        federation=Organisation.Kind.DIRECT, user=provincial_staff,
    )  # fmt: skip

    log_in(page, f"{live_server.url}/organisations/", provincial_staff.username)
    page.click("#organisation-new")
    page.fill("input[name=code]", "PHP")
    page.fill("input[name=name]", "Công đoàn phường Phan Đình Phùng")
    page.select_option("select[name=kind]", label="Công đoàn xã, phường, đặc khu")
    page.fill("input[name=active_from]", month.first_day.strftime("%m/%Y"))
    page.click("#organisation-found button[type=submit]")

    rows = page.locator("#organisations tbody tr[data-code]")
    expect(rows).to_have_count(3)
    expect(page.locator("tr[data-code=PHP] td").nth(2)).to_have_text("Công đoàn xã, phường, đặc khu")
    expect(page.locator("tr[data-code=PHP] td").nth(3)).to_have_attribute("data-since", str(month))

    page.goto(f"{live_server.url}/board/?month={month.iso}")
    board = page.locator("#board tbody tr[data-federation]")
    expect(board).to_have_count(3)
    expect(board.first).to_have_attribute("data-federation", "TN-TT")
