"""Every write of the organising pipeline: the register of enterprises, contacts, stage moves,
founding (or linking) the CĐCS, lent staff and the priority thresholds.

Each function checks who may do it (members.access), runs in one transaction, keeps the model's
invariants (full_clean) and is audited. Errors are ValidationError (Vietnamese messages, nothing
written) or PermissionDenied."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members.access import cdcs_now_under, is_provincial, require_provincial, require_write
from members.audit import audit_entry, audit_log, audit_many
from members.models import GrassrootsUnion, Organisation, Role
from members.services.common import Source, federation_of
from members.services.common import short_day as shown
from members.services.org import cdcs_found
from unionportal.lib.bulk import insert_many, update_many
from unionportal.lib.months import Month

from .models import OPEN_STAGES, Contact, Enterprise, PriorityRule, Stage, StageChange

# The data of an enterprise that its forms and the Excel list change.
ENTERPRISE_FIELDS = ("name", "tax_code", "address", "federation", "sector", "workers")


def normalise_tax_code(text: str) -> str:
    """“46 0012.3456 - 001” → “4600123456-001”: spaces and dots are how people group the digits."""
    return "".join(str(text or "").split()).replace(".", "").replace("–", "-")


def _require_day(on: date, *, not_before: date | None = None, field_name: str = "on") -> None:
    if on > timezone.localdate():
        raise ValidationError({field_name: _("Ngày %(day)s chưa đến.") % {"day": shown(on)}})
    if not_before is not None and on < not_before:
        raise ValidationError(
            {field_name: _("Ngày %(day)s trước lần chuyển giai đoạn gần nhất (%(last)s).")
             % {"day": shown(on), "last": shown(not_before)}}
        )  # fmt: skip


def _require_federation(federation: Organisation) -> None:
    ended = federation.active_to is not None and federation.active_to < timezone.localdate()
    if federation.is_province or federation.merged_into_id or ended:
        raise ValidationError(
            {"federation": _("Doanh nghiệp phải do một công đoàn cấp trên trực tiếp cơ sở đang hoạt động phụ trách.")}
        )


def _require_new_tax_code(tax_code: str, enterprise: Enterprise | None = None) -> None:
    taken = Enterprise.objects.filter(tax_code=tax_code).exclude(pk=enterprise.pk if enterprise else None)
    taken = taken.select_related("federation").first()
    if taken is not None:
        message = _("Mã số thuế %(code)s đã có trong danh sách (doanh nghiệp do %(org)s phụ trách).") % {
            "code": tax_code,
            "org": taken.federation.name,
        }
        raise ValidationError({"tax_code": message})


def _record_stage(enterprise: Enterprise, *, from_stage: str, on: date, reason: str = "", note: str = "", user):
    return StageChange.objects.create(
        enterprise=enterprise,
        from_stage=from_stage,
        to_stage=enterprise.stage,
        on=on,
        reason=reason,
        note=note[:255],
        by=user if user is not None and user.is_authenticated else None,
    )


# --- the register -------------------------------------------------------------------------------


@transaction.atomic
def enterprise_create(
    *,
    name: str,
    tax_code: str,
    federation: Organisation,
    sector: str,
    workers: int = 0,
    address: str = "",
    on: date | None = None,
    user,
    source: str = Source.WEB,
) -> Enterprise:
    """A new enterprise, identified on `on` (today by default): its first StageChange has no from_stage."""
    require_write(user, federation)
    _require_federation(federation)
    on = on or timezone.localdate()
    _require_day(on)
    enterprise = Enterprise(
        name=name.strip(),
        tax_code=normalise_tax_code(tax_code),
        address=address.strip(),
        federation=federation,
        sector=sector,
        workers=workers,
        stage=Stage.IDENTIFIED,
        stage_since=on,
    )
    _require_new_tax_code(enterprise.tax_code)
    enterprise.full_clean()
    enterprise.save()
    _record_stage(enterprise, from_stage="", on=on, user=user)
    audit_log(user, "enterprise.create", enterprise, source=source, federation=federation)
    return enterprise


@transaction.atomic
def enterprise_update(*, enterprise: Enterprise, user, source: str = Source.WEB, **changes) -> Enterprise:
    """Change the enterprise's data (any of ENTERPRISE_FIELDS). Moving it to another federation
    needs the right to write for both."""
    unknown = set(changes) - set(ENTERPRISE_FIELDS)
    if unknown:
        raise TypeError(f"enterprise_update: unknown fields {sorted(unknown)}")
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    require_write(user, enterprise.federation)
    if "federation" in changes and changes["federation"].pk != enterprise.federation_id:
        require_write(user, changes["federation"])
        _require_federation(changes["federation"])
    if "tax_code" in changes:
        changes["tax_code"] = normalise_tax_code(changes["tax_code"])
    for name in ("name", "address"):
        if name in changes:
            changes[name] = changes[name].strip()
    before = {name: _plain(getattr(enterprise, name)) for name in changes}
    for name, value in changes.items():
        setattr(enterprise, name, value)
    changed = {name: [before[name], _plain(value)] for name, value in changes.items() if before[name] != _plain(value)}
    if not changed:
        return enterprise
    if "tax_code" in changed:
        _require_new_tax_code(enterprise.tax_code, enterprise)
    enterprise.full_clean()
    enterprise.save()
    audit_log(user, "enterprise.update", enterprise, source=source, federation=enterprise.federation, changed=changed)
    return enterprise


def _plain(value):
    return value.code if isinstance(value, Organisation) else value


# --- contacts and stages ------------------------------------------------------------------------


@transaction.atomic
def contact_log(
    *,
    enterprise: Enterprise,
    on: date,
    outcome: str,
    kind: str = Contact.Kind.VISIT,
    people: str = "",
    next_step: str = "",
    next_step_on: date | None = None,
    user,
    source: str = Source.WEB,
) -> Contact:
    """A visit, meeting or call. A next step given becomes the enterprise's next step."""
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    require_write(user, enterprise.federation)
    _require_day(on)
    if not outcome.strip():
        raise ValidationError({"outcome": _("Hãy ghi kết quả lần tiếp xúc.")})
    if next_step_on and not next_step.strip():
        raise ValidationError({"next_step": _("Có hạn thì cần ghi việc tiếp theo.")})
    if next_step_on and next_step_on < on:
        raise ValidationError({"next_step_on": _("Hạn việc tiếp theo không được trước ngày tiếp xúc.")})
    contact = Contact(
        enterprise=enterprise,
        on=on,
        kind=kind,
        people=people.strip(),
        outcome=outcome.strip(),
        next_step=next_step.strip(),
        next_step_on=next_step_on,
        by=user if user is not None and user.is_authenticated else None,
    )
    contact.full_clean()
    contact.save()
    if contact.next_step:
        enterprise.next_step, enterprise.next_step_on = contact.next_step, next_step_on
        enterprise.save(update_fields=["next_step", "next_step_on", "updated_at"])
    audit_log(user, "enterprise.contact", enterprise, source=source, federation=enterprise.federation, on=str(on))
    return contact


