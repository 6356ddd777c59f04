"""The CĐCS register: the searchable list, founding a CĐCS, its page with figures and history,
and dissolving, moving and merging it. Every change goes through members.services.org."""

from datetime import datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from unionportal.lib.forms import posted
from unionportal.lib.months import Month

from ..access import (
    can_write,
    cdcs_visible_to,
    figures_visible_to,
    is_federation_staff,
    is_provincial,
    orgs_writable_by,
    own_federation,
    require_role,
)
from ..forms import (
    CdcsDissolveForm,
    CdcsFoundForm,
    CdcsMergeForm,
    CdcsMoveForm,
    CdcsSearchForm,
    CdcsStatus,
    add_service_errors,
)
from ..models import Affiliation, AuditEntry, GrassrootsUnion, MonthlyFigure, Organisation, federation_at_subquery
from ..services import org as tree
from ..services.common import federation_of

PAGE_SIZE = 50
AUDIT_LIMIT = 200


def _this_month() -> Month:
    return Month.of(timezone.localdate())


def _visible_cdcs(user, code: str) -> GrassrootsUnion:
    """The CĐCS with this code if the user may see it; else 404, so that codes cannot be probed."""
    cdcs = cdcs_visible_to(user).filter(code=code).select_related("merged_into").first()
    if cdcs is None:
        raise Http404(_("Không tìm thấy CĐCS."))
    return cdcs


def _federation_now(cdcs: GrassrootsUnion) -> Organisation | None:
    """The federation it belongs to this month (or, if founded later, from its founding month)."""
    return federation_of(cdcs, max(_this_month(), Month.of(cdcs.founded_on)))


def _require_write_now(user, cdcs: GrassrootsUnion) -> Organisation:
    federation = _federation_now(cdcs)
    if federation is None or not can_write(user, federation):
        raise PermissionDenied(_("Bạn không có quyền thay đổi CĐCS này."))
    return federation


def _writable_federations(user) -> QuerySet[Organisation]:
    """Federations active this month under which the user may found or take in a CĐCS."""
    month = _this_month()
    return orgs_writable_by(user).federations().active_between(month, month)


def _latest_figure(cdcs: GrassrootsUnion) -> MonthlyFigure | None:
    return cdcs.figures.order_by("-month").first()


# --- the list ---------------------------------------------------------------------------------


def _with_register_columns(unions: QuerySet[GrassrootsUnion]) -> QuerySet[GrassrootsUnion]:
    """Annotate the federation now and the members at the latest month on record, in the same query."""
    now = _this_month()
    first_affiliation = Affiliation.objects.filter(cdcs=OuterRef("pk")).order_by("valid_from").values("federation_id")
    latest = MonthlyFigure.objects.filter(cdcs=OuterRef("pk")).order_by("-month")
    return unions.annotate(
        federation_now_id=Coalesce(
            Subquery(federation_at_subquery(OuterRef("pk"), now.first_day)), Subquery(first_affiliation[:1])
        ),
        members_reported=Subquery(latest.values("members_end")[:1]),
        members_month=Subquery(latest.values("month")[:1]),
    )


def _search(query: str) -> Q:
    """Code, name or employer containing the text, whatever its case. SQLite folds the case of
    ASCII letters only, so the usual spellings of a Vietnamese name are tried too: "đại từ"
    finds "Đại Từ" there as it does on PostgreSQL."""
    condition = Q()
    for variant in {query, query.lower(), query.upper(), query.title(), query.capitalize()}:
        condition |= Q(code__icontains=variant) | Q(name__icontains=variant) | Q(employer__icontains=variant)
    return condition


def _filtered(unions: QuerySet[GrassrootsUnion], data: dict, federations: dict[str, Organisation]):
    if query := data.get("q", "").strip():
        unions = unions.filter(_search(query))
    if (code := data.get("federation")) and code in federations:
        unions = unions.filter(federation_now_id=federations[code].pk)
    if sector := data.get("sector"):
        unions = unions.filter(sector=sector)
    status = data.get("status")
    if status == CdcsStatus.ACTIVE:
        unions = unions.filter(dissolved_on__isnull=True)
    elif status == CdcsStatus.DISSOLVED:
        unions = unions.filter(dissolved_on__isnull=False, merged_into__isnull=True)
    elif status == CdcsStatus.MERGED:
        unions = unions.filter(merged_into__isnull=False)
    if year := data.get("year"):
        unions = unions.filter(founded_on__year=year)
    return unions


