"""Merging one CĐCS into another: members move as a transfer, the absorbed one is dissolved."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from members.figures.services import figures_record
from members.figures.workflow import return_approve, return_submit
from members.models import AuditEntry, LossReason, MonthlyFigure
from members.services.org import cdcs_merge
from reports.selectors import Scope, progress_report
from unionportal.lib.months import Month

MARCH, APRIL, MAY = Month(2021, 3), Month(2021, 4), Month(2021, 5)
MERGE_DAY = date(2021, 4, 15)


def _row(cdcs, month):
    return MonthlyFigure.objects.get(cdcs=cdcs, month=month.first_day)


def _province_report(province, *, start=MARCH, end=APRIL):
    return progress_report(start=start, end=end, scope=Scope(province)).total.figures


@pytest.fixture
def pair(federation, other_federation, make_cdcs):
    """An absorbed CĐCS with 40 members in PB and the one it joins with 100 members in DT."""
    absorbed = make_cdcs(other_federation, code="PB01", opening=40, first_month=MARCH)
    into = make_cdcs(federation, code="DT01", opening=100, first_month=MARCH)
    return absorbed, into


def test_merging_moves_the_remaining_members_as_a_transfer_and_dissolves_the_absorbed(pair, provincial_staff):
    absorbed, into = pair
    cdcs_merge(absorbed=absorbed, into=into, on=MERGE_DAY, user=provincial_staff)

    closing = _row(absorbed, APRIL)
    assert (closing.members_start, closing.lost_transferred_out, closing.lost_cdcs_dissolved, closing.members_end) == (
        40,
        40,
        0,
        0,
    )
    arriving = _row(into, APRIL)
    assert (arriving.members_start, arriving.transferred_in, arriving.members_end) == (100, 40, 140)
    absorbed.refresh_from_db()
    assert absorbed.dissolved_on == MERGE_DAY
    assert absorbed.merged_into == into
    assert absorbed.dissolution_reason == "Hợp nhất vào DT01 – CĐCS Công ty 2"


def test_province_members_do_not_change_but_one_cdcs_is_lost(pair, province, provincial_staff):
    absorbed, into = pair
    before = _province_report(province)

    cdcs_merge(absorbed=absorbed, into=into, on=MERGE_DAY, user=provincial_staff)

    after = _province_report(province)
    assert (after.admitted, after.decrease, after.net_members) == (before.admitted, before.decrease, before.net_members)
    assert after.members_end == before.members_end == 140
    assert after.unions_dissolved == before.unions_dissolved + 1
    assert after.net_unions == before.net_unions - 1
    assert after.lost_by_reason[LossReason.TRANSFERRED_OUT] == 40
    assert after.transferred_in == 40
    into_federation = progress_report(start=APRIL, end=APRIL, scope=Scope(into.affiliations.get().federation))
    assert into_federation.total.figures.members_end == 140


def test_merging_keeps_the_months_other_figures_on_both_sides(pair, provincial_staff):
    absorbed, into = pair
    figures_record(cdcs=absorbed, month=APRIL, admitted=2, lost={LossReason.RETIRED: 1}, user=provincial_staff)
    figures_record(cdcs=into, month=APRIL, admitted=5, transferred_in=3, user=provincial_staff)

    cdcs_merge(absorbed=absorbed, into=into, on=MERGE_DAY, user=provincial_staff)

    closing = _row(absorbed, APRIL)
    assert (closing.admitted, closing.lost_retired, closing.lost_transferred_out, closing.members_end) == (2, 1, 41, 0)
    arriving = _row(into, APRIL)
    assert (arriving.admitted, arriving.transferred_in, arriving.members_end) == (5, 3 + 41, 100 + 5 + 3 + 41)


def test_a_cdcs_without_figures_takes_the_members_from_zero(federation, other_federation, make_cdcs, provincial_staff):
    absorbed = make_cdcs(other_federation, opening=40, first_month=MARCH)
    into = make_cdcs(federation)  # founded long ago, never reported

    cdcs_merge(absorbed=absorbed, into=into, on=MERGE_DAY, user=provincial_staff)

    arriving = _row(into, APRIL)
    assert (arriving.members_start, arriving.transferred_in, arriving.members_end) == (0, 40, 40)


def test_the_move_and_the_merge_are_in_the_audit_trail(pair, provincial_staff):
    absorbed, into = pair
    cdcs_merge(absorbed=absorbed, into=into, on=MERGE_DAY, user=provincial_staff)

    merge = AuditEntry.objects.get(action="cdcs.merge")
    assert (merge.object_id, merge.source, merge.username) == (str(absorbed.pk), "web", "bantochuc")
    assert merge.data == {"absorbed": "PB01", "into": "DT01", "members": 40}
    recorded = AuditEntry.objects.filter(action="figures.record", month=APRIL.first_day)
    assert {entry.object_repr for entry in recorded} == {"PB01 04/2021", "DT01 04/2021"}


def test_merging_into_a_cdcs_of_a_locked_month_changes_nothing(
    pair, federation, federation_user, provincial_staff, province
):
    absorbed, into = pair
    figures_record(cdcs=into, month=APRIL, admitted=5, user=federation_user)
    return_submit(federation=federation, month=APRIL, user=federation_user)
    return_approve(federation=federation, month=APRIL, user=provincial_staff, warnings_confirmed=True)
    before = _province_report(province)

    with pytest.raises(ValidationError) as error:
        cdcs_merge(absorbed=absorbed, into=into, on=MERGE_DAY, user=provincial_staff)

    assert "đã được" in " ".join(error.value.messages) and "khóa" in " ".join(error.value.messages)
    absorbed.refresh_from_db()
    assert absorbed.dissolved_on is None and absorbed.merged_into is None
    assert not MonthlyFigure.objects.filter(cdcs=absorbed, month=APRIL.first_day).exists()
    assert _row(into, APRIL).transferred_in == 0
    assert not AuditEntry.objects.filter(action="cdcs.merge").exists()
    assert _province_report(province) == before


def test_federation_staff_cannot_merge_into_another_federations_cdcs(
    federation, make_cdcs, other_federation, federation_user
):
    own = make_cdcs(federation, opening=30, first_month=MARCH)
    theirs = make_cdcs(other_federation, opening=20, first_month=MARCH)

    with pytest.raises(PermissionDenied):
        cdcs_merge(absorbed=own, into=theirs, on=MERGE_DAY, user=federation_user)

    own.refresh_from_db()
    assert own.dissolved_on is None
    assert not MonthlyFigure.objects.filter(month=APRIL.first_day).exists()


def test_federation_staff_may_merge_two_of_their_own(federation, make_cdcs, federation_user):
    absorbed = make_cdcs(federation, opening=30, first_month=MARCH)
    into = make_cdcs(federation, opening=20, first_month=MARCH)

    cdcs_merge(absorbed=absorbed, into=into, on=MERGE_DAY, user=federation_user)

    assert _row(into, APRIL).members_end == 50


def test_a_cdcs_cannot_be_merged_into_itself(pair, provincial_staff):
    absorbed, _into = pair
    with pytest.raises(ValidationError) as error:
        cdcs_merge(absorbed=absorbed, into=absorbed, on=MERGE_DAY, user=provincial_staff)
    assert error.value.message_dict == {"into": ["Không thể hợp nhất một CĐCS vào chính nó."]}


def test_a_dissolved_cdcs_can_neither_be_merged_nor_take_in_one(pair, make_cdcs, federation, provincial_staff):
    absorbed, into = pair
    third = make_cdcs(federation, opening=10, first_month=MARCH)
    cdcs_merge(absorbed=absorbed, into=into, on=MERGE_DAY, user=provincial_staff)

    with pytest.raises(ValidationError, match="đã giải thể"):
        cdcs_merge(absorbed=absorbed, into=third, on=date(2021, 4, 20), user=provincial_staff)
    with pytest.raises(ValidationError, match="đã giải thể") as error:
        cdcs_merge(absorbed=third, into=absorbed, on=date(2021, 4, 20), user=provincial_staff)
    assert "into" in error.value.message_dict


def test_merging_before_months_already_reported_is_refused(pair, provincial_staff):
    absorbed, into = pair
    figures_record(cdcs=absorbed, month=MAY, admitted=1, user=provincial_staff)

    with pytest.raises(ValidationError, match="đã có số liệu tháng 05/2021"):
        cdcs_merge(absorbed=absorbed, into=into, on=MERGE_DAY, user=provincial_staff)


def test_merging_into_a_cdcs_founded_after_the_day_is_refused(pair, federation, make_cdcs, provincial_staff):
    absorbed, _into = pair
    newer = make_cdcs(federation, founded_on=date(2021, 4, 20))

    with pytest.raises(ValidationError, match="sau ngày hợp nhất"):
        cdcs_merge(absorbed=absorbed, into=newer, on=MERGE_DAY, user=provincial_staff)