def allowed_moves(enterprise: Enterprise) -> list[str]:
    """The stages stage_move accepts from where the enterprise is: forward through the open
    stages, or stalled; from stalled back to an open stage. Founded is reached by founding
    (or linking) its CĐCS, and is never left."""
    if enterprise.stage == Stage.FOUNDED:
        return []
    if enterprise.stage == Stage.STALLED:
        return list(OPEN_STAGES)
    later = list(OPEN_STAGES)[list(OPEN_STAGES).index(enterprise.stage) + 1 :]
    return [*later, Stage.STALLED]


@transaction.atomic
def stage_move(
    *, enterprise: Enterprise, to_stage: str, on: date, reason: str = "", note: str = "", user, source=Source.WEB
) -> Enterprise:
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    require_write(user, enterprise.federation)
    if to_stage == Stage.FOUNDED:
        raise ValidationError({"to_stage": _("Giai đoạn “Đã thành lập CĐCS” ghi bằng mẫu thành lập CĐCS.")})
    if to_stage not in allowed_moves(enterprise):
        target = Stage(to_stage).label if to_stage in Stage.values else to_stage
        message = _("Không chuyển được từ “%(from)s” sang “%(to)s”.") % {
            "from": Stage(enterprise.stage).label,
            "to": target,
        }
        raise ValidationError({"to_stage": message})
    _require_day(on, not_before=enterprise.stage_since)
    if to_stage == Stage.STALLED and not reason:
        raise ValidationError({"reason": _("Tạm dừng phải ghi lý do.")})
    from_stage = enterprise.stage
    enterprise.stage, enterprise.stage_since = to_stage, on
    enterprise.stall_reason = reason if to_stage == Stage.STALLED else ""
    enterprise.full_clean()
    enterprise.save()
    _record_stage(enterprise, from_stage=from_stage, on=on, reason=enterprise.stall_reason, note=note, user=user)
    audit_log(
        user, "enterprise.stage", enterprise, source=source, federation=enterprise.federation,
        from_stage=from_stage, to_stage=to_stage, on=str(on), reason=enterprise.stall_reason,
    )  # fmt: skip
    return enterprise


