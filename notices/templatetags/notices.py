from django import template

from ..selectors import unread_count

register = template.Library()


@register.simple_tag
def notices_unread(user) -> int:
    """The bell's count: one query, on the pages that show the navbar to a signed-in user."""
    return unread_count(user) if user.is_authenticated else 0
