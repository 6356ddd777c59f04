from django import template

from unionportal.lib import formatting
from unionportal.lib.months import Month

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
    if value is None:
        return "–"
    text = formatting.count(abs(value))
    return f"+{text}" if value > 0 else (f"−{text}" if value < 0 else text)


@register.filter
def month(value):
    """A date or Month as 03/2021."""
    if value in (None, ""):
        return ""
    return str(value if isinstance(value, Month) else Month.of(value))
