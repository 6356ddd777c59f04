from django.urls import path

from .views import api, brief, dashboard, drilldown, progress

app_name = "reports"

urlpatterns = [
    path("", progress.progress, name="progress"),
    path("export.xlsx", progress.progress_export, name="progress_export"),
    path("dashboard/", dashboard.dashboard_page, name="dashboard"),
    path("dashboard/export.xlsx", dashboard.dashboard_export, name="dashboard_export"),
    path("dashboard/officers/", dashboard.dashboard_officers, name="dashboard_officers"),
    # the meeting brief (báo cáo nhanh phục vụ họp Ban Chỉ đạo)
    path("brief/", brief.brief_page, name="brief"),
    path("brief.docx", brief.brief_docx, name="brief_docx"),
    # drill-down: a federation's figures by CĐCS, a CĐCS's months
    path("federations/<str:code>/", drilldown.federation_detail, name="federation_detail"),
    path("federations/<str:code>/export.xlsx", drilldown.federation_detail_export, name="federation_detail_export"),
    path("cdcs/<str:code>/", drilldown.cdcs_months, name="cdcs_months"),
    path("cdcs/<str:code>/export.xlsx", drilldown.cdcs_months_export, name="cdcs_months_export"),
    # the read-only JSON API (session or Bearer token)
    path("api/progress.json", api.progress, name="api_progress"),
]
