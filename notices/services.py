"""The writes of notices: make them (for many people at once), read them, choose e-mail."""

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .delivery import deliver_after_commit
from .models import Notice, Preference


def wants_email(users: list) -> set[int]:
    """Ids of the users a notice should be mailed to: e-mail is set up for the portal, they have an
    address and did not turn e-mail off. One query, whatever the number of users."""
    if not settings.EMAIL_HOST:
        return set()
    with_address = [user.pk for user in users if user.email]
    off = set(Preference.objects.filter(user_id__in=with_address, email=False).values_list("user_id", flat=True))
    return {pk for pk in with_address if pk not in off}


def notices_create(*, users: Iterable, kind: str, data: dict, link: str, actor=None) -> list[Notice]:
    """One notice per user (never to `actor`, who did what it tells of), mailed after the
    transaction commits to those who want e-mail. Two queries and an insert."""
    users = [user for user in users if user.is_active and (actor is None or user.pk != actor.pk)]
    if not users:
        return []
    mailed = wants_email(users)
    notices = Notice.objects.bulk_create(
        [
            Notice(
                user=user,
                kind=kind,
                data=data,
                link=link,
                email=Notice.Email.PENDING if user.pk in mailed else Notice.Email.NONE,
            )
            for user in users
        ]
    )
    pending = [notice.pk for notice in notices if notice.email == Notice.Email.PENDING]
    if pending:
        deliver_after_commit(pending)
    return notices


def notice_read(*, notice: Notice) -> Notice:
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    return notice


@transaction.atomic
def notices_read_all(*, user) -> int:
    return Notice.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


def preference_set(*, user, email: bool) -> Preference:
    preference, _created = Preference.objects.update_or_create(user=user, defaults={"email": email})
    return preference


def email_wanted(user) -> bool:
    """The settings page's tick: on unless the user turned it off."""
    preference = Preference.objects.filter(user=user).first()
    return preference.email if preference else True
