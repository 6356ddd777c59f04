"""members_monthlyfigure partitioned by year of `month` on PostgreSQL (issue 22); SQLite as it was.

One partition a year from 1990 (unionportal.lib.months.EARLIEST: no earlier month can be typed) to
2036, a decade after this migration, one for anything before 1990 and a DEFAULT partition for any
month after 2036, so that no insert can fail. The partition before 1990 stays empty; it is there so
that the default one holds only months after 2036, which PostgreSQL can then leave out of a query
bounded by a month: "the last row before March" reads the partitions newest first and stops at
the first row (an ordered Append), instead of merging all of them. A month's writes, a
federation-month's grid and a year's sums read or write one partition; a closed programme's years
can be detached and archived (docs/operations.md).

A partitioned table's unique indexes must hold the partition key: in PostgreSQL the primary key
is (id, month), while Django keeps `id` as the primary key it knows (ids stay unique: they come
from the one identity sequence). Nothing points at these rows by a foreign key. The unique
(cdcs, month), the CHECK constraints, the foreign keys and the indexes are recreated on the
partitioned table under their names, the privileges granted on the table too; the rows are
copied (a production database has them) and the identity continues where it was.

The table is rebuilt in the migration's transaction, which holds it locked: about a minute per
ten million rows on two cores. Reversible: the way back rebuilds the plain table the same way.
Django's state is unchanged (makemigrations sees nothing); a later migration that alters `month`
or the primary key must take the partitioning into account."""

import re

from django.db import migrations

TABLE = "members_monthlyfigure"
SWAP = "members_monthlyfigure_swap"
FIRST_YEAR, LAST_YEAR = 1990, 2036


def _keys_and_indexes(cursor) -> tuple[list, list]:
    """The table's primary key, unique and foreign keys as (name, kind, definition), and its other
    indexes as (name, CREATE INDEX …): what CREATE TABLE … (LIKE …) does not carry over."""
    cursor.execute(
        "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('p', 'u', 'f') ORDER BY contype, conname",
        [TABLE],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT class.relname, pg_get_indexdef(class.oid) FROM pg_index index "
        "JOIN pg_class class ON class.oid = index.indexrelid WHERE index.indrelid = %s::regclass "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint constraint_ "
        "WHERE constraint_.conindid = index.indexrelid AND constraint_.conrelid = index.indrelid) "
        "ORDER BY class.relname",
        [TABLE],
    )
    return constraints, cursor.fetchall()


def _grants(cursor) -> list[tuple[str, str]]:
    """(role, privilege) granted on the table to others than its owner."""
    cursor.execute(
        "SELECT CASE WHEN acl.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(role.rolname) END, acl.privilege_type "
        "FROM pg_class class CROSS JOIN LATERAL aclexplode(class.relacl) acl "
        "LEFT JOIN pg_roles role ON role.oid = acl.grantee "
        "WHERE class.oid = %s::regclass AND acl.grantee <> class.relowner",
        [TABLE],
    )
    return cursor.fetchall()


def _partitions(cursor) -> None:
    cursor.execute(
        f"CREATE TABLE {TABLE}_before_{FIRST_YEAR} PARTITION OF {TABLE} FOR VALUES FROM (MINVALUE) TO ('{FIRST_YEAR}-01-01')"
    )
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        cursor.execute(
            f"CREATE TABLE {TABLE}_y{year} PARTITION OF {TABLE} "
            f"FOR VALUES FROM ('{year}-01-01') TO ('{year + 1}-01-01')"
        )
    cursor.execute(f"CREATE TABLE {TABLE}_default PARTITION OF {TABLE} DEFAULT")


def rebuild(connection, *, by_year: bool) -> None:
    """Rebuild the table partitioned by year (by_year) or plain, with its rows, keys and indexes."""
    with connection.cursor() as cursor:
        # Foreign keys checked at commit (Django's are) would forbid the ALTER TABLE after rows
        # written earlier in the same transaction: check them now, and defer them again at the end.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SELECT count(*) FROM pg_constraint WHERE confrelid = %s::regclass", [TABLE])
        if cursor.fetchone()[0]:
            raise RuntimeError(f"a foreign key points at {TABLE}: its rows cannot be moved to a new table")
        constraints, indexes = _keys_and_indexes(cursor)
        grants = _grants(cursor)
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [TABLE])
        sequence = cursor.fetchone()[0]
        # The old table steps aside with its sequence, keys and indexes, so that the new one takes
        # their names.
        cursor.execute(f"ALTER TABLE {TABLE} RENAME TO {SWAP}")
        cursor.execute(f"ALTER SEQUENCE {sequence} RENAME TO {SWAP}_id_seq")
        for name, _kind, _definition in constraints:
            cursor.execute(f'ALTER TABLE {SWAP} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        layout = " PARTITION BY RANGE (month)" if by_year else ""
        cursor.execute(
            f"CREATE TABLE {TABLE} (LIKE {SWAP} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING IDENTITY "
            f"INCLUDING STORAGE INCLUDING COMMENTS){layout}"
        )
        if by_year:
            _partitions(cursor)
        cursor.execute(f"INSERT INTO {TABLE} SELECT * FROM {SWAP}")
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{TABLE}', 'id'), last_value, is_called) FROM {SWAP}_id_seq"
        )
        cursor.execute(f"DROP TABLE {SWAP}")
        # Keys and indexes after the rows: built once each, not row by row.
        for name, kind, definition in constraints:
            if kind == "p":
                definition = "PRIMARY KEY (id, month)" if by_year else "PRIMARY KEY (id)"
            cursor.execute(f'ALTER TABLE {TABLE} ADD CONSTRAINT "{name}" {definition}')
        for _name, definition in indexes:
            cursor.execute(re.sub(r" ON (ONLY )?\S+ USING ", f" ON {TABLE} USING ", definition, count=1))
        for role, privilege in grants:
            cursor.execute(f"GRANT {privilege} ON {TABLE} TO {role}")
        cursor.execute(f"ANALYZE {TABLE}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def by_year(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        rebuild(schema_editor.connection, by_year=True)


def plain(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        rebuild(schema_editor.connection, by_year=False)


class Migration(migrations.Migration):
    dependencies = [("members", "0014_officers")]

    operations = [migrations.RunPython(by_year, plain, elidable=False)]
