"""The organising pipeline on the leadership dashboard: the small province of conftest.py with
the hand-built pipeline of unionportal/testing/funnel_world.py, over 01–06/2021 (read on 30/06/2021).

With the pipeline's CĐCS, DT founded 4 CĐCS in 2021 (d2, d3, e1's and one without the
pipeline) of its quota of 6, PB 1 (p2) of 4, the province 5 of 12."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.figures.services import figures_record
from members.models import Sector
from organising.funnel import year_unions
from organising.models import Stage
from reports.dashboard import dashboard
from reports.selectors import Scope
from targets.models import Quota
from unionportal.lib.months import Month
from unionportal.testing.funnel_world import AS_OF, build_pipeline, enterprise

URL = reverse("reports:dashboard")
RANGE = {"start": "2021-01", "end": "2021-06", "org": "TN"}


@pytest.fixture
def pipeline(world, federation, other_federation, make_cdcs):
    return build_pipeline(federation, other_federation, make_cdcs)


def _board(org, **extra):
    return dashboard(start=Month(2021, 1), end=Month(2021, 6), scope=Scope(org), **extra)


def test_the_card_reads_the_pipeline_at_the_end_of_the_range_against_the_quota_left(
    pipeline, province, federation, other_federation
):
    board = _board(province)
    funnel = board.organising
    assert funnel.as_of == AS_OF and funnel.year == 2021
    stages = funnel.total.stages
    assert (stages.open, stages.committee, stages.founded, stages.stalled, stages.priority) == (4, 1, 1, 3, 2)
    outlook = funnel.total.outlook
    assert (outlook.expected, outlook.quota, outlook.founded, outlook.remaining, outlook.shortfall) == (1, 12, 5, 7, 6)
    rows = {row.org.code: row for row in funnel.rows}
    assert set(rows) == {"DT", "PB", "KCN", "VY"}
    assert (rows["DT"].outlook.expected, rows["DT"].outlook.remaining, rows["DT"].outlook.shortfall) == (0, 2, 2)
    assert (rows["PB"].outlook.remaining, rows["PB"].outlook.shortfall) == (3, 3)
    assert rows["KCN"].outlook.enough is None  # no quota


def test_the_organising_count_of_cdcs_founded_agrees_with_the_quota_report(
    pipeline, province, federation, other_federation
):
    report = _board(province).report
    founded, quotas = year_unions(
        year=2021, as_of=AS_OF, scope=province, federation_ids=[row.org.pk for row in report.rows]
    )
    assert founded[province.pk] == report.total.year_unions.actual == 5
    for row in report.rows:
        assert founded.get(row.org.pk, 0) == row.year_unions.actual
        assert quotas.get(row.org.pk) == row.year_unions.quota


def test_the_card_on_the_page(pipeline, client_for, leader):
    response = client_for(leader).get(URL, RANGE)
    html = response.content.decode()
    card = html[html.index('id="dash-organising"') :]
    assert 'data-figure="organising_open">4<' in card
    assert "Dự kiến thành lập thêm <strong>1</strong> CĐCS đến hết năm 2021" in card
    assert "so với <strong>7</strong> CĐCS còn phải thành lập theo chỉ tiêu năm" in card
    assert "thiếu 6 CĐCS" in card
    assert f'href="{reverse("organising:funnel")}?year=2021&amp;org=TN"' in card
    assert "Công ty 03 (LĐLĐ huyện Đại Từ): Đã xác định từ 01/05/2020, 425 ngày" in card


def test_federation_staff_see_their_own_pipeline_only(pipeline, client_for, federation_user):
    board = client_for(federation_user).get(URL, {**RANGE, "org": "DT"}).context["board"]
    funnel = board.organising
    assert [row.org.code for row in funnel.rows] == ["DT"]
    assert funnel.total.stages.open == 3
    assert {item.tax_code[:2] for item in funnel.stuck} == {"01"}
    assert (funnel.total.outlook.quota, funnel.total.outlook.remaining) == (6, 2)


def test_a_sector_group_card_has_no_quota(pipeline, province):
    board = dashboard(start=Month(2021, 1), end=Month(2021, 6), scope=Scope(province, "state"))
    assert board.organising.total.stages.open == 0
    assert board.organising.total.outlook.remaining is None


def test_a_range_ending_this_month_reads_the_pipeline_today(world, province, federation):
    today = timezone.localdate()
    enterprise(federation, "0100000001", [(date(today.year, 1, 1), Stage.IDENTIFIED)])
    board = dashboard(start=Month(today.year, 1), end=Month.of(today), scope=Scope(province))
    assert board.organising.as_of == today and board.organising.total.stages.identified == 1


def _grow(make_federation, make_cdcs, programme, count: int, start: int = 0):
    for number in range(start, start + count):
        org = make_federation(f"F{number}")
        cdcs = make_cdcs(org, opening=100, first_month=Month(2019, 1), sector=Sector.FDI, workers=300)
        figures_record(cdcs=cdcs, month=Month(2021, 6), admitted=5, workers=300, user=None)
        Quota.objects.create(programme=programme, organisation=org, year=2021, new_members=50, new_unions=1)
        for index, stage in enumerate((Stage.IDENTIFIED, Stage.APPROACHED)):
            enterprise(
                org, f"09{number:04d}{index:04d}", [(date(2021, 1, 5), Stage.IDENTIFIED), (date(2021, 3, 1), stage)]
            )


def _queries(client) -> int:
    client.get(URL, RANGE)  # the first view of a month may build its summary
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, RANGE)
    assert response.status_code == 200 and response.context["board"].organising
    return len(queries)


def test_the_card_costs_the_same_queries_for_2_or_8_federations_with_their_enterprises(
    pipeline, programme, make_federation, make_cdcs, client_for, leader
):
    client = client_for(leader)
    _grow(make_federation, make_cdcs, programme, 2)
    small = _queries(client)
    _grow(make_federation, make_cdcs, programme, 6, start=2)
    assert _queries(client) == small
