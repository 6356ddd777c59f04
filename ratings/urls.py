from django.urls import path

from .views import assess, report, rubrics, uploads

app_name = "ratings"

urlpatterns = [
    path("", rubrics.index, name="index"),
    path("new/", rubrics.rubric_new, name="rubric_new"),
    path("<int:year>/", rubrics.rubric, name="rubric"),
    path("<int:year>/criteria/", rubrics.rubric_criteria, name="rubric_criteria"),
    path("<int:year>/levels/", rubrics.rubric_levels, name="rubric_levels"),
    path("<int:year>/close/", rubrics.rubric_close, name="rubric_close"),
    path("<int:year>/reopen/", rubrics.rubric_reopen, name="rubric_reopen"),
    path("<int:year>/report/", report.report, name="report"),
    # the self-assessment of a federation's CĐCS: in the browser or in Excel
    path("<int:year>/federation/<str:code>/", assess.grid, name="grid"),
    path("<int:year>/federation/<str:code>/template.xlsx", uploads.template, name="template"),
    path("<int:year>/federation/<str:code>/upload/", uploads.upload, name="upload"),
    path("<int:year>/federation/<str:code>/uploads/<int:pk>/", uploads.upload_detail, name="upload_detail"),
    path("<int:year>/federation/<str:code>/uploads/<int:pk>/confirm/", uploads.upload_confirm, name="upload_confirm"),
    path("<int:year>/federation/<str:code>/uploads/<int:pk>/discard/", uploads.upload_discard, name="upload_discard"),
    # one CĐCS's result: the review beside the self-assessment
    path("<int:year>/cdcs/<str:code>/", assess.review, name="review"),
    path("<int:year>/cdcs/<str:code>/reopen/", assess.review_reopen, name="review_reopen"),
]
