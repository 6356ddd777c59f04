"""The annual rating of CĐCS (đánh giá, xếp loại CĐCS): a rubric per year, and one assessment per
CĐCS per year that keeps the self-assessment and the federation's review side by side.

Scores are stored per assessment as JSON ({criterion id: points}); totals and levels are stored
beside them (computed by ratings.scoring) so that reports read them in a few queries."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from members.models import GrassrootsUnion, Organisation
from unionportal.lib.text import NoteField
from unionportal.lib.uploads import ListUpload


class Rubric(models.Model):
    """Tiêu chí đánh giá, xếp loại CĐCS of one year."""

    class Status(models.TextChoices):
        OPEN = "open", _("đang đánh giá")
        CLOSED = "closed", _("đã khóa")

    year = models.PositiveSmallIntegerField(_("năm"), unique=True)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(_("khóa lúc"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reopen_reason = NoteField(_("lý do mở lại"), blank=True)

    class Meta:
        verbose_name = _("bộ tiêu chí đánh giá CĐCS")
        verbose_name_plural = _("bộ tiêu chí đánh giá CĐCS")
        ordering = ["-year"]

    def __str__(self):
        return _("Đánh giá, xếp loại CĐCS năm %(year)s") % {"year": self.year}

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


class CriterionGroup(models.Model):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("nhóm tiêu chí"), max_length=255)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("nhóm tiêu chí")
        verbose_name_plural = _("nhóm tiêu chí")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.name


class Criterion(models.Model):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="criteria")
    group = models.ForeignKey(CriterionGroup, verbose_name=_("nhóm"), on_delete=models.CASCADE, related_name="criteria")
    code = models.CharField(_("mã"), max_length=10, help_text=_("Tên cột trong tệp Excel, ví dụ 1.1"))
    name = models.CharField(_("tiêu chí"), max_length=255)
    max_score = models.PositiveSmallIntegerField(_("điểm tối đa"))
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("tiêu chí")
        verbose_name_plural = _("tiêu chí")
        ordering = ["group__position", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["rubric", "code"],
                name="criterion_code_unique_in_rubric",
                violation_error_message=_("Mã tiêu chí đã có trong bộ tiêu chí năm này."),
            ),
            models.CheckConstraint(
                condition=Q(max_score__gt=0),
                name="criterion_max_score_positive",
                violation_error_message=_("Điểm tối đa phải lớn hơn 0."),
            ),
        ]

    def __str__(self):
        return f"{self.code}. {self.name}"


class Level(models.Model):
    """A rating level: reached with at least min_total points, unless one of the criteria in
    requires_nonzero scores zero (then the CĐCS falls to the next level down)."""

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="levels")
    name = models.CharField(_("mức xếp loại"), max_length=100)
    min_total = models.PositiveSmallIntegerField(_("tổng điểm từ"))
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    requires_nonzero = models.ManyToManyField(
        Criterion,
        verbose_name=_("tiêu chí không được 0 điểm"),
        blank=True,
        related_name="+",
        help_text=_("CĐCS có một trong các tiêu chí này bằng 0 điểm thì không đạt mức này."),
    )

    class Meta:
        verbose_name = _("mức xếp loại")
        verbose_name_plural = _("mức xếp loại")
        ordering = ["-min_total", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["rubric", "name"],
                name="level_name_unique_in_rubric",
                violation_error_message=_("Tên mức xếp loại đã có trong năm này."),
            ),
        ]

    def __str__(self):
        return self.name


class Assessment(models.Model):
    """One CĐCS's rating for one year: its self-assessment, and the federation's review kept beside it."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("đang tự chấm")
        SELF_ASSESSED = "self_assessed", _("đã tự chấm")
        FINAL = "final", _("đã thẩm định, chốt kết quả")

    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, related_name="assessments")
    cdcs = models.ForeignKey(GrassrootsUnion, verbose_name=_("CĐCS"), on_delete=models.PROTECT, related_name="+")
    federation = models.ForeignKey(
        Organisation, verbose_name=_("công đoàn cấp trên"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("trạng thái"), max_length=15, choices=Status.choices, default=Status.DRAFT)
    self_scores = models.JSONField(_("điểm tự chấm"), default=dict, blank=True)
    self_total = models.PositiveSmallIntegerField(_("tổng điểm tự chấm"), default=0)
    self_level = models.ForeignKey(
        Level, verbose_name=_("tự xếp loại"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_scores = models.JSONField(_("điểm thẩm định"), null=True, blank=True)
    reviewed_total = models.PositiveSmallIntegerField(_("tổng điểm thẩm định"), null=True, blank=True)
    reviewed_level = models.ForeignKey(
        Level,
        verbose_name=_("xếp loại sau thẩm định"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    review_note = NoteField(_("nhận xét thẩm định"), blank=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("thẩm định lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("kết quả đánh giá CĐCS")
        verbose_name_plural = _("kết quả đánh giá CĐCS")
        ordering = ["rubric", "cdcs__code"]
        constraints = [
            models.UniqueConstraint(fields=["rubric", "cdcs"], name="assessment_one_per_cdcs_and_year"),
            models.CheckConstraint(
                condition=~Q(status="final") | Q(reviewed_total__isnull=False),
                name="assessment_final_is_reviewed",
                violation_error_message=_("Chỉ chốt kết quả khi đã có điểm thẩm định."),
            ),
        ]
        indexes = [models.Index(fields=["rubric", "federation"])]

    def __str__(self):
        return f"{self.cdcs.code} · {self.rubric.year}"

    @property
    def total(self) -> int:
        """The score that counts: the review's when there is one, else the self-assessment's."""
        return self.self_total if self.reviewed_total is None else self.reviewed_total

    @property
    def lowered_by(self) -> int:
        return 0 if self.reviewed_total is None else self.self_total - self.reviewed_total


class RatingUpload(ListUpload):
    """A self-assessment sheet uploaded for one federation and year: what was read, until it is
    confirmed or dropped."""

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="uploads")
    federation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    rows_changed = models.PositiveIntegerField(_("số CĐCS thay đổi"), default=0)

    class Meta(ListUpload.Meta):
        verbose_name = _("tệp tự chấm điểm")
        verbose_name_plural = _("tệp tự chấm điểm")
        ordering = ["-uploaded_at"]
