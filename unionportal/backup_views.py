"""The administrators' backup page: start a backup (a job, unionportal.backup_jobs) and download
the files of the recent ones. Superusers only; everyone else gets a 404, as for any page of
another person's data."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from jobs.models import Job
from jobs.selectors import job_view
from jobs.services import JobBusy
from members.audit import audit_log

from .backup_jobs import BACKUP, backup_dir, backup_path, backup_start
from .lib.http import personal_data


def _superuser(request) -> None:
    if not (request.user.is_active and request.user.is_superuser):
        raise Http404(_("Không có trang này."))


@login_required
@personal_data
def backups(request):
    _superuser(request)
    if request.method == "POST":
        try:
            job = backup_start(user=request.user)
        except JobBusy as busy:
            messages.info(request, _("Một bản sao lưu đang được tạo; hãy chờ việc đó xong."))
            return redirect("jobs:detail", pk=busy.job.pk) if busy.job else redirect("backups")
        return redirect("jobs:detail", pk=job.pk)
    recent = [
        (job_view(job), backup_path(job) is not None)
        for job in Job.objects.filter(kind=BACKUP).select_related("created_by")[:20]
    ]
    return render(request, "unionportal/backups.html", {"recent": recent, "folder": backup_dir()})


@login_required
@personal_data
def backup_file(request, pk: int):
    _superuser(request)
    job = Job.objects.filter(pk=pk, kind=BACKUP).first()
    path = backup_path(job) if job else None
    if path is None:
        raise Http404(_("Không còn tệp sao lưu này."))
    audit_log(request.user, "database.backup_download", None, file=path.name)
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=path.name, content_type="application/octet-stream"
    )
