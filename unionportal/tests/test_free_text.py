"""Free text (a contact's outcome, notes, reasons) has one limit, unionportal.lib.text.TEXT_MAX_LENGTH,
on every path in: more is refused with a Vietnamese message and nothing is written."""

from datetime import date

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.urls import reverse

from members.figures.workflow import return_approve, return_submit, return_unlock
from members.models import AuditEntry, MonthlyReturn
from organising.models import Contact
from organising.services import contact_log, enterprise_create
from ratings.models import Assessment
from ratings.selectors import rubric_rules
from ratings.services import (
    assessment_reopen,
    assessment_review,
    assessments_self_save,
    rubric_close,
    rubric_create,
    rubric_reopen,
)
from training.models import Course
from training.services import CourseData, course_create
from unionportal.lib.months import Month
from unionportal.lib.text import TEXT_MAX_LENGTH

LONG = "x" * (TEXT_MAX_LENGTH + 1)
MESSAGE = f"Tối đa {TEXT_MAX_LENGTH} ký tự (bạn đã ghi {TEXT_MAX_LENGTH + 1} ký tự)."
APPS = {"members", "targets", "organising", "ratings", "training", "reports"}


def test_every_free_text_field_of_the_portal_has_the_limit():
    unbounded = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model._meta.app_label in APPS
        for field in model._meta.get_fields()
        if isinstance(field, models.TextField)
        and not any(isinstance(v, MaxLengthValidator) and v.limit_value <= TEXT_MAX_LENGTH for v in field.validators)
    ]
    assert unbounded == []


@pytest.fixture
def world(province, federation, make_cdcs):
    """An enterprise, a month approved, a closed rating year, a self-assessed CĐCS and one final."""
    cdcs = make_cdcs(federation, code="DT01", opening=10, first_month=Month(2021, 3))
    enterprise = enterprise_create(
        name="Công ty Gạch", tax_code="4600100001", federation=federation, sector="private", on=date(2021, 3, 1),
        user=None,
    )  # fmt: skip
    return_submit(federation=federation, month=Month(2021, 3), user=None)
    return_approve(federation=federation, month=Month(2021, 3), user=None)
    closed, rubric = rubric_create(year=2020, user=None), rubric_create(year=2021, user=None)
    rubric_close(rubric=closed, user=None)
    scores = {criterion.id: 1 for criterion in rubric_rules(rubric=rubric).criteria}
    (assessment,) = assessments_self_save(rubric=rubric, federation=federation, scores={cdcs.pk: scores}, user=None)
    final = make_cdcs(federation, code="DT02")
    (done,) = assessments_self_save(rubric=rubric, federation=federation, scores={final.pk: scores}, user=None)
    assessment_review(assessment=done, scores=scores, note="", finalise=True, user=None)
    return {"enterprise": enterprise, "federation": federation, "closed": closed, "assessment": assessment,
            "final": done, "scores": scores}  # fmt: skip


WRITES = {
    "contact outcome": lambda w: contact_log(enterprise=w["enterprise"], on=date(2021, 3, 5), outcome=LONG, user=None),
    "course note": lambda w: course_create(
        organiser=w["federation"], data=CourseData(date(2021, 3, 2), "Nghiệp vụ", 10, note=LONG), user=None
    ),
    "review note": lambda w: assessment_review(
        assessment=w["assessment"], scores=w["scores"], note=LONG, finalise=False, user=None
    ),
    "reason to reopen a year": lambda w: rubric_reopen(rubric=w["closed"], reason=LONG, user=None),
    "reason to reopen a result": lambda w: assessment_reopen(assessment=w["final"], reason=LONG, user=None),
    "reason to unlock a month": lambda w: return_unlock(
        federation=w["federation"], month=Month(2021, 3), reason=LONG, user=None
    ),
}


@pytest.mark.parametrize("what", sorted(WRITES))
def test_free_text_over_the_limit_is_refused_and_nothing_is_written(world, what):
    audited = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as refused:
        WRITES[what](world)
    assert MESSAGE in refused.value.messages
    assert AuditEntry.objects.count() == audited
    assert not Contact.objects.exists() and not Course.objects.exists()
    assert Assessment.objects.get(pk=world["assessment"].pk).review_note == ""
    march = MonthlyReturn.objects.get(federation=world["federation"], month=date(2021, 3, 1))
    assert march.status == MonthlyReturn.Status.APPROVED


def test_a_contact_of_two_megabytes_is_refused_on_the_page_with_the_limit_said(world, client_for, provincial_staff):
    enterprise = world["enterprise"]
    outcome = "Đã gặp giám đốc. " * 80_000  # 2 MB, under Django's own cap on a request (2.5 MB)
    response = client_for(provincial_staff).post(
        reverse("organising:contact_log", kwargs={"pk": enterprise.pk}),
        {"contact-on": "2021-03-05", "contact-kind": "visit", "contact-outcome": outcome},
    )
    assert response.status_code == 200
    assert response.context["contact_form"].errors["outcome"] == [
        f"Tối đa {TEXT_MAX_LENGTH} ký tự (bạn đã ghi {len(outcome.strip())} ký tự)."
    ]
    assert f'maxlength="{TEXT_MAX_LENGTH}"' in response.content.decode()
    assert not Contact.objects.exists()
