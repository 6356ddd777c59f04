"""The permission matrix's runner: every URL with every role, who gets in, who is sent to log in,
who is refused. Each app lists its own URLs in its tests/test_permissions*.py (MATRIX: the
status each role gets; OTHER_FEDERATIONS: another federation's objects, 404 to federation staff;
WRITES: the posts that change something, refused to leadership) and runs them through the checks
below; unionportal/tests/test_permissions.py joins the slices and checks the whole portal (every
URL listed, both methods, guessed ids, the CSRF token).

The objects the URLs point at are world.py's, given to each test by the `matrix_world` fixture:
the federation user's own federation DT with its CĐCS DT01, and another federation PB with PB01."""

from django.apps import apps
from django.contrib.messages import get_messages
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from members.models import AuditEntry, GrassrootsUnion, Organisation

ROLES = ["anonymous", "no_role", "federation", "leader", "provincial", "superuser"]
LOGIN = "login"  # a redirect to the login page
OK, REDIRECT, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = 200, 302, 403, 404, 405
REFUSED_OR_SHOWN = {200, 302, 400, 403, 404, 405}  # never a 500
DATA_APPS = {"members", "targets", "organising", "ratings", "training", "reports", "reorganisation"}

# URL arguments naming DT's month, DT's CĐCS, and PB's month, used by several apps' slices.
OWN = {"code": "DT", "month": "2021-03"}
OWN_CDCS = {"code": "DT01"}
OTHER = {"code": "PB", "month": "2021-03"}


def everyone(status):
    return dict.fromkeys(ROLES, status)


def signed_in(status, *, anonymous=LOGIN, no_role=None):
    return {**everyone(status), "anonymous": anonymous, "no_role": status if no_role is None else no_role}


def people(status):
    """Member records (personal data): provincial and federation staff; leadership reads no names."""
    return {**signed_in(status, no_role=FORBIDDEN), "leader": FORBIDDEN}


def provincial_only(status):
    """Provincial staff and administrators only; no_role users cannot even see the federation."""
    return {**signed_in(FORBIDDEN, no_role=NOT_FOUND), "provincial": status, "superuser": status}


def url_kwargs(kwargs: dict, world: dict) -> dict:
    """A slice's URL arguments, the world's objects filled in (`lambda world: …` gives an id)."""
    return {key: value(world) if callable(value) else value for key, value in kwargs.items()}


def with_ids(data: dict) -> dict:
    """Fill the {dt}, {pb}, {dt01} placeholders of WRITES with the world's ids."""
    ids = {
        "dt": Organisation.objects.get(code="DT").pk,
        "pb": Organisation.objects.get(code="PB").pk,
        "dt01": GrassrootsUnion.objects.get(code="DT01").pk,
    }
    return {key.format(**ids): value.format(**ids) for key, value in data.items()}


def table_rows() -> dict:
    """Every row of the portal's own tables, to tell that nothing at all was written."""
    models = (model for model in apps.get_models() if model._meta.app_label in DATA_APPS)
    return {model._meta.label: list(model.objects.order_by("pk").values_list()) for model in models}


def url_names(patterns=None, namespace=""):
    """Every named URL of the portal outside the admin, as "namespace:name"."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name


def url_arguments(patterns=None, namespace="", converters=None):
    """Every named URL outside the admin with the names of its arguments."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        found = {**(converters or {}), **getattr(pattern.pattern, "converters", {})}
        if isinstance(pattern, URLResolver):
            if pattern.namespace != "admin":
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from url_arguments(pattern.url_patterns, inner, found)
        elif pattern.name:
            yield namespace + pattern.name, set(found)


def check_role(client, world: dict, name: str, row: tuple, role: str):
    """A MATRIX row (method, status per role, URL arguments) asked by `role`: its status, or a
    redirect to the login page where the row says LOGIN."""
    method, expected, kwargs = row
    if role != "anonymous":
        client.force_login(world["users"][role])
    response = getattr(client, method)(reverse(name, kwargs=url_kwargs(kwargs, world)))
    want = expected[role]
    if want == LOGIN:
        assert response.status_code == 302 and response.url.startswith(reverse("login")), response
    else:
        assert response.status_code == want


def check_other_federation(client, world: dict, name: str, entry: tuple):
    """An OTHER_FEDERATIONS line (method, URL arguments) asked by DT's staff: 404, nothing audited."""
    method, kwargs = entry
    client.force_login(world["users"]["federation"])
    audited = AuditEntry.objects.count()
    response = getattr(client, method)(reverse(name.split("#")[0], kwargs=url_kwargs(kwargs, world)))
    assert response.status_code == 404
    assert AuditEntry.objects.count() == audited


def check_leadership_refused(client, world: dict, name: str, write: tuple):
    """A WRITES line (URL arguments, data) posted by leadership: 403, nothing audited."""
    kwargs, data = write
    data = with_ids(data)
    client.force_login(world["users"]["leader"])
    audited = AuditEntry.objects.count()
    response = client.post(reverse(name, kwargs=url_kwargs(kwargs, world)), data)
    assert response.status_code == 403
    assert AuditEntry.objects.count() == audited


def check_provincial_writes(client, world: dict, name: str, write: tuple):
    """The same WRITES line posted by provincial staff is made (audited), so that the refusal
    above cannot pass on data nobody would accept."""
    kwargs, data = write
    data = with_ids(data)
    client.force_login(world["users"]["provincial"])
    audited = AuditEntry.objects.count()
    response = client.post(reverse(name, kwargs=url_kwargs(kwargs, world)), data)
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert AuditEntry.objects.count() > audited, f"{name}: {response.status_code}, nothing audited; said {said}"
