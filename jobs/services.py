"""Starting, running and running again a job. A view calls `job_start` and sends the user to the
job's page; a Celery worker (jobs.tasks) or, without a broker, the request itself calls `job_run`.

The work of an atomic kind runs in one transaction that also marks the job done, so a job is done
exactly when its work is committed: a worker killed half way leaves nothing written and the job
"running" with a heartbeat that stops, which its page then shows as interrupted, with a button to
run it again (`job_retry`). A message delivered twice (Celery after a lost worker, a second
worker after Redis's visibility timeout) finds the job done, or running with a fresh heartbeat,
and does nothing."""

import logging
import os
import socket
from functools import partial

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Job
from .progress import Progress, heartbeat, is_stale, progress_forget, progress_read
from .registry import JobFailed, Result, kind_get

logger = logging.getLogger(__name__)


class JobBusy(Exception):
    """The same work (the same key) is waiting or running already: `job` is that one."""

    def __init__(self, job: Job | None):
        super().__init__(f"job with the same key is active: {job}")
        self.job = job


def background() -> bool:
    """Whether jobs go to a Celery worker (a broker is set) or run in the request that starts them."""
    return bool(settings.CELERY_BROKER_URL)


def job_start(*, kind: str, user, params: dict | None = None, key: str = "", subject: str = "") -> Job:
    """Record a job and have it run: by a worker once the caller's transaction commits, or, without
    a broker, now, in this request (it then returns with the job ended). `key` names the work so
    that it is not queued twice (JobBusy). `user` is who the work runs as."""
    if kind_get(kind) is None:
        raise LookupError(f"No job kind {kind!r} is registered.")
    try:
        with transaction.atomic():
            job = Job.objects.create(
                kind=kind, subject=subject[:300], params=params or {}, key=key[:200], created_by=_user(user)
            )
    except IntegrityError:
        raise JobBusy(Job.objects.filter(key=key, state__in=Job.ACTIVE).first()) from None
    _dispatch(job)
    return job


def job_retry(*, job: Job, user) -> Job:
    """Run again a job that failed or was interrupted, as the user who started it. JobBusy when it
    is still running (its heartbeat is fresh) or the same work was started again meanwhile."""
    job.refresh_from_db()
    if job_stuck(job):  # its message was lost (Redis emptied, no worker on that queue): send it again
        _dispatch(job)
        return job
    if job.state == Job.State.DONE or (job.state in Job.ACTIVE and not job_interrupted(job)):
        raise JobBusy(job)
    try:
        with transaction.atomic():
            moved = Job.objects.filter(pk=job.pk, state=job.state, attempts=job.attempts).update(
                state=Job.State.QUEUED, error="", result={}, finished_at=None
            )
    except IntegrityError:
        raise JobBusy(Job.objects.filter(key=job.key, state__in=Job.ACTIVE).first()) from None
    if not moved:  # someone else moved it first
        raise JobBusy(job)
    logger.info("job %s (%s) run again by user %s", job.pk, job.kind, getattr(user, "pk", None))
    progress_forget(job.pk)
    job.refresh_from_db()
    _dispatch(job)
    return job


def job_interrupted(job: Job) -> bool:
    """A job recorded as running whose heartbeat stopped: its worker (or request) is gone."""
    return job.state == Job.State.INTERRUPTED or (
        job.state == Job.State.RUNNING and is_stale(progress_read(job)["beat"])
    )


def job_stuck(job: Job) -> bool:
    """A job still waiting JOBS_STALE_SECONDS after it was made: no worker took it."""
    waited = (timezone.now() - job.created_at).total_seconds()
    return job.state == Job.State.QUEUED and waited > settings.JOBS_STALE_SECONDS


def _user(user):
    return user if user is not None and user.is_authenticated else None


def _dispatch(job: Job) -> None:
    if background():
        transaction.on_commit(partial(_send, job.pk))
    else:
        job_run(job_id=job.pk, runner="inline")


