"""Reads of the members app that are more than a .get(): the submission board and the audit
histories. Each runs a fixed number of queries, whatever the number of federations or entries."""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from unionportal.lib.months import Month

from .models import AuditEntry, GrassrootsUnion, MonthlyFigure, MonthlyReturn, Organisation

# --- deadlines and the submission board ---------------------------------------------------


class BoardStatus(models.TextChoices):
    """A federation's month as the board shows it: the return's status, or nothing entered yet."""

    EMPTY = "empty", _("Chưa có số liệu")
    DRAFT = MonthlyReturn.Status.DRAFT.value, _("Đang nhập")
    # Drafts that were sent once: not sent any more, whatever was believed (issue 18).
    SENT_BACK = "sent_back", _("Trả lại để sửa")
    RESUBMIT = "resubmit", _("Đang nhập – cần gửi lại")
    SUBMITTED = MonthlyReturn.Status.SUBMITTED.value, _("Đã gửi")
    APPROVED = MonthlyReturn.Status.APPROVED.value, _("Đã duyệt")


class Timeliness(models.TextChoices):
    ON_TIME = "on_time", _("Đúng hạn")
    LATE = "late", _("Trễ hạn")
    MISSING = "missing", _("Quá hạn, chưa gửi")
    NOT_DUE = "not_due", _("Chưa đến hạn")


def return_due_at(month: Month) -> datetime:
    """The end of the day on which the month's return is due: settings.RETURN_DUE_DAY of the
    following month (the last day of that month if it is shorter), in the portal's time zone."""
    following = month + 1
    day = min(settings.RETURN_DUE_DAY, following.last_day.day)
    return timezone.make_aware(
        datetime.combine(following.first_day.replace(day=day), time.max), timezone.get_default_timezone()
    )


def timeliness(monthly_return: MonthlyReturn | None, *, due_at: datetime, now: datetime) -> Timeliness:
    """A submitted or approved return is late when it was sent after the deadline; a return not
    (or no longer) sent is missing once the deadline has passed."""
    sent = monthly_return is not None and monthly_return.status != MonthlyReturn.Status.DRAFT
    if sent and monthly_return.submitted_at is not None:
        return Timeliness.LATE if monthly_return.submitted_at > due_at else Timeliness.ON_TIME
    if sent:  # approved without a recorded submission (data from before the workflow)
        return Timeliness.ON_TIME
    return Timeliness.MISSING if now > due_at else Timeliness.NOT_DUE


@dataclass(frozen=True)
class BoardRow:
    federation: Organisation
    monthly_return: MonthlyReturn | None
    status: BoardStatus
    timeliness: Timeliness
    cdcs_count: int
    cdcs_with_figures: int

    @property
    def was_unlocked(self) -> bool:
        return self.monthly_return is not None and self.monthly_return.unlocked_at is not None


def board_rows(*, month: Month, federations, now: datetime | None = None) -> list[BoardRow]:
    """One row per federation: its return for the month, whether it came in on time, and how many
    of its CĐCS have figures. Four queries, whatever the number of federations."""
    now = now or timezone.now()
    due_at = return_due_at(month)
    federations = list(federations)
    returns = {
        r.federation_id: r
        for r in MonthlyReturn.objects.filter(month=month.first_day, federation__in=federations).select_related(
            "submitted_by", "approved_by", "unlocked_by", "changed_by", "sent_back_by"
        )
    }
    cdcs_counts = dict(
        GrassrootsUnion.objects.active_in(month)
        .with_federation_at(month)
        .order_by()
        .values_list("federation_at_id")
        .annotate(n=Count("pk"))
    )
    figure_counts = dict(
        MonthlyFigure.objects.filter(month=month.first_day)
        .order_by()
        .values_list("federation_id")
        .annotate(n=Count("pk"))
    )
    rows = []
    for federation in federations:
        monthly_return = returns.get(federation.pk)
        with_figures = figure_counts.get(federation.pk, 0)
        status = BoardStatus(monthly_return.status) if monthly_return else BoardStatus.EMPTY
        if status == BoardStatus.DRAFT and monthly_return.is_sent_back:
            status = BoardStatus.SENT_BACK
        elif status == BoardStatus.DRAFT and monthly_return.needs_resubmit:
            status = BoardStatus.RESUBMIT
        elif status == BoardStatus.DRAFT and not with_figures:
            status = BoardStatus.EMPTY
        rows.append(
            BoardRow(
                federation=federation,
                monthly_return=monthly_return,
                status=status,
                timeliness=timeliness(monthly_return, due_at=due_at, now=now),
                cdcs_count=cdcs_counts.get(federation.pk, 0),
                cdcs_with_figures=with_figures,
            )
        )
    return rows


def board_summary(rows: list[BoardRow]) -> dict[str, int]:
    """How many rows are on time, late, missing and not yet due."""
    counts = Counter(row.timeliness for row in rows)
    return {value: counts[value] for value in Timeliness.values}


# Worst first: what a steering committee chases comes to the top.
_URGENCY = {Timeliness.MISSING: 0, Timeliness.LATE: 1, Timeliness.NOT_DUE: 2, Timeliness.ON_TIME: 3}


def board_rows_by_urgency(rows: list[BoardRow]) -> list[BoardRow]:
    return sorted(rows, key=lambda row: _URGENCY[row.timeliness])  # stable: keeps the federations' order


def followers() -> QuerySet:
    """Steering-committee members: users assigned federations to follow."""
    return (
        get_user_model()
        .objects.filter(is_active=True, profile__followed_federations__isnull=False)
        .distinct()
        .order_by("first_name", "username")
    )


# --- audit histories ----------------------------------------------------------------------


# The member register's entries ("member.admit", "member_list.import", …) carry a federation and a
# month too, but they are the register's history, not the monthly figures': one list of 5,000
# people would bury a month's handful of changes.
REGISTER_ACTIONS = Q(action__startswith="member.") | Q(action__startswith="member_list.")


def return_history(*, federation: Organisation, month: Month) -> QuerySet[AuditEntry]:
    """Everything recorded for a federation's month's figures and workflow, newest first."""
    return (
        AuditEntry.objects.filter(federation=federation, month=month.first_day)
        .exclude(REGISTER_ACTIONS)
        .select_related("user")
    )


def figure_history(*, cdcs: GrassrootsUnion, month: Month, row: MonthlyFigure | None) -> QuerySet[AuditEntry]:
    """The changes to one CĐCS's figures for a month, and what happened to the CĐCS itself that
    month (founded, dissolved, moved, merged), newest first."""
    condition = Q(object_type="members.grassrootsunion", object_id=str(cdcs.pk), month=month.first_day)
    if row is not None:
        condition |= Q(object_type="members.monthlyfigure", object_id=str(row.pk))
    return AuditEntry.objects.filter(condition).exclude(REGISTER_ACTIONS).select_related("user")
