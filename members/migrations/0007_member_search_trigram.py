"""On PostgreSQL, a trigram index lets the register's search (search_name LIKE '% word%') skip the
rows that cannot match instead of reading all of them (bench/member_speed.py: 200,000 members).
pg_trgm ships with PostgreSQL and is a trusted extension: the database's owner may create it.
SQLite has no such index; it scans the name index, which is fast enough at province size."""

from django.db import migrations

INDEX = "members_member_search_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON members_member USING gin (search_name gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("members", "0006_member_card_number_index")]

    operations = [migrations.RunPython(create, drop)]
