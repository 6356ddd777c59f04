"""Reads on a real streaming replica: PostgreSQL with DATABASE_REPLICA_URL, the standby that
.ci/replica makes beside the primary (CI fails when these are skipped on its PostgreSQL run).

What the primary commits reaches a leader's page once the standby has replayed it; the person who
saved sees their figure at once, from the primary, while the standby has not replayed it yet (its
replay paused); and a standby further behind than REPLICA_MAX_LAG_SECONDS is not read at all."""

import pytest
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.test import Client
from django.urls import reverse

from members.figures.services import figures_record
from unionportal.lib.months import Month
from unionportal.replica import COOKIE, REPLICA
from unionportal.testing.html import grid_form
from unionportal.testing.replica import (
    reads_on,
    replica_is_standby,
    standby_received,
    standby_replay_paused,
    standby_replayed,
)

MARCH = Month(2026, 3)
RANGE = f"?start={MARCH.iso}&end={MARCH.iso}"

pytestmark = [
    pytest.mark.skipif(
        not settings.DATABASE_REPLICA_URL,
        reason="no standby: set DATABASE_REPLICA_URL (.ci/replica starts one on 127.0.0.1:5434)",
    ),
    pytest.mark.replica,
    pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA]),
    pytest.mark.xdist_group("replica"),
]


@pytest.fixture
def cdcs(federation, make_cdcs, federation_user, leader):
    cdcs = make_cdcs(federation, opening=120, first_month=Month(2026, 1))
    figures_record(cdcs=cdcs, month=MARCH, admitted=37, user=None)
    standby_replayed()
    return cdcs


@pytest.fixture
def leader_client(leader):
    client = Client()
    client.force_login(leader)
    return client


def admitted_on_page(client, cdcs) -> tuple[int, object]:
    """The March admitted that the CĐCS's months page shows `client`, and what it read where."""
    with reads_on() as reads:
        response = client.get(reverse("reports:cdcs_months", kwargs={"code": cdcs.code}) + RANGE)
    assert response.status_code == 200
    return response.context["months"].rows[0].figure.admitted, reads


def test_the_alias_is_a_standby_of_the_test_database():
    assert replica_is_standby()

    assert connections[REPLICA].settings_dict["NAME"] == connections[DEFAULT_DB_ALIAS].settings_dict["NAME"]
    assert connections[REPLICA].settings_dict["PORT"] != connections[DEFAULT_DB_ALIAS].settings_dict["PORT"]


def test_what_the_primary_committed_reaches_a_leaders_page_once_replayed(cdcs, leader_client):
    admitted, reads = admitted_on_page(leader_client, cdcs)
    assert admitted == 37
    assert "members_monthlyfigure" in reads.portal_tables(REPLICA)
    assert not reads.portal_tables(DEFAULT_DB_ALIAS)

    figures_record(cdcs=cdcs, month=MARCH, admitted=52, user=None)
    standby_replayed()
    assert admitted_on_page(leader_client, cdcs)[0] == 52


def test_who_saved_sees_it_at_once_while_the_standby_has_not_replayed_it(
    client, cdcs, federation_user, leader_client, settings
):
    settings.REPLICA_MAX_LAG_SECONDS = 3600  # a paused standby is still read: what others see is its past
    client.force_login(federation_user)
    grid = reverse("members:grid", kwargs={"code": "DT", "month": MARCH})
    form = grid_form(client.get(grid))
    form[f"r{cdcs.pk}-admitted"] = "41"
    standby_replayed()  # the session and the grid's reads so far

    with standby_replay_paused():
        saved = client.post(grid, form)
        assert saved.status_code == 302 and COOKIE in saved.cookies
        standby_received()  # the save is on the standby's disk, not yet in what it shows

        own, own_reads = admitted_on_page(client, cdcs)
        others, others_reads = admitted_on_page(leader_client, cdcs)

    assert (own, others) == (41, 37)
    assert not own_reads.portal_tables(REPLICA)
    assert "members_monthlyfigure" in others_reads.portal_tables(REPLICA)
    standby_replayed()
    assert admitted_on_page(leader_client, cdcs)[0] == 41


def test_a_standby_further_behind_than_allowed_is_not_read(cdcs, leader_client, settings):
    settings.REPLICA_MAX_LAG_SECONDS = 0
    with standby_replay_paused():
        figures_record(cdcs=cdcs, month=MARCH, admitted=44, user=None)
        standby_received()
        admitted, reads = admitted_on_page(leader_client, cdcs)
    assert admitted == 44
    assert not reads.portal_tables(REPLICA)
    assert "members_monthlyfigure" in reads.portal_tables(DEFAULT_DB_ALIAS)
