"""The federation-month workflow: draft → submitted → approved (locked) → unlocked."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from unionportal.lib.months import Month
from unionportal.lib.text import text_length_validator

from ..access import require_provincial, require_write
from ..audit import audit_log
from ..models import (
    GrassrootsUnion,
    MonthlyFigure,
    MonthlyReturn,
    Organisation,
)
from .common import Source


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
