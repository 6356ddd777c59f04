"""Property-based tests of the report selector (issue 9), with hypothesis: random months of figures
for the CĐCS of three federations, written through the services, and a random range of months.
Whatever the figures, reports.selectors.progress_report gives province totals equal to the sum of
the federations' rows, flows equal to the rows in the database, start + net = end for the province
and start + net + moved = end for each federation, and a federation's own report equals its row.

Each example runs inside a savepoint that is rolled back, so examples do not see each other."""

from collections import defaultdict

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from members.figures.services import FigureEntry, figures_record_many
from members.models import LOSS_FIELDS, LossReason, MonthlyFigure
from reports.selectors import Scope, progress_report
from unionportal.lib.months import Month

FIRST = Month(2021, 1)
MONTHS = [FIRST + offset for offset in range(4)]
REASONS = [reason for reason in LOSS_FIELDS if reason != LossReason.CDCS_DISSOLVED]
FIGURES = ("admitted", "transferred_in", "lost", "decrease", "net_members", "members_start", "members_end")


@pytest.fixture
def world(federation, other_federation, make_federation, make_cdcs):
    third = make_federation("KCN", "Công đoàn các KCN")
    opening = {federation: (200, 15), other_federation: (80,), third: (0, 40)}
    return [
        cdcs
        for org, stocks in opening.items()
        for cdcs in (make_cdcs(org, opening=stock, first_month=FIRST - 1) for stock in stocks)
    ]


@st.composite
def month_of(draw, start: int) -> dict:
    lost, available = {}, start + (admitted := draw(st.integers(0, 120))) + (moved_in := draw(st.integers(0, 15)))
    for reason in REASONS:
        lost[reason] = draw(st.integers(0, min(available, 25)))
        available -= lost[reason]
    return {"admitted": admitted, "transferred_in": moved_in, "lost": lost}


@pytest.mark.django_db
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_province_totals_are_the_sum_of_federations_for_random_months(data, world, province, provincial_staff):
    with transaction.atomic():
        ends = {cdcs.pk: MonthlyFigure.objects.get(cdcs=cdcs).members_end for cdcs in world}
        written = defaultdict(int)
        for month in MONTHS:
            # Not every CĐCS reports every month: a missing month carries the stock over.
            reporting = data.draw(st.lists(st.sampled_from(world), unique_by=lambda cdcs: cdcs.pk))
            entries = []
            for cdcs in reporting:
                flows = data.draw(month_of(ends[cdcs.pk]))
                entries.append(FigureEntry(cdcs=cdcs, **flows))
                ends[cdcs.pk] += flows["admitted"] + flows["transferred_in"] - sum(flows["lost"].values())
            if entries:
                figures_record_many(month=month, entries=entries, user=provincial_staff)
        start = data.draw(st.sampled_from(MONTHS))
        end = data.draw(st.sampled_from([month for month in MONTHS if month >= start]))

        report = progress_report(start=start, end=end, scope=Scope(province))
        total = report.total.figures
        for name in FIGURES:
            assert getattr(total, name) == sum(getattr(row.figures, name) for row in report.rows), name
        assert total.members_end == total.members_start + total.net_members
        for row in report.rows:
            figures = row.figures
            assert figures.members_end == figures.members_start + figures.net_members + figures.members_moved

        in_range = MonthlyFigure.objects.filter(month__gte=start.first_day, month__lte=end.first_day)
        for column in ("admitted", "transferred_in"):
            written[column] = sum(in_range.values_list(column, flat=True))
        assert (total.admitted, total.transferred_in) == (written["admitted"], written["transferred_in"])
        assert total.lost == sum(sum(getattr(f, c) for c in LOSS_FIELDS.values()) for f in in_range)
        # Reported or not in the last month, every CĐCS ends with its own running stock.
        assert total.members_end == sum(ends_at(cdcs, end) for cdcs in world)

        for row in report.rows:
            own = progress_report(start=start, end=end, scope=Scope(row.org)).total.figures
            for name in FIGURES:
                assert getattr(own, name) == getattr(row.figures, name), (row.org.code, name)
        transaction.set_rollback(True)


def ends_at(cdcs, month: Month) -> int:
    figure = MonthlyFigure.objects.filter(cdcs=cdcs, month__lte=month.first_day).order_by("-month").first()
    return figure.members_end if figure else 0
