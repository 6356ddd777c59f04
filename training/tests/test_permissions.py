"""The permission matrix's slice of cadre training: everyone with a role reads, leadership changes
nothing (unionportal/testing/matrix.py)."""

import pytest

from unionportal.testing.matrix import (
    FORBIDDEN,
    NOT_FOUND,
    OK,
    ROLES,
    check_leadership_refused,
    check_other_federation,
    check_provincial_writes,
    check_role,
    signed_in,
)

# The module builds its world once: its tests stay on one of make test's workers.
pytestmark = pytest.mark.xdist_group(__name__)

OWN_COURSE = {"pk": lambda world: world["courses"]["DT"].pk}
OTHER_COURSE = {"pk": lambda world: world["courses"]["PB"].pk}
OWN_NAMED = {"pk": lambda world: world["named_courses"]["DT"].pk}  # DT01's chair named on it
OTHER_NAMED = {"pk": lambda world: world["named_courses"]["PB"].pk}


# url name → (method, expected status per role, URL arguments)
MATRIX = {
    # cadre training: everyone with a role reads, leadership changes nothing
    "training:course_list": ("get", signed_in(OK, no_role=FORBIDDEN), {}),
    "training:course_new": ("get", {**signed_in(OK, no_role=FORBIDDEN), "leader": FORBIDDEN}, {}),
    "training:course_detail": ("get", signed_in(OK, no_role=NOT_FOUND), OWN_COURSE),
    "training:course_edit": ("get", {**signed_in(OK, no_role=NOT_FOUND), "leader": FORBIDDEN}, OWN_COURSE),
    "training:course_delete": ("get", {**signed_in(OK, no_role=NOT_FOUND), "leader": FORBIDDEN}, OWN_COURSE),
    # naming the officers who attended: who may change the course, among the officers they may read
    "training:course_officers": ("get", {**signed_in(OK, no_role=NOT_FOUND), "leader": FORBIDDEN}, OWN_NAMED),
    "training:report": ("get", signed_in(OK, no_role=FORBIDDEN), {}),
    "training:report_export": ("get", signed_in(OK, no_role=FORBIDDEN), {}),
}  # fmt: skip

# Pages of another federation, opened by the federation user: 404, so that codes cannot be probed.
OTHER_FEDERATIONS = {
    "training:course_detail": ("get", OTHER_COURSE),
    "training:course_edit": ("get", OTHER_COURSE),
    "training:course_edit#post": ("post", OTHER_COURSE),
    "training:course_delete": ("get", OTHER_COURSE),
    "training:course_delete#post": ("post", OTHER_COURSE),
    "training:course_officers": ("get", OTHER_NAMED),
    "training:course_officers#post": ("post", OTHER_NAMED),
}  # fmt: skip

# Every page that changes something, posted to by leadership with data that would otherwise
# be accepted: refused, and nothing written. url name → (URL arguments, data)
WRITES = {
    # cadre training
    "training:course_new": ({}, {"organiser": "DT", "starts_on": "2021-03-10", "topic": "Nghiệp vụ công đoàn",
                                 "officers": "30", "attendance-TOTAL_FORMS": "1", "attendance-INITIAL_FORMS": "0",
                                 "attendance-0-cdcs": "{dt01}", "attendance-0-officers": "5"}),
    "training:course_edit": (OWN_COURSE, {
        "starts_on": "2021-03-02", "topic": "Kỹ năng thương lượng tập thể", "officers": "45",
        "attendance-TOTAL_FORMS": "0", "attendance-INITIAL_FORMS": "0"}),
    "training:course_delete": (OWN_COURSE, {}),
    "training:course_officers": (OWN_NAMED, {}),  # nothing ticked: DT01's chair no longer named
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
