"""The undo record's monthly rows: every field of a row as it was (JSON-safe), and writing them
back. What applying a plan changes in the monthly rows of M and later is put back from these."""

from datetime import date, datetime

from members.models import FLOW_FIELDS, REORG_FIELDS, MonthlyFigure
from unionportal.lib.bulk import update_many
from unionportal.lib.months import Month

# Every field of a row but its id, in the order the record keeps them.
FIGURE_FIELDS = (
    "cdcs_id", "month", "federation_id", "members_start", *FLOW_FIELDS, *REORG_FIELDS, "members_end", "workers",
    "acknowledged_warnings", "updated_at", "updated_by_id",
)  # fmt: skip
_DATES = {"month": date.fromisoformat, "updated_at": datetime.fromisoformat}


def _json(value):
    return value.isoformat() if isinstance(value, date) else value  # datetimes too


def snapshot_figures(cdcs_ids: list[int], month: Month) -> list[list]:
    """[id, *FIGURE_FIELDS] of every row of these CĐCS from `month` on."""
    rows = MonthlyFigure.objects.filter(cdcs_id__in=cdcs_ids, month__gte=month.first_day).order_by("pk")
    return [[pk, *map(_json, values)] for pk, *values in rows.values_list("pk", *FIGURE_FIELDS)]


def figure_values(row: list) -> dict:
    """A snapshot row as {field: value} (dates left as ISO text)."""
    return dict(zip(FIGURE_FIELDS, row[1:], strict=True))


def figures_restore(snapshot: list[list]) -> None:
    """Write every field of the snapshot rows back (the rows still exist: a plan deletes none)."""
    rows = []
    for pk, *values in snapshot:
        row = MonthlyFigure(pk=pk)
        for name, value in zip(FIGURE_FIELDS, values, strict=True):
            parse = _DATES.get(name)
            setattr(row, name, parse(value) if parse and value is not None else value)
        rows.append(row)
    names = [name.removesuffix("_id") if name.endswith("_id") else name for name in FIGURE_FIELDS]
    update_many(rows, names)
