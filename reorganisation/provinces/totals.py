"""Members and CĐCS at the end of each month, province-wide: from the rows of a province file
(`StockTotals`, which the export writes into the file's header and the import recounts), and from
this portal's summary (`portal_totals`), which the reports read.

Both count as members.figures.summary counts a month-end stock: a CĐCS counts from the month it
was founded until the month before it is dissolved, while it belongs to an upper-level union, with
the end stock of its latest row up to that month (before its first row, that row's opening
stock). So, importing a file, the portal's totals after are its totals before plus the file's,
month by month."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Sum

from members.figures.summary import summary_ensure
from members.models import FederationMonth
from unionportal.lib.months import Month, month_range


@dataclass(frozen=True)
class Stock:
    members: int
    unions: int

    def __add__(self, other: "Stock") -> "Stock":
        return Stock(self.members + other.members, self.unions + other.unions)


NONE = Stock(0, 0)


class StockTotals:
    """Add CĐCS one at a time (`add`), then read `totals()` for every month first..last."""

    def __init__(self, first: Month, last: Month):
        self.first, self.last = first, last
        self.members = defaultdict(int)  # month → change of the members' total
        self.unions = defaultdict(int)

    def add(self, *, founded: Month, dissolved: Month | None, affiliated: Month | None, rows: list) -> None:
        """One CĐCS: founded and dissolved in those months (dissolved None: never), belonging to
        an upper-level union from `affiliated` on (None: never), with its rows in month order as
        (month, members_start, members_end)."""
        if affiliated is None:
            return
        since = max(founded, affiliated)
        changes = {self.first, since, *(month for month, _start, _end in rows)}
        if dissolved is not None:
            changes.add(dissolved)
        opening = rows[0][1] if rows else 0
        position, carried, members, counted = 0, None, 0, 0
        for month in sorted(month for month in changes if self.first <= month <= self.last):
            while position < len(rows) and rows[position][0] <= month:
                carried = rows[position][2]
                position += 1
            alive = since <= month and (dissolved is None or dissolved > month)
            now_members, now_counted = ((carried if carried is not None else opening), 1) if alive else (0, 0)
            self.members[month] += now_members - members
            self.unions[month] += now_counted - counted
            members, counted = now_members, now_counted

    def totals(self) -> dict[Month, Stock]:
        result, members, unions = {}, 0, 0
        for month in month_range(self.first, self.last):
            members += self.members.get(month, 0)
            unions += self.unions.get(month, 0)
            result[month] = Stock(members, unions)
        return result


def portal_totals(first: Month, last: Month) -> dict[Month, Stock]:
    """This portal's province-wide members and CĐCS at the end of each month first..last, from the
    reports' summary (brought up to `last` first)."""
    summary_ensure(last)
    sums = (
        FederationMonth.objects.filter(month__gte=first.first_day, month__lte=last.first_day)
        .values("month")
        .annotate(members=Sum("members_end"), unions=Sum("unions_end"))
    )
    found = {Month.of(row["month"]): Stock(row["members"], row["unions"]) for row in sums}
    return {month: found.get(month, NONE) for month in month_range(first, last)}


def totals_record(totals: dict[Month, Stock]) -> list[dict]:
    """The totals as the file's header holds them."""
    return [{"month": month.iso, "members": stock.members, "unions": stock.unions} for month, stock in totals.items()]
