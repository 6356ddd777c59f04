"""Reads of programmes and quotas, each in a fixed number of queries."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q, QuerySet, Sum

from members.models import Organisation
from unionportal.lib.formatting import count
from unionportal.lib.months import Month

from .models import Programme, Quota

# The quotas of an organisation's year, in the order the grid shows them.
QUOTA_KINDS = ("new_members", "new_unions", "trained_officers")


def active_in_year(org: Organisation, year: int) -> bool:
    """Did the organisation exist at some time during the year?"""
    return (org.active_from is None or org.active_from <= date(year, 12, 31)) and (
        org.active_to is None or org.active_to >= date(year, 1, 1)
    )


def programmes_with_totals() -> QuerySet[Programme]:
    """Every programme, newest first, with the province's quotas over the whole programme and
    the number of organisations that have quotas in it."""
    province = Q(quotas__organisation__kind=Organisation.Kind.PROVINCE)
    return Programme.objects.annotate(
        province_members=Sum("quotas__new_members", filter=province),
        province_unions=Sum("quotas__new_unions", filter=province),
        organisations=Count("quotas__organisation", distinct=True),
    ).order_by("-first_year", "-document_date", "-pk")


def overlapping_programmes(*, first_year: int, last_year: int, exclude: Programme | None = None) -> list[Programme]:
    """Programmes sharing at least one year with first_year..last_year (allowed: terms overlap)."""
    programmes = Programme.objects.filter(first_year__lte=last_year, last_year__gte=first_year)
    if exclude is not None:
        programmes = programmes.exclude(pk=exclude.pk)
    return list(programmes.order_by("first_year", "pk"))


@dataclass
class Entry:
    """One number of the grid: an organisation's quota of one kind for one year."""

    org_id: int
    year: int
    kind: str
    value: int | None  # None: no quota row yet, which counts as 0
    entered: str | None = None  # what was typed, when a save is refused
    error: str = ""

    @property
    def name(self) -> str:
        return f"q-{self.org_id}-{self.year}-{self.kind}"

    @property
    def number(self) -> int:
        return self.value or 0

    @property
    def shown(self) -> str:
        """The input's value: what was typed, else the saved number as every page shows numbers
        (9.500; 9,500 in English), which the save reads back."""
        return self.entered if self.entered is not None else count(self.number)


@dataclass
class Cell:
    year: int
    open: bool  # False: the organisation did not exist that year, so it gets no quota
    entries: list[Entry]


@dataclass
class QuotaRow:
    org: Organisation
    cells: list[Cell]
    started_on: date | None = None  # when the organisation began during the programme
    ended_on: date | None = None  # when it ended (or merged) during the programme

    @property
    def totals(self) -> list[tuple[str, int]]:
        """(kind, quota over the whole programme)."""
        return [
            (kind, sum(cell.entries[index].number for cell in self.cells)) for index, kind in enumerate(QUOTA_KINDS)
        ]

    @property
    def entries(self) -> list[Entry]:
        return [entry for cell in self.cells for entry in cell.entries]


@dataclass
class Comparison:
    """The federations' quotas added up, against the province's."""

    year: int | None  # None: the whole programme
    kind: str
    total: int
    target: int

    @property
    def difference(self) -> int:
        return self.total - self.target

    @property
    def matches(self) -> bool:
        return self.total == self.target


@dataclass
class QuotaGrid:
    programme: Programme
    province: QuotaRow | None
    federations: list[QuotaRow]
    sums: list[Comparison] = field(default_factory=list)  # years × kinds, in column order
    totals: list[Comparison] = field(default_factory=list)  # one per kind

    @property
    def rows(self) -> list[QuotaRow]:
        return ([self.province] if self.province else []) + self.federations

    @property
    def entries(self) -> list[Entry]:
        return [entry for row in self.rows for cell in row.cells if cell.open for entry in cell.entries]

    @property
    def mismatches(self) -> list[Comparison]:
        return [comparison for comparison in self.sums if not comparison.matches]

    def compare(self) -> None:
        """(Re)compute the sums, after numbers typed were put into the entries."""
        target = self.province.entries if self.province else []
        self.sums = []
        for position, (year, kind) in enumerate((year, kind) for year in self.programme.years for kind in QUOTA_KINDS):
            self.sums.append(
                Comparison(
                    year=year,
                    kind=kind,
                    total=sum(row.entries[position].number for row in self.federations),
                    target=target[position].number if target else 0,
                )
            )
        self.totals = [
            Comparison(
                year=None,
                kind=kind,
                total=sum(c.total for c in self.sums if c.kind == kind),
                target=sum(c.target for c in self.sums if c.kind == kind),
            )
            for kind in QUOTA_KINDS
        ]


def quota_grid(*, programme: Programme) -> QuotaGrid:
    """The province and every federation active during the programme's years (or holding
    quotas in it), each with its quotas per year and kind. Two queries."""
    start, end = Month(programme.first_year, 1), Month(programme.last_year, 12)
    with_quotas = Quota.objects.filter(programme=programme).values("organisation_id")
    orgs = (
        Organisation.objects.federations().active_between(start, end)
        | Organisation.objects.filter(Q(kind=Organisation.Kind.PROVINCE) | Q(pk__in=with_quotas))
    ).select_related("merged_into")
    quotas = defaultdict(dict)
    for org_id, year, *numbers in Quota.objects.filter(programme=programme).values_list(
        "organisation_id", "year", *QUOTA_KINDS
    ):
        quotas[org_id][year] = dict(zip(QUOTA_KINDS, numbers, strict=True))

    province, federations = None, []
    for org in orgs:
        cells = []
        for year in programme.years:
            saved = quotas[org.pk].get(year)
            cells.append(
                Cell(
                    year=year,
                    open=org.is_province or saved is not None or active_in_year(org, year),
                    entries=[Entry(org.pk, year, kind, saved[kind] if saved else None) for kind in QUOTA_KINDS],
                )
            )
        row = QuotaRow(
            org=org,
            cells=cells,
            started_on=org.active_from if org.active_from and org.active_from > start.first_day else None,
            ended_on=org.active_to if org.active_to and org.active_to < end.last_day else None,
        )
        if org.is_province:
            province = row
        else:
            federations.append(row)
    grid = QuotaGrid(programme=programme, province=province, federations=federations)
    grid.compare()
    return grid
