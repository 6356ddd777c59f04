"""Every write to the organisation tree, the CĐCS register and the monthly figures.

Views, the admin, imports and management commands all call these functions, so that each
rule lives once. Errors are ValidationError with Vietnamese messages; nothing is written
when one is raised (every service runs in one transaction)."""

import dataclasses
from collections.abc import Mapping
from datetime import date, timedelta

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connection, transaction
from django.db.models import Case, F, OuterRef, Q, Subquery, Value, When
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from unionportal.lib.formatting import count
from unionportal.lib.months import Month

from .access import require_provincial, require_write
from .audit import audit_entry, audit_log, audit_many
from .models import (
    FLOW_FIELDS,
    LOSS_FIELDS,
    Affiliation,
    AuditEntry,
    GrassrootsUnion,
    LossReason,
    MonthlyFigure,
    MonthlyReturn,
    Organisation,
    federation_at_subquery,
)

Source = AuditEntry.Source
# What the audit trail compares before and after a monthly figure is written.
AUDITED_FIGURES = (*FLOW_FIELDS, "members_start", "members_end", "workers")


def _when(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def _day(day: date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def _who(user) -> str:
    if user is None:
        return _("hệ thống")
    return user.get_full_name() or user.get_username()


def who_and_when(user, moment) -> dict[str, str]:
    """{"who": …, "when": …} for messages such as "X đã lưu … lúc Y"."""
    return {"who": _who(user), "when": _when(moment) if moment else "–"}


def federation_of(cdcs: GrassrootsUnion, month: Month) -> Organisation | None:
    affiliation = (
        cdcs.affiliations.filter(valid_from__lte=month.first_day)
        .select_related("federation")
        .order_by("-valid_from")
        .first()
    )
    return affiliation.federation if affiliation else None


def locked_message(monthly_return: MonthlyReturn) -> str:
    return _(
        "Số liệu tháng %(month)s của %(org)s đã được %(who)s duyệt và khóa lúc %(when)s. "
        "Cần Ban Tổ chức LĐLĐ tỉnh mở khóa (ghi rõ lý do) trước khi sửa."
    ) % {
        "month": Month.of(monthly_return.month),
        "org": monthly_return.federation.name,
        "who": _who(monthly_return.approved_by),
        "when": _when(monthly_return.approved_at),
    }


def ensure_months_open(pairs) -> None:
    """Refuse when any (federation id, month first day) pair is an approved, locked month."""
    pairs = set(pairs)
    if not pairs:
        return
    condition = Q()
    for federation_id, first_day in pairs:
        condition |= Q(federation_id=federation_id, month=first_day)
    locked = (
        MonthlyReturn.objects.filter(condition, status=MonthlyReturn.Status.APPROVED)
        .select_related("federation", "approved_by")
        .order_by("month")
        .first()
    )
    if locked is not None:
        raise ValidationError(locked_message(locked))


def ensure_month_open(federation: Organisation, month: Month) -> None:
    ensure_months_open([(federation.pk, month.first_day)])


def _touch_returns(pairs, user) -> None:
    """A change to a federation's month bumps its version (and creates its draft return). A month
    already submitted goes back to draft: what is approved must be what was submitted."""
    for federation_id, first_day in set(pairs):
        monthly_return, _created = MonthlyReturn.objects.get_or_create(federation_id=federation_id, month=first_day)
        MonthlyReturn.objects.filter(pk=monthly_return.pk).update(
            version=F("version") + 1,
            changed_by=user,
            changed_at=timezone.now(),
            status=Case(
                When(status=MonthlyReturn.Status.SUBMITTED, then=Value(MonthlyReturn.Status.DRAFT)),
                default=F("status"),
            ),
        )


# --- monthly figures ----------------------------------------------------------------------


def _check_counts(values: Mapping[str, int | None]) -> dict[str, list[str]]:
    errors = {}
    for field, value in values.items():
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            errors[field] = [_("Phải là số nguyên.")]
        elif value < 0:
            errors[field] = [_("Không được âm.")]
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
        unknown = set(self.lost) - set(LossReason.values)
        if unknown:
            raise ValueError(f"unknown loss reasons: {sorted(unknown)}")
        flows = {"admitted": self.admitted, "transferred_in": self.transferred_in}
        flows.update({LOSS_FIELDS[LossReason(reason)]: self.lost.get(reason, 0) for reason in LossReason.values})
        return flows


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
def figures_record_many(
    *, month: Month, entries: list[FigureEntry], user, source: str = Source.WEB
) -> list[MonthlyFigure]:
    """Write many CĐCS's figures for one month at once, with the rules of figures_record, in a
    fixed number of queries (plus one per group of later months to carry forward). All or
    nothing: RowErrors lists every refused row; a locked month or missing rights refuse the whole.
    Rows whose figures do not change are not written again (nor audited)."""
    flows = {entry.cdcs.pk: entry.flows() for entry in entries}
    if len(flows) != len(entries):
        raise ValueError("one entry per CĐCS")
    errors: dict[int, ValidationError] = {}
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

    # Read the CĐCS afresh and hold them (in a fixed order, so that two saves cannot deadlock):
    # the caller's copies may predate a dissolution, and two saves of the same CĐCS must not
    # interleave their carry-forward.
    previous = MonthlyFigure.objects.filter(cdcs=OuterRef("pk"), month__lt=month.first_day).order_by("-month")
    unions = {
        cdcs.pk: cdcs
        for cdcs in GrassrootsUnion.objects.select_for_update(of=("self",))
        .filter(pk__in=list(flows))
        .with_federation_at(month)
        .annotate(
            previous_end=Subquery(previous.values("members_end")[:1]),
            previous_month=Subquery(previous.values("month")[:1]),
            previous_workers=Subquery(previous.values("workers")[:1]),
        )
        .order_by("pk")
    }
    federations = Organisation.objects.in_bulk({cdcs.federation_at_id for cdcs in unions.values()} - {None})
    for cdcs in unions.values():
        problem = _life_problem(cdcs, month)
        if problem:
            errors.setdefault(cdcs.pk, problem)
    for federation in federations.values():
        require_write(user, federation)
    ensure_months_open((federation_id, month.first_day) for federation_id in federations)

    existing = {
        row.cdcs_id: row
        for row in MonthlyFigure.objects.select_for_update().filter(cdcs_id__in=list(flows), month=month.first_day)
    }
    later = _later_months(list(flows), month)
    results = {}
    for entry in entries:
        cdcs = unions[entry.cdcs.pk]
        if cdcs.pk in errors:
            continue
        try:
            start, end = _stock(entry, cdcs, month, flows[cdcs.pk], existing.get(cdcs.pk))
            before = existing[cdcs.pk].members_end if cdcs.pk in existing else start
            _check_carry_forward(later.get(cdcs.pk, []), end - before)
        except ValidationError as error:
            errors[cdcs.pk] = error
            continue
        results[cdcs.pk] = (start, end, end - before)
    if errors:
        raise RowErrors(errors)

    ensure_months_open(
        (federation_id, first_day)
        for cdcs_id, (_start, _end, delta) in results.items()
        if delta
        for federation_id, first_day, _s, _e in later.get(cdcs_id, [])
    )
    _carry_forward_many({cdcs_id: delta for cdcs_id, (_s, _e, delta) in results.items()}, later, month, user)
    return _write_rows(
        entries, unions, federations, existing, later, results, flows, month=month, user=user, source=source
    )


def _life_problem(cdcs: GrassrootsUnion, month: Month) -> ValidationError | None:
    if not cdcs.is_active_in(month):
        return ValidationError(
            _("%(cdcs)s không hoạt động trong tháng %(month)s (thành lập %(founded)s%(dissolved)s).")
            % {
                "cdcs": cdcs.name,
                "month": month,
                "founded": _day(cdcs.founded_on),
                "dissolved": _(", giải thể %s") % _day(cdcs.dissolved_on) if cdcs.dissolved_on else "",
            }
        )
    if cdcs.federation_at_id is None:
        return ValidationError(
            _("%(cdcs)s chưa trực thuộc công đoàn cấp trên nào trong tháng %(month)s.")
            % {"cdcs": cdcs.name, "month": month}
        )
    return None


def _stock(entry: FigureEntry, cdcs, month: Month, flows: dict[str, int], existing) -> tuple[int, int]:
    """The month's start and end stock of one entry, or the ValidationError that refuses it."""
    members_start, members_end = entry.members_start, entry.members_end
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

    admitted, transferred_in = flows["admitted"], flows["transferred_in"]
    total_lost = sum(flows[field] for field in LOSS_FIELDS.values())
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
    if cdcs.dissolved_on and Month.of(cdcs.dissolved_on) == month and computed_end != 0:
        raise ValidationError(
            {
                "members_end": [
                    _(
                        "%(cdcs)s giải thể trong tháng %(month)s: cuối kỳ phải bằng 0 "
                        "(ghi số còn lại vào cột “CĐCS giải thể”)."
                    )
                    % {"cdcs": cdcs.name, "month": month}
                ]
            }
        )
    return start, computed_end


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
    if delta and rows and min(min(start, end) for _fed, _month, start, end in rows) + delta < 0:
        raise ValidationError(_("Sửa như vậy làm số đoàn viên của các tháng sau bị âm; hãy sửa các tháng sau trước."))


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
        _touch_returns([(fed, first_day) for cdcs_id in cdcs_ids for fed, first_day, _s, _e in later[cdcs_id]], user)


def _update_rows(rows: list[MonthlyFigure], names: list[str]) -> None:
    """UPDATE many rows, one parameterised statement run for each (executemany). bulk_update
    would build a CASE expression per row and field, seconds of Python for a 1,000-CĐCS month."""
    fields = [MonthlyFigure._meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(
        quote(MonthlyFigure._meta.db_table),
        ", ".join(f"{quote(field.column)} = %s" for field in fields),
        quote(MonthlyFigure._meta.pk.column),
    )
    params = [
        [field.get_db_prep_save(getattr(row, field.attname), connection) for field in fields] + [row.pk] for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _write_rows(entries, unions, federations, existing, later, results, flows, *, month, user, source):
    now = timezone.now()
    created, updated, audits, rows = [], [], [], []
    workers_now = []
    for entry in entries:
        cdcs = unions[entry.cdcs.pk]
        start, end, _delta = results[cdcs.pk]
        federation = federations[cdcs.federation_at_id]
        row = existing.get(cdcs.pk)
        before = {name: getattr(row, name) for name in AUDITED_FIGURES} if row else None
        moved = row is not None and row.federation_id != federation.pk
        if row is None:
            row = MonthlyFigure(cdcs=cdcs, month=month.first_day)
            row.workers = cdcs.previous_workers if cdcs.previous_workers is not None else cdcs.workers
        row.cdcs = cdcs
        row.federation = federation
        row.members_start = start
        for name, value in flows[cdcs.pk].items():
            setattr(row, name, value)
        row.members_end = end
        if entry.workers is not None:
            row.workers = entry.workers
            if not later.get(cdcs.pk) and cdcs.workers != entry.workers:
                cdcs.workers = entry.workers
                workers_now.append(cdcs)
        rows.append(row)
        after = {name: getattr(row, name) for name in AUDITED_FIGURES}
        if before == after and not moved:
            continue  # nothing changes: no write, no audit
        if before and any(before[name] != after[name] for name in FLOW_FIELDS):
            row.acknowledged_warnings = []  # they were checked for other figures
        row.updated_by, row.updated_at = user, now
        (updated if before else created).append(row)
        changes = {name: [before[name] if before else None, after[name]] for name in after}
        changes = {name: pair for name, pair in changes.items() if pair[0] != pair[1]}
        audits.append((row, federation, changes))
    if created:
        MonthlyFigure.objects.bulk_create(created)
    if updated:
        _update_rows(updated, ["federation", "members_start", *FLOW_FIELDS, "members_end", "workers",
                               "acknowledged_warnings", "updated_by", "updated_at"])  # fmt: skip
    if workers_now:
        GrassrootsUnion.objects.bulk_update(workers_now, ["workers"])
    if audits:
        _touch_returns({(federation.pk, month.first_day) for _row, federation, _changes in audits}, user)
        audit_many(
            audit_entry(user, "figures.record", row, source=source, federation=federation, month=month, changes=changes)
            for row, federation, changes in audits
        )
    return rows


# --- the CĐCS register ----------------------------------------------------------------------


def _require_federation(org: Organisation, on: date) -> None:
    if org.is_province:
        raise ValidationError(_("CĐCS phải trực thuộc một công đoàn cấp trên trực tiếp cơ sở, không phải LĐLĐ tỉnh."))
    if (org.active_from and org.active_from > on) or (org.active_to and org.active_to < on):
        raise ValidationError(_("%(org)s không hoạt động vào ngày %(day)s.") % {"org": org.name, "day": _day(on)})


@transaction.atomic
def cdcs_found(
    *,
    code: str,
    name: str,
    employer: str,
    sector: str,
    founded_on: date,
    federation: Organisation,
    workers: int = 0,
    founding_decision: str = "",
    user,
    source: str = Source.WEB,
) -> GrassrootsUnion:
    require_write(user, federation)
    _require_federation(federation, founded_on)
    month = Month.of(founded_on)
    ensure_month_open(federation, month)
    cdcs = GrassrootsUnion(
        code=code.strip(),
        name=name.strip(),
        employer=employer.strip(),
        sector=sector,
        workers=workers,
        founded_on=founded_on,
        founding_decision=founding_decision.strip(),
    )
    cdcs.full_clean()
    cdcs.save()
    Affiliation.objects.create(cdcs=cdcs, federation=federation, valid_from=month.first_day)
    _touch_returns([(federation.pk, month.first_day)], user)
    audit_log(user, "cdcs.found", cdcs, source=source, federation=federation, month=month)
    return cdcs


@transaction.atomic
def cdcs_dissolve(*, cdcs: GrassrootsUnion, on: date, reason: str, user, source: str = Source.WEB) -> GrassrootsUnion:
    """Dissolve a CĐCS. Members it still has are recorded as lost, reason "CĐCS giải thể", in the
    month of dissolution, so that it ends at zero."""
    cdcs = GrassrootsUnion.objects.select_for_update().get(pk=cdcs.pk)
    month = Month.of(on)
    federation = federation_of(cdcs, month)
    if federation is None:
        raise ValidationError(_("%(cdcs)s chưa trực thuộc công đoàn cấp trên nào.") % {"cdcs": cdcs.name})
    require_write(user, federation)
    if cdcs.dissolved_on:
        raise ValidationError(
            _("%(cdcs)s đã giải thể ngày %(day)s.") % {"cdcs": cdcs.name, "day": _day(cdcs.dissolved_on)}
        )
    if not reason.strip():
        raise ValidationError({"dissolution_reason": [_("Cần ghi lý do giải thể.")]})
    later = cdcs.figures.filter(month__gt=month.first_day).order_by("month").first()
    if later is not None:
        raise ValidationError(
            _("%(cdcs)s đã có số liệu tháng %(later)s, sau tháng giải thể %(month)s.")
            % {"cdcs": cdcs.name, "later": Month.of(later.month), "month": month}
        )
    ensure_month_open(federation, month)

    cdcs.dissolved_on, cdcs.dissolution_reason = on, reason.strip()
    cdcs.full_clean()
    cdcs.save(update_fields=["dissolved_on", "dissolution_reason"])
    _record_members_lost_on_dissolution(cdcs, month=month, user=user, source=source)
    audit_log(
        user, "cdcs.dissolve", cdcs, source=source, federation=federation, month=month, reason=cdcs.dissolution_reason
    )
    return cdcs


def _record_members_lost_on_dissolution(cdcs: GrassrootsUnion, *, month: Month, user, source: str) -> None:
    row = cdcs.figures.filter(month=month.first_day).first()
    if row is None:
        previous = cdcs.figures.filter(month__lt=month.first_day).order_by("-month").first()
        if previous is None:
            return  # no figures were ever entered for it: there is nothing to close
        figures_record(
            cdcs=cdcs,
            month=month,
            lost={LossReason.CDCS_DISSOLVED: previous.members_end},
            workers=0,
            user=user,
            source=source,
        )
        return
    lost = {reason: getattr(row, field) for reason, field in LOSS_FIELDS.items()}
    lost[LossReason.CDCS_DISSOLVED] += row.members_end
    figures_record(
        cdcs=cdcs,
        month=month,
        admitted=row.admitted,
        transferred_in=row.transferred_in,
        lost=lost,
        workers=row.workers,
        user=user,
        source=source,
    )


def _sync_figures_with_affiliations(cdcs_ids, *, user) -> None:
    """After affiliations change, point each month's figures at the federation of that month.
    Refused when a month it would move is locked, on either side."""
    stale = (
        MonthlyFigure.objects.filter(cdcs_id__in=cdcs_ids)
        .annotate(federation_then=Subquery(federation_at_subquery(OuterRef("cdcs_id"), OuterRef("month"))))
        .exclude(federation_id=F("federation_then"))
    )
    changes = list(stale.values_list("pk", "federation_id", "federation_then", "month"))
    pairs = [(old, month) for _pk, old, _new, month in changes] + [(new, month) for _pk, _old, new, month in changes]
    ensure_months_open(pairs)
    for federation_id in {new for _pk, _old, new, _month in changes}:
        MonthlyFigure.objects.filter(pk__in=[pk for pk, _old, new, _m in changes if new == federation_id]).update(
            federation_id=federation_id
        )
    _touch_returns(pairs, user)


@transaction.atomic
def cdcs_move(
    *, cdcs: GrassrootsUnion, federation: Organisation, from_month: Month, user, source: str = Source.WEB
) -> Affiliation:
    """Move a CĐCS to another federation from a month on; earlier months stay where they were."""
    require_provincial(user)
    _require_federation(federation, from_month.first_day)
    if not cdcs.is_active_in(from_month):
        raise ValidationError(
            _("%(cdcs)s không hoạt động trong tháng %(month)s.") % {"cdcs": cdcs.name, "month": from_month}
        )
    current = federation_of(cdcs, from_month)
    if current == federation:
        raise ValidationError(
            _("%(cdcs)s đã trực thuộc %(org)s trong tháng %(month)s.")
            % {"cdcs": cdcs.name, "org": federation.name, "month": from_month}
        )
    affiliation, _created = Affiliation.objects.update_or_create(
        cdcs=cdcs, valid_from=from_month.first_day, defaults={"federation": federation}
    )
    _sync_figures_with_affiliations([cdcs.pk], user=user)
    audit_log(
        user,
        "cdcs.move",
        cdcs,
        source=source,
        federation=federation,
        month=from_month,
        from_federation=current.code if current else None,
        to_federation=federation.code,
    )
    return affiliation


@transaction.atomic
def organisation_merge(
    *, source_org: Organisation, into: Organisation, from_month: Month, user, source: str = Source.WEB
) -> Organisation:
    """Merge a federation into another from a month on: its CĐCS move, its history stays its own."""
    require_provincial(user)
    if source_org == into:
        raise ValidationError(_("Không thể hợp nhất một đơn vị vào chính nó."))
    if source_org.merged_into_id:
        raise ValidationError(
            _("%(org)s đã hợp nhất vào %(into)s.") % {"org": source_org.name, "into": source_org.merged_into.name}
        )
    for org in (source_org, into):
        _require_federation(org, from_month.first_day)

    moving = list(
        GrassrootsUnion.objects.active_in(from_month)
        .with_federation_at(from_month)
        .filter(federation_at_id=source_org.pk)
        .values_list("pk", flat=True)
    )
    for cdcs_id in moving:
        Affiliation.objects.update_or_create(
            cdcs_id=cdcs_id, valid_from=from_month.first_day, defaults={"federation": into}
        )
    later = Affiliation.objects.filter(federation=source_org, valid_from__gt=from_month.first_day)
    moving += list(later.values_list("cdcs_id", flat=True))
    later.update(federation=into)
    _sync_figures_with_affiliations(moving, user=user)

    source_org.active_to = from_month.first_day - timedelta(days=1)
    source_org.merged_into = into
    source_org.full_clean()
    source_org.save(update_fields=["active_to", "merged_into"])
    audit_log(
        user,
        "organisation.merge",
        source_org,
        source=source,
        federation=into,
        month=from_month,
        into=into.code,
        cdcs_moved=len(set(moving)),
    )
    return source_org


# --- the CĐCS register: merging one CĐCS into another -------------------------------------


@transaction.atomic
def cdcs_merge(
    *, absorbed: GrassrootsUnion, into: GrassrootsUnion, on: date, user, source: str = Source.WEB
) -> GrassrootsUnion:
    """Merge a CĐCS into another on a day. In that month the members it still has leave it as
    transferred out and arrive in `into` as transferred in, so that province-wide the members do
    not change; then it is dissolved, which the reports count as one CĐCS lost."""
    if absorbed.pk == into.pk:
        raise ValidationError({"into": [_("Không thể hợp nhất một CĐCS vào chính nó.")]})
    absorbed = GrassrootsUnion.objects.select_for_update().get(pk=absorbed.pk)
    into = GrassrootsUnion.objects.select_for_update().get(pk=into.pk)
    month = Month.of(on)
    federations = {}
    for cdcs, field in ((absorbed, NON_FIELD_ERRORS), (into, "into")):
        if cdcs.dissolved_on:
            raise ValidationError(
                {field: [_("%(cdcs)s đã giải thể ngày %(day)s.") % {"cdcs": cdcs.name, "day": _day(cdcs.dissolved_on)}]}
            )
        if cdcs.founded_on > on:
            raise ValidationError(
                {
                    field: [
                        _("%(cdcs)s thành lập ngày %(founded)s, sau ngày hợp nhất %(day)s.")
                        % {"cdcs": cdcs.name, "founded": _day(cdcs.founded_on), "day": _day(on)}
                    ]
                }
            )
        federation = federation_of(cdcs, month)
        if federation is None:
            raise ValidationError(
                {
                    field: [
                        _("%(cdcs)s chưa trực thuộc công đoàn cấp trên nào trong tháng %(month)s.")
                        % {"cdcs": cdcs.name, "month": month}
                    ]
                }
            )
        require_write(user, federation)
        federations[cdcs.pk] = federation
    later = absorbed.figures.filter(month__gt=month.first_day).order_by("month").first()
    if later is not None:
        raise ValidationError(
            _("%(cdcs)s đã có số liệu tháng %(later)s, sau tháng giải thể %(month)s.")
            % {"cdcs": absorbed.name, "later": Month.of(later.month), "month": month}
        )
    pairs = [(federation.pk, month.first_day) for federation in federations.values()]
    ensure_months_open(pairs)

    # Figures first: once dissolved_on is set, figures_record insists the month ends at zero,
    # which is only true after the members have left.
    moved = _transfer_out_remaining(absorbed, month=month, user=user, source=source)
    if moved:
        _transfer_in(into, month=month, members=moved, user=user, source=source)
    absorbed.dissolved_on = on
    absorbed.dissolution_reason = (_("Hợp nhất vào %(into)s") % {"into": into})[:255]
    absorbed.merged_into = into
    absorbed.full_clean()
    absorbed.save(update_fields=["dissolved_on", "dissolution_reason", "merged_into"])
    _touch_returns(pairs, user)
    audit_log(
        user,
        "cdcs.merge",
        absorbed,
        source=source,
        federation=federations[absorbed.pk],
        month=month,
        absorbed=absorbed.code,
        into=into.code,
        members=moved,
    )
    return absorbed


def _losses(row: MonthlyFigure) -> dict[str, int]:
    return {reason: getattr(row, field) for reason, field in LOSS_FIELDS.items()}


def _transfer_out_remaining(cdcs: GrassrootsUnion, *, month: Month, user, source: str) -> int:
    """Record every member the CĐCS still has in `month` as transferred out; return how many."""
    row = cdcs.figures.filter(month=month.first_day).first()
    if row is not None:
        remaining = row.members_end
        if remaining:
            lost = _losses(row)
            lost[LossReason.TRANSFERRED_OUT] += remaining
            figures_record(
                cdcs=cdcs,
                month=month,
                admitted=row.admitted,
                transferred_in=row.transferred_in,
                lost=lost,
                workers=row.workers,
                user=user,
                source=source,
            )
        return remaining
    previous = cdcs.figures.filter(month__lt=month.first_day).order_by("-month").first()
    if previous is None:
        return 0  # no figures were ever entered for it: nobody to move
    figures_record(
        cdcs=cdcs,
        month=month,
        lost={LossReason.TRANSFERRED_OUT: previous.members_end},
        workers=0,
        user=user,
        source=source,
    )
    return previous.members_end


def _transfer_in(cdcs: GrassrootsUnion, *, month: Month, members: int, user, source: str) -> None:
    """Add `members` to the CĐCS's transfers in for `month`, keeping its other figures of the month."""
    row = cdcs.figures.filter(month=month.first_day).first()
    if row is not None:
        figures_record(
            cdcs=cdcs,
            month=month,
            admitted=row.admitted,
            transferred_in=row.transferred_in + members,
            lost=_losses(row),
            user=user,
            source=source,
        )
        return
    opening = {}
    if cdcs.founded_on < month.first_day and not cdcs.figures.filter(month__lt=month.first_day).exists():
        # Its first month in the portal: it starts from the opening balance of a later month
        # entered already, or else from nothing.
        later = cdcs.figures.filter(month__gt=month.first_day).order_by("month").first()
        opening["members_start"] = later.members_start if later else 0
    figures_record(cdcs=cdcs, month=month, transferred_in=members, user=user, source=source, **opening)


# --- the federation-month workflow --------------------------------------------------------


def return_for_update(federation: Organisation, month: Month) -> MonthlyReturn:
    """The federation-month's return, created if need be, locked until the transaction ends."""
    monthly_return, _created = MonthlyReturn.objects.get_or_create(federation=federation, month=month.first_day)
    return (
        MonthlyReturn.objects.select_for_update(of=("self",))
        .select_related("federation", "approved_by")
        .get(pk=monthly_return.pk)
    )


def missing_cdcs(federation: Organisation, month: Month) -> list[GrassrootsUnion]:
    """CĐCS under the federation that month that have no figures for it yet."""
    reported = MonthlyFigure.objects.filter(month=month.first_day).values("cdcs_id")
    return list(
        GrassrootsUnion.objects.active_in(month)
        .with_federation_at(month)
        .filter(federation_at_id=federation.pk)
        .exclude(pk__in=reported)
    )


@transaction.atomic
def return_submit(*, federation: Organisation, month: Month, user, source: str = Source.WEB) -> MonthlyReturn:
    require_write(user, federation)
    monthly_return = return_for_update(federation, month)
    if monthly_return.status != MonthlyReturn.Status.DRAFT:
        raise ValidationError(
            _("Báo cáo tháng %(month)s của %(org)s đang ở trạng thái “%(status)s”, không gửi lại được.")
            % {"month": month, "org": federation.name, "status": monthly_return.get_status_display()}
        )
    missing = missing_cdcs(federation, month)
    if missing:
        names = ", ".join(c.name for c in missing[:5]) + ("…" if len(missing) > 5 else "")
        raise ValidationError(
            _("Còn %(count)s CĐCS chưa có số liệu tháng %(month)s: %(names)s.")
            % {"count": len(missing), "month": month, "names": names}
        )
    monthly_return.status = MonthlyReturn.Status.SUBMITTED
    monthly_return.submitted_by, monthly_return.submitted_at = user, timezone.now()
    monthly_return.save()
    audit_log(user, "return.submit", monthly_return, source=source, federation=federation, month=month)
    return monthly_return


@transaction.atomic
def return_approve(*, federation: Organisation, month: Month, user, source: str = Source.WEB) -> MonthlyReturn:
    """Approve a submitted month; from now on nobody can change its figures until it is unlocked."""
    require_provincial(user)
    monthly_return = return_for_update(federation, month)
    if monthly_return.status != MonthlyReturn.Status.SUBMITTED:
        raise ValidationError(
            _("Chỉ duyệt được báo cáo đã gửi; báo cáo tháng %(month)s của %(org)s đang “%(status)s”.")
            % {"month": month, "org": federation.name, "status": monthly_return.get_status_display()}
        )
    monthly_return.status = MonthlyReturn.Status.APPROVED
    monthly_return.approved_by, monthly_return.approved_at = user, timezone.now()
    monthly_return.save()
    audit_log(user, "return.approve", monthly_return, source=source, federation=federation, month=month)
    return monthly_return


@transaction.atomic
def return_unlock(
    *, federation: Organisation, month: Month, reason: str, user, source: str = Source.WEB
) -> MonthlyReturn:
    """Unlock an approved month, back to draft. The reason is kept and shown to the federation."""
    require_provincial(user)
    if not reason.strip():
        raise ValidationError({"reason": [_("Cần ghi lý do mở khóa.")]})
    monthly_return = return_for_update(federation, month)
    if monthly_return.status != MonthlyReturn.Status.APPROVED:
        raise ValidationError(
            _("Báo cáo tháng %(month)s của %(org)s chưa bị khóa.") % {"month": month, "org": federation.name}
        )
    monthly_return.status = MonthlyReturn.Status.DRAFT
    monthly_return.unlocked_by, monthly_return.unlocked_at = user, timezone.now()
    monthly_return.unlock_reason = reason.strip()
    monthly_return.save()
    audit_log(
        user,
        "return.unlock",
        monthly_return,
        source=source,
        federation=federation,
        month=month,
        reason=monthly_return.unlock_reason,
    )
    return monthly_return
