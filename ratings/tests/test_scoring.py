"""The scoring rule on hand-built rubrics: caps, thresholds and the conditions of levels."""

from ratings.scoring import CriterionRule, LevelRule, capped, score, score_problem

A = CriterionRule(id=1, code="A", max_score=10)
B = CriterionRule(id=2, code="B", max_score=20)
C = CriterionRule(id=3, code="C", max_score=70)
CRITERIA = [A, B, C]
EXCELLENT = LevelRule(id=10, name="Xuất sắc", min_total=90, requires_nonzero=frozenset({1}))
GOOD = LevelRule(id=11, name="Tốt", min_total=70, requires_nonzero=frozenset({2}))
DONE = LevelRule(id=12, name="Hoàn thành", min_total=50)
FAILED = LevelRule(id=13, name="Không hoàn thành", min_total=0)
LEVELS = [DONE, FAILED, EXCELLENT, GOOD]  # in no particular order: the rule sorts by threshold


def test_total_is_the_sum_and_the_level_the_highest_threshold_reached():
    result = score({1: 5, 2: 15, 3: 55}, CRITERIA, LEVELS)
    assert result.total == 75
    assert result.level == GOOD
    assert result.complete


def test_a_total_exactly_on_a_threshold_reaches_it():
    assert score({1: 10, 2: 10, 3: 70}, CRITERIA, LEVELS).level == EXCELLENT  # 90
    assert score({1: 10, 2: 10, 3: 69}, CRITERIA, LEVELS).level == GOOD  # 89
    assert score({1: 0, 2: 0, 3: 50}, CRITERIA, LEVELS).level == DONE
    assert score({1: 0, 2: 0, 3: 49}, CRITERIA, LEVELS).level == FAILED


def test_a_required_criterion_at_zero_drops_the_cdcs_to_the_next_level_that_allows_it():
    # 90 points, but A (required for "Xuất sắc") is zero: "Tốt" (needs B > 0) holds
    assert score({1: 0, 2: 20, 3: 70}, CRITERIA, LEVELS).level == GOOD
    # 80 points with B at zero: "Tốt" needs B, so "Hoàn thành"
    assert score({1: 10, 2: 0, 3: 70}, CRITERIA, LEVELS).level == DONE
    assert score({1: 10, 2: 10, 3: 70}, CRITERIA, LEVELS).level == EXCELLENT


def test_scores_above_the_maximum_or_below_zero_are_capped_when_totalled():
    result = score({1: 50, 2: -4, 3: 70}, CRITERIA, LEVELS)
    assert result.total == 10 + 0 + 70
    assert capped(None, A) == 0


def test_missing_scores_count_zero_and_leave_the_assessment_incomplete():
    result = score({1: 10, 3: 70}, CRITERIA, LEVELS)
    assert (result.total, result.complete) == (80, False)
    assert result.level == DONE  # B (required by "Tốt") has no score: zero


def test_no_level_when_the_rubric_has_none_for_low_totals():
    assert score({1: 1}, CRITERIA, [EXCELLENT, GOOD]).level is None


def test_entry_above_the_maximum_is_refused_with_a_message_not_capped():
    assert score_problem(11, A) == "Tiêu chí A tối đa 10 điểm, không được chấm 11."
    assert score_problem(-1, A) == "Điểm không được âm."
    assert score_problem(10, A) is None
    assert score_problem(None, A) is None
