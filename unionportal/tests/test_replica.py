"""Reads on a replica (unionportal/replica.py): which pages read the alias `replica`, that a
person who saved reads the primary for a while and another person does not, that nothing is
written there, and that a replica which does not answer costs nothing but the primary's time.

The alias is the test database's mirror on SQLite and on PostgreSQL without DATABASE_REPLICA_URL
(conftest.py), the real standby with it (the CI's PostgreSQL run, .ci/replica): the same tests,
which commit their rows (transaction=True) and wait for a standby to replay them."""

import json
import logging
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, router
from django.test import Client
from django.urls import reverse

from members.figures.services import figures_record
from members.models import FederationMonth, MonthlyFigure, SummaryHorizon
from reports.tokens import api_token_create
from unionportal.lib.months import Month
from unionportal.replica import COOKIE, REPLICA
from unionportal.testing.html import grid_form
from unionportal.testing.province import user_create
from unionportal.testing.replica import reads_on, replica_pointed_at_nothing, standby_replayed

MARCH = Month(2026, 3)
RANGE = f"?start={MARCH.iso}&end={MARCH.iso}"


def through_replica(test):
    """A test whose requests read the alias `replica`: its rows are committed, so that another
    connection sees them; the tests of the alias run one after another on one worker."""
    marks = (
        pytest.mark.replica,
        pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA]),
        pytest.mark.xdist_group("replica"),
    )
    for mark in marks:
        test = mark(test)
    return test


@pytest.fixture
def cdcs(federation, make_cdcs, federation_user, leader, provincial_staff):
    """A CĐCS of DT with its March 2026 (37 admitted), committed and, on a real standby, replayed."""
    cdcs = make_cdcs(federation, opening=120, first_month=Month(2026, 1))
    figures_record(cdcs=cdcs, month=MARCH, admitted=37, user=None)
    standby_replayed()
    return cdcs


FIGURES = {"members_monthlyfigure", "members_federationmonth"}  # the monthly rows, or their summary


def read_pages(cdcs) -> dict[str, str]:
    """Every page that reads the replica, for the range of March 2026."""
    pages = {
        name: reverse(f"reports:{name}") + RANGE
        for name in (
            "dashboard",
            "dashboard_officers",
            "dashboard_export",
            "brief",
            "brief_docx",
            "progress",
            "progress_export",
            "api_progress",
        )
    }
    for name in ("federation_detail", "federation_detail_export"):
        pages[name] = reverse(f"reports:{name}", kwargs={"code": "DT"}) + RANGE
    for name in ("cdcs_months", "cdcs_months_export"):
        pages[name] = reverse(f"reports:{name}", kwargs={"code": cdcs.code}) + RANGE
    return pages


def grid_url(code="DT", month=MARCH):
    return reverse("members:grid", kwargs={"code": code, "month": month})


def months_page(cdcs) -> str:
    return reverse("reports:cdcs_months", kwargs={"code": cdcs.code}) + RANGE


def admitted_shown(response) -> bool:
    return response.status_code == 200 and response.context["months"].rows[0].figure.admitted


@through_replica
def test_the_dashboard_brief_api_report_and_drilldowns_read_the_replica(client_for, cdcs, leader):
    client = client_for(leader)
    wrong = []
    for name, url in read_pages(cdcs).items():
        with reads_on() as reads:
            response = client.get(url)
        if response.status_code != 200:
            wrong.append(f"{name}: {response.status_code}")
        if not FIGURES & (reads.portal_tables(REPLICA) | reads.portal_tables(DEFAULT_DB_ALIAS)):
            wrong.append(f"{name}: read no figures")  # so that the next two lines mean something
        if not reads.portal_tables(REPLICA):
            wrong.append(f"{name}: nothing read on the replica")
        if reads.portal_tables(DEFAULT_DB_ALIAS):
            wrong.append(f"{name}: read {sorted(reads.portal_tables(DEFAULT_DB_ALIAS))} on the primary")
        if COOKIE in response.cookies:
            wrong.append(f"{name}: a read made the leader stick to the primary")
    assert not wrong, "\n".join(wrong)


