"""The Celery application that runs the portal's jobs (jobs.tasks) when CELERY_BROKER_URL is set:
`celery -A unionportal worker` (make worker). Its settings are Django's, those named CELERY_*."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionportal.settings")

app = Celery("unionportal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
