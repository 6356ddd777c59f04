"""The entry grid of a federation-month and its workflow buttons: submit, approve, send back, unlock."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from unionportal.lib.formatting import count
from unionportal.lib.forms import MonthField
from unionportal.lib.months import Month

from ...access import access_org, can_write, is_federation_staff, is_provincial, orgs_visible_to, require_role
from ...models import MonthlyReturn
from ..grid import (
    FLOW_COLUMNS,
    SHORT_LABELS,
    apply_post,
    column_label,
    grid_prefill,
    grid_read,
    posted_cdcs,
    return_read,
    totals_of,
)
from ..grid_paging import SHOW_CHOICES, GridPage, grid_page, page_query, query_string
from ..grid_save import GridConflict, GridInvalid, GridSaved, grid_save
from ..locks import locked_message
from ..workflow import changed_since_seen_message, return_submit
from .decisions import approve_posted, send_back_posted, unlock_posted
from .grid_rows import render_rows


class GridPickForm(forms.Form):
    org = forms.ChoiceField(
        label=gettext_lazy("Công đoàn cấp trên"),
        error_messages={"invalid_choice": gettext_lazy("Đơn vị này không hoạt động trong tháng đã chọn.")},
    )
    month = MonthField(label=gettext_lazy("Tháng"))

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = [(org.code, org.name) for org in orgs]


def _federations_for(user, month: Month):
    """The federations the user may open, active in the month: the direct block among them once
    it has CĐCS, ended and merged ones only for their months."""
    return list(orgs_visible_to(user).federations().active_between(month, month))


def _asked_month(request, latest: Month) -> Month:
    """The month the picker was sent with, if it is one, else the last complete month."""
    try:
        return MonthField().clean(request.GET.get("month")) or latest
    except ValidationError:
        return latest


@login_required
def grid_start(request):
    """Federation staff go straight to their last complete month; others pick a federation."""
    latest = Month.last_complete(timezone.localdate())
    if is_federation_staff(request.user):
        # The grid's own month picker sends them here too: the month they picked, if it is one.
        own = request.user.profile.federation
        month = latest
        if request.GET.get("month"):
            form = GridPickForm({"org": own.code, "month": request.GET["month"]}, orgs=[own])
            if form.is_valid():
                month = form.cleaned_data["month"]
            else:
                messages.error(request, " ".join(form.errors.get("month", [])))
        return redirect("members:grid", code=own.code, month=month)
    require_role(request.user)
    federations = _federations_for(request.user, _asked_month(request, latest))
    form = GridPickForm(request.GET or None, orgs=federations, initial={"month": latest})
    if form.is_bound and form.is_valid():
        return redirect("members:grid", code=form.cleaned_data["org"], month=form.cleaned_data["month"])
    return render(request, "members/grid_start.html", {"form": form})


def month_unavailable(org, month: Month) -> str | None:
    """Why there is no grid for this federation-month, if there is none."""
    if org.is_province:
        return _("Số liệu được nhập theo từng công đoàn cấp trên trực tiếp cơ sở, không nhập cho LĐLĐ tỉnh.")
    if month > Month.of(timezone.localdate()):
        return _("Tháng %(month)s chưa đến.") % {"month": month}
    if org.active_to and org.active_to < month.first_day:
        if org.merged_into_id:
            return _("%(org)s đã hợp nhất vào %(into)s từ tháng %(from)s: hãy nhập số liệu ở đơn vị đó.") % {
                "org": org.name,
                "into": org.merged_into.name,
                "from": org.merged_from,
            }
        return _("%(org)s không còn hoạt động trong tháng %(month)s.") % {"org": org.name, "month": month}
    if org.active_from and org.active_from > month.last_day:
        return _("%(org)s chưa hoạt động trong tháng %(month)s.") % {"org": org.name, "month": month}
    return None


@login_required
def grid(request, code: str, month: Month):
    org = access_org(request.user, code)
    context = {"org": org, "month": month, "previous": month - 1, "next": month + 1}
    context["is_current_or_past"] = month + 1 <= Month.of(timezone.localdate())
    reason = month_unavailable(org, month)
    if reason:
        context["unavailable"] = reason
        return render(request, "members/grid.html", context)
    query = page_query(request.GET)
    if request.method == "POST":
        return _grid_post(request, org, month, query, context)

    grid = grid_read(federation=org, month=month)
    writable = can_write(request.user, org) and not grid.monthly_return.is_locked
    if writable:
        # Rows with nothing saved start from the member register; ?prefill=register fills the
        # saved ones too. Nothing is written until the user saves.
        context["prefilled_all"] = query.get("prefill") == "register"
        context["prefilled"] = grid_prefill(grid, saved_too=context["prefilled_all"])
    context.update(_grid_context(request, grid, writable, grid_page(grid, query)))
    return render(request, "members/grid.html", context)


def _grid_post(request, org, month: Month, query: dict[str, str], context: dict):
    """Save the rows posted (a page's, or only those its script saw changed), then go back to the
    page, or to the one asked for (`goto`: the pager's links save first). A refused save shows the
    page again around the rows it was sent, as typed, with their errors."""
    if not can_write(request.user, org):
        raise PermissionDenied(_("Bạn không có quyền thay đổi số liệu của %(org)s.") % {"org": org.name})
    posted = grid_read(federation=org, month=month, cdcs_ids=posted_cdcs(request.POST))
    apply_post(posted, request.POST)
    submitting = request.POST.get("action") == "submit"  # "Gửi báo cáo": save what is typed, then send
    try:
        saved = grid_save(grid=posted, version=_int(request.POST.get("version")), user=request.user)
    except GridInvalid:
        context["error"] = _(
            "Chưa lưu gì: %(count)s dòng có lỗi (đánh dấu đỏ bên dưới). Sửa các dòng đó rồi bấm Lưu lần nữa."
        ) % {"count": count(sum(1 for row in posted.rows if row.errors))}
    except GridConflict as conflict:
        context["error"] = conflict.messages[0]
    except ValidationError as error:
        context["error"] = " ".join(error.messages)
        posted.monthly_return = return_read(federation=org, month=month)  # locked meanwhile, say
    else:
        _say_saved(request, saved, month, submitting=submitting)
        if submitting and saved.changed_since:  # what would be sent is not only what this page showed
            messages.error(request, changed_since_seen_message(org, month, saved.changed_since))
        elif submitting:
            _submit(request, org, month, version=saved.version)
        # After a save the page shows what is saved: the register's prefill is dropped, unless
        # the save was on the way to another page that asked for it.
        after = page_query(QueryDict(request.POST["goto"].lstrip("?"))) if "goto" in request.POST else query
        if "goto" not in request.POST:
            after.pop("prefill", None)
        return redirect(reverse("members:grid", kwargs={"code": org.code, "month": month}) + query_string(after))
    if submitting:
        context["error"] += " " + _("Báo cáo chưa được gửi.")

    grid = grid_read(federation=org, month=month)  # the whole month: its totals and pages, around the rows sent
    grid.monthly_return = posted.monthly_return
    writable = can_write(request.user, org) and not grid.monthly_return.is_locked
    if writable:
        grid_prefill(grid, saved_too=query.get("prefill") == "register")
    sent = {row.cdcs.pk: row for row in posted.rows}
    grid.rows = [sent.get(row.cdcs.pk, row) for row in grid.rows]
    context["unsaved"] = writable  # what is on screen is not what is saved
    page = grid_page(grid, query, keep=frozenset(sent))
    context.update(_grid_context(request, grid, writable, page))
    return render(request, "members/grid.html", context)


def _say_saved(request, saved: GridSaved, month: Month, *, submitting: bool) -> None:
    parts = []
    if saved.written:
        parts.append(
            _("Đã lưu số liệu tháng %(month)s: %(count)s dòng.") % {"month": month, "count": count(saved.written)}
        )
    if saved.acknowledged:
        parts.append(
            ngettext(
                "Đã lưu đánh dấu “Đã kiểm tra” của %(count)s dòng.",
                "Đã lưu đánh dấu “Đã kiểm tra” của %(count)s dòng.",
                saved.acknowledged,
            )
            % {"count": count(saved.acknowledged)}
        )
    if parts:
        messages.success(request, " ".join(parts))
    elif not submitting:
        messages.info(request, _("Không có gì thay đổi."))
    if saved.merged_with:
        messages.info(
            request,
            _(
                "Trong lúc bạn nhập, %(who)s đã lưu tháng này (lúc %(when)s): các ô chỉ người đó sửa vẫn giữ "
                "số của họ, các ô bạn sửa đã lưu theo số của bạn."
            )
            % saved.merged_with,
        )
    if saved.reopened and not submitting:
        messages.warning(
            request,
            _(
                "Báo cáo tháng %(month)s đã gửi trước đó; vì số liệu vừa thay đổi, báo cáo đã chuyển về "
                "“Đang nhập” – cần Gửi lại."
            )
            % {"month": month},
        )


def _submit(request, org, month: Month, *, version: int | None = None) -> None:
    try:
        return_submit(federation=org, month=month, user=request.user, version=version)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Đã gửi báo cáo tháng %(month)s của %(org)s. Ban Tổ chức LĐLĐ tỉnh sẽ duyệt.")
            % {"month": month, "org": org.name},
        )


def _blank(value) -> str | int:
    return "" if value is None else value


def _posted_version(request) -> int | None:
    """The month's version the page was opened at, if the form says it (a script may not)."""
    version = request.POST.get("version")
    return None if version is None else _int(version)


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def _grid_context(request, grid, writable: bool, page: GridPage) -> dict:
    monthly_return = grid.monthly_return
    provincial = is_provincial(request.user)
    for row in page.rows:
        typed = {column: row.raw.get(column, _blank(row.values.get(column))) for column in row.values}
        row.cells = [(column, typed.get(column, "")) for column in FLOW_COLUMNS]
        row.typed = typed
    totals = grid.totals
    shown = totals_of(page.rows)
    # What the rows of other pages add to each total: the page's script adds its own rows to it.
    rest = {column: value - shown[column] for column, value in totals.items()}
    heads = [(column, SHORT_LABELS[column], column_label(column)) for column in FLOW_COLUMNS]
    submitted = monthly_return.status == MonthlyReturn.Status.SUBMITTED
    first_open = next((row for row in grid.rows if row.warnings and not row.ticked), None)
    return {
        "grid": grid,
        "grid_page": page,
        "grid_body": render_rows(grid, page.rows, writable=writable),
        "show_choices": SHOW_CHOICES.items(),
        "totals": totals,
        "rest": rest,
        "total_cells": [(column, totals[column], rest[column]) for column in FLOW_COLUMNS],
        "head_flows": heads[:2],
        "head_losses": heads[2:],
        "writable": writable,
        "monthly_return": monthly_return,
        "locked_message": locked_message(monthly_return) if monthly_return.is_locked else "",
        "can_submit": can_write(request.user, grid.federation)
        and monthly_return.status == MonthlyReturn.Status.DRAFT
        and grid.rows,
        "can_approve": provincial and submitted,
        "can_send_back": provincial and submitted,
        "open_warnings": grid.open_warnings,
        # on a grid of several pages, the link opens the rows that have them
        "first_open_warning": first_open
        and (query_string({"show": "warnings"}) if page.paged else "") + f"#row-{first_open.cdcs.pk}",
        "can_unlock": provincial and monthly_return.is_locked,
        "history_url": reverse("members:return_history", kwargs={"code": grid.federation.code, "month": grid.month}),
        "keeps_register": any(row.register is not None for row in grid.rows),
        "reconcile_url": reverse("members:reconcile", kwargs={"code": grid.federation.code, "month": grid.month}),
    }


@require_POST
@login_required
def submit(request, code: str, month: Month):
    """Send the month as saved. The grid's own "Gửi báo cáo" posts the grid instead (saving what is
    typed first); this one is refused when the month changed after the `version` posted with it."""
    org = access_org(request.user, code, write=True)
    _submit(request, org, month, version=_posted_version(request))
    return redirect("members:grid", code=org.code, month=month)


@require_POST
@login_required
def approve(request, code: str, month: Month):
    org = approve_posted(request, code, month, version=_posted_version(request))
    return redirect("members:grid", code=org.code, month=month)


@require_POST
@login_required
def send_back(request, code: str, month: Month):
    org = send_back_posted(request, code, month)
    return redirect("members:grid", code=org.code, month=month)


@require_POST
@login_required
def unlock(request, code: str, month: Month):
    org = unlock_posted(request, code, month)
    return redirect("members:grid", code=org.code, month=month)
