"""The upper-level unions (công đoàn cấp trên): the list with their kinds and active dates and the
CĐCS each has now, founding one and ending one. Provincial staff change them, leadership reads;
federation staff keep their own union's CĐCS in the CĐCS register."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from unionportal.lib.forms import posted
from unionportal.lib.months import Month

from ..access import access_org, is_federation_staff, is_provincial, require_provincial, require_role
from ..forms import OrganisationEndForm, OrganisationFoundForm, add_service_errors
from ..models import GrassrootsUnion, Organisation
from ..services import organisations as upper


def _this_month() -> Month:
    return Month.of(timezone.localdate())


def _cdcs_now(month: Month) -> dict[int, int]:
    """How many CĐCS each organisation has in the month, by its id. One query."""
    return dict(
        GrassrootsUnion.objects.active_in(month)
        .with_federation_at(month)
        .order_by()
        .values_list("federation_at_id")
        .annotate(n=Count("pk"))
    )


@login_required
def organisation_list(request):
    require_role(request.user)
    if is_federation_staff(request.user):
        raise PermissionDenied(_("Danh sách công đoàn cấp trên dành cho LĐLĐ tỉnh."))
    month = _this_month()
    counts = _cdcs_now(month)
    organisations = list(Organisation.objects.federations().select_related("merged_into"))
    for org in organisations:
        org.cdcs_now = counts.get(org.pk, 0)
        org.ended = org.active_to is not None and org.active_to < month.first_day
        org.since = Month.of(org.active_from) if org.active_from else None
        org.until = Month.of(org.active_to) if org.active_to else None
    organisations.sort(key=lambda org: org.ended)  # those active first, each part in the tree's order
    return render(
        request,
        "members/organisation_list.html",
        {
            "organisations": organisations,
            "province": Organisation.objects.filter(kind=Organisation.Kind.PROVINCE).first(),
            "month": month,
            "can_change": is_provincial(request.user),
            "active_count": sum(1 for org in organisations if not org.ended),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_new(request):
    require_provincial(request.user)
    form = OrganisationFoundForm(posted(request), kinds=upper.UPPER_UNION_KINDS, initial={"active_from": _this_month()})
    if request.method == "POST" and form.is_valid():
        try:
            org = upper.organisation_found(**form.cleaned_data, user=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Đã thành lập %(org)s, hoạt động từ tháng %(month)s.")
                % {"org": org.name, "month": form.cleaned_data["active_from"]},
            )
            return redirect("members:organisation_list")
    return render(request, "members/organisation_new.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def organisation_end(request, code: str):
    org = access_org(request.user, code)  # 404 for what the user may not see, before any 403
    require_provincial(request.user)
    if org.is_province:
        raise PermissionDenied(_("LĐLĐ tỉnh không kết thúc hoạt động."))
    month = _this_month()
    form = OrganisationEndForm(posted(request), initial={"from_month": month})
    if request.method == "POST" and form.is_valid():
        try:
            upper.organisation_end(organisation=org, from_month=form.cleaned_data["from_month"], user=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(org)s kết thúc hoạt động từ tháng %(month)s.")
                % {"org": org.name, "month": form.cleaned_data["from_month"]},
            )
            return redirect("members:organisation_list")
    return render(
        request,
        "members/organisation_end.html",
        {"org": org, "form": form, "cdcs_now": _cdcs_now(month).get(org.pk, 0), "month": month},
    )
