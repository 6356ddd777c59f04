"""The CĐCS register: founding, dissolving, moving and merging CĐCS, and merging federations."""

from datetime import date, timedelta

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from unionportal.lib.months import Month

from ..access import require_provincial, require_write
from ..audit import audit_log
from ..figures.locks import ensure_month_open, ensure_months_open, returns_touch
from ..figures.services import figures_record
from ..figures.summary import summary_batch, summary_refresh, summary_refresh_cdcs
from ..models import (
    LOSS_FIELDS,
    Affiliation,
    GrassrootsUnion,
    LossReason,
    MonthlyFigure,
    Organisation,
    federation_at_subquery,
)
from ..register.moves import members_close
from .common import Source, federation_of, short_day


def _require_federation(org: Organisation, on: date) -> None:
    if org.is_province:
        raise ValidationError(
            _(
                "CĐCS phải trực thuộc một công đoàn cấp trên trực tiếp cơ sở, không phải LĐLĐ tỉnh. CĐCS do LĐLĐ "
                "tỉnh quản lý trực tiếp: hãy chọn “LĐLĐ tỉnh trực tiếp quản lý”."
            )
        )
    if (org.active_from and org.active_from > on) or (org.active_to and org.active_to < on):
        raise ValidationError(_("%(org)s không hoạt động vào ngày %(day)s.") % {"org": org.name, "day": short_day(on)})


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
    month = Month.of(founded_on)
    federation = _upper_union(federation, month, user)
    require_write(user, federation)
    _require_federation(federation, founded_on)
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
    returns_touch([(federation.pk, month.first_day)], user)
    audit_log(user, "cdcs.found", cdcs, source=source, federation=federation, month=month)
    return cdcs


@transaction.atomic
@summary_batch()
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
            _("%(cdcs)s đã giải thể ngày %(day)s.") % {"cdcs": cdcs.name, "day": short_day(cdcs.dissolved_on)}
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
    _close_out(cdcs, month=month, reason=LossReason.CDCS_DISSOLVED, user=user, source=source)
    members_close(cdcs, on=on, user=user, source=source)  # and in its register, person by person
    summary_refresh(federation_ids=[federation.pk], since=month)  # one CĐCS fewer, rows or not
    audit_log(
        user, "cdcs.dissolve", cdcs, source=source, federation=federation, month=month, reason=cdcs.dissolution_reason
    )
    return cdcs


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
    returns_touch(pairs, user)


