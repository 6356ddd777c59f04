"""Every write to the organisation tree, the CĐCS register and the monthly figures.

Views, the admin, imports and management commands all call these functions, so that each
rule lives once. Errors are ValidationError with Vietnamese messages; nothing is written
when one is raised (every service runs in one transaction)."""

from collections.abc import Mapping
from datetime import date, timedelta

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Case, F, OuterRef, Q, Subquery, Value, When
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from unionportal.lib.formatting import count
from unionportal.lib.months import Month

from .access import require_provincial, require_write
from .audit import audit_log
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


@transaction.atomic
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
    lost = dict(lost or {})
    unknown = set(lost) - set(LossReason.values)
    if unknown:
        raise ValueError(f"unknown loss reasons: {sorted(unknown)}")
    flows = {"admitted": admitted, "transferred_in": transferred_in}
    flows.update({LOSS_FIELDS[LossReason(reason)]: lost.get(reason, 0) for reason in LossReason.values})
    errors = _check_counts({**flows, "members_end": members_end, "members_start": members_start, "workers": workers})
    if errors:
        raise ValidationError(errors)

    # Read the CĐCS afresh and hold it: the caller's copy may predate a dissolution, and two
    # saves of the same CĐCS must not interleave their carry-forward.
    cdcs = GrassrootsUnion.objects.select_for_update().get(pk=cdcs.pk)
    if not cdcs.is_active_in(month):
        raise ValidationError(
            _("%(cdcs)s không hoạt động trong tháng %(month)s (thành lập %(founded)s%(dissolved)s).")
            % {
                "cdcs": cdcs.name,
                "month": month,
                "founded": _day(cdcs.founded_on),
                "dissolved": _(", giải thể %s") % _day(cdcs.dissolved_on) if cdcs.dissolved_on else "",
            }
        )
    federation = federation_of(cdcs, month)
    if federation is None:
        raise ValidationError(
            _("%(cdcs)s chưa trực thuộc công đoàn cấp trên nào trong tháng %(month)s.")
            % {"cdcs": cdcs.name, "month": month}
        )
    require_write(user, federation)
    ensure_month_open(federation, month)

    existing = MonthlyFigure.objects.select_for_update().filter(cdcs=cdcs, month=month.first_day).first()
    previous = cdcs.figures.filter(month__lt=month.first_day).order_by("-month").first()
    if previous is not None:
        start = previous.members_end
        if members_start is not None and members_start != start:
            raise ValidationError(
                {
                    "members_start": [
                        _("Đầu kỳ phải bằng cuối kỳ tháng %(prev)s (%(stock)s).")
                        % {"prev": Month.of(previous.month), "stock": count(start)}
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

    _carry_forward(
        cdcs=cdcs, month=month, delta=computed_end - (existing.members_end if existing else start), user=user
    )

    row = existing or MonthlyFigure(cdcs=cdcs, month=month.first_day)
    before = {field: getattr(row, field) for field in AUDITED_FIGURES} if existing else None
    row.federation = federation
    row.members_start = start
    for field, value in flows.items():
        setattr(row, field, value)
    row.members_end = computed_end
    if workers is not None:
        row.workers = workers
    elif existing is None:
        row.workers = previous.workers if previous else cdcs.workers
    row.updated_by = user
    if before and any(before[field] != getattr(row, field) for field in FLOW_FIELDS):
        row.acknowledged_warnings = []  # they were checked for other figures
    row.save()

    if workers is not None and not cdcs.figures.filter(month__gt=month.first_day).exists():
        GrassrootsUnion.objects.filter(pk=cdcs.pk).update(workers=workers)
    _touch_returns([(federation.pk, month.first_day)], user)
    after = {field: getattr(row, field) for field in AUDITED_FIGURES}
    changes = {f: [before[f] if before else None, after[f]] for f in after if not before or before[f] != after[f]}
    audit_log(user, "figures.record", row, source=source, federation=federation, month=month, changes=changes)
    return row


def _carry_forward(*, cdcs: GrassrootsUnion, month: Month, delta: int, user) -> None:
    """Shift the stock of the months entered after `month` by `delta`, so that each month still
    starts where the one before ended. Refused when it would touch a locked month or go below 0."""
    if delta == 0:
        return
    later = cdcs.figures.filter(month__gt=month.first_day)
    rows = list(later.values_list("federation_id", "month", "members_start", "members_end"))
    if not rows:
        return
    pairs = [(federation_id, first_day) for federation_id, first_day, _start, _end in rows]
    ensure_months_open(pairs)
    if min(min(start, end) for _fed, _month, start, end in rows) + delta < 0:
        raise ValidationError(_("Sửa như vậy làm số đoàn viên của các tháng sau bị âm; hãy sửa các tháng sau trước."))
    later.update(members_start=F("members_start") + delta, members_end=F("members_end") + delta)
    _touch_returns(pairs, user)


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
