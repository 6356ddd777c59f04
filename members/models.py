"""The organisation tree, grassroots unions (CĐCS), their monthly figures and who may use them.

Months are stored as the date of their first day (see unionportal.lib.months)."""

from functools import reduce
from operator import add

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from unionportal.lib.formatting import count
from unionportal.lib.months import Month
from unionportal.lib.text import CODE_DB_PATTERN, CODE_MESSAGE, CodeField, NFCCharField, NoteField
from unionportal.lib.uploads import ListUpload


class Sector(models.TextChoices):
    PUBLIC = "public", _("Cơ quan hành chính, đơn vị sự nghiệp")
    SOE = "soe", _("Doanh nghiệp nhà nước")
    PRIVATE = "private", _("Doanh nghiệp ngoài nhà nước")
    FDI = "fdi", _("Doanh nghiệp có vốn đầu tư nước ngoài")
    COOPERATIVE = "cooperative", _("Hợp tác xã")
    OTHER = "other", _("Khác (nghiệp đoàn, …)")


class SectorGroup(models.TextChoices):
    STATE = "state", _("Khu vực nhà nước")
    NON_STATE = "non_state", _("Khu vực ngoài nhà nước")


SECTORS_OF_GROUP = {
    SectorGroup.STATE: (Sector.PUBLIC, Sector.SOE),
    SectorGroup.NON_STATE: (Sector.PRIVATE, Sector.FDI, Sector.COOPERATIVE, Sector.OTHER),
}


class LossReason(models.TextChoices):
    JOB = "job", _("Nghỉ việc, chuyển công tác")
    RETIRED = "retired", _("Nghỉ hưu")
    ENTERPRISE_CLOSED = "enterprise_closed", _("Doanh nghiệp giải thể, phá sản")
    LEFT = "left", _("Ra khỏi tổ chức, xóa tên")
    DIED = "died", _("Từ trần")
    TRANSFERRED_OUT = "transferred_out", _("Chuyển đi")
    CDCS_DISSOLVED = "cdcs_dissolved", _("CĐCS giải thể")


# One column per reason: MonthlyFigure.lost_job, .lost_retired, …
LOSS_FIELDS = {reason: f"lost_{reason.value}" for reason in LossReason}
FLOW_FIELDS = ("admitted", "transferred_in", *LOSS_FIELDS.values())

# Ceilings on one CĐCS's counts: far above anything a CĐCS reaches, far below the database's
# integer range (2,147,483,647), so that a slip of the keyboard ("1000000000000" admitted) is
# refused with a message on every path instead of being stored or ending in a database error.
# The largest workplaces in Vietnam employ a few tens of thousands (one employer near 100,000
# at the very most), so a CĐCS never admits, receives or loses 100,000 members in one month,
# and never has 1,000,000 members or workers.
FLOW_MAX = 100_000  # admitted, transferred in, each reason lost: one CĐCS, one month
STOCK_MAX = 1_000_000  # members at the start or end of a month, workers
STOCK_FIELDS = ("members_start", "members_end", "workers")


def ceiling_of(field: str) -> int:
    """The largest count a monthly figure's field (or a CĐCS's workers) may hold."""
    return STOCK_MAX if field in STOCK_FIELDS else FLOW_MAX


def too_large_message(limit: int) -> str:
    if limit == FLOW_MAX:
        return gettext("Không được lớn hơn %(max)s: không CĐCS nào có ngần ấy trong một tháng; hãy kiểm tra lại.") % {
            "max": count(limit)
        }
    return gettext("Không được lớn hơn %(max)s: không CĐCS nào có ngần ấy; hãy kiểm tra lại.") % {"max": count(limit)}


@deconstructible
class AtMost:
    """A field's ceiling (FLOW_MAX or STOCK_MAX), said in the reader's language when it refuses."""

    def __init__(self, limit: int):
        self.limit = limit

    def __call__(self, value) -> None:
        if value is not None and value > self.limit:
            raise ValidationError(too_large_message(self.limit), code="max_value")

    def __eq__(self, other) -> bool:
        return isinstance(other, AtMost) and other.limit == self.limit

    def __hash__(self) -> int:
        return hash(self.limit)


