"""Fixtures shared by every app's tests: a small province, its users by role, and factories."""

import os
import tempfile
from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from members.models import GrassrootsUnion, Organisation, Role, Sector, UserProfile
from members.services import cdcs_found, figures_record
from unionportal.lib.months import Month
from unionportal.testing.login import PASSWORD

# Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls there
# unless told that this is fine (it is: the test thread is not serving async requests).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


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


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def province(db):
    return Organisation.objects.create(code="TN", name="LĐLĐ tỉnh Thái Nguyên", kind=Organisation.Kind.PROVINCE)


@pytest.fixture
def make_federation(province):
    def make(code: str, name: str | None = None, kind=Organisation.Kind.DISTRICT, **extra) -> Organisation:
        return Organisation.objects.create(
            code=code, name=name or f"LĐLĐ huyện {code}", kind=kind, parent=province, **extra
        )

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

    def make(
        federation,
        *,
        founded_on=date(2010, 1, 1),
        sector=Sector.PRIVATE,
        workers=100,
        opening=None,
        first_month=Month(2018, 1),
        code=None,
        name=None,
    ) -> GrassrootsUnion:
        number = next(counter)
        cdcs = cdcs_found(
            code=code or f"T{number:04d}",
            name=name or f"CĐCS Công ty {number}",
            employer=f"Công ty {number}",
            sector=sector,
            workers=workers,
            founded_on=founded_on,
            federation=federation,
            user=None,
        )
        if opening is not None:
            figures_record(cdcs=cdcs, month=first_month, members_start=opening, user=None)
        return cdcs

    return make


def _user(username: str, role: str | None, federation=None, **extra):
    user = get_user_model().objects.create_user(username, password=PASSWORD, first_name=username.title(), **extra)
    if role:
        UserProfile.objects.create(user=user, role=role, federation=federation)
    return user


@pytest.fixture
def provincial_staff(db):
    return _user("bantochuc", Role.PROVINCIAL_STAFF)


@pytest.fixture
def federation_user(federation):
    return _user("canbo.dt", Role.FEDERATION_STAFF, federation)


@pytest.fixture
def other_federation_user(other_federation):
    return _user("canbo.pb", Role.FEDERATION_STAFF, other_federation)


@pytest.fixture
def leader(db):
    return _user("lanhdao", Role.LEADERSHIP)


@pytest.fixture
def no_role_user(db):
    return _user("moi", None)


@pytest.fixture
def superuser(db):
    return _user("quantri", None, is_staff=True, is_superuser=True)


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
