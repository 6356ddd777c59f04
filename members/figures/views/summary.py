"""The page from which provincial staff rebuild the reports' summary (members.figures.summary_jobs)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from jobs.selectors import job_view, jobs_visible_to
from jobs.services import JobBusy

from ...access import require_provincial
from ..summary_jobs import REBUILD, summary_rebuild_start


@login_required
def summary_rebuild(request):
    require_provincial(request.user)
    if request.method == "POST":
        try:
            job = summary_rebuild_start(user=request.user)
        except JobBusy as busy:
            messages.info(request, _("Số liệu tổng hợp đang được tính lại; hãy chờ việc đó xong."))
            return redirect("jobs:detail", pk=busy.job.pk) if busy.job else redirect("members:summary_rebuild")
        return redirect("jobs:detail", pk=job.pk)
    recent = [job_view(job) for job in jobs_visible_to(request.user, kind=REBUILD, limit=10)]
    return render(request, "members/summary_rebuild.html", {"views": recent})
