"""The member register's pages: the list with its search, a member's record and history, admitting,
correcting, losing and transferring a member, and the transfers waiting for a decision.

Member records are personal data: every page asks access.require_people first (leadership sees
counts, never names) and finds members through access.members_visible_to (404 otherwise, so that
record numbers cannot be probed). Nothing personal goes into a URL, a redirect or a message: a
search is posted and kept in the session, and messages name a member by record number only. No
page is kept by a browser or proxy (personal_data: Cache-Control no-store). The whole ID number
is on a page only when its reveal is asked for (audited): forms and search echoes show it masked."""

from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from unionportal.lib.forms import posted
from unionportal.lib.http import personal_data
from unionportal.lib.months import Month

from ..access import PeopleScope, cdcs_now_under, cdcs_visible_to, is_provincial, members_visible_to, require_people
from ..audit import audit_log
from ..forms import add_service_errors
from ..models import GrassrootsUnion, Member, MemberEvent, MemberTransfer
from .event_months import CONFIRM_FIELD, counts_in
from .forms import (
    AdmitMode,
    MemberAdmitForm,
    MemberEditForm,
    MemberLeaveForm,
    MemberTransferForm,
    PeopleFilterForm,
    PeopleSearchForm,
    TransferAcceptForm,
    TransferRejectForm,
)
from .lookups import id_search_record
from .moves import member_transfer_accept, member_transfer_cancel, member_transfer_reject, member_transfer_request
from .people import is_whole_id, mask_id, normal_id_number
from .register_export import export_offer
from .search import COUNT_CAP, member_search, people_page
from .services import current_federation, member_admit, member_leave, member_update

PAGE_SIZE = 50
PICK_UP_TO = 300  # a union's CĐCS offered to pick from on the list's filter
DECIDED_LIMIT = 50
SEARCH_KEY = "people_search"  # the session key of the list's search text


def _member(user, pk: int) -> Member:
    """The member with this record number if the user may read it: 403 for roles that read no
    names at all, 404 for a record outside the user's CĐCS."""
    require_people(user)
    member = members_visible_to(user).select_related("cdcs").filter(pk=pk).first()
    if member is None:
        raise Http404(_("Không tìm thấy đoàn viên."))
    return member


def _acts_for(user, cdcs_id: int) -> bool:
    """May the user change the members of this CĐCS (access.cdcs_now_under)?"""
    return is_provincial(user) or cdcs_now_under(user).filter(pk=cdcs_id).exists()


def _error_text(error: ValidationError | PermissionDenied) -> str:
    return " ".join(error.messages) if isinstance(error, ValidationError) else str(error)


# --- the list ---------------------------------------------------------------------------------


@personal_data
@login_required
@require_http_methods(["GET", "POST"])
def people(request):
    user = request.user
    require_people(user)
    filters = PeopleFilterForm(request.GET)
    filters.is_valid()  # both optional; a bad value is shown and ignored
    chosen = {name: value for name, value in filters.cleaned_data.items() if value and name not in filters.errors}
    if request.method == "POST":  # the search text: kept in the session, then back to a clean URL
        search = PeopleSearchForm(request.POST)
        if "clear" in request.POST:
            request.session.pop(SEARCH_KEY, None)
        elif search.is_valid():
            query = search.cleaned_data["q"].strip()
            request.session[SEARCH_KEY] = query
            if is_whole_id(query):  # a look-up by ID number, audited as the reveal is
                id_search_record(user=user, found=member_search(members_visible_to(user), query).count())
        else:
            messages.error(request, " ".join(search.errors["q"]))
        return redirect(reverse("members:people") + (f"?{urlencode(chosen)}" if chosen else ""))

    query = request.session.get(SEARCH_KEY, "")
    # Federation staff pick among their own CĐCS; the province, or a union of thousands (250 KB of
    # options on every page), has too many to list: the code is typed.
    own = [] if is_provincial(user) else cdcs_now_under(user).order_by("code").values_list("code", "name")
    own = list(own[: PICK_UP_TO + 1])
    members = members_visible_to(user).select_related("cdcs")
    cdcs = None
    if code := chosen.get("cdcs", "").strip():
        cdcs = cdcs_visible_to(user).filter(code__iexact=code).first()  # another federation's is not named
        if cdcs is None:
            filters.add_error("cdcs", _("Không có CĐCS mã “%(code)s”.") % {"code": code})
        members = members.filter(cdcs=cdcs) if cdcs else members.none()
    if status := chosen.get("status"):
        members = members.filter(status=status)
    listed = people_page(members, query, number=request.GET.get("page"), per_page=PAGE_SIZE)
    page = listed.page
    for member in page:
        member.masked_id = mask_id(member.id_number)
    # A whole ID number searched for is not written back into the page: the reveal is the one way
    # to see a number whole, and it is audited.
    shown_query = mask_id(normal_id_number(query)) if is_whole_id(query) else query
    return render(
        request,
        "members/people/list.html",
        {
            "filters": filters,
            "search": PeopleSearchForm(initial={"q": "" if shown_query != query else query}),
            "query": shown_query,
            "cdcs": cdcs,
            "page": page,
            "capped": listed.capped,
            "sample": listed.sample,
            "count_cap": COUNT_CAP,
            "cdcs_options": own if len(own) <= PICK_UP_TO else [],
            "can_add": is_provincial(user) or bool(own),
            **export_offer(user),
        },
    )


