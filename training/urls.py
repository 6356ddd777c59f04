from django.urls import path

from . import views

app_name = "training"

urlpatterns = [
    path("", views.course_list_view, name="course_list"),
    path("new/", views.course_new, name="course_new"),
    path("<int:pk>/", views.course_detail, name="course_detail"),
    path("<int:pk>/edit/", views.course_edit, name="course_edit"),
    path("<int:pk>/delete/", views.course_delete_view, name="course_delete"),
    path("<int:pk>/officers/", views.course_officers, name="course_officers"),
    path("report/", views.report, name="report"),
    path("report/export/", views.report_export, name="report_export"),
]
