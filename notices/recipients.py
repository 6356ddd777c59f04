"""Who hears of what: a federation's staff, and the steering committee's members."""

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from members.models import Role
from members.selectors import followers


def federation_staff(federation_ids) -> QuerySet:
    """The active staff accounts of these federations."""
    return get_user_model().objects.filter(
        is_active=True, profile__role=Role.FEDERATION_STAFF, profile__federation_id__in=list(federation_ids)
    )


def steering_committee() -> QuerySet:
    """Users who follow federations (UserProfile.followed_federations)."""
    return followers()
