"""The organising pipeline as the steering committee reads it: per federation and for the
province, on a day of a year (`as_of`: today in the current year, 31/12 in a past one),

- the funnel: enterprises in each open stage and stalled that day, CĐCS founded through the
  pipeline since 1/1, and the open ones with many workers (PriorityRule.min_workers);
- conversion over the year: of the enterprises open on 1/1 or identified since, how many moved
  during the year into "approached", "committee" or "founded" (or beyond, from a stage before);
- the enterprises stuck longest in an open stage, flagged beyond PriorityRule.stuck_days;
- the forecast of CĐCS the pipeline founds by 31/12 (see Rate), and, with Outlook, whether that
  covers what is left of the year's CĐCS quota.

Everything is read from StageChange, so a past year shows that year as it was. An enterprise
without any StageChange (loaded around the services) counts as one move into its `stage` on
its `stage_since`; one linked to a CĐCS founded before it was identified (an existing CĐCS,
linked on its page or from a list) was never in the pipeline and counts nowhere.

The queries are the same few whatever the number of federations: the enterprises and their
moves (each one query, for the whole province, because the forecast's rates are the
province's), the priority thresholds, and with `year_unions` the quotas and the CĐCS founded
from the members' summary."""

import math
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Sum

from members.figures.summary import summary_ensure
from members.models import SECTORS_OF_GROUP, FederationMonth, Organisation
from targets.models import Programme, Quota
from unionportal.lib.months import Month, month_range

from .models import OPEN_STAGES, Enterprise, PriorityRule, Stage, StageChange

# How far along the pipeline a stage is; "stalled" is off the line.
RANK = {Stage.IDENTIFIED: 0, Stage.APPROACHED: 1, Stage.COMMITTEE: 2, Stage.FOUNDED: 3}
REACHED = (Stage.APPROACHED, Stage.COMMITTEE, Stage.FOUNDED)
# How far back the forecast's rates look: month-ends of the last two years.
LOOKBACK_MONTHS = 24


def as_of_for(year: int, today: date) -> date:
    """The day a year's funnel is read on: today in the current year, its last day in a past one."""
    return min(today, date(year, 12, 31))


def round_half_up(value: float) -> int:
    return math.floor(value + 0.5)


@dataclass
class StageCounts:
    """Enterprises in each stage on the day; `founded`: founded through the pipeline since 1/1."""

    identified: int = 0
    approached: int = 0
    committee: int = 0
    founded: int = 0
    stalled: int = 0
    priority: int = 0  # open, without a union, with at least PriorityRule.min_workers workers

    @property
    def open(self) -> int:
        return self.identified + self.approached + self.committee


@dataclass
class Conversion:
    """Of `base` (open on 1/1 or identified since), how many moved into each stage during the year."""

    base: int = 0
    approached: int = 0
    committee: int = 0
    founded: int = 0
    stalled: int = 0

    def percent(self, stage: str) -> float | None:
        return getattr(self, stage) * 100 / self.base if self.base else None

    @property
    def approached_percent(self) -> float | None:
        return self.percent(Stage.APPROACHED)

    @property
    def committee_percent(self) -> float | None:
        return self.percent(Stage.COMMITTEE)

    @property
    def founded_percent(self) -> float | None:
        return self.percent(Stage.FOUNDED)

    @property
    def stalled_percent(self) -> float | None:
        return self.percent(Stage.STALLED)


@dataclass(frozen=True)
class Rate:
    """The forecast's rate for an open stage, from the province's own past: at the end of each of
    the LOOKBACK_MONTHS months before the day whose next `horizon` days are known, the
    enterprises that were in the stage (`observed`, an enterprise once per month-end), and of
    them those that founded their CĐCS within the next `horizon` days (`founded`). `horizon` is
    the days left until 31/12, so the share answers "of the enterprises in this stage now, how
    many will have a CĐCS by the end of the year", and the forecast is Σ enterprises × share."""

    stage: str
    observed: int
    founded: int

    @property
    def label(self) -> str:
        return Stage(self.stage).label

    @property
    def share(self) -> float | None:
        return self.founded / self.observed if self.observed else None

    @property
    def percent(self) -> float | None:
        return None if self.share is None else self.share * 100


