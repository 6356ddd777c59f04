"""The year's rating report, for everyone with a role; federation staff see their own federation."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from members.access import orgs_visible_to, role_of
from members.models import Role

from ..reporting import rating_report
from .common import require_role, rubric_of


@login_required
def report(request, year: int):
    require_role(request.user)
    rubric = rubric_of(year)
    own = role_of(request.user) == Role.FEDERATION_STAFF
    try:
        bottom = max(1, min(100, int(request.GET.get("n", 10))))
    except ValueError:
        bottom = 10
    result = rating_report(rubric=rubric, federations=orgs_visible_to(request.user) if own else None, bottom=bottom)
    return render(request, "ratings/report.html", {"rubric": rubric, "report": result, "bottom": bottom, "own": own})
