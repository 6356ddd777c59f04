# The Celery application is made when Django starts, so that jobs.tasks' shared task belongs to it.
from .celery import app as celery_app

__all__ = ("celery_app",)
