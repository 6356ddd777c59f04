"""From the audit trail to notices: every write of the portal is audited (members.audit), and an
entry whose action concerns a federation's staff becomes a notice to them, in the same
transaction (so an action rolled back tells nobody). The person who did it is not told."""

from django.urls import reverse
from django.utils import timezone

from members.models import AuditEntry, GrassrootsUnion, Officer, Organisation, Post
from members.services.common import display_name, short_day
from unionportal.lib.months import Month

from .models import Notice
from .recipients import federation_staff
from .services import notices_create

Kind = Notice.Kind

MONTH_DECISIONS = {
    "return.approve": Kind.RETURN_APPROVED,
    "return.send_back": Kind.RETURN_SENT_BACK,
    "return.unlock": Kind.RETURN_UNLOCKED,
}


def notices_for_entry(sender, instance: AuditEntry, created: bool, raw: bool = False, **kwargs) -> None:
    """post_save of AuditEntry (connected in NoticesConfig.ready)."""
    handler = HANDLERS.get(instance.action)
    if created and not raw and handler is not None:
        handler(instance)


def _who(entry: AuditEntry) -> str:
    return display_name(entry.user) if entry.user is not None else ""


def _month_decided(entry: AuditEntry) -> None:
    federation, month = entry.federation, Month.of(entry.month)
    notices_create(
        users=federation_staff([federation.pk]),
        kind=MONTH_DECISIONS[entry.action],
        data={"org": federation.name, "month": str(month), "who": _who(entry), "reason": entry.data.get("reason", "")},
        link=reverse("members:grid", kwargs={"code": federation.code, "month": month}),
        actor=entry.user,
    )


def _cdcs(entry: AuditEntry) -> GrassrootsUnion:
    return GrassrootsUnion.objects.get(pk=entry.object_id)


def _cdcs_changed(entry: AuditEntry) -> None:
    """Founded or dissolved (merged into another is dissolved too), told to its federation."""
    cdcs, federation = _cdcs(entry), entry.federation
    notices_create(
        users=federation_staff([federation.pk]),
        kind=Kind.CDCS_FOUNDED if entry.action == "cdcs.found" else Kind.CDCS_DISSOLVED,
        data={
            "cdcs": cdcs.name,
            "org": federation.name,
            "month": str(Month.of(entry.month)),
            "who": _who(entry),
            "reason": cdcs.dissolution_reason,
        },
        link=reverse("members:cdcs_detail", kwargs={"code": cdcs.code}),
        actor=entry.user,
    )


def _cdcs_moved(entry: AuditEntry) -> None:
    """Told to both sides: the federation it leaves and the one it joins."""
    cdcs, arrives = _cdcs(entry), entry.federation
    leaves = Organisation.objects.filter(code=entry.data.get("from_federation") or "").first()
    link = reverse("members:cdcs_detail", kwargs={"code": cdcs.code})
    month = str(Month.of(entry.month))
    sides = [(arrives, leaves, Kind.CDCS_MOVED_IN)] + ([(leaves, arrives, Kind.CDCS_MOVED_OUT)] if leaves else [])
    for federation, other, kind in sides:
        notices_create(
            users=federation_staff([federation.pk]),
            kind=kind,
            data={
                "cdcs": cdcs.name,
                "org": federation.name,
                "other": other.name if other else "",
                "month": month,
                "who": _who(entry),
            },
            link=link,
            actor=entry.user,
        )


def _transfer_requested(entry: AuditEntry) -> None:
    """Told to the federation of the receiving CĐCS (who accepts or declines); no member's name
    goes into the notice, which may leave the portal by e-mail."""
    month = Month.of(timezone.localdate())
    codes = [entry.data.get("from_cdcs"), entry.data.get("to_cdcs")]
    unions = {cdcs.code: cdcs for cdcs in GrassrootsUnion.objects.with_federation_at(month).filter(code__in=codes)}
    receiving = unions.get(entry.data.get("to_cdcs"))
    if receiving is None or receiving.federation_at_id is None:
        return
    sending = unions.get(entry.data.get("from_cdcs"))
    notices_create(
        users=federation_staff([receiving.federation_at_id]),
        kind=Kind.TRANSFER_REQUEST,
        data={
            "from_cdcs": sending.name if sending else entry.data.get("from_cdcs"),
            "to_cdcs": receiving.name,
            "who": _who(entry),
        },
        link=reverse("members:transfers"),
        actor=entry.user,
    )


def _officer_left(entry: AuditEntry) -> None:
    """A CĐCS's chair leaving the post leaves it vacant (one chair at a time: on the page the
    replacement can only be recorded afterwards): told to the CĐCS's federation, without the
    person's name. The leaving may come from the page or from an officers' list."""
    if entry.data.get("post") != Post.CHAIR or entry.federation is None:
        return
    officer = Officer.objects.select_related("term__cdcs").get(pk=entry.object_id)
    if officer.term.officers.filter(post=Post.CHAIR, to_on__isnull=True).exists():
        return  # an officers' list that appointed the successor in the same write: not vacant
    cdcs, federation = officer.term.cdcs, entry.federation
    notices_create(
        users=federation_staff([federation.pk]),
        kind=Kind.CHAIR_VACANT,
        data={
            "cdcs": cdcs.name,
            "org": federation.name,
            "day": short_day(officer.to_on),
            "reason": officer.left_reason,  # a code: texts.py names it in the page's language
            "who": _who(entry),
        },
        link=reverse("members:cdcs_officers", kwargs={"code": cdcs.code}),
        actor=entry.user,
    )


def _demo_seeded(entry: AuditEntry) -> None:
    from .demo import seed_notices  # late: only the demo needs it

    seed_notices()


HANDLERS = {
    **dict.fromkeys(MONTH_DECISIONS, _month_decided),
    "cdcs.found": _cdcs_changed,
    "cdcs.dissolve": _cdcs_changed,
    "cdcs.merge": _cdcs_changed,
    "cdcs.move": _cdcs_moved,
    "member.transfer_request": _transfer_requested,
    "officer.leave": _officer_left,
    "demo.seed": _demo_seeded,
}
