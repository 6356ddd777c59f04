from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.progress, name="progress"),
    path("export.xlsx", views.progress_export, name="progress_export"),
]
