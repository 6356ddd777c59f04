"""The funnel page (organising:funnel): what each role sees, the Vietnamese messages for a bad
query, and its query count. 2021 is a past year, so the page reads it as on 31/12/2021."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.models import UserProfile
from organising.models import Stage
from targets.models import Programme, Quota
from unionportal.testing.funnel_world import build_pipeline, enterprise

URL = reverse("organising:funnel")


@pytest.fixture
def pipeline(province, federation, other_federation, make_cdcs):
    programme = Programme.objects.create(
        name="Phát triển đoàn viên 2018–2023",
        document_number="04/CTr-LĐLĐ",
        document_date=date(2018, 7, 11),
        first_year=2018,
        last_year=2023,
    )
    for org, unions in ((province, 12), (federation, 6)):
        Quota.objects.create(programme=programme, organisation=org, year=2021, new_members=100, new_unions=unions)
    return build_pipeline(federation, other_federation, make_cdcs)


def _cells(html: str, table: str, org: str) -> str:
    """The text of one row of one table, tags dropped, for assertions on what a person reads."""
    start = html.index(f'id="{table}"')
    start = html.index(f'data-org="{org}"', start)
    row = html[html.index(">", start) + 1 : html.index("</tr>", start)]
    text, inside = [], False
    for char in row:
        if char == "<":
            inside = True
        elif char == ">":
            inside = False
            text.append(" ")
        elif not inside:
            text.append(char)
    return " ".join("".join(text).split())


def test_the_page_shows_the_funnel_conversion_forecast_and_stuck_of_a_year(pipeline, client_for, leader):
    response = client_for(leader).get(URL, {"year": "2021"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "năm 2021, số liệu đến ngày 31/12/2021" in html
    # identified e3 e6 · approached e2 · committee e5 · open 4 · priority e3 e5 e6 · founded e1 · stalled e4
    assert _cells(html, "funnel-stages", "DT") == "LĐLĐ huyện Đại Từ 2 1 1 4 3 1 1"
    assert _cells(html, "funnel-stages", "total") == "Toàn tỉnh 2 2 1 5 3 1 3"
    assert _cells(html, "funnel-conversion", "DT") == (
        "LĐLĐ huyện Đại Từ 6 2 (33,3 %) 1 (16,7 %) 1 (16,7 %) 1 (16,7 %)"
    )
    # the year is over: nothing more expected; DT founded 2 of its 6, so 4 short
    assert _cells(html, "funnel-forecast", "DT") == "LĐLĐ huyện Đại Từ 1 0 1 6 2 4 thiếu 4 CĐCS"
    assert _cells(html, "funnel-forecast", "PB") == "LĐLĐ huyện Phú Bình 0 0 0 – 0 – chưa giao chỉ tiêu"
    assert "Năm đã hết" in html
    stuck = html[html.index('id="funnel-stuck"') :]
    assert stuck.index("0100000003") < stuck.index("0200000003") < stuck.index("0100000006")
    assert "01/05/2020" in stuck and "chậm" in stuck
    assert response.context["chart"]["values"] == [2, 2, 1, 1, 3]


def test_without_a_query_the_page_shows_this_year_for_the_province(pipeline, client_for, provincial_staff):
    response = client_for(provincial_staff).get(URL)
    assert response.status_code == 200
    funnel = response.context["funnel"]
    assert funnel.year == timezone.localdate().year and funnel.as_of == timezone.localdate()
    assert response.context["scope"].is_province


def test_federation_staff_see_only_their_own_federation(pipeline, client_for, federation_user):
    client = client_for(federation_user)
    response = client.get(URL, {"year": "2021"})
    assert response.status_code == 200
    assert [row.org.code for row in response.context["funnel"].rows] == ["DT"]
    html = response.content.decode()
    assert "0200000003" not in html and "Phú Bình" not in html
    refused = client.get(URL, {"year": "2021", "org": "PB"})
    assert refused.status_code == 200 and "funnel" not in refused.context
    assert "PB" in refused.context["form"].errors["org"][0]
    assert "0200000003" not in refused.content.decode()


def test_a_steering_committee_member_may_keep_to_the_federations_they_follow(pipeline, client_for, leader, federation):
    UserProfile.objects.get(user=leader).followed_federations.set([federation])
    response = client_for(leader).get(URL, {"year": "2021", "mine": "on"})
    funnel = response.context["funnel"]
    assert [row.org.code for row in funnel.rows] == ["DT"]
    assert all(item.federation == federation for item in funnel.stuck)
    assert response.context["only_followed"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"year": "hai nghìn"}, "Năm phải là số, ví dụ 2025."),
        ({"year": "2999"}, "Năm 2999 chưa đến."),
        ({"year": "1975"}, "Chỉ có số liệu từ năm 1990."),
    ],
)
def test_a_bad_year_gets_a_vietnamese_message_not_an_error_page(pipeline, client_for, leader, params, message):
    response = client_for(leader).get(URL, params)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "funnel" not in response.context


def test_an_empty_pipeline_says_so(province, federation, client_for, leader):
    response = client_for(leader).get(URL, {"year": "2021"})
    assert response.status_code == 200
    assert 'id="funnel-empty"' in response.content.decode()


def _queries(client) -> int:
    client.get(URL, {"year": "2021"})  # the first view of a month may build the summary
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"year": "2021"})
    assert response.status_code == 200 and response.context["funnel"]
    return len(queries)


def test_the_page_runs_as_many_queries_for_8_federations_as_for_2(pipeline, make_federation, client_for, leader):
    client = client_for(leader)
    small = _queries(client)
    for number in range(6):
        org = make_federation(f"F{number}")
        enterprise(org, f"03000000{number:02d}", [(date(2021, 1, 5), Stage.IDENTIFIED)])
    large = _queries(client)
    assert large == small
