import pytest

from ratings.selectors import rubric_rules
from ratings.services import assessment_review, assessments_self_save, rubric_create


@pytest.fixture
def make_rubric(db):
    """A year's rubric, made as provincial staff make one (the shipped default or a copy)."""

    def make(year: int = 2024):
        return rubric_create(year=year, user=None)

    return make


@pytest.fixture
def rate(db):
    """Rate a CĐCS: self-assessment {code: points}, then optionally a review (finalised)."""

    def rate(rubric, cdcs, federation, scores: dict, reviewed: dict | None = None, *, finalise: bool = True):
        by_code = {c.code: c.id for c in rubric_rules(rubric=rubric).criteria}
        entered = {by_code[code]: value for code, value in scores.items()}
        (assessment,) = assessments_self_save(
            rubric=rubric, federation=federation, scores={cdcs.pk: entered}, user=None
        )
        if reviewed is not None:
            review = {by_code[code]: value for code, value in reviewed.items()}
            assessment = assessment_review(assessment=assessment, scores=review, note="", finalise=finalise, user=None)
        return assessment

    return rate


def full(total_per_criterion=None, **overrides) -> dict:
    """Scores of the default rubric: every criterion at its maximum, or as overridden ("c3_1"=0)."""
    maxima = {"1.1": 10, "1.2": 10, "1.3": 10, "2.1": 15, "2.2": 15, "3.1": 10, "3.2": 10, "4.1": 10, "4.2": 10}
    scores = dict(maxima)
    for key, value in overrides.items():
        scores[key.removeprefix("c").replace("_", ".")] = value
    return scores
