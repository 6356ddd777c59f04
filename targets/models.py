"""Programmes (chương trình) and the yearly quotas (chỉ tiêu) they hand to each organisation."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from members.models import Organisation


class ProgrammeQuerySet(models.QuerySet):
    def covering(self, year: int):
        return self.filter(first_year__lte=year, last_year__gte=year)

    def for_year(self, year: int) -> "Programme | None":
        """The programme whose years cover the year: the newest when two overlap."""
        return self.covering(year).order_by("-first_year", "-pk").first()


class Programme(models.Model):
    """For example "Chương trình số 04/CTr-LĐLĐ ngày 11/7/2018 … giai đoạn 2018–2023"."""

    name = models.CharField(_("tên chương trình"), max_length=255)
    document_number = models.CharField(_("số văn bản"), max_length=50)
    document_date = models.DateField(_("ngày ban hành"))
    first_year = models.PositiveSmallIntegerField(_("từ năm"))
    last_year = models.PositiveSmallIntegerField(_("đến năm"))

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("chương trình")
        verbose_name_plural = _("chương trình")
        ordering = ["-first_year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_year__gte=F("first_year")),
                name="programme_years_in_order",
                violation_error_message=_("Năm kết thúc không được trước năm bắt đầu."),
            ),
            models.UniqueConstraint(fields=["document_number", "document_date"], name="programme_unique_document"),
        ]

    def __str__(self):
        return f"{self.document_number} ({self.first_year}–{self.last_year})"

    @property
    def years(self) -> range:
        return range(self.first_year, self.last_year + 1)


class Quota(models.Model):
    """One organisation's quotas for one year of a programme. The province's come from the
    national confederation; the federations' from the province and should add up to it."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("chương trình"), on_delete=models.CASCADE, related_name="quotas"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="quotas"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    new_members = models.PositiveIntegerField(_("chỉ tiêu kết nạp đoàn viên"), default=0)
    new_unions = models.PositiveIntegerField(_("chỉ tiêu thành lập CĐCS"), default=0)
    trained_officers = models.PositiveIntegerField(_("chỉ tiêu đào tạo cán bộ CĐCS"), default=0)

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["programme", "organisation", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "organisation", "year"],
                name="quota_one_per_programme_org_year",
                violation_error_message=_("Đơn vị này đã có chỉ tiêu của năm đó trong chương trình."),
            ),
        ]

    def __str__(self):
        return f"{self.organisation.code} {self.year}: {self.new_members}/{self.new_unions}"

    def clean(self):
        if self.programme_id and self.year and self.year not in self.programme.years:
            raise ValidationError(
                {
                    "year": _("Năm %(year)s nằm ngoài chương trình (%(first)s–%(last)s).")
                    % {"year": self.year, "first": self.programme.first_year, "last": self.programme.last_year}
                }
            )
