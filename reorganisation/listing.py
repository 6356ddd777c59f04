"""What the plan's pages and its Excel list show before a plan exists: the upper-level unions a plan
may end, and the CĐCS under them on the eve of the effective month (each needs a line). Reads in a
fixed number of queries whatever the number of CĐCS."""

from dataclasses import dataclass

from django.db.models import Case, Count, OuterRef, Q, QuerySet, Subquery, When
from django.db.models.functions import Coalesce

from members.models import GrassrootsUnion, MonthlyFigure, Organisation, federation_at_subquery
from unionportal.lib.months import Month

from .models import Plan, PlanEnding, PlanLine, PlanNewCdcs, PlanNewUnion


@dataclass(frozen=True)
class CdcsRow:
    code: str
    name: str
    union_code: str  # its upper-level union on the eve of the effective month
    members: int | None  # its last month-end stock before the effective month (None: no figures)


def endable_unions(month: Month | None = None) -> QuerySet[Organisation]:
    """Upper-level unions a plan may end: neither the province nor its direct block, not merged
    away, and still active in the month before `month` (or today, without one)."""
    unions = Organisation.objects.federations().exclude(kind=Organisation.Kind.DIRECT).filter(merged_into=None)
    if month is None:
        return unions.filter(active_to=None)
    eve = month - 1
    return unions.active_between(eve, eve)


def cdcs_of_unions(codes, month: Month) -> list[CdcsRow]:
    """The CĐCS under the unions `codes` in the month before `month` and not closed before it, in
    the order of their unions then their codes; with each its last month-end stock."""
    eve = month - 1
    last_stock = (
        MonthlyFigure.objects.filter(cdcs=OuterRef("pk"), month__lte=eve.first_day)
        .order_by("-month")
        .values("members_end")[:1]
    )
    rows = (
        GrassrootsUnion.objects.with_federation_at(eve)
        .filter(founded_on__lte=eve.last_day)
        .filter(Q(dissolved_on=None) | Q(dissolved_on__gte=month.first_day))
        .filter(federation_at_id__in=Organisation.objects.filter(code__in=list(codes)).values("pk"))
        .annotate(last_stock=Subquery(last_stock))
        .values_list("code", "name", "federation_at_id", "last_stock")
    )
    unions = dict(Organisation.objects.filter(code__in=list(codes)).values_list("pk", "code"))
    order = {code: index for index, code in enumerate(codes)}
    found = [CdcsRow(code, name, unions[union], members) for code, name, union, members in rows]
    return sorted(found, key=lambda row: (order.get(row.union_code, 0), row.code))


def union_codes() -> list[tuple[str, str]]:
    """(code, name) of every upper-level union still active, the direct block first: what a line
    may name as the union a CĐCS goes to (a datalist on the page)."""
    unions = Organisation.objects.federations().filter(active_to=None, merged_into=None)
    direct_first = Case(When(kind=Organisation.Kind.DIRECT, then=0), default=1)
    return list(unions.order_by(direct_first, "position", "code").values_list("code", "name"))


def plans_listed() -> QuerySet[Plan]:
    """Every plan, newest month first, with what the list shows of each (its counts)."""
    counts = {
        "ending_count": PlanEnding,
        "line_count": PlanLine,
        "new_union_count": PlanNewUnion,
        "new_cdcs_count": PlanNewCdcs,
    }
    return Plan.objects.select_related("created_by", "applied_by", "undone_by").annotate(
        **{name: _count_of(model) for name, model in counts.items()}
    )


def _count_of(model):
    """How many rows of `model` a plan has, as a subquery (a join of four would multiply them)."""
    rows = model.objects.filter(plan=OuterRef("pk")).order_by().values("plan").annotate(number=Count("pk"))
    return Coalesce(Subquery(rows.values("number")[:1]), 0)


@dataclass(frozen=True)
class LineShown:
    line_no: int
    cdcs_code: str
    cdcs_name: str
    union_before: str  # the code of the CĐCS's union in the month before the effective month
    union_name: str
    action: str
    action_label: str
    union_code: str
    target_code: str


def plan_lines(plan: Plan) -> list[LineShown]:
    """The plan's lines with their CĐCS and the union each was under before, in the order of the
    plan's ending unions, then of the lines; two queries."""
    eve = Month.of(plan.effective_month) - 1
    before = Subquery(federation_at_subquery(OuterRef("cdcs_id"), eve.first_day))
    rows = (
        plan.lines.annotate(union_before=before)
        .values_list("line_no", "cdcs__code", "cdcs__name", "union_before", "action", "union_code", "target_code")
        .order_by("line_no", "pk")
    )
    orgs = {pk: (code, name) for pk, code, name in Organisation.objects.values_list("pk", "code", "name")}
    endings = plan.endings.order_by("pk").values_list("organisation__code", flat=True)
    order = {code: index for index, code in enumerate(endings)}
    labels = dict(PlanLine.Action.choices)
    shown = [
        LineShown(no, code, name, *orgs.get(union, ("", "")), action, str(labels.get(action, action)), to, target)
        for no, code, name, union, action, to, target in rows
    ]
    return sorted(shown, key=lambda line: (order.get(line.union_before, len(order)), line.line_no))
