"""The monthly figures: one CĐCS's month (MonthlyFigure), a federation's month and its
submission (MonthlyReturn), and the per-federation monthly summary derived from them
(FederationMonth, SectorMonth, SummaryHorizon)."""

from functools import reduce
from operator import add

from django.conf import settings
from django.db import connections, models
from django.db.models import F, Q, Subquery
from django.utils.translation import gettext_lazy as _

from unionportal.lib.bulk import QuickLoad
from unionportal.lib.months import Month
from unionportal.lib.text import NoteField

from .counts import FLOW_MAX, LOSS_FIELDS, STOCK_MAX, AtMost, LossReason, first_of_month
from .org import GrassrootsUnion, Organisation, Sector, SectorGroup


def stock_identity() -> Q:
    """end = start + admitted + transferred in − lost: the database holds every row to it (a
    CheckConstraint); tests and the load scripts count the rows that would break it."""
    lost = reduce(add, (F(field) for field in LOSS_FIELDS.values()))
    return Q(members_end=F("members_start") + F("admitted") + F("transferred_in") - lost)


class MonthlyFigureQuerySet(models.QuerySet):
    def before(self, day) -> "MonthlyFigureQuerySet":
        """The rows of months before `day` (a month's first day, or OuterRef to one). On PostgreSQL,
        which keeps the rows in a table per year since 1990 (migration 0015), also from the first
        month any row has: found once per query (one step down each year's index), it lets
        PostgreSQL skip, for each CĐCS looked up ("its latest row before the month", "has it any"),
        the years' tables that hold nothing. A sheet's 20,000 CĐCS were each looked for in 32 of
        them (363 ms); now in those of the years since the first row (59 ms for one)."""
        rows = self.filter(month__lt=day)
        if connections[self.db].vendor == "postgresql":
            rows = rows.filter(month__gte=Subquery(MonthlyFigure.objects.order_by("month").values("month")[:1]))
        return rows


