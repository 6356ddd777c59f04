from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notices"
    verbose_name = _("Thông báo")

    def ready(self):
        # Notices are derived from the audit trail: every write is audited, so no app below has to
        # know that notices exist (members.audit writes the entry, this app listens for it).
        from django.db.models.signals import post_save

        from members.models import AuditEntry

        from .dispatch import notices_for_entry

        post_save.connect(notices_for_entry, sender=AuditEntry, dispatch_uid="notices_for_entry")
