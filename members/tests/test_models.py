"""Invariants the database itself holds, whoever writes: the constraints, not the services."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from members.models import GrassrootsUnion, MonthlyFigure, Organisation, Role, Sector, UserProfile


def _figure(cdcs, federation, **values):
    row = {"members_start": 10, "admitted": 0, "transferred_in": 0, "members_end": 10, **values}
    return MonthlyFigure(cdcs=cdcs, federation=federation, month=date(2021, 3, 1), **row)


def _refused(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_figures_cannot_be_negative(federation, make_cdcs):
    cdcs = make_cdcs(federation)
    _refused(lambda: _figure(cdcs, federation, admitted=-1, members_end=9).save())


def test_one_row_per_cdcs_and_month(federation, make_cdcs):
    cdcs = make_cdcs(federation)
    _figure(cdcs, federation).save()
    _refused(lambda: _figure(cdcs, federation).save())


def test_stock_identity_is_held_by_the_database(federation, make_cdcs):
    cdcs = make_cdcs(federation)
    _refused(lambda: _figure(cdcs, federation, admitted=5, lost_job=2, members_end=14).save())
    _figure(cdcs, federation, admitted=5, lost_job=2, members_end=13).save()
    assert MonthlyFigure.objects.get().members_end == 13


def test_month_is_stored_as_its_first_day(federation, make_cdcs):
    cdcs = make_cdcs(federation)
    row = _figure(cdcs, federation)
    row.month = date(2021, 3, 15)
    _refused(row.save)


def _dissolved_union(**dissolution):
    return GrassrootsUnion.objects.create(
        code="X1", name="CĐCS X", employer="X", sector=Sector.PRIVATE, founded_on=date(2020, 5, 1), **dissolution
    )


def test_dissolution_not_before_founding(db):
    _refused(lambda: _dissolved_union(dissolved_on=date(2020, 4, 30), dissolution_reason="Phá sản"))


def test_dissolution_needs_a_reason(db):
    _refused(lambda: _dissolved_union(dissolved_on=date(2021, 1, 1)))
    assert _dissolved_union(dissolved_on=date(2021, 1, 1), dissolution_reason="Phá sản").dissolved_on


def test_only_one_province_and_it_is_the_root(province):
    _refused(lambda: Organisation.objects.create(code="BK", name="LĐLĐ tỉnh khác", kind=Organisation.Kind.PROVINCE))
    _refused(lambda: Organisation.objects.create(code="DT", name="LĐLĐ huyện Đại Từ", kind=Organisation.Kind.DISTRICT))


def test_federation_staff_profile_needs_exactly_one_federation(federation, django_user_model):
    user = django_user_model.objects.create_user("x")
    _refused(lambda: UserProfile.objects.create(user=user, role=Role.FEDERATION_STAFF))
    _refused(lambda: UserProfile.objects.create(user=user, role=Role.LEADERSHIP, federation=federation))
    UserProfile.objects.create(user=user, role=Role.FEDERATION_STAFF, federation=federation)
