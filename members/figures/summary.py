"""The summary per federation × month × sector group (FederationMonth), which the reports read
instead of the monthly rows: a year of the whole country is 10 million rows, its summary a few
tens of thousands. Beside it, per federation × month × sector, what the month's rows reported
of members and workers (SectorMonth, the dashboard's union density).

It is derived data, recomputed from the rows, never adjusted by deltas: `summary_refresh`
recomputes one federation's months from a month on, from the monthly rows, the affiliations and
the CĐCS register. The write services call it in the same transaction as every change (through
`_touch_returns`, which every change to a federation's month goes through, and directly where a
change moves stock without touching a month's rows), so that a report never sees one without the
other. `summary_differences` recomputes everything and compares, for tests and for
`manage.py summary --check`.

What a month holds is what reports.selectors has always counted:
- flows: the sums of the rows whose federation is this one, by the CĐCS's sector group, and of
  them the members a reorganisation plan moved (reorg_in, reorg_out);
- CĐCS founded / dissolved in the month, for the federation they belonged to that month: those a
  reorganisation plan founded or ended apart (unions_reorg_founded, unions_reorg_ended), never in
  unions_founded, unions_dissolved or founded_to_date, which count development only;
- each flow's and event's running total since the federation's first month (RUNNING), so that a
  report reads the months at the ends of its range, not every month in it;
- the stock at the end of the month: CĐCS founded by then, not dissolved by then, belonging to
  the federation that month, each with the end stock of its latest row up to then or, before its
  first row, the opening balance of that row.

The stock of a CĐCS only changes in a month where it has a row, is founded, dissolved or changes
federation, so each CĐCS costs a few steps per row, not one per month."""

from collections import defaultdict
from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Exists, IntegerField, Min, OuterRef, Q, Subquery
from django.utils import timezone

from unionportal.lib.bulk import insert_many
from unionportal.lib.months import Month, month_range

from ..models import (
    FLOW_FIELDS,
    REORG_FIELDS,
    SECTORS_OF_GROUP,
    Affiliation,
    FederationMonth,
    GrassrootsUnion,
    MonthlyFigure,
    Organisation,
    SectorGroup,
    SectorMonth,
    SummaryHorizon,
)

GROUPS = (SectorGroup.STATE.value, SectorGroup.NON_STATE.value)
_GROUP_OF_SECTOR = {sector.value: group.value for group, sectors in SECTORS_OF_GROUP.items() for sector in sectors}
# The columns of a FederationMonth besides its key, in the order _summarise fills them.
ROW_FIELDS = (*FLOW_FIELDS, *REORG_FIELDS)  # what is summed from the monthly rows
EVENT_FIELDS = ("unions_founded", "unions_dissolved", "unions_reorg_founded", "unions_reorg_ended")
# Every flow and event, and the column of its running total since the federation's first month:
# the flows of a range are the total at its end less the total at the end of the month before it.
RUNNING = {
    **{column: f"{column}_to_date" for column in ROW_FIELDS},
    "unions_founded": "founded_to_date",
    **{column: f"{column}_to_date" for column in EVENT_FIELDS[1:]},
}
COLUMNS = (*ROW_FIELDS, *EVENT_FIELDS, "members_end", "unions_end", *RUNNING.values())
_FOUNDED, _DISSOLVED, _REORG_FOUNDED, _REORG_ENDED = (COLUMNS.index(name) for name in EVENT_FIELDS)
_MEMBERS, _UNIONS = COLUMNS.index("members_end"), COLUMNS.index("unions_end")
_RUNNING = tuple((COLUMNS.index(column), COLUMNS.index(total)) for column, total in RUNNING.items())


def _this_month() -> Month:
    return Month.of(timezone.localdate())


# Inside summary_batch: federation id → the month to refresh it from (None: all of it).
_pending: ContextVar[dict[int, Month | None] | None] = ContextVar("summary_pending", default=None)


@contextmanager
def summary_batch():
    """Within the block, refreshes are collected and done once each at its end, from the earliest
    month asked: a grid save that carries a correction forward and then writes its month would
    otherwise recompute the same federation twice or more. The services run inside it, in their
    transaction; nothing is refreshed when the block raises (the transaction is rolled back)."""
    if _pending.get() is not None:
        yield  # an outer batch refreshes
        return
    token = _pending.set({})
    try:
        yield
        pending = _pending.get()
    finally:
        _pending.reset(token)
    for federation_id, since in pending.items():
        summary_refresh(federation_ids=[federation_id], since=since)


