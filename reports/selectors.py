"""The report computation: one function, a fixed number of queries, whatever the number of
federations or months. Formulas as docs/domain.md writes them:

- new members (kết nạp mới) = Σ admitted
- decrease (giảm) = Σ lost − Σ transferred in
- net members (tăng tuyệt đối) = Σ admitted + Σ transferred in − Σ lost
- new / lost unions = CĐCS founded / dissolved in the range, counted for the federation they
  belonged to in that month
- transfers in and out, and so the decrease and the net, leave out the members a reorganisation
  plan moved (reorg_in, reorg_out), and new / lost unions the CĐCS a plan founded or ended: those
  are the section "Do sắp xếp tổ chức" (members_reorganised, unions_reorganised), beside the CĐCS
  moved between federations (members_moved, unions_moved)
- stocks at the start and end of the range, and, for one federation, the CĐCS that moved in
  or out during the range with the members they carried, so that
  start + net + moved + reorganised = end, for members and for CĐCS.

A report reads the structure of its own months (the default) or today's structure
(Scope.structure "today", reports.restated), where each CĐCS counts for its federation today."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import models
from django.db.models import F, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy

from members.figures.summary import summary_ensure
from members.models import (
    LOSS_FIELDS,
    REORG_FIELDS,
    SECTORS_OF_GROUP,
    Affiliation,
    FederationMonth,
    LossReason,
    MonthlyFigure,
    Organisation,
)
from targets.models import Programme, Quota
from unionportal.lib.months import Month

from .restated import ENDED, Restated, restate


class Structure(models.TextChoices):
    """Which structure a report is read on: the one of its own months, or today's (restated)."""

    MONTHS = "months", gettext_lazy("Theo cơ cấu từng tháng")
    TODAY = "today", gettext_lazy("Theo cơ cấu hiện nay")


def sector_filter(sector_group: str | None, prefix: str = "") -> Q:
    """CĐCS of the sector group (`prefix` to reach them from another model); all without one."""
    return Q(**{f"{prefix}sector__in": SECTORS_OF_GROUP[sector_group]}) if sector_group else Q()


@dataclass(frozen=True)
class Scope:
    """Which CĐCS a report covers: the whole province or one federation, optionally one sector group."""

    org: Organisation
    sector_group: str | None = None
    structure: str = Structure.MONTHS

    @property
    def restated(self) -> bool:
        return self.structure == Structure.TODAY

    @property
    def federation_id(self) -> int | None:
        return None if self.org.is_province else self.org.pk

    def cdcs_filter(self, prefix: str = "") -> Q:
        return sector_filter(self.sector_group, prefix)


_REASONS = tuple(LossReason.values)  # computed once: an enum's .values builds its choices each time


class NetFigures:
    """The formulas of docs/domain.md over admitted, transferred_in, lost, unions_founded and
    unions_dissolved, for every class that has them (Figures here, the dashboard's Totals): each
    of those leaves out what a reorganisation plan did (reorg_in, reorg_out, unions_reorg_founded,
    unions_reorg_ended), which the class has beside them."""

    @property
    def decrease(self) -> int:
        return self.lost - self.transferred_in

    @property
    def net_members(self) -> int:
        return self.admitted - self.decrease

    @property
    def net_unions(self) -> int:
        return self.unions_founded - self.unions_dissolved

    @property
    def members_reorganised(self) -> int:
        """Members a plan moved into the scope's CĐCS less those it moved out of them."""
        return self.reorg_in - self.reorg_out

    @property
    def unions_reorganised(self) -> int:
        """CĐCS a plan founded less those it ended (merged, or ended into another)."""
        return self.unions_reorg_founded - self.unions_reorg_ended


