"""The small province the tests build, made the way the fixtures of conftest.py make it: the
province TN, its federations, CĐCS founded through the service, and users by role. The fixtures
call these one object at a time; the permission matrix's world (world.py) calls them once per
module, with the same codes and usernames."""

from datetime import date

from django.contrib.auth import get_user_model

from members.figures.services import figures_record
from members.models import GrassrootsUnion, Organisation, Sector, UserProfile
from members.services.org import cdcs_found
from unionportal.lib.months import Month

from .login import PASSWORD


def province_create() -> Organisation:
    return Organisation.objects.create(code="TN", name="LĐLĐ tỉnh Thái Nguyên", kind=Organisation.Kind.PROVINCE)


def federation_create(
    province: Organisation, code: str, name: str | None = None, kind=Organisation.Kind.DISTRICT, **extra
) -> Organisation:
    name = name or f"LĐLĐ huyện {code}"
    return Organisation.objects.create(code=code, name=name, kind=kind, parent=province, **extra)


def cdcs_create(
    federation: Organisation,
    number: int,
    *,
    founded_on=date(2010, 1, 1),
    sector=Sector.PRIVATE,
    workers=100,
    opening=None,
    first_month=Month(2018, 1),
    code=None,
    name=None,
) -> GrassrootsUnion:
    """CĐCS number `number` (T0001 unless `code`), founded through the service; with `opening`, it
    also gets its first month of figures."""
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


def user_create(username: str, role: str | None, federation=None, **extra):
    """A user who signs in with PASSWORD; with `role`, a profile giving it (and its federation)."""
    user = get_user_model().objects.create_user(username, password=PASSWORD, first_name=username.title(), **extra)
    if role:
        UserProfile.objects.create(user=user, role=role, federation=federation)
    return user
