"""What a plan is checked, previewed and applied against, read in a fixed number of queries
whatever the plan's size: the plan's own rows, every organisation, every CĐCS alive around the
effective month M (its federation before and after M begins, its members at the end of M−1),
the quotas from M's year on and the months already approved.

Organisations are named by a destination key: an organisation's code, "" for the province's
direct block (whether it exists yet or not), the way PlanQuota.union_code names them."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Lower

from members.models import (
    Affiliation,
    GrassrootsUnion,
    MonthlyFigure,
    MonthlyReturn,
    Organisation,
    federation_at_subquery,
)
from targets.models import Quota
from unionportal.lib.months import Month

from .models import Plan, PlanLine, PlanNewCdcs, PlanNewUnion, PlanQuota

DIRECT = ""  # the destination key of the province's direct block


@dataclass
class CdcsState:
    """One CĐCS around the effective month, before the plan."""

    pk: int
    code: str
    name: str
    sector: str
    workers: int
    founded_on: date
    dissolved_on: date | None
    federation_before: int | None  # its federation in M−1
    federation_now: int | None  # its federation in M, as things stand
    stock: int  # members at the end of M−1 (as the summary counts them)
    has_previous: bool  # has a monthly row before M
    last_month: date | None  # its latest monthly row
    alive_before: bool  # counted at the end of M−1


@dataclass
class PlanContext:
    plan: Plan
    month: Month
    endings: list[Organisation]
    orgs: dict[int, Organisation]
    new_unions: list[PlanNewUnion]
    new_cdcs: list[PlanNewCdcs]
    lines: list[PlanLine]
    cdcs: dict[int, CdcsState]
    taken_cdcs_codes: dict[str, str]  # lower-case code → the existing CĐCS code
    later_affiliations: list[tuple[int, int, date]]  # (cdcs, ending union, from) after M
    quotas: list[Quota]
    plan_quotas: list[PlanQuota]
    locked: list[MonthlyReturn]
    direct: Organisation | None = None
    province: Organisation | None = None
    by_code: dict[str, Organisation] = field(default_factory=dict)
    cdcs_by_code: dict[str, CdcsState] = field(default_factory=dict)

    def __post_init__(self):
        self.ending_ids = {org.pk for org in self.endings}
        self.by_code = {org.code: org for org in self.orgs.values()}
        self.by_lower_code = {org.code.lower(): org for org in self.orgs.values()}
        self.cdcs_by_code = {state.code: state for state in self.cdcs.values()}
        self.new_union_by_code = {union.code: union for union in self.new_unions}
        self.new_cdcs_by_code = {cdcs.code: cdcs for cdcs in self.new_cdcs}
        self.line_of = {line.cdcs_id: line for line in self.lines}
        # The lines of CĐCS merged or ended into another.
        self.ending_lines = [line for line in self.lines if line.action in (PlanLine.Action.MERGE, PlanLine.Action.END)]
        self.direct = next((org for org in self.orgs.values() if org.is_direct), None)
        self.province = next((org for org in self.orgs.values() if org.is_province), None)

    # --- destinations -----------------------------------------------------------------------

    def key_of(self, org_id: int | None) -> str | None:
        """The destination key of an existing organisation."""
        if org_id is None:
            return None
        org = self.orgs[org_id]
        return DIRECT if org.is_direct else org.code

    def union_key(self, code: str) -> str:
        """The key of a union named in the plan (blank, or the direct block's code: the block)."""
        if not code or (self.direct is not None and code == self.direct.code):
            return DIRECT
        return code

    def resolves_to_union(self, code: str) -> bool:
        """An existing upper-level union active in M and not ending, or a union the plan founds."""
        key = self.union_key(code)
        if key == DIRECT or key in self.new_union_by_code:
            return True
        org = self.by_code.get(key)
        return org is not None and not org.is_province and org.pk not in self.ending_ids and self.active(org)

    def active(self, org: Organisation) -> bool:
        first = self.month.first_day
        return (org.active_from is None or org.active_from <= first) and (
            org.active_to is None or org.active_to >= first
        )

    def destination(self, line: PlanLine) -> str:
        """The key of the federation the line's CĐCS belongs to from M (for a merger or an end,
        the federation of the CĐCS that takes in its members, where its last row is kept)."""
        if line.action == PlanLine.Action.MOVE:
            return self.union_key(line.union_code)
        if line.action == PlanLine.Action.TO_PROVINCE:
            return DIRECT
        return self.cdcs_destination(line.target_code)

    def cdcs_destination(self, code: str) -> str | None:
        """The key of the federation a CĐCS (existing or new, by code) belongs to from M."""
        if code in self.new_cdcs_by_code:
            return self.union_key(self.new_cdcs_by_code[code].union_code)
        state = self.cdcs_by_code.get(code)
        if state is None:
            return None
        line = self.line_of.get(state.pk)
        if line is not None and line.action in (PlanLine.Action.MOVE, PlanLine.Action.TO_PROVINCE):
            return self.destination(line)
        return self.key_of(state.federation_now)

    def needs_direct_block(self) -> bool:
        return (
            any(line.action == PlanLine.Action.TO_PROVINCE for line in self.lines)
            or any(self.union_key(cdcs.union_code) == DIRECT for cdcs in self.new_cdcs)
            or any(
                self.union_key(line.union_code) == DIRECT for line in self.lines if line.action == PlanLine.Action.MOVE
            )
        )


def plan_context(plan: Plan) -> PlanContext:
    """Everything the checks, the preview and the apply read, in eleven queries."""
    month = Month.of(plan.effective_month)
    endings = [ending.organisation for ending in plan.endings.select_related("organisation").order_by("pk")]
    orgs = Organisation.objects.in_bulk()
    new_unions = list(plan.new_unions.order_by("pk"))
    new_cdcs = list(plan.new_cdcs.order_by("pk"))
    lines = list(plan.lines.select_related("cdcs").order_by("line_no", "pk"))
    new_codes = [cdcs.code.lower() for cdcs in new_cdcs]
    taken = dict(
        GrassrootsUnion.objects.annotate(lower=Lower("code")).filter(lower__in=new_codes).values_list("lower", "code")
    )
    ending_ids = [org.pk for org in endings]
    later = list(
        Affiliation.objects.filter(federation_id__in=ending_ids, valid_from__gt=month.first_day).values_list(
            "cdcs_id", "federation_id", "valid_from"
        )
    )
    quotas = list(Quota.objects.filter(year__gte=month.year).select_related("programme").order_by("pk"))
    plan_quotas = list(plan.quotas.select_related("from_organisation", "programme").order_by("pk"))
    locked = list(
        MonthlyReturn.objects.filter(status=MonthlyReturn.Status.APPROVED, month__gte=month.first_day)
        .select_related("federation", "approved_by")
        .order_by("month", "federation__code")
    )
    return PlanContext(
        plan=plan,
        month=month,
        endings=endings,
        orgs=orgs,
        new_unions=new_unions,
        new_cdcs=new_cdcs,
        lines=lines,
        cdcs=_cdcs_states(month, {line.cdcs_id for line in lines}),
        taken_cdcs_codes=taken,
        later_affiliations=later,
        quotas=quotas,
        plan_quotas=plan_quotas,
        locked=locked,
    )


def _cdcs_states(month: Month, line_ids: set[int]) -> dict[int, CdcsState]:
    """Every CĐCS alive at the end of M−1 or founded in M, and the plan's own CĐCS whatever they
    are (a line naming a CĐCS dissolved long ago is refused by name), in one query."""
    before = month - 1
    previous = MonthlyFigure.objects.filter(cdcs=OuterRef("pk")).before(month.first_day).order_by("-month")
    first_row = MonthlyFigure.objects.filter(cdcs=OuterRef("pk")).order_by("month")
    last_row = MonthlyFigure.objects.filter(cdcs=OuterRef("pk")).order_by("-month")
    around = Q(founded_on__lte=month.last_day) & (Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=month.first_day))
    rows = (
        GrassrootsUnion.objects.filter(around | Q(pk__in=line_ids))
        .annotate(
            federation_before=Subquery(federation_at_subquery(OuterRef("pk"), before.first_day)),
            federation_now=Subquery(federation_at_subquery(OuterRef("pk"), month.first_day)),
            previous_end=Subquery(previous.values("members_end")[:1], output_field=IntegerField()),
            opening=Subquery(first_row.values("members_start")[:1], output_field=IntegerField()),
            last_month=Subquery(last_row.values("month")[:1]),
        )
        .values_list(
            "pk",
            "code",
            "name",
            "sector",
            "workers",
            "founded_on",
            "dissolved_on",
            "federation_before",
            "federation_now",
            "previous_end",
            "opening",
            "last_month",
        )  # fmt: skip
    )
    states = {}
    for pk, code, name, sector, workers, founded, dissolved, fed_before, fed_now, prev, opening, last in rows:
        alive = founded <= before.last_day and (dissolved is None or dissolved >= month.first_day)
        stock = prev if prev is not None else (opening or 0)
        states[pk] = CdcsState(
            pk=pk, code=code, name=name, sector=sector, workers=workers, founded_on=founded, dissolved_on=dissolved,
            federation_before=fed_before, federation_now=fed_now, stock=stock, has_previous=prev is not None,
            last_month=last, alive_before=alive,
        )  # fmt: skip
    return states
