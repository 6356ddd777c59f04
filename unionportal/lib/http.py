"""Small helpers for views that every app may use."""

from django.views.decorators.cache import never_cache


def personal_data(view):
    """Mark a view whose pages or files show personal data (member records and lists): its
    responses say Cache-Control: no-store, private, so that no browser cache or proxy keeps a copy
    for the next person at a shared office computer, and Back after signing out shows nothing."""
    return never_cache(view)
