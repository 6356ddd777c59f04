"""Members moving between CĐCS: transfers inside the province (pending until the receiving CĐCS
accepts them, then out of one and into the other on the same day), and every member of a CĐCS
that ends (dissolved, or merged into another: members_close). Each is audited; the rules on
who may write and on the days of events are members.register.services'."""

import dataclasses
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from unionportal.lib.bulk import insert_rows, update_many
from unionportal.lib.months import Month

from ..audit import audit_log, audit_same
from ..models import GrassrootsUnion, LossReason, Member, MemberEvent, MemberTransfer
from ..services.common import Source, federation_of
from .event_months import require_countable
from .services import new_event, require_active_on, require_after_history, require_member_write

# --- transfers inside the province ----------------------------------------------------------------


@transaction.atomic
def member_transfer_request(
    *, member: Member, to_cdcs: GrassrootsUnion, user, note: str = "", source: str = Source.WEB
) -> MemberTransfer:
    """The sending CĐCS asks the receiving one to take the member; nothing moves until it accepts."""
    member = Member.objects.select_for_update().select_related("cdcs").get(pk=member.pk)
    federation = require_member_write(user, member.cdcs)
    if not member.is_active:
        raise ValidationError(_("Đoàn viên này không còn sinh hoạt tại CĐCS."))
    if to_cdcs.pk == member.cdcs_id:
        raise ValidationError({"to_cdcs": [_("Chọn một CĐCS khác với CĐCS đoàn viên đang sinh hoạt.")]})
    if to_cdcs.dissolved_on:
        raise ValidationError({"to_cdcs": [_("%(cdcs)s đã giải thể.") % {"cdcs": to_cdcs}]})
    if member.transfers.filter(status=MemberTransfer.Status.PENDING).exists():
        raise ValidationError(_("Đoàn viên này đang có một đề nghị chuyển sinh hoạt chờ tiếp nhận."))
    transfer = MemberTransfer.objects.create(
        member=member, from_cdcs=member.cdcs, to_cdcs=to_cdcs, note=note.strip()[:255], requested_by=user
    )
    audit_log(
        user,
        "member.transfer_request",
        member,
        source=source,
        federation=federation,
        transfer=transfer.pk,
        from_cdcs=member.cdcs.code,
        to_cdcs=to_cdcs.code,
    )
    return transfer


def _pending(transfer: MemberTransfer) -> MemberTransfer:
    transfer = (
        MemberTransfer.objects.select_for_update().select_related("member", "from_cdcs", "to_cdcs").get(pk=transfer.pk)
    )
    if transfer.status != MemberTransfer.Status.PENDING:
        raise ValidationError(
            _("Đề nghị chuyển sinh hoạt này không còn chờ tiếp nhận: %(status)s.")
            % {"status": transfer.get_status_display().lower()}
        )
    return transfer


def _decide(transfer: MemberTransfer, status: str, user, note: str = "", on: date | None = None) -> None:
    transfer.status, transfer.decided_by, transfer.decided_at = status, user, timezone.now()
    transfer.decision_note, transfer.accepted_on = note.strip()[:255], on
    transfer.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "accepted_on"])


@transaction.atomic
def member_transfer_accept(
    *, transfer: MemberTransfer, on: date, user, source: str = Source.WEB, confirm_month: bool = False
) -> Member:
    """The receiving CĐCS takes the member on `on`: they leave one CĐCS (giảm, chuyển đi) and
    arrive in the other (chuyển đến) that same day, so both sides count it in the same month."""
    transfer = _pending(transfer)
    member = Member.objects.select_for_update().get(pk=transfer.member_id)
    federation = require_member_write(user, transfer.to_cdcs, on)
    require_after_history(member, on)
    for cdcs in (transfer.from_cdcs, transfer.to_cdcs):
        require_active_on(cdcs, on)
        require_countable(cdcs, on, confirmed=confirm_month)
    MemberEvent.objects.bulk_create(
        [
            new_event(
                member,
                transfer.from_cdcs,
                MemberEvent.Kind.LOST,
                on,
                user,
                reason=LossReason.TRANSFERRED_OUT,
                transfer=transfer,
            ),
            new_event(member, transfer.to_cdcs, MemberEvent.Kind.TRANSFERRED_IN, on, user, transfer=transfer),
        ]
    )
    member.cdcs = transfer.to_cdcs
    member.save(update_fields=["cdcs", "updated_at"])
    _decide(transfer, MemberTransfer.Status.ACCEPTED, user, on=on)
    audit_log(
        user,
        "member.transfer_accept",
        member,
        source=source,
        federation=federation,
        month=Month.of(on),
        transfer=transfer.pk,
        from_cdcs=transfer.from_cdcs.code,
        to_cdcs=transfer.to_cdcs.code,
    )
    return member


@transaction.atomic
def member_transfer_reject(*, transfer: MemberTransfer, note: str, user, source: str = Source.WEB) -> MemberTransfer:
    """The receiving CĐCS declines: the member stays where they are."""
    transfer = _pending(transfer)
    federation = require_member_write(user, transfer.to_cdcs)
    if not note.strip():
        raise ValidationError({"note": [_("Cần ghi lý do từ chối.")]})
    _decide(transfer, MemberTransfer.Status.REJECTED, user, note)
    audit_log(
        user, "member.transfer_reject", transfer.member, source=source, federation=federation, transfer=transfer.pk
    )
    return transfer


