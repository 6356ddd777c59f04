"""Quotas in the admin's import and export (see unionportal.lib.resources for how these resources work).

An import is written programme by programme through quotas_save, the service of the quota grid:
the same checks (whole numbers, not negative, the programme's years, organisations active that
year), provincial staff only, audited, and nothing written if any row is refused."""

from collections import defaultdict
from copy import deepcopy

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from import_export import fields

from members.models import AuditEntry, Organisation
from unionportal.lib.resources import (
    CellError,
    Outcome,
    ServiceResource,
    cell_int,
    cell_text,
    messages_of,
    refuse_duplicates,
)

from .models import Programme, Quota
from .selectors import QUOTA_KINDS
from .services import quotas_save


def _raw(value):
    """A quota cell for quotas_save, which reads text as the grid sends it: 100.0 from Excel is 100."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return cell_text(value) if not isinstance(value, int) else value


class QuotaResource(ServiceResource):
    # Files made before the training quota existed have no trained_officers column: it is kept as is.
    required_columns = ("programme", "organisation", "year", "new_members", "new_unions")

    programme_document = fields.Field(
        attribute="programme__document_number", column_name="programme_document", readonly=True
    )
    organisation = fields.Field(attribute="organisation__code", column_name="organisation")
    organisation_name = fields.Field(attribute="organisation__name", column_name="organisation_name", readonly=True)

    class Meta:
        model = Quota
        fields = ("programme", "programme_document", "organisation", "organisation_name", "year", *QUOTA_KINDS)
        export_order = fields

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("programme", "organisation")

    def write(self, rows, *, user):
        outcomes = {number: Outcome() for number in rows}
        programmes = Programme.objects.in_bulk()
        orgs = {org.code: org for org in Organisation.objects.all()}
        cells: dict[Programme, dict[int, tuple]] = defaultdict(dict)
        keys = {}
        for number, row in rows.items():
            outcome = outcomes[number]
            try:
                programme = programmes.get(cell_int(row.get("programme")))
                if programme is None:
                    outcome.refuse("programme", _("Không có chương trình này (cột programme là số thứ tự của nó)."))
            except CellError as error:
                outcome.refuse("programme", str(error))
            org = orgs.get(cell_text(row.get("organisation")))
            if org is None:
                outcome.refuse(
                    "organisation",
                    _("Không có đơn vị mã “%(code)s”.") % {"code": cell_text(row.get("organisation"))},
                )
            try:
                year = cell_int(row.get("year"))
            except CellError as error:
                outcome.refuse("year", str(error))
            else:
                if year is None:
                    outcome.refuse("year", _("Thiếu năm."))
                elif not outcome.errors and year not in programme.years:
                    outcome.refuse(
                        "year",
                        _("Năm %(year)s nằm ngoài chương trình (%(first)s–%(last)s).")
                        % {"year": year, "first": programme.first_year, "last": programme.last_year},
                    )
            if outcome.errors:
                continue
            keys[number] = (programme.pk, org.pk, year)
            cells[programme][number] = (org, year, tuple(_raw(row.get(kind)) for kind in QUOTA_KINDS if kind in row))
        refuse_duplicates(keys, outcomes, "organisation")
        for programme, by_row in cells.items():
            by_row = {number: cell for number, cell in by_row.items() if not outcomes[number].errors}
            self._save(programme, by_row, outcomes, user)
        return outcomes

    def _save(self, programme: Programme, by_row: dict[int, tuple], outcomes, user) -> None:
        number_of = {(org.pk, year): number for number, (org, year, _numbers) in by_row.items()}
        before = {
            (quota.organisation_id, quota.year): deepcopy(quota)
            for quota in Quota.objects.filter(programme=programme).select_related("programme", "organisation")
        }
        try:
            quotas_save(
                programme=programme,
                values={(org.pk, year): numbers for org, year, numbers in by_row.values()},
                user=user,
                source=AuditEntry.Source.ADMIN,
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for (org_id, year, kind), errors in error.error_dict.items():
                    for message in ValidationError(errors).messages:
                        outcomes[number_of[(org_id, year)]].refuse(kind, message)
                return
            self._refuse_all(by_row, outcomes, error)
            return
        except PermissionDenied as error:
            self._refuse_all(by_row, outcomes, error)
            return
        after = {
            (quota.organisation_id, quota.year): quota
            for quota in Quota.objects.filter(programme=programme).select_related("programme", "organisation")
        }
        for key, number in number_of.items():
            # Zeros on a year without quotas write nothing: the row is shown as skipped.
            outcomes[number].before, outcomes[number].after = before.get(key), after.get(key)

    @staticmethod
    def _refuse_all(by_row, outcomes, error) -> None:
        for number in by_row:
            for column, texts in messages_of(error).items():
                for text in texts:
                    outcomes[number].refuse(column, text)
