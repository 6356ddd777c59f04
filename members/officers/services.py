"""The writes of a CĐCS's officers: a term opened by a congress (or a provisional committee
appointed by the upper union) with the committee it elected, the term corrected, an officer
elected, co-opted or appointed during it, an officer leaving a post, a record corrected.

Each runs in one transaction with the CĐCS's row locked (two people recording one CĐCS's chair at
once get one chair, not two), is refused with a Vietnamese message that changes nothing, and is
audited with its federation and CĐCS (notices hear of a chair's post falling vacant from the
"officer.leave" entry: data {"cdcs": code, "post": "chair", "on": ISO day, "vacant": true}).

Rules kept here: a term starts on a day the CĐCS exists, not in the future, after the term before
it (whose officers still in post leave that day: "hết nhiệm kỳ"); an officer holds a post within
the latest term, from a day not before its start and not in the future, until a day not before
that; elected at the congress means from the term's first day, later it is co-opted or appointed;
one chair (and one chair of the inspection committee) at a time; never more people in a committee
at once than its statute size; a register member linked is one of the CĐCS's own, still active."""

from dataclasses import dataclass, field, replace
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..audit import audit_log
from ..models import POSTS_OF_BODY, SINGLE_POSTS, Body, GrassrootsUnion, Member, Officer, Post, Term
from ..services.common import Source, short_day
from .rules import default_end, require_officers_write, require_past

# Reasons a person leaves a post by hand: the end of a term is the next congress's doing.
LEAVING_REASONS = [reason for reason in Officer.LeftReason if reason != Officer.LeftReason.TERM_ENDED]
TERM_FIELDS = ("congress_on", "decision_number", "ends_on", "committee_size", "inspection_size", "note")
OFFICER_FIELDS = ("full_name", "member", "full_time", "how", "decision_number", "note", "from_on")


def body_of(post: str) -> str:
    return Body.INSPECTION if post in POSTS_OF_BODY[Body.INSPECTION] else Body.EXECUTIVE


@dataclass
class TermData:
    """A term as entered: by a congress on `congress_on` (the term starts that day unless
    `starts_on` says otherwise) or by the upper union's decision for a provisional committee."""

    kind: str = Term.Kind.CONGRESS
    congress_on: date | None = None
    starts_on: date | None = None
    ends_on: date | None = None  # None: five years on (a provisional committee: one)
    decision_number: str = ""
    committee_size: int = 0
    inspection_size: int = 0
    note: str = ""

    def cleaned(self) -> "TermData":
        starts_on = self.starts_on or self.congress_on
        congress_on = self.congress_on if self.kind == Term.Kind.CONGRESS else None
        return replace(
            self,
            congress_on=congress_on,
            starts_on=starts_on,
            ends_on=self.ends_on or (default_end(self.kind, starts_on) if starts_on else None),
            decision_number=" ".join(self.decision_number.split()),
            note=self.note.strip(),
        )


@dataclass
class OfficerData:
    """A person in a post as entered; `from_on` None is the term's first day."""

    full_name: str
    post: str
    from_on: date | None = None
    full_time: bool = False
    how: str = ""  # "": elected at a congress, appointed to a provisional committee
    member: Member | None = None
    decision_number: str = ""
    note: str = ""
    extra: dict = field(default_factory=dict)  # what a list line adds (its row), not written

    def cleaned(self, term: Term) -> "OfficerData":
        name = " ".join(self.full_name.split()) or (self.member.full_name if self.member else "")
        elected = Officer.How.ELECTED if term.kind == Term.Kind.CONGRESS else Officer.How.APPOINTED
        return replace(
            self,
            full_name=name,
            from_on=self.from_on or term.starts_on,
            how=self.how or elected,
            decision_number=" ".join(self.decision_number.split()),
            note=self.note.strip(),
        )


# --- the checks ----------------------------------------------------------------------------------


