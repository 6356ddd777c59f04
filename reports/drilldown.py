"""Where a federation's figures come from: one line per CĐCS, and one CĐCS's months.

`federation_cdcs` splits the figures that reports.selectors.progress_report gives a federation
into its CĐCS, by the same rules (docs/domain.md): flows are counted for the federation of
the month, a CĐCS founded or dissolved counts for the federation it belonged to that day, stocks
count for the federation of the month they are taken in, and a CĐCS that moved in or out during
the range carries its members on a line of its own. A CĐCS merged or ended by a reorganisation
plan shows the members it gave as its reorganisation out, the CĐCS that took them in its
reorganisation in. So the lines add up to the federation's figures,
start + net + moved + reorganised = end holds on every line, and a test asserts both.

Three queries whatever the number of CĐCS and months: the CĐCS with their stocks and
federations (subqueries), their flows (one grouped query over MonthlyFigure), their moves.
Restated on today's structure (reports.restated), the lines are the CĐCS whose federation today
is this one, over every month of the range, and nothing moves."""

from dataclasses import dataclass, field, fields
from datetime import date

from django.db.models import IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from members.models import (
    FLOW_FIELDS,
    LOSS_FIELDS,
    REORG_FIELDS,
    Affiliation,
    GrassrootsUnion,
    MonthlyFigure,
    Organisation,
    federation_at_subquery,
)
from unionportal.lib.months import Month

from .restated import Restated, alive_at_end_of, restate, stock_subquery
from .selectors import Figures, Structure, add_into, moves_between, sector_filter

_ZERO = Value(0, output_field=IntegerField())


@dataclass(frozen=True)
class Move:
    """A CĐCS moved in (from `other`) or out (to `other`) in `month`, carrying `members`."""

    month: Month
    other: Organisation
    members: int
    incoming: bool
    counts_as_union: bool  # false for a CĐCS already dissolved when it moved (as progress_report counts it)


@dataclass
class CdcsLine:
    """One CĐCS's part of a federation's figures for the range."""

    cdcs: GrassrootsUnion
    figures: Figures = field(default_factory=Figures)
    founded_on: date | None = None  # founded in the range, under this federation
    dissolved_on: date | None = None  # dissolved in the range, under this federation
    moves: list[Move] = field(default_factory=list)
    reorg_founded_on: date | None = None  # founded by a reorganisation plan in the range
    reorg_ended_on: date | None = None  # merged or ended by a plan in the range


@dataclass
class FederationDrilldown:
    org: Organisation
    start: Month
    end: Month
    sector_group: str | None
    lines: list[CdcsLine]
    total: Figures
    structure: str = Structure.MONTHS


def _unions_of(org: Organisation, start: Month, end: Month, sector_group: str | None):
    """The CĐCS of federation_cdcs, each with the federation it was under before the range, at
    its end, when it was founded and dissolved, and its stock before and at the end."""
    before = start - 1
    # Uncorrelated IN (…) lists, each read once through the federation's index: a correlated
    # EXISTS per CĐCS scanned the federation's months once for every CĐCS of the province (10 s
    # for the city's nine years on SQLite).
    joined = Affiliation.objects.filter(federation=org, valid_from__range=(start.first_day, end.first_day))
    reported = MonthlyFigure.objects.filter(federation=org, month__range=(start.first_day, end.first_day))
    return (
        GrassrootsUnion.objects.filter(sector_filter(sector_group))
        .select_related("merged_into")
        .annotate(
            federation_before=Subquery(federation_at_subquery(OuterRef("pk"), before.first_day)),
            federation_end=Subquery(federation_at_subquery(OuterRef("pk"), end.first_day)),
            founded_in=Subquery(federation_at_subquery(OuterRef("pk"), OuterRef("founded_on"))),
            dissolved_in=Subquery(federation_at_subquery(OuterRef("pk"), OuterRef("dissolved_on"))),
            stock_start=stock_subquery(before),
            stock_end=stock_subquery(end),
        )
        .filter(
            (
                Q(founded_on__lte=end.last_day)
                & (Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=start.first_day))
                & (Q(federation_before=org.pk) | Q(pk__in=Subquery(joined.values("cdcs_id"))))
            )
            # Belt and braces: a CĐCS with figures reported by the federation in the range is
            # always shown, so that the flows add up whatever the register says.
            | Q(pk__in=Subquery(reported.values("cdcs_id")))
        )
        .order_by("code")
    )


