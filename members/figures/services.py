"""Writing monthly figures: one CĐCS (figures_record) or a federation-month at once
(figures_record_many), with the stock carried forward into later months."""

import dataclasses
from collections.abc import Mapping
from operator import attrgetter

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from unionportal.lib.bulk import insert_many, update_many
from unionportal.lib.formatting import count
from unionportal.lib.months import Month

from ..access import require_write
from ..audit import audit_same
from ..models import (
    FLOW_FIELDS,
    LOSS_FIELDS,
    STOCK_MAX,
    GrassrootsUnion,
    LossReason,
    MonthlyFigure,
    Organisation,
    ceiling_of,
    too_large_message,
)
from ..services.common import Source, short_day
from .locks import ensure_months_open, returns_touch
from .summary import summary_batch, summary_federations_carried, summary_refresh_months, summary_rows_change

# What the audit trail compares before and after a monthly figure is written (the flows first).
AUDITED_FIGURES = (*FLOW_FIELDS, "members_start", "members_end", "workers")
_audited = attrgetter(*AUDITED_FIGURES)  # a row's, as a tuple: 20,000 rows of a sheet are compared


def _check_counts(values: Mapping[str, int | None]) -> dict[str, list[str]]:
    errors = {}
    for field, value in values.items():
        if value is None or (type(value) is int and 0 <= value <= ceiling_of(field)):
            continue  # as nearly every count is: said first, for the 20,000 rows of a sheet
        if isinstance(value, bool) or not isinstance(value, int):
            errors[field] = [_("Phải là số nguyên.")]
        elif value < 0:
            errors[field] = [_("Không được âm.")]
        elif value > ceiling_of(field):
            errors[field] = [too_large_message(ceiling_of(field))]
    return errors


@dataclasses.dataclass
class FigureEntry:
    """One CĐCS's figures for one month, as given to figures_record_many."""

    cdcs: GrassrootsUnion
    admitted: int = 0
    transferred_in: int = 0
    lost: Mapping[str, int] = dataclasses.field(default_factory=dict)
    members_end: int | None = None
    members_start: int | None = None
    workers: int | None = None

    def flows(self) -> dict[str, int]:
        unknown = self.lost.keys() - _LOSS_FIELD_OF.keys()
        if unknown:
            raise ValueError(f"unknown loss reasons: {sorted(unknown)}")
        flows = {"admitted": self.admitted, "transferred_in": self.transferred_in}
        flows.update({field: self.lost.get(reason, 0) for reason, field in _LOSS_FIELD_OF.items()})
        return flows


_LOSS_FIELD_OF = {reason.value: field for reason, field in LOSS_FIELDS.items()}  # plain strings: fast lookups
_DISSOLVED_FIELD = LOSS_FIELDS[LossReason.CDCS_DISSOLVED]
_TRANSFERRED_OUT_FIELD = LOSS_FIELDS[LossReason.TRANSFERRED_OUT]


class RowErrors(ValidationError):
    """figures_record_many refused some rows; `by_cdcs` maps a CĐCS id to its ValidationError."""

    def __init__(self, by_cdcs: dict[int, ValidationError]):
        self.by_cdcs = by_cdcs
        super().__init__([message for error in by_cdcs.values() for message in error.messages])


def figures_record(
    *,
    cdcs: GrassrootsUnion,
    month: Month,
    admitted: int = 0,
    transferred_in: int = 0,
    lost: Mapping[str, int] | None = None,
    members_end: int | None = None,
    members_start: int | None = None,
    workers: int | None = None,
    user,
    source: str = Source.WEB,
) -> MonthlyFigure:
    """Write one CĐCS's figures for one month (creating or replacing the row).

    members_start is the previous month's end and is taken from it; it is given only for a
    CĐCS's first month in the portal (the opening balance). members_end, when given, must
    equal start + admitted + transferred in − lost. A change of end stock is carried forward
    into the months already entered after this one."""
    entry = FigureEntry(
        cdcs=cdcs,
        admitted=admitted,
        transferred_in=transferred_in,
        lost=dict(lost or {}),
        members_end=members_end,
        members_start=members_start,
        workers=workers,
    )
    try:
        return figures_record_many(month=month, entries=[entry], user=user, source=source)[0]
    except RowErrors as errors:
        raise errors.by_cdcs[cdcs.pk] from None


