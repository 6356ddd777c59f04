"""Every URL with every role, for the whole portal: each app lists its own URLs in its
tests/test_permissions*.py (a slice of the matrix, run by unionportal/testing/matrix.py); here
they are joined, and a URL added without a line in some slice fails
test_every_url_is_in_the_matrix, so that nobody ships a page whose access nobody thought about.
Then every URL by GET and by POST (each slice gives one method; these try the other one too), and
what nobody may do whatever the method."""

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from desk.tests import test_permissions as desk_slice
from jobs.tests import test_permissions as jobs_slice
from members.models import AuditEntry
from members.tests import (
    test_permissions_figures,
    test_permissions_officers,
    test_permissions_register,
    test_permissions_tree,
)
from notices.tests import test_permissions as notices_slice
from organising.tests import test_permissions as organising_slice
from ratings.tests import test_permissions as ratings_slice
from reorganisation.tests import test_permissions as reorganisation_slice
from reports.tests import test_permissions as reports_slice
from targets.tests import test_permissions as targets_slice
from training.tests import test_permissions as training_slice
from unionportal.testing.matrix import (
    FORBIDDEN,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    REDIRECT,
    REFUSED_OR_SHOWN,
    ROLES,
    check_role,
    everyone,
    signed_in,
    table_rows,
    url_arguments,
    url_kwargs,
    url_names,
    with_ids,
)

# The portal's own pages, outside every app.
PROJECT = {
    "home": ("get", signed_in(REDIRECT, no_role=FORBIDDEN), {}),  # each role's own page; no role: whom to ask
    "login": ("get", {**everyone(REDIRECT), "anonymous": OK}, {}),
    "logout": ("get", everyone(NOT_ALLOWED), {}),
    "set_language": ("get", everyone(REDIRECT), {}),  # only a POST changes the language
    "health": ("get", everyone(OK), {}),  # the load balancer's check, no login
    # the administrators' backups (issue 22): every other role is told there is no such page
    "backups": ("get", {**signed_in(NOT_FOUND), "superuser": OK}, {}),
    "backup_file": ("get", signed_in(NOT_FOUND), {"pk": lambda world: world["jobs"]["DT"].pk}),  # not a backup
}
SLICES = (
    ratings_slice, reports_slice, test_permissions_figures, test_permissions_tree, targets_slice,
    test_permissions_register, organising_slice, training_slice, notices_slice, desk_slice, test_permissions_officers,
    reorganisation_slice, jobs_slice,
)  # fmt: skip

# The module builds its world once: its tests stay on one of make test's workers.
pytestmark = pytest.mark.xdist_group(__name__)
MATRIX = {**PROJECT, **{name: row for part in SLICES for name, row in part.MATRIX.items()}}
OTHER_FEDERATIONS = {name: entry for part in SLICES for name, entry in getattr(part, "OTHER_FEDERATIONS", {}).items()}
WRITES = {name: write for part in SLICES for name, write in getattr(part, "WRITES", {}).items()}

# Answered to anonymous visitors: the login page itself, signing out (which only sends there),
# the language switch (a cookie, no data) and the load balancer's health check (no data).
OPEN_TO_ANONYMOUS = {"login", "logout", "set_language", "health"}
# URL arguments that name a federation's object. A URL with one must have OTHER_FEDERATIONS
# lines, unless the object is the province's own (quotas of a programme, a year's rubric).
FEDERATION_OBJECT_ARGS = {"code", "pk", "cdcs"}
PROVINCE_WIDE = {"targets:quotas": "a programme's quotas: the province's, read by everyone with a role"}
PROVINCE_WIDE |= dict.fromkeys(
    ["reorganisation:plan_detail", "reorganisation:plan_apply", "reorganisation:plan_undo",
     "reorganisation:plan_delete", "reorganisation:upload_preview", "reorganisation:upload_confirm",
     "reorganisation:upload_discard"],
    "a reorganisation plan and its uploads: the province's, which federation staff never open (403)",
)  # fmt: skip
PROVINCE_WIDE["backup_file"] = "the portal's backups: administrators only, 404 to everyone else"
GUESSED = {"pk": 987_654, "code": "ZZ99", "cdcs": "ZZ99"}  # nobody's


def test_every_url_is_in_the_matrix():
    assert set(url_names()) == set(MATRIX)
    # and joining the slices lost no line: no URL is in two of them
    assert len(PROJECT) + sum(len(part.MATRIX) for part in SLICES) == len(MATRIX)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(PROJECT))
def test_url_answers_each_role_as_it_should(client, matrix_world, role, name):
    check_role(client, matrix_world, name, PROJECT[name], role)


def _both_methods():
    for name in sorted(MATRIX):
        for method in ("get", "post"):
            yield name, method


def _request(client, name, method, world, data=None):
    kwargs = url_kwargs(MATRIX[name][2], world)
    return getattr(client, method)(reverse(name, kwargs=kwargs), data or {})


def test_anonymous_visitors_are_sent_to_the_login_page_everywhere(client, matrix_world):
    before, audited, wrong = table_rows(), AuditEntry.objects.count(), []
    for name, method in _both_methods():
        response = _request(client, name, method, matrix_world)
        to_login = response.status_code == 302 and response.url.startswith(reverse("login"))
        if not (to_login or response.status_code in (401, 405) or name in OPEN_TO_ANONYMOUS):
            wrong.append((name, method, response.status_code))
    assert wrong == []
    assert AuditEntry.objects.count() == audited and table_rows() == before


