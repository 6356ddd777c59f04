"""Each role's home page: `home` sends federation staff to their work to do, provincial staff to the
approvals queue, leadership to the dashboard. The queue approves and sends back through the
figures' own services, with their rules (a reason to send back, unticked warnings confirmed, the
month as the approver saw it)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members.access import is_federation_staff, own_federation, require_provincial, require_role, role_of
from members.figures.views.decisions import approve_posted, send_back_posted
from members.models import Role
from unionportal.lib.months import Month

from . import selectors

LANDINGS = {
    Role.PROVINCIAL_STAFF: "desk:approvals",
    Role.FEDERATION_STAFF: "desk:todo",
    Role.LEADERSHIP: "reports:dashboard",
}


@login_required
def home(request):
    """Where signing in lands: each role's own page. An account without a role is told whom to ask
    (the admin's staff go to the admin, the one thing they may open)."""
    role = role_of(request.user)
    if role is None and request.user.is_staff:
        return redirect("admin:index")
    require_role(request.user)
    return redirect(LANDINGS[role])


@login_required
def todo(request):
    if not is_federation_staff(request.user):
        raise PermissionDenied(_("Trang “Việc cần làm” dành cho cán bộ công đoàn cấp trên trực tiếp cơ sở."))
    today = timezone.localdate()
    todo = selectors.federation_todo(user=request.user, federation=own_federation(request.user), today=today)
    return render(request, "desk/todo.html", {"todo": todo, "today": today})


@login_required
def approvals(request):
    require_provincial(request.user)
    queue = selectors.approvals_queue(user=request.user, today=timezone.localdate())
    return render(request, "desk/approvals.html", {"queue": queue})


def _version(request) -> int | None:
    """The month's version as the queue showed it; a missing or garbled one can match nothing."""
    try:
        return int(request.POST["version"])
    except (KeyError, ValueError):
        return -1


@require_POST
@login_required
def approve(request, code: str, month: Month):
    approve_posted(request, code, month, version=_version(request))
    return redirect("desk:approvals")


@require_POST
@login_required
def send_back(request, code: str, month: Month):
    send_back_posted(request, code, month)
    return redirect("desk:approvals")
