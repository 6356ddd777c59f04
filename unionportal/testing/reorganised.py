"""What a reorganisation plan leaves behind, built without the plan: the members services do the
moves and the merge, then the plan's marks are written directly, as docs/domain.md and the
reorganisation app's design say a plan writes them. The reports' and the summary's tests read
these, so that they do not wait for the plan services (reorganisation/) and test the reading alone.

In the effective month M, a CĐCS X merged or ended into a CĐCS T:
- X is first affiliated to T's federation of month M (its closing row is never in an ended union);
- X's month-M row records every member it has as transferred out, the same number in reorg_out,
  and T's month-M row receives them as transferred in and reorg_in;
- X is dissolved on M's first day, ended_by_reorganisation; merged_into = T for a merge;
- a CĐCS the plan founds is founded on M's first day, founded_by_reorganisation, starting at 0.
Moves (to another union, to the province's direct block) are plain affiliations from M."""

from datetime import date, timedelta

from django.db.models import F

from members.figures.services import figures_record
from members.figures.summary import summary_refresh, summary_refresh_cdcs
from members.models import GrassrootsUnion, LossReason, MonthlyFigure, Organisation, Sector
from members.services.common import federation_of
from members.services.org import cdcs_dissolve, cdcs_found, cdcs_merge, cdcs_move, direct_block
from reorganisation.models import Plan, PlanLine
from targets.models import Programme, Quota
from unionportal.lib.months import Month

from .province import cdcs_create, federation_create, province_create


def plan_merge(absorbed: GrassrootsUnion, into: GrassrootsUnion, month: Month, *, end: bool = False) -> int:
    """X (`absorbed`) merged into T (`into`) by a plan in `month`; with `end`, ended with its
    members transferred to T instead (no merged_into). Returns the members that went over."""
    target_federation = federation_of(into, month)
    if federation_of(absorbed, month) != target_federation:
        cdcs_move(cdcs=absorbed, federation=target_federation, from_month=month, user=None)
    cdcs_merge(absorbed=absorbed, into=into, on=month.first_day, user=None)
    row = MonthlyFigure.objects.filter(cdcs=absorbed, month=month.first_day).first()
    moved = row.lost_transferred_out if row else 0
    MonthlyFigure.objects.filter(cdcs=absorbed, month=month.first_day).update(reorg_out=F("reorg_out") + moved)
    MonthlyFigure.objects.filter(cdcs=into, month=month.first_day).update(reorg_in=F("reorg_in") + moved)
    marks = {"ended_by_reorganisation": True}
    if end:
        marks.update(merged_into=None, dissolution_reason="Kết thúc hoạt động theo đề án")
    GrassrootsUnion.objects.filter(pk=absorbed.pk).update(**marks)
    summary_refresh_cdcs([absorbed.pk, into.pk], since=month)
    return moved


def plan_new_cdcs(federation: Organisation, month: Month, *, code: str, sector: str = "public") -> GrassrootsUnion:
    """A CĐCS the plan founds in `federation` on the month's first day, to take in others."""
    cdcs = cdcs_found(
        code=code,
        name=f"CĐCS {code} (thành lập theo đề án)",
        employer=f"Đơn vị {code}",
        sector=sector,
        founded_on=month.first_day,
        federation=federation,
        user=None,
    )
    GrassrootsUnion.objects.filter(pk=cdcs.pk).update(founded_by_reorganisation=True)
    summary_refresh(federation_ids=[federation.pk], since=month)
    cdcs.refresh_from_db()
    return cdcs


def plan_to_province(cdcs: GrassrootsUnion, month: Month) -> Organisation:
    """The CĐCS passes to the province's direct block from `month`; returns the block."""
    block = direct_block(create=True)
    cdcs_move(cdcs=cdcs, federation=block, from_month=month, user=None)
    return block


def plan_end_union(org: Organisation, month: Month) -> None:
    """The upper-level union ends: its last day is the day before the effective month (its CĐCS
    must have gone already)."""
    Organisation.objects.filter(pk=org.pk).update(active_to=month.first_day - timedelta(days=1))
    org.refresh_from_db()