@dataclass(frozen=True)
class Outlook:
    """The forecast against what is left of the year's CĐCS quota: `quota` and `founded` (every
    CĐCS founded since 1/1, with or without the pipeline) are the quota report's."""

    expected: int  # CĐCS the pipeline should still found this year, rounded
    quota: int | None
    founded: int

    @property
    def remaining(self) -> int | None:
        return None if not self.quota else max(0, self.quota - self.founded)

    @property
    def shortfall(self) -> int | None:
        return None if self.remaining is None else max(0, self.remaining - self.expected)

    @property
    def enough(self) -> bool | None:
        return None if self.shortfall is None else self.shortfall == 0


@dataclass
class FunnelRow:
    org: Organisation
    stages: StageCounts = field(default_factory=StageCounts)
    conversion: Conversion = field(default_factory=Conversion)
    expected: float = 0.0  # Σ over open stages of enterprises in it × its rate
    outlook: Outlook | None = None

    @property
    def expected_whole(self) -> int:
        return round_half_up(self.expected)

    @property
    def forecast(self) -> int:
        """CĐCS the pipeline founds in the year: founded so far and expected."""
        return self.stages.founded + self.expected_whole


@dataclass(frozen=True)
class Stuck:
    pk: int
    name: str
    tax_code: str
    federation: Organisation | None
    stage: str
    since: date
    days: int
    overdue: bool  # longer than PriorityRule.stuck_days

    @property
    def stage_label(self) -> str:
        return Stage(self.stage).label


@dataclass
class Funnel:
    year: int
    as_of: date
    min_workers: int
    stuck_days: int
    horizon: int  # days from as_of to 31/12
    rates: list[Rate]
    rows: list[FunnelRow]
    total: FunnelRow
    stuck: list[Stuck]

    @property
    def rows_expected_whole(self) -> int:
        """Σ of the rows' rounded expectations. The total rounds the unrounded sum of every
        enterprise once (and counts the federations a row list may leave out), so the two can
        differ; a page that shows both says why."""
        return sum(row.expected_whole for row in self.rows)

    @property
    def has_data(self) -> bool:
        stages = self.total.stages
        return bool(stages.open or stages.founded or stages.stalled or self.total.conversion.base)


# --- the selector ---------------------------------------------------------------------------------


def organising_funnel(
    *,
    year: int,
    as_of: date,
    scope: Organisation,
    federations: Sequence[Organisation],
    sector_group: str | None = None,
    only: Collection[int] | None = None,
    stuck_limit: int = 10,
) -> Funnel:
    """The funnel of `scope` (the province or one federation) on the day `as_of` of `year`, with a
    row for each of `federations` (those in `only`, when given: a steering-committee member's
    own, who then also sees only their enterprises among the stuck). `sector_group` keeps the
    enterprises of that group. Three queries, whatever the number of federations or enterprises."""
    rule = PriorityRule.current()
    histories = _histories(as_of)
    horizon = (date(year, 12, 31) - as_of).days
    rates = _rates(histories.values(), as_of=as_of, horizon=horizon)
    shares = {rate.stage: rate.share or 0.0 for rate in rates}
    orgs = {org.pk: org for org in federations}
    rows = {org.pk: FunnelRow(org) for org in federations if only is None or org.pk in only}
    total = FunnelRow(scope)
    sectors = SECTORS_OF_GROUP[sector_group] if sector_group else None
    stuck = []
    for pk, history in histories.items():
        if (not scope.is_province and history.federation_id != scope.pk) or (
            sectors is not None and history.sector not in sectors
        ):
            continue
        counted = [total, rows[history.federation_id]] if history.federation_id in rows else [total]
        now = _count(history, counted, year=year, as_of=as_of, min_workers=rule.min_workers, shares=shares)
        if now and now[0] in OPEN_STAGES and (only is None or history.federation_id in only):
            days = (as_of - now[1]).days
            stuck.append(
                Stuck(
                    pk=pk,
                    name=history.name,
                    tax_code=history.tax_code,
                    federation=orgs.get(history.federation_id),
                    stage=now[0],
                    since=now[1],
                    days=days,
                    overdue=days > rule.stuck_days,
                )
            )
    stuck.sort(key=lambda item: (-item.days, item.name, item.pk))
    return Funnel(
        year=year,
        as_of=as_of,
        min_workers=rule.min_workers,
        stuck_days=rule.stuck_days,
        horizon=horizon,
        rates=rates,
        rows=list(rows.values()),
        total=total,
        stuck=stuck[:stuck_limit],
    )


