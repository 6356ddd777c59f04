"""django-import-export in the admin for the CĐCS and their monthly figures (the machinery, shared
with targets' quotas, is unionportal.lib.resources): every row is written through the services,
a whole file at once or nothing; figures_record_many writes a federation-month at once."""

from collections import defaultdict
from copy import deepcopy

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import fields

from unionportal.lib.months import Month
from unionportal.lib.resources import (
    CellError,
    Outcome,
    ServiceResource,
    cell_date,
    cell_int,
    cell_month,
    cell_text,
    messages_of,
    refuse_duplicates,
)

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