def _send(job_id: int) -> None:
    from .tasks import run_job  # Celery only where a broker is set

    try:
        run_job.apply_async(args=[job_id], queue=settings.CELERY_TASK_DEFAULT_QUEUE)
    except Exception:
        logger.exception("job %s: not sent to the broker", job_id)
        Job.objects.filter(pk=job_id, state=Job.State.QUEUED).update(
            state=Job.State.FAILED,
            finished_at=timezone.now(),
            error=_(
                "Không gửi được việc tới máy chạy nền (hàng đợi Redis không trả lời). Chưa làm gì; "
                "hãy thử lại sau ít phút hoặc báo quản trị hệ thống."
            ),
        )


# --- running ----------------------------------------------------------------------------------


def job_run(*, job_id: int, runner: str = "") -> str:
    """Run the job if nobody is running it: "done", "failed", or why not ("busy": running with a
    fresh heartbeat elsewhere; "ended": done or failed already; "gone": no such job)."""
    job = _claim(job_id, runner or _here())
    if isinstance(job, str):
        return job
    kind = kind_get(job.kind)
    if kind is None:
        return _fail(job, _("Loại việc %(kind)s không còn trong phiên bản này của cổng.") % {"kind": job.kind})
    progress = Progress(job)
    with heartbeat(job.pk):
        try:
            if kind.atomic:
                with transaction.atomic():
                    result = kind.run(job=job, progress=progress)
                    return _finish(job, result, progress)
            return _finish(job, kind.run(job=job, progress=progress), progress)
        except JobFailed as refused:
            return _fail(job, refused.message, url=refused.url, link=refused.link)
        except Exception:
            logger.exception("job %s (%s) failed", job.pk, job.kind)
            return _fail(
                job,
                _(
                    "Việc không hoàn thành vì một lỗi của hệ thống (đã ghi vào nhật ký máy chủ để quản trị "
                    "xem). Không có gì được ghi dở dang; có thể chạy lại, và nếu lỗi lặp lại, hãy báo quản trị."
                ),
            )


def _here() -> str:
    return f"{socket.gethostname()} pid {os.getpid()}"


def _claim(job_id: int, runner: str) -> Job | str:
    """Mark the job running (attempt + 1) if it is waiting, or running but interrupted; an
    interrupted job is taken over only while it has attempts left (JOBS_MAX_ATTEMPTS)."""
    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        return "gone"
    if job.state in Job.ENDED:
        return "ended"
    if job.state != Job.State.QUEUED:
        if not job_interrupted(job):
            return "busy"
        if job.attempts >= settings.JOBS_MAX_ATTEMPTS:
            _fail(
                job,
                _(
                    "Việc đã bị gián đoạn %(count)s lần (máy chạy nền dừng giữa chừng, có thể vì hết bộ nhớ) "
                    "nên không tự chạy lại nữa. Không có gì được ghi dở dang; hãy báo quản trị hệ thống."
                )
                % {"count": job.attempts},
            )
            return "failed"
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, state=job.state, attempts=job.attempts).update(
        state=Job.State.RUNNING,
        attempts=F("attempts") + 1,
        started_at=now,
        heartbeat_at=now,
        finished_at=None,
        runner=runner[:200],
        done=0,
        total=0,
        step="",
        error="",
        result={},
    )
    if not claimed:
        return "busy"
    progress_forget(job_id)
    job.refresh_from_db()
    return job


def _finish(job: Job, result: Result, progress: Progress) -> str:
    """Inside the work's transaction for an atomic kind: the job is done when the work commits."""
    values = progress.as_json()
    total = values["total"] or values["done"]
    fields = {"finished_at": timezone.now(), "result": result.as_json(), "done": total, "total": total}
    if result.failed:
        fields |= {"state": Job.State.FAILED, "error": str(result.message)}
    else:
        fields |= {"state": Job.State.DONE, "step": values["step"][:200]}
    Job.objects.filter(pk=job.pk).update(**fields)
    transaction.on_commit(partial(progress_forget, job.pk))
    return fields["state"]


def _fail(job: Job, message: str, *, url: str = "", link: str = "") -> str:
    try:
        Job.objects.filter(pk=job.pk).update(
            state=Job.State.FAILED,
            finished_at=timezone.now(),
            error=message,
            result={"message": message, "url": url, "link": link} if url else {},
        )
    except DatabaseError:  # the database went away: the job stays running and shows as interrupted
        logger.exception("job %s: its failure could not be recorded", job.pk)
    progress_forget(job.pk)
    return Job.State.FAILED
