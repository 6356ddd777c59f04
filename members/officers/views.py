"""A CĐCS's committees (Ban chấp hành): its term on this day, who holds which post, who left, the
terms before; recording a congress, an officer taking a post or leaving it, a correction. Every
change goes through members.officers.services.

Anyone who sees the CĐCS sees its page; the names are shown to those who may read them
(rules.may_read_names: provincial staff, the staff of its federation now), the others see how
many hold which post. Pages with names are never kept by a browser (personal_data)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from unionportal.lib.forms import posted
from unionportal.lib.http import personal_data

from ..access import cdcs_visible_to
from ..forms import add_service_errors
from ..models import AuditEntry, GrassrootsUnion, Officer, Post, Term
from ..services.common import short_day
from . import services
from .forms import CommitteeFormSet, LeaveForm, OfficerForm, TermForm, committee_of
from .rules import federation_now, may_read_names, may_write_officers, require_officers_write
from .selectors import cdcs_committees

AUDIT_LIMIT = 100
OFFICER_ACTIONS = Q(action__startswith="term.") | Q(action__startswith="officer.")


def visible_cdcs(user, code: str) -> GrassrootsUnion:
    """The CĐCS with this code if the user may see it; else 404, so that codes cannot be probed."""
    cdcs = cdcs_visible_to(user).filter(code=code).first()
    if cdcs is None:
        raise Http404(_("Không tìm thấy CĐCS."))
    return cdcs


def _writable(user, code: str) -> GrassrootsUnion:
    """The CĐCS whose officers the user writes (404 when they cannot see it, 403 when not theirs)."""
    cdcs = visible_cdcs(user, code)
    if not may_read_names(user, cdcs):
        raise PermissionDenied(_("Bạn không có quyền ghi cán bộ của %(cdcs)s.") % {"cdcs": cdcs.name})
    return cdcs


def _closed(request, cdcs: GrassrootsUnion):
    """A dissolved CĐCS takes no more officers: back to its page with the reason."""
    try:
        require_officers_write(request.user, cdcs)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("members:cdcs_officers", code=cdcs.code)
    return None


@personal_data
@login_required
def committees(request, code):
    user = request.user
    cdcs = visible_cdcs(user, code)
    today = timezone.localdate()
    names = may_read_names(user, cdcs)
    found = cdcs_committees(cdcs, today)
    counts = []
    if not names and found.term is not None:
        people = found.executive + found.inspection
        counts = [(label, sum(1 for o in people if o.post == post)) for post, label in Post.choices]
    audit = AuditEntry.objects.filter(OFFICER_ACTIONS, data__cdcs=cdcs.code).select_related("user")[:AUDIT_LIMIT]
    return render(
        request,
        "members/officers/committees.html",
        {
            "cdcs": cdcs, "federation": federation_now(cdcs), "today": today, "names": names, "found": found,
            "counts": [(label, number) for label, number in counts if number], "audit": list(audit),
            "audit_limit": AUDIT_LIMIT, "can_write": may_write_officers(user, cdcs),
        },
    )  # fmt: skip


@personal_data
@login_required
@require_http_methods(["GET", "POST"])
def term_new(request, code):
    """A congress (or a provisional committee): the term and the committee it elects."""
    cdcs = _writable(request.user, code)
    if closed := _closed(request, cdcs):
        return closed
    form = TermForm(posted(request), prefix="term")
    formset = CommitteeFormSet(posted(request), prefix="bch")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        people, problems = committee_of(formset)
        if problems:
            form.add_error(None, problems)
        else:
            try:
                term = services.term_open(cdcs=cdcs, data=form.data_object(), officers=people, user=request.user)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Đã ghi nhiệm kỳ từ %(start)s đến %(end)s với %(count)s cán bộ.")
                    % {"start": short_day(term.starts_on), "end": short_day(term.ends_on), "count": len(people)},
                )
                return redirect("members:cdcs_officers", code=cdcs.code)
    context = {"cdcs": cdcs, "form": form, "formset": formset, "has_register": cdcs.register_from is not None}
    return render(request, "members/officers/term_form.html", context)


@personal_data
@login_required
@require_http_methods(["GET", "POST"])
def term_edit(request, code, pk):
    cdcs = _writable(request.user, code)
    term = get_object_or_404(Term, pk=pk, cdcs=cdcs)
    if closed := _closed(request, cdcs):
        return closed
    initial = {name: getattr(term, name) for name in services.TERM_FIELDS}
    form = TermForm(posted(request), initial=initial, editing=term, prefix="term")
    if request.method == "POST" and form.is_valid():
        try:
            services.term_edit(term=term, data=form.data_object(), user=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã lưu nhiệm kỳ."))
            return redirect("members:cdcs_officers", code=cdcs.code)
    return render(request, "members/officers/term_edit.html", {"cdcs": cdcs, "term": term, "form": form})


@personal_data
@login_required
@require_http_methods(["GET", "POST"])
def officer_new(request, code):
    """Someone takes a post during the term: co-opted, appointed, or elected and entered later."""
    cdcs = _writable(request.user, code)
    if closed := _closed(request, cdcs):
        return closed
    initial = {"from_on": timezone.localdate(), "post": request.GET.get("post", "")}
    form = OfficerForm(posted(request), cdcs=cdcs, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            officer = services.officer_add(cdcs=cdcs, data=form.data_object(), user=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Đã ghi %(name)s giữ chức %(post)s từ ngày %(day)s.")
                % {"name": officer.full_name, "post": officer.get_post_display(), "day": short_day(officer.from_on)},
            )
            return redirect("members:cdcs_officers", code=cdcs.code)
    term = services.latest_term(cdcs)
    return render(request, "members/officers/officer_form.html", {"cdcs": cdcs, "form": form, "term": term})


def _officer(request, code, pk) -> Officer:
    cdcs = _writable(request.user, code)
    return get_object_or_404(Officer.objects.select_related("term__cdcs", "member"), pk=pk, term__cdcs=cdcs)


@personal_data
@login_required
@require_http_methods(["GET", "POST"])
def officer_leave(request, code, pk):
    officer = _officer(request, code, pk)
    if closed := _closed(request, officer.term.cdcs):
        return closed
    form = LeaveForm(posted(request), initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.officer_leave(officer=officer, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Đã ghi %(name)s thôi chức %(post)s từ ngày %(day)s.")
                % {
                    "name": officer.full_name,
                    "post": officer.get_post_display(),
                    "day": short_day(form.cleaned_data["on"]),
                },
            )
            return redirect("members:cdcs_officers", code=code)
    return render(request, "members/officers/officer_leave.html", {"cdcs": officer.term.cdcs, "officer": officer,
                                                                   "form": form})  # fmt: skip


@personal_data
@login_required
@require_http_methods(["GET", "POST"])
def officer_edit(request, code, pk):
    officer = _officer(request, code, pk)
    cdcs = officer.term.cdcs
    if closed := _closed(request, cdcs):
        return closed
    fields = ("full_name", "member", "post", "full_time", "how", "from_on", "decision_number", "note", "to_on",
              "left_reason")  # fmt: skip
    form = OfficerForm(posted(request), cdcs=cdcs, editing=officer,
                       initial={name: getattr(officer, name) for name in fields})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            services.officer_edit(
                officer=officer, data=form.data_object(), user=request.user,
                to_on=form.cleaned_data.get("to_on"), left_reason=form.cleaned_data.get("left_reason") or "",
            )  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã lưu thông tin của %(name)s.") % {"name": officer.full_name})
            return redirect("members:cdcs_officers", code=code)
    context = {"cdcs": cdcs, "form": form, "term": officer.term, "officer": officer}
    return render(request, "members/officers/officer_form.html", context)
