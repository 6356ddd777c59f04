"""The permission matrix's slice of the reports: the progress report, the dashboard, the brief, the
drill-down and the JSON API (unionportal/testing/matrix.py)."""

import pytest

from unionportal.testing.matrix import (
    FORBIDDEN,
    NOT_FOUND,
    OK,
    OWN_CDCS,
    ROLES,
    check_other_federation,
    check_role,
    signed_in,
)

# The module builds its world once: its tests stay on one of make test's workers.
pytestmark = pytest.mark.xdist_group(__name__)

# url name → (method, expected status per role, URL arguments)
MATRIX = {
    "reports:progress": ("get", signed_in(OK, no_role=FORBIDDEN), {}),
    "reports:progress_export": ("get", signed_in(OK, no_role=FORBIDDEN), {}),  # this year's report as .xlsx
    "reports:dashboard": ("get", signed_in(OK, no_role=FORBIDDEN), {}),
    "reports:dashboard_export": ("get", signed_in(OK, no_role=FORBIDDEN), {}),
    "reports:dashboard_officers": ("get", signed_in(OK, no_role=FORBIDDEN), {}),  # the card, loaded apart
    "reports:brief": ("get", signed_in(OK, no_role=FORBIDDEN), {}),  # the meeting brief, A4
    "reports:brief_docx": ("get", signed_in(OK, no_role=FORBIDDEN), {}),
    # drill-down from a federation's figures to its CĐCS and their months: no_role users see none, so a 404
    "reports:federation_detail": ("get", signed_in(OK, no_role=NOT_FOUND), {"code": "DT"}),
    "reports:federation_detail_export": ("get", signed_in(OK, no_role=NOT_FOUND), {"code": "DT"}),
    "reports:cdcs_months": ("get", signed_in(OK, no_role=NOT_FOUND), OWN_CDCS),
    "reports:cdcs_months_export": ("get", signed_in(OK, no_role=NOT_FOUND), OWN_CDCS),
    # the JSON API answers in JSON, never with the login page: 401 without a session or a token
    "reports:api_progress": ("get", {**signed_in(OK, no_role=FORBIDDEN), "anonymous": 401}, {}),
}  # fmt: skip

# Pages of another federation, opened by the federation user: 404, so that codes cannot be probed.
OTHER_FEDERATIONS = {
    "reports:federation_detail": ("get", {"code": "PB"}),
    "reports:federation_detail_export": ("get", {"code": "PB"}),
    "reports:cdcs_months": ("get", {"code": "PB01"}),
    "reports:cdcs_months_export": ("get", {"code": "PB01"}),
}  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_url_answers_each_role_as_it_should(client, matrix_world, role, name):
    check_role(client, matrix_world, name, MATRIX[name], role)


@pytest.mark.parametrize("name", sorted(OTHER_FEDERATIONS))
def test_federation_staff_cannot_reach_another_federations_pages(client, matrix_world, name):
    check_other_federation(client, matrix_world, name, OTHER_FEDERATIONS[name])
