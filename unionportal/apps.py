from django.apps import AppConfig


class UnionportalConfig(AppConfig):
    name = "unionportal"

    def ready(self):
        from members.audit import register_labels

        from . import backup_jobs  # noqa: F401  registers the backup's job
        from .audit_labels import LABELS
        from .lib import lookups

        lookups.register()
        register_labels(LABELS)
