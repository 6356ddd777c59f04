"""The summary per federation × month × sector group (FederationMonth), which the reports read
instead of the monthly rows: a year of the whole country is 10 million rows, its summary a few
tens of thousands. Beside it, per federation × month × sector, what the month's rows reported
of members and workers (SectorMonth, the dashboard's union density).

It is derived data, recomputed from the rows: `summary_refresh` recomputes one federation's
months from a month on, from the monthly rows, the affiliations and the CĐCS register; a write to
the rows of a few CĐCS (ten rows of a 3,000-CĐCS grid) recomputes what those CĐCS add, before and
after, and adds the difference (summary_rows_change). The write services call it in the same
transaction as every change (through `returns_touch`, which every change to a federation's month
goes through, and directly where a change moves stock without touching a month's rows), so that a
report never sees one without the other. `summary_differences` recomputes everything and
compares, for tests and for `manage.py summary --check`.

What a month holds is what reports.selectors has always counted:
- flows: the sums of the rows whose federation is this one, by the CĐCS's sector group, and of
  them the members a reorganisation plan moved (reorg_in, reorg_out);
- CĐCS founded / dissolved in the month, for the federation they belonged to that month: those a
  reorganisation plan founded or ended apart (unions_reorg_founded, unions_reorg_ended), never in
  unions_founded, unions_dissolved or founded_to_date, which count development only;
- CĐCS that came from or left for another federation in the month, and the members they carried
  (members_moved_in / _out, unions_moved_in / _out);
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
from django.utils.translation import gettext as _

from unionportal.lib.bulk import insert_many, update_many
from unionportal.lib.months import Month, month_range
from unionportal.lib.progress import SILENT, Reporter

from ..models import (
    Affiliation,
    FederationMonth,
    GrassrootsUnion,
    MonthlyFigure,
    Organisation,
    SectorMonth,
    SummaryHorizon,
)
from .summary_columns import (
    COLUMNS,
    GROUP_OF_SECTOR,
    GROUPS,
    MEMBERS,
    ROW_FIELDS,
    RUNNING_AT,
    UNIONS,
    summary_rows_make,
    union_add,
)


def _this_month() -> Month:
    return Month.of(timezone.localdate())


# Inside summary_batch: federation id → the month to refresh it from (None: all of it); and, for
# a change to a few CĐCS's rows (summary_rows_change), federation id → what they add after minus
# before, by (month, sector group), and the federations such a change is summarising right now.
_pending: ContextVar[dict[int, Month | None] | None] = ContextVar("summary_pending", default=None)
_deltas: ContextVar[dict[int, dict] | None] = ContextVar("summary_deltas", default=None)
_covered: ContextVar[frozenset[int]] = ContextVar("summary_covered", default=frozenset())
DELTA_UP_TO = 500  # CĐCS: a change to more of them recomputes the federation (a sheet of thousands)


@contextmanager
def summary_batch(progress: Reporter = SILENT):
    """Within the block, refreshes are collected and done once each at its end, from the earliest
    month asked: a grid save that carries a correction forward and then writes its month would
    otherwise recompute the same federation twice or more. The services run inside it, in their
    transaction; nothing is refreshed when the block raises (the transaction is rolled back).
    `progress` (a job's page) is told of the refreshes, one federation at a time."""
    if _pending.get() is not None:
        yield  # an outer batch refreshes
        return
    token, deltas_token = _pending.set({}), _deltas.set({})
    try:
        yield
        pending, deltas = _pending.get(), _deltas.get()
    finally:
        _pending.reset(token)
        _deltas.reset(deltas_token)
    if pending:
        progress.step(_("Tính lại số liệu tổng hợp của các công đoàn cấp trên"), total=len(pending))
    for federation_id, since in pending.items():
        summary_refresh(federation_ids=[federation_id], since=since)
        progress.advance()
    for federation_id, delta in deltas.items():
        if federation_id not in pending:  # recomputed whole otherwise, which the delta is part of
            _apply_delta(federation_id, delta)


@contextmanager
def summary_rows_change(*, cdcs_ids: list[int], federation_ids: Iterable[int]):
    """Around a write in a batch to the monthly rows of `cdcs_ids` only (not their affiliations,
    founding or dissolution) in `federation_ids` (of the rows before and after): what these CĐCS
    add to each federation is computed before and after, and the difference added to its stored
    months at the batch's end, instead of recomputing every CĐCS it ever had; refreshes asked for
    inside are this change's. A federation to recompute anyway, more than DELTA_UP_TO CĐCS or no
    batch: the refreshes go as they always did."""
    deltas, pending = _deltas.get(), _pending.get()
    if deltas is None or len(cdcs_ids) > DELTA_UP_TO:
        yield
        return
    federation_ids = [federation_id for federation_id in set(federation_ids) if federation_id not in pending]
    before = {federation_id: _contributions(federation_id, cdcs_ids) for federation_id in federation_ids}
    token = _covered.set(_covered.get() | frozenset(federation_ids))
    try:
        yield
    finally:
        _covered.reset(token)
    for federation_id in federation_ids:
        delta = deltas.setdefault(federation_id, {})
        for sign, contributions in ((1, _contributions(federation_id, cdcs_ids)), (-1, before[federation_id])):
            for key, values in contributions.items():
                delta[key] = [total + sign * value for total, value in zip(delta.get(key, _ZEROS), values, strict=True)]


def summary_refresh(*, federation_ids: Iterable[int], since: Month | None = None) -> None:
    """Recompute the federations' summary from `since` (None: from their first month) to the
    later of this month and their last month with anything in it (at the end of the
    summary_batch when one is open)."""
    federation_ids = sorted(set(federation_ids))
    if not federation_ids:
        return
    pending = _pending.get()
    if pending is not None:
        for federation_id in set(federation_ids) - _covered.get():
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
    covered = _covered.get()  # summarised by the change that asks (summary_rows_change)
    for federation_id, first_day in pairs:
        if federation_id in covered:
            continue
        month = Month.of(first_day)
        since[federation_id] = min(month, since.get(federation_id, month))
    for federation_id, month in since.items():
        summary_refresh(federation_ids=[federation_id], since=_reach_back(federation_id, month))


def _reach_back(federation_id: int, month: Month) -> Month:
    """Where a change at `month` starts to matter. Before its first row a CĐCS counts the opening
    balance of that row, so a CĐCS founded earlier whose first row is `month` or later changes the
    months back to its founding."""
    earlier_rows = MonthlyFigure.objects.filter(cdcs=OuterRef("pk")).before(month.first_day)
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


def summary_federations_carried(cdcs_ids: list[int], month: Month, *, first_rows: list[int]) -> set[int]:
    """Whose stock the CĐCS's rows of `month` decide besides their rows' federations: those they
    moved to after it (its end stock carries on there), and for `first_rows` (CĐCS without an
    earlier row) every federation they belonged to (which counts that row's opening balance)."""
    carried = Q(cdcs_id__in=cdcs_ids, valid_from__gt=month.first_day) | Q(cdcs_id__in=first_rows)
    return set(Affiliation.objects.filter(carried).values_list("federation_id", flat=True).distinct())


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


def summary_rebuild(*, on_federation=None) -> int:
    """Recompute every federation's summary from scratch (after data was loaded around the services),
    in one transaction: the reports read the old summary until the new one is whole. Returns how
    many federations; `on_federation(number, count, name)` hears of each before it (a job's progress)."""
    with transaction.atomic():
        FederationMonth.objects.all().delete()
        SectorMonth.objects.all().delete()
        SummaryHorizon.objects.all().delete()
        federations = list(Organisation.objects.federations().order_by("position", "name").values_list("pk", "name"))
        for number, (federation_id, name) in enumerate(federations):
            if on_federation is not None:
                on_federation(number, len(federations), name)
            summary_refresh(federation_ids=[federation_id])
    return len(federations)


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
_ZEROS = (0,) * len(COLUMNS)


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
        union_add(
            sums[GROUP_OF_SECTOR[union["sector"]]],
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
    return _Summary(summary_rows_make(federation_id, sums, since, first, through), sectors, through)


def _read(federation_id: int, since: Month | None, cdcs_ids: list[int] | None = None) -> tuple[dict, list[dict], dict]:
    """Every CĐCS that was ever under the federation (of `cdcs_ids`, if given): their affiliations
    (cdcs id → [(month, federation id)]), the CĐCS themselves (with the end stock carried into
    `since`), and their monthly rows from `since` on (cdcs id → [(month, federation id, start,
    end, workers, *flows)])."""
    ids = Affiliation.objects.filter(federation_id=federation_id).values("cdcs_id")
    if cdcs_ids is not None:
        ids = ids.filter(cdcs_id__in=cdcs_ids)
    affiliations = defaultdict(list)
    for cdcs_id, valid_from, federation in (
        Affiliation.objects.filter(cdcs_id__in=ids)
        .order_by("cdcs_id", "valid_from")
        .values_list("cdcs_id", "valid_from", "federation_id")
    ):
        affiliations[cdcs_id].append((Month.of(valid_from), federation))
    unions = GrassrootsUnion.objects.filter(pk__in=ids)
    if since is not None:
        before = MonthlyFigure.objects.filter(cdcs=OuterRef("pk")).before(since.first_day).order_by("-month")
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


def _contributions(federation_id: int, cdcs_ids: list[int]) -> dict[tuple[Month, str], list[int]]:
    """What the CĐCS `cdcs_ids` add to the federation's months as _summarise sums them, before
    the running totals: (month, sector group) → COLUMNS, where not all zero; and the members and
    workers their rows reported, (month, (sector,)) → [members, workers, 0…]. Three queries."""
    affiliations, unions, rows = _read(federation_id, None, cdcs_ids)
    first, through = _span(unions, rows, affiliations, None)
    if first is None:
        return {}
    sums = {group: [[0] * len(COLUMNS) for _ in range(through - first + 1)] for group in GROUPS}
    for union in unions:
        months = sums[GROUP_OF_SECTOR[union["sector"]]]
        union_add(months, union, affiliations[union["pk"]], rows[union["pk"]], federation_id=federation_id,
                   first=first, through=through)  # fmt: skip
    found = {
        (month, group): values
        for group, months in sums.items()
        for month, values in zip(month_range(first, through), months, strict=True)
        if any(values)
    }
    for union in unions:  # and what their rows reported here, as SectorMonth keeps it: (month, (sector,))
        for month, federation, _start, end, workers, *_flows in rows[union["pk"]]:
            if federation == federation_id and (end or workers):
                reported = found.setdefault((month, (union["sector"],)), list(_ZEROS))
                reported[0] += end
                reported[1] += workers
    return found


def _apply_delta(federation_id: int, delta: dict[tuple[Month, str], list[int]]) -> None:
    """Add a summary_rows_change's difference to the stored months as _summary_rows makes them:
    flows and events as they are, the stock and totals to date running on to the horizon; a month
    left all zero is not kept. Never summarised, or a difference past the horizon: recomputed."""
    changes = {key: values for key, values in delta.items() if any(values)}
    if not changes:
        return
    first = min(month for month, _group in changes)
    with transaction.atomic():
        horizon = _lock([federation_id])[federation_id]
        if horizon == _NEVER or max(month for month, _group in changes) > Month.of(horizon):
            summary_refresh(federation_ids=[federation_id], since=first)
            return
        _apply_sector_delta(federation_id, {key: values for key, values in changes.items() if key[1] not in GROUPS})
        stored = {
            (Month.of(row.month), row.sector_group): row
            for row in FederationMonth.objects.filter(federation_id=federation_id, month__gte=first.first_day)
        }
        kept, created, emptied = [], [], []
        for group in GROUPS:
            members = unions_count = 0
            totals = [0] * len(RUNNING_AT)
            for month in month_range(first, Month.of(horizon)):
                change = list(changes.get((month, group), _ZEROS))
                members, unions_count = members + change[MEMBERS], unions_count + change[UNIONS]
                change[MEMBERS], change[UNIONS] = members, unions_count
                for position, (column, total) in enumerate(RUNNING_AT):
                    totals[position] += change[column]
                    change[total] = totals[position]
                if not any(change):
                    continue
                row = stored.get((month, group))
                if row is None:
                    row = FederationMonth(federation_id=federation_id, month=month.first_day, sector_group=group,
                                          **dict.fromkeys(COLUMNS, 0))  # fmt: skip
                values = [old + new for old, new in zip(_values(row), change, strict=True)]
                for name, value in zip(COLUMNS, values, strict=True):
                    setattr(row, name, value)
                (kept if row.pk else created).append(row) if any(values) else emptied.append(row)
        FederationMonth.objects.filter(pk__in=[row.pk for row in emptied if row.pk]).delete()
        insert_many(created)
        update_many(kept, list(COLUMNS))


def _apply_sector_delta(federation_id: int, changes: dict[tuple[Month, tuple[str]], list[int]]) -> None:
    """Add the members and workers a change's rows reported to the federation's SectorMonth rows."""
    if not changes:
        return
    stored = {
        (Month.of(row.month), row.sector): row
        for row in SectorMonth.objects.filter(
            federation_id=federation_id, month__in=sorted({month.first_day for month, _sector in changes})
        )
    }
    kept, created, emptied = [], [], []
    for (month, (sector,)), (members, workers, *_rest) in changes.items():
        row = stored.get((month, sector)) or SectorMonth(
            federation_id=federation_id, month=month.first_day, sector=sector, members=0, workers=0
        )
        row.members, row.workers = row.members + members, row.workers + workers
        (kept if row.pk else created).append(row) if row.members or row.workers else emptied.append(row)
    SectorMonth.objects.filter(pk__in=[row.pk for row in emptied if row.pk]).delete()
    insert_many(created)
    update_many(kept, ["members", "workers"])


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
