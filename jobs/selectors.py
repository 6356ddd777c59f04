"""Who may see which job, and a job as its page shows it."""

from dataclasses import dataclass

from django.http import Http404
from django.utils.translation import gettext as _

from .models import Job
from .progress import progress_read
from .registry import kind_get
from .services import job_interrupted, job_stuck

RECENT = 50


def job_visible(user, job: Job) -> bool:
    """Its owner, superusers, and whom its kind lets see it (jobs.registry: the app that owns the
    kind decides, e.g. provincial staff and the staff of the federation the job is for)."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser or (job.created_by_id is not None and job.created_by_id == user.pk):
        return True
    kind = kind_get(job.kind)
    return bool(kind and kind.visible_to and kind.visible_to(user, job))


def job_for(user, pk: int) -> Job:
    """The job, or 404 when there is none or the user may not see it (a guessed number tells
    nothing of another person's work)."""
    job = Job.objects.select_related("created_by").filter(pk=pk).first()
    if job is None or not job_visible(user, job):
        raise Http404(_("Không có việc này."))
    return job


def jobs_visible_to(user, *, kind: str = "", limit: int = RECENT) -> list[Job]:
    """The user's recent jobs, and the recent jobs of others that they may see, newest first."""
    own = Job.objects.select_related("created_by").filter(created_by=user)
    others = Job.objects.select_related("created_by").exclude(created_by=user)
    if kind:
        own, others = own.filter(kind=kind), others.filter(kind=kind)
    seen = [job for job in others[: limit * 4] if job_visible(user, job)]
    return sorted([*own[:limit], *seen], key=lambda job: (job.created_at, job.pk), reverse=True)[:limit]


@dataclass
class JobView:
    """A job as its page and its JSON show it: the state a reader should believe (a running job
    whose heartbeat stopped is interrupted) and the progress of the moment."""

    job: Job
    state: str
    label: str
    done: int
    total: int
    step: str
    stuck: bool

    @property
    def percent(self) -> int | None:
        if self.state == Job.State.DONE:
            return 100
        return min(100, self.done * 100 // self.total) if self.total else None

    @property
    def ended(self) -> bool:
        return self.state in (Job.State.DONE, Job.State.FAILED, Job.State.INTERRUPTED)

    @property
    def title(self) -> str:
        kind = kind_get(self.job.kind)
        return str(kind.title) if kind else self.job.kind

    def as_json(self) -> dict:
        return {
            "state": self.state,
            "label": self.label,
            "done": self.done,
            "total": self.total,
            "percent": self.percent,
            "step": self.step,
            "ended": self.ended,
        }


def job_view(job: Job) -> JobView:
    state = Job.State.INTERRUPTED if job_interrupted(job) else Job.State(job.state)
    progress = {"done": job.done, "total": job.total, "step": job.step}
    if state == Job.State.RUNNING:
        progress = progress_read(job)
    return JobView(
        job=job,
        state=state,
        label=str(state.label),
        done=progress["done"],
        total=progress["total"],
        step=progress["step"],
        stuck=job_stuck(job),
    )
