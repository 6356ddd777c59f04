"""Saving the entry grid: every new or changed row of a federation-month written at once through
members.figures.services.figures_record_many, or none; what someone else saved meanwhile merged
cell by cell (a cell both changed stops the save); the "Đã kiểm tra" ticks kept on the figures."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import ngettext

from unionportal.lib.formatting import count
from unionportal.lib.months import Month

from ..access import require_write
from ..audit import audit_entry, audit_many
from ..models import LOSS_FIELDS, MonthlyFigure, MonthlyReturn, Organisation
from ..services.common import Source, who_and_when
from .grid import BASE_COLUMNS, FLOW_COLUMNS, INPUT_COLUMNS, Grid, GridRow, check_warnings
from .locks import locked_message
from .services import FigureEntry, RowErrors, figures_record_many
from .workflow import return_for_update


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


def _refuse_conflicts(grid: Grid, monthly_return: MonthlyReturn) -> None:
    """Stop the save when a cell was changed here and, to another value, by whoever saved since."""
    conflicts = sum(len(row.conflicts) for row in grid.rows)
    if not conflicts:
        return
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
            "month": grid.month,
            "org": grid.federation.name,
            "count": count(conflicts),
            **who_and_when(monthly_return.changed_by, monthly_return.changed_at),
        }
    )


def _rows_to_write(posted: list[GridRow]) -> tuple[list[GridRow], int]:
    """The posted rows the services are given, and how many of them change figures: a row whose
    figures are unchanged is still given when an end stock was typed, for it to be checked."""
    rows, written = [], 0
    for row in posted:
        changes = not row.errors and _changes_figures(row)
        if changes or (not row.errors and row.values.get("members_end") is not None):
            rows.append(row)
            written += changes
    return rows, written


def _entry(row: GridRow) -> FigureEntry:
    return FigureEntry(
        cdcs=row.cdcs,
        admitted=row.values.get("admitted") or 0,
        transferred_in=row.values.get("transferred_in") or 0,
        lost={reason: row.values.get(column) or 0 for reason, column in LOSS_FIELDS.items()},
        members_end=row.values.get("members_end"),
        members_start=row.values.get("members_start") if row.needs_opening else None,
        workers=row.values.get("workers"),
    )


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
    _refuse_conflicts(grid, monthly_return)

    rows, written = _rows_to_write(posted)
    entries = [_entry(row) for row in rows]
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
        # A page posts only the rows it changed: whoever saved meanwhile may have changed rows it did
        # not post, which it showed as they were; said whenever this save wrote anything.
        merged_with=merged_with if written or acknowledged else None,
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
