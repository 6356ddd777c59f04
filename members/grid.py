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
from django.utils.translation import gettext_lazy

from unionportal.lib.formatting import count
from unionportal.lib.months import Month

from .access import require_write
from .audit import audit_entry, audit_many
from .models import LOSS_FIELDS, GrassrootsUnion, MonthlyFigure, MonthlyReturn, Organisation
from .people import RegisterMonth, register_figures
from .services import (
    FigureEntry,
    RowErrors,
    Source,
    figures_record_many,
    locked_message,
    return_for_update,
    who_and_when,
)

# The grid's columns, in the order Tab walks them.
FLOW_COLUMNS = ("admitted", "transferred_in", *LOSS_FIELDS.values())
INPUT_COLUMNS = (*FLOW_COLUMNS, "members_end", "workers")

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
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    acknowledged: bool = False
    conflict: dict[str, int] | None = None  # what someone else saved meanwhile, where it differs
    register: RegisterMonth | None = None  # the month as the member register counts it, if the CĐCS keeps one
    prefilled: bool = False  # the values shown come from the register, not from what was saved

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


def _lost_expression():
    return reduce(add, (F(column) for column in LOSS_FIELDS.values()))


def return_read(*, federation: Organisation, month: Month) -> MonthlyReturn:
    """The federation-month's return with the people named on it (unsaved draft if none yet)."""
    return (
        MonthlyReturn.objects.filter(federation=federation, month=month.first_day)
        .select_related("approved_by", "submitted_by", "unlocked_by", "changed_by")
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
        else:
            row.values = {"workers": cdcs.previous_workers if cdcs.previous_workers is not None else cdcs.workers}
        row.warnings = check_warnings(row) if warnings else []
        row.acknowledged = bool(figure and row.warnings and set(row.warnings) <= set(figure.acknowledged_warnings))
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
        row.values = {
            **row.values,
            **{column: row.register.values.get(column, 0) for column in FLOW_COLUMNS},
            "members_end": None,
        }
        if row.needs_opening:
            row.values["members_start"] = row.register.members_start
        row.prefilled = True
        row.warnings = check_warnings(row)
        row.acknowledged = bool(
            row.figure and row.warnings and set(row.warnings) <= set(row.figure.acknowledged_warnings)
        )
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
    """A whole number ≥ 0 as people type it: " 12 ", "1.234" (Vietnamese grouping). Empty: None.
    Raises ValueError with a Vietnamese message otherwise."""
    text = (text or "").strip().replace(" ", "").replace("\u00a0", "")
    if not text:
        return None
    if text.startswith("-"):
        raise ValueError(_("không được âm"))
    if not _DIGITS.match(text):
        raise ValueError(_("phải là số nguyên (ví dụ 12 hoặc 1.234)"))
    return int(text.replace(".", ""))


def column_label(column: str) -> str:
    return capfirst(MonthlyFigure._meta.get_field(column).verbose_name)


def apply_post(grid: Grid, data) -> None:
    """Put the posted values into the grid's rows, with an error on each cell that is not a count."""
    for row in grid.rows:
        prefix = f"r{row.cdcs.pk}-"
        values = {}
        for column in (*INPUT_COLUMNS, "members_start"):
            try:
                values[column] = parse_count(data.get(prefix + column))
            except ValueError as error:
                row.errors.append(f"{column_label(column)}: {error}.")
                values[column] = None
                row.raw[column] = data.get(prefix + column)
        row.values = values
        row.acknowledged = data.get(prefix + "ack") == "1"
        row.warnings = check_warnings(row)


# --- saving -------------------------------------------------------------------------------------


class GridInvalid(Exception):
    """Raised inside grid_save's transaction to undo every row when one is refused."""


class GridConflict(ValidationError):
    """Someone saved the federation-month after this grid was opened."""


def _changed(row: GridRow) -> bool:
    figure = row.figure
    if figure is None:
        return True
    values = row.values
    return any((values.get(column) or 0) != getattr(figure, column) for column in FLOW_COLUMNS) or (
        values.get("workers") is not None and values["workers"] != figure.workers
    )


@transaction.atomic
def grid_save(*, grid: Grid, version: int, user, source: str = Source.WEB) -> int:
    """Write every new or changed row of the grid, or none. Returns the number of rows written.

    Refused whole (ValidationError) when the month is locked or was saved by someone else since
    `version`; row errors are put on the rows and GridInvalid is raised, which rolls back."""
    federation, month = grid.federation, grid.month
    require_write(user, federation)
    monthly_return = return_for_update(federation, month)
    if monthly_return.is_locked:
        raise ValidationError(locked_message(monthly_return))
    if monthly_return.version != version:
        raise GridConflict(
            _(
                "%(who)s đã lưu số liệu tháng %(month)s của %(org)s lúc %(when)s, sau khi bạn mở trang này. "
                "Số bạn vừa nhập vẫn còn nguyên bên dưới; các dòng người kia đã sửa được đánh dấu. "
                "Hãy xem lại rồi bấm Lưu lần nữa."
            )
            % {
                "month": month,
                "org": federation.name,
                **who_and_when(monthly_return.changed_by, monthly_return.changed_at),
            }
        )
    rows = [row for row in grid.rows if not row.errors and _changed(row)]
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
                row.errors.extend(_row_messages(refused.by_cdcs[row.cdcs.pk]))
        raise GridInvalid from None
    if grid.has_errors:
        raise GridInvalid
    for row, figure in zip(rows, figures, strict=True):
        row.figure = figure
    _acknowledge(grid.rows, federation=federation, user=user, source=source)
    return len(entries)


def _acknowledge(rows: list[GridRow], *, federation: Organisation, user, source: str) -> None:
    """Keep, on each row's figures, which of its warnings someone ticked as checked."""
    changed = []
    for row in rows:
        wanted = sorted(row.warnings) if row.acknowledged else []
        if row.figure is not None and wanted != sorted(row.figure.acknowledged_warnings):
            row.figure.acknowledged_warnings = wanted
            changed.append(row.figure)
    if not changed:
        return
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


def _row_messages(error: ValidationError) -> list[str]:
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    messages = []
    for column, errors in error.message_dict.items():
        label = column_label(column) if column in (*INPUT_COLUMNS, "members_start") else ""
        messages.extend(f"{label}: {message}" if label else message for message in errors)
    return messages


def mark_conflicts(grid: Grid, saved: Grid) -> int:
    """After a conflict: note, on each row, what is saved now where it differs from what the
    user started from or typed. Returns how many rows differ."""
    by_cdcs = {row.cdcs.pk: row for row in saved.rows}
    differing = 0
    for row in grid.rows:
        current = by_cdcs.get(row.cdcs.pk)
        if current is None or current.figure is None:
            continue
        saved_values = {column: getattr(current.figure, column) for column in (*FLOW_COLUMNS, "members_end")}
        typed = {column: row.values.get(column) or 0 for column in FLOW_COLUMNS}
        if any(typed[column] != saved_values[column] for column in FLOW_COLUMNS):
            row.conflict = saved_values
            differing += 1
    return differing


def conflict_text(values: dict[str, int]) -> str:
    parts = [f"{column_label(column)} {count(value)}" for column, value in values.items() if value]
    return ", ".join(parts) or _("toàn số 0")


def grid_open_warnings(*, federation: Organisation, month: Month) -> int:
    """How many CĐCS of the federation-month show warnings that nobody ticked as checked."""
    grid = grid_read(federation=federation, month=month)
    return sum(1 for row in grid.rows if row.warnings and not row.acknowledged)
