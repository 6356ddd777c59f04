"""The entry grid (nhập số liệu tháng): a federation-month read as one row per CĐCS, checked,
and saved all at once.

Reading takes a fixed number of queries whatever the number of CĐCS; saving goes through
services.figures_record_many (so every rule and the audit trail apply as everywhere else, in a
fixed number of queries) inside one transaction that is rolled back whole when any row is refused."""

import re
from dataclasses import dataclass, field
from functools import reduce
from operator import add

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Max, OuterRef, Subquery
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from unionportal.lib.formatting import count
from unionportal.lib.months import Month

from ..access import require_write
from ..audit import audit_entry, audit_many
from ..models import LOSS_FIELDS, STOCK_MAX, GrassrootsUnion, MonthlyFigure, MonthlyReturn, Organisation
from ..register.people import RegisterMonth, register_figures
from ..services.common import Source, who_and_when
from .locks import locked_message
from .services import FigureEntry, RowErrors, figures_record_many
from .workflow import return_for_update

# The grid's columns, in the order Tab walks them.
FLOW_COLUMNS = ("admitted", "transferred_in", *LOSS_FIELDS.values())
INPUT_COLUMNS = (*FLOW_COLUMNS, "members_end", "workers")
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
        lost = sum(self.values.get(column) or 0 for column in LOSS_FIELDS.values())
        return start + (self.values.get("admitted") or 0) + (self.values.get("transferred_in") or 0) - lost

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
        columns = ("previous_end", *INPUT_COLUMNS)
        totals = dict.fromkeys(columns, 0)
        for row in self.rows:
            totals["previous_end"] += row.previous_end or 0
            for column in FLOW_COLUMNS + ("workers",):
                totals[column] += row.values.get(column) or 0
            totals["members_end"] += row.computed_end() or 0
        return totals

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


