from django.contrib import admin

from . import services
from .models import Programme, Quota


class QuotaInline(admin.TabularInline):
    model = Quota
    extra = 0
    fields = ["organisation", "year", "new_members", "new_unions"]
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
class QuotaAdmin(admin.ModelAdmin):
    list_display = ["programme", "organisation", "year", "new_members", "new_unions"]
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
            user=request.user,
        )
        obj.pk = quota.pk
