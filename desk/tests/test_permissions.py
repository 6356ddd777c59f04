"""The permission matrix's slice of the home pages: federation staff's work to do, the province's
approvals queue and its two buttons (unionportal/testing/matrix.py)."""

import pytest

from unionportal.testing.matrix import (
    FORBIDDEN,
    OK,
    OTHER,
    OWN,
    REDIRECT,
    ROLES,
    check_leadership_refused,
    check_other_federation,
    check_role,
    provincial_only,
    signed_in,
)

# url name → (method, expected status per role, URL arguments)
MATRIX = {
    "desk:todo": ("get", {**signed_in(FORBIDDEN), "federation": OK}, {}),
    "desk:approvals": ("get", {**signed_in(FORBIDDEN), "provincial": OK, "superuser": OK}, {}),
    # as the grid's buttons: no_role users see no federation, so a 404
    "desk:approve": ("post", provincial_only(REDIRECT), OWN),
    "desk:send_back": ("post", provincial_only(REDIRECT), OWN),
}  # fmt: skip

OTHER_FEDERATIONS = {
    "desk:approve": ("post", OTHER),
    "desk:send_back": ("post", OTHER),
}

WRITES = {
    "desk:approve": (OWN, {"version": "0"}),
    "desk:send_back": (OWN, {"reason": "thử"}),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_url_answers_each_role_as_it_should(client, matrix_world, role, name):
    check_role(client, matrix_world, name, MATRIX[name], role)


@pytest.mark.parametrize("name", sorted(OTHER_FEDERATIONS))
def test_federation_staff_cannot_reach_another_federations_months(client, matrix_world, name):
    check_other_federation(client, matrix_world, name, OTHER_FEDERATIONS[name])


@pytest.mark.parametrize("name", sorted(WRITES))
def test_leadership_can_change_nothing(client, matrix_world, name):
    check_leadership_refused(client, matrix_world, name, WRITES[name])
