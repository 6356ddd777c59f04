"""What a bench script that empties its database does before anything else. Imported by the
scripts beside it, after django.setup()."""

import sys
from pathlib import Path

from django.core.management import call_command
from django.db import OperationalError, connection


def bench_database_ready(*, postgres_only: str = "") -> str:
    """Make sure DATABASE_URL names a database this script may empty (its name holds "bench":
    DATABASE_URL may come from .env), create it on PostgreSQL when missing, and migrate it.
    `postgres_only`: what to say on another database, for a script that measures PostgreSQL.
    Returns the database's name."""
    name = str(connection.settings_dict["NAME"])
    if postgres_only and connection.vendor != "postgresql":
        sys.exit(postgres_only)
    if "bench" not in Path(name).name:
        sys.exit(f"{name}: this script empties its database, and will only use one with “bench” in its name.")
    if connection.vendor == "postgresql":
        try:
            connection.ensure_connection()
        except OperationalError:
            with connection._nodb_cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{name}"')
    call_command("migrate", verbosity=0)
    return name
