"""The member register at the size of the largest provinces (bench/register_scale.py: 2.5 million
members): indexes for the search and the register's counts.

- On PostgreSQL, a GIN index of every beginning of every word of the folded name (the function
  member_name_prefixes: " nguyen van " → n, ng, …, nguyen, v, va, van), which
  members.register.people.NameWords asks. It replaces the trigram index of 0007: "nguyen van hung"
  was twelve trigrams each held by a third of the province, merged in 185–300 ms; it is now three
  words, merged in 25–50 ms. The function is plpgsql, the quickest of the ways tried to write it
  (about 5 µs a name; the index of 2.5 million names builds in under two minutes).
- member_id_ending: the last four digits of the ID number, the only part of one a search may use.
- member_event_counts: every column the register's monthly counts read, so that they are counted
  from the index without the table; it replaces the index on (cdcs, month), its first two columns.

SQLite keeps the name index it scans (fast enough at the size of its provinces) and gets the other two."""

import django.db.models.functions.text
from django.db import migrations, models

PREFIXES = """
CREATE OR REPLACE FUNCTION member_name_prefixes(name text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    word text;
    prefixes text[] := '{}';
BEGIN
    FOREACH word IN ARRAY string_to_array(btrim(name), ' ') LOOP
        FOR n IN 1 .. char_length(word) LOOP
            prefixes := prefixes || left(word, n);
        END LOOP;
    END LOOP;
    RETURN prefixes;
END
$$
"""
INDEX = "members_member_name_words"
TRIGRAMS = "members_member_search_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PREFIXES)
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON members_member USING gin (member_name_prefixes(search_name))"
        )
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAMS}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {TRIGRAMS} ON members_member USING gin (search_name gin_trgm_ops)"
        )
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
        schema_editor.execute("DROP FUNCTION IF EXISTS member_name_prefixes(text)")


class Migration(migrations.Migration):
    dependencies = [("members", "0016_upload_reading")]

    operations = [
        migrations.AddIndex(
            model_name="memberevent",
            index=models.Index(fields=["cdcs", "month", "kind", "reason"], name="member_event_counts"),
        ),
        migrations.RemoveIndex(model_name="memberevent", name="members_mem_cdcs_id_66b07a_idx"),
        migrations.AddIndex(
            model_name="member",
            index=models.Index(django.db.models.functions.text.Right("id_number", 4), name="member_id_ending"),
        ),
        migrations.RunPython(create, drop),
    ]
