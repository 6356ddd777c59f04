"""The demo province's CĐCS officers: six CĐCS of each federation get the committees of their
congress, with what a province sees on any day: chairs who left and were not replaced (no chair
since a date), members who left (short), terms run out without a congress (overdue), congresses
due within the coming months, chairs replaced during the term, an earlier term for some, and a
provisional committee for a CĐCS founded within the year. Where a CĐCS keeps its member register
(members.demo.people), its officers are members of it.

Written in bulk around the services, like the rest of the demo, and deterministic: names drawn as
the register's are. Registered with members.demo.register_seeder from MembersConfig.ready()."""

import random
from datetime import date, timedelta

from django.utils import timezone

from members.demo.people import GIVEN, MIDDLE, SURNAMES
from members.models import Body, Gender, Member, Officer, Post, Term
from unionportal.lib.bulk import insert_many

from .rules import add_months, add_years
from .selectors import cdcs_existing_on, scope_federations

PER_FEDERATION = 6
SIZES = [3, 5, 5, 7, 7, 9]
LEAVING = [Officer.LeftReason.MOVED, Officer.LeftReason.RETIRED, Officer.LeftReason.RESIGNED]


class _Committees:
    def __init__(self, day: date):
        self.rng = random.Random("officers-2018")
        self.day = day
        self.terms: list[Term] = []
        self.people: list[tuple[Term, Officer]] = []  # officers, their term saved first
        self.decision = 0

    def name(self, members: list[Member]) -> tuple[str, Member | None]:
        if members:
            member = members.pop(self.rng.randrange(len(members)))
            return member.full_name, member
        gender = self.rng.choice([Gender.MALE, Gender.FEMALE])
        return f"{self.rng.choice(SURNAMES)} {self.rng.choice(MIDDLE[gender])} {self.rng.choice(GIVEN[gender])}", None

    def term(self, cdcs, start: date, *, kind=Term.Kind.CONGRESS, end: date | None = None, size: int | None = None):
        self.decision += 1
        size = size or self.rng.choice(SIZES)
        term = Term(
            cdcs=cdcs, kind=kind, congress_on=start if kind == Term.Kind.CONGRESS else None,
            decision_number=f"{self.decision}/QĐ-CĐ", starts_on=start, ends_on=end or add_years(start, 5),
            committee_size=size, inspection_size=3 if size >= 5 else 0,
        )  # fmt: skip
        self.terms.append(term)
        return term

    def committee(self, term: Term, members: list[Member], *, ended: date | None = None) -> list[Officer]:
        """The committee elected at the term's start; with `ended`, everyone left that day (the next term)."""
        posts = [Post.CHAIR, Post.VICE_CHAIR]
        if term.committee_size >= 7:
            posts += [Post.VICE_CHAIR, Post.STANDING]
        posts += [Post.MEMBER] * (term.committee_size - len(posts))
        if term.inspection_size:
            posts += [Post.INSPECTION_CHAIR] + [Post.INSPECTION_MEMBER] * (term.inspection_size - 1)
        how = Officer.How.ELECTED if term.kind == Term.Kind.CONGRESS else Officer.How.APPOINTED
        officers = []
        for post in posts:
            name, member = self.name(members)
            officer = Officer(
                term=term, full_name=name, member=member, body=Body.INSPECTION if post.startswith("inspection")
                else Body.EXECUTIVE, post=post, full_time=post == Post.CHAIR and self.rng.random() < 0.3, how=how,
                from_on=term.starts_on, to_on=ended, left_reason=Officer.LeftReason.TERM_ENDED if ended else "",
            )  # fmt: skip
            officers.append(officer)
            self.people.append((term, officer))
        return officers

    def leave(self, officer: Officer, on: date) -> None:
        officer.to_on, officer.left_reason = on, self.rng.choice(LEAVING)

    def successor(self, term: Term, left: Officer, on: date, members: list[Member]) -> None:
        name, member = self.name(members)
        how = self.rng.choice([Officer.How.CO_OPTED, Officer.How.APPOINTED])
        officer = Officer(term=term, full_name=name, member=member, body=left.body, post=left.post, how=how,
                          full_time=left.full_time, from_on=on, decision_number=f"{self.decision}/QĐ-CĐ")  # fmt: skip
        self.people.append((term, officer))


def seed_officers(*, federations, users, end) -> int:
    """Seed the demo's committees as on the last day of `end` (or today, if sooner); returns the officers written."""
    day = min(end.last_day, timezone.localdate())
    seeding = _Committees(day)
    unions = list(cdcs_existing_on(day, scope_federations(None, day)).order_by("code"))
    chosen, per = [], {}
    for cdcs in unions:
        if per.get(cdcs.federation_at_id, 0) < PER_FEDERATION:
            per[cdcs.federation_at_id] = per.get(cdcs.federation_at_id, 0) + 1
            chosen.append(cdcs)
    registers = {}
    for member in Member.objects.active().filter(cdcs__in=[c.pk for c in chosen if c.register_from]).order_by("pk"):
        registers.setdefault(member.cdcs_id, []).append(member)
    for index, cdcs in enumerate(chosen):
        _seed_cdcs(seeding, cdcs, index, registers.get(cdcs.pk, []))
    insert_many(seeding.terms, returning=True)
    for term, officer in seeding.people:
        officer.term = term
    insert_many([officer for _term, officer in seeding.people])
    return len(seeding.people)


def _seed_cdcs(seeding: _Committees, cdcs, index: int, members: list[Member]) -> None:
    """One CĐCS's terms, by its place in the list: every tenth of a kind (see the module's note)."""
    rng, day = seeding.rng, seeding.day
    if (day - cdcs.founded_on).days < 365:  # founded within the year: a provisional committee
        start = cdcs.founded_on
        term = seeding.term(cdcs, start, kind=Term.Kind.PROVISIONAL, end=add_months(start, 12), size=3)
        seeding.committee(term, members)
        return
    kind = index % 10
    if kind == 0:  # overdue: the term ended months ago, no congress yet
        start = add_years(day, -5) - timedelta(days=rng.randint(20, 300))
    elif kind == 1:  # due: the term ends within the coming three months
        start = add_years(day, -5) + timedelta(days=rng.randint(10, 80))
    else:
        start = day - timedelta(days=rng.randint(60, 4 * 365))
    start = max(start, cdcs.founded_on)
    if kind in (5, 8) and (start - cdcs.founded_on).days > 5 * 365:  # an earlier term, ended by this congress
        seeding.committee(seeding.term(cdcs, add_years(start, -5)), [], ended=start)
    term = seeding.term(cdcs, start)
    officers = seeding.committee(term, members)
    span = max((day - start).days, 2)
    if kind in (2, 6):  # the chair left, nobody appointed yet
        seeding.leave(officers[0], start + timedelta(days=rng.randint(span // 2, span - 1)))
    elif kind == 3:  # a member left: the committee is short
        seeding.leave(officers[-1 - term.inspection_size], start + timedelta(days=rng.randint(1, span - 1)))
    elif kind in (4, 7):  # the chair left and a successor came
        left_on = start + timedelta(days=rng.randint(1, span // 2))
        seeding.leave(officers[0], left_on)
        seeding.successor(term, officers[0], min(left_on + timedelta(days=rng.randint(0, 60)), day), members)
