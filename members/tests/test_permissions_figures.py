"""The permission matrix's slice of the monthly figures: the entry grid, the workflow, the board,
the Excel round trip and the reconciliation with the register (unionportal/testing/matrix.py)."""

import pytest

from unionportal.testing.matrix import (
    FORBIDDEN,
    NOT_FOUND,
    OK,
    OTHER,
    OWN,
    REDIRECT,
    ROLES,
    check_leadership_refused,
    check_other_federation,
    check_provincial_writes,
    check_role,
    people,
    provincial_only,
    signed_in,
)

# The module builds its world once: its tests stay on one of make test's workers.
pytestmark = pytest.mark.xdist_group(__name__)

OWN_ROW = {"code": "DT01", "month": "2021-03"}
OWN_UPLOAD = {"code": "DT", "pk": lambda world: world["uploads"]["DT"].pk}
OTHER_UPLOAD = {"code": "PB", "pk": lambda world: world["uploads"]["PB"].pk}
WORKFLOW_STEPS = {"members:return_approve", "members:return_send_back", "members:return_unlock"}


# url name → (method, expected status per role, URL arguments)
MATRIX = {
    # the reports' summary rebuilt as a job: provincial staff only
    "members:summary_rebuild": ("get", {**signed_in(FORBIDDEN), "provincial": OK, "superuser": OK}, {}),
    # the entry grid and the workflow: no_role users see no federation at all, so a 404
    "members:grid_start": ("get", {**signed_in(OK, no_role=FORBIDDEN), "federation": REDIRECT}, {}),
    "members:grid": ("get", signed_in(OK, no_role=NOT_FOUND), OWN),
    "members:return_submit": ("post", {**signed_in(REDIRECT, no_role=NOT_FOUND), "leader": FORBIDDEN}, OWN),
    "members:return_approve": ("post", provincial_only(REDIRECT), OWN),
    "members:return_send_back": ("post", provincial_only(REDIRECT), OWN),
    "members:return_unlock": ("post", provincial_only(REDIRECT), OWN),
    "members:return_history": ("get", signed_in(OK, no_role=NOT_FOUND), OWN),
    "members:board": ("get", signed_in(OK, no_role=FORBIDDEN), {}),
    "members:figure_history": ("get", signed_in(OK, no_role=NOT_FOUND), OWN_ROW),
    # the Excel round trip: everyone who sees the federation gets the template and the history;
    # those who may change its figures upload, confirm and download the original files
    "members:month_template": ("get", signed_in(OK, no_role=NOT_FOUND), OWN),
    "members:month_export": ("get", signed_in(OK, no_role=NOT_FOUND), OWN),
    "members:upload": ("get", {**signed_in(OK, no_role=NOT_FOUND), "leader": FORBIDDEN}, OWN),
    "members:upload_history": ("get", signed_in(OK, no_role=NOT_FOUND), {"code": "DT"}),
    "members:upload_detail": ("get", signed_in(OK, no_role=NOT_FOUND), OWN_UPLOAD),
    "members:upload_confirm": ("post", {**signed_in(REDIRECT, no_role=NOT_FOUND), "leader": FORBIDDEN}, OWN_UPLOAD),
    "members:upload_discard": ("post", {**signed_in(REDIRECT, no_role=NOT_FOUND), "leader": FORBIDDEN}, OWN_UPLOAD),
    "members:upload_file": ("get", {**signed_in(OK, no_role=NOT_FOUND), "leader": FORBIDDEN}, OWN_UPLOAD),
    # reconciliation with the register: counts for everyone who sees the figures, names for staff
    "members:reconcile_province": ("get", signed_in(OK, no_role=FORBIDDEN), {}),
    "members:reconcile": ("get", signed_in(OK, no_role=NOT_FOUND), OWN),
    "members:reconcile_cdcs": ("get", {**people(OK), "no_role": NOT_FOUND}, {**OWN, "cdcs": "DT01"}),  # names
}  # fmt: skip

# Pages of another federation, opened by the federation user: 404, so that codes cannot be probed.
OTHER_FEDERATIONS = {
    "members:grid": ("get", OTHER),
    "members:return_submit": ("post", OTHER),
    "members:return_history": ("get", OTHER),
    "members:figure_history": ("get", {"code": "PB01", "month": "2021-03"}),
    "members:month_template": ("get", OTHER),
    "members:month_export": ("get", OTHER),
    "members:upload": ("get", OTHER),
    "members:upload_history": ("get", {"code": "PB"}),
    "members:upload_detail": ("get", OTHER_UPLOAD),
    "members:upload_file": ("get", OTHER_UPLOAD),
    "members:upload_detail#own-code": ("get", {"code": "DT", "pk": lambda world: world["uploads"]["PB"].pk}),
    # the reconciliation, and another federation's CĐCS under their own code
    "members:reconcile": ("get", OTHER),
    "members:reconcile_cdcs": ("get", {**OTHER, "cdcs": "PB01"}),
    "members:reconcile_cdcs#own-code": ("get", {**OWN, "cdcs": "PB01"}),
    # and what they post there
    "members:grid#post": ("post", OTHER),
    "members:upload#post": ("post", OTHER),
    "members:upload_confirm": ("post", OTHER_UPLOAD),
    "members:upload_discard": ("post", OTHER_UPLOAD),
    # provincial-only actions on another federation's month or CĐCS: 404 too, not 403
    "members:return_approve": ("post", OTHER),
    "members:return_send_back": ("post", OTHER),
    "members:return_unlock": ("post", OTHER),
}  # fmt: skip

# Every page that changes something, posted to by leadership with data that would otherwise
# be accepted: refused, and nothing written. url name → (URL arguments, data)
WRITES = {
    "members:summary_rebuild": ({}, {}),
    "members:grid": (OWN, {"version": "1", "r{dt01}-admitted": "5"}),
    "members:return_submit": (OWN, {}),
    "members:return_approve": (OWN, {}),
    "members:return_send_back": (OWN, {"reason": "thử"}),
    "members:return_unlock": (OWN, {"reason": "thử"}),
    "members:upload_confirm": (OWN_UPLOAD, {}),
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


@pytest.mark.parametrize("name", sorted(set(WRITES) - WORKFLOW_STEPS))
def test_the_posts_leadership_is_refused_do_change_things_for_provincial_staff(client, matrix_world, name):
    """(Approve, send back and unlock need a submitted or approved month first: test_grid and
    test_workflow cover them.)"""
    check_provincial_writes(client, matrix_world, name, WRITES[name])
