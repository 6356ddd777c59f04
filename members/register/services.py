"""The member register's writes: admitting a member or entering one who was a member already,
changing a record, losing a member, transfers between CĐCS of the province (pending until the
receiving CĐCS accepts them) and out of it, and closing every membership of a CĐCS that is
dissolved or merged. Each runs in one transaction and is audited, and none touches the monthly
figures: the register is counted beside them (members.register.people.register_figures).

Rules kept here: a member is in one CĐCS at a time (one Member per person: an ID number is
unique in the province, and someone who left and joins again keeps their record and history);
events happen on days when the CĐCS exists, never in the future, never before the member's last
event, never before its register starts nor in an approved month unless confirmed
(members.register.event_months); the register of a CĐCS starts (register_from) the month its existing
members are entered. An ID number typed on a form is looked up in the province's register before
that transaction (members.register.lookups), so that a look-up refused stays in the audit trail, and what
the refusal says is members.access.id_holder_refusal's."""

from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from unionportal.lib.bulk import insert_rows, update_many
from unionportal.lib.months import Month

from ..access import PeopleScope, id_holder_refusal, require_write
from ..audit import audit_log, audit_same
from ..models import GrassrootsUnion, LossReason, Member, MemberEvent, MemberTransfer, Organisation
from ..services.common import Source, federation_of, short_day
from .event_months import require_countable
from .lookups import lookup_record
from .people import card_key, id_number_problem, mask_id, normal_card_number, normal_id_number, search_key

# The fields of a member's record a person enters; the rest (CĐCS, status) follow from events.
RECORD_FIELDS = ("full_name", "born_on", "gender", "ethnicity", "id_number", "card_number", "joined_on", "job")
# Reasons a member can be lost for by hand: transfers and dissolutions have their own services.
LEAVING_REASONS = [reason for reason in LossReason if reason != LossReason.CDCS_DISSOLVED]


@dataclass
class MemberData:
    """A member's record as entered on a form or read from a list."""

    full_name: str
    joined_on: date
    born_on: date | None = None
    gender: str = ""
    ethnicity: str = ""
    id_number: str = ""
    card_number: str = ""
    job: str = ""

    def cleaned(self) -> "MemberData":
        return MemberData(
            full_name=" ".join(self.full_name.split()),
            joined_on=self.joined_on,
            born_on=self.born_on,
            gender=self.gender,
            ethnicity=self.ethnicity.strip(),
            id_number=normal_id_number(self.id_number),
            card_number=normal_card_number(self.card_number),
            job=self.job.strip(),
        )


# What a record keeps beside the fields entered, for search and matching.
DERIVED_FIELDS = ("search_name", "card_key")


def record_set(member: Member, data: MemberData) -> Member:
    """Put the record `data` (cleaned) into `member`, with what is derived from it."""
    for name in RECORD_FIELDS:
        setattr(member, name, getattr(data, name))
    member.search_name = search_key(data.full_name)
    member.card_key = card_key(data.card_number)
    return member


def record_problems(data: MemberData, *, today: date | None = None) -> dict[str, str]:
    """Field → what is wrong with the record itself (not with where it goes), in Vietnamese."""
    today = today or timezone.localdate()
    problems = {}
    if not data.full_name:
        problems["full_name"] = _("Cần ghi họ và tên.")
    if data.joined_on > today:
        problems["joined_on"] = _("Ngày vào công đoàn %(day)s chưa đến.") % {"day": short_day(data.joined_on)}
    if data.born_on is not None:
        if data.born_on >= data.joined_on:
            problems["born_on"] = _("Ngày sinh phải trước ngày vào công đoàn.")
        elif data.joined_on.year - data.born_on.year < 15:
            problems["born_on"] = _("Người vào công đoàn phải từ đủ 15 tuổi (sinh %(day)s).") % {
                "day": short_day(data.born_on)
            }
    if data.id_number:
        problem = id_number_problem(data.id_number, born_on=data.born_on, gender=data.gender)
        if problem:
            problems["id_number"] = problem
    return problems


def holder_of(id_number: str, *, excluding: int | None = None) -> Member | None:
    """The member who has this ID number already, if any."""
    if not id_number:
        return None
    return Member.objects.exclude(pk=excluding).select_related("cdcs").filter(id_number=id_number).first()