@dataclass
class Figures(NetFigures):
    """The figures of a range. transferred_in, the reason "transferred_out" of lost_by_reason,
    unions_founded and unions_dissolved are development only: what a reorganisation plan moved,
    founded or ended is in reorg_in, reorg_out, unions_reorg_founded and unions_reorg_ended."""

    admitted: int = 0
    transferred_in: int = 0
    lost_by_reason: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_REASONS, 0))
    unions_founded: int = 0
    unions_dissolved: int = 0
    members_start: int = 0
    members_end: int = 0
    unions_start: int = 0
    unions_end: int = 0
    members_moved_in: int = 0
    members_moved_out: int = 0
    unions_moved_in: int = 0
    unions_moved_out: int = 0
    reorg_in: int = 0
    reorg_out: int = 0
    unions_reorg_founded: int = 0
    unions_reorg_ended: int = 0

    @property
    def lost(self) -> int:
        return sum(self.lost_by_reason.values())

    @property
    def members_moved(self) -> int:
        return self.members_moved_in - self.members_moved_out

    @property
    def unions_moved(self) -> int:
        return self.unions_moved_in - self.unions_moved_out

    @property
    def members_structural(self) -> int:
        """The section "Do sắp xếp tổ chức": CĐCS moved between federations and plans' mergers."""
        return self.members_moved + self.members_reorganised

    @property
    def unions_structural(self) -> int:
        return self.unions_moved + self.unions_reorganised

    @property
    def has_structural(self) -> bool:
        """Whether the section "Do sắp xếp tổ chức" has anything to show."""
        return any(
            (self.members_moved_in, self.members_moved_out, self.unions_moved_in, self.unions_moved_out,
             self.reorg_in, self.reorg_out, self.unions_reorg_founded, self.unions_reorg_ended)
        )  # fmt: skip


@dataclass(frozen=True)
class Attainment:
    """Actual against quota, and whether it keeps pace with the share of the period elapsed."""

    actual: int
    quota: int | None
    elapsed: float

    @property
    def percent(self) -> float | None:
        return self.actual * 100 / self.quota if self.quota else None

    @property
    def expected_percent(self) -> float:
        return self.elapsed * 100

    @property
    def on_track(self) -> bool | None:
        return None if self.percent is None else self.percent >= self.expected_percent


@dataclass
class Row:
    org: Organisation
    figures: Figures
    year_members: Attainment
    year_unions: Attainment
    programme_members: Attainment
    programme_unions: Attainment


@dataclass
class ProgressReport:
    start: Month
    end: Month
    scope: Scope
    programme: Programme | None
    total: Row
    rows: list[Row]
    federation_quota_sums: dict[str, int | None]
    restated: Restated | None = None  # today's structure and each CĐCS's part, when restated

    @property
    def year(self) -> int:
        return self.end.year


def programme_for(end: Month) -> Programme | None:
    """The programme whose years cover the end of the range (the newest when two overlap)."""
    return Programme.objects.for_year(end.year)


@dataclass
class _Sources:
    """What the rows are made of, on the structure of the months or on today's."""

    federations: list[Organisation]
    flows: dict
    events: dict
    stock_start: dict
    stock_end: dict
    moves: list[dict]
    restated: Restated | None = None


def _sources(scope: Scope, start: Month, end: Month, year_start: Month, programme_start: Month) -> _Sources:
    if scope.restated:
        restated = restate(
            start=start,
            end=end,
            year_start=year_start,
            programme_start=programme_start,
            sector_group=scope.sector_group,
        )
        federations = [scope.org] if scope.federation_id else restated.federations
        return _Sources(federations, *restated.sums(), moves=[], restated=restated)
    federations = list(Organisation.objects.federations().active_between(start, end).select_related("merged_into"))
    if scope.federation_id:
        federations = [org for org in federations if org.pk == scope.federation_id] or [scope.org]
    return _Sources(
        federations, *_summary(scope, start, year_start, programme_start, end), moves=_moves(scope, start, end)
    )


