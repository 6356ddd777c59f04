"""The meeting brief: the dashboard of a range as an A4 page to print, and as a Word document."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from members.access import own_federation
from members.models import Organisation
from unionportal.lib.dates import DAY_FORMAT
from unionportal.lib.xlsx import download_name
from unionportal.replica import replica_reads

from ..brief import Signing, meeting_brief
from ..brief_docx import brief_document
from ..dashboard import followed_federation_ids
from ..dashboard_charts import charts
from ..forms import BriefForm
from .common import refused, with_query
from .dashboard import board_for, dashboard_form

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# The charts a printed page has room for, of those the dashboard draws.
BRIEF_CHARTS = ("cumulative", "monthly", "reasons", "sectors")


def signing_defaults() -> dict[str, str]:
    """What the brief's form shows before anyone types: today, and the signer and recipients of
    the settings (BRIEF_SIGNER_TITLE, BRIEF_SIGNER_NAME, BRIEF_RECIPIENTS) or the usual ones."""
    recipients = settings.BRIEF_RECIPIENTS or [
        _("Thường trực LĐLĐ tỉnh (để báo cáo);"),
        _("Thành viên Ban Chỉ đạo;"),
        _("Lưu: VT, Ban Tổ chức."),
    ]
    return {
        "on": timezone.localdate().strftime(DAY_FORMAT),
        "signer_title": settings.BRIEF_SIGNER_TITLE or _("TRƯỞNG BAN"),
        "signer_name": settings.BRIEF_SIGNER_NAME,
        "recipients": "\n".join(recipients),
    }


def _brief(request):
    """(form, brief, refusal): a range the dashboard would refuse goes back to it with the
    reason; a bad date, number or signer stays on the brief's page, whose form says what is wrong
    (brief is then None)."""
    followed = followed_federation_ids(request.user)
    form = dashboard_form(request, followed, form_class=BriefForm, defaults=signing_defaults())
    if form.is_valid():
        data = form.cleaned_data
        signing = Signing(
            on=data["on"],
            number=data["number"],
            signer_title=data["signer_title"],
            signer_name=data["signer_name"],
            recipients=data["recipients"],
        )
        province = Organisation.objects.get(kind=Organisation.Kind.PROVINCE)
        board = board_for(form, followed)
        brief = meeting_brief(board, signing=signing, province=province, federation=own_federation(request.user))
        return form, brief, None
    if form.range_errors:
        message = _("Không lập được báo cáo nhanh: %(problems)s")
        return form, None, refused(request, form, with_query(request, "reports:dashboard"), message)
    return form, None, None


@login_required
@require_GET
@replica_reads
def brief_page(request):
    """An A4 page: the issuer and the motto, the sentence, attainment, the non-state paragraph,
    the federation table, the laggards, the charts, the recipients and the signature; above it
    (not printed) the form of its number, date, signer and recipients."""
    form, brief, refusal = _brief(request)
    if refusal:
        return refusal
    kept = [(name, form.data[name]) for name in BriefForm.RANGE_FIELDS if form.data.get(name)]
    context = {"form": form, "brief": brief, "kept": kept, "query": request.GET.urlencode()}
    if brief:
        context.update(
            board=brief.board,
            report=brief.board.report,
            charts={key: data for key, data in charts(brief.board).items() if key in BRIEF_CHARTS},
            query=form.data.urlencode(),
        )
    return render(request, "reports/brief.html", context)


@login_required
@require_GET
@replica_reads
def brief_docx(request):
    form, brief, refusal = _brief(request)
    if refusal:
        return refusal
    if brief is None:
        return refused(request, form, with_query(request, "reports:brief"), _("Không tải được bản Word: %(problems)s"))
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