@transaction.atomic
@summary_batch()
def cdcs_move(
    *, cdcs: GrassrootsUnion, federation: Organisation, from_month: Month, user, source: str = Source.WEB
) -> Affiliation:
    """Move a CĐCS to another federation from a month on; earlier months stay where they were.
    federation=Organisation.Kind.DIRECT puts it under the province directly (its direct block)."""
    require_provincial(user)
    federation = _upper_union(federation, from_month, user)
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
    # Its stock leaves one federation for the other, though no month's rows may have changed.
    summary_refresh_cdcs([cdcs.pk], since=from_month)
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
@summary_batch()
def organisation_merge(
    *, source_org: Organisation, into: Organisation, from_month: Month, user, source: str = Source.WEB
) -> Organisation:
    """Merge a federation into another from a month on: its CĐCS move, its history stays its own."""
    require_provincial(user)
    if source_org.is_direct:
        raise ValidationError(
            _(
                "Khối CĐCS trực thuộc LĐLĐ tỉnh không hợp nhất vào đơn vị khác: hãy chuyển từng CĐCS, hoặc lập đề án "
                "sắp xếp tổ chức."
            )
        )
    into = _upper_union(into, from_month, user)
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
    summary_refresh(federation_ids=[source_org.pk, into.pk], since=from_month)

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
@summary_batch()
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
                {
                    field: [
                        _("%(cdcs)s đã giải thể ngày %(day)s.")
                        % {"cdcs": cdcs.name, "day": short_day(cdcs.dissolved_on)}
                    ]
                }
            )
        if cdcs.founded_on > on:
            raise ValidationError(
                {
                    field: [
                        _("%(cdcs)s thành lập ngày %(founded)s, sau ngày hợp nhất %(day)s.")
                        % {"cdcs": cdcs.name, "founded": short_day(cdcs.founded_on), "day": short_day(on)}
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
    moved = _close_out(absorbed, month=month, reason=LossReason.TRANSFERRED_OUT, user=user, source=source)
    if moved:
        _transfer_in(into, month=month, members=moved, user=user, source=source)
    members_close(absorbed, on=on, user=user, source=source, into=into)
    absorbed.dissolved_on = on
    absorbed.dissolution_reason = (_("Hợp nhất vào %(into)s") % {"into": into})[:255]
    absorbed.merged_into = into
    absorbed.full_clean()
    absorbed.save(update_fields=["dissolved_on", "dissolution_reason", "merged_into"])
    returns_touch(pairs, user)
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


def _close_out(cdcs: GrassrootsUnion, *, month: Month, reason: LossReason, user, source: str) -> int:
    """Record every member the CĐCS still has in `month` as lost for `reason`, so that it ends the
    month at zero: "CĐCS giải thể" when it is dissolved, "chuyển đi" when merged into another.
    Returns how many members that was."""
    row = cdcs.figures.filter(month=month.first_day).first()
    if row is not None:
        remaining = row.members_end
        if remaining:
            lost = _losses(row)
            lost[reason] += remaining
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
    previous = cdcs.figures.before(month.first_day).order_by("-month").first()
    if previous is None:
        return 0  # no figures were ever entered for it: there is nothing to close
    figures_record(cdcs=cdcs, month=month, lost={reason: previous.members_end}, workers=0, user=user, source=source)
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
    if cdcs.founded_on < month.first_day and not cdcs.figures.before(month.first_day).exists():
        # Its first month in the portal: it starts from the opening balance of a later month
        # entered already, or else from nothing.
        later = cdcs.figures.filter(month__gt=month.first_day).order_by("month").first()
        opening["members_start"] = later.members_start if later else 0
    figures_record(cdcs=cdcs, month=month, transferred_in=members, user=user, source=source, **opening)


# --- the province's direct block -----------------------------------------------------------


def direct_block(*, create: bool = False, month: Month | None = None) -> Organisation | None:
    """The province acting as the upper union of the CĐCS it leads directly (kind "direct"): one
    organisation under the province, listed first (position 0), made the first time a CĐCS is put
    directly under it. With create=True it is active from `month` (this month if not given) at
    the latest: active from the first month it has a CĐCS, so that no report shows it empty before."""
    block = Organisation.objects.filter(kind=Organisation.Kind.DIRECT).first()
    if not create:
        return block
    since = (month or Month.of(timezone.localdate())).first_day
    if block is None:
        province = Organisation.objects.get(kind=Organisation.Kind.PROVINCE)
        block, _created = Organisation.objects.get_or_create(
            kind=Organisation.Kind.DIRECT,
            defaults={
                "code": f"{province.code}-TT"[:20],
                "name": _("CĐCS trực thuộc %(province)s") % {"province": province.name},
                "parent": province,
                "position": 0,
                "active_from": since,
            },
        )
    if block.active_from is not None and block.active_from > since:
        block.active_from = since
        block.save(update_fields=["active_from"])
    return block


def _upper_union(federation: Organisation | str, month: Month, user) -> Organisation:
    """The upper union a CĐCS is put under: the federation given, or for Organisation.Kind.DIRECT
    ("LĐLĐ tỉnh trực tiếp quản lý", what the forms offer provincial staff) the province's direct
    block, made on first use and kept active from `month`. Only provincial staff put CĐCS there."""
    if federation == Organisation.Kind.DIRECT or (isinstance(federation, Organisation) and federation.is_direct):
        require_provincial(user)
        return direct_block(create=True, month=month)
    return federation