@transaction.atomic
@summary_batch()
def figures_record_many(
    *,
    month: Month,
    entries: list[FigureEntry],
    user,
    source: str = Source.WEB,
    federation: Organisation | None = None,
    dry_run: bool = False,
) -> list[MonthlyFigure]:
    """Write many CĐCS's figures for one month at once, with the rules of figures_record, in a
    fixed number of queries (plus one per group of later months to carry forward). All or
    nothing: RowErrors lists every refused row; a locked month or missing rights refuse the whole.
    Rows whose figures do not change are not written again (nor audited). With `federation`
    (a grid or a sheet of one federation-month), a CĐCS not under it that month is refused.

    With `dry_run` (a sheet's preview), every check is made as for a write and the rows are
    returned as they would be written, unsaved: nothing is written, later months included."""
    flows = {entry.cdcs.pk: entry.flows() for entry in entries}
    if len(flows) != len(entries):
        raise ValueError("one entry per CĐCS")
    errors = _count_problems(entries, flows)
    # A dry run writes nothing and is rolled back: holding thousands of rows would only cost time.
    unions = _held_unions(list(flows), month, hold=not dry_run)
    federations = Organisation.objects.in_bulk({cdcs.federation_at_id for cdcs in unions.values()} - {None})
    for cdcs in unions.values():
        problem = _cdcs_problem(cdcs, month, flows[cdcs.pk], federation)
        if problem:
            errors.setdefault(cdcs.pk, problem)
    for federation in federations.values():
        require_write(user, federation)
    ensure_months_open((federation_id, month.first_day) for federation_id in federations)

    existing_rows = MonthlyFigure.objects.filter(cdcs_id__in=list(flows), month=month.first_day)
    existing = {row.cdcs_id: row for row in (existing_rows if dry_run else existing_rows.select_for_update())}
    later = _later_months(list(flows), month)
    results = {}
    for entry in entries:
        pk = entry.cdcs.pk  # read once: a sheet's 20,000 entries
        if pk in errors:
            continue
        try:
            _check_reorganisation(unions[pk], flows[pk], existing.get(pk))
            results[pk] = _stock_change(entry, unions[pk], month, flows[pk], existing.get(pk), later)
        except ValidationError as error:
            errors[pk] = error
    if errors:
        raise RowErrors(errors)

    ensure_months_open(
        (federation_id, first_day)
        for cdcs_id, (_start, _end, delta) in results.items()
        if delta
        for federation_id, first_day, _s, _e in later.get(cdcs_id, [])
    )
    if dry_run:
        return _write_rows(entries, unions, federations, existing, later, results, flows, month=month, user=user,
                           source=source, write=False)  # fmt: skip
    # Only these CĐCS's rows change, in the federations of their rows before and after.
    touched = {*federations, *(row.federation_id for row in existing.values())}
    touched |= {federation_id for rows in later.values() for federation_id, *_rest in rows}
    first_rows = [pk for pk in results if unions[pk].previous_month is None]
    elsewhere = summary_federations_carried(list(results), month, first_rows=first_rows) - touched
    with summary_rows_change(cdcs_ids=list(results), federation_ids=touched | elsewhere):
        summary_refresh_months((federation_id, month.first_day) for federation_id in elsewhere)
        _carry_forward_many({cdcs_id: delta for cdcs_id, (_s, _e, delta) in results.items()}, later, month, user)
        return _write_rows(entries, unions, federations, existing, later, results, flows, month=month, user=user,
                           source=source)  # fmt: skip


def _count_problems(entries: list[FigureEntry], flows: dict[int, dict[str, int]]) -> dict[int, ValidationError]:
    """cdcs id → the refusal of its counts that no CĐCS could have (negative, beyond a ceiling)."""
    errors = {}
    for entry in entries:
        problems = _check_counts(
            {
                **flows[entry.cdcs.pk],
                "members_end": entry.members_end,
                "members_start": entry.members_start,
                "workers": entry.workers,
            }
        )
        if problems:
            errors[entry.cdcs.pk] = ValidationError(problems)
    return errors


