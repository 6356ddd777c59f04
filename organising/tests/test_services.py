"""The pipeline's rules: which stage moves are allowed, founding a CĐCS that counts toward the
quota, linking one that exists (counting nothing), contacts, lent staff, who may do what."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from members.models import AuditEntry, GrassrootsUnion
from members.services.org import cdcs_move
from organising.models import Enterprise, Stage, StageChange, StallReason
from organising.services import (
    contact_log,
    enterprise_create,
    enterprise_found,
    enterprise_link_cdcs,
    enterprise_update,
    lent_staff_set,
    stage_move,
)
from reports.selectors import Scope, progress_report
from unionportal.lib.months import Month

START = date(2021, 3, 1)
MOVED_AWAY = (
    "DT05 nay trực thuộc LĐLĐ huyện Phú Bình: chỉ đơn vị đó (hoặc Ban Tổ chức LĐLĐ tỉnh) gắn được doanh nghiệp "
    "với CĐCS này."
)


@pytest.fixture
def enterprise(federation, federation_user):
    return enterprise_create(
        name="Công ty TNHH Giày Đại Từ",
        tax_code="46 0012.3456",
        federation=federation,
        sector="fdi",
        workers=320,
        on=START,
        user=federation_user,
    )


def test_an_enterprise_enters_the_pipeline_identified_with_a_first_change_from_no_stage(enterprise):
    assert enterprise.tax_code == "4600123456"
    assert (enterprise.stage, enterprise.stage_since) == (Stage.IDENTIFIED, START)
    change = StageChange.objects.get(enterprise=enterprise)
    assert (change.from_stage, change.to_stage, change.on) == ("", Stage.IDENTIFIED, START)
    assert AuditEntry.objects.filter(action="enterprise.create", object_id=str(enterprise.pk)).exists()


def test_the_same_tax_code_cannot_be_registered_twice(enterprise, federation, federation_user):
    with pytest.raises(ValidationError):
        enterprise_create(
            name="Trùng", tax_code="4600123456", federation=federation, sector="fdi", user=federation_user
        )
    assert Enterprise.objects.count() == 1


def test_stages_go_forward_stall_with_a_reason_and_come_back(enterprise, federation_user):
    stage_move(enterprise=enterprise, to_stage=Stage.APPROACHED, on=date(2021, 3, 10), user=federation_user)
    stage_move(
        enterprise=enterprise,
        to_stage=Stage.STALLED,
        on=date(2021, 4, 1),
        reason=StallReason.EMPLOYER_REFUSES,
        user=federation_user,
    )
    enterprise.refresh_from_db()
    assert (enterprise.stage, enterprise.stall_reason) == (Stage.STALLED, StallReason.EMPLOYER_REFUSES)
    stage_move(enterprise=enterprise, to_stage=Stage.COMMITTEE, on=date(2021, 6, 1), user=federation_user)
    enterprise.refresh_from_db()
    assert (enterprise.stage, enterprise.stall_reason, enterprise.stage_since) == (
        Stage.COMMITTEE,
        "",
        date(2021, 6, 1),
    )
    moves = list(StageChange.objects.filter(enterprise=enterprise).values_list("from_stage", "to_stage", "reason"))
    assert moves == [
        ("", "identified", ""),
        ("identified", "approached", ""),
        ("approached", "stalled", "employer_refuses"),
        ("stalled", "committee", ""),
    ]


@pytest.mark.parametrize(
    ("to_stage", "on", "reason", "field"),
    [
        (Stage.IDENTIFIED, date(2021, 5, 1), "", "to_stage"),  # backwards
        (Stage.FOUNDED, date(2021, 5, 1), "", "to_stage"),  # only by founding its CĐCS
        (Stage.STALLED, date(2021, 5, 1), "", "reason"),  # stalled needs a reason
        (Stage.COMMITTEE, date(2021, 3, 5), "", "on"),  # before the last change (10/03/2021)
        (Stage.COMMITTEE, timezone.localdate() + timedelta(days=1), "", "on"),  # in the future
    ],
)
def test_refused_moves_change_nothing(enterprise, federation_user, to_stage, on, reason, field):
    stage_move(enterprise=enterprise, to_stage=Stage.APPROACHED, on=date(2021, 3, 10), user=federation_user)
    audited = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as error:
        stage_move(enterprise=enterprise, to_stage=to_stage, on=on, reason=reason, user=federation_user)
    assert field in error.value.message_dict
    enterprise.refresh_from_db()
    assert enterprise.stage == Stage.APPROACHED
    assert StageChange.objects.filter(enterprise=enterprise).count() == 2
    assert AuditEntry.objects.count() == audited


def _unions_founded(scope_org, month: Month) -> int:
    return progress_report(start=Month(month.year, 1), end=month, scope=Scope(scope_org)).total.figures.unions_founded


def test_founding_the_cdcs_links_it_and_counts_it_in_the_quota_report(
    enterprise, federation, federation_user, province
):
    stage_move(enterprise=enterprise, to_stage=Stage.COMMITTEE, on=date(2021, 3, 10), user=federation_user)
    before = _unions_founded(federation, Month(2021, 3))
    cdcs = enterprise_found(
        enterprise=enterprise,
        code="DT77",
        name="CĐCS Công ty TNHH Giày Đại Từ",
        founded_on=date(2021, 3, 20),
        founding_decision="15/QĐ-LĐLĐ",
        user=federation_user,
    )
    enterprise.refresh_from_db()
    assert enterprise.cdcs == cdcs and enterprise.has_union and enterprise.stage == Stage.FOUNDED
    assert (cdcs.employer, cdcs.sector, cdcs.workers) == ("Công ty TNHH Giày Đại Từ", "fdi", 320)
    last = StageChange.objects.filter(enterprise=enterprise).last()
    assert (last.from_stage, last.to_stage, last.on) == (Stage.COMMITTEE, Stage.FOUNDED, date(2021, 3, 20))
    assert _unions_founded(federation, Month(2021, 3)) == before + 1
    assert _unions_founded(province, Month(2021, 3)) == before + 1
    with pytest.raises(ValidationError):
        stage_move(enterprise=enterprise, to_stage=Stage.STALLED, on=date(2021, 4, 1), reason="other", user=None)


def test_a_refused_founding_writes_neither_the_cdcs_nor_the_stage(enterprise, federation_user, make_cdcs, federation):
    make_cdcs(federation, code="DT77")
    with pytest.raises(ValidationError):
        enterprise_found(enterprise=enterprise, code="DT77", name="CĐCS", founded_on=date(2021, 3, 20), user=None)
    enterprise.refresh_from_db()
    assert enterprise.stage == Stage.IDENTIFIED and enterprise.cdcs is None
    assert GrassrootsUnion.objects.filter(code="DT77").count() == 1


def test_linking_an_existing_cdcs_counts_nothing_new(enterprise, federation, federation_user, make_cdcs):
    cdcs = make_cdcs(federation, code="DT05", founded_on=date(2015, 6, 1))
    before = _unions_founded(federation, Month(2021, 3))
    enterprise_link_cdcs(enterprise=enterprise, cdcs=cdcs, on=date(2021, 3, 5), user=federation_user)
    enterprise.refresh_from_db()
    assert enterprise.cdcs == cdcs and enterprise.stage == Stage.FOUNDED
    assert _unions_founded(federation, Month(2021, 3)) == before
    assert GrassrootsUnion.objects.count() == 1


def test_a_cdcs_links_to_one_enterprise_only(enterprise, federation, federation_user, make_cdcs):
    cdcs = make_cdcs(federation, code="DT05")
    other = enterprise_create(name="Khác", tax_code="4600123457", federation=federation, sector="fdi", user=None)
    enterprise_link_cdcs(enterprise=enterprise, cdcs=cdcs, user=federation_user)
    with pytest.raises(ValidationError):
        enterprise_link_cdcs(enterprise=other, cdcs=cdcs, user=federation_user)


@pytest.fixture
def moved(federation, other_federation, make_cdcs):
    """DT05, founded under DT, now under PB (moved from 01/2021); its months before stay DT's."""
    cdcs = make_cdcs(federation, code="DT05", founded_on=date(2015, 6, 1))
    cdcs_move(cdcs=cdcs, federation=other_federation, from_month=Month(2021, 1), user=None)
    return cdcs