@login_required
def cdcs_list(request):
    user = request.user
    require_role(user)
    organisations = Organisation.objects.in_bulk()
    visible = cdcs_visible_to(user)
    fixed = own_federation(user)
    choices = [org for org in organisations.values() if not org.is_province]
    choices.sort(key=lambda org: (org.position, org.name))
    years = [day.year for day in visible.dates("founded_on", "year", order="DESC")]
    form = CdcsSearchForm(request.GET, federations=choices, years=years, fixed_federation=fixed)
    form.is_valid()  # every field is optional; a bad value is shown and ignored
    data = {name: value for name, value in form.cleaned_data.items() if name not in form.errors}
    # Federation staff see every CĐCS that is or was under their federation: the fixed filter
    # is their visibility, not the federation of this month, so CĐCS moved away stay findable.
    federations = {} if fixed else {org.code: org for org in choices}
    unions = _filtered(_with_register_columns(visible), data, federations).order_by("code")
    page = Paginator(unions, PAGE_SIZE).get_page(request.GET.get("page"))
    for cdcs in page:
        cdcs.federation_now = organisations.get(cdcs.federation_now_id)
        cdcs.members_period = Month.of(cdcs.members_month) if cdcs.members_month else None
    return render(
        request,
        "members/cdcs_list.html",
        {
            "form": form,
            "page": page,
            "can_found": is_provincial(user) or _writable_federations(user).exists(),
            "can_see_organisations": not fixed,
        },
    )


# --- founding -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def cdcs_new(request):
    federations = _writable_federations(request.user)
    direct = is_provincial(request.user)  # "LĐLĐ tỉnh trực tiếp quản lý": its block, made on first use
    if not federations and not direct:
        raise PermissionDenied(_("Bạn không có quyền thành lập CĐCS."))
    form = CdcsFoundForm(posted(request), federations=federations, direct=direct)
    if request.method == "POST" and form.is_valid():
        try:
            cdcs = tree.cdcs_found(**form.cleaned_data, user=request.user)
        except ValidationError as error:
            _explain_duplicate_code(error, form.cleaned_data["code"])
            add_service_errors(form, error)
        except PermissionDenied as error:
            form.add_error("federation", str(error))
        else:
            messages.success(request, _("Đã thành lập %(cdcs)s.") % {"cdcs": cdcs})
            return redirect("members:cdcs_detail", code=cdcs.code)
    return render(request, "members/cdcs_new.html", {"form": form})


def _explain_duplicate_code(error: ValidationError, code: str) -> None:
    """Say which CĐCS already has the code, rather than Django's generic "already exists"."""
    if not hasattr(error, "error_dict") or "code" not in error.error_dict:
        return
    taken = GrassrootsUnion.objects.filter(code=code.strip()).first()
    if taken is not None and any(e.code == "unique" for e in error.error_dict["code"]):
        error.error_dict["code"] = [
            ValidationError(
                _("Mã %(code)s đã được dùng cho “%(name)s”. Hãy chọn mã khác.")
                % {"code": taken.code, "name": taken.name}
            )
        ]


# --- the CĐCS page ----------------------------------------------------------------------------


def _affiliation_periods(cdcs: GrassrootsUnion) -> list[dict]:
    affiliations = list(cdcs.affiliations.select_related("federation").order_by("valid_from"))
    last = Month.of(cdcs.dissolved_on) if cdcs.dissolved_on else None
    periods = []
    for index, affiliation in enumerate(affiliations):
        following = affiliations[index + 1] if index + 1 < len(affiliations) else None
        periods.append(
            {
                "federation": affiliation.federation,
                "start": Month.of(affiliation.valid_from),
                "end": Month.of(following.valid_from) - 1 if following else last,
            }
        )
    return periods


# What the audit trail keeps of the member register of a CĐCS: lists imported and exported, ID
# numbers looked up. Personal data are not in it, but who kept the register and when is the
# federation's business only while the CĐCS was theirs.
REGISTER_ACTIVITY = Q(action__startswith="member.") | Q(action__startswith="member_list.")


def _audit_entries(user, cdcs: GrassrootsUnion, figures: list[MonthlyFigure], periods: list[dict]) -> list[AuditEntry]:
    """Changes to the CĐCS itself and to the monthly rows the user may see, and merges into it.
    Federation staff see its register's activity of the months it was under their federation
    (the audit table leaves file names out for roles that read no names: audit_details)."""
    condition = (
        Q(object_type=GrassrootsUnion._meta.label_lower, object_id=str(cdcs.pk))
        | Q(object_type=MonthlyFigure._meta.label_lower, object_id__in=[str(row.pk) for row in figures])
        | Q(action="cdcs.merge", data__into=cdcs.code)
    )
    entries = AuditEntry.objects.filter(condition)
    if is_federation_staff(user):
        theirs = Q(pk__in=[])
        for period in periods:
            if period["federation"].pk == user.profile.federation_id:
                until = Q(at__lt=_moment(period["end"] + 1)) if period["end"] else Q()
                theirs |= Q(at__gte=_moment(period["start"])) & until
        entries = entries.exclude(REGISTER_ACTIVITY & ~theirs)
    return list(entries.select_related("user")[:AUDIT_LIMIT])


def _moment(month: Month) -> datetime:
    """The first moment of the month, in the portal's time zone."""
    return timezone.make_aware(datetime.combine(month.first_day, time.min))


