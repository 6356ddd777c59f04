"""A plan in Excel: the template (prefilled with the CĐCS of the unions chosen to end), and the
upload → preview → confirm (a draft plan) or discard of a list. What happens to a list is in
reorganisation.lists."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from members.models import Organisation
from unionportal.lib.forms import MonthField
from unionportal.lib.months import Month
from unionportal.lib.sheets import ImportRefused
from unionportal.lib.uploads import UploadForm
from unionportal.lib.xlsx import download_name, xlsx_response

from ..listing import cdcs_of_unions, endable_unions
from ..lists import AlreadyDone, plan_confirm, plan_discard, plan_receive, upload_problems, upload_read
from ..models import PlanLine, PlanUpload
from ..workbook import ACTION_WORDS, plan_workbook
from .common import require_builder

MAX_SHOWN = 300  # lines of the preview's table; the counts above it are whole


class TemplateForm(forms.Form):
    """Which unions end, and from which month: the template lists their CĐCS."""

    month = MonthField(label=gettext_lazy("Tháng có hiệu lực"), required=False)
    end = forms.MultipleChoiceField(
        label=gettext_lazy("Công đoàn cấp trên kết thúc"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        unions = endable_unions().order_by("position", "code")
        self.fields["end"].choices = [(org.code, f"{org.code} – {org.name}") for org in unions]


@login_required
def plan_template(request):
    require_builder(request.user)
    form = TemplateForm(request.GET or None)
    endings, lines, month = [], [], None
    if form.is_bound and form.is_valid():
        month = form.cleaned_data["month"]
        codes = form.cleaned_data["end"]
        if codes:
            month = month or Month.of(timezone.localdate()) + 1
            endings = list(Organisation.objects.filter(code__in=codes).order_by("position", "code"))
            lines = cdcs_of_unions([org.code for org in endings], month)
    name = download_name("de-an-sap-xep", *(org.code for org in endings[:3]))
    return xlsx_response(plan_workbook(endings=endings, lines=lines, month=month), name)


@login_required
def plan_upload(request):
    require_builder(request.user)
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            file = form.cleaned_data["file"]
            upload = plan_receive(data=file.read(), file_name=file.name, user=request.user)
            return redirect("reorganisation:upload_preview", pk=upload.pk)
    else:
        form = UploadForm()
    recent = PlanUpload.objects.select_related("uploaded_by", "plan").defer("parsed")[:10]
    context = {"form": form, "template_form": TemplateForm(), "recent": recent}
    return render(request, "reorganisation/upload.html", context)


@login_required
def upload_preview(request, pk: int):
    require_builder(request.user)
    upload = get_object_or_404(PlanUpload.objects.select_related("uploaded_by", "finished_by", "plan"), pk=pk)
    context = {"upload": upload, "max_shown": MAX_SHOWN}
    if upload.outcome == PlanUpload.Outcome.PREVIEW:
        read = upload_read(upload)
        problems = upload_problems(upload, user=request.user)
        counts = {action: 0 for action in PlanLine.Action.values}
        for line in read.lines:
            counts[line["action"]] = counts.get(line["action"], 0) + 1
        labels = dict(PlanLine.Action.choices)
        context.update(
            read=read,
            problems=problems,
            can_confirm=not problems,
            action_counts=[(labels[action], ACTION_WORDS[action], count) for action, count in counts.items()],
            lines=[{**line, "action_label": labels.get(line["action"], "")} for line in read.lines[:MAX_SHOWN]],
            month=Month.parse(read.header["effective_month"]) if read.header.get("effective_month") else None,
        )
    else:
        context["problems"] = upload.problems
    return render(request, "reorganisation/upload_preview.html", context)


@login_required
@require_POST
def upload_confirm(request, pk: int):
    require_builder(request.user)
    upload = get_object_or_404(PlanUpload, pk=pk)
    try:
        plan = plan_confirm(upload=upload, user=request.user)
    except AlreadyDone as done:
        messages.info(request, done.problems[0].message)
        return redirect("reorganisation:upload_preview", pk=pk)
    except ImportRefused:
        messages.error(request, _("Chưa lập đề án: danh sách có lỗi (xem bên dưới)."))
        return redirect("reorganisation:upload_preview", pk=pk)
    messages.success(
        request,
        _("Đã lập dự thảo đề án “%(name)s” từ tệp %(file)s. Xem trước kết quả rồi bấm Áp dụng khi đã sẵn sàng.")
        % {"name": plan.name, "file": upload.file_name},
    )
    return redirect("reorganisation:plan_detail", pk=plan.pk)


@login_required
@require_POST
def upload_discard(request, pk: int):
    require_builder(request.user)
    upload = get_object_or_404(PlanUpload, pk=pk)
    if upload.outcome == PlanUpload.Outcome.PREVIEW:
        plan_discard(upload=upload, user=request.user)
        messages.info(request, _("Đã hủy tệp %(file)s; không lập đề án nào.") % {"file": upload.file_name})
    return redirect("reorganisation:plan_upload")
