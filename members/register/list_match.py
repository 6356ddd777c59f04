"""A member list's lines matched with the register (members.register.list_import calls it): each line
to the record it is, by ID number anywhere in the province, else card number in the CĐCS, else
name and birth date; then the checks that need a record's history. A few queries whatever the
list's length."""

from django.db import connection
from django.db.models import Count, Max, Min, Q
from django.utils.translation import gettext as _

from members.access import PeopleScope
from members.models import GrassrootsUnion, Member, MemberEvent
from members.register.list_lines import Line, ListPreview, ListRow
from members.register.lists import day_shown
from members.register.people import card_key
from members.register.services import RECORD_FIELDS, MemberData, existing_member_event

# SQLite builds of old take 999 parameters: IN lists go in chunks. PostgreSQL takes a list whole as
# one array (`__any_of`, unionportal.lib.lookups): a 20,000-person list is one query, not 23.
CHUNK = 900


def chunks(items: list):
    size = max(len(items), 1) if connection.vendor == "postgresql" else CHUNK
    for start in range(0, len(items), size):
        yield items[start : start + size]


class Register:
    """The members a list is matched with, read in a few queries: every member of the CĐCS, and
    whoever holds one of the list's ID numbers anywhere in the province."""

    def __init__(self, cdcs: GrassrootsUnion, rows: list[MemberData], *, lock: bool):
        self.cdcs = cdcs
        own = Member.objects.filter(cdcs=cdcs).order_by("pk")
        self.own = list(own.select_for_update() if lock else own)
        own_ids = {member.id_number for member in self.own if member.id_number}
        wanted = sorted({data.id_number for data in rows if data.id_number} - own_ids)
        self.checked = len(wanted)  # looked for in the whole province
        holders = []
        for chunk in chunks(wanted):
            query = Member.objects.filter(id_number__any_of=chunk).select_related("cdcs").order_by()
            holders += query.select_for_update(of=("self",)) if lock else query
        self.by_id = {member.id_number: member for member in [*self.own, *holders] if member.id_number}
        self.by_card, self.by_name = {}, {}
        for member in self.own:
            if member.card_key:
                self.by_card.setdefault(member.card_key, []).append(member)
            self.by_name.setdefault(member.search_name.strip(), []).append(member)  # folded when saved


def _fits(member: Member, data: MemberData) -> bool:
    """Nothing in the record contradicts the line: no different ID number, card or birth date."""
    if member.card_key and data.card_number and member.card_key != card_key(data.card_number):
        return False
    return not any(
        getattr(member, name) and getattr(data, name) and getattr(member, name) != getattr(data, name)
        for name in ("id_number", "born_on")
    )


def _pick(candidates: list[Member], data: MemberData) -> tuple[Member | None, int]:
    """The one candidate that fits (an active one before those who left), or how many fit."""
    fits = [member for member in candidates if _fits(member, data)]
    if len(fits) > 1:
        fits = [member for member in fits if member.is_active] or fits
    return (fits[0], 1) if len(fits) == 1 else (None, len(fits))


def register_match(rows: list[ListRow], register: Register, preview: ListPreview, scope: PeopleScope) -> None:
    """Each line to the record it is: by ID number anywhere (someone active in another CĐCS is
    refused), else by card number in the CĐCS, then, once those are taken, by name and birth date."""
    cdcs = register.cdcs
    claimed: dict[int, int] = {}  # member pk → line
    found: dict[int, Member | None] = {}
    later = []

    def claim(number: int, member: Member) -> None:
        if member.pk in claimed:
            message = _("Dòng này và dòng %(first)s cùng là một đoàn viên trong sổ.") % {"first": claimed[member.pk]}
            preview.refuse(number, "full_name", message)
            return
        claimed[member.pk] = number
        found[number] = member

    for row in rows:
        number, data = row.number, row.data
        holder = register.by_id.get(data.id_number) if data.id_number else None
        if holder is not None:
            if holder.cdcs_id != cdcs.pk and holder.is_active:
                preview.refuse_holder(number, holder, scope)
            else:
                claim(number, holder)
            continue
        candidates = register.by_card.get(card_key(data.card_number), []) if data.card_number else []
        if candidates:
            member, fitting = _pick(candidates, data)
            if member is not None:
                claim(number, member)
            elif fitting:
                message = _("Số thẻ đoàn viên này ghi cho %(n)s người trong sổ.") % {"n": fitting}
                preview.refuse(number, "card_number", message)
            else:
                message = _("Số thẻ đoàn viên này đã ghi cho một người khác trong sổ (khác số CCCD hoặc ngày sinh).")
                preview.refuse(number, "card_number", message)
            continue
        later.append(row)
    for row in later:
        number, data = row.number, row.data
        candidates = [member for member in register.by_name.get(row.name, []) if member.pk not in claimed]
        member, fitting = None, 0
        if data.born_on:
            member, fitting = _pick([m for m in candidates if m.born_on == data.born_on], data)
            if member is None and not fitting:
                member, fitting = _pick([m for m in candidates if m.born_on is None], data)
        else:
            member, fitting = _pick(candidates, data)
        if member is not None:
            claim(number, member)
        elif fitting:
            message = _(
                "Có %(n)s đoàn viên cùng họ tên trong sổ; cần ghi ngày sinh, số CCCD hoặc số thẻ để phân biệt."
            ) % {"n": fitting}
            preview.refuse(number, "full_name", message)
        else:
            found.setdefault(number, None)
    problem_rows = {problem.row for problem in preview.problems}
    for row in rows:
        if row.number in found and row.number not in problem_rows:
            line = _line(row.number, row.data, found[row.number], preview, scope)
            if line is not None:
                preview.lines.append(line)


