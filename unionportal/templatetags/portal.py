from django import template

from unionportal.lib import formatting

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
