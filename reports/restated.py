"""Reports restated on today's structure (theo cơ cấu tổ chức hiện nay): every CĐCS counted, in
every month of the range, for the federation it belongs to today, as if today's tree had always
been. The report of the months' own structure (the default) counts each month for the federation
of that month, from the summary; this reads the monthly rows per CĐCS instead and maps each CĐCS
to its home today:

- a CĐCS still active: its federation this month;
- a CĐCS merged into another (by a plan or not), or ended by a plan with its members transferred to
  a named CĐCS: the home of that CĐCS, following the chain;
- a CĐCS dissolved otherwise: its last federation, followed through Organisation.merged_into;
- when that federation no longer exists and has no successor: the line "Đơn vị đã kết thúc"
  (ENDED), one line for all of them, so that today's federations' series hold their own CĐCS only
  and the province's total stays whole.

So moves vanish (a CĐCS is always where it is now), and the members a plan moved from one CĐCS to
another stay within the federation that holds both today. Five queries whatever the number of
CĐCS, federations or months: the federations, the CĐCS with their stocks and federation today, the
plans' targets, the flows per CĐCS (a grouped query over the range's monthly rows, and one of the
admitted alone over the windows of attainment)."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import F, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy

from members.models import (
    FLOW_FIELDS,
    REORG_FIELDS,
    SECTORS_OF_GROUP,
    Affiliation,
    GrassrootsUnion,
    MonthlyFigure,
    Organisation,
    federation_at_subquery,
)
from reorganisation.models import Plan, PlanLine
from unionportal.lib.months import Month, month_range

ENDED = 0  # the key of the line "Đơn vị đã kết thúc"
ENDED_NAME = gettext_lazy("Đơn vị đã kết thúc")
_ZERO = Value(0, output_field=IntegerField())
ROW_FIELDS = (*FLOW_FIELDS, *REORG_FIELDS)


def ended_line() -> Organisation:
    """The line of the CĐCS whose federation ended without a successor: not saved, no code."""
    return Organisation(code="", name=str(ENDED_NAME), kind=Organisation.Kind.DISTRICT)


def stock_subquery(month: Month) -> Coalesce:
    """A CĐCS's members at the end of `month`: its latest month-end on record up to then or, before
    its first month on record, the opening balance that month starts from (as the summary counts)."""
    latest = (
        MonthlyFigure.objects.filter(cdcs=OuterRef("pk"), month__lte=month.first_day)
        .order_by("-month")
        .values("members_end")[:1]
    )
    opening = (
        MonthlyFigure.objects.filter(cdcs=OuterRef("pk"), month__gt=month.first_day)
        .order_by("month")
        .values("members_start")[:1]
    )
    return Coalesce(
        Subquery(latest, output_field=IntegerField()), Subquery(opening, output_field=IntegerField()), _ZERO
    )


def alive_at_end_of(cdcs: "GrassrootsUnion | CdcsFacts", month: Month) -> bool:
    return cdcs.founded_on <= month.last_day and (cdcs.dissolved_on is None or cdcs.dissolved_on > month.last_day)


_GROUP_OF_SECTOR = {sector: group for group, sectors in SECTORS_OF_GROUP.items() for sector in sectors}
FACTS = (
    "pk",
    "code",
    "sector",
    "founded_on",
    "dissolved_on",
    "merged_into_id",
    "founded_by_reorganisation",
    "ended_by_reorganisation",
    "federation_now",
    "stock_start",
    "stock_end",
)


@dataclass(frozen=True)
class CdcsFacts:
    """What the restated report needs of a CĐCS, read as plain values: model instances of a
    province's CĐCS cost more than the sums themselves. stock_start and stock_end: its members at
    the end of the month before the range and of its last month (alive or not)."""

    pk: int
    code: str
    sector: str
    founded_on: date
    dissolved_on: date | None
    merged_into_id: int | None
    founded_by_reorganisation: bool
    ended_by_reorganisation: bool
    federation_now: int | None
    stock_start: int
    stock_end: int

    @property
    def sector_group(self) -> str:
        return _GROUP_OF_SECTOR[self.sector]


@dataclass
class Part:
    """One CĐCS's part of the range, in the shapes progress_report sums: flows (every row column
    and the reorganisation marks over the range, admitted since January and since the programme
    began), events (founded, dissolved, reorg_founded, reorg_ended in the range; founded_year,
    founded_programme), and the stocks (members, CĐCS) at the end of the month before the range
    and of its last month."""

    cdcs: CdcsFacts
    home: int
    flows: dict[str, int]
    events: dict[str, int]
    stock_start: tuple[int, int]
    stock_end: tuple[int, int]

    @property
    def counts(self) -> bool:
        """Whether it has anything in the range: a flow, an event, a stock at either end."""
        return bool(
            any(self.flows.get(column) for column in ROW_FIELDS)
            or any(self.events.get(name) for name in ("founded", "dissolved", "reorg_founded", "reorg_ended"))
            or self.stock_start[1]
            or self.stock_end[1]
        )


@dataclass
class Restated:
    """Today's structure and the range's parts of the CĐCS in scope (of the sector group)."""

    homes: dict[int, int]  # every CĐCS id → its federation today, or ENDED
    federations: list[Organisation]  # today's federations, and the ENDED line when it has anything
    parts: dict[int, Part] = field(default_factory=dict)

    def sums(self) -> tuple[dict, dict, dict, dict]:
        """flows, events, stock_start, stock_end per home, as reports.selectors reads the summary."""
        flows, events, stock_start, stock_end = {}, {}, {}, {}
        for part in self.parts.values():
            for target, values in ((flows, part.flows), (events, part.events)):
                into = target.setdefault(part.home, dict.fromkeys(values, 0))
                for name, value in values.items():
                    into[name] += value
            for target, (members, unions) in ((stock_start, part.stock_start), (stock_end, part.stock_end)):
                before = target.get(part.home, (0, 0))
                target[part.home] = (before[0] + members, before[1] + unions)
        return flows, events, stock_start, stock_end


def restate(
    *, start: Month, end: Month, year_start: Month, programme_start: Month, sector_group: str | None
) -> Restated:
    """The CĐCS of the sector group (all without one), each with its home today and its part of
    the range. Five queries."""
    this_month = Month.of(timezone.localdate())
    orgs = list(Organisation.objects.federations())
    before = start - 1
    unions = [
        CdcsFacts(*values)
        for values in GrassrootsUnion.objects.annotate(
            federation_now=Coalesce(
                Subquery(federation_at_subquery(OuterRef("pk"), this_month.first_day)),
                Subquery(
                    Affiliation.objects.filter(cdcs=OuterRef("pk")).order_by("valid_from").values("federation_id")[:1]
                ),
            ),
            stock_start=stock_subquery(before),
            stock_end=stock_subquery(end),
        )
        .order_by("code")
        .values_list(*FACTS)
    ]
    targets = dict(
        PlanLine.objects.filter(
            plan__status=Plan.Status.APPLIED,
            action__in=[PlanLine.Action.MERGE, PlanLine.Action.END],
            cdcs__ended_by_reorganisation=True,
        ).values_list("cdcs_id", "target_code")
    )
    homes = _homes(unions, orgs, targets, this_month)
    flows = _flows(start, end, year_start, programme_start)
    sectors = SECTORS_OF_GROUP[sector_group] if sector_group else None
    first = min(start, year_start, programme_start)
    parts = {}
    for cdcs in unions:
        if sectors is not None and cdcs.sector not in sectors:
            continue
        if cdcs.founded_on > end.last_day or (cdcs.dissolved_on and cdcs.dissolved_on < first.first_day):
            continue
        part = Part(
            cdcs=cdcs,
            home=homes[cdcs.pk],
            flows=flows.get(cdcs.pk) or dict.fromkeys((*ROW_FIELDS, "admitted_year", "admitted_programme"), 0),
            events=_events(cdcs, start, end, year_start, programme_start),
            stock_start=(cdcs.stock_start, 1) if alive_at_end_of(cdcs, before) else (0, 0),
            stock_end=(cdcs.stock_end, 1) if alive_at_end_of(cdcs, end) else (0, 0),
        )
        parts[cdcs.pk] = part
    federations = [org for org in orgs if _exists(org, this_month)]
    if any(part.home == ENDED and part.counts for part in parts.values()):
        federations.append(ended_line())
    return Restated(homes=homes, federations=federations, parts=parts)


def _exists(org: Organisation, month: Month) -> bool:
    return (org.active_from is None or org.active_from <= month.last_day) and (
        org.active_to is None or org.active_to >= month.first_day
    )


def _homes(unions: list[CdcsFacts], orgs: list[Organisation], targets: dict, this_month: Month) -> dict:
    """Every CĐCS's federation today (see the module's docstring). `targets`: CĐCS id → the code of
    the CĐCS a plan ended it into."""
    existing = {org.pk for org in orgs if _exists(org, this_month)}
    successor = {org.pk: org.merged_into_id for org in orgs}
    by_code = {cdcs.code: cdcs for cdcs in unions}
    by_id = {cdcs.pk: cdcs for cdcs in unions}

    def org_home(org_id):
        seen = set()
        while org_id is not None and org_id not in existing and org_id not in seen:
            seen.add(org_id)
            org_id = successor.get(org_id)
        return org_id if org_id in existing else ENDED

    homes = {}
    for cdcs in unions:
        chain, current = [], cdcs
        while current.pk not in homes:
            chain.append(current.pk)
            target = None
            if current.dissolved_on is not None:
                target = by_id.get(current.merged_into_id) or by_code.get(targets.get(current.pk, ""))
            if target is None or target.pk in chain:
                homes[current.pk] = org_home(current.federation_now)
                break
            current = target
        for pk in chain:
            homes[pk] = homes[current.pk]
    return homes


def _events(cdcs: CdcsFacts, start: Month, end: Month, year_start: Month, programme_start: Month) -> dict:
    def within(day, since: Month) -> int:
        return int(day is not None and since.first_day <= day <= end.last_day)

    founded, dissolved = within(cdcs.founded_on, start), within(cdcs.dissolved_on, start)
    by_plan, ended_by_plan = cdcs.founded_by_reorganisation, cdcs.ended_by_reorganisation
    return {
        "founded": 0 if by_plan else founded,
        "reorg_founded": founded if by_plan else 0,
        "dissolved": 0 if ended_by_plan else dissolved,
        "reorg_ended": dissolved if ended_by_plan else 0,
        "founded_year": 0 if by_plan else within(cdcs.founded_on, year_start),
        "founded_programme": 0 if by_plan else within(cdcs.founded_on, programme_start),
    }


def _rows_between(first: Month, end: Month):
    """The monthly rows of first..end, their month compared through an expression: SQLite then
    reads the table in the order of the (cdcs, month) index and groups by CĐCS without sorting,
    several times faster than fetching each row through the month index (0,5 s against 0,1 s for
    six years of the demo province); PostgreSQL reads a range this wide from the table anyway."""
    return MonthlyFigure.objects.alias(row_month=Coalesce(F("month"), F("month"))).filter(
        row_month__gte=first.first_day, row_month__lte=end.first_day
    )


def _flows(start: Month, end: Month, year_start: Month, programme_start: Month) -> dict[int, dict[str, int]]:
    """Per CĐCS: Σ of every row column over the range, admitted since January and since the
    programme began. Two grouped queries: plain sums over the range's rows, then admitted alone over
    the windows of attainment (a conditional sum of every column over six years of rows costs
    several times more on SQLite)."""
    empty = dict.fromkeys((*ROW_FIELDS, "admitted_year", "admitted_programme"), 0)
    flows: dict[int, dict[str, int]] = {}
    # Annotations may not reuse a field's name, hence the "sum_" prefix.
    rows = (
        _rows_between(start, end)
        .order_by()
        .values("cdcs_id")
        .annotate(**{f"sum_{column}": Sum(column) for column in ROW_FIELDS})
        .values_list("cdcs_id", *(f"sum_{column}" for column in ROW_FIELDS))
    )
    for cdcs_id, *values in rows:
        flows[cdcs_id] = {**empty, **dict(zip(ROW_FIELDS, values, strict=True))}
    first = min(year_start, programme_start)
    windows = (
        _rows_between(first, end)
        .order_by()
        .values("cdcs_id")
        .annotate(
            year=Coalesce(Sum("admitted", filter=Q(month__gte=year_start.first_day)), _ZERO),
            programme=Coalesce(Sum("admitted", filter=Q(month__gte=programme_start.first_day)), _ZERO),
        )
        .values_list("cdcs_id", "year", "programme")
    )
    for cdcs_id, year, programme in windows:
        into = flows.setdefault(cdcs_id, dict(empty))
        into["admitted_year"], into["admitted_programme"] = year, programme
    return flows


SERIES_COLUMNS = (
    *ROW_FIELDS,
    "unions_founded",
    "unions_dissolved",
    "unions_reorg_founded",
    "unions_reorg_ended",
    "members_end",
    "unions_end",
)


def restated_series(
    restated: Restated, homes: set[int], *, first: Month, start: Month, end: Month
) -> dict[Month, dict[str, dict[str, int]]]:
    """Per month of first..end and sector group, for the CĐCS at home today in `homes`: the sums of
    the rows, the CĐCS founded and dissolved (a plan's apart), and, for the months start..end, the
    stock at the month's end, as the summary holds them for a federation of the months' structure.
    One query."""
    parts = {pk: part for pk, part in restated.parts.items() if part.home in homes}
    series: dict[Month, dict[str, dict[str, int]]] = {}

    def cell(month: Month, cdcs: CdcsFacts) -> dict[str, int]:
        return series.setdefault(month, {}).setdefault(cdcs.sector_group, dict.fromkeys(SERIES_COLUMNS, 0))

    rows: dict[int, dict[Month, int]] = {pk: {} for pk in parts}
    figures = MonthlyFigure.objects.filter(
        cdcs_id__in=list(parts), month__gte=first.first_day, month__lte=end.first_day
    )
    for cdcs_id, month, members_end, *values in figures.values_list("cdcs_id", "month", "members_end", *ROW_FIELDS):
        month = Month.of(month)
        rows[cdcs_id][month] = members_end
        target = cell(month, parts[cdcs_id].cdcs)
        for column, value in zip(ROW_FIELDS, values, strict=True):
            target[column] += value
    for pk, part in parts.items():
        cdcs = part.cdcs
        for day, plan, column, by_plan in (
            (cdcs.founded_on, "unions_reorg_founded", "unions_founded", cdcs.founded_by_reorganisation),
            (cdcs.dissolved_on, "unions_reorg_ended", "unions_dissolved", cdcs.ended_by_reorganisation),
        ):
            if day is not None and first.first_day <= day <= end.last_day:
                cell(Month.of(day), cdcs)[plan if by_plan else column] += 1
        carried = cdcs.stock_start
        for month in month_range(start, end):
            carried = rows[pk].get(month, carried)
            if alive_at_end_of(cdcs, month):
                target = cell(month, cdcs)
                target["members_end"] += carried
                target["unions_end"] += 1
    return series
