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

from dataclasses import dataclass, field, fields

from django.db import models
from django.db.models import F, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy

from members.models import (
    LOSS_FIELDS,
    SECTORS_OF_GROUP,
    Affiliation,
    LossReason,
    MonthlyFigure,
    Organisation,
)
from targets.models import Programme, Quota
from unionportal.lib.months import Month

from .restated import ENDED, Restated, restate
from .summary_sums import summary_sums


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
    moves: dict  # per federation with any: members_in, members_out, unions_in, unions_out
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
        return _Sources(federations, *restated.sums(), moves={}, restated=restated)
    federations = Organisation.objects.federations().active_between(start, end).select_related("merged_into")
    if scope.federation_id:
        federations = list(federations.filter(pk=scope.federation_id)) or [scope.org]
    return _Sources(
        list(federations),
        *summary_sums(
            start=start,
            end=end,
            year_start=year_start,
            programme_start=programme_start,
            sector_group=scope.sector_group,
            federation_id=scope.federation_id,
        ),
    )


def progress_report(*, start: Month, end: Month, scope: Scope) -> ProgressReport:
    if start > end:
        raise ValueError("start after end")
    programme = programme_for(end)
    year_start = Month(end.year, 1)
    programme_start = Month(programme.first_year, 1) if programme else year_start

    sources = _sources(scope, start, end, year_start, programme_start)
    federations = sources.federations
    quotas = _quotas(programme, end.year, only=scope.federation_id)
    year_elapsed = end.month / 12
    programme_elapsed = (
        min(1.0, (end - programme_start + 1) / (len(programme.years) * 12)) if programme else year_elapsed
    )
    moved = sources.moves
    every = (sources.flows, sources.events, sources.stock_start, sources.stock_end)

    def row_for(org: Organisation, key) -> Row:
        """key: a federation id, or None for every CĐCS in scope: the sum of every federation's
        flows, events and stocks (the same sums, added up once before the formulas)."""
        parts = [_added(source) for source in every] if key is None else [source.get(key) for source in every]
        figures = figures_of(*parts)
        if key in moved:
            moves = moved[key]
            figures.members_moved_in, figures.members_moved_out = moves["members_in"], moves["members_out"]
            figures.unions_moved_in, figures.unions_moved_out = moves["unions_in"], moves["unions_out"]
        flows, events = parts[0] or {}, parts[1] or {}
        pk = org.pk
        quota = quotas.get(pk, _NONE) if scope.sector_group is None and pk else _NONE
        return Row(
            org,
            figures,
            Attainment(flows.get("admitted_year", 0), quota.get("year_members"), year_elapsed),
            Attainment(events.get("founded_year", 0), quota.get("year_unions"), year_elapsed),
            Attainment(flows.get("admitted_programme", 0), quota.get("programme_members"), programme_elapsed),
            Attainment(events.get("founded_programme", 0), quota.get("programme_unions"), programme_elapsed),
        )

    rows = [row_for(org, org.pk or ENDED) for org in federations]
    total = row_for(scope.org, scope.federation_id)
    quota_sums = {}
    if programme:
        quota_sums = dict.fromkeys(("year_members", "year_unions", "programme_members", "programme_unions"), 0)
        for row in rows:
            for name, value in quotas.get(row.org.pk, _NONE).items():
                quota_sums[name] += value or 0
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


_NONE = {}  # no quotas


def _added(parts: dict):
    """The values of `parts` (one per federation: dicts of counts, or tuples) added up; None for none."""
    values = [value for value in parts.values() if value]
    if not values:
        return None
    if isinstance(values[0], tuple):
        return tuple(map(sum, zip(*values, strict=True)))
    names = tuple(values[0])
    if all(tuple(value) == names for value in values):  # as the summary's sums all are: added column by column
        return dict(zip(names, map(sum, zip(*(value.values() for value in values), strict=True)), strict=True))
    return {name: sum(value.get(name, 0) for value in values) for name in {name for value in values for name in value}}


# --- the queries --------------------------------------------------------------------------

_ZERO = Value(0, output_field=IntegerField())


