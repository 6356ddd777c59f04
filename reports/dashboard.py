"""The leadership dashboard (bảng điều khiển): where each federation stands against its quota,
who lags and by how much, and the monthly series behind the charts.

The figures of the range (tiles, federation rows, attainment) are progress_report's, never
recomputed here. The series come from the summary table FederationMonth in two grouped queries
(the range's months, and the admitted of the months before it), density from the summary's
SectorMonth in another: the page runs the same number of queries for 2 federations or 700, 12
months or 72."""

import math
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field, fields, replace
from functools import cached_property

from django.db.models import Sum
from django.utils.translation import gettext_lazy

from members.models import (
    LOSS_FIELDS,
    REORG_FIELDS,
    FederationMonth,
    LossReason,
    MonthlyFigure,
    MonthlyReturn,
    Organisation,
    Sector,
    SectorGroup,
    SectorMonth,
)
from organising.funnel import Funnel
from targets.models import Quota
from unionportal.lib.months import Month, month_range

from .dashboard_organising import organising_card
from .restated import restated_series
from .selectors import Attainment, Figures, NetFigures, ProgressReport, Row, Scope, progress_report


@dataclass
class Totals(NetFigures):
    """Summed flows of some months (or one month), and the stock at the end of the last one.
    transferred_in, lost, unions_founded and unions_dissolved leave out a plan's part, which is
    in reorg_in, reorg_out, unions_reorg_founded and unions_reorg_ended."""

    admitted: int = 0
    transferred_in: int = 0
    lost: int = 0
    unions_founded: int = 0
    unions_dissolved: int = 0
    members_end: int = 0
    unions_end: int = 0
    reorg_in: int = 0
    reorg_out: int = 0
    unions_reorg_founded: int = 0
    unions_reorg_ended: int = 0


@dataclass(frozen=True)
class MonthTotals:
    month: Month
    totals: Totals


@dataclass(frozen=True)
class CumulativePoint:
    """Admitted since the programme began, against the quota due by then (each year's quota
    spread evenly over its twelve months); quota is None without quotas."""

    month: Month
    admitted: int
    quota: float | None


@dataclass(frozen=True)
class Projection:
    """Where this year ends if admissions keep the pace of the months so far."""

    year: int
    months_elapsed: int
    admitted: int
    quota: int | None
    cumulative: list[tuple[Month, int | None, float | None]]  # month, admitted so far, projected

    @property
    def per_month(self) -> float:
        return self.admitted / self.months_elapsed

    @property
    def projected(self) -> float:
        return self.per_month * 12

    @property
    def projected_percent(self) -> float | None:
        return self.projected * 100 / self.quota if self.quota else None


@dataclass(frozen=True)
class Density:
    sector: str
    members: int
    workers: int

    @property
    def label(self) -> str:
        return Sector(self.sector).label

    @property
    def percent(self) -> float | None:
        return self.members * 100 / self.workers if self.workers else None


@dataclass(frozen=True)
class FederationLine:
    """A federation's row of the progress report, with its rank and its end month's return."""

    row: Row
    rank: int | None
    status: str | None  # MonthlyReturn.Status, None when nothing was entered

    @property
    def status_label(self) -> str:
        return MonthlyReturn.Status(self.status).label if self.status else NO_RETURN

    @property
    def on_track(self) -> bool | None:
        """Behind when either year quota is behind; None when neither has a quota."""
        marks = [a.on_track for a in (self.row.year_members, self.row.year_unions) if a.on_track is not None]
        return all(marks) if marks else None

    @property
    def pace(self) -> float | None:
        """How far behind the year's pace, as a sortable number: 0 on pace, minus the percentage
        points of the laggards' "Chậm" column when behind, None without a quota."""
        if self.on_track is None:
            return None
        shortfall = max(Gap(self.row.year_members, 0).shortfall, Gap(self.row.year_unions, 0).shortfall)
        return -shortfall if shortfall else 0.0


@dataclass(frozen=True)
class Gap:
    """What a federation still has to achieve of one year quota, in total and per month left."""

    attainment: Attainment
    months_left: int

    @property
    def needed(self) -> int | None:
        if self.attainment.quota is None:
            return None
        return max(0, self.attainment.quota - self.attainment.actual)

    @property
    def per_month(self) -> int | None:
        if self.needed is None or self.months_left == 0:
            return None
        return math.ceil(self.needed / self.months_left)

    @property
    def behind(self) -> bool:
        return self.attainment.on_track is False

    @property
    def shortfall(self) -> float:
        """Percentage points below the pace of the year, 0 when on pace."""
        if not self.behind:
            return 0.0
        return self.attainment.expected_percent - self.attainment.percent