def funnel_outlooks(funnel: Funnel, *, founded: Mapping[int, int], quotas: Mapping[int, int | None]) -> None:
    """Set each row's Outlook from the CĐCS founded since 1/1 and the year's CĐCS quota, by
    organisation id (the scope's own id for the total): year_unions's on the funnel page, the
    progress report's on the dashboard, so that the card and the tiles agree."""
    for row in [*funnel.rows, funnel.total]:
        row.outlook = Outlook(
            expected=row.expected_whole, quota=quotas.get(row.org.pk), founded=founded.get(row.org.pk, 0)
        )


def year_unions(
    *, year: int, as_of: date, scope: Organisation, federation_ids: Iterable[int]
) -> tuple[dict[int, int], dict[int, int | None]]:
    """CĐCS founded from January to the month of `as_of`, and the year's CĐCS quota, per federation
    and for the scope (under its own id), counted as the quota report counts them: from the
    members' summary, for the federation a CĐCS belonged to when founded, and the quotas of the
    newest programme covering the year. Two to three queries (and the summary brought up to date)."""
    through = Month.of(as_of)
    summary_ensure(through)
    ids = set(federation_ids) | ({scope.pk} if not scope.is_province else set())
    rows = FederationMonth.objects.filter(month__gte=date(year, 1, 1), month__lte=through.first_day)
    if not scope.is_province:
        rows = rows.filter(federation_id=scope.pk)
    founded = defaultdict(int)
    for federation_id, count in (
        rows.order_by().values("federation_id").annotate(n=Sum("unions_founded")).values_list("federation_id", "n")
    ):
        founded[federation_id] += count or 0
    if scope.is_province:
        founded[scope.pk] = sum(count for federation_id, count in founded.items() if federation_id != scope.pk)
    programme = Programme.objects.for_year(year)
    quotas: dict[int, int | None] = {}
    if programme is not None:
        quotas = dict(
            Quota.objects.filter(programme=programme, year=year, organisation_id__in=ids | {scope.pk}).values_list(
                "organisation_id", "new_unions"
            )
        )
    return dict(founded), quotas


# --- counting ---------------------------------------------------------------------------------


@dataclass
class _History:
    federation_id: int
    sector: str
    workers: int
    has_union: bool
    name: str
    tax_code: str
    union_founded_on: date | None  # of the CĐCS it is linked to
    moves: list[tuple[date, str, str]] = field(default_factory=list)  # (on, from, to), in order

    @property
    def outside(self) -> bool:
        """Linked to a CĐCS founded before the enterprise was identified (an existing CĐCS linked
        on the page or from a list): it never was in the pipeline, and counts nowhere."""
        return bool(self.union_founded_on and self.moves and self.union_founded_on < self.moves[0][0])

    def stage_on(self, day: date) -> tuple[str, date] | None:
        """The stage on the day and since when; None before the enterprise was identified."""
        stage, since = None, None
        for on, _from, to in self.moves:
            if on > day:
                break
            if to != stage:
                stage, since = to, on
        return (stage, since) if stage else None

    def stages_at(self, days: list[date]) -> list[str | None]:
        """The stage on each of the days (in ascending order), in one walk through the moves:
        what stage_on gives for each, without walking the moves again for every day."""
        stages, stage, moves, index = [], None, self.moves, 0
        for day in days:
            while index < len(moves) and moves[index][0] <= day:
                stage, index = moves[index][2], index + 1
            stages.append(stage)
        return stages

    def first_entry(self, stage: str) -> date | None:
        return next((on for on, _from, to in self.moves if to == stage), None)


