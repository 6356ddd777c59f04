"""Reconciliation of the monthly figures with the member register: a federation-month's CĐCS,
reported against register; the province's federations, how many CĐCS agree; and the members
behind the register's numbers of one CĐCS's month. The counts are for everyone who sees the
figures; the names only for those who may read member records (access.can_read_people)."""

from urllib.parse import quote

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from unionportal.lib.formatting import count
from unionportal.lib.forms import MonthField
from unionportal.lib.http import personal_data
from unionportal.lib.months import Month

from ...access import access_org, can_read_people, cdcs_now_under, orgs_visible_to, require_people, require_role
from ...models import LOSS_FIELDS, MonthlyFigure
from ...register.people import mask_id
from ..grid import SHORT_LABELS, column_label, federation_unions
from ..reconcile import (
    COMPARED,
    HEADLINE,
    CdcsMonth,
    Reconciliation,
    Status,
    cdcs_month,
    federation_reconciliation,
    province_reconciliation,
)
from .grid import month_unavailable

STATUS_BADGES = {
    Status.MATCHED: "text-bg-success",
    Status.DIFFERS: "text-bg-warning",
    Status.NOT_REPORTED: "text-bg-secondary",
    Status.NO_REGISTER: "text-bg-light border",
}
HEADS = {
    "members_start": gettext_lazy("Đầu kỳ"),
    "admitted": SHORT_LABELS["admitted"],
    "transferred_in": SHORT_LABELS["transferred_in"],
    "lost": gettext_lazy("Giảm"),
    "members_end": gettext_lazy("Cuối kỳ"),
}
# Where each register number's members are listed on the drill-down page (members_start: see _table).
_ANCHORS = {
    "admitted": "admitted",
    "transferred_in": "transferred_in",
    "lost": "lost",
    **{column: column for column in LOSS_FIELDS.values()},
    "members_end": "end",
}
_REASON_COLUMNS = frozenset(LOSS_FIELDS.values())
# A union of 3,000 CĐCS would be a table of 9 MB, 70,000 cells: the page lists this many CĐCS at a
# time, which status it is asked for (those that differ, say), with the counts and totals of all.
LINES_PER_PAGE = 200
_PLACEHOLDER = "CDCS-PLACEHOLDER"
_PK_PLACEHOLDER = 987654321


class MonthForm(forms.Form):
    month = MonthField(label=gettext_lazy("Tháng"))
    org = forms.CharField(required=False, widget=forms.HiddenInput)


def _next(month: Month) -> Month | None:
    return month + 1 if month + 1 <= Month.of(timezone.localdate()) else None


@login_required
def reconcile_province(request):
    """Per federation, how many CĐCS keep a register and how many of them agree with it."""
    require_role(request.user)
    data = request.GET.copy()
    data.setdefault("month", Month.last_complete(timezone.localdate()).iso)
    form = MonthForm(data)
    context = {"form": form}
    if form.is_valid():
        month = form.cleaned_data["month"]
        if form.cleaned_data["org"]:  # the month picker of a federation's page
            return redirect("members:reconcile", code=form.cleaned_data["org"], month=month)
        federations = orgs_visible_to(request.user).federations().active_between(month, month)
        summaries = province_reconciliation(federations=federations, month=month)
        context.update(
            month=month,
            previous=month - 1,
            next=_next(month),
            summaries=summaries,
            totals={
                key: sum(getattr(summary, key) for summary in summaries)
                for key in ("cdcs", "keeping", "matched", "differing", "not_reported")
            },
        )
    return render(request, "members/reconcile/province.html", context)


@login_required
def reconcile(request, code: str, month: Month):
    """One line per CĐCS of the federation-month: reported against register, and where they differ."""
    org = access_org(request.user, code)
    context = {"org": org, "month": month, "previous": month - 1, "next": _next(month)}
    reason = month_unavailable(org, month)
    if reason:
        context["unavailable"] = reason
        return render(request, "members/reconcile/federation.html", context)
    reconciliation = federation_reconciliation(federation=org, month=month)
    shown = request.GET.get("status", "")
    if shown not in Status.values:  # anything else: every CĐCS
        shown = ""
    lines = [line for line in reconciliation.lines if not shown or line.status == shown]
    page = Paginator(lines, LINES_PER_PAGE).get_page(request.GET.get("page"))
    openable = _openable(request.user, [line.cdcs.pk for line in page])
    context.update(
        reconciliation=reconciliation,
        page=page,
        shown=shown,
        table=_table(reconciliation, page.object_list, openable),
        heads=[(key, HEADS[key], column_label(key) if key != "lost" else HEADS[key]) for key in HEADLINE],
        reasons=[(column, SHORT_LABELS[column], reason.label) for reason, column in LOSS_FIELDS.items()],
        statuses=[(status, status.label, STATUS_BADGES[status]) for status in Status],
        people=can_read_people(request.user),
    )
    return render(request, "members/reconcile/federation.html", context)


def _openable(user, cdcs_ids: list[int]) -> set[int]:
    """Which of the CĐCS the user may open the members of (one query; none for leadership)."""
    if not can_read_people(user) or not cdcs_ids:
        return set()
    return set(cdcs_now_under(user).filter(pk__in=cdcs_ids).values_list("pk", flat=True))


