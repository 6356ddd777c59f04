"""Members moving between CĐCS: transfers inside the province (pending until the receiving CĐCS
accepts them, then out of one and into the other on the same day), and every member of a CĐCS
that ends (dissolved, or merged into another: members_close). Each is audited; the rules on
who may write and on the days of events are members.register.services'."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from unionportal.lib.bulk import insert_many, update_many
from unionportal.lib.months import Month

from ..audit import audit_entry, audit_log, audit_many
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
    members = list(Member.objects.select_for_update().filter(cdcs=cdcs, status=Member.Status.ACTIVE))
    open_transfers = MemberTransfer.objects.filter(status=MemberTransfer.Status.PENDING).filter(
        from_cdcs=cdcs
    ) | MemberTransfer.objects.filter(status=MemberTransfer.Status.PENDING, to_cdcs=cdcs)
    note = _("CĐCS %(code)s giải thể") % {"code": cdcs.code}
    open_transfers.update(status=MemberTransfer.Status.CANCELLED, decided_at=timezone.now(), decision_note=note)
    if not members:
        return 0
    reason = LossReason.TRANSFERRED_OUT if into is not None else LossReason.CDCS_DISSOLVED
    events = [new_event(member, cdcs, MemberEvent.Kind.LOST, on, user, reason=reason) for member in members]
    if into is not None:
        events += [new_event(member, into, MemberEvent.Kind.TRANSFERRED_IN, on, user) for member in members]
    insert_many(events)
    for member in members:
        if into is not None:
            member.cdcs = into
        else:
            member.status, member.left_on, member.left_reason = Member.Status.LEFT, on, reason
    update_many(members, ["cdcs", "status", "left_on", "left_reason"])
    federation = federation_of(cdcs, Month.of(on))
    action = "member.merge" if into is not None else "member.dissolve"
    extra = {"into": into.code} if into is not None else {}
    audit_many(
        audit_entry(user, action, member, source=source, federation=federation, month=Month.of(on), **extra)
        for member in members
    )
    return len(members)
