"""Numbers the Vietnamese way (30.018; 63,5 %), through the active locale, never by hand."""

from django.template.defaultfilters import floatformat
from django.utils import formats


def count(number: int | None) -> str:
    return "–" if number is None else formats.number_format(number, force_grouping=True)


def percent(value: float | None) -> str:
    """63.4567 → "63,5 %" in Vietnamese, "63.5 %" in English; rounded, not cut."""
    return "–" if value is None else f"{floatformat(value, '1g')} %"
