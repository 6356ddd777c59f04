"""Every URL with every role: who gets in, who is sent to log in, who is refused.

A URL added without a line here fails test_every_url_is_in_the_matrix, so that nobody ships a
page whose access nobody thought about."""

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

ROLES = ["anonymous", "no_role", "federation", "leader", "provincial", "superuser"]
LOGIN = "login"  # a redirect to the login page
OK, REDIRECT, FORBIDDEN, NOT_ALLOWED = 200, 302, 403, 405


def _everyone(status):
    return dict.fromkeys(ROLES, status)


def _signed_in(status, *, anonymous=LOGIN, no_role=None):
    return {**_everyone(status), "anonymous": anonymous, "no_role": status if no_role is None else no_role}


# url name → (method, expected status per role)
MATRIX = {
    "home": ("get", _signed_in(REDIRECT)),
    "login": ("get", {**_everyone(REDIRECT), "anonymous": OK}),
    "logout": ("get", _everyone(NOT_ALLOWED)),
    "set_language": ("get", _everyone(REDIRECT)),  # only a POST changes the language
    "reports:progress": ("get", _signed_in(OK, no_role=FORBIDDEN)),
}


def _names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name


def test_every_url_is_in_the_matrix():
    assert set(_names(get_resolver().url_patterns)) == set(MATRIX)


@pytest.fixture
def users(federation_user, leader, provincial_staff, superuser, no_role_user):
    return {
        "no_role": no_role_user,
        "federation": federation_user,
        "leader": leader,
        "provincial": provincial_staff,
        "superuser": superuser,
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_url_answers_each_role_as_it_should(client, users, role, name):
    method, expected = MATRIX[name]
    if role != "anonymous":
        client.force_login(users[role])
    response = getattr(client, method)(reverse(name))
    want = expected[role]
    if want == LOGIN:
        assert response.status_code == 302 and response.url.startswith(reverse("login")), response
    else:
        assert response.status_code == want


# Rows of these are born from services (the workflow, affiliations, the audit trail): no add form.
ADD_CLOSED = {"members.monthlyreturn", "members.affiliation", "members.auditentry"}


def _admin_urls():
    for model in admin.site._registry:
        info = model._meta.app_label, model._meta.model_name
        yield reverse("admin:{}_{}_changelist".format(*info)), OK
        yield reverse("admin:{}_{}_add".format(*info)), FORBIDDEN if model._meta.label_lower in ADD_CLOSED else OK


@pytest.mark.parametrize("role", ["anonymous", "no_role", "federation", "leader", "provincial"])
def test_only_administrators_reach_the_admin(client, users, role):
    if role != "anonymous":
        client.force_login(users[role])
    for url in [reverse("admin:index"), *(url for url, _status in _admin_urls())]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("admin:login")), url


def test_administrators_can_open_every_admin_list_and_add_form(client, users, federation):
    client.force_login(users["superuser"])
    assert client.get(reverse("admin:index")).status_code == 200
    for url, status in _admin_urls():
        assert client.get(url).status_code == status, url
