from django.urls import path

from .views import enterprises, funnel, lists

app_name = "organising"

urlpatterns = [
    path("", enterprises.enterprise_list_view, name="enterprise_list"),
    path("new/", enterprises.enterprise_new, name="enterprise_new"),
    path("priority/", enterprises.priority_rule, name="priority_rule"),
    path("<int:pk>/", enterprises.enterprise_detail, name="enterprise_detail"),
    path("<int:pk>/edit/", enterprises.enterprise_edit, name="enterprise_edit"),
    path("<int:pk>/contact/", enterprises.contact_new, name="contact_log"),
    path("<int:pk>/stage/", enterprises.stage_change, name="stage_move"),
    path("<int:pk>/found/", enterprises.enterprise_found, name="enterprise_found"),
    path("<int:pk>/link/", enterprises.enterprise_link, name="enterprise_link"),
    path("<int:pk>/lent-staff/", enterprises.lent_staff, name="lent_staff"),
    path("list/template/", lists.list_template, name="list_template"),
    path("list/export/", lists.list_export, name="list_export"),
    path("list/upload/", lists.list_upload, name="list_upload"),
    path("list/<int:pk>/", lists.list_preview_view, name="list_preview"),
    path("list/<int:pk>/confirm/", lists.list_confirm, name="list_confirm"),
    path("list/<int:pk>/discard/", lists.list_discard, name="list_discard"),
    path("funnel/", funnel.funnel, name="funnel"),
]
