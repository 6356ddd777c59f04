"""The kinds of job the apps register, and what a kind's work gives back.

An app registers each kind once, when it is ready (its apps.py imports the module that holds them):

    @job_kind("members.figures_import", title=_("Nhập bảng số liệu tháng"), visible_to=figures_job_visible)
    def figures_import(*, job: Job, progress: Progress) -> Result:
        ...
        return Result(_("Đã nhập 12.000 dòng."), url=reverse(...), link=_("Xem bảng nhập liệu"))

The work gets the Job (its params, its owner `job.created_by`, as whom it runs) and a Progress to
report to. With `atomic` (the default) it runs in one transaction that also marks the job done:
a worker killed half way leaves nothing written and the job not done. A kind whose work is a
series of steps that are each complete and may be done again (a rebuild by federation, a file
written aside and renamed) registers `atomic=False` and holds each step's atomicity itself.

Who may see a job: its owner, superusers, and whoever `visible_to(user, job)` says (this app knows
no roles: the app that owns the kind does)."""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Result:
    """What a job did, for its page: a sentence and a link to what it made. `failed` marks a
    refusal the work recorded itself (an upload noted as refused, with its problems): what it wrote
    is kept, and the job shows as not done with `message` as its error."""

    message: str
    url: str = ""
    link: str = ""
    failed: bool = False

    def as_json(self) -> dict:
        return {"message": str(self.message), "url": self.url, "link": str(self.link)}


class JobFailed(Exception):
    """The work refuses, in Vietnamese, for the person who started it: everything the work wrote
    in its transaction is undone and the job shows `message` (and `url`, `link` if given)."""

    def __init__(self, message: str, *, url: str = "", link: str = ""):
        super().__init__(message)
        self.message, self.url, self.link = str(message), url, str(link)


@dataclass(frozen=True)
class JobKind:
    name: str
    title: str
    run: Callable
    visible_to: Callable | None = None
    atomic: bool = True


_KINDS: dict[str, JobKind] = {}


def job_kind(name: str, *, title: str, visible_to: Callable | None = None, atomic: bool = True):
    """Register the decorated function as the work of jobs of kind `name` (app.what, e.g.
    "members.summary_rebuild"); `title` names it on the job's page."""

    def register(run: Callable) -> Callable:
        known = _KINDS.get(name)
        if known is not None and known.run.__qualname__ != run.__qualname__:
            raise ImproperlyConfigured(f"Job kind {name} is registered twice ({known.run} and {run}).")
        _KINDS[name] = JobKind(name=name, title=title, run=run, visible_to=visible_to, atomic=atomic)
        return run

    return register


def kind_get(name: str) -> JobKind | None:
    return _KINDS.get(name)


def kinds() -> dict[str, JobKind]:
    return dict(_KINDS)
