"""Reads of the ratings app: a year's rubric as scoring rules, and the CĐCS a federation rates."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from members.models import GrassrootsUnion, Organisation
from unionportal.lib.months import Month

from .models import Assessment, Criterion, CriterionGroup, Level, Rubric
from .scoring import CriterionRule, LevelRule, Result, score


def scores_of(stored: dict | None) -> dict[int, int]:
    """Scores as stored in JSON (string keys) → {criterion id: points}."""
    return {int(key): value for key, value in (stored or {}).items() if value is not None}


@dataclass
class Rules:
    criteria: list[CriterionRule]
    levels: list[LevelRule]
    models: dict[int, Level] = field(default_factory=dict)  # level id → Level, to store results

    def result(self, scores: dict[int, int | None]) -> Result:
        return score(scores, self.criteria, self.levels)

    def level(self, result: Result) -> Level | None:
        return self.models.get(result.level.id) if result.level else None

    @property
    def max_total(self) -> int:
        return sum(criterion.max_score for criterion in self.criteria)


def rubric_rules(*, rubric: Rubric) -> Rules:
    """The rubric's criteria and levels as scoring rules (3 queries)."""
    criteria = [
        CriterionRule(id=c.pk, code=c.code, max_score=c.max_score)
        for c in Criterion.objects.filter(rubric=rubric).order_by("group__position", "position", "pk")
    ]
    levels = list(Level.objects.filter(rubric=rubric).prefetch_related("requires_nonzero"))
    rules = [
        LevelRule(
            id=level.pk,
            name=level.name,
            min_total=level.min_total,
            requires_nonzero=frozenset(c.pk for c in level.requires_nonzero.all()),
        )
        for level in levels
    ]
    return Rules(criteria=criteria, levels=rules, models={level.pk: level for level in levels})


def rubric_outline(*, rubric: Rubric) -> tuple[list[CriterionGroup], list[Level]]:
    """Groups with their criteria, and levels with their conditions, for display (4 queries)."""
    groups = list(
        CriterionGroup.objects.filter(rubric=rubric).prefetch_related(
            Prefetch("criteria", queryset=Criterion.objects.order_by("position", "pk"))
        )
    )
    levels = list(Level.objects.filter(rubric=rubric).prefetch_related("requires_nonzero"))
    return groups, levels


def reference_month(year: int, today: date | None = None) -> Month:
    """The month whose federation rates a CĐCS: December, or this month while the year runs."""
    today = today or timezone.localdate()
    return min(Month(year, 12), Month.of(today))


@dataclass
class Row:
    cdcs: GrassrootsUnion
    assessment: Assessment | None

    @property
    def self_scores(self) -> dict[int, int]:
        return scores_of(self.assessment.self_scores) if self.assessment else {}

    @property
    def is_final(self) -> bool:
        return self.assessment is not None and self.assessment.status == Assessment.Status.FINAL


def federation_rows(*, rubric: Rubric, federation: Organisation, today: date | None = None) -> list[Row]:
    """The CĐCS a federation rates in the rubric's year: those active in that year and under the
    federation in its reference month, plus any it has already rated (2 queries)."""
    year, month = rubric.year, reference_month(rubric.year, today)
    assessments = {
        a.cdcs_id: a
        for a in Assessment.objects.filter(rubric=rubric)
        .filter(Q(federation=federation) | Q(cdcs__affiliations__federation=federation))
        .select_related("self_level", "reviewed_level")
        .distinct()
    }
    rated_here = [pk for pk, a in assessments.items() if a.federation_id == federation.pk]
    cdcs = (
        GrassrootsUnion.objects.with_federation_at(month)
        .filter(founded_on__lte=date(year, 12, 31))
        .exclude(dissolved_on__lt=date(year, 1, 1))
        .filter(Q(federation_at_id=federation.pk) | Q(pk__in=rated_here))
        .order_by("code")
    )
    rows = []
    for union in cdcs:
        assessment = assessments.get(union.pk)
        if assessment is not None and assessment.federation_id != federation.pk:
            continue  # rated by the federation it belonged to then
        rows.append(Row(cdcs=union, assessment=assessment))
    return rows


@dataclass
class Progress:
    federation: Organisation
    counts: list[int]  # assessments per status, in Assessment.Status order
    not_started: int  # CĐCS under the federation this year without an assessment

    @property
    def total(self) -> int:
        return sum(self.counts) + self.not_started


def rating_progress(*, rubric: Rubric, federations: list[Organisation], today: date | None = None) -> list[Progress]:
    """How far each federation has come with the year's rating (2 queries)."""
    year, month = rubric.year, reference_month(rubric.year, today)
    by_status: dict[int, dict[str, int]] = {}
    rows = (
        Assessment.objects.filter(rubric=rubric, federation__in=federations)
        .order_by()
        .values("federation_id", "status")
        .annotate(n=Count("pk"))
        .values_list("federation_id", "status", "n")
    )
    for federation_id, status, number in rows:
        by_status.setdefault(federation_id, {})[status] = number
    unrated = (
        GrassrootsUnion.objects.with_federation_at(month)
        .filter(founded_on__lte=date(year, 12, 31), federation_at_id__in=[org.pk for org in federations])
        .exclude(dissolved_on__lt=date(year, 1, 1))
        .exclude(pk__in=Assessment.objects.filter(rubric=rubric).values("cdcs_id"))
        .order_by()
        .values("federation_at_id")
        .annotate(n=Count("pk"))
        .values_list("federation_at_id", "n")
    )
    not_started = dict(unrated)
    return [
        Progress(
            federation=org,
            counts=[by_status.get(org.pk, {}).get(status, 0) for status in Assessment.Status.values],
            not_started=not_started.get(org.pk, 0),
        )
        for org in federations
    ]
