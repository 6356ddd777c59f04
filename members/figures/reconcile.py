"""Reconciliation of the monthly figures with the member register (đối chiếu với sổ đoàn viên).

For a federation-month, each CĐCS's reported figures beside those its members' events give
(members.register.people.register_figures); for the province, how many CĐCS of each federation agree;
and, for one CĐCS's month, the members behind each of the register's numbers. Every selector
reads a fixed number of queries, whatever the number of CĐCS or members."""

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import NamedTuple

from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext_lazy as _

from unionportal.lib.months import Month

from ..models import LOSS_FIELDS, GrassrootsUnion, Member, MemberEvent, MonthlyFigure, Organisation
from ..register.people import RegisterMonth, register_figures
from .grid import column_label

# The figures compared, in the order the page shows them.
COMPARED = ("members_start", "admitted", "transferred_in", *LOSS_FIELDS.values(), "members_end")
# Shown as one column each, the losses as their total (with each reason on demand).
HEADLINE = ("members_start", "admitted", "transferred_in", "lost", "members_end")

# How many members a drill-down lists for each movement, and per page of a stock list.
FLOW_CAP = 300
STOCK_PAGE = 100
# What the drill-down shows of a member (the rest of the record stays in the database).
LISTED = ("pk", "cdcs_id", "full_name", "search_name", "id_number", "joined_on")


class Status(models.TextChoices):
    MATCHED = "matched", _("Khớp")
    DIFFERS = "differs", _("Lệch")
    NOT_REPORTED = "not_reported", _("Chưa báo cáo")
    NO_REGISTER = "no_register", _("Chưa giữ sổ")


def _with_lost(figures: dict[str, int]) -> dict[str, int]:
    return {**figures, "lost": sum(figures[column] for column in LOSS_FIELDS.values())}


def register_differences(reported: dict[str, int], register: RegisterMonth) -> list[str]:
    """The figures (of COMPARED) in which the reported month differs from the register's."""
    counted = register.as_figures()
    return [column for column in COMPARED if reported[column] != counted[column]]


def figures_of(figure: MonthlyFigure) -> dict[str, int]:
    return {column: getattr(figure, column) for column in COMPARED}


@dataclass
class Line:
    """One CĐCS of the federation-month: what it reported, what its register counts."""

    cdcs: GrassrootsUnion
    reported: dict[str, int] | None  # COMPARED and "lost"; None: no row for the month
    register: dict[str, int] | None  # the same; None: the CĐCS keeps no register by this month
    differences: list[str] = field(default_factory=list)

    @property
    def status(self) -> Status:
        if self.register is None:
            return Status.NO_REGISTER
        if self.reported is None:
            return Status.NOT_REPORTED
        return Status.DIFFERS if self.differences else Status.MATCHED

    @property
    def difference_labels(self) -> list[str]:
        return [str(column_label(column)) for column in self.differences]

    def differs(self, column: str) -> bool:
        if column == "lost":
            return any(loss in self.differences for loss in LOSS_FIELDS.values())
        return column in self.differences


def _line(cdcs: GrassrootsUnion, figure: dict[str, int] | None, register: RegisterMonth | None) -> Line:
    counted = register.as_figures() if register is not None else None
    return Line(
        cdcs=cdcs,
        reported=_with_lost(figure) if figure is not None else None,
        register=_with_lost(counted) if counted is not None else None,
        differences=[column for column in COMPARED if figure[column] != counted[column]]
        if figure is not None and counted is not None
        else [],
    )


def _reported(cdcs_ids: list[int], month: Month) -> dict[int, dict[str, int]]:
    rows = MonthlyFigure.objects.filter(month=month.first_day, cdcs_id__any_of=cdcs_ids).values("cdcs_id", *COMPARED)
    return {row.pop("cdcs_id"): row for row in rows}


@dataclass
class Reconciliation:
    federation: Organisation
    month: Month
    lines: list[Line]

    def count(self, status: Status) -> int:
        return sum(1 for line in self.lines if line.status == status)

    @property
    def keeping(self) -> int:
        return sum(1 for line in self.lines if line.register is not None)

    @property
    def matched(self) -> int:
        return self.count(Status.MATCHED)

    @property
    def differing(self) -> int:
        return self.count(Status.DIFFERS)

    @property
    def not_reported(self) -> int:
        return self.count(Status.NOT_REPORTED)

    @cached_property
    def totals(self) -> dict[str, dict[str, int]]:
        """Reported and register totals over the CĐCS that keep a register (the others have
        nothing to compare with)."""
        keys = (*COMPARED, "lost")
        reported, register = dict.fromkeys(keys, 0), dict.fromkeys(keys, 0)
        for line in self.lines:
            if line.register is None:
                continue
            for key in keys:
                register[key] += line.register[key]
                reported[key] += line.reported[key] if line.reported else 0
        return {"reported": reported, "register": register}


def federation_reconciliation(*, federation: Organisation, month: Month) -> Reconciliation:
    """Every CĐCS of the federation-month (as the entry grid has them: active in the month, under the
    federation then), reported against register: one query for the CĐCS, one for the reported rows,
    two for the register."""
    unions = GrassrootsUnion.objects.active_in(month).under(federation.pk, month).order_by("code")
    unions = list(unions.only("pk", "code", "name", "register_from"))
    registers = register_figures(unions, month)
    reported = _reported([cdcs.pk for cdcs in unions], month)
    lines = [_line(cdcs, reported.get(cdcs.pk), registers.get(cdcs.pk)) for cdcs in unions]
    return Reconciliation(federation=federation, month=month, lines=lines)


