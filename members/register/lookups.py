"""Look-ups of ID numbers beyond the user's own register, counted and audited.

Typing someone's CCCD number to admit them, or uploading a list of them, asks the whole
province's register whether they are a member already: it must, for an ID number is one person.
What the answer may say is members.access.id_holder_refusal's: of a member the user may not read,
only "a member elsewhere". Each such answer is a look-up into other federations' personal data,
so they are audited (how many numbers were looked for, how many were found elsewhere; never the
numbers) and limited: past settings.REGISTER_LOOKUP_LIMIT answers "elsewhere" in a day, a user's
look-ups are refused before anything is answered, so that a list of 5,000 candidate numbers
cannot be checked against the province in one upload, nor in a day of them."""

from datetime import datetime, time

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from ..audit import audit_log
from ..models import AuditEntry, GrassrootsUnion
from ..services.common import Source

LOOKUP = "member.lookup"  # ID numbers looked for in the province's register
ID_SEARCH = "member.id_search"  # a whole ID number searched for among the members the user reads


def lookups_used(user) -> int:
    """How many times today the user was answered that an ID number belongs to a member elsewhere."""
    start = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
    entries = AuditEntry.objects.filter(user=user, action=LOOKUP, at__gte=start).values_list("data", flat=True)
    return sum(int(data.get("found_elsewhere") or 0) for data in entries if isinstance(data, dict))


def lookup_limit_message() -> str:
    return _(
        "Hôm nay bạn đã nhận đủ %(limit)s câu trả lời “đã là đoàn viên ở đơn vị khác”, hoặc lần này sẽ vượt số đó "
        "(giới hạn mỗi ngày để bảo vệ dữ liệu cá nhân): chưa ghi gì, không trả lời số CCCD nào. Hãy liên hệ Ban Tổ "
        "chức LĐLĐ tỉnh, hoặc để trống số CCCD của người chưa rõ."
    ) % {"limit": settings.REGISTER_LOOKUP_LIMIT}


def lookup_record(
    *,
    user,
    cdcs: GrassrootsUnion,
    federation,
    checked: int,
    found_elsewhere: int,
    source: str = Source.WEB,
    always: bool = False,
) -> str | None:
    """Count and audit a look-up of `checked` ID numbers in the province's register, of which
    `found_elsewhere` would be answered "a member elsewhere". Returns why it is refused (nothing of
    its answers may then be shown), or None when it may be answered.

    Refused when the user's answers "elsewhere" today have reached the limit (any look-up then,
    found or not, so that a refusal tells nothing), or would pass it with this one. The entry is
    written either way (its found_elsewhere counts towards the day), outside the caller's
    transaction: a refused admission leaves its look-up in the audit trail. Written for every
    list (always=True); for a single number, when it was found elsewhere or refused, the admission
    itself recording the rest. The system itself (user None) is neither limited nor audited here."""
    if user is None or not user.is_authenticated or checked == 0:
        return None
    used = lookups_used(user)
    limit = settings.REGISTER_LOOKUP_LIMIT
    refused = used >= limit or used + found_elsewhere > limit
    if always or refused or found_elsewhere:
        audit_log(
            user,
            LOOKUP,
            cdcs,
            source=source,
            federation=federation,
            checked=checked,
            found_elsewhere=found_elsewhere,
            refused=refused,
        )
    return lookup_limit_message() if refused else None


def id_search_record(*, user, found: int) -> None:
    """A whole ID number searched for among the members the user reads: audited as a look-up
    (how many it found, not the number), as the reveal of a member's number is."""
    audit_log(user, ID_SEARCH, None, found=found)
