"""A job's page (its progress bar, then what it did), the small JSON its script polls, running it
again, and the list of a person's recent jobs."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from .selectors import job_for, job_view, jobs_visible_to
from .services import JobBusy, job_retry


@login_required
@require_GET
def job_list(request):
    views = [job_view(job) for job in jobs_visible_to(request.user)]
    return render(request, "jobs/job_list.html", {"views": views})


@login_required
@require_GET
@never_cache
def job_detail(request, pk: int):
    view = job_view(job_for(request.user, pk))
    return render(request, "jobs/job_detail.html", {"view": view, "job": view.job})


@login_required
@require_GET
@never_cache
def job_status(request, pk: int):
    return JsonResponse(job_view(job_for(request.user, pk)).as_json())


@login_required
@require_POST
def job_run_again(request, pk: int):
    job = job_for(request.user, pk)
    try:
        job_retry(job=job, user=request.user)
    except JobBusy:
        messages.info(request, _("Việc này đang chạy hoặc đã xong: không chạy lại."))
    return redirect("jobs:detail", pk=job.pk)