@dataclass(frozen=True)
class Laggard:
    row: Row
    members: Gap
    unions: Gap

    @property
    def shortfall(self) -> float:
        return max(self.members.shortfall, self.unions.shortfall)


@dataclass
class Dashboard:
    report: ProgressReport
    lines: list[FederationLine]
    laggards: list[Laggard]
    months: list[MonthTotals]
    sector_groups: dict[str, Totals]
    cumulative: list[CumulativePoint]
    projection: Projection
    density: list[Density]
    only_followed: bool = False
    lost_by_reason: list[tuple[str, str, int]] = field(default_factory=list)
    organising: Funnel | None = None  # the organising pipeline at the end of the range

    @property
    def months_left(self) -> int:
        return 12 - self.report.end.month

    @cached_property
    def has_structural(self) -> bool:
        """Whether any line or the total has something "do sắp xếp tổ chức" (read by every row of
        the table: 700 lines each time, once)."""
        return self.report.total.figures.has_structural or any(line.row.figures.has_structural for line in self.lines)

    @property
    def ranked_lines(self) -> list[FederationLine]:
        """The lines as the dashboard's table opens: by rank, the unranked last, by name."""
        return sorted(self.lines, key=lambda line: (line.rank is None, line.rank or 0, line.row.org.name))


NO_RETURN = gettext_lazy("Chưa nhập")


def followed_federation_ids(user) -> set[int]:
    """The federations a steering-committee member follows (none for anyone else)."""
    return set(Organisation.objects.filter(followers__user_id=user.pk).values_list("pk", flat=True))


def dashboard(
    *, start: Month, end: Month, scope: Scope, only: Collection[int] | None = None, organising: bool = True
) -> Dashboard:
    """The dashboard of a range for a scope. `only`: ids of the federations the dashboard keeps
    (a steering-committee member's own), None for all: the table, the laggards, the tiles (their
    sum, report.total) and the charts' series show those federations only; the ranks stay the
    province's. `organising`: with the card of the organising pipeline (it reads every
    enterprise's history), which the Excel file of the dashboard's tables leaves out."""
    report = progress_report(start=start, end=end, scope=scope)  # which brings the summary up to `end`
    programme_start = Month(report.programme.first_year, 1) if report.programme else None
    year_start = Month(end.year, 1)
    first = min(m for m in (start, year_start, programme_start) if m is not None)
    by_month = _series(report, first, only)

    rows = report.rows
    ranks = _ranks(rows) if scope.org.is_province else {}  # a rank among one federation says nothing
    statuses = _statuses([row.org.pk for row in rows], end)
    if only is not None:
        rows = [row for row in rows if row.org.pk in only]
        report = replace(report, total=_rows_total(scope.org, rows, elapsed=report.total))
    lines = [FederationLine(row=row, rank=ranks.get(row.org.pk), status=statuses.get(row.org.pk)) for row in rows]
    return Dashboard(
        report=report,
        lines=lines,
        laggards=_laggards(rows, months_left=12 - end.month),
        months=[MonthTotals(month, _sum_groups(by_month.get(month, {}).values())) for month in month_range(start, end)],
        sector_groups=_sector_groups(by_month, start, end),
        cumulative=_cumulative(report, by_month, programme_start, only),
        projection=_projection(report, by_month),
        density=_density(report, only),
        only_followed=only is not None,
        lost_by_reason=[
            (reason, LossReason(reason).label, count) for reason, count in report.total.figures.lost_by_reason.items()
        ],
        organising=organising_card(report, only=only) if organising else None,
    )


# --- the queries ----------------------------------------------------------------------------

_FLOW_COLUMNS = (
    "admitted",
    "transferred_in",
    *LOSS_FIELDS.values(),
    *REORG_FIELDS,
    "unions_founded",
    "unions_dissolved",
    "unions_reorg_founded",
    "unions_reorg_ended",
)
_STOCK_COLUMNS = ("members_end", "unions_end")


def _restated_homes(report: ProgressReport, only: Collection[int] | None) -> set[int] | None:
    """Restated on today's structure, the federations whose CĐCS the series and density read one by
    one (the scope's, or those in `only`); None where the summary gives the same: the province whole."""
    if report.restated is None:
        return None
    if report.scope.federation_id:
        return {report.scope.federation_id}
    return set(only) if only is not None else None


