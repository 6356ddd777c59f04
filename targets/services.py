"""Every write to programmes and quotas."""

from datetime import date

from django.db import transaction

from members.access import require_provincial
from members.audit import audit_log
from members.models import Organisation

from .models import Programme, Quota


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
    programme.full_clean()
    programme.save()
    audit_log(user, "programme.create", programme)
    return programme


@transaction.atomic
def quota_set(
    *, programme: Programme, organisation: Organisation, year: int, new_members: int, new_unions: int, user
) -> Quota:
    """Set (create or replace) one organisation's quotas for one year. Provincial staff only."""
    require_provincial(user)
    quota = Quota.objects.filter(programme=programme, organisation=organisation, year=year).first() or Quota(
        programme=programme, organisation=organisation, year=year
    )
    before = (quota.new_members, quota.new_unions) if quota.pk else None
    quota.new_members, quota.new_unions = new_members, new_unions
    quota.full_clean()
    quota.save()
    audit_log(
        user,
        "quota.set",
        quota,
        federation=organisation if not organisation.is_province else None,
        before=before,
        after=[new_members, new_unions],
    )
    return quota
