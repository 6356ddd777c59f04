"""What the report views share."""

from urllib.parse import urlsplit, urlunsplit

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy

from unionportal.lib.months import Month

from ..selectors import Structure

# The pages a drill-down's breadcrumb leads back to, and what the crumb is called.
BACK_PAGES = {
    "reports:dashboard": gettext_lazy("Bảng điều khiển"),
    "reports:progress": gettext_lazy("Báo cáo"),
    "reports:brief": gettext_lazy("Báo cáo nhanh"),
}


def default_range(today=None) -> dict[str, str]:
    """This year so far, up to the last complete month, as the report page opens."""
    latest = Month.last_complete(today or timezone.localdate())
    return {"start": Month(latest.year, 1).iso, "end": latest.iso}


def report_query(request, orgs) -> dict[str, str]:
    """The report's query string over its defaults, as the report page, its Excel file and the
    JSON API read it: what is left out is this year so far, for the province (or the user's own
    federation), so a link that gives only a range, or only an organisation, still works."""
    default_org = next((org for org in orgs if org.is_province), orgs[0])
    return {**default_range(), "org": default_org.code, **request.GET.dict()}


def with_query(request, url_name: str) -> str:
    """The page `url_name` with the request's query string."""
    query = request.GET.urlencode()
    return reverse(url_name) + (f"?{query}" if query else "")


def refused(request, form, url: str, message: str):
    """A download (or the brief) whose query its page would refuse sends the user back to the page
    at `url`, where the form says what is wrong; `message` (with %(problems)s) says it here too."""
    problems = " ".join(str(problem) for problems in form.errors.values() for problem in problems)
    messages.error(request, message % {"problems": problems})
    return redirect(url)


def came_from(request) -> tuple[str, str] | None:
    """Where a drill-down was opened from, as (label, path with its query): the `from` parameter
    the links carry, else the referer; either only when it is one of this site's BACK_PAGES, so
    that a link can send nobody elsewhere."""
    for candidate in (request.GET.get("from", ""), request.headers.get("referer", "")):
        if not candidate or not url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            continue
        parts = urlsplit(candidate)
        try:
            label = BACK_PAGES.get(resolve(parts.path).view_name)
        except Resolver404:
            continue
        if label:
            return str(label), urlunsplit(("", "", parts.path, parts.query, ""))
    return None


def structure_links(request, current: str) -> list[tuple[str, str, bool]]:
    """The toggle between the months' structure and today's: (label, the page's query with that
    structure, whether it is the one shown). The months' structure is the default, so its link
    leaves the parameter out."""
    links = []
    for value, label in Structure.choices:
        query = request.GET.copy()
        query.pop("structure", None)
        if value != Structure.MONTHS:
            query["structure"] = value
        links.append((str(label), "?" + query.urlencode(), value == current))
    return links