def _totals(value: dict[str, int]) -> Totals:
    return Totals(
        admitted=value["admitted"],
        transferred_in=value["transferred_in"] - value["reorg_in"],
        lost=sum(value[column] for column in LOSS_FIELDS.values()) - value["reorg_out"],
        unions_founded=value["unions_founded"],
        unions_dissolved=value["unions_dissolved"],
        members_end=value["members_end"],
        unions_end=value["unions_end"],
        reorg_in=value["reorg_in"],
        reorg_out=value["reorg_out"],
        unions_reorg_founded=value["unions_reorg_founded"],
        unions_reorg_ended=value["unions_reorg_ended"],
    )


def _series(report: ProgressReport, first: Month, only: Collection[int] | None) -> dict[Month, dict[str, Totals]]:
    """Per month and sector group, the scope's federations (those in `only`) summed: every figure in
    the range, the admitted before it (from `first`). Two queries."""
    scope, start, end = report.scope, report.start, report.end
    homes = _restated_homes(report, only)
    if homes is not None:
        restated = restated_series(report.restated, homes, first=first, start=start, end=end)
        return {month: {group: _totals(value) for group, value in groups.items()} for month, groups in restated.items()}
    rows = FederationMonth.objects.all()
    if scope.federation_id:
        rows = rows.filter(federation_id=scope.federation_id)
    if only is not None:
        rows = rows.filter(federation_id__in=only)
    if scope.sector_group:
        rows = rows.filter(sector_group=scope.sector_group)
    series: dict[Month, dict[str, Totals]] = defaultdict(dict)
    # The range's months whole; before it, the cumulative chart needs the admitted only, and the
    # months of a programme are many (the country's six years are a hundred thousand rows).
    if first < start:
        earlier = rows.filter(month__gte=first.first_day, month__lt=start.first_day)
        for row in earlier.order_by().values("month", "sector_group").annotate(sum_admitted=Sum("admitted")):
            series[Month.of(row["month"])][row["sector_group"]] = Totals(admitted=row["sum_admitted"] or 0)
    # Annotations may not reuse a field's name, hence the "sum_" prefix.
    sums = {f"sum_{column}": Sum(column) for column in (*_FLOW_COLUMNS, *_STOCK_COLUMNS)}
    in_range = rows.filter(month__gte=start.first_day, month__lte=end.first_day)
    for row in in_range.order_by().values("month", "sector_group").annotate(**sums):
        value = {column: row[f"sum_{column}"] or 0 for column in (*_FLOW_COLUMNS, *_STOCK_COLUMNS)}
        series[Month.of(row["month"])][row["sector_group"]] = _totals(value)
    return series


def _density(report: ProgressReport, only: Collection[int] | None) -> list[Density]:
    """Members ÷ workers per sector, from what the end month's rows reported: the summary's
    SectorMonth, or the rows themselves when restated on today's structure. One query."""
    scope = report.scope
    homes = _restated_homes(report, only)
    if homes is not None:
        rows = MonthlyFigure.objects.filter(
            scope.cdcs_filter("cdcs__"),
            month=report.end.first_day,
            cdcs_id__in=[pk for pk, home in report.restated.homes.items() if home in homes],
        )
        sector, members, workers = "cdcs__sector", "members_end", "workers"
    else:
        rows = SectorMonth.objects.filter(scope.cdcs_filter(), month=report.end.first_day)
        if scope.federation_id:
            rows = rows.filter(federation_id=scope.federation_id)
        if only is not None:
            rows = rows.filter(federation_id__in=only)
        sector, members, workers = "sector", "members", "workers"
    sums = {
        row[sector]: row
        for row in rows.order_by().values(sector).annotate(sum_members=Sum(members), sum_workers=Sum(workers))
    }
    return [
        Density(name, sums.get(name, {}).get("sum_members") or 0, sums.get(name, {}).get("sum_workers") or 0)
        for name in Sector.values
    ]


def _statuses(federation_ids: list[int], month: Month) -> dict[int, str]:
    """Each federation's return status for the month. One query."""
    return dict(
        MonthlyReturn.objects.filter(federation_id__in=federation_ids, month=month.first_day).values_list(
            "federation_id", "status"
        )
    )


def _year_quotas(report: ProgressReport, only: Collection[int] | None) -> dict[int, int]:
    """The member quota of each year of the programme: the scope organisation's, or the sum of
    the federations in `only`. One query."""
    if report.programme is None or report.scope.sector_group:
        return {}
    quotas = Quota.objects.filter(programme=report.programme)
    if only is None:
        return dict(quotas.filter(organisation=report.scope.org).values_list("year", "new_members"))
    sums = quotas.filter(organisation_id__in=only).order_by().values("year").annotate(total=Sum("new_members"))
    return {row["year"]: row["total"] for row in sums}


