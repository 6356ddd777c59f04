from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RatingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "ratings"
    verbose_name = _("Đánh giá, xếp loại CĐCS")

    def ready(self):
        from members.audit import register_labels

        from .audit_labels import LABELS

        register_labels(LABELS)