def _first_of_month(field: str) -> Q:
    return Q(**{f"{field}__day": 1})


def _code_format(name: str) -> models.CheckConstraint:
    """Codes stand in URLs: the database holds them to unionportal.lib.text's rule too."""
    return models.CheckConstraint(
        condition=Q(code__regex=CODE_DB_PATTERN), name=name, violation_error_message=CODE_MESSAGE
    )


def _refuse_look_alike_code(instance: models.Model) -> None:
    """A code that differs from another only in case ("dt01" beside "DT01") is refused: both
    would read as one in a meeting, a sheet or a URL typed by hand."""
    if not instance.code:
        return
    twin = (
        type(instance)
        .objects.filter(code__iexact=instance.code)
        .exclude(code=instance.code)
        .exclude(pk=instance.pk)
        .first()
    )
    if twin is not None:
        message = gettext("Mã %(code)s trùng với mã %(other)s của “%(name)s” (chỉ khác chữ hoa, chữ thường).")
        raise ValidationError({"code": message % {"code": instance.code, "other": twin.code, "name": twin.name}})


class OrganisationQuerySet(models.QuerySet):
    def federations(self):
        return self.exclude(kind=Organisation.Kind.PROVINCE)

    def active_between(self, start: Month, end: Month):
        """Federations that existed at some time in the months start..end."""
        return self.filter(
            Q(active_from__isnull=True) | Q(active_from__lte=end.last_day),
            Q(active_to__isnull=True) | Q(active_to__gte=start.first_day),
        )


