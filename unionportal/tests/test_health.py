"""/health/, what the load balancer polls: 200 while this app server can serve the portal, 503 with
the failing check otherwise, and never a secret in the answer."""

import pytest
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.urls import reverse

from unionportal import health


@pytest.fixture
def fresh_process(monkeypatch):
    """As in a newly started app server: the migrations were not yet seen applied."""
    monkeypatch.setattr(health, "_migrations_applied", False)


def test_a_healthy_server_answers_200_without_a_login(client, db, fresh_process):
    response = client.get(reverse("health"))

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "migrations": "ok"}}
    assert "no-cache" in response["Cache-Control"]


def test_an_unapplied_migration_makes_it_503(client, db, fresh_process):
    # The last migration of the training app, as on a server of a newer release started before
    # `migrate` ran: its row in django_migrations is gone (rolled back with the test).
    recorder = MigrationRecorder(connection)
    last = recorder.migration_qs.filter(app="training").order_by("-name").first()
    recorder.record_unapplied(last.app, last.name)

    response = client.get(reverse("health"))

    assert response.status_code == 503
    assert response.json() == {"status": "error", "checks": {"database": "ok", "migrations": "error"}}

    recorder.record_applied(last.app, last.name)
    assert client.get(reverse("health")).status_code == 200


def test_once_seen_applied_the_migrations_are_not_read_again(client, db, fresh_process, django_assert_num_queries):
    client.get(reverse("health"))

    with django_assert_num_queries(1):  # the SELECT 1
        assert client.get(reverse("health")).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_an_unreachable_database_makes_it_503_and_leaks_nothing(client, fresh_process):
    saved = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = "/nonexistent-directory/secret-name.sqlite3"
    else:
        connection.settings_dict.update(HOST="127.0.0.1", PORT="1", NAME="secret-name", PASSWORD="secret-password")
    try:
        response = client.get(reverse("health"))
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)

    assert response.status_code == 503
    assert response.json() == {"status": "error", "checks": {"database": "error", "migrations": "unknown"}}
    assert b"secret" not in response.content
    # and it recovers as soon as the database answers again, without a restart
    assert client.get(reverse("health")).status_code == 200


def test_only_get(client, db):
    assert client.post(reverse("health")).status_code == 405
