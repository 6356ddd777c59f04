"""A reorganisation plan (đề án sắp xếp tổ chức): for an effective month, which upper-level unions
end, which are founded, and for each CĐCS concerned where it goes: to another upper-level union, to
the province directly, merged into an existing or a new CĐCS, or ended with its members transferred
to a named CĐCS; and where the ended unions' remaining quotas go.

A draft names organisations by code (a new union or CĐCS exists only once the plan is applied), so a
plan can be built on the page or read from an Excel list before anything exists. Applying it writes
everything in one transaction and keeps what it changed (`undo_record`), so that it can be undone
until figures are entered for the effective month."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from members.models import GrassrootsUnion, Organisation, Sector, first_of_month
from targets.models import Programme
from unionportal.lib.text import CodeField, NFCCharField, NoteField
from unionportal.lib.uploads import ListUpload

# The kinds of upper-level union a plan may found (not the province, not its direct block).
UNION_KINDS = [
    (kind.value, kind.label)
    for kind in Organisation.Kind
    if kind not in (Organisation.Kind.PROVINCE, Organisation.Kind.DIRECT)
]


class Plan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        APPLIED = "applied", _("Đã áp dụng")
        UNDONE = "undone", _("Đã hoàn tác")

    class QuotaRule(models.TextChoices):
        MEMBERS = "members", _("Chia theo số đoàn viên chuyển đến")
        TYPED = "typed", _("Theo số nhập cho từng đơn vị")

    name = NFCCharField(_("tên đề án"), max_length=255)
    decision = NFCCharField(_("số, ngày quyết định"), max_length=150, blank=True)
    effective_month = models.DateField(
        _("tháng có hiệu lực"), help_text=_("Tháng đầu tiên các CĐCS trực thuộc theo cơ cấu mới.")
    )
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    quota_rule = models.CharField(
        _("chuyển chỉ tiêu"), max_length=10, choices=QuotaRule.choices, default=QuotaRule.MEMBERS
    )
    note = NoteField(_("ghi chú"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("lập lúc"), auto_now_add=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    applied_at = models.DateTimeField(_("áp dụng lúc"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    undone_at = models.DateTimeField(_("hoàn tác lúc"), null=True, blank=True)
    # What applying changed (rows created, values before), written by the apply service and read
    # by the undo service; empty for a draft.
    undo_record = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = _("đề án sắp xếp tổ chức")
        verbose_name_plural = _("đề án sắp xếp tổ chức")
        ordering = ["-effective_month", "-pk"]
        constraints = [
            models.CheckConstraint(condition=first_of_month("effective_month"), name="plan_month_starts_on_first"),
        ]

    def __str__(self):
        return self.name


class PlanEnding(models.Model):
    """An upper-level union the plan ends: its last day is the day before the effective month."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="endings")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("công đoàn cấp trên kết thúc"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("đơn vị kết thúc hoạt động")
        verbose_name_plural = _("đơn vị kết thúc hoạt động")
        constraints = [models.UniqueConstraint(fields=["plan", "organisation"], name="plan_ending_once")]

    def __str__(self):
        return str(self.organisation)


class PlanNewUnion(models.Model):
    """An upper-level union the plan founds (a commune or ward union, say), from the effective month."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="new_unions")
    code = CodeField(_("mã"))
    name = NFCCharField(_("tên"), max_length=200)
    kind = models.CharField(_("loại"), max_length=20, choices=UNION_KINDS)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        verbose_name = _("công đoàn cấp trên thành lập theo đề án")
        verbose_name_plural = _("công đoàn cấp trên thành lập theo đề án")
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="plan_new_union_code_once")]

    def __str__(self):
        return f"{self.code} – {self.name}"


class PlanNewCdcs(models.Model):
    """A CĐCS the plan founds to take in the CĐCS merged into it, from the effective month."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="new_cdcs")
    code = CodeField(_("mã CĐCS"))
    name = NFCCharField(_("tên CĐCS"), max_length=255)
    employer = NFCCharField(_("cơ quan, đơn vị, doanh nghiệp"), max_length=255)
    sector = models.CharField(_("khu vực"), max_length=20, choices=Sector.choices)
    union_code = CodeField(_("mã công đoàn cấp trên"), blank=True, help_text=_("Trống: trực thuộc LĐLĐ tỉnh."))
    cdcs = models.ForeignKey(
        GrassrootsUnion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        verbose_name = _("CĐCS thành lập theo đề án")
        verbose_name_plural = _("CĐCS thành lập theo đề án")
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="plan_new_cdcs_code_once")]

    def __str__(self):
        return f"{self.code} – {self.name}"


