"""The organisation tree: the province federation, the federations under it, the grassroots
unions (CĐCS) and which federation each CĐCS belonged to month by month (Affiliation), which is
how CĐCS moves and federation merges keep history where it happened."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from unionportal.lib.bulk import QuickLoad
from unionportal.lib.months import Month
from unionportal.lib.text import CODE_DB_PATTERN, CODE_MESSAGE, CodeField, NFCCharField

from .counts import STOCK_MAX, AtMost, first_of_month


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


class Organisation(QuickLoad, models.Model):
    """The province federation (the root) and the federations under it."""

    class Kind(models.TextChoices):
        PROVINCE = "province", _("LĐLĐ tỉnh")
        DISTRICT = "district", _("LĐLĐ huyện, thành phố, thị xã")
        SECTOR = "sector", _("Công đoàn ngành")
        INDUSTRIAL_ZONE = "industrial_zone", _("Công đoàn các Khu công nghiệp")
        CORPORATE = "corporate", _("Công đoàn tổng công ty")
        COMMUNE = "commune", _("Công đoàn xã, phường, đặc khu")
        # The province acting as the upper union of the CĐCS it leads directly: one line of its
        # own in every report, grid and quota table, beside the upper-level unions, so that its
        # quota and its monthly return stay apart from the province's total.
        DIRECT = "direct", _("CĐCS trực thuộc LĐLĐ tỉnh")

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
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(kind="direct"),
                name="org_single_direct_block",
                violation_error_message=_("LĐLĐ tỉnh chỉ có một khối CĐCS trực thuộc."),
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
    def is_direct(self) -> bool:
        """The province's own block of CĐCS directly under it."""
        return self.kind == self.Kind.DIRECT

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

    def under(self, federation_id: int, month: Month):
        """CĐCS under the federation in that month: with_federation_at(month).filter(federation_at_id=…)
        without asking every CĐCS of the province for its federation. It starts from the federation's
        own affiliations and keeps those no later one replaced by then: a few milliseconds where
        the other takes 30 among 25,000 CĐCS (bench/register_scale.py)."""
        first_day = month.first_day
        replaced = Affiliation.objects.filter(
            cdcs=OuterRef("cdcs"), valid_from__gt=OuterRef("valid_from"), valid_from__lte=first_day
        )
        current = Affiliation.objects.filter(federation_id=federation_id, valid_from__lte=first_day).exclude(
            Exists(replaced)
        )
        return self.filter(pk__in=current.values("cdcs_id"))


class GrassrootsUnion(QuickLoad, models.Model):
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
    # Founded or ended by a reorganisation plan (đề án sắp xếp tổ chức), not by organising or
    # closing a workplace: reports count these in their own line, not as founded or lost CĐCS.
    founded_by_reorganisation = models.BooleanField(_("thành lập do sắp xếp tổ chức"), default=False)
    ended_by_reorganisation = models.BooleanField(_("kết thúc do sắp xếp tổ chức"), default=False)
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
            models.CheckConstraint(
                condition=Q(ended_by_reorganisation=False) | Q(dissolved_on__isnull=False),
                name="cdcs_reorganisation_end_has_day",
                violation_error_message=_("CĐCS kết thúc do sắp xếp tổ chức phải có ngày kết thúc."),
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
            models.CheckConstraint(condition=first_of_month("valid_from"), name="affiliation_starts_on_first"),
        ]
        indexes = [models.Index(fields=["valid_from"])]  # the moves of a range (reports.drilldown)

    def __str__(self):
        return f"{self.cdcs.code} → {self.federation.code} ({Month.of(self.valid_from)})"


def federation_at_subquery(cdcs_ref, first_day):
    """The federation id of the CĐCS `cdcs_ref` in the month starting on `first_day` (expression or date)."""
    return (
        Affiliation.objects.filter(cdcs=cdcs_ref, valid_from__lte=first_day)
        .order_by("-valid_from")
        .values("federation_id")[:1]
    )
