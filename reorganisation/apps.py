from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReorganisationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reorganisation"
    verbose_name = _("Sắp xếp tổ chức công đoàn")

    def ready(self):
        from members.audit import register_labels

        from . import jobs, page_audit_labels  # noqa: F401  (jobs: registers the apply and undo kinds)
        from .audit_labels import LABELS

        register_labels(LABELS)
        register_labels(page_audit_labels.LABELS)
