"""The replica as the tests of unionportal/replica.py see it: which tables a request read on each
connection, the alias pointed at a port where nothing listens, and waiting until a real standby
has replayed what the primary committed."""

import re
import socket
import time
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections
from django.test.utils import CaptureQueriesContext

from unionportal.replica import PRIMARY_ONLY, REPLICA, replica_verdict_forget

_TABLE = re.compile(r'\b(?:FROM|JOIN|INTO|UPDATE)\s+"(\w+)"', re.IGNORECASE)  # Django quotes tables
# Tables of the apps read on the primary whatever the view (sessions, users, login throttling).
_PRIMARY_ONLY_TABLES = tuple(f"{label.replace('.', '_')}" for label in PRIMARY_ONLY) + ("django_",)


@dataclass
class Reads:
    primary: CaptureQueriesContext
    replica: CaptureQueriesContext

    @staticmethod
    def _tables(captured: CaptureQueriesContext) -> set[str]:
        return {table for query in captured.captured_queries for table in _TABLE.findall(query["sql"])}

    def portal_tables(self, alias: str) -> set[str]:
        """The tables of the portal's own data a connection touched (not who is signed in)."""
        captured = self.replica if alias == REPLICA else self.primary
        return {table for table in self._tables(captured) if not table.startswith(_PRIMARY_ONLY_TABLES)}

    def statements(self, alias: str) -> list[str]:
        captured = self.replica if alias == REPLICA else self.primary
        return [query["sql"] for query in captured.captured_queries]


@contextmanager
def reads_on():
    """What the requests made inside the block read on the primary and on the replica."""
    with (
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as replica,
    ):
        yield Reads(primary, replica)


def closed_port() -> int:
    """A port of 127.0.0.1 where nothing listens: a connection there is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def replica_pointed_at_nothing(*, forget: bool = True):
    """The alias `replica` made to fail as a replica that went away does: PostgreSQL on a port
    where nothing listens, SQLite a file in a folder that does not exist. With `forget`, the
    portal checks it afresh on the next request; without, it goes on trusting its last verdict
    (a replica lost between its check and the page). Put back as it was at the end."""
    connection = connections[REPLICA]
    saved = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "postgresql":
        connection.settings_dict.update(HOST="127.0.0.1", PORT=str(closed_port()))
    else:
        connection.settings_dict["NAME"] = "/nonexistent-unionportal-folder/replica.sqlite3"
    if forget:
        replica_verdict_forget()
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
        replica_verdict_forget()


def replica_is_standby() -> bool:
    connection = connections[REPLICA]
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        return cursor.fetchone()[0]


def _primary_lsn() -> str:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        return cursor.fetchone()[0]


def _wait_on_standby(condition_sql: str, lsn: str, what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    with connections[REPLICA].cursor() as cursor:
        while True:
            cursor.execute(condition_sql, [lsn])
            if cursor.fetchone()[0]:
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"the standby has not {what} {lsn} in {timeout:.0f} s")
            time.sleep(0.02)


def standby_replayed(*, timeout: float = 60) -> None:
    """Wait until the standby has replayed everything the primary has committed so far (nothing to
    wait for on the tests' mirror, which is the primary's own database)."""
    if replica_is_standby():
        sql = "SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), %s) >= 0"
        _wait_on_standby(sql, _primary_lsn(), "replayed", timeout)


def standby_received(*, timeout: float = 60) -> None:
    """Wait until the standby has received (not necessarily replayed) what the primary committed."""
    sql = "SELECT pg_wal_lsn_diff(pg_last_wal_receive_lsn(), %s) >= 0"
    _wait_on_standby(sql, _primary_lsn(), "received", timeout)


def _on_standby(sql: str):
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


@contextmanager
def standby_replay_paused():
    """The standby receives the primary's WAL but applies none of it inside the block."""
    _on_standby("SELECT pg_wal_replay_pause()")
    try:
        while _on_standby("SELECT pg_get_wal_replay_pause_state()") != "paused":
            time.sleep(0.01)
        yield
    finally:
        _on_standby("SELECT pg_wal_replay_resume()")