@dataclass
class FederationSummary:
    federation: Organisation
    cdcs: int = 0
    keeping: int = 0
    matched: int = 0
    differing: int = 0
    not_reported: int = 0


class _Union(NamedTuple):
    """What the province's count needs of a CĐCS: 25,000 model objects took half a second."""

    pk: int
    register_from: date | None
    federation_at_id: int


def province_reconciliation(*, federations, month: Month) -> list[FederationSummary]:
    """For each federation, how many of its CĐCS that month keep a register, agree with it,
    differ from it or have not reported: four queries, whatever the number of federations; rows
    read as tuples, for the province's 25,000 CĐCS."""
    summaries = {federation.pk: FederationSummary(federation) for federation in federations}
    unions = [
        _Union(*row)
        for row in GrassrootsUnion.objects.active_in(month)
        .with_federation_at(month)
        .filter(federation_at_id__in=list(summaries))
        .values_list("pk", "register_from", "federation_at_id")
    ]
    registers = register_figures(unions, month)
    reported = MonthlyFigure.objects.filter(month=month.first_day, cdcs_id__any_of=list(registers))
    reported = {row[0]: row[1:] for row in reported.values_list("cdcs_id", *COMPARED)}
    for cdcs in unions:
        summary = summaries[cdcs.federation_at_id]
        summary.cdcs += 1
        if cdcs.pk not in registers:
            continue
        summary.keeping += 1
        figure = reported.get(cdcs.pk)
        if figure is None:
            summary.not_reported += 1
            continue
        counted = registers[cdcs.pk].as_figures()
        if figure == tuple(counted[column] for column in COMPARED):
            summary.matched += 1
        else:
            summary.differing += 1
    return list(summaries.values())


# --- the people behind one CĐCS's month ---------------------------------------------------------


@dataclass
class Movement:
    """A member's event of the month: who, on which day, and for a loss why."""

    member: Member
    on: date
    reason: str = ""


@dataclass
class Flow:
    key: str  # "admitted", "transferred_in" or a LOSS_FIELDS column
    label: str
    total: int  # as the register counts it
    movements: list[Movement]

    @property
    def more(self) -> int:
        """How many are left out of the list (it stops at FLOW_CAP)."""
        return max(self.total - len(self.movements), 0)


@dataclass
class CdcsMonth:
    cdcs: GrassrootsUnion
    month: Month
    register: RegisterMonth
    flows: list[Flow]  # admitted, transferred in, then each reason of loss
    start: Page | None  # the members at the start of the month, listed in the register's first month
    end: Page  # the members at the end of the month

    @property
    def first_month(self) -> bool:
        return Month.of(self.cdcs.register_from) == self.month


def _movements(cdcs: GrassrootsUnion, month: Month) -> dict[tuple[str, str], list[Movement]]:
    """The month's events of the CĐCS, at most FLOW_CAP of each kind and reason, in one query."""
    events = (
        MemberEvent.objects.filter(cdcs=cdcs, month=month.first_day)
        .exclude(kind=MemberEvent.Kind.OPENING)  # those entered into the register: the start's list
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("kind"), F("reason")], order_by=[F("on").asc(), F("pk").asc()])
        )
        .filter(rank__lte=FLOW_CAP)
        .select_related("member")
        .only("kind", "reason", "on", *(f"member__{name}" for name in LISTED if name != "pk"))
        .order_by("on", "pk")
    )
    found: dict[tuple[str, str], list[Movement]] = {}
    for event in events:
        found.setdefault((event.kind, event.reason), []).append(Movement(event.member, event.on, event.reason))
    return found


def _members_at(cdcs: GrassrootsUnion, events: Q):
    """Members whose last event in the CĐCS among `events` put them in it (not a loss)."""
    in_scope = MemberEvent.objects.filter(events, cdcs=cdcs)
    last = in_scope.filter(member=OuterRef("pk")).order_by("-on", "-pk").values("kind")[:1]
    return (
        Member.objects.filter(pk__in=in_scope.values("member_id"))
        .only(*LISTED)
        .annotate(last_kind=Subquery(last))
        .exclude(last_kind=MemberEvent.Kind.LOST)
        .order_by("search_name", "pk")
    )


def cdcs_month(*, cdcs: GrassrootsUnion, month: Month, end_page=1, start_page=1) -> CdcsMonth | None:
    """The members behind each register number of the CĐCS's month (None when it keeps no
    register by then): the month's movements, and the members at its start and end, a page at a
    time. The counts come from register_figures, so that the lists and the page's numbers agree."""
    register = register_figures([cdcs], month).get(cdcs.pk)
    if register is None:
        return None
    movements = _movements(cdcs, month)
    kinds = MemberEvent.Kind
    flows = [
        Flow(
            "admitted", column_label("admitted"), register.values["admitted"], movements.get((kinds.ADMITTED, ""), [])
        ),
        Flow(
            "transferred_in",
            column_label("transferred_in"),
            register.values["transferred_in"],
            movements.get((kinds.TRANSFERRED_IN, ""), []),
        ),
        *(
            Flow(column, str(reason.label), register.values[column], movements.get((kinds.LOST, reason.value), []))
            for reason, column in LOSS_FIELDS.items()
        ),
    ]
    end = Paginator(_members_at(cdcs, Q(month__lte=month.first_day)), STOCK_PAGE).get_page(end_page)
    start = None
    if Month.of(cdcs.register_from) == month:
        before = Q(month__lt=month.first_day) | Q(month=month.first_day, kind=kinds.OPENING)
        start = Paginator(_members_at(cdcs, before), STOCK_PAGE).get_page(start_page)
    return CdcsMonth(cdcs=cdcs, month=month, register=register, flows=flows, start=start, end=end)