def progress_report(*, start: Month, end: Month, scope: Scope) -> ProgressReport:
    if start > end:
        raise ValueError("start after end")
    programme = programme_for(end)
    year_start = Month(end.year, 1)
    programme_start = Month(programme.first_year, 1) if programme else year_start

    sources = _sources(scope, start, end, year_start, programme_start)
    flows, events, stock_start, stock_end = sources.flows, sources.events, sources.stock_start, sources.stock_end
    federations = sources.federations
    quotas = _quotas(programme, end.year, only=scope.federation_id)

    year_elapsed = end.month / 12
    programme_elapsed = (
        min(1.0, (end - programme_start + 1) / (len(programme.years) * 12)) if programme else year_elapsed
    )

    moved_in, moved_out = defaultdict(list), defaultdict(list)
    for move in sources.moves:
        moved_in[move["to"]].append(move)
        moved_out[move["from"]].append(move)

    def row_for(org: Organisation, key) -> Row:
        """key: a federation id, or None for every CĐCS in scope. Looks up its own federation's
        figures only, so that the rows of 700 federations cost 700 look-ups, not 700²."""
        figures = Figures()
        keys = set(flows) | set(stock_start) | set(stock_end) | set(events) if key is None else [key]
        actual = defaultdict(int)
        for k in keys:
            add_into(figures, flows.get(k), events.get(k), stock_start.get(k), stock_end.get(k))
            for name in ("admitted_year", "admitted_programme"):
                actual[name] += flows.get(k, {}).get(name, 0)
            for name in ("founded_year", "founded_programme"):
                actual[name] += events.get(k, {}).get(name, 0)
        if key is not None:
            figures.members_moved_in = sum(m["members"] for m in moved_in[key])
            figures.members_moved_out = sum(m["members"] for m in moved_out[key])
            figures.unions_moved_in = sum(1 for m in moved_in[key] if m["active"])
            figures.unions_moved_out = sum(1 for m in moved_out[key] if m["active"])
        quota = quotas.get(org.pk, {}) if scope.sector_group is None and org.pk else {}
        return Row(
            org=org,
            figures=figures,
            year_members=Attainment(actual["admitted_year"], quota.get("year_members"), year_elapsed),
            year_unions=Attainment(actual["founded_year"], quota.get("year_unions"), year_elapsed),
            programme_members=Attainment(
                actual["admitted_programme"], quota.get("programme_members"), programme_elapsed
            ),
            programme_unions=Attainment(actual["founded_programme"], quota.get("programme_unions"), programme_elapsed),
        )

    rows = [row_for(org, org.pk or ENDED) for org in federations]
    total = row_for(scope.org, scope.federation_id)
    quota_sums = (
        {
            name: sum(quotas.get(org.pk, {}).get(name) or 0 for org in federations)
            for name in ("year_members", "year_unions", "programme_members", "programme_unions")
        }
        if programme
        else {}
    )
    return ProgressReport(
        start=start,
        end=end,
        scope=scope,
        programme=programme,
        total=total,
        rows=rows,
        federation_quota_sums=quota_sums,
        restated=sources.restated,
    )


# --- the queries --------------------------------------------------------------------------

_ZERO = Value(0, output_field=IntegerField())


def _summary(scope: Scope, start: Month, year_start: Month, programme_start: Month, end: Month):
    """Per federation: Σ of every flow column for the range, admitted and CĐCS founded since the
    start of the year and of the programme (for attainment), CĐCS founded and dissolved in the
    range, and the stocks at the end of the month before the range and of its last month. One
    query over the summary per federation × month (members.figures.summary), which holds each month's
    flows and events, for the federation of that month, the stock at its end and running totals:
    "since the start of the programme" is the end month's running total minus the one of the
    month before the programme, so six years cost two months of rows, not seventy-two."""
    summary_ensure(end)
    before = start - 1
    in_range = Q(month__gte=start.first_day)
    columns = (
        "admitted",
        "transferred_in",
        *LOSS_FIELDS.values(),
        *REORG_FIELDS,
        "unions_founded",
        "unions_dissolved",
        "unions_reorg_founded",
        "unions_reorg_ended",
    )
    # Annotations may not reuse a field's name, hence the "sum_" prefix.
    sums = {f"sum_{column}": Coalesce(Sum(column, filter=in_range), _ZERO) for column in columns}
    points = {"start": before, "end": end, "year": year_start - 1, "programme": programme_start - 1}
    for name, month in points.items():
        at = Q(month=month.first_day)
        for column in ("members_end", "unions_end", "admitted_to_date", "founded_to_date"):
            sums[f"sum_{name}_{column}"] = Coalesce(Sum(column, filter=at), _ZERO)
    rows = FederationMonth.objects.filter(
        Q(month__gte=start.first_day, month__lte=end.first_day)
        | Q(month__in=[month.first_day for month in points.values()])
    )
    if scope.sector_group:
        rows = rows.filter(sector_group=scope.sector_group)
    if scope.federation_id:
        rows = rows.filter(federation_id=scope.federation_id)
    flows, events, stock_start, stock_end = {}, {}, {}, {}
    for row in rows.order_by().values("federation_id").annotate(**sums):
        key = row.pop("federation_id")
        row = {name.removeprefix("sum_"): value for name, value in row.items()}
        row["admitted_year"] = row["end_admitted_to_date"] - row["year_admitted_to_date"]
        row["admitted_programme"] = row["end_admitted_to_date"] - row["programme_admitted_to_date"]
        flows[key] = row
        events[key] = {
            "founded": row["unions_founded"],
            "founded_year": row["end_founded_to_date"] - row["year_founded_to_date"],
            "founded_programme": row["end_founded_to_date"] - row["programme_founded_to_date"],
            "dissolved": row["unions_dissolved"],
            "reorg_founded": row["unions_reorg_founded"],
            "reorg_ended": row["unions_reorg_ended"],
        }
        stock_start[key] = (row["start_members_end"], row["start_unions_end"])
        stock_end[key] = (row["end_members_end"], row["end_unions_end"])
    return flows, events, stock_start, stock_end


