"""The drill-down pages: a federation's figures split by CĐCS add up to what the report says,
and one CĐCS's months; on a small province built through the services."""

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from members.figures.services import figures_record
from members.models import LossReason, Sector
from members.services.org import cdcs_dissolve, cdcs_move
from reports.drilldown import cdcs_months, federation_cdcs
from reports.selectors import Scope, progress_report
from unionportal.lib.months import Month
from unionportal.lib.xlsx import XLSX_TYPE

FEB, MARCH, APRIL, MAY = Month(2021, 2), Month(2021, 3), Month(2021, 4), Month(2021, 5)
RANGE = {"start": "2021-03", "end": "2021-05"}


@pytest.fixture
def province_data(province, federation, other_federation, make_cdcs, provincial_staff):
    """Đại Từ (DT) over 03–05/2021: a CĐCS that stays, one that arrives from Phú Bình in April,
    one that leaves for Phú Bình in May, one that leaves at the very start of the range, one
    dissolved in April, one founded in April, a state-sector one; and CĐCS that must not show:
    one of Phú Bình's only, one of DT's dissolved before the range."""
    cdcs = {}
    cdcs["stays"] = make_cdcs(federation, code="DT01", opening=100, first_month=FEB)
    figures_record(cdcs=cdcs["stays"], month=MARCH, admitted=10, lost={LossReason.JOB: 2}, user=None)
    figures_record(cdcs=cdcs["stays"], month=APRIL, transferred_in=3, user=None)
    figures_record(cdcs=cdcs["stays"], month=MAY, lost={LossReason.DIED: 1, LossReason.TRANSFERRED_OUT: 3}, user=None)

    cdcs["arrives"] = make_cdcs(other_federation, code="PB02", opening=50, first_month=FEB)
    figures_record(cdcs=cdcs["arrives"], month=MARCH, admitted=4, user=None)  # in Phú Bình: not DT's
    cdcs_move(cdcs=cdcs["arrives"], federation=federation, from_month=APRIL, user=provincial_staff)
    figures_record(cdcs=cdcs["arrives"], month=APRIL, admitted=5, user=None)

    cdcs["leaves"] = make_cdcs(federation, code="DT03", opening=40, first_month=FEB)
    figures_record(cdcs=cdcs["leaves"], month=APRIL, admitted=2, user=None)
    cdcs_move(cdcs=cdcs["leaves"], federation=other_federation, from_month=MAY, user=provincial_staff)
    figures_record(cdcs=cdcs["leaves"], month=MAY, admitted=7, user=None)  # in Phú Bình

    cdcs["left_at_start"] = make_cdcs(federation, code="DT04", opening=20, first_month=FEB)
    cdcs_move(cdcs=cdcs["left_at_start"], federation=other_federation, from_month=MARCH, user=provincial_staff)

    cdcs["dissolved"] = make_cdcs(federation, code="DT05", opening=30, first_month=FEB)
    figures_record(cdcs=cdcs["dissolved"], month=MARCH, lost={LossReason.RETIRED: 1}, user=None)
    cdcs_dissolve(cdcs=cdcs["dissolved"], on=date(2021, 4, 15), reason="Doanh nghiệp phá sản", user=None)

    cdcs["founded"] = make_cdcs(federation, code="DT06", founded_on=date(2021, 4, 10), opening=0, first_month=APRIL)
    figures_record(cdcs=cdcs["founded"], month=APRIL, admitted=12, user=None)

    cdcs["state"] = make_cdcs(federation, code="DT07", sector=Sector.PUBLIC, opening=60, first_month=FEB)
    figures_record(cdcs=cdcs["state"], month=MAY, admitted=1, user=None)

    cdcs["elsewhere"] = make_cdcs(other_federation, code="PB08", opening=70, first_month=FEB)
    figures_record(cdcs=cdcs["elsewhere"], month=MARCH, admitted=9, user=None)
    cdcs["gone"] = make_cdcs(federation, code="DT09", opening=5, first_month=Month(2020, 12))
    cdcs_dissolve(cdcs=cdcs["gone"], on=date(2021, 1, 20), reason="Giải thể", user=None)
    return cdcs


def _line(drilldown, code):
    return next(line for line in drilldown.lines if line.cdcs.code == code)


