from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "organising"
    verbose_name = _("Phát triển CĐCS")

    def ready(self):
        from members.audit import register_labels

        from . import jobs  # noqa: F401  registers the enterprise list's import as a job
        from .audit_labels import LABELS

        register_labels(LABELS)
