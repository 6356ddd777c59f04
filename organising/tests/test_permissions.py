"""The permission matrix's slice of organising: the register of enterprises without a union, their
pipeline, enterprise lists and the funnel (unionportal/testing/matrix.py)."""

import pytest

from unionportal.testing.matrix import (
    FORBIDDEN,
    NOT_FOUND,
    OK,
    REDIRECT,
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

OWN_ENTERPRISE = {"pk": lambda world: world["register_enterprises"]["DT"].pk}
OTHER_ENTERPRISE = {"pk": lambda world: world["register_enterprises"]["PB"].pk}
OWN_ENTERPRISE_LIST = {"pk": lambda world: world["enterprise_uploads"]["DT"].pk}
OTHER_ENTERPRISE_LIST = {"pk": lambda world: world["enterprise_uploads"]["PB"].pk}
ORG_WRITE = {**signed_in(OK, no_role=NOT_FOUND), "leader": FORBIDDEN}
ORG_STAFF = {**signed_in(OK, no_role=FORBIDDEN), "leader": FORBIDDEN}
ORG_STAFF_POST = {**signed_in(REDIRECT, no_role=FORBIDDEN), "leader": FORBIDDEN}
ORG_LEND = {**provincial_only(REDIRECT), "no_role": NOT_FOUND}


# url name → (method, expected status per role, URL arguments)
MATRIX = {
    "organising:funnel": ("get", signed_in(OK, no_role=FORBIDDEN), {}),
    # the register of enterprises without a union, and their pipeline
    "organising:enterprise_list": ("get", signed_in(OK, no_role=FORBIDDEN), {}),
    "organising:enterprise_new": ("get", ORG_STAFF, {}),
    "organising:priority_rule": ("get", {**provincial_only(OK), "no_role": FORBIDDEN}, {}),
    "organising:enterprise_detail": ("get", signed_in(OK, no_role=NOT_FOUND), OWN_ENTERPRISE),
    "organising:enterprise_edit": ("get", ORG_WRITE, OWN_ENTERPRISE),
    # an empty form posted is shown again with its errors
    "organising:contact_log": ("post", ORG_WRITE, OWN_ENTERPRISE),
    "organising:stage_move": ("post", ORG_WRITE, OWN_ENTERPRISE),
    "organising:enterprise_found": ("post", ORG_WRITE, OWN_ENTERPRISE),
    "organising:enterprise_link": ("post", ORG_WRITE, OWN_ENTERPRISE),
    "organising:lent_staff": ("post", ORG_LEND, OWN_ENTERPRISE),
    "organising:list_template": ("get", signed_in(OK, no_role=FORBIDDEN), {}),
    "organising:list_export": ("get", signed_in(OK, no_role=FORBIDDEN), {}),
    "organising:list_upload": ("get", ORG_STAFF, {}),
    "organising:list_preview": ("get", ORG_STAFF, OWN_ENTERPRISE_LIST),
    "organising:list_confirm": ("post", ORG_STAFF_POST, OWN_ENTERPRISE_LIST),
    "organising:list_discard": ("post", ORG_STAFF_POST, OWN_ENTERPRISE_LIST),
}  # fmt: skip

# Pages of another federation, opened by the federation user: 404, so that codes cannot be probed.
OTHER_FEDERATIONS = {
    # another federation's enterprises and enterprise lists, by guessed ids
    "organising:enterprise_detail": ("get", OTHER_ENTERPRISE),
    "organising:enterprise_edit": ("get", OTHER_ENTERPRISE),
    "organising:enterprise_edit#post": ("post", OTHER_ENTERPRISE),
    "organising:contact_log": ("post", OTHER_ENTERPRISE),
    "organising:stage_move": ("post", OTHER_ENTERPRISE),
    "organising:enterprise_found": ("post", OTHER_ENTERPRISE),
    "organising:enterprise_link": ("post", OTHER_ENTERPRISE),
    "organising:lent_staff": ("post", OTHER_ENTERPRISE),
    "organising:list_preview": ("get", OTHER_ENTERPRISE_LIST),
    "organising:list_confirm": ("post", OTHER_ENTERPRISE_LIST),
    "organising:list_discard": ("post", OTHER_ENTERPRISE_LIST),
}  # fmt: skip

# Every page that changes something, posted to by leadership with data that would otherwise
# be accepted: refused, and nothing written. url name → (URL arguments, data)
WRITES = {
    # the enterprise register
    "organising:enterprise_new": ({}, {
        "name": "Công ty TNHH May Việt", "tax_code": "4600999001", "federation": "{dt}", "sector": "fdi",
        "workers": "300"}),
    "organising:enterprise_edit": (OWN_ENTERPRISE, {
        "name": "Công ty CP Gạch Đại Từ", "tax_code": "4600100001", "federation": "{dt}", "sector": "private",
        "workers": "150"}),
    "organising:contact_log": (OWN_ENTERPRISE, {
        "contact-on": "2021-03-10", "contact-kind": "visit", "contact-outcome": "Gặp giám đốc",
        "contact-next_step": "Họp người lao động", "contact-next_step_on": "2021-04-01"}),
    "organising:stage_move": (OWN_ENTERPRISE, {
        "move-to_stage": "approached", "move-on": "2021-03-15"}),
    "organising:enterprise_found": (OWN_ENTERPRISE, {
        "found-code": "DT09", "found-name": "CĐCS Công ty Gạch", "found-founded_on": "2021-03-20"}),
    "organising:enterprise_link": (OWN_ENTERPRISE, {"link-cdcs": "DT01"}),
    "organising:lent_staff": (OWN_ENTERPRISE, {}),
    "organising:priority_rule": ({}, {"min_workers": "30", "stuck_days": "60"}),
    "organising:list_confirm": (OWN_ENTERPRISE_LIST, {}),
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
