"""The services that write figures, the CĐCS register and the workflow: their rules and errors."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from members.figures.services import figures_record
from members.figures.workflow import return_approve, return_submit, return_unlock
from members.models import Affiliation, AuditEntry, LossReason, MonthlyFigure, MonthlyReturn
from members.services.org import cdcs_dissolve, cdcs_found, cdcs_move, organisation_merge
from unionportal.lib.months import Month

MARCH, APRIL, MAY = Month(2021, 3), Month(2021, 4), Month(2021, 5)


def _messages(error: ValidationError) -> str:
    return " ".join(error.messages)


def _row(cdcs, month):
    return MonthlyFigure.objects.get(cdcs=cdcs, month=month.first_day)


def _found(federation, user, **fields):
    values = {
        "code": "N1",
        "name": "CĐCS Công ty May Tân Cương",
        "employer": "Công ty May Tân Cương",
        "sector": "private",
        "founded_on": date(2021, 4, 12),
        **fields,
    }
    return cdcs_found(federation=federation, user=user, **values)


def _approve(federation, month, *, submitter, approver):
    """Submit and approve a month, whatever warnings its figures raise (the locks are tested here)."""
    return_submit(federation=federation, month=month, user=submitter)
    return return_approve(federation=federation, month=month, user=approver, warnings_confirmed=True)


# --- figures_record ---------------------------------------------------------------------------


def test_month_end_is_computed_from_the_flows(federation, make_cdcs, federation_user):
    cdcs = make_cdcs(federation, opening=100, first_month=MARCH)
    row = figures_record(
        cdcs=cdcs,
        month=APRIL,
        admitted=12,
        transferred_in=3,
        lost={LossReason.RETIRED: 4, LossReason.JOB: 1},
        user=federation_user,
    )
    assert (row.members_start, row.members_end, row.lost, row.federation) == (100, 110, 5, federation)


def test_typed_month_end_that_breaks_the_identity_is_refused_and_nothing_written(
    federation, make_cdcs, federation_user
):
    cdcs = make_cdcs(federation, opening=100, first_month=MARCH)
    with pytest.raises(ValidationError) as error:
        figures_record(cdcs=cdcs, month=APRIL, admitted=12, members_end=120, user=federation_user)
    assert "Cuối kỳ 120 không khớp" in _messages(error.value)
    assert "= 112" in _messages(error.value)
    assert not MonthlyFigure.objects.filter(month=APRIL.first_day).exists()


def test_first_month_of_an_old_cdcs_needs_its_opening_balance(federation, make_cdcs, federation_user):
    cdcs = make_cdcs(federation)
    with pytest.raises(ValidationError) as error:
        figures_record(cdcs=cdcs, month=MARCH, admitted=1, user=federation_user)
    assert "cần nhập số đoàn viên đầu kỳ" in _messages(error.value)
    assert figures_record(cdcs=cdcs, month=MARCH, members_start=40, admitted=1, user=federation_user).members_end == 41


def test_a_cdcs_founded_this_month_starts_from_zero(federation, make_cdcs, federation_user):
    cdcs = make_cdcs(federation, founded_on=date(2021, 4, 12))
    with pytest.raises(ValidationError):
        figures_record(cdcs=cdcs, month=APRIL, members_start=30, admitted=30, user=federation_user)
    row = figures_record(cdcs=cdcs, month=APRIL, admitted=30, user=federation_user)
    assert (row.members_start, row.members_end) == (0, 30)


def test_start_is_last_months_end_and_cannot_be_typed_otherwise(federation, make_cdcs, federation_user):
    cdcs = make_cdcs(federation, opening=100, first_month=MARCH)
    with pytest.raises(ValidationError) as error:
        figures_record(cdcs=cdcs, month=APRIL, members_start=90, user=federation_user)
    assert "cuối kỳ tháng 03/2021 (100)" in _messages(error.value)


@pytest.mark.parametrize("bad", [-1, 2.5, "7", True])
def test_figures_must_be_whole_numbers_not_below_zero(federation, make_cdcs, federation_user, bad):
    cdcs = make_cdcs(federation, opening=100, first_month=MARCH)
    with pytest.raises(ValidationError) as error:
        figures_record(cdcs=cdcs, month=APRIL, admitted=bad, user=federation_user)
    assert "admitted" in error.value.message_dict
    assert not MonthlyFigure.objects.filter(month=APRIL.first_day).exists()


def test_losing_more_members_than_there_are_is_refused(federation, make_cdcs, federation_user):
    cdcs = make_cdcs(federation, opening=10, first_month=MARCH)
    with pytest.raises(ValidationError) as error:
        figures_record(cdcs=cdcs, month=APRIL, admitted=2, lost={LossReason.JOB: 13}, user=federation_user)
    assert "lớn hơn số đoàn viên có trong tháng (12)" in _messages(error.value)


def test_correcting_a_month_carries_the_new_stock_into_later_months(federation, make_cdcs, federation_user):
    cdcs = make_cdcs(federation, opening=100, first_month=MARCH)
    figures_record(cdcs=cdcs, month=APRIL, admitted=5, user=federation_user)
    figures_record(cdcs=cdcs, month=MAY, admitted=5, user=federation_user)
    figures_record(cdcs=cdcs, month=MARCH, admitted=20, user=federation_user)  # 100 → 120 at end of March
    assert (_row(cdcs, APRIL).members_start, _row(cdcs, APRIL).members_end) == (120, 125)
    assert (_row(cdcs, MAY).members_start, _row(cdcs, MAY).members_end) == (125, 130)


def test_a_locked_month_cannot_be_changed_and_the_message_says_who_locked_it(
    federation, make_cdcs, federation_user, provincial_staff
):
    cdcs = make_cdcs(federation, opening=100, first_month=MARCH)
    _approve(federation, MARCH, submitter=federation_user, approver=provincial_staff)
    for user in (federation_user, provincial_staff):
        with pytest.raises(ValidationError) as error:
            figures_record(cdcs=cdcs, month=MARCH, admitted=1, user=user)
        assert "đã được Bantochuc duyệt và khóa lúc" in _messages(error.value)
    assert _row(cdcs, MARCH).members_end == 100


def test_a_correction_that_would_shift_a_locked_later_month_is_refused(
    federation, make_cdcs, federation_user, provincial_staff
):
    cdcs = make_cdcs(federation, opening=100, first_month=MARCH)
    figures_record(cdcs=cdcs, month=APRIL, admitted=5, user=federation_user)
    _approve(federation, APRIL, submitter=federation_user, approver=provincial_staff)
    with pytest.raises(ValidationError) as error:
        figures_record(cdcs=cdcs, month=MARCH, admitted=20, user=federation_user)
    assert "04/2021" in _messages(error.value)
    assert (_row(cdcs, MARCH).members_end, _row(cdcs, APRIL).members_end) == (100, 105)


def test_a_correction_running_into_several_locked_months_names_every_one(
    federation, make_cdcs, federation_user, provincial_staff
):
    cdcs = make_cdcs(federation, opening=100, first_month=MARCH)
    figures_record(cdcs=cdcs, month=APRIL, admitted=5, user=federation_user)
    figures_record(cdcs=cdcs, month=MAY, admitted=5, user=federation_user)
    _approve(federation, APRIL, submitter=federation_user, approver=provincial_staff)
    _approve(federation, MAY, submitter=federation_user, approver=provincial_staff)
    with pytest.raises(ValidationError) as error:
        figures_record(cdcs=cdcs, month=MARCH, admitted=20, user=federation_user)
    message = _messages(error.value)
    assert message.startswith("2 tháng đã được duyệt và khóa: tháng 04/2021 của LĐLĐ huyện Đại Từ (Bantochuc duyệt")
    assert "; tháng 05/2021 của LĐLĐ huyện Đại Từ (Bantochuc duyệt lúc" in message
    assert (_row(cdcs, MARCH).members_end, _row(cdcs, MAY).members_end) == (100, 110)


def test_figures_outside_the_cdcs_life_are_refused(federation, make_cdcs, federation_user):
    cdcs = make_cdcs(federation, founded_on=date(2021, 4, 20))
    with pytest.raises(ValidationError) as error:
        figures_record(cdcs=cdcs, month=MARCH, admitted=1, user=federation_user)
    assert "không hoạt động trong tháng 03/2021" in _messages(error.value)


def test_only_the_cdcs_own_federation_and_provincial_staff_may_write(
    federation, make_cdcs, other_federation_user, leader, provincial_staff
):
    cdcs = make_cdcs(federation, opening=100, first_month=MARCH)
    for user in (other_federation_user, leader):
        with pytest.raises(PermissionDenied):
            figures_record(cdcs=cdcs, month=APRIL, admitted=1, user=user)
    figures_record(cdcs=cdcs, month=APRIL, admitted=1, user=provincial_staff)
    assert _row(cdcs, APRIL).updated_by == provincial_staff


def test_every_change_is_in_the_audit_trail_with_before_and_after(federation, make_cdcs, federation_user):
    cdcs = make_cdcs(federation, opening=100, first_month=MARCH)
    figures_record(cdcs=cdcs, month=APRIL, admitted=5, user=federation_user)
    figures_record(cdcs=cdcs, month=APRIL, admitted=7, user=federation_user, source=AuditEntry.Source.UPLOAD)
    entry = AuditEntry.objects.filter(action="figures.record", user=federation_user).first()
    assert entry.source == AuditEntry.Source.UPLOAD
    assert entry.federation == federation and entry.month == APRIL.first_day
    assert entry.data["changes"] == {"admitted": [5, 7], "members_end": [105, 107]}


def test_each_change_bumps_the_version_of_the_federation_month(federation, make_cdcs, federation_user):
    cdcs = make_cdcs(federation, opening=100, first_month=MARCH)
    figures_record(cdcs=cdcs, month=APRIL, admitted=5, user=federation_user)
    first = MonthlyReturn.objects.get(federation=federation, month=APRIL.first_day).version
    figures_record(cdcs=cdcs, month=APRIL, admitted=6, user=federation_user)
    assert MonthlyReturn.objects.get(federation=federation, month=APRIL.first_day).version == first + 1


# --- the register -------------------------------------------------------------------------------


def test_founding_records_the_federation_from_the_founding_month(federation, federation_user):
    cdcs = _found(federation, federation_user, founded_on=date(2021, 4, 12))
    assert list(cdcs.affiliations.values_list("federation", "valid_from")) == [(federation.pk, date(2021, 4, 1))]
    assert AuditEntry.objects.filter(action="cdcs.found", object_id=str(cdcs.pk)).exists()


def test_founding_under_the_province_itself_is_refused(province, provincial_staff):
    with pytest.raises(ValidationError):
        _found(province, provincial_staff)


def test_dissolving_a_cdcs_records_its_remaining_members_as_lost(federation, make_cdcs, federation_user):
    cdcs = make_cdcs(federation, opening=37, first_month=MARCH)
    cdcs_dissolve(cdcs=cdcs, on=date(2021, 4, 20), reason="Doanh nghiệp phá sản", user=federation_user)
    row = _row(cdcs, APRIL)
    assert (row.members_start, row.lost_cdcs_dissolved, row.members_end, row.workers) == (37, 37, 0, 0)
    cdcs.refresh_from_db()
    assert (cdcs.dissolved_on, cdcs.dissolution_reason) == (date(2021, 4, 20), "Doanh nghiệp phá sản")


def test_dissolving_keeps_the_months_other_flows(federation, make_cdcs, federation_user):
    cdcs = make_cdcs(federation, opening=37, first_month=MARCH)
    figures_record(cdcs=cdcs, month=APRIL, admitted=2, lost={LossReason.JOB: 9}, user=federation_user)
    cdcs_dissolve(cdcs=cdcs, on=date(2021, 4, 20), reason="Giải thể", user=federation_user)
    row = _row(cdcs, APRIL)
    assert (row.admitted, row.lost_job, row.lost_cdcs_dissolved, row.members_end) == (2, 9, 30, 0)


def test_members_lost_to_a_dissolution_need_the_cdcs_dissolved_that_month(federation, make_cdcs, federation_user):
    cdcs = make_cdcs(federation, opening=37, first_month=MARCH)
    with pytest.raises(ValidationError) as error:
        figures_record(cdcs=cdcs, month=APRIL, lost={LossReason.CDCS_DISSOLVED: 37}, user=federation_user)
    assert "không giải thể trong tháng 04/2021" in error.value.message_dict["lost_cdcs_dissolved"][0]
    assert not MonthlyFigure.objects.filter(cdcs=cdcs, month=APRIL.first_day).exists()
    cdcs_dissolve(cdcs=cdcs, on=date(2021, 5, 3), reason="Giải thể", user=federation_user)
    with pytest.raises(ValidationError):  # dissolved, but in another month
        figures_record(cdcs=cdcs, month=APRIL, lost={LossReason.CDCS_DISSOLVED: 37}, user=federation_user)
    assert _row(cdcs, MAY).lost_cdcs_dissolved == 37


def test_a_dissolved_cdcs_month_cannot_be_edited_to_keep_members(federation, make_cdcs, federation_user):
    cdcs = make_cdcs(federation, opening=37, first_month=MARCH)
    cdcs_dissolve(cdcs=cdcs, on=date(2021, 4, 20), reason="Giải thể", user=federation_user)
    with pytest.raises(ValidationError) as error:
        figures_record(cdcs=cdcs, month=APRIL, admitted=2, lost={LossReason.CDCS_DISSOLVED: 37}, user=federation_user)
    assert "cuối kỳ phải bằng 0" in _messages(error.value)
    with pytest.raises(ValidationError):
        figures_record(cdcs=cdcs, month=MAY, user=federation_user)


def test_dissolving_before_months_already_reported_is_refused(federation, make_cdcs, federation_user):
    cdcs = make_cdcs(federation, opening=37, first_month=MARCH)
    figures_record(cdcs=cdcs, month=MAY, user=federation_user)
    with pytest.raises(ValidationError) as error:
        cdcs_dissolve(cdcs=cdcs, on=date(2021, 4, 2), reason="Giải thể", user=federation_user)
    assert "05/2021" in _messages(error.value)
    cdcs.refresh_from_db()
    assert cdcs.dissolved_on is None


def test_moving_a_cdcs_keeps_earlier_months_with_the_old_federation(
    federation, other_federation, make_cdcs, federation_user, provincial_staff
):
    cdcs = make_cdcs(federation, opening=50, first_month=MARCH)
    figures_record(cdcs=cdcs, month=APRIL, user=federation_user)
    figures_record(cdcs=cdcs, month=MAY, user=federation_user)
    with pytest.raises(PermissionDenied):
        cdcs_move(cdcs=cdcs, federation=other_federation, from_month=APRIL, user=federation_user)
    cdcs_move(cdcs=cdcs, federation=other_federation, from_month=APRIL, user=provincial_staff)
    assert [_row(cdcs, m).federation for m in (MARCH, APRIL, MAY)] == [federation, other_federation, other_federation]
    assert Affiliation.objects.filter(cdcs=cdcs).count() == 2


def test_moving_a_cdcs_out_of_a_locked_month_is_refused(
    federation, other_federation, make_cdcs, federation_user, provincial_staff
):
    cdcs = make_cdcs(federation, opening=50, first_month=MARCH)
    figures_record(cdcs=cdcs, month=APRIL, user=federation_user)
    _approve(federation, APRIL, submitter=federation_user, approver=provincial_staff)
    with pytest.raises(ValidationError):
        cdcs_move(cdcs=cdcs, federation=other_federation, from_month=APRIL, user=provincial_staff)
    assert _row(cdcs, APRIL).federation == federation
    assert Affiliation.objects.filter(cdcs=cdcs).count() == 1


def test_merging_federations_moves_their_cdcs_and_keeps_their_history(
    federation, other_federation, make_cdcs, federation_user, provincial_staff
):
    staying = make_cdcs(federation, opening=50, first_month=MARCH)
    figures_record(cdcs=staying, month=APRIL, user=federation_user)
    dissolved = make_cdcs(federation, opening=5, first_month=MARCH)
    cdcs_dissolve(cdcs=dissolved, on=date(2021, 3, 20), reason="Giải thể", user=federation_user)
    organisation_merge(source_org=federation, into=other_federation, from_month=APRIL, user=provincial_staff)
    federation.refresh_from_db()
    assert (federation.merged_into, federation.active_to) == (other_federation, date(2021, 3, 31))
    assert (_row(staying, MARCH).federation, _row(staying, APRIL).federation) == (federation, other_federation)
    assert not dissolved.affiliations.filter(federation=other_federation).exists()
    with pytest.raises(ValidationError):  # nothing can be founded in a federation that no longer exists
        _found(federation, provincial_staff, founded_on=date(2021, 6, 1))


# --- the workflow -------------------------------------------------------------------------------


def test_a_month_can_be_submitted_only_when_every_cdcs_has_figures(federation, make_cdcs, federation_user):
    reported = make_cdcs(federation, opening=10, first_month=MARCH)
    make_cdcs(federation, name="CĐCS Chưa Báo Cáo")
    with pytest.raises(ValidationError) as error:
        return_submit(federation=federation, month=MARCH, user=federation_user)
    assert "Còn 1 CĐCS chưa có số liệu tháng 03/2021: CĐCS Chưa Báo Cáo" in _messages(error.value)
    assert reported.figures.count() == 1


def test_submit_approve_unlock(federation, make_cdcs, federation_user, provincial_staff, leader):
    make_cdcs(federation, opening=10, first_month=MARCH)
    monthly_return = return_submit(federation=federation, month=MARCH, user=federation_user)
    assert (monthly_return.status, monthly_return.submitted_by) == (MonthlyReturn.Status.SUBMITTED, federation_user)
    for user in (federation_user, leader):
        with pytest.raises(PermissionDenied):
            return_approve(federation=federation, month=MARCH, user=user)
    assert return_approve(federation=federation, month=MARCH, user=provincial_staff).is_locked
    with pytest.raises(ValidationError):
        return_unlock(federation=federation, month=MARCH, reason="  ", user=provincial_staff)
    unlocked = return_unlock(federation=federation, month=MARCH, reason="Sai số kết nạp CĐCS A", user=provincial_staff)
    assert (unlocked.status, unlocked.unlock_reason) == (MonthlyReturn.Status.DRAFT, "Sai số kết nạp CĐCS A")
    assert list(
        AuditEntry.objects.filter(federation=federation, action__startswith="return.")
        .order_by("at", "id")
        .values_list("action", flat=True)
    ) == ["return.submit", "return.approve", "return.unlock"]


def test_an_unsubmitted_month_cannot_be_approved(federation, make_cdcs, provincial_staff):
    make_cdcs(federation, opening=10, first_month=MARCH)
    with pytest.raises(ValidationError) as error:
        return_approve(federation=federation, month=MARCH, user=provincial_staff)
    assert "Chỉ duyệt được báo cáo đã gửi" in _messages(error.value)
