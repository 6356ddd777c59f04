"""The steering committee's reads of the pipeline (organising.funnel), on the hand-built pipeline
of unionportal/testing/funnel_world.py, read on 30/06/2021 unless a test says otherwise."""

from datetime import date

import pytest

from members.models import Sector, SectorGroup
from organising.funnel import Outlook, funnel_outlooks, organising_funnel, year_unions
from organising.models import PriorityRule, Stage
from targets.models import Programme, Quota
from unionportal.testing.funnel_world import AS_OF, build_pipeline, enterprise


@pytest.fixture
def pipeline(federation, other_federation, make_cdcs):
    return build_pipeline(federation, other_federation, make_cdcs)


def _funnel(province, federation, other_federation, *, year=2021, as_of=AS_OF, **extra):
    return organising_funnel(
        year=year, as_of=as_of, scope=province, federations=[federation, other_federation], **extra
    )


def _row(funnel, code):
    return next(row for row in funnel.rows if row.org.code == code)


def _stages(row) -> dict:
    s = row.stages
    return {
        "identified": s.identified,
        "approached": s.approached,
        "committee": s.committee,
        "founded": s.founded,
        "stalled": s.stalled,
        "priority": s.priority,
        "open": s.open,
    }


def _conversion(row) -> dict:
    c = row.conversion
    return {
        "base": c.base,
        "approached": c.approached,
        "committee": c.committee,
        "founded": c.founded,
        "stalled": c.stalled,
    }


# --- the funnel -----------------------------------------------------------------------------


def test_the_funnel_counts_each_stage_on_the_day_per_federation_and_for_the_province(
    pipeline, province, federation, other_federation
):
    funnel = _funnel(province, federation, other_federation)
    assert _stages(_row(funnel, "DT")) == {
        "identified": 1,  # e3
        "approached": 1,  # e2
        "committee": 1,  # e5
        "founded": 1,  # e1, in February
        "stalled": 1,  # e4
        "priority": 2,  # e3 (200 workers) and e5 (30), at the default threshold of 25
        "open": 3,
    }
    # p3 has no recorded move: its stage and date stand for one; p4 came with its CĐCS, not from the pipeline
    assert _stages(_row(funnel, "PB")) == {
        "identified": 0,
        "approached": 1,
        "committee": 0,
        "founded": 0,
        "stalled": 2,
        "priority": 0,
        "open": 1,
    }
    assert _stages(funnel.total) == {
        "identified": 1,
        "approached": 2,
        "committee": 1,
        "founded": 1,
        "stalled": 3,
        "priority": 2,
        "open": 4,
    }


def test_an_enterprise_linked_to_a_cdcs_it_already_had_is_not_counted_as_founded(
    pipeline, province, federation, other_federation
):
    # p6 came in a list in March and was linked to its CĐCS of 2012 the same day, as the import does
    funnel = _funnel(province, federation, other_federation)
    pb = _row(funnel, "PB")
    assert (pb.stages.founded, pb.conversion.base, pb.conversion.founded) == (0, 1, 0)
    assert "0200000006" not in [item.tax_code for item in funnel.stuck]


def test_a_cdcs_founded_after_the_enterprise_was_identified_and_then_linked_counts(
    province, federation, other_federation, make_cdcs
):
    cdcs = make_cdcs(federation, founded_on=date(2021, 4, 1))
    enterprise(
        federation,
        "0100000077",
        [(date(2021, 1, 5), Stage.IDENTIFIED), (date(2021, 4, 20), Stage.FOUNDED)],
        cdcs=cdcs,
    )
    funnel = _funnel(province, federation, other_federation)
    assert (funnel.total.stages.founded, funnel.total.conversion.founded) == (1, 1)


def test_the_priority_threshold_is_the_provinces_rule(pipeline, province, federation, other_federation):
    PriorityRule.objects.create(min_workers=100, stuck_days=90)
    funnel = _funnel(province, federation, other_federation)
    assert funnel.min_workers == 100
    assert funnel.total.stages.priority == 1  # only e3


def test_an_enterprise_identified_after_the_day_is_not_counted_yet(pipeline, province, federation, other_federation):
    later = _funnel(province, federation, other_federation, as_of=date(2021, 8, 15))
    assert _row(later, "DT").stages.identified == 2  # e3 and e6
    assert _row(later, "DT").stages.priority == 3


def test_a_past_year_is_read_as_it_stood_on_31_december(pipeline, province, federation, other_federation):
    funnel = _funnel(province, federation, other_federation, year=2020, as_of=date(2020, 12, 31))
    assert _stages(funnel.total) == {
        "identified": 1,  # e3
        "approached": 2,  # e4, p3
        "committee": 1,  # e1
        "founded": 0,
        "stalled": 2,  # p2, p5
        "priority": 1,  # e3
        "open": 4,
    }
    # open on 1/1/2020: p5 (approached); identified during 2020: e1, e3, e4, p3
    assert _conversion(funnel.total) == {"base": 5, "approached": 3, "committee": 2, "founded": 0, "stalled": 1}
    assert funnel.horizon == 0 and funnel.total.expected == 0