def affiliations_with_previous(start: Month, end: Month, cdcs_filter: Q):
    """The affiliations that start in a month of the range, each annotated with `from_federation`
    (the federation before, None for a CĐCS's first) and `members` (what it carried: its stock at
    the end of the month before)."""
    previous_federation = (
        Affiliation.objects.filter(cdcs=OuterRef("cdcs"), valid_from__lt=OuterRef("valid_from"))
        .order_by("-valid_from")
        .values("federation_id")[:1]
    )
    carried = (
        MonthlyFigure.objects.filter(cdcs=OuterRef("cdcs"))
        .before(OuterRef("valid_from"))
        .order_by("-month")
        .values("members_end")[:1]
    )
    return Affiliation.objects.filter(
        cdcs_filter, valid_from__gte=start.first_day, valid_from__lte=end.first_day
    ).annotate(
        from_federation=Subquery(previous_federation),
        members=Coalesce(Subquery(carried, output_field=IntegerField()), _ZERO),
    )


def moves_between(start: Month, end: Month, cdcs_filter: Q):
    """The affiliations that moved a CĐCS from one federation to another in a month of the range
    (see affiliations_with_previous). The drill-down's moves are these too."""
    return (
        affiliations_with_previous(start, end, cdcs_filter)
        .filter(from_federation__isnull=False)
        .exclude(from_federation=F("federation_id"))
    )


def _quotas(programme: Programme | None, year: int, *, only: int | None = None) -> dict[int, dict[str, int]]:
    """Per organisation (or only the one with id `only`): the year's quotas (None without one
    for the year) and the whole programme's. One query."""
    if programme is None:
        return {}
    rows = Quota.objects.filter(programme=programme)
    if only is not None:
        rows = rows.filter(organisation_id=only)
    this_year = Q(year=year)
    sums = (
        rows.order_by()
        .values("organisation_id")
        .annotate(
            sum_programme_members=Sum("new_members"),
            sum_programme_unions=Sum("new_unions"),
            sum_year_members=Sum("new_members", filter=this_year),
            sum_year_unions=Sum("new_unions", filter=this_year),
        )
    )
    names = ("programme_members", "programme_unions", "year_members", "year_unions")
    return {
        org_id: {name: value for name, value in zip(names, values, strict=True) if value is not None}
        for org_id, *values in sums.values_list("organisation_id", *(f"sum_{name}" for name in names))
    }


_LOSSES = tuple((reason.value, column) for reason, column in LOSS_FIELDS.items())
_TRANSFERRED_OUT = LossReason.TRANSFERRED_OUT.value
_ADDED = tuple(item.name for item in fields(Figures) if item.name != "lost_by_reason")


def figures_of(flows, events, stock_start=None, stock_end=None) -> Figures:
    """The Figures of a federation's (or a CĐCS's) flows, events and stocks: transfers and CĐCS
    founded or dissolved without what a reorganisation plan did, which goes to its own fields."""
    values = {}
    if flows:
        reorg_in, reorg_out = flows["reorg_in"], flows["reorg_out"]
        lost = {reason: flows[column] for reason, column in _LOSSES}
        lost[_TRANSFERRED_OUT] -= reorg_out
        values.update(admitted=flows["admitted"], transferred_in=flows["transferred_in"] - reorg_in,
                      lost_by_reason=lost, reorg_in=reorg_in, reorg_out=reorg_out)  # fmt: skip
    if events:
        values.update(unions_founded=events.get("founded", 0), unions_dissolved=events.get("dissolved", 0),
                      unions_reorg_founded=events.get("reorg_founded", 0),
                      unions_reorg_ended=events.get("reorg_ended", 0))  # fmt: skip
    if stock_start:
        values.update(members_start=stock_start[0], unions_start=stock_start[1])
    if stock_end:
        values.update(members_end=stock_end[0], unions_end=stock_end[1])
    return Figures(**values)


def add_into(figures: Figures, flows, events, stock_start=None, stock_end=None) -> None:
    """Add a federation's (or a CĐCS's) flows, events and stocks into `figures` (see figures_of)."""
    part = figures_of(flows, events, stock_start, stock_end)
    for name in _ADDED:
        setattr(figures, name, getattr(figures, name) + getattr(part, name))
    for reason, count in part.lost_by_reason.items():
        figures.lost_by_reason[reason] += count
