"""What a progress report reads of the summary (members.figures.summary): per federation, the
flows of a range, the windows of attainment and the stocks at both ends, in one query whatever the
length of the range. Its rows are the shapes reports.selectors.progress_report sums."""

from functools import cache

from django.db import connections, router

from members.figures.summary import summary_ensure
from members.figures.summary_columns import EVENT_FIELDS, MOVE_FIELDS, ROW_FIELDS, RUNNING
from members.models import FederationMonth
from unionportal.lib.months import Month

# What summary_sums reads per federation, in its query's order, named as progress_report's flows
# and events name them: the flows over the range and the admitted of the windows of attainment;
# the CĐCS founded, dissolved, founded and ended by a plan over the range and founded in the
# windows; the stocks (members, CĐCS) at the end of the month before the range and of its last.
_FLOWS = (*ROW_FIELDS, "admitted_year", "admitted_programme")
_EVENTS = ("founded", "dissolved", "reorg_founded", "reorg_ended", "founded_year", "founded_programme")
# Then the moves of CĐCS between federations over the range, as progress_report names them.
_MOVES = ("members_in", "members_out", "unions_in", "unions_out")
_EVENTS_AT, _MOVES_AT = len(_FLOWS), len(_FLOWS) + len(_EVENTS)
_STOCKS_AT = _MOVES_AT + len(_MOVES)


@cache
def _summary_sql(alias: str, *, sector_group: bool, federation: bool) -> str:
    """The query of summary_sums: one row per federation, its sector groups added up. Written out
    rather than through the ORM, whose forty filtered aggregates cost more to compile and convert
    than the database takes to sum a few thousand rows; the names come from the model."""
    meta, quote = FederationMonth._meta, connections[alias].ops.quote_name
    column = {name: quote(meta.get_field(name).column) for name in (*RUNNING.values(), "members_end", "unions_end")}
    month, federation_id = quote(meta.get_field("month").column), quote(meta.get_field("federation").column)

    def between(total: str, since: str) -> str:
        """A running total at the end month less its value at the month `since` (a parameter)."""
        return (
            f"SUM(CASE WHEN {month} = %(end)s THEN {column[total]} "
            f"WHEN {month} = %({since})s THEN -{column[total]} ELSE 0 END)"
        )

    def at(point: str, stock: str) -> str:
        return f"SUM(CASE WHEN {month} = %({point})s THEN {column[stock]} ELSE 0 END)"

    values = [
        *(between(RUNNING[flow], "before") for flow in ROW_FIELDS),
        *(between(RUNNING["admitted"], window) for window in ("year", "programme")),
        *(between(RUNNING[event], "before") for event in EVENT_FIELDS),
        *(between(RUNNING["unions_founded"], window) for window in ("year", "programme")),
        *(between(RUNNING[move], "before") for move in MOVE_FIELDS),
        *(at(point, stock) for point in ("before", "end") for stock in ("members_end", "unions_end")),
    ]
    where = [f"{month} IN (%(before)s, %(end)s, %(year)s, %(programme)s)"]
    if sector_group:
        where.append(f"{quote(meta.get_field('sector_group').column)} = %(sector_group)s")
    if federation:
        where.append(f"{federation_id} = %(federation)s")
    return (
        f"SELECT {federation_id}, {', '.join(values)} FROM {quote(meta.db_table)} "
        f"WHERE {' AND '.join(where)} GROUP BY {federation_id}"
    )


def summary_sums(
    *,
    start: Month,
    end: Month,
    year_start: Month,
    programme_start: Month,
    sector_group: str | None,
    federation_id: int | None,
) -> tuple[dict, dict, dict, dict, dict]:
    """Per federation: Σ of every flow column for the range, admitted and CĐCS founded since the
    start of the year and of the programme (for attainment), CĐCS founded and dissolved in the
    range, the stocks at the end of the month before the range and of its last month, and the
    members and CĐCS that moves brought in and took out over the range (where any did). One
    query over the summary per federation × month (members.figures.summary), which holds each
    month's stocks and every flow's running total since the federation's first month: a flow over
    the range is its total at the end less its total at the end of the month before, so any range
    costs the rows of at most four months (its ends and the windows of attainment), never the
    months in between. A month without a row is a month before anything happened: zero."""
    summary_ensure(end)
    alias = router.db_for_read(FederationMonth)
    database = connections[alias]
    params = {
        name: database.ops.adapt_datefield_value(month.first_day)
        for name, month in (("before", start - 1), ("end", end), ("year", year_start - 1),
                            ("programme", programme_start - 1))
    }  # fmt: skip
    params.update(sector_group=sector_group, federation=federation_id)
    sql = _summary_sql(alias, sector_group=bool(sector_group), federation=bool(federation_id))
    flows, events, stock_start, stock_end, moves = {}, {}, {}, {}, {}
    with database.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    for key, *values in found:
        flows[key] = dict(zip(_FLOWS, values[:_EVENTS_AT], strict=True))
        events[key] = dict(zip(_EVENTS, values[_EVENTS_AT:_MOVES_AT], strict=True))
        if any(values[_MOVES_AT:_STOCKS_AT]):
            moves[key] = dict(zip(_MOVES, values[_MOVES_AT:_STOCKS_AT], strict=True))
        start_members, start_unions, end_members, end_unions = values[_STOCKS_AT:]
        stock_start[key], stock_end[key] = (start_members, start_unions), (end_members, end_unions)
    return flows, events, stock_start, stock_end, moves
