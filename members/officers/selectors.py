"""The reads of CĐCS officers, each in a fixed number of queries whatever the number of CĐCS.

`needs_attention(scope=…, on=…)` is what "cần kiện toàn" means, for the list page, the dashboard,
the federations' home pages and the reminders. For each CĐCS that exists on the day `on` (founded
by then, not dissolved by then), under a federation of `scope` that month (scope: a federation,
several, or None / the province for all of them), its term on that day (the last to have started
by then) says:

- no chair (`no_chair_since`): nobody holds the chair (Chủ tịch) that day; since the day the last
  chair of the term left, or the term's first day when it never had one;
- short (`short`): fewer people in post in the executive committee than the term's statute size
  (`executive` < `committee_size`), or in the inspection committee (`inspection` < `inspection_size`);
- overdue (`overdue_since`): the term was due to end before that day (`ends_on` < on) and no
  congress has opened the next one; since `ends_on`;
- due (`due_on`): the term ends within settings.OFFICERS_CONGRESS_DUE_MONTHS months (on ≤ ends_on
  ≤ on + N months): its congress is to be prepared; a heads-up, not a gap.

A CĐCS "needs filling" (cần kiện toàn) when it has no chair, is short or is overdue; the rows
are those CĐCS and those due. A CĐCS with no term recorded at all is only counted (`no_term`),
not listed: before the officers are entered, that is most of them.

    attention = needs_attention(scope=federation, on=today)
    attention.rows          # [AttentionRow], by federation then CĐCS code
    attention.total         # AttentionCounts: cdcs, no_term, no_chair, short, overdue, due, needing
    attention.by_federation # {federation id: AttentionCounts}, every federation of the scope
    attention.federations   # the scope's federations, in the reports' order

`officer_counts(scope=…, on=…)` gives leadership numbers without names: per federation and in
all, the CĐCS with a term, the people in post by post, full-time ones (OfficerCounts).
`cdcs_committees(cdcs, on)` is a CĐCS's page; `officers_list(…)` the officers' list."""

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db.models import Case, Count, IntegerField, Max, Prefetch, Q, QuerySet, Value, When

from unionportal.lib.months import Month

from ..models import Body, GrassrootsUnion, Officer, Organisation, Post, Term, in_post_on
from .rules import add_months

POST_ORDER = {post: index for index, post in enumerate(Post.values)}


@dataclass
class AttentionRow:
    cdcs_id: int
    code: str
    name: str
    federation_id: int
    term_id: int
    term_kind: str
    starts_on: date
    ends_on: date
    committee_size: int
    inspection_size: int
    executive: int  # in post on the day
    inspection: int
    no_chair_since: date | None = None
    overdue_since: date | None = None
    due_on: date | None = None

    @property
    def short(self) -> bool:
        return self.executive < self.committee_size or self.inspection < self.inspection_size

    @property
    def needs_filling(self) -> bool:
        return self.no_chair_since is not None or self.short or self.overdue_since is not None


@dataclass
class AttentionCounts:
    cdcs: int = 0  # CĐCS that exist on the day
    no_term: int = 0
    no_chair: int = 0
    short: int = 0
    overdue: int = 0
    due: int = 0
    needing: int = 0  # CĐCS with no chair, short or overdue, each counted once

    def add(self, row: AttentionRow) -> None:
        self.no_chair += row.no_chair_since is not None
        self.short += row.short
        self.overdue += row.overdue_since is not None
        self.due += row.due_on is not None
        self.needing += row.needs_filling


@dataclass
class Attention:
    on: date
    due_months: int
    federations: list[Organisation]
    rows: list[AttentionRow] = field(default_factory=list)
    by_federation: dict[int, AttentionCounts] = field(default_factory=dict)
    total: AttentionCounts = field(default_factory=AttentionCounts)

    def rows_of(self, federation_id: int) -> list[AttentionRow]:
        return [row for row in self.rows if row.federation_id == federation_id]


def scope_federations(scope, on: date) -> list[Organisation]:
    """The federations a scope stands for: one, several, or (None, the province) every federation
    that exists in the month of `on`."""
    if scope is None or (isinstance(scope, Organisation) and scope.is_province):
        month = Month.of(on)
        return list(Organisation.objects.federations().active_between(month, month))
    if isinstance(scope, Organisation):
        return [scope]
    return list(scope)


