"""django-import-export in the admin: CĐCS and monthly figures here, quotas in targets.resources.

Exports: every value goes through unionportal.lib.xlsx.safe_value whatever the format (only
.xlsx and .csv are offered), and numbers and dates stay native, so that Excel reads numbers as
numbers and a name typed as "=HYPERLINK(…)" as text.

Imports: no path around the services. import-export's row-by-row machinery cannot group rows
(figures_record_many writes a federation-month at once) nor make a file all-or-nothing, so a
ServiceResource reads the whole file in `before_import`, writes it through the services in one
transaction (rolled back when any row is refused, and always on the preview), and then only
reports each row: refused (with the services' Vietnamese messages), new, changed or unchanged."""

import io
import os
import re
from collections import defaultdict
from copy import deepcopy
from dataclasses import dataclass, field
from datetime import date, datetime

import openpyxl
import tablib
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import fields, resources
from import_export.admin import ImportExportMixin
from import_export.formats import base_formats
from import_export.results import RowResult

from unionportal.lib.months import Month
from unionportal.lib.xlsx import UnsafeFile, check_xlsx, safe_value, unescape_text

from ..access import require_write
from ..audit import audit_log
from ..models import (
    FLOW_FIELDS,
    LOSS_FIELDS,
    Affiliation,
    AuditEntry,
    GrassrootsUnion,
    MonthlyFigure,
    Organisation,
    Sector,
)
from ..services.org import cdcs_found
from .services import FigureEntry, RowErrors, figures_record_many
from .summary import summary_refresh_cdcs

Source = AuditEntry.Source

# --- formats: .xlsx and .csv, read with the portal's checks ----------------------------------------


def _capped(dataset):
    if len(dataset) > settings.UPLOAD_MAX_ROWS:
        raise UnsafeFile(_("Tệp có hơn %(rows)s dòng, không nhận.") % {"rows": settings.UPLOAD_MAX_ROWS})
    return dataset


class XLSXFormat(base_formats.XLSX):
    """An .xlsx is checked (size, kind, zip bomb, how far its sheets reach) before openpyxl opens
    it, as uploads are. Its first sheet is then read as far as its cells go: import-export's own
    reading pads every row to the sheet's <dimension>, which the file writes and may lie about
    (larger: a worker padding rows to XFD for minutes; smaller: rows past it silently dropped)."""

    def create_dataset(self, in_stream):
        check_xlsx(in_stream)
        workbook = openpyxl.load_workbook(io.BytesIO(in_stream), read_only=True, data_only=True)
        try:
            sheet = workbook.active
            sheet.reset_dimensions()
            rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        finally:
            workbook.close()
        width = max(map(len, rows), default=0)
        rows = [row + [None] * (width - len(row)) for row in rows]
        dataset = tablib.Dataset(headers=rows[0] if rows else None)
        ignore_blanks = getattr(settings, "IMPORT_EXPORT_IMPORT_IGNORE_BLANK_LINES", False)
        for row in rows[1:]:
            if not (ignore_blanks and all(value is None for value in row)):
                dataset.append(row)
        return _capped(dataset)


class CSVFormat(base_formats.CSV):
    def create_dataset(self, in_stream, **kwargs):
        if len(in_stream) > settings.UPLOAD_MAX_BYTES:
            megabytes = settings.UPLOAD_MAX_BYTES / 1024 / 1024
            raise UnsafeFile(_("Tệp lớn hơn %(size)s MB, không nhận.") % {"size": f"{megabytes:g}"})
        return _capped(super().create_dataset(in_stream, **kwargs))


FORMATS = [XLSXFormat, CSVFormat]


# --- reading cells ----------------------------------------------------------------------------------

_WHOLE = re.compile(r"^[+-]?\d+$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}([.,]\d{3})+$")


class CellError(ValueError):
    """A cell that cannot be read; the message is Vietnamese."""