def _lock(cdcs: GrassrootsUnion) -> GrassrootsUnion:
    return GrassrootsUnion.objects.select_for_update().get(pk=cdcs.pk)


def latest_term(cdcs: GrassrootsUnion) -> Term | None:
    return cdcs.terms.order_by("-starts_on").first()


def _overlaps(start: date, end: date | None, other_start: date, other_end: date | None) -> bool:
    """Do [start, end) and [other_start, other_end) share a day (None: still in post)?"""
    return (other_end is None or start < other_end) and (end is None or other_start < end)


def _most_at_once(spans: list[tuple[date, date | None]], start: date, end: date | None) -> int:
    """The most of `spans` in post on one day of [start, end)."""
    days = {start} | {begin for begin, _end in spans if begin > start and (end is None or begin < end)}
    return max(sum(1 for begin, finish in spans if begin <= day and (finish is None or day < finish)) for day in days)


def officer_problems(term: Term, data: OfficerData, others: list, *, to_on: date | None = None) -> dict[str, str]:
    """Field → why `data` (cleaned) cannot hold its post in the term beside `others` (Officers or
    OfficerData with to_on in .extra), in Vietnamese; {} when it can."""
    problems = {}
    if not data.full_name:
        problems["full_name"] = _("Hãy ghi họ và tên.")
    if data.post not in Post.values:
        problems["post"] = _("Chọn chức vụ.")
        return problems
    if data.how not in Officer.How.values:
        problems["how"] = _("Chọn hình thức (bầu tại đại hội, bầu bổ sung hoặc cấp trên chỉ định).")
    if data.member is not None and data.member.cdcs_id != term.cdcs_id:
        problems["member"] = _("Đoàn viên này không thuộc %(cdcs)s.") % {"cdcs": term.cdcs.name}
    elif data.member is not None and not data.member.is_active:
        problems["member"] = _("Đoàn viên này đã giảm, không còn sinh hoạt tại CĐCS.")
    if data.from_on < term.starts_on:
        problems["from_on"] = _("Ngày %(day)s trước ngày bắt đầu nhiệm kỳ (%(start)s).") % {
            "day": short_day(data.from_on),
            "start": short_day(term.starts_on),
        }
    elif data.how == Officer.How.ELECTED and data.from_on != term.starts_on:
        problems["how"] = _(
            "Bầu tại đại hội là từ ngày bắt đầu nhiệm kỳ (%(start)s); sau ngày đó là bầu bổ sung "
            "hoặc cấp trên chỉ định."
        ) % {"start": short_day(term.starts_on)}
    if to_on is not None and to_on < data.from_on:
        problems["to_on"] = _("Ngày thôi giữ chức vụ không được trước ngày bắt đầu (%(day)s).") % {
            "day": short_day(data.from_on)
        }
    if problems:
        return problems
    body = body_of(data.post)
    size = term.committee_size if body == Body.EXECUTIVE else term.inspection_size
    if size == 0:
        problems["post"] = _("Nhiệm kỳ này không có Ủy ban kiểm tra (số ủy viên UBKT là 0).")
        return problems
    spans = [(other.from_on, _end_of(other)) for other in others if body_of(other.post) == body]
    if _most_at_once([*spans, (data.from_on, to_on)], data.from_on, to_on) > size:
        problems["post"] = _("%(body)s có %(size)s ủy viên theo điều lệ: đã đủ người trong thời gian này.") % {
            "body": Body(body).label,
            "size": size,
        }
    if data.post in SINGLE_POSTS:
        holder = next(
            (o for o in others if o.post == data.post and _overlaps(data.from_on, to_on, o.from_on, _end_of(o))), None
        )
        if holder is not None:
            problems["post"] = _("%(name)s giữ chức %(post)s từ ngày %(day)s; mỗi lúc chỉ một người.") % {
                "name": holder.full_name,
                "post": Post(data.post).label,
                "day": short_day(holder.from_on),
            }
    return problems


