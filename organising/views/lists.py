"""The enterprise register in Excel: the template, the export, and the upload → preview → confirm
(or discard) of a list. What happens to a list is in organising.imports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jobs.services import JobBusy
from members.access import can_write_any, is_federation_staff, is_provincial, require_role
from unionportal.lib.uploads import UploadForm
from unionportal.lib.xlsx import download_name, xlsx_response

from ..exports import register_workbook
from ..imports import EnterpriseList, ListConflict, ListRefused, list_finish, list_import, list_preview, list_receive
from ..jobs import is_large, list_import_start, list_job
from ..models import EnterpriseListUpload
from ..selectors import enterprises_visible_to, register_rows

MAX_SHOWN = 300  # lines of each table of a preview; the counts above them are whole


@login_required
def list_template(request):
    require_role(request.user)
    return xlsx_response(register_workbook(), "mau-danh-sach-doanh-nghiep.xlsx")


@login_required
def list_export(request):
    require_role(request.user)
    rows = register_rows(enterprises_visible_to(request.user))
    return xlsx_response(register_workbook(rows), download_name("danh-sach-doanh-nghiep", timezone.localdate()))


def _require_writer(user) -> None:
    if not can_write_any(user):
        raise PermissionDenied(_("Bạn không có quyền nhập danh sách doanh nghiệp."))


@login_required
def list_upload(request):
    _require_writer(request.user)
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            file = form.cleaned_data["file"]
            upload, _preview = list_receive(data=file.read(), file_name=file.name, user=request.user)
            return redirect("organising:list_preview", pk=upload.pk)
    else:
        form = UploadForm()
    recent = _uploads_of(request.user).select_related("uploaded_by").defer("parsed")[:10]
    return render(request, "organising/upload.html", {"form": form, "recent": recent})


def _uploads_of(user):
    """Uploads the user may open: every one for provincial staff, their federation's for its staff."""
    if is_provincial(user):
        return EnterpriseListUpload.objects.all()
    if is_federation_staff(user):
        return EnterpriseListUpload.objects.filter(federation_id=user.profile.federation_id)
    return EnterpriseListUpload.objects.none()


def _upload_for(request, pk: int) -> EnterpriseListUpload:
    _require_writer(request.user)
    upload = _uploads_of(request.user).select_related("uploaded_by", "finished_by").filter(pk=pk).first()
    if upload is None:
        raise Http404(_("Không tìm thấy tệp tải lên."))
    return upload


@login_required
def list_preview_view(request, pk: int):
    upload = _upload_for(request, pk)
    context = {"upload": upload, "max_shown": MAX_SHOWN}
    if upload.outcome == EnterpriseListUpload.Outcome.PREVIEW:
        preview = list_preview(EnterpriseList.from_json(upload.parsed), user=request.user)
        running = list_job(upload)
        context.update(
            preview=preview,
            problems=preview.problems,
            plan=preview.plan,
            stale=preview.plan != upload.parsed.get("plan"),
            running=running,
            large=is_large(upload),
            can_confirm=preview.can_import and running is None,
            created=preview.created[:MAX_SHOWN],
            updated=preview.updated[:MAX_SHOWN],
        )
    else:
        context["problems"] = upload.problems
    return render(request, "organising/preview.html", context)


@login_required
@require_POST
def list_confirm(request, pk: int):
    upload = _upload_for(request, pk)
    if upload.outcome != EnterpriseListUpload.Outcome.PREVIEW:
        messages.error(request, _("Tệp này đã được xử lý (%(outcome)s).") % {"outcome": upload.get_outcome_display()})
        return redirect("organising:list_preview", pk=pk)
    plan = request.POST.get("plan") or upload.parsed.get("plan")
    if is_large(upload):  # a job, with a progress bar (organising.jobs)
        try:
            job = list_import_start(upload=upload, user=request.user, plan=plan)
        except JobBusy as busy:
            messages.info(request, _("Danh sách này đang được nhập; chưa làm thêm gì, hãy chờ việc đó xong."))
            return redirect("jobs:detail", pk=busy.job.pk) if busy.job else redirect("organising:list_preview", pk=pk)
        return redirect("jobs:detail", pk=job.pk)
    try:
        preview = list_import(
            read=EnterpriseList.from_json(upload.parsed),
            user=request.user,
            plan=plan,
            file_name=upload.file_name,
            upload=upload,
        )
    except ListConflict as conflict:
        upload.parsed["plan"] = conflict.plan
        upload.save(update_fields=["parsed"])
        messages.error(request, conflict.problems[0].message)
        return redirect("organising:list_preview", pk=pk)
    except ListRefused as refused:
        list_finish(upload, user=request.user, refused=refused)
        messages.error(request, _("Chưa ghi gì: danh sách có lỗi (xem bên dưới)."))
        return redirect("organising:list_preview", pk=pk)
    list_finish(upload, user=request.user, imported=preview)
    messages.success(
        request,
        _("Đã nhập danh sách doanh nghiệp từ tệp %(file)s: %(created)s doanh nghiệp mới, %(updated)s cập nhật.")
        % {"file": upload.file_name, "created": upload.rows_created, "updated": upload.rows_updated},
    )
    return redirect("organising:enterprise_list")


@login_required
@require_POST
def list_discard(request, pk: int):
    upload = _upload_for(request, pk)
    if list_job(upload) is not None:
        messages.error(request, _("Tệp này đang được nhập: không hủy được nữa."))
        return redirect("organising:list_preview", pk=pk)
    if upload.outcome == EnterpriseListUpload.Outcome.PREVIEW:
        list_finish(upload, user=request.user)
        messages.info(request, _("Đã hủy tệp %(file)s; không ghi gì.") % {"file": upload.file_name})
    return redirect("organising:list_upload")