def cdcs_existing_on(on: date, federations: list[Organisation]) -> QuerySet[GrassrootsUnion]:
    """CĐCS that exist on the day, under one of `federations` that month (federation_at_id)."""
    return (
        GrassrootsUnion.objects.filter(founded_on__lte=on)
        .exclude(dissolved_on__lte=on)
        .with_federation_at(Month.of(on))
        .filter(federation_at_id__in=[org.pk for org in federations])
    )


def _in_post(on: date, condition: Q) -> Q:
    return in_post_on(on, "officers__") & condition


def current_terms(on: date, cdcs: QuerySet[GrassrootsUnion]) -> QuerySet[Term]:
    """The term of each of `cdcs` on the day, with how many people hold which posts that day
    (executive, inspection, chairs, vice_chairs, standing, full_time) and when a chair last left."""
    return (
        Term.objects.current_on(on)
        .filter(cdcs__in=cdcs.values("pk"))
        .annotate(
            executive=Count("officers", filter=_in_post(on, Q(officers__body=Body.EXECUTIVE))),
            inspection=Count("officers", filter=_in_post(on, Q(officers__body=Body.INSPECTION))),
            chairs=Count("officers", filter=_in_post(on, Q(officers__post=Post.CHAIR))),
            vice_chairs=Count("officers", filter=_in_post(on, Q(officers__post=Post.VICE_CHAIR))),
            standing=Count("officers", filter=_in_post(on, Q(officers__post=Post.STANDING))),
            full_time=Count("officers", filter=_in_post(on, Q(officers__full_time=True))),
            chair_left=Max("officers__to_on", filter=Q(officers__post=Post.CHAIR, officers__to_on__lte=on)),
        )
        .order_by()
    )


def attention_row(term: Term, *, code: str, name: str, federation_id: int, on: date, due_until: date) -> AttentionRow:
    """What a term (annotated by current_terms) lacks on the day `on`."""
    row = AttentionRow(
        cdcs_id=term.cdcs_id, code=code, name=name, federation_id=federation_id, term_id=term.pk,
        term_kind=term.kind, starts_on=term.starts_on, ends_on=term.ends_on, committee_size=term.committee_size,
        inspection_size=term.inspection_size, executive=term.executive, inspection=term.inspection,
    )  # fmt: skip
    if not term.chairs:
        row.no_chair_since = term.chair_left or term.starts_on
    if term.ends_on < on:
        row.overdue_since = term.ends_on
    elif term.ends_on <= due_until:
        row.due_on = term.ends_on
    return row


def needs_attention(*, scope=None, on: date, due_months: int | None = None) -> Attention:
    """What the CĐCS of `scope` lack on the day `on` (see the module's note). Three queries."""
    due_months = settings.OFFICERS_CONGRESS_DUE_MONTHS if due_months is None else due_months
    federations = scope_federations(scope, on)
    attention = Attention(on=on, due_months=due_months, federations=federations)
    attention.by_federation = {org.pk: AttentionCounts() for org in federations}
    order = {org.pk: index for index, org in enumerate(federations)}
    unions = cdcs_existing_on(on, federations)
    known = {row["pk"]: row for row in unions.values("pk", "code", "name", "federation_at_id")}
    due_until = add_months(on, due_months)
    with_term = set()
    for term in current_terms(on, unions):
        union = known.get(term.cdcs_id)
        if union is None:
            continue
        with_term.add(term.cdcs_id)
        row = attention_row(term, code=union["code"], name=union["name"], federation_id=union["federation_at_id"],
                            on=on, due_until=due_until)  # fmt: skip
        if row.needs_filling or row.due_on is not None:
            attention.rows.append(row)
            attention.by_federation[row.federation_id].add(row)
            attention.total.add(row)
    for pk, union in known.items():
        counts = attention.by_federation[union["federation_at_id"]]
        counts.cdcs += 1
        counts.no_term += pk not in with_term
    attention.total.cdcs = len(known)
    attention.total.no_term = len(known) - len(with_term)
    attention.rows.sort(key=lambda row: (order[row.federation_id], row.code))
    return attention


