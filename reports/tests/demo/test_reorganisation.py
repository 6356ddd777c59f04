"""The demo province's reorganisation of July 2025 (reorganisation.demo): the district unions end on
30/06/2025, their CĐCS go to the new commune and ward unions or to the province directly, the small
public ones merge; the months after run on the new structure, and the province's members do not
jump at the change."""

from collections import Counter
from datetime import date

import pytest
from django.db.models import Q, Sum

from members.models import GrassrootsUnion, MonthlyFigure, MonthlyReturn, Organisation
from reorganisation.models import Plan, PlanLine
from reports.selectors import Scope, progress_report
from targets.models import Quota
from unionportal.lib.months import Month

from . import END

pytestmark = pytest.mark.xdist_group("demo")

JUNE, JULY = Month(2025, 6), Month(2025, 7)
Kind = Organisation.Kind


def test_the_july_2025_plan_is_applied_and_no_district_union_is_active_after_june(province):
    plan = Plan.objects.get()
    assert (plan.status, plan.effective_month) == (Plan.Status.APPLIED, JULY.first_day)
    # what docs/domain.md says of it
    assert Counter(plan.lines.values_list("action", flat=True)) == {"move": 557, "merge": 176, "to_province": 108}
    assert (plan.endings.count(), plan.new_unions.count(), plan.new_cdcs.count()) == (8, 19, 19)
    assert not Organisation.objects.active_between(JULY, END).filter(kind=Kind.DISTRICT).exists()
    ended = Organisation.objects.filter(kind=Kind.DISTRICT).exclude(merged_into__isnull=False)
    assert set(ended.values_list("active_to", flat=True)) == {date(2025, 6, 30)}
    # The sector unions and the industrial-zone union stay.
    assert set(
        Organisation.objects.active_between(JULY, END)
        .exclude(kind__in=[Kind.PROVINCE, Kind.COMMUNE, Kind.DIRECT])
        .values_list("code", flat=True)
    ) == {"GD", "YT", "VC", "KCN"}
    assert not MonthlyFigure.objects.filter(month__gte=JULY.first_day, federation__kind=Kind.DISTRICT).exists()


def test_the_new_structure_gets_the_later_months(province):
    communes = Organisation.objects.filter(kind=Kind.COMMUNE)
    assert communes.count() == 19 and all(org.active_from == JULY.first_day for org in communes)
    for org in communes:
        assert MonthlyFigure.objects.filter(federation=org, month=END.first_day).exists(), org.code
    block = Organisation.objects.get(kind=Kind.DIRECT)
    sent = MonthlyReturn.objects.filter(federation=block, month__gte=JULY.first_day, month__lt=END.first_day)
    assert sent.count() == END - JULY and not sent.filter(status=MonthlyReturn.Status.DRAFT).exists()
    assert {r.submitted_by.username for r in sent} == {"bantochuc"}  # the province's staff send its months
    assert Quota.objects.filter(organisation=block, year=2026, new_members__gt=0).exists()
    assert (
        not Quota.objects.filter(organisation__kind=Kind.DISTRICT, year__gt=2025)
        .filter(Q(new_members__gt=0) | Q(new_unions__gt=0))
        .exists()
    )


def test_the_province_has_as_many_members_at_the_start_of_july_as_at_the_end_of_june(province):
    june = progress_report(start=JUNE, end=JUNE, scope=Scope(province)).total.figures
    july = progress_report(start=JULY, end=JULY, scope=Scope(province)).total.figures
    assert july.members_start == june.members_end
    moved = MonthlyFigure.objects.filter(month=JULY.first_day).aggregate(into=Sum("reorg_in"), out=Sum("reorg_out"))
    assert moved["into"] == moved["out"] > 0  # what the plan moved, province-wide, nets to nothing
    plan = Plan.objects.get()
    merged = plan.lines.filter(action=PlanLine.Action.MERGE).count()
    assert GrassrootsUnion.objects.filter(ended_by_reorganisation=True, dissolved_on=JULY.first_day).count() == merged
    assert GrassrootsUnion.objects.filter(founded_by_reorganisation=True).count() == plan.new_cdcs.count() > 0