def federation_cdcs(
    *,
    org: Organisation,
    start: Month,
    end: Month,
    sector_group: str | None = None,
    structure: str = Structure.MONTHS,
    restated: Restated | None = None,
) -> FederationDrilldown:
    """Every CĐCS that belonged to `org` in some month of start..end (or at the end of the month
    before, and so is in its opening stock), with its part of the federation's figures. Restated
    (structure "today"): every CĐCS whose federation today is `org`; `restated`, the report's
    reading of today's structure for the same range and sector group, saves reading it again."""
    if start > end:
        raise ValueError("start after end")
    if structure == Structure.TODAY:
        lines = _restated_lines(org, start, end, sector_group, restated)
    else:
        lines = _lines(org, start, end, sector_group)
    ordered = sorted(lines, key=lambda line: line.cdcs.code)
    return FederationDrilldown(
        org=org,
        start=start,
        end=end,
        sector_group=sector_group,
        lines=ordered,
        total=sum_figures(line.figures for line in ordered),
        structure=structure,
    )


def _in_range(day: date | None, start: Month, end: Month) -> bool:
    return day is not None and start.first_day <= day <= end.last_day


def _mark_events(line: CdcsLine, *, founded: bool, dissolved: bool) -> None:
    """The CĐCS's founding and end in the range, for this federation: a plan's apart."""
    cdcs, figures = line.cdcs, line.figures
    if founded and cdcs.founded_by_reorganisation:
        line.reorg_founded_on, figures.unions_reorg_founded = cdcs.founded_on, 1
    elif founded:
        line.founded_on, figures.unions_founded = cdcs.founded_on, 1
    if dissolved and cdcs.ended_by_reorganisation:
        line.reorg_ended_on, figures.unions_reorg_ended = cdcs.dissolved_on, 1
    elif dissolved:
        line.dissolved_on, figures.unions_dissolved = cdcs.dissolved_on, 1


def _lines(org: Organisation, start: Month, end: Month, sector_group: str | None) -> list[CdcsLine]:
    """On the structure of the months."""
    before = start - 1
    lines: dict[int, CdcsLine] = {}
    for cdcs in _unions_of(org, start, end, sector_group):
        figures = Figures()
        if cdcs.federation_before == org.pk and alive_at_end_of(cdcs, before):
            figures.members_start, figures.unions_start = cdcs.stock_start, 1
        if cdcs.federation_end == org.pk and alive_at_end_of(cdcs, end):
            figures.members_end, figures.unions_end = cdcs.stock_end, 1
        line = CdcsLine(cdcs=cdcs, figures=figures)
        _mark_events(
            line,
            founded=cdcs.founded_in == org.pk and _in_range(cdcs.founded_on, start, end),
            dissolved=cdcs.dissolved_in == org.pk and _in_range(cdcs.dissolved_on, start, end),
        )
        lines[cdcs.pk] = line

    for cdcs_id, flows in _flows(org, start, end, sector_group).items():
        add_into(lines[cdcs_id].figures, flows, None)

    for cdcs, move in _moves(org, start, end, sector_group):
        line = lines.setdefault(cdcs.pk, CdcsLine(cdcs=cdcs))
        line.moves.append(move)
        if move.incoming:
            line.figures.members_moved_in += move.members
            line.figures.unions_moved_in += move.counts_as_union
        else:
            line.figures.members_moved_out += move.members
            line.figures.unions_moved_out += move.counts_as_union
    return list(lines.values())


def _restated_lines(
    org: Organisation, start: Month, end: Month, sector_group: str | None, restated: Restated | None
) -> list[CdcsLine]:
    """On today's structure: the CĐCS at home in `org` today, each over every month of the range.
    One query for the CĐCS themselves (and the five of restate() unless the report read them)."""
    if restated is None:
        restated = restate(start=start, end=end, year_start=start, programme_start=start, sector_group=sector_group)
    parts = [part for part in restated.parts.values() if part.home == org.pk and part.counts]
    unions = GrassrootsUnion.objects.select_related("merged_into").in_bulk([part.cdcs.pk for part in parts])
    lines = []
    for part in parts:
        line = CdcsLine(cdcs=unions[part.cdcs.pk])
        add_into(line.figures, part.flows, None, part.stock_start, part.stock_end)
        _mark_events(
            line,
            founded=_in_range(part.cdcs.founded_on, start, end),
            dissolved=_in_range(part.cdcs.dissolved_on, start, end),
        )
        lines.append(line)
    return lines