def _end_of(other) -> date | None:
    return other.to_on if isinstance(other, Officer) else other.extra.get("to_on")


def _raise(problems: dict[str, str]) -> None:
    if problems:
        raise ValidationError({name: [message] for name, message in problems.items()})


def last_change(officers) -> date | None:
    """The last day on which someone of `officers` (Officers or OfficerData) took or left a post."""
    days = [day for o in officers for day in (o.from_on, _end_of(o)) if day is not None]
    return max(days, default=None)


def term_problems(
    cdcs: GrassrootsUnion, data: TermData, *, latest_start: date | None, last_change: date | None
) -> dict[str, str]:
    """Field → why a new term (cleaned) cannot open after a term that started on `latest_start`
    and whose officers last changed on `last_change`; {} when it can."""
    problems = {}
    if data.kind not in Term.Kind.values:
        return {"kind": _("Chọn cách mở nhiệm kỳ.")}
    if data.kind == Term.Kind.CONGRESS and data.congress_on is None:
        return {"congress_on": _("Hãy ghi ngày đại hội.")}
    if data.starts_on is None:
        return {"starts_on": _("Hãy ghi ngày bắt đầu nhiệm kỳ (ngày quyết định chỉ định BCH lâm thời).")}
    if data.kind == Term.Kind.PROVISIONAL and not data.decision_number:
        problems["decision_number"] = _("Hãy ghi số quyết định chỉ định BCH lâm thời của công đoàn cấp trên.")
    if data.congress_on and data.congress_on > data.starts_on:
        problems["starts_on"] = _("Nhiệm kỳ bắt đầu từ ngày đại hội trở đi.")
    if data.starts_on < cdcs.founded_on:
        problems["starts_on"] = _("%(cdcs)s thành lập ngày %(founded)s, sau ngày %(day)s.") % {
            "cdcs": cdcs.name,
            "founded": short_day(cdcs.founded_on),
            "day": short_day(data.starts_on),
        }
    if latest_start is not None and data.starts_on <= latest_start:
        problems["starts_on"] = _("Nhiệm kỳ mới phải bắt đầu sau ngày %(day)s, ngày bắt đầu nhiệm kỳ hiện tại.") % {
            "day": short_day(latest_start)
        }
    elif last_change is not None and last_change > data.starts_on:
        problems["starts_on"] = _(
            "Nhiệm kỳ trước còn thay đổi cán bộ ngày %(day)s, sau ngày bắt đầu nhiệm kỳ mới; hãy kiểm tra lại ngày."
        ) % {"day": short_day(last_change)}
    if data.ends_on is not None and data.ends_on <= data.starts_on:
        problems["ends_on"] = _("Ngày kết thúc nhiệm kỳ phải sau ngày bắt đầu.")
    return problems


# --- the writes ----------------------------------------------------------------------------------


@transaction.atomic
def term_open(
    *, cdcs: GrassrootsUnion, data: TermData, officers: list[OfficerData], user, source: str = Source.WEB
) -> Term:
    """Open a new term of the CĐCS with the committee elected (or appointed) that day. Officers of
    the term before it who were still in post leave on its first day ("hết nhiệm kỳ")."""
    federation = require_officers_write(user, cdcs)
    cdcs = _lock(cdcs)
    data = data.cleaned()
    latest = latest_term(cdcs)
    before = list(latest.officers.all()) if latest else []
    _raise(term_problems(cdcs, data, latest_start=latest and latest.starts_on, last_change=last_change(before)))
    require_past(data.starts_on, "starts_on")
    term = Term(cdcs=cdcs, recorded_by=_who(user), **{name: getattr(data, name) for name in ("kind", "starts_on")})
    for name in TERM_FIELDS:
        setattr(term, name, getattr(data, name))
    term.full_clean(exclude=["cdcs", "recorded_by"], validate_constraints=False)
    people = _checked_committee(term, officers)
    if latest is not None:
        latest.officers.filter(to_on__isnull=True).update(
            to_on=data.starts_on, left_reason=Officer.LeftReason.TERM_ENDED
        )
    term.save()
    Officer.objects.bulk_create([_officer(term, person, user) for person in people])
    audit_log(
        user, "term.open", term, source=source, federation=federation, cdcs=cdcs.code, kind=term.kind,
        starts_on=term.starts_on.isoformat(), ends_on=term.ends_on.isoformat(), officers=len(people),
    )  # fmt: skip
    return term


