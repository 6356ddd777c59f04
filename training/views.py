"""Training courses: the list, a course, adding, correcting and deleting one, and the report.

Access goes through members.access: federation staff see and change their own federation's
courses (404 for another's, whatever the id), provincial staff every course and the province's
own, leadership reads everything and changes nothing (403), users without a role see nothing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from members.access import access_org, can_write, orgs_visible_to, orgs_writable_by, require_role, require_write
from members.models import Officer, Organisation
from unionportal.lib.forms import posted
from unionportal.lib.xlsx import xlsx_response

from .exports import report_workbook
from .forms import AttendanceFormSet, CourseFilterForm, CourseForm, OrganiserForm
from .models import Course
from .selectors import (
    cdcs_choices,
    course_list,
    course_years,
    courses_visible_to,
    names_readable,
    officers_during,
    training_report,
)
from .services import course_create, course_delete, course_officers_name, course_update

PAGE_SIZE = 50
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100


def _writable_orgs(user) -> QuerySet[Organisation]:
    """Organisations for which the user may record courses: the province included."""
    return orgs_writable_by(user).order_by("position", "name")


def _course(user, pk: int, *, write: bool = False) -> Course:
    """The course if the user may see it (else 404, users without a role included, so that ids
    cannot be probed) and, with write=True, change it (else 403)."""
    course = courses_visible_to(user).select_related("organiser", "entered_by").filter(pk=pk).first()
    if course is None:
        raise Http404(_("Không tìm thấy lớp đào tạo."))
    if write:
        require_write(user, course.organiser)
    return course


@login_required
def course_list_view(request):
    require_role(request.user)
    orgs = orgs_visible_to(request.user).order_by("position", "name")
    form = CourseFilterForm(request.GET or None, years=course_years(user=request.user), orgs=orgs)
    filters = form.cleaned_data if form.is_valid() else {}
    courses = course_list(user=request.user, year=filters.get("year"), organiser=filters.get("org"))
    page = Paginator(courses, PAGE_SIZE).get_page(request.GET.get("page"))
    for course in page:
        course.editable = can_write(request.user, course.organiser)
    return render(
        request,
        "training/course_list.html",
        {
            "form": form,
            "page": page,
            "can_add": _writable_orgs(request.user).exists(),
        },
    )


def _attendance(user, course: Course) -> list:
    """The course's CĐCS lines with the officers they name; `.names_shown` where the user may
    read that CĐCS's officers' names (leadership sees how many, never who)."""
    attendance = list(
        course.attendance.select_related("cdcs").prefetch_related(
            Prefetch("named_officers", Officer.objects.order_by("full_name", "pk"))
        )
    )
    readable = names_readable(user, [row.cdcs_id for row in attendance])
    for row in attendance:
        row.named = list(row.named_officers.all())
        row.names_shown = row.cdcs_id in readable
    return attendance


@login_required
def course_detail(request, pk: int):
    course = _course(request.user, pk)
    attendance = _attendance(request.user, course)
    assigned = sum(row.officers for row in attendance)
    return render(
        request,
        "training/course_detail.html",
        {
            "course": course,
            "attendance": attendance,
            "assigned": assigned,
            "unassigned": course.officers - assigned,
            "editable": can_write(request.user, course.organiser),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def course_officers(request, pk: int):
    """Tick, CĐCS by CĐCS, the officers in post during the course who attended it."""
    course = _course(request.user, pk, write=True)
    attendance = [row for row in _attendance(request.user, course) if row.names_shown]
    during = officers_during(course, [row.cdcs_id for row in attendance])
    errors: list[str] = []
    if request.method == "POST":
        # Every line the page showed is posted: a line with nothing ticked names nobody.
        named = {
            row.cdcs.code: [int(pk) for pk in request.POST.getlist(f"officers-{row.cdcs.code}") if pk.isdigit()]
            for row in attendance
        }
        try:
            course_officers_name(course=course, named=named, user=request.user)
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, _("Đã ghi tên cán bộ dự lớp “%(course)s”.") % {"course": course.topic})
            return redirect("training:course_detail", pk=course.pk)
    for row in attendance:
        row.candidates = during.get(row.cdcs_id, [])
        ticked = set(request.POST.getlist(f"officers-{row.cdcs.code}")) if errors else None
        row.ticked = ticked if ticked is not None else {str(officer.pk) for officer in row.named}
    return render(
        request, "training/course_officers.html", {"course": course, "attendance": attendance, "errors": errors}
    )


@login_required
@require_http_methods(["GET", "POST"])
def course_new(request):
    require_role(request.user)
    writable = _writable_orgs(request.user)
    if not writable.exists():
        raise PermissionDenied(_("Vai trò của bạn chỉ xem, không nhập lớp đào tạo."))
    code = request.POST.get("organiser") if request.method == "POST" else request.GET.get("org")
    if not code and writable.count() == 1:
        code = writable.get().code
    if not code:
        return render(request, "training/course_organiser.html", {"form": OrganiserForm(orgs=writable)})
    organiser = access_org(request.user, code, write=True)
    form = CourseForm(posted(request))
    formset = AttendanceFormSet(posted(request), prefix="attendance", form_kwargs={"cdcs": cdcs_choices(organiser)})
    attendance_errors: list[str] = []
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            course = course_create(organiser=organiser, data=form.course_data(formset.rows()), user=request.user)
        except ValidationError as error:
            attendance_errors = _show_errors(form, error)
        else:
            messages.success(request, _("Đã ghi lớp “%(course)s”.") % {"course": course.topic})
            return redirect("training:course_detail", pk=course.pk)
    return render(
        request,
        "training/course_form.html",
        {
            "form": form,
            "formset": formset,
            "organiser": organiser,
            "attendance_errors": attendance_errors,
            "course": None,
            "can_choose": writable.count() > 1,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def course_edit(request, pk: int):
    course = _course(request.user, pk, write=True)
    initial = [{"cdcs": row.cdcs_id, "officers": row.officers} for row in course.attendance.all()]
    form = CourseForm(posted(request), initial=CourseForm.initial_from(course))
    formset = AttendanceFormSet(
        posted(request), prefix="attendance", initial=initial, form_kwargs={"cdcs": cdcs_choices(course.organiser)}
    )
    attendance_errors: list[str] = []
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            course_update(course=course, data=form.course_data(formset.rows()), user=request.user)
        except ValidationError as error:
            attendance_errors = _show_errors(form, error)
        else:
            messages.success(request, _("Đã lưu lớp “%(course)s”.") % {"course": course.topic})
            return redirect("training:course_detail", pk=course.pk)
    return render(
        request,
        "training/course_form.html",
        {
            "form": form,
            "formset": formset,
            "organiser": course.organiser,
            "attendance_errors": attendance_errors,
            "course": course,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def course_delete_view(request, pk: int):
    course = _course(request.user, pk, write=True)
    if request.method == "POST":
        course_delete(course=course, user=request.user)
        messages.success(request, _("Đã xóa lớp “%(course)s”.") % {"course": course.topic})
        return redirect("training:course_list")
    return render(request, "training/course_delete.html", {"course": course})


def _show_errors(form: CourseForm, error: ValidationError) -> list[str]:
    """Put the service's refusal on the form; return the messages about the CĐCS rows."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return []
    attendance = []
    for key, texts in error.message_dict.items():
        if key == "attendance":
            attendance += texts
        else:
            form.add_error(key if key in form.fields else None, texts)
    return attendance


def _report_year(request) -> int:
    """The year asked for in ?year=, or this year with a message when it is not a year."""
    year = timezone.localdate().year
    asked = request.GET.get("year", "").strip()
    if asked:
        if asked.isdigit() and EARLIEST_YEAR <= int(asked) <= LATEST_YEAR:
            year = int(asked)
        else:
            messages.warning(request, _("Năm “%(year)s” không hợp lệ; đang xem năm %(now)s.") % {
                "year": asked[:10], "now": year
            })  # fmt: skip
    return year


@login_required
def report(request):
    require_role(request.user)
    year = _report_year(request)
    result = training_report(year=year, user=request.user)
    years = sorted({*course_years(user=request.user), year, timezone.localdate().year}, reverse=True)
    return render(
        request,
        "training/report.html",
        {"report": result, "years": years},
    )


@login_required
def report_export(request):
    require_role(request.user)
    result = training_report(year=_report_year(request), user=request.user)
    return xlsx_response(report_workbook(result), f"dao-tao-can-bo-{result.year}.xlsx")