@pytest.mark.parametrize("role", ["no_role", "federation", "leader", "provincial", "superuser"])
def test_the_method_matrix_does_not_list_is_refused_or_harmless(client, matrix_world, role):
    """POST to a page, GET to an action: refused (403/404/405), sent elsewhere (302), or shown
    with its errors (200/400), never a 500. Users without a role never get a page (200)."""
    answers = []
    for name in sorted(MATRIX):
        method = "post" if MATRIX[name][0] == "get" else "get"
        client.force_login(matrix_world["users"][role])
        answers.append((name, _request(client, name, method, matrix_world).status_code))
    assert [answer for answer in answers if answer[1] not in REFUSED_OR_SHOWN] == []
    if role == "no_role":
        assert [name for name, status in answers if status == 200] == []


def test_leadership_posts_to_every_url_write_nothing(client, matrix_world):
    """Leadership reads: a POST anywhere, with data that would be accepted from staff where there
    is such data, leaves every table as it was and the audit trail untouched."""
    before, audited = table_rows(), AuditEntry.objects.count()
    for name in sorted(MATRIX):
        client.force_login(matrix_world["users"]["leader"])  # the logout URL signs out: sign in again each time
        data = with_ids(WRITES[name][1]) if name in WRITES else {}
        response = _request(client, name, "post", matrix_world, data)
        assert response.status_code in REFUSED_OR_SHOWN, name
        assert AuditEntry.objects.count() == audited, name
    assert table_rows() == before


def test_every_url_of_a_federations_object_is_tried_on_another_federation():
    tried = {name.split("#")[0] for name in OTHER_FEDERATIONS}
    untried = [
        name for name, args in url_arguments()
        if args & FEDERATION_OBJECT_ARGS and name not in tried and name not in PROVINCE_WIDE
    ]  # fmt: skip
    assert untried == [], "add OTHER_FEDERATIONS lines (or, for the province's own objects, PROVINCE_WIDE)"


def test_another_federations_objects_are_not_found_by_either_method(client, matrix_world):
    """OTHER_FEDERATIONS with the method it does not list: 404, or 405 where the URL takes only
    the other method; nothing read, nothing written."""
    listed = {(name.split("#")[0], method, str(kwargs)) for name, (method, kwargs) in OTHER_FEDERATIONS.items()}
    before, answers = table_rows(), []
    client.force_login(matrix_world["users"]["federation"])
    for name, (method, kwargs) in sorted(OTHER_FEDERATIONS.items()):
        other = "post" if method == "get" else "get"
        if (name.split("#")[0], other, str(kwargs)) in listed:
            continue
        response = getattr(client, other)(reverse(name.split("#")[0], kwargs=url_kwargs(kwargs, matrix_world)))
        answers.append((name, other, response.status_code))
    assert [answer for answer in answers if answer[2] not in (404, 405)] == []
    assert table_rows() == before


def test_guessed_ids_are_not_found(client, matrix_world):
    """A record number or code nobody has: 404 for provincial staff (who may see every
    federation's), by GET and POST; never a 500 or someone else's record."""
    guessable = sorted((name, args & set(GUESSED)) for name, args in url_arguments() if args & set(GUESSED))
    answers = []
    client.force_login(matrix_world["users"]["provincial"])
    for name, args in guessable:
        kwargs = {**url_kwargs(MATRIX[name][2], matrix_world), **{arg: GUESSED[arg] for arg in args}}
        for method in ("get", "post"):
            answers.append((name, method, getattr(client, method)(reverse(name, kwargs=kwargs)).status_code))
    assert len(guessable) > 40
    assert [answer for answer in answers if answer[2] not in (404, 405)] == []


def test_posts_without_the_csrf_token_are_refused(matrix_world):
    """Every write of WRITES, by provincial staff who may make it, but without the form's token:
    403 and nothing written."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(matrix_world["users"]["provincial"])
    before, audited, answers = table_rows(), AuditEntry.objects.count(), []
    for name, (kwargs, data) in sorted(WRITES.items()):
        response = client.post(reverse(name, kwargs=url_kwargs(kwargs, matrix_world)), with_ids(data))
        answers.append((name, response.status_code))
    assert [answer for answer in answers if answer[1] != 403] == []
    assert AuditEntry.objects.count() == audited and table_rows() == before


# Rows of these are born from services (the workflow, affiliations, the audit trail): no add form.
ADD_CLOSED = {"members.monthlyreturn", "members.affiliation", "members.auditentry"}
# Notices come from actions and reminders from send_reminders: the admin only reads them.
ADD_CLOSED |= {"notices.notice", "notices.reminder"}
# django-axes keeps its login attempts itself: they are read and deleted, never added.
ADD_CLOSED |= {"axes.accessattempt", "axes.accesslog", "axes.accessfailurelog"}


def _admin_urls():
    for model in admin.site._registry:
        info = model._meta.app_label, model._meta.model_name
        yield reverse("admin:{}_{}_changelist".format(*info)), OK
        yield reverse("admin:{}_{}_add".format(*info)), FORBIDDEN if model._meta.label_lower in ADD_CLOSED else OK


@pytest.mark.parametrize("role", ["anonymous", "no_role", "federation", "leader", "provincial"])
def test_only_administrators_reach_the_admin(client, matrix_world, role):
    if role != "anonymous":
        client.force_login(matrix_world["users"][role])
    for url in [reverse("admin:index"), *(url for url, _status in _admin_urls())]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("admin:login")), url


def test_administrators_can_open_every_admin_list_and_add_form(client, matrix_world):
    client.force_login(matrix_world["users"]["superuser"])
    assert client.get(reverse("admin:index")).status_code == 200
    for url, status in _admin_urls():
        assert client.get(url).status_code == status, url
