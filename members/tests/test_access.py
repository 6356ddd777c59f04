"""The one access helper: what each role may see and change."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from members.access import (
    access_org,
    can_write,
    can_write_any,
    cdcs_visible_to,
    figures_visible_to,
    orgs_visible_to,
    orgs_writable_by,
    own_federation,
    require_role,
)
from members.figures.services import figures_record
from members.models import GrassrootsUnion
from members.services.org import cdcs_move
from unionportal.lib.months import Month


@pytest.fixture
def two_federations(federation, other_federation, make_cdcs):
    return make_cdcs(federation, opening=10, first_month=Month(2021, 1)), make_cdcs(
        other_federation, opening=20, first_month=Month(2021, 1)
    )


def test_federation_staff_see_only_their_own_federation(two_federations, federation, federation_user):
    own, _other = two_federations
    assert list(orgs_visible_to(federation_user)) == [federation]
    assert list(cdcs_visible_to(federation_user)) == [own]
    assert {row.cdcs for row in figures_visible_to(federation_user)} == {own}


def test_province_wide_roles_see_everything(two_federations, leader, provincial_staff, superuser):
    for user in (leader, provincial_staff, superuser):
        assert orgs_visible_to(user).count() == 3
        assert cdcs_visible_to(user).count() == 2
        assert figures_visible_to(user).count() == 2


def test_users_without_a_role_and_inactive_users_see_nothing(two_federations, no_role_user, leader):
    leader.is_active = False
    for user in (no_role_user, leader):
        assert not orgs_visible_to(user).exists()
        assert not cdcs_visible_to(user).exists()
        assert not figures_visible_to(user).exists()


def test_only_provincial_staff_and_the_federations_own_staff_may_write(
    federation, other_federation, federation_user, leader, provincial_staff
):
    assert can_write(federation_user, federation) and not can_write(federation_user, other_federation)
    assert not can_write(leader, federation)
    assert can_write(provincial_staff, federation) and can_write(provincial_staff, other_federation)


def test_another_federations_code_is_not_found_rather_than_forbidden(
    federation, other_federation, federation_user, leader
):
    assert access_org(federation_user, "DT", write=True) == federation
    with pytest.raises(Http404):
        access_org(federation_user, "PB")
    assert access_org(leader, "PB") == other_federation
    with pytest.raises(PermissionDenied):
        access_org(leader, "PB", write=True)


def test_a_cdcs_that_moved_away_keeps_its_history_visible_to_its_old_federation_only_for_those_months(
    two_federations, federation, other_federation, federation_user, other_federation_user, provincial_staff
):
    own, _other = two_federations
    cdcs_move(cdcs=own, federation=other_federation, from_month=Month(2021, 2), user=provincial_staff)
    figures_record(cdcs=own, month=Month(2021, 2), admitted=1, user=other_federation_user)
    assert [row.month.month for row in figures_visible_to(federation_user)] == [1]
    assert sorted(row.month.month for row in figures_visible_to(other_federation_user).filter(cdcs=own)) == [2]


def test_the_organisations_a_user_may_write_to_are_those_can_write_allows(
    two_federations, federation, provincial_staff, federation_user, leader, no_role_user
):
    for user in (provincial_staff, federation_user, leader, no_role_user):
        writable = set(orgs_writable_by(user))
        assert writable == {org for org in orgs_visible_to(provincial_staff) if can_write(user, org)}
        assert can_write_any(user) == bool(writable)
    assert list(orgs_writable_by(federation_user)) == [federation]
    assert own_federation(federation_user) == federation
    assert own_federation(provincial_staff) is None and own_federation(leader) is None


def test_an_account_without_a_role_is_refused_everywhere(no_role_user, leader):
    with pytest.raises(PermissionDenied):
        require_role(no_role_user)
    require_role(leader)
    leader.is_active = False
    with pytest.raises(PermissionDenied):
        require_role(leader)


def test_cdcs_under_a_federation_follow_its_moves_month_by_month(two_federations, federation, other_federation):
    """GrassrootsUnion.objects.under (cdcs_now_under, the reconciliation) reads the federation's own
    affiliations: the same CĐCS as asking each CĐCS for its federation that month."""
    own, other = two_federations
    cdcs_move(cdcs=other, federation=federation, from_month=Month(2021, 3), user=None)
    cdcs_move(cdcs=other, federation=other_federation, from_month=Month(2021, 6), user=None)
    cdcs_move(cdcs=own, federation=other_federation, from_month=Month(2021, 5), user=None)

    for month in (Month(2021, 1), Month(2021, 3), Month(2021, 5), Month(2021, 6), Month(2030, 1)):
        for union in (federation, other_federation):
            asked = GrassrootsUnion.objects.with_federation_at(month).filter(federation_at_id=union.pk)
            assert set(GrassrootsUnion.objects.under(union.pk, month)) == set(asked), (month, union.code)
    assert set(GrassrootsUnion.objects.under(federation.pk, Month(2021, 3))) == {own, other}
    assert set(GrassrootsUnion.objects.under(federation.pk, Month(2021, 6))) == set()
