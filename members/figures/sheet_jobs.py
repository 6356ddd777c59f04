"""A large month sheet read and imported as a job (jobs/), off the request, with a progress bar.

A sheet of more than JOBS_INLINE_ROWS rows is kept as it came (Upload, outcome "reading") and read
by a job; its confirmation is imported by another. Both do exactly what the upload pages do for a
small sheet (members.figures.sheet_import), in the job's one transaction: the month is written
all or nothing, with the same refusals and messages, and a refused sheet's problems are kept on the
upload, whose page lists them as it does today.

"Rows" before reading means how far the file's largest sheet reaches (the last row any of its cells
names, as the safety check unionportal.lib.xlsx.sheet_extents streams it before any reader opens the
file): the month's CĐCS plus the title block (8 rows in the template) and anything below the table.
After reading, it is the rows read (a CĐCS each, founded and dissolved ones included)."""

import io
import zipfile

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jobs.models import Job
from jobs.registry import JobFailed, Result, job_kind
from jobs.services import job_start
from unionportal.lib.months import Month
from unionportal.lib.xlsx import UnsafeFile, sheet_extents

from ..access import is_provincial, own_federation
from ..models import Upload
from .sheet_import import SheetConflict, SheetRefused, upload_import, upload_read

READ, IMPORT = "members.sheet_read", "members.sheet_import"
READ_STEPS = 4  # read, compare, trial write, note
IMPORT_STEPS = 4  # compare, write, read back, note


def figures_job_visible(user, job: Job) -> bool:
    """A federation's month sheet jobs: provincial staff and that federation's staff (the owner is
    seen to by jobs itself); never another federation's."""
    federation = own_federation(user)
    return is_provincial(user) or (federation is not None and federation.pk == job.params.get("federation"))


def rows_reached(data: bytes) -> int:
    """How many rows the file's largest sheet reaches, before reading it (0 for a file the reader
    will refuse anyway, with its message)."""
    try:
        return max((extent.rows for extent in sheet_extents(zipfile.ZipFile(io.BytesIO(data)))), default=0)
    except (UnsafeFile, zipfile.BadZipFile, ValueError, EOFError, OSError):
        return 0


def rows_read(upload: Upload) -> int:
    parsed = upload.parsed or {}
    return sum(len(parsed.get(part) or []) for part in ("rows", "founded", "dissolved"))


def is_large(rows: int) -> bool:
    return rows > settings.JOBS_INLINE_ROWS


def _subject(upload: Upload) -> str:
    return _("%(org)s, tháng %(month)s, tệp %(file)s") % {
        "org": upload.federation.name,
        "month": Month.of(upload.month),
        "file": upload.file_name,
    }


def sheet_read_start(*, upload: Upload, user) -> Job:
    """Have a kept sheet read by a job (one job per upload)."""
    params = {"upload": upload.pk, "federation": upload.federation_id}
    return job_start(kind=READ, user=user, params=params, key=f"{READ}:{upload.pk}", subject=_subject(upload))


def sheet_import_start(*, upload: Upload, user) -> Job:
    """Have a previewed sheet imported by a job: one import of a federation-month at a time
    (JobBusy for a second click, or for another file of the same month meanwhile)."""
    params = {"upload": upload.pk, "federation": upload.federation_id}
    key = f"{IMPORT}:{upload.federation_id}:{Month.of(upload.month).iso}"
    return job_start(kind=IMPORT, user=user, params=params, key=key, subject=_subject(upload))


def upload_job(upload: Upload) -> Job | None:
    """The latest job that reads or imports the upload, for its page."""
    return Job.objects.filter(kind__in=[READ, IMPORT], params__upload=upload.pk).order_by("-pk").first()


class _Steps:
    """A job's steps, counted on its progress bar: step k of n, in words."""

    def __init__(self, progress, total: int):
        self.progress, self.total, self.number = progress, total, 0

    def __call__(self, words: str) -> None:
        self.progress.step(words, total=self.total)
        self.progress.set(min(self.number, self.total))
        self.number += 1


def _upload_link(upload: Upload) -> str:
    return reverse("members:upload_detail", kwargs={"code": upload.federation.code, "pk": upload.pk})


@job_kind(READ, title=gettext_lazy("Đọc và kiểm tra tệp số liệu tháng"), visible_to=figures_job_visible)
def sheet_read_job(*, job: Job, progress) -> Result:
    upload = Upload.objects.select_for_update().select_related("federation").get(pk=job.params["upload"])
    if upload.outcome == Upload.Outcome.READING:
        steps = _Steps(progress, READ_STEPS)
        upload_read(upload, user=job.created_by, on_step=steps)
        steps(_("Lưu kết quả đọc"))
    link = _upload_link(upload)
    if upload.outcome == Upload.Outcome.REFUSED:
        count = number_format(len(upload.problems))
        message = _("Không nhập được: tệp có %(count)s lỗi. Chưa ghi gì; xem danh sách lỗi, sửa tệp rồi tải lên lại.")
        return Result(message % {"count": count}, url=link, link=_("Xem các lỗi"), failed=True)
    if upload.outcome == Upload.Outcome.UNCHANGED:
        return Result(_("Đã đọc tệp: không thay đổi gì so với số liệu đang lưu."), url=link, link=_("Xem tệp"))
    rows = number_format(rows_read(upload))
    message = _("Đã đọc %(rows)s dòng, không có lỗi. Hãy xem bản xem trước rồi xác nhận để nhập.") % {"rows": rows}
    return Result(message, url=link, link=_("Xem trước và xác nhận"))


@job_kind(IMPORT, title=gettext_lazy("Nhập bảng số liệu tháng"), visible_to=figures_job_visible)
def sheet_import_job(*, job: Job, progress) -> Result:
    upload = Upload.objects.select_for_update().select_related("federation").get(pk=job.params["upload"])
    month, link = Month.of(upload.month), _upload_link(upload)
    if upload.outcome in (Upload.Outcome.IMPORTED, Upload.Outcome.UNCHANGED):
        return _imported(upload, month)  # run again after it was done: nothing more to do
    if upload.outcome != Upload.Outcome.PREVIEW:
        raise JobFailed(_("Tệp này đã được xử lý (%(outcome)s).") % {"outcome": upload.get_outcome_display()}, url=link)
    try:
        upload_import(upload=upload, user=job.created_by, on_step=_Steps(progress, IMPORT_STEPS))
    except SheetConflict as conflict:
        return Result(conflict.problems[0].message, url=link, link=_("Xem lại bản xem trước"), failed=True)
    except SheetRefused:
        return Result(_("Chưa ghi gì: tệp có lỗi."), url=link, link=_("Xem các lỗi"), failed=True)
    except PermissionDenied as denied:
        raise JobFailed(str(denied)) from None
    return _imported(upload, month)


def _imported(upload: Upload, month: Month) -> Result:
    message = _("Đã nhập số liệu tháng %(month)s từ tệp %(file)s: %(count)s dòng thay đổi.") % {
        "month": month,
        "file": upload.file_name,
        "count": number_format(upload.rows_changed),
    }
    grid = reverse("members:grid", kwargs={"code": upload.federation.code, "month": month})
    return Result(message, url=grid, link=_("Về bảng số liệu tháng"))