def current_federation(cdcs: GrassrootsUnion) -> Organisation | None:
    affiliation = cdcs.affiliations.select_related("federation").order_by("-valid_from").first()
    return affiliation.federation if affiliation else None


def require_member_write(user, cdcs: GrassrootsUnion, on: date | None = None) -> Organisation:
    """The federation whose register the user writes in (the CĐCS's on `on`, or now), refusing
    a user who may not write there."""
    federation = federation_of(cdcs, Month.of(on)) if on else current_federation(cdcs)
    federation = federation or current_federation(cdcs)
    if federation is None:
        raise ValidationError(_("%(cdcs)s chưa trực thuộc công đoàn cấp trên nào.") % {"cdcs": cdcs.name})
    require_write(user, federation)
    return federation


def require_active_on(cdcs: GrassrootsUnion, on: date) -> None:
    """An event happens on a day the CĐCS exists."""
    if on < cdcs.founded_on:
        raise ValidationError(
            _("%(cdcs)s thành lập ngày %(founded)s, sau ngày %(day)s.")
            % {"cdcs": cdcs.name, "founded": short_day(cdcs.founded_on), "day": short_day(on)}
        )
    if cdcs.dissolved_on and on > cdcs.dissolved_on:
        raise ValidationError(
            _("%(cdcs)s đã giải thể ngày %(day)s.") % {"cdcs": cdcs.name, "day": short_day(cdcs.dissolved_on)}
        )


def require_after_history(member: Member, on: date) -> None:
    """An event happens neither in the future nor before the member's last event."""
    if on > timezone.localdate():
        raise ValidationError(_("Ngày %(day)s chưa đến.") % {"day": short_day(on)})
    last = member.events.order_by("-on", "-pk").first()
    if last is not None and on < last.on:
        raise ValidationError(
            _("Ngày %(day)s trước biến động gần nhất của đoàn viên (%(last)s, %(kind)s).")
            % {"day": short_day(on), "last": short_day(last.on), "kind": last.get_kind_display().lower()}
        )


def new_event(member: Member, cdcs: GrassrootsUnion, kind: str, on: date, user, **extra) -> MemberEvent:
    """An unsaved MemberEvent of the member in the CĐCS on `on`, counted in that day's month."""
    return MemberEvent(
        member=member,
        cdcs=cdcs,
        kind=kind,
        on=on,
        month=Month.of(on).first_day,
        recorded_by=user if user is not None and user.is_authenticated else None,
        **extra,
    )


def register_start(cdcs: GrassrootsUnion, month: Month) -> Month:
    """The month the CĐCS's register starts: the month given, when it has none yet."""
    if cdcs.register_from is None:
        cdcs.register_from = month.first_day
        GrassrootsUnion.objects.filter(pk=cdcs.pk).update(register_from=month.first_day)
    return Month.of(cdcs.register_from)


def existing_member_event(cdcs: GrassrootsUnion, start: Month) -> tuple[str, date]:
    """How someone who was a union member already enters the register of a CĐCS that starts in
    `start`: in its opening stock; or, when the CĐCS was founded since that month began (a CĐCS
    opens its first month at zero), as transferred in on its founding day, which is how its
    monthly figures count members who came from elsewhere."""
    if cdcs.founded_on >= start.first_day:
        return MemberEvent.Kind.TRANSFERRED_IN, cdcs.founded_on
    return MemberEvent.Kind.OPENING, start.first_day


def _audit_data(data: MemberData) -> dict:
    """What the audit trail keeps of a record: which fields were given, the ID number masked."""
    return {"fields": [name for name in RECORD_FIELDS if getattr(data, name)], "id_number": mask_id(data.id_number)}


def admission_event(
    cdcs: GrassrootsUnion,
    data: MemberData,
    *,
    existing: bool = False,
    month: Month | None = None,
    arrived_on: date | None = None,
) -> tuple[str, date]:
    """The event that enters someone into the CĐCS's register and its day, as member_admit records
    it (see there), without writing anything: what the page says the admission counts in."""
    if arrived_on is not None:
        return MemberEvent.Kind.TRANSFERRED_IN, arrived_on
    if existing:
        start = Month.of(cdcs.register_from) if cdcs.register_from else month or Month.of(timezone.localdate())
        return existing_member_event(cdcs, start)
    return MemberEvent.Kind.ADMITTED, data.joined_on


