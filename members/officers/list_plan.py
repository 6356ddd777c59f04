"""An officers' list planned against what is recorded: `list_preview` groups the lines by CĐCS and
term, matches each line with the officers recorded (same term, name, post and first day), and
checks every rule the services hold (members.officers.services: term_problems, officer_problems)
on the whole result, as it would stand once written. A few queries whatever the list's length;
writes nothing. members.officers.list_import writes what it plans."""

import hashlib
import json
from dataclasses import dataclass, field, replace
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from unionportal.lib.sheets import Problem

from ..access import can_write
from ..models import GrassrootsUnion, Member, Officer, Organisation, Post, Term
from ..register.people import card_key, fold
from ..services.common import short_day
from .lists import HEADERS, TERM_KEYS, OfficerList
from .selectors import cdcs_existing_on
from .services import OfficerData, TermData, last_change, officer_problems, term_problems

CHUNK = 900  # IN lists in chunks: SQLite builds of old take 999 parameters
TERM_CHANGES = ("congress_on", "decision_number", "ends_on", "committee_size", "inspection_size")
OFFICER_CHANGES = ("full_time", "how", "member", "to_on", "left_reason")


@dataclass
class PlanOfficer:
    data: OfficerData  # as it will be; .extra: {"to_on", "left_reason", "row"}
    officer: Officer | None = None  # the record it changes; None: a new one
    changed: list[str] = field(default_factory=list)

    @property
    def row(self) -> int | None:
        return self.data.extra.get("row")

    @property
    def action(self) -> str:
        if self.officer is None:
            return "create"
        return "update" if self.changed else "same"

    @property
    def post_label(self) -> str:
        return str(Post(self.data.post).label)

    @property
    def how_label(self) -> str:
        return str(Officer.How(self.data.how).label)

    @property
    def changes_shown(self) -> str:
        """What the line changes, in words: "Đến ngày: 10/04/2025 (Nghỉ hưu)", "Chuyên trách: có"."""
        data, parts = self.data, []
        if "to_on" in self.changed or "left_reason" in self.changed:
            to_on = data.extra["to_on"]
            if to_on is None:
                parts.append(_("Đang giữ chức vụ"))
            else:
                reason = Officer.LeftReason(data.extra["left_reason"]).label
                parts.append(_("Thôi từ %(day)s (%(reason)s)") % {"day": short_day(to_on), "reason": reason})
        if "full_time" in self.changed:
            parts.append(_("Chuyên trách") if data.full_time else _("Kiêm nhiệm"))
        if "how" in self.changed:
            parts.append(self.how_label)
        if "member" in self.changed:
            parts.append(
                _("Liên kết sổ đoàn viên: %(card)s") % {"card": data.member.card_number if data.member else "–"}
            )
        return "; ".join(parts)


@dataclass
class PlanTerm:
    cdcs: GrassrootsUnion
    term: Term  # saved (an update), or unsaved (a new term)
    rows: list[int] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    officers: list[PlanOfficer] = field(default_factory=list)
    is_new: bool = False  # a term the list opens (its pk is set once written)