def _require_can_be_founded(enterprise: Enterprise, on: date) -> None:
    if enterprise.cdcs_id or enterprise.has_union:
        raise ValidationError(_("Doanh nghiệp này đã có CĐCS."))
    if enterprise.stage not in OPEN_STAGES:
        raise ValidationError(
            _("Doanh nghiệp đang ở giai đoạn “%(stage)s”; hãy chuyển về một giai đoạn đang vận động trước.")
            % {"stage": Stage(enterprise.stage).label}
        )
    _require_day(on, not_before=enterprise.stage_since, field_name="founded_on")


def _mark_founded(enterprise: Enterprise, cdcs: GrassrootsUnion, *, on: date, note: str, user) -> None:
    from_stage = enterprise.stage
    enterprise.cdcs, enterprise.has_union = cdcs, True
    enterprise.stage, enterprise.stage_since, enterprise.stall_reason = Stage.FOUNDED, on, ""
    enterprise.next_step, enterprise.next_step_on = "", None
    enterprise.full_clean()
    enterprise.save()
    _record_stage(enterprise, from_stage=from_stage, on=on, note=note, user=user)


@transaction.atomic
def enterprise_found(
    *,
    enterprise: Enterprise,
    code: str,
    name: str,
    founded_on: date,
    founding_decision: str = "",
    user,
    source: str = Source.WEB,
) -> GrassrootsUnion:
    """Found the enterprise's CĐCS in the CĐCS register (members.services.org.cdcs_found, so that it
    counts toward the federation's quota in the month of founding) and link the two."""
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    require_write(user, enterprise.federation)
    _require_can_be_founded(enterprise, founded_on)
    cdcs = cdcs_found(
        code=code,
        name=name,
        employer=enterprise.name,
        sector=enterprise.sector,
        founded_on=founded_on,
        federation=enterprise.federation,
        workers=enterprise.workers,
        founding_decision=founding_decision,
        user=user,
        source=source,
    )
    _mark_founded(enterprise, cdcs, on=founded_on, note=founding_decision, user=user)
    audit_log(
        user, "enterprise.found", enterprise, source=source, federation=enterprise.federation, cdcs=cdcs.code,
        on=str(founded_on),
    )  # fmt: skip
    return cdcs


def link_problem(cdcs: GrassrootsUnion, user) -> str | None:
    """Why `user` may not link an enterprise to this CĐCS: federation staff link the CĐCS now under
    their federation (access.cdcs_now_under), not one that moved away, which is its new
    federation's to link. None when they may."""
    if user is None or cdcs_now_under(user).filter(pk=cdcs.pk).exists():
        return None
    now = federation_of(cdcs, max(Month.of(timezone.localdate()), Month.of(cdcs.founded_on)))
    return _("%(code)s nay trực thuộc %(org)s: chỉ đơn vị đó (hoặc Ban Tổ chức LĐLĐ tỉnh) gắn được doanh nghiệp "
             "với CĐCS này.") % {"code": cdcs.code, "org": now.name if now else "–"}  # fmt: skip


def _require_linkable(cdcs: GrassrootsUnion, enterprise: Enterprise | None = None, *, user=None) -> None:
    if problem := link_problem(cdcs, user):
        raise ValidationError({"cdcs": problem})
    other = Enterprise.objects.filter(cdcs=cdcs).exclude(pk=enterprise.pk if enterprise else None).first()
    if other is not None:
        raise ValidationError(
            {"cdcs": _("%(cdcs)s đã gắn với doanh nghiệp %(other)s.") % {"cdcs": cdcs, "other": other.name}}
        )


@transaction.atomic
def enterprise_link_cdcs(
    *, enterprise: Enterprise, cdcs: GrassrootsUnion, on: date | None = None, user, source: str = Source.WEB
) -> Enterprise:
    """The enterprise already has a CĐCS in the register: link them. Nothing is founded, so
    nothing more is counted toward a quota."""
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    require_write(user, enterprise.federation)
    if enterprise.cdcs_id:
        raise ValidationError(_("Doanh nghiệp này đã gắn với %(cdcs)s.") % {"cdcs": enterprise.cdcs})
    _require_linkable(cdcs, enterprise, user=user)
    on = max(on or timezone.localdate(), enterprise.stage_since)
    _mark_founded(enterprise, cdcs, on=on, note=_("Gắn với CĐCS đã có: %(code)s") % {"code": cdcs.code}, user=user)
    audit_log(user, "enterprise.link", enterprise, source=source, federation=enterprise.federation, cdcs=cdcs.code)
    return enterprise


