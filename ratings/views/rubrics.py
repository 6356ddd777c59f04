"""The years and their rubrics: the list of years, a year's page (its criteria, levels and how far
each federation has come), the pages where provincial staff edit criteria and levels, and closing
and reopening a year."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members.access import can_write, is_provincial, orgs_visible_to, require_provincial, require_role
from unionportal.lib.forms import posted
from unionportal.lib.months import Month

from .. import services
from ..forms import CriterionFormSet, GroupFormSet, LevelFormSet, ReasonForm, RubricNewForm
from ..models import Assessment, Rubric
from ..selectors import rating_progress, rubric_outline
from .common import rubric_of


@login_required
def index(request):
    require_role(request.user)
    rubrics = list(Rubric.objects.all())
    form = RubricNewForm(initial={"year": (rubrics[0].year + 1) if rubrics else None})
    return render(
        request, "ratings/index.html", {"rubrics": rubrics, "form": form, "provincial": is_provincial(request.user)}
    )


@login_required
@require_POST
def rubric_new(request):
    require_provincial(request.user)
    form = RubricNewForm(request.POST)
    if form.is_valid():
        try:
            rubric = services.rubric_create(year=form.cleaned_data["year"], user=request.user)
        except ValidationError as error:
            form.add_error("year", error)
        else:
            messages.success(request, _("Đã tạo bộ tiêu chí năm %(year)s.") % {"year": rubric.year})
            return redirect("ratings:rubric", year=rubric.year)
    rubrics = list(Rubric.objects.all())
    return render(request, "ratings/index.html", {"rubrics": rubrics, "form": form, "provincial": True}, status=400)


@login_required
def rubric(request, year: int):
    """A year's rubric and, per federation the user sees, how many CĐCS are at each step."""
    require_role(request.user)
    rubric = rubric_of(year)
    groups, levels = rubric_outline(rubric=rubric)
    # Those active at some time in the year: the direct block among them, ended unions for their years.
    federations = list(orgs_visible_to(request.user).federations().active_between(Month(year, 1), Month(year, 12)))
    progress = [
        (line, can_write(request.user, line.federation))
        for line in rating_progress(rubric=rubric, federations=federations)
    ]
    return render(
        request,
        "ratings/rubric.html",
        {
            "rubric": rubric,
            "groups": groups,
            "levels": levels,
            "max_total": sum(c.max_score for g in groups for c in g.criteria.all()),
            "statuses": Assessment.Status.labels,
            "progress": progress,
            "provincial": is_provincial(request.user),
            "edit_problem": services.rubric_edit_problem(rubric),
            "reopen_form": ReasonForm(),
        },
    )


def _edit(request, year: int, formset_classes: dict, template: str):
    require_provincial(request.user)
    rubric = rubric_of(year)
    problem = services.rubric_edit_problem(rubric)
    data = posted(request)
    formsets = {name: cls(data, prefix=name, rubric=rubric) for name, cls in formset_classes.items()}
    errors = []
    if data is not None:
        if problem:
            errors.append(problem)
        elif all(formset.is_valid() for formset in formsets.values()):
            try:
                services.rubric_update(rubric=rubric, formsets=formsets.values(), user=request.user)
            except ValidationError as error:
                errors += error.messages
            else:
                messages.success(request, _("Đã lưu bộ tiêu chí năm %(year)s.") % {"year": rubric.year})
                return redirect("ratings:rubric", year=rubric.year)
    status = 400 if data is not None else 200
    context = {"rubric": rubric, "problem": problem, "errors": errors, **formsets}
    return render(request, template, context, status=status)


@login_required
def rubric_criteria(request, year: int):
    return _edit(request, year, {"groups": GroupFormSet, "criteria": CriterionFormSet}, "ratings/rubric_criteria.html")


@login_required
def rubric_levels(request, year: int):
    return _edit(request, year, {"levels": LevelFormSet}, "ratings/rubric_levels.html")


@login_required
@require_POST
def rubric_close(request, year: int):
    require_provincial(request.user)
    rubric = rubric_of(year)
    try:
        services.rubric_close(rubric=rubric, user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Đã khóa năm đánh giá %(year)s.") % {"year": year})
    return redirect("ratings:rubric", year=year)


@login_required
@require_POST
def rubric_reopen(request, year: int):
    require_provincial(request.user)
    rubric = rubric_of(year)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Hãy ghi lý do mở lại năm đánh giá."))
        return redirect("ratings:rubric", year=year)
    try:
        services.rubric_reopen(rubric=rubric, reason=form.cleaned_data["reason"], user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Đã mở lại năm đánh giá %(year)s.") % {"year": year})
    return redirect("ratings:rubric", year=year)
