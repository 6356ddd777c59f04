from django.apps import AppConfig


class MembersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "members"

    def ready(self):
        from .audit import register_labels
        from .audit_labels import LABELS
        from .demo import register_seeder
        from .figures import sheet_jobs, summary_jobs  # noqa: F401  register the jobs of the figures
        from .officers.demo import seed_officers
        from .register import list_jobs  # noqa: F401  and of the register

        register_labels(LABELS)
        register_seeder(seed_officers)
