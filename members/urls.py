from django.urls import path, register_converter

from unionportal.lib.months import MonthConverter

from .views import board, grid, history, register, uploads

register_converter(MonthConverter, "month")

app_name = "members"

urlpatterns = [
    # the entry grid and the federation-month workflow
    path("figures/", grid.grid_start, name="grid_start"),
    path("figures/<str:code>/<month:month>/", grid.grid, name="grid"),
    path("figures/<str:code>/<month:month>/submit/", grid.submit, name="return_submit"),
    path("figures/<str:code>/<month:month>/approve/", grid.approve, name="return_approve"),
    path("figures/<str:code>/<month:month>/unlock/", grid.unlock, name="return_unlock"),
    path("figures/<str:code>/<month:month>/history/", history.return_history, name="return_history"),
    # the Excel round trip
    path("figures/<str:code>/<month:month>/template.xlsx", uploads.template, name="month_template"),
    path("figures/<str:code>/<month:month>/export.xlsx", uploads.month_export, name="month_export"),
    path("figures/<str:code>/<month:month>/upload/", uploads.upload, name="upload"),
    path("figures/<str:code>/uploads/", uploads.upload_history, name="upload_history"),
    path("figures/<str:code>/uploads/<int:pk>/", uploads.upload_detail, name="upload_detail"),
    path("figures/<str:code>/uploads/<int:pk>/confirm/", uploads.upload_confirm, name="upload_confirm"),
    path("figures/<str:code>/uploads/<int:pk>/discard/", uploads.upload_discard, name="upload_discard"),
    path("figures/<str:code>/uploads/<int:pk>/file/", uploads.upload_file, name="upload_file"),
    # the submission board
    path("board/", board.board, name="board"),
    # the CĐCS register
    path("cdcs/", register.cdcs_list, name="cdcs_list"),
    path("cdcs/new/", register.cdcs_new, name="cdcs_new"),
    path("cdcs/<str:code>/", register.cdcs_detail, name="cdcs_detail"),
    path("cdcs/<str:code>/dissolve/", register.cdcs_dissolve, name="cdcs_dissolve"),
    path("cdcs/<str:code>/move/", register.cdcs_move, name="cdcs_move"),
    path("cdcs/<str:code>/merge/", register.cdcs_merge, name="cdcs_merge"),
    path("cdcs/<str:code>/<month:month>/history/", history.figure_history, name="figure_history"),
    # the member register (sổ đoàn viên): members, their history, transfers [helper: people]
    # member lists in Excel: template, export, two-phase import [helper: member lists]
    # reconciliation of the monthly figures with the register [helper: reconcile]
]
