"""What the report views share."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from unionportal.lib.months import Month


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
