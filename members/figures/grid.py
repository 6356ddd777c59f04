"""The entry grid (nhập số liệu tháng): a federation-month read as one row per CĐCS, checked,
and saved all at once (members.figures.grid_save).

Reading takes a fixed number of queries whatever the number of CĐCS; saving goes through
members.figures.services.figures_record_many (so every rule and the audit trail apply as
everywhere else, in a fixed number of queries) inside one transaction that is rolled back whole
when any row is refused."""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import reduce
from operator import add

from django.conf import settings
from django.db.models import Count, F, Max, OuterRef, Subquery
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from unionportal.lib.formatting import count
from unionportal.lib.months import Month

from ..models import LOSS_FIELDS, STOCK_MAX, GrassrootsUnion, MonthlyFigure, MonthlyReturn, Organisation
from ..register.people import RegisterMonth, register_figures

# The grid's columns, in the order Tab walks them.
FLOW_COLUMNS = ("admitted", "transferred_in", *LOSS_FIELDS.values())
INPUT_COLUMNS = (*FLOW_COLUMNS, "members_end", "workers")
_LOSS_COLUMNS = tuple(LOSS_FIELDS.values())
_SUMMED = (*FLOW_COLUMNS, "workers")  # the columns whose totals are the rows' sums
# The cells a save merges with what someone else saved meanwhile, and that the page carries as
# it loaded them (members_end is not one: it is only typed to cross-check the others).
BASE_COLUMNS = (*FLOW_COLUMNS, "members_start", "workers")

# Column heads short enough for a grid; the full label is the cell's title.
SHORT_LABELS = {
    "admitted": gettext_lazy("Kết nạp"),
    "transferred_in": gettext_lazy("Chuyển đến"),
    "lost_job": gettext_lazy("Nghỉ việc"),
    "lost_retired": gettext_lazy("Nghỉ hưu"),
    "lost_enterprise_closed": gettext_lazy("DN giải thể"),
    "lost_left": gettext_lazy("Ra khỏi TC"),
    "lost_died": gettext_lazy("Từ trần"),
    "lost_transferred_out": gettext_lazy("Chuyển đi"),
    "lost_cdcs_dissolved": gettext_lazy("CĐCS giải thể"),
}

# Data-quality warnings: shown, never blocking; someone can tick them as checked.
WARNINGS = {
    "lost_over_stock": gettext_lazy("Số giảm lớn hơn số đoàn viên cuối tháng trước."),
    "jump": gettext_lazy("Tăng vọt so với 12 tháng trước của chính CĐCS này."),
    "admitted_over_workers": gettext_lazy("Số kết nạp lớn hơn số lao động chưa là đoàn viên."),
}
# Below this, a month is too small to call a jump (one admission after a quiet year is normal);
# with fewer months of history than JUMP_HISTORY there is nothing usual to compare with.
JUMP_MINIMUM = 10
JUMP_HISTORY = 3

_DIGITS = re.compile(r"^\d{1,3}(\.\d{3})+$|^\d+$")


