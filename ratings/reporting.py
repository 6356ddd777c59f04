"""The year's rating report: levels by federation and by sector group, the change since the year
before, the non-state CĐCS rated lowest and the CĐCS whose self-score the review lowered most.

Only final results count. A fixed number of queries whatever the number of CĐCS or federations:
the year's final results are read in one query and folded here."""

from dataclasses import dataclass, field

from django.db.models import Count

from members.models import SECTORS_OF_GROUP, Organisation, SectorGroup

from .models import Assessment, Level, Rubric

NON_STATE = set(SECTORS_OF_GROUP[SectorGroup.NON_STATE])


@dataclass
class Line:
    label: str
    counts: list[int]  # one per level, in the levels' order
    pending: int = 0  # results not final yet

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass
class Result:
    code: str
    name: str
    federation: str
    self_total: int
    total: int
    level: str
    before: str = ""  # last year's level

    @property
    def lowered_by(self) -> int:
        return self.self_total - self.total


@dataclass
class LevelChange:
    name: str
    now: int
    before: int | None  # None: no level of that name last year

    @property
    def change(self) -> int | None:
        return None if self.before is None else self.now - self.before


@dataclass
class Report:
    rubric: Rubric
    previous: Rubric | None
    levels: list[Level]
    by_federation: list[Line]
    by_sector: list[Line]
    total: Line
    changes: list[LevelChange] = field(default_factory=list)
    up: list[Result] = field(default_factory=list)
    down: list[Result] = field(default_factory=list)
    same: int = 0
    lowest_non_state: list[Result] = field(default_factory=list)
    lowered_most: list[Result] = field(default_factory=list)


def rating_report(*, rubric: Rubric, federations=None, bottom: int = 10) -> Report:
    """The report of a year for the federations given (a queryset; None: all of them)."""
    levels = list(Level.objects.filter(rubric=rubric))
    rank = {level.pk: index for index, level in enumerate(levels)}
    assessments = Assessment.objects.filter(rubric=rubric)
    if federations is not None:
        assessments = assessments.filter(federation__in=federations)
    final = list(
        assessments.filter(status=Assessment.Status.FINAL)
        .order_by("cdcs__code")
        .values(
            "cdcs_id", "cdcs__code", "cdcs__name", "cdcs__sector", "federation_id",
            "federation__name", "self_total", "reviewed_total", "reviewed_level_id",
        )
    )  # fmt: skip
    pending = dict(
        assessments.exclude(status=Assessment.Status.FINAL)
        .order_by()
        .values("federation_id")
        .annotate(n=Count("pk"))
        .values_list("federation_id", "n")
    )
    orgs = Organisation.objects.federations().filter(pk__in={row["federation_id"] for row in final} | set(pending))
    names = {level.pk: level.name for level in levels}

    def line(label, rows, waiting=0) -> Line:
        counts = [0] * len(levels)
        for row in rows:
            if row["reviewed_level_id"] in rank:
                counts[rank[row["reviewed_level_id"]]] += 1
        return Line(str(label), counts, waiting)

    by_federation = [
        line(org.name, [row for row in final if row["federation_id"] == org.pk], pending.get(org.pk, 0)) for org in orgs
    ]
    by_sector = [
        line(
            group.label,
            [row for row in final if (row["cdcs__sector"] in NON_STATE) == (group == SectorGroup.NON_STATE)],
        )
        for group in SectorGroup
    ]
    results = {row["cdcs_id"]: _result(row, names) for row in final}
    report = Report(
        rubric=rubric,
        previous=Rubric.objects.filter(year=rubric.year - 1).first(),
        levels=levels,
        by_federation=by_federation,
        by_sector=by_sector,
        total=line("", final, sum(pending.values())),
    )
    non_state = [results[row["cdcs_id"]] for row in final if row["cdcs__sector"] in NON_STATE]
    report.lowest_non_state = sorted(non_state, key=lambda r: (r.total, r.code))[:bottom]
    lowered = [result for result in results.values() if result.lowered_by > 0]
    report.lowered_most = sorted(lowered, key=lambda r: (-r.lowered_by, r.code))[:bottom]
    if report.previous is not None:
        _compare(report, final, results, rank, federations)
    return report


def _result(row: dict, names: dict) -> Result:
    return Result(
        code=row["cdcs__code"],
        name=row["cdcs__name"],
        federation=row["federation__name"],
        self_total=row["self_total"],
        total=row["reviewed_total"],
        level=names.get(row["reviewed_level_id"], ""),
    )


def _compare(report: Report, final: list[dict], results: dict, rank: dict, federations) -> None:
    """Levels this year against last year's (matched by name, ranked by threshold), and each
    CĐCS rated both years moved up, down or stayed."""
    before_levels = list(Level.objects.filter(rubric=report.previous))
    before_rank = {level.pk: index for index, level in enumerate(before_levels)}
    before_names = {level.pk: level.name for level in before_levels}
    previous = Assessment.objects.filter(rubric=report.previous, status=Assessment.Status.FINAL)
    if federations is not None:
        previous = previous.filter(federation__in=federations)
    before = dict(previous.values_list("cdcs_id", "reviewed_level_id"))
    counted = {}
    for level_id in before.values():
        counted[before_names.get(level_id)] = counted.get(before_names.get(level_id), 0) + 1
    last_year_names = set(before_names.values())
    for level, now in zip(report.levels, report.total.counts, strict=True):
        was = counted.get(level.name, 0) if level.name in last_year_names else None
        report.changes.append(LevelChange(level.name, now, was))
    for row in final:
        level_before = before.get(row["cdcs_id"])
        if level_before not in before_rank or row["reviewed_level_id"] not in rank:
            continue
        result = results[row["cdcs_id"]]
        result.before = before_names[level_before]
        if rank[row["reviewed_level_id"]] < before_rank[level_before]:
            report.up.append(result)
        elif rank[row["reviewed_level_id"]] > before_rank[level_before]:
            report.down.append(result)
        else:
            report.same += 1
