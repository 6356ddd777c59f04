from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "training"
    verbose_name = _("Đào tạo, bồi dưỡng cán bộ CĐCS")

    def ready(self):
        from members.audit import register_labels
        from members.demo import register_seeder

        from .audit_labels import LABELS
        from .demo import seed_attended

        register_labels(LABELS)
        register_seeder(seed_attended)  # after the demo's committees (members.officers.demo)