@transaction.atomic
def lent_staff_set(*, enterprise: Enterprise, staff: Iterable, user, source: str = Source.WEB) -> Enterprise:
    """The provincial staff lent to the enterprise's federation to help found its CĐCS."""
    require_provincial(user)
    staff = list(staff)
    wrong = [person for person in staff if not is_provincial(person)]
    if wrong:
        raise ValidationError(
            {"lent_staff": _("Chỉ cán bộ LĐLĐ tỉnh được cử hỗ trợ: %(names)s không phải cán bộ LĐLĐ tỉnh.")
             % {"names": ", ".join(person.get_full_name() or person.get_username() for person in wrong)}}
        )  # fmt: skip
    enterprise.lent_staff.set(staff)
    audit_log(
        user, "enterprise.lent_staff", enterprise, source=source, federation=enterprise.federation,
        staff=sorted(person.get_username() for person in staff),
    )  # fmt: skip
    return enterprise


def lendable_staff():
    """Users who may be lent: active provincial staff."""
    return (
        get_user_model()
        .objects.filter(is_active=True, profile__role=Role.PROVINCIAL_STAFF)
        .order_by("first_name", "username")
    )


@transaction.atomic
def priority_rule_set(*, min_workers: int, stuck_days: int, user, source: str = Source.WEB) -> PriorityRule:
    require_provincial(user)
    rule = PriorityRule.objects.select_for_update().order_by("pk").first() or PriorityRule()
    before = {"min_workers": rule.min_workers, "stuck_days": rule.stuck_days}
    rule.min_workers, rule.stuck_days = min_workers, stuck_days
    rule.full_clean()
    rule.save()
    audit_log(user, "priority_rule.set", rule, source=source, before=before, min_workers=min_workers,
              stuck_days=stuck_days)  # fmt: skip
    return rule


# --- the Excel list, in bulk ----------------------------------------------------------------------


@dataclass
class ListChanges:
    """What an enterprise list writes: new enterprises (unsaved), updates (pk → changed fields)
    and links to CĐCS of the register (pk or the new enterprise's tax code → CĐCS)."""

    created: list[Enterprise] = field(default_factory=list)
    updated: dict[int, dict] = field(default_factory=dict)
    linked: dict[str, GrassrootsUnion] = field(default_factory=dict)  # tax code → CĐCS


def enterprises_import(*, changes: ListChanges, on: date, user, source: str = Source.UPLOAD) -> None:
    """Write a checked enterprise list in a few queries (the caller holds the transaction and has
    checked every line): creations with their first StageChange, updates, links to CĐCS."""
    by = user if user is not None and user.is_authenticated else None
    for enterprise in changes.created:
        require_write(user, enterprise.federation)
        enterprise.stage, enterprise.stage_since = Stage.IDENTIFIED, on
    created = changes.created
    insert_many(created, returning=True)
    insert_many([StageChange(enterprise=e, from_stage="", to_stage=Stage.IDENTIFIED, on=on, by=by) for e in created])
    entries = [audit_entry(user, "enterprise.create", e, source=source, federation=e.federation) for e in created]
    existing = (
        Enterprise.objects.select_for_update(of=("self",)).select_related("federation").in_bulk(list(changes.updated))
    )
    fields = set()
    for pk, values in changes.updated.items():
        enterprise = existing[pk]
        require_write(user, enterprise.federation)
        changed = {}
        for name, value in values.items():
            changed[name] = [_plain(getattr(enterprise, name)), _plain(value)]
            setattr(enterprise, name, value)
            fields.add(name)
        enterprise.updated_at = timezone.now()  # update_many does not touch auto_now fields
        if "federation" in values:
            require_write(user, enterprise.federation)
        entries.append(
            audit_entry(user, "enterprise.update", enterprise, source=source, federation=enterprise.federation,
                        changed=changed)
        )  # fmt: skip
    if fields:
        update_many([existing[pk] for pk in changes.updated], [*sorted(fields), "updated_at"])
    audit_many(entries)
    by_tax_code = {e.tax_code: e for e in created} | {e.tax_code: e for e in existing.values()}
    for tax_code, cdcs in changes.linked.items():
        enterprise = by_tax_code.get(tax_code) or Enterprise.objects.get(tax_code=tax_code)
        enterprise_link_cdcs(enterprise=enterprise, cdcs=cdcs, on=on, user=user, source=source)