def test_a_cdcs_that_moved_away_is_linked_by_its_federation_now_not_the_one_before(
    enterprise, moved, other_federation, federation_user, other_federation_user
):
    with pytest.raises(ValidationError) as refused:
        enterprise_link_cdcs(enterprise=enterprise, cdcs=moved, user=federation_user)
    assert refused.value.message_dict["cdcs"] == [MOVED_AWAY]
    enterprise.refresh_from_db()
    assert enterprise.cdcs is None and enterprise.stage == Stage.IDENTIFIED
    theirs = enterprise_create(name="Công ty PB", tax_code="4600123457", federation=other_federation, sector="fdi",
                               user=None)  # fmt: skip
    enterprise_link_cdcs(enterprise=theirs, cdcs=moved, user=other_federation_user)  # not blocked by DT
    assert Enterprise.objects.get(cdcs=moved) == theirs


def test_the_link_form_links_only_cdcs_now_under_the_federation_and_says_why(
    client_for, enterprise, moved, federation, federation_user, make_cdcs
):
    own = make_cdcs(federation, code="DT06", founded_on=date(2015, 6, 1))
    client = client_for(federation_user)
    url = reverse("organising:enterprise_link", kwargs={"pk": enterprise.pk})
    response = client.post(url, {"link-cdcs": "DT05"})
    assert response.status_code == 200
    assert response.context["link_form"].errors["cdcs"] == [MOVED_AWAY]
    assert not Enterprise.objects.filter(cdcs__isnull=False).exists()
    assert client.post(url, {"link-cdcs": " DT06 "}).status_code == 302
    assert Enterprise.objects.get(cdcs__isnull=False).cdcs == own


