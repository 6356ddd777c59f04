from django import template

from unionportal.lib import formatting
from unionportal.lib.forms import DateInput, MonthInput

register = template.Library()


@register.filter
def pct(value):
    return formatting.percent(value)


@register.filter
def num(value):
    return formatting.count(value)


@register.filter
def signed(value):
    """+1.234 / −56 for changes."""
    return formatting.signed(value)


# Inputs of unionportal.lib.forms for forms written by hand in templates (a page's month picker, a
# decision's day): they show and read 03/2021 and 03/12/2026 whatever the browser's language.
@register.simple_tag
def month_input(name, value, *, label="", invalid=False):
    css = "form-control form-control-sm month-input" + (" is-invalid" if invalid else "")
    return MonthInput().render(name, value, {"class": css, "aria-label": label})


@register.simple_tag
def date_input(name, value, *, id, required=False):
    attrs = {"class": "form-control form-control-sm w-auto", "id": id, "required": required}
    return DateInput().render(name, value, attrs)
