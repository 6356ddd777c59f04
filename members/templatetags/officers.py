"""The "Ban chấp hành" card of a CĐCS's page: its term today and what its committees lack
(members.officers.selectors.cdcs_committees; counts and days, no one's name, which every role
that sees the CĐCS may read), and the way to its committees' page."""

from django import template
from django.utils import timezone

from ..officers.rules import may_write_officers
from ..officers.selectors import cdcs_committees

register = template.Library()


@register.inclusion_tag("members/officers/_card.html", takes_context=True)
def officers_card(context, cdcs):
    found = cdcs_committees(cdcs, timezone.localdate())
    return {
        "cdcs": cdcs,
        "term": found.term,
        "status": found.status,
        "chair": next((o for o in found.executive if o.post == "chair"), None),
        "can_write": may_write_officers(context["request"].user, cdcs),
    }
