"""Entering the self-assessment (a grid per federation and year) and reviewing one CĐCS's result."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members.access import access_org, can_write, orgs_visible_to
from members.audit import action_label
from members.models import AuditEntry
from unionportal.lib.forms import posted

from .. import services
from ..forms import GridForm, ReasonForm, ReviewForm
from ..models import Assessment, Criterion
from ..selectors import federation_rows, rubric_rules, scores_of
from .common import rubric_of


@login_required
def grid(request, year: int, code: str):
    """Rows: the CĐCS the federation rates this year; columns: the criteria; totals and levels
    as saved. Federation staff (their own) and provincial staff save it; leadership reads it."""
    federation = access_org(request.user, code, write=request.method == "POST")
    rubric = rubric_of(year)
    rules = rubric_rules(rubric=rubric)
    rows = federation_rows(rubric=rubric, federation=federation)
    writes = can_write(request.user, federation)
    form = GridForm(posted(request), rows=rows, criteria=rules.criteria, editable=writes and not rubric.is_closed)
    errors = []
    if form.is_bound:
        if rubric.is_closed:
            errors.append(_("Năm %(year)s đã khóa đánh giá: không thay đổi được nữa.") % {"year": year})
        elif form.is_valid():
            try:
                changed = services.assessments_self_save(
                    rubric=rubric, federation=federation, scores=form.scores(), user=request.user
                )
            except ValidationError as error:
                errors += error.messages
            else:
                messages.success(request, _("Đã lưu điểm tự chấm của %(n)s CĐCS.") % {"n": len(changed)})
                return redirect("ratings:grid", year=year, code=federation.code)
        else:
            errors.append(_("Có điểm không hợp lệ (xem các ô tô đỏ). Chưa lưu gì."))
    names = dict(Criterion.objects.filter(rubric=rubric).values_list("pk", "name"))
    lines = [{"row": row, "cells": form.cells(row)} for row in rows]
    return render(
        request,
        "ratings/grid.html",
        {
            "rubric": rubric,
            "federation": federation,
            "criteria": [(c, names.get(c.id, "")) for c in rules.criteria],
            "lines": lines,
            "form": form,
            "errors": errors,
            "writes": writes and not rubric.is_closed,
            "max_total": rules.max_total,
        },
        status=400 if errors else 200,
    )


def _assessment_for(request, year: int, code: str) -> Assessment:
    """The result of a CĐCS in a year, if the user sees its federation (else 404)."""
    assessment = (
        Assessment.objects.filter(rubric__year=year, cdcs__code=code, federation__in=orgs_visible_to(request.user))
        .select_related("rubric", "cdcs", "federation", "self_level", "reviewed_level", "reviewed_by")
        .first()
    )
    if assessment is None:
        raise Http404(_("Không tìm thấy kết quả đánh giá."))
    return assessment


@login_required
def review(request, year: int, code: str):
    """The self-assessment and the review side by side; the reviewer saves or finalises."""
    assessment = _assessment_for(request, year, code)
    writes = can_write(request.user, assessment.federation)
    if request.method == "POST" and not writes:
        raise PermissionDenied(_("Bạn không có quyền thẩm định kết quả này."))
    rules = rubric_rules(rubric=assessment.rubric)
    own = scores_of(assessment.self_scores)
    reviewed = scores_of(assessment.reviewed_scores)
    form = ReviewForm(
        posted(request),
        criteria=rules.criteria,
        initial_scores=reviewed or own,
        initial={"note": assessment.review_note},
    )
    errors = []
    if form.is_bound:
        if form.is_valid():
            finalise = "finalise" in request.POST
            try:
                services.assessment_review(
                    assessment=assessment,
                    scores=form.scores(),
                    note=form.cleaned_data["note"],
                    finalise=finalise,
                    user=request.user,
                )
            except ValidationError as error:
                errors += error.messages
            else:
                done = _("Đã chốt kết quả của %(code)s.") if finalise else _("Đã lưu điểm thẩm định của %(code)s.")
                messages.success(request, done % {"code": code})
                return redirect("ratings:review", year=year, code=code)
        else:
            errors.append(_("Có điểm không hợp lệ. Chưa lưu gì."))
    names = dict(Criterion.objects.filter(rubric=assessment.rubric).values_list("pk", "name"))
    lines = [
        {"criterion": c, "name": names.get(c.id, ""), "own": own.get(c.id), "reviewed": reviewed.get(c.id), "field": f}
        for c, f in zip(rules.criteria, form.score_fields(), strict=True)
    ]
    status = assessment.status
    return render(
        request,
        "ratings/review.html",
        {
            "assessment": assessment,
            "rubric": assessment.rubric,
            "lines": lines,
            "form": form,
            "errors": errors,
            "can_review": writes and not assessment.rubric.is_closed and status == Assessment.Status.SELF_ASSESSED,
            "can_reopen": writes and not assessment.rubric.is_closed and status == Assessment.Status.FINAL,
            "reopen_form": ReasonForm(),
            "history": _history(assessment),
        },
        status=400 if errors else 200,
    )


def _history(assessment: Assessment) -> list[dict]:
    """Who changed the result and how, newest first (one query)."""
    entries = AuditEntry.objects.filter(object_type=Assessment._meta.label_lower, object_id=str(assessment.pk))
    return [
        {
            "entry": entry,
            "label": action_label(entry.action),
            "self_total": entry.data.get("total", entry.data.get("self_total")),
            "reviewed_total": entry.data.get("reviewed_total"),
            "note": entry.data.get("note") or entry.data.get("reason") or "",
        }
        for entry in entries.select_related("user").order_by("-at", "-pk")[:50]
    ]


@login_required
@require_POST
def review_reopen(request, year: int, code: str):
    assessment = _assessment_for(request, year, code)
    if not can_write(request.user, assessment.federation):
        raise PermissionDenied(_("Bạn không có quyền thẩm định kết quả này."))
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Hãy ghi lý do mở lại kết quả."))
        services.assessment_reopen(assessment=assessment, reason=form.cleaned_data["reason"], user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Đã mở lại kết quả của %(code)s để thẩm định lại.") % {"code": code})
    return redirect("ratings:review", year=year, code=code)
