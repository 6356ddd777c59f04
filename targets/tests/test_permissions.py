"""The permission matrix's slice of quotas: everyone with a role reads them, provincial staff
change them (unionportal/testing/matrix.py)."""

import pytest

from unionportal.testing.matrix import (
    FORBIDDEN,
    OK,
    ROLES,
    check_leadership_refused,
    check_provincial_writes,
    check_role,
    provincial_only,
    signed_in,
)

# The module builds its world once: its tests stay on one of make test's workers.
pytestmark = pytest.mark.xdist_group(__name__)

# url name → (method, expected status per role, URL arguments)
MATRIX = {
    # quotas: everyone with a role reads them, provincial staff change them
    "targets:programme_list": ("get", signed_in(OK, no_role=FORBIDDEN), {}),
    "targets:programme_new": ("get", {**provincial_only(OK), "no_role": FORBIDDEN}, {}),
    "targets:quotas": ("get", signed_in(OK, no_role=FORBIDDEN), {"pk": lambda world: world["programme"].pk}),
}  # fmt: skip

# Every page that changes something, posted to by leadership with data that would otherwise
# be accepted: refused, and nothing written. url name → (URL arguments, data)
WRITES = {
    "targets:quotas": ({"pk": lambda world: world["programme"].pk}, {"q-{dt}-2021-new_members": "100"}),
    "targets:programme_new": ({}, {"name": "CT mới", "document_number": "9/CTr", "document_date": "2024-01-02",
                                   "first_year": "2024", "last_year": "2028"}),
}  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_url_answers_each_role_as_it_should(client, matrix_world, role, name):
    check_role(client, matrix_world, name, MATRIX[name], role)


@pytest.mark.parametrize("name", sorted(WRITES))
def test_leadership_can_change_nothing(client, matrix_world, name):
    check_leadership_refused(client, matrix_world, name, WRITES[name])


@pytest.mark.parametrize("name", sorted(WRITES))
def test_the_posts_leadership_is_refused_do_change_things_for_provincial_staff(client, matrix_world, name):
    check_provincial_writes(client, matrix_world, name, WRITES[name])
