"""The Excel round trip of a federation-month: download the template, upload it filled, look at
the preview, confirm (or discard); and each federation's upload history with the original files.
What happens to a sheet is in members.figures.sheet_import; this module only serves it."""

from functools import partial

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jobs.services import JobBusy
from unionportal.lib.months import Month
from unionportal.lib.sheets import Problem
from unionportal.lib.uploads import UploadForm
from unionportal.lib.xlsx import XLSX_TYPE, xlsx_response

from ...access import access_org, can_write
from ...models import AuditEntry, Upload
from ..exports import month_figures_workbook, month_workbook
from ..grid import grid_read, return_read
from ..locks import locked_message
from ..sheet import Sheet
from ..sheet_import import (
    SheetConflict,
    SheetRefused,
    sheet_preview,
    upload_finish,
    upload_import,
    upload_keep,
    upload_receive,
)
from ..sheet_jobs import is_large, rows_reached, rows_read, sheet_import_start, sheet_read_start, upload_job
from .grid import month_unavailable


def _programme_name(month: Month) -> str:
    """The programme covering the month, for the template's title block (targets builds on
    members, so it is looked up by name rather than imported)."""
    Programme = apps.get_model("targets", "Programme")
    programme = Programme.objects.for_year(month.year)
    return f"{programme.document_number} – {programme.name}" if programme else ""


def _available(request, code: str, month: Month, *, write: bool):
    org = access_org(request.user, code, write=write)
    reason = month_unavailable(org, month)
    if reason:
        messages.error(request, reason)
        return org, redirect("members:grid", code=org.code, month=month)
    return org, None


def _month_download(request, code: str, month: Month, build, file_name: str):
    org, refused = _available(request, code, month, write=False)
    if refused:
        return refused
    grid = grid_read(federation=org, month=month)
    return xlsx_response(build(grid), file_name.format(org=org.code, month=month.iso))


@login_required
def template(request, code: str, month: Month):
    """The month's workbook: the template to fill in, with whatever is already saved."""
    build = partial(month_workbook, programme=_programme_name(month))
    return _month_download(request, code, month, build, "so-lieu-{org}-{month}.xlsx")


@login_required
def month_export(request, code: str, month: Month):
    """The month's figures as saved, end stock and totals included, to read or forward."""
    return _month_download(request, code, month, month_figures_workbook, "bao-cao-thang-{org}-{month}.xlsx")


@login_required
def upload(request, code: str, month: Month):
    org, refused = _available(request, code, month, write=True)
    if refused:
        return refused
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        data = file.read()
        received = {"data": data, "file_name": file.name, "federation": org, "month": month, "user": request.user}
        if is_large(rows_reached(data)):  # read as a job, with a progress bar (members.figures.sheet_jobs)
            upload = upload_keep(**received, source=AuditEntry.Source.UPLOAD)
            return redirect("jobs:detail", pk=sheet_read_start(upload=upload, user=request.user).pk)
        upload, _sheet, _preview = upload_receive(**received, source=AuditEntry.Source.UPLOAD)
        return redirect("members:upload_detail", code=org.code, pk=upload.pk)
    monthly_return = return_read(federation=org, month=month)
    return render(
        request,
        "members/upload_form.html",
        {
            "org": org,
            "month": month,
            "form": form,
            "recent": _history(org)[:5],
            "locked_message": locked_message(monthly_return) if monthly_return.is_locked else "",
        },
    )


def upload_url(upload: Upload) -> str:
    return reverse("members:upload_detail", kwargs={"code": upload.federation.code, "pk": upload.pk})


def _upload_for(request, code: str, pk: int, *, write: bool = False, light: bool = False) -> Upload:
    """The upload, 404 outside the user's federations; `light`: without the file and what was read
    (megabytes for a large sheet), loaded only if asked for."""
    org = access_org(request.user, code, write=write)
    uploads = Upload.objects.select_related("federation", "uploaded_by")
    if light:
        uploads = uploads.defer("content", "parsed")
    return get_object_or_404(uploads, pk=pk, federation=org)


