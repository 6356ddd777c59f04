"""The meeting brief: the dashboard of a range as an A4 page to print, and as a Word document."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from unionportal.lib.xlsx import download_name

from ..brief import meeting_brief
from ..brief_docx import brief_document
from ..dashboard import followed_federation_ids
from ..dashboard_charts import charts
from .common import refused, with_query
from .dashboard import board_for, dashboard_form

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# The charts a printed page has room for, of those the dashboard draws.
BRIEF_CHARTS = ("cumulative", "monthly", "reasons", "sectors")


def _brief_or_redirect(request):
    followed = followed_federation_ids(request.user)
    form = dashboard_form(request, followed)
    if not form.is_valid():
        message = _("Không lập được báo cáo nhanh: %(problems)s")
        return None, refused(request, form, with_query(request, "reports:dashboard"), message)
    board = board_for(form, followed)
    return meeting_brief(board, issued_on=timezone.localdate()), None


@login_required
@require_GET
def brief_page(request):
    """An A4 page: the sentence, attainment, the non-state paragraph, the federation table, the
    laggards and the charts. A query the dashboard would refuse goes back to it with the reason."""
    brief, refused = _brief_or_redirect(request)
    if refused:
        return refused
    drawn = {key: data for key, data in charts(brief.board).items() if key in BRIEF_CHARTS}
    return render(
        request,
        "reports/brief.html",
        {
            "brief": brief,
            "board": brief.board,
            "report": brief.board.report,
            "charts": drawn,
            "query": request.GET.urlencode(),
        },
    )


@login_required
@require_GET
def brief_docx(request):
    brief, refused = _brief_or_redirect(request)
    if refused:
        return refused
    report = brief.board.report
    name = download_name(
        "bao-cao-nhanh",
        report.scope.org.code,
        report.start.iso,
        report.end.iso,
        report.scope.sector_group or "",
        extension="docx",
    )
    response = HttpResponse(brief_document(brief), content_type=DOCX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
