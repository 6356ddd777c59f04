"""The register of enterprises without a union: the list, an enterprise's page with its pipeline
(contacts, stage moves, founding or linking its CĐCS, lent staff), the add and edit forms and
the priority thresholds. Who sees what: organising.selectors.access_enterprise."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members.access import (
    can_write,
    can_write_any,
    cdcs_visible_to,
    is_provincial,
    orgs_visible_to,
    orgs_writable_by,
    require_role,
)
from members.forms import add_service_errors
from members.models import GrassrootsUnion
from unionportal.lib.forms import posted
from unionportal.lib.months import Month

from .. import services
from ..forms import (
    ContactForm,
    EnterpriseFilterForm,
    EnterpriseForm,
    FoundForm,
    LentStaffForm,
    LinkForm,
    PriorityRuleForm,
    StageMoveForm,
    cdcs_for_linking,
)
from ..models import OPEN_STAGES, PriorityRule
from ..selectors import EnterpriseFilter, access_enterprise, enterprise_list, enterprise_page, with_flags

PER_PAGE = 50


def _writable_federations(user):
    """Federations active this month (the province's direct block among them) whose enterprises
    the user may add or change."""
    month = Month.of(timezone.localdate())
    return orgs_writable_by(user).federations().active_between(month, month)


# --- the list -----------------------------------------------------------------------------------


@login_required
def enterprise_list_view(request):
    require_role(request.user)
    federations = list(orgs_visible_to(request.user).federations())
    form = EnterpriseFilterForm(request.GET or None, federations=federations)
    filters = EnterpriseFilter(**form.cleaned_data) if form.is_valid() else EnterpriseFilter()
    rule = PriorityRule.current()
    today = timezone.localdate()
    queryset = enterprise_list(user=request.user, filters=filters, today=today, rule=rule)
    page = Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "rule": rule,
        "can_add": can_write_any(request.user),
        "can_set_rule": is_provincial(request.user),
    }
    return render(request, "organising/list.html", context)


# --- adding and editing -------------------------------------------------------------------------


@login_required
def enterprise_new(request):
    federations = _writable_federations(request.user)
    if not can_write_any(request.user):
        raise PermissionDenied(_("Bạn không có quyền thêm doanh nghiệp."))
    form = EnterpriseForm(posted(request), federations=federations)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = services.enterprise_create(**form.cleaned_data, user=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã thêm doanh nghiệp %(name)s.") % {"name": enterprise.name})
            return redirect("organising:enterprise_detail", pk=enterprise.pk)
    return render(request, "organising/form.html", {"form": form, "enterprise": None})


@login_required
def enterprise_edit(request, pk: int):
    enterprise = access_enterprise(request.user, pk, write=True)
    initial = {name: getattr(enterprise, name) for name in services.ENTERPRISE_FIELDS}
    form = EnterpriseForm(posted(request), initial=initial, federations=_writable_federations(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.enterprise_update(enterprise=enterprise, **form.cleaned_data, user=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã lưu thông tin doanh nghiệp."))
            return redirect("organising:enterprise_detail", pk=enterprise.pk)
    return render(request, "organising/form.html", {"form": form, "enterprise": enterprise})


# --- the enterprise's page ----------------------------------------------------------------------


def _suggested_code(federation) -> str:
    """The federation's code followed by the next number its CĐCS codes use (DT01, DT02 → DT03)."""
    numbers = [
        int(match.group(1))
        for code in GrassrootsUnion.objects.filter(code__startswith=federation.code).values_list("code", flat=True)
        if (match := re.fullmatch(re.escape(federation.code) + r"(\d+)", code))
    ]
    return f"{federation.code}{max(numbers, default=0) + 1:02d}"


def _page(request, enterprise, *, status: int = 200, **forms):
    """The enterprise's page, with the forms given (bound ones show their errors) and fresh ones
    for the others."""
    user = request.user
    writable = can_write(user, enterprise.federation)
    today = timezone.localdate()
    rule = PriorityRule.current()
    one = type(enterprise).objects.filter(pk=enterprise.pk)
    flags = with_flags(one, today=today, min_workers=rule.min_workers).values("is_overdue", "is_priority").first()
    context = {
        "enterprise": enterprise,
        "overdue": flags["is_overdue"],
        "priority": flags["is_priority"],
        "rule": rule,
        "can_write": writable,
        "can_lend": is_provincial(user),
        **enterprise_page(enterprise),
    }
    if writable:
        moves = services.allowed_moves(enterprise)
        context["contact_form"] = forms.get("contact_form") or ContactForm()
        if moves:
            context["move_form"] = forms.get("move_form") or StageMoveForm(stages=moves)
        if enterprise.stage in OPEN_STAGES and not enterprise.cdcs_id:
            context["found_form"] = forms.get("found_form") or FoundForm(
                initial={
                    "code": _suggested_code(enterprise.federation),
                    "name": f"CĐCS {enterprise.name}",  # stored in the register: Vietnamese whatever the language
                    "founded_on": today,
                }
            )
        if not enterprise.cdcs_id:
            context["link_form"] = forms.get("link_form") or LinkForm(cdcs_choices=None)
    if context["can_lend"]:
        context["lent_form"] = forms.get("lent_form") or LentStaffForm(
            initial={"lent_staff": context["lent"]}, staff=services.lendable_staff()
        )
    return render(request, "organising/detail.html", context, status=status)


@login_required
def enterprise_detail(request, pk: int):
    return _page(request, access_enterprise(request.user, pk))


def _write(request, pk: int, form, action, *, key: str, done: str):
    """Run `action(cleaned_data)` when the form is valid; back to the page with a message, or the
    page again with the form's errors."""
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("organising:enterprise_detail", pk=pk)
    messages.error(request, _("Chưa ghi: hãy xem lỗi trong mẫu bên dưới."))
    return _page(request, access_enterprise(request.user, pk), **{key: form})


@login_required
@require_POST
def contact_new(request, pk: int):
    enterprise = access_enterprise(request.user, pk, write=True)
    form = ContactForm(request.POST)
    return _write(
        request,
        pk,
        form,
        lambda data: services.contact_log(enterprise=enterprise, **data, user=request.user),
        key="contact_form",
        done=_("Đã ghi lần tiếp xúc."),
    )


@login_required
@require_POST
def stage_change(request, pk: int):
    enterprise = access_enterprise(request.user, pk, write=True)
    form = StageMoveForm(request.POST, stages=services.allowed_moves(enterprise))
    return _write(
        request,
        pk,
        form,
        lambda data: services.stage_move(enterprise=enterprise, **data, user=request.user),
        key="move_form",
        done=_("Đã chuyển giai đoạn."),
    )


@login_required
@require_POST
def enterprise_found(request, pk: int):
    enterprise = access_enterprise(request.user, pk, write=True)
    form = FoundForm(request.POST)
    return _write(
        request,
        pk,
        form,
        lambda data: services.enterprise_found(enterprise=enterprise, **data, user=request.user),
        key="found_form",
        done=_("Đã thành lập CĐCS; CĐCS được tính vào chỉ tiêu thành lập mới của tháng thành lập."),
    )


@login_required
@require_POST
def enterprise_link(request, pk: int):
    enterprise = access_enterprise(request.user, pk, write=True)
    # Any CĐCS the user can read is found; the service says why one that moved away cannot be linked.
    form = LinkForm(request.POST, cdcs_choices=cdcs_for_linking(cdcs_visible_to(request.user)))
    return _write(
        request,
        pk,
        form,
        lambda data: services.enterprise_link_cdcs(enterprise=enterprise, cdcs=data["cdcs"], user=request.user),
        key="link_form",
        done=_("Đã gắn doanh nghiệp với CĐCS đã có."),
    )


@login_required
@require_POST
def lent_staff(request, pk: int):
    enterprise = access_enterprise(request.user, pk)
    if not is_provincial(request.user):
        raise PermissionDenied(_("Chỉ cán bộ Ban Tổ chức LĐLĐ tỉnh được cử cán bộ hỗ trợ."))
    form = LentStaffForm(request.POST, staff=services.lendable_staff())
    return _write(
        request,
        pk,
        form,
        lambda data: services.lent_staff_set(enterprise=enterprise, staff=data["lent_staff"], user=request.user),
        key="lent_form",
        done=_("Đã lưu cán bộ tỉnh hỗ trợ."),
    )


# --- the thresholds -----------------------------------------------------------------------------


@login_required
def priority_rule(request):
    if not is_provincial(request.user):
        raise PermissionDenied(_("Chỉ cán bộ Ban Tổ chức LĐLĐ tỉnh được đổi ngưỡng ưu tiên."))
    rule = PriorityRule.current()
    form = PriorityRuleForm(posted(request), initial={"min_workers": rule.min_workers, "stuck_days": rule.stuck_days})
    if request.method == "POST" and form.is_valid():
        try:
            services.priority_rule_set(**form.cleaned_data, user=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã lưu ngưỡng ưu tiên vận động."))
            return redirect("organising:enterprise_list")
    return render(request, "organising/priority.html", {"form": form})
