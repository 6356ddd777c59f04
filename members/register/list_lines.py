"""What a member list would do, line by line (members.register.list_import previews and writes it,
members.register.list_match matches its lines with the register): each `Line` against the record it
changes, and the `ListPreview` of the whole list, whose `plan` the confirmation must match."""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from django.utils.translation import gettext as _

from members.access import PeopleScope, id_holder_refusal
from members.models import Gender, GrassrootsUnion, Member, MemberEvent
from members.register.event_months import EventMonth
from members.register.lists import HEADERS, LIST_SHEET, day_shown
from members.register.people import mask_id
from members.register.services import MemberData
from unionportal.lib.months import Month
from unionportal.lib.sheets import Problem


@dataclass
class Line:
    """One line of the list against the register."""

    row: int
    data: MemberData  # the record as it will be (blank cells keep what is saved)
    member: Member | None = None  # the record it changes; None: a new one
    event: str = ""  # MemberEvent.Kind.ADMITTED or OPENING when the person enters the CĐCS
    on: date | None = None
    changed: list[str] = field(default_factory=list)  # fields of an existing record that the list changes
    before: dict = field(default_factory=dict)  # their saved values
    # False for the record of someone who left a CĐCS the user may not read: the line shows and
    # writes only what it says itself, and nothing tells that a record was there.
    known: bool = True
    counted: EventMonth | None = None  # the month the event counts in, when the line has one

    @property
    def writes(self) -> bool:
        return self.member is None or bool(self.event or self.changed)

    @property
    def returns(self) -> bool:
        """Someone with a record in the register (who left) enters the CĐCS on it."""
        return self.member is not None and bool(self.event)

    @property
    def readmitted(self) -> bool:
        """Shown as someone who had a record: only to those who may read it."""
        return self.returns and self.known

    @property
    def id_shown(self) -> str:
        return _shown_value("id_number", self.data.id_number)

    @property
    def gender_shown(self) -> str:
        return _shown_value("gender", self.data.gender)

    @property
    def changes(self) -> list[tuple[str, str, str]]:
        """(column, before, after) in words, ID numbers masked."""
        return [(HEADERS[name], _shown_value(name, self.before[name]), _shown_value(name, getattr(self.data, name)))
                for name in self.changed]  # fmt: skip


def _shown_value(name: str, value) -> str:
    if value in (None, ""):
        return "–"
    if name == "id_number":
        return mask_id(value)
    if name == "gender":
        return str(Gender(value).label)
    if isinstance(value, date):
        return day_shown(value)
    return str(value)


@dataclass
class ListPreview:
    cdcs: GrassrootsUnion
    month: Month
    sheet: str = LIST_SHEET
    register_from: Month | None = None  # the month the CĐCS's register starts (or started)
    register_starts: bool = False  # the import starts it
    lines: list[Line] = field(default_factory=list)  # in the order of the file
    missing: int = 0  # active members of the CĐCS that the list does not name (they stay)
    problems: list[Problem] = field(default_factory=list)
    # The list's look-ups in the province's register (members.register.lookups): ID numbers looked
    # for beyond the CĐCS's own members, and lines answered "a member elsewhere".
    checked: int = 0
    found_elsewhere: int = 0
    approved: list[Month] = field(default_factory=list)  # approved months some lines count in

    def refuse(self, row: int | None, key: str, message: str) -> None:
        self.problems.append(Problem(self.sheet if row else "", row, HEADERS.get(key, ""), message))

    def refuse_holder(self, row: int, holder: Member, scope: PeopleScope) -> None:
        """The line's ID number is `holder`'s, who is active in another CĐCS or whose history
        stands in the way: said as members.access.id_holder_refusal allows."""
        message, elsewhere = id_holder_refusal(scope, holder, transfer_hint=holder.is_active)
        self.refuse(row, "id_number", message)
        self.found_elsewhere += int(elsewhere)

    def _new(self, kind: str) -> list[Line]:
        return [line for line in self.lines if line.event == kind]

    @property
    def admitted(self) -> list[Line]:
        """Kết nạp mới in the list's month."""
        return [line for line in self._new(MemberEvent.Kind.ADMITTED) if line.on >= self.month.first_day]

    @property
    def admitted_before(self) -> list[Line]:
        """Admitted in an earlier month of a register already kept: recorded in that month."""
        return [line for line in self._new(MemberEvent.Kind.ADMITTED) if line.on < self.month.first_day]

    @property
    def opening(self) -> list[Line]:
        """Members already, entered into the register from its first month."""
        return self._new(MemberEvent.Kind.OPENING)

    @property
    def arrived(self) -> list[Line]:
        """Members already, entering a CĐCS founded in the register's first month: transferred in."""
        return self._new(MemberEvent.Kind.TRANSFERRED_IN)

    @property
    def readmitted(self) -> list[Line]:
        return [line for line in self.lines if line.readmitted]

    @property
    def updated(self) -> list[Line]:
        return [line for line in self.lines if line.member is not None and not line.event and line.changed]

    @property
    def unchanged(self) -> int:
        return sum(1 for line in self.lines if not line.writes)

    @property
    def has_changes(self) -> bool:
        return any(line.writes for line in self.lines)

    @property
    def can_import(self) -> bool:
        return not self.problems and self.has_changes

    @cached_property
    def plan(self) -> str:
        """A fingerprint of what the import would write: the confirmation must match it. Read once
        the preview is complete (the pages ask twice: 20,000 lines take a few hundred ms)."""
        items = [
            [
                line.row,
                line.member.pk if line.member else None,
                line.event,
                line.on,
                {name: [line.before[name], getattr(line.data, name)] for name in line.changed},
            ]
            for line in self.lines
        ]
        return hashlib.sha256(json.dumps(items, default=str, sort_keys=True).encode()).hexdigest()


def approved_lines_message(preview: ListPreview) -> str:
    return _(
        "Có người trong danh sách tính vào số liệu tháng đã duyệt, khóa số liệu (%(months)s). Số liệu đã duyệt giữ "
        "nguyên; đối chiếu với sổ đoàn viên sẽ lệch ở tháng đó. Nếu đúng là vậy, hãy đánh dấu “Vẫn ghi vào tháng đã "
        "duyệt” rồi xác nhận."
    ) % {"months": ", ".join(str(month) for month in preview.approved)}


@dataclass
class ListRow:
    """A line of the list that passed its own checks, ready to be matched."""

    number: int
    data: MemberData
    name: str  # folded (members.register.people.fold), to compare names
