"""Reads on a replica (issue 22): the pages that only read (the dashboards, the brief, the JSON API,
the report and its drill-downs) read a streaming replica of PostgreSQL when DATABASE_REPLICA_URL
gives one; everything else reads and writes the primary.

- `replica_reads` marks such a view. Its request reads the replica when the replica answers, is
  no further behind than REPLICA_MAX_LAG_SECONDS, and the person has not written in the last
  REPLICA_STICKY_SECONDS ("what I saved is what I see"). A replica that fails in the middle of the
  page makes the page read the primary again, from the start: never a 500 for a replica.
- `ReplicaReadsMiddleware` gives each request its state, and after a request that wrote (a POST,
  PUT, PATCH or DELETE that succeeded, or any write the router saw) sets a signed cookie that sends
  that browser's reads to the primary for REPLICA_STICKY_SECONDS.
- `ReplicaRouter` sends a marked request's reads to the replica until it writes, every write to
  the primary, and migrations to the primary only. Who is signed in (sessions, users, login
  throttling, API keys) is always read on the primary: a login must not wait for the replica.

The project knows no app here: models are named by label, as strings."""

import logging
import time
from contextvars import ContextVar
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, InterfaceError, OperationalError, connections

log = logging.getLogger(__name__)

REPLICA = "replica"
COOKIE = "primary_reads"
SALT = "unionportal.replica.wrote"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# Read on the primary whatever the view (app labels, or app_label.model): who is signed in, and
# the API key that says so, whose last use the API records on every call.
PRIMARY_ONLY = frozenset({"auth", "contenttypes", "sessions", "admin", "axes", "reports.apitoken"})
# How far behind a standby is, in seconds: 0 when it has replayed all it received (an idle primary
# writes nothing, and the time of its last transaction says nothing then), NULL when it receives
# nothing; 0 on a server that is not a standby (the tests' mirror of the primary).
LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
    ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp())
END
"""


@dataclass
class Reads:
    """One request's reads: on the replica (while `replica`), until the request writes."""

    replica: bool = False
    wrote: bool = False


_reads: ContextVar[Reads | None] = ContextVar("replica_reads", default=None)
# The replica's health as last checked: (usable, until when the verdict holds, by time.monotonic()).
_verdict: dict[str, tuple[bool, float]] = {}


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def replica_readable(model) -> bool:
    meta = model._meta
    return meta.app_label not in PRIMARY_ONLY and meta.label_lower not in PRIMARY_ONLY


class ReplicaRouter:
    """Outside a request (commands, the shell, cron) it has no opinion: Django's default, the primary."""

    def db_for_read(self, model, **hints):
        reads = _reads.get()
        if reads is None:
            return None
        if reads.replica and not reads.wrote and replica_readable(model):
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        reads = _reads.get()
        if reads is not None and replica_readable(model):
            reads.wrote = True  # from here on this request reads what it wrote, on the primary
        instance = hints.get("instance")
        if reads is not None or (instance is not None and instance._state.db == REPLICA):
            return DEFAULT_DB_ALIAS
        return None

    def allow_relation(self, obj1, obj2, **hints):
        if {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return False if db == REPLICA else None


def wrote_recently(request) -> bool:
    """Whether this browser wrote within the last REPLICA_STICKY_SECONDS (the signed cookie's age)."""
    stamp = request.get_signed_cookie(COOKIE, default=None, salt=SALT, max_age=settings.REPLICA_STICKY_SECONDS)
    return stamp is not None


def replica_usable(*, recheck: bool = False) -> bool:
    """Whether the replica answers and is no further behind than REPLICA_MAX_LAG_SECONDS. The
    verdict is kept REPLICA_CHECK_SECONDS (one query every few seconds per process, not per page);
    a change of verdict is logged."""
    now = time.monotonic()
    known = _verdict.get(REPLICA)
    if known is not None and not recheck and now < known[1]:
        return known[0]
    usable, reason = _check()
    if not usable and (known is None or known[0]):
        log.warning("replica: reads go to the primary: %s", reason)
    elif usable and known is not None and not known[0]:
        log.info("replica: reads go to the replica again")
    _verdict[REPLICA] = (usable, now + settings.REPLICA_CHECK_SECONDS)
    return usable


def replica_verdict_forget() -> None:
    """Check the replica afresh on the next request (the tests, after pointing it elsewhere)."""
    _verdict.clear()


def _check() -> tuple[bool, str]:
    connection = connections[REPLICA]
    try:
        with connection.cursor() as cursor:
            cursor.execute(LAG_SQL if connection.vendor == "postgresql" else "SELECT 0")
            lag = cursor.fetchone()[0]
    except DatabaseError as error:
        _close(connection)
        return False, f"it does not answer ({type(error).__name__})"
    if lag is None:
        return False, "it receives nothing from the primary"
    if lag > settings.REPLICA_MAX_LAG_SECONDS:
        return False, f"it is {lag:.1f} s behind (REPLICA_MAX_LAG_SECONDS {settings.REPLICA_MAX_LAG_SECONDS})"
    return True, ""


def _close(connection) -> None:
    try:
        connection.close()
    except DatabaseError:
        pass  # a connection that broke cannot be closed politely; Django drops it all the same


def _may_read_replica(request) -> bool:
    return (
        settings.REPLICA_READS
        and replica_configured()
        and request.method in SAFE_METHODS
        and not wrote_recently(request)
        and replica_usable()
    )


def replica_reads(view):
    """Mark a view that only reads: its request reads the replica when the replica may serve it."""

    @wraps(view)
    def reading(request, *args, **kwargs):
        reads = _reads.get()
        if reads is None or not _may_read_replica(request):
            return view(request, *args, **kwargs)
        reads.replica = True
        try:
            return view(request, *args, **kwargs)
        except (OperationalError, InterfaceError) as error:
            if reads.wrote:
                raise  # it was reading the primary already: the primary failed (503, middleware.py)
            reads.replica = False
            _close(connections[REPLICA])
            replica_usable(recheck=True)
            name = request.resolver_match.view_name if request.resolver_match else view.__name__
            log.warning("replica: %s read on the primary after %s on the replica", name, type(error).__name__)
            return view(request, *args, **kwargs)
        finally:
            reads.replica = False

    return reading


class ReplicaReadsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reads = Reads()
        token = _reads.set(reads)
        try:
            response = self.get_response(request)
        finally:
            _reads.reset(token)
        saved = request.method not in SAFE_METHODS and response.status_code < 400
        if replica_configured() and (saved or reads.wrote):
            response.set_signed_cookie(
                COOKIE,
                "1",
                salt=SALT,
                max_age=settings.REPLICA_STICKY_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
