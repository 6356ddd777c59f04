"""The hint beside the date of a member register event: "tính vào số liệu tháng 03/2021", as the
page is sent; static/js/event_month.js keeps it up to date as the date is typed."""

import re
from datetime import date

from django import template
from django.utils.translation import gettext as _

from unionportal.lib.dates import parse_day
from unionportal.lib.months import Month

register = template.Library()

_FORMS = (
    re.compile(r"^(?P<year>\d{4})-(?P<month>\d{1,2})$"),
    re.compile(r"^(?P<month>\d{1,2})[/.-](?P<year>\d{4})$"),
)


def month_of(value) -> Month | None:
    """The month of a date, a Month, or a date or month as typed (what the script reads)."""
    if isinstance(value, Month):
        return value
    if isinstance(value, date):
        return Month.of(value)
    text = str(value or "").strip()
    try:
        return Month.of(parse_day(text))  # a day as forms read it (03/12/2026, 03122026, …)
    except ValueError:
        pass
    for form in _FORMS:
        match = form.match(text)
        if match and 1 <= int(match["month"]) <= 12:
            return Month(int(match["year"]), int(match["month"]))
    return None


@register.inclusion_tag("members/people/_counts_in.html")
def counts_in(field=None, *, mode: str = "", input_id: str = "", value=None):
    """For a form's date field (`field`), or an input of the page (`input_id`, `value`); `mode`:
    the way of admitting (AdmitMode) the date decides the month for."""
    if field is not None:
        input_id, value = field.auto_id, field.value()
    month = month_of(value)
    text = _("tính vào số liệu tháng %(month)s")
    return {"input_id": input_id, "mode": mode, "template": text, "text": text % {"month": month} if month else ""}
