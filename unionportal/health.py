"""`/health/` for the load balancer: is this app server able to serve the portal?

Two checks: the database answers a SELECT 1, and every migration on disk is applied to it (an app
server of a newer release started before `migrate` ran, or against the wrong database, answers
503 until it is). No login, JSON, and nothing in the answer but the names of the checks and
"ok"/"error": no host, database name, version or exception text, which go to the log instead."""

import logging

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

log = logging.getLogger(__name__)

# Loading the migration graph costs tens of milliseconds; once this process has seen every
# migration applied, that stays true for its lifetime (migrations are not unapplied under a
# running release), so the load balancer's polls cost only the SELECT 1 after that.
_migrations_applied = False


def database_reachable(alias: str = DEFAULT_DB_ALIAS) -> bool:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        log.exception("health: the database %r does not answer", alias)
        return False


def migrations_applied(alias: str = DEFAULT_DB_ALIAS) -> bool:
    global _migrations_applied
    if _migrations_applied:
        return True
    try:
        executor = MigrationExecutor(connections[alias])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError:
        log.exception("health: cannot read the applied migrations of %r", alias)
        return False
    if plan:
        log.error("health: %d migration(s) not applied, first %s", len(plan), plan[0][0])
        return False
    _migrations_applied = True
    return True


@never_cache
@require_GET
def health(request):
    checks = {"database": "ok" if database_reachable() else "error"}
    if checks["database"] == "ok":
        checks["migrations"] = "ok" if migrations_applied() else "error"
    else:
        checks["migrations"] = "unknown"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503)