@dataclass
class GridRow:
    cdcs: GrassrootsUnion
    month: Month
    previous_end: int | None  # None: the CĐCS's first month in the portal, an opening stock is needed
    figure: MonthlyFigure | None
    history_max: dict[str, int] = field(default_factory=dict)  # largest admitted / lost of the last 12 months
    values: dict[str, int | None] = field(default_factory=dict)  # as typed (None: left empty)
    raw: dict[str, str] = field(default_factory=dict)  # what was typed where it is not a count, to fix it
    errors: list[str] = field(default_factory=list)  # every problem of the row, as the list above the grid says it
    cell_errors: dict[str, list[str]] = field(default_factory=dict)  # the same, by the cell at fault
    warnings: list[str] = field(default_factory=list)
    acknowledged: bool | None = False  # "Đã kiểm tra" ticked; None: left as saved
    register: RegisterMonth | None = None  # the month as the member register counts it, if the CĐCS keeps one
    prefilled: bool = False  # the values shown come from the register, not from what was saved
    default_workers: int | None = None  # what the workers cell shows while nothing is saved
    # What a save posted for the row: whether it was in the form at all, which cells, and what the
    # page showed as saved when it was opened (None: the poster did not say).
    posted: bool = False
    entered: set[str] = field(default_factory=set)
    base: dict[str, int | None] | None = None
    base_ack: bool | None = None
    # After a save met someone else's: cells both changed (column → (typed here, saved there)), and
    # cells only the other person changed, whose saved value was kept (column → value).
    conflicts: dict[str, tuple[int | None, int | None]] = field(default_factory=dict)
    taken: dict[str, int | None] = field(default_factory=dict)

    @property
    def needs_opening(self) -> bool:
        return self.previous_end is None and self.cdcs.founded_on < self.month.first_day

    @property
    def start(self) -> int | None:
        if self.previous_end is not None:
            return self.previous_end
        if not self.needs_opening:
            return 0
        return self.values.get("members_start")

    def computed_end(self) -> int | None:
        start = self.start
        if start is None:
            return None
        values = self.values
        return start + (values.get("admitted") or 0) + (values.get("transferred_in") or 0) - _lost(values)

    def warning_messages(self) -> list[str]:
        return [str(WARNINGS[code]) for code in self.warnings]

    def add_error(self, message: str, column: str | None = None) -> None:
        self.errors.append(f"{column_label(column)}: {message}" if column else message)
        if column:
            self.cell_errors.setdefault(column, []).append(message)

    def saved(self) -> dict[str, int | None]:
        """The row's cells as saved (BASE_COLUMNS): what a page opened now starts from."""
        figure = self.figure
        if figure is None:
            return {**dict.fromkeys(FLOW_COLUMNS), "members_start": None, "workers": self.default_workers}
        values = {column: getattr(figure, column) for column in FLOW_COLUMNS}
        values["members_start"] = figure.members_start if self.needs_opening else None
        values["workers"] = figure.workers
        return values

    def saved_ack(self) -> bool:
        """Whether the saved figures carry a tick for every warning the row shows."""
        figure = self.figure
        return bool(figure and self.warnings and set(self.warnings) <= set(figure.acknowledged_warnings))

    @property
    def ticked(self) -> bool:
        return self.saved_ack() if self.acknowledged is None else self.acknowledged


@dataclass
class Grid:
    federation: Organisation
    month: Month
    monthly_return: MonthlyReturn
    rows: list[GridRow]

    @property
    def totals(self) -> dict[str, int]:
        return totals_of(self.rows)

    @property
    def missing(self) -> int:
        return sum(1 for row in self.rows if row.figure is None)

    @property
    def has_errors(self) -> bool:
        return any(row.errors for row in self.rows)

    @property
    def has_conflicts(self) -> bool:
        return any(row.conflicts for row in self.rows)

    @property
    def open_warnings(self) -> int:
        """CĐCS whose warnings nobody ticked as checked."""
        return sum(1 for row in self.rows if row.warnings and not row.ticked)


def totals_of(rows: Iterable[GridRow]) -> dict[str, int]:
    """The sums of the rows' columns as they stand (typed or saved), and of their ends."""
    totals = dict.fromkeys(("previous_end", *INPUT_COLUMNS), 0)
    for row in rows:
        totals["previous_end"] += row.previous_end or 0
        values = row.values
        for column in _SUMMED:
            totals[column] += values.get(column) or 0
        totals["members_end"] += row.computed_end() or 0
    return totals


def _lost(values: dict[str, int | None]) -> int:
    """The month's losses of a row's values, all reasons together (empty: 0)."""
    lost = 0
    for column in _LOSS_COLUMNS:  # a loop, not a generator: it runs for every row of 3,000 on each page
        lost += values.get(column) or 0
    return lost


def _lost_expression():
    return reduce(add, (F(column) for column in LOSS_FIELDS.values()))


def return_read(*, federation: Organisation, month: Month) -> MonthlyReturn:
    """The federation-month's return with the people named on it (unsaved draft if none yet)."""
    return (
        MonthlyReturn.objects.filter(federation=federation, month=month.first_day)
        .select_related("approved_by", "submitted_by", "unlocked_by", "changed_by", "sent_back_by")
        .first()
    ) or MonthlyReturn(federation=federation, month=month.first_day)


def federation_unions(*, federation: Organisation, month: Month):
    """The CĐCS of a federation-month: those active in the month and under the federation then."""
    return GrassrootsUnion.objects.active_in(month).with_federation_at(month).filter(federation_at_id=federation.pk)


