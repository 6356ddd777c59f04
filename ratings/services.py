"""Every write of the ratings app: rubrics (provincial staff), self-assessments and reviews (the
federation's staff, or provincial staff), closing and reopening a year. Each runs in a
transaction and is audited; bad input raises ValidationError with a Vietnamese message and
changes nothing."""

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members.access import require_provincial, require_write
from members.audit import audit_entry, audit_log, audit_many
from members.models import AuditEntry, Organisation
from unionportal.lib.text import text_length_validator

from .defaults import DEFAULT_GROUPS, DEFAULT_LEVELS
from .models import Assessment, Criterion, CriterionGroup, Level, Rubric
from .scoring import score_problem
from .selectors import Rules, federation_rows, rubric_rules, scores_of

Source = AuditEntry.Source


# --- rubrics -------------------------------------------------------------------------------------


def _locked(rubric: Rubric) -> Rubric:
    return Rubric.objects.select_for_update().get(pk=rubric.pk)


def _ensure_open(rubric: Rubric) -> None:
    if rubric.is_closed:
        raise ValidationError(
            _("Năm %(year)s đã khóa đánh giá: không thay đổi được nữa. Cần sửa thì đề nghị Ban Tổ chức mở lại.")
            % {"year": rubric.year}
        )


def rubric_edit_problem(rubric: Rubric) -> str | None:
    """Why the rubric's criteria and levels can no longer be changed, if they cannot."""
    if rubric.is_closed:
        return _("Năm %(year)s đã khóa đánh giá.") % {"year": rubric.year}
    if rubric.assessments.filter(status=Assessment.Status.FINAL).exists():
        return _("Đã có CĐCS được chốt kết quả năm %(year)s: không sửa tiêu chí và mức xếp loại được nữa.") % {
            "year": rubric.year
        }
    return None


def rubric_problems(rules: Rules) -> list[str]:
    """What makes a rubric unusable: no criteria, or a total that reaches no level."""
    problems = []
    if not rules.criteria:
        problems.append(_("Bộ tiêu chí phải có ít nhất một tiêu chí."))
    if not any(level.min_total == 0 and not level.requires_nonzero for level in rules.levels):
        problems.append(_("Phải có một mức xếp loại từ 0 điểm, không kèm điều kiện, để CĐCS nào cũng được xếp loại."))
    for level in rules.levels:
        if level.min_total > rules.max_total:
            problems.append(
                _("Mức “%(level)s” cần %(min)s điểm, quá tổng điểm tối đa %(max)s.")
                % {"level": level.name, "min": level.min_total, "max": rules.max_total}
            )
    return problems


@transaction.atomic
def rubric_create(*, year: int, user) -> Rubric:
    """A new year's rubric, copied from the latest earlier year's, or from the shipped default."""
    require_provincial(user)
    if Rubric.objects.filter(year=year).exists():
        raise ValidationError(_("Đã có bộ tiêu chí năm %(year)s.") % {"year": year})
    source = Rubric.objects.filter(year__lt=year).order_by("-year").first()
    rubric = Rubric.objects.create(year=year)
    if source is not None:
        _copy_rubric(source, rubric)
    else:
        _default_rubric(rubric)
    audit_log(user, "rating.rubric_create", rubric, copied_from=source.year if source else None)
    return rubric


def _copy_rubric(source: Rubric, rubric: Rubric) -> None:
    copies = {}
    for group in source.groups.prefetch_related("criteria"):
        new_group = CriterionGroup.objects.create(rubric=rubric, name=group.name, position=group.position)
        for criterion in group.criteria.all():
            copies[criterion.pk] = Criterion.objects.create(
                rubric=rubric,
                group=new_group,
                code=criterion.code,
                name=criterion.name,
                max_score=criterion.max_score,
                position=criterion.position,
            )
    for level in source.levels.prefetch_related("requires_nonzero"):
        new_level = Level.objects.create(
            rubric=rubric, name=level.name, min_total=level.min_total, position=level.position
        )
        new_level.requires_nonzero.set([copies[c.pk] for c in level.requires_nonzero.all() if c.pk in copies])


def _default_rubric(rubric: Rubric) -> None:
    by_code = {}
    for group_position, (group_name, criteria) in enumerate(DEFAULT_GROUPS, start=1):
        group = CriterionGroup.objects.create(rubric=rubric, name=group_name, position=group_position)
        for position, (code, name, max_score) in enumerate(criteria, start=1):
            by_code[code] = Criterion.objects.create(
                rubric=rubric, group=group, code=code, name=name, max_score=max_score, position=position
            )
    for position, (name, min_total, required) in enumerate(DEFAULT_LEVELS, start=1):
        level = Level.objects.create(rubric=rubric, name=name, min_total=min_total, position=position)
        level.requires_nonzero.set([by_code[code] for code in required])


