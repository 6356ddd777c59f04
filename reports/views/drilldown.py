"""The drill-down pages: from a federation's figures to its CĐCS, and from a CĐCS to its months.

Both take the report's query string (start=YYYY-MM&end=YYYY-MM, optional sector_group and
structure=today; this year so far without one) and keep it in every link, so that the breadcrumb Toàn tỉnh →
federation → CĐCS shows the same range at each step. Opened from the dashboard, the report page
or the brief (`from`, else the referer), the breadcrumb starts there instead of at Toàn tỉnh."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from members.access import access_org, cdcs_visible_to, figures_visible_to, orgs_visible_to
from members.models import LossReason, Organisation, SectorGroup
from unionportal.lib.months import Month
from unionportal.lib.xlsx import xlsx_response
from unionportal.replica import replica_reads

from ..drilldown import cdcs_months as cdcs_months_selector
from ..drilldown import federation_cdcs
from ..drilldown_xlsx import cdcs_months_file, cdcs_months_workbook, federation_file, federation_workbook
from ..forms import ProgressForm
from ..selectors import Scope, Structure, progress_report
from ..texts import structure_note
from .common import came_from, default_range, refused, structure_links

RANGE_KEYS = ("start", "end", "sector_group", "structure")


class RangeForm(ProgressForm):
    """The report's range and sector group, for pages whose organisation is in the URL."""

    def __init__(self, data, **kwargs):
        super().__init__(data, orgs=[], latest=Month.of(timezone.localdate()), **kwargs)
        del self.fields["org"]


def _range_form(request) -> RangeForm:
    """The query string's range over the default one: a link that gives only `end` still works."""
    given = {key: request.GET[key] for key in RANGE_KEYS if key in request.GET}
    return RangeForm({**default_range(), **given})


def _range_query(form: RangeForm) -> dict[str, str]:
    """The range to keep in links: as cleaned when the form is valid, else as typed."""
    if form.is_valid():
        data = form.cleaned_data
        query = {"start": data["start"].iso, "end": data["end"].iso, "sector_group": data["sector_group"]}
        if data["structure"] != Structure.MONTHS:
            query["structure"] = data["structure"]
    else:
        query = {key: form.data.get(key, "") for key in RANGE_KEYS}
    return {key: value for key, value in query.items() if value}


def _with_query(url: str, query: dict[str, str]) -> str:
    return f"{url}?{urlencode(query)}" if query else url


def _drill_query(request, form: RangeForm) -> tuple[dict[str, str], tuple[str, str] | None]:
    """The query the page's links keep (the range, and `from` when it came from a report page),
    and that page as (label, url)."""
    query, back = _range_query(form), came_from(request)
    if back is not None:
        query["from"] = back[1]
    return query, back


def _breadcrumbs(
    user, query: dict[str, str], federation: Organisation | None, back: tuple[str, str] | None
) -> list[tuple[str, str]]:
    """The page it came from, else Toàn tỉnh (the report page for the province, if the user
    sees it) → the federation."""
    crumbs = []
    province = orgs_visible_to(user).filter(kind=Organisation.Kind.PROVINCE).first()
    if back is not None:
        crumbs.append(back)
    elif province is not None:
        range_only = {key: value for key, value in query.items() if key in RANGE_KEYS}
        crumbs.append((_("Toàn tỉnh"), _with_query(reverse("reports:progress"), {**range_only, "org": province.code})))
    if federation is not None:
        url = reverse("reports:federation_detail", kwargs={"code": federation.code})
        crumbs.append((federation.name, _with_query(url, query)))
    return crumbs


def _refused_export(request, form: RangeForm, page: str, code: str):
    """An export whose query the page would refuse goes back to the page, which says why."""
    url = _with_query(reverse(page, kwargs={"code": code}), _range_query(form))
    return refused(request, form, url, _("Không tải được tệp Excel: %(problems)s"))