def _held_unions(cdcs_ids: list[int], month: Month, *, hold: bool = True) -> dict[int, GrassrootsUnion]:
    """Read the CĐCS afresh and hold them (in a fixed order, so that two saves cannot deadlock):
    the caller's copies may predate a dissolution, and two saves of the same CĐCS must not
    interleave their carry-forward. Each knows its federation and its previous month's figures."""
    previous = MonthlyFigure.objects.filter(cdcs=OuterRef("pk")).before(month.first_day).order_by("-month")
    unions = GrassrootsUnion.objects.select_for_update(of=("self",)) if hold else GrassrootsUnion.objects
    return {
        cdcs.pk: cdcs
        for cdcs in unions.filter(pk__in=cdcs_ids)
        .with_federation_at(month)
        .annotate(
            previous_end=Subquery(previous.values("members_end")[:1]),
            previous_month=Subquery(previous.values("month")[:1]),
            previous_workers=Subquery(previous.values("workers")[:1]),
        )
        .order_by("pk")
    }


def _cdcs_problem(
    cdcs: GrassrootsUnion, month: Month, flows: dict[str, int], federation: Organisation | None
) -> ValidationError | None:
    """Why the CĐCS cannot have these figures this month at all, if it cannot."""
    problem = _life_problem(cdcs, month) or _dissolution_problem(cdcs, month, flows)
    if problem is None and federation is not None and cdcs.federation_at_id != federation.pk:
        problem = ValidationError(
            _("%(cdcs)s không trực thuộc %(org)s trong tháng %(month)s.")
            % {"cdcs": cdcs.name, "org": federation.name, "month": month}
        )
    return problem


def _stock_change(
    entry: FigureEntry, cdcs, month: Month, flows: dict[str, int], existing, later
) -> tuple[int, int, int]:
    """(start, end, change of the end stock) of one entry, its carry-forward into the months
    already entered after it checked; or the ValidationError that refuses it."""
    start, end = _stock(entry, cdcs, month, flows, existing)
    before = existing.members_end if existing is not None else start
    _check_carry_forward(later.get(cdcs.pk, []), end - before)
    return start, end, end - before


def _check_reorganisation(cdcs, flows: dict[str, int], existing) -> None:
    """The members a reorganisation plan moved in or out this month (reorg_in, reorg_out, never
    typed: a save keeps them) are part of the transfers: a transfer typed below them is refused."""
    if existing is None:
        return
    errors = {}
    for field, reorg in (("transferred_in", existing.reorg_in), (_TRANSFERRED_OUT_FIELD, existing.reorg_out)):
        if flows[field] < reorg:
            errors[field] = [
                _(
                    "%(cdcs)s có %(reorg)s đoàn viên chuyển do sắp xếp tổ chức trong tháng này: "
                    "số này không được nhỏ hơn %(reorg)s."
                )
                % {"cdcs": cdcs.name, "reorg": count(reorg)}
            ]
    if errors:
        raise ValidationError(errors)


def _life_problem(cdcs: GrassrootsUnion, month: Month) -> ValidationError | None:
    if not cdcs.is_active_in(month):
        return ValidationError(
            _("%(cdcs)s không hoạt động trong tháng %(month)s (thành lập %(founded)s%(dissolved)s).")
            % {
                "cdcs": cdcs.name,
                "month": month,
                "founded": short_day(cdcs.founded_on),
                "dissolved": _(", giải thể %s") % short_day(cdcs.dissolved_on) if cdcs.dissolved_on else "",
            }
        )
    if cdcs.federation_at_id is None:
        return ValidationError(
            _("%(cdcs)s chưa trực thuộc công đoàn cấp trên nào trong tháng %(month)s.")
            % {"cdcs": cdcs.name, "month": month}
        )
    return None


def _dissolved_in(cdcs: GrassrootsUnion, month: Month) -> bool:
    return bool(cdcs.dissolved_on and Month.of(cdcs.dissolved_on) == month)