def moves_between(start: Month, end: Month, cdcs_filter: Q):
    """The affiliations that moved a CĐCS from one federation to another in a month of the range,
    each annotated with `from_federation` (the federation before) and `members` (what it carried:
    its stock at the end of the month before). The drill-down's moves are these too."""
    previous_federation = (
        Affiliation.objects.filter(cdcs=OuterRef("cdcs"), valid_from__lt=OuterRef("valid_from"))
        .order_by("-valid_from")
        .values("federation_id")[:1]
    )
    carried = (
        MonthlyFigure.objects.filter(cdcs=OuterRef("cdcs"), month__lt=OuterRef("valid_from"))
        .order_by("-month")
        .values("members_end")[:1]
    )
    return (
        Affiliation.objects.filter(cdcs_filter, valid_from__gte=start.first_day, valid_from__lte=end.first_day)
        .annotate(
            from_federation=Subquery(previous_federation),
            members=Coalesce(Subquery(carried, output_field=IntegerField()), _ZERO),
        )
        .filter(from_federation__isnull=False)
        .exclude(from_federation=F("federation_id"))
    )


def _moves(scope: Scope, start: Month, end: Month) -> list[dict]:
    """The moves of the range as plain values. One query."""
    moves = moves_between(start, end, scope.cdcs_filter("cdcs__")).values_list(
        "federation_id", "from_federation", "members", "valid_from", "cdcs__dissolved_on"
    )
    return [
        {"to": to, "from": from_, "members": members, "active": dissolved_on is None or dissolved_on >= valid_from}
        for to, from_, members, valid_from, dissolved_on in moves
    ]


def _quotas(programme: Programme | None, year: int, *, only: int | None = None) -> dict[int, dict[str, int]]:
    """Per organisation (or only the one with id `only`): the year's quotas and the whole
    programme's. One query."""
    if programme is None:
        return {}
    quotas = defaultdict(lambda: defaultdict(int))
    rows = Quota.objects.filter(programme=programme)
    if only is not None:
        rows = rows.filter(organisation_id=only)
    for org_id, quota_year, new_members, new_unions in rows.values_list(
        "organisation_id", "year", "new_members", "new_unions"
    ):
        quotas[org_id]["programme_members"] += new_members
        quotas[org_id]["programme_unions"] += new_unions
        if quota_year == year:
            quotas[org_id]["year_members"] += new_members
            quotas[org_id]["year_unions"] += new_unions
    return quotas


def add_into(figures: Figures, flows, events, stock_start=None, stock_end=None) -> None:
    """Add a federation's (or a CĐCS's) flows, events and stocks into `figures`: transfers and
    CĐCS founded or dissolved without what a reorganisation plan did, which goes to its own fields."""
    if flows:
        figures.admitted += flows["admitted"]
        figures.reorg_in += flows["reorg_in"]
        figures.reorg_out += flows["reorg_out"]
        figures.transferred_in += flows["transferred_in"] - flows["reorg_in"]
        for reason, column in LOSS_FIELDS.items():
            figures.lost_by_reason[reason.value] += flows[column]
        figures.lost_by_reason[LossReason.TRANSFERRED_OUT.value] -= flows["reorg_out"]
    if events:
        figures.unions_founded += events.get("founded", 0)
        figures.unions_dissolved += events.get("dissolved", 0)
        figures.unions_reorg_founded += events.get("reorg_founded", 0)
        figures.unions_reorg_ended += events.get("reorg_ended", 0)
    if stock_start:
        figures.members_start += stock_start[0]
        figures.unions_start += stock_start[1]
    if stock_end:
        figures.members_end += stock_end[0]
        figures.unions_end += stock_end[1]
