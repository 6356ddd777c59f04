"""What each role's home page lists: a federation's work to do now, and the province's approvals
queue. Each reads in a fixed number of queries whatever the number of federations; the queue's
unticked warnings take three more per distinct month waiting (usually one or two)."""

from dataclasses import dataclass
from datetime import date, datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.access import cdcs_now_under, orgs_visible_to
from members.figures.workflow import open_warnings_many
from members.models import Affiliation, MemberListUpload, MemberTransfer, MonthlyReturn, Organisation, Upload
from members.officers.digest import federations_ranked, rows_by_urgency
from members.officers.selectors import Attention, AttentionCounts, AttentionRow, needs_attention
from members.selectors import BoardRow, Timeliness, board_rows, return_due_at
from organising.models import EnterpriseListUpload
from organising.selectors import with_flags
from ratings.models import RatingUpload
from unionportal.lib.months import Month

SHOWN = 5  # items of a long list shown on a home page; the page the link opens has them all
FEDERATIONS_SHOWN = 5  # federations with the most CĐCS to fill on the province's home page
PREVIEW = MemberListUpload.Outcome.PREVIEW  # the lists' "chờ xác nhận" (members.Upload has its own)


@dataclass(frozen=True)
class WaitingUpload:
    """An upload read and previewed, neither confirmed nor dropped."""

    kind: str
    file_name: str
    uploaded_at: datetime
    url: str


@dataclass
class Filling:
    """What "cần kiện toàn" shows on a home page: the counts, the CĐCS that most need it (a
    federation's) or the federations with the most to fill (the province's)."""

    attention: Attention
    rows: list[AttentionRow]
    federations: list[tuple[Organisation, AttentionCounts]]

    @property
    def total(self) -> AttentionCounts:
        return self.attention.total

    @property
    def more(self) -> int:
        """Rows not shown: the list page has them."""
        return len(self.attention.rows) - len(self.rows)


def filling(*, scope, today: date) -> Filling:
    """Cần kiện toàn on `today` for a federation (its CĐCS, the most urgent first) or the province
    (scope None: the federations with the most CĐCS to fill). Three queries."""
    attention = needs_attention(scope=scope, on=today)
    if scope is None:
        return Filling(attention, [], federations_ranked(attention, FEDERATIONS_SHOWN))
    return Filling(attention, rows_by_urgency(attention)[:SHOWN], [])


@dataclass
class FederationTodo:
    federation: Organisation
    month: Month  # the month due: the last one that has ended
    due_at: datetime
    due: BoardRow
    earlier: list[MonthlyReturn]  # earlier months of the last year not (or no longer) sent
    earlier_missing: Month | None  # the month before, if nothing at all was entered for it
    transfers: list[MemberTransfer]  # waiting for one of the federation's CĐCS to take the member
    transfers_count: int
    overdue: list  # enterprises whose next step's day has passed
    overdue_count: int
    uploads: list[WaitingUpload]
    filling: Filling

    @property
    def month_done(self) -> bool:
        return self.due.status in (MonthlyReturn.Status.SUBMITTED, MonthlyReturn.Status.APPROVED)

    @property
    def nothing_pending(self) -> bool:
        return self.month_done and not (
            self.earlier
            or self.earlier_missing
            or self.transfers_count
            or self.overdue_count
            or self.uploads
            or self.filling.total.needing
        )