def _dissolution_problem(cdcs: GrassrootsUnion, month: Month, flows: dict[str, int]) -> ValidationError | None:
    """Members are lost to "CĐCS giải thể" only in the month the CĐCS is dissolved: anywhere else
    they would leave a CĐCS that the register still counts as active."""
    if flows[_DISSOLVED_FIELD] and not _dissolved_in(cdcs, month):
        return ValidationError(
            {
                _DISSOLVED_FIELD: [
                    _(
                        "%(cdcs)s không giải thể trong tháng %(month)s, nên không có đoàn viên giảm do “CĐCS giải "
                        "thể”. Nếu CĐCS giải thể, hãy ghi việc giải thể (Sổ CĐCS, hoặc trang “CĐCS giải thể” của "
                        "tệp Excel) trong cùng tháng; nếu không, ghi số giảm vào cột đúng lý do."
                    )
                    % {"cdcs": cdcs.name, "month": month}
                ]
            }
        )
    return None


def _stock(entry: FigureEntry, cdcs, month: Month, flows: dict[str, int], existing) -> tuple[int, int]:
    """The month's start and end stock of one entry, or the ValidationError that refuses it."""
    start = _start_stock(entry.members_start, cdcs, month, existing)
    return start, _end_stock(entry.members_end, cdcs, month, flows, start)


def _start_stock(members_start: int | None, cdcs, month: Month, existing) -> int:
    """The previous month's end; 0 in the month the CĐCS was founded; else the opening given (or
    kept from the row already saved), which a CĐCS's first month in the portal needs."""
    if cdcs.previous_end is not None:
        start = cdcs.previous_end
        if members_start is not None and members_start != start:
            raise ValidationError(
                {
                    "members_start": [
                        _("Đầu kỳ phải bằng cuối kỳ tháng %(prev)s (%(stock)s).")
                        % {"prev": Month.of(cdcs.previous_month), "stock": count(start)}
                    ]
                }
            )
    elif cdcs.founded_on >= month.first_day:
        start = 0
        if members_start:
            raise ValidationError({"members_start": [_("CĐCS thành lập trong tháng này: đầu kỳ phải bằng 0.")]})
    elif members_start is not None:
        start = members_start
    elif existing is not None:
        start = existing.members_start
    else:
        raise ValidationError(
            {
                "members_start": [
                    _("Đây là tháng đầu tiên của %(cdcs)s trên hệ thống: cần nhập số đoàn viên đầu kỳ.")
                    % {"cdcs": cdcs.name}
                ]
            }
        )
    return start


def _end_stock(members_end: int | None, cdcs, month: Month, flows: dict[str, int], start: int) -> int:
    """start + admitted + transferred in − lost, checked against the end typed, the ceiling, and
    a dissolution (which leaves nobody)."""
    admitted, transferred_in = flows["admitted"], flows["transferred_in"]
    total_lost = 0
    for field in _LOSS_FIELD_OF.values():
        total_lost += flows[field]
    computed_end = start + admitted + transferred_in - total_lost
    if computed_end < 0:
        raise ValidationError(
            {
                LOSS_FIELDS[LossReason.JOB]: [
                    _("Tổng số giảm (%(lost)s) lớn hơn số đoàn viên có trong tháng (%(available)s).")
                    % {
                        "lost": count(total_lost),
                        "available": count(start + admitted + transferred_in),
                    }
                ]
            }
        )
    if computed_end > STOCK_MAX:
        raise ValidationError({"members_end": [too_large_message(STOCK_MAX)]})
    if members_end is not None and members_end != computed_end:
        raise ValidationError(
            {
                "members_end": [
                    _(
                        "Cuối kỳ %(typed)s không khớp: đầu kỳ %(start)s + kết nạp %(admitted)s + chuyển đến %(in)s "
                        "− giảm %(lost)s = %(computed)s."
                    )
                    % {
                        "typed": count(members_end),
                        "start": count(start),
                        "admitted": count(admitted),
                        "in": count(transferred_in),
                        "lost": count(total_lost),
                        "computed": count(computed_end),
                    }
                ]
            }
        )
    if _dissolved_in(cdcs, month) and computed_end != 0:
        raise ValidationError(
            {
                _DISSOLVED_FIELD: [
                    _(
                        "%(cdcs)s giải thể trong tháng %(month)s: cuối kỳ phải bằng 0 "
                        "(ghi số còn lại vào cột “CĐCS giải thể”)."
                    )
                    % {"cdcs": cdcs.name, "month": month}
                ]
            }
        )
    return computed_end


