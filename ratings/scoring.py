"""How a CĐCS's scores become a total and a level. Pure functions over plain values, so that the
rule lives once and is tested on hand-built cases (ratings/tests/test_scoring.py)."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class CriterionRule:
    id: int
    code: str
    max_score: int


@dataclass(frozen=True)
class LevelRule:
    id: int
    name: str
    min_total: int
    requires_nonzero: frozenset[int] = field(default_factory=frozenset)  # criterion ids


@dataclass(frozen=True)
class Result:
    total: int
    level: LevelRule | None
    complete: bool  # every criterion has a score


def score_problem(value: int | None, criterion: CriterionRule) -> str | None:
    """Why an entered score is refused (entry above the maximum is an error, never capped silently)."""
    if value is None:
        return None
    if value < 0:
        return _("Điểm không được âm.")
    if value > criterion.max_score:
        return _("Tiêu chí %(code)s tối đa %(max)s điểm, không được chấm %(value)s.") % {
            "code": criterion.code,
            "max": criterion.max_score,
            "value": value,
        }
    return None


def capped(value: int | None, criterion: CriterionRule) -> int:
    return max(0, min(int(value or 0), criterion.max_score))


def score(scores: Mapping[int, int | None], criteria: Iterable[CriterionRule], levels: Iterable[LevelRule]) -> Result:
    """Total = the sum of each criterion's score kept within 0..max (defensively: entry refuses
    more); level = the highest level (by min_total) whose threshold the total reaches and none of
    whose required criteria scores zero. A criterion without a score counts 0."""
    criteria = list(criteria)
    points = {criterion.id: capped(scores.get(criterion.id), criterion) for criterion in criteria}
    total = sum(points.values())
    reached = None
    for level in sorted(levels, key=lambda level: -level.min_total):
        if total >= level.min_total and all(points.get(pk, 0) > 0 for pk in level.requires_nonzero):
            reached = level
            break
    complete = all(scores.get(criterion.id) is not None for criterion in criteria)
    return Result(total=total, level=reached, complete=complete)
