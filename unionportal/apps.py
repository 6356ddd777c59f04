from django.apps import AppConfig


class UnionportalConfig(AppConfig):
    name = "unionportal"

    def ready(self):
        from .lib import lookups

        lookups.register()