def grid_read(
    *, federation: Organisation, month: Month, warnings: bool = True, cdcs_ids: Iterable[int] | None = None
) -> Grid:
    """The federation-month as it stands: one row per CĐCS under the federation that month, with
    the register's month on the rows of CĐCS that keep their member register (grid_prefill).
    Without `warnings` (an import, which does not show them), the last year's history is not read.
    With `cdcs_ids` (a save, which needs only the rows it was sent), only those of them that
    are the federation-month's."""
    monthly_return = return_read(federation=federation, month=month)
    unions = federation_unions(federation=federation, month=month)
    if cdcs_ids is not None:
        unions = unions.filter(pk__in=list(cdcs_ids))
    unions = list(_with_previous(unions, month).order_by("code"))
    ids = [cdcs.pk for cdcs in unions]
    figures = {row.cdcs_id: row for row in MonthlyFigure.objects.filter(month=month.first_day, cdcs_id__in=ids)}
    history = _history(ids, month) if warnings else {}
    registers = register_figures(unions, month)
    rows = [
        _saved_row(cdcs, month, figures.get(cdcs.pk), history, registers.get(cdcs.pk), warnings=warnings)
        for cdcs in unions
    ]
    return Grid(federation=federation, month=month, monthly_return=monthly_return, rows=rows)


def _with_previous(unions, month: Month):
    """Annotate each CĐCS's end and workers of its last month before `month`."""
    previous = MonthlyFigure.objects.filter(cdcs=OuterRef("pk")).before(month.first_day).order_by("-month")
    return unions.annotate(
        previous_end=Subquery(previous.values("members_end")[:1]),
        previous_workers=Subquery(previous.values("workers")[:1]),
    )


def _saved_row(cdcs, month: Month, figure, history: dict, register, *, warnings: bool = True) -> GridRow:
    """A CĐCS's row as saved: its values, and its warnings and their tick as the grid shows them."""
    row = GridRow(
        cdcs=cdcs,
        month=month,
        previous_end=cdcs.previous_end,
        figure=figure,
        history_max={key: history[cdcs.pk][key] for key in ("admitted", "lost")} if cdcs.pk in history else {},
        register=register,
    )
    if figure is not None:
        row.values = {column: getattr(figure, column) for column in INPUT_COLUMNS}
        row.values["members_start"] = figure.members_start
        row.values["members_end"] = None  # computed from the flows unless someone types it
    row.default_workers = cdcs.previous_workers if cdcs.previous_workers is not None else cdcs.workers
    if figure is None:
        row.values = {"workers": row.default_workers}
    row.warnings = check_warnings(row) if warnings else []
    row.acknowledged = row.saved_ack()
    return row


def grid_prefill(grid: Grid, *, saved_too: bool = False) -> int:
    """Fill the rows of CĐCS that keep a register with the register's figures (flows, and the
    opening stock where the grid asks for it): the rows with nothing saved yet, or with
    `saved_too` every one of them. Nothing is written; returns how many rows were filled."""
    filled = 0
    for row in grid.rows:
        if row.register is None or (row.figure is not None and not saved_too):
            continue
        # On a row with nothing saved, the register's zeros stay empty cells: nothing to type after.
        row.values = {
            **row.values,
            **{column: row.register.values.get(column, 0) or (0 if row.figure else None) for column in FLOW_COLUMNS},
            "members_end": None,
        }
        if row.needs_opening:
            row.values["members_start"] = row.register.members_start
        row.prefilled = True
        row.warnings = check_warnings(row)
        row.acknowledged = row.saved_ack()
        filled += 1
    return filled


def _history(ids: list[int], month: Month) -> dict[int, dict]:
    """Each CĐCS's largest admitted and lost of the last twelve months, where it has enough of them."""
    return {
        item["cdcs_id"]: item
        for item in MonthlyFigure.objects.filter(
            cdcs_id__in=ids, month__gte=(month - 12).first_day, month__lt=month.first_day
        )
        .values("cdcs_id")
        .annotate(admitted=Max("admitted"), lost=Max(_lost_expression()), months=Count("id"))
        .filter(months__gte=JUMP_HISTORY)
    }


def check_warnings(row: GridRow) -> list[str]:
    """The data-quality warnings of a row as typed (codes of WARNINGS)."""
    values, warnings = row.values, []
    start = row.start or 0
    admitted = values.get("admitted") or 0
    lost = _lost(values)
    if row.previous_end is not None and lost > row.previous_end:
        warnings.append("lost_over_stock")
    factor = settings.GRID_JUMP_FACTOR
    for key, value in (("admitted", admitted), ("lost", lost)):
        usual = row.history_max.get(key)
        if usual is not None and value >= JUMP_MINIMUM and value > factor * usual:
            warnings.append("jump")
            break
    workers = values.get("workers")
    if workers is not None and admitted > max(workers - start, 0):
        warnings.append("admitted_over_workers")
    return warnings


# --- reading what was typed -------------------------------------------------------------------


