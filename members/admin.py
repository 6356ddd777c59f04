"""Django admin for every model. Writes that carry rules (figures, the workflow, the tree's
history) go through the services, so the admin cannot do what the portal would refuse."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from unionportal.lib.months import Month
from unionportal.lib.resources import ServiceImportExportMixin

from .figures.resources import GrassrootsUnionResource, MonthlyFigureResource
from .figures.services import figures_record
from .figures.summary import summary_refresh_cdcs
from .figures.workflow import return_approve, return_submit
from .forms import UpperUnionField
from .models import (
    LOSS_FIELDS,
    Affiliation,
    AuditEntry,
    GrassrootsUnion,
    MonthlyFigure,
    MonthlyReturn,
    Organisation,
    UserProfile,
)
from .services.org import cdcs_found

Source = AuditEntry.Source


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "parent", "active_from", "active_to", "merged_into", "position"]
    list_filter = ["kind", ("merged_into", admin.EmptyFieldListFilter)]
    search_fields = ["code", "name"]
    readonly_fields = ["merged_into"]


class AffiliationInline(admin.TabularInline):
    model = Affiliation
    extra = 0
    can_delete = False
    readonly_fields = ["federation", "valid_from"]
    verbose_name_plural = _("quá trình trực thuộc (chuyển đơn vị qua màn hình quản lý CĐCS)")

    def has_add_permission(self, request, obj=None):
        return False


class FoundingForm(forms.ModelForm):
    federation = UpperUnionField(label=_("công đoàn cấp trên"), queryset=None)

    class Meta:
        model = GrassrootsUnion
        fields = ["code", "name", "employer", "sector", "workers", "founded_on", "founding_decision"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # the admin's users write everything: "LĐLĐ tỉnh trực tiếp quản lý" too (the direct block)
        self.fields["federation"].offer(
            Organisation.objects.federations().filter(merged_into__isnull=True), direct=True
        )


@admin.register(GrassrootsUnion)
class GrassrootsUnionAdmin(ServiceImportExportMixin, admin.ModelAdmin):
    resource_classes = [GrassrootsUnionResource]
    import_help = _(
        "Một dòng cho mỗi CĐCS, theo mã (cột code). Mã mới: thành lập CĐCS, cần name, employer, sector, "
        "founded_on và federation (mã công đoàn cấp trên). Mã đã có: chỉ sửa name, employer, sector, workers, "
        "founding_decision; ngày thành lập, giải thể và đơn vị trực thuộc đổi qua Sổ CĐCS. "
        "Có một dòng lỗi thì không dòng nào được ghi."
    )
    list_display = ["code", "name", "sector", "workers", "founded_on", "dissolved_on"]
    list_filter = ["sector", ("dissolved_on", admin.EmptyFieldListFilter), "affiliations__federation"]
    search_fields = ["code", "name", "employer"]
    date_hierarchy = "founded_on"
    inlines = [AffiliationInline]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = FoundingForm
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        # Founding and dissolution change the figures: they happen through the services.
        return ["founded_on", "dissolved_on", "dissolution_reason"] if obj else []

    def get_fields(self, request, obj=None):
        if obj is None:
            return [*FoundingForm.Meta.fields, "federation"]
        return super().get_fields(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            with transaction.atomic():
                super().save_model(request, obj, form, change)
                if "sector" in form.changed_data:  # its figures move to the other sector group
                    summary_refresh_cdcs([obj.pk])
            return
        data = form.cleaned_data
        found = cdcs_found(
            code=data["code"],
            name=data["name"],
            employer=data["employer"],
            sector=data["sector"],
            workers=data["workers"],
            founded_on=data["founded_on"],
            founding_decision=data["founding_decision"],
            federation=data["federation"],
            user=request.user,
            source=Source.ADMIN,
        )
        obj.pk = found.pk


class FigureForm(forms.ModelForm):
    class Meta:
        model = MonthlyFigure
        fields = ["cdcs", "month", "members_start", "admitted", "transferred_in", *LOSS_FIELDS.values(), "workers"]
        help_texts = {
            "month": _("Ngày đầu tháng, ví dụ 01/03/2021."),
            "members_start": _("Chỉ nhập cho tháng đầu tiên của CĐCS; các tháng sau lấy cuối kỳ tháng trước."),
        }

    def _record(self, user):
        data = self.cleaned_data
        cdcs, month = data.get("cdcs") or self.instance.cdcs, data.get("month") or self.instance.month
        return figures_record(
            cdcs=cdcs,
            month=Month.of(month),
            admitted=data["admitted"],
            transferred_in=data["transferred_in"],
            lost={reason.value: data[field] for reason, field in LOSS_FIELDS.items()},
            members_start=data["members_start"] if not self.instance.pk else None,
            workers=data["workers"],
            user=user,
            source=Source.ADMIN,
        )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:  # run the service in a transaction that is rolled back: its errors are the form's errors
            with transaction.atomic():
                self._record(self.user)
                transaction.set_rollback(True)
        except (ValidationError, PermissionDenied) as error:
            raise ValidationError(error.messages if hasattr(error, "messages") else str(error)) from None
        return data

    def validate_unique(self):
        pass  # the service replaces the row of that CĐCS and month


@admin.register(MonthlyFigure)
class MonthlyFigureAdmin(ServiceImportExportMixin, admin.ModelAdmin):
    form = FigureForm
    resource_classes = [MonthlyFigureResource]
    import_help = _(
        "Một dòng cho mỗi CĐCS và tháng: cdcs (mã CĐCS), month (03/2021 hoặc 2021-03), admitted, transferred_in "
        "và các cột lost_… (để trống là 0); members_start chỉ cần cho tháng đầu tiên của CĐCS; members_end và "
        "workers nếu có. Số liệu được ghi theo từng tháng với cùng quy tắc như màn hình nhập số liệu (tháng đã "
        "duyệt bị từ chối, cuối kỳ phải khớp); có một dòng lỗi thì không dòng nào được ghi. Các đơn vị nhập số "
        "liệu cả tháng ở trang tải tệp Excel lên của tháng đó (/figures/&lt;mã&gt;/&lt;YYYY-MM&gt;/upload/)."
    )
    list_display = ["cdcs", "month", "federation", "members_start", "admitted", "transferred_in", "members_end"]
    list_filter = ["federation", ("month", admin.DateFieldListFilter)]
    search_fields = ["cdcs__code", "cdcs__name"]
    date_hierarchy = "month"
    list_select_related = ["cdcs", "federation"]
    autocomplete_fields = ["cdcs"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.user = request.user
        return form

    def get_readonly_fields(self, request, obj=None):
        return ["cdcs", "month", "members_start"] if obj else []

    def save_model(self, request, obj, form, change):
        row = form._record(request.user)
        obj.pk = row.pk

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MonthlyReturn)
class MonthlyReturnAdmin(admin.ModelAdmin):
    list_display = [
        "federation",
        "month",
        "status",
        "version",
        "submitted_by",
        "submitted_at",
        "approved_by",
        "approved_at",
    ]
    list_filter = ["status", "federation", ("month", admin.DateFieldListFilter)]
    search_fields = ["federation__code", "federation__name"]
    date_hierarchy = "month"
    actions = ["submit", "approve", "approve_despite_warnings"]
    list_select_related = ["federation", "submitted_by", "approved_by"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in MonthlyReturn._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _run(self, request, queryset, service, done, **options):
        count = 0
        for monthly_return in queryset.select_related("federation"):
            try:
                service(
                    federation=monthly_return.federation,
                    month=Month.of(monthly_return.month),
                    user=request.user,
                    source=Source.ADMIN,
                    **options,
                )
                count += 1
            except (ValidationError, PermissionDenied) as error:
                self.message_user(request, " ".join(getattr(error, "messages", [str(error)])), messages.ERROR)
        if count:
            self.message_user(request, done % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Gửi báo cáo tháng đã chọn"))
    def submit(self, request, queryset):
        self._run(request, queryset, return_submit, _("Đã gửi %(count)s báo cáo tháng."))

    @admin.action(description=_("Duyệt và khóa báo cáo tháng đã chọn"))
    def approve(self, request, queryset):
        self._run(request, queryset, return_approve, _("Đã duyệt và khóa %(count)s báo cáo tháng."))

    @admin.action(description=_("Duyệt và khóa báo cáo tháng đã chọn, kể cả khi còn cảnh báo chưa kiểm tra"))
    def approve_despite_warnings(self, request, queryset):
        self._run(
            request,
            queryset,
            return_approve,
            _("Đã duyệt và khóa %(count)s báo cáo tháng."),
            warnings_confirmed=True,
        )


class ReadOnlyAdmin(admin.ModelAdmin):
    """For rows that only services write: they can be searched and read, not edited."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Affiliation)
class AffiliationAdmin(ReadOnlyAdmin):
    list_display = ["cdcs", "federation", "valid_from"]
    list_filter = ["federation"]
    search_fields = ["cdcs__code", "cdcs__name"]
    list_select_related = ["cdcs", "federation"]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "username", "action", "source", "object_repr", "federation", "month"]
    list_filter = ["action", "source", "federation"]
    search_fields = ["username", "object_repr", "action"]
    date_hierarchy = "at"


class UserProfileInline(admin.StackedInline):
    model = UserProfile
    can_delete = False
    filter_horizontal = ["followed_federations"]


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    inlines = [UserProfileInline]
    list_display = ["username", "first_name", "profile__role", "profile__federation", "is_active", "is_staff"]
    list_filter = ["profile__role", "profile__federation", "is_active", "is_staff"]


@admin.register(UserProfile)
class UserProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "federation"]
    list_filter = ["role", "federation"]
    search_fields = ["user__username", "user__first_name"]
    filter_horizontal = ["followed_federations"]