def _look_up(user, *, cdcs: GrassrootsUnion, federation, id_number: str, source: str, conflicts) -> None:
    """Before an ID number typed on a form is written: counted and audited as a look-up in the
    province's register (members.register.lookups) unless its holder is a member the user reads,
    and refused, in the words members.access.id_holder_refusal allows, when its holder is someone
    else the user may not read and `conflicts(holder)` says the number cannot be written."""
    holder = holder_of(id_number)
    scope = PeopleScope(user)
    if holder is not None and scope.reads(holder):
        return  # the rules that follow name them, as the register's list would
    elsewhere = holder is not None and conflicts(holder)
    refusal = lookup_record(
        user=user, cdcs=cdcs, federation=federation, checked=1, found_elsewhere=int(elsewhere), source=source
    )
    if refusal:
        raise ValidationError({"id_number": [refusal]})
    if elsewhere:
        raise ValidationError({"id_number": [id_holder_refusal(scope, holder)[0]]})


def _last_event_after(member: Member, on: date) -> bool:
    return member.events.filter(on__gt=on).exists()


def member_admit(
    *,
    cdcs: GrassrootsUnion,
    data: MemberData,
    user,
    existing: bool = False,
    month: Month | None = None,
    arrived_on: date | None = None,
    source: str = Source.WEB,
    confirm_month: bool = False,
) -> Member:
    """Admit a member to the CĐCS on data.joined_on (kết nạp mới); or, with existing=True, enter
    one who was a member already into the register that starts in `month` (default: this month):
    they count in its stock from the register's first month, not as admitted; or, with
    `arrived_on`, record one who comes from a union outside the province's register (another
    province, a unit not on the portal) as transferred in (chuyển đến) that day.

    Someone who left (anywhere in the province) joins again on their own record, which keeps the
    history; what it says of them is what was typed now. The event must be one the register
    counts, in a month not approved unless confirm_month (members.register.event_months)."""
    data = data.cleaned()
    problems = record_problems(data)
    if problems:
        raise ValidationError({field: [message] for field, message in problems.items()})
    if arrived_on is not None:
        if arrived_on < data.joined_on:
            raise ValidationError({"arrived_on": [_("Ngày chuyển đến không được trước ngày vào công đoàn.")]})
        if arrived_on > timezone.localdate():
            raise ValidationError({"arrived_on": [_("Ngày %(day)s chưa đến.") % {"day": short_day(arrived_on)}]})
    kind, on = admission_event(cdcs, data, existing=existing, month=month, arrived_on=arrived_on)
    federation = require_member_write(user, cdcs, on)
    require_active_on(cdcs, on)
    field = "arrived_on" if arrived_on is not None else "month" if existing else "joined_on"
    require_countable(cdcs, on, confirmed=confirm_month, field=field)
    if data.id_number:
        _look_up(
            user,
            cdcs=cdcs,
            federation=federation,
            id_number=data.id_number,
            source=source,
            conflicts=lambda holder: holder.is_active or _last_event_after(holder, on),
        )
    start = (month or Month.of(timezone.localdate())) if existing else None
    return _admit(cdcs, data, user, kind=kind, on=on, federation=federation, register_from=start, source=source)


@transaction.atomic
def _admit(cdcs, data: MemberData, user, *, kind: str, on: date, federation, register_from, source: str) -> Member:
    if register_from is not None:
        register_start(cdcs, register_from)
    member = holder_of(data.id_number)
    if member is not None and member.is_active:
        raise ValidationError({"id_number": [id_holder_refusal(PeopleScope(user), member)[0]]})
    if member is not None:  # someone who left joins again: one record, their whole history
        Member.objects.select_for_update().filter(pk=member.pk).first()
        require_after_history(member, on)
        member.status, member.left_on, member.left_reason = Member.Status.ACTIVE, None, ""
    else:
        member = Member(status=Member.Status.ACTIVE)
    record_set(member, data)
    member.cdcs = cdcs
    member.full_clean(validate_constraints=False)
    member.save()
    new_event(member, cdcs, kind, on, user).save()
    action = "member.admit" if kind == MemberEvent.Kind.ADMITTED else "member.register"
    audit_log(user, action, member, source=source, federation=federation, month=Month.of(on), **_audit_data(data))
    return member