def rubric_update(*, rubric: Rubric, formsets: Iterable, user) -> Rubric:
    """Save valid model formsets of the rubric's groups, criteria or levels, then check the rubric
    still works and re-score its assessments. Refused while the year is closed or a result is final."""
    require_provincial(user)
    with transaction.atomic():
        rubric = _locked(rubric)
        problem = rubric_edit_problem(rubric)
        if problem:
            raise ValidationError(problem)
        changed = []
        for formset in formsets:
            for form in formset.forms:
                form.instance.rubric = rubric
            try:
                with transaction.atomic():
                    formset.save()
            except IntegrityError:  # a code or name taken meanwhile: the formsets check it first
                raise ValidationError(_("Mã tiêu chí hoặc tên mức xếp loại bị trùng; chưa lưu gì.")) from None
            changed += [str(obj) for obj in formset.new_objects + [o for o, _f in formset.changed_objects]]
            changed += [f"-{obj}" for obj in formset.deleted_objects]
        rules = rubric_rules(rubric=rubric)
        problems = rubric_problems(rules)
        if problems:
            raise ValidationError(problems)
        _rescore(rubric, rules)
        audit_log(user, "rating.rubric_update", rubric, changed=changed[:50])
    return rubric


def _rescore(rubric: Rubric, rules: Rules) -> None:
    assessments = list(Assessment.objects.filter(rubric=rubric))
    for assessment in assessments:
        _score_into(assessment, rules)
    Assessment.objects.bulk_update(
        assessments, ["self_total", "self_level", "reviewed_total", "reviewed_level", "status"], batch_size=500
    )


def _score_into(assessment: Assessment, rules: Rules) -> None:
    result = rules.result(scores_of(assessment.self_scores))
    assessment.self_total, assessment.self_level = result.total, rules.level(result)
    if assessment.status != Assessment.Status.FINAL:
        complete = result.complete and rules.criteria
        assessment.status = Assessment.Status.SELF_ASSESSED if complete else Assessment.Status.DRAFT
    if assessment.reviewed_scores is not None:
        reviewed = rules.result(scores_of(assessment.reviewed_scores))
        assessment.reviewed_total, assessment.reviewed_level = reviewed.total, rules.level(reviewed)


@transaction.atomic
def rubric_close(*, rubric: Rubric, user) -> Rubric:
    """Close the year: no more changes to its scores or rubric."""
    require_provincial(user)
    rubric = _locked(rubric)
    _ensure_open(rubric)
    rubric.status, rubric.closed_at = Rubric.Status.CLOSED, timezone.now()
    rubric.closed_by = user if user is not None and user.is_authenticated else None
    rubric.save(update_fields=["status", "closed_at", "closed_by"])
    final = rubric.assessments.filter(status=Assessment.Status.FINAL).count()
    audit_log(user, "rating.year_close", rubric, final=final, not_final=rubric.assessments.count() - final)
    return rubric