def cell_text(value) -> str:
    """A cell as text, trimmed; text that an export escaped against formulas ("'=…") as it was typed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unescape_text(str(value).replace("\u00a0", " ").strip())


def cell_int(value) -> int | None:
    """A whole number as typed or exported (12, 12.0, "12", "1.234", "1,234"); empty is None.
    The sign is kept: the services say what they think of negative numbers."""
    if value is None:
        return None
    if isinstance(value, bool | date):
        raise CellError(_("Phải là số nguyên."))
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not value.is_integer():
            raise CellError(_("Phải là số nguyên."))
        return int(value)
    text = cell_text(value).replace(" ", "")
    if not text:
        return None
    if not (_WHOLE.match(text) or _GROUPED.match(text)):
        raise CellError(_("Phải là số nguyên."))
    digits = text.replace(".", "").replace(",", "")
    if len(digits.lstrip("+-")) > 18:  # beyond any ceiling, and int() refuses 4,300 digits in English
        raise CellError(_("Số quá lớn."))
    return int(digits)


def cell_date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = cell_text(value)
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise CellError(_("Ngày không hợp lệ: hãy nhập dạng dd/mm/yyyy, ví dụ 05/03/2021."))


def cell_month(value) -> Month | None:
    if isinstance(value, date):
        return Month.of(value)
    text = cell_text(value)
    if not text:
        return None
    try:
        return Month.parse(text)
    except ValueError:
        pass
    try:
        return Month.of(cell_date(text))
    except CellError:
        raise CellError(_("Tháng không hợp lệ: hãy nhập dạng MM/YYYY, ví dụ 03/2021.")) from None


def messages_of(error: ValidationError | PermissionDenied) -> dict[str, list[str]]:
    """A service's error as {column: [messages]} (NON_FIELD_ERRORS for the row as a whole)."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        return {str(key): list(value) for key, value in error.message_dict.items()}
    if isinstance(error, ValidationError):
        return {NON_FIELD_ERRORS: list(error.messages)}
    return {NON_FIELD_ERRORS: [str(error) or _("Bạn không có quyền làm việc này.")]}


# --- resources ----------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What became of one row of the file: the object before and after, or why it was refused."""

    before: object = None
    after: object = None
    errors: dict[str, list[str]] = field(default_factory=dict)

    def refuse(self, column: str, message: str) -> None:
        self.errors.setdefault(column, []).append(str(message))


class ServiceResource(resources.ModelResource):
    """Exports through safe_value; imports through `write`, which subclasses implement:
    write(rows, *, user) -> {row number: Outcome}, rows being {row number: {column: value}}."""

    required_columns: tuple[str, ...] = ()

    def export_field(self, field, instance, **kwargs):
        # Native numbers and dates in every format: no locale grouping ("30.018") in a CSV either.
        kwargs["force_native_type"] = True
        return safe_value(super().export_field(field, instance, **kwargs))

    def import_data(self, dataset, **kwargs):
        kwargs.update(use_transactions=True, rollback_on_validation_errors=True)
        return super().import_data(dataset, **kwargs)

    def before_import(self, dataset, **kwargs):
        self.outcomes: dict[int, Outcome] = {}
        headers = [cell_text(header).casefold() for header in dataset.headers or []]
        missing = [column for column in self.required_columns if column not in headers]
        if missing:
            self.outcomes[1] = Outcome(errors={NON_FIELD_ERRORS: [self.missing_message(missing)]})
            return
        rows = {}
        for number, values in enumerate(dataset, start=1):
            row = {header: value for header, value in zip(headers, values, strict=False) if header}
            if any(cell_text(value) for value in row.values()):
                rows[number] = row
        with transaction.atomic():
            self.outcomes = self.write(rows, user=kwargs.get("user"))
            if any(outcome.errors for outcome in self.outcomes.values()):
                transaction.set_rollback(True)

    @staticmethod
    def missing_message(missing) -> str:
        return _("Tệp thiếu cột: %(columns)s. Hãy xuất một tệp từ trang này để có đúng tên cột.") % {
            "columns": ", ".join(missing)
        }

    def write(self, rows: dict[int, dict], *, user) -> dict[int, Outcome]:
        raise NotImplementedError

    def import_row(self, row, instance_loader, **kwargs):
        outcome = self.outcomes.get(kwargs["row_number"]) or Outcome()
        result = self.get_row_result_class()()
        if outcome.errors:
            result.import_type = RowResult.IMPORT_TYPE_INVALID
            result.validation_error = ValidationError(outcome.errors)
            return result
        if outcome.after is None:  # a blank row
            result.import_type = RowResult.IMPORT_TYPE_SKIP
            return result
        new = outcome.before is None
        diff = self.get_diff_class()(self, outcome.before or self._meta.model(), new)
        diff.compare_with(self, outcome.after)
        if new:
            result.import_type = RowResult.IMPORT_TYPE_NEW
        elif diff.left != diff.right:
            result.import_type = RowResult.IMPORT_TYPE_UPDATE
            result.original = outcome.before
        else:
            result.import_type = RowResult.IMPORT_TYPE_SKIP
        result.diff = diff.as_html()
        result.add_instance_info(outcome.after)
        result.instance = outcome.after
        return result