# --- shaping --------------------------------------------------------------------------------


def _rows_total(org: Organisation, rows: list[Row], *, elapsed: Row) -> Row:
    """The rows summed as one row of `org`: every figure, and each attainment's actual and quota
    (None when no row has one), at the share of time of `elapsed`'s attainments."""
    figures = Figures()
    for row in rows:
        for name in (item.name for item in fields(Figures)):
            if name == "lost_by_reason":
                for reason, count in row.figures.lost_by_reason.items():
                    figures.lost_by_reason[reason] += count
            else:
                setattr(figures, name, getattr(figures, name) + getattr(row.figures, name))

    def attainment(name: str) -> Attainment:
        parts = [getattr(row, name) for row in rows]
        quotas = [part.quota for part in parts if part.quota is not None]
        return Attainment(
            actual=sum(part.actual for part in parts),
            quota=sum(quotas) if quotas else None,
            elapsed=getattr(elapsed, name).elapsed,
        )

    names = ("year_members", "year_unions", "programme_members", "programme_unions")
    return Row(org, figures, *(attainment(name) for name in names))


def _sum_groups(groups) -> Totals:
    total = Totals()
    for part in groups:
        for name in vars(total):
            setattr(total, name, getattr(total, name) + getattr(part, name))
    return total


def _sector_groups(by_month, start: Month, end: Month) -> dict[str, Totals]:
    """Flows of the range and the stock at its end, for each sector group."""
    groups = {}
    for group in SectorGroup.values:
        months = [by_month.get(month, {}).get(group) for month in month_range(start, end)]
        total = _sum_groups(part for part in months if part)
        stock = by_month.get(end, {}).get(group) or Totals()
        total.members_end, total.unions_end = stock.members_end, stock.unions_end
        groups[group] = total
    return groups


def _admitted(by_month, month: Month) -> int:
    return sum(part.admitted for part in by_month.get(month, {}).values())


def _cumulative(
    report: ProgressReport, by_month, programme_start: Month | None, only: Collection[int] | None
) -> list[CumulativePoint]:
    """From the programme's first month to the end of the range."""
    if programme_start is None:
        return []
    quotas = _year_quotas(report, only)
    points, admitted = [], 0
    for month in month_range(programme_start, report.end):
        admitted += _admitted(by_month, month)
        quota = None
        if quotas:
            earlier = sum(quotas.get(year, 0) for year in range(programme_start.year, month.year))
            quota = earlier + quotas.get(month.year, 0) * month.month / 12
        points.append(CumulativePoint(month, admitted, quota))
    return points


def _projection(report: ProgressReport, by_month) -> Projection:
    end = report.end
    actual = report.total.year_members
    pace = actual.actual / end.month
    points, so_far = [], 0
    for month in month_range(Month(end.year, 1), Month(end.year, 12)):
        if month <= end:
            so_far += _admitted(by_month, month)
            points.append((month, so_far, actual.actual if month == end else None))
        else:
            points.append((month, None, actual.actual + pace * (month - end)))
    return Projection(
        year=end.year, months_elapsed=end.month, admitted=actual.actual, quota=actual.quota, cumulative=points
    )


def _ranks(rows: list[Row]) -> dict[int, int]:
    """Rank by the year's member attainment, equal percentages sharing a rank (1, 2, 2, 4);
    federations without a quota get none and come last."""
    ranked = sorted((row for row in rows if row.year_members.percent is not None), key=_year_percent, reverse=True)
    ranks, previous = {}, None
    for position, row in enumerate(ranked, start=1):
        if previous is None or _year_percent(row) != _year_percent(previous):
            rank = position
        ranks[row.org.pk], previous = rank, row
    return ranks


def _year_percent(row: Row) -> float:
    return row.year_members.percent


def _laggards(rows: list[Row], *, months_left: int) -> list[Laggard]:
    """Federations below the year's pace for members or CĐCS, the furthest behind first."""
    laggards = [
        Laggard(row=row, members=Gap(row.year_members, months_left), unions=Gap(row.year_unions, months_left))
        for row in rows
    ]
    laggards = [laggard for laggard in laggards if laggard.members.behind or laggard.unions.behind]
    return sorted(laggards, key=lambda laggard: (-laggard.shortfall, laggard.row.org.name))
