"""django-import-export in the admin, the portal's way: .xlsx and .csv read with the portal's file
checks (unionportal.lib.xlsx), cells read as typed or exported, and a ServiceResource that writes
a whole file through an app's services in one transaction and only reports each row.

Exports: every value goes through unionportal.lib.xlsx.safe_value whatever the format (only
.xlsx and .csv are offered), and numbers and dates stay native, so that Excel reads numbers as
numbers and a name typed as "=HYPERLINK(…)" as text.

Imports: no path around the services. import-export's row-by-row machinery cannot group rows
(a service may write many rows at once) nor make a file all-or-nothing, so a ServiceResource
reads the whole file in `before_import`, writes it through the services in one transaction
(rolled back when any row is refused, and always on the preview), and then only reports each
row: refused (with the services' Vietnamese messages), new, changed or unchanged. The apps'
resources: members.figures.resources (CĐCS, monthly figures), targets.resources (quotas)."""

import io
import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime

import openpyxl
import tablib
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from import_export import resources
from import_export.admin import ImportExportMixin
from import_export.formats import base_formats
from import_export.results import RowResult

from .months import Month
from .xlsx import UnsafeFile, check_xlsx, safe_value, unescape_text

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
