"""The "Sổ đoàn viên" card of a CĐCS's page: when its register starts, how many members are active
in it (counts, which every role that sees the CĐCS may read), and the member list's Excel links
for those who may read and write its members."""

from django import template
from django.utils import timezone

from unionportal.lib.months import Month

from ..access import can_read_people
from ..models import Member
from ..register.list_import import may_import

register = template.Library()


@register.inclusion_tag("members/member_lists/_register_card.html", takes_context=True)
def member_register_card(context, cdcs):
    user = context["request"].user
    people = can_read_people(user)
    writes = people and may_import(user, cdcs)
    return {
        "cdcs": cdcs,
        "register_from": Month.of(cdcs.register_from) if cdcs.register_from else None,
        "active": Member.objects.active().filter(cdcs=cdcs).count(),
        "can_export": writes,  # a full list with ID numbers: for those who keep this CĐCS's register
        "can_upload": writes and cdcs.is_active_in(Month.of(timezone.localdate())),
    }