def federation_todo(*, user, federation: Organisation, today: date, now: datetime | None = None) -> FederationTodo:
    """What federation staff have to do now: the month due and its state, earlier months of the
    last year not sent (sent back, unlocked, edited after sending, or never sent), member transfers
    waiting for their answer, overdue organising steps, uploads left in preview and the CĐCS whose
    officers need filling (cần kiện toàn). Twenty queries."""
    month = Month.last_complete(today)
    (due,) = board_rows(month=month, federations=[federation], now=now)
    (before,) = board_rows(month=month - 1, federations=[federation], now=now)
    earlier = list(
        MonthlyReturn.objects.filter(
            federation=federation,
            status=MonthlyReturn.Status.DRAFT,
            month__gte=(month - 12).first_day,
            month__lt=month.first_day,
        )
        .select_related("sent_back_by", "unlocked_by", "changed_by")
        .order_by("month")
    )
    transfers = MemberTransfer.objects.filter(
        status=MemberTransfer.Status.PENDING, to_cdcs__in=cdcs_now_under(user).values("pk")
    ).select_related("from_cdcs", "to_cdcs")
    # min_workers=0: only is_overdue is read here, and the priority rule does not change it.
    overdue = with_flags(federation.enterprises.all(), today=today, min_workers=0).filter(is_overdue=True)
    return FederationTodo(
        federation=federation,
        month=month,
        due_at=return_due_at(month),
        due=due,
        earlier=earlier,
        earlier_missing=month - 1 if before.monthly_return is None and before.cdcs_count else None,
        transfers=list(transfers.order_by("requested_at", "pk")[:SHOWN]),
        transfers_count=transfers.count(),
        overdue=list(overdue.order_by("next_step_on", "name")[:SHOWN]),
        overdue_count=overdue.count(),
        uploads=waiting_uploads(user=user, federation=federation),
        filling=filling(scope=federation, today=today),
    )


def waiting_uploads(*, user, federation: Organisation) -> list[WaitingUpload]:
    """The federation's uploads read but not yet confirmed or dropped, newest first: month sheets,
    member lists of its CĐCS, enterprise lists and self-assessment sheets. Four queries."""
    found = [
        WaitingUpload(
            _("Số liệu tháng %(month)s") % {"month": Month.of(upload.month)},
            upload.file_name,
            upload.uploaded_at,
            reverse("members:upload_detail", kwargs={"code": federation.code, "pk": upload.pk}),
        )
        for upload in Upload.objects.filter(federation=federation, outcome=Upload.Outcome.PREVIEW)[:SHOWN]
    ]
    lists = MemberListUpload.objects.filter(outcome=PREVIEW, cdcs__in=cdcs_now_under(user).values("pk"))
    found += [
        WaitingUpload(
            _("Danh sách đoàn viên %(cdcs)s") % {"cdcs": upload.cdcs.name},
            upload.file_name,
            upload.uploaded_at,
            reverse("members:member_list_preview", kwargs={"code": upload.cdcs.code, "pk": upload.pk}),
        )
        for upload in lists.select_related("cdcs")[:SHOWN]
    ]
    found += [
        WaitingUpload(
            _("Danh sách doanh nghiệp"),
            upload.file_name,
            upload.uploaded_at,
            reverse("organising:list_preview", kwargs={"pk": upload.pk}),
        )
        for upload in EnterpriseListUpload.objects.filter(federation=federation, outcome=PREVIEW)[:SHOWN]
    ]
    ratings = RatingUpload.objects.filter(federation=federation, outcome=PREVIEW).select_related("rubric")
    found += [
        WaitingUpload(
            _("Tự chấm điểm CĐCS năm %(year)s") % {"year": upload.rubric.year},
            upload.file_name,
            upload.uploaded_at,
            reverse(
                "ratings:upload_detail", kwargs={"year": upload.rubric.year, "code": federation.code, "pk": upload.pk}
            ),
        )
        for upload in ratings[:SHOWN]
    ]
    return sorted(found, key=lambda upload: upload.uploaded_at, reverse=True)


# --- the province's approvals queue ------------------------------------------------------------


@dataclass(frozen=True)
class Waiting:
    """A submitted federation-month waiting for the province, with its unticked warnings."""

    monthly_return: MonthlyReturn
    open_warnings: int

    @property
    def month(self) -> Month:
        return Month.of(self.monthly_return.month)


