"""Reads of notices: the bell's count (one query) and a user's list."""

from django.db.models import QuerySet

from .models import Notice


def unread_count(user) -> int:
    return Notice.objects.filter(user=user, read_at__isnull=True).count()


def notices_of(user) -> QuerySet[Notice]:
    """The user's notices, newest first."""
    return Notice.objects.filter(user=user).order_by("-created_at", "-pk")