def _checked_committee(term: Term, officers: list[OfficerData]) -> list[OfficerData]:
    """The committee a term opens with, each person checked against those before them."""
    people = []
    for index, officer in enumerate(officers):
        person = officer.cleaned(term)
        problems = officer_problems(term, person, people)
        if problems:
            name = person.full_name or _("người thứ %(n)s") % {"n": index + 1}
            raise ValidationError([f"{name}: {message}" for message in problems.values()])
        people.append(person)
    return people


def _who(user):
    return user if user is not None and user.is_authenticated else None


def _officer(term: Term, data: OfficerData, user, **extra) -> Officer:
    return Officer(
        term=term, full_name=data.full_name, member=data.member, body=body_of(data.post), post=data.post,
        full_time=data.full_time, how=data.how, decision_number=data.decision_number, from_on=data.from_on,
        note=data.note, recorded_by=_who(user), **extra,
    )  # fmt: skip


@transaction.atomic
def term_edit(*, term: Term, data: TermData, user, source: str = Source.WEB) -> Term:
    """Correct a term: its congress day, decision, due end, statute sizes, note (its kind and first
    day stay: a term opened wrongly is followed by the right one)."""
    federation = require_officers_write(user, term.cdcs)
    _lock(term.cdcs)
    term = Term.objects.select_related("cdcs").get(pk=term.pk)
    data = replace(data, kind=term.kind, starts_on=term.starts_on).cleaned()
    if term.kind == Term.Kind.CONGRESS and data.congress_on is None:
        raise ValidationError({"congress_on": [_("Hãy ghi ngày đại hội.")]})
    changed = [name for name in TERM_FIELDS if getattr(term, name) != getattr(data, name)]
    for name in changed:
        setattr(term, name, getattr(data, name))
    term.full_clean(exclude=["cdcs", "recorded_by"])
    officers = list(term.officers.all())
    for body, size in ((Body.EXECUTIVE, term.committee_size), (Body.INSPECTION, term.inspection_size)):
        spans = [(o.from_on, o.to_on) for o in officers if o.body == body]
        if spans and _most_at_once(spans, min(start for start, _end in spans), None) > size:
            field_name = "committee_size" if body == Body.EXECUTIVE else "inspection_size"
            raise ValidationError({field_name: [_("%(body)s đã có lúc đông hơn %(size)s người trong nhiệm kỳ này.")
                                                % {"body": Body(body).label, "size": size}]})  # fmt: skip
    if changed:
        term.save()
        audit_log(user, "term.update", term, source=source, federation=federation, cdcs=term.cdcs.code, fields=changed)
    return term


@transaction.atomic
def officer_add(*, cdcs: GrassrootsUnion, data: OfficerData, user, source: str = Source.WEB) -> Officer:
    """Someone takes a post during the CĐCS's latest term: co-opted (bầu bổ sung), appointed by the
    upper union, or elected at its congress and entered later."""
    federation = require_officers_write(user, cdcs)
    cdcs = _lock(cdcs)
    term = latest_term(cdcs)
    if term is None:
        raise ValidationError(_("%(cdcs)s chưa có nhiệm kỳ nào: hãy ghi đại hội (hoặc BCH lâm thời) trước.")
                              % {"cdcs": cdcs.name})  # fmt: skip
    data = data.cleaned(term)
    require_past(data.from_on, "from_on")
    _raise(officer_problems(term, data, list(term.officers.all())))
    officer = _officer(term, data, user)
    officer.save()
    audit_log(
        user, "officer.add", officer, source=source, federation=federation, cdcs=cdcs.code, post=officer.post,
        how=officer.how, from_on=officer.from_on.isoformat(),
    )  # fmt: skip
    return officer


