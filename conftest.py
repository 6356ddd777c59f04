"""Fixtures shared by every app's tests: a small province, its users by role, and factories."""

import copy
import os
import tempfile
from pathlib import Path

import pytest
from django.db import transaction
from django.test.utils import override_settings

from members.models import GrassrootsUnion, Organisation, Role
from unionportal.replica import REPLICA, replica_verdict_forget
from unionportal.testing.province import cdcs_create, federation_create, province_create, user_create
from unionportal.testing.world import build_world

# Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls there
# unless told that this is fine (it is: the test thread is not serving async requests).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session", autouse=True)
def _replica_url_kept_from_child_processes():
    """The settings have read DATABASE_REPLICA_URL. The processes the tests start (another app
    server, manage.py backup) get a DATABASE_URL of their own, of which CI's replica is no replica.
    Taken out of the environment in each test process's session, not when this file is read:
    pytest-xdist's workers inherit the environment of the process that reads it first."""
    url = os.environ.pop("DATABASE_REPLICA_URL", None)
    yield
    if url is not None:
        os.environ["DATABASE_REPLICA_URL"] = url


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """On SQLite, test on a file with the production options, not in memory: an in-memory
    database shared between threads answers a second writer "table is locked" at once, where
    the real one (WAL, IMMEDIATE) makes it wait its turn."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        name = Path(tempfile.gettempdir()) / f"unionportal-test-{os.getpid()}.sqlite3"
        database.setdefault("TEST", {})["NAME"] = str(name)
    replica_alias_mirroring_default()


def replica_alias_mirroring_default():
    """Without DATABASE_REPLICA_URL, the tests marked `replica` read through an alias `replica` that
    Django points at the test database (a test mirror: another connection to the same database,
    the same file on SQLite), so that the router's way runs on SQLite and PostgreSQL alike. With
    it, the alias is the real standby's (settings.py), also a mirror: the test database there."""
    from django.conf import settings
    from django.db import connections

    if REPLICA not in settings.DATABASES:
        mirror = copy.deepcopy(settings.DATABASES["default"])
        mirror["TEST"] = {"MIRROR": "default"}
        settings.DATABASES[REPLICA] = mirror
        connections.configure_settings(settings.DATABASES)  # Django's defaults for the new alias


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(scope="session")
def _exports_folder(tmp_path_factory):
    return tmp_path_factory.mktemp("exports")


@pytest.fixture(autouse=True)
def _exports_aside(settings, _exports_folder):
    """Files exported by jobs (the whole register) go to this test process's own folder, never to
    the machine's shared default, where another checkout's tests number their jobs the same."""
    settings.EXPORT_DIR = _exports_folder


@pytest.fixture(autouse=True)
def _replica_reads_when_marked(request, settings):
    """Reads go to the replica only in the tests marked `replica`. The others keep their rows in a
    transaction of the default connection that is rolled back at their end, which no other
    connection sees: the replica (or its mirror) would show them an empty portal. The `replica`
    tests commit what they write (transaction=True) and read it through the alias."""
    settings.REPLICA_READS = request.node.get_closest_marker("replica") is not None
    replica_verdict_forget()


@pytest.fixture
def province(db):
    return province_create()


@pytest.fixture
def make_federation(province):
    def make(code: str, name: str | None = None, kind=Organisation.Kind.DISTRICT, **extra) -> Organisation:
        return federation_create(province, code, name, kind, **extra)

    return make


@pytest.fixture
def federation(make_federation):
    return make_federation("DT", "LĐLĐ huyện Đại Từ")


@pytest.fixture
def other_federation(make_federation):
    return make_federation("PB", "LĐLĐ huyện Phú Bình")


@pytest.fixture
def make_cdcs():
    """A CĐCS founded through the service; with `opening`, it also gets its first month of figures."""
    counter = iter(range(1, 10_000))

    def make(federation, **options) -> GrassrootsUnion:
        return cdcs_create(federation, next(counter), **options)

    return make


@pytest.fixture
def provincial_staff(db):
    return user_create("bantochuc", Role.PROVINCIAL_STAFF)


@pytest.fixture
def federation_user(federation):
    return user_create("canbo.dt", Role.FEDERATION_STAFF, federation)


@pytest.fixture
def other_federation_user(other_federation):
    return user_create("canbo.pb", Role.FEDERATION_STAFF, other_federation)


@pytest.fixture
def leader(db):
    return user_create("lanhdao", Role.LEADERSHIP)


@pytest.fixture
def no_role_user(db):
    return user_create("moi", None)


@pytest.fixture
def superuser(db):
    return user_create("quantri", None, is_staff=True, is_superuser=True)


@pytest.fixture(scope="module")
def matrix_world_once(django_db_setup, django_db_blocker):
    """The permission matrix's world (unionportal/testing/world.py), built once per test module
    in a transaction that is rolled back at the module's end: its ~700 queries once, not before
    each of the matrix's cases. Only modules whose every database test uses `matrix_world` may
    ask for it: the world's rows are there for the whole module."""
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
            world = build_world()
        yield world
        transaction.set_rollback(True)


@pytest.fixture
def matrix_world(matrix_world_once, db):
    """The module's world for one case, which runs in a savepoint of its own (pytest-django's
    `db`) rolled back after it, so that no case sees what another wrote."""
    return matrix_world_once


@pytest.fixture
def client_for(client):
    def login(user):
        client.force_login(user)
        return client

    return login


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright launches Debian's Chromium: `playwright install` cannot download one here."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing: apt-get install -y chromium")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def background_jobs():
    """Jobs queued to Celery on Redis, on a queue of this test's own (unionportal/testing/worker.py);
    the test starts a worker (thread_worker, process_worker) and needs `transactional_db`."""
    from unionportal.testing.worker import background_jobs_on

    with background_jobs_on() as queue:
        yield queue
