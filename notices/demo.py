"""The demo's notices: the months the province approved last, told to each federation's staff,
a reminder to those that have not sent their last month, and for the CĐCS officers a chair's post
vacant and a term about to end (with its Reminder, so that send_reminders does not send it
again), so that the bell shows something.
Seeded when seed_demo records itself in the audit trail ("demo.seed", dispatch.py): reports'
command does not know this app. Mailed to nobody."""

from datetime import datetime, time, timedelta

from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from members.models import MonthlyReturn, Officer, Organisation, Post, Role, UserProfile
from members.officers.selectors import needs_attention
from members.selectors import return_due_at
from members.services.common import display_name, short_day
from unionportal.lib.months import Month

from .models import Notice, Reminder
from .reminders import TERM_REMINDER_DAYS


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
    officer_notices, officer_moments = _officer_notices(staff)
    notices += officer_notices
    moments += officer_moments
    Notice.objects.bulk_create(notices)
    for notice, moment in zip(notices, moments, strict=True):
        if moment is not None:  # as when it happened, not when the demo was built
            Notice.objects.filter(pk=notice.pk).update(created_at=moment)
    return len(notices)


def _notice(user, kind, data, federation, month) -> Notice:
    return Notice(
        user=user, kind=kind, data=data, link=reverse("members:grid", kwargs={"code": federation.code, "month": month})
    )


def _officer_notices(staff: dict) -> tuple[list[Notice], list]:
    """The chairs' posts vacant today, told on the day the chair left; the terms ending within the
    reminders' days, told (and recorded as reminded) at the nearest of those days."""
    today = timezone.localdate()
    attention = needs_attention(scope=None, on=today)
    names = {org.pk: org.name for org in Organisation.objects.filter(pk__in=staff)}
    left = {
        officer.term_id: officer
        for officer in Officer.objects.filter(post=Post.CHAIR, to_on__lte=today).order_by("to_on", "pk")
    }
    notices, moments, reminders = [], [], []
    for row in attention.rows:
        user = staff.get(row.federation_id)
        if user is None:
            continue
        data = {"cdcs": row.name, "org": names[row.federation_id]}
        link = reverse("members:cdcs_officers", kwargs={"code": row.code})
        chair = left.get(row.term_id)
        if row.no_chair_since is not None and chair is not None and chair.to_on == row.no_chair_since:
            data.update(day=short_day(chair.to_on), reason=chair.left_reason)
            moment = timezone.make_aware(datetime.combine(chair.to_on, time(9)))
            notices.append(Notice(user=user, kind=Notice.Kind.CHAIR_VACANT, data=data, link=link))
            notices[-1].read_at = moment if chair.to_on < today - timedelta(days=30) else None  # seen long ago
            moments.append(moment)
        days = (row.ends_on - today).days
        if 0 < days <= max(TERM_REMINDER_DAYS):
            stage = min(d for d in TERM_REMINDER_DAYS if days <= d)
            data = {**data, "ends": short_day(row.ends_on), "days": stage}
            notices.append(Notice(user=user, kind=Notice.Kind.TERM_ENDING, data=data, link=link))
            moments.append(timezone.make_aware(datetime.combine(row.ends_on, time(7))) - timedelta(days=stage))
            reminders.append(Reminder(kind=Notice.Kind.TERM_ENDING, term_id=row.term_id, days_before=stage))
    Reminder.objects.bulk_create(reminders)
    return notices, moments