class Organisation(models.Model):
    """The province federation (the root) and the federations under it."""

    class Kind(models.TextChoices):
        PROVINCE = "province", _("LĐLĐ tỉnh")
        DISTRICT = "district", _("LĐLĐ huyện, thành phố, thị xã")
        SECTOR = "sector", _("Công đoàn ngành")
        INDUSTRIAL_ZONE = "industrial_zone", _("Công đoàn các Khu công nghiệp")
        CORPORATE = "corporate", _("Công đoàn tổng công ty")

    code = CodeField(_("mã"), unique=True)
    name = NFCCharField(_("tên"), max_length=200)
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    position = models.PositiveSmallIntegerField(_("thứ tự hiển thị"), default=0)
    parent = models.ForeignKey(
        "self", verbose_name=_("trực thuộc"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    active_from = models.DateField(_("hoạt động từ"), null=True, blank=True)
    active_to = models.DateField(_("hoạt động đến"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", verbose_name=_("hợp nhất vào"), null=True, blank=True, on_delete=models.PROTECT, related_name="absorbed"
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("tổ chức công đoàn")
        verbose_name_plural = _("tổ chức công đoàn")
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(kind="province"),
                name="org_single_province",
                violation_error_message=_("Chỉ có một LĐLĐ tỉnh."),
            ),
            models.CheckConstraint(
                condition=Q(kind="province", parent__isnull=True) | (~Q(kind="province") & Q(parent__isnull=False)),
                name="org_only_province_is_root",
                violation_error_message=_(
                    "LĐLĐ tỉnh là gốc; mọi công đoàn cấp trên cơ sở phải trực thuộc một tổ chức."
                ),
            ),
            models.CheckConstraint(
                condition=Q(active_to__isnull=True) | Q(active_from__isnull=True) | Q(active_to__gte=F("active_from")),
                name="org_active_dates_in_order",
                violation_error_message=_("Ngày kết thúc hoạt động không được trước ngày bắt đầu."),
            ),
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | Q(active_to__isnull=False),
                name="org_merged_has_end_date",
                violation_error_message=_("Tổ chức đã hợp nhất phải có ngày kết thúc hoạt động."),
            ),
            _code_format("org_code_format"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        _refuse_look_alike_code(self)

    @property
    def is_province(self) -> bool:
        return self.kind == self.Kind.PROVINCE

    @property
    def merged_from(self) -> Month | None:
        """The first month in which this federation's CĐCS belong to the one it merged into."""
        return Month.of(self.active_to) + 1 if self.merged_into_id and self.active_to else None


class GrassrootsUnionQuerySet(models.QuerySet):
    def active_in(self, month: Month):
        """CĐCS that exist at some time during the month."""
        return self.filter(founded_on__lte=month.last_day).exclude(dissolved_on__lt=month.first_day)

    def with_federation_at(self, month: Month):
        """Annotate federation_at_id: the federation each CĐCS belonged to in that month."""
        return self.annotate(federation_at_id=Subquery(federation_at_subquery(OuterRef("pk"), month.first_day)))


class GrassrootsUnion(models.Model):
    """Công đoàn cơ sở (CĐCS). Its federation changes over time: see Affiliation."""

    code = CodeField(_("mã CĐCS"), unique=True)
    name = NFCCharField(_("tên CĐCS"), max_length=255)
    employer = NFCCharField(_("cơ quan, đơn vị, doanh nghiệp"), max_length=255)
    sector = models.CharField(_("khu vực"), max_length=20, choices=Sector.choices)
    workers = models.PositiveIntegerField(_("số lao động"), default=0, validators=[AtMost(STOCK_MAX)])
    founded_on = models.DateField(_("ngày thành lập"))
    founding_decision = models.CharField(_("số quyết định thành lập"), max_length=100, blank=True)
    dissolved_on = models.DateField(_("ngày giải thể"), null=True, blank=True)
    dissolution_reason = models.CharField(_("lý do giải thể"), max_length=255, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("hợp nhất vào"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="absorbed",
        help_text=_("Khi CĐCS này được hợp nhất vào một CĐCS khác: đoàn viên của nó đã chuyển sang đó."),
    )
    register_from = models.DateField(
        _("giữ sổ đoàn viên từ tháng"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "Tháng đầu tiên CĐCS ghi sổ đoàn viên trên cổng thông tin; từ tháng đó số liệu tháng đối chiếu được với sổ."
        ),
    )

    objects = GrassrootsUnionQuerySet.as_manager()

    class Meta:
        verbose_name = _("công đoàn cơ sở")
        verbose_name_plural = _("công đoàn cơ sở")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=F("founded_on")),
                name="cdcs_dissolved_not_before_founded",
                violation_error_message=_("Ngày giải thể không được trước ngày thành lập."),
            ),
            models.CheckConstraint(
                condition=Q(dissolved_on__isnull=True) | ~Q(dissolution_reason=""),
                name="cdcs_dissolution_has_reason",
                violation_error_message=_("Giải thể CĐCS phải ghi lý do."),
            ),
            _code_format("cdcs_code_format"),
        ]
        indexes = [models.Index(fields=["founded_on"]), models.Index(fields=["dissolved_on"])]

    def __str__(self):
        return f"{self.code} – {self.name}"

    def clean(self):
        _refuse_look_alike_code(self)

    @property
    def sector_group(self) -> str:
        return SectorGroup.STATE if self.sector in SECTORS_OF_GROUP[SectorGroup.STATE] else SectorGroup.NON_STATE

    def is_active_in(self, month: Month) -> bool:
        return self.founded_on <= month.last_day and (self.dissolved_on is None or self.dissolved_on >= month.first_day)


class Affiliation(models.Model):
    """A CĐCS belongs to `federation` from the month `valid_from` until its next affiliation."""

    cdcs = models.ForeignKey(GrassrootsUnion, on_delete=models.CASCADE, related_name="affiliations")
    federation = models.ForeignKey(
        Organisation, verbose_name=_("công đoàn cấp trên"), on_delete=models.PROTECT, related_name="affiliations"
    )
    valid_from = models.DateField(_("từ tháng"))

    class Meta:
        verbose_name = _("quá trình trực thuộc")
        verbose_name_plural = _("quá trình trực thuộc")
        ordering = ["cdcs", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["cdcs", "valid_from"], name="affiliation_one_per_month"),
            models.CheckConstraint(condition=_first_of_month("valid_from"), name="affiliation_starts_on_first"),
        ]
        indexes = [models.Index(fields=["valid_from"])]  # the moves of a range (reports.selectors._moves)

    def __str__(self):
        return f"{self.cdcs.code} → {self.federation.code} ({Month.of(self.valid_from)})"


