from django.apps import AppConfig


class MembersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "members"

    def ready(self):
        from .audit import register_labels
        from .audit_labels import LABELS

        register_labels(LABELS)
