"""Django admin for the organising app. The enterprise's data is saved through the services (so
audited and checked as in the portal); its pipeline is read here and changed on its page."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from members.models import Organisation
from members.services.common import Source

from . import services
from .models import Contact, Enterprise, PriorityRule, StageChange


class StageChangeInline(admin.TabularInline):
    model = StageChange
    extra = 0
    can_delete = False
    fields = readonly_fields = ["on", "from_stage", "to_stage", "reason", "note", "by"]
    verbose_name_plural = _("quá trình vận động (ghi trên trang doanh nghiệp)")

    def has_add_permission(self, request, obj=None):
        return False


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    can_delete = False
    fields = readonly_fields = ["on", "kind", "people", "outcome", "next_step", "next_step_on", "by"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["tax_code", "name", "federation", "sector", "workers", "stage", "next_step_on"]
    list_filter = ["stage", "sector", "federation"]
    search_fields = ["tax_code", "name"]
    fields = [*services.ENTERPRISE_FIELDS, "stage", "stage_since", "stall_reason", "cdcs", "has_union", "lent_staff"]
    readonly_fields = ["stage", "stage_since", "stall_reason", "cdcs", "has_union", "lent_staff"]
    inlines = [StageChangeInline, ContactInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "federation":  # the services refuse the province and merged federations
            kwargs["queryset"] = Organisation.objects.federations().filter(merged_into__isnull=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in services.ENTERPRISE_FIELDS}
        if change:
            services.enterprise_update(enterprise=obj, **data, user=request.user, source=Source.ADMIN)
        else:
            created = services.enterprise_create(**data, user=request.user, source=Source.ADMIN)
            obj.pk, obj.stage, obj.stage_since = created.pk, created.stage, created.stage_since
            obj._state.adding = False


@admin.register(PriorityRule)
class PriorityRuleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "min_workers", "stuck_days"]

    def save_model(self, request, obj, form, change):
        rule = services.priority_rule_set(
            min_workers=obj.min_workers, stuck_days=obj.stuck_days, user=request.user, source=Source.ADMIN
        )
        obj.pk = rule.pk
        obj._state.adding = False