@through_replica
def test_the_grid_the_board_uploads_the_register_and_the_admin_read_the_primary(client_for, cdcs, federation_user):
    superuser = user_create("quantri", None, is_staff=True, is_superuser=True)
    pages = [
        (federation_user, grid_url()),
        (federation_user, reverse("members:upload", kwargs={"code": "DT", "month": MARCH})),
        (federation_user, reverse("members:cdcs_list")),
        (federation_user, reverse("members:board")),
        (superuser, reverse("admin:members_monthlyfigure_changelist")),
        (superuser, reverse("admin:members_monthlyfigure_change", args=[MonthlyFigure.objects.first().pk])),
    ]
    wrong = []
    for user, url in pages:
        with reads_on() as reads:
            response = client_for(user).get(url)
        if response.status_code != 200 or reads.statements(REPLICA) or not reads.portal_tables(DEFAULT_DB_ALIAS):
            wrong.append(f"{url}: {response.status_code}, on the replica {reads.statements(REPLICA)}")
    assert not wrong, "\n".join(wrong)


@through_replica
def test_who_saved_reads_the_primary_for_a_while_and_nobody_else_does(client, cdcs, federation_user, leader, settings):
    staff = client
    staff.force_login(federation_user)
    form = grid_form(staff.get(grid_url()))
    form[f"r{cdcs.pk}-admitted"] = "41"
    with reads_on() as saving:
        saved = staff.post(grid_url(), form)
    assert saved.status_code == 302 and COOKIE in saved.cookies
    assert saved.cookies[COOKIE]["max-age"] == settings.REPLICA_STICKY_SECONDS
    assert not saving.statements(REPLICA)
    standby_replayed()

    with reads_on() as own:
        response = staff.get(months_page(cdcs))
    assert admitted_shown(response) == 41
    assert not own.portal_tables(REPLICA) and "members_monthlyfigure" in own.portal_tables(DEFAULT_DB_ALIAS)

    other = Client()
    other.force_login(leader)
    with reads_on() as others:
        response = other.get(months_page(cdcs))
    assert admitted_shown(response) == 41
    assert "members_monthlyfigure" in others.portal_tables(REPLICA)
    assert not others.portal_tables(DEFAULT_DB_ALIAS)

    settings.REPLICA_STICKY_SECONDS = 0  # the while is over: the saver reads the replica again
    with reads_on() as later:
        staff.get(months_page(cdcs))
    assert "members_monthlyfigure" in later.portal_tables(REPLICA)


@through_replica
def test_a_page_that_writes_writes_on_the_primary_and_reads_there_after(client_for, cdcs, federation, leader):
    """The reports build a federation's summary on its first read when it has none (rows loaded
    around the services): from that write on, the request reads the primary, which has it, and
    the leader's next pages too; the replica is never written to."""
    FederationMonth.objects.filter(federation=federation).delete()
    SummaryHorizon.objects.filter(federation=federation).delete()
    standby_replayed()
    client = client_for(leader)
    with reads_on() as reads:
        response = client.get(reverse("reports:dashboard") + RANGE)
    assert response.status_code == 200
    assert SummaryHorizon.objects.filter(federation=federation).exists()
    assert all(sql.lstrip().upper().startswith("SELECT") for sql in reads.statements(REPLICA))
    assert "members_federationmonth" in reads.portal_tables(DEFAULT_DB_ALIAS)
    assert COOKIE in response.cookies  # a write the router saw: the leader's pages read the primary a while


