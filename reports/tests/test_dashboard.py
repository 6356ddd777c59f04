"""The leadership dashboard: its figures on the small province of conftest.py (`world`), its
edge cases, who sees what, and its query count."""

from datetime import date
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from members.figures.services import figures_record
from members.figures.workflow import return_submit
from members.models import LossReason, MonthlyReturn, Sector, UserProfile
from reports.dashboard import dashboard
from reports.models import Meeting
from reports.selectors import Scope
from targets.models import Programme, Quota
from unionportal.lib.months import Month

URL = reverse("reports:dashboard")
EXPORT_URL = reverse("reports:dashboard_export")
JANUARY, JUNE = Month(2021, 1), Month(2021, 6)
RANGE = {"start": "2021-01", "end": "2021-06", "org": "TN"}


def _board(org, start=JANUARY, end=JUNE, sector_group=None, only=None):
    return dashboard(start=start, end=end, scope=Scope(org, sector_group), only=only)


def _line(board, code):
    return next(line for line in board.lines if line.row.org.code == code)


# --- the figures ------------------------------------------------------------------------------


def test_tiles_are_the_progress_reports_figures(world, province):
    board = _board(province)
    f = board.report.total.figures
    assert (f.admitted, f.decrease, f.net_members, f.members_start, f.members_end) == (540, 52, 488, 1800, 2288)
    assert (f.unions_founded, f.unions_dissolved, f.net_unions, f.unions_end) == (3, 1, 2, 5)
    total = board.report.total
    assert (total.year_members.actual, total.year_members.quota, total.year_members.expected_percent) == (540, 1200, 50)
    assert total.year_members.percent == 45 and total.year_members.on_track is False
    assert (total.programme_members.actual, total.programme_members.quota) == (590, 4200)


def test_the_monthly_series_adds_up_to_the_tiles(world, province):
    board = _board(province)
    months = {str(point.month): point.totals for point in board.months}
    assert [months[f"{m:02d}/2021"].admitted for m in range(1, 7)] == [130, 60, 200, 10, 20, 120]
    assert [months[f"{m:02d}/2021"].decrease for m in range(1, 7)] == [10, 2, 2, 0, 38, 0]
    assert sum(t.admitted for t in months.values()) == board.report.total.figures.admitted
    assert sum(t.decrease for t in months.values()) == board.report.total.figures.decrease
    assert months["06/2021"].members_end == 2288 and months["06/2021"].unions_end == 5
    assert (months["05/2021"].unions_founded, months["05/2021"].unions_dissolved) == (0, 1)


def test_losses_by_reason(world, province):
    lost = {reason: count for reason, _label, count in _board(province).lost_by_reason}
    assert lost == {
        LossReason.JOB: 10,
        LossReason.RETIRED: 5,
        LossReason.ENTERPRISE_CLOSED: 0,
        LossReason.LEFT: 0,
        LossReason.DIED: 2,
        LossReason.TRANSFERRED_OUT: 8,
        LossReason.CDCS_DISSOLVED: 30,
    }


def test_state_and_non_state_split(world, province):
    groups = _board(province).sector_groups
    state, non_state = groups["state"], groups["non_state"]
    assert (state.admitted, state.decrease, state.members_end) == (110, 40, 570)
    assert (non_state.admitted, non_state.decrease, non_state.members_end) == (430, 12, 1718)


def test_density_by_sector_at_the_end_month(world, province):
    density = {d.sector: d for d in _board(province).density}
    assert list(density) == list(Sector.values)
    assert (density[Sector.PUBLIC].members, density[Sector.PUBLIC].workers) == (570, 640)
    assert round(density[Sector.PRIVATE].percent, 2) == round(1348 * 100 / 2030, 2)
    assert density[Sector.FDI].percent == 92.5
    assert density[Sector.SOE].percent is None  # dissolved before June: no row, no workers


def test_year_end_projection_at_the_current_pace(world, province):
    projection = _board(province).projection
    assert (projection.admitted, projection.months_elapsed, projection.per_month) == (540, 6, 90)
    assert (projection.projected, projection.quota, projection.projected_percent) == (1080, 1200, 90)
    cumulative = {str(month): (actual, projected) for month, actual, projected in projection.cumulative}
    assert cumulative["03/2021"] == (390, None)
    assert cumulative["06/2021"] == (540, 540)
    assert cumulative["12/2021"] == (None, 1080)