# --- a member's page --------------------------------------------------------------------------


def _person_context(user, member: Member, **extra) -> dict:
    events = list(member.events.select_related("cdcs", "recorded_by").order_by("on", "pk"))
    transfers = list(
        member.transfers.select_related("from_cdcs", "to_cdcs", "requested_by", "decided_by").order_by(
            "-requested_at", "-pk"
        )
    )
    named = {member.cdcs_id, *(event.cdcs_id for event in events)}
    scope = PeopleScope(user, among=named.union(*({t.from_cdcs_id, t.to_cdcs_id} for t in transfers)))
    # Events in CĐCS the user may not read stay theirs: someone who left another federation and
    # joined here shows their history from here on, not where they were or when they left.
    elsewhere = sum(1 for event in events if event.cdcs_id not in scope)
    events = [event for event in events if event.cdcs_id in scope]
    transfers = [transfer for transfer in transfers if transfer.from_cdcs_id in scope or transfer.to_cdcs_id in scope]
    pending = next((t for t in transfers if t.status == MemberTransfer.Status.PENDING), None)
    may_change = member.cdcs_id in scope
    movable = may_change and member.is_active and pending is None and member.cdcs.dissolved_on is None
    return {
        "member": member,
        "masked_id": mask_id(member.id_number),
        "federation": current_federation(member.cdcs),
        "events": events,
        "events_elsewhere": elsewhere,
        "transfers": transfers,
        "pending": pending,
        "can_edit": may_change,
        "can_leave": movable,
        "can_transfer": movable,
        "can_cancel": pending is not None and pending.from_cdcs_id in scope,
        "can_decide": pending is not None and pending.to_cdcs_id in scope,
        # Whoever reads the record is provincial staff or of the member's own federation: both
        # may ask for the whole number, and each time they do, the audit trail says so.
        "can_reveal_id": bool(member.id_number),
        **extra,
    }


@personal_data
@login_required
def person(request, pk):
    member = _member(request.user, pk)
    return render(request, "members/people/person.html", _person_context(request.user, member))


@personal_data
@login_required
@require_POST
def person_id(request, pk):
    """The whole ID number, on the page itself (never in a URL), recorded in the audit trail."""
    member = _member(request.user, pk)
    if member.id_number:
        audit_log(request.user, "member.id_view", member, federation=current_federation(member.cdcs))
    context = _person_context(request.user, member, full_id=member.id_number)
    return render(request, "members/people/person.html", context)


# --- admitting and correcting -----------------------------------------------------------------


