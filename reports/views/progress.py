from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from members.access import orgs_visible_to
from members.models import LossReason, Organisation, SectorGroup
from unionportal.lib.months import Month
from unionportal.lib.xlsx import xlsx_response
from unionportal.replica import replica_reads

from ..exports import progress_file_name, progress_workbook
from ..forms import ProgressForm
from ..selectors import ProgressReport, Scope, Structure, programme_for, progress_report
from ..texts import progress_sentence, structural_sentence, structure_note
from .common import refused, report_query, structure_links, with_query


def _presets(latest: Month, **keep) -> list[tuple[str, str]]:
    """Ranges asked for most (this year, the last twelve months, the programme so far), as links
    that keep the chosen organisation and sector group."""
    ranges = [(_("Năm nay"), Month(latest.year, 1)), (_("12 tháng gần nhất"), latest - 11)]
    programme = programme_for(latest)
    if programme:
        ranges.append(
            (
                _("Từ đầu chương trình %(number)s") % {"number": programme.document_number},
                Month(programme.first_year, 1),
            )
        )
    keep = {key: value for key, value in keep.items() if value}
    return [(label, "?" + urlencode({"start": start.iso, "end": latest.iso, **keep})) for label, start in ranges]


def visible_orgs(user) -> list[Organisation]:
    orgs = list(orgs_visible_to(user))
    if not orgs:
        raise PermissionDenied(
            _("Tài khoản của bạn chưa được phân quyền xem báo cáo. Hãy liên hệ Ban Tổ chức LĐLĐ tỉnh.")
        )
    return orgs


def _progress_form(request, orgs) -> ProgressForm:
    """The range form from the query string over the defaults the JSON API takes too."""
    return ProgressForm(report_query(request, orgs), orgs=orgs, latest=Month.of(timezone.localdate()))


def report_scope(data: dict) -> Scope:
    """The scope of a valid range form's cleaned data: organisation, sector group, structure."""
    return Scope(data["organisation"], data["sector_group"] or None, data["structure"])


def _report(form: ProgressForm) -> ProgressReport:
    return progress_report(
        start=form.cleaned_data["start"], end=form.cleaned_data["end"], scope=report_scope(form.cleaned_data)
    )


@login_required
@replica_reads
def progress(request):
    """The report page: a range, an organisation, the six figures, attainment and the sentence."""
    form = _progress_form(request, visible_orgs(request.user))
    latest_complete = Month.last_complete(timezone.localdate())
    context = {
        "form": form,
        "presets": _presets(
            latest_complete,
            org=form.data.get("org"),
            sector_group=form.data.get("sector_group"),
            structure=form.data.get("structure"),
        ),
        "export_query": request.GET.urlencode(),
    }
    if form.is_valid():
        context.update(_report_context(_report(form), request.get_full_path()))
        context["structure_links"] = structure_links(request, form.cleaned_data["structure"])
    return render(request, "reports/progress.html", context)


@login_required
@replica_reads
def progress_export(request):
    """The report page as an .xlsx file, for the same query string and the same users. A query
    the page would refuse sends the user back to it, where the form says what is wrong."""
    form = _progress_form(request, visible_orgs(request.user))
    if not form.is_valid():
        return refused(
            request, form, with_query(request, "reports:progress"), _("Không tải được tệp Excel: %(problems)s")
        )
    report = _report(form)
    return xlsx_response(progress_workbook(report), progress_file_name(report))


def range_query(report: ProgressReport, back: str = "") -> str:
    """The query string a drill-down link carries: the range and the sector group, if any, and
    the page to go back to (`from`, this page's path and query)."""
    query = {"start": report.start.iso, "end": report.end.iso}
    if report.scope.sector_group:
        query["sector_group"] = report.scope.sector_group
    if report.scope.restated:
        query["structure"] = Structure.TODAY
    if back:
        query["from"] = back
    return urlencode(query)


def _report_context(report: ProgressReport, back: str) -> dict:
    total = report.total
    with_quotas = report.programme is not None and report.scope.sector_group is None
    context = {
        "report": report,
        "range_query": range_query(report, back),
        "sentence": progress_sentence(report),
        "structural": structural_sentence(total.figures, province=report.scope.org.is_province),
        "structure_note": structure_note(report.scope.structure),
        "scope_label": SectorGroup(report.scope.sector_group).label if report.scope.sector_group else "",
        "lost_rows": [
            (reason, LossReason(reason).label, count) for reason, count in total.figures.lost_by_reason.items()
        ],
        "quota_mismatch": with_quotas
        and report.scope.org.is_province
        and (
            report.federation_quota_sums["year_members"] != total.year_members.quota
            or report.federation_quota_sums["year_unions"] != total.year_unions.quota
        ),
    }
    if with_quotas and len(report.rows) > 1:
        context["chart"] = {
            "labels": [row.org.name for row in report.rows],
            "percent": [round(row.year_members.percent or 0, 1) for row in report.rows],
            "expected": round(total.year_members.expected_percent, 1),
            "label_percent": _("Tỷ lệ đạt (%)"),
            "label_expected": _("Thời gian đã qua (%)"),
        }
    return context