def test_cumulative_admissions_against_the_quota_spread_by_month(world, province):
    points = {str(point.month): point for point in _board(province).cumulative}
    assert str(next(iter(points))) == "01/2018"
    assert points["09/2020"].admitted == 50 and points["09/2020"].quota == 2750
    assert points["06/2021"].admitted == 590 and points["06/2021"].quota == 3600


def test_federation_rows_rank_and_submission_status(world, province, federation, provincial_staff):
    return_submit(federation=federation, month=JUNE, user=provincial_staff)
    board = _board(province)
    assert [line.row for line in board.lines] == board.report.rows  # one per federation, in the report's order
    assert [_line(board, code).rank for code in ("DT", "PB", "KCN", "VY")] == [1, 2, None, None]
    assert _line(board, "DT").status == MonthlyReturn.Status.SUBMITTED
    assert _line(board, "PB").status == MonthlyReturn.Status.DRAFT
    assert _line(board, "VY").status is None and str(_line(board, "VY").status_label) == "Chưa nhập"
    assert _line(board, "DT").on_track is False  # members on pace, CĐCS not
    assert _line(board, "KCN").on_track is None


def test_laggards_with_the_gap_to_close_by_year_end(world, province):
    laggards = _board(province).laggards
    assert [laggard.row.org.code for laggard in laggards] == ["PB", "DT"]  # PB is 27,5 points behind, DT 16,7
    pb, dt = laggards
    assert (pb.members.needed, pb.members.per_month, pb.unions.needed, pb.unions.per_month) == (310, 52, 3, 1)
    assert pb.shortfall == 27.5
    assert dt.members.behind is False and (dt.members.needed, dt.members.per_month) == (220, 37)
    assert dt.unions.behind is True and (dt.unions.needed, dt.unions.per_month) == (4, 1)


def test_at_the_end_of_the_year_there_is_no_month_left_to_spread_the_gap(world, province):
    laggards = _board(province, end=Month(2021, 12)).laggards
    assert laggards and all(laggard.members.per_month is None for laggard in laggards)
    assert next(laggard for laggard in laggards if laggard.row.org.code == "PB").members.needed == 310


# --- edge cases -------------------------------------------------------------------------------


def test_without_a_programme_there_are_no_percentages(world, province, client_for, leader):
    board = _board(province, start=Month(2016, 1), end=Month(2016, 12))
    assert board.report.programme is None and board.cumulative == [] and board.laggards == []
    assert all(line.rank is None for line in board.lines)
    html = client_for(leader).get(URL, {"start": "2016-01", "end": "2016-12", "org": "TN"}).content.decode()
    assert "Chưa có chương trình nào giao chỉ tiêu cho năm 2016." in html


def test_a_zero_quota_gives_no_percentage_no_rank_and_no_lag(world, province, kcn, programme):
    Quota.objects.create(programme=programme, organisation=kcn, year=2021, new_members=0, new_unions=0)
    board = _board(province)
    kcn_line = _line(board, "KCN")
    assert kcn_line.row.year_members.percent is None and kcn_line.rank is None
    assert "KCN" not in [laggard.row.org.code for laggard in board.laggards]


def test_a_partial_year_measures_pace_against_the_months_elapsed(world, province):
    board = _board(province, start=Month(2021, 3), end=Month(2021, 3))
    assert board.report.total.year_members.expected_percent == 25
    assert board.months_left == 9
    assert board.projection.months_elapsed == 3 and board.projection.admitted == 390
    assert [str(point.month) for point in board.months] == ["03/2021"]


def test_a_range_across_two_programmes_uses_the_one_covering_its_end(world, province, programme):
    newer = Programme.objects.create(
        name="Phát triển đoàn viên 2023–2028",
        document_number="09/CTr-LĐLĐ",
        document_date=date(2023, 3, 1),
        first_year=2023,
        last_year=2028,
    )
    Quota.objects.create(programme=newer, organisation=province, year=2023, new_members=2400, new_unions=12)
    board = _board(province, start=Month(2022, 7), end=Month(2023, 3))
    assert board.report.programme == newer
    assert str(board.cumulative[0].month) == "01/2023" and len(board.cumulative) == 3
    assert board.cumulative[-1].quota == 600  # 2.400 × 3/12


