"""The demo's notices: the months the province approved last, told to each federation's staff,
and a reminder to those that have not sent their last month, so that the bell shows something.
Seeded when seed_demo records itself in the audit trail ("demo.seed", dispatch.py): reports'
command does not know this app. Mailed to nobody."""

from django.db.models import Max
from django.urls import reverse

from members.models import MonthlyReturn, Role, UserProfile
from members.selectors import return_due_at
from members.services.common import display_name, short_day
from unionportal.lib.months import Month

from .models import Notice


def seed_notices() -> int:
    last = MonthlyReturn.objects.aggregate(last=Max("month"))["last"]
    if last is None:
        return 0
    end = Month.of(last)
    staff = {
        profile.federation_id: profile.user
        for profile in UserProfile.objects.filter(role=Role.FEDERATION_STAFF).select_related("user", "federation")
    }
    returns = MonthlyReturn.objects.filter(federation_id__in=staff, month__gte=(end - 3).first_day).select_related(
        "federation", "approved_by"
    )
    notices, moments = [], []
    for monthly_return in returns.order_by("month", "federation__position"):
        month, federation = Month.of(monthly_return.month), monthly_return.federation
        data = {"org": federation.name, "month": str(month)}
        if monthly_return.status == MonthlyReturn.Status.APPROVED and month >= end - 3:
            data["who"] = display_name(monthly_return.approved_by)
            notices.append(_notice(staff[federation.pk], Notice.Kind.RETURN_APPROVED, data, federation, month))
            notices[-1].read_at = monthly_return.approved_at if month < end - 2 else None
            moments.append(monthly_return.approved_at)
        elif month == end and monthly_return.status == MonthlyReturn.Status.DRAFT:
            data["due"] = short_day(return_due_at(end).date())
            notices.append(_notice(staff[federation.pk], Notice.Kind.RETURN_DUE, data, federation, month))
            moments.append(None)
    Notice.objects.bulk_create(notices)
    for notice, moment in zip(notices, moments, strict=True):
        if moment is not None:  # as when it happened, not when the demo was built
            Notice.objects.filter(pk=notice.pk).update(created_at=moment)
    return len(notices)


def _notice(user, kind, data, federation, month) -> Notice:
    return Notice(
        user=user, kind=kind, data=data, link=reverse("members:grid", kwargs={"code": federation.code, "month": month})
    )
