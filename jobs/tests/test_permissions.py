"""The permission matrix's slice of the jobs' pages: a job is seen by its owner, administrators and
whom its kind lets see it (a month sheet's import: provincial staff and the federation's staff),
never by another federation's staff, leadership or an account without a role (404: a guessed
number tells nothing)."""

import pytest

from unionportal.testing.matrix import NOT_FOUND, OK, REDIRECT, ROLES, check_other_federation, check_role, signed_in

pytestmark = pytest.mark.xdist_group(__name__)

OWN_JOB = {"pk": lambda world: world["jobs"]["DT"].pk}
OTHER_JOB = {"pk": lambda world: world["jobs"]["PB"].pk}
SEEN = {**signed_in(NOT_FOUND), "federation": OK, "provincial": OK, "superuser": OK}
RUN = {**SEEN, "federation": REDIRECT, "provincial": REDIRECT, "superuser": REDIRECT}  # done: nothing to run

MATRIX = {
    "jobs:list": ("get", signed_in(OK), {}),  # one's own jobs (none: an empty list)
    "jobs:detail": ("get", SEEN, OWN_JOB),
    "jobs:status": ("get", SEEN, OWN_JOB),
    "jobs:run_again": ("post", RUN, OWN_JOB),
}
OTHER_FEDERATIONS = {
    "jobs:detail": ("get", OTHER_JOB),
    "jobs:status": ("get", OTHER_JOB),
    "jobs:run_again": ("post", OTHER_JOB),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_url_answers_each_role_as_it_should(client, matrix_world, role, name):
    check_role(client, matrix_world, name, MATRIX[name], role)


@pytest.mark.parametrize("name", sorted(OTHER_FEDERATIONS))
def test_another_federations_job_is_not_found(client, matrix_world, name):
    check_other_federation(client, matrix_world, name, OTHER_FEDERATIONS[name])