@transaction.atomic
def member_transfer_cancel(*, transfer: MemberTransfer, user, source: str = Source.WEB) -> MemberTransfer:
    """The sending CĐCS withdraws its request."""
    transfer = _pending(transfer)
    federation = require_member_write(user, transfer.from_cdcs)
    _decide(transfer, MemberTransfer.Status.CANCELLED, user)
    audit_log(
        user, "member.transfer_cancel", transfer.member, source=source, federation=federation, transfer=transfer.pk
    )
    return transfer


# --- a CĐCS that ends -------------------------------------------------------------------------------


def members_close(cdcs: GrassrootsUnion, *, on: date, user, source: str, into: GrassrootsUnion | None = None) -> int:
    """Called by cdcs_dissolve and cdcs_merge, inside their transaction: every member still active
    in the CĐCS is lost on `on`, reason "CĐCS giải thể", or, when it is merged into another,
    transferred out to that one and in there the same day. Pending transfers from or to it are
    cancelled. Returns how many members that was."""
    return len(members_close_many({cdcs: into}, on=on, user=user, source=source).members)


@dataclasses.dataclass
class Closed:
    """What members_close_many changed, for a caller that may have to undo it."""

    members: list[tuple[int, int]]  # (member id, the CĐCS it was in)
    events: list[int]  # MemberEvent ids created
    transfers: list[tuple[int, str, str | None, str]]  # (id, status, decided_at ISO, decision_note) before


def members_close_many(
    ending: dict[GrassrootsUnion, GrassrootsUnion | None], *, on: date, user, source: str, federations=None
) -> Closed:
    """members_close for many CĐCS ending on the same day (a CĐCS → the one it is merged into, or
    None when it is dissolved), in a fixed number of queries. `federations` (CĐCS id → the
    federation its audit entries name) saves looking each one up."""
    by_pk = {cdcs.pk: (cdcs, into) for cdcs, into in ending.items()}
    ids = list(by_pk)
    members = list(
        Member.objects.select_for_update()
        .filter(cdcs_id__in=ids, status=Member.Status.ACTIVE)
        .order_by("pk")
        .values_list("pk", "cdcs_id")
    )
    closed = Closed(members=members, events=[], transfers=_cancel_transfers(by_pk))
    if not members:
        return closed
    merged = {cdcs_id: into.pk for cdcs_id, (_cdcs, into) in by_pk.items() if into is not None}
    dissolved = [cdcs_id for cdcs_id, (_cdcs, into) in by_pk.items() if into is None]
    active = Member.objects.filter(status=Member.Status.ACTIVE)
    if merged:
        whens = [When(cdcs_id=cdcs_id, then=Value(into_id)) for cdcs_id, into_id in merged.items()]
        active.filter(cdcs_id__in=list(merged)).update(cdcs_id=Case(*whens, output_field=IntegerField()))
    if dissolved:
        active.filter(cdcs_id__in=dissolved).update(
            status=Member.Status.LEFT, left_on=on, left_reason=LossReason.CDCS_DISSOLVED
        )
    month = Month.of(on)
    recorded_by = user.pk if user is not None and user.is_authenticated else None
    now = timezone.now()
    events = []
    for member_id, cdcs_id in members:  # rows, not objects: thousands of them when a plan merges CĐCS
        if cdcs_id in merged:
            events.append((member_id, cdcs_id, MemberEvent.Kind.LOST, LossReason.TRANSFERRED_OUT))
            events.append((member_id, merged[cdcs_id], MemberEvent.Kind.TRANSFERRED_IN, ""))
        else:
            events.append((member_id, cdcs_id, MemberEvent.Kind.LOST, LossReason.CDCS_DISSOLVED))
    closed.events = insert_rows(
        MemberEvent,
        ["member_id", "cdcs_id", "kind", "reason", "on", "month", "recorded_by_id", "recorded_at"],
        [(*event, on, month.first_day, recorded_by, now) for event in events],
        returning=True,
    )
    if federations is None:
        federations = {cdcs_id: federation_of(cdcs, month) for cdcs_id, (cdcs, _into) in by_pk.items()}
    label = _("Đoàn viên #%(pk)s")
    for action, kept in (("member.merge", merged), ("member.dissolve", set(dissolved))):
        audit_same(
            user,
            action,
            Member,
            [
                (
                    member_id,
                    label % {"pk": member_id},
                    getattr(federations.get(cdcs_id), "pk", None),
                    {"into": by_pk[cdcs_id][1].code} if cdcs_id in merged else {},
                )
                for member_id, cdcs_id in members
                if cdcs_id in kept
            ],
            source=source,
            month=month,
        )
    return closed


def _cancel_transfers(by_pk: dict) -> list[tuple]:
    """Pending transfers from or to CĐCS that end are cancelled; returns them as they were."""
    ids = list(by_pk)
    pending = MemberTransfer.objects.filter(status=MemberTransfer.Status.PENDING)
    open_transfers = list((pending.filter(from_cdcs_id__in=ids) | pending.filter(to_cdcs_id__in=ids)).order_by("pk"))
    cancelled = [
        (transfer.pk, transfer.status, transfer.decided_at.isoformat() if transfer.decided_at else None,
         transfer.decision_note)
        for transfer in open_transfers
    ]  # fmt: skip
    now = timezone.now()
    for transfer in open_transfers:
        cdcs = by_pk[transfer.from_cdcs_id if transfer.from_cdcs_id in by_pk else transfer.to_cdcs_id][0]
        transfer.status, transfer.decided_at = MemberTransfer.Status.CANCELLED, now
        transfer.decision_note = _("CĐCS %(code)s giải thể") % {"code": cdcs.code}
    update_many(open_transfers, ["status", "decided_at", "decision_note"])
    return cancelled