@dataclass
class ListPreview:
    federation: Organisation
    sheet: str
    terms: list[PlanTerm] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def refuse(self, row: int | None, key: str, message: str, code: str = "") -> None:
        self.problems.append(Problem(self.sheet if row else "", row, HEADERS.get(key, ""), message, cdcs=code))

    @property
    def lines(self) -> list[PlanOfficer]:
        return sorted((o for t in self.terms for o in t.officers if o.row), key=lambda o: o.row)

    def _with(self, action: str) -> list[PlanOfficer]:
        return [line for line in self.lines if line.action == action]

    @property
    def created(self) -> list[PlanOfficer]:
        return self._with("create")

    @property
    def updated(self) -> list[PlanOfficer]:
        return self._with("update")

    @property
    def unchanged(self) -> list[PlanOfficer]:
        return self._with("same")

    @property
    def closed(self) -> list[PlanOfficer]:
        """Officers not in the file whose term ends with a new one."""
        return [o for t in self.terms for o in t.officers if not o.row and o.changed]

    @property
    def new_terms(self) -> list[PlanTerm]:
        return [term for term in self.terms if term.is_new]

    @property
    def changed_terms(self) -> list[PlanTerm]:
        return [term for term in self.terms if not term.is_new and term.changed]

    @property
    def can_import(self) -> bool:
        return not self.problems and bool(self.created or self.updated or self.new_terms or self.changed_terms)

    @property
    def plan(self) -> str:
        """A fingerprint of what the import would write."""
        items = [
            [t.cdcs.code, t.term.starts_on.isoformat(), t.term.pk, t.changed,
             [[o.row, o.officer and o.officer.pk, o.changed, o.data.full_name, o.data.post] for o in t.officers]]
            for t in self.terms
        ]  # fmt: skip
        return hashlib.sha256(json.dumps(items, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _chunks(items: list):
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


class _Recorded:
    """The CĐCS of the list (under the federation now), their terms, officers and members by card."""

    def __init__(self, read: OfficerList, federation: Organisation, *, today: date, lock: bool):
        codes = sorted({item["cdcs"] for item in read.rows if item["cdcs"]})
        self.cdcs: dict[str, GrassrootsUnion] = {}
        for chunk in _chunks(codes + [code.upper() for code in codes]):
            query = cdcs_existing_on(today, [federation]).filter(code__in=chunk).order_by()
            self.cdcs.update({u.code: u for u in (query.select_for_update(of=("self",)) if lock else query)})
        ids = [union.pk for union in self.cdcs.values()]
        self.terms: dict[int, list[Term]] = {pk: [] for pk in ids}
        self.officers: dict[int, list[Officer]] = {}
        keys = sorted({card_key(item["card_number"]) for item in read.rows if item["card_number"]})
        self.members: dict[tuple[int, str], Member] = {}
        for chunk in _chunks(ids):
            for term in Term.objects.filter(cdcs_id__in=chunk).order_by("starts_on"):
                self.terms[term.cdcs_id].append(term)
            for officer in Officer.objects.filter(term__cdcs_id__in=chunk).select_related("member").order_by("pk"):
                self.officers.setdefault(officer.term_id, []).append(officer)
            if keys:
                found = Member.objects.filter(cdcs_id__in=chunk, card_key__in=keys).order_by("pk")
                self.members.update({(m.cdcs_id, m.card_key): m for m in found})

    def union(self, code: str) -> GrassrootsUnion | None:
        return self.cdcs.get(code) or self.cdcs.get(code.upper())


def list_preview(
    read: OfficerList, *, federation: Organisation, user, lock: bool = False, today: date | None = None
) -> ListPreview:
    """What importing the list of `federation` would write, and every reason it cannot."""
    today = today or timezone.localdate()
    preview = ListPreview(federation=federation, sheet=read.sheet, problems=list(read.problems))
    if user is not None and not can_write(user, federation):
        preview.refuse(None, "", _("Bạn không có quyền ghi cán bộ của %(org)s.") % {"org": federation.name})
    if read.org_code and read.org_code.upper() != federation.code.upper():
        message = _("Tệp ghi mã đơn vị %(code)s, không phải %(org)s (%(own)s).")
        preview.refuse(None, "", message % {"code": read.org_code[:20], "org": federation.name, "own": federation.code})
    if not read.rows and not preview.problems:
        preview.refuse(None, "", _("Tệp không có dòng cán bộ nào."))
    if any(problem.row is None for problem in preview.problems):
        return preview
    recorded = _Recorded(read, federation, today=today, lock=lock)
    by_cdcs: dict[int, list[dict]] = {}
    for item in read.rows:
        union = recorded.union(item["cdcs"]) if item["cdcs"] else None
        if union is None:
            message = _("CĐCS mã “%(code)s” không có trong Sổ CĐCS, không trực thuộc %(org)s hoặc đã giải thể.")
            preview.refuse(item["row"], "cdcs", message % {"code": item["cdcs"][:20], "org": federation.name})
            continue
        by_cdcs.setdefault(union.pk, []).append(item)
    for union in sorted(recorded.cdcs.values(), key=lambda u: u.code):
        if union.pk in by_cdcs:
            _plan_cdcs(preview, recorded, union, by_cdcs[union.pk], today)
    if preview.problems:
        preview.terms = []
    return preview


def _start(item: dict) -> date | None:
    return _day(item["starts_on"]) or _day(item["congress_on"])


def _groups(preview: ListPreview, union, items: list[dict], existing: list[Term]) -> dict[date, list[dict]]:
    """The lines of a CĐCS by the first day of their term. A line without one is of the latest term
    the file gives for the CĐCS or, when it gives none, of the latest term recorded."""
    starts = [start for start in map(_start, items) if start is not None]
    default = max(starts, default=None) or (existing[-1].starts_on if existing else None)
    groups: dict[date, list[dict]] = {}
    for item in items:
        start = _start(item) or default
        if start is None:
            message = _("%(cdcs)s chưa có nhiệm kỳ nào: hãy ghi Ngày đại hội hoặc Nhiệm kỳ từ.")
            preview.refuse(item["row"], "congress_on", message % {"cdcs": union.code}, union.code)
            continue
        groups.setdefault(start, []).append(item)
    return groups


def _term_values(preview: ListPreview, union, items: list[dict]) -> dict | None:
    """The term's values given on the group's lines (a blank cell gives none), or None when two lines disagree."""
    values, source = {}, {}
    for item in items:
        for key in TERM_KEYS:
            value = item[key]
            if value in (None, ""):
                continue
            if key in values and values[key] != value:
                message = _("%(column)s khác với dòng %(row)s của cùng CĐCS và nhiệm kỳ.")
                preview.refuse(item["row"], key, message % {"column": HEADERS[key], "row": source[key]}, union.code)
                return None
            values[key], source[key] = value, item["row"]
    return values


def _plan_cdcs(preview: ListPreview, recorded: _Recorded, union, items: list[dict], today: date) -> None:
    existing = recorded.terms[union.pk]
    groups = _groups(preview, union, items, existing)
    latest = None  # the latest term recorded: a new one in the file ends it
    if existing:
        latest = PlanTerm(
            union, existing[-1], officers=[_recorded(o) for o in recorded.officers.get(existing[-1].pk, [])]
        )
    previous, planned_terms = latest, []
    for start in sorted(groups):
        lines = groups[start]
        values = _term_values(preview, union, lines)
        if values is None:
            continue
        saved = next((term for term in existing if term.starts_on == start), None)
        if saved is not None:
            planned = latest if saved.pk == latest.term.pk else PlanTerm(union, saved)
            if planned is not latest:
                planned.officers = [_recorded(o) for o in recorded.officers.get(saved.pk, [])]
            if not _update_term(preview, planned, values, lines):
                continue
        else:
            planned = _new_term(preview, union, values, lines, previous, start, today)
            if planned is None:
                continue
        planned.rows = [item["row"] for item in lines]
        _plan_lines(preview, recorded, planned, lines, today, last=planned is latest or planned.is_new)
        planned_terms.append(planned)
        if planned is latest or planned.is_new:
            previous = planned
    if latest is not None and latest not in planned_terms and any(o.changed for o in latest.officers):
        planned_terms.insert(0, latest)  # not in the file, but its people leave as the next term starts
    preview.terms.extend(planned_terms)


def _recorded(officer: Officer) -> PlanOfficer:
    data = OfficerData(officer.full_name, officer.post, officer.from_on, officer.full_time, officer.how,
                       officer.member, officer.decision_number, officer.note,
                       extra={"to_on": officer.to_on, "left_reason": officer.left_reason})  # fmt: skip
    return PlanOfficer(data, officer)


def _update_term(preview: ListPreview, planned: PlanTerm, values: dict, lines: list[dict]) -> bool:
    term = planned.term
    wanted = {key: (_day(values[key]) if key in ("congress_on", "ends_on") else values[key])
              for key in TERM_CHANGES if key in values}  # fmt: skip
    if term.kind != Term.Kind.CONGRESS:
        wanted.pop("congress_on", None)
    planned.changed = [key for key, value in wanted.items() if getattr(term, key) != value]
    if not planned.changed:
        return True
    term = planned.term = _copy(term)
    for key in planned.changed:
        setattr(term, key, wanted[key])
    if term.ends_on <= term.starts_on or (term.congress_on and term.congress_on > term.starts_on):
        message = _("Ngày đại hội, ngày kết thúc nhiệm kỳ không khớp với nhiệm kỳ từ %(day)s.")
        preview.refuse(lines[0]["row"], "ends_on", message % {"day": short_day(term.starts_on)}, planned.cdcs.code)
        return False
    return True


def _copy(term: Term) -> Term:
    copy = Term(**{f.attname: getattr(term, f.attname) for f in Term._meta.concrete_fields})
    copy._state.adding = False
    return copy


def _new_term(preview, union, values: dict, lines, previous: PlanTerm | None, start: date, today: date):
    congress_on = _day(values.get("congress_on"))
    kind = Term.Kind.CONGRESS if congress_on else Term.Kind.PROVISIONAL
    data = TermData(kind=kind, congress_on=congress_on, starts_on=start, ends_on=_day(values.get("ends_on")),
                    decision_number=values.get("decision_number", ""), committee_size=values.get("committee_size") or 0,
                    inspection_size=values.get("inspection_size") or 0).cleaned()  # fmt: skip
    before = [o.data for o in previous.officers] if previous else []
    problems = term_problems(union, data, latest_start=previous and previous.term.starts_on,
                             last_change=last_change(before))  # fmt: skip
    if not data.committee_size:
        problems["committee_size"] = _("Nhiệm kỳ mới cần Số ủy viên BCH theo điều lệ.")
    if start > today:
        problems["starts_on"] = _("Ngày %(day)s chưa đến.") % {"day": short_day(start)}
    for key, message in problems.items():
        preview.refuse(lines[0]["row"], key if key in HEADERS else "starts_on", message, union.code)
    if problems:
        return None
    if previous is not None:  # its people still in post leave as the new term starts
        for planned in previous.officers:
            if planned.data.extra["to_on"] is None:
                planned.data.extra.update(to_on=start, left_reason=Officer.LeftReason.TERM_ENDED)
                planned.changed = [*planned.changed, "to_on", "left_reason"]
    term = Term(cdcs=union, **{name: getattr(data, name) for name in ("kind", "starts_on", *TERM_CHANGES)})
    return PlanTerm(union, term, is_new=True)


def _plan_lines(preview, recorded: _Recorded, planned: PlanTerm, lines: list[dict], today: date, *, last: bool):
    """Each line of a term matched with its officers (or new), then each change checked against the rest."""
    code, term = planned.cdcs.code, planned.term
    matched: dict[int, int] = {}
    for item in lines:
        data = _line_data(preview, recorded, planned, item)
        if data is None:
            continue
        key = (fold(data.full_name), data.post, data.from_on)
        same = next((o for o in planned.officers if o.officer is not None
                     and (fold(o.data.full_name), o.data.post, o.data.from_on) == key), None)  # fmt: skip
        if same is not None and same.officer.pk in matched:
            message = _("Trùng với dòng %(row)s (cùng họ tên, chức vụ, từ ngày).") % {"row": matched[same.officer.pk]}
            preview.refuse(item["row"], "full_name", message, code)
            continue
        if same is not None:
            matched[same.officer.pk] = item["row"]
            _merge(same, data, item)
        elif not last:
            message = _("Nhiệm kỳ từ %(day)s đã kết thúc: chỉ thêm cán bộ vào nhiệm kỳ hiện tại.")
            preview.refuse(item["row"], "starts_on", message % {"day": short_day(term.starts_on)}, code)
        else:
            planned.officers.append(PlanOfficer(data))
    for index, planned_officer in enumerate(planned.officers):
        if planned_officer.action == "same":
            continue
        data = planned_officer.data
        # A new line is checked against those recorded and the lines above it: of two chairs, the second is refused.
        others = [o.data for at, o in enumerate(planned.officers) if at != index and (at < index or o.officer)]
        problems = officer_problems(term, data, others, to_on=data.extra["to_on"])
        for day_key in ("from_on", "to_on"):
            day = data.from_on if day_key == "from_on" else data.extra["to_on"]
            if day is not None and day > today:
                problems[day_key] = _("Ngày %(day)s chưa đến.") % {"day": short_day(day)}
        for key, message in problems.items():
            preview.refuse(planned_officer.row or planned.rows[0], key if key in HEADERS else "post", message, code)


def _line_data(preview, recorded: _Recorded, planned: PlanTerm, item: dict) -> OfficerData | None:
    code = planned.cdcs.code
    if not item["full_name"] and not item["card_number"]:
        preview.refuse(item["row"], "full_name", _("Hãy ghi họ và tên."), code)
        return None
    if not item["post"]:
        preview.refuse(item["row"], "post", _("Hãy ghi chức vụ."), code)
        return None
    member = None
    if item["card_number"]:
        member = recorded.members.get((planned.cdcs.pk, card_key(item["card_number"])))
        if member is None:
            message = _("Không có đoàn viên số thẻ %(card)s trong sổ đoàn viên của %(cdcs)s.")
            preview.refuse(item["row"], "card_number", message % {"card": item["card_number"][:30], "cdcs": code}, code)
            return None
    to_on = _day(item["to_on"])
    left_reason = (item["left_reason"] or Officer.LeftReason.OTHER) if to_on else ""
    data = OfficerData(item["full_name"], item["post"], _day(item["from_on"]), item["full_time"], item["how"], member,
                       extra={"row": item["row"], "to_on": to_on, "left_reason": left_reason})  # fmt: skip
    data = data.cleaned(planned.term)
    if not item["how"] and data.from_on != planned.term.starts_on and planned.term.kind == Term.Kind.CONGRESS:
        data = replace(data, how=Officer.How.CO_OPTED)
    return data


def _merge(same: PlanOfficer, data: OfficerData, item: dict) -> None:
    """A line on someone recorded: what it gives replaces what is saved (a blank card keeps the link)."""
    saved = same.data
    wanted = {"full_time": data.full_time, "to_on": data.extra["to_on"], "left_reason": data.extra["left_reason"],
              "how": data.how if item["how"] else saved.how, "member": data.member or saved.member}  # fmt: skip
    if saved.extra["left_reason"] == Officer.LeftReason.TERM_ENDED and wanted["to_on"] == saved.extra["to_on"]:
        wanted["left_reason"] = saved.extra["left_reason"]
    current = {"full_time": saved.full_time, "how": saved.how, "member": saved.member, **saved.extra}
    changed = [key for key in OFFICER_CHANGES if current.get(key) != wanted[key]]
    same.changed = [*dict.fromkeys([*same.changed, *changed])]
    extra = {"row": item["row"], "to_on": wanted["to_on"], "left_reason": wanted["left_reason"]}
    same.data = replace(saved, full_time=wanted["full_time"], how=wanted["how"], member=wanted["member"], extra=extra)
