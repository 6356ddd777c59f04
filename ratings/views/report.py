"""The year's rating report, for everyone with a role; federation staff see their own federation."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from members.access import is_federation_staff, orgs_visible_to, require_role

from ..reporting import rating_report
from .common import rubric_of


@login_required
def report(request, year: int):
    require_role(request.user)
    rubric = rubric_of(year)
    own = is_federation_staff(request.user)
    try:
        bottom = max(1, min(100, int(request.GET.get("n", 10))))
    except ValueError:
        bottom = 10
    result = rating_report(rubric=rubric, federations=orgs_visible_to(request.user) if own else None, bottom=bottom)
    return render(request, "ratings/report.html", {"rubric": rubric, "report": result, "bottom": bottom, "own": own})
