from django.apps import AppConfig


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"

    def ready(self):
        from members.audit import register_labels

        from .audit_labels import LABELS

        register_labels(LABELS)