def test_federation_staff_cannot_touch_another_federations_enterprise(enterprise, other_federation_user):
    with pytest.raises(PermissionDenied):
        stage_move(enterprise=enterprise, to_stage=Stage.APPROACHED, on=date(2021, 3, 10), user=other_federation_user)
    with pytest.raises(PermissionDenied):
        enterprise_update(enterprise=enterprise, workers=1, user=other_federation_user)
    with pytest.raises(PermissionDenied):
        contact_log(enterprise=enterprise, on=date(2021, 3, 10), outcome="Gặp", user=other_federation_user)


def test_federation_staff_cannot_hand_their_enterprise_to_another_federation(
    enterprise, federation_user, other_federation
):
    with pytest.raises(PermissionDenied):
        enterprise_update(enterprise=enterprise, federation=other_federation, user=federation_user)


def test_a_contact_sets_the_enterprises_next_step(enterprise, federation_user):
    contact_log(
        enterprise=enterprise,
        on=date(2021, 3, 12),
        outcome="Giám đốc đồng ý cho tuyên truyền",
        next_step="Họp người lao động",
        next_step_on=date(2021, 3, 30),
        user=federation_user,
    )
    enterprise.refresh_from_db()
    assert (enterprise.next_step, enterprise.next_step_on) == ("Họp người lao động", date(2021, 3, 30))
    with pytest.raises(ValidationError):
        contact_log(
            enterprise=enterprise,
            on=date(2021, 3, 12),
            outcome="x",
            next_step="y",
            next_step_on=date(2021, 3, 1),
            user=federation_user,
        )


def test_only_provincial_staff_are_lent_and_only_by_provincial_staff(
    enterprise, provincial_staff, federation_user, leader
):
    lent_staff_set(enterprise=enterprise, staff=[provincial_staff], user=provincial_staff)
    assert list(enterprise.lent_staff.all()) == [provincial_staff]
    with pytest.raises(ValidationError):
        lent_staff_set(enterprise=enterprise, staff=[federation_user], user=provincial_staff)
    for user in (federation_user, leader):
        with pytest.raises(PermissionDenied):
            lent_staff_set(enterprise=enterprise, staff=[], user=user)
    assert list(enterprise.lent_staff.all()) == [provincial_staff]
