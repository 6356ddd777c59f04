"""The read-only JSON API: the report's figures for other programs (a wall board, a spreadsheet).

GET reports/api/progress.json?start=YYYY-MM&end=YYYY-MM&org=CODE&sector_group=state|non_state
&structure=months|today (the structure of each month, the default, or today's restated),
signed in (the browser's session) or with `Authorization: Bearer <key>` (reports.tokens). Each
parameter left out takes the report page's default. Answers are JSON, errors included: 401
without a valid key, 403 for a user with no role, 400 with the form's messages, 405 for anything
but GET. Never a redirect to the login page: a program cannot follow it."""

from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from members.access import orgs_visible_to
from unionportal.lib.months import Month
from unionportal.replica import replica_reads

from ..forms import ProgressForm
from ..selectors import Attainment, ProgressReport, Row, progress_report
from ..tokens import api_token_user
from .common import report_query
from .progress import report_scope

ALLOWED = ("GET", "HEAD")


def _error(status: int, message: str, **extra) -> JsonResponse:
    response = JsonResponse({"error": message, **extra}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="unionportal"'
    return response


def _api_user(request):
    """The user a request acts as: a Bearer key's, else the session's; None if neither is valid.
    A key that is sent but wrong is refused even with a session, so that a program notices."""
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _space, key = header.partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            return None
        return api_token_user(key)
    return request.user if request.user.is_authenticated and request.user.is_active else None


def _attainment(attainment: Attainment) -> dict:
    return {
        "actual": attainment.actual,
        "quota": attainment.quota,
        "percent": attainment.percent,
        "expected_percent": attainment.expected_percent,
        "on_track": attainment.on_track,
    }


def _row(row: Row) -> dict:
    f = row.figures
    return {
        "org": row.org.code,  # empty for the line "Đơn vị đã kết thúc" of a restated report
        "name": row.org.name,
        "admitted": f.admitted,
        "transferred_in": f.transferred_in,
        "lost": f.lost,
        "lost_by_reason": dict(f.lost_by_reason),
        "decrease": f.decrease,
        "net_members": f.net_members,
        "members_start": f.members_start,
        "members_end": f.members_end,
        "unions_founded": f.unions_founded,
        "unions_dissolved": f.unions_dissolved,
        "net_unions": f.net_unions,
        "unions_start": f.unions_start,
        "unions_end": f.unions_end,
        "moved": {
            "members_in": f.members_moved_in,
            "members_out": f.members_moved_out,
            "unions_in": f.unions_moved_in,
            "unions_out": f.unions_moved_out,
        },
        # What reorganisation plans did, apart from admitted, transferred_in, lost, decrease, net
        # and unions_founded / unions_dissolved: start + net + moved + reorganised = end.
        "reorganised": {
            "members_in": f.reorg_in,
            "members_out": f.reorg_out,
            "members": f.members_reorganised,
            "unions_founded": f.unions_reorg_founded,
            "unions_ended": f.unions_reorg_ended,
            "unions": f.unions_reorganised,
        },
        "attainment": {
            "year_members": _attainment(row.year_members),
            "year_unions": _attainment(row.year_unions),
            "programme_members": _attainment(row.programme_members),
            "programme_unions": _attainment(row.programme_unions),
        },
    }


def report_json(report: ProgressReport) -> dict:
    programme = report.programme
    return {
        "scope": {
            "org": report.scope.org.code,
            "name": report.scope.org.name,
            "sector_group": report.scope.sector_group,
            "structure": report.scope.structure,
        },
        "range": {"start": report.start.iso, "end": report.end.iso},
        "programme": programme
        and {
            "name": programme.name,
            "document_number": programme.document_number,
            "first_year": programme.first_year,
            "last_year": programme.last_year,
        },
        "total": _row(report.total),
        "federations": [_row(row) for row in report.rows],
    }


@csrf_exempt  # it only reads; without this a POST would get the CSRF page instead of a 405
@replica_reads
def progress(request):
    if request.method not in ALLOWED:
        response = _error(405, _("Chỉ nhận yêu cầu GET."))
        response["Allow"] = ", ".join(ALLOWED)
        return response
    user = _api_user(request)
    if user is None:
        return _error(
            401,
            _("Cần đăng nhập hoặc gửi mã truy cập hợp lệ (tiêu đề Authorization: Bearer <mã>)."),
        )
    orgs = list(orgs_visible_to(user))
    if not orgs:
        return _error(403, _("Tài khoản này chưa được phân quyền xem báo cáo."))
    form = ProgressForm(report_query(request, orgs), orgs=orgs, latest=Month.of(timezone.localdate()))
    if not form.is_valid():
        errors = {name: [str(message) for message in messages] for name, messages in form.errors.items()}
        return _error(400, _("Tham số không hợp lệ."), fields=errors)
    report = progress_report(
        start=form.cleaned_data["start"], end=form.cleaned_data["end"], scope=report_scope(form.cleaned_data)
    )
    return JsonResponse(report_json(report), json_dumps_params={"ensure_ascii": False})
