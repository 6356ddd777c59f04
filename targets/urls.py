from django.urls import path

from . import views

app_name = "targets"

urlpatterns = [
    path("", views.programme_list, name="programme_list"),
    path("new/", views.programme_new, name="programme_new"),
    path("<int:pk>/", views.quotas, name="quotas"),
]
