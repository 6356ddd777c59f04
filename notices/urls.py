from django.urls import path

from . import views

app_name = "notices"

urlpatterns = [
    path("", views.notice_list, name="list"),
    path("<int:pk>/read/", views.notice_read, name="read"),
    path("read-all/", views.notices_read_all, name="read_all"),
    path("settings/", views.preference, name="settings"),
]
