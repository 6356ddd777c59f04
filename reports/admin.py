from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from members.models import AuditEntry

from .models import ApiToken, Meeting
from .tokens import api_token_create, api_token_revoke


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["held_on", "title"]
    date_hierarchy = "held_on"
    search_fields = ["title"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens for the JSON API: made here (the key is shown once, in the message after saving)
    and revoked with the action; never edited."""

    list_display = ["prefix", "user", "name", "created_at", "created_by", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["prefix", "name", "user__username"]
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["user", "name"]
        return ["prefix", "user", "name", "created_at", "created_by", "last_used_at", "revoked_at"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.get_fields(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead, so that the audit trail still names the token

    def save_model(self, request, obj, form, change):
        if change:
            return
        try:
            token, key = api_token_create(
                user=obj.user, name=obj.name, created_by=request.user, source=AuditEntry.Source.ADMIN
            )
        except (PermissionDenied, ValidationError) as error:
            raise PermissionDenied(" ".join(getattr(error, "messages", [str(error)]))) from error
        for field in ApiToken._meta.concrete_fields:
            setattr(obj, field.attname, getattr(token, field.attname))
        obj._state.adding = False
        messages.warning(
            request,
            _("Mã truy cập của %(user)s (chỉ hiện một lần, hãy sao chép ngay): %(key)s")
            % {"user": obj.user.get_username(), "key": key},
        )

    @admin.action(description=_("Thu hồi các mã đã chọn"))
    def revoke(self, request, queryset):
        for token in queryset.select_related("user"):
            api_token_revoke(token=token, revoked_by=request.user, source=AuditEntry.Source.ADMIN)
        self.message_user(request, _("Đã thu hồi %(n)d mã.") % {"n": queryset.count()}, messages.SUCCESS)