def test_a_sector_group_scope_has_its_own_series_and_no_quotas(world, province):
    board = _board(province, sector_group="state")
    assert sum(point.totals.admitted for point in board.months) == board.report.total.figures.admitted == 110
    assert board.sector_groups["non_state"].admitted == 0
    assert board.laggards == [] and board.cumulative[-1].quota is None


def test_one_federation_scope(world, federation):
    board = _board(federation)
    assert [line.row.org.code for line in board.lines] == ["DT"]
    assert board.lines[0].rank is None
    assert sum(point.totals.admitted for point in board.months) == 380
    assert board.sector_groups["state"].members_end == 20


# --- the page ---------------------------------------------------------------------------------


def test_the_page_shows_the_figures_the_vietnamese_way(world, client_for, leader):
    response = client_for(leader).get(URL, RANGE)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-figure="members_end">2.288<' in html
    assert 'data-figure="net_members">+488<' in html
    assert 'data-figure="year_members">45,0 %<' in html
    assert 'data-figure="projected">1.080<' in html
    assert "tile-behind" in html
    assert 'id="chart-monthly-data"' in html and 'id="chart-cumulative-data"' in html
    assert "<script>" not in html.replace('<script id="', "")  # data only, no inline code
    assert "Chưa nhập" in html


def test_figures_link_to_the_federation_drilldown_for_the_same_range(world, client_for, leader):
    html = client_for(leader).get(URL, RANGE).content.decode()
    back = "%2Freports%2Fdashboard%2F%3Fstart%3D2021-01%26end%3D2021-06%26org%3DTN"  # to come back here
    link = reverse("reports:federation_detail", args=["DT"]) + f"?start=2021-01&amp;end=2021-06&amp;from={back}"
    assert f'href="{link}"' in html


def test_without_parameters_the_page_shows_this_year_for_the_province(world, client_for, provincial_staff):
    response = client_for(provincial_staff).get(URL)
    report = response.context["report"]
    latest = Month.last_complete(timezone.localdate())
    assert report.scope.org.code == "TN" and (report.start, report.end) == (Month(latest.year, 1), latest)


def test_the_presets_include_since_the_last_meeting_when_there_is_one(world, client_for, leader):
    client = client_for(leader)
    labels = [label for label, _query in client.get(URL).context["presets"]]
    assert labels[0] == "Năm nay" and labels[-1] == "12 tháng gần nhất"
    assert "Từ đầu chương trình" not in " ".join(labels)  # 04/CTr ended in 2023
    assert not any(label.startswith("Từ phiên họp trước") for label in labels)

    today = timezone.localdate()
    Meeting.objects.create(held_on=date(today.year - 1, 9, 15), title="Phiên họp quý III")
    Meeting.objects.create(held_on=date(today.year - 1, 3, 10), title="Phiên họp quý I")
    presets = dict(client.get(URL, {**RANGE, "sector_group": "state"}).context["presets"])
    query = presets[f"Từ phiên họp trước (15/09/{today.year - 1})"]
    latest = Month.last_complete(today)
    assert f"start={today.year - 1}-09" in query and f"end={latest.iso}" in query and "sector_group=state" in query


def test_my_federations_limits_the_table_and_the_laggards(world, client_for, leader, federation, kcn):
    client = client_for(leader)
    assert "mine" not in client.get(URL, RANGE).context["form"].fields  # follows none: no box

    UserProfile.objects.get(user=leader).followed_federations.set([federation, kcn])
    response = client.get(URL, RANGE)
    assert "mine" in response.context["form"].fields
    assert len(response.context["board"].lines) == 4
    board = client.get(URL, {**RANGE, "mine": "on"}).context["board"]
    assert {line.row.org.code for line in board.lines} == {"DT", "KCN"}
    assert [laggard.row.org.code for laggard in board.laggards] == ["DT"]
    assert _line(board, "DT").rank == 1  # the rank stays the province's


