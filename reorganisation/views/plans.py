"""The plans: the list, a plan's page (its lines, its preview before → after, its problems, its
history) and what provincial staff do with it: apply, undo, delete a draft."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jobs.selectors import job_view
from jobs.services import JobBusy, job_start
from members.access import is_provincial
from members.models import AuditEntry
from unionportal.lib.months import Month

from ..deletion import plan_delete
from ..jobs import APPLY, UNDO, plan_job_active, plan_job_key
from ..listing import plan_lines, plans_listed
from ..models import Plan, PlanLine
from ..planning import QuotaFigures, plan_preview
from ..services import plan_undo_refusal
from .common import plan_for, require_reader

LINES_PER_PAGE = 200


@login_required
def plan_list(request):
    require_reader(request.user)
    plans = plans_listed()
    return render(request, "reorganisation/plan_list.html", {"plans": plans, "can_build": is_provincial(request.user)})


@login_required
def plan_detail(request, pk: int):
    plan = plan_for(request, pk)
    lines = plan_lines(plan)
    page = Paginator(lines, LINES_PER_PAGE).get_page(request.GET.get("page"))
    draft = plan.status == Plan.Status.DRAFT
    preview = plan_preview(plan) if draft else None  # before → after: of a plan not applied yet
    refusal = plan_undo_refusal(plan) if plan.status == Plan.Status.APPLIED else None
    entries = (
        AuditEntry.objects.filter(object_type=Plan._meta.label_lower, object_id=str(plan.pk))
        .select_related("user")
        .order_by("-at", "-pk")
    )
    context = {
        "plan": plan,
        "month": Month.of(plan.effective_month),
        "eve": Month.of(plan.effective_month) - 1,
        "page": page,
        "line_count": len(lines),
        "preview": preview,
        "quota_rows": quota_rows(preview) if preview else [],
        "problems": preview.problems if preview else [],
        "counts": action_counts(lines),
        "undo_refusal": refusal,
        "running": job_view(running) if (running := plan_job_active(plan)) else None,
        "can_write": is_provincial(request.user),
        "entries": entries,
    }
    return render(request, "reorganisation/plan_detail.html", context)


@login_required
@require_POST
def plan_apply_view(request, pk: int):
    """Applying runs as a job (reorganisation.jobs); its page follows it and links back here."""
    plan = plan_for(request, pk, write=True)
    if plan.status != Plan.Status.DRAFT:
        return _already(request, plan)
    return _start(request, plan, APPLY)


def _already(request, plan: Plan):
    if plan.status == Plan.Status.APPLIED:
        when = date_format(plan.applied_at, "SHORT_DATETIME_FORMAT") if plan.applied_at else ""
        messages.info(request, _("Đề án này đã áp dụng lúc %(when)s; không áp dụng lần nữa.") % {"when": when})
    else:
        messages.info(request, _("Đề án này đã hoàn tác; không áp dụng lại được. Hãy lập đề án mới."))
    return redirect("reorganisation:plan_detail", pk=plan.pk)


def _start(request, plan: Plan, kind: str):
    try:
        job = job_start(
            kind=kind, user=request.user, params={"plan": plan.pk}, key=plan_job_key(plan), subject=plan.name
        )
    except JobBusy as busy:
        return _busy(request, plan, busy.job)
    return redirect("jobs:detail", pk=job.pk)


def _busy(request, plan: Plan, job):
    """The second click while the plan is being applied or undone: said, and sent to that job."""
    messages.info(
        request,
        _("Đề án “%(name)s” đang được áp dụng hoặc hoàn tác (việc #%(job)s): chưa làm thêm gì, hãy chờ việc đó xong.")
        % {"name": plan.name, "job": job.pk if job else "–"},
    )
    if job is None:
        return redirect("reorganisation:plan_detail", pk=plan.pk)
    return redirect("jobs:detail", pk=job.pk)


@login_required
@require_POST
def plan_undo_view(request, pk: int):
    plan = plan_for(request, pk, write=True)
    if plan.status != Plan.Status.APPLIED:
        messages.info(request, _("Đề án này chưa áp dụng hoặc đã hoàn tác: không có gì để hoàn tác."))
        return redirect("reorganisation:plan_detail", pk=pk)
    refusal = plan_undo_refusal(plan)
    if refusal:
        messages.error(request, refusal)
        return redirect("reorganisation:plan_detail", pk=pk)
    return _start(request, plan, UNDO)


@login_required
@require_POST
def plan_delete_view(request, pk: int):
    plan = plan_for(request, pk, write=True)
    running = plan_job_active(plan)
    if running is not None:
        return _busy(request, plan, running)
    try:
        plan_delete(plan=plan, user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("reorganisation:plan_detail", pk=pk)
    messages.success(request, _("Đã xóa dự thảo đề án “%(name)s”.") % {"name": plan.name})
    return redirect("reorganisation:plan_list")


def quota_rows(preview) -> list[tuple]:
    """(organisation's change, year, quotas before, after, changed) for each year of each
    organisation of the preview that has quotas from the effective year on."""
    empty = QuotaFigures()
    return [
        (row, year, row.quota_before.get(year, empty), row.quota_after.get(year, empty),
         row.quota_before.get(year, empty) != row.quota_after.get(year, empty))
        for row in preview.rows
        for year in row.years
    ]  # fmt: skip


def action_counts(lines) -> list[tuple[str, int]]:
    """(action in words, how many lines) of each action the plan's lines take."""
    labels = dict(PlanLine.Action.choices)
    counts = {action: 0 for action in labels}
    for line in lines:
        counts[line.action] = counts.get(line.action, 0) + 1
    return [(labels[action], count) for action, count in counts.items() if count]
