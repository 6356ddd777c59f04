from django.urls import path

from .views import progress

app_name = "reports"

urlpatterns = [
    path("", progress.progress, name="progress"),
    path("export.xlsx", progress.progress_export, name="progress_export"),
]
