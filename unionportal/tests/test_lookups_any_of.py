"""unionportal.lib.lookups' `__any_of`: the same rows as `__in`, with one array parameter on
PostgreSQL (numbers as `= ANY`, text joined as a set), for ids, foreign keys and ID numbers."""

from datetime import date

from members.models import Member
from members.register.services import MemberData, member_admit


def test_any_of_finds_what_in_finds(federation, make_cdcs):
    first, second = make_cdcs(federation), make_cdcs(federation)
    members = [
        member_admit(
            cdcs=first if n % 2 else second,
            data=MemberData(full_name=f"Người {n}", joined_on=date(2021, 3, 1), id_number=f"0010900012{n:02d}"),
            user=None,
        )
        for n in range(6)
    ]
    pks = [member.pk for member in members[:4]] + [10**9]
    numbers = [member.id_number for member in members[1:3]] + ["999999999999"]

    for field, values in (
        ("pk", pks),
        ("cdcs", [first.pk]),
        ("cdcs_id", [first.pk, second.pk]),
        ("id_number", numbers),
    ):
        found = set(Member.objects.filter(**{f"{field}__any_of": values}))
        assert found == set(Member.objects.filter(**{f"{field}__in": values})), field
        assert found
    assert not Member.objects.filter(pk__any_of=[]).exists()