@login_required
def cdcs_detail(request, code):
    user = request.user
    cdcs = _visible_cdcs(user, code)
    federation = _federation_now(cdcs)
    figures = list(figures_visible_to(user).filter(cdcs=cdcs).select_related("federation").order_by("-month"))
    for row in figures:
        row.period = Month.of(row.month)
    # Six years make some seventy rows: the table shows one year, the latest unless another is asked.
    years = sorted({row.period.year for row in figures}, reverse=True)
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() and int(year) in years else (years[0] if years else None)
    active = cdcs.dissolved_on is None
    may_write = active and federation is not None and can_write(user, federation)
    periods = _affiliation_periods(cdcs)
    return render(
        request,
        "members/cdcs_detail.html",
        {
            "cdcs": cdcs,
            "federation": federation,
            "absorbed": list(cdcs.absorbed.order_by("dissolved_on", "code")),
            "periods": periods,
            "figures": [row for row in figures if row.period.year == year],
            "years": years,
            "year": year,
            "audit": _audit_entries(user, cdcs, figures, periods),
            "audit_limit": AUDIT_LIMIT,
            "can_dissolve": may_write,
            "can_merge": may_write,
            "can_move": active and is_provincial(user),
        },
    )


# --- dissolution, moves, merges ---------------------------------------------------------------


def _action_context(cdcs: GrassrootsUnion, form, **extra) -> dict:
    latest = _latest_figure(cdcs)
    return {
        "cdcs": cdcs,
        "form": form,
        "federation": _federation_now(cdcs),
        "members": latest.members_end if latest else None,
        "members_period": Month.of(latest.month) if latest else None,
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
def cdcs_dissolve(request, code):
    cdcs = _visible_cdcs(request.user, code)
    _require_write_now(request.user, cdcs)
    form = CdcsDissolveForm(posted(request), initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            tree.cdcs_dissolve(
                cdcs=cdcs, on=form.cleaned_data["on"], reason=form.cleaned_data["reason"], user=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error, fields={"dissolution_reason": "reason", "dissolved_on": "on"})
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Đã giải thể %(cdcs)s.") % {"cdcs": cdcs})
            return redirect("members:cdcs_detail", code=cdcs.code)
    return render(request, "members/cdcs_dissolve.html", _action_context(cdcs, form))


@login_required
@require_http_methods(["GET", "POST"])
def cdcs_move(request, code):
    cdcs = _visible_cdcs(request.user, code)
    if not is_provincial(request.user):
        raise PermissionDenied(_("Chỉ cán bộ Ban Tổ chức LĐLĐ tỉnh được chuyển CĐCS sang đơn vị khác."))
    month = _this_month()
    federations = Organisation.objects.federations().active_between(month, month)
    if current := _federation_now(cdcs):
        federations = federations.exclude(pk=current.pk)
    direct = not (current and current.is_direct)  # "LĐLĐ tỉnh trực tiếp quản lý", unless it is there already
    form = CdcsMoveForm(posted(request), federations=federations, direct=direct, initial={"from_month": month})
    if request.method == "POST" and form.is_valid():
        try:
            affiliation = tree.cdcs_move(cdcs=cdcs, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Đã chuyển %(cdcs)s về %(org)s từ tháng %(month)s.")
                % {"cdcs": cdcs, "org": affiliation.federation.name, "month": form.cleaned_data["from_month"]},
            )
            return redirect("members:cdcs_detail", code=cdcs.code)
    return render(request, "members/cdcs_move.html", _action_context(cdcs, form))


def _merge_targets(user, cdcs: GrassrootsUnion) -> QuerySet[GrassrootsUnion]:
    """Active CĐCS, other than this one, under a federation the user may write to this month."""
    targets = GrassrootsUnion.objects.filter(dissolved_on__isnull=True).exclude(pk=cdcs.pk)
    if is_provincial(user):
        return targets
    month = _this_month()
    return targets.with_federation_at(month).filter(federation_at_id__in=_writable_federations(user).values("pk"))


@login_required
@require_http_methods(["GET", "POST"])
def cdcs_merge(request, code):
    cdcs = _visible_cdcs(request.user, code)
    _require_write_now(request.user, cdcs)
    targets = _merge_targets(request.user, cdcs)
    form = CdcsMergeForm(posted(request), targets=targets, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        into = form.cleaned_data["into"]
        try:
            tree.cdcs_merge(absorbed=cdcs, into=into, on=form.cleaned_data["on"], user=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as error:
            form.add_error("into", str(error))
        else:
            messages.success(request, _("Đã hợp nhất %(cdcs)s vào %(into)s.") % {"cdcs": cdcs, "into": into})
            return redirect("members:cdcs_detail", code=cdcs.code)
    options = list(targets.order_by("code").values_list("code", "name"))
    return render(request, "members/cdcs_merge.html", _action_context(cdcs, form, options=options))
