"""Applying and undoing a plan as jobs (jobs/: the job's page with its progress bar): a plan of a
whole province moves thousands of CĐCS and their members and recomputes every federation's
summary, longer than a request may wait. Each runs reorganisation.services' own service, in the
job's one transaction (all or nothing, audited as from the page), as the person who clicked.

One key for both, the plan's: while it is being applied it cannot be applied again, undone or
deleted (the second click is told so and sent to the running job)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jobs.models import Job
from jobs.registry import JobFailed, Result, job_kind
from members.access import is_provincial
from unionportal.lib.months import Month

from .models import Plan
from .services import plan_apply, plan_undo

APPLY, UNDO = "reorganisation.plan_apply", "reorganisation.plan_undo"
SHOWN_PROBLEMS = 5  # of a refusal on the job's page; the plan's page lists them all


def plan_job_key(plan: Plan) -> str:
    return f"reorganisation.plan:{plan.pk}"


def plan_job_active(plan: Plan) -> Job | None:
    """The apply or undo of this plan waiting or running, if any."""
    return Job.objects.filter(key=plan_job_key(plan), state__in=Job.ACTIVE).first()


def _provincial_see(user, job) -> bool:
    """Plans are the province's: its staff follow each other's applies; nobody else does."""
    return is_provincial(user)


def _plan_of(job) -> tuple[Plan, str, str]:
    plan = Plan.objects.filter(pk=job.params["plan"]).first()
    if plan is None:
        raise JobFailed(_("Đề án này không còn (đã bị xóa): không có gì để làm."))
    if job.created_by is None or not job.created_by.is_active:
        raise JobFailed(_("Tài khoản đã bắt đầu việc này không còn hoạt động: không làm thay được."))
    return plan, reverse("reorganisation:plan_detail", kwargs={"pk": plan.pk}), _("Xem đề án")


def _refused(error: ValidationError | PermissionDenied, url: str, link: str) -> JobFailed:
    messages = error.messages if isinstance(error, ValidationError) else [str(error)]
    shown = " ".join(messages[:SHOWN_PROBLEMS])
    if len(messages) > SHOWN_PROBLEMS:
        shown += " " + _("… và %(count)s vấn đề khác (xem trang đề án).") % {"count": len(messages) - SHOWN_PROBLEMS}
    return JobFailed(_("Chưa thay đổi gì. %(reasons)s") % {"reasons": shown}, url=url, link=link)


@job_kind(APPLY, title=gettext_lazy("Áp dụng đề án sắp xếp tổ chức"), visible_to=_provincial_see)
def plan_apply_job(*, job, progress) -> Result:
    plan, url, link = _plan_of(job)
    try:
        plan = plan_apply(plan=plan, user=job.created_by, progress=progress)
    except (ValidationError, PermissionDenied) as error:
        raise _refused(error, url, link) from None
    message = _("Đã áp dụng đề án “%(name)s”: cơ cấu mới có hiệu lực từ tháng %(month)s.") % {
        "name": plan.name,
        "month": Month.of(plan.effective_month),
    }
    return Result(message, url=url, link=link)


@job_kind(UNDO, title=gettext_lazy("Hoàn tác đề án sắp xếp tổ chức"), visible_to=_provincial_see)
def plan_undo_job(*, job, progress) -> Result:
    plan, url, link = _plan_of(job)
    try:
        plan = plan_undo(plan=plan, user=job.created_by, progress=progress)
    except (ValidationError, PermissionDenied) as error:
        raise _refused(error, url, link) from None
    message = _("Đã hoàn tác đề án “%(name)s”: cơ cấu trở lại như trước.") % {"name": plan.name}
    return Result(message, url=url, link=link)