def _table(reconciliation: Reconciliation, lines: list, openable: set[int]) -> tuple[SafeString, SafeString]:
    """The body of the table for `lines` and the total line of every CĐCS, rendered in Python: 150
    CĐCS make some 3,600 cells, which Django's template engine takes over 100 ms to render (as for
    the entry grid, see grid_rows). Everything that comes from the database goes through escape()."""
    org, month = reconciliation.federation, reconciliation.month
    drill = reverse("members:reconcile_cdcs", kwargs={"code": org.code, "month": month, "cdcs": _PLACEHOLDER})
    before = reverse("members:reconcile_cdcs", kwargs={"code": org.code, "month": month - 1, "cdcs": _PLACEHOLDER})
    numbers: dict[int | None, str] = {}  # the same few numbers come back: format each once

    def number(value: int | None) -> str:
        if value not in numbers:
            numbers[value] = count(value)
        return numbers[value]

    def cells(reported: dict | None, register: dict | None, differs, links: dict[str, str]) -> str:
        parts = []
        for key in (*HEADLINE[:3], "lost", *LOSS_FIELDS.values(), "members_end"):
            hidden = " reason-col d-none small" if key in _REASON_COLUMNS else ""
            warn = " table-warning" if differs(key) else ""
            shown = number(register[key] if register else None)
            if key in links:
                shown = f'<a href="{links[key]}">{shown}</a>'
            parts.append(
                f'<td class="text-end border-start{hidden}{warn}" data-reported="{key}">'
                f"{number(reported[key] if reported else None)}</td>"
                f'<td class="text-end register{hidden}{warn}{" fw-semibold" if warn else ""}" data-register="{key}">'
                f"{shown}</td>"
            )
        return "".join(parts)

    body = []
    for line in lines:
        code, links, name = escape(line.cdcs.code), {}, escape(line.cdcs.name)
        if line.cdcs.pk in openable and line.register is not None:
            quoted = quote(line.cdcs.code, safe="")
            url = drill.replace(_PLACEHOLDER, quoted)
            links = {key: f"{url}#{anchor}" for key, anchor in _ANCHORS.items()}
            # the start is last month's end, except in the register's first month
            first = Month.of(line.cdcs.register_from) == month
            links["members_start"] = f"{url}#start" if first else before.replace(_PLACEHOLDER, quoted) + "#end"
            name = f'<a href="{url}">{name}</a>'
        status = line.status
        differences = (
            f'<div class="small text-warning-emphasis differences">{escape(", ".join(line.difference_labels))}</div>'
            if line.differences
            else ""
        )
        body.append(
            f'<tr id="cdcs-{code}" data-cdcs="{code}" data-status="{status.value}">'
            f'<td class="cdcs">{name} <span class="small text-body-secondary">{code}</span></td>'
            f"{cells(line.reported, line.register, line.differs, links)}"
            f'<td class="border-start status"><span class="badge {STATUS_BADGES[status]}">{escape(status.label)}</span>'
            f"{differences}</td></tr>"
        )
    reported, register = reconciliation.totals["reported"], reconciliation.totals["register"]
    foot = (
        f'<tr class="total" id="totals"><td>{escape(_("Cộng các CĐCS giữ sổ"))}</td>'
        f"{cells(reported, register, lambda key: reported[key] != register[key], {})}"
        f'<td class="border-start"></td></tr>'
    )
    return mark_safe("".join(body)), mark_safe(foot)


@personal_data  # the members behind each number, by name
@login_required
def reconcile_cdcs(request, code: str, month: Month, cdcs: str):
    """The members behind each register number of one CĐCS's month. Names are personal data:
    leadership is refused (403); a CĐCS of another federation, or one that has moved away from
    the user's, is not found (404)."""
    org = access_org(request.user, code)
    require_people(request.user)
    union = None
    if not month_unavailable(org, month):
        union = federation_unions(federation=org, month=month).filter(code=cdcs).first()
    if union is None or not cdcs_now_under(request.user).filter(pk=union.pk).exists():
        raise Http404(_("Không tìm thấy CĐCS."))
    detail = cdcs_month(
        cdcs=union, month=month, end_page=request.GET.get("page"), start_page=request.GET.get("start_page")
    )
    context = {"org": org, "month": month, "cdcs": union, "detail": detail}
    if detail is not None:
        figure = MonthlyFigure.objects.filter(cdcs=union, month=month.first_day).first()
        members = [movement.member for flow in detail.flows for movement in flow.movements]
        members += [*detail.end.object_list, *(detail.start.object_list if detail.start else [])]
        openable = _openable(request.user, list({member.cdcs_id for member in members}))
        person = reverse("members:person", kwargs={"pk": _PK_PLACEHOLDER})  # once, not once per row
        for member in members:
            member.masked_id = mask_id(member.id_number)
            member.url = person.replace(str(_PK_PLACEHOLDER), str(member.pk)) if member.cdcs_id in openable else ""
        previous = {"code": org.code, "month": month - 1, "cdcs": union.code}
        context.update(
            figure=figure,
            numbers=_numbers(detail, figure),
            previous_end_url="" if detail.first_month else reverse("members:reconcile_cdcs", kwargs=previous),
        )
    return render(request, "members/reconcile/cdcs.html", context)


def _numbers(detail: CdcsMonth, figure: MonthlyFigure | None) -> list[dict]:
    """The CĐCS-month's figures, reported and counted, each with where its members are listed."""
    counted = detail.register.as_figures()
    labels = {column: _("Giảm: %(reason)s") % {"reason": reason.label} for reason, column in LOSS_FIELDS.items()}
    anchors = {"members_start": "start", "members_end": "end"}
    return [
        {
            "key": column,
            "label": labels.get(column) or column_label(column),
            "anchor": anchors.get(column, column),
            "reported": getattr(figure, column) if figure else None,
            "register": counted[column],
            "differs": figure is not None and getattr(figure, column) != counted[column],
        }
        for column in COMPARED
    ]
