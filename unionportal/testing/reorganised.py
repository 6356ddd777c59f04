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

from datetime import timedelta

from django.db.models import F

from members.figures.summary import summary_refresh, summary_refresh_cdcs
from members.models import GrassrootsUnion, MonthlyFigure, Organisation
from members.services.common import federation_of
from members.services.org import cdcs_found, cdcs_merge, cdcs_move, direct_block
from unionportal.lib.months import Month


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