def member_update(
    *, member: Member, data: MemberData, user, source: str = Source.WEB, confirm_month: bool = False
) -> Member:
    """Correct a member's record. A new date of joining moves their admission with it (from one
    month's count to another's: neither approved unless confirm_month). A new ID number is looked
    up in the province's register as an admission's is."""
    data = data.cleaned()
    problems = record_problems(data)
    if problems:
        raise ValidationError({field: [message] for field, message in problems.items()})
    if data.id_number and data.id_number != member.id_number:
        federation = require_member_write(user, member.cdcs)
        _look_up(
            user,
            cdcs=member.cdcs,
            federation=federation,
            id_number=data.id_number,
            source=source,
            conflicts=lambda holder: holder.pk != member.pk,
        )
    return _update(member, data, user, source=source, confirm_month=confirm_month)


@transaction.atomic
def _update(member: Member, data: MemberData, user, *, source: str, confirm_month: bool) -> Member:
    member = Member.objects.select_for_update().select_related("cdcs").get(pk=member.pk)
    federation = require_member_write(user, member.cdcs)
    holder = holder_of(data.id_number, excluding=member.pk)
    if holder is not None:
        raise ValidationError({"id_number": [id_holder_refusal(PeopleScope(user), holder)[0]]})
    changed = [name for name in RECORD_FIELDS if getattr(member, name) != getattr(data, name)]
    if not changed:
        return member
    if "joined_on" in changed:
        admission = member.events.filter(kind=MemberEvent.Kind.ADMITTED, cdcs=member.cdcs).order_by("-on").first()
        if admission is not None:
            require_active_on(member.cdcs, data.joined_on)
            require_countable(member.cdcs, admission.on, confirmed=confirm_month, field="joined_on", starts=False)
            require_countable(member.cdcs, data.joined_on, confirmed=confirm_month, field="joined_on")
            later = (
                member.events.filter(on__lt=data.joined_on)
                .exclude(pk=admission.pk)
                .exclude(kind=MemberEvent.Kind.OPENING)
            )
            if later.filter(on__gte=admission.on).exists():
                raise ValidationError({"joined_on": [_("Ngày vào công đoàn phải trước các biến động sau đó.")]})
            admission.on, admission.month = data.joined_on, Month.of(data.joined_on).first_day
            admission.save(update_fields=["on", "month"])
    before = {name: getattr(member, name) for name in changed}
    record_set(member, data)
    member.save()
    audit_log(
        user,
        "member.update",
        member,
        source=source,
        federation=federation,
        changed=changed,
        **({"id_number": [mask_id(before["id_number"]), mask_id(data.id_number)]} if "id_number" in changed else {}),
    )
    return member


@transaction.atomic
def member_leave(
    *, member: Member, on: date, reason: str, user, source: str = Source.WEB, confirm_month: bool = False
) -> Member:
    """Record a member as lost (giảm) for a reason; "chuyển đi" here is a transfer out of the
    province (a transfer to a CĐCS of the province is member_transfer_request)."""
    member = Member.objects.select_for_update().select_related("cdcs").get(pk=member.pk)
    if reason not in LEAVING_REASONS:
        raise ValidationError({"reason": [_("Chọn lý do giảm.")]})
    if not member.is_active:
        raise ValidationError(
            _("Đoàn viên này không còn sinh hoạt tại CĐCS (%(status)s).")
            % {"status": member.get_status_display().lower()}
        )
    federation = require_member_write(user, member.cdcs, on)
    if member.transfers.filter(status=MemberTransfer.Status.PENDING).exists():
        raise ValidationError(_("Đoàn viên đang chờ chuyển sinh hoạt: hãy hủy đề nghị chuyển trước."))
    require_after_history(member, on)
    require_active_on(member.cdcs, on)
    require_countable(member.cdcs, on, confirmed=confirm_month)
    new_event(member, member.cdcs, MemberEvent.Kind.LOST, on, user, reason=reason).save()
    out = reason == LossReason.TRANSFERRED_OUT
    member.status = Member.Status.TRANSFERRED_OUT if out else Member.Status.LEFT
    member.left_on, member.left_reason = on, reason
    member.save(update_fields=["status", "left_on", "left_reason", "updated_at"])
    audit_log(user, "member.leave", member, source=source, federation=federation, month=Month.of(on), reason=reason)
    return member


# --- a member list read from Excel -----------------------------------------------------------------