@through_replica
def test_an_api_key_is_read_and_stamped_on_the_primary_and_the_report_on_the_replica(client, cdcs, provincial_staff):
    _token, key = api_token_create(user=provincial_staff, name="bảng tin", created_by=provincial_staff)
    with reads_on() as reads:
        response = client.get(reverse("reports:api_progress") + RANGE, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert response.json()["total"]["admitted"] == 37
    assert any("reports_apitoken" in sql for sql in reads.statements(DEFAULT_DB_ALIAS))
    assert not any("reports_apitoken" in sql for sql in reads.statements(REPLICA))
    assert "members_federationmonth" in reads.portal_tables(REPLICA)
    assert COOKIE not in response.cookies


@through_replica
def test_a_replica_that_does_not_answer_leaves_the_pages_to_the_primary(client_for, cdcs, leader, caplog):
    client = client_for(leader)
    with replica_pointed_at_nothing(), caplog.at_level(logging.INFO, logger="unionportal.replica"):
        responses = [client.get(url) for url in read_pages(cdcs).values()]
        months = client.get(months_page(cdcs))
    assert [response.status_code for response in responses] == [200] * len(responses)
    assert admitted_shown(months) == 37
    warnings = [record.getMessage() for record in caplog.records if record.name == "unionportal.replica"]
    assert warnings == ["replica: reads go to the primary: it does not answer (OperationalError)"]  # once, not per page
    assert leader.username not in caplog.text


@through_replica
def test_a_replica_lost_between_its_check_and_the_page_is_read_again_on_the_primary(
    client_for, cdcs, leader, caplog, settings
):
    settings.REPLICA_CHECK_SECONDS = 3600  # the verdict "usable" outlives the replica
    client = client_for(leader)
    assert admitted_shown(client.get(months_page(cdcs))) == 37
    with replica_pointed_at_nothing(forget=False), caplog.at_level(logging.INFO, logger="unionportal.replica"):
        response = client.get(months_page(cdcs))
        after = client.get(months_page(cdcs))
    assert admitted_shown(response) == 37 and admitted_shown(after) == 37
    messages = [record.getMessage() for record in caplog.records if record.name == "unionportal.replica"]
    assert messages == [
        "replica: reads go to the primary: it does not answer (OperationalError)",
        "replica: reports:cdcs_months read on the primary after OperationalError on the replica",
    ]


# --- the router and the settings, without a request ---------------------------------------------


def test_nothing_is_migrated_on_the_replica_and_objects_of_both_may_be_related():
    assert router.allow_migrate(REPLICA, "members", model_name="monthlyfigure") is False
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "members", model_name="monthlyfigure") is True
    figure, organisation = MonthlyFigure(), MonthlyFigure._meta.get_field("federation").related_model()
    figure._state.db, organisation._state.db = DEFAULT_DB_ALIAS, REPLICA
    assert router.allow_relation(figure, organisation) is True


def test_outside_a_request_everything_reads_and_writes_the_primary():
    assert router.db_for_read(MonthlyFigure) == DEFAULT_DB_ALIAS
    assert router.db_for_write(MonthlyFigure) == DEFAULT_DB_ALIAS
    assert settings.DATABASE_ROUTERS == ["unionportal.replica.ReplicaRouter"]


SETTINGS = """
import json
import django
django.setup()
from django.conf import settings
print(json.dumps({alias: {key: database.get(key) for key in ("HOST", "PORT", "OPTIONS", "TEST")}
                  for alias, database in settings.DATABASES.items()}, default=str))
"""


def databases_with(**env) -> tuple[dict | None, str]:
    """settings.DATABASES of a process started with `env` (and neither URL of this one), or None
    and what it printed when the settings refused."""
    clean = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "DATABASE_REPLICA_URL"}}
    result = subprocess.run(
        [sys.executable, "-c", SETTINGS],
        env={**clean, "DJANGO_SETTINGS_MODULE": "unionportal.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=settings.BASE_DIR,
    )
    return (json.loads(result.stdout) if result.returncode == 0 else None), result.stderr


def test_the_replica_alias_is_there_only_with_a_replica_url_and_only_beside_postgresql():
    primary, replica = (
        "postgres://portal@db.internal:5432/unionportal",
        "postgres://portal@db-2.internal:5433/unionportal",
    )
    without, _ = databases_with(DATABASE_URL=primary)
    both, _ = databases_with(DATABASE_URL=primary, DATABASE_REPLICA_URL=replica)
    refused, message = databases_with(DATABASE_REPLICA_URL=replica)

    assert list(without) == ["default"]
    assert list(both) == ["default", "replica"]
    assert (both["replica"]["HOST"], both["replica"]["PORT"]) == ("db-2.internal", 5433)
    assert both["replica"]["TEST"]["MIRROR"] == "default"  # the tests read the test database there
    assert both["replica"]["OPTIONS"] == {
        "options": "-c jit=off -c max_parallel_workers_per_gather=0",
        "connect_timeout": 2,
    }
    assert refused is None and "DATABASE_REPLICA_URL là bản sao của một PostgreSQL" in message