def _balanced(figures) -> bool:
    return (
        figures.members_start + figures.net_members + figures.members_moved == figures.members_end
        and figures.unions_start + figures.net_unions + figures.unions_moved == figures.unions_end
    )


@pytest.mark.parametrize("sector_group", [None, "state", "non_state"])
def test_the_cdcs_lines_add_up_to_the_federations_figures_in_the_report(province_data, federation, sector_group):
    drilldown = federation_cdcs(org=federation, start=MARCH, end=MAY, sector_group=sector_group)
    report = progress_report(start=MARCH, end=MAY, scope=Scope(federation, sector_group))
    assert drilldown.total == report.total.figures  # every flow, loss reason, event, stock and move
    assert _balanced(drilldown.total)
    assert all(_balanced(line.figures) for line in drilldown.lines)


def test_each_cdcs_line_shows_what_it_contributed(province_data, federation, other_federation):
    drilldown = federation_cdcs(org=federation, start=MARCH, end=MAY)
    assert [line.cdcs.code for line in drilldown.lines] == ["DT01", "DT03", "DT04", "DT05", "DT06", "DT07", "PB02"]

    stays = _line(drilldown, "DT01").figures
    assert (stays.members_start, stays.admitted, stays.transferred_in, stays.lost, stays.members_end) == (
        100, 10, 3, 6, 107,
    )  # fmt: skip
    assert stays.lost_by_reason[LossReason.TRANSFERRED_OUT] == 3

    arrives = _line(drilldown, "PB02")
    assert (arrives.figures.members_start, arrives.figures.admitted, arrives.figures.members_end) == (0, 5, 59)
    [move] = arrives.moves
    assert (move.incoming, move.other.code, move.month, move.members) == (True, "PB", APRIL, 54)
    assert (arrives.figures.members_moved_in, arrives.figures.unions_moved_in) == (54, 1)

    leaves = _line(drilldown, "DT03")
    assert (leaves.figures.members_start, leaves.figures.admitted, leaves.figures.members_end) == (40, 2, 0)
    assert [(m.incoming, m.other.code, m.month, m.members) for m in leaves.moves] == [(False, "PB", MAY, 42)]

    left_at_start = _line(drilldown, "DT04").figures
    assert (left_at_start.members_start, left_at_start.members_moved_out, left_at_start.members_end) == (20, 20, 0)

    dissolved = _line(drilldown, "DT05")
    assert dissolved.dissolved_on == date(2021, 4, 15) and dissolved.founded_on is None
    assert dissolved.figures.lost_by_reason[LossReason.CDCS_DISSOLVED] == 29
    unions = dissolved.figures
    assert (unions.unions_start, unions.unions_dissolved, unions.unions_end) == (1, 1, 0)

    founded = _line(drilldown, "DT06")
    assert founded.founded_on == date(2021, 4, 10)
    assert (founded.figures.unions_start, founded.figures.unions_founded, founded.figures.members_end) == (0, 1, 12)

    total = drilldown.total
    assert (total.unions_start, total.unions_founded, total.unions_dissolved) == (5, 1, 1)
    assert (total.unions_moved_in, total.unions_moved_out, total.unions_end) == (1, 2, 4)


def test_the_other_federation_sees_the_same_moves_from_its_side(province_data, other_federation):
    drilldown = federation_cdcs(org=other_federation, start=MARCH, end=MAY)
    report = progress_report(start=MARCH, end=MAY, scope=Scope(other_federation))
    assert drilldown.total == report.total.figures
    arrives = _line(drilldown, "PB02")
    assert (arrives.figures.admitted, arrives.figures.members_moved_out) == (4, 54)


@pytest.mark.parametrize("cdcs_count", [3, 10])
def test_the_selector_runs_three_queries_whatever_the_number_of_cdcs(
    province, federation, other_federation, make_cdcs, provincial_staff, django_assert_max_num_queries, cdcs_count
):
    for number in range(cdcs_count):
        cdcs = make_cdcs(federation, opening=10 + number, first_month=FEB)
        for month in (MARCH, APRIL):
            figures_record(cdcs=cdcs, month=month, admitted=number, lost={LossReason.LEFT: 1}, user=None)
        if number % 3 == 0:
            cdcs_move(cdcs=cdcs, federation=other_federation, from_month=MAY, user=provincial_staff)
    with django_assert_max_num_queries(3):
        drilldown = federation_cdcs(org=federation, start=MARCH, end=MAY)
    assert len(drilldown.lines) == cdcs_count


