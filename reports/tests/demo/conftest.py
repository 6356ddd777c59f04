"""The demo province (seed_demo up to 10/2026), seeded once for this package and committed, so
that the live server reads it too: some 15 to 30 seconds, spent once for the whole suite.

`transactional_db` and `db` here are the demo as it stands, not emptied after each test as
pytest-django's own are: the tests of this package read it (a second seed_demo finds nothing to do,
signing in writes a session). The database is flushed once after the package, as pytest-django
does after each transactional test. Each module of the package is in the xdist group "demo", so
that on `make test`'s workers the package runs on one of them and seeds the demo once."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test.utils import override_settings

from members.models import Organisation

from . import END


@pytest.fixture(scope="package")
def demo(django_db_setup, django_db_blocker):
    """What seed_demo printed; the database is emptied again after the package."""
    with django_db_blocker.unblock():
        out = StringIO()
        with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
            call_command("seed_demo", until=END.iso, stdout=out)
        yield out.getvalue()
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def transactional_db(demo, django_db_blocker):
    """The demo as it stands (live_server asks for this too)."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def db(transactional_db):
    """The same: a test here never gets pytest-django's own, which would empty the demo after it."""


@pytest.fixture
def province(transactional_db):
    return Organisation.objects.get(kind=Organisation.Kind.PROVINCE)
