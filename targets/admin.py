from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from members.models import AuditEntry
from unionportal.lib.resources import ServiceImportExportMixin

from . import services
from .models import Programme, Quota
from .resources import QuotaResource


class QuotaInline(admin.TabularInline):
    model = Quota
    extra = 0
    fields = ["organisation", "year", "new_members", "new_unions", "trained_officers"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["document_number", "document_date", "name", "first_year", "last_year"]
    search_fields = ["name", "document_number"]
    inlines = [QuotaInline]


@admin.register(Quota)
class QuotaAdmin(ServiceImportExportMixin, admin.ModelAdmin):
    resource_classes = [QuotaResource]
    import_help = _(
        "Một dòng cho mỗi đơn vị và năm: programme (số thứ tự của chương trình, xem tệp xuất), organisation "
        "(mã đơn vị), year, new_members, new_unions, trained_officers (chỉ tiêu đào tạo cán bộ CĐCS, có thể bỏ cột). "
        "Ghi qua cùng quy tắc với bảng chỉ tiêu: số nguyên không âm, "
        "năm thuộc chương trình, đơn vị còn hoạt động; có một dòng lỗi thì không dòng nào được ghi."
    )
    list_display = ["programme", "organisation", "year", "new_members", "new_unions", "trained_officers"]
    list_filter = ["programme", "year", "organisation"]
    search_fields = ["organisation__code", "organisation__name"]
    list_select_related = ["programme", "organisation"]

    def save_model(self, request, obj, form, change):
        quota = services.quota_set(
            programme=obj.programme,
            organisation=obj.organisation,
            year=obj.year,
            new_members=obj.new_members,
            new_unions=obj.new_unions,
            trained_officers=obj.trained_officers,
            user=request.user,
            source=AuditEntry.Source.ADMIN,
        )
        obj.pk = quota.pk
