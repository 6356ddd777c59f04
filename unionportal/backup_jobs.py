"""A backup of the whole database made as a job from a page of the administrators (superusers),
and its file downloaded at the end: the same backup as `manage.py backup` (unionportal.backup),
written into BACKUP_DIR, readable by its owner only, and handed only to superusers, never cached.
Restoring stays a command (`manage.py restore`): it replaces the database under everyone's feet
and wants the servers stopped, which no page of the portal can ask for."""

import re
import secrets
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jobs.models import Job
from jobs.registry import JobFailed, Result, job_kind
from jobs.services import job_start
from members.audit import audit_log

from .backup import BackupError, database_backup

BACKUP = "unionportal.backup"
# The names this module gives its files: nothing else is ever served from BACKUP_DIR.
FILE_NAME = re.compile(r"^unionportal-\d{8}-\d{6}-[0-9a-f]{8}\.(dump|sqlite3)$")


def backup_dir() -> Path | None:
    """Where backups are written, or None when no directory is set (the page then says so)."""
    return Path(settings.BACKUP_DIR) if settings.BACKUP_DIR else None


def backup_start(*, user) -> Job:
    """One backup at a time (JobBusy for a second)."""
    extension = "dump" if connection.vendor == "postgresql" else "sqlite3"
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    name = f"unionportal-{stamp}-{secrets.token_hex(4)}.{extension}"
    return job_start(kind=BACKUP, user=user, params={"file": name}, key=BACKUP, subject=name)


def backup_path(job: Job) -> Path | None:
    """The file a finished backup job wrote, if it is still there."""
    folder, name = backup_dir(), job.params.get("file", "")
    if job.kind != BACKUP or job.state != Job.State.DONE or folder is None or not FILE_NAME.match(name):
        return None
    path = folder / name
    return path if path.is_file() else None


@job_kind(BACKUP, title=gettext_lazy("Sao lưu cơ sở dữ liệu"), atomic=False)
def backup_job(*, job: Job, progress) -> Result:
    """Not atomic: the file is written aside and renamed once whole (database_backup), so a backup
    cut half way leaves no file, and running it again makes a new one."""
    folder, name = backup_dir(), job.params["file"]
    if folder is None:
        raise JobFailed(_("Chưa đặt thư mục sao lưu (BACKUP_DIR) cho máy chủ: hãy báo quản trị hệ thống."))
    if not FILE_NAME.match(name):
        raise JobFailed(_("Tên tệp sao lưu không hợp lệ."))
    progress.step(_("Đang sao lưu cơ sở dữ liệu"))

    def copied(pages: int, total: int) -> None:  # SQLite's pages, as its backup API counts them
        if progress.total != total:
            progress.step(_("Đang chép cơ sở dữ liệu"), total=total)
        progress.set(pages)

    try:
        size = database_backup(path=folder / name, on_progress=copied)
    except BackupError as error:
        raise JobFailed(_("Không sao lưu được: %(error)s") % {"error": error}) from None
    audit_log(job.created_by, "database.backup", None, file=name, size=size)
    megabytes = number_format(size / 2**20, decimal_pos=1)
    return Result(
        _("Đã sao lưu cơ sở dữ liệu vào tệp %(name)s (%(size)s MB).") % {"name": name, "size": megabytes},
        url=reverse("backup_file", kwargs={"pk": job.pk}),
        link=_("Tải tệp sao lưu"),
    )