def summary_refresh(*, federation_ids: Iterable[int], since: Month | None = None) -> None:
    """Recompute the federations' summary from `since` (None: from their first month) to the
    later of this month and their last month with anything in it (at the end of the
    summary_batch when one is open)."""
    federation_ids = sorted(set(federation_ids))
    if not federation_ids:
        return
    pending = _pending.get()
    if pending is not None:
        for federation_id in federation_ids:
            earlier = pending.get(federation_id, since)
            pending[federation_id] = None if since is None or earlier is None else min(since, earlier)
        return
    with transaction.atomic():
        horizons = _lock(federation_ids)
        for federation_id in federation_ids:
            # A federation never summarised (rows loaded around the services, or from before the
            # summary existed) is summarised whole, whatever month changed.
            start = since if horizons[federation_id] > _NEVER else None
            summary = _summarise(federation_id, start)
            for model in (FederationMonth, SectorMonth):
                stale = model.objects.filter(federation_id=federation_id)
                if start is not None:
                    stale = stale.filter(month__gte=start.first_day)
                stale.delete()
            insert_many(summary.rows)
            insert_many(summary.sectors)
            through = summary.through
            SummaryHorizon.objects.filter(federation_id=federation_id).update(through=through.first_day)


def summary_refresh_months(pairs: Iterable[tuple[int, object]]) -> None:
    """After changes to (federation id, month first day) pairs: each federation from its earliest."""
    since = {}
    for federation_id, first_day in pairs:
        month = Month.of(first_day)
        since[federation_id] = min(month, since.get(federation_id, month))
    for federation_id, month in since.items():
        summary_refresh(federation_ids=[federation_id], since=_reach_back(federation_id, month))


def _reach_back(federation_id: int, month: Month) -> Month:
    """Where a change at `month` starts to matter. Before its first row a CĐCS counts the opening
    balance of that row, so a CĐCS founded earlier whose first row is `month` or later changes the
    months back to its founding."""
    earlier_rows = MonthlyFigure.objects.filter(cdcs=OuterRef("pk"), month__lt=month.first_day)
    founded = (
        GrassrootsUnion.objects.filter(affiliations__federation_id=federation_id, founded_on__lt=month.first_day)
        .exclude(Exists(earlier_rows))
        .aggregate(first=Min("founded_on"))["first"]
    )
    return min(month, Month.of(founded)) if founded else month


def summary_refresh_cdcs(cdcs_ids: Iterable[int], *, since: Month | None = None) -> None:
    """After a change to CĐCS themselves (their register entry, their federation): every federation
    they ever belonged to or reported under."""
    cdcs_ids = list(cdcs_ids)
    federations = set(Affiliation.objects.filter(cdcs_id__in=cdcs_ids).values_list("federation_id", flat=True))
    federations |= set(
        MonthlyFigure.objects.filter(cdcs_id__in=cdcs_ids).values_list("federation_id", flat=True).distinct()
    )
    summary_refresh(federation_ids=federations, since=since)


def summary_ensure(through: Month) -> None:
    """Make every federation's summary reach `through`. Months pass without anyone writing, and a
    federation whose summary was never built (new, or data loaded around the services) gets its
    whole history: both happen at most once per month and federation."""
    behind = (
        Organisation.objects.federations()
        .filter(Q(summary_horizon__isnull=True) | Q(summary_horizon__through__lt=through.first_day))
        .values_list("pk", "summary_horizon__through")
    )
    for federation_id, horizon in behind:
        summary_refresh(federation_ids=[federation_id], since=Month.of(horizon) + 1 if horizon else None)


def summary_rebuild() -> None:
    """Recompute every federation's summary from scratch (after data was loaded around the services)."""
    with transaction.atomic():
        FederationMonth.objects.all().delete()
        SectorMonth.objects.all().delete()
        SummaryHorizon.objects.all().delete()
        summary_refresh(federation_ids=Organisation.objects.federations().values_list("pk", flat=True))