@dataclass
class OfficerCounts:
    cdcs: int = 0  # CĐCS that exist on the day
    with_term: int = 0
    executive: int = 0
    chairs: int = 0
    vice_chairs: int = 0
    standing: int = 0
    inspection: int = 0
    full_time: int = 0

    def add(self, term: Term) -> None:
        self.with_term += 1
        for name in ("executive", "chairs", "vice_chairs", "standing", "inspection", "full_time"):
            setattr(self, name, getattr(self, name) + getattr(term, name))


def officer_counts(*, scope=None, on: date) -> tuple[dict[int, OfficerCounts], OfficerCounts]:
    """How many people hold which posts on the day, per federation of `scope` and in all; no names.
    Three queries."""
    federations = scope_federations(scope, on)
    per = {org.pk: OfficerCounts() for org in federations}
    total = OfficerCounts()
    unions = cdcs_existing_on(on, federations)
    federation_of = dict(unions.values_list("pk", "federation_at_id"))
    for pk in federation_of.values():
        per[pk].cdcs += 1
    total.cdcs = len(federation_of)
    for term in current_terms(on, unions):
        if term.cdcs_id in federation_of:
            per[federation_of[term.cdcs_id]].add(term)
            total.add(term)
    return per, total


# --- a CĐCS's committees, the officers' list -----------------------------------------------------


@dataclass
class Committees:
    term: Term | None  # the term on the day, annotated by current_terms
    status: AttentionRow | None
    executive: list[Officer]  # in post on the day, by post
    inspection: list[Officer]
    former: list[Officer]  # who held a post of the term and left it
    terms: list[Term]  # every term, the newest first, with .officers_all


def cdcs_committees(cdcs: GrassrootsUnion, on: date, *, due_months: int | None = None) -> Committees:
    """A CĐCS's committees on the day `on` and the history of its terms. Three queries."""
    due_months = settings.OFFICERS_CONGRESS_DUE_MONTHS if due_months is None else due_months
    term = current_terms(on, GrassrootsUnion.objects.filter(pk=cdcs.pk)).first()
    officers = Officer.objects.select_related("member").order_by("from_on", "pk")
    terms = list(cdcs.terms.order_by("-starts_on").prefetch_related(Prefetch("officers", officers, "officers_all")))
    if term is None:
        return Committees(None, None, [], [], [], terms)
    status = attention_row(term, code=cdcs.code, name=cdcs.name, federation_id=0, on=on,
                           due_until=add_months(on, due_months))  # fmt: skip
    people = next(t.officers_all for t in terms if t.pk == term.pk)
    in_post = sorted((o for o in people if o.from_on <= on and (o.to_on is None or o.to_on > on)),
                     key=lambda o: (POST_ORDER[o.post], o.from_on, o.pk))  # fmt: skip
    return Committees(
        term=term,
        status=status,
        executive=[o for o in in_post if o.body == Body.EXECUTIVE],
        inspection=[o for o in in_post if o.body == Body.INSPECTION],
        former=[o for o in people if o.to_on is not None and o.to_on <= on],
        terms=terms,
    )


class OfficerStatus:
    IN_POST = "in_post"
    LEFT = "left"
    ALL = "all"


def officers_list(*, cdcs: QuerySet[GrassrootsUnion], on: date, post: str = "", status: str = OfficerStatus.IN_POST):
    """The officers of `cdcs` (already narrowed to what the user may read), in their CĐCS's term on
    the day `on` (in post, or who left during it) or, with status ALL, of every term."""
    officers = Officer.objects.filter(term__cdcs__in=cdcs.values("pk"))
    if status != OfficerStatus.ALL:
        officers = officers.filter(term__in=Term.objects.current_on(on).values("pk"))
    if status == OfficerStatus.IN_POST:
        officers = officers.in_post(on)
    elif status == OfficerStatus.LEFT:
        officers = officers.filter(to_on__lte=on)
    if post:
        officers = officers.filter(post=post)
    precedence = Case(*(When(post=post, then=Value(index)) for post, index in POST_ORDER.items()),
                      output_field=IntegerField())  # fmt: skip
    return officers.select_related("term__cdcs", "member").order_by("term__cdcs__code", precedence, "from_on", "pk")