def _flows(org: Organisation, start: Month, end: Month, sector_group: str | None) -> dict[int, dict[str, int]]:
    """Σ of every flow column per CĐCS, over the months the federation reported it. One query."""
    sums = {f"sum_{column}": Coalesce(Sum(column), _ZERO) for column in (*FLOW_FIELDS, *REORG_FIELDS)}
    rows = (
        MonthlyFigure.objects.filter(
            sector_filter(sector_group, "cdcs__"),
            federation=org,
            month__gte=start.first_day,
            month__lte=end.first_day,
        )
        .order_by()
        .values("cdcs_id")
        .annotate(**sums)
    )
    return {row.pop("cdcs_id"): {name.removeprefix("sum_"): value for name, value in row.items()} for row in rows}


def _moves(org: Organisation, start: Month, end: Month, sector_group: str | None) -> list[tuple[GrassrootsUnion, Move]]:
    """CĐCS that came to or left the federation in a month of the range, with the members they
    carried (their stock at the end of the month before), as progress_report counts them. One query."""
    previous = Organisation.objects.filter(pk=OuterRef("from_federation"))
    moves = (
        moves_between(start, end, sector_filter(sector_group, "cdcs__"))
        .annotate(from_code=Subquery(previous.values("code")[:1]), from_name=Subquery(previous.values("name")[:1]))
        .filter(Q(federation=org) | Q(from_federation=org.pk))
        .select_related("cdcs__merged_into", "federation")
        .order_by("valid_from", "cdcs__code")
    )
    found = []
    for affiliation in moves:
        incoming = affiliation.federation_id == org.pk
        other = (
            Organisation(pk=affiliation.from_federation, code=affiliation.from_code, name=affiliation.from_name)
            if incoming
            else affiliation.federation
        )
        dissolved_on = affiliation.cdcs.dissolved_on
        found.append(
            (
                affiliation.cdcs,
                Move(
                    month=Month.of(affiliation.valid_from),
                    other=other,
                    members=affiliation.members,
                    incoming=incoming,
                    counts_as_union=dissolved_on is None or dissolved_on >= affiliation.valid_from,
                ),
            )
        )
    return found


def sum_figures(many) -> Figures:
    """The figures of many lines added up, field by field (the losses reason by reason)."""
    total = Figures()
    for figures in many:
        for item in fields(Figures):
            if item.name == "lost_by_reason":
                for reason, count in figures.lost_by_reason.items():
                    total.lost_by_reason[reason] += count
            else:
                setattr(total, item.name, getattr(total, item.name) + getattr(figures, item.name))
    return total


# --- one CĐCS's months --------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthRow:
    figure: MonthlyFigure
    lost_by_reason: list[int]  # in the order of LossReason

    @property
    def lost(self) -> int:
        return sum(self.lost_by_reason)

    @property
    def net_members(self) -> int:
        return self.figure.admitted + self.figure.transferred_in - self.lost


@dataclass
class CdcsMonths:
    cdcs: GrassrootsUnion
    start: Month
    end: Month
    rows: list[MonthRow]
    total: Figures  # flows summed; members_start of the first row, members_end of the last


def cdcs_months(*, cdcs: GrassrootsUnion, start: Month, end: Month, visible: QuerySet[MonthlyFigure]) -> CdcsMonths:
    """Every monthly row of the CĐCS in start..end among `visible` (what the user may read:
    members.access.figures_visible_to), with the federation of each month. One query."""
    figures = (
        visible.filter(cdcs=cdcs, month__gte=start.first_day, month__lte=end.first_day)
        .select_related("federation")
        .order_by("month")
    )
    rows = [MonthRow(figure, [getattr(figure, column) for column in LOSS_FIELDS.values()]) for figure in figures]
    total = Figures()
    for row in rows:
        total.admitted += row.figure.admitted
        total.transferred_in += row.figure.transferred_in
        for reason, count in zip(LOSS_FIELDS, row.lost_by_reason, strict=True):
            total.lost_by_reason[reason.value] += count
    if rows:
        total.members_start, total.members_end = rows[0].figure.members_start, rows[-1].figure.members_end
    return CdcsMonths(cdcs=cdcs, start=start, end=end, rows=rows, total=total)
