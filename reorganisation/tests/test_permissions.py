"""The permission matrix's slice of the reorganisation plans: provincial staff build, apply, undo
and delete them; leadership reads them; federation staff and accounts without a role see nothing
of them (unionportal/testing/matrix.py). Plans are the province's own: no federation owns one."""

import pytest

from unionportal.testing.matrix import (
    FORBIDDEN,
    OK,
    REDIRECT,
    ROLES,
    check_leadership_refused,
    check_provincial_writes,
    check_role,
    provincial_only,
    signed_in,
)

# The module builds its world once: its tests stay on one of make test's workers.
pytestmark = pytest.mark.xdist_group(__name__)

PLAN = {"pk": lambda world: world["plan"].pk}
UPLOAD = {"pk": lambda world: world["plan_upload"].pk}
READERS = {**signed_in(OK, no_role=FORBIDDEN), "federation": FORBIDDEN}  # provincial staff and leadership
BUILDERS = {**provincial_only(OK), "no_role": FORBIDDEN}
BUILDERS_POST = {**provincial_only(REDIRECT), "no_role": FORBIDDEN}

# url name → (method, expected status per role, URL arguments)
MATRIX = {
    "reorganisation:plan_list": ("get", READERS, {}),
    "reorganisation:plan_detail": ("get", READERS, PLAN),
    "reorganisation:plan_new": ("get", BUILDERS, {}),
    "reorganisation:plan_template": ("get", BUILDERS, {}),
    "reorganisation:plan_upload": ("get", BUILDERS, {}),
    "reorganisation:upload_preview": ("get", BUILDERS, UPLOAD),
    "reorganisation:upload_confirm": ("post", BUILDERS_POST, UPLOAD),
    "reorganisation:upload_discard": ("post", BUILDERS_POST, UPLOAD),
    "reorganisation:plan_apply": ("post", BUILDERS_POST, PLAN),
    "reorganisation:plan_undo": ("post", BUILDERS_POST, PLAN),  # a draft: nothing to undo, said on its page
    "reorganisation:plan_delete": ("post", BUILDERS_POST, PLAN),
}  # fmt: skip

# Every page that changes something, posted to by leadership with data that would otherwise
# be accepted: refused, and nothing written. url name → (URL arguments, data)
WRITES = {
    "reorganisation:plan_new": ({}, {
        "name": "Đề án Phú Bình", "effective_month": "04/2021", "quota_rule": "members", "endings": "PB",
        "union-TOTAL_FORMS": "0", "union-INITIAL_FORMS": "0", "line-TOTAL_FORMS": "2", "line-INITIAL_FORMS": "2",
        "line-0-cdcs": "PB01", "line-0-action": "to_province", "line-1-cdcs": "PB02", "line-1-action": "to_province",
        "cdcs-TOTAL_FORMS": "0", "cdcs-INITIAL_FORMS": "0", "quota-TOTAL_FORMS": "0", "quota-INITIAL_FORMS": "0",
        "go": "create"}),
    "reorganisation:upload_confirm": (UPLOAD, {}),
    "reorganisation:plan_apply": (PLAN, {}),
    "reorganisation:plan_delete": (PLAN, {}),
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
