"""The small province of the dashboard and brief tests, built through the services (their range
is 01–06/2021, so half the year has passed):

| CĐCS | federation | sector | 2021 |
|---|---|---|---|
| d1 | DT | private | 950 from 06/2020, +50 in 09/2020; +100 −10 job (01), +200 +3 in −5 retired (03), +50 (06) |
| d2 | DT | public  | founded 10/02/2021, +20 (02) |
| d3 | DT | private | founded 05/04/2021, +10 (04) |
| p1 | PB | public  | 500 from 12/2020; +40 −2 died (02), +20 −8 transferred out (05) |
| p2 | PB | soe     | founded 15/01/2021, +30 (01), dissolved 20/05/2021 (−30) |
| k1 | KCN | fdi    | 300 from 12/2020; +70 (06) |
| –  | VY | –       | nothing |

Quotas of 2021: TN 1.200 members / 12 CĐCS, DT 600 / 6, PB 400 / 4, KCN and VY none; 2018–2020
the province has 1.000 / 10 a year."""

from datetime import date

import pytest
from django.db import transaction
from django.test.utils import override_settings

from members.figures.services import figures_record
from members.models import LossReason, Organisation, Sector
from members.services.org import cdcs_dissolve
from targets.models import Programme, Quota
from unionportal.lib.months import Month
from unionportal.testing.reorganised import reorganised_province

JANUARY, JUNE = Month(2021, 1), Month(2021, 6)


@pytest.fixture
def kcn(make_federation):
    return make_federation("KCN", "Công đoàn các KCN", kind=Organisation.Kind.INDUSTRIAL_ZONE)


@pytest.fixture
def vy(make_federation):
    return make_federation("VY", "LĐLĐ huyện Võ Nhai")


@pytest.fixture
def programme(province, federation, other_federation):
    programme = Programme.objects.create(
        name="Phát triển đoàn viên 2018–2023",
        document_number="04/CTr-LĐLĐ",
        document_date=date(2018, 7, 11),
        first_year=2018,
        last_year=2023,
    )
    for year in (2018, 2019, 2020):
        Quota.objects.create(programme=programme, organisation=province, year=year, new_members=1000, new_unions=10)
    for org, members, unions in ((province, 1200, 12), (federation, 600, 6), (other_federation, 400, 4)):
        Quota.objects.create(programme=programme, organisation=org, year=2021, new_members=members, new_unions=unions)
    return programme


def _founded(make_cdcs, org, day, sector, admitted, workers):
    cdcs = make_cdcs(org, founded_on=day, sector=sector, workers=workers)
    figures_record(cdcs=cdcs, month=Month.of(day), members_start=0, admitted=admitted, workers=workers, user=None)
    return cdcs


@pytest.fixture
def world(province, federation, other_federation, kcn, vy, programme, make_cdcs):
    d1 = make_cdcs(federation, sector=Sector.PRIVATE, opening=950, first_month=Month(2020, 6), workers=2000)
    figures_record(cdcs=d1, month=Month(2020, 9), admitted=50, user=None)
    figures_record(cdcs=d1, month=JANUARY, admitted=100, lost={LossReason.JOB: 10}, user=None)
    figures_record(
        cdcs=d1, month=Month(2021, 3), admitted=200, transferred_in=3, lost={LossReason.RETIRED: 5}, user=None
    )
    figures_record(cdcs=d1, month=JUNE, admitted=50, workers=2000, user=None)
    d2 = _founded(make_cdcs, federation, date(2021, 2, 10), Sector.PUBLIC, 20, 40)
    d3 = _founded(make_cdcs, federation, date(2021, 4, 5), Sector.PRIVATE, 10, 30)

    p1 = make_cdcs(other_federation, sector=Sector.PUBLIC, opening=500, first_month=Month(2020, 12), workers=600)
    figures_record(cdcs=p1, month=Month(2021, 2), admitted=40, lost={LossReason.DIED: 2}, user=None)
    figures_record(cdcs=p1, month=Month(2021, 5), admitted=20, lost={LossReason.TRANSFERRED_OUT: 8}, user=None)
    p2 = _founded(make_cdcs, other_federation, date(2021, 1, 15), Sector.SOE, 30, 35)
    cdcs_dissolve(cdcs=p2, on=date(2021, 5, 20), reason="Doanh nghiệp phá sản", user=None)

    k1 = make_cdcs(kcn, sector=Sector.FDI, opening=300, first_month=Month(2020, 12), workers=400)
    figures_record(cdcs=k1, month=JUNE, admitted=70, workers=400, user=None)
    for cdcs, workers in ((d2, 40), (d3, 30), (p1, 600)):  # every active CĐCS has its June row
        figures_record(cdcs=cdcs, month=JUNE, workers=workers, user=None)
    return {"d1": d1, "p1": p1, "k1": k1}


@pytest.fixture(scope="module")
def reorganised_once(django_db_setup, django_db_blocker):
    """The province a reorganisation plan of June 2021 left (unionportal.testing.reorganised), built
    once per module that asks for it, in a transaction rolled back at the module's end: only
    modules whose every database test uses `reorganised` may ask for it."""
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
            world = reorganised_province()
        yield world
        transaction.set_rollback(True)


@pytest.fixture
def reorganised(reorganised_once, db):
    """The module's reorganised province for one test, in a savepoint of its own."""
    return reorganised_once
