"""What the report views share."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse


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
