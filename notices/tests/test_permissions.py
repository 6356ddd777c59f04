"""The permission matrix's slice of notices: everyone with a role has notices and reads only their
own; marking one read is a POST, and another person's notice is not found
(unionportal/testing/matrix.py)."""

import pytest

from notices.models import Notice
from unionportal.testing.matrix import (
    FORBIDDEN,
    LOGIN,
    NOT_FOUND,
    OK,
    REDIRECT,
    ROLES,
    check_other_federation,
    check_role,
    signed_in,
)

OWN_NOTICE = {"pk": lambda world: world["notices"]["DT"].pk}  # the DT staff's
OTHER_NOTICE = {"pk": lambda world: world["notices"]["PB"].pk}  # PB's staff's

# url name → (method, expected status per role, URL arguments)
MATRIX = {
    "notices:list": ("get", signed_in(OK, no_role=FORBIDDEN), {}),
    "notices:settings": ("get", signed_in(OK, no_role=FORBIDDEN), {}),
    "notices:read_all": ("post", signed_in(REDIRECT, no_role=FORBIDDEN), {}),
    # the DT staff's own notice: theirs to mark; nobody else's, whatever their role
    "notices:read": ("post", {**signed_in(NOT_FOUND, no_role=FORBIDDEN), "anonymous": LOGIN, "federation": REDIRECT},
                     OWN_NOTICE),
}  # fmt: skip

# Another person's notice (PB's staff's), asked for by DT's staff: 404, nothing changed.
OTHER_FEDERATIONS = {"notices:read": ("post", OTHER_NOTICE)}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_url_answers_each_role_as_it_should(client, matrix_world, role, name):
    check_role(client, matrix_world, name, MATRIX[name], role)


@pytest.mark.parametrize("name", sorted(OTHER_FEDERATIONS))
def test_federation_staff_cannot_reach_another_persons_notice(client, matrix_world, name):
    check_other_federation(client, matrix_world, name, OTHER_FEDERATIONS[name])
    assert Notice.objects.get(pk=matrix_world["notices"]["PB"].pk).read_at is None
