"""Every write to programmes and quotas."""

from collections.abc import Mapping
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext as _

from members.access import require_provincial
from members.audit import audit_log
from members.models import AuditEntry, Organisation
from unionportal.lib.formatting import parse_whole

from .models import Programme, Quota
from .selectors import QUOTA_KINDS, active_in_year

# A programme covers one union term (five years) or a little more when terms overlap.
MAX_PROGRAMME_YEARS = 10
# What a PositiveIntegerField holds on every database.
MAX_QUOTA = 2_147_483_647


@transaction.atomic
def programme_create(
    *, name: str, document_number: str, document_date: date, first_year: int, last_year: int, user
) -> Programme:
    require_provincial(user)
    programme = Programme(
        name=name.strip(),
        document_number=document_number.strip(),
        document_date=document_date,
        first_year=first_year,
        last_year=last_year,
    )
    errors = {}
    if first_year and last_year and last_year < first_year:
        errors["last_year"] = _("Năm kết thúc không được trước năm bắt đầu.")
    elif first_year and last_year and last_year - first_year + 1 > MAX_PROGRAMME_YEARS:
        errors["last_year"] = _("Một chương trình kéo dài tối đa %(n)s năm.") % {"n": MAX_PROGRAMME_YEARS}
    if Programme.objects.filter(document_number=programme.document_number, document_date=document_date).exists():
        errors["document_number"] = _("Đã có chương trình số %(number)s ban hành ngày %(date)s.") % {
            "number": programme.document_number,
            "date": formats.date_format(document_date, "SHORT_DATE_FORMAT"),
        }
    if errors:
        raise ValidationError(errors)
    programme.full_clean()
    programme.save()
    audit_log(user, "programme.create", programme)
    return programme


@transaction.atomic
def programme_copy(
    *,
    source: Programme,
    name: str,
    document_number: str,
    document_date: date,
    first_year: int,
    last_year: int,
    copy_values: bool = False,
    user,
) -> Programme:
    """Create a programme with the structure of `source`: a quota row for every year of the new
    programme for each organisation that had quotas in `source` and is still active (not merged,
    not ended before the new programme starts). The quotas are zero or, with copy_values, the
    source's last-year quotas, as a starting point to edit."""
    programme = programme_create(
        name=name,
        document_number=document_number,
        document_date=document_date,
        first_year=first_year,
        last_year=last_year,
        user=user,
    )
    still_active = Q(organisation__active_to__isnull=True) | Q(organisation__active_to__gte=date(first_year, 1, 1))
    last_year_values: dict[int, tuple[int, ...]] = {}
    for org_id, year, *numbers in (
        Quota.objects.filter(still_active, programme=source, organisation__merged_into__isnull=True)
        .order_by("organisation_id", "year")
        .values_list("organisation_id", "year", *QUOTA_KINDS)
    ):
        last_year_values.setdefault(org_id, (0,) * len(QUOTA_KINDS))
        if copy_values and year == source.last_year:
            last_year_values[org_id] = tuple(numbers)
    quotas = Quota.objects.bulk_create(
        Quota(programme=programme, organisation_id=org_id, year=year, **dict(zip(QUOTA_KINDS, numbers, strict=True)))
        for org_id, numbers in last_year_values.items()
        for year in programme.years
    )
    # One entry for the whole copy: the rows are derived from the source, not typed by anyone.
    audit_log(
        user,
        "programme.copy",
        programme,
        copied_from=str(source),
        copied_from_id=source.pk,
        organisations=len(last_year_values),
        quotas=len(quotas),
        with_values=copy_values,
    )
    return programme


