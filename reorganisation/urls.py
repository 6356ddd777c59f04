from django.urls import path

from .views import builder, lists, plans

app_name = "reorganisation"

urlpatterns = [
    path("", plans.plan_list, name="plan_list"),
    path("new/", builder.plan_new, name="plan_new"),
    path("template.xlsx", lists.plan_template, name="plan_template"),
    path("upload/", lists.plan_upload, name="plan_upload"),
    path("uploads/<int:pk>/", lists.upload_preview, name="upload_preview"),
    path("uploads/<int:pk>/confirm/", lists.upload_confirm, name="upload_confirm"),
    path("uploads/<int:pk>/discard/", lists.upload_discard, name="upload_discard"),
    path("<int:pk>/", plans.plan_detail, name="plan_detail"),
    path("<int:pk>/apply/", plans.plan_apply_view, name="plan_apply"),
    path("<int:pk>/undo/", plans.plan_undo_view, name="plan_undo"),
    path("<int:pk>/delete/", plans.plan_delete_view, name="plan_delete"),
]
