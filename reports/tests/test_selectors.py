"""The report formulas of docs/domain.md, on small provinces built through the services."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from members.figures.services import figures_record
from members.models import LossReason, Organisation, Sector
from members.services.org import cdcs_dissolve, cdcs_move
from reports.selectors import Scope, progress_report
from targets.models import Programme, Quota
from unionportal.lib.months import Month, month_range

MARCH, APRIL, MAY = Month(2021, 3), Month(2021, 4), Month(2021, 5)


def _report(org, start=MARCH, end=MAY, sector_group=None):
    return progress_report(start=start, end=end, scope=Scope(org, sector_group))


def _row(report, org):
    return next(row for row in report.rows if row.org == org)


def _balanced(figures) -> bool:
    return (
        figures.members_start + figures.net_members + figures.members_moved == figures.members_end
        and figures.unions_start + figures.net_unions + figures.unions_moved == figures.unions_end
    )


def test_decrease_and_net_follow_domain_formulas(province, federation, make_cdcs):
    cdcs = make_cdcs(federation, opening=100, first_month=Month(2021, 2))
    figures_record(
        cdcs=cdcs,
        month=MARCH,
        admitted=20,
        transferred_in=4,
        lost={LossReason.JOB: 7, LossReason.RETIRED: 2, LossReason.TRANSFERRED_OUT: 1},
        user=None,
    )
    figures = _report(province).total.figures
    assert (figures.admitted, figures.transferred_in, figures.lost) == (20, 4, 10)
    assert figures.decrease == 10 - 4
    assert figures.net_members == 20 - 6 == figures.admitted + figures.transferred_in - figures.lost
    assert figures.lost_by_reason[LossReason.RETIRED] == 2
    assert (figures.members_start, figures.members_end) == (100, 114)


def test_transfers_between_federations_cancel_in_the_province_total(province, federation, other_federation, make_cdcs):
    sender = make_cdcs(federation, opening=50, first_month=Month(2021, 2))
    receiver = make_cdcs(other_federation, opening=50, first_month=Month(2021, 2))
    figures_record(cdcs=sender, month=APRIL, lost={LossReason.TRANSFERRED_OUT: 6}, user=None)
    figures_record(cdcs=receiver, month=APRIL, transferred_in=6, user=None)
    report = _report(province)
    assert (report.total.figures.decrease, report.total.figures.net_members) == (0, 0)
    assert _row(report, federation).figures.decrease == 6
    assert _row(report, other_federation).figures.decrease == -6


def test_dissolving_a_cdcs_with_members_counts_them_and_the_union_as_lost(province, federation, make_cdcs):
    cdcs = make_cdcs(federation, opening=42, first_month=Month(2021, 2))
    make_cdcs(federation, opening=10, first_month=Month(2021, 2))
    cdcs_dissolve(cdcs=cdcs, on=date(2021, 4, 9), reason="Doanh nghiệp phá sản", user=None)
    figures = _report(province).total.figures
    assert (figures.decrease, figures.lost_by_reason[LossReason.CDCS_DISSOLVED]) == (42, 42)
    assert (figures.unions_dissolved, figures.unions_start, figures.unions_end) == (1, 2, 1)
    assert (figures.members_start, figures.members_end) == (52, 10)


def test_a_cdcs_moved_mid_range_counts_for_the_federation_of_each_month(
    province, federation, other_federation, make_cdcs, provincial_staff
):
    cdcs = make_cdcs(federation, opening=100, first_month=Month(2021, 2))
    figures_record(cdcs=cdcs, month=MARCH, admitted=10, user=None)
    cdcs_move(cdcs=cdcs, federation=other_federation, from_month=APRIL, user=provincial_staff)
    figures_record(cdcs=cdcs, month=APRIL, admitted=3, user=None)
    figures_record(cdcs=cdcs, month=MAY, admitted=5, user=None)
    report = _report(province)
    old, new = _row(report, federation).figures, _row(report, other_federation).figures
    assert (old.admitted, new.admitted) == (10, 8)
    assert (old.members_moved_out, new.members_moved_in) == (110, 110)
    assert (old.unions_moved_out, new.unions_moved_in) == (1, 1)
    assert (old.members_end, new.members_end) == (0, 118)
    assert _balanced(old) and _balanced(new) and _balanced(report.total.figures)
    assert report.total.figures.members_moved == 0
    # Reported on its own, the federation that received it shows the same.
    alone = _report(other_federation).total.figures
    assert (alone.admitted, alone.members_moved_in, alone.members_end) == (8, 110, 118)


def test_range_boundaries_are_whole_months(province, federation, make_cdcs):
    cdcs = make_cdcs(federation, opening=100, first_month=Month(2021, 2))
    for month, admitted in ((MARCH, 1), (APRIL, 2), (MAY, 4), (Month(2021, 6), 8)):
        figures_record(cdcs=cdcs, month=month, admitted=admitted, user=None)
    make_cdcs(federation, founded_on=date(2021, 4, 30))  # last day of the range
    make_cdcs(federation, founded_on=date(2021, 5, 1))  # first day after it
    make_cdcs(federation, founded_on=date(2021, 3, 31))  # before it
    figures = _report(province, start=APRIL, end=APRIL).total.figures
    assert figures.admitted == 2
    assert figures.unions_founded == 1
    assert (figures.members_start, figures.members_end) == (101, 103)
    assert (figures.unions_start, figures.unions_end) == (2, 3)


def test_start_stock_before_a_cdcs_first_recorded_month_is_its_opening_balance(province, federation, make_cdcs):
    make_cdcs(federation, opening=80, first_month=MAY)
    figures = _report(province, start=MARCH, end=MAY).total.figures
    assert (figures.members_start, figures.members_end) == (80, 80)


def test_sector_group_scope_keeps_only_its_cdcs(province, federation, make_cdcs):
    state = make_cdcs(federation, sector=Sector.PUBLIC, opening=30, first_month=Month(2021, 2))
    private = make_cdcs(federation, sector=Sector.FDI, opening=300, first_month=Month(2021, 2))
    figures_record(cdcs=state, month=MARCH, admitted=1, user=None)
    figures_record(cdcs=private, month=MARCH, admitted=50, user=None)
    assert _report(province, sector_group="state").total.figures.admitted == 1
    non_state = _report(province, sector_group="non_state").total.figures
    assert (non_state.admitted, non_state.members_end, non_state.unions_end) == (50, 350, 1)


@pytest.fixture
def programme(province, federation, other_federation):
    programme = Programme.objects.create(
        name="Chương trình thử",
        document_number="01/CTr",
        first_year=2020,
        last_year=2022,
        document_date=date(2020, 1, 10),
    )
    for year in (2020, 2021, 2022):
        Quota.objects.create(programme=programme, organisation=province, year=year, new_members=1200, new_unions=4)
        Quota.objects.create(programme=programme, organisation=federation, year=year, new_members=700, new_unions=3)
        Quota.objects.create(
            programme=programme, organisation=other_federation, year=year, new_members=500, new_unions=1
        )
    return programme


def test_attainment_for_the_year_and_the_programme_against_elapsed_time(programme, province, federation, make_cdcs):
    cdcs = make_cdcs(federation, opening=100, first_month=Month(2020, 6))
    figures_record(cdcs=cdcs, month=Month(2020, 7), admitted=600, user=None)
    figures_record(cdcs=cdcs, month=Month(2021, 2), admitted=300, user=None)
    make_cdcs(federation, founded_on=date(2021, 1, 5))
    report = _report(province, start=MARCH, end=MARCH)
    total = report.total
    assert report.programme == programme
    assert total.figures.admitted == 0  # nothing in March itself: attainment still counts the year
    assert (total.year_members.actual, total.year_members.quota, total.year_members.percent) == (300, 1200, 25.0)
    assert total.year_members.expected_percent == 25.0 and total.year_members.on_track is True
    assert (total.year_unions.actual, total.year_unions.quota) == (1, 4) and total.year_unions.on_track is True
    assert (total.programme_members.actual, total.programme_members.quota) == (900, 3600)
    assert total.programme_members.expected_percent == pytest.approx(15 / 36 * 100)
    assert total.programme_members.on_track is False
    row = _row(report, federation)
    assert (row.year_members.quota, row.year_members.percent) == (700, pytest.approx(300 / 7))
    assert report.federation_quota_sums["year_members"] == 1200


def test_federation_quotas_that_do_not_add_up_show_in_the_sums(programme, province, federation):
    Quota.objects.filter(organisation=federation, year=2021).update(new_members=650)
    report = _report(province)
    assert (report.federation_quota_sums["year_members"], report.total.year_members.quota) == (1150, 1200)


def test_no_programme_covering_the_year_means_no_quota(province, federation, make_cdcs):
    make_cdcs(federation, opening=10, first_month=MARCH)
    report = _report(province)
    assert report.programme is None
    assert report.total.year_members.percent is None and report.total.year_members.on_track is None


def _province_of(size: int, months: int, make_federation, make_cdcs, provincial_staff):
    federations = [make_federation(f"F{size}{i}") for i in range(size)]
    for index, fed in enumerate(federations):
        moving = make_cdcs(fed, opening=100, first_month=Month(2020, 1))
        make_cdcs(fed, founded_on=date(2020, 3, 3), opening=0, first_month=Month(2020, 3))
        for month in month_range(Month(2020, 2), Month(2020, 1) + months):
            figures_record(cdcs=moving, month=month, admitted=2, lost={LossReason.JOB: 1}, user=None)
        cdcs_move(cdcs=moving, federation=federations[index - 1], from_month=Month(2020, 4), user=provincial_staff)
    return Month(2020, 1) + months


def _queries(end):
    province = Organisation.objects.get(kind=Organisation.Kind.PROVINCE)
    with CaptureQueriesContext(connection) as context:
        _report(province, start=Month(2020, 1), end=end)
    return len(context.captured_queries)


def test_the_report_runs_a_fixed_number_of_queries(province, make_federation, make_cdcs, provincial_staff):
    small = _queries(_province_of(2, 3, make_federation, make_cdcs, provincial_staff))
    large = _queries(_province_of(12, 15, make_federation, make_cdcs, provincial_staff))
    assert small == large <= 8
