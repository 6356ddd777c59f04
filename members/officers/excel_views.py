"""A federation's officers' list in Excel: the template, the export of its CĐCS's officers (names,
so audited), and the upload → preview → confirm (or discard) of a list. What happens to a list is
in members.officers.lists, list_plan and list_import; this module only serves it.

Officers' names are personal data: only roles that read people get here (leadership: 403), for
their own federation (another's code is a 404), and no page or file is kept by a browser."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from unionportal.lib.http import personal_data
from unionportal.lib.uploads import UploadForm
from unionportal.lib.xlsx import download_name, xlsx_response

from ..access import access_org, can_write, require_people
from ..audit import audit_log
from ..models import AuditEntry, OfficerListUpload, Organisation
from .list_import import ListConflict, ListRefused, list_finish, list_import, list_receive
from .list_plan import list_preview
from .lists import OfficerList, officer_list_workbook, officers_for_export
from .selectors import cdcs_existing_on

MAX_SHOWN = 300  # lines of each table of a preview; the counts above them are whole


def _federation(request, code: str, *, write: bool = False) -> Organisation:
    """The federation whose officers the user reads (404 for another's, 403 for roles that read no
    names) and, with write=True, changes (403)."""
    require_people(request.user)
    federation = access_org(request.user, code)
    if federation.is_province:
        raise PermissionDenied(_("Danh sách cán bộ CĐCS lập theo từng công đoàn cấp trên."))
    if write and not can_write(request.user, federation):
        raise PermissionDenied(_("Bạn không có quyền ghi cán bộ của %(org)s.") % {"org": federation.name})
    return federation


@personal_data
@login_required
def officer_list_template(request, code: str):
    federation = _federation(request, code)
    return xlsx_response(officer_list_workbook(federation), download_name("mau-can-bo-cdcs", federation.code))


@personal_data
@login_required
@require_POST
def officer_list_export(request, code: str):
    """The officers of the federation's CĐCS's terms today, as a list that can be uploaded again.
    A POST, as it writes an audit entry."""
    federation = _federation(request, code)
    today = timezone.localdate()
    found = officers_for_export(cdcs_existing_on(today, [federation]), today)
    audit_log(request.user, "officer_list.export", federation, federation=federation, exported=len(found))
    workbook = officer_list_workbook(federation, found)
    return xlsx_response(workbook, download_name("can-bo-cdcs", federation.code, today.isoformat()))


@personal_data
@login_required
@require_http_methods(["GET", "POST"])
def officer_list_upload(request, code: str):
    federation = _federation(request, code, write=True)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        upload, _preview = list_receive(data=file.read(), file_name=file.name, federation=federation, user=request.user)
        return redirect("members:officer_list_preview", code=federation.code, pk=upload.pk)
    recent = OfficerListUpload.objects.filter(federation=federation).select_related("uploaded_by").defer("parsed")
    context = {"federation": federation, "form": form, "recent": recent[:10]}
    return render(request, "members/officers/upload.html", context)


def _upload(request, code: str, pk: int, *, write: bool = False) -> OfficerListUpload:
    federation = _federation(request, code, write=write)
    return get_object_or_404(
        OfficerListUpload.objects.select_related("federation", "uploaded_by", "finished_by"), pk=pk,
        federation=federation,
    )  # fmt: skip


@personal_data
@login_required
def officer_list_preview(request, code: str, pk: int):
    upload = _upload(request, code, pk)
    federation = upload.federation
    context = {"upload": upload, "federation": federation, "max_shown": MAX_SHOWN}
    if upload.outcome == OfficerListUpload.Outcome.PREVIEW:
        preview = list_preview(OfficerList.from_json(upload.parsed), federation=federation, user=request.user)
        context.update(
            preview=preview, problems=preview.problems, plan=preview.plan,
            stale=preview.plan != upload.parsed.get("plan"),
            can_confirm=preview.can_import and can_write(request.user, federation),
            created=preview.created[:MAX_SHOWN], updated=preview.updated[:MAX_SHOWN],
        )  # fmt: skip
    else:
        context["problems"] = upload.problems
    return render(request, "members/officers/preview.html", context)


@personal_data
@login_required
@require_POST
def officer_list_confirm(request, code: str, pk: int):
    upload = _upload(request, code, pk, write=True)
    if upload.outcome != OfficerListUpload.Outcome.PREVIEW:
        messages.error(request, _("Tệp này đã được xử lý (%(outcome)s).") % {"outcome": upload.get_outcome_display()})
        return redirect("members:officer_list_preview", code=code, pk=pk)
    try:
        preview = list_import(
            read=OfficerList.from_json(upload.parsed), federation=upload.federation, user=request.user,
            plan=request.POST.get("plan") or upload.parsed.get("plan"), source=AuditEntry.Source.UPLOAD,
            file_name=upload.file_name, upload=upload,
        )  # fmt: skip
    except ListConflict as conflict:
        upload.parsed["plan"] = conflict.plan
        upload.save(update_fields=["parsed"])
        messages.error(request, conflict.problems[0].message)
        return redirect("members:officer_list_preview", code=code, pk=pk)
    except ListRefused as refused:
        list_finish(upload, user=request.user, refused=refused)
        messages.error(request, _("Chưa ghi gì: danh sách có lỗi (xem bên dưới)."))
        return redirect("members:officer_list_preview", code=code, pk=pk)
    list_finish(upload, user=request.user, imported=preview)
    messages.success(
        request,
        _("Đã nhập danh sách cán bộ từ tệp %(file)s: %(terms)s nhiệm kỳ mới, %(created)s cán bộ thêm mới, "
          "%(updated)s cán bộ cập nhật.")
        % {"file": upload.file_name, "terms": upload.terms_created, "created": upload.officers_created,
           "updated": upload.officers_updated},
    )  # fmt: skip
    return redirect(f"{reverse('members:officers')}?federation={upload.federation.code}")


@personal_data
@login_required
@require_POST
def officer_list_discard(request, code: str, pk: int):
    upload = _upload(request, code, pk, write=True)
    if upload.outcome == OfficerListUpload.Outcome.PREVIEW:
        list_finish(upload, user=request.user)
        messages.info(request, _("Đã hủy tệp %(file)s; không ghi gì.") % {"file": upload.file_name})
    return redirect("members:officer_list_upload", code=code)