def summary_differences() -> list[str]:
    """What the stored summary gets wrong against a recomputation from the rows; empty when right.
    Months after a federation's horizon, and federations never summarised, are not compared:
    summary_ensure builds them on demand."""
    horizons = dict(SummaryHorizon.objects.values_list("federation_id", "through"))
    differences = []
    for federation_id in Organisation.objects.federations().values_list("pk", flat=True):
        if federation_id not in horizons:
            continue  # summarised whole on its first read or write
        summary, through = _summarise(federation_id, None), horizons[federation_id]
        expected = {
            **{(row.month, row.sector_group): _values(row) for row in summary.rows},
            **{(row.month, row.sector): (row.members, row.workers) for row in summary.sectors},
        }
        expected = {key: values for key, values in expected.items() if key[0] <= through}
        stored = {
            **{
                (row.month, row.sector_group): _values(row)
                for row in FederationMonth.objects.filter(federation_id=federation_id)
            },
            **{
                (month, sector): (members, workers)
                for month, sector, members, workers in SectorMonth.objects.filter(
                    federation_id=federation_id
                ).values_list("month", "sector", "members", "workers")
            },
        }
        for key in sorted(set(expected) | set(stored)):
            if expected.get(key) != stored.get(key):
                differences.append(
                    f"federation {federation_id} {Month.of(key[0])} {key[1]}: "
                    f"stored {stored.get(key)}, recomputed {expected.get(key)}"
                )
    return differences


def _values(row: FederationMonth) -> tuple[int, ...]:
    return tuple(getattr(row, name) for name in COLUMNS)


_NEVER = Month(1900, 1).first_day  # the horizon of a federation not summarised yet


def _lock(federation_ids: list[int]) -> dict:
    """One refresh of a federation at a time: two would each delete, then insert the same months.
    Horizon rows are created first (a conflict-free insert), then locked in id order. Returns
    each federation's horizon."""
    existing = set(
        SummaryHorizon.objects.filter(federation_id__in=federation_ids).values_list("federation_id", flat=True)
    )
    missing = [SummaryHorizon(federation_id=pk, through=_NEVER) for pk in federation_ids if pk not in existing]
    if missing:
        SummaryHorizon.objects.bulk_create(missing, ignore_conflicts=True)
    horizons = SummaryHorizon.objects.filter(federation_id__in=federation_ids).order_by("pk")
    if connection.features.has_select_for_update:
        horizons = horizons.select_for_update()
    return dict(horizons.values_list("federation_id", "through"))


@dataclass
class _Summary:
    rows: list[FederationMonth]
    sectors: list[SectorMonth]
    through: Month


def _summarise(federation_id: int, since: Month | None) -> _Summary:
    """The federation's FederationMonth and SectorMonth rows from `since` on, and the month they
    run to. Five queries."""
    affiliations, unions, rows = _read(federation_id, since)
    first, through = _span(unions, rows, affiliations, since)
    if first is None:
        return _Summary([], [], through)
    size = through - first + 1
    sums = {group: [[0] * len(COLUMNS) for _ in range(size)] for group in GROUPS}
    reported = defaultdict(lambda: [0, 0])  # (month, sector) → members, workers of its rows
    for union in unions:
        _add_union(
            sums[_GROUP_OF_SECTOR[union["sector"]]],
            union,
            affiliations[union["pk"]],
            rows[union["pk"]],
            federation_id=federation_id,
            first=first,
            through=through,
        )
        for month, federation, _start, end, workers, *_flows in rows[union["pk"]]:
            if federation == federation_id:
                counts = reported[(month, union["sector"])]
                counts[0] += end
                counts[1] += workers
    sectors = [
        SectorMonth(federation_id=federation_id, month=month.first_day, sector=sector, members=members, workers=workers)
        for (month, sector), (members, workers) in reported.items()
        if members or workers
    ]
    return _Summary(_summary_rows(federation_id, sums, since, first, through), sectors, through)


def _read(federation_id: int, since: Month | None) -> tuple[dict, list[dict], dict]:
    """Every CĐCS that was ever under the federation: their affiliations (cdcs id → [(month,
    federation id)]), the CĐCS themselves (with the end stock carried into `since`), and their
    monthly rows from `since` on (cdcs id → [(month, federation id, start, end, workers, *flows)])."""
    ids = Affiliation.objects.filter(federation_id=federation_id).values("cdcs_id")
    affiliations = defaultdict(list)
    for cdcs_id, valid_from, federation in (
        Affiliation.objects.filter(cdcs_id__in=ids)
        .order_by("cdcs_id", "valid_from")
        .values_list("cdcs_id", "valid_from", "federation_id")
    ):
        affiliations[cdcs_id].append((Month.of(valid_from), federation))
    unions = GrassrootsUnion.objects.filter(pk__in=ids)
    if since is not None:
        before = MonthlyFigure.objects.filter(cdcs=OuterRef("pk"), month__lt=since.first_day).order_by("-month")
        unions = unions.annotate(carried=Subquery(before.values("members_end")[:1], output_field=IntegerField()))
    unions = list(
        unions.values(
            "pk",
            "sector",
            "founded_on",
            "dissolved_on",
            "founded_by_reorganisation",
            "ended_by_reorganisation",
            *(["carried"] if since else []),
        )
    )
    rows = defaultdict(list)
    figures = MonthlyFigure.objects.filter(cdcs_id__in=ids)
    if since is not None:
        figures = figures.filter(month__gte=since.first_day)
    for row in figures.order_by("cdcs_id", "month").values_list(
        "cdcs_id", "month", "federation_id", "members_start", "members_end", "workers", *ROW_FIELDS
    ):
        rows[row[0]].append((Month.of(row[1]), *row[2:]))
    return affiliations, unions, rows


