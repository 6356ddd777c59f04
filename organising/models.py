"""Enterprises that have no grassroots union yet, and the organising work that leads to one.

An enterprise moves through the stages of Stage; every move is a StageChange (so the funnel of
any past date and the conversion over a year can be computed), every visit or call a Contact.
When its CĐCS is founded, the enterprise links to it in the CĐCS register, which is where the
quota report counts it."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from members.models import GrassrootsUnion, Organisation, Sector
from unionportal.lib.text import NFCCharField, NoteField
from unionportal.lib.uploads import ListUpload

# 10 digits for an enterprise, 10-3 for a branch (mã số thuế đơn vị phụ thuộc).
TAX_CODE_PATTERN = r"^\d{10}(-\d{3})?$"


class Stage(models.TextChoices):
    IDENTIFIED = "identified", _("Đã xác định")
    APPROACHED = "approached", _("Đã tuyên truyền")
    COMMITTEE = "committee", _("Có ban vận động")
    FOUNDED = "founded", _("Đã thành lập CĐCS")
    STALLED = "stalled", _("Tạm dừng")


# The stages that are still being worked on, in their order.
OPEN_STAGES = (Stage.IDENTIFIED, Stage.APPROACHED, Stage.COMMITTEE)


class StallReason(models.TextChoices):
    EMPLOYER_REFUSES = "employer_refuses", _("Chủ doanh nghiệp không đồng ý")
    TOO_FEW_WORKERS = "too_few_workers", _("Quá ít lao động")
    WORKERS_NOT_INTERESTED = "workers_not_interested", _("Người lao động chưa có nhu cầu")
    ENTERPRISE_CLOSED = "enterprise_closed", _("Doanh nghiệp ngừng hoạt động, giải thể")
    OTHER = "other", _("Lý do khác")


class Enterprise(models.Model):
    """An employer in the province, with or without a CĐCS."""

    name = NFCCharField(_("tên doanh nghiệp"), max_length=255)
    tax_code = models.CharField(
        _("mã số thuế"),
        max_length=14,
        unique=True,
        validators=[RegexValidator(TAX_CODE_PATTERN, _("Mã số thuế gồm 10 chữ số, hoặc 10 chữ số - 3 chữ số."))],
    )
    address = NFCCharField(_("địa chỉ"), max_length=255, blank=True)
    federation = models.ForeignKey(
        Organisation,
        verbose_name=_("công đoàn cấp trên phụ trách"),
        on_delete=models.PROTECT,
        related_name="enterprises",
    )
    sector = models.CharField(_("khu vực"), max_length=20, choices=Sector.choices)
    workers = models.PositiveIntegerField(_("số lao động"), default=0)
    has_union = models.BooleanField(
        _("đã có CĐCS"),
        default=False,
        help_text=_("Đánh dấu khi doanh nghiệp đã có CĐCS, kể cả CĐCS chưa có trên cổng thông tin."),
    )
    cdcs = models.OneToOneField(
        GrassrootsUnion,
        verbose_name=_("CĐCS"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enterprise",
    )
    stage = models.CharField(_("giai đoạn"), max_length=20, choices=Stage.choices, default=Stage.IDENTIFIED)
    stage_since = models.DateField(_("ở giai đoạn này từ ngày"))
    stall_reason = models.CharField(_("lý do tạm dừng"), max_length=30, choices=StallReason.choices, blank=True)
    next_step = models.CharField(_("việc tiếp theo"), max_length=255, blank=True)
    next_step_on = models.DateField(_("hạn việc tiếp theo"), null=True, blank=True)
    lent_staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ tỉnh hỗ trợ"),
        blank=True,
        related_name="assisted_enterprises",
        help_text=_("Cán bộ LĐLĐ tỉnh được tăng cường cho công đoàn cấp trên để giúp thành lập CĐCS."),
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("doanh nghiệp")
        verbose_name_plural = _("doanh nghiệp")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cdcs__isnull=True) | Q(has_union=True),
                name="enterprise_cdcs_means_union",
                violation_error_message=_("Doanh nghiệp gắn với một CĐCS thì đã có CĐCS."),
            ),
            models.CheckConstraint(
                condition=~Q(stage="founded") | Q(cdcs__isnull=False),
                name="enterprise_founded_has_cdcs",
                violation_error_message=_("Giai đoạn “Đã thành lập CĐCS” phải gắn với CĐCS trong sổ CĐCS."),
            ),
            models.CheckConstraint(
                condition=Q(stage="stalled", stall_reason__gt="") | (~Q(stage="stalled") & Q(stall_reason="")),
                name="enterprise_stall_has_reason",
                violation_error_message=_("Tạm dừng phải ghi lý do; các giai đoạn khác không có lý do tạm dừng."),
            ),
        ]
        indexes = [models.Index(fields=["federation", "stage"]), models.Index(fields=["next_step_on"])]

    def __str__(self):
        return f"{self.name} ({self.tax_code})"

    def clean(self):
        if self.stage in OPEN_STAGES and self.has_union:
            raise ValidationError({"stage": _("Doanh nghiệp đã có CĐCS thì không còn trong quá trình vận động.")})


class StageChange(models.Model):
    """One move of an enterprise from a stage to another (the first has no `from_stage`)."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(_("từ giai đoạn"), max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("sang giai đoạn"), max_length=20, choices=Stage.choices)
    on = models.DateField(_("ngày"))
    reason = models.CharField(_("lý do tạm dừng"), max_length=30, choices=StallReason.choices, blank=True)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người ghi"), null=True, blank=True, on_delete=models.SET_NULL
    )
    recorded_at = models.DateTimeField(_("ghi lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("chuyển giai đoạn")
        verbose_name_plural = _("chuyển giai đoạn")
        ordering = ["enterprise", "on", "pk"]
        indexes = [models.Index(fields=["on"])]

    def __str__(self):
        return f"{self.enterprise_id}: {self.from_stage or '–'} → {self.to_stage} ({self.on})"


class Contact(models.Model):
    """A visit, a meeting or a call with an enterprise (tiếp xúc, tuyên truyền)."""

    class Kind(models.TextChoices):
        VISIT = "visit", _("Đến làm việc")
        MEETING = "meeting", _("Gặp gỡ, tuyên truyền người lao động")
        CALL = "call", _("Điện thoại, văn bản")

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="contacts")
    on = models.DateField(_("ngày"))
    kind = models.CharField(_("hình thức"), max_length=10, choices=Kind.choices, default=Kind.VISIT)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người ghi"), null=True, blank=True, on_delete=models.SET_NULL
    )
    people = models.CharField(_("cán bộ tham gia"), max_length=255, blank=True)
    outcome = NoteField(_("kết quả"))
    next_step = models.CharField(_("việc tiếp theo"), max_length=255, blank=True)
    next_step_on = models.DateField(_("hạn việc tiếp theo"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("ghi lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("lần tiếp xúc")
        verbose_name_plural = _("lần tiếp xúc")
        ordering = ["-on", "-pk"]

    def __str__(self):
        return f"{self.enterprise_id} {self.on}"


class PriorityRule(models.Model):
    """The province's thresholds for the organising work: one row, edited by provincial staff."""

    min_workers = models.PositiveIntegerField(
        _("ưu tiên doanh nghiệp từ (lao động)"),
        default=25,
        help_text=_("Doanh nghiệp chưa có CĐCS có từ số lao động này trở lên được ưu tiên vận động trước."),
    )
    stuck_days = models.PositiveIntegerField(
        _("coi là chậm sau (ngày)"),
        default=90,
        help_text=_("Doanh nghiệp ở một giai đoạn lâu hơn số ngày này được nêu trong báo cáo Ban Chỉ đạo."),
    )

    class Meta:
        verbose_name = _("ngưỡng ưu tiên vận động")
        verbose_name_plural = _("ngưỡng ưu tiên vận động")

    def __str__(self):
        return str(self._meta.verbose_name)

    @classmethod
    def current(cls) -> "PriorityRule":
        rule = cls.objects.order_by("pk").first()
        return rule or cls()


class EnterpriseListUpload(ListUpload):
    """An enterprise list (Excel) uploaded by provincial or federation staff, until confirmed or dropped."""

    federation = models.ForeignKey(
        Organisation,
        verbose_name=_("công đoàn cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Trống khi danh sách của cả tỉnh (do LĐLĐ tỉnh tải lên)."),
    )
    sha256 = models.CharField(max_length=64)
    rows_created = models.PositiveIntegerField(_("số doanh nghiệp thêm mới"), default=0)
    rows_updated = models.PositiveIntegerField(_("số doanh nghiệp cập nhật"), default=0)

    class Meta(ListUpload.Meta):
        verbose_name = _("danh sách doanh nghiệp tải lên")
        verbose_name_plural = _("danh sách doanh nghiệp tải lên")