@transaction.atomic
def quota_set(
    *,
    programme: Programme,
    organisation: Organisation,
    year: int,
    new_members: int,
    new_unions: int,
    trained_officers: int | None = None,
    user,
    source: str = AuditEntry.Source.WEB,
) -> Quota:
    """Set (create or replace) one organisation's quotas for one year. Provincial staff only.
    trained_officers=None keeps the training quota as it is (0 for a new row)."""
    require_provincial(user)
    quota = Quota.objects.filter(programme=programme, organisation=organisation, year=year).first() or Quota(
        programme=programme, organisation=organisation, year=year
    )
    before = (quota.new_members, quota.new_unions) if quota.pk else None
    trained_before = quota.trained_officers
    quota.new_members, quota.new_unions = new_members, new_unions
    if trained_officers is not None:
        quota.trained_officers = trained_officers
    quota.full_clean()
    quota.save()
    # The training quota came later: its change is recorded beside the pair of the first two.
    trained = {"trained_officers": [trained_before, quota.trained_officers]} if trained_officers is not None else {}
    audit_log(
        user,
        "quota.set",
        quota,
        source=source,
        federation=organisation if not organisation.is_province else None,
        before=before,
        after=[new_members, new_unions],
        **trained,
    )
    return quota


def _whole_number(raw) -> tuple[int | None, str]:
    """(value, "") or (None, the reason it is refused). Empty means 0; text is read as the grid
    shows numbers and people type them (9500, 9.500, 9 500)."""
    if raw is None:
        return 0, ""
    if isinstance(raw, bool):
        return None, _("Phải là số nguyên.")
    if isinstance(raw, int):
        value = raw
    else:
        try:
            value = parse_whole(str(raw))
        except ValueError:
            return None, _("Phải là số nguyên.")
        if value is None:
            return 0, ""
    if value < 0:
        return None, _("Không được âm.")
    if value > MAX_QUOTA:
        return None, _("Số quá lớn.")
    return value, ""


@transaction.atomic
def quotas_save(
    *, programme: Programme, values: Mapping[tuple[int, int], tuple], user, source: str = AuditEntry.Source.WEB
) -> int:
    """Save a whole grid of quotas: values maps (organisation id, year) to the numbers of
    QUOTA_KINDS (new members, new unions, trained officers), each an int or the text typed (empty
    means 0); a shorter tuple keeps the kinds it leaves out as they are. Everything is checked first; a
    ValidationError keyed by (organisation id, year, kind) lists every bad number and nothing is
    written. Only cells whose numbers change are written (each through quota_set, so audited).
    Returns how many (organisation, year) cells changed."""
    require_provincial(user)
    # Two people saving the same grid at once: one waits for the other.
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    orgs = Organisation.objects.in_bulk({org_id for org_id, _year in values})
    if any(org_id not in orgs or year not in programme.years for org_id, year in values):
        raise ValidationError(_("Có ô chỉ tiêu không thuộc chương trình này. Hãy tải lại trang."))
    existing = {(quota.organisation_id, quota.year): quota for quota in Quota.objects.filter(programme=programme)}

    errors, changes = {}, []
    for (org_id, year), raw in values.items():
        org, quota = orgs[org_id], existing.get((org_id, year))
        before = [getattr(quota, kind) for kind in QUOTA_KINDS] if quota else [0] * len(QUOTA_KINDS)
        numbers = list(before)
        for index, (kind, raw_value) in enumerate(zip(QUOTA_KINDS, raw, strict=False)):
            value, error = _whole_number(raw_value)
            if error:
                errors[(org_id, year, kind)] = [error]
            numbers[index] = value
        if None in numbers:
            continue
        if numbers == before:
            continue
        if quota is None and not org.is_province and not active_in_year(org, year):
            errors[(org_id, year, QUOTA_KINDS[0])] = [
                _("%(org)s không hoạt động trong năm %(year)s.") % {"org": org.name, "year": year}
            ]
            continue
        changes.append((org, year, numbers))
    if errors:
        raise ValidationError(errors)

    for org, year, (new_members, new_unions, trained_officers) in changes:
        quota_set(
            programme=programme,
            organisation=org,
            year=year,
            new_members=new_members,
            new_unions=new_unions,
            trained_officers=trained_officers,
            user=user,
            source=source,
        )
    return len(changes)
