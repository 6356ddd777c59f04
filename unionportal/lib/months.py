"""Months are the unit of every figure. The database stores a month as the date of its first day."""

import calendar
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")
_VIETNAMESE = re.compile(r"^\s*(\d{1,2})/(\d{4})\s*$")


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    def __post_init__(self):
        # Wider than the months and days people may type (EARLIEST..LATEST here, 1900..2100 in
        # unionportal.lib.dates), so that arithmetic around them (the month before 01/1900) never
        # fails; those bounds are checked where people type them.
        if not 1 <= self.month <= 12 or not 1800 <= self.year <= 2999:
            raise ValueError(f"invalid month {self.month}/{self.year}")

    @classmethod
    def parse(cls, text: str) -> "Month":
        """Read "2021-03" (ISO, as <input type=month> sends it) or "03/2021" (as people write it)."""
        if match := _ISO.match(text):
            year, month = match.groups()
        elif match := _VIETNAMESE.match(text):
            month, year = match.groups()
        else:
            raise ValueError(f"not a month: {text!r}")
        return cls(int(year), int(month))

    @classmethod
    def of(cls, day: date) -> "Month":
        return _month(day.year, day.month)

    @classmethod
    def last_complete(cls, today: date) -> "Month":
        return cls.of(today) - 1

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def iso(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def __str__(self) -> str:
        return f"{self.month:02d}/{self.year:04d}"

    def __add__(self, months: int) -> "Month":
        index = self.year * 12 + self.month - 1 + months
        return _month(index // 12, index % 12 + 1)

    def __sub__(self, other):
        if isinstance(other, Month):
            return (self.year - other.year) * 12 + self.month - other.month
        return self + (-other)


@lru_cache(maxsize=4096)
def _month(year: int, month: int) -> Month:
    """Months are made by the hundred thousand (a summary reads a date per row) from a few hundred
    distinct ones; being immutable, each is made once."""
    return Month(year, month)


# The months anyone may ask for in a URL or a form: the portal's figures start in the 1990s at the
# earliest, and a month past 2100 is a typing mistake. Outside, a URL is a 404, a form says why.
EARLIEST, LATEST = Month(1990, 1), Month(2100, 12)


def month_range(start: Month, end: Month):
    """Every month from start to end, both included."""
    current = start
    while current <= end:
        yield current
        current += 1


class MonthConverter:
    """URL converter: /figures/DT/2021-03/ gives the view a Month."""

    regex = r"\d{4}-\d{2}"

    def to_python(self, value: str) -> Month:
        # A ValueError (month 13, or a month out of range) makes the URL not match: a 404.
        month = Month.parse(value)
        if not EARLIEST <= month <= LATEST:
            raise ValueError(f"month out of range: {value}")
        return month

    def to_url(self, value) -> str:
        return value.iso if isinstance(value, Month) else Month.parse(value).iso