def test_my_federations_narrows_the_tiles_to_the_sum_of_the_shown_federations(
    world, client_for, leader, federation, kcn
):
    UserProfile.objects.get(user=leader).followed_federations.set([federation, kcn])
    response = client_for(leader).get(URL, {**RANGE, "mine": "on"})
    board = response.context["board"]
    total, lines = board.report.total, board.lines
    f = total.figures
    # DT: 350 + 20 + 10 admitted, 10 + 5 − 3 decrease, 1.338 + 20 + 10 members; KCN: 70 admitted, 370 members.
    assert (f.admitted, f.decrease, f.net_members, f.members_end) == (450, 12, 438, 1738)
    assert (f.unions_founded, f.unions_dissolved, f.unions_end) == (2, 0, 4)
    for name in ("admitted", "decrease", "net_members", "members_end", "unions_founded", "unions_end"):
        assert getattr(f, name) == sum(getattr(line.row.figures, name) for line in lines), name
    # Attainment: DT's quota only (KCN has none), the admissions of both.
    assert (total.year_members.actual, total.year_members.quota, total.year_members.percent) == (450, 600, 75)
    assert total.year_members.expected_percent == 50
    html = response.content.decode()
    assert 'data-figure="admitted">450<' in html and 'data-figure="members_end">1.738<' in html
    assert 'data-figure="year_members">75,0 %<' in html
    # The charts' series are the same federations': the months add up to the tiles.
    assert sum(point.totals.admitted for point in board.months) == 450
    assert board.cumulative[-1].quota == 300  # half of DT's 600 by June
    assert sum(density.members for density in board.density) == 1738


def test_the_federation_table_opens_ranked(world, client_for, leader):
    response = client_for(leader).get(URL, RANGE)
    board = response.context["board"]
    # DT 380/600 = 63 %, PB 90/400 = 22,5 %; KCN and VY have no quota, last, by name.
    assert [(line.row.org.code, line.rank) for line in board.ranked_lines] == [
        ("DT", 1), ("PB", 2), ("KCN", None), ("VY", None),
    ]  # fmt: skip
    html = response.content.decode()
    table = html[html.index('id="dash-federations"') :]
    order = [table.index(f'data-org="{code}"') for code in ("DT", "PB", "KCN", "VY")]
    assert order == sorted(order)
    assert 'aria-sort="ascending"' in table[: table.index("</thead>")]  # the rank column, marked as sorted
    ranked = html[html.index('id="dash-ranked"') :]
    assert ranked.index('data-org="DT"') < ranked.index('data-org="PB"') < ranked.index('data-org="KCN"')


def test_federation_staff_see_only_their_own_federation(world, client_for, federation_user):
    client = client_for(federation_user)
    response = client.get(URL, {"start": "2021-01", "end": "2021-06"})
    assert [code for code, _label in response.context["form"].fields["org"].choices] == ["DT"]
    board = response.context["board"]
    assert board.report.scope.org.code == "DT" and [line.row.org.code for line in board.lines] == ["DT"]
    assert "LĐLĐ huyện Phú Bình" not in response.content.decode()
    for org in ("PB", "TN"):
        response = client.get(URL, {**RANGE, "org": org})
        assert response.status_code == 200 and response.context.get("board") is None
        assert "Hãy chọn một lựa chọn hợp lệ" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "2021-05", "end": "2021-03"}, "Tháng cuối phải sau hoặc bằng tháng đầu."),
        ({"start": "tháng ba", "end": "2021-03"}, "Tháng không hợp lệ"),
        ({"start": "2021-13", "end": "2021-03"}, "Tháng không hợp lệ"),
        ({"start": "2021-01", "end": "2099-03"}, "chưa đến"),
        ({"start": "1800-01", "end": "2021-03"}, "Tháng phải trong khoảng 01/1990 – 12/2100."),
        ({"start": "1950-01", "end": "2021-03"}, "Tháng phải trong khoảng 01/1990 – 12/2100."),
        ({"org": "XX"}, "Hãy chọn một lựa chọn hợp lệ"),
        ({"sector_group": "mars"}, "Hãy chọn một lựa chọn hợp lệ"),
        ({"start": ""}, "Trường này là bắt buộc"),
    ],
)
def test_bad_queries_get_a_vietnamese_message_not_an_error_page(world, client_for, leader, params, message):
    response = client_for(leader).get(URL, {**RANGE, **params})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context.get("board") is None


def test_a_bad_query_for_the_excel_file_goes_back_to_the_page_with_the_message(world, client_for, leader):
    response = client_for(leader).get(EXPORT_URL, {**RANGE, "end": "2021-13"}, follow=True)
    assert response.redirect_chain[0][0].startswith(URL)
    assert "Không tải được tệp Excel: Tháng không hợp lệ" in response.content.decode()