@dataclass
class ListEntry:
    """One line of a member list as members.register.lists planned it against the register."""

    data: MemberData  # the record as it will be
    member: Member | None = None  # the record it changes: in the CĐCS already, or someone who left (re-admitted)
    event: str = ""  # ADMITTED or OPENING when the person enters the CĐCS; "" when they are in it already
    on: date | None = None  # the day of that event
    changed: tuple[str, ...] = ()  # for someone in the CĐCS already: the fields the list corrects


@transaction.atomic
def members_import(
    *, cdcs: GrassrootsUnion, month: Month, entries: list[ListEntry], user, source: str = Source.UPLOAD
) -> tuple[int, int]:
    """Write a member list in a few statements whatever its length: new records, re-admissions
    (one record, its history kept), corrections, and the admitted or opening events, each member
    audited as member_admit and member_update audit them. The CĐCS's register starts in `month`
    when it has none yet. Returns (members entered into the CĐCS, members corrected).

    The caller (members.register.lists.list_import) has checked every line against the register in
    this same transaction, with the rows it read locked: who is active where, each member's last
    event, the CĐCS's dates. What the record itself must satisfy is checked again here; the
    database's constraints keep the rest (an ID number is one person). New members, their events
    and audit entries are written from rows, not model objects: a list of 20,000 people made
    60,000 objects, a few seconds of the write (bench/register_scale.py)."""
    federation = require_member_write(user, cdcs)
    if user is not None and user.is_authenticated:
        # A request's user is a lazy proxy, slow to read thousands of times (audit entries): the plain object.
        user = get_user_model()._default_manager.get(pk=user.pk)
    today = timezone.localdate()
    for entry in entries:
        problems = record_problems(entry.data, today=today)
        if problems:
            raise ValidationError(list(problems.values()))
    if not entries:
        return 0, 0
    register_start(cdcs, month)
    at = getattr(federation_of(cdcs, month) or federation, "pk", None)
    now = timezone.now()
    recorded_by = user.pk if user is not None and user.is_authenticated else None
    new = iter(_members_insert(cdcs, [entry.data for entry in entries if entry.member is None], now))
    label = _("Đoàn viên #%(pk)s")  # Member.__str__, without a Member for each
    changed, events, audits = [], [], {}
    for entry in entries:
        member = entry.member
        if member is None:
            pk = next(new)
        else:
            pk, before_id = member.pk, member.id_number
            record_set(member, entry.data)
            member.cdcs, member.updated_at = cdcs, now
            member.status, member.left_on, member.left_reason = Member.Status.ACTIVE, None, ""
            changed.append(member)
        if entry.event:
            events.append((pk, cdcs.pk, entry.event, "", entry.on, entry.on.replace(day=1), recorded_by, now))
            action = "member.admit" if entry.event == MemberEvent.Kind.ADMITTED else "member.register"
            when, data = Month.of(entry.on), _audit_data(entry.data)
        else:
            action, when, data = "member.update", None, {"changed": list(entry.changed)}
            if "id_number" in entry.changed:
                data["id_number"] = [mask_id(before_id), mask_id(member.id_number)]
        audits.setdefault((action, when), []).append((pk, label % {"pk": pk}, at, data))
    update_many(changed, [*RECORD_FIELDS, *DERIVED_FIELDS, "cdcs", "status", "left_on", "left_reason", "updated_at"])
    insert_rows(
        MemberEvent,
        ["member_id", "cdcs_id", "kind", "reason", "on", "month", "recorded_by_id", "recorded_at"],
        events,
    )
    for (action, when), objects in audits.items():
        audit_same(user, action, Member, objects, source=source, month=when)
    return len(events), len(entries) - len(events)


def _members_insert(cdcs: GrassrootsUnion, records: list[MemberData], now) -> list[int]:
    """New active members of the CĐCS with these records; returns their ids, in order."""
    names = ["cdcs_id", "status", *RECORD_FIELDS, *DERIVED_FIELDS, "created_at", "updated_at"]
    rows = [
        (
            cdcs.pk,
            Member.Status.ACTIVE,
            *(getattr(data, name) for name in RECORD_FIELDS),
            search_key(data.full_name),
            card_key(data.card_number),
            now,
            now,
        )
        for data in records
    ]
    return insert_rows(Member, names, rows, returning=True)
