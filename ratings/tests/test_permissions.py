"""The permission matrix's slice of the annual CĐCS rating: everyone with a role reads, provincial
staff set rubrics and close years, a federation's staff rate its CĐCS (unionportal/testing/matrix.py)."""

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
    signed_in,
)
from unionportal.testing.world import RATING_CODES

# The module builds its world once: its tests stay on one of make test's workers.
pytestmark = pytest.mark.xdist_group(__name__)

# 2020 closed, 2021 open with DT01 and PB01 self-assessed, 2022 open with their results final; a
# previewed self-assessment sheet for DT and one for PB.
RATING_YEAR = {"year": 2021}
RATING_OWN = {"year": 2021, "code": "DT"}
RATING_OTHER = {"year": 2021, "code": "PB"}
RATING_OWN_UPLOAD = {**RATING_OWN, "pk": lambda world: world["rating_uploads"]["DT"].pk}
RATING_OTHER_UPLOAD = {**RATING_OTHER, "pk": lambda world: world["rating_uploads"]["PB"].pk}


def _rating_rubric(status):
    """Rubric pages: provincial staff only; users without a role are refused too."""
    return {**signed_in(FORBIDDEN), "provincial": status, "superuser": status}


def _empty_formset(prefix):
    """A formset posted with no rows: the rubric saved unchanged (and audited)."""
    return {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}


def _rating_write(status):
    """A federation's self-assessment and reviews: its staff and provincial staff."""
    return {**signed_in(status, no_role=NOT_FOUND), "leader": FORBIDDEN}


# url name → (method, expected status per role, URL arguments)
MATRIX = {
    # the annual CĐCS rating: everyone with a role reads, provincial staff set rubrics and close years
    "ratings:index": ("get", signed_in(OK, no_role=FORBIDDEN), {}),
    "ratings:rubric_new": ("post", _rating_rubric(400), {}),  # no year: refused
    "ratings:rubric": ("get", signed_in(OK, no_role=FORBIDDEN), RATING_YEAR),
    "ratings:rubric_criteria": ("get", _rating_rubric(OK), RATING_YEAR),
    "ratings:rubric_levels": ("get", _rating_rubric(OK), RATING_YEAR),
    "ratings:rubric_close": ("post", _rating_rubric(REDIRECT), RATING_YEAR),
    "ratings:rubric_reopen": ("post", _rating_rubric(REDIRECT), {"year": 2020}),
    "ratings:report": ("get", signed_in(OK, no_role=FORBIDDEN), RATING_YEAR),
    "ratings:grid": ("get", signed_in(OK, no_role=NOT_FOUND), RATING_OWN),
    "ratings:template": ("get", signed_in(OK, no_role=NOT_FOUND), RATING_OWN),
    "ratings:upload": ("get", _rating_write(OK), RATING_OWN),
    "ratings:upload_detail": ("get", signed_in(OK, no_role=NOT_FOUND), RATING_OWN_UPLOAD),
    "ratings:upload_confirm": ("post", _rating_write(REDIRECT), RATING_OWN_UPLOAD),
    "ratings:upload_discard": ("post", _rating_write(REDIRECT), RATING_OWN_UPLOAD),
    "ratings:review": ("get", signed_in(OK, no_role=NOT_FOUND), {"year": 2021, "code": "DT01"}),
    "ratings:review_reopen": ("post", _rating_write(REDIRECT), {"year": 2022, "code": "DT01"}),
}  # fmt: skip

# Pages of another federation, opened by the federation user: 404, so that codes cannot be probed.
OTHER_FEDERATIONS = {
    # another federation's rating pages, uploads and CĐCS results
    "ratings:grid": ("get", RATING_OTHER),
    "ratings:grid#post": ("post", RATING_OTHER),
    "ratings:template": ("get", RATING_OTHER),
    "ratings:upload": ("get", RATING_OTHER),
    "ratings:upload#post": ("post", RATING_OTHER),
    "ratings:upload_detail": ("get", RATING_OTHER_UPLOAD),
    "ratings:upload_detail#own-code": ("get", {**RATING_OTHER_UPLOAD, "code": "DT"}),
    "ratings:upload_confirm": ("post", RATING_OTHER_UPLOAD),
    "ratings:upload_confirm#own-code": ("post", {**RATING_OTHER_UPLOAD, "code": "DT"}),
    "ratings:upload_discard": ("post", RATING_OTHER_UPLOAD),
    "ratings:review": ("get", {"year": 2021, "code": "PB01"}),
    "ratings:review#post": ("post", {"year": 2021, "code": "PB01"}),
    "ratings:review_reopen": ("post", {"year": 2022, "code": "PB01"}),
}  # fmt: skip

# Every page that changes something, posted to by leadership with data that would otherwise
# be accepted: refused, and nothing written. url name → (URL arguments, data)
WRITES = {
    # the annual CĐCS rating
    "ratings:rubric_new": ({}, {"year": "2030"}),
    "ratings:rubric_criteria": (RATING_YEAR, _empty_formset("groups") | _empty_formset("criteria")),
    "ratings:rubric_levels": (RATING_YEAR, _empty_formset("levels")),
    "ratings:rubric_close": (RATING_YEAR, {}),
    "ratings:rubric_reopen": ({"year": 2020}, {"reason": "Sửa sai sót khi nhập"}),
    "ratings:grid": (RATING_OWN, {f"s-{{dt01}}-{code}": "5" for code in RATING_CODES}),
    "ratings:upload_confirm": (RATING_OWN_UPLOAD, {}),
    "ratings:review": ({"year": 2021, "code": "DT01"}, {**{f"c-{code}": "4" for code in RATING_CODES},
                                                         "note": "Hạ điểm", "finalise": ""}),
    "ratings:review_reopen": ({"year": 2022, "code": "DT01"}, {"reason": "Thẩm định lại"}),
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
