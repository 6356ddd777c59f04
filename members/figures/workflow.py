"""The federation-month workflow: draft → submitted → approved (locked) → unlocked, and a
submitted month sent back for correction (→ draft, with the province's reason)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from unionportal.lib.formatting import count
from unionportal.lib.months import Month
from unionportal.lib.text import text_length_validator

from ..access import require_provincial, require_write
from ..audit import audit_log
from ..models import GrassrootsUnion, MonthlyFigure, MonthlyReturn, Organisation
from ..services.common import Source, who_and_when


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


def changed_since_seen_message(federation: Organisation, month: Month, changed: dict[str, str]) -> str:
    """Why a month is not sent: `changed` (who_and_when) saved it after the sender opened it."""
    return _(
        "Chưa gửi: %(who)s đã sửa số liệu tháng %(month)s của %(org)s lúc %(when)s, sau khi bạn mở trang này. "
        "Hãy xem lại số liệu rồi bấm Gửi báo cáo lần nữa."
    ) % {"month": month, "org": federation.name, **changed}


@transaction.atomic
def return_submit(
    *, federation: Organisation, month: Month, user, version: int | None = None, source: str = Source.WEB
) -> MonthlyReturn:
    """Send the federation-month to the province. With `version` (the month as the sender last saw
    it), refused when someone changed its figures since: what is sent must be what they saw."""
    require_write(user, federation)
    monthly_return = return_for_update(federation, month)
    if version is not None and monthly_return.version != version:
        raise ValidationError(
            changed_since_seen_message(
                federation, month, who_and_when(monthly_return.changed_by, monthly_return.changed_at)
            )
        )
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
            % {"count": count(len(missing)), "month": month, "names": names}
        )
    monthly_return.status = MonthlyReturn.Status.SUBMITTED
    monthly_return.submitted_by, monthly_return.submitted_at = user, timezone.now()
    # What the province sent back for is answered by this submission; the audit trail keeps it.
    monthly_return.sent_back_by, monthly_return.sent_back_at, monthly_return.send_back_reason = None, None, ""
    monthly_return.save()
    audit_log(user, "return.submit", monthly_return, source=source, federation=federation, month=month)
    return monthly_return


def open_warnings(federation: Organisation, month: Month) -> int:
    """How many CĐCS of the federation-month have data-quality warnings nobody ticked as checked."""
    from .grid import grid_open_warnings  # late: the entry grid imports these services

    return grid_open_warnings(federation=federation, month=month)


def open_warnings_many(returns) -> dict[tuple[int, Month], int]:
    """open_warnings of many returns at once, by (federation id, month), for a queue of them."""
    from .grid import grid_open_warnings_many  # late: the entry grid imports these services

    return grid_open_warnings_many(returns)


@transaction.atomic
def return_approve(
    *,
    federation: Organisation,
    month: Month,
    user,
    warnings_confirmed: bool = False,
    version: int | None = None,
    source: str = Source.WEB,
) -> MonthlyReturn:
    """Approve a submitted month; from now on nobody can change its figures until it is unlocked.
    Refused while warnings stay unticked, unless the approver confirms having seen them, and, with
    `version` (the month as the approver saw it), when its figures changed since: what is locked
    must be what they looked at (the federation may have edited and sent it again meanwhile)."""
    require_provincial(user)
    monthly_return = return_for_update(federation, month)
    if version is not None and monthly_return.version != version:
        changed = who_and_when(monthly_return.changed_by, monthly_return.changed_at)
        raise ValidationError(
            _(
                "Chưa duyệt: %(who)s đã sửa số liệu tháng %(month)s của %(org)s lúc %(when)s, sau khi bạn mở "
                "trang này. Hãy xem lại số liệu rồi bấm Duyệt lần nữa."
            )
            % {"month": month, "org": federation.name, **changed}
        )
    if monthly_return.status != MonthlyReturn.Status.SUBMITTED:
        raise ValidationError(
            _("Chỉ duyệt được báo cáo đã gửi; báo cáo tháng %(month)s của %(org)s đang “%(status)s”.")
            % {"month": month, "org": federation.name, "status": monthly_return.get_status_display()}
        )
    unchecked = open_warnings(federation, month)
    if unchecked and not warnings_confirmed:
        raise ValidationError(
            ngettext(
                "Chưa duyệt: còn %(count)s CĐCS có cảnh báo chưa được đánh dấu “Đã kiểm tra”. Xem lại các dòng đó, "
                "rồi đánh dấu xác nhận duyệt dù còn cảnh báo, hoặc trả lại để đơn vị sửa.",
                "Chưa duyệt: còn %(count)s CĐCS có cảnh báo chưa được đánh dấu “Đã kiểm tra”. Xem lại các dòng đó, "
                "rồi đánh dấu xác nhận duyệt dù còn cảnh báo, hoặc trả lại để đơn vị sửa.",
                unchecked,
            )
            % {"count": count(unchecked)}
        )
    monthly_return.status = MonthlyReturn.Status.APPROVED
    monthly_return.approved_by, monthly_return.approved_at = user, timezone.now()
    monthly_return.save()
    extra = {"unchecked_warnings": unchecked} if unchecked else {}
    audit_log(user, "return.approve", monthly_return, source=source, federation=federation, month=month, **extra)
    return monthly_return


@transaction.atomic
def return_send_back(
    *, federation: Organisation, month: Month, reason: str, user, source: str = Source.WEB
) -> MonthlyReturn:
    """Send a submitted month back to the federation for correction (trả lại để sửa): back to
    draft, with the reason shown to the federation on its grid and on the board until it submits
    again. An approved month is opened with return_unlock instead."""
    require_provincial(user)
    if not reason.strip():
        raise ValidationError({"reason": [_("Cần ghi lý do trả lại để đơn vị biết phải sửa gì.")]})
    monthly_return = return_for_update(federation, month)
    if monthly_return.status != MonthlyReturn.Status.SUBMITTED:
        raise ValidationError(
            _("Chỉ trả lại được báo cáo đã gửi và chưa duyệt; báo cáo tháng %(month)s của %(org)s đang “%(status)s”.")
            % {"month": month, "org": federation.name, "status": monthly_return.get_status_display()}
        )
    monthly_return.status = MonthlyReturn.Status.DRAFT
    monthly_return.sent_back_by, monthly_return.sent_back_at = user, timezone.now()
    monthly_return.send_back_reason = reason.strip()
    monthly_return.full_clean(validate_unique=False)
    monthly_return.save()
    audit_log(
        user,
        "return.send_back",
        monthly_return,
        source=source,
        federation=federation,
        month=month,
        reason=monthly_return.send_back_reason,
    )
    return monthly_return


@transaction.atomic
def return_unlock(
    *, federation: Organisation, month: Month, reason: str, user, source: str = Source.WEB
) -> MonthlyReturn:
    """Unlock an approved month, back to draft. The reason is kept and shown to the federation."""
    require_provincial(user)
    if not reason.strip():
        raise ValidationError({"reason": [_("Cần ghi lý do mở khóa.")]})
    text_length_validator(reason.strip())
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
