"""The month sheet's preview and import (members.figures.sheet reads it, members.figures.sheet_plan
plans it): `sheet_preview` runs the plan through the services in a transaction it rolls back and
reads back what they wrote; `sheet_import`, in one transaction, checks that nobody saved the
month since the preview and writes through the same services, audited with source "upload";
everything or nothing. The upload record (members.models.Upload) keeps each file and its fate."""

import dataclasses
import hashlib
from datetime import date
from operator import attrgetter

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members.access import can_write
from members.audit import audit_log
from members.figures.exports import (
    DISSOLVED_COLUMNS,
    DISSOLVED_SHEET,
    FOUNDED_COLUMNS,
    FOUNDED_SHEET,
    MONTH_COLUMNS,
    MONTH_SHEET,
)
from members.figures.grid import return_read
from members.figures.services import RowErrors, figures_record_many
from members.figures.sheet import FIGURE_KEYS, Change, Preview, Sheet, sheet_read
from members.figures.sheet_plan import saved_figures, sheet_plan
from members.figures.summary import summary_batch
from members.figures.workflow import return_for_update
from members.models import GrassrootsUnion, MonthlyFigure, Organisation, Upload
from members.services.common import Source, who_and_when
from members.services.org import cdcs_dissolve, cdcs_found
from unionportal.lib.months import Month
from unionportal.lib.sheets import Column, ImportRefused, Problem, header_of


def sheet_preview(sheet: Sheet, *, federation: Organisation, month: Month, user, on_step=None) -> Preview:
    """What importing `sheet` into the federation-month would change, and every reason it cannot.
    Writes nothing: the services run, and what they wrote is read back, in a transaction that is
    rolled back. `on_step(words)` hears of each step (a job's progress, members.figures.sheet_jobs)."""
    on_step = on_step or _quiet
    on_step(_("Đối chiếu tệp với số liệu đã lưu"))
    preview = sheet_plan(sheet, federation=federation, month=month, user=user)
    if preview.blocked or not (preview.entries or preview.founded or preview.dissolved):
        return preview
    on_step(_("Thử ghi để xem trước (không lưu)"))
    try:
        # Raising out of the batch skips the summary's refresh (derived data, never a reason to
        # refuse), and out of the transaction undoes every write.
        with transaction.atomic(), summary_batch():
            rows = _write(preview, user=user, source=Source.UPLOAD, dry_run=True)
            _settle(preview, unsaved=rows)
            raise _DryRun
    except _DryRun:
        pass
    except SheetRefused as refused:
        preview.problems.extend(refused.problems)
    return preview


def _quiet(_words: str) -> None:
    """No one follows the steps."""


class _DryRun(Exception):
    """Ends a preview's trial write."""


def _settle(preview: Preview, *, unsaved: list[MonthlyFigure] = ()) -> None:
    """After _write, inside its transaction: the changes are the federation-month's rows as the
    services wrote them (a dissolution's close-out included), or as a dry run returned them
    (`unsaved`), against what was saved before."""
    # A dry run writes no month's rows: what is saved changed only if it founded or dissolved CĐCS.
    dry = unsaved and not (preview.founded or preview.dissolved)
    written = dict(preview.saved) if dry else saved_figures(preview.federation, preview.month)
    values = attrgetter(*FIGURE_KEYS)
    written.update({row.cdcs.code: dict(zip(FIGURE_KEYS, values(row), strict=True)) for row in unsaved})
    founded = {item["code"] for item in preview.founded}
    changes = []
    for code, after in written.items():
        before = preview.saved.get(code)
        if before == after:
            continue
        changed = [key for key in after if before is None or before[key] != after[key]]
        cdcs = preview.unions.get(code) or GrassrootsUnion.objects.get(code=code)
        changes.append(Change(cdcs, preview.rows.get(code), before, after, changed, code in founded))
    changes.sort(key=lambda change: (change.row is None, change.row or 0))
    preview.changes = changes
    preview.unchanged = sum(1 for code in preview.rows if written.get(code) == preview.saved.get(code))
    preview.set_totals(written)


class SheetRefused(ImportRefused):
    """The month's sheet wrote nothing."""


class SheetConflict(SheetRefused):
    """Someone saved the federation-month after the preview."""