# --- conversion -----------------------------------------------------------------------------


def test_conversion_over_the_year_from_the_stage_changes(pipeline, province, federation, other_federation):
    funnel = _funnel(province, federation, other_federation)
    # DT: open on 1/1 e1 (committee), e3 (identified), e4 (approached); identified since: e2, e5.
    # e2 and e5 were approached (e5 by going straight to a committee), e5 formed a committee,
    # e1 founded its CĐCS, e4 stalled.
    assert _conversion(_row(funnel, "DT")) == {"base": 5, "approached": 2, "committee": 1, "founded": 1, "stalled": 1}
    # PB: only p3 was open on 1/1; p2, p5 were stalled, p1 founded, p4 never in the pipeline
    assert _conversion(_row(funnel, "PB")) == {"base": 1, "approached": 0, "committee": 0, "founded": 0, "stalled": 0}
    total = funnel.total.conversion
    assert (total.base, total.approached, total.founded) == (6, 2, 1)
    assert round(total.approached_percent, 1) == 33.3
    assert round(total.founded_percent, 1) == 16.7


def test_conversion_of_an_empty_pipeline_has_no_percentages(province, federation, other_federation):
    funnel = _funnel(province, federation, other_federation)
    assert funnel.total.conversion.base == 0
    assert funnel.total.conversion.founded_percent is None
    assert not funnel.has_data and funnel.stuck == []


# --- stuck ----------------------------------------------------------------------------------


def test_the_enterprises_stuck_longest_come_first_flagged_beyond_the_threshold(
    pipeline, province, federation, other_federation
):
    funnel = _funnel(province, federation, other_federation)
    assert [(item.tax_code, item.stage, item.since, item.days, item.overdue) for item in funnel.stuck] == [
        ("0100000003", Stage.IDENTIFIED, date(2020, 5, 1), 425, True),
        ("0200000003", Stage.APPROACHED, date(2020, 11, 1), 241, True),
        ("0100000002", Stage.APPROACHED, date(2021, 3, 1), 121, True),
        ("0100000005", Stage.COMMITTEE, date(2021, 5, 1), 60, False),
    ]
    assert funnel.stuck[1].federation == other_federation


def test_the_stuck_list_is_cut_and_kept_to_the_followed_federations(pipeline, province, federation, other_federation):
    funnel = _funnel(province, federation, other_federation, only={federation.pk}, stuck_limit=2)
    assert [item.tax_code for item in funnel.stuck] == ["0100000003", "0100000002"]
    assert [row.org.code for row in funnel.rows] == ["DT"]
    assert funnel.total.stages.open == 4  # the province's total stays whole


def test_one_federations_funnel_counts_its_enterprises_only(pipeline, federation):
    funnel = organising_funnel(year=2021, as_of=AS_OF, scope=federation, federations=[federation])
    assert _stages(funnel.total) == _stages(funnel.rows[0])
    assert funnel.total.stages.open == 3
    assert {item.tax_code[:2] for item in funnel.stuck} == {"01"}


def test_a_sector_group_keeps_its_enterprises(pipeline, province, federation, other_federation):
    enterprise(federation, "0100000099", [(date(2021, 1, 5), Stage.IDENTIFIED)], sector=Sector.PUBLIC)
    state = _funnel(province, federation, other_federation, sector_group=SectorGroup.STATE)
    assert state.total.stages.open == 1
    non_state = _funnel(province, federation, other_federation, sector_group=SectorGroup.NON_STATE)
    assert non_state.total.stages.open == 4


# --- the forecast ---------------------------------------------------------------------------


def test_the_forecast_uses_each_stages_past_rate_over_the_days_left(pipeline, province, federation, other_federation):
    funnel = _funnel(province, federation, other_federation)
    assert funnel.horizon == 184
    # month-ends 30/06/2019 … 30/11/2020 (the last whose next 184 days are known):
    # identified e1 ×3, e3 ×7, e4 ×1, p5 ×1, none founded within 184 days;
    # approached e1 ×3 (from 31/08/2020 it founded within 184 days), e4 ×10, p2 ×6, p3 ×1, p5 ×1;
    # committee e1 ×3 and p1 ×4, all founded within 184 days, p5 ×9, never founded.
    assert [(rate.stage, rate.observed, rate.founded) for rate in funnel.rates] == [
        (Stage.IDENTIFIED, 12, 0),
        (Stage.APPROACHED, 21, 1),
        (Stage.COMMITTEE, 16, 7),
    ]
    dt, pb = _row(funnel, "DT"), _row(funnel, "PB")
    assert dt.expected == pytest.approx(1 / 21 + 7 / 16)  # e2 approached, e5 committee
    assert (dt.expected_whole, dt.forecast) == (0, 1)  # 0,49 expected, and e1 founded
    assert pb.expected == pytest.approx(1 / 21) and pb.expected_whole == 0  # p3
    # the province's expectation is the sum before rounding
    assert funnel.total.expected == pytest.approx(2 / 21 + 7 / 16)
    assert (funnel.total.expected_whole, funnel.total.forecast) == (1, 2)