@transaction.atomic
def officer_leave(
    *, officer: Officer, on: date, reason: str, note: str = "", user, source: str = Source.WEB
) -> Officer:
    """Someone leaves their post on `on` (they no longer hold it that day)."""
    cdcs = officer.term.cdcs
    federation = require_officers_write(user, cdcs)
    _lock(cdcs)
    officer = Officer.objects.select_related("term__cdcs").get(pk=officer.pk)
    if not officer.in_post:
        raise ValidationError(_("Người này đã thôi giữ chức vụ từ ngày %(day)s.") % {"day": short_day(officer.to_on)})
    if reason not in LEAVING_REASONS:
        raise ValidationError({"reason": [_("Chọn lý do thôi giữ chức vụ.")]})
    if on < officer.from_on:
        raise ValidationError({"on": [_("Ngày thôi giữ chức vụ (%(day)s) trước ngày bắt đầu giữ chức vụ (%(start)s).")
                                      % {"day": short_day(on), "start": short_day(officer.from_on)}]})  # fmt: skip
    require_past(on, "on")
    officer.to_on, officer.left_reason = on, reason
    if note.strip():
        officer.note = "\n".join(part for part in (officer.note, note.strip()) if part)
    officer.full_clean(exclude=["term", "member", "recorded_by"], validate_constraints=False)
    officer.save(update_fields=["to_on", "left_reason", "note", "updated_at"])
    audit_log(
        user, "officer.leave", officer, source=source, federation=federation, cdcs=cdcs.code, post=officer.post,
        on=on.isoformat(), reason=reason, vacant=officer.post in SINGLE_POSTS,
    )  # fmt: skip
    return officer


@transaction.atomic
def officer_edit(
    *, officer: Officer, data: OfficerData, user, to_on: date | None = None, left_reason: str = "",
    source: str = Source.WEB,
) -> Officer:  # fmt: skip
    """Correct an officer's record (name, register link, full-time, how, decision, note, first day;
    for someone who has left, the day and reason). A change of post is a leaving and a taking up."""
    cdcs = officer.term.cdcs
    federation = require_officers_write(user, cdcs)
    _lock(cdcs)
    officer = Officer.objects.select_related("term__cdcs", "member").get(pk=officer.pk)
    term = officer.term
    if data.post != officer.post:
        raise ValidationError({"post": [_("Đổi chức vụ: hãy ghi người này thôi chức vụ cũ rồi thêm vào chức vụ mới.")]})
    data = data.cleaned(term)
    if officer.in_post:
        to_on, left_reason = None, ""
    elif to_on is None or left_reason not in Officer.LeftReason.values:
        to_on, left_reason = officer.to_on, officer.left_reason
    if to_on is not None:
        require_past(to_on, "to_on")
    require_past(data.from_on, "from_on")
    others = list(term.officers.exclude(pk=officer.pk))
    _raise(officer_problems(term, data, others, to_on=to_on))
    changed = [name for name in OFFICER_FIELDS if getattr(officer, name) != getattr(data, name)]
    changed += [name for name, value in (("to_on", to_on), ("left_reason", left_reason))
                if getattr(officer, name) != value]  # fmt: skip
    if not changed:
        return officer
    for name in OFFICER_FIELDS:
        setattr(officer, name, getattr(data, name))
    officer.to_on, officer.left_reason = to_on, left_reason
    officer.save()
    audit_log(user, "officer.update", officer, source=source, federation=federation, cdcs=cdcs.code, fields=changed)
    return officer
