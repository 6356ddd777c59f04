from django.apps import AppConfig


class DeskConfig(AppConfig):
    """Each role's home page: what federation staff have to do, the province's approvals queue."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "desk"
    label = "desk"

    def ready(self):
        from members.demo import register_seeder

        from .demo import seed_desk

        register_seeder(seed_desk)