def refuse_duplicates(keys: dict[int, object], outcomes: dict[int, Outcome], column: str) -> None:
    """Refuse every row whose key already appeared on an earlier row."""
    seen = {}
    for number, key in keys.items():
        if key in seen:
            outcomes[number].refuse(column, _("Trùng với dòng %(row)s.") % {"row": seen[key]})
        else:
            seen[key] = number


class MonthlyFigureResource(ServiceResource):
    """One row per CĐCS and month. Written month by month, in order, through
    figures_record_many (source "admin"), so that the lock, the rights, the stock identity and
    the carry-forward into later months are those of the entry grid and of uploads."""

    required_columns = ("cdcs", "month", *FLOW_FIELDS)

    cdcs = fields.Field(attribute="cdcs__code", column_name="cdcs")
    cdcs_name = fields.Field(attribute="cdcs__name", column_name="cdcs_name", readonly=True)
    federation = fields.Field(attribute="federation__code", column_name="federation", readonly=True)

    class Meta:
        model = MonthlyFigure
        fields = ("cdcs", "cdcs_name", "federation", "month", "members_start", *FLOW_FIELDS, "members_end", "workers")
        export_order = fields

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("cdcs", "federation")

    def write(self, rows, *, user):
        outcomes = {number: Outcome() for number in rows}
        entries: dict[int, tuple[Month, FigureEntry]] = {}
        unions = GrassrootsUnion.objects.in_bulk(
            {cell_text(row.get("cdcs")) for row in rows.values()}, field_name="code"
        )
        for number, row in rows.items():
            entry = self._entry(row, unions, outcomes[number])
            if entry is not None:
                entries[number] = entry
        refuse_duplicates(
            {number: (month, entry.cdcs.pk) for number, (month, entry) in entries.items()}, outcomes, "cdcs"
        )

        by_month: dict[Month, dict[int, FigureEntry]] = defaultdict(dict)
        for number, (month, entry) in entries.items():
            if not outcomes[number].errors:
                by_month[month][number] = entry
        for month in sorted(by_month):  # in order: a month starts where the one before ends
            self._write_month(month, by_month[month], outcomes, user)
        return outcomes

    def _entry(self, row, unions, outcome: Outcome) -> tuple[Month, FigureEntry] | None:
        code = cell_text(row.get("cdcs"))
        cdcs = unions.get(code)
        if cdcs is None:
            outcome.refuse("cdcs", _("Không có CĐCS mã “%(code)s”.") % {"code": code} if code else _("Thiếu mã CĐCS."))
        values = {}
        for column in ("month", "members_start", *FLOW_FIELDS, "members_end", "workers"):
            try:
                values[column] = cell_month(row.get(column)) if column == "month" else cell_int(row.get(column))
            except CellError as error:
                outcome.refuse(column, str(error))
        if "month" in values and values["month"] is None:
            outcome.refuse("month", _("Thiếu tháng."))
        if outcome.errors:
            return None
        lost = {reason.value: values[column] or 0 for reason, column in LOSS_FIELDS.items()}
        entry = FigureEntry(
            cdcs=cdcs,
            admitted=values["admitted"] or 0,
            transferred_in=values["transferred_in"] or 0,
            lost=lost,
            members_start=values["members_start"],
            members_end=values["members_end"],
            workers=values["workers"],
        )
        return values["month"], entry

    def _write_month(self, month: Month, entries: dict[int, FigureEntry], outcomes, user) -> None:
        number_of = {entry.cdcs.pk: number for number, entry in entries.items()}
        before = {
            row.cdcs_id: deepcopy(row)
            for row in MonthlyFigure.objects.filter(month=month.first_day, cdcs_id__in=list(number_of)).select_related(
                "cdcs", "federation"
            )
        }
        try:
            written = figures_record_many(month=month, entries=list(entries.values()), user=user, source=Source.ADMIN)
        except RowErrors as errors:
            for cdcs_id, error in errors.by_cdcs.items():
                for column, texts in messages_of(error).items():
                    for text in texts:
                        outcomes[number_of[cdcs_id]].refuse(column, text)
            return
        except (ValidationError, PermissionDenied) as error:  # a locked month, no rights: every row of it
            for number in entries:
                for column, texts in messages_of(error).items():
                    for text in texts:
                        outcomes[number].refuse(column, text)
            return
        for row in written:
            outcome = outcomes[number_of[row.cdcs_id]]
            outcome.before, outcome.after = before.get(row.cdcs_id), row


