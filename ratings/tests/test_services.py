"""Rubrics, self-assessments, reviews and closing a year, through the services."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from members.models import AuditEntry
from ratings.models import Assessment, Criterion, Level, Rubric
from ratings.selectors import federation_rows, rubric_rules
from ratings.services import (
    assessment_reopen,
    assessment_review,
    assessments_self_save,
    rubric_close,
    rubric_create,
    rubric_reopen,
)

from .conftest import full


def _ids(rubric):
    return {c.code: c.id for c in rubric_rules(rubric=rubric).criteria}


def test_a_first_year_gets_the_shipped_rubric_of_100_points_and_four_levels(provincial_staff):
    rubric = rubric_create(year=2024, user=provincial_staff)
    rules = rubric_rules(rubric=rubric)
    assert rules.max_total == 100
    assert [level.name for level in Level.objects.filter(rubric=rubric)] == [
        "Hoàn thành xuất sắc nhiệm vụ",
        "Hoàn thành tốt nhiệm vụ",
        "Hoàn thành nhiệm vụ",
        "Không hoàn thành nhiệm vụ",
    ]
    assert AuditEntry.objects.filter(action="rating.rubric_create", object_id=str(rubric.pk)).exists()


def test_a_new_year_copies_the_previous_years_rubric_as_edited(provincial_staff):
    first = rubric_create(year=2024, user=provincial_staff)
    Criterion.objects.filter(rubric=first, code="4.2").update(name="Hoạt động xã hội", max_score=5)
    excellent = Level.objects.get(rubric=first, name="Hoàn thành xuất sắc nhiệm vụ")
    excellent.min_total = 88
    excellent.save()
    second = rubric_create(year=2025, user=provincial_staff)
    copied = Criterion.objects.get(rubric=second, code="4.2")
    assert (copied.name, copied.max_score) == ("Hoạt động xã hội", 5)
    level = Level.objects.get(rubric=second, name="Hoàn thành xuất sắc nhiệm vụ")
    assert level.min_total == 88
    assert sorted(c.code for c in level.requires_nonzero.all()) == ["2.1", "3.1"]
    assert all(c.rubric_id == second.pk for c in level.requires_nonzero.all())


def test_only_provincial_staff_create_rubrics_and_a_year_only_once(federation_user, provincial_staff):
    with pytest.raises(PermissionDenied):
        rubric_create(year=2024, user=federation_user)
    rubric_create(year=2024, user=provincial_staff)
    with pytest.raises(ValidationError, match="Đã có bộ tiêu chí năm 2024"):
        rubric_create(year=2024, user=provincial_staff)


def test_self_assessment_stores_scores_total_and_level(make_rubric, federation, make_cdcs, federation_user):
    rubric, cdcs = make_rubric(), make_cdcs(federation)
    ids = _ids(rubric)
    scores = {ids[code]: value for code, value in full(c3_1=0).items()}  # 90 points, finance at zero
    (assessment,) = assessments_self_save(
        rubric=rubric, federation=federation, scores={cdcs.pk: scores}, user=federation_user
    )
    assert (assessment.self_total, assessment.self_level.name) == (90, "Hoàn thành nhiệm vụ")
    assert assessment.status == Assessment.Status.SELF_ASSESSED
    entry = AuditEntry.objects.get(action="rating.self_assess")
    assert entry.data["total"] == 90 and entry.username == "canbo.dt"


def test_a_criterion_left_out_keeps_its_score_and_none_clears_one(make_rubric, federation, make_cdcs, rate):
    rubric, cdcs = make_rubric(), make_cdcs(federation)
    rate(rubric, cdcs, federation, full())
    ids = _ids(rubric)
    (assessment,) = assessments_self_save(
        rubric=rubric, federation=federation, scores={cdcs.pk: {ids["1.1"]: 4, ids["1.2"]: None}}, user=None
    )
    assert assessment.self_total == 100 - 6 - 10
    assert ids["1.2"] not in {int(key) for key in assessment.self_scores} and assessment.self_scores[str(ids["1.3"])]


def test_a_score_above_the_maximum_refuses_the_whole_entry(make_rubric, federation, make_cdcs, federation_user):
    rubric, first, second = make_rubric(), make_cdcs(federation), make_cdcs(federation)
    ids = _ids(rubric)
    scores = {
        first.pk: {ids["1.1"]: 8},
        second.pk: {ids["1.1"]: 11},  # 1.1 has 10 points at most
    }
    with pytest.raises(ValidationError) as refused:
        assessments_self_save(rubric=rubric, federation=federation, scores=scores, user=federation_user)
    assert "tối đa 10 điểm, không được chấm 11" in str(refused.value)
    assert not Assessment.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="rating.self").exists()


def test_federation_staff_cannot_rate_another_federations_cdcs(
    make_rubric, federation, other_federation, make_cdcs, federation_user
):
    rubric, theirs = make_rubric(), make_cdcs(other_federation)
    with pytest.raises(PermissionDenied):
        assessments_self_save(rubric=rubric, federation=other_federation, scores={theirs.pk: {}}, user=federation_user)
    with pytest.raises(ValidationError, match="không thuộc"):  # nor smuggle it into their own federation's entry
        assessments_self_save(rubric=rubric, federation=federation, scores={theirs.pk: {}}, user=federation_user)


def test_the_review_keeps_the_self_assessment_beside_it(make_rubric, federation, make_cdcs, federation_user, rate):
    rubric, cdcs = make_rubric(), make_cdcs(federation)
    assessment = rate(rubric, cdcs, federation, full())  # 100: "xuất sắc"
    ids = _ids(rubric)
    reviewed = {ids[code]: value for code, value in full(c2_1=5, c3_1=0).items()}  # 80, finance at zero
    assessment_review(
        assessment=assessment, scores=reviewed, note="Chưa nộp kinh phí", finalise=False, user=federation_user
    )
    assessment.refresh_from_db()
    assert (assessment.self_total, assessment.self_level.name) == (100, "Hoàn thành xuất sắc nhiệm vụ")
    assert assessment.self_scores[str(ids["3.1"])] == 10
    assert (assessment.reviewed_total, assessment.reviewed_level.name) == (80, "Hoàn thành nhiệm vụ")
    assert assessment.reviewed_scores[str(ids["3.1"])] == 0
    assert assessment.review_note == "Chưa nộp kinh phí"
    assert assessment.status == Assessment.Status.SELF_ASSESSED
    assessment_review(assessment=assessment, scores=reviewed, note="", finalise=True, user=federation_user)
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.FINAL and assessment.self_total == 100
    assert AuditEntry.objects.filter(action="rating.finalise").get().data["self_total"] == 100


def test_a_final_result_cannot_be_changed_until_reopened_with_a_reason(
    make_rubric, federation, make_cdcs, federation_user, rate
):
    rubric, cdcs = make_rubric(), make_cdcs(federation)
    assessment = rate(rubric, cdcs, federation, full(), full())
    ids = _ids(rubric)
    changed = {cdcs.pk: {ids[code]: value for code, value in full(c1_1=1).items()}}
    with pytest.raises(ValidationError, match="đã được chốt"):
        assessments_self_save(rubric=rubric, federation=federation, scores=changed, user=federation_user)
    with pytest.raises(ValidationError, match="đã được chốt"):
        assessment_review(assessment=assessment, scores=changed[cdcs.pk], note="", finalise=True, user=federation_user)
    with pytest.raises(ValidationError, match="lý do"):
        assessment_reopen(assessment=assessment, reason=" ", user=federation_user)
    assessment_reopen(assessment=assessment, reason="Sai điểm 1.1", user=federation_user)
    assessments_self_save(rubric=rubric, federation=federation, scores=changed, user=federation_user)
    assessment.refresh_from_db()
    assert assessment.self_total == 91 and assessment.reviewed_total == 100  # the review stays until redone


def test_a_draft_cannot_be_reviewed(make_rubric, federation, make_cdcs, federation_user, rate):
    rubric, cdcs = make_rubric(), make_cdcs(federation)
    assessment = rate(rubric, cdcs, federation, {"1.1": 5})
    assert assessment.status == Assessment.Status.DRAFT
    with pytest.raises(ValidationError, match="chưa tự chấm đủ"):
        assessment_review(assessment=assessment, scores={}, note="", finalise=True, user=federation_user)


def test_a_closed_year_refuses_every_change_until_reopened(
    make_rubric, federation, make_cdcs, federation_user, provincial_staff, rate
):
    rubric, cdcs = make_rubric(), make_cdcs(federation)
    assessment = rate(rubric, cdcs, federation, full())
    with pytest.raises(PermissionDenied):
        rubric_close(rubric=rubric, user=federation_user)
    rubric_close(rubric=rubric, user=provincial_staff)
    ids = _ids(rubric)
    scores = {ids[code]: value for code, value in full(c1_1=0).items()}
    with pytest.raises(ValidationError, match="đã khóa"):
        assessments_self_save(rubric=rubric, federation=federation, scores={cdcs.pk: scores}, user=provincial_staff)
    with pytest.raises(ValidationError, match="đã khóa"):
        assessment_review(assessment=assessment, scores=scores, note="", finalise=True, user=federation_user)
    assessment.refresh_from_db()
    assert (assessment.self_total, assessment.reviewed_total) == (100, None)
    with pytest.raises(ValidationError, match="lý do"):
        rubric_reopen(rubric=rubric, reason="", user=provincial_staff)
    rubric_reopen(rubric=rubric, reason="Bổ sung kết quả CĐCS", user=provincial_staff)
    assert Rubric.objects.get(pk=rubric.pk).status == Rubric.Status.OPEN
    assert AuditEntry.objects.get(action="rating.year_reopen").data["reason"] == "Bổ sung kết quả CĐCS"
    assessment_review(assessment=assessment, scores=scores, note="", finalise=True, user=federation_user)


def test_the_cdcs_a_federation_rates_are_those_under_it_in_the_year(make_rubric, federation, make_cdcs):
    rubric = make_rubric(2024)
    active = make_cdcs(federation, code="DT01")
    make_cdcs(federation, code="DT02", founded_on=date(2025, 2, 1))  # founded after the year
    gone = make_cdcs(federation, code="DT03")
    gone.dissolved_on, gone.dissolution_reason = date(2023, 6, 30), "Phá sản"
    gone.save()
    assert [row.cdcs for row in federation_rows(rubric=rubric, federation=federation)] == [active]
