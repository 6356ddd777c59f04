"""The whole register exported (members.register.register_export): provincial staff start it from
the register's page and download the file from the job's page, they alone, while it is kept. The
file holds every member's full ID number: no browser or proxy keeps it (personal_data)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jobs.models import Job
from jobs.selectors import job_for
from jobs.services import JobBusy, job_start
from members.access import require_people
from members.audit import audit_log
from unionportal.lib.http import personal_data
from unionportal.lib.months import Month
from unionportal.lib.xlsx import XLSX_TYPE, download_name

from .register_export import EXPORT, KEY, export_expires, export_path, may_export


def _require_exporter(user) -> None:
    require_people(user)
    if not may_export(user):
        raise PermissionDenied(_("Chỉ cán bộ Ban Tổ chức LĐLĐ tỉnh xuất được toàn bộ sổ đoàn viên."))


@login_required
@require_POST
def register_export(request):
    _require_exporter(request.user)
    try:
        job = job_start(kind=EXPORT, user=request.user, key=KEY, subject=_("Toàn bộ sổ đoàn viên của tỉnh"))
    except JobBusy as busy:
        if busy.job is not None and busy.job.created_by_id == request.user.pk:
            messages.info(request, _("Bản xuất bạn bắt đầu trước đó vẫn đang chạy; chưa bắt đầu bản khác."))
            return redirect("jobs:detail", pk=busy.job.pk)
        messages.info(
            request,
            _("Một cán bộ khác đang xuất toàn bộ sổ đoàn viên; mỗi lúc chỉ một bản. Hãy thử lại sau ít phút."),
        )
        return redirect("members:people")
    return redirect("jobs:detail", pk=job.pk)


@personal_data
@login_required
@require_GET
def register_export_file(request, pk: int):
    """The file, to the one who asked for it, while it is kept; audited at each download."""
    job = job_for(request.user, pk)  # 404 first: another federation's job number tells nothing
    _require_exporter(request.user)
    if job.kind != EXPORT or job.created_by_id != request.user.pk or job.state != Job.State.DONE:
        raise Http404(_("Không có tệp này."))
    path = export_path(job)
    if export_expires(job) < timezone.now() or not path.is_file():
        path.unlink(missing_ok=True)
        messages.error(request, _("Tệp này đã được xóa (chỉ giữ trong thời hạn ghi trên trang). Hãy xuất lại."))
        return redirect("jobs:detail", pk=job.pk)
    audit_log(request.user, "member_register.download", month=Month.of(timezone.localdate()), job=job.pk)
    name = download_name("so-doan-vien-toan-tinh", timezone.localdate(job.finished_at))
    return FileResponse(path.open("rb"), as_attachment=True, filename=name, content_type=XLSX_TYPE)
