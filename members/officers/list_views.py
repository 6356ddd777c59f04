"""The province's officers, two ways: "Cán bộ CĐCS", who holds which post (names, for staff; numbers
for leadership), and "Cần kiện toàn", the CĐCS whose committees lack a chair, members or a
congress (members.officers.selectors.needs_attention), per federation and province-wide."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from unionportal.lib.http import personal_data
from unionportal.lib.months import Month

from ..access import can_read_people, can_write, is_federation_staff, orgs_visible_to, own_federation, require_role
from ..models import Organisation
from .forms import OfficersFilterForm
from .selectors import (
    OfficerStatus,
    cdcs_existing_on,
    needs_attention,
    officer_counts,
    officers_list,
    scope_federations,
)

PAGE_SIZE = 50
WHAT = {
    "no_chair": gettext_lazy("Không có Chủ tịch"),
    "short": gettext_lazy("Thiếu ủy viên"),
    "overdue": gettext_lazy("Quá hạn đại hội"),
    "due": gettext_lazy("Sắp đến đại hội"),
}


def _federations(user, today) -> list[Organisation]:
    """The federations whose officers the user reads: their own, or every one this month."""
    own = own_federation(user)
    return [own] if own is not None else scope_federations(None, today)


@personal_data
@login_required
def officers(request):
    """Who holds which post in the CĐCS of a federation (or the province), on this day."""
    user = request.user
    require_role(user)
    today = timezone.localdate()
    federations = _federations(user, today)
    if not can_read_people(user):  # leadership: how many, never who
        per, total = officer_counts(scope=None, on=today)
        rows = [(org, per[org.pk]) for org in federations]
        return render(request, "members/officers/counts.html", {"rows": rows, "total": total, "today": today})
    choices = Organisation.objects.filter(pk__in=[org.pk for org in federations])
    form = OfficersFilterForm(request.GET or None, federations=choices)
    chosen, post, status, code = None, "", OfficerStatus.IN_POST, ""
    if form.is_valid():
        chosen, post = form.cleaned_data["federation"], form.cleaned_data["post"]
        status, code = form.cleaned_data["status"] or status, form.cleaned_data["cdcs"].strip()
    if is_federation_staff(user):
        chosen = federations[0]
    unions = cdcs_existing_on(today, [chosen] if chosen else federations)
    if code:
        unions = unions.filter(code__iexact=code)
    found = officers_list(cdcs=unions, on=today, post=post, status=status)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form, "page": page, "query": query.urlencode(), "today": today, "federation": chosen,
        "status": status, "can_upload": chosen is not None and can_write(user, chosen),
    }  # fmt: skip
    return render(request, "members/officers/officers.html", context)


@login_required
def attention(request):
    """The CĐCS that need filling (cần kiện toàn) on this day: counts for every role, the CĐCS
    themselves (no one's name) for staff."""
    user = request.user
    require_role(user)
    today = timezone.localdate()
    scope = own_federation(user)
    code = request.GET.get("federation", "")
    if scope is None and code:
        scope = orgs_visible_to(user).federations().filter(code=code).first()
        if scope is None:
            raise Http404(_("Không tìm thấy đơn vị."))
    found = needs_attention(scope=scope, on=today)
    what = request.GET.get("what", "")
    rows = found.rows if can_read_people(user) else []
    if what == "no_chair":
        rows = [row for row in rows if row.no_chair_since]
    elif what == "short":
        rows = [row for row in rows if row.short]
    elif what == "overdue":
        rows = [row for row in rows if row.overdue_since]
    elif what == "due":
        rows = [row for row in rows if row.due_on]
    else:
        what = ""
    names = {org.pk: org for org in found.federations}
    rows = [(row, names[row.federation_id]) for row in rows]
    return render(
        request,
        "members/officers/attention.html",
        {
            "attention": found, "scope": scope, "rows": rows, "what": what, "whats": WHAT.items(),
            "lists_rows": can_read_people(user), "month": Month.of(today),
            "per_federation": [(org, found.by_federation[org.pk]) for org in found.federations],
        },
    )  # fmt: skip