def _federation_code_at(month: Month):
    return Subquery(
        Affiliation.objects.filter(cdcs=OuterRef("pk"), valid_from__lte=month.first_day)
        .order_by("-valid_from")
        .values("federation__code")[:1]
    )


class GrassrootsUnionResource(ServiceResource):
    """One row per CĐCS, keyed by its code. A new code is founded through cdcs_found (source
    "admin") under the federation of the `federation` column. For a CĐCS already registered,
    only what the admin's change form lets one edit changes (name, employer, sector, workers,
    founding decision); founding and dissolution dates and the federation change through the
    CĐCS register, where their consequences for the figures are handled."""

    EDITABLE = ("name", "employer", "sector", "workers", "founding_decision")
    required_columns = ("code",)

    federation = fields.Field(attribute="federation_code", column_name="federation", readonly=True)

    class Meta:
        model = GrassrootsUnion
        fields = (
            "code",
            "name",
            "employer",
            "sector",
            "workers",
            "founded_on",
            "founding_decision",
            "federation",
            "dissolved_on",
            "dissolution_reason",
        )
        export_order = fields

    def filter_export(self, queryset, **kwargs):
        """Each CĐCS with the code of its federation now."""
        return queryset.annotate(federation_code=_federation_code_at(Month.of(timezone.localdate())))

    def write(self, rows, *, user):
        outcomes = {number: Outcome() for number in rows}
        codes = {number: cell_text(row.get("code")) for number, row in rows.items()}
        refuse_duplicates({number: code for number, code in codes.items() if code}, outcomes, "code")
        existing = {
            cdcs.code: cdcs
            for cdcs in GrassrootsUnion.objects.filter(code__in=set(codes.values())).annotate(
                federation_code=_federation_code_at(Month.of(timezone.localdate()))
            )
        }
        federations = {org.code: org for org in Organisation.objects.federations()}
        for number, row in rows.items():
            outcome = outcomes[number]
            if outcome.errors:
                continue
            if not codes[number]:
                outcome.refuse("code", _("Thiếu mã CĐCS."))
                continue
            try:
                with transaction.atomic():
                    if codes[number] in existing:
                        self._update(existing[codes[number]], row, outcome, user)
                    else:
                        self._found(codes[number], row, federations, outcome, user)
                    if outcome.errors:
                        transaction.set_rollback(True)
            except (ValidationError, PermissionDenied) as error:
                for column, texts in messages_of(error).items():
                    for text in texts:
                        outcome.refuse(column, text)
        return outcomes

    @staticmethod
    def _sector(value, outcome: Outcome) -> str | None:
        text = cell_text(value)
        for choice, label in Sector.choices:
            if text.casefold() in (choice, str(label).casefold()):
                return choice
        outcome.refuse(
            "sector",
            _("Khu vực “%(text)s” không có; hãy dùng một trong: %(choices)s.")
            % {"text": text, "choices": ", ".join(Sector.values)},
        )
        return None

    def _values(self, row, columns, outcome: Outcome) -> dict:
        """The editable columns present in the row, read."""
        values = {}
        for column in columns:
            if column not in row:
                continue
            if column == "sector":
                values[column] = self._sector(row[column], outcome)
            elif column == "workers":
                try:
                    values[column] = cell_int(row[column])
                except CellError as error:
                    outcome.refuse(column, str(error))
            else:
                values[column] = cell_text(row[column])
        return values

    def _found(self, code: str, row, federations, outcome: Outcome, user) -> None:
        values = self._values(row, self.EDITABLE, outcome)
        for column in ("name", "employer", "sector"):
            if column not in values:
                outcome.refuse(column, _("CĐCS mới: cần cột này."))
        federation = federations.get(cell_text(row.get("federation")))
        if federation is None:
            outcome.refuse(
                "federation",
                _("CĐCS mới: cần mã công đoàn cấp trên trong cột federation (ví dụ %(example)s).")
                % {"example": next(iter(federations), "DT")},
            )
        try:
            founded_on = cell_date(row.get("founded_on"))
            if founded_on is None:
                outcome.refuse("founded_on", _("CĐCS mới: cần ngày thành lập."))
        except CellError as error:
            outcome.refuse("founded_on", str(error))
        if cell_text(row.get("dissolved_on")):
            outcome.refuse("dissolved_on", _("CĐCS mới không thể đã giải thể: hãy giải thể qua Sổ CĐCS sau khi nhập."))
        if outcome.errors:
            return
        outcome.after = cdcs_found(
            code=code,
            name=values["name"],
            employer=values["employer"],
            sector=values["sector"],
            workers=values.get("workers") or 0,
            founded_on=founded_on,
            founding_decision=values.get("founding_decision", ""),
            federation=federation,
            user=user,
            source=Source.ADMIN,
        )
        outcome.after.federation_code = federation.code

    def _update(self, cdcs: GrassrootsUnion, row, outcome: Outcome, user) -> None:
        outcome.before = deepcopy(cdcs)
        dissolve = _("Giải thể CĐCS qua Sổ CĐCS (nút Giải thể), không qua nhập tệp.")
        for column, message in (
            ("founded_on", _("Ngày thành lập không sửa qua nhập tệp: nó quyết định số liệu của các tháng.")),
            ("dissolved_on", dissolve),
            ("dissolution_reason", dissolve),
        ):
            if column not in row:
                continue
            try:
                value = cell_text(row[column]) if column == "dissolution_reason" else cell_date(row[column])
            except CellError as error:
                outcome.refuse(column, str(error))
                continue
            if value != getattr(cdcs, column):
                outcome.refuse(column, message)
        if "federation" in row and cell_text(row["federation"]) not in ("", cdcs.federation_code):
            outcome.refuse("federation", _("Chuyển CĐCS sang đơn vị khác qua Sổ CĐCS (nút Chuyển đơn vị)."))
        values = self._values(row, self.EDITABLE, outcome)
        if outcome.errors:
            return
        federation = Organisation.objects.filter(code=cdcs.federation_code).first()
        if federation is not None:
            require_write(user, federation)
        changes = {
            column: [getattr(cdcs, column), value] for column, value in values.items() if getattr(cdcs, column) != value
        }
        outcome.after = cdcs
        if not changes:
            return
        for column, (_before, after) in changes.items():
            setattr(cdcs, column, after)
        cdcs.full_clean()
        cdcs.save(update_fields=list(changes))
        if "sector" in changes:  # its figures move to the other sector group
            summary_refresh_cdcs([cdcs.pk])
        audit_log(user, "cdcs.update", cdcs, source=Source.ADMIN, federation=federation, changes=changes)


