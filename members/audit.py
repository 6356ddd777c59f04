"""The audit trail: every service that changes something records it here."""

from django.db import models

from unionportal.lib.bulk import insert_many
from unionportal.lib.months import Month

from .models import AuditEntry


def audit_entry(
    user,
    action: str,
    obj: models.Model | None = None,
    *,
    source: str = AuditEntry.Source.WEB,
    federation=None,
    month: Month | None = None,
    **data,
) -> AuditEntry:
    """An unsaved entry: audit_log saves one, audit_many saves many at once."""
    user = user if user is not None and user.is_authenticated else None
    return AuditEntry(
        user=user,
        username=user.get_username() if user else "",
        action=action,
        source=source,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:255] if obj is not None else "",
        federation=federation,
        month=month.first_day if month else None,
        data=data,
    )


def audit_log(user, action: str, obj: models.Model | None = None, **kwargs) -> AuditEntry:
    entry = audit_entry(user, action, obj, **kwargs)
    entry.save()
    return entry


def audit_many(entries) -> None:
    """Bulk writes are audited like single ones, one entry per object, in a few inserts."""
    insert_many(list(entries))
