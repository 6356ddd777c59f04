"""The audit trail: every service that changes something records it here, and each app names
its own actions for people here (register_labels, from its AppConfig.ready(), as pretix's
plugins register their log entry types): the bottom app keeps no list of the others' actions."""

from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils import timezone

from unionportal.lib.bulk import insert_many, insert_rows
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


def audit_same(
    user,
    action: str,
    model: type[models.Model],
    objects: list[tuple[int, str, int | None, dict]],
    *,
    source: str = AuditEntry.Source.WEB,
    month: Month | None = None,
) -> None:
    """One entry per object of one model for one action, as audit_many writes them, from plain
    (id, repr, federation id, data) tuples: for the tens of thousands of people a reorganisation
    moves, without an AuditEntry object each."""
    user = user if user is not None and user.is_authenticated else None
    at = timezone.now()
    common = (at, user.pk if user else None, user.get_username() if user else "", action, source,
              model._meta.label_lower)  # fmt: skip
    first_day = month.first_day if month else None
    insert_rows(
        AuditEntry,
        [
            "at",
            "user_id",
            "username",
            "action",
            "source",
            "object_type",
            "object_id",
            "object_repr",
            "federation_id",
            "month",
            "data",
        ],  # fmt: skip
        [(*common, str(pk), text[:255], federation, first_day, data) for pk, text, federation, data in objects],
    )


# --- what each action is called -----------------------------------------------------------------

_LABELS: dict[str, str] = {}


def register_labels(labels: Mapping[str, str]) -> None:
    """Name an app's actions for the audit table and the histories (lazy strings, translated when
    shown). An action named twice is a mistake: two apps writing the same action would share it."""
    for action, label in labels.items():
        if _LABELS.get(action, label) is not label:
            raise ImproperlyConfigured(f"The audit action {action!r} is registered twice.")
    _LABELS.update(labels)


def action_label(action: str) -> str:
    """The action in words, in the active language; an action nobody registered as it is stored."""
    return str(_LABELS.get(action, action))


def labelled_actions() -> frozenset[str]:
    return frozenset(_LABELS)