def federation_at_subquery(cdcs_ref, first_day):
    """The federation id of the CĐCS `cdcs_ref` in the month starting on `first_day` (expression or date)."""
    return (
        Affiliation.objects.filter(cdcs=cdcs_ref, valid_from__lte=first_day)
        .order_by("-valid_from")
        .values("federation_id")[:1]
    )


def stock_identity() -> Q:
    """end = start + admitted + transferred in − lost: the database holds every row to it (a
    CheckConstraint); tests and the load scripts count the rows that would break it."""
    lost = reduce(add, (F(field) for field in LOSS_FIELDS.values()))
    return Q(members_end=F("members_start") + F("admitted") + F("transferred_in") - lost)


class MonthlyFigure(models.Model):
    """One CĐCS, one month. `federation` is the federation the CĐCS belonged to in that month,
    so history stays where it happened when CĐCS move and federations merge."""

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
    members_end = models.PositiveIntegerField(_("đoàn viên cuối kỳ"), default=0, validators=[AtMost(STOCK_MAX)])
    workers = models.PositiveIntegerField(_("số lao động"), default=0, validators=[AtMost(STOCK_MAX)])
    # Data-quality warnings (codes of members.grid.WARNINGS) that someone checked and let stand
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
            models.CheckConstraint(condition=_first_of_month("month"), name="figure_month_starts_on_first"),
            models.CheckConstraint(
                condition=stock_identity(),
                name="figure_stock_identity",
                violation_error_message=_("Cuối kỳ phải bằng đầu kỳ + kết nạp mới + chuyển đến − giảm."),
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
            models.CheckConstraint(condition=_first_of_month("month"), name="return_month_starts_on_first"),
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


class Role(models.TextChoices):
    PROVINCIAL_STAFF = "provincial_staff", _("Cán bộ Ban Tổ chức LĐLĐ tỉnh")
    FEDERATION_STAFF = "federation_staff", _("Cán bộ công đoàn cấp trên trực tiếp cơ sở")
    LEADERSHIP = "leadership", _("Lãnh đạo, thành viên Ban Chỉ đạo")


class UserProfile(models.Model):
    """What a user does in the portal. Administrators are Django superusers and need no profile."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    federation = models.ForeignKey(
        Organisation,
        verbose_name=_("công đoàn cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        help_text=_("Chỉ với cán bộ công đoàn cấp trên: đơn vị mà người này nhập và xem số liệu."),
    )
    followed_federations = models.ManyToManyField(
        Organisation,
        verbose_name=_("đơn vị phụ trách (Ban Chỉ đạo)"),
        blank=True,
        related_name="followers",
        help_text=_("Thành viên Ban Chỉ đạo: các đơn vị được phân công theo dõi, đôn đốc."),
    )

    class Meta:
        verbose_name = _("hồ sơ người dùng")
        verbose_name_plural = _("hồ sơ người dùng")
        constraints = [
            models.CheckConstraint(
                condition=Q(role="federation_staff", federation__isnull=False)
                | (~Q(role="federation_staff") & Q(federation__isnull=True)),
                name="profile_federation_only_for_federation_staff",
                violation_error_message=_(
                    "Cán bộ công đoàn cấp trên phải gắn với đúng một đơn vị; vai trò khác thì không."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.user.get_username()} ({self.get_role_display()})"


class AuditEntry(models.Model):
    """Who changed what, when and from where. Written by services only."""

    class Source(models.TextChoices):
        WEB = "web", _("trình duyệt")
        ADMIN = "admin", _("trang quản trị")
        UPLOAD = "upload", _("tải tệp Excel")
        COMMAND = "command", _("dòng lệnh")
        SYSTEM = "system", _("hệ thống")

    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người dùng"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    username = models.CharField(_("tên đăng nhập"), max_length=150, blank=True)
    action = models.CharField(_("hành động"), max_length=50, db_index=True)
    source = models.CharField(_("nguồn"), max_length=10, choices=Source.choices, default=Source.WEB)
    object_type = models.CharField(_("loại đối tượng"), max_length=50, blank=True)
    object_id = models.CharField(_("mã đối tượng"), max_length=50, blank=True)
    object_repr = models.CharField(_("đối tượng"), max_length=255, blank=True)
    federation = models.ForeignKey(
        Organisation,
        verbose_name=_("công đoàn cấp trên"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    month = models.DateField(_("tháng"), null=True, blank=True)
    data = models.JSONField(_("chi tiết"), default=dict, blank=True)

    class Meta:
        verbose_name = _("nhật ký thay đổi")
        verbose_name_plural = _("nhật ký thay đổi")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.object_repr}"


class Upload(models.Model):
    """An Excel sheet of a federation-month uploaded for import (members.sheets): the original
    file as it came, what was read from it, and what became of it. Kept in the database, so that
    app servers hold no files of their own."""

    class Outcome(models.TextChoices):
        PREVIEW = "preview", _("chờ xác nhận")
        REFUSED = "refused", _("bị từ chối")
        IMPORTED = "imported", _("đã nhập")
        UNCHANGED = "unchanged", _("không có gì thay đổi")
        DISCARDED = "discarded", _("đã hủy")

    federation = models.ForeignKey(
        Organisation, verbose_name=_("công đoàn cấp trên"), on_delete=models.PROTECT, related_name="uploads"
    )
    month = models.DateField(_("tháng"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tải lên"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)
    source = models.CharField(_("nguồn"), max_length=10, choices=AuditEntry.Source.choices)
    file_name = models.CharField(_("tên tệp"), max_length=255)
    content = models.BinaryField(_("tệp gốc"))
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(max_length=64)
    outcome = models.CharField(_("kết quả"), max_length=10, choices=Outcome.choices)
    problems = models.JSONField(_("lỗi"), default=list, blank=True)
    parsed = models.JSONField(_("số liệu đọc được"), default=dict, blank=True)
    return_version = models.PositiveIntegerField(_("phiên bản báo cáo lúc tải lên"), default=0)
    rows_changed = models.PositiveIntegerField(_("số dòng thay đổi"), default=0)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    finished_at = models.DateTimeField(_("xác nhận lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("tệp Excel tải lên")
        verbose_name_plural = _("tệp Excel tải lên")
        ordering = ["-uploaded_at", "-id"]
        indexes = [models.Index(fields=["federation", "month"])]

    def __str__(self):
        return f"{self.file_name} ({self.federation.code} {Month.of(self.month)})"


class FederationMonth(models.Model):
    """Derived data, never entered: one federation's month for one sector group, summed from the
    monthly rows and the CĐCS register by members.summary, which the write services call in the
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
    unions_founded = models.PositiveIntegerField(default=0)
    unions_dissolved = models.PositiveIntegerField(default=0)
    members_end = models.PositiveIntegerField(default=0)
    unions_end = models.PositiveIntegerField(default=0)
    # Running totals since the federation's first month, so that "since the start of the
    # programme" is one month's row minus another's instead of a sum over six years of rows.
    admitted_to_date = models.PositiveIntegerField(default=0)
    founded_to_date = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("tổng hợp tháng của công đoàn cấp trên")
        verbose_name_plural = _("tổng hợp tháng của công đoàn cấp trên")
        constraints = [
            models.UniqueConstraint(fields=["federation", "month", "sector_group"], name="summary_one_per_month"),
        ]
        indexes = [models.Index(fields=["month", "federation"])]

    def __str__(self):
        return f"{self.federation_id} {Month.of(self.month)} {self.sector_group}"


class SummaryHorizon(models.Model):
    """The last month up to which a federation's FederationMonth rows are complete."""

    federation = models.OneToOneField(
        Organisation, primary_key=True, on_delete=models.CASCADE, related_name="summary_horizon"
    )
    through = models.DateField()

    def __str__(self):
        return f"{self.federation_id} → {Month.of(self.through)}"


# --- the member register (sổ đoàn viên) ---------------------------------------------------------


class Gender(models.TextChoices):
    MALE = "male", _("Nam")
    FEMALE = "female", _("Nữ")


class MemberQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Member.Status.ACTIVE)