def _federation(user, code: str) -> Organisation:
    org = access_org(user, code)
    if org.is_province:
        raise Http404(_("Trang này dành cho một công đoàn cấp trên; toàn tỉnh xem ở trang Báo cáo."))
    return org


def _sector_group(form: RangeForm) -> str | None:
    return form.cleaned_data["sector_group"] or None


@login_required
@replica_reads
def federation_detail(request, code: str):
    """A federation's figures for the range, then one line per CĐCS that makes them."""
    org = _federation(request.user, code)
    form = _range_form(request)
    query, back = _drill_query(request, form)
    context = {
        "form": form,
        "org": org,
        "query": urlencode(query),
        "came_from": query.get("from", ""),
        "breadcrumbs": _breadcrumbs(request.user, query, None, back),
    }
    if form.is_valid():
        start, end, sector_group = form.cleaned_data["start"], form.cleaned_data["end"], _sector_group(form)
        structure = form.cleaned_data["structure"]
        report = progress_report(start=start, end=end, scope=Scope(org, sector_group, structure))
        drilldown = federation_cdcs(
            org=org, start=start, end=end, sector_group=sector_group, structure=structure, restated=report.restated
        )
        context.update(
            report=report,
            row=report.total,
            drilldown=drilldown,
            structure_links=structure_links(request, structure),
            structure_note=structure_note(structure),
            reasons=[(reason.value, reason.label) for reason in LossReason],
            scope_label=SectorGroup(sector_group).label if sector_group else "",
        )
    return render(request, "reports/federation_detail.html", context)


@login_required
@replica_reads
def federation_detail_export(request, code: str):
    org = _federation(request.user, code)
    form = _range_form(request)
    if not form.is_valid():
        return _refused_export(request, form, "reports:federation_detail", org.code)
    drilldown = federation_cdcs(
        org=org,
        start=form.cleaned_data["start"],
        end=form.cleaned_data["end"],
        sector_group=_sector_group(form),
        structure=form.cleaned_data["structure"],
    )
    return xlsx_response(federation_workbook(drilldown), federation_file(drilldown))


def _visible_cdcs(user, code: str):
    cdcs = cdcs_visible_to(user).filter(code=code).first()
    if cdcs is None:
        raise Http404(_("Không tìm thấy CĐCS."))
    return cdcs


@login_required
@replica_reads
def cdcs_months(request, code: str):
    """Every monthly row of one CĐCS in the range (those the user may read), with a total line."""
    cdcs = _visible_cdcs(request.user, code)
    form = _range_form(request)
    query, back = _drill_query(request, form)
    context = {"form": form, "cdcs": cdcs, "query": urlencode(query), "came_from": query.get("from", "")}
    federation = None
    if form.is_valid():
        months = cdcs_months_selector(
            cdcs=cdcs,
            start=form.cleaned_data["start"],
            end=form.cleaned_data["end"],
            visible=figures_visible_to(request.user),
        )
        visible_orgs = set(orgs_visible_to(request.user).values_list("pk", flat=True))
        # Back to the federation of the range's last month that the user may open.
        federation = next(
            (row.figure.federation for row in reversed(months.rows) if row.figure.federation_id in visible_orgs), None
        )
        context.update(
            months=months,
            visible_orgs=visible_orgs,
            reasons=[(reason.value, reason.label) for reason in LossReason],
        )
    context["breadcrumbs"] = _breadcrumbs(request.user, query, federation, back)
    return render(request, "reports/cdcs_months.html", context)


@login_required
@replica_reads
def cdcs_months_export(request, code: str):
    cdcs = _visible_cdcs(request.user, code)
    form = _range_form(request)
    if not form.is_valid():
        return _refused_export(request, form, "reports:cdcs_months", cdcs.code)
    months = cdcs_months_selector(
        cdcs=cdcs,
        start=form.cleaned_data["start"],
        end=form.cleaned_data["end"],
        visible=figures_visible_to(request.user),
    )
    return xlsx_response(cdcs_months_workbook(months), cdcs_months_file(months))