# --- the admin side ---------------------------------------------------------------------------------


class ServiceImportExportMixin(ImportExportMixin):
    """For ModelAdmins: .xlsx and .csv only, the portal's file checks, import only for those who
    may add and change, a Vietnamese help text on the import page, and no "import finished"
    when the file could not be written (a month locked between preview and confirmation)."""

    formats = FORMATS
    import_help = ""
    SESSION_KEY = "admin_import_files"

    def import_action(self, request, **kwargs):
        """Remember the temporary file a preview left for its confirmation, in the session."""
        response = super().import_action(request, **kwargs)
        form = (getattr(response, "context_data", None) or {}).get("confirm_form")
        if form is not None:
            names = request.session.get(self.SESSION_KEY, [])[-20:]
            request.session[self.SESSION_KEY] = [*names, os.path.basename(form.initial["import_file_name"])]
        return response

    def process_import(self, request, **kwargs):
        """import-export takes the temporary file's name from the posted form: only a file this
        session's preview left is read (never another one in the temporary directory)."""
        name = os.path.basename(request.POST.get("import_file_name", ""))
        names = request.session.get(self.SESSION_KEY, [])
        if request.method != "POST" or name not in names:
            messages.error(request, _("Phiên nhập tệp này đã hết hạn. Hãy tải tệp lên lại."))
            return HttpResponseRedirect(reverse("admin:{}_{}_import".format(*self.get_model_info())))
        request.session[self.SESSION_KEY] = [other for other in names if other != name]
        return super().process_import(request, **kwargs)

    def has_import_permission(self, request):
        return (
            super().has_import_permission(request)
            and self.has_add_permission(request)
            and self.has_change_permission(request)
        )

    def has_export_permission(self, request):
        return super().has_export_permission(request) and self.has_view_permission(request)

    def create_import_form(self, request):
        form = super().create_import_form(request)
        form.fields["import_file"].help_text = self.import_help
        return form

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, UnsafeFile):
            form.add_error("import_file", str(e))
        else:
            form.add_error(
                "import_file", _("Không đọc được tệp. Hãy chọn đúng định dạng (xlsx hoặc csv) của tệp đã chọn.")
            )

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            problems = [
                _("dòng %(row)s: %(message)s") % {"row": row.number, "message": " ".join(row.error.messages)}
                for row in result.invalid_rows[:10]
            ]
            messages.error(
                request,
                _("Không nhập được tệp, không có gì thay đổi. %(problems)s") % {"problems": "; ".join(problems)},
            )
            return HttpResponseRedirect(reverse("admin:{}_{}_import".format(*self.get_model_info())))
        return super().process_result(result, request)

    def add_success_message(self, result, request):
        totals = result.totals
        messages.success(
            request,
            _("Đã nhập tệp: %(new)s dòng mới, %(updated)s dòng sửa, %(skipped)s dòng không đổi.")
            % {
                "new": totals[RowResult.IMPORT_TYPE_NEW],
                "updated": totals[RowResult.IMPORT_TYPE_UPDATE],
                "skipped": totals[RowResult.IMPORT_TYPE_SKIP],
            },
        )