MARCH, APRIL, MAY, JUNE = Month(2021, 3), Month(2021, 4), Month(2021, 5), Month(2021, 6)


def reorganised_province() -> dict:
    """A small province as a reorganisation plan of June 2021 leaves it, with a programme:

    | CĐCS | federation | from 03/2021 | then |
    |---|---|---|---|
    | d1 | DT | 100 | +10 admitted (04); takes in p2's 30 in June (plan); moves to PB in 09/2021 |
    | d2 | DT (public) | 40 | – |
    | p1 | PB | 70 | −5 job (05) |
    | p2 | PB | 30 | merged by the plan into d1 (June): first affiliated to DT for June |
    | v1 | VN | 50 | passes to the province's direct block (June) |
    | v2 | VN | 20 | ended by the plan into N1, which the plan founds in the direct block (June) |
    | n1 | block | – | founded by the plan in June; moves to DT in 09/2021 |
    | v3 | VN | 10 | dissolved 15/04/2021 (development) |

    VN ends with May (active_to 31/05/2021), without a successor. Quotas of 2021: DT 50 members and 1
    CĐCS, PB 100 and 2, VN 30 and 1; the province 200 and 4.
    """
    province = province_create()
    dt, pb = federation_create(province, "DT", "LĐLĐ huyện Đại Từ"), federation_create(province, "PB")
    vn = federation_create(province, "VN", "LĐLĐ huyện Võ Nhai")
    make = {
        "d1": (dt, 100, Sector.PRIVATE),
        "d2": (dt, 40, Sector.PUBLIC),
        "p1": (pb, 70, Sector.PRIVATE),
        "p2": (pb, 30, Sector.PRIVATE),
        "v1": (vn, 50, Sector.PRIVATE),
        "v2": (vn, 20, Sector.PRIVATE),
        "v3": (vn, 10, Sector.PRIVATE),
    }
    cdcs = {
        code: cdcs_create(org, number, code=code.upper(), opening=opening, first_month=MARCH, sector=sector)
        for number, (code, (org, opening, sector)) in enumerate(make.items(), start=1)
    }
    figures_record(cdcs=cdcs["d1"], month=APRIL, admitted=10, user=None)
    figures_record(cdcs=cdcs["p1"], month=MAY, lost={LossReason.JOB: 5}, user=None)
    cdcs_dissolve(cdcs=cdcs["v3"], on=date(2021, 4, 15), reason="Doanh nghiệp giải thể", user=None)

    plan_merge(cdcs["p2"], cdcs["d1"], JUNE)
    block = plan_to_province(cdcs["v1"], JUNE)
    cdcs["n1"] = plan_new_cdcs(block, JUNE, code="N1", sector=Sector.PRIVATE)
    plan_to_province(cdcs["v2"], JUNE)
    plan_merge(cdcs["v2"], cdcs["n1"], JUNE, end=True)
    plan = Plan.objects.create(name="Đề án thử", effective_month=JUNE.first_day, status=Plan.Status.APPLIED)
    PlanLine.objects.create(plan=plan, line_no=1, cdcs=cdcs["v2"], action="end", target_code="N1")
    plan_end_union(vn, JUNE)
    cdcs_move(cdcs=cdcs["d1"], federation=pb, from_month=Month(2021, 9), user=None)
    cdcs_move(cdcs=cdcs["n1"], federation=dt, from_month=Month(2021, 9), user=None)

    programme = Programme.objects.create(
        name="Chương trình thử", document_number="04/CTr-LĐLĐ", document_date=date(2018, 7, 11),
        first_year=2018, last_year=2023,
    )  # fmt: skip
    for org, members, unions in ((province, 200, 4), (dt, 50, 1), (pb, 100, 2), (vn, 30, 1)):
        Quota.objects.create(programme=programme, organisation=org, year=2021, new_members=members, new_unions=unions)
    return {"province": province, "DT": dt, "PB": pb, "VN": vn, "block": block, **cdcs}