class Member(models.Model):
    """Một đoàn viên: a person in one CĐCS at a time. Written by members.services.people only;
    what happened to them is in their MemberEvents, which the register's monthly counts come from.

    Personal data: who may read it is members.access.members_visible_to; the ID number is shown
    masked (mask_id) except to those who ask for it, which the audit trail records."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Đang sinh hoạt")
        TRANSFERRED_OUT = "transferred_out", _("Đã chuyển đi ngoài tỉnh")
        LEFT = "left", _("Đã giảm")

    cdcs = models.ForeignKey(GrassrootsUnion, verbose_name=_("CĐCS"), on_delete=models.PROTECT, related_name="members")
    full_name = models.CharField(_("họ và tên"), max_length=150)
    # The name folded for search (members.people.fold): no diacritics, lower case, between spaces.
    search_name = models.CharField(max_length=160, editable=False, db_index=True)
    born_on = models.DateField(_("ngày sinh"), null=True, blank=True)
    gender = models.CharField(_("giới tính"), max_length=10, choices=Gender.choices, blank=True)
    ethnicity = models.CharField(_("dân tộc"), max_length=50, blank=True)
    # Twelve ASCII digits: members.people.normal_id_number turns every other way of writing them into these.
    id_number = models.CharField(
        _("số CCCD"),
        max_length=12,
        blank=True,
        validators=[RegexValidator(r"\A[0-9]{12}\Z", _("Số CCCD phải gồm đúng 12 chữ số."))],
    )
    card_number = models.CharField(_("số thẻ đoàn viên"), max_length=30, blank=True)
    # The card number as searches and lists compare it (members.people.card_key): "TN0001234" → "TN1234".
    card_key = models.CharField(max_length=30, blank=True, editable=False)
    joined_on = models.DateField(_("ngày vào công đoàn"))
    job = models.CharField(_("nghề nghiệp, chức vụ"), max_length=200, blank=True)
    status = models.CharField(_("tình trạng"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    left_on = models.DateField(_("ngày giảm"), null=True, blank=True)
    left_reason = models.CharField(_("lý do giảm"), max_length=20, choices=LossReason.choices, blank=True)
    created_at = models.DateTimeField(_("ghi sổ lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("đoàn viên")
        verbose_name_plural = _("đoàn viên")
        ordering = ["search_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number"],
                condition=~Q(id_number=""),
                name="member_id_number_unique",
                violation_error_message=_("Số CCCD này đã có trong sổ đoàn viên của tỉnh."),
            ),
            models.CheckConstraint(
                condition=Q(status="active", left_on__isnull=True, left_reason="")
                | (~Q(status="active") & Q(left_on__isnull=False) & ~Q(left_reason="")),
                name="member_left_has_date_and_reason",
                violation_error_message=_("Đoàn viên đã giảm phải có ngày và lý do giảm."),
            ),
        ]
        indexes = [
            models.Index(fields=["cdcs", "status"]),
            models.Index(fields=["id_number"]),
            models.Index(fields=["card_key"]),
        ]

    def __str__(self):
        # Audit entries and messages name a member by record number only: no personal data there.
        return gettext("Đoàn viên #%(pk)s") % {"pk": self.pk}

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class MemberTransfer(models.Model):
    """A transfer between two CĐCS of the province (chuyển sinh hoạt): it waits until the receiving
    CĐCS accepts it; then the member leaves one and arrives in the other on the same day."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ tiếp nhận")
        ACCEPTED = "accepted", _("Đã tiếp nhận")
        REJECTED = "rejected", _("Bị từ chối")
        CANCELLED = "cancelled", _("Đã hủy")

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="transfers")
    from_cdcs = models.ForeignKey(
        GrassrootsUnion, verbose_name=_("từ CĐCS"), on_delete=models.PROTECT, related_name="transfers_out"
    )
    to_cdcs = models.ForeignKey(
        GrassrootsUnion, verbose_name=_("đến CĐCS"), on_delete=models.PROTECT, related_name="transfers_in"
    )
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.PENDING)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("đề nghị lúc"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("quyết định lúc"), null=True, blank=True)
    accepted_on = models.DateField(_("ngày tiếp nhận"), null=True, blank=True)
    decision_note = models.CharField(_("lý do"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("chuyển sinh hoạt đoàn viên")
        verbose_name_plural = _("chuyển sinh hoạt đoàn viên")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(status="pending"),
                name="transfer_one_pending_per_member",
                violation_error_message=_("Đoàn viên này đang có một đề nghị chuyển sinh hoạt chờ tiếp nhận."),
            ),
            models.CheckConstraint(condition=~Q(from_cdcs=F("to_cdcs")), name="transfer_between_two_cdcs"),
            models.CheckConstraint(
                condition=~Q(status="accepted") | Q(accepted_on__isnull=False), name="transfer_accepted_has_date"
            ),
        ]
        indexes = [models.Index(fields=["to_cdcs", "status"]), models.Index(fields=["from_cdcs", "status"])]

    def __str__(self):
        return gettext("Chuyển sinh hoạt #%(pk)s") % {"pk": self.pk}