@personal_data
@login_required
@require_http_methods(["GET", "POST"])
def person_new(request):
    user = request.user
    require_people(user)
    targets = cdcs_now_under(user).filter(dissolved_on__isnull=True)
    initial = {"mode": AdmitMode.NEW, "month": Month.of(timezone.localdate())}
    if code := request.GET.get("cdcs", "").strip():
        initial["cdcs"] = code[:20]
    form = MemberAdmitForm(posted(request), targets=targets, initial=initial)
    if request.method == "POST" and form.is_valid():
        cdcs = form.cleaned_data["cdcs"]
        try:
            member = member_admit(
                cdcs=cdcs,
                data=form.member_data(),
                user=user,
                existing=form.existing,
                month=form.cleaned_data["month"] if form.existing else None,
                arrived_on=form.arrival,
                confirm_month=form.cleaned_data["confirm_month"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as error:
            form.add_error("cdcs", str(error))
        else:
            if form.existing:
                text = _("Đã ghi %(member)s vào sổ của %(cdcs)s (sổ bắt đầu từ tháng %(month)s).") % {
                    "member": member,
                    "cdcs": cdcs.code,
                    "month": Month.of(cdcs.register_from),
                }
            elif form.arrival:
                text = _("Đã ghi %(member)s chuyển đến %(cdcs)s (%(counts)s).") % {
                    "member": member,
                    "cdcs": cdcs.code,
                    "counts": counts_in(form.arrival),
                }
            else:
                text = _("Đã kết nạp %(member)s vào %(cdcs)s (%(counts)s).") % {
                    "member": member,
                    "cdcs": cdcs.code,
                    "counts": counts_in(member.joined_on),
                }
            messages.success(request, text)
            return redirect("members:person", pk=member.pk)
    options = list(targets.order_by("code").values_list("code", "name"))
    return render(request, "members/people/person_new.html", {"form": form, "options": options})


def _require_change(user, member: Member) -> None:
    if not _acts_for(user, member.cdcs_id):
        raise PermissionDenied(_("Bạn không có quyền thay đổi hồ sơ đoàn viên của CĐCS này."))


@personal_data
@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request, pk):
    member = _member(request.user, pk)
    _require_change(request.user, member)
    form = MemberEditForm(posted(request), member=member)
    if request.method == "POST" and form.is_valid():
        try:
            member_update(
                member=member,
                data=form.member_data(),
                user=request.user,
                confirm_month=form.cleaned_data["confirm_month"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            if form.has_changed():
                messages.success(request, _("Đã lưu hồ sơ %(member)s.") % {"member": member})
            else:
                messages.info(request, _("Hồ sơ không có gì thay đổi."))
            return redirect("members:person", pk=member.pk)
    # A new date of joining moves the admission, and the month it counts in, with it.
    admitted_here = member.events.filter(kind=MemberEvent.Kind.ADMITTED, cdcs=member.cdcs).exists()
    context = {"member": member, "form": form, "admitted_here": admitted_here}
    return render(request, "members/people/person_edit.html", context)


# --- losing and transferring ------------------------------------------------------------------


@personal_data
@login_required
@require_http_methods(["GET", "POST"])
def person_leave(request, pk):
    member = _member(request.user, pk)
    _require_change(request.user, member)
    form = MemberLeaveForm(posted(request), initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            member_leave(member=member, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Đã ghi giảm %(member)s (%(counts)s).")
                % {"member": member, "counts": counts_in(form.cleaned_data["on"])},
            )
            return redirect("members:person", pk=member.pk)
    pending = member.transfers.filter(status=MemberTransfer.Status.PENDING).exists()
    return render(request, "members/people/person_leave.html", {"member": member, "form": form, "pending": pending})


@personal_data
@login_required
@require_http_methods(["GET", "POST"])
def person_transfer(request, pk):
    member = _member(request.user, pk)
    _require_change(request.user, member)
    # Any CĐCS of the province may receive the member (CĐCS are not personal); it decides.
    targets = GrassrootsUnion.objects.filter(dissolved_on__isnull=True).exclude(pk=member.cdcs_id)
    form = MemberTransferForm(posted(request), targets=targets)
    if request.method == "POST" and form.is_valid():
        to_cdcs = form.cleaned_data["to_cdcs"]
        try:
            member_transfer_request(member=member, to_cdcs=to_cdcs, note=form.cleaned_data["note"], user=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _(
                    "Đã gửi đề nghị chuyển %(member)s đến %(cdcs)s; đoàn viên vẫn sinh hoạt tại CĐCS cũ "
                    "đến khi được tiếp nhận."
                )
                % {"member": member, "cdcs": to_cdcs.code},
            )
            return redirect("members:person", pk=member.pk)
    pending = member.transfers.filter(status=MemberTransfer.Status.PENDING).select_related("to_cdcs").first()
    options = list(targets.order_by("code").values_list("code", "name"))
    context = {"member": member, "form": form, "pending": pending, "options": options}
    return render(request, "members/people/person_transfer.html", context)


# --- transfers waiting for a decision -----------------------------------------------------------


def _transfers_visible_to(user) -> QuerySet[MemberTransfer]:
    """Transfers from or to a CĐCS of the user's (all of them for provincial staff)."""
    require_people(user)
    if is_provincial(user):
        return MemberTransfer.objects.all()
    mine = cdcs_now_under(user).values("pk")
    return MemberTransfer.objects.filter(Q(from_cdcs__in=mine) | Q(to_cdcs__in=mine))


@personal_data
@login_required
def transfers(request):
    user = request.user
    visible = _transfers_visible_to(user).select_related("member", "from_cdcs", "to_cdcs", "requested_by", "decided_by")
    pending = list(visible.filter(status=MemberTransfer.Status.PENDING).order_by("requested_at", "pk"))
    decided = list(visible.exclude(status=MemberTransfer.Status.PENDING).order_by("-decided_at", "-pk")[:DECIDED_LIMIT])
    scope = PeopleScope(user)  # the CĐCS whose members the user reads: members_visible_to, without asking again
    confirm, today = request.GET.get("confirm", ""), timezone.localdate()
    try:
        confirm_on = date.fromisoformat(request.GET.get("on", ""))
    except ValueError:
        confirm_on = today
    for transfer in pending + decided:
        transfer.confirming = str(transfer.pk) == confirm  # its acceptance falls in an approved month
        transfer.accept_on = confirm_on if transfer.confirming else today
        is_pending = transfer.status == MemberTransfer.Status.PENDING
        transfer.can_decide = is_pending and transfer.to_cdcs_id in scope
        transfer.can_cancel = is_pending and transfer.from_cdcs_id in scope
        # The receiving side sees who it is asked to take; otherwise names follow the register.
        transfer.member_readable = transfer.member.cdcs_id in scope
        transfer.shows_name = transfer.member_readable or transfer.can_decide
        transfer.masked_id = mask_id(transfer.member.id_number)
    return render(
        request,
        "members/people/transfers.html",
        {
            "incoming": [transfer for transfer in pending if transfer.can_decide],
            "outgoing": [transfer for transfer in pending if not transfer.can_decide],
            "decided": decided,
            "decided_limit": DECIDED_LIMIT,
            "today": timezone.localdate(),
        },
    )


def _transfer(user, pk: int) -> MemberTransfer:
    transfer = _transfers_visible_to(user).select_related("member", "from_cdcs", "to_cdcs").filter(pk=pk).first()
    if transfer is None:
        raise Http404(_("Không tìm thấy đề nghị chuyển sinh hoạt."))
    return transfer


def _back(request, transfer: MemberTransfer):
    """Back to the member's page when the decision was taken there and it is still readable."""
    if request.POST.get("back") == "person" and members_visible_to(request.user).filter(pk=transfer.member_id).exists():
        return redirect("members:person", pk=transfer.member_id)
    return redirect("members:transfers")


def _decide(request, transfer: MemberTransfer, act, success: str):
    """Run the service `act`; say what happened, or why nothing did."""
    try:
        act()
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, success)
    return _back(request, transfer)


def _form_refused(request, transfer: MemberTransfer, form):
    messages.error(request, " ".join(message for errors in form.errors.values() for message in errors))
    return _back(request, transfer)


@personal_data
@login_required
@require_POST
def transfer_accept(request, pk):
    transfer = _transfer(request.user, pk)
    if not _acts_for(request.user, transfer.to_cdcs_id):
        raise PermissionDenied(_("Chỉ CĐCS nhận mới tiếp nhận được đoàn viên."))
    form = TransferAcceptForm(request.POST)
    if not form.is_valid():
        return _form_refused(request, transfer, form)
    on = form.cleaned_data["on"]
    try:
        member_transfer_accept(
            transfer=transfer, on=on, user=request.user, confirm_month=form.cleaned_data["confirm_month"]
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _error_text(error))
        if CONFIRM_FIELD in getattr(error, "error_dict", {}):  # the same form again, with the box to confirm
            query = urlencode({"confirm": transfer.pk, "on": on.isoformat()})
            return redirect(f"{reverse('members:transfers')}?{query}")
        return _back(request, transfer)
    messages.success(
        request,
        _("Đã tiếp nhận %(member)s vào %(cdcs)s (%(counts)s).")
        % {"member": transfer.member, "cdcs": transfer.to_cdcs.code, "counts": counts_in(on)},
    )
    return _back(request, transfer)


@personal_data
@login_required
@require_POST
def transfer_reject(request, pk):
    transfer = _transfer(request.user, pk)
    if not _acts_for(request.user, transfer.to_cdcs_id):
        raise PermissionDenied(_("Chỉ CĐCS nhận mới từ chối được đề nghị chuyển sinh hoạt."))
    form = TransferRejectForm(request.POST)
    if not form.is_valid():
        return _form_refused(request, transfer, form)
    return _decide(
        request,
        transfer,
        lambda: member_transfer_reject(transfer=transfer, note=form.cleaned_data["note"], user=request.user),
        _("Đã từ chối tiếp nhận %(member)s.") % {"member": transfer.member},
    )


@personal_data
@login_required
@require_POST
def transfer_cancel(request, pk):
    transfer = _transfer(request.user, pk)
    if not _acts_for(request.user, transfer.from_cdcs_id):
        raise PermissionDenied(_("Chỉ CĐCS đề nghị chuyển mới hủy được đề nghị này."))
    return _decide(
        request,
        transfer,
        lambda: member_transfer_cancel(transfer=transfer, user=request.user),
        _("Đã hủy đề nghị chuyển %(member)s.") % {"member": transfer.member},
    )
