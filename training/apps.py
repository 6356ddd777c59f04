from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "training"
    verbose_name = _("Đào tạo, bồi dưỡng cán bộ CĐCS")

    def ready(self):
        from members.audit import register_labels

        from .audit_labels import LABELS

        register_labels(LABELS)