class MemberEvent(models.Model):
    """What happened to a member in a CĐCS on a day: the register's counts for a month are counts
    of these (members.people.register_figures), as the monthly figures are of people.

    OPENING puts a member who was in the CĐCS before it kept its register here into its stock from
    the month the register starts, without counting as a flow of that month."""

    class Kind(models.TextChoices):  # what happened to one person, hence the context
        OPENING = "opening", _("Ghi sổ (đã là đoàn viên)")
        ADMITTED = "admitted", pgettext_lazy("member event", "Kết nạp mới")
        TRANSFERRED_IN = "transferred_in", pgettext_lazy("member event", "Chuyển đến")
        LOST = "lost", pgettext_lazy("member event", "Giảm")

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="events")
    cdcs = models.ForeignKey(GrassrootsUnion, on_delete=models.PROTECT, related_name="member_events")
    kind = models.CharField(_("sự kiện"), max_length=20, choices=Kind.choices)
    reason = models.CharField(_("lý do giảm"), max_length=20, choices=LossReason.choices, blank=True)
    on = models.DateField(_("ngày"))
    month = models.DateField(_("tháng"))
    transfer = models.ForeignKey(MemberTransfer, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("ghi lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("biến động đoàn viên")
        verbose_name_plural = _("biến động đoàn viên")
        ordering = ["on", "pk"]
        constraints = [
            models.CheckConstraint(condition=_first_of_month("month"), name="member_event_month_starts_on_first"),
            models.CheckConstraint(
                condition=(Q(kind="lost") & ~Q(reason="")) | (~Q(kind="lost") & Q(reason="")),
                name="member_event_loss_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["cdcs", "month"])]

    def __str__(self):
        return f"{self.member_id} {self.kind} {self.on}"


class MemberListUpload(ListUpload):
    """A member list (Excel) uploaded for one CĐCS: what was read, until it is confirmed or dropped.
    The file itself is not kept, and what was read is emptied once the upload is finished: the
    register holds the personal data, not a second copy of it."""

    cdcs = models.ForeignKey(GrassrootsUnion, on_delete=models.CASCADE, related_name="member_uploads")
    month = models.DateField(_("tháng ghi sổ"))
    sha256 = models.CharField(max_length=64)
    rows_created = models.PositiveIntegerField(_("số đoàn viên thêm mới"), default=0)
    rows_updated = models.PositiveIntegerField(_("số đoàn viên cập nhật"), default=0)

    class Meta(ListUpload.Meta):
        verbose_name = _("danh sách đoàn viên tải lên")
        verbose_name_plural = _("danh sách đoàn viên tải lên")

    def __str__(self):
        return f"{self.file_name} ({self.cdcs.code})"