@transaction.atomic
def sheet_import(
    *,
    sheet: Sheet,
    federation: Organisation,
    month: Month,
    version: int,
    user,
    source: str = Source.UPLOAD,
    preview: Preview | None = None,
    file_name: str = "",
    on_step=None,
) -> Preview:
    """Write what the sheet changes, or nothing (SheetRefused). `version` is the month's return
    version the user previewed: if someone saved the month since, the import is refused.

    A caller that still holds the preview of this sheet (the command) passes it: with the
    month's return locked at the same version, nothing it was computed from has changed
    (every write to a federation-month bumps its version), so it is not planned again.
    `on_step(words)` hears of each step."""
    on_step = on_step or _quiet
    if user is not None and not can_write(user, federation):
        raise PermissionDenied(_("Bạn không có quyền thay đổi số liệu của %(org)s.") % {"org": federation.name})
    monthly_return = return_for_update(federation, month)
    if monthly_return.version != version:
        who = who_and_when(monthly_return.changed_by, monthly_return.changed_at)
        message = _(
            "%(who)s đã lưu số liệu tháng %(month)s của %(org)s lúc %(when)s, sau khi bạn tải tệp lên. "
            "Chưa ghi gì: hãy xem lại bản xem trước (đã cập nhật theo số liệu mới) rồi xác nhận lần nữa."
        ) % {"month": month, "org": federation.name, **who}
        raise SheetConflict([Problem("", None, "", message)])
    reused = not (
        preview is None or preview.version != version or preview.federation != federation or preview.month != month
    )
    if not reused:
        on_step(_("Đối chiếu tệp với số liệu đã lưu"))
        preview = sheet_plan(sheet, federation=federation, month=month, user=user)
    if preview.problems:
        raise SheetRefused(preview.problems)
    on_step(_("Ghi số liệu"))
    _write(preview, user=user, source=source)
    if not reused:  # a preview of this same month, as it is, was settled on what the services write
        on_step(_("Đọc lại những gì đã ghi"))
        _settle(preview)
    if preview.has_changes:  # one entry for the sheet, beside one per row written
        audit_log(
            user,
            "sheet.import",
            None,
            source=source,
            federation=federation,
            month=month,
            file=file_name,
            rows=len(preview.changes),
            founded=len(preview.founded),
            dissolved=len(preview.dissolved),
        )
    return preview


def _write(preview: Preview, *, user, source: str, dry_run: bool = False) -> list[MonthlyFigure]:
    """Found, dissolve, then record the month's rows through the services, in the caller's
    transaction. Every refusal becomes a problem with its sheet, row, cell and CĐCS; with any,
    SheetRefused is raised (and the caller's transaction undoes what was written). With
    `dry_run` (the preview, whose caller rolls back), the month's rows are checked as for a write
    and returned unsaved: writing and auditing thousands of rows only to undo them doubled the
    cost of a preview."""
    federation, month = preview.federation, preview.month
    problems: list[Problem] = []
    created: dict[str, GrassrootsUnion] = {}
    for item in preview.founded:
        try:
            created[item["code"]] = cdcs_found(
                code=item["code"],
                name=item["name"],
                employer=item["employer"] or item["name"],
                sector=item["sector"],
                founded_on=date.fromisoformat(item["founded_on"]),
                founding_decision=item["founding_decision"],
                workers=item.get("workers") or 0,
                federation=federation,
                user=user,
                source=source,
            )
        except (ValidationError, PermissionDenied) as error:
            problems += _refusals(error, preview, FOUNDED_SHEET, FOUNDED_COLUMNS, item["row"], item["code"])
    # Dissolved before the month's rows are written: those rows may then lose members to the
    # dissolution, and the service holds a dissolved CĐCS's month to end at zero.
    failed = set()
    for item in preview.dissolved:
        try:
            cdcs_dissolve(
                cdcs=preview.unions[item["code"]],
                on=date.fromisoformat(item["dissolved_on"]),
                reason=item["reason"],
                user=user,
                source=source,
            )
        except (ValidationError, PermissionDenied) as error:
            problems += _refusals(error, preview, DISSOLVED_SHEET, DISSOLVED_COLUMNS, item["row"], item["code"])
            failed.add(item["code"])
    entries = []
    for entry in preview.entries:
        code = entry.cdcs.code
        if code in failed or (entry.cdcs.pk is None and code not in created):
            continue  # refused above already
        entries.append(dataclasses.replace(entry, cdcs=created[code]) if entry.cdcs.pk is None else entry)
    rows: list[MonthlyFigure] = []
    try:
        if entries:
            rows = figures_record_many(
                month=month, entries=entries, user=user, source=source, federation=federation, dry_run=dry_run
            )
    except RowErrors as refused:
        codes = {entry.cdcs.pk: entry.cdcs.code for entry in entries}
        for pk, error in refused.by_cdcs.items():
            code = codes[pk]
            problems += _refusals(error, preview, MONTH_SHEET, MONTH_COLUMNS, preview.rows.get(code), code)
    except (ValidationError, PermissionDenied) as error:  # a locked month, missing rights: the whole sheet
        problems += [Problem("", None, "", message) for message in _messages(error)]
    if problems:
        raise SheetRefused(problems)
    return rows


def _messages(error: ValidationError | PermissionDenied) -> list[str]:
    return list(error.messages) if isinstance(error, ValidationError) else [str(error)]


