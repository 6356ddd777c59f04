"""The permission matrix's slice of the CĐCS officers: a CĐCS's committees (names for the staff of
its federation and the province, numbers for leadership), their writes, the officers' list and
what needs filling, the officers' list in Excel (unionportal/testing/matrix.py)."""

import pytest

from unionportal.testing.matrix import (
    FORBIDDEN,
    NOT_FOUND,
    OK,
    OWN_CDCS,
    REDIRECT,
    ROLES,
    check_leadership_refused,
    check_other_federation,
    check_provincial_writes,
    check_role,
    people,
    signed_in,
)

# The module builds its world once: its tests stay on one of make test's workers.
pytestmark = pytest.mark.xdist_group(__name__)

OWN_TERM = {"code": "DT01", "pk": lambda world: world["terms"]["DT"].pk}
OTHER_TERM = {"code": "PB01", "pk": lambda world: world["terms"]["PB"].pk}
OWN_CHAIR = {"code": "DT01", "pk": lambda world: world["chairs"]["DT"].pk}
OTHER_CHAIR = {"code": "PB01", "pk": lambda world: world["chairs"]["PB"].pk}
OWN_LIST = {"code": "DT", "pk": lambda world: world["officer_uploads"]["DT"].pk}
OTHER_LIST = {"code": "PB", "pk": lambda world: world["officer_uploads"]["PB"].pk}
DT = {"code": "DT"}


def writes(status):
    """A CĐCS's officers' forms: its federation's staff and the province's; leadership refused; no
    role does not find the CĐCS."""
    return {**signed_in(status, no_role=NOT_FOUND), "leader": FORBIDDEN}


# url name → (method, expected status per role, URL arguments)
MATRIX = {
    # a CĐCS's committees: everyone who sees the CĐCS (names only for staff)
    "members:cdcs_officers": ("get", signed_in(OK, no_role=NOT_FOUND), OWN_CDCS),
    "members:term_new": ("get", writes(OK), OWN_CDCS),
    "members:term_edit": ("get", writes(OK), OWN_TERM),
    "members:officer_new": ("get", writes(OK), OWN_CDCS),
    "members:officer_leave": ("get", writes(OK), OWN_CHAIR),
    "members:officer_edit": ("get", writes(OK), OWN_CHAIR),
    # the province's officers (leadership: numbers) and what needs filling
    "members:officers": ("get", signed_in(OK, no_role=FORBIDDEN), {}),
    "members:officers_attention": ("get", signed_in(OK, no_role=FORBIDDEN), {}),
    # a federation's officers' list in Excel: names, for staff only
    "members:officer_list_template": ("get", people(OK), DT),
    "members:officer_list_export": ("post", people(OK), DT),  # audited, so a POST
    "members:officer_list_upload": ("get", people(OK), DT),
    "members:officer_list_preview": ("get", people(OK), OWN_LIST),
    "members:officer_list_confirm": ("post", people(REDIRECT), OWN_LIST),
    "members:officer_list_discard": ("post", people(REDIRECT), OWN_LIST),
}  # fmt: skip

# Pages of another federation, opened by the federation user: 404, so that codes cannot be probed.
OTHER_FEDERATIONS = {
    "members:cdcs_officers": ("get", {"code": "PB01"}),
    "members:term_new": ("get", {"code": "PB01"}),
    "members:term_new#post": ("post", {"code": "PB01"}),
    "members:term_edit": ("get", OTHER_TERM),
    "members:term_edit#post": ("post", OTHER_TERM),
    "members:term_edit#own-code": ("get", {**OTHER_TERM, "code": "DT01"}),
    "members:officer_new": ("get", {"code": "PB01"}),
    "members:officer_new#post": ("post", {"code": "PB01"}),
    "members:officer_leave": ("get", OTHER_CHAIR),
    "members:officer_leave#post": ("post", OTHER_CHAIR),
    "members:officer_leave#own-code": ("post", {**OTHER_CHAIR, "code": "DT01"}),
    "members:officer_edit": ("get", OTHER_CHAIR),
    "members:officer_edit#post": ("post", OTHER_CHAIR),
    "members:officer_list_template": ("get", {"code": "PB"}),
    "members:officer_list_export": ("post", {"code": "PB"}),
    "members:officer_list_upload": ("get", {"code": "PB"}),
    "members:officer_list_upload#post": ("post", {"code": "PB"}),
    "members:officer_list_preview": ("get", OTHER_LIST),
    "members:officer_list_preview#own-code": ("get", {**OTHER_LIST, "code": "DT"}),
    "members:officer_list_confirm": ("post", OTHER_LIST),
    "members:officer_list_discard": ("post", OTHER_LIST),
}  # fmt: skip

# Every page that changes something, posted to by leadership with data that would otherwise
# be accepted: refused, and nothing written. url name → (URL arguments, data)
COMMITTEE = {"term-kind": "congress", "term-congress_on": "01/04/2026", "term-committee_size": "3",
             "term-inspection_size": "0", "bch-TOTAL_FORMS": "15", "bch-INITIAL_FORMS": "0",
             "bch-0-full_name": "Lê Văn Cường", "bch-0-post": "chair"}  # fmt: skip
WRITES = {
    "members:term_new": (OWN_CDCS, COMMITTEE),
    "members:term_edit": (OWN_TERM, {"term-congress_on": "15/03/2021", "term-ends_on": "15/03/2026",
                                     "term-decision_number": "99/QĐ", "term-committee_size": "5",
                                     "term-inspection_size": "0"}),
    "members:officer_new": (OWN_CDCS, {"full_name": "Lê Văn Cường", "post": "member", "how": "co_opted",
                                       "from_on": "01/04/2021"}),
    "members:officer_leave": (OWN_CHAIR, {"on": "01/04/2021", "reason": "retired"}),
    "members:officer_edit": (OWN_CHAIR, {"full_name": "Nguyễn Thị Lan Anh", "post": "chair", "how": "elected",
                                         "from_on": "15/03/2021", "full_time": "on"}),
    "members:officer_list_export": (DT, {}),
    "members:officer_list_confirm": (OWN_LIST, {}),
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
