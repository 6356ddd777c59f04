"""Days as people write them here: 03/12/2026 is 3 December 2026, whatever the language of the
browser or of the page. Forms read them with `parse_day`, pages show them as dd/mm/yyyy, and the
format modules (unionportal/formats) give Django's own inputs (the admin) the same order."""

import re
from datetime import date

DAY_FORMAT = "%d/%m/%Y"
# For Django's format modules (DATE_INPUT_FORMATS): the day first, then ISO as browsers send it.
INPUT_FORMATS = [DAY_FORMAT, "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = [f"{day} {time}" for day in INPUT_FORMATS for time in ("%H:%M:%S", "%H:%M")]
# The days anyone may type: a birth date, a founding decision or a course is in this range;
# anything outside is a typing mistake, and keeps month arithmetic far from date's limits.
EARLIEST_DAY, LATEST_DAY = date(1900, 1, 1), date(2100, 12, 31)

# 3/12/2026, 03-12-2026, 03.12.2026, 03 12 2026 (one separator, used twice); 03122026 as a phone's
# number pad types it; 2026-12-03 pasted from a system that writes ISO.
_DAY_FIRST = re.compile(r"(\d{1,2})([/.\- ])(\d{1,2})\2(\d{4})")
_DIGITS = re.compile(r"(\d{2})(\d{2})(\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def parse_day(text: str) -> date:
    """The day in `text`, day before month. ValueError if it is not a day of the calendar."""
    text = text.strip()
    if match := _DAY_FIRST.fullmatch(text):
        day, _separator, month, year = match.groups()
    elif match := _DIGITS.fullmatch(text):
        day, month, year = match.groups()
    elif match := _ISO.fullmatch(text):
        year, month, day = match.groups()
    else:
        raise ValueError(f"not a day: {text!r}")
    return date(int(year), int(month), int(day))
