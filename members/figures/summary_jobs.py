"""The reports' summary rebuilt as a job (jobs/), from a page of provincial staff or
`manage.py summary --rebuild --background`: one transaction, as the command does, with its progress
federation by federation. The reports read the old summary until the new one is committed."""

from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jobs.models import Job
from jobs.registry import Result, job_kind
from jobs.services import job_start

from ..access import is_provincial
from ..audit import audit_log
from ..models import FederationMonth
from .summary import summary_rebuild

REBUILD = "members.summary_rebuild"


def provincial_sees(user, job: Job) -> bool:
    return is_provincial(user)


def summary_rebuild_start(*, user) -> Job:
    """One rebuild at a time (JobBusy for a second)."""
    return job_start(kind=REBUILD, user=user, key=REBUILD, subject=_("Toàn tỉnh"))


@job_kind(REBUILD, title=gettext_lazy("Tính lại số liệu tổng hợp của các báo cáo"), visible_to=provincial_sees)
def summary_rebuild_job(*, job: Job, progress) -> Result:
    def on_federation(number: int, count: int, name: str) -> None:
        progress.step(_("Đang tính: %(name)s") % {"name": name}, total=count)
        progress.set(number)

    federations = summary_rebuild(on_federation=on_federation)
    rows = FederationMonth.objects.count()
    audit_log(job.created_by, "summary.rebuild", None, federations=federations, rows=rows)
    message = _("Đã tính lại số liệu tổng hợp của %(federations)s công đoàn cấp trên: %(rows)s dòng (đơn vị × tháng).")
    return Result(
        message % {"federations": number_format(federations), "rows": number_format(rows)},
        url=reverse("reports:dashboard"),
        link=_("Xem bảng điều khiển"),
    )