@dataclass
class DirectTodo:
    """The province's own month to enter: the CĐCS directly under it (its direct block), whose
    figures provincial staff enter and send as a federation's staff do theirs."""

    federation: Organisation
    month: Month  # the month due: the last one that has ended
    due_at: datetime
    due: BoardRow
    earlier: list[MonthlyReturn]  # earlier months of the last year not (or no longer) sent

    @property
    def month_done(self) -> bool:
        return self.due.status in (MonthlyReturn.Status.SUBMITTED, MonthlyReturn.Status.APPROVED)


def direct_todo(*, today: date, now: datetime | None = None) -> DirectTodo | None:
    """The direct block's month due and its earlier months not sent, when it has CĐCS that month
    (none without a block, or with a block not active then). Six queries at most."""
    month = Month.last_complete(today)
    block = Organisation.objects.filter(kind=Organisation.Kind.DIRECT).active_between(month, month).first()
    if block is None:
        return None
    (due,) = board_rows(month=month, federations=[block], now=now)
    if not due.cdcs_count and due.monthly_return is None:
        return None
    earlier = MonthlyReturn.objects.filter(
        federation=block,
        status=MonthlyReturn.Status.DRAFT,
        month__gte=(month - 12).first_day,
        month__lt=month.first_day,
    )
    return DirectTodo(
        federation=block,
        month=month,
        due_at=return_due_at(month),
        due=due,
        earlier=list(earlier.select_related("sent_back_by", "unlocked_by", "changed_by").order_by("month")),
    )


@dataclass
class ApprovalsQueue:
    direct: DirectTodo | None  # the province's own month to enter, beside what waits for approval
    waiting: list[Waiting]
    late: list[tuple[Month, datetime, list[BoardRow]]]  # months past their deadline, the federations that sent nothing
    transfers: list[MemberTransfer]
    transfers_count: int
    moves: list[Affiliation]  # CĐCS moving to another federation from a month still to come
    filling: Filling

    @property
    def late_count(self) -> int:
        return sum(len(rows) for _month, _due, rows in self.late)


def approvals_queue(*, user, today: date, now: datetime | None = None) -> ApprovalsQueue:
    """What the province has to do now: its own month to enter for the CĐCS directly under it,
    months submitted and waiting (oldest first), months past their deadline that some federation
    has not sent, transfers waiting, CĐCS moves to come and the province's CĐCS whose officers
    need filling (cần kiện toàn)."""
    now = now or timezone.now()
    waiting = list(
        MonthlyReturn.objects.filter(status=MonthlyReturn.Status.SUBMITTED)
        .select_related("federation", "submitted_by")
        .order_by("month", "federation__name")
    )
    warnings = open_warnings_many(waiting)
    transfers = MemberTransfer.objects.filter(status=MemberTransfer.Status.PENDING)
    this_month = Month.of(today)
    moves = Affiliation.objects.filter(valid_from__gt=this_month.first_day).select_related("cdcs", "federation")
    return ApprovalsQueue(
        direct=direct_todo(today=today, now=now),
        waiting=[Waiting(r, warnings[r.federation_id, Month.of(r.month)]) for r in waiting],
        late=late_months(user=user, today=today, now=now),
        transfers=list(transfers.select_related("from_cdcs", "to_cdcs").order_by("requested_at", "pk")[:SHOWN]),
        transfers_count=transfers.count(),
        moves=list(moves.order_by("valid_from", "cdcs__code")),
        filling=filling(scope=None, today=today),
    )


def late_months(*, user, today: date, now: datetime) -> list[tuple[Month, datetime, list[BoardRow]]]:
    """The last two months that have ended, those whose deadline has passed, each with the
    federations that have not (or no longer) sent it."""
    found = []
    last = Month.last_complete(today)
    for month in (last - 1, last):
        due_at = return_due_at(month)
        if now <= due_at:
            continue
        federations = orgs_visible_to(user).federations().active_between(month, month)
        rows = [
            row
            for row in board_rows(month=month, federations=federations, now=now)
            if row.timeliness == Timeliness.MISSING
        ]
        if rows:
            found.append((month, due_at, rows))
    return found
