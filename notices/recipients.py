"""Who hears of what: a federation's staff, and the steering committee's members."""

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from members.models import Organisation, Role
from members.selectors import followers


def federation_staff(federation_ids) -> QuerySet:
    """The active accounts that keep these federations' figures: their federation staff, and
    provincial staff for the province's direct block, whose months they enter and send."""
    federation_ids = list(federation_ids)
    keepers = Q(profile__role=Role.FEDERATION_STAFF, profile__federation_id__in=federation_ids)
    if Organisation.objects.filter(pk__in=federation_ids, kind=Organisation.Kind.DIRECT).exists():
        keepers |= Q(profile__role=Role.PROVINCIAL_STAFF)
    return get_user_model().objects.filter(keepers, is_active=True)


def steering_committee() -> QuerySet:
    """Users who follow federations (UserProfile.followed_federations)."""
    return followers()