def grid_read(*, federation: Organisation, month: Month, warnings: bool = True) -> Grid:
    """The federation-month as it stands: one row per CĐCS under the federation that month, with
    the register's month on the rows of CĐCS that keep their member register (grid_prefill).
    Without `warnings` (an import, which does not show them), the last year's history is not read."""
    monthly_return = return_read(federation=federation, month=month)
    previous = MonthlyFigure.objects.filter(cdcs=OuterRef("pk"), month__lt=month.first_day).order_by("-month")
    unions = list(
        federation_unions(federation=federation, month=month)
        .annotate(
            previous_end=Subquery(previous.values("members_end")[:1]),
            previous_workers=Subquery(previous.values("workers")[:1]),
        )
        .order_by("code")
    )
    ids = [cdcs.pk for cdcs in unions]
    figures = {row.cdcs_id: row for row in MonthlyFigure.objects.filter(month=month.first_day, cdcs_id__in=ids)}
    history = _history(ids, month) if warnings else {}
    registers = register_figures(unions, month)
    rows = []
    for cdcs in unions:
        figure = figures.get(cdcs.pk)
        row = GridRow(
            cdcs=cdcs,
            month=month,
            previous_end=cdcs.previous_end,
            figure=figure,
            history_max={key: history[cdcs.pk][key] for key in ("admitted", "lost")} if cdcs.pk in history else {},
            register=registers.get(cdcs.pk),
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
        rows.append(row)
    return Grid(federation=federation, month=month, monthly_return=monthly_return, rows=rows)


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
    lost = sum(values.get(column) or 0 for column in LOSS_FIELDS.values())
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


# --- saving -------------------------------------------------------------------------------------


class GridInvalid(Exception):
    """Raised inside grid_save's transaction to undo every row when one is refused."""


class GridConflict(ValidationError):
    """Someone saved a cell of the federation-month after this grid was opened, and this save
    changes the same cell otherwise."""


@dataclass
class GridSaved:
    """What a grid save did, for the message that follows it."""

    written: int  # rows whose figures were written
    acknowledged: int  # rows whose "Đã kiểm tra" tick was stored or taken off
    version: int  # the month's version after the save
    merged_with: dict[str, str] | None = None  # who saved the month meanwhile, and when (their cells were kept)
    reopened: bool = False  # the month had been sent: it is back in draft and must be sent again
    # Who saved the month after the page was opened, and when: what is saved now is not only what
    # the page showed and what was typed on it, so it is not what its user would send.
    changed_since: dict[str, str] | None = None


def _comparable(column: str, value: int | None, reference: int | None) -> int | None:
    """A cell made comparable across the three sides: an empty count is 0 (as a save writes it);
    an empty workers or opening stock means "keep", so it is the value it is compared with."""
    if column in FLOW_COLUMNS:
        return value or 0
    return reference if value is None else value


def _merge(row: GridRow, *, stale: bool) -> None:
    """Fold what was typed in a row into what is saved now, cell by cell, three ways: what the page
    started from (row.base), what was typed, what is saved. A cell typed as it started is left as
    saved; a cell changed here and not there takes the typed value; a cell changed on both sides
    to different values is a conflict (row.conflicts) and nothing of the save is written. Without a
    base, an up-to-date save starts from what is saved, a stale one knows nothing and any typed
    value that differs from the saved one is a conflict."""
    saved = row.saved()
    base = row.base if row.base is not None else (None if stale else saved)
    edited = False
    for column in BASE_COLUMNS:
        theirs = _comparable(column, saved[column], None)
        if column not in row.entered:
            row.values[column] = saved[column]
            continue
        if column in row.raw:
            continue  # not a count: its error refuses the save, whatever anyone else saved
        was = theirs if base is None else _comparable(column, base[column], theirs)
        mine = _comparable(column, row.values.get(column), was)
        if mine == was:
            row.values[column] = saved[column]
            if theirs != mine:
                row.taken[column] = theirs
            continue
        edited = True
        if mine == theirs or (base is not None and theirs == was):
            row.values[column] = mine
        else:
            row.conflicts[column] = (mine, theirs)
    if row.base_ack is not None and row.acknowledged == row.base_ack:
        if not edited:
            row.acknowledged = None  # not touched here: the tick stays as saved (someone else's, maybe)
        elif row.base_ack:
            # Ticked for the figures the page was opened with; the box, left as it was, still
            # shows ticked beside the new ones, which nobody has checked yet.
            row.acknowledged = False


def _changes_figures(row: GridRow) -> bool:
    if row.figure is None:
        return True
    saved = row.saved()
    values = row.values
    return (
        any((values.get(column) or 0) != saved[column] for column in FLOW_COLUMNS)
        or (values.get("workers") is not None and values["workers"] != saved["workers"])
        or (row.needs_opening and values.get("members_start") not in (None, saved["members_start"]))
    )


def _refresh_figures(grid: Grid) -> None:
    """Read the rows' saved figures again: someone saved the month since the grid was read."""
    ids = [row.cdcs.pk for row in grid.rows]
    figures = {row.cdcs_id: row for row in MonthlyFigure.objects.filter(month=grid.month.first_day, cdcs_id__in=ids)}
    for row in grid.rows:
        row.figure = figures.get(row.cdcs.pk)


@transaction.atomic
def grid_save(*, grid: Grid, version: int, user, source: str = Source.WEB) -> GridSaved:
    """Write every new or changed row of the grid (apply_post), or none.

    `version` is the month's version the page was opened at. When someone saved the month since,
    the typed cells are merged with theirs (_merge): their cells stay, these are written, and a
    cell both changed stops the save (GridConflict, each such cell showing both values). Refused
    whole (ValidationError) when the month is locked; row errors are put on the rows (and their
    cells) and GridInvalid is raised, which rolls back. Rows of which nothing was posted are left
    as they are. On any refusal the grid is left as the page to show next: merged values, the
    saved figures and the month's current version to start from."""
    federation, month = grid.federation, grid.month
    require_write(user, federation)
    monthly_return = return_for_update(federation, month)
    if monthly_return.is_locked:
        raise ValidationError(locked_message(monthly_return))
    stale = monthly_return.version != version
    if monthly_return.version != grid.monthly_return.version:
        _refresh_figures(grid)  # saved between the grid's reading and this lock
    sent = monthly_return.status == MonthlyReturn.Status.SUBMITTED
    grid.monthly_return = monthly_return  # a refused save's page starts from the month as it is now

    posted = [row for row in grid.rows if row.posted]
    for row in posted:
        _merge(row, stale=stale)
        row.warnings = check_warnings(row)
    merged_with = (
        who_and_when(monthly_return.changed_by, monthly_return.changed_at) if stale and monthly_return.version else None
    )
    conflicts = sum(len(row.conflicts) for row in grid.rows)
    if conflicts:
        raise GridConflict(
            ngettext(
                "%(who)s đã lưu số liệu tháng %(month)s của %(org)s lúc %(when)s, sau khi bạn mở trang này, và đã "
                "sửa %(count)s ô bạn cũng sửa thành số khác. Chưa lưu gì. Ô đó được viền vàng, có cả số của bạn "
                "và số đã lưu: chọn số đúng rồi bấm Lưu lần nữa. Các ô chỉ người kia sửa đã lấy theo số của họ.",
                "%(who)s đã lưu số liệu tháng %(month)s của %(org)s lúc %(when)s, sau khi bạn mở trang này, và đã "
                "sửa %(count)s ô bạn cũng sửa thành số khác. Chưa lưu gì. Các ô đó được viền vàng, có cả số của "
                "bạn và số đã lưu: chọn số đúng rồi bấm Lưu lần nữa. Các ô chỉ người kia sửa đã lấy theo số của họ.",
                conflicts,
            )
            % {
                "month": month,
                "org": federation.name,
                "count": count(conflicts),
                **who_and_when(monthly_return.changed_by, monthly_return.changed_at),
            }
        )

    rows, written = [], 0
    for row in posted:
        changes = not row.errors and _changes_figures(row)
        if changes or (not row.errors and row.values.get("members_end") is not None):  # a typed end is checked
            rows.append(row)
            written += changes
    entries = [
        FigureEntry(
            cdcs=row.cdcs,
            admitted=row.values.get("admitted") or 0,
            transferred_in=row.values.get("transferred_in") or 0,
            lost={reason: row.values.get(column) or 0 for reason, column in LOSS_FIELDS.items()},
            members_end=row.values.get("members_end"),
            members_start=row.values.get("members_start") if row.needs_opening else None,
            workers=row.values.get("workers"),
        )
        for row in rows
    ]
    try:
        figures = (
            figures_record_many(month=month, entries=entries, user=user, source=source, federation=federation)
            if entries
            else []
        )
    except RowErrors as refused:
        for row in rows:
            if row.cdcs.pk in refused.by_cdcs:
                _add_errors(row, refused.by_cdcs[row.cdcs.pk])
        raise GridInvalid from None
    if grid.has_errors:
        raise GridInvalid
    for row, figure in zip(rows, figures, strict=True):
        row.figure = figure
    acknowledged = _acknowledge(posted, federation=federation, user=user, source=source)
    if entries:
        monthly_return.refresh_from_db(fields=["version"])  # moved by the rows written
    return GridSaved(
        written=written,
        acknowledged=acknowledged,
        version=monthly_return.version,
        merged_with=merged_with if (written or acknowledged) and any(row.taken for row in posted) else None,
        reopened=sent and bool(written),
        changed_since=merged_with,
    )


def _acknowledge(rows: list[GridRow], *, federation: Organisation, user, source: str) -> int:
    """Keep, on each row's figures, which of its warnings someone ticked as checked. Returns how
    many rows' ticks changed."""
    changed = []
    for row in rows:
        if row.acknowledged is None or row.figure is None:
            continue
        wanted = sorted(row.warnings) if row.acknowledged else []
        if wanted != sorted(row.figure.acknowledged_warnings):
            row.figure.acknowledged_warnings = wanted
            changed.append(row.figure)
    if not changed:
        return 0
    MonthlyFigure.objects.bulk_update(changed, ["acknowledged_warnings"])
    audit_many(
        audit_entry(
            user,
            "figures.acknowledge",
            figure,
            source=source,
            federation=federation,
            month=Month.of(figure.month),
            warnings=figure.acknowledged_warnings,
        )
        for figure in changed
        if figure.acknowledged_warnings
    )
    return len(changed)


def _add_errors(row: GridRow, error: ValidationError) -> None:
    """A service's refusal of a row, on the cells it names (the row itself for the rest)."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            row.add_error(message)
        return
    for column, messages in error.message_dict.items():
        cell = column if column in (*INPUT_COLUMNS, "members_start") else None
        for message in messages:
            row.add_error(message, cell)


def grid_open_warnings(*, federation: Organisation, month: Month) -> int:
    """How many CĐCS of the federation-month show warnings that nobody ticked as checked."""
    return grid_read(federation=federation, month=month).open_warnings