@pytest.mark.parametrize("cdcs_count", [3, 10])
def test_the_federation_page_runs_a_fixed_number_of_queries(
    province, federation, make_cdcs, client_for, leader, django_assert_max_num_queries, cdcs_count
):
    for number in range(cdcs_count):
        cdcs = make_cdcs(federation, opening=10 + number, first_month=FEB)
        figures_record(cdcs=cdcs, month=MARCH, admitted=number, user=None)
    client = client_for(leader)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("reports:federation_detail", kwargs={"code": "DT"}), RANGE)
    assert len(response.context["drilldown"].lines) == cdcs_count


def test_the_federation_page_shows_the_report_figures_and_the_lines(province_data, federation, client_for, leader):
    response = client_for(leader).get(reverse("reports:federation_detail", kwargs={"code": "DT"}), RANGE)
    assert response.status_code == 200
    html = response.content.decode()
    report = progress_report(start=MARCH, end=MAY, scope=Scope(federation))
    assert response.context["row"].figures == report.total.figures == response.context["drilldown"].total
    months_url = reverse("reports:cdcs_months", kwargs={"code": "DT01"})
    assert f'href="{months_url}?start=2021-03&amp;end=2021-05"' in html  # each CĐCS links to its months
    assert "từ LĐLĐ huyện Phú Bình (04/2021)" in html and "sang LĐLĐ huyện Phú Bình (05/2021)" in html
    assert "15/04/2021" in html and "10/04/2021" in html  # dissolved, founded
    # Toàn tỉnh, keeping the range
    assert f'href="{reverse("reports:progress")}?start=2021-03&amp;end=2021-05&amp;org=TN"' in html


def test_a_federation_page_without_a_query_shows_this_year_so_far(province_data, client_for, leader):
    response = client_for(leader).get(reverse("reports:federation_detail", kwargs={"code": "DT"}))
    report = response.context["report"]
    assert report.start == Month(report.end.year, 1)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "2021-05", "end": "2021-03"}, "Tháng cuối phải sau hoặc bằng tháng đầu."),
        ({"start": "tháng ba", "end": "2021-03"}, "Tháng không hợp lệ"),
        ({"start": "2021-01", "end": "2099-03"}, "chưa đến"),
        ({**RANGE, "sector_group": "public"}, "Hãy chọn một lựa chọn hợp lệ"),
    ],
)
def test_bad_ranges_get_a_vietnamese_message_on_both_pages(province_data, client_for, leader, params, message):
    client = client_for(leader)
    for url in (
        reverse("reports:federation_detail", kwargs={"code": "DT"}),
        reverse("reports:cdcs_months", kwargs={"code": "DT01"}),
    ):
        response = client.get(url, params)
        assert response.status_code == 200
        assert message in response.content.decode()


def test_an_export_with_a_bad_range_goes_back_to_the_page_with_the_reason(province_data, client_for, leader):
    url = reverse("reports:federation_detail_export", kwargs={"code": "DT"})
    response = client_for(leader).get(url, {"start": "2021-05", "end": "2021-03"}, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("reports:federation_detail", kwargs={"code": "DT"}))
    assert "Không tải được tệp Excel" in response.content.decode()


def test_the_province_has_no_federation_page(province_data, client_for, leader):
    assert client_for(leader).get(reverse("reports:federation_detail", kwargs={"code": "TN"})).status_code == 404


