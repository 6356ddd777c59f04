"""A large member list confirmed as a job (jobs/), off the request, with a progress bar.

A list of more than JOBS_INLINE_ROWS people (a factory's CĐCS of thousands) is previewed in the
request as every list is (reading and checking it is quick; the register helper's bench times it),
and its confirmation runs as a job: exactly what the confirm page does for a small list
(members.register.list_import.list_import, then list_finish), in the job's one transaction, all
or nothing, with the same refusals and messages. One list at a time into a CĐCS's register."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jobs.models import Job
from jobs.registry import JobFailed, Result, job_kind
from jobs.services import job_start
from members.models import AuditEntry, GrassrootsUnion, MemberListUpload
from members.register.list_import import (
    ListConflict,
    ListNeedsConfirmation,
    ListRefused,
    list_finish,
    list_import,
    may_import,
)
from members.register.lists import MemberList
from unionportal.lib.months import Month

IMPORT = "members.member_list_import"


def list_job_visible(user, job: Job) -> bool:
    """Those who may write the CĐCS's register (its federation's staff, provincial staff) follow
    its list's import; nobody else, whoever started it (the owner is seen to by jobs itself)."""
    cdcs = GrassrootsUnion.objects.filter(pk=job.params.get("cdcs")).first()
    return cdcs is not None and may_import(user, cdcs)


def is_large(upload: MemberListUpload) -> bool:
    return len((upload.parsed or {}).get("rows") or []) > settings.JOBS_INLINE_ROWS


def list_import_start(*, upload: MemberListUpload, user, plan: str, confirm_month: bool) -> Job:
    """Have a previewed list imported by a job (JobBusy while another list is being imported into
    the same CĐCS's register, or for a second click). `plan`: the preview the user confirmed."""
    params = {"upload": upload.pk, "cdcs": upload.cdcs_id, "plan": plan, "confirm_month": confirm_month}
    subject = _("%(cdcs)s, tệp %(file)s") % {"cdcs": upload.cdcs.name, "file": upload.file_name}
    return job_start(kind=IMPORT, user=user, params=params, key=f"{IMPORT}:{upload.cdcs_id}", subject=subject)


def list_job(upload: MemberListUpload) -> Job | None:
    """The import of this upload waiting or running, for its page."""
    return Job.objects.filter(kind=IMPORT, params__upload=upload.pk, state__in=Job.ACTIVE).order_by("-pk").first()


@job_kind(IMPORT, title=gettext_lazy("Nhập danh sách đoàn viên"), visible_to=list_job_visible)
def list_import_job(*, job: Job, progress) -> Result:
    upload = MemberListUpload.objects.select_for_update().select_related("cdcs").get(pk=job.params["upload"])
    user, cdcs = job.created_by, upload.cdcs
    link = reverse("members:member_list_preview", kwargs={"code": cdcs.code, "pk": upload.pk})
    if upload.outcome == MemberListUpload.Outcome.IMPORTED:
        return _imported(upload)  # run again after it was done: nothing more to do
    if upload.outcome != MemberListUpload.Outcome.PREVIEW:
        raise JobFailed(_("Tệp này đã được xử lý (%(outcome)s).") % {"outcome": upload.get_outcome_display()}, url=link)
    if user is None or not user.is_active:
        raise JobFailed(_("Tài khoản đã bắt đầu việc này không còn hoạt động: không làm thay được."), url=link)
    try:
        preview = list_import(
            members=MemberList.from_json(upload.parsed),
            cdcs=cdcs,
            month=Month.of(upload.month),
            user=user,
            plan=job.params.get("plan") or upload.parsed.get("plan"),
            source=AuditEntry.Source.UPLOAD,
            file_name=upload.file_name,
            upload=upload,
            confirm_month=bool(job.params.get("confirm_month")),
            progress=progress,
        )
    except ListNeedsConfirmation as unconfirmed:
        raise JobFailed(unconfirmed.problems[0].message, url=link, link=_("Về bản xem trước")) from None
    except ListConflict as conflict:
        # As the confirm page does: the preview now shows the register as it is; confirming again writes that.
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


def _imported(upload: MemberListUpload) -> Result:
    message = _("Đã nhập danh sách đoàn viên từ tệp %(file)s: %(created)s người vào sổ, %(updated)s người cập nhật.")
    words = {
        "file": upload.file_name,
        "created": number_format(upload.rows_created, force_grouping=True),
        "updated": number_format(upload.rows_updated, force_grouping=True),
    }
    url = reverse("members:cdcs_detail", kwargs={"code": upload.cdcs.code})
    return Result(message % words, url=url, link=_("Xem CĐCS"))
