"""The year's rating report on a hand-built province: two federations, five CĐCS, two years."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.models import Sector
from ratings.reporting import rating_report

from .conftest import full

# totals and levels of the default rubric (XS ≥ 90 with 2.1 and 3.1 > 0, Tốt ≥ 70 with 3.1 > 0, HT ≥ 50)
S100 = full()  # Hoàn thành xuất sắc nhiệm vụ
S90_NO_FINANCE = full(c3_1=0)  # 90, but finance at zero: Hoàn thành nhiệm vụ
S80 = full(c1_1=0, c1_2=0)  # Tốt
S75 = full(c1_1=0, c1_2=0, c1_3=5)  # Tốt
S70 = full(c1_1=0, c1_2=0, c1_3=0)  # Tốt
S60 = full(c1_1=0, c1_2=0, c1_3=0, c2_2=5)  # Hoàn thành
S50 = full(c1_1=0, c1_2=0, c1_3=0, c2_2=0, c4_2=5)  # Hoàn thành
S40 = {**dict.fromkeys(full(), 0), "1.1": 10, "1.2": 10, "1.3": 10, "2.1": 10}  # Không hoàn thành
S20 = {**dict.fromkeys(full(), 0), "1.1": 10, "1.2": 10}  # Không hoàn thành


@pytest.fixture
def province_rated(federation, other_federation, make_cdcs, make_rubric, rate):
    last, this = make_rubric(2023), make_rubric(2024)
    dt01 = make_cdcs(federation, code="DT01", sector=Sector.PRIVATE)
    dt02 = make_cdcs(federation, code="DT02", sector=Sector.PUBLIC)
    dt03 = make_cdcs(federation, code="DT03", sector=Sector.FDI)
    pb01 = make_cdcs(other_federation, code="PB01", sector=Sector.SOE)
    pb02 = make_cdcs(other_federation, code="PB02", sector=Sector.COOPERATIVE)
    for cdcs, org, scores in [(dt01, federation, S100), (dt02, federation, S70), (pb01, other_federation, S50),
                              (pb02, other_federation, S20)]:  # fmt: skip
        rate(last, cdcs, org, scores, scores)
    rate(this, dt01, federation, S100, S90_NO_FINANCE)  # down from XS to HT, lowered by 10
    rate(this, dt02, federation, S80, S80)  # Tốt, as before
    rate(this, dt03, federation, S60)  # self-assessed only: pending
    rate(this, pb01, other_federation, S75, S75)  # up from HT to Tốt
    rate(this, pb02, other_federation, S60, S40)  # KHT as before, lowered by 20
    return this


def test_levels_by_federation_and_sector_count_final_results_only(province_rated):
    report = rating_report(rubric=province_rated)
    assert [level.name for level in report.levels] == [
        "Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ", "Hoàn thành nhiệm vụ", "Không hoàn thành nhiệm vụ",
    ]  # fmt: skip
    assert {line.label: (line.counts, line.pending) for line in report.by_federation} == {
        "LĐLĐ huyện Đại Từ": ([0, 1, 1, 0], 1),
        "LĐLĐ huyện Phú Bình": ([0, 1, 0, 1], 0),
    }
    assert [(line.label, line.counts) for line in report.by_sector] == [
        ("Khu vực nhà nước", [0, 2, 0, 0]),
        ("Khu vực ngoài nhà nước", [0, 0, 1, 1]),
    ]
    assert (report.total.counts, report.total.total, report.total.pending) == ([0, 2, 1, 1], 4, 1)


def test_change_since_last_year_per_level_and_per_cdcs(province_rated):
    report = rating_report(rubric=province_rated)
    assert [(change.name, change.before, change.now, change.change) for change in report.changes] == [
        ("Hoàn thành xuất sắc nhiệm vụ", 1, 0, -1),
        ("Hoàn thành tốt nhiệm vụ", 1, 2, 1),
        ("Hoàn thành nhiệm vụ", 1, 1, 0),
        ("Không hoàn thành nhiệm vụ", 1, 1, 0),
    ]
    assert [(r.code, r.before, r.level) for r in report.up] == [
        ("PB01", "Hoàn thành nhiệm vụ", "Hoàn thành tốt nhiệm vụ")
    ]
    assert [(r.code, r.before, r.level) for r in report.down] == [
        ("DT01", "Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành nhiệm vụ")
    ]
    assert report.same == 2


def test_lowest_non_state_and_lowered_most_in_review(province_rated):
    report = rating_report(rubric=province_rated, bottom=1)
    assert [(r.code, r.total) for r in report.lowest_non_state] == [("PB02", 40)]
    report = rating_report(rubric=province_rated)
    assert [(r.code, r.total) for r in report.lowest_non_state] == [("PB02", 40), ("DT01", 90)]
    assert [(r.code, r.self_total, r.total, r.lowered_by) for r in report.lowered_most] == [
        ("PB02", 60, 40, 20),
        ("DT01", 100, 90, 10),
    ]


def test_federation_staff_see_their_own_federations_rows_only(province_rated, client_for, federation_user):
    response = client_for(federation_user).get(reverse("ratings:report", kwargs={"year": 2024}))
    report = response.context["report"]
    assert [line.label for line in report.by_federation] == ["LĐLĐ huyện Đại Từ"]
    assert [r.code for r in report.lowered_most] == ["DT01"]
    assert "PB02" not in response.content.decode()


def test_the_report_page_reads_in_a_fixed_number_of_queries(
    province_rated, client_for, leader, make_federation, make_cdcs, rate, django_assert_max_num_queries
):
    client = client_for(leader)
    url = reverse("ratings:report", kwargs={"year": 2024})
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for number in range(6):
        org = make_federation(f"F{number}")
        for _ in range(3):
            rate(province_rated, make_cdcs(org, sector=Sector.FDI), org, S80, S75)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.context["report"].total.total == 4 + 18