def _workbook_rows(response) -> list[list]:
    assert response.status_code == 200 and response["Content-Type"] == XLSX_TYPE
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_the_federation_export_has_the_lines_and_the_total(province_data, federation, client_for, leader):
    url = reverse("reports:federation_detail_export", kwargs={"code": "DT"})
    rows = _workbook_rows(client_for(leader).get(url, RANGE))
    header = next(row for row in rows if row[0] == "Mã CĐCS")
    table = [dict(zip(header, row, strict=True)) for row in rows[rows.index(header) + 1 :]]
    assert [row["Mã CĐCS"] for row in table[:-1]] == ["DT01", "DT03", "DT04", "DT05", "DT06", "DT07", "PB02"]
    total = table[-1]
    figures = progress_report(start=MARCH, end=MAY, scope=Scope(federation)).total.figures
    assert total["Tên CĐCS"] == "Tổng"
    assert (total["Kết nạp mới"], total["Giảm (mọi lý do)"], total["Đoàn viên cuối kỳ"]) == (
        figures.admitted, figures.lost, figures.members_end,
    )  # fmt: skip
    assert total["Giảm: CĐCS giải thể"] == 29 and total["Thành lập"] == 1
    assert table[-2]["Chuyển từ / sang đơn vị"] == "từ LĐLĐ huyện Phú Bình (04/2021)"


# --- one CĐCS's months ---------------------------------------------------------------------------


def test_a_cdcs_months_are_every_row_in_the_range_with_its_federation(province_data, client_for, leader):
    response = client_for(leader).get(reverse("reports:cdcs_months", kwargs={"code": "PB02"}), RANGE)
    months = response.context["months"]
    assert [(Month.of(row.figure.month), row.figure.federation.code) for row in months.rows] == [
        (MARCH, "PB"), (APRIL, "DT"),
    ]  # fmt: skip
    assert (months.total.members_start, months.total.admitted, months.total.members_end) == (50, 9, 59)
    html = response.content.decode()
    federation_url = reverse("reports:federation_detail", kwargs={"code": "DT"})
    assert f'href="{federation_url}?start=2021-03&amp;end=2021-05"' in html  # back to the federation
    assert 'id="breadcrumbs"' in html and "Toàn tỉnh" in html


def test_federation_staff_see_only_the_months_their_federation_reported(
    province_data, client_for, federation_user, other_federation
):
    client = client_for(federation_user)
    response = client.get(reverse("reports:cdcs_months", kwargs={"code": "PB02"}), RANGE)
    assert [Month.of(row.figure.month) for row in response.context["months"].rows] == [APRIL]
    html = response.content.decode()
    assert "Toàn tỉnh" not in html  # they do not see the province's report
    assert reverse("reports:federation_detail", kwargs={"code": "PB"}) not in html


def test_the_months_selector_totals_the_flows(province_data):
    months = cdcs_months(
        cdcs=province_data["stays"], start=MARCH, end=MAY, visible=province_data["stays"].figures.all()
    )
    assert [row.lost for row in months.rows] == [2, 0, 4]
    assert (months.total.admitted, months.total.transferred_in, months.total.lost, months.total.net_members) == (
        10, 3, 6, 7,
    )  # fmt: skip
    assert months.total.members_start + months.total.net_members == months.total.members_end == 107


def test_the_months_export_has_every_row_and_the_total(province_data, client_for, leader):
    url = reverse("reports:cdcs_months_export", kwargs={"code": "DT01"})
    rows = _workbook_rows(client_for(leader).get(url, RANGE))
    header = next(row for row in rows if row[0] == "Tháng")
    table = [dict(zip(header, row, strict=True)) for row in rows[rows.index(header) + 1 :]]
    assert [row["Tháng"] for row in table] == ["03/2021", "04/2021", "05/2021", "Tổng"]
    assert (table[-1]["Kết nạp mới"], table[-1]["Giảm (mọi lý do)"], table[-1]["Đoàn viên cuối kỳ"]) == (10, 6, 107)


# --- who sees what ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("reports:federation_detail", "PB"),
        ("reports:federation_detail_export", "PB"),
        ("reports:cdcs_months", "PB08"),
        ("reports:cdcs_months_export", "PB08"),
    ],
)
def test_federation_staff_get_404_for_another_federations_pages(province_data, client_for, federation_user, name, code):
    response = client_for(federation_user).get(reverse(name, kwargs={"code": code}), RANGE)
    assert response.status_code == 404


def test_federation_staff_open_their_own_federation_and_a_cdcs_that_came_from_elsewhere(
    province_data, client_for, federation_user
):
    client = client_for(federation_user)
    assert client.get(reverse("reports:federation_detail", kwargs={"code": "DT"}), RANGE).status_code == 200
    assert client.get(reverse("reports:cdcs_months", kwargs={"code": "PB02"}), RANGE).status_code == 200


