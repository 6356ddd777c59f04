"""The month lock and the returns' version: every write to a federation's month checks that the
month is not approved (ensure_months_open) and bumps its version (returns_touch)."""

from django.core.exceptions import ValidationError
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from unionportal.lib.months import Month

from ..models import MonthlyReturn, Organisation
from ..services.common import display_name, short_moment
from .summary import summary_refresh_months


def locked_message(monthly_return: MonthlyReturn) -> str:
    return _(
        "Số liệu tháng %(month)s của %(org)s đã được %(who)s duyệt và khóa lúc %(when)s. "
        "Cần Ban Tổ chức LĐLĐ tỉnh mở khóa (ghi rõ lý do) trước khi sửa."
    ) % {
        "month": Month.of(monthly_return.month),
        "org": monthly_return.federation.name,
        "who": display_name(monthly_return.approved_by),
        "when": short_moment(monthly_return.approved_at),
    }


def ensure_months_open(pairs) -> None:
    """Refuse when any (federation id, month first day) pair is an approved, locked month, naming
    every one of them: a correction carried into later months may run into several."""
    pairs = set(pairs)
    if not pairs:
        return
    condition = Q()
    for federation_id, first_day in pairs:
        condition |= Q(federation_id=federation_id, month=first_day)
    locked = list(
        MonthlyReturn.objects.filter(condition, status=MonthlyReturn.Status.APPROVED)
        .select_related("federation", "approved_by")
        .order_by("month", "federation__code")
    )
    if len(locked) == 1:
        raise ValidationError(locked_message(locked[0]))
    if locked:
        months = "; ".join(
            _("tháng %(month)s của %(org)s (%(who)s duyệt lúc %(when)s)")
            % {
                "month": Month.of(item.month),
                "org": item.federation.name,
                "who": display_name(item.approved_by),
                "when": short_moment(item.approved_at),
            }
            for item in locked
        )
        raise ValidationError(
            _(
                "%(count)s tháng đã được duyệt và khóa: %(months)s. "
                "Cần Ban Tổ chức LĐLĐ tỉnh mở khóa (ghi rõ lý do) từng tháng trước khi sửa."
            )
            % {"count": len(locked), "months": months}
        )


def ensure_month_open(federation: Organisation, month: Month) -> None:
    ensure_months_open([(federation.pk, month.first_day)])


def returns_touch(pairs, user) -> None:
    """A change to a federation's month bumps its version (and creates its draft return). A month
    already submitted goes back to draft: what is approved must be what was submitted. The
    federations' summary is recomputed from the month on, in the same transaction."""
    pairs = set(pairs)
    for federation_id, first_day in pairs:
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
    summary_refresh_months(pairs)