class PlanLine(models.Model):
    """Where one CĐCS goes. `union_code` names an upper-level union (existing or new in the plan);
    `target_code` a CĐCS that takes in the members (existing or new in the plan)."""

    class Action(models.TextChoices):
        MOVE = "move", _("Chuyển sang công đoàn cấp trên khác")
        TO_PROVINCE = "to_province", _("Chuyển về LĐLĐ tỉnh trực tiếp quản lý")
        MERGE = "merge", _("Hợp nhất vào CĐCS khác")
        END = "end", _("Kết thúc hoạt động, đoàn viên chuyển sang CĐCS khác")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveIntegerField(_("dòng"))
    cdcs = models.ForeignKey(GrassrootsUnion, verbose_name=_("CĐCS"), on_delete=models.PROTECT, related_name="+")
    action = models.CharField(_("hình thức"), max_length=20, choices=Action.choices)
    union_code = CodeField(_("đến công đoàn cấp trên (mã)"), blank=True)
    target_code = CodeField(_("CĐCS nhận đoàn viên (mã)"), blank=True)

    class Meta:
        verbose_name = _("dòng đề án")
        verbose_name_plural = _("dòng đề án")
        ordering = ["plan", "line_no"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "cdcs"], name="plan_line_one_per_cdcs"),
            models.CheckConstraint(
                condition=~Q(action__in=["move"]) | ~Q(union_code=""),
                name="plan_line_move_names_union",
            ),
            models.CheckConstraint(
                condition=~Q(action__in=["merge", "end"]) | ~Q(target_code=""),
                name="plan_line_merge_names_target",
            ),
        ]

    def __str__(self):
        return f"{self.line_no}: {self.cdcs_id} {self.action}"


class PlanQuota(models.Model):
    """Quotas an ended union hands on: for a year of a programme, what goes to one organisation
    (`union_code`, existing or new in the plan; empty for the province's direct block). Typed for
    the rule "typed"; computed and written at apply for the rule "members"."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="quotas")
    from_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    union_code = CodeField(_("đơn vị nhận (mã)"), blank=True)
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("năm"))
    new_members = models.PositiveIntegerField(_("chỉ tiêu kết nạp đoàn viên"), default=0)
    new_unions = models.PositiveIntegerField(_("chỉ tiêu thành lập CĐCS"), default=0)
    trained_officers = models.PositiveIntegerField(_("chỉ tiêu đào tạo cán bộ CĐCS"), default=0)

    class Meta:
        verbose_name = _("chỉ tiêu chuyển theo đề án")
        verbose_name_plural = _("chỉ tiêu chuyển theo đề án")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "from_organisation", "union_code", "programme", "year"], name="plan_quota_once"
            )
        ]

    def __str__(self):
        return f"{self.from_organisation_id} → {self.union_code or '-'} {self.year}"


class PlanUpload(ListUpload):
    """A plan's Excel list uploaded by provincial staff, until confirmed (a draft plan) or dropped."""

    plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.SET_NULL, related_name="uploads")

    class Meta(ListUpload.Meta):
        verbose_name = _("đề án tải lên")
        verbose_name_plural = _("đề án tải lên")


class ProvinceImport(models.Model):
    """A province's file (manage.py export_province) imported into this portal as upper-level unions
    (manage.py import_province --as-upper-unions): what was imported, by whom and when, so that the
    same file, or the same content exported again, is never imported twice."""

    sha256 = models.CharField(_("SHA-256 của tệp"), max_length=64, unique=True)
    content_sha256 = models.CharField(
        _("SHA-256 của nội dung"),
        max_length=64,
        unique=True,
        help_text=_("Của mọi dòng dữ liệu trừ phần đầu tệp: một lần xuất lại cùng dữ liệu cho cùng giá trị."),
    )
    source_code = models.CharField(_("mã tỉnh xuất"), max_length=20)
    source_name = models.CharField(_("tên tỉnh xuất"), max_length=200)
    exported_at = models.DateTimeField(_("xuất lúc"))
    file_name = models.CharField(_("tên tệp"), max_length=255)
    prefix = models.CharField(_("tiền tố mã"), max_length=20, blank=True)
    counts = models.JSONField(_("số bản ghi đã nhập"), default=dict)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField(_("nhập lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("lần nhập dữ liệu tỉnh")
        verbose_name_plural = _("lần nhập dữ liệu tỉnh")
        ordering = ["-imported_at", "-pk"]

    def __str__(self):
        return f"{self.source_code} ({self.file_name})"
