"""The permission matrix's slice of the member register: members, transfers and member lists, names
and ID numbers for staff only (unionportal/testing/matrix.py)."""

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

# A member in DT01 and one in PB01, whom PB01 asks DT01 to take (a pending transfer), and a
# transfer between two of PB's CĐCS; a previewed member list for DT01 and one for PB01.
OWN_MEMBER = {"pk": lambda world: world["members"]["DT"].pk}
OTHER_MEMBER = {"pk": lambda world: world["members"]["PB"].pk}
TRANSFER_TO_OWN = {"pk": lambda world: world["transfer"].pk}
OTHER_TRANSFER = {"pk": lambda world: world["other_transfer"].pk}  # PB01 → PB02
OWN_LIST = {"code": "DT01", "pk": lambda world: world["member_lists"]["DT01"].pk}
OTHER_LIST = {"code": "PB01", "pk": lambda world: world["member_lists"]["PB01"].pk}
OWN_JOB = {"pk": lambda world: world["jobs"]["DT"].pk}  # a month sheet's import, of DT's staff
OTHER_JOB = {"pk": lambda world: world["jobs"]["PB"].pk}


# url name → (method, expected status per role, URL arguments)
MATRIX = {
    # the member register: names and ID numbers, for staff only
    "members:people": ("get", people(OK), {}),
    "members:person_new": ("get", people(OK), {}),
    "members:person": ("get", people(OK), OWN_MEMBER),
    "members:person_id": ("post", people(OK), OWN_MEMBER),  # the whole ID number, audited
    "members:person_edit": ("get", people(OK), OWN_MEMBER),
    "members:person_leave": ("get", people(OK), OWN_MEMBER),
    "members:person_transfer": ("get", people(OK), OWN_MEMBER),
    "members:transfers": ("get", people(OK), {}),
    "members:transfer_accept": ("post", people(REDIRECT), TRANSFER_TO_OWN),  # no date: refused with a message
    "members:transfer_reject": ("post", people(REDIRECT), TRANSFER_TO_OWN),  # no reason: refused with a message
    "members:transfer_cancel": ("post", {**people(REDIRECT), "federation": FORBIDDEN}, TRANSFER_TO_OWN),
    # member lists in Excel: names and full ID numbers, for staff of the CĐCS only
    "members:member_list_template": ("get", people(OK), OWN_CDCS),
    "members:member_list_export": ("post", people(OK), OWN_CDCS),  # audited, so a POST
    "members:member_list_upload": ("get", people(OK), OWN_CDCS),
    "members:member_list_preview": ("get", people(OK), OWN_LIST),
    "members:member_list_confirm": ("post", people(REDIRECT), OWN_LIST),
    "members:member_list_discard": ("post", people(REDIRECT), OWN_LIST),
    # the whole register in one file (a job): provincial staff only, the file to its owner only
    "members:register_export": ("post", {**people(REDIRECT), "federation": FORBIDDEN}, {}),
    # (a month sheet's job, not an export: nobody's file)
    "members:register_export_file": ("get", {**signed_in(NOT_FOUND), "federation": FORBIDDEN}, OWN_JOB),
}  # fmt: skip

# Pages of another federation, opened by the federation user: 404, so that codes cannot be probed.
OTHER_FEDERATIONS = {
    # another federation's CĐCS's member lists, even an upload under their own CĐCS's code
    "members:member_list_template": ("get", {"code": "PB01"}),
    "members:member_list_export": ("post", {"code": "PB01"}),
    "members:member_list_upload": ("get", {"code": "PB01"}),
    "members:member_list_upload#post": ("post", {"code": "PB01"}),
    "members:member_list_preview": ("get", OTHER_LIST),
    "members:member_list_preview#own-code": ("get", {**OTHER_LIST, "code": "DT01"}),
    "members:member_list_confirm": ("post", OTHER_LIST),
    "members:member_list_discard": ("post", OTHER_LIST),
    "members:register_export_file": ("get", OTHER_JOB),
    # another federation's members, even by their record number
    "members:person": ("get", OTHER_MEMBER),
    "members:person_id": ("post", OTHER_MEMBER),
    "members:person_edit": ("get", OTHER_MEMBER),
    "members:person_edit#post": ("post", OTHER_MEMBER),
    "members:person_leave": ("get", OTHER_MEMBER),
    "members:person_leave#post": ("post", OTHER_MEMBER),
    "members:person_transfer": ("get", OTHER_MEMBER),
    "members:person_transfer#post": ("post", OTHER_MEMBER),
    # a transfer between two of PB's CĐCS, by its number
    "members:transfer_accept": ("post", OTHER_TRANSFER),
    "members:transfer_reject": ("post", OTHER_TRANSFER),
    "members:transfer_cancel": ("post", OTHER_TRANSFER),
}  # fmt: skip

# Every page that changes something, posted to by leadership with data that would otherwise
# be accepted: refused, and nothing written. url name → (URL arguments, data)
WRITES = {
    # the member register
    "members:person_new": ({}, {"cdcs": "DT01", "mode": "new", "full_name": "Lê Văn Cường", "joined_on": "2021-03-08"}),
    "members:person_id": (OWN_MEMBER, {}),
    "members:person_edit": (OWN_MEMBER, {"full_name": "Nguyễn Văn An", "born_on": "1990-05-01", "gender": "male",
                                         "id_number": "001090001234", "joined_on": "2021-03-05", "job": "Thợ may"}),
    "members:person_leave": (OWN_MEMBER, {"on": "2021-03-20", "reason": "job"}),
    "members:person_transfer": (OWN_MEMBER, {"to_cdcs": "PB01", "note": "Chuyển công tác"}),
    "members:transfer_accept": (TRANSFER_TO_OWN, {"on": "2021-03-25"}),
    "members:transfer_reject": (TRANSFER_TO_OWN, {"note": "Không có hồ sơ"}),
    "members:transfer_cancel": (TRANSFER_TO_OWN, {}),
    # member lists
    "members:member_list_confirm": (OWN_LIST, {}),
    "members:register_export": ({}, {}),
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
