"""Demo data for the ratings app (issue 8): the annual CĐCS rating of the last two complete years
(reviewed, final and closed) and of this year (under way: some CĐCS self-assessed, some reviewed,
some not started). Each CĐCS has a quality that drifts from year to year, a little higher in the
state sector, so that the report shows levels moving both ways; reviewers lower about a third of
the self-assessments. Rubrics are made by the service (copied year to year); assessments are
written in bulk, scored by the same rule (ratings.scoring) the services use."""

import random
from datetime import date, datetime, time

from django.utils import timezone

from members.models import SECTORS_OF_GROUP, GrassrootsUnion, SectorGroup

from .models import Assessment, Rubric
from .selectors import reference_month, rubric_rules
from .services import rubric_create

STATE = set(SECTORS_OF_GROUP[SectorGroup.STATE])


def seed_ratings(*, province, federations, users, end) -> int:
    """Seed the demo's ratings data up to the month `end`; returns how many assessments it wrote."""
    rng = random.Random("ratings-2018")
    this_year = end.year
    quality: dict[int, float] = {}
    written = 0
    for year in (this_year - 2, this_year - 1, this_year):
        rubric = Rubric.objects.filter(year=year).first() or rubric_create(year=year, user=None)
        rules = rubric_rules(rubric=rubric)
        month = reference_month(year, end.last_day)
        unions = (
            GrassrootsUnion.objects.with_federation_at(month)
            .filter(founded_on__lte=date(year, 12, 31))
            .exclude(dissolved_on__lt=date(year, 1, 1))
            .filter(federation_at_id__isnull=False)
            .order_by("pk")
            .values_list("pk", "federation_at_id", "sector")
        )
        closed = year < this_year
        assessments = []
        for pk, federation_id, sector in unions:
            base = 0.82 if sector in STATE else 0.7
            quality[pk] = min(1.0, max(0.2, quality.get(pk, rng.gauss(base, 0.12)) + rng.gauss(0, 0.07)))
            if not closed and rng.random() < 0.35:
                continue  # not started this year
            own = {c.id: _points(rng, c.max_score, quality[pk] + 0.05) for c in rules.criteria}
            assessment = Assessment(rubric=rubric, cdcs_id=pk, federation_id=federation_id, self_scores=_json(own))
            result = rules.result(own)
            assessment.self_total, assessment.self_level = result.total, rules.level(result)
            assessment.status = Assessment.Status.SELF_ASSESSED
            if closed or rng.random() < 0.5:
                reviewed = dict(own)
                if rng.random() < 0.35:
                    for criterion in rng.sample(rules.criteria, k=min(3, len(rules.criteria))):
                        reviewed[criterion.id] = max(0, reviewed[criterion.id] - rng.randint(1, 5))
                result = rules.result(reviewed)
                assessment.reviewed_scores = _json(reviewed)
                assessment.reviewed_total, assessment.reviewed_level = result.total, rules.level(result)
                assessment.reviewed_at = timezone.make_aware(datetime.combine(date(year, 12, 15), time(9)))
                assessment.status = Assessment.Status.FINAL if closed or rng.random() < 0.8 else assessment.status
            assessments.append(assessment)
        Assessment.objects.filter(rubric=rubric).delete()
        Assessment.objects.bulk_create(assessments, batch_size=500)
        written += len(assessments)
        if closed:
            closed_at = timezone.make_aware(datetime.combine(date(year + 1, 1, 20), time(16)))
            Rubric.objects.filter(pk=rubric.pk).update(status=Rubric.Status.CLOSED, closed_at=closed_at)
    return written


def _points(rng: random.Random, max_score: int, quality: float) -> int:
    """A criterion's score around quality × max; now and then a zero (a task not done at all)."""
    if rng.random() < 0.03:
        return 0
    return max(0, min(max_score, round(rng.gauss(quality, 0.1) * max_score)))


def _json(scores: dict[int, int]) -> dict[str, int]:
    return {str(pk): value for pk, value in scores.items()}
