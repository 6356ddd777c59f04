"""A large enterprise list confirmed as a job (jobs/), off the request, with a progress bar.

The province's list of enterprises without a union runs to thousands of lines. One of more than
JOBS_INLINE_ROWS lines is previewed in the request as every list is, and its confirmation runs as
a job doing exactly what the confirm page does for a short one (organising.imports.list_import,
then list_finish), in the job's one transaction: all or nothing, the same refusals."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jobs.models import Job
from jobs.registry import JobFailed, Result, job_kind
from jobs.services import job_start
from members.access import is_provincial, own_federation

from .imports import EnterpriseList, ListConflict, ListRefused, list_finish, list_import
from .models import EnterpriseListUpload

IMPORT = "organising.enterprise_list_import"


def list_job_visible(user, job: Job) -> bool:
    """As the upload itself: provincial staff, and the staff of the federation that uploaded it."""
    federation = own_federation(user)
    return is_provincial(user) or (federation is not None and federation.pk == job.params.get("federation"))


def is_large(upload: EnterpriseListUpload) -> bool:
    return len((upload.parsed or {}).get("rows") or []) > settings.JOBS_INLINE_ROWS


def list_import_start(*, upload: EnterpriseListUpload, user, plan: str) -> Job:
    """Have a previewed list imported by a job (JobBusy for a second click)."""
    params = {"upload": upload.pk, "federation": upload.federation_id, "plan": plan}
    subject = _("Tệp %(file)s") % {"file": upload.file_name}
    return job_start(kind=IMPORT, user=user, params=params, key=f"{IMPORT}:{upload.pk}", subject=subject)


def list_job(upload: EnterpriseListUpload) -> Job | None:
    """The import of this upload waiting or running, for its page."""
    return Job.objects.filter(key=f"{IMPORT}:{upload.pk}", state__in=Job.ACTIVE).first()


@job_kind(IMPORT, title=gettext_lazy("Nhập danh sách doanh nghiệp"), visible_to=list_job_visible)
def list_import_job(*, job: Job, progress) -> Result:
    upload = EnterpriseListUpload.objects.select_for_update().get(pk=job.params["upload"])
    user, link = job.created_by, reverse("organising:list_preview", kwargs={"pk": upload.pk})
    if upload.outcome == EnterpriseListUpload.Outcome.IMPORTED:
        return _imported(upload)  # run again after it was done: nothing more to do
    if upload.outcome != EnterpriseListUpload.Outcome.PREVIEW:
        raise JobFailed(_("Tệp này đã được xử lý (%(outcome)s).") % {"outcome": upload.get_outcome_display()}, url=link)
    if user is None or not user.is_active:
        raise JobFailed(_("Tài khoản đã bắt đầu việc này không còn hoạt động: không làm thay được."), url=link)
    try:
        preview = list_import(
            read=EnterpriseList.from_json(upload.parsed),
            user=user,
            plan=job.params.get("plan") or upload.parsed.get("plan"),
            file_name=upload.file_name,
            upload=upload,
            progress=progress,
        )
    except ListConflict as conflict:
        upload.parsed["plan"] = conflict.plan
        upload.save(update_fields=["parsed"])
        return Result(conflict.problems[0].message, url=link, link=_("Xem lại bản xem trước"), failed=True)
    except ListRefused as refused:
        list_finish(upload, user=user, refused=refused)
        return Result(_("Chưa ghi gì: danh sách có lỗi."), url=link, link=_("Xem các lỗi"), failed=True)
    except PermissionDenied as denied:
        raise JobFailed(str(denied), url=link) from None
    list_finish(upload, user=user, imported=preview)
    return _imported(upload)


def _imported(upload: EnterpriseListUpload) -> Result:
    message = _("Đã nhập danh sách doanh nghiệp từ tệp %(file)s: %(created)s doanh nghiệp mới, %(updated)s cập nhật.")
    words = {
        "file": upload.file_name,
        "created": number_format(upload.rows_created, force_grouping=True),
        "updated": number_format(upload.rows_updated, force_grouping=True),
    }
    return Result(message % words, url=reverse("organising:enterprise_list"), link=_("Xem danh sách doanh nghiệp"))
