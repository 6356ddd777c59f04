"""The demo province's member register (sổ đoàn viên): a few CĐCS of LĐLĐ huyện Đại Từ keep their
register on the portal for the last three months, with people whose events add up to the monthly
figures the demo reported, so that the reconciliation page shows them reconciled; one of them
admitted a member last month whom its figures left out, so that it shows one difference.

Written in bulk around the services, like the rest of the demo: synthetic people (names drawn from
common Vietnamese names, ID numbers that agree with birth year and gender)."""

import random
from datetime import date, timedelta

from django.utils import timezone

from members.models import LOSS_FIELDS, Gender, GrassrootsUnion, Member, MemberEvent
from members.register.people import card_key, id_number_for, search_key
from unionportal.lib.bulk import insert_many
from unionportal.lib.months import Month, month_range

REGISTER_FEDERATION = "DT"
REGISTER_CDCS = 8
REGISTER_MONTHS = 3

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Ma"]
MIDDLE = {Gender.MALE: ["Văn", "Đức", "Minh", "Quang", "Hữu", "Công"], Gender.FEMALE: ["Thị", "Thu", "Ngọc", "Thanh"]}
GIVEN = {
    Gender.MALE: ["An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Khánh", "Long", "Nam", "Phong", "Quân", "Sơn", "Tuấn"],
    Gender.FEMALE: ["Anh", "Chi", "Dung", "Hà", "Hằng", "Hoa", "Hương", "Lan", "Linh", "Mai", "Nga", "Trang", "Yến"],
}
ETHNICITIES = ["Kinh"] * 8 + ["Tày", "Nùng", "Sán Dìu", "Dao"]
JOBS = ["Công nhân", "Công nhân may", "Kỹ thuật viên", "Nhân viên văn phòng", "Tổ trưởng sản xuất", "Lái xe"]


class _People:
    def __init__(self):
        self.rng = random.Random("members-2018")
        self.serial = 0

    def person(self, cdcs: GrassrootsUnion, joined_on: date, **extra) -> Member:
        rng = self.rng
        gender = rng.choice([Gender.MALE, Gender.FEMALE])
        name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE[gender])} {rng.choice(GIVEN[gender])}"
        born_on = date(joined_on.year - rng.randint(19, 45), rng.randint(1, 12), rng.randint(1, 28))
        self.serial += 1
        id_number = ""
        if rng.random() < 0.9:  # some lists still lack ID numbers
            id_number = id_number_for(born_on, gender, self.serial)
        return Member(
            cdcs=cdcs,
            full_name=name,
            search_name=search_key(name),
            born_on=born_on,
            gender=gender,
            ethnicity=rng.choice(ETHNICITIES),
            id_number=id_number,
            card_number=f"TN{self.serial:07d}",
            card_key=card_key(f"TN{self.serial:07d}"),
            joined_on=joined_on,
            job=rng.choice(JOBS),
            **extra,
        )


def _day_in(rng: random.Random, month: Month, today: date) -> date:
    last = min(month.last_day, today)
    return month.first_day + timedelta(days=rng.randrange((last - month.first_day).days + 1))


def seed_register(
    unions, by_code: dict[str, GrassrootsUnion], end: Month, *, federation: str = REGISTER_FEDERATION
) -> int:
    """Give REGISTER_CDCS CĐCS of `federation` (the register federation, or the union that took
    its place) a register from end − 2 to end that matches their reported months (rows of
    members.demo.builder). Returns the members written."""
    today = timezone.localdate()
    start = end - (REGISTER_MONTHS - 1)
    keeping = [
        union
        for union in unions
        if union.federation_at(end) == federation
        and union.code in by_code
        and union.dissolved_on is None
        and all(month in union.rows for month in month_range(start, end))
        and 10 <= union.rows[start]["members_start"] <= 400
    ][:REGISTER_CDCS]
    people = _People()
    members, events = [], []  # events as (member, cdcs, kind, reason, day)
    for index, union in enumerate(keeping):
        cdcs = by_code[union.code]
        active = [
            people.person(cdcs, date(people.rng.randint(2005, start.year - 1), people.rng.randint(1, 12), 1))
            for _ in range(union.rows[start]["members_start"])
        ]
        members += active
        events += [(member, "opening", "", start.first_day) for member in active]
        for month in month_range(start, end):
            row = union.rows[month]
            extra = 1 if index == 0 and month == end else 0  # an admission the figures left out
            for _ in range(row["admitted"] + extra):
                member = people.person(cdcs, _day_in(people.rng, month, today))
                members.append(member)
                active.append(member)
                events.append((member, "admitted", "", member.joined_on))
            for _ in range(row["transferred_in"]):
                member = people.person(cdcs, date(2015, 6, 1))
                members.append(member)
                active.append(member)
                events.append((member, "transferred_in", "", _day_in(people.rng, month, today)))
            for reason, column in LOSS_FIELDS.items():
                for _ in range(row[column]):
                    member = active.pop(people.rng.randrange(len(active)))
                    day = min(month.last_day, today)  # after whatever happened to them that month
                    member.status = Member.Status.TRANSFERRED_OUT if reason == "transferred_out" else Member.Status.LEFT
                    member.left_on, member.left_reason = day, reason
                    events.append((member, "lost", reason, day))
        cdcs.register_from = start.first_day
    insert_many(members, returning=True)
    insert_many(
        [
            MemberEvent(
                member=member, cdcs=member.cdcs, kind=kind, reason=reason, on=day, month=Month.of(day).first_day
            )
            for member, kind, reason, day in events
        ]
    )
    GrassrootsUnion.objects.filter(pk__in=[by_code[union.code].pk for union in keeping]).update(
        register_from=start.first_day
    )
    return len(members)
