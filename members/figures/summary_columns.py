"""What the summary (members.figures.summary) is made of: the columns of a FederationMonth in the
order they are filled, one CĐCS's flows, events and stock changes added into its months
(`union_add`), and the months' sums made into rows with stocks and running totals
(`summary_rows_make`). Kept apart so that summary.py holds when and how a summary is refreshed."""

from itertools import pairwise

from unionportal.lib.months import Month, month_range

from ..models import FLOW_FIELDS, REORG_FIELDS, SECTORS_OF_GROUP, FederationMonth, SectorGroup

GROUPS = (SectorGroup.STATE.value, SectorGroup.NON_STATE.value)
GROUP_OF_SECTOR = {sector.value: group.value for group, sectors in SECTORS_OF_GROUP.items() for sector in sectors}
# The columns of a FederationMonth besides its key, in the order the summary fills them.
ROW_FIELDS = (*FLOW_FIELDS, *REORG_FIELDS)  # what is summed from the monthly rows
EVENT_FIELDS = ("unions_founded", "unions_dissolved", "unions_reorg_founded", "unions_reorg_ended")
MOVE_FIELDS = ("members_moved_in", "members_moved_out", "unions_moved_in", "unions_moved_out")
# Every flow and event, and the column of its running total since the federation's first month:
# the flows of a range are the total at its end less the total at the end of the month before it.
RUNNING = {
    **{column: f"{column}_to_date" for column in ROW_FIELDS},
    "unions_founded": "founded_to_date",
    **{column: f"{column}_to_date" for column in EVENT_FIELDS[1:]},
    **{column: f"{column}_to_date" for column in MOVE_FIELDS},
}
COLUMNS = (*ROW_FIELDS, *EVENT_FIELDS, *MOVE_FIELDS, "members_end", "unions_end", *RUNNING.values())
FOUNDED, DISSOLVED, REORGFOUNDED, REORG_ENDED = (COLUMNS.index(name) for name in EVENT_FIELDS)
MOVED_MEMBERS_IN, MOVED_MEMBERS_OUT, MOVED_UNIONS_IN, MOVED_UNIONS_OUT = (COLUMNS.index(name) for name in MOVE_FIELDS)
MEMBERS, UNIONS = COLUMNS.index("members_end"), COLUMNS.index("unions_end")
RUNNING_AT = tuple((COLUMNS.index(column), COLUMNS.index(total)) for column, total in RUNNING.items())


def summary_rows_make(federation_id: int, sums: dict, since: Month | None, first: Month, through: Month):
    """The FederationMonth rows of the sums, the stock changes and running totals made into stocks
    and totals to date; the months where nothing is left out (no row means all zero)."""
    # Running totals go on from the month before `since`, which this refresh leaves as it is.
    before = {}
    if since is not None:
        before = {
            group: totals
            for group, *totals in FederationMonth.objects.filter(
                federation_id=federation_id, month=(since - 1).first_day
            ).values_list("sector_group", *RUNNING.values())
        }
    result = []
    for group, months in sums.items():
        members = unions_count = 0
        totals = list(before.get(group, [0] * len(RUNNING_AT)))
        for month, values in zip(month_range(first, through), months, strict=True):
            # The stock columns hold changes so far; the running sum makes them stocks.
            members += values[MEMBERS]
            unions_count += values[UNIONS]
            values[MEMBERS], values[UNIONS] = members, unions_count
            for position, (column, total) in enumerate(RUNNING_AT):
                totals[position] += values[column]
                values[total] = totals[position]
            if any(values):
                result.append(
                    FederationMonth(
                        federation_id=federation_id,
                        month=month.first_day,
                        sector_group=group,
                        **dict(zip(COLUMNS, values, strict=True)),
                    )
                )
    return result


def union_add(months, union, affiliations, rows, *, federation_id, first, through) -> None:
    """Add one CĐCS's flows, events and stock changes into `months` (one list of COLUMNS per
    month from `first`)."""

    def federation_at(month: Month):
        current = None
        for valid_from, federation in affiliations:
            if valid_from > month:
                break
            current = federation
        return current

    founded = Month.of(union["founded_on"])
    dissolved = Month.of(union["dissolved_on"]) if union["dissolved_on"] else None
    for month, federation, _start, _end, _workers, *flows in rows:
        if federation == federation_id:
            target = months[month - first]
            for position, value in enumerate(flows):
                target[position] += value
    # A CĐCS a reorganisation plan founded or ended is counted apart from the development figures.
    founded_column = REORGFOUNDED if union["founded_by_reorganisation"] else FOUNDED
    dissolved_column = REORG_ENDED if union["ended_by_reorganisation"] else DISSOLVED
    for event, column in ((founded, founded_column), (dissolved, dissolved_column)):
        if event is not None and first <= event <= through and federation_at(event) == federation_id:
            months[event - first][column] += 1

    # Its moves from one federation to another: the members it took are its end stock of the
    # latest month before with a row (none before its first row), and it counts as a CĐCS moved
    # unless it was dissolved by then.
    for (_earlier, from_federation), (month, to_federation) in pairwise(affiliations):
        if from_federation == to_federation or not first <= month <= through:
            continue
        sides = (
            (to_federation, MOVED_MEMBERS_IN, MOVED_UNIONS_IN),
            (from_federation, MOVED_MEMBERS_OUT, MOVED_UNIONS_OUT),
        )
        for federation, members_column, unions_column in sides:
            if federation == federation_id:
                target = months[month - first]
                target[members_column] += _end_before(month, rows, union.get("carried"))
                target[unions_column] += dissolved is None or dissolved >= month

    # The stock: its value at `first` and wherever it may change after.
    changes = {first, founded, *(month for month, *_rest in rows), *(month for month, _f in affiliations)}
    if dissolved is not None:
        changes.add(dissolved)
    carried = union.get("carried")
    opening = rows[0][2] if rows else 0  # members_start of the first row, for months before it
    position, members, counted = 0, 0, 0
    for month in sorted(month for month in changes if first <= month <= through):
        while position < len(rows) and rows[position][0] <= month:
            carried = rows[position][3]
            position += 1
        alive = founded <= month and (dissolved is None or dissolved > month)
        if alive and federation_at(month) == federation_id:
            now_members, now_counted = (carried if carried is not None else opening), 1
        else:
            now_members, now_counted = 0, 0
        target = months[month - first]
        target[MEMBERS] += now_members - members
        target[UNIONS] += now_counted - counted
        members, counted = now_members, now_counted


def _end_before(month: Month, rows, carried: int | None) -> int:
    """A CĐCS's end stock of its latest row before `month`: of `rows` (its rows from the month
    summarised first), else `carried` (of the rows before them), else none: 0."""
    for row_month, _federation, _start, end, *_rest in reversed(rows):
        if row_month < month:
            return end
    return carried or 0