def _histories(as_of: date) -> dict[int, _History]:
    """Every enterprise of the province with its moves up to the day. Two queries."""
    histories, recorded = {}, {}
    fields = ("federation_id", "sector", "workers", "has_union", "name", "tax_code", "cdcs__founded_on")
    for pk, *values, stage, since in Enterprise.objects.order_by().values_list("pk", *fields, "stage", "stage_since"):
        histories[pk] = _History(*values)
        recorded[pk] = (since, "", stage)
    has_moves = set()
    changes = StageChange.objects.order_by("enterprise_id", "on", "pk")
    for enterprise_id, on, from_stage, to_stage in changes.values_list("enterprise_id", "on", "from_stage", "to_stage"):
        has_moves.add(enterprise_id)
        if on <= as_of:
            histories[enterprise_id].moves.append((on, from_stage, to_stage))
    for pk, history in histories.items():
        if pk not in has_moves and recorded[pk][0] <= as_of:
            history.moves.append(recorded[pk])
    return {pk: history for pk, history in histories.items() if not history.outside}


def _rates(histories: Iterable[_History], *, as_of: date, horizon: int) -> list[Rate]:
    """Each open stage's Rate over the whole province (a federation's own past is too short)."""
    counts = {stage: [0, 0] for stage in OPEN_STAGES}
    if horizon > 0:
        latest = as_of - timedelta(days=horizon)
        this_month = Month.of(as_of)
        days = [
            month.last_day
            for month in month_range(this_month - LOOKBACK_MONTHS, this_month)
            if month.last_day <= latest
        ]
        within = timedelta(days=horizon)
        for history in histories:
            foundation = history.first_entry(Stage.FOUNDED)
            for day, stage in zip(days, history.stages_at(days), strict=True):
                if stage in counts:
                    counts[stage][0] += 1
                    if foundation is not None and day < foundation <= day + within:
                        counts[stage][1] += 1
    return [Rate(stage=stage, observed=observed, founded=founded) for stage, (observed, founded) in counts.items()]


def _count(
    history: _History, rows: list[FunnelRow], *, year: int, as_of: date, min_workers: int, shares: dict[str, float]
) -> tuple[str, date] | None:
    """Add one enterprise to the rows; returns its stage on the day and since when."""
    now = history.stage_on(as_of)
    year_start = date(year, 1, 1)
    before = history.stage_on(year_start - timedelta(days=1))
    in_year = [(on, from_, to) for on, from_, to in history.moves if on >= year_start]
    founded = any(to == Stage.FOUNDED and from_ for _on, from_, to in in_year)
    open_at_start = before is not None and before[0] in OPEN_STAGES
    new = before is None and bool(in_year) and in_year[0][2] in OPEN_STAGES
    reached: list[str] = []
    if open_at_start or new:
        start_rank = RANK[before[0]] if open_at_start else -1
        top = max((RANK[to] for _on, _from, to in in_year if to in RANK), default=-1)
        reached = [stage for stage in REACHED if start_rank < RANK[stage] <= top]
        if any(to == Stage.STALLED for _on, _from, to in in_year):
            reached.append(Stage.STALLED)
    for row in rows:
        if now is not None and (now[0] in OPEN_STAGES or now[0] == Stage.STALLED):
            setattr(row.stages, now[0], getattr(row.stages, now[0]) + 1)
        if now is not None and now[0] in OPEN_STAGES:
            row.expected += shares.get(now[0], 0.0)
            if not history.has_union and history.workers >= min_workers:
                row.stages.priority += 1
        if founded:
            row.stages.founded += 1
        if open_at_start or new:
            row.conversion.base += 1
            for stage in reached:
                setattr(row.conversion, stage, getattr(row.conversion, stage) + 1)
    return now