def _line(
    number: int, data: MemberData, member: Member | None, preview: ListPreview, scope: PeopleScope
) -> Line | None:
    cdcs = preview.cdcs
    if member is not None and not scope.reads(member):
        # Someone who left a CĐCS the user may not read: their record is taken up again (an ID
        # number is one person), with what the line says and nothing that was saved.
        line = Line(number, data, member, known=False)
    elif member is not None:
        saved = {name: getattr(member, name) for name in RECORD_FIELDS}
        data = MemberData(**{name: getattr(data, name) or saved[name] for name in RECORD_FIELDS})
        if card_key(data.card_number) == member.card_key:
            data.card_number = saved["card_number"]  # "tn1234" for TN0001234 is no change
        changed = [name for name in RECORD_FIELDS if getattr(data, name) != saved[name]]
        line = Line(number, data, member, changed=changed, before={name: saved[name] for name in changed})
        if member.is_active and member.cdcs_id == cdcs.pk:
            return line
    else:
        line = Line(number, data)
    start = preview.register_from
    joined = data.joined_on
    if joined >= preview.month.first_day or (not preview.register_starts and joined >= start.first_day):
        line.event, line.on = MemberEvent.Kind.ADMITTED, joined
    else:
        line.event, line.on = existing_member_event(cdcs, start)
    if line.on < cdcs.founded_on:
        message = _("%(cdcs)s thành lập ngày %(founded)s, sau ngày vào công đoàn %(day)s.") % {
            "cdcs": cdcs.name,
            "founded": day_shown(cdcs.founded_on),
            "day": day_shown(line.on),
        }
        preview.refuse(number, "joined_on", message)
        return None
    if cdcs.dissolved_on and line.on > cdcs.dissolved_on:
        message = _("%(cdcs)s đã giải thể ngày %(day)s.") % {"cdcs": cdcs.name, "day": day_shown(cdcs.dissolved_on)}
        preview.refuse(number, "joined_on", message)
        return None
    return line


def histories_check(preview: ListPreview, scope: PeopleScope) -> None:
    """Lines that touch a record with a history: someone re-admitted enters after their last event;
    a new date of joining is not after the member's first event, nor moves an admission (that is
    done on the member's page, which moves the event with it)."""
    readmitted = [line for line in preview.lines if line.returns]
    redated = [line for line in preview.lines if not line.event and "joined_on" in line.changed]
    pks = sorted({line.member.pk for line in [*readmitted, *redated]})
    if not pks:
        return
    stats = {}
    for chunk in chunks(pks):
        rows = (
            MemberEvent.objects.filter(member_id__any_of=chunk)
            .values("member_id")
            .annotate(
                first=Min("on"),
                last=Max("on"),
                admitted=Count("pk", filter=Q(kind=MemberEvent.Kind.ADMITTED, cdcs=preview.cdcs)),
            )
            .order_by()
        )
        stats.update({row["member_id"]: row for row in rows})
    dropped = set()
    for line in readmitted:
        last = stats.get(line.member.pk, {}).get("last")
        if last and line.on < last and not line.known:
            preview.refuse_holder(line.row, line.member, scope)
            dropped.add(line.row)
        elif last and line.on < last:
            message = _(
                "Người này đã có trong sổ đoàn viên, biến động gần nhất ngày %(last)s: không ghi vào CĐCS từ "
                "ngày %(day)s trước đó được."
            ) % {"last": day_shown(last), "day": day_shown(line.on)}
            preview.refuse(line.row, "joined_on", message)
            dropped.add(line.row)
    for line in redated:
        row = stats.get(line.member.pk, {})
        if row.get("admitted"):
            message = _(
                "Ngày vào công đoàn khác ngày kết nạp đã ghi trong sổ (%(day)s); hãy sửa ở hồ sơ đoàn viên."
            ) % {"day": day_shown(line.before["joined_on"])}
        elif row.get("first") and line.data.joined_on > row["first"]:
            message = _("Ngày vào công đoàn không được sau ngày người này vào sổ (%(day)s).") % {
                "day": day_shown(row["first"])
            }
        else:
            continue
        preview.refuse(line.row, "joined_on", message)
        dropped.add(line.row)
    preview.lines = [line for line in preview.lines if line.row not in dropped]
