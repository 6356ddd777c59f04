"""A CĐCS's member list in Excel: the template, the export of its register (full ID numbers, so
audited), and the upload → preview → confirm (or discard) of a list. What happens to a list is in
members.register.lists and members.register.list_import; this module only serves it.

Member records are personal data: only roles that read people (members.access.require_people) get
here, and only for CĐCS now under their federation (cdcs_now_under; any other code is a 404). No
page or file of theirs is kept by a browser or proxy (personal_data: Cache-Control no-store)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jobs.services import JobBusy
from members.access import cdcs_now_under, require_people
from members.audit import audit_log
from members.models import AuditEntry, GrassrootsUnion, MemberListUpload
from members.register.list_import import (
    ListConflict,
    ListNeedsConfirmation,
    ListRefused,
    list_finish,
    list_import,
    list_preview,
    list_receive,
    may_import,
    month_problem,
)
from members.register.list_jobs import is_large, list_import_start, list_job
from members.register.lists import MemberList, member_list_workbook, members_for_export
from members.register.services import current_federation
from unionportal.lib.forms import MonthField
from unionportal.lib.http import personal_data
from unionportal.lib.months import Month
from unionportal.lib.uploads import UploadForm
from unionportal.lib.xlsx import download_name, xlsx_response

MAX_SHOWN = 300  # lines of each table of a preview; the counts above them are whole


def _this_month() -> Month:
    return Month.of(timezone.localdate())


def _cdcs_for(request, code: str, *, write: bool = False) -> GrassrootsUnion:
    """The CĐCS whose members the user may read (403 for roles that see no names, 404 for a CĐCS
    not under their federation now) and, with write=True, change (403)."""
    require_people(request.user)
    cdcs = cdcs_now_under(request.user).filter(code=code).first()
    if cdcs is None:
        raise Http404(_("Không tìm thấy CĐCS."))
    if write and not may_import(request.user, cdcs):
        raise PermissionDenied(_("Bạn không có quyền ghi sổ đoàn viên của %(cdcs)s.") % {"cdcs": cdcs})
    return cdcs


@personal_data
@login_required
def member_list_template(request, code: str):
    """The empty list for the month asked (?month=YYYY-MM, by default this one)."""
    cdcs = _cdcs_for(request, code)
    try:
        month = Month.parse(request.GET.get("month", ""))
    except ValueError:
        month = _this_month()
    workbook = member_list_workbook(cdcs, month)
    return xlsx_response(workbook, download_name("mau-danh-sach-doan-vien", cdcs.code, month.iso))


@personal_data
@login_required
@require_POST
def member_list_export(request, code: str):
    """The CĐCS's active members with their full ID numbers, as a list that can be uploaded again.
    A POST (with its CSRF token), as it writes an audit entry: a link followed from another site,
    or a browser prefetching it, would otherwise record an export nobody made."""
    cdcs = _cdcs_for(request, code)
    month = _this_month()
    members = list(members_for_export(cdcs))
    workbook = member_list_workbook(cdcs, month, members)
    audit_log(
        request.user,
        "member_list.export",
        cdcs,
        federation=current_federation(cdcs),
        month=month,
        exported=len(members),
    )
    return xlsx_response(workbook, download_name("danh-sach-doan-vien", cdcs.code, month.iso))


class MemberListForm(UploadForm):
    month = MonthField(
        label=gettext_lazy("Tháng ghi sổ"),
        help_text=gettext_lazy("Người có ngày vào công đoàn trong tháng này được ghi là kết nạp mới."),
    )

    def __init__(self, *args, cdcs: GrassrootsUnion, **kwargs):
        super().__init__(*args, **kwargs)
        self.cdcs = cdcs
        self.order_fields(["month", "file"])

    def clean_month(self):
        month = self.cleaned_data["month"]
        problem = month_problem(self.cdcs, month)
        if problem:
            raise forms.ValidationError(problem)
        return month


@personal_data
@login_required
def member_list_upload(request, code: str):
    cdcs = _cdcs_for(request, code, write=True)
    if request.method == "POST":
        form = MemberListForm(request.POST, request.FILES, cdcs=cdcs)
        if form.is_valid():
            file = form.cleaned_data["file"]
            upload, _members, _preview = list_receive(
                data=file.read(), file_name=file.name, cdcs=cdcs, month=form.cleaned_data["month"], user=request.user
            )
            return redirect("members:member_list_preview", code=cdcs.code, pk=upload.pk)
    else:
        form = MemberListForm(initial={"month": _this_month()}, cdcs=cdcs)
    recent = MemberListUpload.objects.filter(cdcs=cdcs).select_related("uploaded_by").defer("parsed")[:10]
    return render(request, "members/member_lists/upload.html", {"cdcs": cdcs, "form": form, "recent": recent})


def _upload_for(request, code: str, pk: int, *, write: bool = False) -> MemberListUpload:
    cdcs = _cdcs_for(request, code, write=write)
    return get_object_or_404(
        MemberListUpload.objects.select_related("cdcs", "uploaded_by", "finished_by"), pk=pk, cdcs=cdcs
    )


@personal_data
@login_required
def member_list_preview(request, code: str, pk: int):
    upload = _upload_for(request, code, pk)
    month = Month.of(upload.month)
    context = {"upload": upload, "cdcs": upload.cdcs, "month": month, "max_shown": MAX_SHOWN}
    if upload.outcome == MemberListUpload.Outcome.PREVIEW:
        members = MemberList.from_json(upload.parsed)
        preview = list_preview(members, cdcs=upload.cdcs, month=month, user=request.user)
        running = list_job(upload)
        context.update(
            preview=preview,
            problems=preview.problems,
            plan=preview.plan,
            stale=preview.plan != upload.parsed.get("plan"),
            running=running,
            large=is_large(upload),
            can_confirm=preview.can_import and may_import(request.user, upload.cdcs) and running is None,
            entering=[line for line in preview.lines if line.event][:MAX_SHOWN],
            updated=preview.updated[:MAX_SHOWN],
        )
    else:
        context["problems"] = upload.problems
    return render(request, "members/member_lists/preview.html", context)


@personal_data
@login_required
@require_POST
def member_list_confirm(request, code: str, pk: int):
    upload = _upload_for(request, code, pk, write=True)
    if upload.outcome != MemberListUpload.Outcome.PREVIEW:
        messages.error(request, _("Tệp này đã được xử lý (%(outcome)s).") % {"outcome": upload.get_outcome_display()})
        return redirect("members:member_list_preview", code=code, pk=pk)
    plan = request.POST.get("plan") or upload.parsed.get("plan")
    confirm_month = request.POST.get("confirm_month") == "on"
    if is_large(upload):  # a job, with a progress bar (members.register.list_jobs)
        return _confirm_as_job(request, upload, plan=plan, confirm_month=confirm_month)
    try:
        preview = list_import(
            members=MemberList.from_json(upload.parsed),
            cdcs=upload.cdcs,
            month=Month.of(upload.month),
            user=request.user,
            plan=plan,
            source=AuditEntry.Source.UPLOAD,
            file_name=upload.file_name,
            upload=upload,
            confirm_month=confirm_month,
        )
    except ListNeedsConfirmation as unconfirmed:
        messages.error(request, unconfirmed.problems[0].message)
        return redirect("members:member_list_preview", code=code, pk=pk)
    except ListConflict as conflict:
        # The preview now shows the register as it is; confirming again writes that knowingly.
        upload.parsed["plan"] = conflict.plan
        upload.save(update_fields=["parsed"])
        messages.error(request, conflict.problems[0].message)
        return redirect("members:member_list_preview", code=code, pk=pk)
    except ListRefused as refused:
        list_finish(upload, user=request.user, refused=refused)
        messages.error(request, _("Chưa ghi gì: danh sách có lỗi (xem bên dưới)."))
        return redirect("members:member_list_preview", code=code, pk=pk)
    list_finish(upload, user=request.user, imported=preview)
    messages.success(
        request,
        _("Đã nhập danh sách đoàn viên từ tệp %(file)s: %(created)s người vào sổ, %(updated)s người cập nhật.")
        % {"file": upload.file_name, "created": upload.rows_created, "updated": upload.rows_updated},
    )
    return redirect("members:cdcs_detail", code=code)


def _confirm_as_job(request, upload: MemberListUpload, *, plan: str, confirm_month: bool):
    try:
        job = list_import_start(upload=upload, user=request.user, plan=plan, confirm_month=confirm_month)
    except JobBusy as busy:
        messages.info(
            request,
            _("Một danh sách đang được nhập vào sổ đoàn viên của %(cdcs)s; chưa làm thêm gì, hãy chờ việc đó xong.")
            % {"cdcs": upload.cdcs},
        )
        if busy.job is None:
            return redirect("members:member_list_preview", code=upload.cdcs.code, pk=upload.pk)
        return redirect("jobs:detail", pk=busy.job.pk)
    return redirect("jobs:detail", pk=job.pk)


@personal_data
@login_required
@require_POST
def member_list_discard(request, code: str, pk: int):
    upload = _upload_for(request, code, pk, write=True)
    if list_job(upload) is not None:
        messages.error(request, _("Tệp này đang được nhập vào sổ: không hủy được nữa."))
        return redirect("members:member_list_preview", code=code, pk=pk)
    if upload.outcome == MemberListUpload.Outcome.PREVIEW:
        list_finish(upload, user=request.user)
        messages.info(request, _("Đã hủy tệp %(file)s; không ghi gì.") % {"file": upload.file_name})
    return redirect("members:member_list_upload", code=code)