def _refusals(error, preview: Preview, sheet: str, columns: list[Column], row: int | None, code: str) -> list[Problem]:
    """A service's refusal of one row as problems naming the sheet, the row, the cell of each
    field it names and the CĐCS."""
    if not isinstance(error, ValidationError) or not hasattr(error, "error_dict"):
        return [Problem(sheet, row, "", message, cdcs=code) for message in _messages(error)]
    return [
        Problem(
            sheet,
            row,
            header_of(columns, key),
            message,
            cell=preview.cell(sheet, key, row),
            cdcs=code,
        )
        for key, messages in error.message_dict.items()
        for message in messages
    ]


# --- the upload record ------------------------------------------------------------------------


def upload_receive(*, data: bytes, file_name: str, federation: Organisation, month: Month, user, source: str):
    """Read and preview a file and keep it (Upload) with what was read and whether it can be
    imported. Returns (upload, sheet, preview)."""
    sheet = sheet_read(data)
    preview = sheet_preview(sheet, federation=federation, month=month, user=user)
    upload = upload_keep(
        data=data, file_name=file_name, federation=federation, month=month, user=user, source=source,
        **_reading(sheet, preview),
    )  # fmt: skip
    return upload, sheet, preview


def upload_keep(
    *, data: bytes, file_name: str, federation: Organisation, month: Month, user, source: str, **reading
) -> Upload:
    """Keep a file as it came; without `reading` (what upload_receive read from it), as a file to be
    read by a job (upload_read: a large sheet, members.figures.sheet_jobs)."""
    return Upload.objects.create(
        federation=federation,
        month=month.first_day,
        uploaded_by=user,
        source=source,
        file_name=(file_name or "tep.xlsx")[-255:],
        content=data,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        **(reading or {"outcome": Upload.Outcome.READING}),
    )


def upload_read(upload: Upload, *, user, on_step=None) -> Preview:
    """Read and preview a kept file, and note on it what was read, as upload_receive does."""
    (on_step or _quiet)(_("Đọc tệp"))
    sheet = sheet_read(bytes(upload.content))
    month = Month.of(upload.month)
    preview = sheet_preview(sheet, federation=upload.federation, month=month, user=user, on_step=on_step)
    for name, value in _reading(sheet, preview).items():
        setattr(upload, name, value)
    upload.save(update_fields=["outcome", "problems", "parsed", "return_version"])
    return preview


def _reading(sheet: Sheet, preview: Preview) -> dict:
    """What an upload notes of its reading: whether it can be imported, its problems, what was read."""
    if preview.problems:
        outcome = Upload.Outcome.REFUSED
    elif preview.has_changes:
        outcome = Upload.Outcome.PREVIEW
    else:
        outcome = Upload.Outcome.UNCHANGED
    return {
        "outcome": outcome,
        "problems": [vars(problem) for problem in preview.problems],
        "parsed": sheet.as_json() if not sheet.problems else {},
        "return_version": preview.version,
    }


def upload_finish(upload: Upload, *, user, imported: Preview | None = None, refused: SheetRefused | None = None):
    """Note what became of a previewed upload: imported (or found unchanged), refused, or, with
    neither, discarded."""
    if imported is not None:
        upload.outcome = Upload.Outcome.IMPORTED if imported.has_changes else Upload.Outcome.UNCHANGED
        upload.rows_changed = len(imported.changes)
    elif refused is not None:
        upload.outcome, upload.problems = Upload.Outcome.REFUSED, [vars(problem) for problem in refused.problems]
    else:
        upload.outcome = Upload.Outcome.DISCARDED
    upload.finished_by, upload.finished_at = user, timezone.now()
    upload.save(update_fields=["outcome", "rows_changed", "problems", "finished_by", "finished_at"])


def upload_import(*, upload: Upload, user, on_step=None) -> Preview:
    """Import a previewed upload and note it imported; the confirmation page and the import job
    both call it. A month saved since the upload (SheetConflict): the upload is moved to what is
    saved, so that its preview shows it and a confirmation replaces it knowingly. A sheet refused:
    the upload is noted refused with its problems. Both raise again for the caller to say so."""
    month = Month.of(upload.month)
    try:
        preview = sheet_import(
            sheet=Sheet.from_json(upload.parsed),
            federation=upload.federation,
            month=month,
            version=upload.return_version,
            user=user,
            file_name=upload.file_name,
            on_step=on_step,
        )
    except SheetConflict:
        upload.return_version = return_read(federation=upload.federation, month=month).version
        upload.save(update_fields=["return_version"])
        raise
    except SheetRefused as refused:
        upload_finish(upload, user=user, refused=refused)
        raise
    (on_step or _quiet)(_("Ghi nhận tệp đã nhập"))
    upload_finish(upload, user=user, imported=preview)
    return preview