def _span(unions: list[dict], rows: dict, affiliations: dict, since: Month | None) -> tuple[Month | None, Month]:
    """The months to summarise: from `since` (or the first thing that happened; None when nothing
    ever did) through this month or the last thing that happened, whichever is later."""
    first = since
    through = _this_month()
    for union in unions:
        founded = Month.of(union["founded_on"])
        first = min(first or founded, founded)
        through = max(through, founded, Month.of(union["dissolved_on"]) if union["dissolved_on"] else founded)
    for months in rows.values():
        first = min(first or months[0][0], months[0][0])
        through = max(through, months[-1][0])
    for months in affiliations.values():
        through = max(through, months[-1][0])
    if first is not None and since is not None:
        first = since
    return first, through


def _summary_rows(federation_id: int, sums: dict, since: Month | None, first: Month, through: Month):
    """The FederationMonth rows of the sums, the stock changes and running totals made into stocks
    and totals to date; the months where nothing is left out (no row means all zero)."""
    # Running totals go on from the month before `since`, which this refresh leaves as it is.
    before = {}
    if since is not None:
        before = {
            group: totals
            for group, *totals in FederationMonth.objects.filter(
                federation_id=federation_id, month=(since - 1).first_day
            ).values_list("sector_group", *RUNNING.values())
        }
    result = []
    for group, months in sums.items():
        members = unions_count = 0
        totals = list(before.get(group, [0] * len(_RUNNING)))
        for month, values in zip(month_range(first, through), months, strict=True):
            # The stock columns hold changes so far; the running sum makes them stocks.
            members += values[_MEMBERS]
            unions_count += values[_UNIONS]
            values[_MEMBERS], values[_UNIONS] = members, unions_count
            for position, (column, total) in enumerate(_RUNNING):
                totals[position] += values[column]
                values[total] = totals[position]
            if any(values):
                result.append(
                    FederationMonth(
                        federation_id=federation_id,
                        month=month.first_day,
                        sector_group=group,
                        **dict(zip(COLUMNS, values, strict=True)),
                    )
                )
    return result


def _add_union(months, union, affiliations, rows, *, federation_id, first, through) -> None:
    """Add one CĐCS's flows, events and stock changes into `months` (one list of COLUMNS per
    month from `first`)."""

    def federation_at(month: Month):
        current = None
        for valid_from, federation in affiliations:
            if valid_from > month:
                break
            current = federation
        return current

    founded = Month.of(union["founded_on"])
    dissolved = Month.of(union["dissolved_on"]) if union["dissolved_on"] else None
    for month, federation, _start, _end, _workers, *flows in rows:
        if federation == federation_id:
            target = months[month - first]
            for position, value in enumerate(flows):
                target[position] += value
    # A CĐCS a reorganisation plan founded or ended is counted apart from the development figures.
    founded_column = _REORG_FOUNDED if union["founded_by_reorganisation"] else _FOUNDED
    dissolved_column = _REORG_ENDED if union["ended_by_reorganisation"] else _DISSOLVED
    for event, column in ((founded, founded_column), (dissolved, dissolved_column)):
        if event is not None and first <= event <= through and federation_at(event) == federation_id:
            months[event - first][column] += 1

    # The stock: its value at `first` and wherever it may change after.
    changes = {first, founded, *(month for month, *_rest in rows), *(month for month, _f in affiliations)}
    if dissolved is not None:
        changes.add(dissolved)
    carried = union.get("carried")
    opening = rows[0][2] if rows else 0  # members_start of the first row, for months before it
    position, members, counted = 0, 0, 0
    for month in sorted(month for month in changes if first <= month <= through):
        while position < len(rows) and rows[position][0] <= month:
            carried = rows[position][3]
            position += 1
        alive = founded <= month and (dissolved is None or dissolved > month)
        if alive and federation_at(month) == federation_id:
            now_members, now_counted = (carried if carried is not None else opening), 1
        else:
            now_members, now_counted = 0, 0
        target = months[month - first]
        target[_MEMBERS] += now_members - members
        target[_UNIONS] += now_counted - counted
        members, counted = now_members, now_counted