def _later_months(cdcs_ids, month: Month) -> dict[int, list[tuple]]:
    """The months already entered after `month`: cdcs id → [(federation id, month, start, end)]."""
    later: dict[int, list[tuple]] = {}
    rows = MonthlyFigure.objects.filter(cdcs_id__in=cdcs_ids, month__gt=month.first_day).values_list(
        "cdcs_id", "federation_id", "month", "members_start", "members_end"
    )
    for cdcs_id, *rest in rows:
        later.setdefault(cdcs_id, []).append(tuple(rest))
    return later


def _check_carry_forward(rows, delta: int) -> None:
    if not delta or not rows:
        return
    if min(min(start, end) for _fed, _month, start, end in rows) + delta < 0:
        raise ValidationError(_("Sửa như vậy làm số đoàn viên của các tháng sau bị âm; hãy sửa các tháng sau trước."))
    if max(max(start, end) for _fed, _month, start, end in rows) + delta > STOCK_MAX:
        raise ValidationError({"members_end": [too_large_message(STOCK_MAX)]})


def _carry_forward_many(deltas: dict[int, int], later, month: Month, user) -> None:
    """Shift the stock of the months entered after `month` by each CĐCS's change of end stock,
    so that each month still starts where the one before ended (one update per distinct change)."""
    by_delta: dict[int, list[int]] = {}
    for cdcs_id, delta in deltas.items():
        if delta and later.get(cdcs_id):
            by_delta.setdefault(delta, []).append(cdcs_id)
    for delta, cdcs_ids in by_delta.items():
        MonthlyFigure.objects.filter(cdcs_id__in=cdcs_ids, month__gt=month.first_day).update(
            members_start=F("members_start") + delta, members_end=F("members_end") + delta
        )
        returns_touch([(fed, first_day) for cdcs_id in cdcs_ids for fed, first_day, _s, _e in later[cdcs_id]], user)


def _write_rows(entries, unions, federations, existing, later, results, flows, *, month, user, source, write=True):
    """The month's rows as the entries make them; with `write`, saved and audited."""
    now = timezone.now()
    created, updated, audits, rows = [], [], [], []
    workers_now = []
    for entry in entries:
        pk = entry.cdcs.pk
        cdcs = unions[pk]
        start, end, _delta = results[pk]
        federation = federations[cdcs.federation_at_id]
        row = existing.get(pk)
        before = _audited(row) if row else None
        moved = row is not None and row.federation_id != federation.pk
        if row is None:
            row = MonthlyFigure(cdcs=cdcs, month=month.first_day)
            row.workers = cdcs.previous_workers if cdcs.previous_workers is not None else cdcs.workers
        row.cdcs = cdcs
        row.federation = federation
        row.members_start = start
        for name, value in flows[pk].items():
            setattr(row, name, value)
        row.members_end = end
        if entry.workers is not None:
            row.workers = entry.workers
            if not later.get(pk) and cdcs.workers != entry.workers:
                cdcs.workers = entry.workers
                workers_now.append(cdcs)
        rows.append(row)
        after = _audited(row)
        if before == after and not moved:
            continue  # nothing changes: no write, no audit
        if before and before[: len(FLOW_FIELDS)] != after[: len(FLOW_FIELDS)]:
            row.acknowledged_warnings = []  # they were checked for other figures
        row.updated_by, row.updated_at = user, now
        (updated if before else created).append(row)
        was = before or (None,) * len(after)
        changes = {name: [old, new] for name, old, new in zip(AUDITED_FIGURES, was, after, strict=True) if old != new}
        audits.append((row, federation, changes))
    if not write:
        return rows
    insert_many(created, returning=True)
    if updated:
        update_many(updated, ["federation", "members_start", *FLOW_FIELDS, "members_end", "workers",
                               "acknowledged_warnings", "updated_by", "updated_at"])  # fmt: skip
    update_many(workers_now, ["workers"])
    if audits:
        returns_touch({(federation.pk, month.first_day) for _row, federation, _changes in audits}, user)
        audit_same(
            user,
            "figures.record",
            MonthlyFigure,
            [(row.pk, str(row), federation.pk, {"changes": changes}) for row, federation, changes in audits],
            source=source,
            month=month,
        )
    return rows
