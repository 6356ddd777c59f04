from django.urls import path, register_converter

from unionportal.lib.months import MonthConverter

from .figures.views import board, grid, history, reconcile, summary, uploads
from .officers import excel_views as officer_lists
from .officers import list_views as officer_pages
from .officers import views as officers
from .register import export_views as register_export
from .register import list_views
from .register import views as people
from .views import cdcs, organisations

register_converter(MonthConverter, "month")

app_name = "members"

urlpatterns = [
    # the entry grid and the federation-month workflow
    path("figures/", grid.grid_start, name="grid_start"),
    path("figures/<str:code>/<month:month>/", grid.grid, name="grid"),
    path("figures/<str:code>/<month:month>/submit/", grid.submit, name="return_submit"),
    path("figures/<str:code>/<month:month>/approve/", grid.approve, name="return_approve"),
    path("figures/<str:code>/<month:month>/send-back/", grid.send_back, name="return_send_back"),
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
    # the reports' summary rebuilt as a job (provincial staff)
    path("figures/summary/rebuild/", summary.summary_rebuild, name="summary_rebuild"),
    # the CĐCS register (the organisation tree)
    path("cdcs/", cdcs.cdcs_list, name="cdcs_list"),
    path("cdcs/new/", cdcs.cdcs_new, name="cdcs_new"),
    path("cdcs/<str:code>/", cdcs.cdcs_detail, name="cdcs_detail"),
    path("cdcs/<str:code>/dissolve/", cdcs.cdcs_dissolve, name="cdcs_dissolve"),
    path("cdcs/<str:code>/move/", cdcs.cdcs_move, name="cdcs_move"),
    path("cdcs/<str:code>/merge/", cdcs.cdcs_merge, name="cdcs_merge"),
    path("cdcs/<str:code>/<month:month>/history/", history.figure_history, name="figure_history"),
    # the upper-level unions: their kinds and active dates, founding and ending one
    path("organisations/", organisations.organisation_list, name="organisation_list"),
    path("organisations/new/", organisations.organisation_new, name="organisation_new"),
    path("organisations/<str:code>/end/", organisations.organisation_end, name="organisation_end"),
    # the member register (sổ đoàn viên): members, their history, transfers [helper: people]
    path("people/", people.people, name="people"),
    path("people/new/", people.person_new, name="person_new"),
    path("people/transfers/", people.transfers, name="transfers"),
    path("people/transfers/<int:pk>/accept/", people.transfer_accept, name="transfer_accept"),
    path("people/transfers/<int:pk>/reject/", people.transfer_reject, name="transfer_reject"),
    path("people/transfers/<int:pk>/cancel/", people.transfer_cancel, name="transfer_cancel"),
    path("people/export/", register_export.register_export, name="register_export"),
    path("people/export/<int:pk>/file/", register_export.register_export_file, name="register_export_file"),
    path("people/<int:pk>/", people.person, name="person"),
    path("people/<int:pk>/id/", people.person_id, name="person_id"),
    path("people/<int:pk>/edit/", people.person_edit, name="person_edit"),
    path("people/<int:pk>/leave/", people.person_leave, name="person_leave"),
    path("people/<int:pk>/transfer/", people.person_transfer, name="person_transfer"),
    # member lists in Excel: template, export, two-phase import [helper: member lists]
    path("cdcs/<str:code>/members/template.xlsx", list_views.member_list_template, name="member_list_template"),
    path("cdcs/<str:code>/members/export.xlsx", list_views.member_list_export, name="member_list_export"),
    path("cdcs/<str:code>/members/upload/", list_views.member_list_upload, name="member_list_upload"),
    path("cdcs/<str:code>/members/uploads/<int:pk>/", list_views.member_list_preview, name="member_list_preview"),
    path(
        "cdcs/<str:code>/members/uploads/<int:pk>/confirm/",
        list_views.member_list_confirm,
        name="member_list_confirm",
    ),
    path(
        "cdcs/<str:code>/members/uploads/<int:pk>/discard/",
        list_views.member_list_discard,
        name="member_list_discard",
    ),
    # CĐCS officers (cán bộ CĐCS): a CĐCS's committees, congresses, officers coming and going
    path("cdcs/<str:code>/officers/", officers.committees, name="cdcs_officers"),
    path("cdcs/<str:code>/officers/congress/", officers.term_new, name="term_new"),
    path("cdcs/<str:code>/officers/terms/<int:pk>/edit/", officers.term_edit, name="term_edit"),
    path("cdcs/<str:code>/officers/new/", officers.officer_new, name="officer_new"),
    path("cdcs/<str:code>/officers/<int:pk>/leave/", officers.officer_leave, name="officer_leave"),
    path("cdcs/<str:code>/officers/<int:pk>/edit/", officers.officer_edit, name="officer_edit"),
    # the province's officers, what needs filling (cần kiện toàn), a federation's list in Excel
    path("officers/", officer_pages.officers, name="officers"),
    path("officers/attention/", officer_pages.attention, name="officers_attention"),
    path("officers/<str:code>/template.xlsx", officer_lists.officer_list_template, name="officer_list_template"),
    path("officers/<str:code>/export.xlsx", officer_lists.officer_list_export, name="officer_list_export"),
    path("officers/<str:code>/upload/", officer_lists.officer_list_upload, name="officer_list_upload"),
    path("officers/<str:code>/uploads/<int:pk>/", officer_lists.officer_list_preview, name="officer_list_preview"),
    path(
        "officers/<str:code>/uploads/<int:pk>/confirm/",
        officer_lists.officer_list_confirm,
        name="officer_list_confirm",
    ),
    path(
        "officers/<str:code>/uploads/<int:pk>/discard/",
        officer_lists.officer_list_discard,
        name="officer_list_discard",
    ),
    # reconciliation of the monthly figures with the register [helper: reconcile]
    path("reconcile/", reconcile.reconcile_province, name="reconcile_province"),
    path("reconcile/<str:code>/<month:month>/", reconcile.reconcile, name="reconcile"),
    path("reconcile/<str:code>/<month:month>/<str:cdcs>/", reconcile.reconcile_cdcs, name="reconcile_cdcs"),
]