@transaction.atomic
def rubric_reopen(*, rubric: Rubric, reason: str, user) -> Rubric:
    require_provincial(user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Hãy ghi lý do mở lại năm đánh giá."))
    text_length_validator(reason)
    rubric = _locked(rubric)
    if not rubric.is_closed:
        raise ValidationError(_("Năm %(year)s đang mở, không cần mở lại.") % {"year": rubric.year})
    rubric.status, rubric.reopen_reason = Rubric.Status.OPEN, reason
    rubric.save(update_fields=["status", "reopen_reason"])
    audit_log(user, "rating.year_reopen", rubric, reason=reason)
    return rubric


# --- assessments ---------------------------------------------------------------------------------


def assessments_self_save(
    *,
    rubric: Rubric,
    federation: Organisation,
    scores: Mapping[int, Mapping[int, int | None]],
    user,
    source: str = Source.WEB,
) -> list[Assessment]:
    """Record the self-assessment of some of a federation's CĐCS: {cdcs id: {criterion id: points
    or None}}. A CĐCS left out keeps its scores, and so does a criterion left out of a CĐCS's
    scores; None clears a score. Everything or nothing: a score out of range, a CĐCS the
    federation does not rate, a result already final or a closed year refuse the whole. Returns
    the assessments changed."""
    require_write(user, federation)
    with transaction.atomic():
        rubric = _locked(rubric)
        _ensure_open(rubric)
        rules = rubric_rules(rubric=rubric)
        rows = {row.cdcs.pk: row for row in federation_rows(rubric=rubric, federation=federation)}
        problems, planned = [], []
        for cdcs_id, entered in scores.items():
            row = rows.get(cdcs_id)
            if row is None:
                problems.append(_("CĐCS không thuộc %(org)s trong năm %(year)s.") % _where(federation, rubric))
                continue
            merged = {**row.self_scores, **entered}
            new = {str(c.id): merged[c.id] for c in rules.criteria if merged.get(c.id) is not None}
            for criterion in rules.criteria:
                problem = score_problem(entered.get(criterion.id), criterion)
                if problem:
                    problems.append(f"{row.cdcs.code}: {problem}")
            if row.assessment is not None and row.assessment.self_scores == new:
                continue
            if row.is_final:
                problems.append(
                    _("%(code)s: kết quả đã được chốt, không sửa điểm tự chấm được nữa.") % {"code": row.cdcs.code}
                )
            planned.append((row, new))
        if problems:
            raise ValidationError(problems)
        changed = []
        for row, new in planned:
            assessment = row.assessment or Assessment(rubric=rubric, cdcs=row.cdcs, federation=federation)
            assessment.self_scores, assessment.updated_by = new, _actor(user)
            _score_into(assessment, rules)
            assessment.save()
            changed.append(assessment)
        audit_many(
            audit_entry(
                user,
                "rating.self_assess",
                assessment,
                source=source,
                federation=federation,
                year=rubric.year,
                scores=assessment.self_scores,
                total=assessment.self_total,
            )
            for assessment in changed
        )
    return changed


def _where(federation: Organisation, rubric: Rubric) -> dict:
    return {"org": federation.name, "year": rubric.year}


def _actor(user):
    return user if user is not None and user.is_authenticated else None


def _locked_assessment(assessment: Assessment) -> Assessment:
    return Assessment.objects.select_for_update().select_related("rubric", "cdcs", "federation").get(pk=assessment.pk)


def assessment_review(
    *, assessment: Assessment, scores: Mapping[int, int | None], note: str, finalise: bool, user
) -> Assessment:
    """The federation's review of a complete self-assessment: reviewed scores are stored beside
    the self-assessment, which stays as it was; with finalise=True the result is final."""
    require_write(user, assessment.federation)
    with transaction.atomic():
        assessment = _locked_assessment(assessment)
        _ensure_open(assessment.rubric)
        if assessment.status == Assessment.Status.FINAL:
            raise ValidationError(_("Kết quả của %(code)s đã được chốt.") % {"code": assessment.cdcs.code})
        if assessment.status == Assessment.Status.DRAFT:
            raise ValidationError(
                _("%(code)s chưa tự chấm đủ các tiêu chí: chưa thẩm định được.") % {"code": assessment.cdcs.code}
            )
        rules = rubric_rules(rubric=assessment.rubric)
        problems = []
        for criterion in rules.criteria:
            value = scores.get(criterion.id)
            if value is None:
                problems.append(_("Thiếu điểm thẩm định của tiêu chí %(code)s.") % {"code": criterion.code})
            elif problem := score_problem(value, criterion):
                problems.append(problem)
        if problems:
            raise ValidationError(problems)
        assessment.reviewed_scores = {str(c.id): scores[c.id] for c in rules.criteria}
        assessment.review_note = (note or "").strip()
        assessment.reviewed_by, assessment.reviewed_at = _actor(user), timezone.now()
        _score_into(assessment, rules)
        if finalise:
            assessment.status = Assessment.Status.FINAL
        assessment.full_clean(exclude=["rubric", "cdcs", "federation", "self_level", "reviewed_level"])
        assessment.save()
        audit_log(
            user,
            "rating.finalise" if finalise else "rating.review",
            assessment,
            federation=assessment.federation,
            year=assessment.rubric.year,
            self_total=assessment.self_total,
            reviewed_total=assessment.reviewed_total,
            scores=assessment.reviewed_scores,
            note=assessment.review_note,
        )
    return assessment


def assessment_reopen(*, assessment: Assessment, reason: str, user) -> Assessment:
    """Take back a final result (with a reason) so that it can be reviewed again, while the year is open."""
    require_write(user, assessment.federation)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Hãy ghi lý do mở lại kết quả."))
    text_length_validator(reason)
    with transaction.atomic():
        assessment = _locked_assessment(assessment)
        _ensure_open(assessment.rubric)
        if assessment.status != Assessment.Status.FINAL:
            raise ValidationError(_("Kết quả của %(code)s chưa chốt.") % {"code": assessment.cdcs.code})
        assessment.status = Assessment.Status.SELF_ASSESSED
        assessment.save(update_fields=["status", "updated_at"])
        audit_log(
            user,
            "rating.reopen",
            assessment,
            federation=assessment.federation,
            year=assessment.rubric.year,
            reason=reason,
        )
    return assessment
