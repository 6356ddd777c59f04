"""The permission matrix's slice of the organisation tree: the CĐCS register, founding, dissolving,
moving and merging CĐCS, the upper-level unions' list, founding and ending one
(unionportal/testing/matrix.py)."""

import pytest

from unionportal.testing.matrix import (
    FORBIDDEN,
    NOT_FOUND,
    OK,
    OWN_CDCS,
    ROLES,
    check_leadership_refused,
    check_other_federation,
    check_provincial_writes,
    check_role,
    provincial_only,
    signed_in,
)

# The module builds its world once: its tests stay on one of make test's workers.
pytestmark = pytest.mark.xdist_group(__name__)

# url name → (method, expected status per role, URL arguments)
MATRIX = {
    # the CĐCS register
    "members:cdcs_list": ("get", signed_in(OK, no_role=FORBIDDEN), {}),
    "members:cdcs_new": ("get", {**signed_in(OK, no_role=FORBIDDEN), "leader": FORBIDDEN}, {}),
    "members:cdcs_detail": ("get", signed_in(OK, no_role=NOT_FOUND), OWN_CDCS),
    "members:cdcs_dissolve": ("get", {**signed_in(OK, no_role=NOT_FOUND), "leader": FORBIDDEN}, OWN_CDCS),
    "members:cdcs_move": ("get", provincial_only(OK), OWN_CDCS),
    "members:cdcs_merge": ("get", {**signed_in(OK, no_role=NOT_FOUND), "leader": FORBIDDEN}, OWN_CDCS),
    # the upper-level unions: leadership reads, provincial staff found and end them
    "members:organisation_list": ("get", {**signed_in(OK, no_role=FORBIDDEN), "federation": FORBIDDEN}, {}),
    "members:organisation_new": ("get", {**signed_in(FORBIDDEN), "provincial": OK, "superuser": OK}, {}),
    "members:organisation_end": ("get", provincial_only(OK), {"code": "DT"}),
}  # fmt: skip

# Pages of another federation, opened by the federation user: 404, so that codes cannot be probed.
OTHER_FEDERATIONS = {
    "members:cdcs_detail": ("get", {"code": "PB01"}),
    "members:cdcs_dissolve": ("get", {"code": "PB01"}),
    "members:cdcs_merge": ("get", {"code": "PB01"}),
    "members:cdcs_dissolve#post": ("post", {"code": "PB01"}),
    "members:cdcs_merge#post": ("post", {"code": "PB01"}),
    "members:cdcs_move": ("get", {"code": "PB01"}),
    "members:cdcs_move#post": ("post", {"code": "PB01"}),
    "members:organisation_end": ("get", {"code": "PB"}),
    "members:organisation_end#post": ("post", {"code": "PB"}),
}  # fmt: skip

# Every page that changes something, posted to by leadership with data that would otherwise
# be accepted: refused, and nothing written. url name → (URL arguments, data)
WRITES = {
    "members:cdcs_new": ({}, {"code": "N1", "name": "CĐCS mới", "employer": "Công ty", "sector": "fdi",
                              "workers": "10", "founded_on": "2021-03-05", "federation": "{dt}"}),
    "members:cdcs_dissolve": (OWN_CDCS, {"on": "2021-03-20", "reason": "Phá sản"}),
    "members:cdcs_move": (OWN_CDCS, {"federation": "{pb}", "from_month": "2021-03"}),
    "members:cdcs_merge": (OWN_CDCS, {"into": "PB01", "on": "2021-03-20"}),
    "members:organisation_new": ({}, {"code": "XB", "name": "Công đoàn phường mới", "kind": "commune",
                                      "active_from": "2021-03"}),
    "members:organisation_end": ({"code": "XA"}, {"from_month": "2021-04"}),
}  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_url_answers_each_role_as_it_should(client, matrix_world, role, name):
    check_role(client, matrix_world, name, MATRIX[name], role)


@pytest.mark.parametrize("name", sorted(OTHER_FEDERATIONS))
def test_federation_staff_cannot_reach_another_federations_pages(client, matrix_world, name):
    check_other_federation(client, matrix_world, name, OTHER_FEDERATIONS[name])


@pytest.mark.parametrize("name", sorted(WRITES))
def test_leadership_can_change_nothing(client, matrix_world, name):
    check_leadership_refused(client, matrix_world, name, WRITES[name])


@pytest.mark.parametrize("name", sorted(WRITES))
def test_the_posts_leadership_is_refused_do_change_things_for_provincial_staff(client, matrix_world, name):
    check_provincial_writes(client, matrix_world, name, WRITES[name])