class MonthlyFigure(QuickLoad, models.Model):
    """One CĐCS, one month. `federation` is the federation the CĐCS belonged to in that month,
    so history stays where it happened when CĐCS move and federations merge."""

    partition_key = "month"  # PostgreSQL keeps the rows in a table per year (migration 0015): lib.bulk.update_many

    cdcs = models.ForeignKey(GrassrootsUnion, verbose_name=_("CĐCS"), on_delete=models.PROTECT, related_name="figures")
    month = models.DateField(_("tháng"))
    federation = models.ForeignKey(
        Organisation, verbose_name=_("công đoàn cấp trên"), on_delete=models.PROTECT, related_name="figures"
    )
    members_start = models.PositiveIntegerField(_("đoàn viên đầu kỳ"), default=0, validators=[AtMost(STOCK_MAX)])
    admitted = models.PositiveIntegerField(_("kết nạp mới"), default=0, validators=[AtMost(FLOW_MAX)])
    transferred_in = models.PositiveIntegerField(_("chuyển đến"), default=0, validators=[AtMost(FLOW_MAX)])
    lost_job = models.PositiveIntegerField(LossReason.JOB.label, default=0, validators=[AtMost(FLOW_MAX)])
    lost_retired = models.PositiveIntegerField(LossReason.RETIRED.label, default=0, validators=[AtMost(FLOW_MAX)])
    lost_enterprise_closed = models.PositiveIntegerField(
        LossReason.ENTERPRISE_CLOSED.label, default=0, validators=[AtMost(FLOW_MAX)]
    )
    lost_left = models.PositiveIntegerField(LossReason.LEFT.label, default=0, validators=[AtMost(FLOW_MAX)])
    lost_died = models.PositiveIntegerField(LossReason.DIED.label, default=0, validators=[AtMost(FLOW_MAX)])
    lost_transferred_out = models.PositiveIntegerField(
        LossReason.TRANSFERRED_OUT.label, default=0, validators=[AtMost(FLOW_MAX)]
    )
    lost_cdcs_dissolved = models.PositiveIntegerField(
        LossReason.CDCS_DISSOLVED.label, default=0, validators=[AtMost(FLOW_MAX)]
    )
    # Of transferred_in and lost_transferred_out, the members moved by a reorganisation plan
    # (written by the plan, never typed): see REORG_FIELDS.
    reorg_in = models.PositiveIntegerField(_("chuyển đến do sắp xếp tổ chức"), default=0, editable=False)
    reorg_out = models.PositiveIntegerField(_("chuyển đi do sắp xếp tổ chức"), default=0, editable=False)
    members_end = models.PositiveIntegerField(_("đoàn viên cuối kỳ"), default=0, validators=[AtMost(STOCK_MAX)])
    workers = models.PositiveIntegerField(_("số lao động"), default=0, validators=[AtMost(STOCK_MAX)])
    # Data-quality warnings (codes of members.figures.grid.WARNINGS) that someone checked and let stand
    # for these very figures; cleared whenever the figures change.
    acknowledged_warnings = models.JSONField(_("cảnh báo đã kiểm tra"), default=list, blank=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người cập nhật"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = MonthlyFigureQuerySet.as_manager()

    class Meta:
        verbose_name = _("số liệu tháng của CĐCS")
        verbose_name_plural = _("số liệu tháng của CĐCS")
        ordering = ["month", "cdcs"]
        constraints = [
            models.UniqueConstraint(
                fields=["cdcs", "month"],
                name="figure_one_per_cdcs_month",
                violation_error_message=_("CĐCS này đã có số liệu của tháng đó."),
            ),
            models.CheckConstraint(condition=first_of_month("month"), name="figure_month_starts_on_first"),
            models.CheckConstraint(
                condition=stock_identity(),
                name="figure_stock_identity",
                violation_error_message=_("Cuối kỳ phải bằng đầu kỳ + kết nạp mới + chuyển đến − giảm."),
            ),
            models.CheckConstraint(
                condition=Q(reorg_in__lte=F("transferred_in")) & Q(reorg_out__lte=F("lost_transferred_out")),
                name="figure_reorganisation_within_transfers",
                violation_error_message=_(
                    "Số chuyển đến, chuyển đi không được nhỏ hơn phần do sắp xếp tổ chức đã ghi trong tháng."
                ),
            ),
        ]
        indexes = [models.Index(fields=["federation", "month"]), models.Index(fields=["month"])]

    def __str__(self):
        return f"{self.cdcs.code} {Month.of(self.month)}"

    @property
    def lost(self) -> int:
        return sum(getattr(self, field) for field in LOSS_FIELDS.values())


class MonthlyReturn(models.Model):
    """A federation's month (its submission): draft → submitted → approved (locked)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Đang nhập")
        SUBMITTED = "submitted", _("Đã gửi")
        APPROVED = "approved", _("Đã duyệt, khóa số liệu")

    federation = models.ForeignKey(
        Organisation, verbose_name=_("công đoàn cấp trên"), on_delete=models.PROTECT, related_name="returns"
    )
    month = models.DateField(_("tháng"))
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    # Bumped on every change to the month's figures, so that a later save can tell it worked on a stale copy.
    version = models.PositiveIntegerField(_("phiên bản"), default=0)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người sửa gần nhất"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("sửa lần cuối lúc"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(_("duyệt lúc"), null=True, blank=True)
    unlocked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    unlocked_at = models.DateTimeField(_("mở khóa lúc"), null=True, blank=True)
    unlock_reason = NoteField(_("lý do mở khóa"), blank=True)
    # Provincial staff sent a submitted month back for correction; the federation sees why until
    # it submits again (the next submission clears these; the audit trail keeps every one).
    sent_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_back_at = models.DateTimeField(_("trả lại lúc"), null=True, blank=True)
    send_back_reason = NoteField(_("lý do trả lại"), blank=True)

    class Meta:
        verbose_name = _("báo cáo tháng của công đoàn cấp trên")
        verbose_name_plural = _("báo cáo tháng của công đoàn cấp trên")
        ordering = ["-month", "federation"]
        constraints = [
            models.UniqueConstraint(fields=["federation", "month"], name="return_one_per_federation_month"),
            models.CheckConstraint(condition=first_of_month("month"), name="return_month_starts_on_first"),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(approved_at__isnull=False), name="return_approved_has_time"
            ),
            models.CheckConstraint(
                condition=Q(sent_back_at__isnull=True) | (Q(status="draft") & ~Q(send_back_reason="")),
                name="return_sent_back_is_draft_with_reason",
            ),
        ]

    def __str__(self):
        return f"{self.federation.code} {Month.of(self.month)} ({self.get_status_display()})"

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def is_sent_back(self) -> bool:
        return self.sent_back_at is not None

    @property
    def needs_resubmit(self) -> bool:
        """Sent once, and back in draft since (sent back, unlocked or edited): it must be sent again."""
        return self.status == self.Status.DRAFT and self.submitted_at is not None

    @property
    def edited_after_submit(self) -> bool:
        """Back in draft because its figures changed after it was sent, not by a decision of the province."""
        unlocked_since = self.unlocked_at is not None and self.unlocked_at >= self.submitted_at
        return self.needs_resubmit and not self.is_sent_back and not unlocked_since


class FederationMonth(models.Model):
    """Derived data, never entered: one federation's month for one sector group, summed from the
    monthly rows and the CĐCS register by members.figures.summary, which the write services call in the
    same transaction as every change. Reports read it instead of millions of monthly rows.

    Flows and CĐCS founded/dissolved are those of the month; members_end and unions_end are the
    stock at the end of the month, as reports.selectors has always counted it (a CĐCS without a
    row that month carries its latest end stock). No row means all zero, up to the federation's
    SummaryHorizon; once anything happened, every later month has a row (its running totals are
    not zero)."""

    federation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="summaries")
    month = models.DateField()
    sector_group = models.CharField(max_length=10, choices=SectorGroup.choices)
    admitted = models.PositiveIntegerField(default=0)
    transferred_in = models.PositiveIntegerField(default=0)
    lost_job = models.PositiveIntegerField(default=0)
    lost_retired = models.PositiveIntegerField(default=0)
    lost_enterprise_closed = models.PositiveIntegerField(default=0)
    lost_left = models.PositiveIntegerField(default=0)
    lost_died = models.PositiveIntegerField(default=0)
    lost_transferred_out = models.PositiveIntegerField(default=0)
    lost_cdcs_dissolved = models.PositiveIntegerField(default=0)
    # Of transferred_in and lost_transferred_out: members moved by a reorganisation plan.
    reorg_in = models.PositiveIntegerField(default=0)
    reorg_out = models.PositiveIntegerField(default=0)
    # CĐCS founded / dissolved in the month, not counting those a reorganisation plan founded or
    # ended, which are counted apart (unions_reorg_founded, unions_reorg_ended).
    unions_founded = models.PositiveIntegerField(default=0)
    unions_dissolved = models.PositiveIntegerField(default=0)
    unions_reorg_founded = models.PositiveIntegerField(default=0)
    unions_reorg_ended = models.PositiveIntegerField(default=0)
    # CĐCS that came from, or left for, another federation in the month (a change of affiliation),
    # and the members they took: their end stock of the latest month before, with a row.
    members_moved_in = models.PositiveIntegerField(default=0)
    members_moved_out = models.PositiveIntegerField(default=0)
    unions_moved_in = models.PositiveIntegerField(default=0)  # of them, CĐCS not dissolved by then
    unions_moved_out = models.PositiveIntegerField(default=0)
    members_end = models.PositiveIntegerField(default=0)
    unions_end = models.PositiveIntegerField(default=0)
    # Running totals since the federation's first month of every flow and event above, so that
    # the flows of any range are one month's row minus another's instead of a sum over its months
    # (members.figures.summary.RUNNING pairs each column with its total).
    admitted_to_date = models.PositiveIntegerField(default=0)
    transferred_in_to_date = models.PositiveIntegerField(default=0)
    lost_job_to_date = models.PositiveIntegerField(default=0)
    lost_retired_to_date = models.PositiveIntegerField(default=0)
    lost_enterprise_closed_to_date = models.PositiveIntegerField(default=0)
    lost_left_to_date = models.PositiveIntegerField(default=0)
    lost_died_to_date = models.PositiveIntegerField(default=0)
    lost_transferred_out_to_date = models.PositiveIntegerField(default=0)
    lost_cdcs_dissolved_to_date = models.PositiveIntegerField(default=0)
    reorg_in_to_date = models.PositiveIntegerField(default=0)
    reorg_out_to_date = models.PositiveIntegerField(default=0)
    founded_to_date = models.PositiveIntegerField(default=0)  # of unions_founded
    unions_dissolved_to_date = models.PositiveIntegerField(default=0)
    unions_reorg_founded_to_date = models.PositiveIntegerField(default=0)
    unions_reorg_ended_to_date = models.PositiveIntegerField(default=0)
    members_moved_in_to_date = models.PositiveIntegerField(default=0)
    members_moved_out_to_date = models.PositiveIntegerField(default=0)
    unions_moved_in_to_date = models.PositiveIntegerField(default=0)
    unions_moved_out_to_date = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("tổng hợp tháng của công đoàn cấp trên")
        verbose_name_plural = _("tổng hợp tháng của công đoàn cấp trên")
        constraints = [
            models.UniqueConstraint(fields=["federation", "month", "sector_group"], name="summary_one_per_month"),
        ]
        indexes = [models.Index(fields=["month", "federation"])]

    def __str__(self):
        return f"{self.federation_id} {Month.of(self.month)} {self.sector_group}"


class SectorMonth(models.Model):
    """Derived data beside FederationMonth, written by the same refresh: what one federation's CĐCS
    of one sector reported in their rows of a month, members at the end and workers, from which the
    dashboard draws union density (đoàn viên / lao động) without reading the month's rows. No row
    means no row of that sector that month."""

    federation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="sector_summaries")
    month = models.DateField()
    sector = models.CharField(max_length=20, choices=Sector.choices)
    members = models.PositiveIntegerField(default=0)
    workers = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("tổng hợp tháng theo loại hình")
        verbose_name_plural = _("tổng hợp tháng theo loại hình")
        constraints = [
            models.UniqueConstraint(fields=["federation", "month", "sector"], name="sector_summary_one_per_month"),
        ]
        indexes = [models.Index(fields=["month", "federation"])]

    def __str__(self):
        return f"{self.federation_id} {Month.of(self.month)} {self.sector}"


class SummaryHorizon(models.Model):
    """The last month up to which a federation's FederationMonth rows are complete."""

    federation = models.OneToOneField(
        Organisation, primary_key=True, on_delete=models.CASCADE, related_name="summary_horizon"
    )
    through = models.DateField()

    def __str__(self):
        return f"{self.federation_id} → {Month.of(self.through)}"
