"""The leadership dashboard (bảng điều khiển) and its Excel file: read-only, for everyone with a role."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from members.models import SectorGroup
from unionportal.lib.months import Month
from unionportal.lib.xlsx import xlsx_response
from unionportal.replica import replica_reads

from ..dashboard import Dashboard, dashboard, followed_federation_ids
from ..dashboard_charts import charts
from ..dashboard_exports import dashboard_file_name, dashboard_workbook
from ..dashboard_officers import officers_card
from ..dashboard_table import FederationTable, federation_table, organising_rows
from ..forms import DashboardForm
from ..models import Meeting
from ..selectors import programme_for
from ..texts import structural_sentence, structure_note
from .common import refused, structure_links, with_query
from .progress import range_query, report_scope, visible_orgs

# What a preset link keeps of the current query: the scope, and the table's order and search.
KEPT = ("org", "sector_group", "structure", "mine", "sort", "order", "q")


def _presets(today, query) -> list[tuple[str, str]]:
    """This year, the programme so far, since the last steering-committee meeting (when there
    is one), the last twelve months: all to the last complete month, as links."""
    latest = Month.last_complete(today)
    ranges = [(_("Năm nay"), Month(latest.year, 1))]
    programme = programme_for(latest)
    if programme:
        label = _("Từ đầu chương trình %(number)s") % {"number": programme.document_number}
        ranges.append((label, Month(programme.first_year, 1)))
    meeting = Meeting.objects.latest_before(today)
    if meeting:
        label = _("Từ phiên họp trước (%(day)s)") % {"day": meeting.held_on.strftime("%d/%m/%Y")}
        ranges.append((label, min(Month.of(meeting.held_on), latest)))
    ranges.append((_("12 tháng gần nhất"), latest - 11))
    keep = {key: query[key] for key in KEPT if query.get(key)}
    return [(label, "?" + urlencode({"start": start.iso, "end": latest.iso, **keep})) for label, start in ranges]


def dashboard_form(request, followed: set[int], *, form_class=DashboardForm, defaults=None) -> DashboardForm:
    """The form from the query string; what it leaves out is this year so far, for the province
    (or the user's own federation), and `defaults` (the brief's form has more fields)."""
    orgs = visible_orgs(request.user)
    today = timezone.localdate()
    latest = Month.last_complete(today)
    data = request.GET.copy()
    data.setdefault("start", Month(latest.year, 1).iso)
    data.setdefault("end", latest.iso)
    data.setdefault("org", next((org for org in orgs if org.is_province), orgs[0]).code)
    for key, value in (defaults or {}).items():
        data.setdefault(key, value)
    return form_class(data, orgs=orgs, latest=Month.of(today), follows_some=bool(followed))


def board_for(form: DashboardForm, followed: set[int], *, organising: bool = True) -> Dashboard:
    data = form.cleaned_data
    return dashboard(
        start=data["start"],
        end=data["end"],
        scope=report_scope(data),
        only=followed if data.get("mine") else None,
        organising=organising,
    )


@login_required
@require_GET
@replica_reads
def dashboard_page(request):
    """Tiles, the federation table, the laggards and the charts of a range."""
    followed = followed_federation_ids(request.user)
    form = dashboard_form(request, followed)
    context = {"form": form, "presets": _presets(timezone.localdate(), form.data)}
    if form.is_valid():
        board = board_for(form, followed)
        report = board.report
        table = federation_table(board, form.data)
        context.update(
            board=board,
            report=report,
            table=table,
            laggards=table.card(board.laggards),
            organising_rows=table.card(organising_rows(board.organising, paged=table.paged)),
            charts=charts(board),
            scope_label=SectorGroup(report.scope.sector_group).label if report.scope.sector_group else "",
            range_query=range_query(report, request.get_full_path()),
            export_query=urlencode(table.params),
            **_officers(request, board, table),
            structure_links=structure_links(request, report.scope.structure),
            structure_note=structure_note(report.scope.structure),
            structural=structural_sentence(report.total.figures, province=report.scope.org.is_province),
        )
    return render(request, "reports/dashboard.html", context)


def _officers(request, board: Dashboard, table: FederationTable) -> dict:
    """The officers card, or, when the table comes in pages (a country of CĐCS, whose officers
    are counted one CĐCS at a time), the address the page loads it from once it is shown."""
    if table.paged:
        return {"officers_src": reverse("reports:dashboard_officers") + "?" + urlencode(table.params)}
    officers = officers_card(board, user=request.user)
    return {"officers": officers, "officer_federations": table.card(officers.federations)}


@login_required
@require_GET
@replica_reads
def dashboard_officers(request):
    """The dashboard's officers card on a page of its own, for the same query string: the
    dashboard of a country fetches it once it is shown (static/js/dashboard.js), and links to it."""
    followed = followed_federation_ids(request.user)
    form = dashboard_form(request, followed)
    if not form.is_valid():
        return redirect(with_query(request, "reports:dashboard"))
    board = board_for(form, followed, organising=False)
    table = federation_table(board, form.data)
    officers = officers_card(board, user=request.user)
    context = {
        "board": board,
        "report": board.report,
        "officers": officers,
        "officer_federations": table.card(officers.federations),
        "scope_label": SectorGroup(board.report.scope.sector_group).label if board.report.scope.sector_group else "",
        "back": reverse("reports:dashboard") + "?" + urlencode(table.params),
    }
    return render(request, "reports/dashboard_officers.html", context)


@login_required
@require_GET
@replica_reads
def dashboard_export(request):
    """The dashboard's tables as one .xlsx, for the same query string. A query the page would
    refuse sends the user back to it, where the form says what is wrong."""
    followed = followed_federation_ids(request.user)
    form = dashboard_form(request, followed)
    if not form.is_valid():
        return refused(
            request, form, with_query(request, "reports:dashboard"), _("Không tải được tệp Excel: %(problems)s")
        )
    board = board_for(form, followed, organising=False)  # the file has no sheet for the pipeline
    return xlsx_response(dashboard_workbook(board), dashboard_file_name(board))
