"""Numbers the Vietnamese way (30.018; 63,5 %), through the active locale, never by hand; and read
back as people type them."""

import re

from django.template.defaultfilters import floatformat
from django.utils import formats

# 9500, or grouped by thousands with one separator: 9.500 (Vietnamese), 9,500 (English), 9 500.
_WHOLE = re.compile(r"[+\-\u2212]?(\d+|\d{1,3}(?P<sep>[., \u00a0\u202f])\d{3}(?:(?P=sep)\d{3})*)", re.ASCII)


def count(number: int | None) -> str:
    return "–" if number is None else formats.number_format(number, force_grouping=True)


def signed(number: int | None) -> str:
    """+1.234 / −56 for changes."""
    if number is None:
        return "–"
    text = count(abs(number))
    return f"+{text}" if number > 0 else (f"−{text}" if number < 0 else text)


def percent(value: float | None) -> str:
    """63.4567 → "63,5 %" in Vietnamese, "63.5 %" in English; rounded, not cut."""
    return "–" if value is None else f"{floatformat(value, '1g')} %"


def parse_whole(text: str) -> int | None:
    """A whole number as a page shows it (`count`) or people type it: "9500", "9.500", "9,500",
    "9 500", " 12 ", "-3". Empty: None. ValueError for anything else ("9,5", "1.23", "nhiều");
    the caller says what it thinks of negative numbers."""
    text = text.strip()
    if not text:
        return None
    if not _WHOLE.fullmatch(text):
        raise ValueError(f"not a whole number: {text!r}")
    digits = re.sub(r"\D", "", text, flags=re.ASCII)
    return -int(digits) if text[0] in "-\u2212" else int(digits)
