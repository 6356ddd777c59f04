"""The self-assessment in Excel: the template (with the scores already entered), and upload →
preview → confirm (or discard). What happens to a sheet is in ratings.imports."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members.access import access_org
from unionportal.lib.forms import posted
from unionportal.lib.uploads import UploadForm
from unionportal.lib.xlsx import download_name, xlsx_response

from ..exports import self_assessment_workbook
from ..imports import ScoreSheet, ScoresRefused, scores_import, scores_preview, upload_finish, upload_receive
from ..models import Criterion, RatingUpload
from ..selectors import federation_rows, rubric_rules
from .common import rubric_of


@login_required
def template(request, year: int, code: str):
    federation = access_org(request.user, code)
    rubric = rubric_of(year)
    rules = rubric_rules(rubric=rubric)
    rows = federation_rows(rubric=rubric, federation=federation)
    names = dict(Criterion.objects.filter(rubric=rubric).values_list("pk", "name"))
    workbook = self_assessment_workbook(rubric=rubric, federation=federation, rows=rows, rules=rules, names=names)
    return xlsx_response(workbook, download_name("tu-cham-diem-cdcs", federation.code, str(year)))


@login_required
def upload(request, year: int, code: str):
    federation = access_org(request.user, code, write=True)
    rubric = rubric_of(year)
    form = UploadForm(posted(request), request.FILES or None)
    if form.is_bound and form.is_valid():
        file = form.cleaned_data["file"]
        if file.size > settings.UPLOAD_MAX_BYTES:
            form.add_error("file", _("Tệp quá lớn."))
        else:
            upload, _sheet, _preview = upload_receive(
                data=file.read(), file_name=file.name, rubric=rubric, federation=federation, user=request.user
            )
            return redirect("ratings:upload_detail", year=year, code=federation.code, pk=upload.pk)
    recent = RatingUpload.objects.filter(rubric=rubric, federation=federation).select_related("uploaded_by")[:10]
    return render(
        request,
        "ratings/upload.html",
        {"rubric": rubric, "federation": federation, "form": form, "recent": recent},
        status=400 if form.is_bound else 200,
    )


def _upload_for(request, year: int, code: str, pk: int, *, write: bool) -> RatingUpload:
    federation = access_org(request.user, code, write=write)
    upload = (
        RatingUpload.objects.filter(pk=pk, rubric__year=year, federation=federation)
        .select_related("rubric", "federation", "uploaded_by", "finished_by")
        .first()
    )
    if upload is None:
        raise Http404(_("Không tìm thấy tệp tải lên."))
    return upload


@login_required
def upload_detail(request, year: int, code: str, pk: int):
    upload = _upload_for(request, year, code, pk, write=False)
    preview = None
    if upload.outcome == RatingUpload.Outcome.PREVIEW:
        preview = scores_preview(
            ScoreSheet.from_json(upload.parsed), rubric=upload.rubric, federation=upload.federation
        )
    problems = preview.problems if preview is not None else upload.problems
    return render(
        request,
        "ratings/upload_detail.html",
        {
            "upload": upload,
            "rubric": upload.rubric,
            "federation": upload.federation,
            "preview": preview,
            "problems": problems,
        },
    )


@login_required
@require_POST
def upload_confirm(request, year: int, code: str, pk: int):
    upload = _upload_for(request, year, code, pk, write=True)
    if upload.outcome != RatingUpload.Outcome.PREVIEW:
        messages.error(request, _("Tệp này đã được xử lý."))
        return redirect("ratings:upload_detail", year=year, code=code, pk=pk)
    sheet = ScoreSheet.from_json(upload.parsed)
    try:
        imported = scores_import(sheet=sheet, rubric=upload.rubric, federation=upload.federation, user=request.user)
    except ScoresRefused as refused:
        upload_finish(upload, user=request.user, refused=refused)
        messages.error(request, _("Không nhập được; chưa ghi gì. Xem các lỗi bên dưới."))
        return redirect("ratings:upload_detail", year=year, code=code, pk=pk)
    upload_finish(upload, user=request.user, imported=imported)
    messages.success(request, _("Đã nhập điểm tự chấm của %(n)s CĐCS.") % {"n": len(imported.changes)})
    return redirect("ratings:grid", year=year, code=code)


@login_required
@require_POST
def upload_discard(request, year: int, code: str, pk: int):
    upload = _upload_for(request, year, code, pk, write=True)
    if upload.outcome == RatingUpload.Outcome.PREVIEW:
        upload_finish(upload, user=request.user)
        messages.info(request, _("Đã hủy tệp; không ghi gì."))
    return redirect("ratings:upload", year=year, code=code)