@pytest.mark.parametrize("name", ["reports:dashboard", "reports:dashboard_export"])
@pytest.mark.parametrize("role", ["leader", "provincial_staff", "federation_user"])
def test_the_dashboard_only_reads(world, client_for, request, name, role):
    response = client_for(request.getfixturevalue(role)).post(reverse(name), RANGE)
    assert response.status_code == 405


def test_the_excel_file_has_every_table_of_the_page(world, client_for, leader):
    response = client_for(leader).get(EXPORT_URL, {**RANGE, "org": "TN"})
    assert response.status_code == 200
    assert 'filename="bang-dieu-khien-TN-2021-01-2021-06.xlsx"' in response["Content-Disposition"]
    workbook = load_workbook(BytesIO(response.content))
    assert workbook.sheetnames == [
        "Theo đơn vị", "Chậm tiến độ", "Theo tháng", "Lý do giảm", "Khu vực", "Tỷ lệ ĐV trên lao động",
        "Lũy kế so với chỉ tiêu",
    ]  # fmt: skip
    federations = {row[1]: row for row in workbook["Theo đơn vị"].iter_rows(min_row=7, values_only=True)}
    assert set(federations) == {"DT", "PB", "KCN", "VY", "TN"}
    assert federations["TN"][:3] == ("Tổng", "TN", 540)  # the province's row closes the table
    assert sum(row[2] for code, row in federations.items() if code != "TN") == 540
    assert federations["DT"][:6] == ("LĐLĐ huyện Đại Từ", "DT", 380, 12, 368, 1368)
    assert federations["DT"][11] == pytest.approx(380 / 600) and federations["DT"][18] == 1
    assert federations["VY"][18:] == (None, "Chưa nhập", 0, 0)  # nothing "do sắp xếp tổ chức" either
    assert [row[1] for row in workbook["Chậm tiến độ"].iter_rows(min_row=2, values_only=True)] == ["PB", "DT"]
    months = list(workbook["Theo tháng"].iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in months] == [f"{m:02d}/2021" for m in range(1, 7)]
    assert [row[1] for row in months] == [130, 60, 200, 10, 20, 120]
    # the numbers behind the charts
    reasons = dict(workbook["Lý do giảm"].iter_rows(min_row=2, values_only=True))
    assert (reasons["Nghỉ việc, chuyển công tác"], reasons["Từ trần"], reasons["CĐCS giải thể"]) == (10, 2, 30)
    groups = {row[0]: row for row in workbook["Khu vực"].iter_rows(min_row=2, values_only=True)}
    assert groups["Khu vực ngoài nhà nước"][1:] == (430, 12, 1, 0, 1718, 3)
    assert groups["Khu vực nhà nước"][1] == 110
    cumulative = list(workbook["Lũy kế so với chỉ tiêu"].iter_rows(min_row=2, values_only=True))
    assert cumulative[-1][:2] == ("06/2021", 590)  # admitted since the programme began (01/2018)


# --- queries ----------------------------------------------------------------------------------


def _grow(make_federation, make_cdcs, programme, province, count: int, start_code: int = 0):
    for number in range(start_code, start_code + count):
        org = make_federation(f"F{number}")
        cdcs = make_cdcs(org, opening=100, first_month=Month(2019, 1), sector=Sector.FDI, workers=300)
        figures_record(cdcs=cdcs, month=Month(2021, 6), admitted=5, workers=300, user=None)
        Quota.objects.create(programme=programme, organisation=org, year=2021, new_members=50, new_unions=1)


def _queries(client, params) -> int:
    client.get(URL, params)  # the first view of a month may build its summary
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, params)
    assert response.status_code == 200 and response.context["board"]
    return len(queries)


def test_the_page_runs_as_many_queries_for_6_federations_and_36_months_as_for_2_and_12(
    province, programme, make_federation, make_cdcs, client_for, leader
):
    client = client_for(leader)
    _grow(make_federation, make_cdcs, programme, province, 2)
    small = _queries(client, {"start": "2021-01", "end": "2021-12", "org": "TN"})
    _grow(make_federation, make_cdcs, programme, province, 4, start_code=2)
    large = _queries(client, {"start": "2019-01", "end": "2021-12", "org": "TN"})
    assert large == small