@login_required
def upload_detail(request, code: str, pk: int):
    upload = _upload_for(request, code, pk)
    month = Month.of(upload.month)
    context = {"upload": upload, "org": upload.federation, "month": month}
    if upload.outcome == Upload.Outcome.PREVIEW:
        preview = sheet_preview(
            Sheet.from_json(upload.parsed), federation=upload.federation, month=month, user=request.user
        )
        context["preview"], context["problems"] = preview, preview.problems
        context["can_confirm"] = preview.can_import and can_write(request.user, upload.federation)
        if preview.version != upload.return_version:
            context["stale"] = True
    else:
        context["problems"] = [Problem(**problem) for problem in upload.problems]
    if upload.outcome in (Upload.Outcome.READING, Upload.Outcome.PREVIEW):
        context["job"] = upload_job(upload)  # a large sheet's: being read, or being imported
    return render(request, "members/upload_detail.html", context)


@login_required
@require_POST
def upload_confirm(request, code: str, pk: int):
    upload = _upload_for(request, code, pk, write=True, light=True)
    if upload.outcome != Upload.Outcome.PREVIEW:
        messages.error(request, _("Tệp này đã được xử lý (%(outcome)s).") % {"outcome": upload.get_outcome_display()})
        return redirect("members:upload_detail", code=code, pk=pk)
    month = Month.of(upload.month)
    # A sheet read as a job, or a large one, is imported as a job (members.figures.sheet_jobs); the
    # request then never loads what was read.
    if upload_job(upload) is not None or is_large(rows_read(upload)):
        try:
            job = sheet_import_start(upload=upload, user=request.user)
        except JobBusy as busy:
            messages.info(request, _("Số liệu tháng này đang được nhập từ một tệp; hãy chờ việc đó xong."))
            return redirect("jobs:detail", pk=busy.job.pk) if busy.job else redirect(upload_url(upload))
        return redirect("jobs:detail", pk=job.pk)
    try:
        upload_import(upload=upload, user=request.user)
    except SheetConflict as conflict:
        messages.error(request, conflict.problems[0].message)
        return redirect("members:upload_detail", code=code, pk=pk)
    except SheetRefused:
        messages.error(request, _("Chưa ghi gì: tệp có lỗi (xem bên dưới)."))
        return redirect("members:upload_detail", code=code, pk=pk)
    messages.success(
        request,
        _("Đã nhập số liệu tháng %(month)s từ tệp %(file)s: %(count)s dòng thay đổi.")
        % {"month": month, "file": upload.file_name, "count": upload.rows_changed},
    )
    return redirect("members:grid", code=code, month=month)


@login_required
@require_POST
def upload_discard(request, code: str, pk: int):
    upload = _upload_for(request, code, pk, write=True)
    if upload.outcome == Upload.Outcome.PREVIEW:
        upload_finish(upload, user=request.user)
        messages.info(request, _("Đã hủy tệp %(file)s; không ghi gì.") % {"file": upload.file_name})
    return redirect("members:upload", code=code, month=Month.of(upload.month))


@login_required
def upload_file(request, code: str, pk: int):
    """The original file, to those who may change the federation's figures."""
    upload = _upload_for(request, code, pk)
    if not can_write(request.user, upload.federation):
        raise PermissionDenied(_("Chỉ cán bộ của đơn vị và Ban Tổ chức LĐLĐ tỉnh được tải tệp gốc."))
    response = HttpResponse(bytes(upload.content), content_type=XLSX_TYPE)
    name = f"tai-len-{upload.federation.code}-{Month.of(upload.month).iso}-{upload.pk}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _history(org):
    return Upload.objects.filter(federation=org).select_related("uploaded_by", "finished_by").defer("content", "parsed")


@login_required
def upload_history(request, code: str):
    org = access_org(request.user, code)
    return render(
        request,
        "members/upload_history.html",
        {"org": org, "uploads": _history(org)[:200], "can_download": can_write(request.user, org)},
    )