def test_a_cdcs_name_typed_as_a_formula_stays_text_in_the_export(federation, make_cdcs, client_for, leader):
    make_cdcs(federation, code="DT99", name='=HYPERLINK("http://x.example")', opening=5, first_month=MARCH)
    url = reverse("reports:federation_detail_export", kwargs={"code": "DT"})
    rows = _workbook_rows(client_for(leader).get(url, RANGE))
    assert [row[1] for row in rows if row[0] == "DT99"] == ["'" + '=HYPERLINK("http://x.example")']


def test_the_breadcrumb_leads_back_to_the_page_the_drilldown_came_from(province_data, client_for, leader):
    client = client_for(leader)
    url = reverse("reports:federation_detail", kwargs={"code": "DT"})
    back = "/reports/dashboard/?start=2021-03&end=2021-05&org=TN"
    assert client.get(url, {**RANGE, "from": back}).context["breadcrumbs"][0] == ("Bảng điều khiển", back)

    # The CĐCS links carry it on: the CĐCS page leads back there too, through the federation.
    response = client.get(reverse("reports:cdcs_months", kwargs={"code": "DT01"}), {**RANGE, "from": back})
    crumbs = response.context["breadcrumbs"]
    assert [label for label, _url in crumbs] == ["Bảng điều khiển", "LĐLĐ huyện Đại Từ"]
    assert crumbs[0][1] == back and "from=%2Freports%2Fdashboard%2F" in crumbs[1][1]
    hidden = 'name="from" value="/reports/dashboard/?start=2021-03&amp;end=2021-05&amp;org=TN"'
    assert hidden in response.content.decode()  # and the range form keeps it

    # Without `from`, the referer, when it is one of the report pages: here the brief.
    referer = "http://testserver/reports/brief/?start=2021-01&end=2021-06"
    response = client.get(url, RANGE, HTTP_REFERER=referer)
    assert response.context["breadcrumbs"][0] == ("Báo cáo nhanh", "/reports/brief/?start=2021-01&end=2021-06")

    # Anywhere else is no way back: the breadcrumb starts at the province's report.
    for elsewhere in ("https://evil.example/reports/dashboard/", "//evil.example/", "javascript:alert(1)", "/admin/"):
        crumbs = client.get(url, {**RANGE, "from": elsewhere}).context["breadcrumbs"]
        assert crumbs[0] == ("Toàn tỉnh", "/reports/?start=2021-03&end=2021-05&org=TN"), elsewhere


# --- in a real browser ------------------------------------------------------------------------


@pytest.mark.browser
def test_a_leader_follows_a_figure_down_to_the_months_and_back(province_data, leader, live_server, browser):
    from playwright.sync_api import expect

    from unionportal.testing.login import log_in

    url = f"{live_server.url}{reverse('reports:federation_detail', kwargs={'code': 'DT'})}?start=2021-03&end=2021-05"
    page = log_in(browser.new_page(viewport={"width": 1400, "height": 900}), url, leader.username)
    total = page.locator("#cdcs-lines tfoot tr")
    expect(total.locator("[data-figure=admitted]")).to_have_text("30")  # 10 + 5 + 2 + 12 + 1
    expect(page.locator("#federation-figures [data-figure=admitted]")).to_have_text("30")
    reason = total.locator("[data-figure=lost_cdcs_dissolved]")
    expect(reason).to_be_hidden()
    page.click("[data-action=toggle-reasons]")
    expect(reason).to_have_text("29")

    page.click("#cdcs-lines tr[data-cdcs=PB02] a")
    expect(page.locator("h1")).to_have_text(province_data["arrives"].name)
    expect(page.locator("#month-rows tbody tr")).to_have_count(2)
    page.click("#breadcrumbs a:has-text('LĐLĐ huyện Đại Từ')")
    expect(page.locator("h1")).to_have_text("LĐLĐ huyện Đại Từ")
    assert "start=2021-03&end=2021-05" in page.url
    page.click("#breadcrumbs a:has-text('Toàn tỉnh')")
    expect(page.locator("[data-figure=admitted]").first).to_have_text("50")  # the province: DT's 30, PB's 4 + 7 + 9