def parse_count(text: str | None) -> int | None:
    """A whole number from 0 to STOCK_MAX as people type it: " 12 ", "1.234" (Vietnamese
    grouping). Empty: None. Raises ValueError with a Vietnamese message otherwise; the services
    hold each figure to its own ceiling (FLOW_MAX for a month's flows)."""
    text = (text or "").strip().replace(" ", "").replace("\u00a0", "")
    if not text:
        return None
    if text.startswith("-"):
        raise ValueError(_("không được âm"))
    if not _DIGITS.match(text):
        raise ValueError(_("phải là số nguyên (ví dụ 12 hoặc 1.234)"))
    digits = text.replace(".", "")
    if len(digits) > 18 or int(digits) > STOCK_MAX:  # int() refuses 4,300 digits, in English
        raise ValueError(_("quá lớn: tối đa %(max)s") % {"max": count(STOCK_MAX)})
    return int(digits)


def column_label(column: str) -> str:
    return capfirst(MonthlyFigure._meta.get_field(column).verbose_name)


def encode_base(values: dict[str, int | None], ack: bool) -> str:
    """A row as the page loaded it, for the form to carry back: BASE_COLUMNS then the tick,
    comma-separated, empty for nothing ("3,0,…,,120,1")."""
    cells = ["" if values.get(column) is None else str(values[column]) for column in BASE_COLUMNS]
    return ",".join([*cells, "1" if ack else ""])


def decode_base(text: str | None) -> tuple[dict[str, int | None], bool] | None:
    """encode_base read back; None when absent or not of that shape (then the save cannot tell
    what the page started from, and treats every cell it changed as possibly someone else's)."""
    parts = (text or "").split(",")
    if len(parts) != len(BASE_COLUMNS) + 1 or not all(part == "" or part.isdigit() for part in parts):
        return None
    values = {column: int(part) if part else None for column, part in zip(BASE_COLUMNS, parts, strict=False)}
    return values, parts[-1] == "1"


_POSTED_ROW = re.compile(r"^r(\d{1,18})-")


def posted_cdcs(data) -> set[int]:
    """The CĐCS whose row a grid's post carries (its inputs are named r<id>-<column>): the page's
    script posts only the rows it changed, a page without it every row it shows."""
    return {int(match[1]) for name in data if (match := _POSTED_ROW.match(name))}


def apply_post(grid: Grid, data) -> None:
    """Put the posted values into the grid's rows, with an error on each cell that is not a count.
    A row of which nothing was posted stays as it is; so does a cell that was not posted."""
    for row in grid.rows:
        prefix = f"r{row.cdcs.pk}-"
        names = [prefix + column for column in (*INPUT_COLUMNS, "members_start")]
        row.posted = any(name in data for name in (*names, prefix + "base", prefix + "ack"))
        if not row.posted:
            continue
        values = {}
        for column in (*INPUT_COLUMNS, "members_start"):
            if prefix + column not in data:
                continue
            row.entered.add(column)
            try:
                values[column] = parse_count(data.get(prefix + column))
            except ValueError as error:
                row.add_error(f"{error}.", column)
                values[column] = None
                row.raw[column] = data.get(prefix + column)
        row.values = {**row.values, "members_end": None, **values}
        base = decode_base(data.get(prefix + "base"))
        row.base, row.base_ack = base if base else (None, None)
        row.acknowledged = data.get(prefix + "ack") == "1"
        row.warnings = check_warnings(row)


def grid_open_warnings(*, federation: Organisation, month: Month) -> int:
    """How many CĐCS of the federation-month show warnings that nobody ticked as checked."""
    return grid_read(federation=federation, month=month).open_warnings


def grid_open_warnings_many(returns) -> dict[tuple[int, Month], int]:
    """grid_open_warnings of many federation-months at once, by (federation id, month): the rows as
    saved, read with three queries per distinct month whatever the number of federations."""
    by_month: dict[Month, set[int]] = {}
    for monthly_return in returns:
        by_month.setdefault(Month.of(monthly_return.month), set()).add(monthly_return.federation_id)
    counts = {}
    for month, federation_ids in by_month.items():
        unions = list(
            _with_previous(GrassrootsUnion.objects.active_in(month).with_federation_at(month), month).filter(
                federation_at_id__in=federation_ids
            )
        )
        ids = [cdcs.pk for cdcs in unions]
        figures = {row.cdcs_id: row for row in MonthlyFigure.objects.filter(month=month.first_day, cdcs_id__in=ids)}
        history = _history(ids, month)
        for federation_id in federation_ids:
            counts[federation_id, month] = 0
        for cdcs in unions:
            row = _saved_row(cdcs, month, figures.get(cdcs.pk), history, None)
            counts[cdcs.federation_at_id, month] += bool(row.warnings and not row.ticked)
    return counts