def test_an_enterprise_in_a_stage_longer_than_the_lookback_counts_at_every_month_end(
    province, federation, other_federation
):
    enterprise(federation, "0100000001", [(date(2015, 1, 5), Stage.APPROACHED)])
    funnel = _funnel(province, federation, other_federation)
    approached = next(rate for rate in funnel.rates if rate.stage == Stage.APPROACHED)
    assert (approached.observed, approached.founded) == (18, 0)  # 30/06/2019 … 30/11/2020


def test_a_stage_nobody_passed_yet_expects_nothing(province, federation, other_federation):
    enterprise(federation, "0100000001", [(date(2021, 1, 5), Stage.IDENTIFIED), (date(2021, 3, 1), Stage.COMMITTEE)])
    funnel = _funnel(province, federation, other_federation)
    assert all(rate.share is None for rate in funnel.rates)
    assert funnel.total.expected == 0


@pytest.mark.parametrize(
    ("expected", "quota", "founded", "remaining", "shortfall", "enough"),
    [
        (1, 6, 2, 4, 3, False),
        (1, 3, 2, 1, 0, True),
        (2, 3, 2, 1, 0, True),
        (0, 2, 5, 0, 0, True),  # beyond the quota already
        (3, None, 2, None, None, None),
        (3, 0, 2, None, None, None),  # a zero quota is no quota
    ],
)
def test_the_outlook_against_the_quota_left(expected, quota, founded, remaining, shortfall, enough):
    outlook = Outlook(expected=expected, quota=quota, founded=founded)
    assert (outlook.remaining, outlook.shortfall, outlook.enough) == (remaining, shortfall, enough)


@pytest.fixture
def quotas(province, federation, other_federation):
    programme = Programme.objects.create(
        name="Phát triển đoàn viên 2018–2023",
        document_number="04/CTr-LĐLĐ",
        document_date=date(2018, 7, 11),
        first_year=2018,
        last_year=2023,
    )
    for org, unions in ((province, 12), (federation, 6), (other_federation, 1)):
        Quota.objects.create(programme=programme, organisation=org, year=2021, new_members=100, new_unions=unions)
    return programme


def test_year_unions_counts_every_cdcs_founded_since_january_as_the_quota_report_does(
    pipeline, quotas, province, federation, other_federation
):
    founded, year_quotas = year_unions(
        year=2021, as_of=AS_OF, scope=province, federation_ids=[federation.pk, other_federation.pk]
    )
    assert founded == {
        federation.pk: 2,
        other_federation.pk: 0,
        province.pk: 2,
    }  # e1's CĐCS and the one founded without the pipeline
    assert year_quotas == {province.pk: 12, federation.pk: 6, other_federation.pk: 1}
    funnel = _funnel(province, federation, other_federation)
    funnel_outlooks(funnel, founded=founded, quotas=year_quotas)
    dt, pb = _row(funnel, "DT").outlook, _row(funnel, "PB").outlook
    assert (dt.remaining, dt.expected, dt.shortfall) == (4, 0, 4)
    assert (pb.remaining, pb.expected, pb.shortfall, pb.enough) == (1, 0, 1, False)
    assert (funnel.total.outlook.remaining, funnel.total.outlook.shortfall) == (10, 9)


def test_year_unions_without_a_programme_has_no_quotas(pipeline, province, federation, other_federation):
    founded, year_quotas = year_unions(year=2021, as_of=AS_OF, scope=federation, federation_ids=[federation.pk])
    assert founded == {federation.pk: 2} and year_quotas == {}


# --- queries --------------------------------------------------------------------------------


def test_the_funnel_runs_three_queries_whatever_the_number_of_federations(
    pipeline, province, federation, other_federation, make_federation, django_assert_num_queries
):
    many = [federation, other_federation]
    for number in range(8):
        org = make_federation(f"F{number}")
        many.append(org)
        enterprise(org, f"03000000{number:02d}", [(date(2021, 1, 5), Stage.IDENTIFIED)])
    with django_assert_num_queries(3):
        funnel = organising_funnel(year=2021, as_of=AS_OF, scope=province, federations=many)
    assert funnel.total.stages.identified == 9
