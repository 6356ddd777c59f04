"""Reminders (manage.py send_reminders, hourly from cron): a federation that has not sent its month
hears of it a few days before the due day and once more the day after it; the steering
committee hears of a meeting a few days before; a federation hears of each of its CĐCS's terms
TERM_REMINDER_DAYS (90, then 30) days before it ends, so that the congress is prepared. Each goes
out once: a Reminder row is written with the notices, in one transaction, and its unique
constraint turns a second run (even one at the same moment) into nothing."""

from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from members.models import GrassrootsUnion, Organisation, Term
from members.selectors import Timeliness, board_rows, return_due_at
from members.services.common import short_day
from reports.models import Meeting
from unionportal.lib.months import Month

from .models import Notice, Reminder
from .recipients import federation_staff, steering_committee
from .services import notices_create

UNSENT = {Timeliness.NOT_DUE, Timeliness.MISSING}
# Days before a CĐCS's term ends when its federation is reminded: once at each, the nearest first
# passed (a term recorded 20 days before its end gets the 30 days' reminder only).
TERM_REMINDER_DAYS = (90, 30)


def reminders_send(*, today: date) -> dict[str, int]:
    """Every reminder due on `today` that was not sent yet: how many of each kind went out."""
    month = Month.of(today) - 1  # the month whose return falls due this month
    due = timezone.localtime(return_due_at(month)).date()
    sent = {}
    if due - timedelta(days=settings.REMINDER_DAYS_BEFORE) <= today <= due:
        sent[Notice.Kind.RETURN_DUE] = _returns(month, Notice.Kind.RETURN_DUE, due)
    elif today > due:
        sent[Notice.Kind.RETURN_OVERDUE] = _returns(month, Notice.Kind.RETURN_OVERDUE, due)
    sent[Notice.Kind.MEETING] = _meetings(today)
    sent[Notice.Kind.TERM_ENDING] = _terms_ending(today)
    return sent


def _returns(month: Month, kind: str, due: date) -> int:
    """Federations with CĐCS that have not sent the month (or had it sent back): their staff."""
    federations = Organisation.objects.federations().active_between(month, month)
    unsent = [row.federation for row in board_rows(month=month, federations=federations)
              if row.cdcs_count and row.timeliness in UNSENT]  # fmt: skip
    reminded = 0
    for federation in unsent:
        reminded += _once(
            Reminder(kind=kind, federation=federation, month=month.first_day),
            users=federation_staff([federation.pk]),
            data={"org": federation.name, "month": str(month), "due": short_day(due)},
            link=reverse("members:grid", kwargs={"code": federation.code, "month": month}),
        )
    return reminded


def _meetings(today: date) -> int:
    upcoming = Meeting.objects.filter(
        held_on__gte=today, held_on__lte=today + timedelta(settings.MEETING_REMINDER_DAYS)
    )
    reminded = 0
    for meeting in upcoming.order_by("held_on", "pk"):
        reminded += _once(
            Reminder(kind=Notice.Kind.MEETING, meeting=meeting),
            users=steering_committee(),
            data={"day": short_day(meeting.held_on), "title": meeting.title},
            link=reverse("reports:brief"),
        )
    return reminded


def _terms_ending(today: date) -> int:
    """Terms in force today that end within the longest of TERM_REMINDER_DAYS, of CĐCS not
    dissolved: their federation's staff, at the nearest of the days not yet reminded."""
    furthest = max(TERM_REMINDER_DAYS)
    terms = list(
        Term.objects.current_on(today)
        .filter(ends_on__gt=today, ends_on__lte=today + timedelta(days=furthest))
        .exclude(cdcs__dissolved_on__lte=today)
        .select_related("cdcs")
        .order_by("ends_on", "pk")
    )
    unions = GrassrootsUnion.objects.filter(pk__in=[term.cdcs_id for term in terms])
    federation_of = dict(unions.with_federation_at(Month.of(today)).values_list("pk", "federation_at_id"))
    federations = Organisation.objects.in_bulk({pk for pk in federation_of.values() if pk is not None})
    reminded = 0
    for term in terms:
        federation = federations.get(federation_of.get(term.cdcs_id))
        if federation is None:
            continue
        days = (term.ends_on - today).days
        reminded += _once(
            Reminder(
                kind=Notice.Kind.TERM_ENDING, term=term, days_before=min(d for d in TERM_REMINDER_DAYS if days <= d)
            ),
            users=federation_staff([federation.pk]),
            data={"cdcs": term.cdcs.name, "org": federation.name, "ends": short_day(term.ends_on), "days": days},
            link=reverse("members:cdcs_officers", kwargs={"code": term.cdcs.code}),
        )
    return reminded


def _once(reminder: Reminder, *, users, data: dict, link: str) -> int:
    """1 when this run sent the reminder, 0 when another run did (the unique constraint)."""
    try:
        with transaction.atomic():
            reminder.save()
            notices_create(users=users, kind=reminder.kind, data=data, link=link)
    except IntegrityError:
        return 0
    return 1
